"""Flow diagrams as SVG in pure Python: no `dot` program, so a plain `pip install` draws them.

A small layered layout (the Sugiyama idea, kept simple): each node's layer is its longest
distance from the start, nodes in a layer are ordered by the mean position of their parents,
and edges are curves from the bottom of one box to the top of the next, labelled at their
middle. The same ``Graph`` the Graphviz and Mermaid renderers use, with the same colours: a
library's dimmed branches stay dimmed, outcomes that page someone carry a red double border.
The SVG is accessible: ``role="img"``, a ``<title>`` and a ``<desc>`` that says in words what
the picture shows (screen readers and the review site's alt text use it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from bot.review.diagram import DECISION_COLOURS, DIM, Graph, Node, wrap

FONT = 11  # px
LINE = 14  # px per text line
CHAR = 6.4  # px per character, a conservative average for sans-serif at FONT
PAD = 10
GAP_X = 28
GAP_Y = 74
LABEL_WRAP = 22


@dataclass
class Box:
    node: Node
    x: float = 0.0
    y: float = 0.0
    width: float = 0.0
    height: float = 0.0

    @property
    def lines(self) -> tuple[str, ...]:
        return self.node.lines + (wrap(self.node.pages) if self.node.pages else ())


def _layers(graph: Graph) -> list[list[str]]:
    children: dict[str, list[str]] = defaultdict(list)
    for edge in graph.edges:
        if edge.target not in children[edge.source]:
            children[edge.source].append(edge.target)
    depth = {graph.flow.start: 0}
    order = [graph.flow.start]
    # Longest-path layering over the DAG (a node moves down below its deepest parent).
    for _ in range(len(graph.nodes)):
        changed = False
        for source in list(depth):
            for target in children[source]:
                if depth.get(target, -1) < depth[source] + 1:
                    depth[target] = depth[source] + 1
                    changed = True
                    if target not in order:
                        order.append(target)
        if not changed:
            break
    for node in graph.nodes:  # anything unreachable still gets drawn, at the top
        depth.setdefault(node.id, 0)
    layers: list[list[str]] = [[] for _ in range(max(depth.values()) + 1)]
    for node in graph.nodes:
        layers[depth[node.id]].append(node.id)
    parents: dict[str, list[str]] = defaultdict(list)
    for edge in graph.edges:
        parents[edge.target].append(edge.source)
    position = {node_id: index for layer in layers for index, node_id in enumerate(layer)}
    for layer in layers[1:]:  # order by the parents' mean position (fewer crossings)
        layer.sort(key=lambda n: sum(position[p] for p in parents[n]) / max(len(parents[n]), 1))
        for index, node_id in enumerate(layer):
            position[node_id] = index
    return layers


def layout(graph: Graph) -> tuple[dict[str, Box], float, float]:
    boxes = {node.id: Box(node) for node in graph.nodes}
    for box in boxes.values():
        longest = max(len(line) for line in box.lines)
        box.width = max(90.0, longest * CHAR + 2 * PAD)
        box.height = len(box.lines) * LINE + 2 * PAD - 4
    layers = _layers(graph)
    widths = [sum(boxes[n].width for n in layer) + GAP_X * (len(layer) - 1) for layer in layers]
    total_width = max(widths + [360.0]) + 2 * GAP_X
    y = 56.0  # below the title
    for layer, width in zip(layers, widths, strict=True):
        x = (total_width - width) / 2
        tallest = max(boxes[n].height for n in layer)
        for node_id in layer:
            box = boxes[node_id]
            box.x, box.y = x, y + (tallest - box.height) / 2
            x += box.width + GAP_X
        y += tallest + GAP_Y
    return boxes, total_width, y - GAP_Y + 30


def describe(graph: Graph) -> str:
    """The picture in words, for screen readers and alt text."""
    questions = [n for n in graph.nodes if n.kind == "question" and n.live]
    outcomes = [n for n in graph.nodes if n.kind == "outcome" and n.live]
    paging = [n for n in outcomes if n.pages]
    dimmed = sum(1 for n in graph.nodes if not n.live)
    words = (f"Flow diagram: {graph.title}. {len(questions)} questions lead to "
             f"{len(outcomes)} outcomes")
    words += f", {len(paging)} of which page someone." if paging else "."
    if dimmed:
        words += f" {dimmed} steps this library's policy rules out are greyed."
    return words


def render_svg(graph: Graph, *, link: Callable[[Node], str | None] | None = None) -> str:
    """The diagram as an SVG document (UTF-8 text); ``link`` may make a node a hyperlink."""
    boxes, width, height = layout(graph)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" aria-labelledby="t d" '
        f'font-family="Helvetica, Arial, sans-serif" font-size="{FONT}">',
        f'<title id="t">{escape(graph.title)}</title>',
        f'<desc id="d">{escape(describe(graph))}</desc>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" '
        'fill="#555"/></marker></defs>',
        f'<text x="{width / 2:.0f}" y="30" text-anchor="middle" font-size="16" '
        f'font-weight="bold">{escape(graph.title)}</text>',
    ]
    for edge in graph.edges:
        out.append(_edge(boxes[edge.source], boxes[edge.target], edge.label, edge.live,
                         edge.not_sure))
    for box in boxes.values():
        out.append(_box(box, link(box.node) if link else None))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _edge(source: Box, target: Box, label: str, live: bool, not_sure: bool) -> str:
    x1, y1 = source.x + source.width / 2, source.y + source.height
    x2, y2 = target.x + target.width / 2, target.y
    if y2 <= y1:  # a loop back up: leave from the side
        x1, y1 = source.x + source.width, source.y + source.height / 2
    mid = (y1 + y2) / 2
    colour = "#555" if live else DIM
    dash = ' stroke-dasharray="5 4"' if not_sure or not live else ""
    path = (f'<path d="M {x1:.1f} {y1:.1f} C {x1:.1f} {mid:.1f}, {x2:.1f} {mid:.1f}, '
            f'{x2:.1f} {y2 - 2:.1f}" fill="none" stroke="{colour}" stroke-width="1.3"{dash} '
            f'marker-end="url(#arrow)"/>')
    lines = wrap(label, LABEL_WRAP)
    lx, ly = (x1 + x2) / 2, mid - (len(lines) - 1) * 6
    text_colour = "#333" if live else "#aaa"
    spans = "".join(f'<tspan x="{lx:.1f}" dy="{0 if i == 0 else 12}">{escape(line)}</tspan>'
                    for i, line in enumerate(lines))
    return (f'<g class="edge{"" if live else " dim"}">{path}<text x="{lx:.1f}" y="{ly:.1f}" '
            f'text-anchor="middle" font-size="9.5" fill="{text_colour}" stroke="#fff" '
            f'stroke-width="3" paint-order="stroke">{spans}</text></g>')


def _box(box: Box, href: str | None) -> str:
    node = box.node
    fill, stroke, text_colour, extra = "#ffffff", "#444", "#111", ""
    if node.kind == "branch":
        fill = "#eeeeee"
    elif node.kind == "outcome":
        fill = DECISION_COLOURS.get(node.decision or "", "#ffffff")
        if node.pages:
            stroke, extra = "#b00020", ' stroke-width="3"'
    if not node.live:
        fill, stroke, text_colour, extra = "#f7f7f7", DIM, "#a0a0a0", ' stroke-dasharray="4 3"'
    radius = 10 if node.kind == "question" else 3
    shape = (f'<rect x="{box.x:.1f}" y="{box.y:.1f}" width="{box.width:.1f}" '
             f'height="{box.height:.1f}" rx="{radius}" fill="{fill}" stroke="{stroke}"{extra}/>')
    if node.pages and node.live:  # the double border that marks a page
        shape += (f'<rect x="{box.x - 4:.1f}" y="{box.y - 4:.1f}" width="{box.width + 8:.1f}" '
                  f'height="{box.height + 8:.1f}" rx="5" fill="none" stroke="#b00020"/>')
    spans = []
    for index, line in enumerate(box.lines):
        weight = ' font-weight="bold"' if index == 0 and node.kind == "outcome" else ""
        spans.append(f'<text x="{box.x + box.width / 2:.1f}" '
                     f'y="{box.y + PAD + 9 + index * LINE:.1f}" text-anchor="middle" '
                     f'fill="{text_colour}"{weight}>{escape(line)}</text>')
    dim = "" if node.live else " dim"
    group = (f'<g class="node {node.kind}{dim}" id="node-{escape(node.id)}">'
             f'{shape}{"".join(spans)}</g>')
    if href:
        group = f'<a href="{escape(href)}">{group}</a>'
    return group
