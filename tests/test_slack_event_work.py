"""What one Slack event costs in reading staff's words, through the real HTTP path (signed
requests, waitress, Bolt, SQLite, the fake Slack on 127.0.0.1).

Redaction counts the texts it reads (``Readings``; nothing stores or logs the count). A DM that
opens a case is read once, as the inbox stores it before the acknowledgement; the router takes
that reading instead of redacting the words again, and the case trail, whose events hold only
the content's ids, reads none of them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.privacy.redact import Readings, redact_values
from tests.slack_support import STAFF, actions_body, bot_on_test_library, text_of

OPENINGS = ("cop at the desk wants to know what a patron checked out",
            "an officer has a search warrant for a patron's records")


def understood_lines(blocks: list[dict]) -> list[str]:  # type: ignore[type-arg]
    """The answers a posted question lists as understood from staff's words."""
    return [line for line in text_of(blocks).splitlines()
            if line.startswith("• ") and " → " in line]


@pytest.mark.parametrize("opening", OPENINGS)
def test_a_dm_that_opens_a_case_reads_its_words_once(tmp_path: Path, opening: str) -> None:
    with bot_on_test_library(tmp_path) as bot:
        bot.dm("UWARM", "hello")  # the first connections, imports and caches
        bot.post()
        bot.settle()
        before = Readings.count
        bot.dm(STAFF, opening)
        first = bot.post()
        bot.settle()
        read = Readings.count - before

        # The message once (the inbox, before the ack), then each understood answer's phrase
        # once (the flow's words the router heard it as): no second reading of the message by
        # the router, none of the trail's ids.
        prefilled = understood_lines(first.blocks)
        assert read == 1 + len(prefilled), (read, prefilled)
        thread = bot.state.thread(first.channel, first.thread_ts)
        assert thread is not None and thread.conversation is not None  # the case went on


def test_a_record_keeps_the_content_ids_and_redacts_anything_else() -> None:
    data = {"flow": "police-asking", "question": "what-they-have", "choice": "warrant",
            "note": "call Jane Smith on 312-555-0199"}
    before = Readings.count
    clean = redact_values(data, known={"police-asking", "what-they-have", "warrant"})

    assert Readings.count - before == 1  # the note alone was read
    assert {k: clean[k] for k in ("flow", "question", "choice")} == {
        "flow": "police-asking", "question": "what-they-have", "choice": "warrant"}
    assert "Jane" not in clean["note"] and "555" not in clean["note"]


def test_an_answer_typed_in_the_thread_reads_its_words_once(tmp_path: Path) -> None:
    with bot_on_test_library(tmp_path) as bot:
        ts = bot.dm(STAFF, OPENINGS[0])
        question = bot.post()
        bot.settle()
        before = Readings.count
        bot.reply(STAFF, question.channel, ts, "nothing in writing")
        after = bot.post()
        bot.settle()

        assert "*2. " in after.body  # understood: the case moved on to the next question
        assert Readings.count - before == 1  # as the inbox stored them; the engine reuses it


def test_a_button_click_reads_no_words(tmp_path: Path) -> None:
    with bot_on_test_library(tmp_path) as bot:
        bot.dm(STAFF, OPENINGS[0])
        question = bot.post()
        bot.settle()
        before = Readings.count
        bot.click(STAFF, question, "Nothing in writing")
        bot.post()
        bot.settle()

        assert Readings.count - before == 0


def test_a_case_button_is_worked_on_after_its_ack_and_an_unknown_one_closed_at_once(
        tmp_path: Path) -> None:
    """A case's button acknowledges and goes on in the same listener, which marks the request
    taken: its inbox row is closed by the work, after the next question is posted. A click no
    listener takes (a button of an older version) is answered 404 and its row closed at once,
    never left open for a replay."""
    with bot_on_test_library(tmp_path) as bot:
        bot.dm(STAFF, OPENINGS[0])
        question = bot.post()
        bot.settle()

        bot.fake.slow("chat.postMessage", 1.0)  # the work waits on Slack for its next post
        acked = bot.click(STAFF, question, "Nothing in writing")
        assert acked.status == 200
        assert bot.runtime.app.inbox.unprocessed() == 1  # the work's until it has posted
        answered = bot.post()
        bot.settle()
        assert answered.thread_ts == question.thread_ts
        assert bot.runtime.app.inbox.counts() == {"done": 2}  # the DM and the click

        stale = {"action_id": "fd_retired_button", "text": {"type": "plain_text", "text": "x"},
                 "value": "{}"}
        refused = bot.deliver("interactive", actions_body(
            STAFF, question.channel, question.ts, question.thread_ts, stale))
        assert refused.status == 404
        bot.settle()  # no inbox row left open
        assert bot.runtime.app.inbox.counts() == {"done": 3}
