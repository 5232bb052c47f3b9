"""Opening an escalation and moving it along its deadlines (the states and the events that
move between them are declared in ``states``).

``triggered → acknowledged → resolved``, or ``expired`` once every level and repeat has passed
without an acknowledgement (people's own steps, acknowledge and resolve, are in
``acknowledge``). Each level waits the acknowledgement timeout of the escalation's urgency;
after level 2 the whole sequence repeats ``escalation.repeat`` times. A level nobody is
configured for is skipped.

Within a level the urgency's ladder (``[escalation.ladder]``) is climbed: each rung pages
through its channels ``after_seconds`` after the level began (``level_at``); ``rung`` is the
next rung not yet sent, and ``next_action_at`` the sooner of that rung's time and the level's
timeout. When Slack cannot take the page (``failover``) the level's remaining rungs go at once.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.content.catalogue import ResolvedOutcome
from bot.engine.conversation import Conversation
from bot.escalation.holds import hold_start
from bot.escalation.records import ThreadRef, new_id, thread_of
from bot.escalation.states import INITIAL, WAITING, Event, move
from bot.store import paging
from bot.store.audit import append_event
from bot.store.outbox import batched, ring
from bot.store.paging import Record
from bot.store.txn import Transaction, as_utc, write_transaction

if TYPE_CHECKING:
    from bot.escalation.core import Core


def open_escalation(service: Core, conn: Transaction, dedupe: str,
                    packet: dict[str, Any], conversation: Conversation | None,
                    outcome: ResolvedOutcome | None, thread: ThreadRef | None,
                    now: datetime) -> str:
    """Insert the escalation, start the outcome's hold, queue the first pages and notices.
    Returns its id; the id of the one another instance opened under ``dedupe`` a moment ago,
    if so (then nothing is written)."""
    escalation_id = new_id("e")
    level = service.roles.first_level(packet)
    conversation_id = conversation.id if conversation else None
    # The first level's ladder as of now: stored with the row, sent below.
    sending, rung, next_action_at = _rungs_due(service, packet["urgency"], now, now, 0)
    opened = paging.insert_escalation(
        conn, service.db, id=escalation_id, dedupe_key=dedupe, library=packet["library"],
        situation=packet["situation"], conversation_id=conversation_id,
        outcome_id=outcome.id if outcome else None, reason=packet["reason"],
        urgency=packet["urgency"], asked_by=packet["asked_by"], face=packet["face"],
        thread_channel=thread.channel if thread else None,
        thread_ts=thread.ts if thread else None,
        thread_permalink=thread.permalink if thread else None,
        packet=json.dumps(packet), state=INITIAL, level=level, repeat=0,
        next_action_at=next_action_at, created_at=now, updated_at=now, rung=rung, level_at=now,
    )
    if not opened:
        return paging.escalation_with_key(conn, dedupe) or escalation_id
    append_event(conn, service.db, "escalation.triggered", actor=packet["asked_by"],
                 library=packet["library"], escalation_id=escalation_id,
                 conversation_id=conversation_id, at=now,
                 data={"reason": packet["reason"], "urgency": packet["urgency"],
                       "situation": packet["situation"],
                       "outcome": outcome.id if outcome else None,
                       "path": packet["path"], "question": packet["question"],
                       "face": packet["face"]})
    if outcome is not None and outcome.hold:
        began = hold_start(outcome.hold, conversation.stated_date if conversation else None, now)
        hold_id = service.holds.start(conn, library=packet["library"], hold=outcome.hold,
                                      escalation_id=escalation_id,
                                      conversation_id=conversation_id,
                                      asked_by=packet["asked_by"], now=now, started=began)
        due = began + timedelta(days=int(outcome.hold["days"]))
        span = {"due_at": due.isoformat(), "started_at": began.isoformat()}
        if hold_id:
            packet["hold"] = {**outcome.hold, "id": hold_id, **span}
        elif due <= now:  # ran out before the case reached the desk: no deadline to keep
            packet["hold_passed"] = {**outcome.hold, **span}
        if hold_id or due <= now:
            paging.update_escalation(conn, escalation_id, packet=json.dumps(packet))
    with batched(conn, service.db):  # the Slack pages, the notice and the line: one INSERT
        paged, via = _page(service, conn, escalation_id, packet, level, 0, now, sending)
        if level == 1:
            service.notify.director_notices(conn, escalation_id, packet, conversation_id, now)
        service.notify.asker(conn, escalation_id, thread, f"paged:{level}:0",
                             service.notify.paged(level, 0, paged, via), now)
    return escalation_id


def _climb(service: Core, conn: Transaction, escalation_id: str,
           packet: dict[str, Any], level: int, repeat: int, level_at: datetime, now: datetime,
           rung: int, *, all_now: bool = False) -> tuple[list[str], tuple[str, ...]]:
    """Send every rung from ``rung`` whose time has come (all of them: ``all_now``), store the
    next rung and deadline; returns who was paged and through which channels."""
    sending, rung, next_action_at = _rungs_due(service, packet["urgency"], level_at, now, rung,
                                               all_now=all_now)
    paged = _page(service, conn, escalation_id, packet, level, repeat, now, sending)
    paging.update_escalation(conn, escalation_id, rung=rung, next_action_at=next_action_at,
                             updated_at=now)
    return paged


def _rungs_due(service: Core, urgency: str, level_at: datetime, now: datetime,
               rung: int, *, all_now: bool = False
               ) -> tuple[list[tuple[str, ...]], int, datetime]:
    """The channels of each rung from ``rung`` whose time has come (all: ``all_now``), the
    next rung not sent, and the next deadline (that rung's time or the level's timeout)."""
    rungs = service.roles.ladder(urgency)
    sending: list[tuple[str, ...]] = []
    while rung < len(rungs) and (
            all_now or level_at + timedelta(seconds=rungs[rung].after_seconds) <= now):
        sending.append(rungs[rung].via)
        rung += 1
    due = level_at + service.roles.ack_timeout(urgency)
    if rung < len(rungs):
        due = min(due, level_at + timedelta(seconds=rungs[rung].after_seconds))
    return sending, rung, max(due, now)


def _page(service: Core, conn: Transaction, escalation_id: str,
          packet: dict[str, Any], level: int, repeat: int, now: datetime,
          sending: list[tuple[str, ...]]) -> tuple[list[str], tuple[str, ...]]:
    """Queue the pages of each rung in ``sending``; returns who was paged and through which
    channels."""
    paged: list[str] = []
    via: list[str] = []
    for channels in sending:
        paged += service.notify.pages(conn, escalation_id, packet, level, repeat, now, channels)
        via += channels
    return list(dict.fromkeys(paged)), tuple(dict.fromkeys(via))


def restart_level(service: Core, conn: Transaction, row: Record,
                  packet: dict[str, Any], now: datetime) -> None:
    """The waiting escalation ``row`` now carries ``packet`` (a corrected case): its level
    starts again now, climbing the new urgency's ladder from the first rung. Channels that
    already went out are not sent again (their outbox keys are taken)."""
    paging.update_escalation(conn, row.id, level_at=now, updated_at=now)
    _climb(service, conn, row.id, packet, row.level, row.repeat, now, now, 0)


def _level_start(row: Record) -> datetime:
    """When the row's current level began (rows from before ladders: its last change)."""
    return as_utc(row.level_at) or as_utc(row.updated_at)  # type: ignore[return-value]


