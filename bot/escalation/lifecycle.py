"""The escalation state machine on its own: opening an escalation and moving it along its
deadlines.

``triggered → acknowledged → resolved``, or ``expired`` once every level and repeat has passed
without an acknowledgement (people's own steps, acknowledge and resolve, are in
``acknowledge``). Each level waits the acknowledgement timeout of the escalation's urgency;
after level 2 the whole sequence repeats ``escalation.repeat`` times. A level nobody is
configured for is skipped.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Row, insert, select, update

from bot.content.catalogue import ResolvedOutcome
from bot.engine.conversation import Conversation
from bot.escalation.records import ThreadRef, new_id, thread_of
from bot.mrkdwn import escape
from bot.store.audit import append_event
from bot.store.outbox import ring
from bot.store.paging_tables import escalations, outbox
from bot.store.txn import locked, write_transaction

if TYPE_CHECKING:
    from bot.escalation.service import EscalationService


def open_escalation(service: EscalationService, conn: Connection, dedupe: str,
                    packet: dict[str, Any], conversation: Conversation | None,
                    outcome: ResolvedOutcome | None, thread: ThreadRef | None,
                    now: datetime) -> str:
    """Insert the escalation, start the outcome's hold, queue the first pages and notices."""
    escalation_id = new_id("e")
    level = service.roles.first_level()
    conversation_id = conversation.id if conversation else None
    conn.execute(insert(escalations).values(
        id=escalation_id, dedupe_key=dedupe, library=packet["library"],
        situation=packet["situation"], conversation_id=conversation_id,
        outcome_id=outcome.id if outcome else None, reason=packet["reason"],
        urgency=packet["urgency"], asked_by=packet["asked_by"], face=packet["face"],
        thread_channel=thread.channel if thread else None,
        thread_ts=thread.ts if thread else None,
        thread_permalink=thread.permalink if thread else None,
        packet=json.dumps(packet), state="triggered", level=level, repeat=0,
        next_action_at=now + service.roles.ack_timeout(packet["urgency"]), created_at=now,
        updated_at=now,
    ))
    append_event(conn, service.db, "escalation.triggered", actor=packet["asked_by"],
                 library=packet["library"], escalation_id=escalation_id,
                 conversation_id=conversation_id, at=now,
                 data={"reason": packet["reason"], "urgency": packet["urgency"],
                       "situation": packet["situation"],
                       "outcome": outcome.id if outcome else None,
                       "path": packet["path"], "question": packet["question"],
                       "face": packet["face"]})
    if outcome is not None and outcome.hold:
        hold_id = service.holds.start(conn, library=packet["library"], hold=outcome.hold,
                                      escalation_id=escalation_id,
                                      conversation_id=conversation_id,
                                      asked_by=packet["asked_by"], now=now)
        if hold_id:
            due = now + timedelta(days=int(outcome.hold["days"]))
            packet["hold"] = {**outcome.hold, "id": hold_id, "due_at": due.isoformat()}
            conn.execute(update(escalations).where(escalations.c.id == escalation_id)
                         .values(packet=json.dumps(packet)))
    paged = service.notify.pages(conn, escalation_id, packet, level, 0, now)
    if level == 1:
        service.notify.director_notices(conn, escalation_id, packet, conversation_id, now)
    service.notify.asker(conn, escalation_id, thread, f"paged:{level}:0",
                         service.notify.paged_text(packet, level, 0, paged), now)
    return escalation_id


def tick(service: EscalationService) -> int:
    """Act on every deadline that has passed: re-escalate, expire, remind about holds."""
    now = service.clock()
    actions = 0
    while True:
        with write_transaction(service.db) as conn:
            row = conn.execute(locked(
                select(escalations)
                .where(escalations.c.state == "triggered",
                       escalations.c.next_action_at <= now)
                .order_by(escalations.c.next_action_at)
                .limit(1),
                service.db, skip_locked=True,
            )).first()
            if row is None:
                break
            _advance(service, conn, row, now)
        actions += 1
    actions += service.holds.remind(now)
    if actions:
        ring()
    return actions


