"""`frontdesk check`: each check fires on one broken fixture, at the right file and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.check import run_checks
from bot.cli import main
from tests.conftest import FIXTURE_CONTENT, ROOT

FLOW = "flows/desk-request.yaml"
PACK = "knowledge/testville/pack.yaml"


def break_file(root: Path, relative: str, old: str, new: str) -> Path:
    path = root / relative
    text = path.read_text()
    assert old in text, f"fixture no longer contains {old!r}"
    path.write_text(text.replace(old, new, 1))
    return path


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def test_fixture_content_is_clean() -> None:
    report = run_checks(FIXTURE_CONTENT)
    assert report.errors == []
    assert report.paths == 5


def test_repository_content_is_clean() -> None:
    """The shipped packs and flows pass every check (the suite runs `frontdesk check`)."""
    result = CliRunner().invoke(main, ["check", str(ROOT)])
    assert result.exit_code == 0, result.output


# (file, old text, new text, line marker (text on the expected line), expected message part)
BROKEN = {
    "invalid-yaml": (
        FLOW,
        "  who:\n    ask: Who is asking?",
        "  who:\n    ask: [Who is asking?",
        "ask: [Who is asking?",
        "invalid YAML",
    ),
    "schema": (
        FLOW,
        "decision: disclose-limited",
        "decision: maybe",
        "decision: maybe",
        "'maybe' is not one of",
    ),
    "unknown-next": (
        FLOW,
        "next: document",
        "next: documents  # here",
        "# here",
        "next 'documents' is not a node of this flow",
    ),
    "unreachable": (
        FLOW,
        "        next: fines-only",
        "        next: withhold",
        "  fines-only:",
        "node fines-only is unreachable",
    ),
    "cycle": (
        FLOW,
        "      - id: nothing\n        label: Nothing\n        next: withhold",
        "      - id: nothing\n        label: Nothing\n        next: who  # here",
        "# here",
        "cycle: node document leads back to who",
    ),
    "no-outcome-end": (
        FLOW,
        "      - otherwise: withhold",
        '      - when: "false"\n        next: withhold',
        "  parent-rule:",
        "a path can end without an outcome",
    ),
    "no-not-sure": (
        FLOW,
        "      - id: not-sure\n        label: Not sure\n        next: unsure\n  document:",
        "  document:",
        "  who:",
        "question who has no 'not-sure' choice",
    ),
    "not-sure-unsafe": (
        FLOW,
        "      - id: not-sure\n        label: Not sure\n        next: unsure\n        pages: true",
        "      - id: not-sure\n        label: Not sure\n"
        "        next: comply  # here\n        pages: true",
        "# here",
        "must withhold or refer and page",
    ),
    "no-citation": (
        FLOW,
        "      cite: [parent_access]\n",
        "",
        "  fines-only:",
        "outcome fines-only cites nothing",
    ),
    "missing-clause": (
        FLOW,
        "      cite: [parent_access]",
        '      cite_clauses: ["9"]',
        "  fines-only:",
        "cites clause '9' missing from pack testville",
    ),
    "missing-fact": (
        FLOW,
        "facts.parent_access == 'fines-and-fees'",
        "facts.parent_rule == 'x'",
        "facts.parent_rule",
        "fact 'parent_rule' is used here but missing from pack testville",
    ),
    "fact-missing-clause": (
        PACK,
        '    cite: ["3"]\n  court_order',
        '    cite: ["7"]\n  court_order',
        "  parent_access:",
        "fact parent_access cites missing clause '7'",
    ),
    "clause-not-verbatim": (
        PACK,
        'from: "3. A parent may learn"',
        'from: "3. A parent can learn"',
        '  "3":',
        "'from' text not found verbatim",
    ),
    "safety-rule": (
        FLOW,
        "- id: nothing\n        label: Nothing\n        next: withhold",
        "- id: nothing\n        label: Nothing\n        next: comply",
        "  comply:",
        "safety rule no-disclosure-without-order broken for testville",
    ),
    "no-topic": (
        FLOW,
        "topic: [records-request]\n",
        "",
        "id: desk-request",
        "'topic' is a required property",
    ),
    "unknown-topic": (
        FLOW,
        "topic: [records-request]",
        "topic: [records-requests]",
        "topic: [records-requests]",
        "unknown topic 'records-requests'",
    ),
    "unknown-choice-topic": (
        FLOW,
        "        label: A police officer\n",
        "        label: A police officer\n        topic: [polise]\n",
        "- id: officer",
        "unknown topic 'polise'",
    ),
    "safety-rule-unknown-topic": (
        "knowledge/safety.yaml",
        "topics: [records-request]",
        "topics: [records]",
        "topics: [records]",
        "rule no-disclosure-without-order: unknown topic 'records'",
    ),
    # Conditions before release: the fixture's clause 3 lets a parent learn fines and fees.
    "release-unknown-condition": (
        PACK,
        "who: parent-asking",
        "who: parent-askin",
        "who: parent-askin",
        "clause 3: unknown release condition 'parent-askin'",
    ),
    "release-way-without-conditions": (
        PACK,
        "needs: [court-order]",
        "needs: []",
        "needs: []",
        "a release way with no conditions",
    ),
    "release-condition-left-out": (
        PACK,
        "needs: [court-order]",
        "needs: [parent-asking]",
        '  "2":',
        "clause 2 says 'court order' but none of its release ways names court-order",
    ),
    "strong-phrase": (
        FLOW,
        "        synonyms: [cop]\n",
        "        synonyms: [cop]\n        critical: true\n        strong: [cops, badge]\n",
        "- id: officer",
        "strong phrase 'badge' is not one of the choice's synonyms",
    ),
    "id-mismatch": (
        FLOW,
        "id: desk-request",
        "id: desk-requests",
        "id: desk-requests",
        "must match file name",
    ),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_each_check_names_file_and_line(name: str, content_copy: Path) -> None:
    relative, old, new, marker, message = BROKEN[name]
    path = break_file(content_copy, relative, old, new)
    report = run_checks(content_copy)
    expected_line = line_of(path, marker)
    matching = [p for p in report.errors if message in p.message]
    assert matching, f"no error containing {message!r}; got: {[str(p) for p in report.problems]}"
    assert any(Path(p.path) == path and p.line == expected_line for p in matching), (
        f"expected {path}:{expected_line}; got {[str(p) for p in matching]}"
    )


def test_strong_phrases_that_are_the_choice_s_own_words_pass(content_copy: Path) -> None:
    """A strong phrase is checked against the choice's id, label and synonyms as the router
    normalises them ("Cops" is "cop"), on a choice that has strong phrases."""
    break_file(content_copy, FLOW, "        synonyms: [cop]\n",
               "        synonyms: [cop]\n        critical: true\n"
               "        strong: [Cops, officer, police officers]\n")
    assert [p for p in run_checks(content_copy).problems if "strong" in p.message] == []


def test_cli_exits_1_with_file_line_lines(content_copy: Path) -> None:
    break_file(content_copy, FLOW, "next: document", "next: documents")
    result = CliRunner().invoke(main, ["check", str(content_copy)])
    assert result.exit_code == 1
    assert f"{content_copy / FLOW}:" in result.output
    assert "is not a node of this flow" in result.output


OVERRIDE = """overrides:
  "desk-request/withhold":
    headline: "Testville: say nothing, call the {{ pic }}"
    do: ["Ring the Director's desk."]
