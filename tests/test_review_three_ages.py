"""Two ages given as alternatives for one child ("her 18 or 17 year old son") are a doubt about
the age, in either order: the safety-critical "Is the child under 18?" is asked (or at most
offered), never taken from the opening. Only the number touching "year old" was read, so "18 or
17 year old" was 17 and Jackson County and Mahomet released to the parent without asking.

Expectations from the policies: Jackson County IV.c and Mahomet V-A.1 release only about a
minor, so whether the child is under 18 must be known, not guessed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.catalogue import Catalogue
from bot.router import prefill
from tests.terminal_support import run_opening

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = Catalogue.load(ROOT)
PARENT = "parent-requests-child-records"


def run(library: str, *lines: str) -> dict:
    """One desk case through ``frontdesk run --json``: the routed opening and the answers."""
    return run_opening(ROOT, library, *lines)


def test_jackson_county_asks_the_age_of_an_18_or_17_year_old() -> None:
    data = run("jackson-county",
               "a dad wants what his 18 or 17 year old daughter checked out, he has her card",
               "checked out now", "yes", "parent")
    assert data["flow"] == PARENT
    assert "minor" in data["asked"], data["asked"]
    assert data["status"] != "done" or data["outcome"]["decision"] != "disclose-limited"


def test_mahomet_asks_the_age_of_an_18_or_17_year_old_before_the_fines() -> None:
    data = run("mahomet", "a mom wants to know the fines of her 18 or 17 year old son",
               "fines", "parent")
    assert data["flow"] == PARENT
    assert "minor" in data["asked"], data["asked"]
    assert data["outcome"] is None or data["outcome"]["id"] != "fines-to-parent"


@pytest.mark.parametrize("opening", [
    "a dad wants what his 18 or 17 year old daughter checked out",
    "a dad wants what his 18/17 year old daughter checked out",
    "mom wants the fines of her 19 or 17-year-old son",
    "mom wants the fines of her 20 or 16 yr old son",
    "dad wants what his 18, maybe 17 year old checked out",
    "dad wants what his 17 or 18 year old checked out",
    "dad wants what his 16 or 17 year old checked out",
    # an age masked next to a name keeps the doubt the clerk typed
    "a dad wants what his daughter [name], [age] or 17 years old, checked out",
])
@pytest.mark.parametrize("library", ["jackson-county", "mahomet"])
def test_two_ages_as_alternatives_never_take_the_minor_answer(library: str, opening: str) -> None:
    taken = {(p.question, p.choice) for p in prefill(CATALOGUE.flow(library, PARENT), opening)
             if not p.suggested}
    assert not {q for q, _ in taken} & {"minor"}, taken


@pytest.mark.parametrize("opening", ["mom wants to know what her 16 yr old checked out",
                                     "dad wants the fines of his 15 year old, he has 2 or 3 books"])
def test_one_stated_age_still_answers_the_minor_question(opening: str) -> None:
    found = {(p.question, p.choice, p.suggested)
             for p in prefill(CATALOGUE.flow("jackson-county", PARENT), opening)}
    assert ("minor", "yes", False) in found, found
