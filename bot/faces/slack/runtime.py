"""One serving process: configuration, services, the Bolt app and its background threads.

``frontdesk serve`` (and ``http.wsgi_from_env`` for other WSGI servers) builds a ``Runtime``;
so do the end-to-end tests, with a config object and the fake Slack's URL in the secrets.
``start_worker`` starts the background: the outbox delivery worker, and the scheduler that acts
on deadlines kept in the database (re-escalation, expiry, hold reminders) every
``schedule.tick_seconds`` and sends the director's weekly digest when it falls due.
"""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path
from typing import Any

from slack_bolt.error import BoltError
from slack_sdk import WebClient

from bot.channels import Channels
from bot.channels.delivery import OutboxWorker
from bot.channels.slack import SlackTransport
from bot.channels.slack.checkpoints import checkpoint_task
from bot.channels.web import ChannelWeb
from bot.config import ChannelSecrets, Config, ConfigError, SlackSecrets, load_config
from bot.content.catalogue import Catalogue
from bot.escalation.retention import retention_job
from bot.escalation.scheduler import Scheduler, Task
from bot.faces.slack import preflight
from bot.faces.slack.app import InboxReplayer, build_app, require, web_client
from bot.faces.slack.http import HttpServer, SlackWSGI
from bot.faces.slack.services import Services
from bot.faces.slack.socket import SocketRunner
from bot.faces.slack.weekly import weekly_digest_job
from bot.ops.health import Operations, SlackCheck, WebApiProbe, socket_check
from bot.store import Database
from bot.store.outbox import OutboxStore
from bot.store.txn import utcnow

log = logging.getLogger("frontdesk.slack")


def refuse(problems: list[str]) -> None:
    """Refuse to start on the first problem, as one line naming the setting."""
    if problems:
        key, _, message = problems[0].partition(": ")
        raise ConfigError(key, message)