"""


def test_pack_override_replaces_outcome_fields_for_that_library_only(content_copy: Path) -> None:
    from bot.content.catalogue import Catalogue
    from bot.faces.script import run_script

    pack = content_copy / PACK
    pack.write_text(pack.read_text() + OVERRIDE)
    assert run_checks(content_copy).errors == []
    view = run_script(Catalogue.load(content_copy), "testville", "desk-request",
                      ["officer", "nothing"]).view
    assert view is not None and view.outcome is not None
    assert view.outcome.headline == "Testville: say nothing, call the Director"
    assert view.outcome.do == ("Ring the Director's desk.",)
    assert view.outcome.decision == "withhold"  # fields not overridden are the flow's


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ('"desk-request/nowhere":\n    headline: Hello there', "flow desk-request has no outcome"),
        ('"no-such-flow/withhold":\n    headline: Hello there', "no flow 'no-such-flow'"),
        ('"desk-request/withhold":\n    decision: maybe', "'maybe' is not one of"),
    ],
)
def test_broken_overrides_are_errors_at_the_pack_line(content_copy: Path, override: str,
                                                      message: str) -> None:
    pack = content_copy / PACK
    pack.write_text(pack.read_text() + "overrides:\n  " + override + "  # here\n")
    report = run_checks(content_copy)
    expected = line_of(pack, override.splitlines()[0])
    assert any(message in p.message and Path(p.path) == pack and p.line == expected
               for p in report.errors), [str(p) for p in report.problems]


def test_a_library_only_flow_is_offered_to_that_library_and_checked(content_copy: Path) -> None:
    from bot.content.catalogue import Catalogue

    folder = content_copy / "knowledge" / "testville" / "flows"
    folder.mkdir()
    extra = (content_copy / FLOW).read_text().replace("id: desk-request", "id: branch-only")
    (folder / "branch-only.yaml").write_text(extra)
    catalogue = Catalogue.load(content_copy)
    assert "branch-only" in catalogue.flows_for("testville")
    assert "branch-only" not in catalogue.flows
    broken = extra.replace("next: document", "next: nowhere")
    (folder / "branch-only.yaml").write_text(broken)
    report = run_checks(content_copy)
    assert any("next 'nowhere' is not a node" in p.message and "branch-only.yaml" in str(p.path)
               for p in report.errors)


def test_a_folder_without_content_is_one_clear_error_not_a_traceback(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{tmp_path}: no knowledge folder here" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    missing = CliRunner().invoke(main, ["check", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2 and "does not exist" in missing.output


def test_overlap_warnings_are_cached_and_recomputed_when_a_trigger_changes(
        content_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cached overlap analysis is the one a fresh run gives, and a changed trigger (or
    line) is never answered from the cache."""
    from bot.check.overlap import _check_flows, check_overlap
    from bot.content.catalogue import Catalogue

    monkeypatch.setenv("FRONTDESK_CACHE", str(tmp_path / "cache"))
    flows = content_copy / "flows"
    text = (flows / "desk-request.yaml").read_text(encoding="utf-8")
    twin = text.replace("id: desk-request", "id: desk-twin")
    (flows / "desk-twin.yaml").write_text(twin, encoding="utf-8")
    first = check_overlap(Catalogue.load(content_copy))
    assert first  # an identical twin: every trigger is confusable
    assert len(list((tmp_path / "cache").glob("overlap-*.json"))) == 1
    assert check_overlap(Catalogue.load(content_copy)) == first  # from the cache
    # The twin's triggers reworded: the duplicates are gone, not served from the cache.
    start = twin.index("triggers:")
    end = twin.index("\n", twin.index("\n  - ", start) + 1)
    reworded = twin[:start] + "triggers:\n  - zebra crossing outside the library" + twin[end:]
    (flows / "desk-twin.yaml").write_text(reworded, encoding="utf-8")
    catalogue = Catalogue.load(content_copy)
    changed = check_overlap(catalogue)
    assert changed != first
    assert len(list((tmp_path / "cache").glob("overlap-*.json"))) == 2
    assert changed == sorted(_check_flows(list(catalogue.flows.values())),
                             key=lambda p: (str(p.path), p.line, p.message))


