"""The inbox under a busy database and a request that keeps failing, through the network edge.

A second connection holds SQLite's write lock while Slack delivers: a short lock only delays
the acknowledgement (the request is stored, then answered once); a lock longer than the
budget gets an event a 503, which is then answered once (by its own work once the lock lifts,
or Slack's retry), and a slash command a line
saying to try again or phone. A request whose work fails every time is given up after three
attempts and its sender is told, in a DM, whom to phone.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from bot.store import Database
from bot.store.slack_inbox import ACCEPT_BUDGET, SlackInbox, slack_inbox
from tests.escalation_support import PagingFake, wait_until
from tests.slack_support import STAFF, command_body, event_body, message_event
from tests.wiring_support import from_outbox, pagelib_bot, wait_post


def hold_write_lock(path: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process's long write: SQLite's lock held for ``seconds`` by a second process."""
    holder = subprocess.Popen(
        [sys.executable, "-c", (
            "import sqlite3, sys, time\n"
            "conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)\n"
            "conn.execute('BEGIN IMMEDIATE')\n"
            "print('held', flush=True)\n"
            "time.sleep(float(sys.argv[2]))\n"
            "conn.execute('ROLLBACK')\n"), str(path), str(seconds)],
        stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def answers_in(fake: PagingFake, thread_ts: str) -> int:
    return len([c for c in fake.calls_to("chat.postMessage") if c.args.get("thread_ts") ==
                thread_ts and c.response and c.response.get("ok")])


def test_a_busy_database_delays_the_ack_or_makes_slack_retry_and_loses_nothing(
    tmp_path: Path,
) -> None:
    with PagingFake() as fake:
        bot = pagelib_bot(fake, tmp_path)
        database = tmp_path / "frontdesk.db"
        try:
            # A one-second lock: stored once it lifts, acknowledged inside Slack's 3 s, answered.
            held = hold_write_lock(database, 1.0)
            event = message_event(fake.dm_channel(STAFF), STAFF, "someone wants records")
            began = time.monotonic()
            response = bot.deliver("events_api", event_body(event, event_id="EvBUSY1"))
            took = time.monotonic() - began
            held.wait(20)
            assert response.status == 200 and 0.8 < took < 3
            assert wait_until(lambda: answers_in(fake, event["ts"]) == 1)

            # A lock longer than the budget: the event is not acknowledged (503) ...
            held = hold_write_lock(database, 2 * ACCEPT_BUDGET + 1.5)  # the event's, the command's
            event = message_event(fake.dm_channel(STAFF), STAFF, "someone wants records")
            body = event_body(event, event_id="EvBUSY2")
            began = time.monotonic()
            assert bot.deliver("events_api", body).status == 503
            assert time.monotonic() - began < 3
            # ... a slash command is told to try again, with whom to phone ...
            command = bot.command(STAFF, "police at the desk")
            assert command.status == 200
            assert "too busy" in command.text and "847-555" not in command.text
            held.wait(20)
            # ... and Slack's retry, once the lock is gone, is answered once: the event's own
            # work, still waiting for the lock, may have done it by then (the retry finds it
            # stored), or the retry does it.
            assert bot.deliver("events_api", body, retry=1).status == 200
            assert bot.deliver("events_api", body, retry=2).status == 200
            assert wait_until(lambda: answers_in(fake, event["ts"]) == 1)
            bot.settle()
            assert answers_in(fake, event["ts"]) == 1
        finally:
            bot.stop()


def test_a_request_that_keeps_failing_tells_its_sender_to_phone(tmp_path: Path) -> None:
    with PagingFake() as fake:
        fake.refuse(STAFF, "internal_error", methods=("conversations.open",))
        bot = pagelib_bot(fake, tmp_path, phones={"privacy-in-charge": "847-555-0100"})
        try:
            assert bot.deliver("slash_commands", command_body(STAFF, "")).status == 200

            def told() -> bool:
                return any("could not handle" in str(c.args.get("text"))
                           for c in fake.calls_to("chat.postMessage"))

            assert wait_until(told, timeout=20)
            [notice] = [c for c in fake.calls_to("chat.postMessage")
                        if "could not handle" in str(c.args.get("text"))]
            assert notice.args["channel"] == STAFF
            assert "Phone now — Privacy Officer: 847-555-0100." in notice.args["text"]
            tries = fake.calls_to("conversations.open", lambda c: c.args.get("users") == STAFF)
            assert len(tries) == 3  # the first attempt and two replays, then given up
            time.sleep(1)
            assert len(fake.calls_to("conversations.open")) == 3
        finally:
            bot.stop()


def test_a_click_the_busy_database_cannot_store_is_never_run_from_memory(tmp_path: Path) -> None:
    """A "Page now" click while another process holds the write lock past the budget: Slack
    gets its 200 in time, the clicker is told at once that nothing happened and whom to phone,
    and nothing is done from memory — no page, no escalation, not later either. The same click
    made again once the lock is gone pages once."""
    with PagingFake() as fake:
        bot = pagelib_bot(fake, tmp_path, phones={"privacy-in-charge": "847-555-0100"})
        try:
            since = time.time()
            bot.dm(STAFF, "someone wants records")
            question = wait_post(bot, since, lambda c: "Who is asking?" in str(c.args))
            bot.settle()
            held = hold_write_lock(tmp_path / "frontdesk.db", ACCEPT_BUDGET + 2.0)
            began = time.monotonic()
            assert bot.click(STAFF, question, "📟").status == 200
            assert time.monotonic() - began < 3
            notice = fake.wait_for("chat.postMessage", lambda c: "could not take that click"
                                   in str(c.args.get("text")), timeout=5)[0]
            assert notice.args["channel"] == STAFF
            assert "Phone now — Privacy Officer: 847-555-0100." in notice.args["text"]
            assert held.poll() is None  # told while the lock was still held
            held.wait(20)
            bot.settle()
            assert not bot.runtime.services.escalations.open_escalations()
            assert not [c for c in fake.calls_to("chat.postMessage") if from_outbox(c)]

            since = time.time()
            assert bot.click(STAFF, question, "📟").status == 200
            note = wait_post(bot, since, lambda c: not from_outbox(c)  # not a page: the note
                             and "Escalation" in str(c.args.get("blocks")))
            assert wait_until(lambda: len(fake.delivered_keys()) >= 3)
            bot.settle()
            assert all(n == 1 for n in fake.delivered_keys().values())
            assert note.thread_ts == question.thread_ts
        finally:
            bot.stop()


def test_a_request_in_flight_is_renewed_for_other_processes_and_skipped_by_its_own(
        tmp_path: Path) -> None:
    """A request still being worked on (queued behind other listeners, waiting out a
    Retry-After) outlives its start lease: its process renews the lease, so another process
    does not take it over, and its own replayer leaves it alone; once its process is done
    with it without closing it (a failure), it is taken over as before."""
    database = Database(f"sqlite:///{tmp_path / 'inbox.db'}")
    lease = timedelta(seconds=0.6)
    here = SlackInbox(database, "host-a:1:aaaa", lease)
    there = SlackInbox(database, "host-b:2:bbbb", lease)
    body = event_body(message_event("D1", STAFF, "hello"))
    row = here.accept("event", body, ["k1"], STAFF).inbox_id
    assert row is not None
    try:
        for _ in range(3):  # 1.5 s: the first lease would have run out twice
            time.sleep(0.5)
            assert here.take_over() == []  # renews, and skips its own row in flight
            assert there.take_over() == []
    finally:
        here.end(row)
    time.sleep(0.7)
    taken = there.take_over()
    assert [r.id for r in taken] == [row]
    there.end(row)


def test_a_request_is_stored_redacted_and_without_its_block_kit_copies(tmp_path: Path) -> None:
    """What processing reads of a request is stored (the words, redacted; the action clicked;
    a modal's inputs, redacted), not Block Kit layouts: a message's rich-text copy of its
    words, the bot's own message a click came from."""
    database = Database(f"sqlite:///{tmp_path / 'inbox.db'}")
    inbox = SlackInbox(database, "host-a:1:aaaa")
    words = "officer asking what Jordan Q. Whitfield borrowed"
    event = message_event("D1", STAFF, words)
    event["blocks"] = [{"type": "rich_text", "elements": [{"type": "rich_text_section",
                                                           "elements": [{"type": "text",
                                                                         "text": words}]}]}]
    action = {"action_id": "choice", "block_id": "q", "value": '{"c": "police"}',
              "action_ts": "1700000000.000200"}
    click = {"type": "block_actions", "user": {"id": STAFF}, "actions": [action],
             "message": {"ts": "1700000000.000100", "text": "What is happening?",
                         "blocks": [{"type": "section", "block_id": "q",
                                     "text": {"type": "mrkdwn", "text": "What is happening?"}}]},
             "state": {"values": {"note": {"typed": {"type": "plain_text_input",
                                                     "value": "Jordan Q. Whitfield again"}}}}}
    rows = [inbox.accept("event", event_body(event), ["ev:1"], STAFF).inbox_id,
            inbox.accept("interaction", click, ["act:1"], STAFF).inbox_id]
    with database.engine.connect() as conn:
        stored = dict(conn.execute(select(slack_inbox.c.id, slack_inbox.c.body)).all())
    for row in rows:
        inbox.end(row)
    message, clicked = (json.loads(stored[row]) for row in rows)
    assert "blocks" not in message["event"] and "Whitfield" not in json.dumps(message)
    assert message["event"]["text"].startswith("officer asking what")
    assert "blocks" not in clicked["message"] and "Whitfield" not in json.dumps(clicked)
    assert clicked["actions"] == [action] and clicked["message"]["ts"] == "1700000000.000100"
