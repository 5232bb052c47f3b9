"""Facts typed in the opening are not asked again (play-test 4 D9): the officer's own "no time
to wait for a judge" or "it's an emergency", a badge the clerk checked, a card number the parent
has, a knife pulled, no child with the man. Each is read as the answer, echoed as "I
understood", and changeable. Words said of anything ("no time", "he's alone") are offered or
asked, never taken (review 6)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.terminal_support import run_opening

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(("library", "opening", "stated"), [
    # the officer says there is no time to wait for a judge: the emergency itself
    ("mount-prospect", "police officer at the desk, a kid is missing, he says there's no time "
                       "to wait for a judge", {"emergency": "yes"}),
    # H6 / blind 5: the badge was checked
    # (a "no" in the badge's own sentence still makes it only a suggestion: kept apart here)
    ("mahomet", "state trooper at the desk, checked his badge. He says it's an emergency, "
                "needs the name of whoever was on PC 6", {"emergency": "yes", "sworn": "yes"}),
    ("westmont", "police officer showed me his badge. Says it's an emergency and needs a "
                 "patron's name", {"emergency": "yes", "sworn": "yes"}),
])
def test_the_officers_emergency_and_badge_are_not_asked_again(
        library: str, opening: str, stated: dict[str, str]) -> None:
    case = run_opening(ROOT, library, opening)
    assert case["flow"] == "law-enforcement-request", case
    if (case["question"] or {}).get("id") == "document":  # what the paper is: not stated
        case = run_opening(ROOT, library, opening, "nothing in writing")
    taken = {u["question"]: u["choice"] for u in case["prefilled"]}
    assert stated.items() <= taken.items(), case
    assert not set(stated) & set(case["asked"]), case


@pytest.mark.parametrize(("library", "opening"), [
    # W2 / C2: "no time" with the paper named is offered, not taken: the same words are said
    # of the clerk's day or a time limit (review 6 C1), and name the paper this question does
    # not ask about ("no, no court order" typed here answers nothing)
    ("westmont", "missing 9 yr old, officer wants name of adult on pc 4, says no time to get a "
                 "court order"),
    ("calumet", "police officer at the desk says a kid is missing, needs the name on pc 2, no "
                "time to get a court order"),
])
def test_no_time_for_a_court_order_offers_the_emergency(library: str, opening: str) -> None:
    case = run_opening(ROOT, library, opening, "nothing in writing")
    assert (case["question"] or {}).get("id") == "emergency", case
    assert (case.get("suggestion") or {}).get("choice") == "yes", case


@pytest.mark.parametrize("opening", [
    "mom has the card number on a sticky note, wants to know what her 12 year old has checked out",
    "dad has the card number written down, wants to know what his 9 year old son has overdue",
])
def test_a_card_number_written_down_is_the_card_number(opening: str) -> None:
    """Jackson County IV.c: parents "must provide the child's library card or card number"."""
    case = run_opening(ROOT, "jackson-county", opening)
    taken = {u["question"]: u["choice"] for u in case["prefilled"]}
    assert taken.get("card") == "presented", case
    assert "card" not in case["asked"], case


@pytest.mark.parametrize("opening", [
    "patron pulled a knife and is threatening the teen librarian, 911 already called",
    "guy has a gun in the parking lot and is threatening people",
    "man pulled a knife on another patron in the stacks",
])
def test_a_weapon_in_the_opening_answers_danger(opening: str) -> None:
    case = run_opening(ROOT, "mahomet", opening)
    assert case["flow"] == "emergency-or-illegal-activity", case
    assert case["outcome"]["id"] == "danger-now", case
    assert case["asked"] == [], case
    assert "if no one has yet" in case["outcome"]["headline"]


# "he's alone" is asked, not read: it does not say that no child is in danger (review 6 C4);
# nor does "no child with him" in an opening, whoever says it ("he says no child is in danger":
# review 7 C3): the way out of 911 and the page is the clerk's answer to the question
@pytest.mark.parametrize("opening", [
    "guy on the computer is viewing child porn, no child with him",
    "man at a library computer looking at child porn, nobody in danger, no child with him",
])
def test_no_child_with_him_in_an_opening_is_asked_not_read(opening: str) -> None:
    case = run_opening(ROOT, "westmont", opening)
    assert case["flow"] == "cybertipline-concern", case
    if (case["question"] or {}).get("id") == "images":  # "what looks like": offered, then taken
        case = run_opening(ROOT, "westmont", opening, "1")
    taken = {u["question"]: u["choice"] for u in case["prefilled"]}
    assert taken.get("child-danger") != "no", case
    assert (case["question"] or {}).get("id") == "child-danger", case
