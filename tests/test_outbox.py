"""Delivery: retries and backoff, Retry-After on 429, 5xx and broken connections, no doubles."""

from __future__ import annotations

import json
import threading
import time
import tomllib
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from slack_sdk import WebClient
from sqlalchemy import event, func, select

from bot.channels.delivery import OutboxWorker
from bot.channels.slack import SlackTransport
from bot.channels.slack.render import render
from bot.config import parse_config
from bot.content.catalogue import Catalogue
from bot.engine import start, step
from bot.escalation import EscalationService, ThreadRef
from bot.store import Database
from bot.store.audit import AuditLog
from bot.store.outbox import Message, OutboxStore, enqueue, enqueue_all
from bot.store.paging_tables import outbox
from bot.store.txn import utcnow, write_transaction
from tests.escalation_support import PagingFake, config_toml, wait_until, write_content

THREAD = ThreadRef("CDESK", "1700000000.000100", None)


@pytest.fixture
def fake():  # type: ignore[no-untyped-def]
    with PagingFake() as server:
        yield server


class Live:
    """A service and a worker on the real clock, the worker running in a thread."""

    def __init__(self, tmp_path: Path, fake: PagingFake, **worker: float):
        self.catalogue = Catalogue.load(write_content(tmp_path / "content"))
        config = parse_config(tomllib.loads(config_toml()))
        self.db = Database(f"sqlite:///{tmp_path / 'outbox.db'}")
        self.service = EscalationService(self.db, config, self.catalogue)
        self.fake = fake
        self.client = WebClient(token="xoxb-test", base_url=fake.api_url)
        options = dict(base_backoff=0.05, max_backoff=0.5, poll_seconds=0.02)
        options.update(worker)
        self.worker = OutboxWorker(self.db, SlackTransport(self.client, timeout=1), **options)
        self.stop = threading.Event()
        self.thread: threading.Thread | None = None

    def trigger(self, n: int = 1) -> list[str]:
        ids = []
        for _ in range(n):
            view = start(self.catalogue, "pagelib", "records-request")
            for text in ("police", "warrant"):
                view = step(self.catalogue, view.conversation, text)
            ids.append(self.service.trigger(
                library="pagelib", situation="records-request", conversation=view.conversation,
                outcome=view.outcome, reason="outcome", asked_by="UASKER", face="slack",
                thread=THREAD))
        return ids

    def run(self) -> Live:
        self.thread = threading.Thread(target=self.worker.run_forever, args=(self.stop,))
        self.thread.start()
        return self

    def halt(self) -> None:
        self.stop.set()
        if (handed := self.worker._handed) is not None:
            handed.bell.set()  # waiting for its bell: it sees the stop now
        if self.thread:
            self.thread.join(10)

    def run_until_drained(self, timeout: float = 20) -> None:
        """Run the worker until every queued message is delivered (or the test fails)."""
        self.run()
        try:
            assert wait_until(self.drained, timeout=timeout)
        finally:
            self.halt()

    def expected(self) -> set[str]:
        with self.db.engine.connect() as conn:
            return set(conn.scalars(select(outbox.c.idempotency_key)
                                    .where(outbox.c.method == "post")))

    def drained(self) -> bool:
        return OutboxStore(self.db).pending() == 0


def assert_exactly_once(live: Live) -> Counter[str]:
    delivered = live.fake.delivered_keys()
    expected = live.expected()
    assert set(delivered) == expected, f"lost: {expected - set(delivered)}"
    assert all(n == 1 for n in delivered.values()), f"doubled: {+(delivered - Counter(expected))}"
    return delivered


