"""Checks between flows and packs: every fact a flow reads and every clause it cites exists
in every pack that can reach it, and every outcome renders for every library."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from bot.check.paths import FlowPath, enumerate_paths
from bot.content.catalogue import (
    Catalogue,
    citations_for,
    merged_outcome_spec,
    validate_outcome_spec,
)
from bot.content.expressions import ExpressionError, check_syntax, names_used
from bot.content.flows import Branch, Flow, Outcome, Question
from bot.content.packs import Pack
from bot.engine.relevance import relevance
from bot.engine.walk import FlowError
from bot.errors import Problem

TEXT_FIELDS = ("headline", "say")
LIST_FIELDS = ("do", "never")


def _texts(spec: dict) -> Iterator[str]:
    for name in TEXT_FIELDS:
        if isinstance(spec.get(name), str):
            yield spec[name]
    for name in LIST_FIELDS:
        yield from (s for s in spec.get(name, ()) if isinstance(s, str))


@cache
def facts_read(flow: Flow) -> dict[str, int]:
    """Fact name -> first line where the flow reads it (conditions, text, cite, form)."""
    used: dict[str, int] = {}
    for node in flow.nodes.values():
        if isinstance(node, Branch):
            for rule in node.rules:
                for name in names_used(rule.when or "", "facts"):
                    used.setdefault(name, rule.line)
        elif isinstance(node, Outcome):
            for text in _texts(node.spec):
                for name in names_used(text, "facts", template=True):
                    used.setdefault(name, node.line)
            for name in node.spec.get("cite", ()):
                used.setdefault(name, node.line)
            if node.spec.get("form"):
                used.setdefault(node.spec["form"], node.line)
        elif isinstance(node, Question):
            continue
    return used


def check_template_syntax(flow: Flow) -> list[Problem]:
    problems = []
    for outcome in flow.outcomes():
        for text in _texts(outcome.spec):
            if err := check_syntax(text, template=True):
                problems.append(
                    Problem(
                        flow.path, outcome.line, f"outcome {outcome.id}: invalid template: {err}"
                    )
                )
    return problems


def check_flow_for_pack(pack: Pack, flow: Flow) -> list[Problem]:
    """Facts exist; then walk every path and resolve every reachable outcome for this library."""
    problems: list[Problem] = []
    missing = {name: line for name, line in facts_read(flow).items() if name not in pack.facts}
    for name, line in sorted(missing.items(), key=lambda item: item[1]):
        problems.append(
            Problem(
                flow.path,
                line,
                f"fact {name!r} is used here but missing from pack {pack.id} ({pack.path})",
            )
        )
    if missing:
        return problems
    try:
        paths = list(enumerate_paths(pack, flow))
    except (ExpressionError, FlowError) as exc:
        return [Problem(flow.path, flow.lines.get("nodes", 1), f"[{pack.id}] {exc}")]
    reached = {p.outcome for p in paths}
    for outcome_id in sorted(reached):
        outcome = flow.nodes[outcome_id]
        assert isinstance(outcome, Outcome)
        problems.extend(_check_outcome(pack, flow, outcome))
    return problems


def _check_outcome(pack: Pack, flow: Flow, outcome: Outcome) -> list[Problem]:
    where = f"outcome {outcome.id} [{pack.id}]"
    spec = merged_outcome_spec(pack, flow, outcome)
    problems: list[Problem] = []
    key = f"{flow.id}/{outcome.id}"
    line = pack.override_lines[key] if key in pack.overrides else outcome.line
    path = pack.path if key in pack.overrides else flow.path
    for message in validate_outcome_spec(spec) if key in pack.overrides else ():
        problems.append(Problem(path, line, f"{where}: override: {message}"))
    days_fact = (spec.get("hold") or {}).get("days_fact")
    if days_fact and days_fact not in pack.facts:
        problems.append(Problem(path, line, f"{where}: hold days_fact {days_fact!r} missing from "
                                            "pack"))
    for name in spec.get("cite", ()):
        if name not in pack.facts:
            problems.append(Problem(path, line, f"{where}: cites fact {name!r} missing from pack"))
    for clause_id in spec.get("cite_clauses", ()):
        if clause_id not in pack.clauses:
            problems.append(
                Problem(
                    path, line, f"{where}: cites clause {clause_id!r} missing from pack {pack.id}"
                )
            )
    if problems:
        return problems
    if not citations_for(pack, spec):
        problems.append(Problem(path, line, f"{where}: resolves to no citation"))
    try:
        resolved = relevance(pack, flow).outcome(outcome.id)  # (resolved once: walks share it)
    except ExpressionError as exc:
        return [*problems, Problem(path, line, f"{where}: {exc}")]
    if len(resolved.headline) > 120:
        problems.append(
            Problem(
                path,
                line,
                f"{where}: headline is {len(resolved.headline)} characters "
                f"after filling in the library's titles and facts (limit 120): "
                f"{resolved.headline}",
            )
        )
    return problems


def check_overrides(catalogue: Catalogue, pack: Pack) -> list[Problem]:
    problems = []
    for key in pack.overrides:
        flow_id, _, outcome_id = key.partition("/")
        flow = catalogue.flows_for(pack.id).get(flow_id)
        line = pack.override_lines.get(key, 1)
        if flow is None:
            problems.append(Problem(pack.path, line, f"override {key}: no flow {flow_id!r}"))
        elif not isinstance(flow.nodes.get(outcome_id), Outcome):
            problems.append(
                Problem(
                    pack.path, line, f"override {key}: flow {flow_id} has no outcome {outcome_id!r}"
                )
            )
    return problems


def all_paths(catalogue: Catalogue) -> Iterator[FlowPath]:
    for library, pack in sorted(catalogue.packs.items()):
        for flow in catalogue.flows_for(library).values():
            try:
                yield from enumerate_paths(pack, flow)
            except (ExpressionError, FlowError, KeyError):
                continue
