"""Build the Bolt app: configuration and services in, an ``App`` with every listener out.

Listeners are registered by kind (``listeners/commands``, ``events``, ``actions``, ``views``,
and the page buttons' ``listeners/escalation``); none holds policy logic.
One middleware (``guard``) runs right after Bolt's own signature check, before Bolt's
authorization and every listener:

* a body that is not a Slack event, command or interaction is answered ``400`` and nothing is
  stored;
* a request whose signature was already seen (a replay) is answered ``401``;
* **persist before ack**: the request is written to the inbox (``bot.store.slack_inbox``)
  together with its idempotency keys (event id, message id, action timestamp, trigger id,
  signature) before Slack gets its acknowledgement, so a process killed right after the
  ``200`` loses nothing: its rows are replayed (``InboxReplayer``). A click or a command is
  written here, then acknowledged; an Events API event is written by the first commit of its
  own work, with its changes (``Pending``), and ``InboxApp`` holds Bolt's answer until that
  commit is in: one commit instead of two, and nothing acknowledged that is not on disk —
  unless its work would not start soon (every listener thread busy and either more work
  than threads waiting already, or nothing finished for a quarter second: the threads may
  all be held up by a slow call, and Slack's answer would wait with them;
  ``ListenerExecutor.starts_soon``): then it is stored here, as a click is.
  An event, click or command already
  stored — Slack's retries (``X-Slack-Retry-Num``), Socket Mode redeliveries, the same request
  on another instance — is acknowledged and dropped. A database that stays busy past the
  budget (two seconds) gets an event a ``503`` (Slack retries it), a slash command a line
  saying to try again or phone, and a click a ``200`` and a DM saying nothing happened, to
  click again or phone: nothing is ever processed from memory only.
"""

from __future__ import annotations

import hashlib
import http.client
import logging
import threading
import urllib.error
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.error import BoltError
from slack_bolt.logger import get_bolt_app_logger
from slack_bolt.middleware import Middleware
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest

from bot.channels.slack.transport import KeepAliveClient
from bot.config import ConfigError, SlackSecrets
from bot.faces.slack.guide import Guide
from bot.faces.slack.listeners import register
from bot.faces.slack.listeners.common import (
    ADVICE,
    INBOX,
    PENDING,
    REPLAYED,
    STORED_TEXT,
    TAKEN,
    ListenerExecutor,
    sender,
    tell_not_taken,
    watch_work,
    work_scheduled,
    work_submitted,
)
from bot.faces.slack.services import Services
from bot.ops.metrics import EVENTS, event_kind
from bot.store.slack_inbox import Accepted, Pending, SlackInbox
from bot.store.slack_state import SlackState

log = logging.getLogger("frontdesk.slack")

#: Threads running listeners' work after the acknowledgement. The work is mostly CPU (routing,
#: the engine), which threads do not run in parallel: more of them only make the
#: acknowledgements wait longer for the interpreter (``slack_bench``: ack p99 at 100 events/s).
LISTENER_THREADS = 4

INTERACTIVE_TYPES = {
    "block_actions",
    "view_submission",
    "view_closed",
    "shortcut",
    "message_action",
    "block_suggestion",
}


#: Web API methods that add something each time they are called. A reset connection or a 5xx
#: leaves unknown whether Slack acted, so these are never sent again blindly: the event fails,
#: and its replay looks in the thread for what was already posted (``Guide.resume``).
POSTING_METHODS = frozenset({"chat.postMessage", "chat.postEphemeral",
                             "files.completeUploadExternal"})


def _posts(request: HttpRequest) -> bool:
    return request.url.rstrip("/").rsplit("/", 1)[-1] in POSTING_METHODS


class _ResetRetry(ConnectionErrorRetryHandler):
    """Retries a reset connection, except for a call that posts (it may have been posted).

    On a kept-alive connection a failure surfaces as the socket's own error (refused, reset,
    aborted), not wrapped in urllib's ``URLError``: every ``ConnectionError`` counts."""

    def __init__(self, max_retry_count: int) -> None:
        super().__init__(max_retry_count, error_types=[
            urllib.error.URLError, ConnectionError, http.client.RemoteDisconnected])

    def _can_retry(self, *, request: HttpRequest, **kwargs: Any) -> bool:  # type: ignore[override]
        return not _posts(request) and super()._can_retry(request=request, **kwargs)


