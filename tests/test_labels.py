"""Plain decision labels: defined once, the library's own titles, shown in `run --json`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from bot.cli import main
from bot.content.catalogue import Catalogue, resolve_outcome
from bot.content.labels import DEFAULT_LABEL, LABELS
from bot.content.schema import schema
from tests.conftest import ROOT


def run_json(library: str, flow: str, *answers: str) -> dict:
    args = ["run", "--json", "--library", library, "--flow", flow, "--content", str(ROOT)]
    for answer in answers:
        args += ["--say", answer]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_the_schema_names_exactly_the_labels_defined_in_code() -> None:
    outcome = schema("flow")["$defs"]["outcome"]["properties"]
    assert set(outcome["label"]["enum"]) == set(LABELS)
    assert set(DEFAULT_LABEL) == set(outcome["decision"]["enum"])


def test_a_live_search_warrant_says_dont_obstruct_with_the_librarys_title() -> None:
    data = run_json("jackson-county", "law-enforcement-request", "search-warrant")
    assert data["outcome"]["decision"] == "comply"
    assert data["outcome"]["decision_label"] == "Don't obstruct — the Library Director handles it"
    # A policy silent on warrants: still not "REFER" in the clerk's words.
    data = run_json("westmont", "law-enforcement-request", "search-warrant")
    assert data["outcome"]["decision_label"].startswith("Don't obstruct — the Library Director")


def test_a_subpoena_where_the_clerk_hands_over_nothing_is_not_labelled_comply() -> None:
    accepted = run_json("calumet", "law-enforcement-request", "subpoena")["outcome"]
    assert accepted["decision"] == "comply"
    assert accepted["decision_label"] == (
        "Hand over nothing yourself — the library administrator handles it")
    refused = run_json("mount-prospect", "law-enforcement-request", "subpoena")["outcome"]
    assert refused["decision_label"] == "Share nothing"


def test_share_only_names_what_may_be_shared() -> None:
    data = run_json("mount-prospect", "public-records-request", "statistics", "broad")
    assert data["outcome"]["decision_label"] == (
        "Share only figures that identify no one, via the Executive Director")


def test_every_outcome_uses_only_titles_the_library_names(catalogue: Catalogue) -> None:
    """Label, headline, do, never, say: never "privacy in-charge" (or a bare "the director")
    where the library's policy names someone else."""
    for library, pack in catalogue.packs.items():
        titles = " ".join(t for role in pack.roles.values() for t in role.titles).lower()
        for flow in catalogue.flows_for(library).values():
            for node in flow.outcomes():
                outcome = resolve_outcome(pack, flow, node)
                assert "{" not in outcome.decision_label, (library, flow.id, node.id)
                text = " ".join((outcome.headline, outcome.decision_label, outcome.say,
                                 *outcome.do, *outcome.never))
                where = (library, flow.id, node.id)
                if "privacy in-charge" not in titles:
                    assert "privacy in-charge" not in text.lower(), where
                assert "the director " not in text and "the director." not in text, where


def test_a_library_that_overrides_the_decision_gets_that_decisions_label(tmp_path: Path) -> None:
    root = tmp_path / "content"
    shutil.copytree(ROOT / "flows", root / "flows")
    shutil.copytree(ROOT / "knowledge", root / "knowledge")
    pack = root / "knowledge" / "westmont" / "pack.yaml"
    pack.write_text(pack.read_text() + "\noverrides:\n  public-records-request/"
                    "statistics-publishable: {decision: withhold}\n")
    catalogue = Catalogue.load(root)
    flow = catalogue.flow("westmont", "public-records-request")
    node = flow.nodes["statistics-publishable"]
    outcome = resolve_outcome(catalogue.pack("westmont"), flow, node)
    assert (outcome.decision, outcome.decision_label) == ("withhold", "Share nothing")


def test_an_outcome_that_pages_never_tells_staff_to_page(catalogue: Catalogue) -> None:
    """The bot pages when the outcome names a role: its steps say who is being paged, never
    "Page the Director now" (read after the page went out, it reads as a second page)."""
    for library, pack in catalogue.packs.items():
        for flow in catalogue.flows_for(library).values():
            for node in flow.outcomes():
                outcome = resolve_outcome(pack, flow, node)
                if not outcome.escalate.pages:
                    continue
                pic = pack.roles["privacy-in-charge"].display
                for step in outcome.do:
                    assert not step.startswith(("Page the", "Get the", f"Call the {pic}")), (
                        library, flow.id, node.id, step)
