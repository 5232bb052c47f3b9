"""A lone given name where only a name can stand is masked, in any case, though it is also an
English word (review 9 m1); the same word where it is an ordinary word is kept.

The slots: after a person's title or role, a job's or a colleague's ("director bill is out",
"supervisor kim call me back", "our director, sue, said"); whom a message is for ("Should I
tell Bill that…", "ask Will to"); who is reported ("said bill was here", "per dawn, …"); a
nickname's "big X", "don X". The wordings are our own."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.privacy.redact import redact
from tests.test_privacy_blind_canary import found


@pytest.mark.parametrize(("text", "gone"), [
    ("director bill is out", "bill"),
    ("supervisor kim call me back", "kim"),
    ("our director, sue, said we should wait", "sue"),
    ("the youth coordinator, hope, has the keys", "hope"),
    ("my coworker mark said he saw it", "mark"),
    ("Manager Rose is off today", "Rose"),
    ("our head librarian, mary, is out", "mary"),
    ("his neighbor bob called about it", "bob"),
    ("Should I tell Bill that his wife asked?", "Bill"),
    ("Ask Will to come up front", "Will"),
    ("can I let Grace know her hold is in", "Grace"),
    ("I told grace the items were returned", "grace"),
    ("remind frank to bring his id", "frank"),
    ("he said mark was here earlier", "mark"),
    ("per dawn, the officer left no card", "dawn"),
    ("ruby and her mom are asking about fines", "ruby"),
    ("Big Mike is on computer 3", "Big Mike"),
    ("big tony and his friend were loud", "big tony"),
    ("doña Carmen left her glasses", "doña Carmen"),
])
def test_a_given_name_in_a_name_slot_is_masked(text: str, gone: str) -> None:
    out = redact(text)
    assert not found(gone, out), out
    assert redact(out) == out


@pytest.mark.parametrize("text", [
    "bill the patron for the lost book",
    "will you call the patron back",
    "grace period is three days",
    "I hope the officer comes back",
    "mark the item missing",
    "he said mark it lost",
    "said grace period was over",
    "ask will I be able to renew",
    "the director will decide",
    "the director, however, said no",
    "tell the patron that we cannot share records",
    "should I tell security that he's back?",
    "call security back please",
    "ask the manager to call me back",
    "the bill was paid at the desk",
    "there's a big mark on the cover",
    "supervisor approval needed",
    "tech support is down",
    "per policy, we can't",
])
def test_the_same_words_as_ordinary_words_stay(text: str) -> None:
    assert redact(text) == text


OWN = Path(__file__).parent / "privacy" / "own_canary13.yaml"


def test_privacy13s_own_canary_set_gets_no_worse() -> None:
    """Our own set for these classes (tests/privacy/own_canary13.yaml): what redaction misses
    and the clean notes it changes, at most as measured when the set landed."""
    items = yaml.safe_load(OWN.read_text("utf-8"))
    missed = [(item["text"], i) for item in items for i in item["identifiers"]
              if found(i, redact(item["text"]))]
    changed = [item["text"] for item in items
               if not item["identifiers"] and redact(item["text"]) != item["text"]]
    assert len(missed) <= MISSED_AT_MOST, missed
    assert len(changed) <= CHANGED_AT_MOST, changed


MISSED_AT_MOST = 0
CHANGED_AT_MOST = 3


OWN14 = Path(__file__).parent / "privacy" / "own_canary14.yaml"


def test_privacy14s_own_canary_set_gets_no_worse() -> None:
    """privacy14's own set (tests/privacy/own_canary14.yaml): lone names before a person's
    verb, Colombian addresses, an SSN's last four in brackets, a British "neighbour" before a
    name; at most as many missed and clean notes changed as when it landed."""
    items = yaml.safe_load(OWN14.read_text("utf-8"))
    missed = [(item["text"], i) for item in items for i in item["identifiers"]
              if found(i, redact(item["text"]))]
    changed = [item["text"] for item in items
               if not item["identifiers"] and redact(item["text"]) != item["text"]]
    assert len(missed) <= 0, missed
    assert len(changed) <= 0, changed


OWN15 = Path(__file__).parent / "privacy" / "own_canary15.yaml"


def test_privacy15s_own_canary_set_gets_no_worse() -> None:
    """privacy15's own set (tests/privacy/own_canary15.yaml): lone names no list knows before
    a person's doing, families by a surname no list knows, a number in brackets; the desk's
    teams, vendors, officials, authors after "by" and "de", rooms named after people left as
    written. At most as many missed and clean notes changed as when it landed."""
    items = yaml.safe_load(OWN15.read_text("utf-8"))
    missed = [(item["text"], i) for item in items for i in item["identifiers"]
              if found(i, redact(item["text"]))]
    changed = [item["text"] for item in items
               if not item["identifiers"] and redact(item["text"]) != item["text"]]
    assert len(missed) <= 0, missed
    assert len(changed) <= 0, changed


@pytest.mark.parametrize(("note", "kept"), [
    ("my neighbour bill called about his holds", "bill"),
    ("she read me her ssn (7734) over the phone", "7734"),
    ("he lives at Calle 8 #45-12, Bogotá now", "45-12"),
])
def test_neighbour_ssn_last_four_and_colombian_address_are_masked(note: str, kept: str) -> None:
    assert kept not in redact(note)


@pytest.mark.parametrize("note", ["the calle 8 bus stop is closed", "room 12 #4-5 is booked",
                                  "the ssn field (optional) is gone from the form"])
def test_look_alikes_of_those_stay(note: str) -> None:
    assert redact(note) == note
