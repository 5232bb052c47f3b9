"""What the desk does with what a clerk types, from review 6 (m4) and the sixth and fifth
rounds of desk play left open (E9, E12, E14-E18 of round six; E11, E12, E16 of round five).
Each case here was answered wrong before, through the terminal chat as a clerk types it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.catalogue import Catalogue
from tests.terminal_support import chat, entering

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = Catalogue.load(ROOT)
CSAM = "cybertipline-concern"
LIBRARIES = ["mount-prospect", "westmont", "mahomet", "jackson-county", "calumet"]


def _said(library: str, *lines: str) -> str:
    return "\n".join(chat(CATALOGUE, library, [*lines, "", "quit"]))


# --- review 6 m4: not sure whether an adult is with a child at adult material ---------------

@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize(("opening", "unsure"), [
    ("kid on pc porn", "3"),  # the reviewer's line
    ("a kid is on a porn site at the computers", "cant tell"),
    ("some kid pulled up porn on pc 4", "not sure, i can't see from here"),
])
def test_not_sure_whether_an_adult_is_with_the_child_is_no_911_call(
        library: str, opening: str, unsure: str) -> None:
    """[review 6 m4] "Not sure" whether an adult is with a child looking at adult material said
    "call 911 now" and paged at once. Not knowing who is at the screen is no danger the clerk
    can see: go and look, the in-charge is paged (not urgently), 911 once an adult is seen."""
    said = _said(library, *entering(CATALOGUE, library, opening, CSAM), "2", unsure)
    outcome = said[said.index("Is an adult with the child"):]
    assert "Not sure an adult is with the child: go over now" in outcome, outcome[-1500:]
    assert "→ Call 911 now" not in outcome
    assert "PAGING (prompt)" in outcome and "PAGING (immediate)" not in outcome
    assert "If an adult is with the child or showing it to them: call 911 now" in outcome


@pytest.mark.parametrize("library", ["westmont", "calumet"])
def test_an_adult_seen_with_the_child_is_still_911_and_an_immediate_page(library: str) -> None:
    """[review 6 m4] Going back from Not sure and answering Yes is the danger: 911, page now."""
    said = _said(library, *entering(CATALOGUE, library, "kid on pc porn", CSAM), "2", "3",
                 "back", "1")
    after = said[said.rindex("Is an adult with the child"):]
    assert "call 911 now" in after and "PAGING (immediate)" in after, after[-1500:]
