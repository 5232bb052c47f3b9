"""`frontdesk compare`: one column per library per distinct path, differences highlighted."""

from __future__ import annotations

import json
from html.parser import HTMLParser

from click.testing import CliRunner

from bot.check.paths import enumerate_paths
from bot.cli import main
from bot.content.catalogue import Catalogue
from bot.review.compare import compare, describe, to_text

PARENTS = "parent-requests-child-records"


def _row(comparison, **answers):  # type: ignore[no-untyped-def]
    wanted = set(answers.items())
    rows = [r for r in comparison.rows if wanted <= set(r.steps)]
    assert rows, f"no row with {answers}"
    return rows


def test_parents_known_differences(catalogue: Catalogue) -> None:
    comparison = compare(catalogue, PARENTS)
    # A parent holding the child's card asks what is checked out. Jackson County asks who they
    # are (parents, guardians or caretakers), Calumet whether the card itself is in their hand.
    (row,) = _row(comparison, want="items-out", card="presented", relationship="parent-or-guardian")
    decisions = {lib: cell.decision for lib, cell in row.cells.items()}
    assert decisions == {
        "mount-prospect": "withhold",
        "westmont": "withhold",
        "mahomet": "withhold",  # fines and fees only
        "jackson-county": "disclose-limited",  # with the child's card
        "calumet": "depends",  # on the card itself being presented
    }
    assert row.differs and row.odd("jackson-county")
    assert "fines and fees only" in row.cells["mahomet"].headline
    assert row.description.startswith("The child is under 18")
    assert "card" in row.description and "checked out" in row.description
    # Calumet asks one card question (the card itself, only its number, or neither).
    (row,) = _row(comparison, minor="yes", want="items-out", **{"card-itself": "yes"})
    assert row.cells["calumet"].decision == "disclose-limited"  # current items on the card
    assert "checked out on it right now" in row.cells["calumet"].headline
    assert row.cells["jackson-county"].decision == "depends"  # on who is asking
    # An adult's own card itself opens the same at Calumet, to anyone holding it (.1).
    (row,) = _row(comparison, minor="no", want="items-out", **{"card-itself": "yes"})
    assert row.cells["calumet"].outcome == "card-current-items"
    (row,) = _row(comparison, want="items-out", card="presented", relationship="someone-else")
    assert row.cells["jackson-county"].decision == "withhold"

    # Fines: only Mahomet (fines and fees) and Jackson County (with the card) tell the parent.
    rows = _row(comparison, want="fines", card="presented", relationship="parent-or-guardian")
    for row in rows:
        assert row.cells["mahomet"].outcome == "fines-to-parent"
        assert row.cells["jackson-county"].decision == "disclose-limited"
        assert row.cells["mount-prospect"].decision == "withhold"
    # Only the number, not the card itself: Calumet withholds (Jackson County takes the number).
    (row,) = _row(comparison, minor="yes", want="items-out", **{"card-itself": "number-only"})
    assert row.cells["calumet"].decision == "withhold"


def test_every_library_path_is_represented(catalogue: Catalogue) -> None:
    """Each library's every (non Not-sure) path ends where that library's column says."""
    comparison = compare(catalogue, PARENTS, not_sure=True)
    for library, pack in catalogue.packs.items():
        flow = catalogue.flow(library, PARENTS)
        for path in enumerate_paths(pack, flow):
            matches = [r for r in comparison.rows if set(path.steps) <= set(r.steps)]
            assert matches, (library, path.describe())
            assert all(r.cells[library].outcome == path.outcome for r in matches)


def test_same_everywhere_rows_are_not_flagged(catalogue: Catalogue) -> None:
    comparison = compare(catalogue, PARENTS)
    (row,) = _row(comparison, minor="yes", want="computer")
    assert not row.differs and not any(row.odd(lib) for lib in row.cells)
    assert comparison.omitted_not_sure > 0
    text = to_text(comparison)
    assert "≠ 1." in text and "* calumet" in text


def test_descriptions_are_plain_words(catalogue: Catalogue) -> None:
    flow = catalogue.flows["law-enforcement-request"]
    said = describe(flow, (("document", "none"), ("emergency", "yes")))
    assert said == "Nothing in writing · they say it's an emergency"


class _Cells(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.odd = 0
        self.rows = 0

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        classes = dict(attrs).get("class") or ""
        self.odd += tag == "td" and "odd" in classes.split()
        self.rows += tag == "tr" and "differs" in classes.split()


def test_cli_formats(catalogue: Catalogue) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["compare", PARENTS, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [lib["id"] for lib in data["libraries"]] == sorted(catalogue.packs)
    assert any(r["differs"] for r in data["rows"])

    html = runner.invoke(main, ["compare", PARENTS, "--format", "html"]).output
    assert html.startswith("<!doctype html>") and "Jackson County Library District" in html
    parser = _Cells()
    parser.feed(html)
    assert parser.rows >= 3 and parser.odd >= 3
    assert "Don&#39;t share it" in html  # headlines are escaped data

    text = runner.invoke(main, ["compare", PARENTS]).output
    assert "distinct paths" in text
    markdown = runner.invoke(main, ["compare", PARENTS, "--format", "markdown"]).output
    assert markdown.startswith("| | Path |")
    assert runner.invoke(main, ["compare", "no-such-situation"]).exit_code == 2


def test_every_situation_compares_and_keeps_every_path(catalogue: Catalogue) -> None:
    for situation in sorted(catalogue.flows):
        comparison = compare(catalogue, situation, not_sure=True)
        assert comparison.rows, situation
        for library, pack in catalogue.packs.items():
            for path in enumerate_paths(pack, catalogue.flow(library, situation)):
                rows = [r for r in comparison.rows if set(path.steps) <= set(r.steps)]
                assert rows and all(r.cells[library].outcome == path.outcome for r in rows), (
                    situation, library, path.describe())
