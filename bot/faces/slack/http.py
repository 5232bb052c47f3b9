"""HTTP mode: Bolt's WSGI adapter behind waitress, a production WSGI server.

Routes: ``POST /slack/events`` (events, slash commands and interactivity — one Request URL for
all three), ``GET /healthz``, ``/readyz`` and ``/metrics`` (``bot.ops.health``), the review
site under ``/review/``, and acknowledging from outside Slack
(``/ack/<token>``, ``/twilio/sms``, ``/twilio/voice``: ``bot.channels.web``). Bodies that are
not Slack's are refused before Bolt sees them: an unparseable body is 401 when unsigned or badly
signed and 400 when signed; anything over ``MAX_BODY`` is 413.

Gunicorn works too: ``gunicorn 'bot.faces.slack.http:wsgi_from_env()'`` builds the same app
from ``FRONTDESK_CONFIG`` and the ``SLACK_*`` environment.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.request.internals import parse_body
from slack_sdk.signature import SignatureVerifier
from waitress.server import create_server

from bot.channels.web import ChannelWeb
from bot.faces.slack.services import Services
from bot.ops.health import PATHS as OPS_PATHS
from bot.ops.health import Operations

log = logging.getLogger("frontdesk.slack")

EVENTS_PATH = "/slack/events"
REVIEW_PATH = "/review/"
MAX_BODY = 1_000_000  # Slack's payloads are far smaller; anything bigger is not Slack

StartResponse = Callable[..., Any]


class SlackWSGI:
    """The WSGI application: ``/slack/events`` through Bolt, ``/healthz``, 404 elsewhere."""

    def __init__(self, app: App, services: Services, signing_secret: str | None,
                 channels: ChannelWeb | None = None,
                 review: Callable[..., Iterable[bytes]] | None = None,
                 operations: Operations | None = None):
        self.bolt = SlackRequestHandler(app, path=EVENTS_PATH)
        # /healthz, /readyz, /metrics
        self.operations = operations or Operations(services.database, services.escalations)
        self.review = review  # the review site's WSGI app (bot.faces.web), mounted at /review
        self.services = services
        self.channels = channels
        self.verifier = SignatureVerifier(signing_secret) if signing_secret else None

    @staticmethod
    def _reply(start_response: StartResponse, status: str, body: dict[str, Any]) -> Iterable[bytes]:
        data = json.dumps(body).encode()
        start_response(
            status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
        )
        return [data]

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == REVIEW_PATH.rstrip("/") or path.startswith(REVIEW_PATH):
            if self.review is None:  # not configured: nothing is shown, not even a sign-in
                return self._reply(start_response, "404 Not Found", {"ok": False})
            return self.review(environ, start_response)
        if path in OPS_PATHS:
            return self.operations(environ, start_response)
        if self.channels is not None and self.channels.handles(path):
            return self.channels(environ, start_response)
        if path != EVENTS_PATH:
            return self._reply(start_response, "404 Not Found", {"ok": False})
        if method != "POST":
            return self._reply(start_response, "405 Method Not Allowed", {"ok": False})
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY:
            return self._reply(start_response, "413 Content Too Large", {"ok": False})
        body = environ["wsgi.input"].read(length) if length else b""
        refused = self.refuse_malformed(environ, body)
        if refused is not None:
            return self._reply(start_response, refused, {"ok": False})
        environ = {**environ, "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))}
        return self.bolt(environ, start_response)

    def refuse_malformed(self, environ: dict[str, Any], body: bytes) -> str | None:
        """A status for a body Bolt could not even parse (Bolt would answer 500)."""
        try:
            raw = body.decode("utf-8")
            parse_body(raw, environ.get("CONTENT_TYPE"))
            return None
        except (UnicodeDecodeError, ValueError):
            pass
        if self.verifier is None:
            return "400 Bad Request"
        timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
        signature = environ.get("HTTP_X_SLACK_SIGNATURE", "")
        try:
            signed = self.verifier.is_valid(body=body, timestamp=timestamp, signature=signature)
        except (TypeError, ValueError):  # no or non-numeric timestamp
            signed = False
        return "400 Bad Request" if signed else "401 Unauthorized"


class HttpServer:
    """waitress serving a WSGI app (``SlackWSGI``, or the operations endpoints alone);
    ``serve_forever`` in the foreground or ``start`` a thread."""

    def __init__(
        self, wsgi: Callable[..., Iterable[bytes]], host: str = "127.0.0.1", port: int = 3000,
        threads: int = 8,
    ):
        self.wsgi = wsgi
        self.server = create_server(
            wsgi,
            host=host,
            port=port,
            threads=threads,
            ident="frontdesk",
            asyncore_loop_timeout=0.5,
            clear_untrusted_proxy_headers=True,
        )
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    @property
    def port(self) -> int:
        return self.server.effective_port  # type: ignore[union-attr]

    @property
    def url(self) -> str:
        return f"http://{self.server.effective_host}:{self.port}"  # type: ignore[union-attr]

    def serve_forever(self) -> None:
        """Serve until ``stop()`` (from another thread) or SIGTERM / Ctrl-C (SystemExit)."""
        server: Any = self.server
        try:
            while not self._stopping.is_set():
                server.asyncore.loop(timeout=0.5, map=server._map, count=1)
        finally:
            server.task_dispatcher.shutdown(timeout=2)
            for channel in list(server._map.values()):
                with contextlib.suppress(Exception):  # already closing
                    channel.close()

    def start(self) -> HttpServer:
        self._thread = threading.Thread(
            target=self.serve_forever, name="frontdesk-http", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        with contextlib.suppress(Exception):
            self.server.pull_trigger()  # type: ignore[union-attr]  # wake the poll
        if self._thread is not None:
            self._thread.join(timeout=5)


def wsgi_from_env() -> SlackWSGI:
    """For other WSGI servers (gunicorn): the app from ``FRONTDESK_CONFIG`` and ``SLACK_*``."""
    from bot.faces.slack.runtime import Runtime  # runtime imports this module

    runtime = Runtime.from_env(mode="http")
    runtime.start_worker()
    return runtime.wsgi()