def failover(service: Core, escalation_id: str, *, dead: bool) -> bool:
    """Slack cannot take the page (unreachable, or the page ``dead``: failed for good): send
    the level's remaining rungs now instead of at their time. True when some were sent.
    (A dead page also moves to the next level at once: ``undelivered``.)"""
    now = service.clock()
    with write_transaction(service.db) as conn:
        row = paging.lock_escalation(conn, service.db, escalation_id)
        if row is None or row.state != WAITING:
            return False
        if row.rung >= len(service.roles.ladder(row.urgency)):
            return False
        move(row.state, Event.STEP)
        packet = json.loads(row.packet or "{}")
        _, via = _climb(service, conn, row.id, packet, row.level, row.repeat, _level_start(row),
                        now, row.rung, all_now=True)
        append_event(conn, service.db, "escalation.failover", library=row.library,
                     escalation_id=row.id, conversation_id=row.conversation_id, at=now,
                     data={"level": row.level, "repeat": row.repeat, "via": list(via),
                           "slack": "failed" if dead else "unreachable"})
    ring()
    return True


def tick(service: Core) -> int:
    """Act on every deadline that has passed: re-escalate, expire, remind about holds."""
    now = service.clock()
    actions = 0
    while True:
        with write_transaction(service.db) as conn:
            row = paging.next_due_escalation(conn, service.db, WAITING, now)
            if row is None:
                break
            _act(service, conn, row, now)
        actions += 1
    actions += service.holds.remind(now)
    if actions:
        ring()
    return actions


