"""A question the clerk reports asking states nothing (review 9 m4).

"I asked if anyone's life is in danger and he said no" was read as "they say someone is in
danger": 911 and a page at once, nothing asked. What the clerk's own question asks about is now
only offered; the officer's stated danger, and a requester's "asking if" (the request itself),
read as before.
"""

from __future__ import annotations

import pytest

from bot.engine.session import open_case
from tests.test_play_test_eight import CATALOGUE, LIBRARIES

POLICE = "law-enforcement-request"
PARENT = "parent-requests-child-records"


def _taken(library: str, opening: str, flow: str) -> set[tuple[str, str]]:
    return {(p.question, p.choice) for p in open_case(CATALOGUE, library, opening).prefill(flow)
            if not p.suggested}


@pytest.mark.parametrize("opening", [
    "detective wants to know who used pc 4, I asked if anyone's life is in danger and he said no",
    "officer wants a patron's address, i asked him whether someone is in danger, he said no",
    "cop asking what a guy checked out. I asked if it's an emergency and he said not really",
    "deputy wants the sign in sheet, we asked whether anyone is missing, he just shrugged",
])
def test_what_the_clerk_asked_is_not_taken_as_said(opening: str) -> None:
    for library in LIBRARIES:
        taken = _taken(library, opening, POLICE)
        assert not {q for q, _ in taken} & {"not-official-danger", "emergency", "danger"}, (
            library, taken)


@pytest.mark.parametrize("opening", [
    "officer wants patron address, he says someone's life is in danger",
    "detective says a kid is missing and needs to know who used pc 4",
])
def test_the_officers_own_word_of_danger_is_still_taken(opening: str) -> None:
    for library in LIBRARIES:
        assert ("not-official-danger", "yes") in _taken(library, opening, POLICE), library


def test_a_requesters_asking_if_is_the_request_and_reads_as_before() -> None:
    opening = "mom asking if we have her sons email and phone on his account, he's 13"
    for library in LIBRARIES:
        assert ("minor", "yes") in _taken(library, opening, PARENT), library