def test_429_honours_retry_after_and_loses_nothing(tmp_path: Path, fake: PagingFake) -> None:
    live = Live(tmp_path, fake)
    fake.fail("chat.postMessage", times=3, status=429, retry_after=1)
    live.trigger(2)
    began = time.monotonic()
    live.run_until_drained()
    assert_exactly_once(live)
    posts = fake.calls_to("chat.postMessage")
    limited = [c for c in posts if c.response and c.response.get("error") == "ratelimited"]
    assert len(limited) == 3
    # Nothing is posted until Retry-After (1 s) has passed after each 429.
    for call in limited:
        after = [c.at for c in posts if c.at > call.at]
        assert after and min(after) - call.at >= 0.95
    assert time.monotonic() - began >= 2.9
    assert live.worker.stats.retried >= 3


def test_500s_and_broken_connections_are_retried_with_backoff_and_never_doubled(
        tmp_path: Path, fake: PagingFake) -> None:
    live = Live(tmp_path, fake)
    fake.fail("chat.postMessage", times=4, status=500)
    fake.fail("conversations.history", times=1, status=503)
    live.trigger(3)
    live.run_until_drained()
    delivered = assert_exactly_once(live)
    assert len(delivered) == 15
    # A 5xx may hide an accepted post: the worker looked before posting again.
    assert fake.calls_to("conversations.history") or fake.calls_to("conversations.replies")


def test_a_post_slack_accepted_but_never_answered_is_found_not_reposted(
        tmp_path: Path, fake: PagingFake) -> None:
    live = Live(tmp_path, fake)
    fake.hang("chat.postMessage", 2.5, times=2, accept=True)  # the client times out after 1 s
    live.trigger(1)
    live.run_until_drained()
    assert_exactly_once(live)
    assert live.worker.stats.recovered == 2
    audit = [r.kind for r in AuditLog(live.db).rows()]
    assert audit.count("page.sent") == 3


def test_a_permanent_error_fails_the_row_and_is_audited(tmp_path: Path, fake: PagingFake) -> None:
    live = Live(tmp_path, fake)
    fake.fail("chat.postMessage", times=1, status=200, error="channel_not_found")
    live.trigger(1)
    live.worker.run_once()
    counts = OutboxStore(live.db).counts()
    assert counts.get("failed") == 1 and counts.get("sent") == 4
    assert len(fake.calls_to("chat.postMessage")) == 5  # not retried
    assert "page.failed" in [r.kind for r in AuditLog(live.db).rows()]


def test_a_claim_whose_worker_vanished_is_taken_over_after_its_lease(
        tmp_path: Path, fake: PagingFake) -> None:
    live = Live(tmp_path, fake)
    live.trigger(1)
    store = OutboxStore(live.db)
    # Another host's worker claimed a row and posted it, then disappeared.
    row = store.claim("elsewhere:1:abc", utcnow(), timedelta(seconds=0.5))
    assert row is not None
    channel = SlackTransport(live.client).channel_for(row.target)
    SlackTransport(live.client).post(channel, render(live.db, row), row.thread_ts)
    live.worker.run_once()  # the other four rows; the claimed one is still leased
    assert fake.delivered_keys()[row.key] == 1
    time.sleep(0.6)
    live.worker.run_once()
    assert live.worker.stats.recovered == 1
    assert_exactly_once(live)
    assert store.mark_sent(row.id, "elsewhere:1:abc", utcnow(), "C", "1.0") is False


def test_page_edits_wait_for_the_page_itself(tmp_path: Path, fake: PagingFake) -> None:
    """Slack took the pages but its answers were lost (the worker timed out), and someone
    acknowledges before the worker hears back. The edits wait for the pages' next attempt,
    which finds them in Slack (they went out: a page that may have is looked for before it is
    skipped for its escalation's state), and then edit each once. It used to make the pages
    fail with 500s until the acknowledgement; such a page never went out, so it is now never
    posted (states.WAITING: test_escalation's pages acknowledged before their turn)."""
    live = Live(tmp_path, fake)
    fake.hang("chat.postMessage", 1.5, times=5, accept=True)  # the client times out after 1 s
    [eid] = live.trigger(1)
    live.worker.run_once()
    assert live.service.acknowledge(eid, "UPIC1").status == "acknowledged"
    live.run_until_drained()
    assert live.worker.stats.recovered >= 3
    assert len(fake.calls_to("chat.update")) == 3
    assert_exactly_once(live)


