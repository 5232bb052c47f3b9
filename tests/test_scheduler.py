"""The background scheduler: recurring jobs kept in the database, and the weekly digest DM.

The digest tests run the real app (its scheduler, with a 0.1-second tick from the config) and
read the DM and the chart upload back from the fake Slack. A week passing is stood in for by
moving the job's next due time in the database (``JobStore.reschedule``), as an operator could.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import ConfigError, parse_config
from bot.escalation.scheduler import RecurringJob, Scheduler, weekly
from bot.faces.slack.weekly import JOB_NAME
from bot.store import Database
from bot.store.jobs import JobStore
from bot.store.txn import utcnow
from tests.escalation_support import DIRECTOR_USERS, Clock, PagingFake
from tests.wiring_support import pagelib_bot, pagelib_catalogue

(DIRECTOR,) = DIRECTOR_USERS


# --- the weekly digest in the serving process ---------------------------------------------------


def digests(fake: PagingFake) -> list:  # type: ignore[no-untyped-def]
    return fake.calls_to("chat.postMessage", lambda c: c.args.get("channel") ==
                         fake.dm_channel(DIRECTOR) and "Director's digest" in str(
                             c.args.get("text")))


def quiet(seconds: float = 0.5) -> None:
    """Several scheduler passes (the tick is 0.1 s)."""
    time.sleep(seconds)


def test_the_weekly_digest_is_sent_once_per_week_across_restarts_and_instances(
    tmp_path: Path,
) -> None:
    catalogue = pagelib_catalogue(tmp_path)
    with PagingFake() as fake:
        first = pagelib_bot(fake, tmp_path, catalogue=catalogue)
        database = first.runtime.services.database
        jobs = JobStore(database)
        try:
            quiet()
            due = jobs.next_due(JOB_NAME)
            assert due is not None and due > utcnow()  # first due on the next Monday, 08:00
            local = due.astimezone()
            assert (local.weekday(), local.hour, local.minute) == (0, 8, 0)
            assert digests(fake) == []  # a new deployment does not send one at start
        finally:
            first.stop()

        # Down while the digest fell due: the next start sends it, once.
        jobs.reschedule(JOB_NAME, utcnow() - timedelta(hours=2))
        second = pagelib_bot(fake, tmp_path, catalogue=catalogue)
        try:
            [dm] = fake.wait_for("chat.postMessage", lambda c: c.args.get("channel") ==
                                 fake.dm_channel(DIRECTOR) and "Director's digest" in str(
                                     c.args.get("text")), timeout=10)
            assert dm.response and dm.response["ok"] and dm.args.get("blocks")
            [chart] = fake.wait_for("files.completeUploadExternal", timeout=10)
            assert chart.args.get("channel_id") == fake.dm_channel(DIRECTOR)
            quiet()
            assert len(digests(fake)) == 1
            # Not due again: the next regular slot (which on a Monday before 08:00 is today's).
            assert jobs.next_due(JOB_NAME) == weekly(0, 8)(utcnow())
        finally:
            second.stop()

        # Restarted right after: nothing more.
        third = pagelib_bot(fake, tmp_path, catalogue=catalogue)
        try:
            quiet()
            assert len(digests(fake)) == 1
        finally:
            third.stop()

        # Due again with two instances running on the same database: exactly one sends it.
        jobs.reschedule(JOB_NAME, utcnow() - timedelta(minutes=1))
        pair = [pagelib_bot(fake, tmp_path, catalogue=catalogue) for _ in range(2)]
        try:
            fake.wait_for("chat.postMessage", lambda c: c.args.get("channel") ==
                          fake.dm_channel(DIRECTOR) and "Director's digest" in str(
                              c.args.get("text")), count=2, timeout=10)
            quiet()
            assert len(digests(fake)) == 2
            assert len(fake.calls_to("files.completeUploadExternal")) == 2
        finally:
            for bot in pair:
                bot.stop()


def test_the_digest_can_be_turned_off_and_a_bad_schedule_is_one_line() -> None:
    off = parse_config({"schedule": {"weekly_digest": False, "tick_seconds": 1}})
    assert off.schedule.weekly_digest is False and off.schedule.tick_seconds == 1.0
    assert parse_config({"schedule": {"digest_weekday": "Friday"}}).schedule.digest_weekday == 4
    for bad, key in (({"tick_seconds": 0}, "schedule.tick_seconds"),
                     ({"digest_weekday": "someday"}, "schedule.digest_weekday"),
                     ({"digest_hour": 24}, "schedule.digest_hour"),
                     ({"every": 3}, "schedule.every")):
        with pytest.raises(ConfigError) as raised:
            parse_config({"schedule": bad})
        assert raised.value.key == key


# --- the scheduler and recurring jobs -------------------------------------------------------------


def test_a_failing_task_is_logged_and_the_others_and_the_thread_carry_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    ran: list[str] = []

    def broken() -> None:
        ran.append("broken")
        raise RuntimeError("database went away")

    stop = threading.Event()
    scheduler = Scheduler([("broken", broken), ("fine", lambda: ran.append("fine"))],
                          interval=0.01, stop=stop)
    with caplog.at_level(logging.ERROR, logger="frontdesk.scheduler"):
        scheduler.start()
        deadline = time.monotonic() + 5
        while ran.count("fine") < 3:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        scheduler.stop()
    assert ran.count("broken") >= 3 and scheduler.failures >= 3
    assert "scheduled task broken failed" in caplog.text and "database went away" in caplog.text
    assert not scheduler._thread.is_alive()  # type: ignore[union-attr]


def test_weekly_slots_are_the_next_weekday_and_hour_in_local_time() -> None:
    slot = weekly(2, 9)  # Wednesdays, 09:00
    now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # a Monday
    first = slot(now)
    local = first.astimezone()
    assert (local.weekday(), local.hour) == (2, 9) and first > now
    assert first - now < timedelta(days=7, hours=2)
    assert slot(first) - first in (timedelta(days=7), timedelta(days=7, hours=1),
                                   timedelta(days=6, hours=23))  # DST may move it an hour


def test_a_recurring_job_runs_once_per_slot_and_retries_a_failed_run(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'jobs.db'}")
    clock = Clock(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    calls: list[datetime] = []
    failing = [True]

    def run() -> None:
        calls.append(clock())
        if failing[0]:
            raise RuntimeError("Slack is down")

    def every_day(after: datetime) -> datetime:
        return (after + timedelta(days=1)).replace(hour=8, minute=0, second=0, microsecond=0)

    job = RecurringJob(database, "daily", run, next_slot=every_day, clock=clock,
                       retry=timedelta(minutes=5))
    other = RecurringJob(database, "daily", run, next_slot=every_day, clock=clock)
    assert job() is False  # first due tomorrow 08:00
    clock.advance(days=1)
    with pytest.raises(RuntimeError):
        job()
    assert other() is False and job() is False  # retried only after 5 minutes
    failing[0] = False
    clock.advance(minutes=6)
    assert other() is True and job() is False  # once, by whichever instance claims it
    assert len(calls) == 2
    # Down for three weeks: one run when it comes back, then the next day's slot.
    clock.advance(days=21)
    assert job() is True and other() is False and job() is False
    assert JobStore(database).next_due("daily") == every_day(clock())
    database.dispose()
