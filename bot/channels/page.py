"""What every channel's renderer starts from: one page to one person, and the facts it may say.

A page is rendered from the escalation's packet (built and redacted when the escalation
opened), never from staff's free text: ``facts`` keeps the structured case only — the
situation, the urgency, the role paged, the outcome and the policy clauses — so a text, an
email or a call carries no patron data even if redaction missed something in a typed answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.config import Person

ROLE_KEYS = {1: "privacy-in-charge", 2: "director"}
ROLE_FALLBACK = {1: "privacy in-charge", 2: "director"}


@dataclass(frozen=True)
class Page:
    """One outbox row for a text, an email or a call, with what its renderer needs."""

    key: str  # the outbox idempotency key: Message-ID for email, status-callback for Twilio
    channel: str  # sms | email | voice
    escalation_id: str
    person: Person
    address: str  # the phone number or email address
    packet: dict[str, Any]
    level: int
    repeat: int
    token: str  # the one-time acknowledgement token
    public_url: str | None  # [web] public_url: links and webhooks; None in Socket Mode
    created_at: datetime

    @property
    def ack_url(self) -> str | None:
        return f"{self.public_url}/ack/{self.token}" if self.public_url else None

    @property
    def callback_url(self) -> str | None:
        """Twilio's status callback for this message; its query names our idempotency key,
        which is how a maybe-sent text or call is found in Twilio's lists."""
        if not self.public_url:
            return None
        from urllib.parse import quote

        return f"{self.public_url}/twilio/status?key={quote(self.key, safe='')}"


def facts(page: Page) -> dict[str, Any]:
    """The structured case a renderer may show (no free text staff typed)."""
    packet = page.packet
    roles = packet.get("roles") or {}
    outcome = packet.get("outcome") or {}
    return {
        "escalation_id": page.escalation_id,
        "name": page.person.name,
        "library": packet.get("library_name") or packet.get("library") or "the library",
        "situation": packet.get("situation_title") or "A question from the desk",
        "urgent": packet.get("urgency") == "immediate",
        "urgency": "IMMEDIATE" if packet.get("urgency") == "immediate" else "prompt",
        "role": roles.get(ROLE_KEYS.get(page.level, "")) or ROLE_FALLBACK.get(page.level, ""),
        "reason": packet.get("reason_text") or packet.get("reason") or "",
        "headline": outcome.get("headline"),
        "decision": outcome.get("decision"),
        "steps": list(outcome.get("do") or []),
        "citations": [{"clause": c.get("clause"), "title": c.get("title")}
                      for c in outcome.get("citations") or []],
        "answers": [{"question": s.get("question"), "answer": s.get("answer")}
                    for s in packet.get("path") or []],
        "level": page.level,
        "repeat": page.repeat,
        "ack_url": page.ack_url,
    }
