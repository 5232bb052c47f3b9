"""Driving the Slack face like Slack does, through the real network edge only.

``SlackBot`` runs the real app (``Runtime``) against the fake Slack (``tests.fakeslack``):

* HTTP mode: the app is served by waitress on 127.0.0.1 and every event, slash command and
  click is POSTed to ``/slack/events`` signed with the signing secret (HMAC-SHA256 over
  ``v0:timestamp:body``), exactly as Slack signs them;
* Socket Mode: the app connects to the fake's WebSocket with its app token and every payload
  arrives as a Socket Mode envelope that the app must acknowledge.

No project code is patched: the app reaches the fake through ``SLACK_API_URL`` like it would
reach Slack.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bot.config import SlackSecrets, parse_config
from bot.content.catalogue import Catalogue
from bot.faces.slack.runtime import Runtime
from tests.fakeslack import Call, FakeSlack

SLACK_CONTENT = Path(__file__).resolve().parent / "slack_content"
LIBRARY = "testlib"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-test-token"
PIC = "UPIC"
DIRECTOR = "UDIR"
STAFF = "USTAFF"
CHANNEL = "CDESK"
# What the app asks Slack when it starts: its own identity, then every role member and the
# escalation channel (bot/faces/slack/preflight.py).
STARTUP = ("auth.test", "users.info", "conversations.info")


def sign(body: bytes, timestamp: int | None = None, secret: str = SIGNING_SECRET) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    base = b"v0:" + stamp.encode() + b":" + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


@dataclass
class Response:
    status: int
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def http(
    method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> Response:
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return Response(response.status, response.read())
    except urllib.error.HTTPError as error:
        return Response(error.code, error.read())


def new_ts() -> str:
    return f"{time.time():.6f}"


# --- payloads as Slack sends them ---------------------------------------------------------------


def event_body(event: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
    return {
        "token": "legacy",
        "team_id": "T0001",
        "api_app_id": "AFAKE",
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
        "event_time": int(time.time()),
        "authorizations": [{"team_id": "T0001", "user_id": "UBOT", "is_bot": True}],
    }


def message_event(
    channel: str,
    user: str,
    text: str,
    *,
    client_msg_id: str | None = None,
    thread_ts: str | None = None,
    channel_type: str = "im",
) -> dict[str, Any]:
    """A ``message`` event as Slack sends it (a fresh ts; a DM unless ``channel_type`` says)."""
    ts = new_ts()
    event = {
        "type": "message",
        "channel": channel,
        "user": user,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "channel_type": channel_type,
        "client_msg_id": client_msg_id or str(uuid.uuid4()),
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def command_body(
    user: str, text: str, channel: str = CHANNEL, command: str = "/frontdesk"
) -> dict[str, str]:
    return {
        "token": "legacy",
        "team_id": "T0001",
        "team_domain": "fake",
        "channel_id": channel,
        "channel_name": "desk",
        "user_id": user,
        "user_name": f"user-{user}",
        "command": command,
        "text": text,
        "api_app_id": "AFAKE",
        "response_url": "https://hooks.slack.invalid/commands/1",
        "trigger_id": f"trig-{uuid.uuid4().hex}",
    }


def actions_body(
    user: str,
    channel: str,
    message_ts: str,
    thread_ts: str | None,
    element: dict[str, Any],
    block_id: str = "b",
) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "user": {"id": user, "username": f"user-{user}", "team_id": "T0001"},
        "api_app_id": "AFAKE",
        "token": "legacy",
        "team": {"id": "T0001", "domain": "fake"},
        "container": {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel,
            "is_ephemeral": False,
            "thread_ts": thread_ts,
        },
        "trigger_id": f"trig-{uuid.uuid4().hex}",
        "channel": {"id": channel, "name": "x"},
        "message": {"type": "message", "ts": message_ts, "thread_ts": thread_ts},
        "actions": [
            {
                "action_id": element["action_id"],
                "block_id": block_id,
                "text": element["text"],
                "value": element.get("value", ""),
                "type": "button",
                "action_ts": new_ts(),
            }
        ],
    }


# --- reading what the bot posted -----------------------------------------------------------------


def buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for block in blocks:
        if block.get("type") == "actions":
            found.extend(block["elements"])
        elif block.get("accessory", {}).get("type") == "button":
            found.append(block["accessory"])
    return found


def button(blocks: list[dict[str, Any]], label: str) -> dict[str, Any]:
    """The button whose text contains ``label``."""
    for element in buttons(blocks):
        if label in element["text"]["text"]:
            return element
    labels = [b["text"]["text"] for b in buttons(blocks)]
    raise AssertionError(f"no button {label!r} in {labels}")


def text_of(blocks: list[dict[str, Any]]) -> str:
    parts: list[str] = []
    for block in blocks:
        if isinstance(block.get("text"), dict):
            parts.append(block["text"]["text"])
        for element in block.get("elements", []):
            if isinstance(element, dict) and isinstance(element.get("text"), str):
                parts.append(element["text"])
    return "\n".join(parts)


@dataclass
class Posted:
    """One message the bot posted (from the fake's record of chat.postMessage)."""

    channel: str
    ts: str
    thread_ts: str | None
    text: str
    blocks: list[dict[str, Any]]

    @classmethod
    def of(cls, call: Call) -> Posted:
        assert call.response and call.response.get("ok"), call.response
        return cls(
            call.response["channel"],
            call.response["ts"],
            call.args.get("thread_ts"),
            call.args.get("text", ""),
            call.args.get("blocks") or [],
        )

    @property
    def body(self) -> str:
        return text_of(self.blocks)


# --- the bot under test --------------------------------------------------------------------------


@dataclass
class SlackBot:
    """The real app, one mode, talking to ``fake``; ``send_*`` deliver like Slack does."""

    fake: FakeSlack
    runtime: Runtime
    mode: str
    server: Any = None
    socket: Any = None
    seen: int = 0  # chat.postMessage calls already returned by ``posts``
    responses: list[Response] = field(default_factory=list)

    @classmethod
    def start(
        cls,
        fake: FakeSlack,
        catalogue: Catalogue,
        tmp_path: Path,
        mode: str = "http",
        config: dict[str, Any] | None = None,
    ) -> SlackBot:
        settings = {
            "library": LIBRARY,
            "database_url": f"sqlite:///{tmp_path / 'frontdesk.db'}",
            "roles": {"privacy-in-charge": [PIC], "director": [DIRECTOR]},
            **(config or {}),
        }
        secrets = SlackSecrets(BOT_TOKEN, SIGNING_SECRET, APP_TOKEN, fake.api_url)
        runtime = Runtime(parse_config(settings), catalogue, secrets, mode=mode)
        bot = cls(fake, runtime, mode)
        if mode == "http":
            bot.server = runtime.http_server(port=0, threads=4).start()
        else:
            bot.socket = runtime.socket_runner().connect()
            assert fake.socket_connected.wait(5), "Socket Mode client did not connect"
        return bot

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
        if self.socket is not None:
            self.socket.close()
        self.runtime.stop()

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def state(self) -> Any:
        return self.runtime.services.slack_state

    # --- delivery --------------------------------------------------------------------------

    def post_signed(
        self,
        body: bytes,
        content_type: str,
        extra: dict[str, str] | None = None,
        timestamp: int | None = None,
    ) -> Response:
        headers = {"Content-Type": content_type, **sign(body, timestamp), **(extra or {})}
        response = http("POST", self.url + "/slack/events", body, headers)
        self.responses.append(response)
        return response

    def deliver(self, kind: str, payload: dict[str, Any], *, retry: int = 0) -> Any:
        """``kind``: events_api | slash_commands | interactive. Returns the HTTP response or ack."""
        if self.mode == "http":
            if kind == "events_api":
                extra = (
                    {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
                    if retry
                    else None
                )
                return self.post_signed(json.dumps(payload).encode(), "application/json", extra)
            if kind == "slash_commands":
                return self.post_signed(
                    urlencode(payload).encode(), "application/x-www-form-urlencoded"
                )
            body = urlencode({"payload": json.dumps(payload)}).encode()
            return self.post_signed(body, "application/x-www-form-urlencoded")
        envelope = self.fake.send_envelope(
            kind, payload, retry_attempt=retry, retry_reason="timeout" if retry else ""
        )
        return self.fake.wait_ack(envelope)

    def command(self, user: str, text: str = "", channel: str = CHANNEL) -> Any:
        return self.deliver(
            "slash_commands", command_body(user, text, channel, self.runtime.config.slash_command)
        )

    def dm(self, user: str, text: str, thread_ts: str | None = None) -> str:
        ts = new_ts()
        event = {
            "type": "message",
            "channel": self.fake.dm_channel(user),
            "user": user,
            "text": text,
            "ts": ts,
            "event_ts": ts,
            "channel_type": "im",
            "client_msg_id": str(uuid.uuid4()),
        }
        if thread_ts:
            event["thread_ts"] = thread_ts
        self.fake.said(event["channel"], user, text, ts, thread_ts)
        self.deliver("events_api", event_body(event))
        return ts

    def mention(
        self, user: str, text: str, channel: str = CHANNEL, thread_ts: str | None = None
    ) -> str:
        """An @-mention arrives twice, as Slack sends it: app_mention and message.channels."""
        ts = new_ts()
        msg_id = str(uuid.uuid4())
        base = {
            "channel": channel,
            "user": user,
            "text": f"<@UBOT> {text}",
            "ts": ts,
            "event_ts": ts,
            "client_msg_id": msg_id,
        }
        if thread_ts:
            base["thread_ts"] = thread_ts
        self.fake.said(channel, user, base["text"], ts, thread_ts)
        self.deliver("events_api", event_body({**base, "type": "app_mention"}))
        self.deliver(
            "events_api", event_body({**base, "type": "message", "channel_type": "channel"})
        )
        return ts

    def reply(self, user: str, channel: str, thread_ts: str, text: str) -> str:
        channel_type = "im" if channel.startswith("D") else "channel"
        event = message_event(channel, user, text, thread_ts=thread_ts, channel_type=channel_type)
        self.deliver("events_api", event_body(event))
        return event["ts"]

    def click(self, user: str, message: Posted, label: str, *, as_posted: bool = False) -> Any:
        """Click a button on ``message`` as it is now (or, ``as_posted``, as first drawn: a
        second click that raced the first one's update)."""
        element = button(message.blocks, label)
        current = self.fake.message(message.channel, message.ts)
        if current.updated and not as_posted:  # click what is on screen now
            element = button(current.blocks, label)
        return self.deliver(
            "interactive",
            actions_body(user, message.channel, message.ts, message.thread_ts, element),
        )

    # --- waiting for the bot ---------------------------------------------------------------

    def posts(self, n: int = 1, timeout: float = 5.0) -> list[Posted]:
        """The next ``n`` messages the bot posts (in order), waiting for them."""
        calls = self.fake.wait_for("chat.postMessage", count=self.seen + n, timeout=timeout)
        new = [Posted.of(c) for c in calls[self.seen : self.seen + n]]
        self.seen += n
        for posted in new:  # a person is slower than the bot's last write: wait for it too
            if posted.thread_ts and buttons(posted.blocks):
                self.wait_live(posted)
        return new

    def wait_live(self, posted: Posted, timeout: float = 2.0) -> None:
        """Until the bot has recorded ``posted`` as its thread's live message (if it will)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            thread = self.state.thread(posted.channel, posted.thread_ts)
            if thread is None or thread.live_ts == posted.ts or thread.moved:
                return
            time.sleep(0.01)

    def post(self, timeout: float = 5.0) -> Posted:
        return self.posts(1, timeout)[0]

    def settle(self, timeout: float = 30.0) -> None:
        """Until the bot is at rest: every request it acknowledged processed (no inbox row
        open, no listener work queued or running) and, with its delivery worker running, no
        outbox message due and unsent (``Runtime.work_left``). Whatever the machine's load,
        a reply still on its way is waited for; still busy after ``timeout`` fails the test,
        saying with what."""
        deadline = time.monotonic() + timeout
        while True:
            left = self.runtime.work_left()
            if not any(left.values()):
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"the bot still had work after {timeout:.0f}s: {left}")
            time.sleep(0.02)


@contextmanager
def bot_on_test_library(tmp_path: Path, mode: str = "http") -> Iterator[SlackBot]:
    """The app on the Slack test library against a fresh fake Slack, stopped afterwards."""
    with FakeSlack() as fake:
        running = SlackBot.start(fake, Catalogue.load(SLACK_CONTENT), tmp_path, mode=mode)
        try:
            yield running
        finally:
            running.stop()
