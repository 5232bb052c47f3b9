"""A lower-case first name that is also a word, then a surname no list knows, is a name when a
comma or bracket sets the pair off (as a person is before their age, phone or address) or when
what a person does follows it; desk talk with the same words stays (review 4 C3)."""

import pytest

from bot.privacy.redact import redact


@pytest.mark.parametrize(("text", "gone"), [
    ("jane ashgrove, 42, lives on maple street", "ashgrove"),
    ("joy van-dyke (16 yrs) was here", "van-dyke"),
    ("grace van-dyke, ph 312-555-0199", "van-dyke"),
    ("rose pellingham, the one with the overdue dvds", "pellingham"),
    ("mark pellingham stole a card", "pellingham"),
    ("sandy ashgrove lives on elm, she called", "ashgrove"),
    # a surname built as English words are (-ing, -ly, -ed), set off before an age or phone:
    # the number makes the pair a person's particulars (review 5 C5)
    ("mark spelling, 14, wants his holds", "spelling"),
    ("dawn stebbing, 16, asked for her checkouts", "stebbing"),
    ("rose fielding, 555-0123, wants a call back", "fielding"),
    ("grace darling (9) was picked up late", "darling"),
])
def test_a_set_off_or_acting_lower_case_name_is_masked(text: str, gone: str) -> None:
    assert gone not in redact(text)


@pytest.mark.parametrize("text", [
    "the grace period on fines ends monday",
    "the print server logs are full again",
    "process server handed me papers",
])
def test_desk_words_beside_a_name_word_stay(text: str) -> None:
    assert redact(text) == text