class _ServerErrorRetry(ServerErrorRetryHandler):
    """Retries a 500/503, except for a call that posts (Slack may have posted before failing)."""

    def _can_retry(self, *, request: HttpRequest, **kwargs: Any) -> bool:  # type: ignore[override]
        return not _posts(request) and super()._can_retry(request=request, **kwargs)


BOLT_APP_NAME = "slack_bolt.frontdesk"  # in Bolt's namespace: its debug lines are bodies


def _sdk_logger() -> logging.Logger:
    """The client's logger, at INFO: slack_sdk formats each call's debug line (the whole
    payload, blocks and all) whenever its logger's *own* level is unset, debug on or off, and
    those lines are bodies, never written (``bot.ops.logs`` drops slack_sdk's debug lines)."""
    logger = logging.getLogger("slack_sdk.web.frontdesk")
    logger.setLevel(logging.INFO)
    return logger


def web_client(secrets: SlackSecrets) -> WebClient:
    """slack_sdk's client at ``SLACK_API_URL`` (when set), retrying 429s (Slack did nothing),
    and 5xx and resets for calls that post nothing (see ``POSTING_METHODS``), over one
    kept-alive connection per thread (``KeepAliveClient``, as the outbox worker's): an event's
    calls no longer each pay a TCP (and TLS) handshake."""
    kwargs: dict[str, Any] = {"token": secrets.bot_token, "timeout": 15, "logger": _sdk_logger()}
    if secrets.api_url:
        kwargs["base_url"] = (
            secrets.api_url if secrets.api_url.endswith("/") else secrets.api_url + "/"
        )
    client = KeepAliveClient(**kwargs)
    client.retry_handlers = [
        _ResetRetry(max_retry_count=2),
        RateLimitErrorRetryHandler(max_retry_count=2),
        _ServerErrorRetry(max_retry_count=2),
    ]
    return client


def require(secrets: SlackSecrets, mode: str) -> None:
    """One line naming the missing variable, before any connection is tried."""
    needed = {"SLACK_BOT_TOKEN": secrets.bot_token}
    if mode == "http":
        needed["SLACK_SIGNING_SECRET"] = secrets.signing_secret
    else:
        needed["SLACK_APP_TOKEN"] = secrets.app_token
    for name, value in needed.items():
        if not value:
            raise ConfigError(name, "not set in the environment (see docs/slack.md)")
    if not (secrets.bot_token or "").startswith("xoxb-"):
        raise ConfigError("SLACK_BOT_TOKEN", "must be a bot token starting with xoxb-")
    if mode == "socket" and not (secrets.app_token or "").startswith("xapp-"):
        raise ConfigError("SLACK_APP_TOKEN", "must be an app-level token starting with xapp-")


# --- the guard middleware ---------------------------------------------------------------------


def _header(req: BoltRequest, name: str) -> str | None:
    values = req.headers.get(name) or []
    return values[0] if values else None


def request_kind(body: Any) -> str | None:
    """``event``, ``command``, ``interaction`` or ``other``; None for a malformed body."""
    if not isinstance(body, dict) or not body:
        return None
    if body.get("type") == "event_callback":
        event = body.get("event")
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            return None
        return "event"
    if "command" in body:
        if not all(isinstance(body.get(k), str) and body.get(k) for k in ("command", "user_id")):
            return None
        return "command"
    if body.get("type") in INTERACTIVE_TYPES:
        user = body.get("user")
        if not isinstance(user, dict) or not user.get("id"):
            return None
        if body["type"] == "block_actions" and not isinstance(body.get("actions"), list):
            return None
        return "interaction"
    if body.get("type") in ("app_rate_limited", "url_verification"):
        return "other"
    return None


