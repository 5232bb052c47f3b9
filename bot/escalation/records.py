"""What the escalation engine stores and hands back: summaries of escalations and holds, read
from their rows, and the small results its actions return."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.escalation.endings import ending_label
from bot.escalation.states import OPEN
from bot.store import paging
from bot.store.database import Database
from bot.store.paging import Record
from bot.store.txn import as_utc

OPEN_STATES = OPEN
OPEN_HOLD_STATES = ("active", "due")


@dataclass(frozen=True)
class ThreadRef:
    """The asker's Slack thread: status lines go there, and the page links to it."""

    channel: str
    ts: str
    permalink: str | None = None


@dataclass(frozen=True)
class Paged:
    """Whom an escalation is paging and how urgently, as the service decided: what every face
    says about a page (the terminal's PAGED lines, the Slack face's paging head)."""

    role: str  # the title of the role paged at the escalation's level, as the pack names it
    urgency: str  # immediate | prompt


@dataclass(frozen=True)
class AckResult:
    """What came of a person's step on a page or a hold, in plain words. ``{by}`` in
    ``message`` stands for the person ``by`` (who acted first), whom each face names its own
    way (``worded``: a Slack mention, a name from ``[people]``, the id in the terminal)."""

    status: str  # acknowledged | already | refused | not-found  (resolve: resolved | …)
    message: str
    by: str | None = None

    def worded(self, name: Callable[[str], str] = str,
               escape: Callable[[str], str] = lambda text: text) -> str:
        """The message for a face: ``escape`` its text (mrkdwn), then name ``by``."""
        text = escape(self.message)
        return text.replace("{by}", name(self.by)) if self.by is not None else text


@dataclass(frozen=True)
class EscalationSummary:
    id: str
    library: str
    situation: str | None
    situation_title: str
    reason: str
    urgency: str
    state: str
    level: int
    repeat: int
    asked_by: str
    face: str
    created_at: datetime
    next_action_at: datetime | None
    acked_by: str | None
    acked_at: datetime | None
    headline: str | None

    @classmethod
    def from_row(cls, row: Record) -> EscalationSummary:
        packet = json.loads(row.packet) if row.packet else {}
        return cls(
            id=row.id, library=row.library, situation=row.situation,
            situation_title=packet.get("situation_title") or "Unrouted question",
            reason=row.reason, urgency=row.urgency, state=row.state, level=row.level,
            repeat=row.repeat, asked_by=row.asked_by, face=row.face,
            created_at=as_utc(row.created_at),  # type: ignore[arg-type]
            next_action_at=as_utc(row.next_action_at), acked_by=row.acked_by,
            acked_at=as_utc(row.acked_at),
            headline=(packet.get("outcome") or {}).get("headline"),
        )


@dataclass(frozen=True)
class HoldSummary:
    id: str
    library: str
    kind: str
    escalation_id: str | None
    started_at: datetime
    due_at: datetime
    renewals: int
    renewal_days: int | None
    state: str

    @classmethod
    def from_row(cls, row: Record) -> HoldSummary:
        return cls(row.id, row.library, row.kind, row.escalation_id,
                   as_utc(row.started_at), as_utc(row.due_at),  # type: ignore[arg-type]
                   row.renewals, row.renewal_days, row.state)


def format_utc(stamp: datetime | str | None) -> str:
    """A time as pages, notices, status lines and replies print it: ``2025-03-01 14:05 UTC``
    ("" for none). ``stamp``: a datetime (a naive one is UTC, as the database stores it) or its
    ISO text (a packet's ``due_at``)."""
    if isinstance(stamp, str):
        stamp = datetime.fromisoformat(stamp)
    utc = as_utc(stamp)
    return utc.strftime("%Y-%m-%d %H:%M UTC") if utc is not None else ""


def new_id(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def dedupe_key(*parts: Any) -> str:
    """The same parts give the same key, so a retried trigger or hold finds the first one."""
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


def thread_of(row: Record) -> ThreadRef | None:
    if row.thread_channel and row.thread_ts:
        return ThreadRef(row.thread_channel, row.thread_ts, row.thread_permalink)
    return None


def page_state(row: Record) -> dict[str, Any]:
    """An escalation's state as a re-rendered page shows it (``messages.state_line``)."""

    def stamp(value: datetime | None) -> str | None:
        value = as_utc(value)
        return value.isoformat() if value else None

    return {"state": row.state, "acked_by": row.acked_by, "acked_at": stamp(row.acked_at),
            "resolved_by": row.resolved_by, "resolved_at": stamp(row.resolved_at),
            "resolve_note": row.resolve_note, "expired_at": stamp(row.expired_at),
            "ending": ending_label(json.loads(row.packet or "{}").get("ending"))}


def escalation_row(db: Database, escalation_id: str) -> Record | None:
    return paging.escalation(db, escalation_id)


def open_escalations(db: Database) -> list[EscalationSummary]:
    return [EscalationSummary.from_row(r) for r in paging.escalations_in(db, OPEN_STATES)]


def open_holds(db: Database) -> list[HoldSummary]:
    return [HoldSummary.from_row(r) for r in paging.holds_in(db, OPEN_HOLD_STATES)]


@dataclass(frozen=True)
class WaitingPage:
    """A page still waiting for acknowledgement that reached a person through one channel."""

    escalation_id: str
    person: str
    situation_title: str
    urgency: str


def waiting_pages(db: Database, people: list[str], via: str) -> list[WaitingPage]:
    """Every escalation still waiting that paged one of ``people`` through ``via``, newest
    first, once each (how a text reply finds what it answers). Only pages whose message is known
    to have gone out count: a reply of "1" cannot answer a page whose text is still waiting to
    retry, failed, or only *may* have been taken by the provider. Acknowledging a page the
    person never saw would stop its ladder with nobody on it; a missed acknowledgement only
    lets the ladder go on (the reply says nothing was waiting)."""
    from bot.escalation.states import WAITING

    rows = paging.pages_to(db, people, via, WAITING)
    found: dict[str, WaitingPage] = {}
    for row in rows:
        if row.escalation_id not in found:
            title = json.loads(row.packet or "{}").get("situation_title") or "Unrouted question"
            found[row.escalation_id] = WaitingPage(row.escalation_id, row.target, title,
                                                   row.urgency)
    return list(found.values())