def _act(service: Core, conn: Transaction, row: Record, now: datetime) -> None:
    """A deadline has passed: the next rung of the ladder if its time has come, else the
    level's timeout (re-escalate or expire)."""
    rungs = service.roles.ladder(row.urgency)
    level_at = _level_start(row)
    if row.rung < len(rungs) and level_at + timedelta(
            seconds=rungs[row.rung].after_seconds) <= now:
        move(row.state, Event.STEP)
        packet = json.loads(row.packet or "{}")
        _, via = _climb(service, conn, row.id, packet, row.level, row.repeat, level_at, now,
                        row.rung)
        append_event(conn, service.db, "escalation.step", library=row.library,
                     escalation_id=row.id, conversation_id=row.conversation_id, at=now,
                     data={"level": row.level, "repeat": row.repeat, "via": list(via)})
        return
    _advance(service, conn, row, now)


def _next_step(level: int, repeat: int, repeats: int) -> tuple[int, int] | None:
    if level == 1:
        return 2, repeat
    if repeat < repeats:
        return 1, repeat + 1
    return None


def undelivered(service: Core, conn: Transaction, *, escalation_id: str, key: str,
                recipient: str, error: str, now: datetime) -> None:
    """A page that can never be delivered (the channel is gone, the user deactivated, the
    token refused, retries exhausted): in the transaction that records the failure, tell the
    asker whom to phone and, if it was a page of the current step, page the next level now,
    skipping everyone whose page has already failed. A recipient already known dead (the
    escalation channel is paged at every level) moves nothing a second time."""
    row = paging.lock_escalation(conn, service.db, escalation_id)
    if row is None:
        return
    packet = json.loads(row.packet or "{}")
    append_event(conn, service.db, "page.undelivered", library=row.library,
                 escalation_id=row.id, conversation_id=row.conversation_id, at=now,
                 data={"recipient": recipient, "error": error, "key": key})
    service.notify.undelivered(conn, row.id, thread_of(row), recipient, error, packet, now)
    _, _, level, repeat, _ = key.split(":", 4)
    failures = dead_recipients(conn, row.id)
    current = row.state == WAITING and (row.level, row.repeat) == (int(level), int(repeat))
    if current and failures[recipient] == 1:
        _advance(service, conn, row, now, dead=set(failures))
    ring()


def contact_undelivered(service: Core, conn: Transaction, *, escalation_id: str,
                        key: str, via: str, recipient: str, error: str, now: datetime) -> None:
    """A text, email or call that can never be delivered (Twilio refused the number, the
    mail server the address, retries ran out): audited, and shown by ``frontdesk pages`` and
    /healthz (the failed outbox row). While anything else of the level may still reach someone,
    that is all. Once every page of the current level has failed, the level's remaining rungs
    go at once; with none left, the next level is paged now (``_advance``, as for a dead Slack
    page) and the asker is told whom to phone."""
    row = paging.lock_escalation(conn, service.db, escalation_id)
    if row is None:
        return
    append_event(conn, service.db, "page.undelivered", library=row.library,
                 escalation_id=row.id, conversation_id=row.conversation_id, at=now,
                 data={"recipient": recipient, "error": error, "key": key, "via": via})
    _, _, level, repeat, _ = key.split(":", 4)
    if row.state != WAITING or (row.level, row.repeat) != (int(level), int(repeat)):
        return
    pages = level_pages(conn, row.id, row.level, row.repeat)
    if any(status != "failed" for _, _, status in pages):
        return
    packet = json.loads(row.packet or "{}")
    if row.rung < len(service.roles.ladder(row.urgency)):
        _, sent = _climb(service, conn, row.id, packet, row.level, row.repeat,
                         _level_start(row), now, row.rung, all_now=True)
        append_event(conn, service.db, "escalation.failover", library=row.library,
                     escalation_id=row.id, conversation_id=row.conversation_id, at=now,
                     data={"level": row.level, "repeat": row.repeat, "via": list(sent),
                           "failed": sorted({method for method, _, _ in pages})})
        ring()
        return
    failed = tuple(dict.fromkeys(method for method, _, _ in pages))
    service.notify.level_unreachable(conn, row.id, thread_of(row), row.level, row.repeat,
                                     failed, packet, now)
    _advance(service, conn, row, now, dead={target for _, target, _ in pages})
    ring()


