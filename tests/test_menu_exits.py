"""The ways out of a "Did you mean" menu page nobody (play-test 5 E9): a deputy returning a
lost book was offered only the police situation or "None of these — page someone now", and the
words the clerk then typed paged the Director at once. "Not a privacy matter" ends it; "None of
these" routes the clerk's new words as an opening is routed: an emergency starts its situation
(which pages when it reads danger), words naming an alert word in passing page nobody (review 6
M3: "the overdose here last year")."""

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


ROOM = ("mount-prospect", "police officer wants to reserve the community room for a "
                          "neighborhood watch meeting")


@pytest.mark.parametrize("described", [
    "he wants to hold a narcan training because of the overdose here last year",
    "nobody is hurt, just a room booking for a self defense class on what to do if someone "
    "pulls a knife",
    "the meeting is about the man who was stabbed near the park last week",
])
def test_an_alert_word_in_passing_after_none_of_these_pages_nobody(described: str) -> None:
    """Review 6 M3: any alert word paged at once, negated, past or hypothetical."""
    _routed_again_not_paged(*ROOM, described)


def _routed_again_not_paged(library: str, opening: str, described: str) -> None:
    menu = _menu(library, opening)
    said = "\n".join(chat(CATALOGUE, library, [opening, str(len(menu)), described, ""]))
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
def test_words_after_none_of_these_that_read_as_an_emergency_start_it(described: str) -> None:
    """An emergency said another way starts the danger situation (which says 911) or offers
    it first, one number away; it is never declined."""
    library, opening = DEPUTY
    menu = _menu(library, opening)
    said = "\n".join(chat(CATALOGUE, library, [opening, str(len(menu)), described, ""]))
    rerouted = said[said.index(NONE_OF_THESE) + len(NONE_OF_THESE):]
    danger = CATALOGUE.flow(library, "emergency-or-illegal-activity").title
    assert "Call 911" in rerouted or f"1. {danger}" in rerouted, said
    assert "I can't tell which situation" not in rerouted, said
