"""Facts typed in the opening are not asked again (play-test 4 D9): the officer's own "no time
for a court order", a badge the clerk checked, a card number written down, a knife pulled, a
person seen alone. Each is read as the answer, echoed as "I understood", and changeable."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.terminal_support import run_opening

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(("library", "opening", "stated"), [
    # W2 / M2b / C2: the officer says there is no time for a court order
    ("westmont", "missing 9 yr old, officer wants name of adult on pc 4, says no time to get a "
                 "court order", {"emergency": "yes"}),
    ("calumet", "police officer at the desk says a kid is missing, needs the name on pc 2, no "
                "time to get a court order", {"emergency": "yes"}),
    ("mount-prospect", "police officer at the desk, a kid is missing, he says there's no time",
     {"emergency": "yes"}),
    # H6 / blind 5: the badge was checked
    # (a "no" in the badge's own sentence still makes it only a suggestion: kept apart here)
    ("mahomet", "state trooper at the desk, checked his badge. He says no time for a court "
                "order, needs the name of whoever was on PC 6",
     {"emergency": "yes", "sworn": "yes"}),
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


@pytest.mark.parametrize("opening", [
    "dad has his 15yo daughter's card number written on a sticky note, wants to know what she "
    "has overdue",
    "mom has the card number on a sticky note, wants to know what her 12 year old has checked out",
    "dad wrote down the card number of his 9 year old son, wants to know what he has overdue",
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


@pytest.mark.parametrize("opening", [
    "guy on pc 3 looking at what looks like child porn, hes alone",
    "man at a library computer looking at child porn, he's alone at the back",
    "guy on the computer is viewing child porn, no child with him",
])
def test_a_person_seen_alone_answers_no_child_in_danger(opening: str) -> None:
    case = run_opening(ROOT, "westmont", opening)
    assert case["flow"] == "cybertipline-concern", case
    if (case["question"] or {}).get("id") == "images":  # "what looks like": offered, then taken
        case = run_opening(ROOT, "westmont", opening, "1")
    taken = {u["question"]: u["choice"] for u in case["prefilled"]}
    assert taken.get("child-danger") == "no", case
    assert "child-danger" not in case["asked"], case
