"""Play-test 7 and review 7 leftovers at the desk (session 10): each case is typed as a clerk
would, through the same engine every face uses, and checks what the clerk is told and who is
paged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.content.catalogue import Catalogue
from tests.terminal_support import run_opening

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = Catalogue.load(ROOT)
LIBRARIES = ["mahomet", "westmont", "calumet", "jackson-county", "mount-prospect"]
OFFICER_EMERGENCY = "officer says its an emergency, wants the name on a library card"


def _pages(case: dict[str, Any]) -> list[tuple[str, str]]:
    return [(p["action"], p["urgency"]) for p in case["pages"]]


def _answered(case: dict[str, Any]) -> dict[str, str]:
    """Each question's latest answer in the case's transcript."""
    return {turn["question"]: turn["choice"] for turn in case["transcript"]}


# --- E13: taking the danger back mid-way ----------------------------------------------------

def _paged_at_the_end(case: dict[str, Any]) -> str:
    """How urgently the case's page stands once the case is done: "none" when it raised none
    or its last page change withdrew it."""
    return case["pages"][-1]["urgency"] if case["pages"] else "none"


# Jackson County has no emergency exception: the "1" already reaches the outcome, so the words
# come after it, where only a correction's lead ("no, …") re-answers (tested there too).
MID_WAY = [lib for lib in LIBRARIES if lib != "jackson-county"]


@pytest.mark.parametrize(("library", "typed"), [
    *[(lib, "no, not an emergency") for lib in LIBRARIES],
    *[(lib, "no its not an emergency after all") for lib in LIBRARIES],
    *[(lib, "he says it's not an emergency") for lib in MID_WAY]])
def test_taking_the_emergency_back_corrects_the_emergency_and_its_page(
        library: str, typed: str) -> None:
    """E13: the opening said the officer calls it an emergency; at the next question the clerk
    types that it is not one. That "no" is about the emergency, not a "No" to the question on
    screen ("is the person a sworn officer?": read as a security guard, an immediate page).
    The case follows the corrected answer: no emergency, and no page left standing at once."""
    case = run_opening(ROOT, library, OFFICER_EMERGENCY, "1", typed)
    assert _answered(case).get("emergency") == "no", (typed, case["transcript"])
    assert _paged_at_the_end(case) != "immediate", (typed, case["pages"])
    if library in MID_WAY:  # corrected before any outcome: nobody was paged for it at all
        assert ("raised", "immediate") not in _pages(case), (typed, case["pages"])


OFFICER_AT_DESK = ("police officer at desk no paperwork, says its an emergency someone could get "
                   "hurt, wants a patrons address")


@pytest.mark.parametrize("library", ["mount-prospect", "mahomet", "westmont", "calumet"])
@pytest.mark.parametrize("typed", ["actually no, not an emergency",
                                   "wait, no - he says it's not an emergency after all",
                                   "no, not an emergency"])
def test_taking_the_emergency_back_after_the_outcome_withdraws_its_page(
        library: str, typed: str) -> None:
    """Review 8 M1 (E13 at the outcome): after the emergency release and its immediate page,
    "actually no, not an emergency" re-answered the latest question ("no" → the officer won't
    sign) and the immediate page stayed. The words after the "no" are about the emergency: it
    is corrected, and the page follows (withdrawn: no emergency, nothing released)."""
    case = run_opening(ROOT, library, OFFICER_AT_DESK, *["1"] * 5, typed)
    answered = _answered(case)
    assert answered.get("emergency") == "no", (typed, case["transcript"])
    assert answered.get("form") in (None, "signed"), (typed, case["transcript"])
    assert _paged_at_the_end(case) != "immediate", (typed, case["pages"])


@pytest.mark.parametrize("typed", ["actually no, not an emergency", "wait no, not an emergency"])
def test_taking_the_emergency_back_with_an_opener_at_a_question(typed: str) -> None:
    """The same correction opened with "actually" at the next question ("is the person a sworn
    officer?") is about the emergency, not a No to the question on screen."""
    case = run_opening(ROOT, "mahomet", OFFICER_EMERGENCY, "1", typed)
    assert _answered(case).get("emergency") == "no", (typed, case["transcript"])
    assert "sworn" not in _answered(case), case["transcript"]
    assert ("raised", "immediate") not in _pages(case), case["pages"]


@pytest.mark.parametrize("typed", ["no, he's a security guard", "no"])
def test_a_no_that_answers_the_question_on_screen_still_answers_it(typed: str) -> None:
    """The words after the "no" name nothing else the case was told: the question on screen
    is the one answered."""
    case = run_opening(ROOT, "mahomet", OFFICER_EMERGENCY, "1", typed)
    answered = _answered(case)
    assert answered.get("sworn") == "no", case["transcript"]
    assert answered.get("emergency") == "yes"


# --- review 7 m3: a first name beside the director's title ---------------------------------

@pytest.mark.parametrize("opening", [
    "officer here with a search warrant, director Sue is off today",
    "officer here with a search warrant, our director, Sue, is off today",
    "officer has a search warrant. Director Sue Okafor is on vacation",
    "officer has a court order and the Library Director Ana is out sick",
])
def test_a_name_beside_the_directors_title_still_says_the_director_is_away(opening: str) -> None:
    """Review 7 m3: "the director is off today" was read, "director Sue is off today" was not
    (the name stood inside the phrase), so the absence was asked again or, worse, missed. A
    name said with the title is no part of what is said about the title."""
    from bot.engine.session import open_case

    read = open_case(CATALOGUE, "westmont", opening).prefill("law-enforcement-request")
    assert ("director-in", "away") in [(p.question, p.choice) for p in read], read



# --- a word spelt right is never "corrected" --------------------------------------------------

PARENT = "parent-requests-child-records"


def test_mother_is_not_corrected_to_other() -> None:
    """'her mother wants to know what he has out' at "what do they want to know?" was read as
    "Something else": the question's typo correction made "mother" its word "other". A common
    English word is spelt right; it is no misspelling of a choice's word."""
    from bot.engine.matching import match_choice
    from bot.router.choices import matcher

    want = CATALOGUE.flow("westmont", PARENT).nodes["want"]
    assert matcher(want).normaliser.correct("mother") == "mother"
    found = match_choice(want, "her mother wants to know what he has out")
    assert found is None or found.id != "other", found


def test_a_real_misspelling_is_still_corrected() -> None:
    from bot.router.choices import matcher

    want = CATALOGUE.flow("westmont", PARENT).nodes["want"]
    assert matcher(want).normaliser.correct("chekout") == "checkout"
    assert matcher(want).normaliser.correct("adress") == "address"


def test_the_common_words_hold_every_long_word_of_fakers_common_list() -> None:
    """The shipped list is Faker's en_US common words (six letters or more) and may only grow."""
    from faker.providers.lorem.en_US import Provider

    from bot.router.text import DATA

    shipped = {line.strip() for line in (DATA / "common_words.txt").read_text().splitlines()
               if line.strip() and not line.startswith("#")}
    assert {w.lower() for w in Provider.word_list if len(w) >= 6 and w.isalpha()} <= shipped


# --- review 7 C2 residual: the card's holder must be the one at the desk ------------------

THIRD_PARTY = "third-party-requests-patron-info"


@pytest.mark.parametrize("opening", [
    "lady wants to know what her roommate has checked out, the roommate holds the card",
    "woman wants to know what her sister has checked out, the card is with her sister",
    "guy wants to know what his friend has out, his friend keeps the card",
    "man wants to know what his brother has out, his brother's wife has the card",
    # review 8 C1's
    "guy wants to know what his buddy has out, buddy's got the card",
    "woman wants her coworker's checkouts, coworker holds onto the card",
    "person wants his friend's checkouts, friend took the card with him",
    # more shapes: the holder named by a word of its own, before the verb or after "with"
    "a man is asking what his cousin has borrowed. the cousin still has the library card",
    "older lady wants to see her tenant's checkouts but the tenant carries the card",
    "teen asking what his girlfriend has out, the card is with the girlfriend",
    "woman wants her nephew's checkouts, nephew has got the card at school",
    "a guy wants his landlord's list of items, landlord kept the card",
    "caller wants her neighbour's checkouts and the neighbour has his card",
])
def test_a_card_someone_else_holds_is_not_offered_as_in_the_askers_hand(opening: str) -> None:
    """Review 7 C2 residual: at Calumet presenting a card gives access to its current
    checkouts, so "Do they have the card itself in their hand?" is a release condition. A card
    the opening says another person holds was still offered as held ("Did you mean 'Yes, they
    are holding the card itself'?"): one "1" away from the checkouts. It is asked plainly. The
    holder is read from the clause (the word holding it, or after "with"), not from a list."""
    from bot.engine.session import open_case

    read = open_case(CATALOGUE, "calumet", opening).prefill(THIRD_PARTY)
    assert ("card-itself", "yes") not in [(p.question, p.choice) for p in read], read


def test_the_askers_own_holding_of_the_card_is_still_offered() -> None:
    from bot.engine.session import open_case

    read = open_case(CATALOGUE, "calumet", "guy wants to know what his friend has out, he has "
                                           "his friend's card").prefill(THIRD_PARTY)
    assert ("card-itself", "yes") in [(p.question, p.choice) for p in read], read
