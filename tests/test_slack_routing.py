"""A typed opening message in Slack follows the router's bands exactly as the terminal does.

The router's documented API (``bot/router/__init__.py``): ``confident`` starts the flow;
``ambiguous`` offers ``result.suggestions`` ("Did you mean") plus "None of these — page the
privacy in-charge"; ``none`` says so, lists the situations and offers to page. The Slack app
runs on the real catalogue (signed HTTP requests to the running server, the fake Slack behind
it); the terminal chat reads the same messages; both are checked against the router's result.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.content.catalogue import Catalogue
from bot.engine import start
from bot.engine.session import MENU_EXITS
from bot.faces.slack import blocks
from bot.faces.terminal.chat import TerminalChat
from bot.router import RouteResult, router_for
from tests.fakeslack import FakeSlack
from tests.slack_support import STAFF, Posted, SlackBot, button, buttons

LIBRARY = "mount-prospect"


@pytest.fixture(scope="module")
def running(
    catalogue: Catalogue, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SlackBot]:
    with FakeSlack() as server:
        started = SlackBot.start(
            server, catalogue, tmp_path_factory.mktemp("routing"), config={"library": LIBRARY}
        )
        yield started
        started.stop()


@pytest.fixture
def bot(running: SlackBot) -> Iterator[SlackBot]:
    running.settle()
    running.fake.reset()
    running.seen = 0
    yield running


def routed(catalogue: Catalogue, text: str) -> RouteResult:
    return router_for(catalogue, LIBRARY).route(text)


def slack_opening(bot: SlackBot, text: str) -> Posted:
    """What the app posts in the thread of a DM that says ``text``."""
    asked = bot.dm(STAFF, text)
    posted = bot.post()
    assert posted.thread_ts == asked
    return posted


def offered(posted: Posted) -> list[str]:
    """The situations a picker offers (flow ids of its situation buttons), in order."""
    prefix = f"{blocks.PICK}:"
    return [b["action_id"][len(prefix):] for b in buttons(posted.blocks)
            if b["action_id"].startswith(prefix)]


def terminal_says(catalogue: Catalogue, text: str) -> list[str]:
    """What the terminal chat says in answer to ``text`` (after its menu; then it quits)."""
    said: list[str] = []
    lines = iter([text, "quit"])
    answered: list[int] = []

    def read(_prompt: str) -> str:
        answered.append(len(said))
        return next(lines)

    TerminalChat(catalogue, LIBRARY, None, read=read, say=said.append).run()
    return said[answered[0]:answered[1]]


def did_you_mean(said: list[str]) -> list[str]:
    """The terminal's "Did you mean" entries (titles), numbering removed."""
    start = said.index("Did you mean:") + 1
    entries = []
    for line in said[start:]:
        number, _, title = line.strip().partition(". ")
        if not number.isdigit():
            break
        entries.append(title)
    return entries


# Vague openings, each naming no situation clearly. Which of them the router finds ambiguous
# depends on its training, so the tests below take the first that shows what they check.
VAGUE = [
    "a patron wants something deleted",
    "patron asking us to get rid of everything we have on him",
    "someone wants records about a patron",
    "somebody wants to see some records",
    "question about a patron's account",
    "someone is asking about records",
    "someone wants to know about a patron",
    "someone wants info on a patron",
    "question about an account",
]


def vague(catalogue: Catalogue, *, dropped: bool) -> str:
    """The first vague opening the router answers "Did you mean" with (and, if ``dropped``,
    with a candidate it leaves out of its suggestions; else with all three offered)."""
    for text in VAGUE:
        result = routed(catalogue, text)
        left_out = [c for c in result.candidates if c not in result.suggestions]
        if result.band == "ambiguous" and bool(left_out) == dropped and (
                dropped or len(result.suggestions) == 3):
            return text
    raise AssertionError(f"no vague opening is ambiguous with dropped={dropped}")


@pytest.mark.parametrize("dropped", [True, False], ids=["one-below-the-floor", "three"])
def test_ambiguous_offers_the_routers_suggestions_and_a_page(
    bot: SlackBot, catalogue: Catalogue, dropped: bool
) -> None:
    text = vague(catalogue, dropped=dropped)
    result = routed(catalogue, text)
    assert result.band == "ambiguous" and result.suggestions
    picker = slack_opening(bot, text)
    assert "Did you mean" in picker.body
    assert offered(picker) == [c.situation for c in result.suggestions]
    assert button(picker.blocks, MENU_EXITS[0][1]) and button(picker.blocks, "Page someone now")
    said = terminal_says(catalogue, text)
    assert did_you_mean(said) == ([c.title for c in result.suggestions]
                                  + [label for _, label in MENU_EXITS])