@pytest.mark.parametrize("status", [429, 500, 503])
def test_a_failed_look_up_keeps_the_may_already_be_sent_state(
        tmp_path: Path, fake: PagingFake, status: int) -> None:
    """Slack accepts a post but the answer never arrives (the client times out), so the next
    attempt must look for it first; that look-up itself fails. The attempt after must look
    again, not post blind: the page was there all along."""
    live = Live(tmp_path, fake, max_backoff=0.05)
    fake.hang("chat.postMessage", 2.5, times=1, accept=True)  # the client times out after 1 s
    fake.fail("conversations.history", times=1, status=status, retry_after=0)
    fake.fail("conversations.replies", times=1, status=status, retry_after=0)
    live.trigger(1)
    live.run_until_drained()
    assert_exactly_once(live)
    assert live.worker.stats.recovered == 1
    lookups = fake.calls_to("conversations.history") + fake.calls_to("conversations.replies")
    failed = [c for c in lookups if c.response and not c.response.get("ok")]
    assert len(failed) == 1 and len(lookups) >= 2
    with live.db.engine.connect() as conn:
        attempts = conn.scalars(select(outbox.c.attempts).where(outbox.c.status == "sent"))
        assert max(attempts) == 3  # posted (unanswered), look-up failed, look-up found it


def serving(live: Live) -> Live:
    """Run the worker and wait until rows queued in this process are handed to it."""
    live.run()
    assert wait_until(lambda: live.worker._handed is not None, timeout=5)
    return live


def outbox_writes_on(db: Database, thread: threading.Thread) -> list[float]:
    """When ``thread`` changed an outbox row (time.time()): a claim, a result."""
    at: list[float] = []

    def statement(_conn, _cursor, sql: str, *_args) -> None:  # type: ignore[no-untyped-def]
        if threading.current_thread() is thread and sql.startswith("UPDATE outbox"):
            at.append(time.time())

    event.listen(db.engine, "before_cursor_execute", statement)
    return at


def test_pages_queued_while_the_worker_serves_are_claimed_for_it_at_the_commit(
        tmp_path: Path, fake: PagingFake) -> None:
    """The trigger's transaction writes its rows already claimed by this process's worker and
    hands them over as it commits: the first page goes without a claim transaction of its
    own, and none is looked for in Slack first (nothing could have sent it before)."""
    live = serving(Live(tmp_path, fake))
    worker_writes = outbox_writes_on(live.db, live.thread)  # type: ignore[arg-type]
    fake.hang("chat.postMessage", 0.5, times=1, accept=True)  # the first post takes a while
    try:
        live.trigger(1)
        with live.db.engine.connect() as conn:
            rows = conn.execute(select(outbox.c.status, outbox.c.claimed_by,
                                       outbox.c.attempts)).all()
        assert len(rows) == 5
        assert {(r.status, r.claimed_by, r.attempts) for r in rows} == {
            ("sending", live.worker.identity, 1)}
        assert wait_until(live.drained, timeout=20)
    finally:
        live.halt()
    assert_exactly_once(live)
    first_post = min(c.at for c in fake.calls_to("chat.postMessage"))
    assert worker_writes and not [t for t in worker_writes if t < first_post]  # no claim
    assert not fake.calls_to("conversations.history") and not fake.calls_to(
        "conversations.replies")
    assert live.worker.stats.sent == 5 and live.worker.stats.recovered == 0


def test_a_rolled_back_transaction_hands_nothing(tmp_path: Path, fake: PagingFake) -> None:
    live = serving(Live(tmp_path, fake))
    try:
        with pytest.raises(RuntimeError), write_transaction(live.db) as conn:
            enqueue(conn, live.db, key="page:x:1:0:UPIC1", kind="page", target="UPIC1",
                    payload={"text": "page"}, now=utcnow())
            raise RuntimeError("the decision failed")
        time.sleep(0.3)
    finally:
        live.halt()
    assert OutboxStore(live.db).counts() == {} and not fake.calls_to("chat.postMessage")


