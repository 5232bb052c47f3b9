"""SIGKILL a real bot process between the decision and the delivery, and during delivery:
after a restart every page arrives exactly once (none lost, none doubled)."""

from __future__ import annotations

import random
import signal
import subprocess
import tomllib
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.config import parse_config
from bot.content.catalogue import Catalogue
from bot.escalation import EscalationService
from bot.store import Database
from bot.store.audit import AuditLog
from bot.store.outbox import OutboxStore
from bot.store.paging_tables import outbox
from tests.escalation_support import (
    PagingFake,
    config_toml,
    frontdesk_cmd,
    subprocess_env,
    trigger_many,
    wait_until,
    write_content,
)

RESULTS: dict[str, dict[str, int]] = {}


class Bot:
    def __init__(self, tmp_path: Path, fake: PagingFake):
        self.content = write_content(tmp_path / "content")
        self.config_path = tmp_path / "frontdesk.toml"
        self.config_path.write_text(config_toml())
        self.url = f"sqlite:///{tmp_path / 'bot.db'}"
        self.db = Database(self.url)
        self.fake = fake
        self.env = subprocess_env(
            FRONTDESK_DATABASE_URL=self.url, FRONTDESK_CONTENT=str(self.content),
            FRONTDESK_CONFIG=str(self.config_path), SLACK_BOT_TOKEN="xoxb-crash",
            SLACK_API_URL=fake.api_url)
        self.log = open(tmp_path / "bot.log", "ab")  # noqa: SIM115 - closed in close()

    def service(self) -> EscalationService:
        config = parse_config(tomllib.loads(self.config_path.read_text()))
        return EscalationService(self.db, config, Catalogue.load(self.content))

    def worker(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            frontdesk_cmd("worker", "--poll-seconds", "0.05", "--tick-seconds", "0.5",
                          "--base-backoff", "0.1"),
            env=self.env, stdout=self.log, stderr=self.log)

    def driver(self, count: int, *, serving: bool = False) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [*frontdesk_cmd()[:2], "from tests.escalation_support import driver_main; "
             "driver_main()"],
            env={**self.env, "DRIVER_COUNT": str(count), "DRIVER_SERVING": str(int(serving))},
            stdout=subprocess.PIPE, stderr=self.log)

    @staticmethod
    def kill(proc: subprocess.Popen[bytes]) -> None:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)  # reaped: its pid is gone, so a restarted worker may take its claims

    def drain(self, timeout: float = 60) -> None:
        proc = self.worker()
        try:
            assert wait_until(lambda: OutboxStore(self.db).pending() == 0, timeout=timeout)
        finally:
            proc.terminate()
            proc.wait(20)

    def expected(self) -> set[str]:
        with self.db.engine.connect() as conn:
            return set(conn.scalars(select(outbox.c.idempotency_key)
                                    .where(outbox.c.method == "post")))

    def check(self, name: str) -> dict[str, int]:
        delivered = self.fake.delivered_keys()
        expected = self.expected()
        pages = {k for k in expected if k.startswith("page:")}
        result = {
            "messages": len(expected),
            "pages": len(pages),
            "pages_sent": sum(1 for k in pages if delivered[k] >= 1),
            "lost": len(expected - set(delivered)),
            "duplicated": sum(n - 1 for n in delivered.values() if n > 1),
            # accepted by Slack before a kill, then found by its metadata instead of reposted
            "found_after_restart": sum(
                1 for r in AuditLog(self.db).rows()
                if r.kind.endswith(".sent") and '"found_existing":true' in (r.data or "")),
        }
        RESULTS[name] = result
        print(f"\n{name}: {result}")
        assert result["lost"] == 0, expected - set(delivered)
        assert result["duplicated"] == 0, +(delivered - Counter(expected))
        assert set(delivered) == expected
        return result

    def close(self) -> None:
        self.log.close()


@pytest.fixture
def bot(tmp_path: Path):  # type: ignore[no-untyped-def]
    with PagingFake() as fake:
        b = Bot(tmp_path, fake)
        yield b
        b.close()


def test_killed_between_the_decision_and_the_delivery(bot: Bot) -> None:
    for method in ("conversations.open", "chat.postMessage"):
        bot.fake.hang(method, 30, times=10_000, accept=False)  # nothing gets through
    proc = bot.driver(5)
    assert proc.stdout is not None
    assert proc.stdout.readline().startswith(b"decided 5")
    assert wait_until(lambda: bot.fake.arrivals, timeout=10)  # its worker is mid-delivery
    bot.kill(proc)
    assert not bot.fake.delivered_keys()  # nothing reached Slack before the kill
    assert OutboxStore(bot.db).pending() == 25  # but every page was decided and queued
    bot.fake.clear_hangs()
    bot.drain()
    assert bot.check("killed after deciding, before delivering")["pages_sent"] == 15


def test_killed_after_slack_accepted_a_post_but_before_it_was_marked_sent(bot: Bot) -> None:
    trigger_many(bot.service(), Catalogue.load(bot.content), 4)
    bot.fake.hang("chat.postMessage", 30, times=1, accept=True)
    proc = bot.worker()
    assert wait_until(lambda: len(bot.fake.delivered_keys()) == 1, timeout=20)
    bot.kill(proc)  # Slack has the page; our row still says "sending"
    accepted = next(iter(bot.fake.delivered_keys()))
    bot.drain()
    bot.check("killed while Slack held an accepted post")
    assert bot.fake.delivered_keys()[accepted] == 1
    assert bot.fake.calls_to("conversations.history") or bot.fake.calls_to("conversations.replies")


