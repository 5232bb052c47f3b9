"""Retention: case content older than the retention period is purged; counts are kept.

Purged: conversations (their redacted transcripts), closed escalations with their packets,
outbox messages and watched status messages, ended holds, and the data of audit events (the
events themselves stay, with their data digests, so the hash chain still verifies). Kept: per
library and month, how many conversations, outcomes, escalations (by reason and final state)
and holds there were.
Open escalations and active holds are never purged: someone still has to act on them.

``retention_days`` is kept without anyone scheduling ``frontdesk purge``: ``retention_job`` is a
daily recurring job (03:00 server time) of every process that runs the scheduler (``serve`` and
``worker``); its slot lives in ``scheduled_jobs``, so of several instances exactly one purges.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from bot.escalation.scheduler import RecurringJob, daily
from bot.escalation.states import CLOSED
from bot.store import retention as store
from bot.store.database import Database
from bot.store.retention import aggregate

__all__ = ["RETENTION_JOB", "aggregate", "purge", "retention_job"]

log = logging.getLogger("frontdesk.retention")


RETENTION_JOB = "retention-purge"
RETENTION_HOUR = 3  # local time: a quiet hour for the database


def retention_job(database: Database, retention_days: int, *,
                  clock: Callable[[], datetime] | None = None) -> RecurringJob:
    """The daily purge as a recurring job (its first run is the next 03:00 after start)."""

    def run() -> None:
        removed = purge(database, retention_days, now=clock() if clock else None)
        log.info("retention: purged (older than %d days): %s", retention_days, removed)

    return RecurringJob(database, RETENTION_JOB, run, next_slot=daily(RETENTION_HOUR),
                        clock=clock)


def purge(database: Database, retention_days: int, now: datetime | None = None
          ) -> dict[str, int]:
    """Purge everything older than ``retention_days`` (escalations once closed); returns what
    was removed."""
    return store.purge(database, retention_days, now, closed=CLOSED)