def level_pages(conn: Transaction, escalation_id: str, level: int,
                repeat: int) -> list[tuple[str, str, str]]:
    """(channel, recipient, outbox status) of every page queued at ``level``/``repeat``."""
    found = []
    for r in paging.pages_of(conn, escalation_id):
        parts = r.idempotency_key.split(":", 4)
        if len(parts) == 5 and (parts[2], parts[3]) == (str(level), str(repeat)):
            found.append(("slack" if r.method == "post" else r.method, r.target, r.status))
    return found


def dead_recipients(conn: Transaction, escalation_id: str) -> Counter[str]:
    """Everyone a page of this escalation could not be delivered to, with how many pages."""
    return Counter(paging.failed_page_targets(conn, escalation_id))


def _advance(service: Core, conn: Transaction, row: Record, now: datetime,
             dead: set[str] | frozenset[str] = frozenset()) -> None:
    """Page the next level with anyone in it (anyone not in ``dead``: pages to them failed),
    or expire when the sequence has run out."""
    roles, notify = service.roles, service.notify
    packet = json.loads(row.packet or "{}")
    repeats = service.config.escalation.repeat

    def live(level: int) -> list[str]:
        return [r for r in roles.recipients(level, packet) if r not in dead]

    step = _next_step(row.level, row.repeat, repeats)
    anyone = bool(live(1) or live(2))
    if dead and not anyone:
        step = None
    while step is not None and anyone and not live(step[0]):
        step = _next_step(*step, repeats)
    common: dict[str, Any] = dict(library=row.library, escalation_id=row.id,
                                  conversation_id=row.conversation_id, at=now)
    if step is None:
        paging.update_escalation(conn, row.id, state=move(row.state, Event.EXPIRE),
                                 expired_at=now, next_action_at=None, updated_at=now)
        notify.asker(conn, row.id, thread_of(row), "expired", {
            "event": "expired", "nobody_reachable": bool(dead and not anyone),
            # none known to have reached anyone (Slack out all along): not "nobody answered"
            "none_delivered": not any(page.status == "sent"
                                      for page in paging.pages_of(conn, row.id)),
            "if_no_answer": packet.get("if_no_answer") or roles.if_no_answer(row.library)}, now)
        notify.expired_in_channel(conn, row.id, now)
        notify.page_edits(conn, row.id, "expired", now)
        service.live.queue_edits(conn, row.id, now)
        append_event(conn, service.db, "escalation.expired", **common,
                     data={"level": row.level, "repeat": row.repeat})
        return
    level, repeat = step
    paging.update_escalation(conn, row.id, state=move(row.state, Event.REESCALATE),
                             level=level, repeat=repeat, level_at=now, updated_at=now)
    paged, via = _climb(service, conn, row.id, packet, level, repeat, now, now, 0)
    notify.asker(conn, row.id, thread_of(row), f"paged:{level}:{repeat}",
                 notify.paged(level, repeat, paged, via, undelivered=bool(dead)), now)
    service.live.queue_edits(conn, row.id, now)
    append_event(conn, service.db, "escalation.reescalated", **common,
                 data={"level": level, "repeat": repeat})
