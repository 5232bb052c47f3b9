"""`frontdesk diagram`: Mermaid text always; SVG that parses and PNG through Graphviz's dot."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.check.paths import enumerate_paths
from bot.cli import main
from bot.content.catalogue import Catalogue
from bot.review.diagram import build_graph, live_parts, neutral_text, to_mermaid

FLOW = "parent-requests-child-records"
needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None,
    reason="Graphviz's `dot` is not installed (.ci/run installs it: apt-get install graphviz)",
)


def test_mermaid_has_every_node_and_decision_colours(catalogue: Catalogue) -> None:
    flow = catalogue.flows["law-enforcement-request"]
    text = to_mermaid(build_graph(flow))
    assert text.splitlines()[3] == "flowchart TD"
    assert text.count('(["') == len(flow.outcomes())
    assert "classDef withhold" in text and "PAGES privacy-in-charge (immediate)" in text
    assert "{{" not in text and "dimmed" not in text.split("classDef dimmed")[0]


def test_library_dims_what_its_facts_rule_out(catalogue: Catalogue) -> None:
    flow = catalogue.flows[FLOW]
    mahomet = catalogue.pack("mahomet")
    graph = build_graph(flow, mahomet)
    live = {n.id for n in graph.nodes if n.live}
    reached = {p.outcome for p in enumerate_paths(mahomet, flow)}
    outcomes = {o.id for o in flow.outcomes()}
    assert live & outcomes == reached
    assert "no-parent-access" not in live  # Mahomet: parents get fines and fees
    assert "fines-to-parent" in live
    # Every live edge is on some Mahomet path; the branch arms other libraries take are dimmed.
    nodes, edges = live_parts(mahomet, flow)
    assert {(e.source, e.target) for e in graph.edges if e.live} == {(s, t) for s, t, _ in edges}
    dim = [e for e in graph.edges if not e.live]
    assert any(e.target == "no-parent-access" for e in dim)
    assert "class " in to_mermaid(graph) and "linkStyle" in to_mermaid(graph)


def test_neutral_text_names_roles_without_a_library() -> None:
    assert neutral_text("Paging the {{ pic }} now.") == "Paging the privacy in-charge now."
    assert neutral_text("Use {{ facts.emergency_form }}{% if x %}!{% endif %}") == (
        "Use <emergency form>!"
    )


def test_mermaid_escapes_quotes(catalogue: Catalogue) -> None:
    text = to_mermaid(build_graph(catalogue.flows[FLOW], catalogue.pack("calumet")))
    for line in text.splitlines():
        if line.strip().startswith("n") and '["' in line:
            inner = line.split('["', 1)[1].rsplit('"]', 1)[0]
            assert '"' not in inner


def test_svg_is_drawn_in_pure_python_and_parses(tmp_path: Path) -> None:
    """No `dot` needed: a plain pip install draws SVG (the review site's diagrams too)."""
    runner = CliRunner()
    svg = tmp_path / "parents.svg"
    result = runner.invoke(main, ["diagram", FLOW, "--library", "jackson-county", "-o", str(svg)])
    assert result.exit_code == 0, result.output
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg") and root.get("role") == "img"
    text = "".join(root.itertext())
    assert "Jackson County" in text and "DISCLOSE-LIMITED" in text
    desc = root.find("{http://www.w3.org/2000/svg}desc")
    assert desc is not None and "questions lead to" in (desc.text or "")


def test_svg_boxes_do_not_overlap(catalogue: Catalogue) -> None:
    from bot.review.svg import layout

    for flow_id in sorted(catalogue.flows):
        for library, pack in catalogue.packs.items():
            boxes, width, height = layout(build_graph(catalogue.flow(library, flow_id), pack))
            placed = list(boxes.values())
            for i, a in enumerate(placed):
                assert a.x >= 0 and a.x + a.width <= width and a.y + a.height <= height
                for b in placed[i + 1:]:
                    apart = (a.x + a.width <= b.x or b.x + b.width <= a.x
                             or a.y + a.height <= b.y or b.y + b.height <= a.y)
                    assert apart, (flow_id, library, a.node.id, b.node.id)


@needs_dot
def test_png_through_graphviz_is_a_png(tmp_path: Path) -> None:
    runner = CliRunner()
    png = tmp_path / "law.png"
    result = runner.invoke(main, ["diagram", "law-enforcement-request", "-o", str(png)])
    assert result.exit_code == 0, result.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_mermaid_to_stdout_and_unknown_names() -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["diagram", FLOW, "--library", "mahomet"])
    assert result.exit_code == 0
    assert "flowchart TD" in result.output and "Mahomet Public Library" in result.output
    assert runner.invoke(main, ["diagram", "no-such-flow"]).exit_code == 2
    assert runner.invoke(main, ["diagram", FLOW, "--library", "atlantis"]).exit_code == 2


def test_every_flow_draws_for_every_library(catalogue: Catalogue) -> None:
    for flow_id in sorted(catalogue.flows):
        assert "flowchart TD" in to_mermaid(build_graph(catalogue.flows[flow_id]))
        for library, pack in catalogue.packs.items():
            flow = catalogue.flow(library, flow_id)
            graph = build_graph(flow, pack)
            live = {n.id for n in graph.nodes if n.live and n.kind == "outcome"}
            assert live == {p.outcome for p in enumerate_paths(pack, flow)}, (flow_id, library)
