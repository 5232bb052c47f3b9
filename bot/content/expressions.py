"""Safe expressions and text templates over a library's facts and a conversation's answers.

Branch conditions are written by content authors, not programmers, and are never trusted to
Python's ``eval``: they compile in Jinja2's immutable sandbox, which cannot call unsafe
attributes or mutate anything. The same environment renders outcome text, so a flow can say
"call the {{ pic }}" and each library fills in its own title.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from types import FrameType
from typing import Any

from jinja2 import StrictUndefined, Undefined, nodes
from jinja2.exceptions import SecurityError, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_OUTPUT = 20_000  # characters a template may render, or a string/list an expression build
MAX_RANGE = 1_000  # items ``range`` may give
MAX_SECONDS = 2.0  # one evaluation, in any thread (``_time_limit``)
MAX_STEPS = 1_000_000  # calls and template lines one evaluation may run (``_time_limit``)


class _Bounded(ImmutableSandboxedEnvironment):
    """The immutable sandbox, bounded in size: ``*``, ``**`` and ``+`` cannot build huge values
    and ``range`` gives at most ``MAX_RANGE`` items; time is bounded by ``_time_limit``."""

    intercepted_binops = frozenset({"*", "**", "+"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int | float) and abs(right) > 64:
            raise SecurityError(f"exponent {right} is too large")
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(times, int) and (
                    len(seq) * times > MAX_OUTPUT
                ):
                    raise SecurityError(f"the result would be longer than {MAX_OUTPUT}")
        result = super().call_binop(context, operator, left, right)
        if isinstance(result, str | list | tuple) and len(result) > MAX_OUTPUT:
            raise SecurityError(f"the result is longer than {MAX_OUTPUT}")
        return result


def _range(*args: int) -> range:
    found = range(*args)
    if len(found) > MAX_RANGE:
        raise SecurityError(f"range gives more than {MAX_RANGE} items")
    return found


_ENV = _Bounded(undefined=StrictUndefined, autoescape=False)
_ENV.globals["range"] = _range


class _TooSlow(BaseException):  # noqa: N818 - a signal to unwind, not an error to catch
    """Raised inside an evaluation that ran out of its budget (nothing in a template can catch
    it: it is no ``Exception``)."""


class _Budget:
    """A step and time budget for one evaluation, kept by a trace function of the thread that
    evaluates (``sys.settrace`` is per thread), so it bounds ``check`` and a server's worker
    threads alike, without signals. A step is a call, or a line run in compiled template code
    (every loop iteration runs one)."""

    def __init__(self, steps: int, seconds: float):
        self.left = steps
        self.deadline = time.monotonic() + seconds

    def tick(self) -> None:
        self.left -= 1
        if self.left < 0 or (self.left & 1023 == 0 and time.monotonic() > self.deadline):
            raise _TooSlow

    def on_call(self, frame: FrameType, event: str, arg: Any) -> Any:
        self.tick()
        return self.on_line if frame.f_code.co_filename == "<template>" else None

    def on_line(self, frame: FrameType, event: str, arg: Any) -> Any:
        if event == "line":
            self.tick()
        return self.on_line


@contextmanager
def _time_limit(seconds: float = MAX_SECONDS, steps: int = MAX_STEPS) -> Iterator[None]:
    """Interrupt an evaluation that takes more than ``steps`` steps or ``seconds`` (``_TooSlow``),
    in whichever thread it runs; a tracer already set (a debugger, coverage) is put back."""
    previous = sys.gettrace()
    sys.settrace(_Budget(steps, seconds).on_call)
    try:
        yield
    finally:
        sys.settrace(previous)


class ExpressionError(ValueError):
    """An expression or template that does not parse or cannot be evaluated."""


@contextmanager
def _bounded(doing: str) -> Iterator[None]:
    """Run one evaluation under ``_time_limit``; what goes wrong in it is one ExpressionError
    that says what was being done (``doing``: "evaluate '…'", "render '…'")."""
    try:
        with _time_limit():
            yield
    except TemplateError as exc:
        raise ExpressionError(f"cannot {doing}: {exc}") from exc
    except RecursionError:
        raise ExpressionError(f"cannot {doing}: it calls itself without end") from None
    except _TooSlow:
        raise ExpressionError(f"cannot {doing}: it took longer than {MAX_SECONDS:g} s or "
                              f"{MAX_STEPS} steps") from None


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
    plan = _plain_condition(source)
    if plan is not None:
        return plan(context)
    compiled = _compiled_expression(source)  # (compiled once, outside the evaluation's budget)
    with _bounded(f"evaluate {source!r}"):
        value = compiled(**context)
    if isinstance(value, Undefined):  # e.g. an attribute the sandbox hides
        raise ExpressionError(f"cannot evaluate {source!r}: the result is undefined")
    return value


Plan = Any  # a function of the context: a condition compiled to plain Python closures

_COMPARE = {
    "eq": lambda a, b: a == b, "ne": lambda a, b: a != b,
    "in": lambda a, b: a in b, "notin": lambda a, b: a not in b,
}


class _NotPlain(Exception):
    """The condition uses something the plain evaluator does not cover: use the sandbox."""


@cache
def _plain_condition(source: str) -> Plan | None:
    """``source`` as closures over lookups, constants, ``and``/``or``/``not``, ``==``, ``!=``,
    ``in`` and ``is none``, or None when it needs the sandbox.

    Branch conditions are evaluated for every step of every path of every library; Jinja2 makes
    a new context for each call, which was most of `frontdesk check`'s time. This covers the
    shapes conditions use; it reads attributes only as the sandbox does (``facts.x`` is the
    ``x`` item of a mapping, never a Python attribute), and anything else goes to the sandbox.
    """
    tree = _parsed(source, False)
    if isinstance(tree, str) or len(tree.body) != 1 or not isinstance(tree.body[0], nodes.Output):
        return None
    outputs = tree.body[0].nodes
    if len(outputs) != 1:
        return None
    try:
        return _plan(outputs[0], source)
    except _NotPlain:
        return None


def _plan(node: nodes.Node, source: str) -> Plan:
    if isinstance(node, nodes.Const):
        value = node.value
        return lambda _c: value
    if isinstance(node, nodes.List | nodes.Tuple):
        items = [_plan(item, source) for item in node.items]
        return lambda c: [item(c) for item in items]
    if isinstance(node, nodes.Name | nodes.Getattr | nodes.Getitem):
        path = _path(node)
        return lambda c: _get(path, c, source)
    if isinstance(node, nodes.Not):
        inner = _plan(node.node, source)
        return lambda c: not inner(c)
    if isinstance(node, nodes.And):
        left, right = _plan(node.left, source), _plan(node.right, source)
        return lambda c: left(c) and right(c)
    if isinstance(node, nodes.Or):
        left, right = _plan(node.left, source), _plan(node.right, source)
        return lambda c: left(c) or right(c)
    if isinstance(node, nodes.Compare) and len(node.ops) == 1 and node.ops[0].op in _COMPARE:
        left, right = _plan(node.expr, source), _plan(node.ops[0].expr, source)
        compare = _COMPARE[node.ops[0].op]
        return lambda c: compare(left(c), right(c))
    if isinstance(node, nodes.Test) and node.name == "none" and not node.args:
        inner = _plan(node.node, source)
        return lambda c: inner(c) is None
    raise _NotPlain


def _path(node: nodes.Node) -> tuple[str, ...]:
    """``facts.x`` or ``facts['x']`` as ("facts", "x"); anything else (calls, filters, private
    names) raises ``_NotPlain`` so the sandbox handles it."""
    keys: list[str] = []
    while isinstance(node, nodes.Getattr | nodes.Getitem):
        key = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
        if not isinstance(key, str) or key.startswith("_"):
            raise _NotPlain
        keys.append(key)
        node = node.node
    if not isinstance(node, nodes.Name) or node.name.startswith("_"):
        raise _NotPlain
    return (node.name, *reversed(keys))


def _get(path: tuple[str, ...], context: dict[str, Any], source: str) -> Any:
    """A lookup as the sandbox does it: mapping items; a missing one is an error, except in a
    mapping that answers missing keys itself (the conversation's answers: None)."""
    value: Any = context
    for key in path:
        if not isinstance(value, dict):
            raise ExpressionError(f"cannot evaluate {source!r}: {'.'.join(path)} is undefined")
        if key in value or hasattr(type(value), "__missing__"):
            value = value[key]
        else:
            raise ExpressionError(f"cannot evaluate {source!r}: {'.'.join(path)} is undefined")
    return value


@cache
def _plain_template(source: str) -> Plan | None:
    """``source`` as closures over literal text, plain lookups and ``{% if %}`` / ``{% elif %}``
    / ``{% else %}`` on plain conditions, or None when it needs the full engine.

    Most outcome text only interpolates ``{{ pic }}`` or ``{{ facts.x }}``, or says one thing or
    another on a fact (``{% if facts.counsel %}``). Rendering those by lookup skips compiling a
    Python module per string and a Jinja2 context per render, which was most of `frontdesk
    check`'s time (every outcome is rendered for every library). Lookups and conditions read
    as the sandbox does (``_plan``); anything else goes through the sandbox.
    """
    tree = _parsed(source, True)
    if isinstance(tree, str):
        return None
    try:
        return _template_body(tree.body, source)
    except _NotPlain:
        return None


def _template_body(body: list[nodes.Node], source: str) -> Plan:
    pieces = [_template_piece(node, source) for node in body]
    if len(pieces) == 1:
        return pieces[0]
    return lambda c: "".join([piece(c) for piece in pieces])


def _template_piece(node: nodes.Node, source: str) -> Plan:
    if isinstance(node, nodes.Output):
        return _template_body(node.nodes, source)
    if isinstance(node, nodes.TemplateData):
        data = node.data
        return lambda _c: data
    if isinstance(node, nodes.If):
        otherwise = _template_body(node.else_, source)
        for elif_ in reversed(node.elif_):
            otherwise = _either(_plan(elif_.test, source), _template_body(elif_.body, source),
                                otherwise)
        return _either(_plan(node.test, source), _template_body(node.body, source), otherwise)
    path = _path(node)  # the same lookups conditions use; anything else is not plain
    return lambda c: _lookup(path, c, source)


def _either(test: Plan, then: Plan, otherwise: Plan) -> Plan:
    return lambda c: then(c) if test(c) else otherwise(c)


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
    plan = _plain_template(source)
    if plan is not None:
        return plan(context)
    out: list[str] = []
    size = 0
    # Compiled outside the budget: compiling is a one-time cost of the text, not of rendering
    # it, and on a busy machine it alone could outrun MAX_SECONDS and fail `frontdesk check`.
    template = _compiled_template(source)
    with _bounded(f"render {source[:80]!r}"):
        for chunk in template.generate(**context):
            size += len(chunk)
            if size > MAX_OUTPUT:
                raise ExpressionError(f"cannot render {source[:80]!r}: it renders more than "
                                      f"{MAX_OUTPUT} characters")
            out.append(chunk)
    return "".join(out)


@cache
def _parsed(source: str, template: bool) -> nodes.Template | str:
    """The syntax tree of ``source`` (an expression unless ``template``), or the parse error."""
    try:
        return _ENV.parse(source if template else "{{ " + source + " }}")
    except TemplateError as exc:
        return str(exc)


def check_syntax(source: str, *, template: bool = False) -> str | None:
    """The parse error message for ``source``, or None when it parses."""
    if template and "{" not in source:
        return None  # (text alone: Jinja2 reads it as it is, and most outcome text is that)
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
