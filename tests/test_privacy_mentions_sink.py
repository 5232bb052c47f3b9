"""A patron named in lower case after a cue, then again in passing (a possessive, a nickname),
or sharing an author's name in a note about their fines, typed in every place staff type:
no mention reaches any sink (the blind canary test's sinks: the database's bytes, every
table, `audit export`, the DEBUG log, every Slack call). The wordings are our own."""

from __future__ import annotations

from pathlib import Path

from tests.test_privacy_blind_canary import sinks_after_typing

NOTES = [
    {"text": "checked out by thaddeus yesterday, thaddeus's card is blocked now",
     "identifiers": ["thaddeus"]},
    {"text": "pt kev wants his holds moved; kevin will call back about the fine",
     "identifiers": ["kev", "kevin"]},
    {"text": "resolved: told Ms. Wilhelmina Ostrowski no, minnie will come back with a form",
     "identifiers": ["Wilhelmina", "Ostrowski", "minnie"]},
    {"text": "Stephen King's books are overdue and he wants his fines waived",
     "identifiers": ["Stephen King"]},
]


def test_every_mention_of_a_named_patron_stays_out_of_every_sink(tmp_path: Path) -> None:
    identifiers = sorted({i for note in NOTES for i in note["identifiers"]})
    assert sinks_after_typing(NOTES, identifiers, tmp_path / "typed") == {}