@pytest.mark.parametrize(("old", "new", "message"), [
    ("topics: [records-request]", "topics: [records]", "unknown topic 'records'"),
    ('require: "answers.document == \'court-order\'"', 'require: "answers.document =="',
     "rule no-disclosure-without-order: require:"),
    ("    message: records are released only on a court order\n", "",
     "'message' is a required property"),
])
def test_safety_rules_are_cached_and_an_edit_is_never_answered_from_the_cache(
        content_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old: str, new: str,
        message: str) -> None:
    """The safety rules come from the disk cache while safety.yaml is unchanged; an edit to
    it (same file, same place) is read afresh and reported, and undoing it is clean again."""
    monkeypatch.setenv("FRONTDESK_CACHE", str(tmp_path / "cache"))
    assert run_checks(content_copy).errors == []
    assert len(list((tmp_path / "cache").glob("safety-rules-*.pickle"))) == 1
    assert run_checks(content_copy).errors == []  # from the cache
    rules = content_copy / "knowledge" / "safety.yaml"
    clean = rules.read_text()
    break_file(content_copy, "knowledge/safety.yaml", old, new)
    errors = run_checks(content_copy).errors
    assert any(message in p.message and Path(p.path) == rules for p in errors), errors
    assert run_checks(content_copy).errors == errors  # the broken file's own cache entry
    rules.write_text(clean)
    assert run_checks(content_copy).errors == []


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        # The flow never asks whether the person is the parent or legal guardian: the release
        # must fail once the clause says only they may be told.
        ("who: parent-asking", "who: legal-guardian",
         "fines-only releases (disclose-limited) for testville without its conditions: clause 3 "
         "allows a release only when the person asking is the parent or legal guardian"),
        ("    release:\n      - who: parent-asking\n", "",
         "fines-only releases (disclose-limited) for testville without its conditions: cites no "
         "clause of this library's policy that allows a release"),
    ],
)
def test_a_release_without_its_clause_conditions_fails_at_the_outcome(
        content_copy: Path, old: str, new: str, message: str) -> None:
    """A condition the flow never establishes is the flow's to fix: the error is at its outcome;
    a pack that names no allowing clause is the library's to fix: the error is at pack.yaml, on
    the clause the outcome cites, and names the outcome's place."""
    break_file(content_copy, PACK, old, new)
    report = run_checks(content_copy)
    flow = content_copy / FLOW
    pack = content_copy / PACK
    where = ((pack, line_of(pack, '  "3":')) if "cites no" in message
             else (flow, line_of(flow, "  fines-only:")))
    assert any(message in p.message and (Path(p.path), p.line) == where
               for p in report.errors), ([str(p) for p in report.problems], where)
    result = CliRunner().invoke(main, ["check", str(content_copy)])
    assert result.exit_code == 1
    assert f"{where[0]}:{where[1]}: fines-only releases" in result.output