def test_a_page_is_rendered_while_its_commit_is_written_and_posted_only_after_it(
        tmp_path: Path, fake: PagingFake) -> None:
    """The trigger's rows reach the worker with the escalation as the transaction wrote it,
    before the commit returns: the worker renders the first page meanwhile, and posts it
    after the commit with no SQL of its own in between (no claim, no read of the escalation
    it was handed)."""
    live = serving(Live(tmp_path, fake, poll_seconds=5))
    time.sleep(0.3)  # its first pass is over: it waits for its bell, not polling meanwhile
    worker = live.thread
    worker_sql: list[tuple[float, str]] = []
    commits: list[float] = []

    def statement(_conn, _cursor, sql: str, *_args) -> None:  # type: ignore[no-untyped-def]
        if threading.current_thread() is worker:
            worker_sql.append((time.time(), sql.split()[0]))

    def committed(_conn) -> None:  # type: ignore[no-untyped-def]
        if threading.current_thread() is threading.main_thread():
            commits.append(time.time())

    event.listen(live.db.engine, "before_cursor_execute", statement)
    event.listen(live.db.engine, "commit", committed)
    try:
        live.trigger(1)
        assert wait_until(live.drained, timeout=20)
    finally:
        live.halt()
    assert_exactly_once(live)
    first_post = min(c.at for c in fake.calls_to("chat.postMessage"))
    assert len(commits) == 1 and commits[0] < first_post  # on disk before anyone is paged
    assert [sql for at, sql in worker_sql if commits[0] <= at < first_post] == []


def test_rows_handed_before_a_commit_that_fails_are_never_sent(
        tmp_path: Path, fake: PagingFake) -> None:
    """The worker may hold a row of a transaction that then fails at its very end (after the
    rows were handed over, before the commit): it sends nothing and writes nothing for it."""
    from bot.store.txn import staged

    live = serving(Live(tmp_path, fake))

    def fail(_rows: list[object]) -> None:
        time.sleep(0.3)  # the worker has taken the row meanwhile and waits for the commit
        raise RuntimeError("the commit failed")

    try:
        with pytest.raises(RuntimeError), write_transaction(live.db) as conn:
            enqueue(conn, live.db, key="page:x:1:0:UPIC1", kind="page", target="UPIC1",
                    payload={"text": "page"}, now=utcnow())
            staged(conn, "fails-last", fail, last=True).append(1)  # type: ignore[union-attr]
        assert live.worker._handed is not None and live.worker._handed.next() is None  # taken
        time.sleep(0.3)
    finally:
        live.halt()
    assert OutboxStore(live.db).counts() == {} and not fake.calls_to("chat.postMessage")
    assert live.worker.stats == type(live.worker.stats)()  # nothing sent, retried or failed


def test_rows_handed_to_a_worker_that_stops_are_pending_again(
        tmp_path: Path, fake: PagingFake) -> None:
    """A worker that stops (not killed) frees the rows claimed for it that it never tried:
    any worker sends them at once, without looking for them first."""
    live = Live(tmp_path, fake)
    store = OutboxStore(live.db)
    handed = store.serve("here:1:a", None, timedelta(seconds=60), utcnow)
    live.trigger(1)
    assert store.counts() == {"sending": 5}
    store.stop_serving(handed)
    with live.db.engine.connect() as conn:
        rows = conn.execute(select(outbox.c.status, outbox.c.claimed_by, outbox.c.attempts,
                                   outbox.c.maybe_sent)).all()
    assert {tuple(r) for r in rows} == {("pending", None, 0, False)}
    live.trigger(1)  # nobody serves now: queued pending, as before
    assert store.counts() == {"pending": 10}
    live.worker.run_once()
    assert_exactly_once(live)
    assert live.worker.stats.recovered == 0 and not fake.calls_to("conversations.history")


