"""A release condition is taken from staff's words only when nothing beside its phrase takes
it back (found by a senior review): another person named as the holder, owner or speaker
("her son has the card", "the kid says it's an emergency"), an owner named after it ("showed
card but it's her husband's"), a contrast, a state that makes it count for nothing ("the system
shows it blocked", "reported stolen"), or a document still being made ("the judge is signing a
search warrant now", "a search warrant is on the way"). Such an answer is asked again, the
phrase offered; clear answers are still taken. Typed answers and opening messages alike."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.content.catalogue import Catalogue
from bot.engine.matching import match_choice
from bot.router.prefill import prefill
from tests.typed_support import assert_asked_again, assert_taken

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = Catalogue.load(ROOT)
RELEASES = {"disclose", "disclose-limited", "comply"}

REFUSED = [
    ("jackson-county", "parent-requests-child-records", "card",
     ["her son has the card", "the boy has the card with him at school",
      "his daughter has the card", "the kid has the card", "grandma has the card",
      "has the card but it's expired",
      "has the card, but it was reported lost"]),
    ("calumet", "parent-requests-child-records", "card-itself",
     ["handed it to me but it's her sister's", "actual card, except it's blocked"]),
    ("jackson-county", "patron-own-records", "identity",
     ["showed card but it's her husband's", "he showed id but it's his brother's",
      "showed card, but the system says it was reported stolen", "showed id that isn't hers",
      "showed card though it is blocked", "she showed her mother's id", "photo id, it's Maria's"]),
    ("westmont", "patron-own-records", "identity",
     ["showed card but it belongs to her roommate", "showed id, though it's expired"]),
    ("calumet", "lost-or-stolen-card", "permission",
     ["the card holder lent it to him, but the system shows it blocked",
      "she says her husband lent it to her but he reported it stolen",
      "her friend lent it to her", "lent it, but the card is suspended"]),
    ("mount-prospect", "law-enforcement-request", "document",
     ["the judge is signing a search warrant now", "a search warrant is on the way",
      "search warrant being signed", "a court order is being drafted", "subpoena on its way",
      "the judge is about to sign a search warrant"]),
    ("westmont", "third-party-requests-patron-info", "consent",
     ["release form is blank", "has a consent form but it's not signed", "empty consent form"]),
    ("mount-prospect", "law-enforcement-request", "emergency",
     ["the kid says it's an emergency", "the girl says it's life or death",
      "his brother says emergency"]),
]

TAKEN = [
    ("jackson-county", "parent-requests-child-records", "card",
     {"has the card": "presented", "she has the card": "presented", "no": "no"}),
    ("jackson-county", "patron-own-records", "identity",
     {"showed card": "presented", "showed id": "presented", "photo id": "presented"}),
    ("calumet", "lost-or-stolen-card", "permission",
     {"lent it": "permission", "the owner lent it to him": "permission"}),
    ("mount-prospect", "law-enforcement-request", "document",
     {"search warrant": "search-warrant", "he has a search warrant": "search-warrant",
      "a search warrant signed by the judge": "search-warrant", "court order": "court-order"}),
    ("mount-prospect", "law-enforcement-request", "emergency",
     {"he says it's an emergency": "yes", "the officer says it's an emergency": "yes"}),
    ("jackson-county", "parent-requests-child-records", "minor",
     {"her son is a minor": "yes", "under 18": "yes"}),
]


@pytest.mark.parametrize(("library", "flow", "question", "answers"), REFUSED)
def test_a_condition_taken_back_beside_its_phrase_is_asked_again(
        library: str, flow: str, question: str, answers: list[str]) -> None:
    assert_asked_again(CATALOGUE, library, flow, question, answers)


@pytest.mark.parametrize(("library", "flow", "question", "answers"), TAKEN)
def test_clear_answers_are_still_taken(library: str, flow: str, question: str,
                                       answers: dict[str, str]) -> None:
    assert_taken(CATALOGUE, library, flow, question, answers)


@pytest.mark.parametrize(("library", "flow", "message", "question"), [
    ("jackson-county", "parent-requests-child-records",
     "a mom wants to know what her 12 year old son checked out, her son has the card", "card"),
    ("jackson-county", "parent-requests-child-records",
     "dad asking what his kid borrowed. the kid has the card with him at school", "card"),
    ("mount-prospect", "law-enforcement-request",
     "officer wants records, says the boy's mom says it's an emergency", "emergency"),
    ("jackson-county", "patron-own-records",
     "woman wants her checkout history, showed card but it's her husband's", "identity"),
    ("calumet", "lost-or-stolen-card",
     "using a card that isn't theirs, says the owner lent it, but the system shows it blocked",
     "permission"),
    ("mount-prospect", "law-enforcement-request",
     "detective says the judge is signing a search warrant now, wants records", "document"),
    ("westmont", "law-enforcement-request",
     "officer wants records, a search warrant is on the way", "document"),
])
def test_an_opening_message_that_takes_it_back_sets_nothing_critical(
        library: str, flow: str, message: str, question: str) -> None:
    node = CATALOGUE.flow(library, flow).nodes[question]
    for item in prefill(CATALOGUE.flow(library, flow), message):
        if item.question == question and not item.suggested:
            assert not node.choice(item.choice).critical, (message, item.choice)


@pytest.mark.parametrize(("library", "flow", "message", "question", "choice"), [
    ("jackson-county", "parent-requests-child-records",
     "mother has the number of her daughter's card on her phone, wants to know what's due",
     "card", "presented"),
    ("mount-prospect", "law-enforcement-request",
     "officer says someone's life is in danger, needs to know who used the computer", "danger",
     "yes"),
    ("mount-prospect", "law-enforcement-request",
     "officer here with a search warrant for a patron's records", "document", "search-warrant"),
    ("calumet", "lost-or-stolen-card", "man using a woman's card says his wife lent it to him",
     "permission", "permission"),
])
def test_an_opening_that_names_the_asker_or_the_records_owner_is_still_understood(
        library: str, flow: str, message: str, question: str, choice: str) -> None:
    taken = {(p.question, p.choice) for p in prefill(CATALOGUE.flow(library, flow), message)
             if not p.suggested}
    assert (question, choice) in taken, (message, taken)


@pytest.mark.parametrize(("library", "flow", "said"), [
    ("jackson-county", None, ["a mom wants to know what her 12 year old son checked out",
                              "what he has checked out", "her son has the card", "parent"]),
    ("calumet", None, ["a mom wants to know what her 12 year old son checked out",
                       "what he has checked out", "the boy has the card with him at school",
                       "parent"]),
    ("jackson-county", "patron-own-records",
     ["what they have checked out", "showed card but it's her husband's"]),
    ("jackson-county", "patron-own-records",
     ["what they have checked out", "showed card, but the system says it was reported stolen"]),
    ("calumet", "patron-own-records",
     ["what they have checked out", "he showed id but it's his brother's"]),
    ("calumet", "lost-or-stolen-card",
     ["not-theirs", "the card holder lent it to him, but the system shows it blocked"]),
    ("calumet", "lost-or-stolen-card",
     ["not-theirs", "she says her husband lent it to her but he reported it stolen"]),
    ("jackson-county", "lost-or-stolen-card",
     ["not-theirs", "her brother lent it to her, though it was reported lost"]),
    ("mount-prospect", None,
     ["detective says the judge is signing a search warrant now, wants records"]),
    ("westmont", None, ["officer wants records, a search warrant is on the way"]),
])
def test_the_reviewers_inputs_release_nothing_end_to_end(
        library: str, flow: str | None, said: list[str]) -> None:
    args = ["run", "--library", library, "--json", "--content", str(ROOT)]
    if flow:
        args += ["--flow", flow]
    for line in said:
        args += ["--say", line]
    result = CliRunner().invoke(main, args)
    data = json.loads(result.output)
    outcome = data.get("outcome") or {}
    assert outcome.get("decision") not in RELEASES, (said, outcome.get("id"))
    assert outcome.get("id") != "search-warrant", said


@pytest.mark.parametrize(("library", "flow", "question", "answer", "offered"), [
    ("mount-prospect", "law-enforcement-request", "emergency", "urgent", "yes"),
    ("calumet", "law-enforcement-request", "emergency", "it's urgent", "yes"),
    ("mount-prospect", "law-enforcement-request", "emergency", "the kid says it's an emergency",
     "yes"),
    ("jackson-county", "parent-requests-child-records", "minor",
     "she was 17 when she checked it out", "yes"),
    ("mahomet", "parent-requests-child-records", "minor", "he was 16 last year", "yes"),
    ("jackson-county", "parent-requests-child-records", "minor", "was fifteen at the time",
     "yes"),
])
def test_a_weak_word_a_claim_from_someone_else_or_a_past_age_is_only_offered(
        library: str, flow: str, question: str, answer: str, offered: str) -> None:
    """'urgent' is not an officer's claim of an emergency, a child's claim is not the
    officer's, and an age the child had then is not the age now: asked again, offered."""
    from bot.engine.matching import suggestion

    node = CATALOGUE.flow(library, flow).nodes[question]
    assert match_choice(node, answer) is None, answer
    hint = suggestion(node, answer)
    assert hint is not None and hint.id == offered, (answer, hint and hint.id)


def test_a_present_or_adult_age_and_a_clear_claim_are_still_taken() -> None:
    minor = CATALOGUE.flow("jackson-county", "parent-requests-child-records").nodes["minor"]
    assert {a: getattr(match_choice(minor, a), "id", None) for a in
            ["she's 17", "17", "she was 19 when she borrowed it", "he's 12"]} == {
        "she's 17": "yes", "17": "yes", "she was 19 when she borrowed it": "no", "he's 12": "yes"}
    emergency = CATALOGUE.flow("mount-prospect", "law-enforcement-request").nodes["emergency"]
    assert match_choice(emergency, "emergency").id == "yes"
    assert match_choice(emergency, "exigent circumstances").id == "yes"


def test_an_opening_with_a_past_age_offers_under_18_without_taking_it() -> None:
    flow = CATALOGUE.flow("jackson-county", "parent-requests-child-records")
    said = {p.question: p for p in prefill(
        flow, "a mom wants to know what her daughter checked out, she was 17 when she took it")}
    assert said["minor"].choice == "yes" and said["minor"].suggested
    now = {p.question: p for p in prefill(flow, "mom asking what her 15 year old has out")}
    assert now["minor"].choice == "yes" and not now["minor"].suggested
