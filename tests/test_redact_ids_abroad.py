"""Identifiers of other countries, and rooms named after people (our own wordings).

Nordic and Dutch addresses (the street's type is the end of its name: Nørregade, Storgata,
Keizersgracht; a floor and side; a postcode with letters), Mexican plates (ABC-123-D, ABC-12-34),
passport numbers (letters glued to digits, read whole), and, kept, a room named after a person
("the Harold Washington Reading Room")."""

from __future__ import annotations

import pytest

from bot.privacy.redact import redact
from tests.test_privacy_blind_canary import found


@pytest.mark.parametrize(("text", "gone"), [
    ("please update to Jagtvej 101, 3. tv, 2200 København N", ["Jagtvej 101", "2200"]),
    ("new address is Markveien 35B, 0554 Oslo", ["Markveien 35B", "0554"]),
    ("returns from Prinsengracht 263, 1016 GV Amsterdam", ["Prinsengracht 263", "1016 GV"]),
    ("she moved to Kungsgatan 44, 411 19 Göteborg", ["Kungsgatan 44", "411 19"]),
    ("white pickup, placas GHT-204-K", ["GHT-204-K"]),
    ("the sedan with plates RTZ-18-40 was there again", ["RTZ-18-40"]),
    ("car with mexican plates, WPL 931 D, parked by the door", ["WPL 931 D"]),
    ("found a passport, no. K7731902 inside", ["K7731902"]),
    ("copy of his passport number PA4417725 left on the scanner", ["PA4417725"]),
    ("el pasaporte es G12345678", ["G12345678"]),
])
def test_an_identifier_written_abroad_is_masked(text: str, gone: list[str]) -> None:
    out = redact(text)
    for identifier in gone:
        assert not found(identifier, out), out
    assert redact(out) == out


@pytest.mark.parametrize("text", [
    "the Jane Addams Study Room is free after 3",
    "book club meets in the Walter Payton Community Room",
    "the Toni Morrison Reading Room carpet is being cleaned",
    "passport photos are $10 at the desk",
    "passport applications are on Tuesdays",
    "section 215 FAQ is on the wall",
])
def test_rooms_named_after_people_and_clean_desk_talk_stay(text: str) -> None:
    assert redact(text) == text