def test_a_handed_row_whose_lease_ran_out_is_sent_once(tmp_path: Path, fake: PagingFake) -> None:
    """Rows wait in the worker's memory while its first post hangs past their lease; another
    worker may take them over meanwhile (looking first), or the first renews its claim before
    sending. Either way each goes exactly once."""
    live = serving(Live(tmp_path, fake, lease_seconds=0.4))
    fake.hang("chat.postMessage", 0.8, times=1, accept=True)
    other = OutboxWorker(live.db, SlackTransport(live.client, timeout=1), poll_seconds=0.02)
    try:
        live.trigger(1)
        time.sleep(0.5)  # the leases have run out; the serving worker is still posting
        other.run_once()
        assert wait_until(live.drained, timeout=20)
    finally:
        live.halt()
    assert_exactly_once(live)
    assert live.worker.stats.sent + other.stats.sent == 5


def test_a_row_not_yet_due_by_the_serving_workers_clock_is_not_handed(tmp_path: Path) -> None:
    """A service whose clock runs ahead of the serving worker's (a scheduler acting on a later
    day) queues its rows pending: a worker on that clock takes them when they are due."""
    db = Database(f"sqlite:///{tmp_path / 'outbox.db'}")
    store = OutboxStore(db)
    handed = store.serve("here:1:a", None, timedelta(seconds=60), utcnow)
    later = utcnow() + timedelta(days=83)
    with write_transaction(db) as conn:
        for when, key in ((later, "reminder:h1:UPIC1"), (utcnow(), "page:e1:1:0:UPIC1")):
            enqueue(conn, db, key=key, kind="page", target="UPIC1", payload={}, now=when)
    assert store.counts() == {"pending": 1, "sending": 1}
    assert handed.next() is not None and handed.next() is None
    store.stop_serving(handed)


def test_texts_and_emails_are_claimed_when_taken_not_handed(
        tmp_path: Path, fake: PagingFake) -> None:
    """A text or an email claimed counts as one that may have reached its person (an
    acknowledgement then sends a stand-down), so one queued while the worker is busy stays
    pending until a worker takes it; the Slack page of the same transaction is handed."""
    live = Live(tmp_path, fake, poll_seconds=5)
    serving(live)
    time.sleep(0.3)  # the worker's first pass is over: it waits for its bell
    fake.hang("chat.postMessage", 1.0, times=1, accept=True)
    try:
        with write_transaction(live.db) as conn:
            for method, key in (("post", "page:e1:1:0:UPIC1"), ("sms", "sms:e1:1:0:pic")):
                enqueue(conn, live.db, key=key, kind="page", method=method, target="UPIC1",
                        payload={"text": "page"}, now=utcnow())
        assert wait_until(lambda: fake.arrivals.count("chat.postMessage") == 1, timeout=5)
        with live.db.engine.connect() as conn:  # the worker is inside the Slack post
            rows = dict(conn.execute(select(outbox.c.method, outbox.c.status)).all())
        assert rows == {"post": "sending", "sms": "pending"}
    finally:
        live.halt()


def test_the_worker_keeps_one_connection_to_slack_for_all_its_calls(
        tmp_path: Path, fake: PagingFake) -> None:
    """Every call of the worker (DMs opened, pages, notices, status lines) goes over one
    kept-alive connection: no TCP and TLS handshake before each page."""
    live = Live(tmp_path, fake)
    live.trigger(3)
    live.run_until_drained()
    assert len(assert_exactly_once(live)) == 15
    assert len(fake.calls) > 15
    assert fake.connections == 1


