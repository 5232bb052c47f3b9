"""Recurring jobs' state: when each is next due, and which process is running it now.

The due time lives in the database, not in a timer, so a process that was down when a job
fell due runs it once when it comes back, and one that restarts right after a run does not run
it again. A claim is a lease (``claimed_by``, ``lease_until``) taken under a row lock
(``FOR UPDATE`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite): of several instances sharing the
database, exactly one runs each due slot. A failed run keeps its slot and is retried after a
pause (the lease doubles as "not before").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from bot.store.database import Database
from bot.store.ops_tables import scheduled_jobs
from bot.store.txn import as_utc, locked, write_transaction


@dataclass(frozen=True)
class Claim:
    """The right to run ``name``'s slot due at ``due_at``, held by ``worker`` for a while."""

    name: str
    due_at: datetime
    worker: str


class JobStore:
    def __init__(self, database: Database):
        self.db = database

    def ensure(self, name: str, first_due: datetime) -> None:
        """Create the job's row, first due at ``first_due``; an existing row is left alone."""
        dialect = postgresql if self.db.dialect == "postgresql" else sqlite
        stmt = dialect.insert(scheduled_jobs).values(name=name, next_due_at=first_due)
        with write_transaction(self.db) as conn:
            conn.execute(stmt.on_conflict_do_nothing(index_elements=["name"]))

    def next_due(self, name: str) -> datetime | None:
        with self.db.engine.connect() as conn:
            due = conn.execute(select(scheduled_jobs.c.next_due_at)
                               .where(scheduled_jobs.c.name == name)).scalar()
        return as_utc(due)

    def reschedule(self, name: str, due: datetime) -> None:
        """Move the next run (operators; tests standing in for a week passing)."""
        with write_transaction(self.db) as conn:
            conn.execute(update(scheduled_jobs).where(scheduled_jobs.c.name == name)
                         .values(next_due_at=due))

    def claim(self, name: str, worker: str, now: datetime, lease: timedelta) -> Claim | None:
        """Take the job if it is due and nobody holds it (or their lease ran out)."""
        with write_transaction(self.db) as conn:
            row = conn.execute(locked(
                select(scheduled_jobs).where(scheduled_jobs.c.name == name), self.db
            )).first()
            if row is None:
                return None
            due = as_utc(row.next_due_at)
            held = as_utc(row.lease_until)
            if due is None or due > now or (held is not None and held > now):
                return None
            conn.execute(update(scheduled_jobs).where(scheduled_jobs.c.name == name).values(
                claimed_by=worker, lease_until=now + lease, last_started_at=now))
        return Claim(name, due, worker)

    def finish(self, claim: Claim, now: datetime, next_due: datetime) -> bool:
        """Record the run and the next due time (only if the claim is still ours)."""
        with write_transaction(self.db) as conn:
            return bool(conn.execute(update(scheduled_jobs).where(
                scheduled_jobs.c.name == claim.name, scheduled_jobs.c.claimed_by == claim.worker
            ).values(next_due_at=next_due, last_done_at=now, claimed_by=None, lease_until=None,
                     last_error=None)).rowcount)

    def release(self, claim: Claim, retry_at: datetime, error: str) -> bool:
        """A failed run: keep the slot due, and let nobody retry it before ``retry_at``."""
        with write_transaction(self.db) as conn:
            return bool(conn.execute(update(scheduled_jobs).where(
                scheduled_jobs.c.name == claim.name, scheduled_jobs.c.claimed_by == claim.worker
            ).values(claimed_by=None, lease_until=retry_at, last_error=error[:500])).rowcount)
