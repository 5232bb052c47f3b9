"""Events: a DM to the bot, an @-mention in a channel, replies in our threads, the Home tab.

Duplicates (Slack's retries, and one message seen as both a mention and a channel message)
never reach these listeners: the app's guard claims ``event_id`` and ``client_msg_id`` first.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.faces.slack.guide import Guide, Place, strip_mentions
from bot.faces.slack.home import publish_home
from bot.faces.slack.listeners.common import REPLAYED, STORED_TEXT, once
from bot.faces.slack.services import Services

IGNORED_SUBTYPES = {
    "message_changed",
    "message_deleted",
    "bot_message",
    "channel_join",
    "channel_leave",
    "thread_broadcast",
    "message_replied",
    "ekm_access_denied",
}


def replayed(context: BoltContext, event: dict[str, Any]) -> str | None:
    """The message's ts when the event is replayed from the inbox (``Place.resumes``)."""
    return str(event.get("ts")) if context.get(REPLAYED) else None


def stored_text(context: BoltContext) -> str | None:
    """The event's words as the inbox stored them (redacted), mentions stripped; None when not
    known (a replay: its body is the stored one, redacted again where it is read)."""
    text = context.get(STORED_TEXT)
    return strip_mentions(text) if isinstance(text, str) else None


def register(app: App, services: Services, guide: Guide) -> None:
    def on_mention(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        user = event.get("user")
        if not user:
            return
        is_dm = event.get("channel_type") == "im" or str(event.get("channel", "")).startswith("D")
        root = event.get("thread_ts") or event["ts"]
        place = Place(event["channel"], root, user, replayed(context, event))
        if event.get("thread_ts") and guide.reply(client, place, event.get("text", ""),
                                                  stored_text(context)):
            return
        guide.start_in_thread(
            client,
            place,
            kind="dm" if is_dm else "channel",
            text=strip_mentions(event.get("text", "")),
            said=stored_text(context),
        )

    def on_message(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if event.get("subtype") in IGNORED_SUBTYPES or event.get("bot_id"):
            return
        user = event.get("user")
        if not user or not event.get("channel"):
            return
        text = event.get("text", "")
        is_dm = event.get("channel_type") == "im"
        if not is_dm and f"<@{context.bot_user_id}>" in text:
            return  # the app_mention event handles it
        if not is_dm and not event.get("thread_ts"):
            return  # plain channel chatter is none of our business
        thread_ts = event.get("thread_ts")
        resumes = replayed(context, event)
        if thread_ts and guide.reply(client, Place(event["channel"], thread_ts, user, resumes),
                                     text, stored_text(context)):
            return
        if is_dm:
            guide.start_in_thread(
                client,
                Place(event["channel"], thread_ts or event["ts"], user, resumes),
                kind="dm",
                text=strip_mentions(text),
                said=stored_text(context),
            )

    def on_home(event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") == "home" and event.get("user"):
            publish_home(client, services, guide, event["user"])

    # Bolt acknowledges an event itself, then runs its listener: the work, with no lazy
    # function (``InboxApp.dispatch`` knows the event was taken). Messages first: Bolt tries
    # the listeners in order, and a DM or a reply in a thread is the most frequent request.
    state = services.slack_state
    app.event("message")(once(state, on_message))
    app.event("app_mention")(once(state, on_mention))
    app.event("app_home_opened")(once(state, on_home))