def idempotency_keys(body: dict[str, Any], kind: str) -> list[str]:
    """What makes this delivery the same as an earlier one."""
    if kind == "event":
        event = body["event"]
        keys = []
        # One message can arrive as two events (app_mention + message.channels): the message
        # key makes it count once. A channel message that mentions someone is left to the
        # app_mention event (the message listener ignores it), so it takes no message key.
        msg_id = event.get("client_msg_id")
        is_dm = event.get("channel_type") == "im"
        if msg_id and (
            event["type"] == "app_mention"
            or (event["type"] == "message" and (is_dm or "<@" not in str(event.get("text", ""))))
        ):
            keys.append(f"msg:{msg_id}")
        key = (
            body.get("event_id")
            or f"{event.get('type')}:{event.get('event_ts') or event.get('ts')}"
        )
        return [f"ev:{key}", *keys]
    if kind == "command":
        trigger = body.get("trigger_id")
        return [f"cmd:{trigger}"] if trigger else []
    if kind == "interaction" and body.get("type") == "block_actions":
        user = body["user"]["id"]
        return [
            f"act:{user}:{a.get('action_ts')}:{a.get('action_id')}"
            for a in body["actions"]
            if isinstance(a, dict) and a.get("action_ts")
        ]
    return []


def team_of(body: dict[str, Any]) -> str | None:
    """The workspace a request says it comes from."""
    team = body.get("team")
    if isinstance(team, dict) and team.get("id"):
        return str(team["id"])
    user = body.get("user")
    if isinstance(user, dict) and user.get("team_id"):
        return str(user["team_id"])
    return str(body["team_id"]) if body.get("team_id") else None


class Guard(Middleware):
    """``check`` as a Bolt middleware object: Bolt calls a middleware *function* through its
    argument injection, building every argument a listener could ask for (about thirty) on
    every request; an object's ``process`` is called as it is."""

    def __init__(self, check: Callable[[BoltRequest, BoltResponse, Callable[[], BoltResponse]],
                                       BoltResponse | None]):
        self.check = check

    def process(self, *, req: BoltRequest, resp: BoltResponse,
                next: Callable[[], BoltResponse]) -> BoltResponse | None:  # noqa: A002 - Bolt's
        return self.check(req, resp, next)


