"""`/frontdesk audit export since YYYY-MM-DD`: the audit trail as a CSV file, director only.

The trail holds no patron data (redacted answers, ids, who acted), but it is the record of
every case, so only the users configured in the ``director`` role get it, as a file in a direct
message; anyone else is told politely that it is the director's. The export itself is recorded
in the trail (``audit.exported``). The acknowledgement answers at once; reading the trail and
uploading the file run after it.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.faces.slack.listeners.common import once
from bot.faces.slack.services import Services
from bot.mrkdwn import escape
from bot.store.audit import AuditLog

log = logging.getLogger("frontdesk.slack")

DIRECTOR = "director"


def is_audit(text: str) -> bool:
    return text.strip().lower().split()[:1] == ["audit"]


def parse_since(text: str) -> datetime:
    """The date in ``audit export since 2025-01-31`` (``--since`` and ``--since=`` too).

    Raises ValueError with a line to show the user.
    """
    words = text.strip().lower().replace("=", " ").split()
    rest = [w for w in words[1:] if w not in ("since", "--since", "--format", "csv")]
    if words[1:2] != ["export"] or len(rest) != 2:
        raise ValueError("usage")
    try:
        return datetime.strptime(rest[1], "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise ValueError(f"“{escape(rest[1][:40])}” is not a date like 2025-01-31.") from None


def register(app: App, services: Services) -> None:
    """Wire the ``audit`` words of the slash command (before the general command listener)."""
    command = services.config.slash_command
    pack = services.catalogue.pack(services.config.library)
    title = pack.roles[DIRECTOR].display if DIRECTOR in pack.roles else "director"
    usage = (f"Usage: `{command} audit export since YYYY-MM-DD` — the audit trail from that day "
             f"on, as a CSV file in a direct message (the {title} only).")

    def allowed(user: str) -> bool:
        return user in services.config.members(DIRECTOR)

    def matcher(body: dict[str, Any]) -> bool:
        return is_audit(body.get("text", ""))

    def ack_audit(ack: Ack, body: dict[str, Any]) -> None:
        if not allowed(body.get("user_id", "")):
            ack(text=f"Sorry — only the {title} can export the audit trail. If you need "
                     f"something from it, ask the {title}.")
            return
        try:
            since = parse_since(body.get("text", ""))
        except ValueError as exc:
            ack(text=usage if str(exc) == "usage" else f"{exc} {usage}")
            return
        ack(text=f"📄 Exporting the audit trail since {since:%Y-%m-%d}: the CSV file will "
                 "arrive in a direct message with me.")

    def export(body: dict[str, Any], client: WebClient) -> None:
        user = body.get("user_id", "")
        if not allowed(user):
            return
        try:
            since = parse_since(body.get("text", ""))
        except ValueError:
            return
        trail = AuditLog(services.database)
        text = trail.export_csv(since)
        events = max(len(text.splitlines()) - 1, 0)
        trail.append("audit.exported", library=services.config.library, actor=user,
                    data={"since": since.date().isoformat(), "events": events, "face": "slack"})
        channel = client.conversations_open(users=user)["channel"]["id"]
        client.files_upload_v2(
            channel=channel,
            content=text,
            filename=f"frontdesk-audit-since-{since:%Y-%m-%d}.csv",
            title=f"Audit trail since {since:%Y-%m-%d}",
            initial_comment=(f"The audit trail since {since:%Y-%m-%d}: {events} events (no "
                             "patron data). `frontdesk audit verify` checks the chain."),
        )

    app.command(command, matchers=[matcher])(
        ack=ack_audit, lazy=[once(services.slack_state, export)]
    )
