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
    #: A stand-down instead of a page: the event that ended it (acknowledged, resolved,
    #: withdrawn), who (``by``, ``by_name``), through which channel (``via``), and when.
    stand_down: dict[str, Any] | None = None

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


#: How a stand-down names the channel an acknowledgement came through.
VIA_WORDS = {"slack": "Slack", "sms": "text reply", "voice": "phone keypad", "link": "link",
             "terminal": "terminal", "desk": "the desk"}


def stand_down_line(page: Page) -> str:
    """One plain sentence: the page is over and who ended it, how (no action needed)."""
    assert page.stand_down is not None
    event, f = page.stand_down, facts(page)
    who = event.get("by_name") or "a colleague"
    how = VIA_WORDS.get(event.get("via", ""), event.get("via", ""))
    if event["event"] == "acknowledged":
        what = f"ACKED by {who} via {how}"
    elif event["event"] == "resolved":
        what = f"RESOLVED by {who}"
    else:
        what = "WITHDRAWN: the desk corrected the case and it needs nobody"
    return f"{f['situation']} ({f['library']}): {what}. No action needed."


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
