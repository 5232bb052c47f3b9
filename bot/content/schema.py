"""JSON Schema validation whose errors point at the YAML line of the offending value."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from bot.content.yamlio import LineList, LineMap
from bot.errors import Problem


@cache
def validator(name: str) -> Draft202012Validator:
    """The validator for ``flow`` or ``pack``, built once per process."""
    text = resources.files("bot.content.schemas").joinpath(f"{name}.schema.json").read_text()
    return Draft202012Validator(json.loads(text))


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


def _describe(error: ValidationError) -> str:
    where = "/".join(str(p) for p in error.absolute_path) or "top level"
    return f"{where}: {error.message}"


def validate(name: str, document: Any, path: Path) -> list[Problem]:
    """All schema problems in ``document``, each with its file and line.

    A node is a oneOf (question, branch or outcome); "not valid under any of the given
    schemas" helps nobody, so ``best_match`` descends to the most specific error instead.
    """
    errors = [best_match([e]) for e in validator(name).iter_errors(document)]
    errors.sort(key=lambda e: [str(p) for p in e.absolute_path])
    return [Problem(path, line_at(document, list(e.absolute_path)), _describe(e)) for e in errors]
