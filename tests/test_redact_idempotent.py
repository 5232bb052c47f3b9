"""``redact`` is idempotent: ``redact(redact(text)) == redact(text)``.

Text is redacted more than once in the bot's life (a stored answer redacted again when a record
is exported, a trail event read back into a page), so a second pass must change nothing. A
mask already in the text is what the first pass decided; a second pass that read it as
evidence (a word beside ``[name]`` joined to it as the rest of a name, the role word before a
mask taken for a name) would mask words the first pass kept on purpose: a room number, a role,
a label ("Rm 9", "주소").

The property runs over every note of the in-repo canary sets (tests/privacy/canary_blind*.yaml),
alone and joined to another, as staff paste two notes into one message."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.privacy.redact import redact

NOTES = [item["text"]
         for path in sorted((Path(__file__).parent / "privacy").glob("canary_blind*.yaml"))
         for item in yaml.safe_load(path.read_text("utf-8"))]
JOINS = [" ", ", ", "; ", ". ", "\n", " - ", " / "]


def test_the_canary_sets_are_read() -> None:
    assert len(NOTES) > 300  # (an empty glob would make the property below vacuous)


@pytest.mark.parametrize("text", NOTES)
def test_each_canary_note_redacted_twice_is_redacted_once(text: str) -> None:
    once = redact(text)
    assert redact(once) == once


def _latin_only(text: str) -> bool:
    return all(not c.isalpha() or "LATIN" in unicodedata.name(c, "") for c in text)


LATIN_NOTES = [note for note in NOTES if _latin_only(note)]


@settings(max_examples=300, deadline=None)
@given(first=st.sampled_from(LATIN_NOTES), join=st.sampled_from(JOINS),
       second=st.sampled_from(LATIN_NOTES))
def test_two_canary_notes_together_redacted_twice_are_redacted_once(
        first: str, join: str, second: str) -> None:
    """(Both in Latin letters: see the known gap below for two scripts at a tie.)"""
    once = redact(first + join + second)
    assert redact(once) == once


@pytest.mark.xfail(strict=True, reason="known gap: a note about half in Latin letters and half "
                   "in another script is read as one or the other by the count of its letters, "
                   "and masking the names changes the count")
def test_a_note_half_in_another_script_redacted_twice_is_redacted_once() -> None:
    once = redact("Jane Q. Doe is asking about her holds أحمد المنصوري يسأل عن بطاقته المفقودة")
    assert redact(once) == once


@pytest.mark.parametrize(("text", "kept"), [
    # a word after a masked name and a comma: a room, a desk, a label, not the name's other half
    ("Yusuf Demir, Rm 9 at the shelter, 10 W Elm St", ["Rm 9"]),
    ("Halina Brzęczek, Rm. 3B at the senior center", ["Rm. 3B"]),
    # role and label words around masks in a note in another script
    ("이용자 김민준, 주소 1200 Wilshire Blvd Apt 508 로 변경", ["이용자", "주소"]),
    ("читатель Сергей Волков, адрес ул. Ленина 5", ["читатель"]),
])
def test_the_words_beside_a_mask_stay_on_a_second_pass(text: str, kept: list[str]) -> None:
    once = redact(text)
    for word in kept:
        assert word in once, once
    assert redact(once) == once
