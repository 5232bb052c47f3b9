"""Safe expressions and text templates over a library's facts and a conversation's answers.

Branch conditions are written by content authors, not programmers, and are never trusted to
Python's ``eval``: they compile in Jinja2's immutable sandbox, which cannot call unsafe
attributes or mutate anything. The same environment renders outcome text, so a flow can say
"call the {{ pic }}" and each library fills in its own title.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import StrictUndefined, Undefined, nodes
from jinja2.exceptions import TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

_ENV = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False)


class ExpressionError(ValueError):
    """An expression or template that does not parse or cannot be evaluated."""


@cache
def _compiled_expression(source: str):
    try:
        return _ENV.compile_expression(source, undefined_to_none=False)
    except TemplateError as exc:
        raise ExpressionError(f"invalid expression {source!r}: {exc}") from exc


@cache
def _compiled_template(source: str):
    try:
        return _ENV.from_string(source)
    except TemplateError as exc:
        raise ExpressionError(f"invalid template {source!r}: {exc}") from exc


def evaluate(source: str, context: dict[str, Any]) -> Any:
    """Evaluate a condition such as ``facts.emergency_release and answers.sworn == 'yes'``."""
    try:
        value = _compiled_expression(source)(**context)
    except TemplateError as exc:
        raise ExpressionError(f"cannot evaluate {source!r}: {exc}") from exc
    if isinstance(value, Undefined):  # e.g. an attribute the sandbox hides
        raise ExpressionError(f"cannot evaluate {source!r}: the result is undefined")
    return value


Part = str | tuple[str, ...]  # literal text, or a lookup path such as ("facts", "counsel")


@cache
def _simple_parts(source: str) -> tuple[Part, ...] | None:
    """``source`` as literal text and plain lookups, or None when it needs the full engine.

    Most outcome text only interpolates ``{{ pic }}`` or ``{{ facts.x }}``. Rendering those by
    lookup skips compiling a Python module per string, which is most of `frontdesk check`'s time
    (every outcome is rendered for every library). Anything else goes through the sandbox.
    """
    tree = _parsed(source, True)
    if isinstance(tree, str) or len(tree.body) != 1 or not isinstance(tree.body[0], nodes.Output):
        return None
    parts: list[Part] = []
    for node in tree.body[0].nodes:
        if isinstance(node, nodes.TemplateData):
            parts.append(node.data)
            continue
        path: list[str] = []
        while isinstance(node, nodes.Getattr | nodes.Getitem):
            key = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
            if not isinstance(key, str) or key.startswith("_"):
                return None
            path.append(key)
            node = node.node
        if not isinstance(node, nodes.Name):
            return None
        parts.append((node.name, *reversed(path)))
    return tuple(parts)


def _lookup(path: tuple[str, ...], context: dict[str, Any], source: str) -> str:
    value: Any = context
    for key in path:
        if isinstance(value, dict) and key in value:
            value = value[key]
        else:
            raise ExpressionError(f"cannot render {source!r}: {'.'.join(path)} is undefined")
    return str(value)


def render(source: str, context: dict[str, Any]) -> str:
    """Render outcome text; plain text without ``{{`` is returned as it is, cheaply."""
    if "{{" not in source and "{%" not in source:
        return source
    parts = _simple_parts(source)
    if parts is not None:
        return "".join(p if isinstance(p, str) else _lookup(p, context, source) for p in parts)
    try:
        return _compiled_template(source).render(**context)
    except TemplateError as exc:
        raise ExpressionError(f"cannot render {source!r}: {exc}") from exc


@cache
def _parsed(source: str, template: bool) -> nodes.Template | str:
    """The syntax tree of ``source`` (an expression unless ``template``), or the parse error."""
    try:
        return _ENV.parse(source if template else "{{ " + source + " }}")
    except TemplateError as exc:
        return str(exc)


def check_syntax(source: str, *, template: bool = False) -> str | None:
    """The parse error message for ``source``, or None when it parses."""
    tree = _parsed(source, template)
    return tree if isinstance(tree, str) else None


@cache
def names_used(source: str, root: str, *, template: bool = False) -> frozenset[str]:
    """Attribute or item names read from ``root`` (``facts.x`` or ``facts['x']``) in ``source``.

    Lets the checker prove that every fact a flow reads exists in every pack that runs it.
    """
    if "{" not in source and template:
        return frozenset()
    tree = _parsed(source, template)
    if isinstance(tree, str):
        return frozenset()
    found: set[str] = set()
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        target = node.node
        if isinstance(target, nodes.Name) and target.name == root:
            if isinstance(node, nodes.Getattr):
                found.add(node.attr)
            elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                found.add(node.arg.value)
    return frozenset(found)
