"""Declared safety rules, proved over every path of every flow for every library.

The rules live in ``knowledge/safety.yaml`` as data: each names the flows it governs, a
``when`` condition on a path's outcome and a ``require`` condition that must then hold. Both
are sandboxed expressions over ``outcome``, ``answers``, ``facts`` and ``library``, so a rule
reads like the policy sentence it enforces and a new rule needs no Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.check.paths import enumerate_paths
from bot.content.catalogue import Catalogue, bundled_content_root, resolve_outcome
from bot.content.expressions import ExpressionError, check_syntax, evaluate
from bot.content.flows import Outcome
from bot.content.yamlio import LineList, LineMap, load_yaml
from bot.engine.walk import Answers, FlowError
from bot.errors import ContentError, Problem

RULES_FILE = Path("knowledge") / "safety.yaml"


@dataclass(frozen=True)
class SafetyRule:
    id: str
    flows: tuple[str, ...]
    when: str
    require: str
    message: str
    line: int


def load_rules(root: Path) -> tuple[list[SafetyRule], list[Problem]]:
    """The root's rules; a library's own folder without a rules file gets the bundled ones."""
    path = root / RULES_FILE
    bundled = bundled_content_root()
    if not path.exists() and not (root / "flows").is_dir() and bundled is not None:
        path = bundled / RULES_FILE
    if not path.exists():
        return [], [Problem(path, 0, "safety rules file is missing")]
    try:
        doc = load_yaml(path)
    except ContentError as exc:
        return [], exc.problems
    rules: list[SafetyRule] = []
    problems: list[Problem] = []
    items = doc.get("rules") if isinstance(doc, LineMap) else None
    if not isinstance(items, LineList):
        return [], [Problem(path, 1, "expected a top-level 'rules:' list")]
    for index, item in enumerate(items):
        line = items.line_of(index)
        required = ("id", "flows", "when", "require", "message")
        if not isinstance(item, LineMap) or any(k not in item for k in required):
            problems.append(Problem(path, line, f"a rule needs {', '.join(required)}"))
            continue
        for key in ("when", "require"):
            if err := check_syntax(item[key]):
                problems.append(
                    Problem(path, item.line_of(key), f"rule {item['id']}: {key}: {err}")
                )
        rules.append(
            SafetyRule(
                item["id"],
                tuple(item["flows"]),
                item["when"],
                item["require"],
                item["message"],
                line,
            )
        )
    return rules, problems


def path_context(
    outcome: dict[str, Any], answers: dict[str, str], facts: dict[str, Any], library: str
) -> dict[str, Any]:
    return {
        "outcome": outcome,
        "answers": Answers(answers),
        "facts": facts,
        "library": library,
        # Lower-cased joined text, so rules can say "'screenshot' in never_text".
        "never_text": " ".join(outcome["never"]).lower(),
        "do_text": " ".join(outcome["do"]).lower(),
    }


def check_safety(catalogue: Catalogue) -> list[Problem]:
    rules, problems = load_rules(catalogue.root)
    known_flows = set(catalogue.flows) | {
        f for flows in catalogue.library_flows.values() for f in flows
    }
    rules_path = catalogue.root / RULES_FILE
    for rule in rules:
        for flow_id in rule.flows:
            if flow_id not in known_flows:
                problems.append(
                    Problem(rules_path, rule.line, f"rule {rule.id}: no flow {flow_id!r} to govern")
                )
    for library, pack in sorted(catalogue.packs.items()):
        facts = pack.fact_values()
        for flow in catalogue.flows_for(library).values():
            governing = [r for r in rules if flow.id in r.flows]
            if not governing:
                continue
            try:
                paths = list(enumerate_paths(pack, flow))
            except (ExpressionError, FlowError, KeyError):
                continue  # reported by the reference checks
            resolved_by_id: dict[str, dict[str, Any] | None] = {}
            for path in paths:
                outcome = flow.nodes[path.outcome]
                assert isinstance(outcome, Outcome)
                if outcome.id not in resolved_by_id:
                    try:
                        resolved_by_id[outcome.id] = resolve_outcome(pack, flow, outcome).to_json()
                    except (ExpressionError, KeyError):
                        resolved_by_id[outcome.id] = None  # reported by the reference checks
                resolved = resolved_by_id[outcome.id]
                if resolved is None:
                    continue
                context = path_context(resolved, path.answers, facts, library)
                for rule in governing:
                    try:
                        applies = evaluate(rule.when, context)
                        holds = (not applies) or evaluate(rule.require, context)
                    except ExpressionError as exc:
                        problems.append(Problem(rules_path, rule.line, f"rule {rule.id}: {exc}"))
                        continue
                    if not holds:
                        problems.append(
                            Problem(
                                flow.path,
                                outcome.line,
                                f"safety rule {rule.id} broken for {library}: {rule.message} "
                                f"(path: {path.describe()})",
                            )
                        )
    return problems
