"""What each review page shows, as plain data built from the catalogue (no HTML here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.content.catalogue import Catalogue, ResolvedOutcome, resolve_outcome
from bot.content.flows import Flow, Outcome, Question
from bot.content.packs import Pack
from bot.review.diagram import Node, build_graph
from bot.review.ownership import review_due, today
from bot.review.svg import describe, render_svg


@dataclass(frozen=True)
class Citing:
    flow: Flow
    outcome: ResolvedOutcome


@dataclass
class PolicyClause:
    id: str
    title: str
    text: str
    cited_by: list[Citing] = field(default_factory=list)


def anchor(clause_id: str) -> str:
    return "clause-" + "".join(c if c.isalnum() or c in "-_" else "-" for c in clause_id)


def policy_page(catalogue: Catalogue, pack: Pack) -> list[PolicyClause]:
    """Every clause in the policy's order, with the outcomes (of this library) that quote it."""
    clauses = {cid: PolicyClause(cid, c.title, c.text) for cid, c in
               sorted(pack.clauses.items(), key=lambda item: (item[1].start, -item[1].end))}
    for flow in sorted(catalogue.flows_for(pack.id).values(), key=lambda f: f.title):
        for node in flow.nodes.values():
            if isinstance(node, Outcome):
                resolved = resolve_outcome(pack, flow, node)
                for citation in resolved.citations:
                    clauses[citation.clause].cited_by.append(Citing(flow, resolved))
    return list(clauses.values())


@dataclass(frozen=True)
class FlowPage:
    flow: Flow
    svg: str
    alt: str
    questions: list[Question]
    outcomes: list[ResolvedOutcome]
    live: set[str]


def flow_page(catalogue: Catalogue, pack: Pack, flow_id: str) -> FlowPage:
    flow = catalogue.flow(pack.id, flow_id)
    graph = build_graph(flow, pack)
    live = {node.id for node in graph.nodes if node.live}

    def link(node: Node) -> str | None:
        return f"#outcome-{node.id}" if node.kind == "outcome" and node.live else None

    outcomes = [resolve_outcome(pack, flow, node) for node in flow.nodes.values()
                if isinstance(node, Outcome) and node.id in live]
    questions = [node for node in flow.nodes.values()
                 if isinstance(node, Question) and node.id in live]
    return FlowPage(flow, render_svg(graph, link=link), describe(graph), questions, outcomes,
                    live)


@dataclass(frozen=True)
class Review:
    flow: Flow
    owner: str
    last_reviewed: str | None
    due: date | None
    overdue: bool


def reviews(catalogue: Catalogue, pack: Pack) -> list[Review]:
    on = today()
    rows = []
    for flow in sorted(catalogue.flows_for(pack.id).values(), key=lambda f: f.title):
        due = review_due(flow)
        owner = pack.roles[flow.owner].display if flow.owner in pack.roles else (
            flow.owner or "nobody named")
        rows.append(Review(flow, owner, flow.last_reviewed, due, due is not None and due < on))
    return sorted(rows, key=lambda r: (not r.overdue, r.due or date.max))
