"""Typed answers at a question never set a release condition (or danger, or abuse material)
they only mention: a question mark, a denial, a promise or a qualifier sends the question back
(found by a fresh-eyes review: "warrant? no", "arrest warrant", "guardian? no", "he'd sign it
if he had time" and "card number on a phone screen" each reached a release). Clear answers
(the label, the choice's own words, "yes") still work."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.content.catalogue import Catalogue
from tests.typed_support import assert_asked_again, assert_taken

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = Catalogue.load(ROOT)
RELEASES = {"disclose", "disclose-limited", "comply"}

REFUSED = [
    ("jackson-county", "law-enforcement-request", "document",
     ["arrest warrant", "warrant? no", "warrant no", "going to get a warrant",
      "copy of a warrant on his phone", "expired warrant", "court order? no",
      "court order coming", "said he could get a court order", "subpoena? no",
      "will get a subpoena"]),
    ("calumet", "law-enforcement-request", "emergency",
     ["he says it's not an emergency, just urgent", "emergency? no"]),
    ("calumet", "law-enforcement-request", "danger", ["danger? no"]),
    ("mahomet", "law-enforcement-request", "form",
     ["sign? no", "signing? nope", "he'd sign it if he had time", "says he'll sign after"]),
    ("mahomet", "parent-requests-child-records", "relationship",
     ["guardian? no", "guardian no", "mom? no", "parent - no", "parent? nope",
      "legal guardian: no", "says she is the guardian but I doubt it", "claims to be mom"]),
    ("calumet", "parent-requests-child-records", "card-itself",
     ["card number on a phone screen", "a photocopy of the card", "card itself? no",
      "actual card no"]),
    ("jackson-county", "parent-requests-child-records", "card", ["card at home", "card? no"]),
    ("jackson-county", "patron-own-records", "identity",
     ["photo id no", "says she has ID in the car", "only knows her card number",
      "card number only"]),
    ("calumet", "lost-or-stolen-card", "permission",
     ["says borrowed it but card shows stolen", "lent it? no", "permission? no",
      "he says the owner lent it but I doubt it"]),
]

TAKEN = [
    ("jackson-county", "law-enforcement-request", "document",
     {"search warrant": "search-warrant", "he has a search warrant": "search-warrant",
      "court order": "court-order", "subpoena": "subpoena", "no warrant": "none",
      "nothing": "none"}),
    ("calumet", "law-enforcement-request", "emergency",
     {"yes": "yes", "no": "no", "says it's an emergency": "yes"}),
    ("mahomet", "law-enforcement-request", "form", {"yes": "signed", "no": "refuses"}),
    ("mahomet", "parent-requests-child-records", "relationship",
     {"mom": "parent-or-guardian", "a parent": "parent-or-guardian",
      "legal guardian": "parent-or-guardian", "yes": "parent-or-guardian",
      "grandma": "caretaker"}),
    ("calumet", "parent-requests-child-records", "card-itself",
     {"yes": "yes", "card itself": "yes", "number only": "number-only"}),
    ("jackson-county", "patron-own-records", "identity",
     {"yes": "presented", "photo id": "presented", "no": "not-presented"}),
]


@pytest.mark.parametrize(("library", "flow", "question", "answers"), REFUSED)
def test_a_doubted_denied_or_promised_condition_is_asked_again(
        library: str, flow: str, question: str, answers: list[str]) -> None:
    assert_asked_again(CATALOGUE, library, flow, question, answers)


@pytest.mark.parametrize(("library", "flow", "question", "answers"), TAKEN)
def test_clear_answers_are_still_taken(library: str, flow: str, question: str,
                                       answers: dict[str, str]) -> None:
    assert_taken(CATALOGUE, library, flow, question, answers)


@pytest.mark.parametrize(("library", "flow", "said"), [
    ("jackson-county", "law-enforcement-request", ["arrest warrant"]),
    ("jackson-county", "law-enforcement-request", ["court order? no", "no"]),
    ("calumet", "law-enforcement-request",
     ["none", "he says it's not an emergency, just urgent", "yes", "danger? no",
      "identity-only"]),
    ("mahomet", "law-enforcement-request",
     ["none", "yes", "yes", "yes", "identity-only", "he'd sign it if he had time"]),
    ("mahomet", "parent-requests-child-records",
     ["yes", "fines", "guardian? no"]),
    ("calumet", "parent-requests-child-records",
     ["yes", "items-out", "card number on a phone screen"]),  # one card question there
    ("jackson-county", "patron-own-records", ["history", "photo id no"]),
])
def test_the_reviewers_inputs_release_nothing_end_to_end(library: str, flow: str,
                                                         said: list[str]) -> None:
    args = ["run", "--library", library, "--flow", flow, "--json", "--content", str(ROOT)]
    for line in said:
        args += ["--say", line]
    result = CliRunner().invoke(main, args)
    data = json.loads(result.output)
    outcome = data.get("outcome") or {}
    assert outcome.get("decision") not in RELEASES, (said, outcome.get("id"))


@pytest.mark.parametrize("args", [
    ["digest", "--since", "9999999d"], ["digest", "--since", "99999999999d"],
    ["site", "/proc/frontdesk-x"], ["form", "officer-request", "--library", "mahomet", "-o",
                                    "/proc/frontdesk-x/form.html"],
    ["coverage", "--library", "nope"], ["coverage", "--flow", "nope"],
])
def test_the_reviewers_bad_inputs_are_one_line_and_fail(args: list[str], tmp_path: Path) -> None:
    with_content = [*args, "--content", str(ROOT)] if args[0] != "digest" else args
    result = CliRunner().invoke(main, with_content, env={
        "FRONTDESK_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})
    assert result.exit_code != 0, (args, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        args, repr(result.exception))
    assert len(result.output.strip().splitlines()) == 1, (args, result.output)


def test_backup_never_overwrites_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    precious = tmp_path / "passwd"
    precious.write_text("root:x:0:0:root:/root:/bin/bash\n")
    result = CliRunner().invoke(main, ["backup", str(precious)], env={
        "FRONTDESK_DATABASE_URL": f"sqlite:///{tmp_path / 'live.db'}"})
    CliRunner().invoke(main, ["pages"], env={
        "FRONTDESK_DATABASE_URL": f"sqlite:///{tmp_path / 'live.db'}"})  # make the database
    result = CliRunner().invoke(main, ["backup", str(precious)], env={
        "FRONTDESK_DATABASE_URL": f"sqlite:///{tmp_path / 'live.db'}"})
    assert result.exit_code == 2 and "not a frontdesk backup" in result.output
    assert precious.read_text().startswith("root:x:0:0")
    fine = CliRunner().invoke(main, ["backup", str(tmp_path / "b.db")], env={
        "FRONTDESK_DATABASE_URL": f"sqlite:///{tmp_path / 'live.db'}"})
    again = CliRunner().invoke(main, ["backup", str(tmp_path / "b.db")], env={
        "FRONTDESK_DATABASE_URL": f"sqlite:///{tmp_path / 'live.db'}"})
    assert fine.exit_code == 0 and again.exit_code == 0  # an older backup is replaced


@pytest.mark.parametrize(("text", "gone"), [
    ("guy named kowalczyk from apt 4b on willowbrook, her card ends 7781", ["4b", "7781"]),
    ("patron at 14 maple, card ending 20417, wants holds", ["14 maple", "20417"]),
])
def test_partial_cards_units_and_house_numbers_are_redacted(text: str, gone: list[str]) -> None:
    from bot.privacy.redact import redact

    said = redact(text)
    for identifier in gone:
        assert identifier not in said, said


@pytest.mark.parametrize("text", ["back in 5 days", "cop came at 3 pm", "who was on pc #3",
                                  "mom wants books from 2 weeks ago"])
def test_times_and_counts_are_not_taken_for_addresses(text: str) -> None:
    from bot.privacy.redact import redact

    assert redact(text) == text
