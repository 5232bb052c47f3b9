"""Review 8 C2: a person in danger now, said in an opening the router confidently places in
another situation ("a man has a gun in the lobby, and his wife wants to know what he checked
out"), is never dropped: the danger is offered first, beside the other request, in every face,
and picking it pages at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.catalogue import Catalogue
from bot.engine.session import open_case
from tests.terminal_support import chat

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = Catalogue.load(ROOT)
EMERGENCY = "emergency-or-illegal-activity"

# (library, opening, the other situation it asks about)
BESIDE = [
    ("westmont", "a man has a gun in the lobby, and his wife wants to know what he checked out",
     "third-party-requests-patron-info"),
    ("mount-prospect", "someone is overdosing in the bathroom and a reporter is asking questions",
     "media-inquiry"),
    ("calumet", "fight in the lobby, one guy has a knife, and the cops want our camera footage",
     "security-camera-footage"),
    ("jackson-county", "reporter on the phone wants a comment and meanwhile a patron just "
                       "collapsed by the copier, not breathing", "media-inquiry"),
    ("mahomet", "teen pulled a knife on another kid in the stacks, and his mom is asking what "
                "he has checked out", "parent-requests-child-records"),
]


@pytest.mark.parametrize(("library", "opening", "other"), BESIDE)
def test_danger_beside_a_confident_request_is_offered_first(library: str, opening: str,
                                                            other: str) -> None:
    read = open_case(CATALOGUE, library, opening)
    assert read.situation is None, read.result.band
    assert read.offered[0] == EMERGENCY
    assert other in read.offered


@pytest.mark.parametrize(("library", "opening", "other"), BESIDE[:2])
def test_the_clerk_picks_the_danger_and_it_pages_at_once(library: str, opening: str,
                                                         other: str) -> None:
    said = "\n".join(chat(CATALOGUE, library, [opening, "1", "", "quit"]))
    offer = said[said.index("Did you mean:"):]
    assert offer.index("Something dangerous or illegal") < offer.index(
        CATALOGUE.flow(library, other).title)
    assert "911" in said
    assert "PAGED (immediate)" in said or "PAGING (immediate)" in said, said


@pytest.mark.parametrize(("library", "opening", "situation"), [
    # no danger in the building now: the confident start stands
    ("westmont", "his wife wants to know what he checked out, she says he keeps a gun at home",
     "third-party-requests-patron-info"),
    ("mount-prospect", "reporter asking about the man who was stabbed downtown last year, wants "
                       "to know if he had a card here", "media-inquiry"),
    ("calumet", "cops want our camera footage from last night", "security-camera-footage"),
    # the danger is the situation itself
    ("westmont", "guy in the lobby waving a knife at people", EMERGENCY),
])
def test_without_danger_beside_the_confident_start_stands(library: str, opening: str,
                                                          situation: str) -> None:
    read = open_case(CATALOGUE, library, opening)
    assert read.danger_beside == ()
    assert read.situation == read.result.situation == situation
