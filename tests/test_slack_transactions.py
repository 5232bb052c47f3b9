"""One transaction per Slack event, through the real HTTP path (signed requests, waitress, Bolt,
SQLite, the fake Slack on 127.0.0.1).

An event commits twice: once with the request itself and everything it changes (its inbox row
and idempotency keys, the thread, the conversation, the case trail, an outcome's page and its
outbox rows) — before Slack gets its acknowledgement (persist before ack) and before anything
is posted; once after its post, with its delivery bookkeeping (the ts of the message it
posted, the page's status message, the inbox row closed). No Slack call is made while a write
transaction is open. A click or a command still stores its request before its
acknowledgement, and its changes after it.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import event, text

from bot.config import SlackSecrets
from bot.content.catalogue import Catalogue
from bot.faces.slack.app import LISTENER_THREADS, web_client
from bot.faces.slack.listeners.common import MOVING_SECONDS, ListenerExecutor
from tests.escalation_support import PagingFake, wait_until
from tests.fakeslack import FakeSlack
from tests.slack_support import (
    CHANNEL,
    SLACK_CONTENT,
    STAFF,
    SlackBot,
    bot_on_test_library,
    event_body,
    message_event,
)
from tests.wiring_support import from_outbox, open_case, pagelib_bot, wait_post


@dataclass
class Commit:
    """One write transaction: the statements it ran, when it began and committed."""

    began: float
    statements: list[str] = field(default_factory=list)
    committed: float | None = None
    engine: Any = None  # the engine whose connection committed it

    def synchronous(self) -> int:
        """Its engine's ``PRAGMA synchronous``: 2 FULL (on disk before the commit returns),
        1 NORMAL."""
        with self.engine.connect() as conn:
            return int(conn.exec_driver_sql("PRAGMA synchronous").scalar())

    def writes(self, table: str) -> bool:
        return any(table in s and not s.startswith("SELECT") for s in self.statements)


class Transactions:
    """Every write transaction on the bot's engine (``BEGIN IMMEDIATE`` … ``COMMIT``) and
    every read, by thread."""

    def __init__(self, bot: SlackBot):
        self.commits: list[Commit] = []
        self.open: dict[int, Commit] = {}
        self.lock = threading.Lock()
        for engine in bot.runtime.services.database.engines():  # the inbox's engine too
            event.listen(engine, "before_cursor_execute", self.statement)
            event.listen(engine, "commit", self.commit)
            event.listen(engine, "rollback", self.rollback)

    def statement(self, _conn, _cursor, sql: str, *_args) -> None:  # type: ignore[no-untyped-def]
        text = " ".join(sql.split())
        with self.lock:
            me = threading.get_ident()
            if text.upper().startswith("BEGIN") or (
                    me not in self.open and text.startswith(("INSERT", "UPDATE", "DELETE"))):
                self.open[me] = Commit(time.time())  # the inbox's pysqlite BEGIN is implicit
            if me in self.open:
                self.open[me].statements.append(text)

    def commit(self, _conn) -> None:  # type: ignore[no-untyped-def]
        with self.lock:
            done = self.open.pop(threading.get_ident(), None)
            if done is not None and any(not s.startswith(("SELECT", "BEGIN", "PRAGMA"))
                                        for s in done.statements):
                done.committed = time.time()
                done.engine = _conn.engine
                self.commits.append(done)

    def rollback(self, _conn) -> None:  # type: ignore[no-untyped-def]
        with self.lock:
            self.open.pop(threading.get_ident(), None)

    def take(self) -> list[Commit]:
        with self.lock:
            taken, self.commits = self.commits, []
        return taken


def assert_no_slack_call_inside(commits: list[Commit], bot: SlackBot, since: float) -> None:
    """No Web API call the event made (the fake records when each arrived) fell inside one of
    its write transactions: network I/O never holds the write lock."""
    calls = [c for c in bot.fake.calls if c.at >= since and not from_outbox(c)]
    assert calls, "the event made no Slack call"
    for commit in commits:
        assert commit.committed is not None
        inside = [c.method for c in calls if commit.began < c.at < commit.committed]
        assert not inside, f"{inside} called while a write transaction was open"


def test_a_dm_that_opens_a_case_commits_its_changes_once(tmp_path: Path) -> None:
    with bot_on_test_library(tmp_path) as bot:
        bot.dm("UWARM", "hello")  # the first connections, imports and caches
        bot.post()
        bot.settle()
        transactions = Transactions(bot)
        since = time.time()
        bot.dm(STAFF, "cop at the desk wants to know what a patron checked out")
        acknowledged = time.time()  # the 200 is in
        question = bot.post()
        bot.wait_live(question)
        bot.settle()
        changes, bookkeeping = transactions.take()  # exactly two, in this order

        for table in ("slack_processed", "slack_inbox", "slack_threads", "conversations",
                      "audit_events"):
            assert changes.writes(table), f"{table} not in the event's transaction"
        assert changes.committed is not None and changes.committed < acknowledged
        assert changes.committed < question_posted(bot, since)
        assert bookkeeping.writes("slack_threads") and bookkeeping.writes("slack_inbox")
        assert not bookkeeping.writes("conversations") and not bookkeeping.writes("audit")
        assert_no_slack_call_inside([changes, bookkeeping], bot, since)
        thread = bot.state.thread(question.channel, question.thread_ts)
        assert thread is not None and thread.live_ts == question.ts
        assert bot.runtime.services.slack_state.count()["threads"] == 2


def test_only_the_delivery_bookkeeping_commits_without_waiting_for_the_disk(
        tmp_path: Path) -> None:
    """The request with the event's changes (before the ack and the post) is on disk when its
    commit returns; the bookkeeping after the post (which message is live, the inbox row
    closed) is not waited for: a power cut may lose it, and the replay then finds the posted
    message in Slack (``Guide.resume``)."""
    with bot_on_test_library(tmp_path) as bot:
        bot.dm("UWARM", "hello")
        bot.post()
        bot.settle()
        transactions = Transactions(bot)
        bot.dm(STAFF, "cop at the desk wants to know what a patron checked out")
        bot.wait_live(bot.post())
        bot.settle()
        changes, bookkeeping = transactions.take()

        assert changes.writes("slack_inbox") and changes.synchronous() == 2  # FULL
        assert bookkeeping.synchronous() == 1  # NORMAL
        assert bookkeeping.writes("slack_inbox") and bookkeeping.writes("slack_threads")


def test_a_retry_arriving_while_its_event_is_worked_on_waits_for_it_and_does_nothing(
        tmp_path: Path) -> None:
    """An event's 200 waits for the commit that stores it with its changes, so Slack may
    retry it meanwhile. A retry reaching the process still working on the first delivery (here
    the channel notice posted before the case opens is slow) waits for it and does nothing
    itself: one notice, one question, both deliveries answered 200."""
    with bot_on_test_library(tmp_path) as bot:
        text = "<@UBOT> cop at the desk wants to know what a patron checked out"
        mention = {**message_event(CHANNEL, STAFF, text, channel_type="channel"),
                   "type": "app_mention"}
        body = event_body(mention)
        bot.fake.arrived.clear()
        bot.fake.slow("chat.postMessage", 1.0)
        first: list[Any] = []
        sending = threading.Thread(target=lambda: first.append(bot.deliver("events_api", body)))
        sending.start()
        bot.fake.wait_arrival("chat.postMessage")
        retry = bot.deliver("events_api", body, retry=1)
        sending.join(10)
        bot.settle()

        assert retry.status == 200 and [r.status for r in first] == [200]
        posts = [c.args.get("text", "") for c in bot.fake.calls_to("chat.postMessage")
                 if c.args.get("thread_ts") == mention["ts"]]
        assert sum("This is a channel" in t for t in posts) == 1, posts
        assert len(posts) == 2, posts  # the notice, then the case's first question


def test_an_event_arriving_while_every_listener_is_busy_is_stored_and_acknowledged_at_once(
        tmp_path: Path) -> None:
    """With every listener thread busy (their posts are slow), an event's work would wait its
    turn with Slack's answer waiting on it, past the budget (a 503 and a retry): it is stored
    before its acknowledgement instead, as a click is, and answered in its turn."""
    text = "cop at the desk wants to know what a patron checked out"
    with bot_on_test_library(tmp_path) as bot:
        bot.fake.slow("chat.postMessage", 3.0, times=LISTENER_THREADS)
        users = [f"UBUSY{n}" for n in range(LISTENER_THREADS + 1)]
        for user in users[:-1]:
            assert bot.deliver("events_api", event_body(
                message_event(bot.fake.dm_channel(user), user, text))).status == 200
        assert bot.runtime.work_left()["listeners"] == LISTENER_THREADS
        began = time.monotonic()
        last = bot.deliver("events_api", event_body(
            message_event(bot.fake.dm_channel(users[-1]), users[-1], text)))
        took = time.monotonic() - began
        assert last.status == 200 and took < 1.0, (last.status, took)
        bot.settle()
        asked = {c.args.get("channel") for c in bot.fake.calls_to("chat.postMessage")}
        assert asked == {bot.fake.dm_channel(user) for user in users}
        assert len(bot.fake.calls_to("chat.postMessage")) == len(users)  # each once


def test_work_behind_busy_listeners_starts_soon_only_while_the_pool_keeps_finishing() -> None:
    """What decides whether an event's acknowledgement may wait for its work's commit: a free
    thread; or, every thread busy, fewer waiting than there are threads and something finished
    within MOVING_SECONDS (a burst being worked through). Threads held by slow calls with
    nothing finishing (the test above) are not: the event is stored before its ack."""
    now = [100.0]
    pool = ListenerExecutor(2, clock=lambda: now[0])
    gates = [threading.Event() for _ in range(5)]

    def hold(n: int) -> None:
        pool.submit(gates[n].wait, 10)

    try:
        assert pool.starts_soon()
        hold(0)
        assert pool.starts_soon()  # a thread is free
        hold(1)
        assert not pool.starts_soon()  # both held, nothing ever finished: maybe stuck
        gates[0].set()
        assert wait_until(lambda: pool.busy() == 1, timeout=5)
        hold(2)
        assert pool.starts_soon()  # both busy, but the pool just finished something
        hold(3)
        assert pool.starts_soon()  # and one waits in line
        now[0] += MOVING_SECONDS
        assert not pool.starts_soon()  # nothing finished since: the line may not move
        now[0] -= MOVING_SECONDS
        hold(4)
        assert not pool.starts_soon()  # as many waiting as there are threads
    finally:
        for gate in gates:
            gate.set()
        pool.shutdown(wait=True)


def test_the_bots_own_message_is_acknowledged_at_once_and_stores_nothing(
        tmp_path: Path) -> None:
    """Slack sends the bot its own messages as events too; Bolt answers them itself, before
    any listener (they ignore themselves). Their answer is not held for a commit no listener
    will make: 200 at once, nothing stored."""
    with bot_on_test_library(tmp_path) as bot:
        channel = bot.fake.dm_channel(STAFF)
        own = {**message_event(channel, bot.fake.bot_user_id, "What is happening?"),
               "bot_id": bot.fake.bot_id}
        transactions = Transactions(bot)
        began = time.monotonic()
        response = bot.deliver("events_api", event_body(own))
        took = time.monotonic() - began
        bot.settle()

        assert response.status == 200 and took < 1.0, (response.status, took)
        assert transactions.take() == []
        assert not bot.fake.calls_to("chat.postMessage")


def question_posted(bot: SlackBot, since: float) -> float:
    return bot.fake.calls_to("chat.postMessage", lambda c: c.at >= since)[0].at


def test_the_click_that_pages_commits_the_page_with_the_case_once(tmp_path: Path) -> None:
    with PagingFake() as fake:
        bot = pagelib_bot(fake, tmp_path, worker=False)
        try:
            picker, current = open_case(bot, "A police officer")
            bot.settle()
            transactions = Transactions(bot)
            since = time.time()
            bot.click(STAFF, current, "A search warrant")
            outcome = wait_post(bot, since, lambda c: c.args.get("thread_ts")
                                == picker.thread_ts and not from_outbox(c))
            bot.settle()
            stored, changes, bookkeeping = transactions.take()

            assert stored.writes("slack_inbox")
            for table in ("slack_inbox", "slack_threads", "conversations", "audit_events",
                          "escalations", "outbox"):
                assert changes.writes(table), f"{table} not in the event's transaction"
            assert bookkeeping.writes("slack_threads") and bookkeeping.writes("status_messages")
            assert not bookkeeping.writes("outbox") and not bookkeeping.writes("escalations")
            assert_no_slack_call_inside([stored, changes, bookkeeping], bot, since)
            thread = bot.state.thread(outcome.channel, outcome.thread_ts)
            assert thread is not None and thread.live_ts == outcome.ts
        finally:
            bot.stop()


def texts_posted_since(fake: FakeSlack, since: float) -> list[str]:
    """The texts of the chat.postMessage calls Slack accepted since ``since``."""
    return [str(c.args.get("text") or "")
            for c in fake.calls_to("chat.postMessage", lambda c: c.at >= since)
            if (c.response or {}).get("ok")]


def test_an_event_whose_first_post_outlasts_the_start_lease_is_posted_once(
        tmp_path: Path) -> None:
    """Slack answers the event's first post 429 with a Retry-After longer than the inbox's
    start lease (as a backlog in the listener pool would): the row stays pending past its
    lease while the event is still being worked on. The serving process's own replayer must
    not take it over and run it a second time (a second privacy notice, a second question)."""
    with FakeSlack() as fake:
        bot = SlackBot.start(fake, Catalogue.load(SLACK_CONTENT), tmp_path,
                             config={"schedule": {"inbox_lease_seconds": 0.5}})
        try:
            bot.runtime.start_worker()  # the inbox replayer, every second
            fake.fail("chat.postMessage", times=1, status=429, retry_after=3)
            since = time.time()
            bot.mention(STAFF, "cop at the desk wants to know what a patron checked out")
            bot.settle(timeout=15)

            texts = texts_posted_since(fake, since)
            assert len(texts) == 2, texts  # the channel notice, then the first question
            assert sum("This is a channel" in t for t in texts) == 1, texts
            assert bot.runtime.services.slack_state.count()["threads"] == 1
            with bot.runtime.services.database.engine.connect() as conn:
                rows = conn.execute(text("SELECT status, attempts FROM slack_inbox")).all()
            assert [tuple(r) for r in rows] == [("done", 0)] * len(rows)
        finally:
            bot.stop()


def test_a_post_whose_reply_is_lost_is_not_posted_again(tmp_path: Path) -> None:
    """Slack posts the event's message but the reply is lost (a connection reset on the way
    back). Sending the same chat.postMessage again would post it twice; the event must
    instead fail and be replayed, and the replay finds the message already in the thread."""
    with FakeSlack() as fake:
        bot = SlackBot.start(fake, Catalogue.load(SLACK_CONTENT), tmp_path)
        try:
            bot.runtime.start_worker()  # the inbox replayer, every second
            fake.lose_replies("chat.postMessage", times=1)
            since = time.time()
            bot.dm(STAFF, "cop at the desk wants to know what a patron checked out")
            bot.settle(timeout=15)

            texts = texts_posted_since(fake, since)
            assert len(texts) == 1, texts  # the first question, once
            assert bot.runtime.services.slack_state.count()["threads"] == 1
        finally:
            bot.stop()


def test_the_apps_web_api_calls_reuse_kept_alive_connections(tmp_path: Path) -> None:
    """The app's own Web API calls (an event's post, the lookups around it) go over kept-alive
    connections, one per listener thread at most, as the outbox worker's do: not a new TCP
    (and TLS) handshake for every call."""
    with bot_on_test_library(tmp_path) as bot:
        bot.dm("UWARM", "hello")
        bot.post()
        bot.settle()
        connections, calls = bot.fake.connections, len(bot.fake.calls)
        for n in range(8):
            bot.dm(f"U00000{n}", "cop at the desk wants to know what a patron checked out")
            bot.post()
        bot.settle()
        made = len(bot.fake.calls) - calls
        assert made >= 8
        assert bot.fake.connections - connections <= LISTENER_THREADS


class Counted(str):
    """A string that counts how often it is formatted for a log line (``repr``)."""

    formatted = 0

    def __repr__(self) -> str:
        Counted.formatted += 1
        return super().__repr__()


def test_the_apps_web_api_calls_format_no_debug_line_with_debug_off() -> None:
    """slack_sdk formats every call's whole payload for a debug line unless its logger's own
    level is set: with debug logging off, the app's client formats none."""
    with FakeSlack() as fake:
        client = web_client(SlackSecrets("xoxb-test", "secret", None, fake.api_url))
        client.chat_postMessage(channel="C1", text=Counted("hello"))
    assert fake.calls_to("chat.postMessage")
    assert Counted.formatted == 0


