"""People's steps on a page: acknowledge it (someone is on it) and resolve it (it is over).

Only members of the privacy-in-charge or director roles may take them, and the stand-in on a
page that went to the stand-in (``roles.can_act``); anyone else gets the library's refusal. A
second click, on any instance, finds the row locked and then already moved on, and is told so:
nothing is queued twice.

An acknowledgement may come through any channel the page went out on (``via``: Slack, a
text reply, a key pressed on a call, a one-time link); it is audited with that channel. A
one-time link is spent in the same transaction as the acknowledgement it makes.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.escalation.endings import ending_label
from bot.escalation.records import AckResult, format_utc, thread_of
from bot.escalation.roles import row_packet, row_to_act_on
from bot.escalation.states import WAITING, Event, State, allows, move
from bot.privacy.redact import redact
from bot.store import ack_links, paging
from bot.store.audit import append_event
from bot.store.outbox import ring
from bot.store.paging import Record
from bot.store.txn import Transaction, as_utc, write_transaction

if TYPE_CHECKING:
    from bot.escalation.core import Core

NOTE_LIMIT = 1000


def acknowledge(service: Core, escalation_id: str, user_id: str,
                via: str = "slack") -> AckResult:
    now = service.clock()
    with write_transaction(service.db) as conn:
        row = row_to_act_on(paging.lock_escalation(conn, service.db, escalation_id),
                            service.roles, user_id, f"No escalation {escalation_id}.")
        if isinstance(row, AckResult):
            return row
        result = _acknowledge_row(service, conn, row, user_id, via, now)
    ring()
    return result


def acknowledge_by_link(service: Core, nonce: str, via: str) -> AckResult:
    """Acknowledge with a one-time token sent by text, email or call, and spend it: ``nonce``
    is the token's, its signature already checked by the channel. ``via``: how it came back
    (``link``, ``sms``, ``voice``)."""
    now = service.clock()
    with write_transaction(service.db) as conn:
        link = ack_links.take(conn, service.db, nonce, now)
        if link is None:
            return AckResult("not-found", "This acknowledgement link is not valid.")
        if link.used_at is not None:
            return AckResult("already", "This acknowledgement link has already been used.")
        row = paging.lock_escalation(conn, service.db, link.escalation_id)
        if row is None:
            return AckResult("not-found", "This page no longer exists.")
        if link.expires_at <= now and row.state == WAITING:
            return AckResult("already", "This acknowledgement link has expired.")
        if not service.roles.can_act(link.person, row_packet(row)):
            return AckResult("refused", service.roles.refusal(row.library))
        result = _acknowledge_row(service, conn, row, link.person, via, now)
    ring()
    return result


def _acknowledge_row(service: Core, conn: Transaction, row: Record,
                     user_id: str, via: str, now: datetime) -> AckResult:
    """Acknowledge the locked escalation ``row`` as ``user_id``, or say why it is too late."""
    if not allows(row.state, Event.ACKNOWLEDGE):
        if row.state == State.RESOLVED and row.acked_by is None:  # withdrawn: nobody needed
            return AckResult("already", f"Nothing to do: {row.resolve_note or 'closed'}.")
        if row.acked_by is not None:
            return AckResult("already", "Already acknowledged by {by} at "
                             f"{format_utc(as_utc(row.acked_at))}. Nothing changed.",
                             by=row.acked_by)
        return AckResult("already", "This page expired before anyone acknowledged it; "
                         "the asker was told what to do next. Use Resolve to close it "
                         "with a note.")
    # the channel it came through goes with the page, for every line that shows the ack
    packet = {**json.loads(row.packet or "{}"), "acked_via": via}
    paging.update_escalation(conn, row.id, state=move(row.state, Event.ACKNOWLEDGE),
                             acked_by=user_id, acked_at=now, next_action_at=None,
                             packet=json.dumps(packet), updated_at=now)
    tell_everyone(service, conn, row, "acknowledged",
                  {"event": "acknowledged", "by": user_id, "at": now.isoformat(), "via": via},
                  now, stand_down=(user_id, via))
    append_event(conn, service.db, "escalation.acknowledged", library=row.library,
                 escalation_id=row.id, conversation_id=row.conversation_id,
                 actor=user_id, at=now, data={"level": row.level, "repeat": row.repeat,
                                              "via": via})
    return AckResult("acknowledged",
                     f"You acknowledged escalation {row.id}. The asker has been told.")


def resolve(service: Core, escalation_id: str, user_id: str,
            note: str | None = None, via: str = "slack", ending: str | None = None) -> AckResult:
    """Resolve the page: ``ending``, how it ended (an id of ``endings.ENDINGS``; an unknown one
    is kept as none), and an optional ``note``, redacted before it is kept."""
    now = service.clock()
    clean = redact(note.strip())[:NOTE_LIMIT] if note and note.strip() else None
    ending = ending if ending_label(ending) else None
    with write_transaction(service.db) as conn:
        row = row_to_act_on(paging.lock_escalation(conn, service.db, escalation_id),
                            service.roles, user_id, f"No escalation {escalation_id}.")
        if isinstance(row, AckResult):
            return row
        if not allows(row.state, Event.RESOLVE):
            return AckResult("already", "Already resolved by {by} at "
                             f"{format_utc(as_utc(row.resolved_at))}.", by=row.resolved_by)
        values: dict[str, Any] = dict(state=move(row.state, Event.RESOLVE), resolved_by=user_id,
                                      resolved_at=now, resolve_note=clean, next_action_at=None,
                                      updated_at=now)
        if ending:  # kept with the page, as the channel of its acknowledgement is
            values["packet"] = json.dumps({**json.loads(row.packet or "{}"), "ending": ending})
        if row.acked_by is None and row.state == WAITING:
            values.update(acked_by=user_id, acked_at=now)
        paging.update_escalation(conn, escalation_id, **values)
        tell_everyone(service, conn, row, "resolved",
                      {"event": "resolved", "by": user_id, "at": now.isoformat(),
                       "ending": ending_label(ending), "note": clean},
                      now,
                      stand_down=(user_id, via) if row.state == WAITING else None)
        append_event(conn, service.db, "escalation.resolved", library=row.library,
                     escalation_id=escalation_id, conversation_id=row.conversation_id,
                     actor=user_id, at=now,
                     data={"ending": ending, "note": clean, "from": row.state})
    ring()
    return AckResult("resolved", f"Escalation {escalation_id} resolved.")


def tell_everyone(service: Core, conn: Transaction, row: Record, event: str,
                  status: dict[str, Any], now: datetime, *,
                  stand_down: tuple[str, str] | None = None) -> None:
    """The asker's thread (``status``: the event's facts), every page sent, every watched
    status message; with
    ``stand_down`` (who ended the page, and through which channel) also every text and email
    it reached."""
    service.notify.asker(conn, row.id, thread_of(row), event, status, now)
    if stand_down is not None:
        by, via = stand_down
        service.notify.stand_downs(conn, row.id, event.split(":", 1)[0], by=by, via=via,
                                   now=now)
    service.notify.page_edits(conn, row.id, event, now)
    service.live.queue_edits(conn, row.id, now)
