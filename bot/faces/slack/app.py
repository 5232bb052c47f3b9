"""Build the Bolt app: configuration and services in, an ``App`` with every listener out.

Listeners are registered by kind (``listeners/commands``, ``events``, ``actions``, ``views``,
and the page buttons' ``listeners/escalation``); none holds policy logic.
One middleware (``guard``) runs right after Bolt's own signature check, before Bolt's
authorization and every listener:

* a body that is not a Slack event, command or interaction is answered ``400`` and nothing is
  stored;
* a request whose signature was already seen (a replay) is answered ``401``;
* the delivery's idempotency keys (event id, message id, action timestamp, trigger id,
  signature) are handed to the listener, which claims them after the acknowledgement: an
  event, click or command already processed — Slack's retries (``X-Slack-Retry-Num``),
  Socket Mode redeliveries, a request handled by another instance — is acknowledged and
  dropped. The keys live in the database, so this holds across instances, and nothing is
  written before the acknowledgement.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.config import ConfigError, SlackSecrets
from bot.faces.slack.guide import Guide
from bot.faces.slack.listeners import register
from bot.faces.slack.listeners.common import KEYS
from bot.faces.slack.services import Services
from bot.store.slack_state import SlackState

log = logging.getLogger("frontdesk.slack")

INTERACTIVE_TYPES = {
    "block_actions",
    "view_submission",
    "view_closed",
    "shortcut",
    "message_action",
    "block_suggestion",
}


def web_client(secrets: SlackSecrets) -> WebClient:
    """slack_sdk's client at ``SLACK_API_URL`` (when set), retrying 429s, 5xx and resets."""
    kwargs: dict[str, Any] = {"token": secrets.bot_token, "timeout": 15}
    if secrets.api_url:
        kwargs["base_url"] = (
            secrets.api_url if secrets.api_url.endswith("/") else secrets.api_url + "/"
        )
    client = WebClient(**kwargs)
    client.retry_handlers = [
        ConnectionErrorRetryHandler(max_retry_count=2),
        RateLimitErrorRetryHandler(max_retry_count=2),
        ServerErrorRetryHandler(max_retry_count=2),
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


def guard(state: SlackState) -> Callable[..., BoltResponse | None]:
    def middleware(
        req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:  # noqa: A002 - Bolt's argument name
        kind = request_kind(req.body)
        if kind is None:
            return BoltResponse(status=400, body="malformed Slack payload")
        keys = idempotency_keys(req.body, kind)
        if req.mode == "http":  # Bolt has verified the signature; it must not be seen twice
            signature = _header(req, "x-slack-signature") or ""
            signed = "sig:" + hashlib.sha256(signature.encode()).hexdigest()
            retry = _header(req, "x-slack-retry-num") is not None
            if not retry and state.claimed(signed):  # a read: nothing is written before ack
                log.warning("replayed %s request refused", kind)
                return BoltResponse(status=401, body="replayed request")
            keys.append(signed)
        req.context[KEYS] = keys  # claimed after the ack, by the listener (listeners.common)
        return next()

    return middleware


# --- the app ----------------------------------------------------------------------------------


def build_app(
    services: Services,
    secrets: SlackSecrets,
    *,
    client: WebClient | None = None,
    process_before_response: bool = False,
) -> App:
    """The Bolt app with every listener. Calls ``auth.test`` once to learn the bot's identity."""
    client = client or web_client(secrets)
    app = App(
        name="frontdesk",
        client=client,
        signing_secret=secrets.signing_secret,
        request_verification_enabled=bool(secrets.signing_secret),
        process_before_response=process_before_response,
        # After Bolt's signature check, before anything else reads the body.
        before_authorize=guard(services.slack_state),
    )
    register(app, services, Guide(services))
    return app
