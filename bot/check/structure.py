"""Checks on one flow's graph: targets exist, every node is reachable, no cycles, no dead ends."""

from __future__ import annotations

from bot.check.understanding import check_understanding
from bot.content.expressions import check_syntax
from bot.content.flows import NOT_SURE, Branch, Flow, Outcome, Question
from bot.errors import Problem


def _edges(flow: Flow, node_id: str) -> list[tuple[str, int]]:
    node = flow.nodes[node_id]
    if isinstance(node, Question):
        return [(c.next, c.next_line) for c in node.choices]
    if isinstance(node, Branch):
        return [(r.next, r.next_line) for r in node.rules]
    return []


def check_targets(flow: Flow) -> list[Problem]:
    problems = []
    if flow.start not in flow.nodes:
        problems.append(
            Problem(
                flow.path, flow.lines.get("start", 1), f"start node {flow.start!r} does not exist"
            )
        )
    for node_id in flow.nodes:
        for target, line in _edges(flow, node_id):
            if target not in flow.nodes:
                problems.append(
                    Problem(
                        flow.path,
                        line,
                        f"node {node_id}: next {target!r} is not a node of this flow",
                    )
                )
    return problems


def check_reachability(flow: Flow) -> list[Problem]:
    seen: set[str] = set()
    todo = [flow.start] if flow.start in flow.nodes else []
    while todo:
        node_id = todo.pop()
        if node_id in seen:
            continue
        seen.add(node_id)
        todo.extend(t for t, _ in _edges(flow, node_id) if t in flow.nodes)
    return [
        Problem(flow.path, node.line, f"node {node_id} is unreachable from start {flow.start!r}")
        for node_id, node in flow.nodes.items()
        if node_id not in seen
    ]


def check_cycles(flow: Flow) -> list[Problem]:
    """Report each back edge once; a flow must be a tree-like DAG so every path ends."""
    problems: list[Problem] = []
    state: dict[str, int] = {}  # 1 = on stack, 2 = done

    def visit(node_id: str) -> None:
        state[node_id] = 1
        for target, line in _edges(flow, node_id):
            if target not in flow.nodes:
                continue
            if state.get(target) == 1:
                problems.append(
                    Problem(flow.path, line, f"cycle: node {node_id} leads back to {target}")
                )
            elif target not in state:
                visit(target)
        state[node_id] = 2

    for node_id in flow.nodes:
        if node_id not in state:
            visit(node_id)
    return problems


def check_dead_ends(flow: Flow) -> list[Problem]:
    """A branch without a final ``otherwise`` lets a path end without an outcome."""
    problems = []
    for node in flow.nodes.values():
        if isinstance(node, Branch):
            if node.rules[-1].when is not None:
                problems.append(
                    Problem(
                        flow.path,
                        node.line,
                        f"branch {node.id}: a path can end without an outcome "
                        "(the last arm must be 'otherwise')",
                    )
                )
            for rule in node.rules[:-1]:
                if rule.when is None:
                    problems.append(
                        Problem(
                            flow.path,
                            rule.line,
                            f"branch {node.id}: 'otherwise' must be the last arm",
                        )
                    )
            for rule in node.rules:
                if rule.when is not None and (err := check_syntax(rule.when)):
                    problems.append(
                        Problem(flow.path, rule.line, f"branch {node.id}: invalid condition: {err}")
                    )
    return problems


def _outcomes_after(flow: Flow, node_id: str) -> list[Outcome] | None:
    """Outcomes reachable from ``node_id`` through branches only; None if a question comes first."""
    node = flow.nodes.get(node_id)
    if isinstance(node, Outcome):
        return [node]
    if isinstance(node, Branch):
        found: list[Outcome] = []
        for rule in node.rules:
            after = _outcomes_after(flow, rule.next)
            if after is None:
                return None
            found.extend(after)
        return found
    return None


def check_not_sure(flow: Flow) -> list[Problem]:
    """Every question offers Not sure. One the flow marks ``pages: true`` (not knowing needs a
    person now) leads straight to withhold/refer with a page, or is treated as the cautious
    answer beside it (it goes on to the question a choice that is not safety-critical goes to,
    about the same topics: "Not sure what the images show" is the abuse-images steps); any other
    goes to the most cautious outcome its answers can reach (``bot.engine.relevance``), and
    its ``next`` is only the target the rules before per-library relevance used."""
    problems = []
    for question in flow.questions():
        choice = question.choice(NOT_SURE)
        if choice is None:
            problems.append(
                Problem(
                    flow.path, question.line, f"question {question.id} has no '{NOT_SURE}' choice"
                )
            )
            continue
        if not choice.pages or (isinstance(flow.nodes.get(choice.next), Question) and any(
            c.next == choice.next and not c.critical and set(c.topics) == set(choice.topics)
            for c in question.choices if c.id != NOT_SURE
        )):
            continue
        outcomes = _outcomes_after(flow, choice.next)
        if not outcomes:
            problems.append(
                Problem(
                    flow.path,
                    choice.line,
                    f"question {question.id}: '{NOT_SURE}' must lead straight to "
                    "an outcome (withhold or refer, paging the privacy-in-charge)",
                )
            )
            continue
        for outcome in outcomes:
            escalate = outcome.spec.get("escalate") or {}
            safe = outcome.spec["decision"] in ("withhold", "refer")
            pages = "privacy-in-charge" in escalate.get("roles", ()) and escalate.get(
                "urgency"
            ) in ("immediate", "prompt")
            if not (safe and pages):
                problems.append(
                    Problem(
                        flow.path,
                        choice.next_line,
                        f"question {question.id}: '{NOT_SURE}' leads to outcome "
                        f"{outcome.id}, which must withhold or refer and page "
                        "the privacy-in-charge",
                    )
                )
    return problems


def check_outcome_citations(flow: Flow) -> list[Problem]:
    return [
        Problem(
            flow.path, outcome.line, f"outcome {outcome.id} cites nothing (add cite: [fact, …])"
        )
        for outcome in flow.outcomes()
        if not outcome.spec.get("cite") and not outcome.spec.get("cite_clauses")
    ]


FLOW_CHECKS = (
    check_targets,
    check_reachability,
    check_cycles,
    check_dead_ends,
    check_not_sure,
    check_outcome_citations,
    check_understanding,
)