class Runtime:
    def __init__(
        self,
        config: Config,
        catalogue: Catalogue,
        secrets: SlackSecrets,
        *,
        mode: str,
        database: Database | None = None,
        channel_secrets: ChannelSecrets | None = None,
    ):
        require(secrets, mode)
        refuse(preflight.role_problems(config, catalogue))
        self.config = config
        self.secrets = secrets
        self.mode = mode
        self.services = Services.create(config, catalogue, database)
        try:
            self.app = build_app(self.services, secrets)
        except BoltError as exc:  # auth.test refused the token
            raise ConfigError("SLACK_BOT_TOKEN", f"Slack did not accept it ({exc})") from None
        except OSError as exc:  # Slack (or SLACK_API_URL) unreachable
            where = secrets.api_url or "https://slack.com/api/"
            raise ConfigError("SLACK_API_URL", f"cannot reach Slack at {where}: {exc}") from None
        try:
            refuse(preflight.slack_problems(config, self.app.client))
        except ConfigError:
            self.services.database.dispose()
            raise
        # Texts, calls and email: a missing secret is a start-up error, like a Slack token.
        self.channel_secrets = channel_secrets or ChannelSecrets.from_env()
        self.channels = Channels.from_config(config, self.channel_secrets)
        self.stop_event = threading.Event()
        self._worker: threading.Thread | None = None
        self._contacts: threading.Thread | None = None
        self._replayer: threading.Thread | None = None
        self.scheduler: Scheduler | None = None
        self._socket: SocketRunner | None = None

    @classmethod
    def from_env(
        cls, *, mode: str, config_path: Path | str | None = None, content: Path | None = None,
        database: Database | None = None,
    ) -> Runtime:
        config = load_config(config_path)
        catalogue = Catalogue.load(content or config.content)
        return cls(config, catalogue, SlackSecrets.from_env(), mode=mode, database=database)

    def start_worker(self) -> bool:
        """Replay inbox requests a dead process left behind, deliver queued pages and run the
        scheduler, each in a background thread (the last two when escalation is available).
        All stop with ``stop()``."""
        if self._replayer is None:
            replayer = InboxReplayer(self.app, self.services.slack_state)
            self._replayer = threading.Thread(target=replayer.run_forever,
                                              args=(self.stop_event,), name="frontdesk-inbox",
                                              daemon=True)
            self._replayer.start()
        if self.services.escalations is None or self._worker is not None:
            return False
        # The transport honours Retry-After itself: give it a client without our retry handlers.
        client = WebClient(token=self.secrets.bot_token, base_url=self.app.client.base_url)
        escalations = self.services.escalations
        worker = OutboxWorker(self.services.database, SlackTransport(client),
                              on_undelivered=escalations.undelivered, channels=self.channels,
                              failover=lambda eid, dead: escalations.failover(eid, dead=dead))
        self._worker = threading.Thread(
            target=worker.run_forever, args=(self.stop_event,), name="frontdesk-outbox", daemon=True
        )
        if contacts := worker.split_contacts():  # texts, emails, calls: never behind Slack
            self._contacts = threading.Thread(target=contacts.run_forever,
                                              args=(self.stop_event,),
                                              name="frontdesk-outbox-contacts", daemon=True)
            self._contacts.start()
        self._worker.start()
        self.scheduler = self.make_scheduler().start()
        return True

    def make_scheduler(self) -> Scheduler:
        """Deadlines on every pass; the daily retention purge and the weekly digest when their
        slots (in the database) are due."""
        assert self.services.escalations is not None
        tasks: list[tuple[str, Task]] = [
            ("deadlines", self.services.escalations.tick),
            ("retention", retention_job(self.services.database, self.config.retention_days)),
            ("audit-checkpoint", checkpoint_task(self.services.database,
                                                 channel=self.config.escalation.channel)),
        ]
        if job := weekly_digest_job(self.services, self.app.client):
            tasks.append(("weekly-digest", job))
        return Scheduler(tasks, interval=self.config.schedule.tick_seconds, stop=self.stop_event)

    def work_left(self) -> dict[str, int]:
        """What this process still has to do for what it has acknowledged or queued: the
        app's (``InboxApp.work_left``) and, with the delivery worker running, the outbox
        messages due now. All zero: at rest (what the tests wait for before they count)."""
        left = self.app.work_left()
        if self._worker is not None:
            left["outbox"] = OutboxStore(self.services.database).due(utcnow())
        return left

    def wsgi(self) -> SlackWSGI:
        return SlackWSGI(self.app, self.services, self.secrets.signing_secret,
                         channels=self.channel_web(), review=self.review_site(),
                         operations=self.operations())

    def operations(self) -> Operations:
        """/healthz, /readyz, /metrics; Slack counts as up when Socket Mode's connection is
        open (socket) or the Web API accepts the token (http)."""
        if self.mode == "socket":
            slack: SlackCheck = socket_check(self.socket_runner().handler.client)
        else:
            slack = WebApiProbe(self.app.client)
        return Operations(self.services.database, self.services.escalations, slack)

    def health_server(self, host: str, port: int) -> HttpServer:
        """Socket Mode's small HTTP listener for the operations endpoints."""
        return HttpServer(self.operations(), host=host, port=port, threads=2)

    def channel_web(self) -> ChannelWeb | None:
        """``/ack/<token>`` and Twilio's webhooks (with escalation available)."""
        if self.services.escalations is None:
            return None
        return ChannelWeb(self.services.escalations, self.config,
                          self.channel_secrets.twilio_auth_token,
                          self.channel_secrets.link_secret)

    def review_site(self):  # type: ignore[no-untyped-def]
        """The review site (a Flask app) when Sign in with Slack is configured, else None."""
        from bot.faces.web import ReviewSettings, create_review_app

        settings = ReviewSettings.from_env(self.config, bot_token=self.secrets.bot_token,
                                           api_url=self.secrets.api_url)
        if settings is None:
            return None
        return create_review_app(self.services.catalogue, self.config, self.services.database,
                                 settings)

    def http_server(
        self, host: str = "127.0.0.1", port: int = 3000, threads: int = 8
    ) -> HttpServer:
        favour_acknowledgements()
        return HttpServer(self.wsgi(), host=host, port=port, threads=threads)

    def socket_runner(self) -> SocketRunner:
        """The one Socket Mode connection of this process."""
        assert self.secrets.app_token
        favour_acknowledgements()
        if self._socket is None:
            self._socket = SocketRunner(self.app, self.secrets.app_token)
        return self._socket

    def stop(self) -> None:
        self.stop_event.set()
        for thread in (self._worker, self._contacts, self._replayer):
            if thread is not None:
                thread.join(timeout=5)
        if self.scheduler is not None:
            self.scheduler.stop(timeout=5)
        self.services.database.dispose()


ACK_SWITCH_INTERVAL = 0.001  # seconds (Python's default: 0.005)


def favour_acknowledgements() -> None:
    """A serving process switches threads every millisecond instead of every five: an
    acknowledgement waits for the interpreter each time its thread wakes (request read,
    database written), behind listeners busy routing, and Slack gives it three seconds.
    At 100 events/s this cuts the ack p99 about threefold for no measurable CPU
    (``bench/slack_bench.py``)."""
    if sys.getswitchinterval() > ACK_SWITCH_INTERVAL:
        sys.setswitchinterval(ACK_SWITCH_INTERVAL)


def describe(runtime: Runtime) -> dict[str, Any]:
    return {
        "library": runtime.config.library,
        "mode": runtime.mode,
        "escalation": runtime.services.escalations is not None,
        "router": runtime.services.router is not None,
        "client": web_client.__name__,
    }
