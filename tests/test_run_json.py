"""`frontdesk run --json`: asked, pages and the course corrections of the scripted face."""

from __future__ import annotations

import json
from typing import Any

from click.testing import CliRunner

from bot.cli import main
from bot.content.catalogue import Catalogue
from tests.conftest import ROOT
from tests.terminal_support import chat

PARENT = "parent-requests-child-records"
POLICE = "law-enforcement-request"


def run(*args: str) -> dict[str, Any]:
    result = CliRunner().invoke(main, ["run", "--json", "--content", str(ROOT), *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def says(*lines: str) -> list[str]:
    return [part for line in lines for part in ("--say", line)]


def test_keeps_every_field_and_adds_asked_pages_and_the_decision_label() -> None:
    data = run("--library", "jackson-county", "--flow", PARENT, *says("yes", "fines", "no"))
    for field in ("library", "flow", "status", "question", "outcome", "transcript"):
        assert field in data
    assert data["asked"] == ["minor", "want", "card"]
    assert data["pages"] == []  # need-card names nobody: no page
    assert data["outcome"]["id"] == "need-card"
    assert data["outcome"]["decision_label"] == "Share nothing"


def test_a_question_that_changes_nothing_here_is_not_in_asked() -> None:
    data = run("--library", "mount-prospect", "--flow", PARENT, *says("yes", "fines"))
    assert data["asked"] == ["minor", "want"] and data["status"] == "done"


def test_an_outcome_that_names_someone_raises_one_page() -> None:
    data = run("--library", "mount-prospect", "--flow", PARENT, *says("yes", "computer"))
    [page] = data["pages"]
    assert page["action"] == "raised" and page["roles"] == ["privacy-in-charge"]
    assert page["urgency"] == "prompt" and page["escalation"]


def test_not_sure_pages_no_one_where_the_cautious_outcome_names_no_one() -> None:
    data = run("--library", "jackson-county", "--flow", PARENT, *says("yes", "fines", "not-sure"))
    assert data["outcome"]["id"] == "need-card" and data["pages"] == []
    assert data["find_out"] == "Ask to see the child's library card or card number."


def test_back_after_an_outcome_then_another_outcome_withdraws_the_page() -> None:
    data = run("--library", "mount-prospect", "--flow", PARENT,
               *says("yes", "computer", "back", "fines"))
    assert [p["action"] for p in data["pages"]] == ["raised", "withdrawn"]
    assert data["pages"][0]["escalation"] == data["pages"][1]["escalation"]
    assert data["asked"] == ["minor", "want", "want"]  # asked again after "back"


def test_start_over_after_an_outcome_to_another_paging_outcome_updates_the_page() -> None:
    data = run("--library", "mount-prospect", "--flow", PARENT,
               *says("yes", "computer", "start over", "yes", "whereabouts", "yes"))
    assert [p["action"] for p in data["pages"]] == ["raised", "updated"]
    assert data["pages"][1]["urgency"] == "immediate"
    assert data["outcome"]["id"] == "child-missing"


def test_change_an_earlier_answer_at_a_question_and_after_an_outcome() -> None:
    at_question = run("--library", "jackson-county", "--flow", PARENT,
                      *says("yes", "fines", "change want holds", "presented"))
    assert at_question["outcome"]["id"] == "child-other-records-refer"
    after = run("--library", "jackson-county", "--flow", PARENT,
                *says("yes", "fines", "presented", "change card no"))
    assert after["outcome"]["id"] == "need-card"
    assert after["pages"] == []


def test_something_else_goes_back_to_routing_keeps_the_opening_facts_and_pages_nothing() -> None:
    data = run("--library", "mount-prospect",
               *says("cop at the desk with a search warrant", "something else", POLICE))
    assert data["flow"] == POLICE
    assert {"question": "document", "choice": "search-warrant"} in [
        {"question": p["question"], "choice": p["choice"]} for p in data.get("prefilled", [])]
    # the warrant outcome pages once for the case; the switch itself paged nothing
    assert [p["action"] for p in data["pages"]] == ["raised"]


def test_something_else_at_a_question_pages_nothing() -> None:
    data = run("--library", "mount-prospect", "--flow", PARENT, *says("yes", "something else"))
    assert data["status"] == "routing" and data["pages"] == []


AMBIGUOUS = "guy wants info on a patron, has a subpoena"


def test_a_did_you_mean_pick_keeps_the_opening_facts_in_the_script() -> None:
    routed = run("--library", "mount-prospect", *says(AMBIGUOUS))
    assert routed["status"] == "routing" and routed["routing"]["band"] == "ambiguous"
    picked = run("--library", "mount-prospect", *says(AMBIGUOUS, "legal-document-served"))
    assert picked["flow"] == "legal-document-served"
    assert [(p["question"], p["choice"]) for p in picked["prefilled"]] == [
        ("document", "subpoena")]
    assert picked["asked"] == ["gag"]  # the paper was stated, so it is not asked


def test_a_did_you_mean_pick_keeps_the_opening_facts_in_the_terminal() -> None:
    catalogue = Catalogue.load(ROOT)
    offered = "\n".join(chat(catalogue, "mount-prospect", [AMBIGUOUS]))
    menu = offered[offered.index("Did you mean:"):].splitlines()
    [number] = [line.split(".")[0].strip() for line in menu
                if line.endswith("Legal papers served on the library")]
    said = "\n".join(chat(catalogue, "mount-prospect", [AMBIGUOUS, number]))
    assert "I understood: What kind of paper is it? → A subpoena" in said


def test_back_and_start_over_at_a_question() -> None:
    data = run("--library", "mount-prospect", "--flow", PARENT,
               *says("yes", "back", "no"))
    assert data["outcome"]["id"] == "adult-child" and data["asked"] == ["minor", "want", "minor"]
    data = run("--library", "mount-prospect", "--flow", PARENT,
               *says("yes", "start over", "no"))
    assert data["outcome"]["id"] == "adult-child" and data["pages"] == []
