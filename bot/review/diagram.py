"""Flow diagrams: questions, choices, branches and outcomes coloured by decision.

One graph model feeds two renderers: Graphviz (SVG/PNG through the `graphviz` binding, which
runs the `dot` program) and Mermaid (text, for READMEs and wikis). Given a library, the
outcomes' text is that library's, and every branch arm and node its facts rule out is dimmed:
what stays bright is exactly the set of paths ``enumerate_paths`` finds for that library.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field

from bot.check.paths import enumerate_paths
from bot.content.catalogue import merged_outcome_spec, resolve_outcome
from bot.content.flows import NOT_SURE, Branch, Flow, Outcome, Question
from bot.content.packs import Pack
from bot.engine.walk import follow_branch

# Fill colour per decision (light, printable) and a short legend word.
DECISION_COLOURS = {
    "withhold": "#f4c7c3",
    "disclose": "#c8e6c9",
    "disclose-limited": "#fff2b3",
    "comply": "#c6dbf7",
    "report": "#e1c9ef",
    "refer": "#ffd8b0",
}
DIM = "#c8c8c8"
WRAP = 32


@dataclass(frozen=True)
class Node:
    id: str
    kind: str  # question | branch | outcome
    lines: tuple[str, ...]
    decision: str | None = None
    pages: str | None = None  # "privacy-in-charge (immediate)" when the outcome pages someone
    live: bool = True


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str
    live: bool = True
    not_sure: bool = False


@dataclass
class Graph:
    flow: Flow
    library: str | None
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)

    @property
    def title(self) -> str:
        suffix = f" — {self.library}" if self.library else ""
        return f"{self.flow.title}{suffix}"


_EXPR = re.compile(r"\{\{\s*(.*?)\s*\}\}")
_TAG = re.compile(r"\{%.*?%\}")
_NEUTRAL = {"pic": "privacy in-charge", "director": "director", "library": "the library"}


def neutral_text(template: str) -> str:
    """Outcome text with no library chosen: ``{{ pic }}`` reads "privacy in-charge"."""

    def name(match: re.Match[str]) -> str:
        expr = match.group(1)
        if expr in _NEUTRAL:
            return _NEUTRAL[expr]
        return "<" + expr.split(".")[-1].replace("_", " ") + ">"

    return " ".join(_TAG.sub("", _EXPR.sub(name, template)).split())


def wrap(text: str, width: int = WRAP) -> tuple[str, ...]:
    return tuple(textwrap.wrap(text, width)) or ("",)


def _rule_label(when: str | None) -> str:
    if when is None:
        return "otherwise"
    text = when.replace("facts.", "").replace("answers.", "answer ")
    return " ".join(text.split())


def live_parts(pack: Pack, flow: Flow) -> tuple[set[str], set[tuple[str, str, int]]]:
    """Node ids and (source, target, arm) edges on some path of ``flow`` for this library."""
    nodes: set[str] = set()
    edges: set[tuple[str, str, int]] = set()
    for path in enumerate_paths(pack, flow):
        answers = {**dict(path.skipped), **dict(path.steps)}
        node_id = flow.start
        seen: dict[str, str] = {}
        for _ in range(len(flow.nodes) + 1):
            nodes.add(node_id)
            node = flow.nodes[node_id]
            if isinstance(node, Outcome):
                break
            if isinstance(node, Branch):
                target = follow_branch(pack, node, seen)
                arm = next(i for i, r in enumerate(node.rules) if r.next == target)
            else:
                choice = node.choice(answers[node.id])
                assert choice is not None
                seen[node.id] = choice.id
                target = choice.next
                if (path.steps and node.id == path.steps[-1][0] and choice.id == NOT_SURE
                        and not choice.pages):
                    nodes.add(path.outcome)  # the engine's most cautious outcome, no edge
                    break
                arm = next(i for i, c in enumerate(node.choices) if c.id == choice.id)
            edges.add((node_id, target, arm))
            node_id = target
    return nodes, edges


def build_graph(flow: Flow, pack: Pack | None = None) -> Graph:
    graph = Graph(flow, pack.library if pack else None)
    live_nodes, live_edges = live_parts(pack, flow) if pack else (set(), set())

    def is_live(node_id: str) -> bool:
        return pack is None or node_id in live_nodes

    for node in flow.nodes.values():
        if isinstance(node, Question):
            graph.nodes.append(Node(node.id, "question", wrap(node.ask), live=is_live(node.id)))
            for arm, choice in enumerate(node.choices):
                graph.edges.append(
                    Edge(
                        node.id,
                        choice.next,
                        choice.label,
                        live=pack is None or (node.id, choice.next, arm) in live_edges,
                        not_sure=choice.id == "not-sure",
                    )
                )
        elif isinstance(node, Branch):
            graph.nodes.append(
                Node(node.id, "branch", ("policy says:",), live=is_live(node.id))
            )
            for arm, rule in enumerate(node.rules):
                graph.edges.append(
                    Edge(
                        node.id,
                        rule.next,
                        _rule_label(rule.when),
                        live=pack is None or (node.id, rule.next, arm) in live_edges,
                    )
                )
        else:
            graph.nodes.append(_outcome_node(flow, node, pack, is_live(node.id)))
    return graph


def _outcome_node(flow: Flow, outcome: Outcome, pack: Pack | None, live: bool) -> Node:
    if pack is not None and live:
        resolved = resolve_outcome(pack, flow, outcome)
        headline, decision = resolved.headline, resolved.decision
        roles, urgency = resolved.escalate.roles, resolved.escalate.urgency
    else:
        spec = merged_outcome_spec(pack, flow, outcome) if pack else outcome.spec
        headline, decision = neutral_text(spec["headline"]), spec["decision"]
        escalate = spec.get("escalate") or {}
        roles, urgency = tuple(escalate.get("roles", ())), escalate.get("urgency", "none")
    if pack is not None:  # the library's own titles, never a role id
        roles = tuple(pack.roles[r].display if r in pack.roles else r for r in roles)
    pages = f"PAGES {', '.join(roles)} ({urgency})" if roles and urgency != "none" else None
    lines = (decision.upper(), *wrap(headline))
    return Node(outcome.id, "outcome", lines, decision, pages, live)


# --- Graphviz -----------------------------------------------------------------------------


def to_graphviz(graph: Graph):  # type: ignore[no-untyped-def]
    """A ``graphviz.Digraph`` (imported here: Mermaid output needs neither binding nor dot)."""
    import graphviz

    dot = graphviz.Digraph(
        graph.flow.id,
        graph_attr={
            "rankdir": "TB",
            "label": graph.title,
            "labelloc": "t",
            "fontname": "Helvetica",
            "fontsize": "16",
        },
        node_attr={"fontname": "Helvetica", "fontsize": "10"},
        edge_attr={"fontname": "Helvetica", "fontsize": "9"},
    )
    for node in graph.nodes:
        attrs: dict[str, str] = {"label": "\n".join(node.lines), "style": "filled"}
        if node.kind == "question":
            attrs.update(shape="box", fillcolor="#ffffff", style="rounded,filled")
        elif node.kind == "branch":
            attrs.update(shape="diamond", fillcolor="#eeeeee", fontsize="8")
        else:
            colour = DECISION_COLOURS.get(node.decision or "", "#ffffff")
            attrs.update(shape="box", fillcolor=colour, style="filled")
            if node.pages:
                attrs["label"] += "\n" + node.pages
                attrs.update(penwidth="3", color="#b00020", peripheries="2")
        if not node.live:
            attrs.update(fillcolor="#f7f7f7", color=DIM, fontcolor="#a0a0a0")
            attrs["style"] = attrs["style"] + ",dashed"
        dot.node(node.id, **attrs)
    for edge in graph.edges:
        attrs = {"label": "\n".join(wrap(edge.label, 24))}
        if edge.not_sure:
            attrs["style"] = "dashed"
        if not edge.live:
            attrs.update(color=DIM, fontcolor="#b0b0b0", style="dotted")
        dot.edge(edge.source, edge.target, **attrs)
    return dot


def render_graphviz(graph: Graph, fmt: str) -> bytes:
    """SVG or PNG bytes; raises ``graphviz.ExecutableNotFound`` when `dot` is not installed."""
    return to_graphviz(graph).pipe(format=fmt)


# --- Mermaid ------------------------------------------------------------------------------


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def to_mermaid(graph: Graph) -> str:
    ids = {node.id: f"n{index}" for index, node in enumerate(graph.nodes)}
    out = ["---", f"title: {_mermaid_text(graph.title)}", "---", "flowchart TD"]
    for node in graph.nodes:
        lines = list(node.lines) + ([node.pages] if node.pages else [])
        label = "<br/>".join(_mermaid_text(line) for line in lines)
        shape = {"question": ('["', '"]'), "branch": ('{"', '"}'), "outcome": ('(["', '"])')}
        left, right = shape[node.kind]
        out.append(f"    {ids[node.id]}{left}{label}{right}")
    dimmed: list[str] = []
    for index, edge in enumerate(graph.edges):
        arrow = "-.->" if edge.not_sure or not edge.live else "-->"
        out.append(
            f'    {ids[edge.source]} {arrow}|"{_mermaid_text(edge.label)}"| {ids[edge.target]}'
        )
        if not edge.live:
            dimmed.append(str(index))
    for decision, colour in DECISION_COLOURS.items():
        out.append(f"    classDef {decision.replace('-', '_')} fill:{colour},stroke:#555")
    out.append("    classDef pages stroke:#b00020,stroke-width:3px")
    out.append(f"    classDef dimmed fill:#f7f7f7,stroke:{DIM},color:#a0a0a0")
    for node in graph.nodes:
        classes = []
        if node.decision:
            classes.append(node.decision.replace("-", "_"))
        if node.pages:
            classes.append("pages")
        if not node.live:
            classes = ["dimmed"]
        if classes:
            out.append(f"    class {ids[node.id]} {','.join(classes)}")
    if dimmed:
        out.append(f"    linkStyle {','.join(dimmed)} stroke:{DIM},color:#b0b0b0")
    return "\n".join(out) + "\n"
