"""Policy drift: a changed cited clause fails `frontdesk check` naming every flow and outcome
that relies on it, until `frontdesk approve LIBRARY`; overdue reviews warn."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.check import run_checks
from bot.cli import main
from bot.content.catalogue import Catalogue
from bot.content.packs import load_pack
from bot.review import ownership
from bot.review.drift import LOCK_NAME, drift, read_lock
from tests.conftest import ROOT


def _drift_errors(root: Path) -> list[str]:
    return [str(p) for p in run_checks(root).errors if "policy drift" in p.message]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path} no longer contains {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_every_real_pack_is_locked_and_matches_its_lock(catalogue: Catalogue) -> None:
    for library, pack in catalogue.packs.items():
        assert (pack.path.parent / LOCK_NAME).is_file(), f"{library} has no {LOCK_NAME}"
        assert drift(pack).clean, f"{library}'s policy changed since it was approved"


def test_fixture_edit_fails_check_naming_flow_and_outcome(content_copy: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["approve", "testville", "--content", str(content_copy)])
    assert result.exit_code == 0, result.output
    assert read_lock(content_copy / "knowledge" / "testville" / LOCK_NAME)
    assert _drift_errors(content_copy) == []

    # The board rewrites the parent rule (clause 3, cited through fact parent_access).
    _edit(
        content_copy / "knowledge" / "testville" / "policy.txt",
        "a minor's fines and fees.",
        "a minor's fines, fees and holds.",
    )
    errors = _drift_errors(content_copy)
    assert errors, "a changed cited clause must fail the check"
    assert any("desk-request" in e and "outcome fines-only" in e for e in errors), errors
    assert any("branch parent-rule" in e for e in errors), errors
    assert all("clause 3" in e for e in errors)
    check = runner.invoke(main, ["check", str(content_copy)])
    assert check.exit_code == 1
    assert "desk-request" in check.output and "frontdesk approve testville" in check.output

    approved = runner.invoke(main, ["approve", "testville", "--content", str(content_copy)])
    assert approved.exit_code == 0
    assert "changed: 3" in approved.output and "desk-request" in approved.output
    assert _drift_errors(content_copy) == []


def test_real_pack_copy_edit_names_law_enforcement_flow(tmp_path: Path) -> None:
    """Mahomet changes its emergency clause: every flow and outcome relying on it is named."""
    root = tmp_path / "content"
    shutil.copytree(ROOT / "knowledge", root / "knowledge")
    shutil.copytree(ROOT / "flows", root / "flows")
    assert _drift_errors(root) == []
    _edit(
        root / "knowledge" / "mahomet" / "policy.txt",
        "has probable cause to believe",
        "reasonably believes",
    )
    errors = _drift_errors(root)
    assert any(
        "law-enforcement-request" in e and "[mahomet]" in e and "V-A.5" in e for e in errors
    ), errors
    assert any("outcome emergency" in e for e in errors), errors
    # Other libraries are untouched.
    assert not any("[mount-prospect]" in e for e in errors)


def test_missing_lock_is_a_warning_not_an_error(content_copy: Path) -> None:
    report = run_checks(content_copy)
    assert report.errors == []
    assert any(LOCK_NAME in p.message for p in report.warnings)


def test_unused_changed_clause_only_warns(content_copy: Path) -> None:
    pack_folder = content_copy / "knowledge" / "testville"
    CliRunner().invoke(main, ["approve", "testville", "--content", str(content_copy)])
    lock = pack_folder / LOCK_NAME
    lock.write_text(lock.read_text() + "gone 0000000000000000\n")
    report = run_checks(content_copy)
    assert report.errors == []
    assert any("clause gone is locked" in p.message for p in report.warnings)
    assert drift(load_pack(pack_folder)).removed == ["gone"]


def test_overdue_review_warns(content_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    flow = content_copy / "flows" / "desk-request.yaml"
    text = flow.read_text()
    header = 'owner: privacy-in-charge\nlast_reviewed: "2025-01-01"\nreview_every_days: 180\n'
    flow.write_text(text.replace("triggers:", header + "triggers:", 1))
    monkeypatch.setattr(ownership, "today", lambda: date(2025, 5, 1))
    assert not [p for p in run_checks(content_copy).warnings if "review" in p.message]
    monkeypatch.setattr(ownership, "today", lambda: date(2025, 7, 1))
    report = run_checks(content_copy)
    overdue = [p for p in report.warnings if "review overdue" in p.message]
    assert len(overdue) == 1 and "2025-06-30" in overdue[0].message
    assert report.errors == []


def test_real_flows_have_owners_and_outcomes_show_review_date(catalogue: Catalogue) -> None:
    from bot.engine import start, step

    for flow in catalogue.flows.values():
        assert flow.owner and flow.last_reviewed and flow.review_every_days, flow.id
    view = start(catalogue, "mount-prospect", "law-enforcement-request")
    view = step(catalogue, view.conversation, "not-sure")
    assert view.outcome is not None
    assert view.outcome.reviewed == catalogue.flows["law-enforcement-request"].last_reviewed