def test_a_kept_connection_the_server_closed_meanwhile_is_replaced_before_the_next_call(
        fake: PagingFake) -> None:
    """Slack may close an idle kept-alive connection without a word: the next call opens a
    new one instead of failing on the dead one (which would cost the page a retry)."""
    transport = SlackTransport(WebClient(token="xoxb-test", base_url=fake.api_url), timeout=1)
    fake.drop_kept_connections = True
    message = {"text": "one", "blocks": None, "metadata": None}
    first = transport.post("CPRIV", message, None)
    time.sleep(0.2)  # the server has closed its end by now
    second = transport.post("CPRIV", {**message, "text": "two"}, None)
    assert first != second
    assert [c.args["text"] for c in fake.calls_to("chat.postMessage")] == ["one", "two"]
    assert fake.connections == 2


def _as_read(row: object) -> dict[str, object]:
    """An escalation's columns as a read gives them back (times in UTC, states as text)."""
    from bot.store.txn import as_utc

    values = row._asdict()  # type: ignore[attr-defined]
    return {name: as_utc(value) if hasattr(value, "tzinfo") else
            (str(value) if isinstance(value, str) else value) for name, value in values.items()}


def test_the_escalation_handed_with_its_rows_is_the_one_the_transaction_commits(
        tmp_path: Path, fake: PagingFake) -> None:
    """The escalation a worker is handed with the trigger's rows is not read back: it is the
    row as the transaction wrote it (inserted, then its packet rewritten with the hold it
    started), column for column what a read after the commit finds."""
    from bot.store.paging import escalation

    live = Live(tmp_path, fake)
    store = OutboxStore(live.db)
    handed = store.serve("here:1:a", None, timedelta(seconds=60), utcnow)
    view = start(live.catalogue, "pagelib", "records-request")
    for text in ("police", "preserve"):  # a preservation letter: its hold goes in the packet
        view = step(live.catalogue, view.conversation, text)
    reads: list[str] = []
    event.listen(live.db.engine, "before_cursor_execute",
                 lambda _c, _cur, sql, *_: reads.append(sql) if sql.startswith("SELECT") else None)
    eid = live.service.trigger(library="pagelib", situation="records-request",
                               conversation=view.conversation, outcome=view.outcome,
                               reason="outcome", asked_by="UASKER", face="slack", thread=THREAD)
    served = [handed.next() for _ in range(5)]
    store.stop_serving(handed)
    assert not [sql for sql in reads if "FROM escalations" in sql]
    stored = escalation(live.db, eid)
    assert stored is not None and '"hold": {' in stored.packet
    for one in served:
        assert one is not None and one.escalation is not None
        assert _as_read(one.escalation) == _as_read(stored)


def test_an_escalation_changed_in_a_savepoint_that_rolled_back_is_read_back(
        tmp_path: Path) -> None:
    """What a savepoint undid is not what the transaction commits: the rows handed after it
    carry the escalation read back from the transaction, not as it was written inside."""
    from bot.store import paging
    from bot.store.txn import savepoint

    db = Database(f"sqlite:///{tmp_path / 'outbox.db'}")
    store = OutboxStore(db)
    handed = store.serve("here:1:a", None, timedelta(seconds=60), utcnow)
    now = utcnow()
    with write_transaction(db) as conn:
        assert paging.insert_escalation(
            conn, db, id="e1", dedupe_key="k1", library="pagelib", reason="outcome",
            urgency="immediate", asked_by="UASKER", face="slack", packet='{"v": 1}',
            state="triggered", level=1, repeat=0, created_at=now, updated_at=now, rung=1)
        with pytest.raises(RuntimeError), savepoint(db):
            paging.update_escalation(conn, "e1", packet='{"v": 2}', state="acknowledged")
            raise RuntimeError("this part failed")
        enqueue(conn, db, key="page:e1:1:0:UPIC1", kind="page", target="UPIC1",
                escalation_id="e1", payload={"render": "page"}, now=now)
    served = handed.next()
    store.stop_serving(handed)
    assert served is not None and served.escalation is not None
    assert (served.escalation.packet, served.escalation.state) == ('{"v": 1}', "triggered")