def guard(state: SlackState, advice: str = "", team_id: str | None = None,
          client: WebClient | None = None, defer: Callable[[], bool] | None = None) -> Guard:
    """The middleware described above. ``advice``: whom to phone (for failure notices);
    ``team_id``: the bot's workspace (a request from another one is refused with 403);
    ``client``: for telling the sender of a click that could not be stored; ``defer``: whether
    an event may be left to its work's commit now (``InboxApp`` holds the answer for it; when
    its work would not start soon, Slack's answer would wait with it: it is stored before the
    ack instead). None: every request is stored here."""
    inbox = SlackInbox(state.db, state.identity, state.inbox_lease)

    def middleware(
        req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:  # noqa: A002 - Bolt's argument name
        kind = request_kind(req.body)
        if kind is None:
            return BoltResponse(status=400, body="malformed Slack payload")
        req.context[ADVICE] = advice
        sent_from = team_of(req.body)
        if team_id and sent_from and sent_from != team_id:
            log.warning("a %s from another workspace (%s) refused", kind, sent_from)
            return BoltResponse(status=403, body="wrong workspace")
        replayed = req.context.get(INBOX)
        if replayed is not None:  # taken over from the inbox: stored and claimed already
            return next()
        EVENTS.labels(event_kind(req.body)).inc()  # received now (a replay was counted then)
        keys = idempotency_keys(req.body, kind)
        signed, retry = None, False
        if req.mode == "http":  # Bolt has verified the signature; it must not be seen twice
            signature = _header(req, "x-slack-signature") or ""
            signed = "sig:" + hashlib.sha256(signature.encode()).hexdigest()
            retry = _header(req, "x-slack-retry-num") is not None
            keys.append(signed)  # a replay finds it claimed: ``accept`` says duplicate, below
        if kind == "other":
            return next()
        if kind == "event" and defer is not None and defer():  # stored by its work's commit
            deferred = inbox.defer(kind, req.body, keys, sender(req.body))
            if isinstance(deferred, Pending):
                req.context[PENDING] = deferred
                req.context[STORED_TEXT] = deferred.clean["event"].get("text")
                return next()
            accepted: Accepted = deferred
        else:
            accepted = inbox.accept(kind, req.body, keys, sender(req.body))
        if accepted.outcome == "duplicate":
            if signed and not retry and state.claimed(signed):  # the same request, twice at once
                log.warning("replayed %s request refused", kind)
                return BoltResponse(status=401, body="replayed request")
            log.info("duplicate %s delivery acknowledged and dropped", kind)
            return BoltResponse(status=200, body="")
        if accepted.outcome == "unavailable":
            if kind == "event":  # not acknowledged: Slack delivers it again later
                return BoltResponse(status=503, body="busy: retry later")
            if kind == "command":
                return BoltResponse(status=200, body=(  # shown to the sender only
                    "⚠️ I'm too busy to take that right now: try again in a minute. "
                    f"If someone is waiting at the desk: {advice}"))
            # A click is acknowledged (Slack never retries one) but not acted on: never from
            # memory. Its sender is told at once, off the acknowledgement's path.
            if client is not None:
                threading.Thread(target=tell_not_taken, args=(client, req.body, advice),
                                 name="frontdesk-busy-notice", daemon=True).start()
            return BoltResponse(status=200, body="")
        req.context[INBOX] = accepted.inbox_id
        if kind == "event" and accepted.stored is not None:  # its words, redacted once
            req.context[STORED_TEXT] = accepted.stored["event"].get("text")
        return next()

    return Guard(middleware)


class InboxApp(App):
    """Bolt's ``App``, closing at once an inbox row no listener will work on (a closed modal, an
    event nobody listens to): the listeners run after the middleware, so this is checked once
    the whole dispatch is over."""

    def __init__(self, *, state: SlackState, listener_executor: ListenerExecutor, **kwargs: Any):
        super().__init__(listener_executor=listener_executor, **kwargs)
        self.inbox = SlackInbox(state.db, state.identity, state.inbox_lease)
        self.listeners = listener_executor

    def work_left(self) -> dict[str, int]:
        """Requests acknowledged and not yet done: inbox rows open (being processed, waiting
        for a retry, or a dead process's, to be replayed) and listener work queued or
        running (a failure notice is sent after its row is closed)."""
        return {"inbox": self.inbox.unprocessed(), "listeners": self.listeners.busy()}

    def _init_context(self, req: BoltRequest) -> None:
        """Bolt's context (``App._init_context``), with the app's own client instead of a
        fresh one per request: Bolt builds a ``WebClient`` for every request (reading the
        proxy environment, copying the retry handlers), which would also open a new
        connection for every call; the app's keeps one per thread (``web_client``). Nothing
        changes a client's token here: the app serves one workspace with one bot token, and
        uses no Slack functions (whose token Bolt would attach to the client; that
        middleware is off)."""
        req.context["logger"] = get_bolt_app_logger(app_name=self.name,
                                                    base_logger=self._base_logger)
        req.context["token"] = self._token
        req.context["client"] = self.client
        req.context["listener_runner"] = self.listener_runner

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        watch_work()
        try:
            response = super().dispatch(req)
        except BaseException:
            if isinstance(pending := req.context.get(PENDING), Pending):
                pending.settle("unavailable")  # no listener took it: nothing was stored
            if ((inbox_id := req.context.get(INBOX)) is not None and not work_scheduled()
                    and not req.context.get(TAKEN)):
                self.inbox.end(inbox_id)  # no listener will end it: the replayer's again
            raise
        pending = req.context.get(PENDING)
        if isinstance(pending, Pending) and req.context.get(INBOX) is None:
            return self.acknowledged(req, response, pending)
        inbox_id = req.context.get(INBOX)
        if inbox_id is not None and not work_scheduled() and not listened(req, response):
            self.inbox.finish(inbox_id)
            self.inbox.end(inbox_id)
        return response


    @staticmethod
    def acknowledged(req: BoltRequest, response: BoltResponse, pending: Pending
                     ) -> BoltResponse:
        """An event's acknowledgement, held until its work's first write transaction has
        stored it with its changes (``Pending``): Bolt has answered and handed the event to its
        listener; the answer goes out once the event is stored (or seen stored already), and
        is a ``503`` — Slack delivers it again — when it could not be stored within the
        budget. An event no listener took (Bolt's 404, or one Bolt answered itself: the bot's
        own message) stores nothing."""
        if not listened(req, response) or not work_submitted():
            pending.settle("none")
            return response
        outcome = pending.wait()
        if outcome in ("new", "duplicate"):
            return response
        log.error("an event not stored within the acknowledgement budget: Slack retries it")
        return BoltResponse(status=503, body="busy: retry later")


def listened(req: BoltRequest, response: BoltResponse) -> bool:
    """A request a listener took without a lazy function (whose copy of the request cost
    more than the acknowledgement): an event — Bolt acknowledges it itself and runs the
    matching listener (its work, ``once``-wrapped) after the acknowledgement, and answers 404
    when no listener matched — or a click whose listener does its work itself (``acked``)."""
    if req.context.get(TAKEN):
        return True
    return isinstance(req.body, dict) and req.body.get("type") == "event_callback" and (
        response.status == 200)


class InboxReplayer:
    """Replays inbox rows whose process died or whose lease ran out through the same app, in
    a background thread (``frontdesk serve``; the tests start it too)."""

    def __init__(self, app: App, state: SlackState, interval: float = 1.0):
        self.app = app
        self.inbox = SlackInbox(state.db, state.identity, state.inbox_lease)
        self.interval = interval

    def run_once(self) -> int:
        rows = self.inbox.take_over()
        for row in rows:
            log.warning("replaying %s %s from the inbox (attempt %d)", row.kind, row.id,
                        row.attempts + 1)
            self.app.dispatch(BoltRequest(body=row.body, mode="socket_mode",
                                          context={INBOX: row.id, REPLAYED: row.received}))
        return len(rows)

    def run_forever(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                self.run_once()
            except Exception:  # the database went away for a moment: try again next pass
                log.exception("inbox replay pass failed")
            stop.wait(self.interval)


# --- the app ----------------------------------------------------------------------------------


def phone_advice(services: Services) -> str:
    """Whom staff phone when the bot fails them (``[phones]``, else the library's advice)."""
    if services.escalations is not None:
        from bot.channels.slack.render import phone_advice as worded

        return worded(services.escalations.roles.phones(services.config.library))
    return "Phone the privacy in-charge or the director directly."


def build_app(
    services: Services,
    secrets: SlackSecrets,
    *,
    client: WebClient | None = None,
    process_before_response: bool = False,
) -> InboxApp:
    """The Bolt app with every listener. Calls ``auth.test`` once to learn the bot's identity."""
    client = client or web_client(secrets)
    listeners = ListenerExecutor(max_workers=LISTENER_THREADS)
    try:  # the workspace this bot belongs to (requests from any other are refused)
        team = client.auth_test().get("team_id")
    except SlackApiError as exc:
        raise BoltError(f"auth.test failed: {exc.response.get('error')}") from None
    app = InboxApp(
        state=services.slack_state,
        # Bolt sets the level of the logger named after its app on every request (to the
        # root's): named "frontdesk", that was the bot's own package logger, whose records
        # then followed whatever the root's level was at the last request.
        name=BOLT_APP_NAME,
        client=client,
        signing_secret=secrets.signing_secret,
        request_verification_enabled=bool(secrets.signing_secret),
        process_before_response=process_before_response,
        attaching_function_token_enabled=False,  # no Slack functions (see ``_init_context``)
        # No assistant-thread helpers (say, set_status, say_stream, suggested prompts): Bolt's
        # middleware would build them for every event in a channel, and no listener uses them.
        attaching_conversation_kwargs_enabled=False,
        # After Bolt's signature check, before anything else reads the body.
        before_authorize=guard(services.slack_state, phone_advice(services), team, client,
                               defer=listeners.starts_soon),
        listener_executor=listeners,
    )
    register(app, services, Guide(services))
    return app
