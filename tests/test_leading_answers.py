"""A direct "yes" or "no" (or a clear refusal) followed by a few words of elaboration answers
the question just asked ("yes saw his badge", "nope, didn't see one", "he refuses to sign"),
unless the words beside it undo it: another person's card or ID, a contrast, a cancelling
state, a doubt or a promise. Then a release condition is only offered, never taken.

A "no" whose words deny a thing that belongs to another question ("no, no warrant" asked
whether the officer says it's an emergency) answers nothing: the question is asked again.
(Leftovers of a desk play test: each was asked again, or read as the wrong "no".)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.content.catalogue import Catalogue
from bot.engine import start, step
from tests.typed_support import assert_asked_again, assert_taken

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = Catalogue.load(ROOT)
LE = "law-enforcement-request"
PARENT = "parent-requests-child-records"
RELEASES = {"disclose", "disclose-limited", "comply"}

TAKEN = [
    ("westmont", LE, "sworn",
     {"yes saw his badge": "yes", "yes, he showed me his badge": "yes",
      "yeah, badge and id": "yes", "nope, didn't see one": "no", "no, he's a security guard": "no",
      "no he never showed anything": "no"}),
    ("mahomet", LE, "form",
     {"he refuses to sign": "refuses", "no, he won't": "refuses", "nope, says no time": "refuses",
      "officer refuses to sign it": "refuses", "yes, signing it now": "signed"}),
    ("westmont", LE, "emergency",  # a plain yes or no in other words (play test 2, w03, w04)
     {"nope": "no", "nah": "no", "yep": "yes", "not that I saw": "no", "yeah": "yes",
      "not that i know of, no": "no"}),
    ("mahomet", LE, "emergency",
     {"no, not an emergency": "no", "no, no emergency": "no", "no, just investigating": "no",
      "yes, he says it's an emergency": "yes"}),
    ("mahomet", LE, "danger",
     {"nope, nobody in danger": "no", "yes, someone could get hurt": "yes"}),
    ("jackson-county", PARENT, "card", {"yes she has it with her": "presented",
                                        "nope, forgot it at home": "no"}),
]

ASKED_AGAIN = [
    ("westmont", LE, "sworn",
     ["yes but it's his partner's badge", "yes, saw his brother's badge", "yes, maybe",
      "yes, on the phone", "yes? i think so", "yes, a security guard's badge",
      "yes, the kid says he is"]),
    ("mahomet", LE, "form",
     ["yes, he'll sign later", "yes but not now", "yes if he has time",
      "he refuses to sign but will fill it in", "yes, his partner will sign"]),
    ("mahomet", LE, "danger", ["yes, maybe", "yes, yesterday"]),
    ("jackson-county", PARENT, "card",
     ["yes, her son has it", "yes but it's expired", "yes, it's her sister's",
      "yes, the kid has it"]),
]


@pytest.mark.parametrize(("library", "flow", "question", "answers"), TAKEN)
def test_a_leading_yes_or_no_with_its_elaboration_is_taken(
        library: str, flow: str, question: str, answers: dict[str, str]) -> None:
    assert_taken(CATALOGUE, library, flow, question, answers)


@pytest.mark.parametrize(("library", "flow", "question", "answers"), ASKED_AGAIN)
def test_words_that_undo_a_leading_yes_keep_the_condition_unset(
        library: str, flow: str, question: str, answers: list[str]) -> None:
    assert_asked_again(CATALOGUE, library, flow, question, answers)


@pytest.mark.parametrize(("question", "typed"), [
    ("emergency", "no, no warrant"),
    ("emergency", "nope, no court order"),
    ("emergency", "no - no subpoena"),
    ("emergency", "no. no warrant"),
    ("danger", "no, no warrant"),
    ("sworn", "no, no court order"),
])
def test_a_no_that_denies_another_questions_thing_answers_nothing(question: str,
                                                                  typed: str) -> None:
    from bot.engine.matching import match_choice

    node = CATALOGUE.flow("mahomet", LE).nodes[question]
    found = match_choice(node, typed)
    assert found is None, (typed, found and found.id)


def test_no_no_warrant_at_the_emergency_question_asks_again() -> None:
    view = start(CATALOGUE, "mahomet", LE)
    view = step(CATALOGUE, view.conversation, "none")
    assert view.question is not None and view.question.id == "emergency"
    view = step(CATALOGUE, view.conversation, "no, no warrant")
    assert "emergency" not in view.conversation.answer_map
    assert view.question is not None and view.question.id == "emergency"
    assert view.not_understood == "no, no warrant"


def _run(library: str, flow: str, said: list[str]) -> tuple[dict[str, str], str | None]:
    """(the answers taken, the outcome's decision or the question still open) of
    ``frontdesk run --json``."""
    args = ["run", "--library", library, "--flow", flow, "--json", "--content", str(ROOT)]
    for line in said:
        args += ["--say", line]
    data = json.loads(CliRunner().invoke(main, args).output)
    answers = {step["question"]: step["choice"] for step in data["transcript"]}
    return answers, (data.get("outcome") or {}).get("decision") or data["question"]["id"]


def test_the_clerks_answers_reach_the_outcome_without_being_asked_again() -> None:
    """Westmont, end to end through ``frontdesk run``: an emergency, a badge seen, a life at
    risk, identity only, and the officer refuses to sign: nothing is released."""
    answers, decision = _run("westmont", LE, ["none", "yes", "yes saw his badge", "yes",
                                              "identity-only", "he refuses to sign"])
    assert answers.get("sworn") == "yes" and answers.get("form") == "refuses", answers
    assert decision == "withhold"


def test_a_badge_that_is_someone_elses_releases_nothing_end_to_end() -> None:
    answers, now = _run("westmont", LE, ["none", "yes", "yes, saw his brother's badge"])
    assert "sworn" not in answers and now == "sworn", (answers, now)
