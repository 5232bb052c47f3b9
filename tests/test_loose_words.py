"""Words that name a choice loosely must not take it: each case here was answered wrongly by
the content of one day (the review's finding in brackets).

- [M1] Calumet .1 lets a card's current checkouts be shared only on "presentation of the card":
  "has his wife's card" in the opening is not the card itself in hand; the question is asked.
- [M2] "threatened to sue us" is a threat, not a threat of violence: no "call 911 now".
- [M6] "an ICE warrant signed by a federal judge" is not "a warrant not signed by a judge".

Openings go through ``frontdesk run --json`` (routing, prefill and answers, as at the desk);
typed answers through the engine.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.content.catalogue import Catalogue
from bot.engine import start, step

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = Catalogue.load(ROOT)
EMERGENCY = "emergency-or-illegal-activity"
LE = "law-enforcement-request"


def run(*args: str) -> dict:
    done = CliRunner().invoke(main, ["run", *args, "--json"])
    assert done.exit_code == 0, done.output
    return json.loads(done.output)


def answer(library: str, flow: str, *typed: str):
    view = start(CATALOGUE, library, flow)
    for text in typed:
        view = step(CATALOGUE, view.conversation, text)
    return view


# --- M1: the card itself, at Calumet ----------------------------------------------------------

@pytest.mark.parametrize("opening", [
    "husband has his wife's card and wants to know what she has checked out",
    "bf has gf's card wants to know whats checked out",
])
def test_someone_elses_card_in_the_opening_still_asks_whether_it_is_the_card_itself(
        opening: str) -> None:
    data = run("--library", "calumet", "--say", opening)
    assert data["flow"] == "third-party-requests-patron-info", data["flow"]
    assert data["outcome"] is None, data["outcome"]["id"]
    assert "card-itself" in data["asked"], data["asked"]
    assert data["question"]["id"] == "card-itself"
    # the card is offered, never assumed; a plain yes then answers it
    assert data["suggestion"]["choice"] == "yes"
    # (and whether the holder gave it to them, asked too: play-test 8 E17)
    done = run("--library", "calumet", "--say", opening, "--say", "yes", "--say", "yes")
    assert done["outcome"]["id"] == "card-current-items"
    assert "card-itself" in done["asked"] and "card-given" in done["asked"]


@pytest.mark.parametrize("typed", ["she has her card", "card number on her phone"])
def test_loose_card_words_at_the_card_itself_question_release_nothing(typed: str) -> None:
    view = answer("calumet", "third-party-requests-patron-info", "items-out", "presented", typed)
    assert view.outcome is None or view.outcome.id != "card-current-items", typed


# --- M2: a threat that is not violence ---------------------------------------------------------

@pytest.mark.parametrize("typed", [
    "he threatened to sue us",
    "she's threatening to complain to the board",
    "patron threatened to call the newspaper",
    "threatening to get us fired",
])
@pytest.mark.parametrize("library", ["jackson-county", "mount-prospect"])
def test_a_threat_that_is_not_violence_is_not_call_911(library: str, typed: str) -> None:
    data = run("--library", library, "--flow", EMERGENCY, "--say", "no", "--say", typed)
    assert data["outcome"] is None, data["outcome"]["id"]
    assert data["question"]["id"] == "what" and data["not_understood"] == typed
    assert data["pages"] == []


@pytest.mark.parametrize("typed", [
    "he threatened to come back with a gun",
    "he's threatening to come back with a gun",
    "he threatened to shoot us",
    "guy is threatening to stab someone",
    "death threat",
])
def test_a_threat_of_violence_is_still_call_911(typed: str) -> None:
    data = run("--library", "jackson-county", "--flow", EMERGENCY, "--say", "no", "--say", typed)
    assert data["outcome"]["id"] == "threat-911", typed


# --- M6: who signed the warrant ----------------------------------------------------------------

@pytest.mark.parametrize("typed", [
    "an ICE warrant signed by a federal judge",
    "DHS warrant from the court",
    "immigration warrant, a judge signed it",
])
def test_an_agency_named_warrant_is_not_read_as_unsigned_by_a_judge(typed: str) -> None:
    data = run("--library", "jackson-county", "--flow", LE, "--say", typed)
    assert data["outcome"] is None, data["outcome"]["id"]
    assert data["question"]["id"] == "document" and data["not_understood"] == typed


def test_a_warrant_its_words_say_an_agency_signed_is_still_the_agency_warrant() -> None:
    for typed in ("ICE administrative warrant", "I-200", "not signed by a judge"):
        data = run("--library", "jackson-county", "--flow", LE, "--say", typed)
        assert data["outcome"]["id"] == "agency-warrant", typed
    # the agency alone is offered: the clerk checks who signed it
    data = run("--library", "jackson-county", "--flow", LE, "--say", "an ICE warrant")
    assert data["outcome"] is None and data["suggestion"]["choice"] == "agency-warrant"
