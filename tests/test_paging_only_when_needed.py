"""Page only when a person with authority must act now (play-test 4 D8).

A refusal the clerk gives and passes on ("tell the Director today"), a records request, a
footage request from a victim or from police without papers, or an argument at the desk needs a
note or an email, not a page; an officer waiting with a warrant, an emergency, child abuse
images or a gag order still page at once. Each case is typed as the clerk typed it.
"""

from __future__ import annotations

import pytest

from bot.content.catalogue import Catalogue
from tests.terminal_support import chat

NO_PAGE = [
    # C12: a printer-fee argument paged the administrator immediately
    ("calumet", ["printer's jammed again and the guy at it is yelling at me that he paid 50 cents",
                 "1", "2"]),
    ("westmont", ["patron screaming at me about a 2 dollar overdue fine", "1", "nobody in danger"]),
    # M11 / W4: police without papers and no emergency are refused; the refusal is passed on
    ("mount-prospect", ["cop no warrant wants name of guy who left w/ the laptop. kevin something",
                        "no"]),
    ("calumet", ["detective wants to know if a guy has a library card here, no warrant, no rush",
                 "no"]),
    # J7: a public records request for patron sign-ups goes to the custodian today
    ("jackson-county", ["public records request for the drag story hour sign-up names and emails"]),
    # C6: police want camera recordings without a warrant
    ("calumet", ["cop wants to look at our camera recordings from saturday, says somebody keyed a "
                 "car in the lot. no warrant", "1"]),
]


def _transcript(catalogue: Catalogue, library: str, lines: list[str]) -> str:
    return "\n".join(chat(catalogue, library, [*lines, ""]))


@pytest.mark.parametrize(("library", "lines"), NO_PAGE)
def test_a_refusal_or_a_dispute_passed_on_today_pages_nobody(
        catalogue: Catalogue, library: str, lines: list[str]) -> None:
    said = _transcript(catalogue, library, lines)
    assert "PAGED" not in said and "PAGING" not in said, said
    assert "nobody needs paging" in said, said


@pytest.mark.parametrize(("library", "lines"), [
    ("westmont", ["cops here with a search warrant"]),
    ("mahomet", ["guy on pc 3 is looking at child porn", "no"]),
    ("calumet", ["patron pulled a knife on the teen librarian"]),
])
def test_a_person_needed_now_is_still_paged_at_once(
        catalogue: Catalogue, library: str, lines: list[str]) -> None:
    said = _transcript(catalogue, library, lines)
    assert "PAGING (immediate)" in said, said
