"""A login in a sign-up list, beside its time slot and with no account cue ("pc sheet: 9:00
abrown, 9:30 lchen"): an initial (or two) and a surname run together is a patron's login. The
time is the cue: a slot list names who sits where. Words that fill a slot without naming anyone
("9:00 open", "10:30 storytime", "11 closed") stay."""

from __future__ import annotations

import pytest

from bot.privacy.redact import redact


@pytest.mark.parametrize(("text", "gone"), [
    ("pc sheet: 9:00 abrown, 9:30 lchen, 10:00 open", ["abrown", "lchen"]),
    ("computer 4 at 2pm: tnguyen then rsingh at 3", ["tnguyen", "rsingh"]),
    ("slots today - 9:15 dkowalski / 9:45 emartinez", ["dkowalski", "emartinez"]),
    ("study room 2\n1pm ohernandez\n2pm jkwame", ["ohernandez"]),
    ("10:30am - aokafor (laptop 7)", ["aokafor"]),
])
def test_a_login_beside_a_time_slot_is_masked(text: str, gone: list[str]) -> None:
    out = redact(text)
    for login in gone:
        assert login not in out, out
    assert "[handle]" in out


@pytest.mark.parametrize("text", [
    "pc sheet: 9:00 open, 9:30 open, 10:00 closed",
    "10:30 storytime, 11:15 toddler time, 1pm lego club",
    "2pm chess, 3pm bingo, 4pm coding; manga at 5",
    "at 3 tonight the wifi goes down for an update",
    "9:00 abandoned cart at the desk",
    "2pm another patron asked about the printer",
])
def test_slot_words_that_name_no_one_stay(text: str) -> None:
    assert redact(text) == text