def test_what_waits_for_a_commit_is_done_by_the_committing_thread_before_anyone_wakes(
        tmp_path: Path) -> None:
    """A worker handed a transaction's rows may leave its first act (writing a prepared
    request) to the thread that commits: done the moment the commit returns, before those
    waiting for the decision wake; never when it rolls back; taken back if not done yet."""
    from bot.store.txn import decision

    db = Database(f"sqlite:///{tmp_path / 'outbox.db'}")
    done: list[tuple[int, bool | None, int]] = []

    def act(d) -> None:  # type: ignore[no-untyped-def]
        with db.engine.connect() as conn:  # what it acts on is on disk already
            rows = conn.scalar(select(func.count()).select_from(outbox))
        done.append((threading.get_ident(), d.committed(0), rows))

    with write_transaction(db) as conn:
        committed = decision(conn)
        enqueue(conn, db, key="status:e1:paged", kind="status", target="CDESK", payload={},
                now=utcnow())
        assert committed.on_commit(lambda: act(committed))

        def second() -> None:
            done.append((0, None, 0))

        assert committed.on_commit(second) and committed.withdraw(second)  # taken back
        assert committed.withdraw(done.append) is False  # never handed to it
    assert done == [(threading.get_ident(), None, 1)]  # in this thread, nobody woken yet
    assert committed.committed(0) is True
    assert not committed.on_commit(done.append)  # decided already: act yourself
    del done[:]

    with pytest.raises(RuntimeError), write_transaction(db) as conn:
        rolled_back = decision(conn)
        assert rolled_back.on_commit(lambda: done.append((1, None, 0)))
        raise RuntimeError("the decision failed")
    assert not done and rolled_back.committed(0) is False


def test_what_the_committing_thread_does_for_a_worker_holds_up_no_other_writer(
        tmp_path: Path) -> None:
    """The first page's request, written by the committing thread the moment its commit
    returns (``on_commit``), may wait on the network (a full socket buffer, a slow peer): it
    is written once this process's writer lock is let go, so another writer — the Slack face
    persisting an event before its acknowledgement — commits meanwhile instead of waiting."""
    from bot.store.txn import decision

    db = Database(f"sqlite:///{tmp_path / 'outbox.db'}")
    other_committed = threading.Event()
    seen: list[bool] = []

    def other_writer() -> None:
        with write_transaction(db) as conn:
            enqueue(conn, db, key="status:e2:paged", kind="status", target="CDESK",
                    payload={}, now=utcnow())
        other_committed.set()

    def slow_send() -> None:  # the request stuck on its way to Slack for up to 5 s
        writer = threading.Thread(target=other_writer)
        writer.start()
        seen.append(other_committed.wait(5))
        writer.join(15)

    with write_transaction(db) as conn:
        enqueue(conn, db, key="status:e1:paged", kind="status", target="CDESK", payload={},
                now=utcnow())
        assert decision(conn).on_commit(slow_send)
    assert seen == [True]
    with db.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(outbox)) == 2


def test_a_prepared_first_post_of_a_transaction_that_rolls_back_never_leaves(
        tmp_path: Path, fake: PagingFake) -> None:
    """The worker renders the first page of a transaction's rows and makes its request
    ready while the transaction commits; when the transaction fails at its very end instead,
    not a byte of it reaches Slack, nothing is written for it, and the next escalation's
    pages still go out exactly once over a fresh connection."""
    from bot.store import paging
    from bot.store.txn import staged

    live = serving(Live(tmp_path, fake))
    first = live.trigger(1)[0]  # the DMs are open and the worker's connection is kept
    assert wait_until(live.drained, timeout=20)
    posts = len(fake.arrivals)

    def fail(_rows: list[object]) -> None:
        time.sleep(0.5)  # the worker has the first page ready meanwhile, waiting to be sent
        raise RuntimeError("the commit failed")

    now = utcnow()
    try:
        with pytest.raises(RuntimeError), write_transaction(live.db) as conn:
            paging.insert_escalation(
                conn, live.db, id="erolled", dedupe_key="k-rolled", library="pagelib",
                reason="outcome", urgency="immediate", asked_by="UASKER", face="slack",
                packet=json.dumps(live.service.packet(first)),
                state="triggered", level=1, repeat=0, created_at=now, updated_at=now, rung=1)
            enqueue(conn, live.db, key="page:erolled:1:0:UPIC1", kind="page", target="UPIC1",
                    escalation_id="erolled", now=now,
                    payload={"render": "page", "escalation_id": "erolled", "level": 1,
                             "repeat": 0})
            staged(conn, "fails-last", fail, last=True).append(1)  # type: ignore[union-attr]
        time.sleep(0.3)
        assert len(fake.arrivals) == posts  # nothing of it reached Slack
        live.trigger(1)
        assert wait_until(live.drained, timeout=20)
    finally:
        live.halt()
    assert OutboxStore(live.db).counts() == {"sent": 10}
    assert "page:erolled:1:0:UPIC1" not in fake.delivered_keys()
    assert_exactly_once(live)
    assert live.worker.stats.failed == 0 and live.worker.stats.retried == 0


