"""The store is the layer the escalation core, the channels and the faces stand on: it imports
none of them (lazily inside a function either), so its SQL can be read, tested and swapped
without Slack, paging or a face. (The audit checkpoint posted to the escalation channel once
composed a Slack message inside ``bot.store.audit``: an import circle through the channels.)"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

STORE = Path(__file__).resolve().parents[1] / "bot" / "store"
ABOVE = ("bot.channels", "bot.escalation", "bot.faces", "bot.review", "bot.ops", "bot.cli",
         "bot.authoring", "bot.check")


def _imported(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize("path", sorted(STORE.glob("*.py")), ids=lambda p: p.name)
def test_the_store_imports_nothing_that_stands_on_it(path: Path) -> None:
    above = sorted(m for m in _imported(path) if m.startswith(ABOVE))
    assert above == [], f"bot/store/{path.name} imports {above}"
