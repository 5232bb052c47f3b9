"""An opening message is read for the situation it starts (or the ones offered), not for every
situation of the library; a situation picked later, after "something else", is read then and
still starts from what the message stated.

The bundled library: "cop at the desk wants to know what a patron checked out" starts the
law-enforcement request, and also states, for "Someone asks about another person's library
account", that they ask what the person has checked out.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.content.catalogue import Catalogue
from bot.engine.session import Case
from tests.fakeslack import FakeSlack
from tests.slack_support import STAFF, Posted, SlackBot

LIBRARY = "mount-prospect"
OPENING = "cop at the desk wants to know what a patron checked out"
STARTED = "law-enforcement-request"
OTHER = "third-party-requests-patron-info"
STATED = ("want", "items-out")  # what OPENING states for OTHER's first question


def flows_read(opening: tuple[tuple[str, str, str, str, bool], ...]) -> set[str]:
    return {fact[0] for fact in opening}


@pytest.fixture
def bot(catalogue: Catalogue, tmp_path: Path) -> Iterator[SlackBot]:
    with FakeSlack() as fake:
        running = SlackBot.start(fake, catalogue, tmp_path, config={"library": LIBRARY})
        yield running
        running.stop()


def test_a_dm_routed_to_one_situation_is_read_for_that_one_only(bot: SlackBot) -> None:
    ts = bot.dm(STAFF, OPENING)
    question = bot.post()
    thread = bot.state.thread(question.channel, ts)
    assert thread is not None and thread.conversation is not None
    assert thread.conversation.flow == STARTED
    # The message states facts for five situations; the case keeps the one it started.
    assert flows_read(thread.conversation.opening) == {STARTED}


def test_a_situation_picked_after_something_else_starts_from_the_opening(
        bot: SlackBot, catalogue: Catalogue) -> None:
    ts = bot.dm(STAFF, OPENING)
    question = bot.post()
    bot.click(STAFF, question, "This is something else")
    picker = bot.post()
    bot.click(STAFF, picker, catalogue.flow(LIBRARY, OTHER).title)
    asked = bot.post()
    # Read now: "what a patron checked out" answers what they ask about, so the next
    # question is asked, with that answer shown as understood.
    assert "written permission" in asked.body
    assert "What the person has checked out now" in asked.body
    thread = bot.state.thread(question.channel, ts)
    assert thread is not None and thread.conversation is not None
    assert thread.conversation.flow == OTHER
    assert STATED in thread.conversation.answers
    assert flows_read(thread.conversation.opening) == {STARTED, OTHER}


def test_the_terminal_case_reads_a_later_situation_when_it_is_picked(
        catalogue: Catalogue) -> None:
    case = Case(catalogue, LIBRARY)
    case.route(OPENING)
    assert case.view is not None
    assert flows_read(case.view.conversation.opening) == {STARTED}
    case.switch()
    case.route(OTHER)
    assert case.view.conversation.flow == OTHER
    assert STATED in case.view.conversation.answers
    assert flows_read(case.view.conversation.opening) == {STARTED, OTHER}


def test_a_did_you_mean_is_read_for_the_situations_offered_and_a_pick_keeps_them(
        bot: SlackBot, catalogue: Catalogue) -> None:
    # Between situations; the words also state facts for situations not offered.
    ts = bot.dm(STAFF, "a man wants to know about his wife's account and the cameras")
    picker = bot.post()
    assert "Did you mean" in picker.body
    thread = bot.state.thread(picker.channel, ts)
    assert thread is not None and thread.conversation is None
    # read for the situations offered that it states facts for, never for one not offered
    from bot.router import router_for

    offered = {c.situation for c in router_for(catalogue, LIBRARY).route(
        "a man wants to know about his wife's account and the cameras").suggestions}
    assert OTHER in flows_read(thread.opening) and flows_read(thread.opening) <= offered
    bot.click(STAFF, picker, catalogue.flow(LIBRARY, OTHER).title)
    bot.post()
    thread = bot.state.thread(picker.channel, ts)
    assert thread is not None and thread.conversation is not None
    assert thread.conversation.flow == OTHER
    assert ("want", "account") in thread.conversation.answers


def test_openings_are_held_for_a_bounded_number_of_threads_and_time(
        catalogue: Catalogue) -> None:
    from bot.engine.session import open_case
    from bot.faces.slack.guide import Openings, Place

    opening = open_case(catalogue, LIBRARY, OPENING)
    places = [Place("D1", f"1.{n}", STAFF) for n in range(3)]
    held = Openings(size=2)
    for place in places:
        held.keep(place, opening)
    assert held.get(places[0]) is None  # the oldest thread forgotten
    assert held.get(places[1]) is opening and held.get(places[2]) is opening
    assert held.get(Place("D1", "9.9", STAFF)) is None
    expired = Openings(seconds=0)
    expired.keep(places[0], opening)
    assert expired.get(places[0]) is None


def pick_other(bot: SlackBot, catalogue: Catalogue, question: Posted) -> Posted:
    """"This is something else" on ``question``, then OTHER: what is asked next."""
    bot.click(STAFF, question, "This is something else")
    picker = bot.post()
    bot.click(STAFF, picker, catalogue.flow(LIBRARY, OTHER).title)
    return bot.post()


def restarted(bot: SlackBot, catalogue: Catalogue, tmp_path: Path) -> SlackBot:
    """The process restarts (a deploy, a crash): a new app on the same database and Slack,
    holding nothing in memory."""
    bot.stop()
    again = SlackBot.start(bot.fake, catalogue, tmp_path, config={"library": LIBRARY})
    again.seen = bot.seen
    return again


@pytest.mark.parametrize("slack_answers", [True, False], ids=["read-back", "slack-fails"])
def test_after_a_restart_a_situation_picked_is_read_from_the_opening_slack_holds(
        catalogue: Catalogue, tmp_path: Path, slack_answers: bool) -> None:
    # The opening's words were only in the old process's memory; the thread's first message
    # is read back from Slack (nothing of it stored here), so the clerk is not asked again.
    # If Slack cannot return it, the situation's questions are asked, as for a new case.
    with FakeSlack() as fake:
        first = SlackBot.start(fake, catalogue, tmp_path, config={"library": LIBRARY})
        ts = first.dm(STAFF, OPENING)
        question = first.post()
        bot = restarted(first, catalogue, tmp_path)
        if not slack_answers:
            fake.fail("conversations.replies", status=200, error="channel_not_found", times=5)
        try:
            asked = pick_other(bot, catalogue, question)
            thread = bot.state.thread(question.channel, ts)
            assert thread is not None and thread.conversation is not None
            assert thread.conversation.flow == OTHER
            if not slack_answers:
                assert "What are they asking about" in asked.body
                assert STATED not in thread.conversation.answers
                return
            assert "written permission" in asked.body
            assert "What the person has checked out now" in asked.body
            assert STATED in thread.conversation.answers
            assert flows_read(thread.conversation.opening) == {STARTED, OTHER}
        finally:
            bot.stop()


#: An opening longer than a case root quotes (500 characters): what it states for OTHER comes
#: after the cut, and the router still starts STARTED.
LONG = ("A police officer is at the desk asking about a patron. "
        + "It is a busy morning and the line is long. " * 12
        + "The police officer wants to know what the patron checked out.")


@pytest.mark.parametrize("words", [OPENING, LONG], ids=["quoted-whole", "longer-than-quoted"])
def test_after_a_restart_a_slash_command_case_keeps_what_its_words_stated(
        catalogue: Catalogue, tmp_path: Path, words: str) -> None:
    # A slash command's words are in Slack only as the root's quote (redacted, cut at 500
    # characters): what they state for every situation is kept with the case at the opening,
    # so a situation picked after a restart loses nothing the quote left out.
    with FakeSlack() as fake:
        first = SlackBot.start(fake, catalogue, tmp_path, config={"library": LIBRARY})
        first.command(STAFF, words)
        root, question = first.posts(2)
        assert ("checked out" in root.body) == (words == OPENING)  # LONG's is past the cut
        bot = restarted(first, catalogue, tmp_path)
        try:
            pick_other(bot, catalogue, question)
            thread = bot.state.thread(root.channel, root.ts)
            assert thread is not None and thread.conversation is not None
            assert STATED in thread.conversation.answers
        finally:
            bot.stop()


@pytest.mark.parametrize("restart", [False, True], ids=["same-process", "after-restart"])
def test_a_case_moved_to_a_dm_keeps_its_opening_for_a_situation_picked_there(
        catalogue: Catalogue, tmp_path: Path, restart: bool) -> None:
    with FakeSlack() as fake:
        bot = SlackBot.start(fake, catalogue, tmp_path, config={"library": LIBRARY})
        try:
            bot.mention(STAFF, OPENING)
            notice, _question = bot.posts(2)
            bot.click(STAFF, notice, "Continue in DM")
            root, moved = bot.posts(2)
            if restart:
                bot = restarted(bot, catalogue, tmp_path)
            pick_other(bot, catalogue, moved)
            thread = bot.state.thread(root.channel, root.ts)
            assert thread is not None and thread.conversation is not None
            assert thread.conversation.flow == OTHER
            assert STATED in thread.conversation.answers
        finally:
            bot.stop()
