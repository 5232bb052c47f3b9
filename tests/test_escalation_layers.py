"""The escalation core's modules import one another in layers, with no circle, counting the
imports made only for type hints (a circle there still ties the modules together: a step that
names ``EscalationService`` in its hints cannot be read or tested without the service)."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

ESCALATION = Path(__file__).resolve().parents[1] / "bot" / "escalation"


def _imports(path: Path) -> set[str]:
    """The bot.escalation modules ``path`` imports anywhere (type-checking blocks too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "bot.escalation":
                found.update(alias.name for alias in node.names)
            elif node.module.startswith("bot.escalation."):
                found.add(node.module.split(".")[2])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[2] for a in node.names
                         if a.name.startswith("bot.escalation."))
    return found


def test_the_escalation_modules_import_one_another_without_a_circle() -> None:
    modules = {p.stem: p for p in ESCALATION.glob("*.py") if p.stem != "__init__"}
    graph = {name: _imports(path) & modules.keys() - {name} for name, path in modules.items()}
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as circle:
        raise AssertionError(f"import circle: {' -> '.join(circle.args[1])}") from None