def _next_step(level: int, repeat: int, repeats: int) -> tuple[int, int] | None:
    if level == 1:
        return 2, repeat
    if repeat < repeats:
        return 1, repeat + 1
    return None


def undelivered(service: EscalationService, conn: Connection, *, escalation_id: str, key: str,
                recipient: str, error: str, now: datetime) -> None:
    """A page that can never be delivered (the channel is gone, the user deactivated, the
    token refused, retries exhausted): in the transaction that records the failure, tell the
    asker whom to phone and, if it was a page of the current step, page the next level now,
    skipping everyone whose page has already failed. A recipient already known dead (the
    escalation channel is paged at every level) moves nothing a second time."""
    row = conn.execute(locked(select(escalations).where(escalations.c.id == escalation_id),
                              service.db)).first()
    if row is None:
        return
    packet = json.loads(row.packet or "{}")
    append_event(conn, service.db, "page.undelivered", library=row.library,
                 escalation_id=row.id, conversation_id=row.conversation_id, at=now,
                 data={"recipient": recipient, "error": error, "key": key})
    service.notify.undelivered(conn, row.id, thread_of(row), recipient, error, packet, now)
    _, _, level, repeat, _ = key.split(":", 4)
    failures = dead_recipients(conn, row.id)
    current = row.state == "triggered" and (row.level, row.repeat) == (int(level), int(repeat))
    if current and failures[recipient] == 1:
        _advance(service, conn, row, now, dead=set(failures))
    ring()


def dead_recipients(conn: Connection, escalation_id: str) -> Counter[str]:
    """Everyone a page of this escalation could not be delivered to, with how many pages."""
    return Counter(conn.execute(select(outbox.c.target).where(
        outbox.c.escalation_id == escalation_id, outbox.c.kind == "page",
        outbox.c.status == "failed")).scalars())


def _advance(service: EscalationService, conn: Connection, row: Row[Any], now: datetime,
             dead: set[str] | frozenset[str] = frozenset()) -> None:
    """Page the next level with anyone in it (anyone not in ``dead``: pages to them failed),
    or expire when the sequence has run out."""
    roles, notify = service.roles, service.notify
    packet = json.loads(row.packet or "{}")
    repeats = service.config.escalation.repeat

    def live(level: int) -> list[str]:
        return [r for r in roles.recipients(level) if r not in dead]

    step = _next_step(row.level, row.repeat, repeats)
    anyone = bool(live(1) or live(2))
    if dead and not anyone:
        step = None
    while step is not None and anyone and not live(step[0]):
        step = _next_step(*step, repeats)
    common: dict[str, Any] = dict(library=row.library, escalation_id=row.id,
                                  conversation_id=row.conversation_id, at=now)
    if step is None:
        conn.execute(update(escalations).where(escalations.c.id == row.id).values(
            state="expired", expired_at=now, next_action_at=None, updated_at=now))
        what = ("No page could be delivered to anyone" if dead and not anyone
                else "Nobody acknowledged the page in time")
        text = (f"⚠️ {what}. What to do next: "
                f"{escape(packet.get('if_no_answer') or roles.if_no_answer(row.library))}")
        notify.asker(conn, row.id, thread_of(row), "expired", text, now)
        notify.expired_in_channel(conn, row.id, packet, now)
        notify.page_edits(conn, row.id, "expired", now)
        service.live.queue_edits(conn, row.id, now)
        append_event(conn, service.db, "escalation.expired", **common,
                     data={"level": row.level, "repeat": row.repeat})
        return
    level, repeat = step
    conn.execute(update(escalations).where(escalations.c.id == row.id).values(
        level=level, repeat=repeat, updated_at=now,
        next_action_at=now + roles.ack_timeout(row.urgency)))
    paged = notify.pages(conn, row.id, packet, level, repeat, now)
    notify.asker(conn, row.id, thread_of(row), f"paged:{level}:{repeat}",
                 notify.paged_text(packet, level, repeat, paged), now)
    service.live.queue_edits(conn, row.id, now)
    append_event(conn, service.db, "escalation.reescalated", **common,
                 data={"level": level, "repeat": repeat})
