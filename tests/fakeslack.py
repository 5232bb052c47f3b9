"""A fake Slack, reachable over real sockets: the Web API over HTTP and Socket Mode over WebSocket.

Shared by every test (and bench) that talks to Slack. The project code under test is pointed
at it with ``SLACK_API_URL`` (``fake.api_url``) and is not patched in any way: every call goes
through slack_sdk's own HTTP client to this server, which records it, answers it like Slack
does, and checks Block Kit limits so an oversized message fails here as it would in Slack
(``invalid_blocks``, ``msg_too_long``).

    fake = FakeSlack().start()
    ...  # run the bot with SLACK_API_URL=fake.api_url
    posted = fake.wait_for("chat.postMessage", lambda c: c.args["channel"] == "D1")
    fake.fail("chat.postMessage", times=2, status=429, retry_after=1)   # rate limited twice
    fake.stop()

Socket Mode: ``apps.connections.open`` hands out ``ws://127.0.0.1:PORT/link/``; the same server
speaks WebSocket there (RFC 6455, text frames, ping/pong). ``fake.send_envelope(...)`` pushes
an ``events_api`` / ``slash_commands`` / ``interactive`` envelope to the connected client and
``fake.wait_ack(envelope_id)`` returns the client's acknowledgement.

Run alone (e.g. for a manual try or a bench): ``python tests/fakeslack.py --port 8765``.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import itertools
import json
import queue
import re
import socket
import struct
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

# Block Kit limits, as Slack documents and enforces them.
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_MESSAGE_TEXT = 40_000
MAX_SECTION_TEXT = 3000
MAX_SECTION_FIELD = 2000
MAX_SECTION_FIELDS = 10
MAX_HEADER_TEXT = 150
MAX_CONTEXT_ELEMENTS = 10
MAX_ACTIONS_ELEMENTS = 25
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_ID = 255
MAX_VIEW_TITLE = 24
MAX_PRIVATE_METADATA = 3000
MAX_CONFIRM_TITLE = 100
MAX_CONFIRM_TEXT = 300


@dataclass
class Call:
    """One Web API call as received: method, arguments (JSON-decoded), token and time."""

    method: str
    args: dict[str, Any]
    token: str | None
    at: float = field(default_factory=time.time)
    response: dict[str, Any] | None = None


@dataclass
class Message:
    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]
    thread_ts: str | None
    user: str
    updated: int = 0


def _text_of(obj: Any) -> str:
    if isinstance(obj, dict):
        return str(obj.get("text", ""))
    return str(obj or "")


def block_errors(blocks: Any, *, surface: str = "message") -> list[str]:
    """What Slack would reject in ``blocks`` (empty when they are valid)."""
    errors: list[str] = []
    if not isinstance(blocks, list):
        return ["blocks must be an array"]
    limit = MAX_MESSAGE_BLOCKS if surface == "message" else MAX_VIEW_BLOCKS
    if len(blocks) > limit:
        errors.append(f"no more than {limit} items allowed [json-pointer:/blocks]")
    block_ids: set[str] = set()
    for i, block in enumerate(blocks):
        where = f"/blocks/{i}"
        if not isinstance(block, dict) or "type" not in block:
            errors.append(f"missing required field: type [json-pointer:{where}]")
            continue
        kind = block["type"]
        block_id = block.get("block_id")
        if block_id is not None:
            if len(block_id) > MAX_ID:
                errors.append(
                    f"must be less than {MAX_ID} characters [json-pointer:{where}/block_id]"
                )
            if block_id in block_ids:
                errors.append(f"duplicate block_id [json-pointer:{where}/block_id]")
            block_ids.add(block_id)
        if kind == "section":
            text = block.get("text")
            fields = block.get("fields")
            if text is None and not fields:
                errors.append(f"must provide text or fields [json-pointer:{where}]")
            if text is not None:
                body = _text_of(text)
                if not body:
                    errors.append(
                        f"must be more than 0 characters [json-pointer:{where}/text/text]"
                    )
                if len(body) > MAX_SECTION_TEXT:
                    errors.append(
                        f"must be less than {MAX_SECTION_TEXT + 1} characters "
                        f"[json-pointer:{where}/text/text]"
                    )
            if fields:
                if len(fields) > MAX_SECTION_FIELDS:
                    errors.append(f"too many fields [json-pointer:{where}/fields]")
                for j, f in enumerate(fields):
                    if len(_text_of(f)) > MAX_SECTION_FIELD:
                        errors.append(f"field too long [json-pointer:{where}/fields/{j}]")
            if accessory := block.get("accessory"):
                errors.extend(_element_errors(accessory, f"{where}/accessory"))
        elif kind == "header":
            body = _text_of(block.get("text"))
            if not body or len(body) > MAX_HEADER_TEXT:
                errors.append(
                    f"must be 1-{MAX_HEADER_TEXT} characters [json-pointer:{where}/text/text]"
                )
        elif kind == "context":
            elements = block.get("elements") or []
            if not elements or len(elements) > MAX_CONTEXT_ELEMENTS:
                errors.append(f"must have 1-{MAX_CONTEXT_ELEMENTS} elements [json-pointer:{where}]")
            for j, el in enumerate(elements):
                if len(_text_of(el)) > MAX_SECTION_TEXT:
                    errors.append(f"text too long [json-pointer:{where}/elements/{j}]")
        elif kind == "actions":
            elements = block.get("elements") or []
            if not elements or len(elements) > MAX_ACTIONS_ELEMENTS:
                errors.append(f"must have 1-{MAX_ACTIONS_ELEMENTS} elements [json-pointer:{where}]")
            action_ids: set[str] = set()
            for j, el in enumerate(elements):
                errors.extend(_element_errors(el, f"{where}/elements/{j}"))
                if action_id := el.get("action_id"):
                    if action_id in action_ids:
                        errors.append(f"duplicate action_id [json-pointer:{where}/elements/{j}]")
                    action_ids.add(action_id)
        elif kind in ("divider", "image", "input", "rich_text", "file", "video"):
            pass
        else:
            errors.append(f"unknown block type {kind!r} [json-pointer:{where}]")
    return errors


def _element_errors(element: dict[str, Any], where: str) -> list[str]:
    errors: list[str] = []
    if element.get("type") == "button":
        text = _text_of(element.get("text"))
        if not text or len(text) > MAX_BUTTON_TEXT:
            errors.append(f"must be 1-{MAX_BUTTON_TEXT} characters [json-pointer:{where}/text]")
        if len(str(element.get("value", ""))) > MAX_BUTTON_VALUE:
            errors.append(
                f"must be less than {MAX_BUTTON_VALUE} characters [json-pointer:{where}/value]"
            )
        if len(str(element.get("action_id", ""))) > MAX_ID:
            errors.append(f"must be less than {MAX_ID} characters [json-pointer:{where}/action_id]")
        if confirm := element.get("confirm"):
            if len(_text_of(confirm.get("title"))) > MAX_CONFIRM_TITLE:
                errors.append(f"confirm title too long [json-pointer:{where}/confirm/title]")
            if len(_text_of(confirm.get("text"))) > MAX_CONFIRM_TEXT:
                errors.append(f"confirm text too long [json-pointer:{where}/confirm/text]")
    return errors


def view_errors(view: Any) -> list[str]:
    if isinstance(view, str):
        view = json.loads(view)
    if not isinstance(view, dict) or view.get("type") not in ("home", "modal"):
        return ["invalid view type"]
    errors = block_errors(view.get("blocks", []), surface=view["type"])
    if view["type"] == "modal":
        for key in ("title", "submit", "close"):
            if key in view and len(_text_of(view[key])) > MAX_VIEW_TITLE:
                errors.append(
                    f"must be less than {MAX_VIEW_TITLE + 1} characters [json-pointer:/view/{key}]"
                )
        if "title" not in view:
            errors.append("missing required field: title [json-pointer:/view]")
    if len(view.get("private_metadata", "")) > MAX_PRIVATE_METADATA:
        errors.append("private_metadata too long")
    return errors


# Slack control sequences in mrkdwn: <!channel>, <@U1>, <#C1>, <https://x|label>, <!date^...>.
CONTROL = re.compile(r"<[^<>\n]*>")
SHOWN_METHODS = ("chat.postMessage", "chat.update", "chat.postEphemeral", "views.open",
                 "views.publish", "views.update", "views.push")


def texts_of(value: Any) -> list[str]:
    """Every ``text`` string in a message's arguments or blocks (at any depth)."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "text" and isinstance(item, str):
                found.append(item)
            else:
                found.extend(texts_of(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(texts_of(item))
    return found


def control_sequences(call: Call) -> list[str]:
    """The control sequences Slack would act on in what ``call`` shows people."""
    shown = {k: v for k, v in call.args.items() if k in ("text", "blocks", "view", "attachments")}
    return [m for text in texts_of(shown) for m in CONTROL.findall(text)]


# The bot scope each Web API method needs, as api.slack.com/methods documents it. A method whose
# scope depends on the conversation maps channel-id prefixes (C public, G private, D a DM) to
# the scope; methods that need none map to None. A method missing here is one the fake does
# not answer (``unknown_method``), so a test fails until the fake knows its scope.
METHOD_SCOPES: dict[str, str | dict[str, str] | None] = {
    "auth.test": None,
    "apps.connections.open": None,  # the app-level token's connections:write, not a bot scope
    "chat.postMessage": "chat:write",
    "chat.update": "chat:write",
    "chat.postEphemeral": "chat:write",
    "chat.getPermalink": None,
    "conversations.open": "im:write",
    "conversations.history": {"C": "channels:history", "G": "groups:history", "D": "im:history"},
    "conversations.replies": {"C": "channels:history", "G": "groups:history", "D": "im:history"},
    "conversations.info": {"C": "channels:read", "G": "groups:read", "D": "im:read"},
    "users.info": "users:read",
    "views.open": None,
    "views.publish": None,
    "views.push": None,
    "views.update": None,
    "files.getUploadURLExternal": "files:write",
    "files.completeUploadExternal": "files:write",
}


def needed_scope(method: str, args: dict[str, Any]) -> str | None:
    """The scope ``method`` needs for these arguments (None: none)."""
    scope = METHOD_SCOPES.get(method)
    if isinstance(scope, dict):
        return scope.get(str(args.get("channel") or "")[:1], scope["C"])
    return scope


def manifest_scopes() -> frozenset[str]:
    """What a workspace grants an app installed from the bot's own manifest."""
    from bot.faces.slack.manifest import BOT_SCOPES

    return frozenset(BOT_SCOPES)


#: ``FakeSlack.handle``'s status for a call acted on whose reply is then lost.
LOST_REPLY = 0


class _Failure:
    def __init__(self, times: int, status: int, retry_after: int | None, error: str | None):
        self.times = times
        self.status = status
        self.retry_after = retry_after
        self.error = error


class FakeSlack:
    """A fake Slack workspace on 127.0.0.1 (Web API + Socket Mode), recording every call."""

    def __init__(
        self,
        *,
        bot_user_id: str = "UBOT",
        bot_id: str = "BBOT",
        team_id: str = "T0001",
        tokens: set[str] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        scopes: frozenset[str] | set[str] | None = None,
    ):
        self.bot_user_id = bot_user_id
        # The bot token's scopes (default: the manifest's); a call needing another scope is
        # answered ``missing_scope`` as a real workspace does.
        self.scopes = frozenset(manifest_scopes() if scopes is None else scopes)
        self.bot_id = bot_id
        self.team_id = team_id
        self.tokens = tokens  # None: any xoxb-/xapp- token is accepted
        self.calls: list[Call] = []
        self.deactivated: set[str] = set()  # users.info says deleted
        self.archived: set[str] = set()  # conversations.info says is_archived
        self.not_member: set[str] = set()  # conversations.info says the bot is not in it
        self.messages: dict[tuple[str, str], Message] = {}
        self.views: dict[str, dict[str, Any]] = {}
        self.uploads: dict[str, bytes] = {}
        self._failures: dict[str, list[_Failure]] = {}
        self._refusals: dict[str, tuple[str, int, tuple[str, ...] | None]] = {}
        self._stalls: dict[str, list[list[float]]] = {}
        self._slow: dict[str, list[list[float]]] = {}
        self._lost_replies: dict[str, int] = {}
        self.arrived: list[Call] = []  # every call as it arrives, even one still stalled
        self.connections = 0  # HTTP connections accepted (a kept-alive client opens few)
        # Close each connection after its answer without saying so (no "Connection: close"),
        # as a server's idle timeout closes a kept-alive connection between two calls.
        self.drop_kept_connections = False
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._ts_lock = threading.Lock()
        self._last_ts = 0
        self._ids = itertools.count(1)
        self._sockets: list[_WebSocket] = []
        self._acks: dict[str, dict[str, Any]] = {}
        self.socket_connected = threading.Event()
        # Sign in with Slack (OpenID Connect): the app's credentials, who consents on the
        # authorize page, and the codes and access tokens handed out.
        self.oidc_client: tuple[str, str] = ("C-REVIEW", "review-secret")
        self.oidc_user: dict[str, str] | None = None
        self._oidc_codes: dict[str, dict[str, str]] = {}
        self._oidc_tokens: dict[str, dict[str, str]] = {}
        self.server = ThreadingHTTPServer((host, port), _handler_for(self))
        self.server.daemon_threads = True
        self._thread: threading.Thread | None = None

    # --- lifecycle ------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """What ``SLACK_API_URL`` (slack_sdk ``base_url``) must be set to; ends with a slash."""
        return f"{self.base_url}/api/"

    def start(self) -> FakeSlack:
        self._thread = threading.Thread(
            target=self.server.serve_forever,
            name="fakeslack",
            kwargs={"poll_interval": 0.05},
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        for ws in list(self._sockets):
            ws.close()
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- inspection -----------------------------------------------------------------------

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self.messages.clear()
            self.views.clear()
            self._failures.clear()
            self._refusals.clear()
            self._stalls.clear()
            self._slow.clear()
            self.arrived.clear()
            self._acks.clear()

    def calls_to(self, method: str, predicate: Callable[[Call], bool] | None = None) -> list[Call]:
        with self._lock:
            return [
                c for c in self.calls if c.method == method and (predicate is None or predicate(c))
            ]

    def wait_for(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        *,
        count: int = 1,
        timeout: float = 5.0,
    ) -> list[Call]:
        """Block until at least ``count`` matching calls were answered; return them all."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [
                    c
                    for c in self.calls
                    if c.method == method
                    and c.response is not None
                    and (predicate is None or predicate(c))
                ]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [
                        (c.method, c.args.get("channel"), str(c.args.get("text", ""))[:60])
                        for c in self.calls
                    ]
                    raise AssertionError(
                        f"timed out waiting for {count} x {method}; got {len(found)}. Calls: {seen}"
                    )
                self._changed.wait(left)

    def specials(self) -> list[tuple[str, str]]:
        """(method, sequence) for every control sequence in every message or view shown."""
        with self._lock:
            calls = [c for c in self.calls if c.method in SHOWN_METHODS]
        return [(c.method, seq) for c in calls for seq in control_sequences(c)]

    def wait_arrival(self, method: str, timeout: float = 10.0) -> Call:
        """The first call to ``method`` to arrive (answered or not)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [c for c in self.arrived if c.method == method]
                if found:
                    return found[0]
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {method} call arrived")
                self._changed.wait(left)

    def thread(self, channel: str, thread_ts: str) -> list[Message]:
        """Messages in a thread (the parent included), oldest first."""
        with self._lock:
            found = [
                m
                for m in self.messages.values()
                if m.channel == channel and (m.ts == thread_ts or m.thread_ts == thread_ts)
            ]
        return sorted(found, key=lambda m: float(m.ts))

    def message(self, channel: str, ts: str) -> Message:
        with self._lock:
            return self.messages[(channel, ts)]

    def fail(
        self,
        method: str,
        *,
        times: int = 1,
        status: int = 429,
        retry_after: int | None = 1,
        error: str | None = None,
    ) -> None:
        """Answer the next ``times`` calls to ``method`` with HTTP ``status``.

        A 429 carries ``Retry-After: retry_after`` (seconds) like Slack's rate limiting.

        ``status=200`` with ``error`` answers ``{"ok": false, "error": error}`` instead.
        """
        with self._lock:
            failure = _Failure(times, status, retry_after, error)
            self._failures.setdefault(method, []).append(failure)

    def refuse(self, target: str, error: str = "channel_not_found", *, status: int = 200,
               methods: tuple[str, ...] | None = None) -> None:
        """Answer every call about ``target`` — a channel id (``channel``) or a user id
        (``users``/``user``) — with ``{"ok": false, "error": error}`` (HTTP ``status``), as Slack
        does for an archived or deleted channel, a bot not in it, a deactivated user.
        ``methods``: only these (default all)."""
        with self._lock:
            self._refusals[target] = (error, status, methods)

    def stall(self, method: str, seconds: float, *, times: int = 1) -> None:
        """Hold the next ``times`` calls to ``method`` for ``seconds``, then answer
        ``request_timeout`` without acting on them: Slack never saw them take effect (a
        test kills the caller meanwhile)."""
        with self._lock:
            self._stalls.setdefault(method, []).append([times, seconds])

    def slow(self, method: str, seconds: float, *, times: int = 1) -> None:
        """Answer the next ``times`` calls to ``method`` as usual, ``seconds`` late (a slow
        Slack: the caller's work waits on it)."""
        with self._lock:
            self._slow.setdefault(method, []).append([times, seconds])

    def lose_replies(self, method: str, *, times: int = 1) -> None:
        """Act on the next ``times`` calls to ``method`` (a post is posted), then drop the
        connection without answering: the reply is lost on its way back, as in a connection
        reset. The caller cannot tell whether the call took effect."""
        with self._lock:
            self._lost_replies[method] = self._lost_replies.get(method, 0) + times

    def clear_stalls(self) -> None:
        with self._lock:
            self._stalls.clear()

    def _refusal(self, method: str, args: dict[str, Any]) -> tuple[str, int] | None:
        users = args.get("users")
        named = [args.get("channel"), args.get("user"),
                 *(users if isinstance(users, list) else str(users or "").split(","))]
        for target in named:
            found = self._refusals.get(str(target)) if target else None
            if found and (found[2] is None or method in found[2]):
                return found[0], found[1]
        return None

    def said(self, channel: str, user: str, text: str, ts: str,
             thread_ts: str | None = None) -> None:
        """A message a person posted: Slack holds it, and conversations.history/.replies
        return it as they return the bot's own."""
        with self._lock:
            self.messages[(channel, ts)] = Message(channel, ts, text, [], thread_ts, user)

    def dm_channel(self, user: str) -> str:
        return "D" + hashlib.sha1(user.encode()).hexdigest()[:8].upper()

    # --- Socket Mode ----------------------------------------------------------------------

    def send_envelope(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        envelope_id: str | None = None,
        retry_attempt: int = 0,
        retry_reason: str = "",
        accepts_response_payload: bool | None = None,
    ) -> str:
        """Push one Socket Mode envelope (``events_api``, ``slash_commands``, ``interactive``)."""
        envelope_id = envelope_id or str(uuid.uuid4())
        if accepts_response_payload is None:
            accepts_response_payload = kind != "events_api"
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
        }
        if kind == "events_api":
            envelope["retry_attempt"] = retry_attempt
            envelope["retry_reason"] = retry_reason
        if not self.socket_connected.wait(5):
            raise AssertionError("no Socket Mode client connected")
        with self._lock:
            sockets = [ws for ws in self._sockets if ws.open]
        if not sockets:
            raise AssertionError("no open Socket Mode connection")
        sockets[-1].send_text(json.dumps(envelope))
        return envelope_id

    def wait_ack(self, envelope_id: str, timeout: float = 5.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        with self._changed:
            while envelope_id not in self._acks:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no ack for envelope {envelope_id}")
                self._changed.wait(left)
            return self._acks[envelope_id]

    def _on_socket_text(self, text: str) -> None:
        try:
            data = json.loads(text)
        except ValueError:
            return
        if isinstance(data, dict) and "envelope_id" in data:
            with self._changed:
                self._acks[data["envelope_id"]] = data
                self._changed.notify_all()

    # --- the Web API ----------------------------------------------------------------------

    def _next_ts(self) -> str:
        """A message ts on the wall clock, as Slack's are (so a message posted after an event is
        later than that event's ts), strictly increasing."""
        with self._ts_lock:
            micros = max(time.time_ns() // 1000, self._last_ts + 1)
            self._last_ts = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def handle(
        self, method: str, args: dict[str, Any], token: str | None
    ) -> tuple[int, dict[str, str], dict[str, Any]]:
        call = Call(method, args, token)
        stall = None
        with self._changed:
            self.arrived.append(call)
            self._changed.notify_all()
            stalls = self._stalls.get(method) or []
            if stalls:
                stall = stalls[0]
                stall[0] -= 1
                if stall[0] <= 0:
                    stalls.pop(0)
        if stall is not None:
            time.sleep(stall[1])
            with self._changed:
                call.response = {"ok": False, "error": "request_timeout"}
                self._changed.notify_all()
            return 200, {}, {"ok": False, "error": "request_timeout"}
        with self._lock:
            slow = self._slow.get(method) or []
            late = slow[0][1] if slow else 0.0
            if slow:
                slow[0][0] -= 1
                if slow[0][0] <= 0:
                    slow.pop(0)
        if late:
            time.sleep(late)
        with self._lock:
            self.calls.append(call)
            failures = self._failures.get(method) or []
            failure = failures[0] if failures else None
            if failure is not None:
                failure.times -= 1
                if failure.times <= 0:
                    failures.pop(0)
            elif refused := self._refusal(method, args):
                failure = _Failure(1, refused[1], None, refused[0])
        if failure is None and self._lost_replies.get(method):
            with self._lock:
                self._lost_replies[method] -= 1
            answer = self._answer(method, args, token)
            with self._changed:
                call.response = answer
                self._changed.notify_all()
            return LOST_REPLY, {}, answer
        if failure is not None:
            headers: dict[str, str] = {}
            if failure.status == 429 and failure.retry_after is not None:
                headers["Retry-After"] = str(failure.retry_after)
            error = failure.error or ("ratelimited" if failure.status == 429 else "internal_error")
            body = {"ok": False, "error": error}
            status = failure.status
        else:
            status, headers = 200, {}
            body = self._answer(method, args, token)
        with self._changed:
            call.response = body
            self._changed.notify_all()
        return status, headers, body

    def _token_ok(self, method: str, token: str | None) -> str | None:
        if not token:
            return "not_authed"
        if self.tokens is not None and token not in self.tokens:
            return "invalid_auth"
        wanted = "xapp-" if method == "apps.connections.open" else "xox"
        if not token.startswith(wanted):
            known = token.startswith(("xox", "xapp-"))
            return "not_allowed_token_type" if known else "invalid_auth"
        return None

    def _answer(self, method: str, args: dict[str, Any], token: str | None) -> dict[str, Any]:
        if method == "openid.connect.token":  # the app's client credentials, not a token
            return self._api_openid_connect_token(args)
        if error := self._token_ok(method, token):
            return {"ok": False, "error": error}
        if method == "openid.connect.userInfo":  # answers for the person behind the token
            return self._oidc_user_info(token or "")
        handler = getattr(self, "_api_" + method.replace(".", "_"), None)
        if handler is None or method not in METHOD_SCOPES:
            return {"ok": False, "error": "unknown_method"}
        scope = needed_scope(method, args)
        if scope is not None and scope not in self.scopes:
            return {"ok": False, "error": "missing_scope", "needed": scope,
                    "provided": ",".join(sorted(self.scopes))}
        return handler(args)

    @staticmethod
    def _decode(args: dict[str, Any], *keys: str) -> None:
        for key in keys:
            if isinstance(args.get(key), str):
                try:
                    args[key] = json.loads(args[key])
                except ValueError:
                    args[key] = None

    def _message_errors(self, args: dict[str, Any]) -> dict[str, Any] | None:
        self._decode(args, "blocks", "attachments")
        blocks = args.get("blocks")
        text = args.get("text") or ""
        if not args.get("channel"):
            return {"ok": False, "error": "channel_not_found"}
        if not text and not blocks and not args.get("attachments"):
            return {"ok": False, "error": "no_text"}
        if len(text) > MAX_MESSAGE_TEXT:
            return {"ok": False, "error": "msg_too_long"}
        if blocks is not None and (errors := block_errors(blocks)):
            return {"ok": False, "error": "invalid_blocks", "errors": errors}
        return None

    def _api_auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://fake.slack.invalid/",
            "team": "Fake Library",
            "user": "frontdesk",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _api_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        if error := self._message_errors(args):
            return error
        channel = args["channel"]
        if channel.startswith("U"):  # posting to a user id opens their DM, as Slack does
            channel = self.dm_channel(channel)
        ts = self._next_ts()
        thread_ts = args.get("thread_ts") or None
        message = Message(
            channel,
            ts,
            args.get("text") or "",
            args.get("blocks") or [],
            thread_ts,
            self.bot_user_id,
        )
        with self._lock:
            self.messages[(channel, ts)] = message
        return {
            "ok": True,
            "channel": channel,
            "ts": ts,
            "message": {
                "type": "message",
                "user": self.bot_user_id,
                "bot_id": self.bot_id,
                "text": message.text,
                "ts": ts,
                "thread_ts": thread_ts,
                "blocks": message.blocks,
            },
        }

    def _api_chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        if error := self._message_errors(args):
            return error
        key = (args["channel"], str(args.get("ts")))
        with self._lock:
            message = self.messages.get(key)
            if message is None:
                return {"ok": False, "error": "message_not_found"}
            message.text = args.get("text") or message.text
            if args.get("blocks") is not None:
                message.blocks = args["blocks"]
            message.updated += 1
        return {"ok": True, "channel": key[0], "ts": key[1], "text": message.text}

    def _api_chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        if error := self._message_errors(args):
            return error
        if not args.get("user"):
            return {"ok": False, "error": "user_not_in_channel"}
        return {"ok": True, "message_ts": self._next_ts()}

    def _api_chat_getPermalink(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, ts = args.get("channel"), str(args.get("message_ts", ""))
        if not channel or not ts:
            return {"ok": False, "error": "invalid_arguments"}
        link = f"https://fake.slack.invalid/archives/{channel}/p{ts.replace('.', '')}"
        return {"ok": True, "channel": channel, "permalink": link}

    def _api_conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        users = args.get("users")
        if isinstance(users, list):
            users = ",".join(users)
        if not users:
            return {"ok": False, "error": "users_list_not_supplied"}
        return {"ok": True, "channel": {"id": self.dm_channel(str(users))}}

    def _api_conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = args.get("channel")
        with self._lock:
            found = [
                m for m in self.messages.values() if m.channel == channel and m.thread_ts is None
            ]
        found.sort(key=lambda m: float(m.ts), reverse=True)
        return {"ok": True, "messages": [_message_json(m) for m in found], "has_more": False}

    def _api_conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        messages = self.thread(str(args.get("channel")), str(args.get("ts")))
        return {"ok": True, "messages": [_message_json(m) for m in messages], "has_more": False}

    def _api_users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = str(args.get("user") or "")
        if not user.startswith(("U", "W")):
            return {"ok": False, "error": "user_not_found"}
        return {
            "ok": True,
            "user": {
                "id": user,
                "name": f"user-{user}",
                "tz": "America/Chicago",
                "real_name": f"Staff {user}",
                "deleted": user in self.deactivated,
                "is_bot": user == self.bot_user_id,
            },
        }

    def _api_conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel") or "")
        if not channel.startswith(("C", "G", "D")):
            return {"ok": False, "error": "channel_not_found"}
        return {"ok": True, "channel": {
            "id": channel, "name": channel.lower(), "is_archived": channel in self.archived,
            "is_member": channel not in self.not_member, "is_private": channel.startswith("G"),
        }}

    def _view_call(self, args: dict[str, Any], *, needs_trigger: bool) -> dict[str, Any]:
        self._decode(args, "view")
        view = args.get("view")
        if view is None:
            return {"ok": False, "error": "invalid_arguments"}
        if needs_trigger and not args.get("trigger_id"):
            return {"ok": False, "error": "invalid_trigger_id"}
        if errors := view_errors(view):
            return {
                "ok": False,
                "error": "invalid_arguments",
                "response_metadata": {"messages": errors},
            }
        view_id = args.get("view_id") or f"V{next(self._ids):08d}"
        stored = {**view, "id": view_id}
        with self._lock:
            self.views[view_id] = stored
            if args.get("user_id"):
                self.views[f"home:{args['user_id']}"] = stored
        return {"ok": True, "view": stored}

    def _api_views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("user_id"):
            return {"ok": False, "error": "invalid_arguments"}
        return self._view_call(args, needs_trigger=False)

    def _api_views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._view_call(args, needs_trigger=True)

    def _api_views_push(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._view_call(args, needs_trigger=True)

    def _api_views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("view_id") and not args.get("external_id"):
            return {"ok": False, "error": "invalid_arguments"}
        return self._view_call(args, needs_trigger=False)

    def _api_files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("filename") or not args.get("length"):
            return {"ok": False, "error": "invalid_arguments"}
        file_id = f"F{next(self._ids):08d}"
        return {"ok": True, "upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id}

    def _api_files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        self._decode(args, "files")
        files = args.get("files") or []
        with self._lock:
            missing = [f["id"] for f in files if f.get("id") not in self.uploads]
        if missing or not files:
            return {"ok": False, "error": "file_not_found"}
        return {"ok": True, "files": [{"id": f["id"], "title": f.get("title", "")} for f in files]}

    # --- Sign in with Slack ------------------------------------------------------------------

    def sign_in_as(self, user_id: str, name: str = "", team_id: str | None = None) -> None:
        """Who consents on the authorize page from now on (None: nobody is signed in)."""
        self.oidc_user = {"user_id": user_id, "name": name or user_id,
                          "team_id": team_id or self.team_id}

    def authorize(self, query: dict[str, str]) -> tuple[int, str]:
        """The browser at /openid/connect/authorize: (status, redirect location or message)."""
        if query.get("client_id") != self.oidc_client[0]:
            return 400, "unknown client_id"
        if self.oidc_user is None:
            return 403, "nobody is signed in to this fake workspace"
        code = f"code-{next(self._ids)}"
        with self._lock:
            self._oidc_codes[code] = {**self.oidc_user, "nonce": query.get("nonce", ""),
                                      "redirect_uri": query.get("redirect_uri", "")}
        joiner = "&" if "?" in query.get("redirect_uri", "") else "?"
        return 302, (f"{query.get('redirect_uri', '')}{joiner}code={code}"
                     f"&state={query.get('state', '')}")

    def _api_openid_connect_token(self, args: dict[str, Any]) -> dict[str, Any]:
        if (args.get("client_id"), args.get("client_secret")) != self.oidc_client:
            return {"ok": False, "error": "invalid_client_id"}
        with self._lock:
            grant = self._oidc_codes.pop(str(args.get("code")), None)
        if grant is None:
            return {"ok": False, "error": "invalid_code"}
        if args.get("redirect_uri") != grant["redirect_uri"]:
            return {"ok": False, "error": "bad_redirect_uri"}
        token = f"xoxp-oidc-{next(self._ids)}"
        with self._lock:
            self._oidc_tokens[token] = grant
        claims = {"iss": "https://slack.com", "aud": self.oidc_client[0],
                  "sub": grant["user_id"], "nonce": grant["nonce"],
                  "https://slack.com/team_id": grant["team_id"]}
        payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
        return {"ok": True, "access_token": token, "token_type": "Bearer",
                "id_token": f"eyJhbGciOiJub25lIn0.{payload}.unsigned"}

    def _oidc_user_info(self, token: str) -> dict[str, Any]:
        grant = self._oidc_tokens.get(token)
        if grant is None:
            return {"ok": False, "error": "invalid_auth"}
        return {"ok": True, "sub": grant["user_id"], "name": grant["name"],
                "https://slack.com/user_id": grant["user_id"],
                "https://slack.com/team_id": grant["team_id"]}

    def _api_apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/link/?ticket={uuid.uuid4()}"}


def _message_json(m: Message) -> dict[str, Any]:
    data: dict[str, Any] = {
        "type": "message",
        "user": m.user,
        "text": m.text,
        "ts": m.ts,
        "blocks": m.blocks,
    }
    if m.thread_ts:
        data["thread_ts"] = m.thread_ts
    return data


# --- HTTP ----------------------------------------------------------------------------------


def _handler_for(fake: FakeSlack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # An answer's headers and body go out as written (as Slack's servers send them), not
        # held back for the client's delayed ACK on a kept-alive connection.
        disable_nagle_algorithm = True

        def setup(self) -> None:
            super().setup()
            with fake._lock:
                fake.connections += 1

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
            pass

        def _body(self) -> bytes:
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _reply(
            self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
        ) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)
            if fake.drop_kept_connections:
                self.close_connection = True

        def _api(self, query: str, body: bytes) -> None:
            method = urlparse(self.path).path[len("/api/") :].strip("/")
            args: dict[str, Any] = {k: v[-1] for k, v in parse_qs(query).items()}
            kind = self.headers.get("Content-Type", "")
            if body:
                if "json" in kind:
                    try:
                        loaded = json.loads(body)
                    except ValueError:
                        self._reply(200, {"ok": False, "error": "invalid_json"})
                        return
                    if isinstance(loaded, dict):
                        args.update(loaded)
                else:
                    args.update({k: v[-1] for k, v in parse_qs(body.decode()).items()})
            auth = self.headers.get("Authorization", "")
            if auth.startswith("Basic "):  # OAuth/OIDC: the app's client id and secret
                pair = base64.b64decode(auth[6:]).decode()
                args["client_id"], _, args["client_secret"] = pair.partition(":")
            token = auth[7:] if auth.startswith("Bearer ") else args.pop("token", None)
            status, headers, answer = fake.handle(method, args, token)
            if status == LOST_REPLY:  # acted on; the reply never reaches the caller
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            self._reply(status, answer, headers)

        def do_GET(self) -> None:  # noqa: N802
            parsed = urlparse(self.path)
            if parsed.path.startswith("/api/"):
                self._api(parsed.query, b"")
            elif parsed.path == "/openid/connect/authorize":
                status, where = fake.authorize({k: v[-1] for k, v in
                                                parse_qs(parsed.query).items()})
                if status == 302:
                    self.send_response(302)
                    self.send_header("Location", where)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                else:
                    self._reply(status, {"ok": False, "error": where})
            elif (
                parsed.path.startswith("/link")
                and "websocket" in self.headers.get("Upgrade", "").lower()
            ):
                self._websocket()
            else:
                self._reply(404, {"ok": False, "error": "not_found"})

        def do_POST(self) -> None:  # noqa: N802
            parsed = urlparse(self.path)
            body = self._body()
            if parsed.path.startswith("/api/"):
                self._api(parsed.query, body)
            elif parsed.path.startswith("/upload/"):
                file_id = parsed.path.rsplit("/", 1)[-1]
                with fake._lock:
                    fake.uploads[file_id] = body
                data = f"OK - {len(body)}".encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            else:
                self._reply(404, {"ok": False, "error": "not_found"})

        def _websocket(self) -> None:
            key = self.headers.get("Sec-WebSocket-Key", "")
            accept = base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()
            self.send_response(101, "Switching Protocols")
            self.send_header("Upgrade", "websocket")
            self.send_header("Connection", "Upgrade")
            self.send_header("Sec-WebSocket-Accept", accept)
            self.end_headers()
            self.wfile.flush()
            ws = _WebSocket(self.connection, fake._on_socket_text)
            with fake._lock:
                fake._sockets.append(ws)
            ws.send_text(
                json.dumps(
                    {
                        "type": "hello",
                        "num_connections": 1,
                        "connection_info": {"app_id": "AFAKE"},
                        "debug_info": {"host": "fakeslack"},
                    }
                )
            )
            fake.socket_connected.set()
            ws.serve()  # until the client closes
            self.close_connection = True

    return Handler


class _WebSocket:
    """The server side of one RFC 6455 connection (text, ping/pong, close)."""

    def __init__(self, sock: socket.socket, on_text: Callable[[str], None]):
        self.sock = sock
        self.on_text = on_text
        self.open = True
        self._send_lock = threading.Lock()
        self.inbox: queue.Queue[str] = queue.Queue()

    def _send(self, opcode: int, payload: bytes) -> None:
        header = bytes([0x80 | opcode])
        n = len(payload)
        if n < 126:
            header += bytes([n])
        elif n < 65536:
            header += bytes([126]) + struct.pack("!H", n)
        else:
            header += bytes([127]) + struct.pack("!Q", n)
        with self._send_lock:
            if self.open:
                self.sock.sendall(header + payload)

    def send_text(self, text: str) -> None:
        self._send(0x1, text.encode())

    def close(self) -> None:
        if self.open:
            with contextlib.suppress(OSError):
                self._send(0x8, struct.pack("!H", 1000))
            self.open = False
            with contextlib.suppress(OSError):
                self.sock.shutdown(socket.SHUT_RDWR)

    def _read(self, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError("closed")
            data += chunk
        return data

    def serve(self) -> None:
        self.sock.settimeout(None)
        buffer = b""
        try:
            while self.open:
                first, second = self._read(2)
                opcode = first & 0x0F
                length = second & 0x7F
                if length == 126:
                    length = struct.unpack("!H", self._read(2))[0]
                elif length == 127:
                    length = struct.unpack("!Q", self._read(8))[0]
                mask = self._read(4) if second & 0x80 else b"\0\0\0\0"
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(self._read(length)))
                if opcode == 0x9:
                    self._send(0xA, payload)
                elif opcode == 0x8:
                    self.close()
                elif opcode in (0x1, 0x0):
                    buffer += payload
                    if first & 0x80:
                        text = buffer.decode()
                        buffer = b""
                        self.inbox.put(text)
                        self.on_text(text)
        except (ConnectionError, OSError):
            pass
        finally:
            self.open = False


if __name__ == "__main__":  # pragma: no cover - manual use
    import argparse

    parser = argparse.ArgumentParser(description="Run the fake Slack (Web API + Socket Mode).")
    parser.add_argument("--port", type=int, default=8765)
    options = parser.parse_args()
    fake = FakeSlack(port=options.port).start()
    print(f"fake Slack on {fake.api_url} (Ctrl-C to stop)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        fake.stop()
