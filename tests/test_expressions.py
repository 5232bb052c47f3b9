"""Sandboxed expressions and text templates: safe, and the fast path renders like Jinja2."""

from __future__ import annotations

import pytest

from bot.check.references import _texts
from bot.content.catalogue import Catalogue
from bot.content.expressions import (
    ExpressionError,
    _compiled_template,
    evaluate,
    names_used,
    render,
)


def test_every_outcome_text_renders_the_same_as_jinja_for_every_library(
    catalogue: Catalogue,
) -> None:
    compared = 0
    for pack in catalogue.packs.values():
        context = pack.template_context()
        for flow in catalogue.flows_for(pack.id).values():
            for outcome in flow.outcomes():
                for text in _texts(outcome.spec):
                    try:
                        expected = _compiled_template(text).render(**context)
                    except Exception:
                        continue  # a fact this library lacks; the checker reports such paths
                    assert render(text, context) == expected, text
                    compared += 1
    assert compared > 1000


@pytest.mark.parametrize(
    "source",
    ["''.__class__.__mro__", "facts.__class__", "().__class__.__base__.__subclasses__()",
     "cycler.__init__.__globals__"],
)
def test_sandbox_refuses_unsafe_attributes(source: str) -> None:
    with pytest.raises(ExpressionError):
        evaluate(source, {"facts": {}})


def test_missing_fact_is_an_error_not_an_empty_string() -> None:
    with pytest.raises(ExpressionError, match="facts.counsel is undefined"):
        render("Ask {{ facts.counsel }}.", {"facts": {}})
    with pytest.raises(ExpressionError):
        evaluate("facts.counsel == 'x'", {"facts": {}})


def test_names_used_finds_attribute_and_item_reads() -> None:
    assert names_used("facts.a and facts['b'] or answers.c", "facts") == {"a", "b"}
    assert names_used("{% if facts.x %}{{ facts.y }}{% endif %}", "facts", template=True) == {
        "x", "y"}


def test_the_plain_evaluator_agrees_with_the_sandbox_on_every_real_condition() -> None:
    """Every branch condition of every flow, for every library and every answer a question
    can take: the fast plain evaluator and Jinja2's sandbox give the same value."""
    from itertools import product

    from bot.content.catalogue import Catalogue
    from bot.content.expressions import _compiled_expression, _plain_condition
    from bot.content.flows import Branch, Question
    from bot.engine.walk import Answers, branch_context
    from tests.conftest import ROOT

    catalogue = Catalogue.load(ROOT)
    checked = 0
    for library, pack in catalogue.packs.items():
        for flow in catalogue.flows_for(library).values():
            questions = [n for n in flow.nodes.values() if isinstance(n, Question)]
            for node in flow.nodes.values():
                if not isinstance(node, Branch):
                    continue
                for rule in node.rules:
                    if rule.when is None:
                        continue
                    plan = _plain_condition(rule.when)
                    assert plan is not None, rule.when  # every real condition takes the fast way
                    read = [q for q in questions if f"answers.{q.id}" in rule.when][:3]
                    options = [[None, *(c.id for c in q.choices)] for q in read]
                    for combo in product(*options):
                        answers = {q.id: c for q, c in zip(read, combo, strict=True) if c}
                        context = branch_context(pack, Answers(answers))
                        sandbox = _compiled_expression(rule.when)(**context)
                        assert bool(plan(context)) == bool(sandbox), (library, rule.when, answers)
                        checked += 1
    assert checked > 500


def test_the_plain_evaluator_refuses_what_it_does_not_cover() -> None:
    from bot.content.expressions import _plain_condition, evaluate

    assert _plain_condition("facts.x | length > 1") is None  # filters: the sandbox
    assert evaluate("facts.x | length > 1", {"facts": {"x": [1, 2]}}) is True
    assert _plain_condition("facts.__class__") is None
    with pytest.raises(ExpressionError):
        evaluate("facts.missing", {"facts": {}})
