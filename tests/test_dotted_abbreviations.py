"""Dotted abbreviations ("N.S.L.", "n.s.l", "F.B.I.") read as the word they spell (session 12
item 3): "N.S.L. came in the mail" was declined, and "we got an n.s.l from the F.B.I." read
nothing, while "NSL came in the mail" was placed and its paper taken. Three places read them:
the redactor (an abbreviation is no one's initials), the normaliser (one word, which the slang
then reads) and the cues (its dots end no sentence)."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.content.catalogue import Catalogue
from bot.privacy.redact import redact
from bot.router import Router
from bot.router.text import plain_words, undotted, words

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = Catalogue.load(ROOT)
LIBRARIES = ("mount-prospect", "westmont", "mahomet", "jackson-county", "calumet")


@pytest.mark.parametrize(("dotted", "plain"), [
    ("N.S.L. came in the mail", "NSL came in the mail"),
    ("an n.s.l from the feds", "an nsl from the feds"),
    ("the F.B.I. agent", "the FBI agent"),
    ("f.b.i agent", "fbi agent"),
    ("P.D. is here", "PD is here"),
    ("the F.B.I.'s letter", "the FBI's letter"),
])
def test_a_dotted_abbreviation_reads_as_the_word(dotted: str, plain: str) -> None:
    assert undotted(dotted) == plain
    assert words(dotted) == words(plain)
    assert plain_words(dotted) == plain_words(plain)


@pytest.mark.parametrize("text", [
    "www.example.com", "version 1.2.3", "he left.I said so", "see www.a.b.org", "Dr. Smith",
    "it's 5 p", "ok. no.",
])
def test_dots_of_anything_else_stay(text: str) -> None:
    """A dot between words of two letters or more, digits, or a letter run inside a longer
    dotted name is left as it was."""
    assert undotted(text) == text


_WORDS = st.text(alphabet=string.ascii_letters + string.digits, min_size=2, max_size=8)
_GAPS = st.sampled_from([" ", ". ", ".", ", ", "? ", "\n", " - ", "'s "])


@given(st.lists(st.tuples(_WORDS, _GAPS), max_size=12))
def test_text_without_single_dotted_letters_is_unchanged(parts: list[tuple[str, str]]) -> None:
    """Route identity for texts without dotted abbreviations: words of two characters or more,
    however dotted and spaced, are never joined or changed."""
    text = "".join(word + gap for word, gap in parts)
    assert undotted(text) == text


@pytest.mark.parametrize("opening", [
    "N.S.L. came in the mail",
    "we got an n.s.l from the F.B.I.",
    "F.B.I. agent handed us a N.S.L. for a patron's records",
])
def test_a_dotted_national_security_letter_is_placed_and_its_paper_taken(opening: str) -> None:
    """The redactor kept "N.S.L." as initials ("[name] came in the mail": declined); each
    letter was a word and each dot a sentence's end. Now the paper is the national security
    letter, taken as "NSL came in the mail" is (its strong phrase), at every library."""
    for library in LIBRARIES:
        result = Router.from_catalogue(CATALOGUE, library).route(redact(opening))
        assert result.situation == "legal-document-served", (library, result)
        taken = {(p.question, p.choice) for p in result.prefill if not p.suggested}
        assert ("document", "federal-order") in taken, (library, result.prefill)


def test_a_dotted_agency_is_no_ones_initials_but_initials_stay_masked() -> None:
    """An agency or paper the desk names is kept; a person's initials are still masked."""
    assert redact("N.S.L. from the D.H.S.") == "N.S.L. from the D.H.S."
    assert "A.J." not in redact("A.J. wants to know what he checked out")