def test_below_the_floor_is_not_offered(bot: SlackBot, catalogue: Catalogue) -> None:
    """The candidates the router leaves out of its suggestions are offered by neither face."""
    text = vague(catalogue, dropped=True)
    result = routed(catalogue, text)
    dropped = [c for c in result.candidates if c not in result.suggestions]
    assert dropped
    picker = slack_opening(bot, text)
    said = "\n".join(terminal_says(catalogue, text))
    for candidate in dropped:
        assert candidate.situation not in offered(picker)
        assert candidate.title not in said


def test_none_says_so_lists_every_situation_and_offers_a_page(
    bot: SlackBot, catalogue: Catalogue
) -> None:
    text = "what time do we close"
    result = routed(catalogue, text)
    assert result.band == "none" and result.candidates and not result.suggestions
    picker = slack_opening(bot, text)
    assert "can't match" in picker.body
    assert offered(picker) == [fid for fid, _ in router_for(catalogue, LIBRARY).situations()]
    assert button(picker.blocks, "Page someone now")
    said = "\n".join(terminal_says(catalogue, text))
    assert "I can't tell which situation that is" in said and "Did you mean" not in said


@pytest.mark.parametrize("text", ["what time do we close", "the book drop is jammed again"])
def test_a_decline_says_911_before_nobody_needs_paging_on_both_faces(
    bot: SlackBot, catalogue: Catalogue, text: str
) -> None:
    """A declined opening may be a medical emergency or a fire the router was never trained
    on: neither face says "nobody needs paging" without telling staff to call 911 first."""
    assert routed(catalogue, text).band == "none"
    for words in (slack_opening(bot, text).body, "\n".join(terminal_says(catalogue, text))):
        assert "nobody needs paging" in words
        assert words.index("call 911 now") < words.index("nobody needs paging"), words


def test_confident_starts_the_flow(bot: SlackBot, catalogue: Catalogue) -> None:
    text = "cop at the desk wants to know what a patron checked out"
    result = routed(catalogue, text)
    assert result.band == "confident" and result.situation is not None
    opened = start(catalogue, LIBRARY, result.situation, result.prefill)
    assert opened.question is not None
    first = slack_opening(bot, text)
    assert not offered(first)
    assert opened.question.ask in first.body
    said = terminal_says(catalogue, text)
    assert said[0] == f"→ {catalogue.flow(LIBRARY, result.situation).title}"
    assert any(opened.question.ask in line for line in said)


def test_a_did_you_mean_pick_keeps_what_the_opening_message_said(
        bot: SlackBot, catalogue: Catalogue) -> None:
    """"has a subpoena" states the paper: picking either legal situation from "Did you mean"
    starts it with the paper answered, as a confident route would."""
    text = "guy wants info on a patron, has a subpoena"
    assert routed(catalogue, text).band == "ambiguous"
    picker = slack_opening(bot, text)
    assert "legal-document-served" in offered(picker)
    title = catalogue.flow(LIBRARY, "legal-document-served").title
    carried = blocks.parse_value(button(picker.blocks, title)["value"])
    assert carried["p"] == [["document", "subpoena"]]  # ids only, none of the words
    bot.click(STAFF, picker, title)
    bot.post()
    thread = bot.state.thread(picker.channel, picker.thread_ts)
    assert thread is not None and thread.conversation is not None
    assert ("document", "subpoena") in thread.conversation.answers


def test_not_a_privacy_matter_under_did_you_mean_pages_nobody(
    bot: SlackBot, catalogue: Catalogue
) -> None:
    """Play-test 5 E9: the menu's way out that pages nobody, in Slack as in the terminal."""
    text = vague(catalogue, dropped=False)
    picker = slack_opening(bot, text)
    bot.click(STAFF, picker, MENU_EXITS[0][1])
    said = bot.post()
    assert "nobody needs paging" in said.body and "call 911" in said.body
    service = bot.runtime.services.escalations
    if service is not None:
        assert not service.open_escalations()
