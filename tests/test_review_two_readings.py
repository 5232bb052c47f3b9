"""Review 2's release-path findings on the reading of answers, each line a repro that failed:

* C1: a leading "yes" whose words after it contradict a release condition ("yes, she told me
  her name" for an ID, "yes, stepmom" for a parent or legal guardian, "yes, verbally" for a
  signed request) released. For a safety-critical choice the words after the yes must be the
  choice's own words (or the question's), nothing else.
* M4: a "wait, actually …" correction that moves a case away from a release ("wait, actually
  she's the babysitter" at Mahomet, "wait, actually he won't sign it") must be taken; only a
  move towards a release needs a clear answer.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.content.catalogue import Catalogue
from bot.engine.matching import match_choice

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = Catalogue.load(ROOT)
RELEASES = {"disclose", "disclose-limited", "comply"}
LE = "law-enforcement-request"
PARENT = "parent-requests-child-records"
OWN = "patron-own-records"


def run(library: str, said: list[str], flow: str | None = None) -> dict:  # type: ignore[type-arg]
    args = ["run", "--library", library, "--json", "--content", str(ROOT)]
    args += ["--flow", flow] if flow else []
    for line in said:
        args += ["--say", line]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


@pytest.mark.parametrize(("library", "flow", "question", "typed"), [
    ("jackson-county", OWN, "identity", "yes, she told me her name"),
    ("jackson-county", OWN, "identity", "yes, she knew her birthday"),
    ("jackson-county", OWN, "identity", "yes, she gave me her address"),
    ("jackson-county", OWN, "identity", "yes, I recognise her"),
    ("jackson-county", OWN, "identity", "yes, a regular"),
    ("mount-prospect", LE, "form", "yes, he signed it verbally"),
    ("mount-prospect", LE, "form", "yes, verbally"),
    ("mount-prospect", LE, "form", "yes, he said so out loud"),
    ("mount-prospect", LE, "form", "yes, he gave his word"),
    ("mount-prospect", LE, "form", "yes, on a napkin"),
    ("mahomet", PARENT, "relationship", "yes, stepmom"),
    ("mahomet", PARENT, "relationship", "yes, she pays the fines"),
    ("mahomet", PARENT, "relationship", "yes, she's the one who brings him"),
    ("jackson-county", PARENT, "relationship", "yes, she's his step mother"),
    ("jackson-county", PARENT, "relationship", "yes, she's on his account"),
    ("jackson-county", PARENT, "minor", "yes, in college"),
    ("jackson-county", PARENT, "minor", "yes, she's a senior"),
    ("jackson-county", PARENT, "minor", "yes, he's in the army"),
    ("mount-prospect", LE, "emergency", "yes, he's in a hurry"),
    ("mount-prospect", LE, "emergency", "yes, it's important to his case"),
    ("mount-prospect", LE, "emergency", "yes, he says it's a big case"),
    ("mount-prospect", LE, "sworn", "yes, plain clothes"),
    ("mount-prospect", LE, "sworn", "yes, he says he is a detective"),
    ("mount-prospect", LE, "sworn", "yes, he's wearing a uniform"),
])
def test_a_yes_whose_words_contradict_a_release_condition_is_asked_again(
        library: str, flow: str, question: str, typed: str) -> None:
    found = match_choice(CATALOGUE.flow(library, flow).nodes[question], typed)
    assert found is None or not found.critical, (typed, found and found.id)


@pytest.mark.parametrize(("library", "flow", "said"), [
    ("jackson-county", OWN, ["what's checked out", "yes, she told me her name"]),
    ("jackson-county", PARENT, ["yes, in college", "checked out now", "has the card", "parent"]),
    ("mahomet", PARENT, ["yes", "fines", "has the card", "yes, stepmom"]),
    ("mount-prospect", None, ["police officer at the desk wants to know who had a card, no "
                              "paperwork", "yes", "yes", "yes", "only who it is", "yes, verbally"]),
])
def test_the_reviewers_lines_release_nothing_end_to_end(library: str, flow: str | None,
                                                        said: list[str]) -> None:
    data = run(library, said, flow)
    assert (data.get("outcome") or {}).get("decision") not in RELEASES, data.get("outcome")


@pytest.mark.parametrize(("library", "flow", "question", "typed", "choice"), [
    ("westmont", LE, "sworn", "yes saw his badge", "yes"),
    ("westmont", LE, "sworn", "yes, he showed me his badge", "yes"),
    ("mount-prospect", LE, "emergency", "yes, he says it's an emergency", "yes"),
    ("mahomet", LE, "form", "yes, signing it now", "signed"),
    ("jackson-county", PARENT, "relationship", "yes, she's the mom", "parent-or-guardian"),
])
def test_a_yes_in_the_choices_own_words_is_still_taken(library: str, flow: str,
                                                       question: str, typed: str,
                                                       choice: str) -> None:
    found = match_choice(CATALOGUE.flow(library, flow).nodes[question], typed)
    assert found is not None and found.id == choice, (typed, found and found.id)


@pytest.mark.parametrize("correction", ["wait, actually she's the babysitter",
                                        "wait, actually she's his grandma",
                                        "wait, actually she is a caretaker"])
def test_a_correction_away_from_a_release_is_taken(correction: str) -> None:
    before = run("mahomet", ["yes", "fines", "parent"], PARENT)
    assert before["outcome"]["decision"] in RELEASES
    data = run("mahomet", ["yes", "fines", "parent", correction], PARENT)
    assert data["outcome"] is None or data["outcome"]["decision"] not in RELEASES, data["outcome"]


def test_wont_sign_after_the_release_withdraws_it() -> None:
    said = ["nothing", "yes", "yes", "yes", "only who it is", "yes"]
    before = run("mount-prospect", said, LE)
    assert before["outcome"]["decision"] in RELEASES
    data = run("mount-prospect", [*said, "wait, actually he won't sign it"], LE)
    assert data["outcome"] is None or data["outcome"]["decision"] not in RELEASES, data["outcome"]


def test_a_correction_towards_a_release_still_needs_a_clear_answer() -> None:
    said = ["nothing", "yes", "yes", "yes", "only who it is", "no"]
    before = run("mount-prospect", said, LE)
    assert before["outcome"]["decision"] not in RELEASES
    data = run("mount-prospect", [*said, "wait, actually maybe he will sign"], LE)
    assert data["outcome"]["decision"] not in RELEASES
