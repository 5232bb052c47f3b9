"""Play-test 8 at the desk: a case starts from a clerk's own opening line, then the clerk types
what happens next, and the engine's answer is checked against the library's policy.

Phrasings here are our own, not the play-test's: the rules are read from the words a clerk
might use, never from one wording."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.catalogue import Catalogue
from bot.engine import View, start, step
from bot.engine.session import open_case

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = Catalogue.load(ROOT)
POLICE = "law-enforcement-request"
LIBRARIES = ("mount-prospect", "westmont", "mahomet", "jackson-county", "calumet")
NO_WARRANT_NOT_URGENT = ("an officer wants to know a patron's home address, he has no warrant "
                         "and says it isn't urgent")


def _opened(library: str, opening: str, flow: str) -> View:
    """The case ``opening`` starts as ``flow``, with what the opening stated prefilled."""
    opened = open_case(CATALOGUE, library, opening)
    return start(CATALOGUE, library, flow, opened.prefill(flow))


def _typed(case: View, *lines: str) -> View:
    for line in lines:
        case = step(CATALOGUE, case.conversation, line)
    return case


def _asks_again_offering(case: View, question: str, choice: str) -> bool:
    """The case puts ``question`` back to staff with ``choice`` offered ("Did you mean …?")."""
    return (case.outcome is None and case.question is not None and case.question.id == question
            and case.suggestion is not None and case.suggestion.choice == choice)


def _pages_at_once(case: View) -> bool:
    return (case.outcome is not None and case.outcome.escalate.pages
            and case.outcome.escalate.urgency == "immediate")


# --- E6: a new fact typed after the outcome, or mid-way, is a correction ---------------------

@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize("news", [
    "hang on, the officer just handed me a search warrant",
    "ok he is back and he brought a search warrant",
    "the deputy now has a search warrant with him",
    "she came back with a search warrant",
])
def test_a_warrant_shown_after_the_outcome_reopens_the_case(library: str, news: str) -> None:
    """E6 (critical): the warrant, typed after the "no warrant, not urgent: pass it on today"
    outcome, re-answers what the officer has in writing. Either the case walks to the
    warrant's outcome and pages at once, or (where the warrant opens records the opening's "no
    warrant" withheld) the paper question is put back with the warrant offered, and taking the
    offer pages at once. Never
    "nothing changed", never read as what the officer wants to know."""
    case = _opened(library, NO_WARRANT_NOT_URGENT, POLICE)
    assert case.outcome is not None and not case.outcome.escalate.pages
    after = _typed(case, news)
    assert after.unchanged is None and after.not_understood is None, after
    assert _pages_at_once(after) or _asks_again_offering(after, "document", "search-warrant"), (
        after.outcome, after.question)
    if after.outcome is None:  # the warrant's pick, once: the warrant's page
        assert _pages_at_once(_typed(after, "yes")), library


@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize("news", [
    "oh and now he's got a warrant",
    "he pulled a warrant out of his jacket",
])
def test_a_bare_warrant_after_the_outcome_asks_which_paper(library: str, news: str) -> None:
    """A bare "warrant" (a search warrant? an arrest warrant?) is a weak cue for a release
    condition: the paper question is asked again, the search warrant offered, not taken."""
    after = _typed(_opened(library, NO_WARRANT_NOT_URGENT, POLICE), news)
    assert _asks_again_offering(after, "document", "search-warrant"), (after.outcome,
                                                                       after.question)
    taken = _typed(after, "yes")  # the offer taken: the warrant's outcome, not asked again
    assert dict(taken.path).get("document") == "search-warrant", (taken.path, taken.question)
    assert _pages_at_once(taken) or taken.question is not None and (
        taken.question.id != "document"), taken.question


@pytest.mark.parametrize("library", LIBRARIES)
def test_a_court_order_brought_later_is_the_court_orders_outcome(library: str) -> None:
    case = _opened(library, NO_WARRANT_NOT_URGENT, POLICE)
    after = _typed(case, "update, the detective is back with a court order signed by a judge")
    assert after.unchanged is None and after.not_understood is None
    offered = after.suggestion.choice if after.suggestion is not None else None
    assert "court-order" in (dict(after.path).get("document"), offered), (after.path,
                                                                         after.question)


@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize("news", [
    "now he is saying a child could get hurt if we wait",
    "he just told me somebody is going to get hurt",
])
def test_an_emergency_claimed_after_the_outcome_reopens_the_emergency(library: str,
                                                                      news: str) -> None:
    """An emergency claimed after "not urgent" re-answers the emergency question (a release
    condition, so offered, not taken) instead of "I didn't catch that"."""
    case = _opened(library, NO_WARRANT_NOT_URGENT, POLICE)
    assert dict(case.path).get("emergency") == "no", case.path
    after = _typed(case, news)
    assert _asks_again_offering(after, "emergency", "yes"), (after.outcome, after.question)


def test_a_warrant_typed_mid_way_re_answers_the_paper() -> None:
    """Mid-way, at a later question that reads nothing of it, the warrant re-answers the paper
    instead of being dropped."""
    case = _opened("westmont", "an officer wants a patron's address and has no warrant", POLICE)
    assert case.question is not None and case.question.id == "emergency", case.question
    after = _typed(case, "wait he just now gave me a search warrant signed by a judge")
    assert dict(after.path).get("document") == "search-warrant", after.path
    assert _pages_at_once(after)


def test_the_same_fact_again_changes_nothing() -> None:
    """Saying again what the case already holds is no correction: the outcome stands."""
    case = _opened("westmont", NO_WARRANT_NOT_URGENT, POLICE)
    after = _typed(case, "to be clear he has no warrant")
    assert after.outcome == case.outcome


# --- E20: a claim reported as not made is no answer --------------------------------------

@pytest.mark.parametrize("library", ["mount-prospect", "westmont"])
@pytest.mark.parametrize("opening", [
    "cop wants to know who had a book, he didnt say it wasnt an emergency",
    "officer wants a patron's address; she never said it wasn't urgent",
    "deputy asking who had a book, he didn't say that it wasn't an emergency",
])
def test_a_double_negation_asks_whether_it_is_an_emergency(library: str, opening: str) -> None:
    """E20: "he didn't say it wasn't an emergency" states no emergency either way: the
    emergency question is asked (where Not sure pages at once), never answered "No"."""
    case = _opened(library, opening, POLICE)
    if case.question is not None and case.question.id == "document":
        case = _typed(case, "nothing in writing")
    assert case.outcome is None and case.question is not None, case.outcome
    assert case.question.id == "emergency", case.question.id
    assert "emergency" not in dict(case.path)


def test_a_plain_denial_of_an_emergency_is_still_taken() -> None:
    case = _opened("westmont", "officer wants a patron's address, no warrant, he says it's not "
                   "an emergency", POLICE)
    assert dict(case.path).get("emergency") == "no", case.path


# --- E17: a card its holder did not give is no card presented -----------------------------

OTHERS = "third-party-requests-patron-info"


def _to_the_end(case: View, answers: dict[str, str]) -> View:
    """``case`` answered from ``answers`` (question id → what is typed) until an outcome."""
    for _ in range(8):
        if case.outcome is not None:
            break
        assert case.question is not None
        case = _typed(case, answers[case.question.id])
    return case


CARD_IN_HAND = {"want": "what's checked out now", "card-itself": "1"}


@pytest.mark.parametrize("opening", [
    "a man grabbed his ex wife's library card out of her bag and wants to know what she has out "
    "right now",
    "woman has her ex boyfriend's card, she took it when she moved out, wants to see what he has "
    "checked out at the moment",
    "guy is holding his ex's card, she doesn't know he has it, he wants her current checkouts",
])
@pytest.mark.parametrize("given", ["no", "not sure"])
def test_a_card_its_holder_did_not_give_opens_nothing_at_calumet(opening: str,
                                                                  given: str) -> None:
    """E17 (critical): Calumet lets a *presented* card show its current checkouts, as the
    holder's own control of the card. A card taken or kept without the holder's leave is asked
    about, and No or Not sure shares nothing."""
    case = _to_the_end(_opened("calumet", opening, OTHERS),
                       {**CARD_IN_HAND, "card-given": given})
    assert case.outcome is not None
    assert case.outcome.decision not in {"disclose", "disclose-limited", "comply"}, (
        case.outcome.id, case.path)
    assert "card-given" in dict(case.path), case.path


def test_a_card_the_holder_lent_still_shows_its_current_checkouts_at_calumet() -> None:
    case = _to_the_end(_opened("calumet", "roommate came in with her friend's card, the friend "
                               "asked her to check what's due back", OTHERS),
                       {**CARD_IN_HAND, "card-given": "yes"})
    assert case.outcome is not None and case.outcome.decision == "disclose-limited", (
        case.outcome.id, case.path)
