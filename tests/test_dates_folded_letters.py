"""A date written with a letter that only folds to an ASCII one ("ſ" long s, the Kelvin sign,
a dotted capital I) is read as the plain spelling, not a traceback (review 14 P10-11: the
case-insensitive patterns matched "laſt ſaturday", the tables did not know "ſaturday")."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.router.dates import READERS, stated_date

TODAY = date(2026, 12, 8)  # a Tuesday

FOLDED = {"s": "ſ", "k": "K", "i": "İ"}


@pytest.mark.parametrize(("typed", "plain"), [
    ("police want the video from laſt ſaturday", "police want the video from last saturday"),
    ("police asked us on ſeptember 3 to preserve the logs",
     "police asked us on september 3 to preserve the logs"),
    ("footage from two dayſ ago", "footage from two days ago"),
    ("the video from last weeK", "the video from last week"),
    ("the clip from 3 December, fİve days ago", "the clip from 3 December, five days ago"),
])
def test_a_folded_letter_gives_the_plain_spellings_date(typed: str, plain: str) -> None:
    assert stated_date(typed, TODAY) is not None
    assert stated_date(typed, TODAY)[0] == stated_date(plain, TODAY)[0]  # type: ignore[index]


@given(st.sampled_from(["last saturday", "on september 3", "two weeks ago", "last week",
                        "since monday", "the 3rd of december", "six days ago"]),
       st.data())
def test_no_reader_raises_on_folded_letters(words: str, data: st.DataObject) -> None:
    typed = "".join(FOLDED[c] if c in FOLDED and data.draw(st.booleans()) else c
                    for c in words)
    for read in READERS.values():
        read(f"police want the logs from {typed}", TODAY)


def test_frontdesk_run_reads_it_without_a_traceback() -> None:
    run = subprocess.run([sys.executable, "-m", "bot", "run", "--library", "mahomet", "--say",
                          "police want the video from laſt ſaturday"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-800:]
    assert "Traceback" not in run.stderr
