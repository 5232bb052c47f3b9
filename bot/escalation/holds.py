"""Holds: legal deadlines an outcome starts (a preservation letter's 90 days and the like).

A hold is ``active`` until its due day, then ``due``, until someone ends it; a renewable hold
can be renewed while it lasts. The privacy in-charge is reminded 7 days before the deadline and
on its day; both reminder times are stored with the hold, so ``remind`` (called by the
service's ``tick``) finds them after any restart.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from bot.content.flows import counts_from_a_day
from bot.escalation.records import AckResult, dedupe_key, format_utc, new_id
from bot.escalation.roles import Roles, row_to_act_on
from bot.store import paging
from bot.store.audit import append_event
from bot.store.database import Database
from bot.store.outbox import enqueue
from bot.store.paging import Record
from bot.store.txn import Transaction, as_utc, write_transaction

REMIND_BEFORE = timedelta(days=7)


def reminder_times(now: datetime, due: datetime) -> tuple[datetime, datetime]:
    """7 days before the deadline, and the start of its day (the server's local day)."""
    local = due.astimezone()
    start_of_day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    on_day = max(start_of_day, now)
    return due - REMIND_BEFORE, on_day


def hold_start(hold: dict[str, Any], stated_date: str | None, now: datetime) -> datetime:
    """When ``hold``'s deadline counts from: the day the case gives (a preservation request
    made last month: ``counts_from: request-date``; footage recorded 5 days ago:
    ``stated-date``) when the hold counts from such a day and the case gave a past one;
    otherwise ``now``."""
    if not counts_from_a_day(hold) or not stated_date:
        return now
    day = date.fromisoformat(stated_date)
    if day >= now.date():
        return now
    return datetime.combine(day, time(), tzinfo=now.tzinfo)


class Holds:
    """Start, renew, end and remind about the holds in one database."""

    def __init__(self, db: Database, roles: Roles, clock: Callable[[], datetime]):
        self.db = db
        self.roles = roles
        self.clock = clock

    def start(self, conn: Transaction, *, library: str, hold: dict[str, Any],
              escalation_id: str | None, conversation_id: str | None, asked_by: str,
              now: datetime, started: datetime | None = None) -> str | None:
        """Start ``hold`` in the caller's transaction; None when this case already started it,
        or when its deadline, counted from ``started``, has already passed (footage recorded
        more than its days ago is probably overwritten: recorded as ``hold.passed`` instead of
        an active hold that is already overdue).

        ``started``: the day its deadline counts from (``hold_start``), when not ``now``."""
        dedupe = dedupe_key("hold", conversation_id or escalation_id or uuid.uuid4().hex,
                            hold.get("kind"))
        if paging.hold_with_key(conn, dedupe):
            return None
        began = started or now
        due = began + timedelta(days=int(hold["days"]))
        if due <= now:  # counted from a day long gone: nothing left to keep, so no deadline
            append_event(conn, self.db, "hold.passed", library=library,
                         escalation_id=escalation_id, conversation_id=conversation_id,
                         actor=asked_by, at=now,
                         data={"kind": hold["kind"], "days": hold["days"],
                               "started_at": began.isoformat(), "due_at": due.isoformat()})
            return None
        hold_id = new_id("h")
        before, on_day = reminder_times(now, due)
        paging.insert_hold(
            conn, id=hold_id, dedupe_key=dedupe, escalation_id=escalation_id,
            conversation_id=conversation_id, library=library, kind=str(hold["kind"]),
            started_at=began, due_at=due, renewal_days=hold.get("renewal_days"), renewals=0,
            state="active", remind_before_at=before, remind_due_at=on_day,
            reminded_before=before <= now, reminded_due=False, created_by=asked_by,
            updated_at=now,
        )
        append_event(conn, self.db, "hold.started", library=library, escalation_id=escalation_id,
                     conversation_id=conversation_id, actor=asked_by, at=now,
                     data={"hold": hold_id, "kind": hold["kind"], "days": hold["days"],
                           "started_at": began.isoformat(), "due_at": due.isoformat()})
        return hold_id

    def redate(self, conn: Transaction, row: Record, hold: dict[str, Any],
               stated_date: str | None, actor: str, now: datetime) -> dict[str, str] | None:
        """Count an active hold again from the day the corrected case gives (a hold counting
        from such a day only: ``counts_from_a_day``): its deadline and reminders move; a
        deadline now already past ends it as ``hold.passed``. Returns the new span (``id`` too
        while the hold stays active); None when the day it counts from is unchanged."""
        if not counts_from_a_day(hold):
            return None
        began = hold_start(hold, stated_date, now)
        if began.date() == as_utc(row.started_at).date():  # type: ignore[arg-type]
            return None
        due = began + timedelta(days=int(hold["days"]))
        span = {"started_at": began.isoformat(), "due_at": due.isoformat()}
        data = {"hold": row.id, "kind": row.kind, **span,
                "why": "the desk corrected the day it happened"}
        if due <= now:
            paging.update_hold(conn, row.id, state="ended", updated_at=now)
            append_event(conn, self.db, "hold.passed", library=row.library,
                         escalation_id=row.escalation_id, conversation_id=row.conversation_id,
                         actor=actor, at=now, data=data)
            return span
        before, on_day = reminder_times(now, due)
        paging.update_hold(conn, row.id, started_at=began, due_at=due, remind_before_at=before,
                           remind_due_at=on_day, reminded_before=before <= now,
                           reminded_due=False, updated_at=now)
        append_event(conn, self.db, "hold.redated", library=row.library,
                     escalation_id=row.escalation_id, conversation_id=row.conversation_id,
                     actor=actor, at=now, data=data)
        return {"id": str(row.id), **span}

    def start_alone(self, *, library: str, hold: dict[str, Any], conversation_id: str | None,
                    asked_by: str, stated_date: str | None = None) -> str | None:
        """A hold of an outcome that pages nobody, in a transaction of its own."""
        now = self.clock()
        with write_transaction(self.db) as conn:
            return self.start(conn, library=library, hold=hold, escalation_id=None,
                              conversation_id=conversation_id, asked_by=asked_by, now=now,
                              started=hold_start(hold, stated_date, now))

    def renew(self, hold_id: str, user_id: str) -> AckResult:
        now = self.clock()
        with write_transaction(self.db) as conn:
            row = self._to_act_on(conn, hold_id, user_id)
            if isinstance(row, AckResult):
                return row
            if row.state == "ended":
                return AckResult("already", f"Hold {hold_id} has ended.")
            if not row.renewal_days:
                return AckResult("refused", f"Hold {hold_id} ({row.kind}) cannot be renewed.")
            due = as_utc(row.due_at) + timedelta(days=row.renewal_days)  # type: ignore[operator]
            before, on_day = reminder_times(now, due)
            paging.update_hold(
                conn, hold_id, due_at=due, renewals=row.renewals + 1, state="active",
                remind_before_at=before, remind_due_at=on_day, reminded_before=before <= now,
                reminded_due=False, updated_at=now)
            append_event(conn, self.db, "hold.renewed", library=row.library,
                         escalation_id=row.escalation_id, conversation_id=row.conversation_id,
                         actor=user_id, at=now,
                         data={"hold": hold_id, "due_at": due.isoformat()})
        return AckResult("renewed", f"Hold {hold_id} renewed: now due {format_utc(due)}.")

    def end(self, hold_id: str, user_id: str) -> AckResult:
        now = self.clock()
        with write_transaction(self.db) as conn:
            row = self._to_act_on(conn, hold_id, user_id)
            if isinstance(row, AckResult):
                return row
            paging.update_hold(conn, hold_id, state="ended", updated_at=now)
            append_event(conn, self.db, "hold.ended", library=row.library,
                         escalation_id=row.escalation_id, actor=user_id, at=now,
                         data={"hold": hold_id})
        return AckResult("ended", f"Hold {hold_id} ended.")

    def _to_act_on(self, conn: Transaction, hold_id: str, user_id: str) -> Record | AckResult:
        return row_to_act_on(paging.lock_hold(conn, self.db, hold_id), self.roles, user_id,
                             f"No hold {hold_id}.")

    def remind(self, now: datetime) -> int:
        """Queue every reminder whose time has come, one hold per transaction."""
        done = 0
        for which, (_, flag) in paging.REMINDERS.items():
            while True:
                with write_transaction(self.db) as conn:
                    row = paging.next_hold_to_remind(conn, self.db, which, now)
                    if row is None:
                        break
                    values: dict[str, Any] = {flag: True, "updated_at": now}
                    if which == "due":
                        values["state"] = "due"
                    paging.update_hold(conn, row.id, **values)
                    self._queue_reminder(conn, row, which, now)
                done += 1
        return done

    def _queue_reminder(self, conn: Transaction, row: Record, which: str,
                        now: datetime) -> None:
        recipients = self.roles.recipients(1)  # the privacy in-charge, as a first page
        for recipient in recipients:
            key = f"reminder:{row.id}:{row.renewals}:{which}:{recipient}"
            enqueue(conn, self.db, key=key, kind="reminder", target=recipient,
                    escalation_id=row.escalation_id, now=now,
                    payload={"render": "reminder", "hold": row.id, "kind": row.kind,
                             "escalation_id": row.escalation_id, "which": which,
                             "due_at": as_utc(row.due_at).isoformat(),  # type: ignore[union-attr]
                             "renewal_days": row.renewal_days})
        append_event(conn, self.db, "hold.reminder", library=row.library,
                     escalation_id=row.escalation_id, conversation_id=row.conversation_id,
                     at=now, data={"hold": row.id, "which": which, "recipients": recipients})
