"""The slash command (``/frontdesk`` by default, ``slash_command`` in the config)."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.faces.slack.guide import Guide
from bot.faces.slack.listeners.common import REPLAYED, acked
from bot.faces.slack.services import Services

HELP_WORDS = {"help", "?", "-h", "--help"}


def help_text(command: str) -> str:
    return (
        f"*{command}* — step-by-step guidance for patron-privacy situations at the desk.\n"
        f"• `{command}` — pick the situation from a list\n"
        f"• `{command} cop at the desk asking what a patron borrowed` — say it in your words\n"
        f"• `{command} drill` — a practice case (nobody is paged)\n"
        f"• `{command} audit export since 2025-01-31` — the audit trail as a CSV file "
        "(the director only)\n"
        "The guidance runs privately in a direct message with me. Never type patron names "
        "or card numbers: I don't need them."
    )


def register(app: App, services: Services, guide: Guide) -> None:
    command = services.config.slash_command

    def answer(body: dict[str, Any]) -> str:
        if body.get("text", "").strip().lower() in HELP_WORDS:
            return help_text(command)
        return "🛡️ I've started this in a direct message with you — open it to go on."

    def run_command(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        text = body.get("text", "")
        if text.strip().lower() in HELP_WORDS:
            return
        guide.start_in_dm(client, body["user_id"], text=text,
                          replayed_since=context.get(REPLAYED))

    app.command(command)(acked(services.slack_state, run_command, answer))