def test_the_outcome_that_pages_reads_its_escalation_once_to_show_it(tmp_path: Path) -> None:
    """Between the commit and the post, whom the page goes to and how it stands are read
    from one read of the escalation row (it was read twice: once for whom, once for the
    status line)."""
    with PagingFake() as fake:
        bot = pagelib_bot(fake, tmp_path, worker=False)
        try:
            picker, current = open_case(bot, "A police officer")
            bot.settle()
            reads: list[str] = []
            open_threads: set[int] = set()

            def statement(_conn, _cursor, sql: str, *_args) -> None:  # type: ignore[no-untyped-def]
                text = " ".join(sql.split())
                if text.upper().startswith("BEGIN"):
                    open_threads.add(threading.get_ident())
                elif (text.startswith("SELECT") and "FROM escalations" in text
                      and threading.get_ident() not in open_threads):
                    reads.append(text)

            def ended(_conn) -> None:  # type: ignore[no-untyped-def]
                open_threads.discard(threading.get_ident())

            for engine in bot.runtime.services.database.engines():
                event.listen(engine, "before_cursor_execute", statement)
                event.listen(engine, "commit", ended)
                event.listen(engine, "rollback", ended)
            since = time.time()
            bot.click(STAFF, current, "A search warrant")
            outcome = wait_post(bot, since, lambda c: c.args.get("thread_ts")
                                == picker.thread_ts and not from_outbox(c))
            bot.settle()

            assert "Paging" in outcome.body
            assert len(reads) == 1, reads
        finally:
            bot.stop()
