"""JSON Schema validation whose errors point at the YAML line of the offending value.

Two validators serve two needs. ``fastjsonschema`` compiles the schema to Python once and
answers "valid?" quickly, which is every file on every `frontdesk check` run. Only when a
file is invalid do we ask ``jsonschema``, slower but precise, for every error with its path,
so the author sees each problem at its line.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from bot.content.yamlio import LineList, LineMap
from bot.errors import Problem


@cache
def schema(name: str) -> dict[str, Any]:
    """The ``flow`` or ``pack`` schema document."""
    text = resources.files("bot.content").joinpath("schemas", f"{name}.schema.json").read_text()
    return json.loads(text)


@cache
def _fast(name: str):  # type: ignore[no-untyped-def]
    import fastjsonschema  # (only content read fresh is validated: not from the cache)

    return fastjsonschema.compile(schema(name))


@cache
def validator(name: str):  # type: ignore[no-untyped-def]
    """The detailed (jsonschema) validator, built on first use."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema(name))


def line_at(document: Any, path: list[Any] | tuple[Any, ...]) -> int:
    """The line of the deepest node along ``path`` that still carries a line."""
    line = getattr(document, "line", 1) or 1
    node = document
    for step in path:
        if isinstance(node, LineMap) and step in node:
            line = node.line_of(str(step))
            node = node[step]
        elif isinstance(node, LineList) and isinstance(step, int) and step < len(node):
            line = node.line_of(step)
            node = node[step]
        else:
            break
        line = getattr(node, "line", line) or line
    return line


def is_valid(name: str, document: Any) -> bool:
    import fastjsonschema

    try:
        _fast(name)(document)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def validate(name: str, document: Any, path: Path) -> list[Problem]:
    """All schema problems in ``document``, each with its file and line.

    A node is a oneOf (question, branch or outcome); "not valid under any of the given
    schemas" helps nobody, so ``best_match`` descends to the most specific error instead.
    """
    if is_valid(name, document):
        return []
    from jsonschema.exceptions import best_match

    errors = [best_match([e]) for e in validator(name).iter_errors(document)]
    errors.sort(key=lambda e: [str(p) for p in e.absolute_path])
    return [
        Problem(path, line_at(document, list(e.absolute_path)), f"{_where(e)}: {e.message}")
        for e in errors
    ] or [Problem(path, 1, "does not match the schema")]


def _where(error: Any) -> str:
    return "/".join(str(p) for p in error.absolute_path) or "top level"
