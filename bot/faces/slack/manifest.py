"""The Slack app manifest an administrator pastes at api.slack.com/apps ("From a manifest")."""

from __future__ import annotations

from typing import Any

import yaml

from bot.config import Config
from bot.faces.slack.http import EVENTS_PATH

BOT_SCOPES = [
    "app_mentions:read",  # @frontdesk in a channel
    "channels:history",  # replies in our threads in public channels
    "groups:history",  # ... and in private channels
    "chat:write",  # questions, outcomes, pages
    "commands",  # the slash command
    "files:write",  # uploading forms, the audit CSV and the digest chart
    "im:history",  # direct messages to the bot
    "im:write",  # opening a DM for guidance and pages
    "users:read",  # before serving: every role member is a person with an active account
    "channels:read",  # ... and the escalation channel exists, is not archived, has the bot
    "groups:read",  # ... (a private escalation channel)
]
BOT_EVENTS = ["app_home_opened", "app_mention", "message.channels", "message.groups", "message.im"]


def build_manifest(
    config: Config, *, socket_mode: bool = True, url: str | None = None, name: str = "frontdesk"
) -> dict[str, Any]:
    """The manifest; HTTP mode needs the public base URL (``https://bot.example.org``)."""
    if not socket_mode and not url:
        raise ValueError("HTTP mode needs --url, the public base URL of `frontdesk serve --http`")
    request_url = url.rstrip("/") + EVENTS_PATH if url else None
    command: dict[str, Any] = {
        "command": config.slash_command,
        "description": "Step-by-step guidance for a patron-privacy situation",
        "usage_hint": "[what is happening at the desk]",
        "should_escape": False,
    }
    events: dict[str, Any] = {"bot_events": list(BOT_EVENTS)}
    interactivity: dict[str, Any] = {"is_enabled": True}
    if request_url:
        command["url"] = request_url
        events["request_url"] = request_url
        interactivity["request_url"] = request_url
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {
            "name": name,
            "description": "Tells front-desk staff what to do in patron-privacy situations.",
            "long_description": (
                "frontdesk guides library staff step by step when someone asks about a patron: "
                "police at the desk, a subpoena, a parent asking what their teenager borrowed. "
                "Every answer cites the library's own policy, and the privacy in-charge is "
                "paged when the policy says a person with authority must act. Guidance runs "
                "in a thread, in a direct message by default; it never needs a patron's name."
            ),
            "background_color": "#1d3557",
        },
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": False,
            },
            "bot_user": {"display_name": name, "always_online": True},
            "slash_commands": [command],
        },
        "oauth_config": {"scopes": {"bot": list(BOT_SCOPES)}},
        "settings": {
            "event_subscriptions": events,
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": socket_mode,
            "token_rotation_enabled": False,
        },
    }


def to_yaml(manifest: dict[str, Any]) -> str:
    return yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True, width=100)