def test_the_log_is_checkpointed_by_the_idle_worker_not_by_a_commit(
        tmp_path: Path, fake: PagingFake) -> None:
    """SQLite copies its write-ahead log back into the database file once it holds 1000 pages,
    by default inside the commit that crosses that size, before the commit returns (a page's
    commit waited for it). Here a commit leaves the log as it is up to a larger backstop, and
    the outbox worker copies it back when it has nothing to send."""
    live = Live(tmp_path, fake)
    main_file = tmp_path / "outbox.db"
    with write_transaction(live.db) as conn:
        conn.exec_driver_sql("CREATE TABLE filler (x BLOB)")
    live.db.checkpoint()
    before = main_file.stat().st_size
    with write_transaction(live.db) as conn:  # ~1300 pages of 4 KB: past SQLite's default
        conn.exec_driver_sql("INSERT INTO filler VALUES (zeroblob(5300000))")
    assert main_file.stat().st_size == before  # still only in the log: the commit left it
    serving(live)
    try:
        assert wait_until(lambda: main_file.stat().st_size > before + 5_000_000, timeout=10)
    finally:
        live.halt()
    with live.db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT length(x) FROM filler").scalar() == 5300000


def test_a_message_queued_twice_in_one_call_is_one_row_handed_and_posted_once(
        tmp_path: Path, fake: PagingFake) -> None:
    """A recipient listed twice (``director = ["UDIR1", "UDIR1"]`` is accepted as config)
    makes two messages with one key in one ``enqueue_all``: one row, handed to the serving
    worker once, posted once (review 9 C3: it was handed, and posted, twice)."""
    live = serving(Live(tmp_path, fake))
    try:
        page = Message("page:x:2:0:UDIR1", "page", "UDIR1", {"text": "page"})
        with write_transaction(live.db) as conn:
            queued = enqueue_all(conn, live.db, [page, page], utcnow())
        assert queued == {page.key}
        assert wait_until(live.drained, timeout=10)
        time.sleep(0.3)  # a second hand-over would be posted by now
    finally:
        live.halt()
    assert len(fake.calls_to("chat.postMessage")) == 1


def test_a_director_listed_twice_is_paged_once_at_level_two(
        tmp_path: Path, fake: PagingFake) -> None:
    live = Live(tmp_path, fake)
    config = parse_config(tomllib.loads(config_toml(immediate=1,
                                                    director=("UDIR1", "UDIR1"))))
    live.service = EscalationService(live.db, config, live.catalogue)
    live.run()
    try:
        [eid] = live.trigger(1)
        time.sleep(1.5)  # the level's second (immediate=1)
        assert live.service.tick() >= 1
        assert wait_until(live.drained, timeout=20)
        time.sleep(0.3)
    finally:
        live.halt()
    assert fake.delivered_keys()[f"page:{eid}:2:0:UDIR1"] == 1
    assert_exactly_once(live)
