"""The ways out of a "Did you mean" menu page nobody (play-test 5 E9): a deputy returning a
lost book was offered only the police situation or "None of these — page someone now", and the
words the clerk then typed paged the Director at once. "Not a privacy matter" ends it; "None of
these" routes the clerk's new words as an opening is routed, and pages at once only words that
read as an emergency."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.catalogue import Catalogue
from bot.engine.session import MENU_EXITS
from tests.terminal_support import chat

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = Catalogue.load(ROOT)
NOT_PRIVACY, NONE_OF_THESE = (label for _, label in MENU_EXITS)
PAGED = ("PAGED", "PAGING", "Call the")  # with or without a paging service

DEPUTY = ("jackson-county", "a sheriff deputy is here to return a library book he found in his "
                            "patrol car, should i check it in?")
MENUS = [
    DEPUTY,
    ("westmont", "a police officer wants to book the meeting room for a neighborhood watch talk"),
    ("calumet", "a cop is here asking where the restrooms are"),
]


def _menu(library: str, opening: str) -> list[str]:
    said = chat(CATALOGUE, library, [opening, ""])
    start = said.index("Did you mean:") + 1
    return [line.strip().partition(". ")[2] for line in said[start:]
            if line.strip().partition(". ")[0].isdigit()]


@pytest.mark.parametrize(("library", "opening"), MENUS)
def test_a_did_you_mean_menu_ends_with_two_ways_out_that_page_nobody(library: str,
                                                                    opening: str) -> None:
    menu = _menu(library, opening)
    assert menu[-2:] == [NOT_PRIVACY, NONE_OF_THESE], menu
    said = "\n".join(chat(CATALOGUE, library, [opening, str(len(menu) - 1), ""]))
    assert "nobody needs paging" in said and "call 911 now" in said
    assert not any(word in said for word in PAGED), said


@pytest.mark.parametrize("described", [
    "just a deputy returning a lost library book, nothing about any patron",
    "he only wants to drop off a book",
])
def test_words_after_none_of_these_are_routed_again_not_paged(described: str) -> None:
    library, opening = DEPUTY
    menu = _menu(library, opening)
    said = "\n".join(chat(CATALOGUE, library, [opening, str(len(menu)), described, ""]))
    rerouted = said[said.index(NONE_OF_THESE) + len(NONE_OF_THESE):]
    assert "Did you mean:" in rerouted or "I can't tell which situation" in rerouted, said
    assert not any(word in said for word in PAGED), said


@pytest.mark.parametrize("described", [
    "actually he says a man in the parking lot has a gun",
    "never mind the book, someone is bleeding in the restroom",
])
def test_words_after_none_of_these_that_read_as_an_emergency_page_at_once(
        described: str) -> None:
    library, opening = DEPUTY
    menu = _menu(library, opening)
    said = "\n".join(chat(CATALOGUE, library, [opening, str(len(menu)), described, ""]))
    assert "911" in said or any(word in said for word in PAGED), said
