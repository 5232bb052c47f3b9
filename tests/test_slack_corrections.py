"""Corrections typed in a Slack thread after the outcome, said as the terminal says them
(review 4 m2, m5), through the real HTTP path and the fake Slack.

The engine decides and words both: words that cannot change this library's answer get
``View.noted``; an answer that turns round what the opening stated is put back to staff
(``Understanding.still_so``) — quoting the opening's words when the case kept them, never an
empty quote when it kept none (a case started from "Did you mean" keeps only ids).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.content.catalogue import Catalogue
from bot.engine.session import open_case
from tests.fakeslack import FakeSlack
from tests.slack_support import STAFF, SlackBot

CHILD = "dad wants to know what his 12 yr old daughter checked out"
REFUSES = ("cop says its an emergency, needs the name on the account that reserved a book, but "
           "he refuses to fill out any form")


@contextmanager
def bot_at(library: str, catalogue: Catalogue, tmp_path: Path) -> Iterator[SlackBot]:
    """The app on the bundled ``library`` against a fresh fake Slack, stopped afterwards."""
    with FakeSlack() as fake:
        bot = SlackBot.start(fake, catalogue, tmp_path, config={"library": library})
        try:
            yield bot
        finally:
            bot.stop()


def test_a_correction_that_cannot_change_the_answer_is_noted(catalogue: Catalogue,
                                                              tmp_path: Path) -> None:
    with bot_at("westmont", catalogue, tmp_path) as bot:
        ts = bot.dm(STAFF, CHILD)
        first = bot.post()
        bot.settle()
        bot.reply(STAFF, first.channel, ts, "actually he is her uncle, not her dad")
        after = bot.post()

        assert after.body.startswith("Noted, but that doesn't change this answer"), after.body
        assert "Westmont Public Library's policy gives the same answer" in after.body
        assert "legal guardian" in after.body  # the question whose answer is moot
        assert "This case has its answer above" not in after.body


def test_a_contradicted_opening_is_confirmed_without_an_empty_quote(catalogue: Catalogue,
                                                                    tmp_path: Path) -> None:
    with bot_at("mahomet", catalogue, tmp_path) as bot:
        ts = bot.dm(STAFF, REFUSES)
        first = bot.post()
        if open_case(catalogue, "mahomet", REFUSES).result.situation is None:  # Did you mean
            bot.click(STAFF, first, "Police or other law enforcement ask about a patron")
            bot.post()
        for said in ("nothing in writing", "yes, sworn officer with badge",
                     "yes someone is in imminent danger"):
            bot.settle()
            bot.reply(STAFF, first.channel, ts, said)
            bot.post()
        bot.settle()
        bot.reply(STAFF, first.channel, ts, "actually yes he signs")
        bot.settle()
        asked = [p for p in bot.posts(len(bot.fake.calls_to("chat.postMessage")) - bot.seen)
                 if "Is that still so?" in p.body]

        assert asked, "the contradiction is put back to staff"
        assert 'You said ""' not in asked[-1].body and "You said “”" not in asked[-1].body
        assert "Your first message said: No, the officer won" in asked[-1].body, asked[-1].body
