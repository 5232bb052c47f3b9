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


# (derandomize: the same 300 pairs every run, so the property cannot pass or fail by chance; of
# random pairs about one in 3,000 hit a gap closed below)
@settings(max_examples=300, deadline=None, derandomize=True)
@given(first=st.sampled_from(LATIN_NOTES), join=st.sampled_from(JOINS),
       second=st.sampled_from(LATIN_NOTES))
def test_two_canary_notes_together_redacted_twice_are_redacted_once(
        first: str, join: str, second: str) -> None:
    """(Both in Latin letters: a note half in another script is tested below.)"""
    once = redact(first + join + second)
    assert redact(once) == once


# (a known gap until session 11: the first pass took the question for Title Case, its "I" and
# "Bill" capitalised mid-sentence, and left the second name, which the second pass found once
# "Bill" was a mask; see tests/test_redact_staff_questions.py)
# (and one more: a note about half in Latin letters, half in Arabic, was read by its count of
# letters, which the first pass's masks changed; since session 12 a clause of three words or more
# in another script is read as a note in that script is, whatever the count)
# (and one more: "El" of "El-Amin" was the second Spanish word that kept "una tarjeta" a phrase,
# until "El-Amin" was a mask; see tests/test_redact_other_language_words.py)
@pytest.mark.parametrize(("text", "gone"), [
    ("Can I tell Bill Moss's mother what he owes? he's 22\ncan someone call back Deepak "
     "Raghunathan at 847-555-0190 ext 12", "Raghunathan"),
    ("Xochitl Ramírez, nacida 15/09/1999, necesita una tarjeta nueva lost card, patron is "
     "Fatima Zahra El-Amin, verified DOB 1994-02-17", "El-Amin"),
    ("Jane Q. Doe is asking about her holds أحمد المنصوري يسأل عن بطاقته المفقودة", "المنصوري"),
])
def test_a_closed_gap_redacted_twice_is_redacted_once(text: str, gone: str) -> None:
    once = redact(text)
    assert gone not in once
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
