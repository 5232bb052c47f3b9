"""The background scheduler: acts on deadlines that live in the database, on an interval.

Nothing here keeps a deadline in memory. Each pass calls its tasks: ``EscalationService.tick``
(re-escalation, expiry and hold reminders whose times, in the database, have passed) and
recurring jobs such as the director's weekly digest, whose next due time is a row in
``scheduled_jobs``. A restart therefore loses nothing, and several processes sharing one
database can all run a scheduler: ``tick`` takes its rows with ``SKIP LOCKED`` and a recurring
job's slot is claimed by exactly one of them.

A task that raises is logged and tried again on the next pass; it never stops the others or
the thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from bot.store.database import Database
from bot.store.jobs import JobStore
from bot.store.outbox import worker_identity
from bot.store.txn import utcnow

log = logging.getLogger("frontdesk.scheduler")

Task = Callable[[], object]


class Scheduler:
    """Runs ``tasks`` every ``interval`` seconds in one background thread until stopped."""

    def __init__(self, tasks: Sequence[tuple[str, Task]], *, interval: float,
                 stop: threading.Event | None = None):
        self.tasks = list(tasks)
        self.interval = interval
        self.stop_event = stop or threading.Event()
        self.passes = 0
        self.failures = 0
        self._thread: threading.Thread | None = None

    def run_once(self) -> dict[str, bool]:
        """One pass over every task; returns which succeeded."""
        done: dict[str, bool] = {}
        for name, task in self.tasks:
            try:
                task()
                done[name] = True
            except Exception:  # a database blip, Slack down: log it, retry on the next pass
                self.failures += 1
                done[name] = False
                log.exception("scheduled task %s failed; retrying in %.1fs", name, self.interval)
        self.passes += 1
        return done

    def run_forever(self) -> None:
        while not self.stop_event.is_set():
            self.run_once()
            self.stop_event.wait(self.interval)

    def start(self) -> Scheduler:
        self._thread = threading.Thread(target=self.run_forever, name="frontdesk-scheduler",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self.stop_event.set()
        if self._thread is not None:
            self._thread.join(timeout)


def daily(hour: int) -> Callable[[datetime], datetime]:
    """Slots every day at ``hour`` o'clock, server local time (see ``weekly``)."""
    every_weekday = [weekly(day, hour) for day in range(7)]

    def next_slot(after: datetime) -> datetime:
        return min(slot(after) for slot in every_weekday)

    return next_slot


def weekly(weekday: int, hour: int) -> Callable[[datetime], datetime]:
    """Slots on ``weekday`` (0 = Monday) at ``hour`` o'clock, server local time.

    The returned function gives the first slot strictly after a moment (in UTC).
    """

    def next_slot(after: datetime) -> datetime:
        local = after.astimezone()
        day = local.date() + timedelta(days=(weekday - local.weekday()) % 7)
        while True:
            # Naive local wall-clock time, then the offset that applies on that day (DST).
            candidate = datetime(day.year, day.month, day.day, hour).astimezone()
            if candidate > after:
                return candidate.astimezone(UTC)
            day += timedelta(days=7)

    return next_slot


class RecurringJob:
    """A job that runs once per slot, whatever restarts or other instances do.

    The first slot is the next one after the job is first seen (a new deployment does not
    send a digest the moment it starts). After a run the next slot is the first one after
    now: a process that was down for three weeks sends one digest when it returns, not three.
    A run that raises keeps its slot and is retried after ``retry``.
    """

    def __init__(self, database: Database, name: str, run: Callable[[], object], *,
                 next_slot: Callable[[datetime], datetime],
                 clock: Callable[[], datetime] | None = None,
                 lease: timedelta = timedelta(minutes=30),
                 retry: timedelta = timedelta(minutes=5)):
        self.store = JobStore(database)
        self.name = name
        self.run = run
        self.next_slot = next_slot
        self.clock = clock or utcnow
        self.lease = lease
        self.retry = retry
        self.identity = worker_identity()
        self.runs = 0
        self._ensured = False

    def __call__(self) -> bool:
        """Run the job if its slot is due and ours; True when it ran."""
        now = self.clock()
        if not self._ensured:
            self.store.ensure(self.name, self.next_slot(now))
            self._ensured = True
        claim = self.store.claim(self.name, self.identity, now, self.lease)
        if claim is None:
            return False
        try:
            self.run()
        except Exception as exc:
            self.store.release(claim, self.clock() + self.retry, f"{type(exc).__name__}: {exc}")
            raise
        done = self.clock()
        self.store.finish(claim, done, self.next_slot(max(done, claim.due_at)))
        self.runs += 1
        log.info("%s sent (slot %s); next %s", self.name, claim.due_at.isoformat(),
                 self.store.next_due(self.name))
        return True