def test_killed_again_and_again_while_delivering(bot: Bot) -> None:
    trigger_many(bot.service(), Catalogue.load(bot.content), 20)  # 100 messages, 60 pages
    # Each post takes effect at once but is answered 40 ms later: kills land in that window.
    bot.fake.hang("chat.postMessage", 0.04, times=100_000, accept=True)
    rng = random.Random(6)
    for _ in range(6):
        proc = bot.worker()
        before = len(bot.fake.delivered_keys())
        wait_until(lambda before=before: len(bot.fake.delivered_keys()) > before + 3, timeout=15)
        wait_until(lambda: False, timeout=rng.uniform(0.05, 0.4))
        bot.kill(proc)
    bot.drain()
    result = bot.check("killed six times during delivery")
    assert result["pages_sent"] == 60


def test_killed_with_pages_claimed_for_it_as_they_were_queued(bot: Bot) -> None:
    """The worker serves before the decisions, so each page is written claimed by it in the
    trigger's own transaction and handed over at the commit (no claim transaction before the
    first post). Killed while Slack holds its first post (accepted) and the others wait in its
    memory, claimed: a worker started afterwards finds the accepted one by its metadata and
    sends every other page once."""
    bot.fake.hang("chat.postMessage", 30, times=1, accept=True)
    bot.fake.hang("chat.postMessage", 30, times=10_000, accept=False)
    proc = bot.driver(5, serving=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().startswith(b"decided 5")
    assert wait_until(lambda: len(bot.fake.delivered_keys()) == 1, timeout=20)
    bot.kill(proc)
    with bot.db.engine.connect() as conn:
        rows = conn.execute(select(outbox.c.status, outbox.c.claimed_by, outbox.c.attempts)
                            .where(outbox.c.method == "post")).all()
    assert len(rows) == 25
    # Every row claimed by the dead process, though its worker got no further than one post.
    assert {(r.status, r.attempts) for r in rows} == {("sending", 1)}
    assert len({r.claimed_by for r in rows}) == 1
    accepted = next(iter(bot.fake.delivered_keys()))
    bot.fake.clear_hangs()
    bot.drain()
    result = bot.check("killed with pages claimed as they were queued")
    assert result["pages_sent"] == 15 and result["found_after_restart"] >= 1
    assert bot.fake.delivered_keys()[accepted] == 1


def test_killed_after_the_commits_before_any_page_left_the_process(bot: Bot) -> None:
    """Every trigger committed with its pages claimed for this process's worker, which was
    to post the first of each the moment its commit returned; killed before one of them left
    (the worker still waits to open its first DM): nothing reached Slack, and a worker
    started afterwards sends every page exactly once."""
    bot.fake.hang("conversations.open", 30, times=10_000, accept=False)
    proc = bot.driver(5, serving=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().startswith(b"decided 5")  # all five committed
    assert wait_until(lambda: bot.fake.arrivals, timeout=10)  # its worker is under way
    bot.kill(proc)
    assert not bot.fake.calls_to("chat.postMessage") and "chat.postMessage" not in \
        bot.fake.arrivals
    with bot.db.engine.connect() as conn:
        rows = conn.execute(select(outbox.c.status, outbox.c.claimed_by)
                            .where(outbox.c.method == "post")).all()
    assert len(rows) == 25 and {r.status for r in rows} == {"sending"}
    assert len({r.claimed_by for r in rows}) == 1  # the dead process's
    bot.fake.clear_hangs()
    bot.drain()
    result = bot.check("killed after the commits, before any page left")
    assert result["pages_sent"] == 15 and result["found_after_restart"] == 0


def test_killed_with_a_batch_of_posts_sent_and_not_yet_recorded(bot: Bot) -> None:
    """The messages handed over at their commit are recorded together once the worker runs
    out of them, so several posts Slack accepted can be unrecorded when the process dies.
    Killed with four accepted and none of them recorded: a worker started afterwards finds
    each by its metadata, and nothing is lost or posted twice."""
    bot.fake.hang("chat.postMessage", 0.5, times=1, accept=True)  # the rest queue up meanwhile
    bot.fake.hang("chat.postMessage", 0, times=2, accept=True)
    bot.fake.hang("chat.postMessage", 30, times=1, accept=True)  # the fourth: killed here
    proc = bot.driver(5, serving=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().startswith(b"decided 5")
    assert wait_until(lambda: len(bot.fake.delivered_keys()) == 4, timeout=20)
    bot.kill(proc)
    accepted = set(bot.fake.delivered_keys())
    with bot.db.engine.connect() as conn:
        statuses = dict(conn.execute(select(outbox.c.idempotency_key, outbox.c.status)
                                     .where(outbox.c.idempotency_key.in_(accepted))).all())
    assert statuses == dict.fromkeys(accepted, "sending")  # in Slack, none on record yet
    bot.fake.clear_hangs()
    bot.drain()
    result = bot.check("killed with a batch of posts not yet recorded")
    assert result["pages_sent"] == 15 and result["found_after_restart"] >= 4
    assert all(bot.fake.delivered_keys()[key] == 1 for key in accepted)
