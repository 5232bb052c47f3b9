"""A plain "yes" or "no" typed in a Slack thread in reply to the bot's own "Did you mean …?":
the same reading as the terminal (tests/test_offer_replies.py), because the engine owns it and
the Slack face keeps what the engine offered with the thread."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.content.catalogue import Catalogue
from tests.fakeslack import FakeSlack
from tests.slack_support import STAFF, SlackBot, buttons, text_of

KIDNAP = ("cop says a girl was kidnapped and needs the name on card ending 4471 right now, he "
          "showed his badge")
CHILD = "A parent or guardian asks about a child's library account"
GRANDMA = ("grandma wants to know what overdue books her 10 year old grandson has, she doesnt "
           "have his card or the number")

def _bot(catalogue: Catalogue, tmp_path: Path, library: str) -> Iterator[SlackBot]:
    with FakeSlack() as fake:
        running = SlackBot.start(fake, catalogue, tmp_path, config={"library": library})
        yield running
        running.stop()


@pytest.fixture
def mount_prospect(catalogue: Catalogue, tmp_path: Path) -> Iterator[SlackBot]:
    yield from _bot(catalogue, tmp_path, "mount-prospect")


@pytest.fixture
def jackson_county(catalogue: Catalogue, tmp_path: Path) -> Iterator[SlackBot]:
    yield from _bot(catalogue, tmp_path, "jackson-county")


def _thread(bot: SlackBot, opening: str, *replies: str, pick: str | None = None) -> str:
    """Everything the bot posted or updated in the thread, as text."""
    ts = bot.dm(STAFF, opening)
    first = bot.post()
    offered = [b.get("text", {}).get("text") for b in buttons(first.blocks)]
    wanted = pick or CHILD
    if wanted in offered:  # the router may offer it among others: pick it (or it started it)
        bot.click(STAFF, first, wanted)
    for reply in replies:
        bot.settle()
        bot.dm(STAFF, reply, thread_ts=ts)
    bot.settle()
    return "\n".join(text_of(c.args.get("blocks") or []) or str(c.args.get("text"))
                     for c in bot.fake.calls if c.method in ("chat.postMessage", "chat.update"))


def test_yes_to_an_offer_made_from_a_typed_reply_takes_that_offer(
        mount_prospect: SlackBot) -> None:
    """Review 5 C2: "i think so? he said he would" offered *Not sure*; the next "yes" took the
    question's own "Yes, the officer will fill in and sign it" → an emergency release."""
    said = _thread(mount_prospect, KIDNAP, "1", "1", "1", "i think so? he said he would", "yes",
                   pick="Police or other law enforcement ask about a patron")
    assert "Did you mean *Not sure*?" in said
    assert "Yes, the officer will fill in and sign it" not in said.split("Did you mean")[-1]
    assert "Emergency: who the person is may be released" not in said
    assert "Release nothing" in said or "release nothing" in said


def test_no_to_an_offer_is_answered_and_turns_it_down(mount_prospect: SlackBot) -> None:
    """Review 5 C2b: a plain "no" to the offer got no reply in Slack."""
    said = _thread(mount_prospect, KIDNAP, "1", "1", "1", "i think so? he said he would", "no",
                   pick="Police or other law enforcement ask about a patron")
    after = said.split("Did you mean *Not sure*?", 1)[1]
    assert "Not “Not sure”: asked again" in after
    assert "Did you mean" not in after  # asked plainly, the offer not pressed again
    assert "Emergency: who the person is may be released" not in said


def test_yes_to_an_offered_no_card_never_releases(jackson_county: SlackBot) -> None:
    said = _thread(jackson_county, GRANDMA, "yes", "yes")
    assert "you may share what's checked out or overdue" not in said
    assert "Yes, they have the child's card or card number*" not in said
    assert "could mean" in said
