"""When the desk corrects a case: its open page follows the case, never a second page.

A case reaches an outcome, the outcome pages someone; then staff go back, change an answer or
start over, and the case reaches another outcome. What the page does then is decided once, in
``bot.engine.session.page_action``:

* the new outcome pages too — the open escalation is **updated in place**: its packet, outcome
  and urgency become the new outcome's, every page already sent is edited, and everyone it
  reached reads "The desk corrected the case: now …";
* the new outcome pages nobody — the escalation is **withdrawn**: resolved (``states``) with
  a stand-down note on every Slack page it sent and in the asker's thread.

Holds a superseded outcome started are ended (a hold of the same kind as the new outcome's
stays: the same deadline, asked for again, unless the desk corrected the day it counts from:
then it is counted again from that day).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from bot.content.catalogue import ResolvedOutcome
from bot.engine.conversation import Conversation
from bot.escalation import lifecycle
from bot.escalation.acknowledge import tell_everyone
from bot.escalation.records import dedupe_key, thread_of
from bot.escalation.states import OPEN, WAITING, Event, move
from bot.store import paging
from bot.store.audit import append_event
from bot.store.database import Database
from bot.store.paging import Record
from bot.store.txn import Transaction

if TYPE_CHECKING:
    from datetime import datetime

    from bot.escalation.core import Core

OUTCOME_REASONS = ("outcome", "not-sure")  # escalations a case's outcome raised (not page-now)


def open_case_escalation(conn: Transaction, db: Database,
                         conversation_id: str) -> Record | None:
    """The open escalation this case's outcome raised, if any (the newest), locked."""
    return paging.case_escalation(conn, db, conversation_id, OUTCOME_REASONS, OPEN)


def update_in_place(service: Core, conn: Transaction, row: Record,
                    conversation: Conversation, outcome: ResolvedOutcome, reason: str,
                    asked_by: str, face: str, now: datetime) -> None:
    """The escalation now carries ``outcome``; everyone it reached is told the case changed."""
    packet = service.build_packet(
        library=row.library, situation=conversation.flow, conversation=conversation,
        outcome=outcome, reason=reason, urgency=outcome.escalate.urgency, asked_by=asked_by,
        face=face, thread=thread_of(row), question=None)
    old = json.loads(row.packet) if row.packet else {}
    if old.get("hold"):
        packet["hold"] = old["hold"]
    packet["corrected_from"] = row.outcome_id
    values: dict[str, Any] = dict(
        outcome_id=outcome.id, reason=reason, urgency=outcome.escalate.urgency,
        packet=json.dumps(packet), updated_at=now,
        dedupe_key=dedupe_key(conversation.id, outcome.id, reason))
    paging.update_escalation(conn, row.id, **values)
    if row.state == WAITING:  # the level starts again, on the new urgency's ladder
        lifecycle.restart_level(service, conn, row, packet, now)
    append_event(conn, service.db, "escalation.corrected", library=row.library,
                 escalation_id=row.id, conversation_id=conversation.id, actor=asked_by, at=now,
                 data={"from": row.outcome_id, "to": outcome.id,
                       "urgency": outcome.escalate.urgency})
    tell_everyone(service, conn, row, f"corrected:{outcome.id}:{now.isoformat()}",
                  {"event": "corrected", "headline": outcome.headline,
                   "urgency": outcome.escalate.urgency}, now)


def withdraw(service: Core, conn: Transaction, row: Record,
             conversation: Conversation, outcome: ResolvedOutcome, asked_by: str,
             now: datetime) -> None:
    """Close the escalation: the corrected case needs no one; every page says stand down."""
    note = (f"Stand down: the desk corrected the case and it no longer needs anyone "
            f"(now: {outcome.headline})")
    packet = json.loads(row.packet) if row.packet else {}
    packet["withdrawn"] = outcome.id  # the digest counts stand-downs from this
    paging.update_escalation(
        conn, row.id, state=move(row.state, Event.WITHDRAW), resolved_by=asked_by,
        resolved_at=now, resolve_note=note, packet=json.dumps(packet), next_action_at=None,
        updated_at=now,
        # free the key: reaching that outcome again is a new page, not this closed one
        dedupe_key=dedupe_key(row.dedupe_key, "withdrawn", now.isoformat()))
    append_event(conn, service.db, "escalation.withdrawn", library=row.library,
                 escalation_id=row.id, conversation_id=conversation.id, actor=asked_by, at=now,
                 data={"from": row.outcome_id, "to": outcome.id})
    tell_everyone(service, conn, row, f"withdrawn:{now.isoformat()}",
                  {"event": "withdrawn", "note": note}, now,
                  stand_down=(asked_by, "desk"))


def end_superseded_holds(service: Core, conn: Transaction, conversation_id: str,
                         outcome: ResolvedOutcome, actor: str, now: datetime) -> list[str]:
    """End this case's active holds that the new outcome does not start itself."""
    keep = outcome.hold.get("kind") if outcome.hold else None
    ended = []
    for hold in paging.active_case_holds(conn, conversation_id):
        if hold.kind == keep:
            continue
        paging.update_hold(conn, hold.id, state="ended", updated_at=now)
        append_event(conn, service.db, "hold.ended", library=hold.library,
                     escalation_id=hold.escalation_id, conversation_id=conversation_id,
                     actor=actor, at=now,
                     data={"hold": hold.id, "why": "the desk corrected the case"})
        ended.append(hold.id)
    return ended


def redate_holds(service: Core, conn: Transaction, conversation: Conversation,
                 outcome: ResolvedOutcome, actor: str, now: datetime) -> list[str]:
    """The case's active hold of the outcome's own kind, counted again from the day the case
    now gives (the desk corrected "when it happened"): the holds moved or ended."""
    if not outcome.hold:
        return []
    moved = []
    for hold in paging.active_case_holds(conn, conversation.id):
        if hold.kind != outcome.hold.get("kind"):
            continue
        done = service.holds.redate(conn, hold, outcome.hold, conversation.stated_date, actor,
                                    now)
        if done is None:
            continue
        moved.append(hold.id)
        row = (paging.lock_escalation(conn, service.db, hold.escalation_id)
               if hold.escalation_id else None)
        if row is not None:  # the page shows the deadline it now counts to
            packet = json.loads(row.packet) if row.packet else {}
            span = {**packet.pop("hold", {}), **outcome.hold, **done}
            packet["hold" if "id" in done else "hold_passed"] = span
            paging.update_escalation(conn, row.id, packet=json.dumps(packet), updated_at=now)
    return moved
