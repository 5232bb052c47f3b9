"""``/healthz``, ``/readyz`` and ``/metrics``: one small WSGI app, mounted in ``serve --http``
and served on its own port (``--health-port``) by ``serve --socket`` and ``worker``.

- ``/healthz`` — live: the database answers (200, else 503). A page that failed for good in the
  last 24 hours makes it ``"status": "degraded"``, still 200, so a load balancer keeps the
  instance while monitoring raises the alarm.
- ``/readyz`` — ready to take work: the database answers, its schema is current (no pending
  migration), Slack is connected (Socket Mode's WebSocket is open; in HTTP mode the Web API
  accepts the token), and no page is undelivered. 200 when all hold, else 503; the body names
  each check.
- ``/metrics`` — Prometheus text (``bot.ops.metrics``).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from bot.escalation import EscalationService
from bot.ops.scrape import CONTENT_TYPE, exposition
from bot.store import Database
from bot.store.ops import database_answers, pending

log = logging.getLogger("frontdesk.health")

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
METRICS_PATH = "/metrics"
PATHS = (HEALTH_PATH, READY_PATH, METRICS_PATH)

StartResponse = Callable[..., Any]
#: Returns None when Slack is reachable, else why not (one line).
SlackCheck = Callable[[], str | None]


class WebApiProbe:
    """HTTP mode's Slack check: ``auth.test`` with the bot token, at most once a minute."""

    def __init__(self, client: Any, every_seconds: float = 60.0):
        self.client = client
        self.every = every_seconds
        self._lock = threading.Lock()
        self._checked = 0.0
        self._problem: str | None = None

    def __call__(self) -> str | None:
        with self._lock:
            if time.monotonic() - self._checked >= self.every:
                try:
                    self.client.auth_test()
                    self._problem = None
                except Exception as exc:  # SlackApiError, or the network
                    error = getattr(getattr(exc, "response", None), "get", lambda _k: None)
                    self._problem = f"Slack Web API: {error('error') or type(exc).__name__}"
                self._checked = time.monotonic()
            return self._problem


def socket_check(client: Any) -> SlackCheck:
    """Socket Mode's Slack check: the WebSocket to Slack is open."""
    return lambda: None if client.is_connected() else "Socket Mode is not connected to Slack"


class Operations:
    """The WSGI app for ``PATHS``; 404 elsewhere."""

    def __init__(self, database: Database, escalations: EscalationService | None = None,
                 slack: SlackCheck | None = None):
        self.database = database
        self.escalations = escalations
        self.slack = slack

    # --- the checks ----------------------------------------------------------------------

    def _database(self) -> str | None:
        try:
            database_answers(self.database)
        except Exception:
            log.exception("health check: database unavailable")
            return "unavailable"
        return None

    def _undelivered(self) -> list[Any]:
        if self.escalations is None:
            return []
        try:
            return self.escalations.undelivered_pages()
        except Exception:
            log.exception("health check: reading undelivered pages failed")
            return []

    def live(self) -> tuple[str, dict[str, Any]]:
        if self._database():
            return "503 Service Unavailable", {"ok": False, "database": "unavailable"}
        dead = self._undelivered()
        if dead:  # the process is up, but pages do not get through: a person must look
            return "200 OK", {
                "ok": False, "status": "degraded", "database": "ok",
                "undelivered_pages": len(dead),
                "problems": sorted({f"page to {d.target}: {d.error}" for d in dead})[:10]}
        return "200 OK", {"ok": True, "status": "ok"}

    def ready(self) -> tuple[str, dict[str, Any]]:
        checks: dict[str, str] = {}
        problem = self._database()
        checks["database"] = problem or "ok"
        if problem is None:
            try:
                behind = pending(self.database)
                checks["migrations"] = (f"{len(behind)} pending (run `frontdesk migrate`): "
                                        + ", ".join(f"{v} {n}" for v, n in behind)
                                        if behind else "ok")
            except Exception:
                log.exception("readiness: reading the schema version failed")
                checks["migrations"] = "unknown"
            dead = self._undelivered()
            checks["pages"] = f"{len(dead)} undelivered in the last 24 hours" if dead else "ok"
        if self.slack is not None:
            checks["slack"] = self.slack() or "ok"
        ready = all(value == "ok" for value in checks.values())
        return ("200 OK" if ready else "503 Service Unavailable"), {"ready": ready,
                                                                   "checks": checks}

    # --- WSGI ----------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path not in PATHS:
            return _reply(start_response, "404 Not Found", {"ok": False})
        if environ.get("REQUEST_METHOD", "GET") not in ("GET", "HEAD"):
            return _reply(start_response, "405 Method Not Allowed", {"ok": False})
        if path == METRICS_PATH:
            data = exposition(self.database)
            start_response("200 OK", [("Content-Type", CONTENT_TYPE),
                                      ("Content-Length", str(len(data)))])
            return [data]
        status, body = self.live() if path == HEALTH_PATH else self.ready()
        return _reply(start_response, status, body)


def _reply(start_response: StartResponse, status: str, body: dict[str, Any]) -> Iterable[bytes]:
    data = json.dumps(body).encode()
    start_response(status, [("Content-Type", "application/json"),
                            ("Content-Length", str(len(data)))])
    return [data]
