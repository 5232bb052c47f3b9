"""Sandboxed expressions and text templates: safe, and the fast path renders like Jinja2."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


def test_every_real_outcome_text_with_a_condition_renders_without_compiling_jinja(
    catalogue: Catalogue,
) -> None:
    """`{% if %}` / `{% elif %}` / `{% else %}` on plain conditions take the plain renderer (no
    Jinja2 module compiled, no context per render): every such text in the bundled content."""
    from bot.content.expressions import _plain_template

    conditional = {text for pack in catalogue.packs.values()
                   for flow in catalogue.flows_for(pack.id).values()
                   for outcome in flow.outcomes() for text in _texts(outcome.spec)
                   if "{%" in text}
    assert len(conditional) > 50
    assert [text for text in conditional if _plain_template(text) is None] == []


@pytest.mark.parametrize("source", [
    "Call {% if facts.counsel %}{{ facts.counsel }}{% else %}the {{ pic }}{% endif %} now.",
    "{% if away %}Ask {{ director }}.{% elif facts.x is none %}none{% elif not facts.y %}"
    "not y{% else %}else{% endif %}!",
    "{%- if director not in pic -%}\n  {{ director }} and {{ pic }}\n{%- endif %} done",
    "{% if facts.x and (facts.y or away) %}{% if facts.y == 'b' %}B{% endif %}A{% endif %}",
    "{% if facts['x'] in ['a', 'b'] %}listed{% endif %}{{ facts.y }}",
])
@pytest.mark.parametrize("context", [
    {"facts": {"counsel": "Ms. Roe", "x": "a", "y": "b"}, "pic": "pic", "away": False,
     "director": "dir"},
    {"facts": {"counsel": "", "x": None, "y": ""}, "pic": "the director", "away": True,
     "director": "director"},
    {"facts": {"counsel": None, "x": "c", "y": 0}, "pic": "p", "away": [], "director": "d"},
])
def test_conditional_templates_render_as_jinja_does(source: str, context: dict) -> None:
    from bot.content.expressions import _plain_template

    assert _plain_template(source) is not None
    assert render(source, context) == _compiled_template(source).render(**context)


@pytest.mark.parametrize("source", [
    "{% if facts.missing %}x{% endif %}", "{% if facts.x %}{{ facts.missing }}{% endif %}",
    "{% if not facts.x %}x{% elif facts.missing %}y{% endif %}",
])
def test_a_missing_fact_in_a_conditional_template_is_an_error(source: str) -> None:
    with pytest.raises(Exception, match="missing"):  # (as Jinja2 itself says)
        _compiled_template(source).render(facts={"x": True})
    with pytest.raises(ExpressionError, match="facts.missing is undefined"):
        render(source, {"facts": {"x": True}})


@pytest.mark.parametrize("source", [
    "{% if facts.x | length %}x{% endif %}", "{% for a in facts.x %}{{ a }}{% endfor %}",
    "{% if facts.__class__ %}x{% endif %}", "{{ facts.x ~ 'a' }}", "{% if facts.x %}{{ 1 + 2 }}"
    "{% endif %}",
])
def test_templates_beyond_plain_conditions_still_go_through_the_sandbox(source: str) -> None:
    from bot.content.expressions import _plain_template

    assert _plain_template(source) is None
    context = {"facts": {"x": ["a", "b"]}}
    try:
        expected = _compiled_template(source).render(**context)
    except Exception:
        with pytest.raises(ExpressionError):
            render(source, context)
        return
    assert render(source, context) == expected


@given(st.text(alphabet=st.characters(blacklist_characters="{"), max_size=60))
@settings(max_examples=300, deadline=None)
def test_text_without_a_brace_always_parses_as_a_template(text: str) -> None:
    """``check_syntax`` answers text without "{" without parsing it: Jinja2 agrees."""
    from bot.content.expressions import _ENV, check_syntax

    _ENV.parse(text)  # raises on a syntax error
    assert check_syntax(text, template=True) is None


@pytest.mark.parametrize("source", [
    "{% if facts.x %}open", "{{ facts.x", "{% endif %}", "a {% iff x %}", "{{ }}", "{# note",
])
def test_broken_templates_are_still_reported(source: str) -> None:
    from bot.content.expressions import check_syntax

    assert check_syntax(source, template=True)


@pytest.mark.parametrize("kind", ["template", "expression"])
def test_compiling_is_not_counted_in_an_evaluation_s_budget(
        kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Compiling a text is a one-time cost of the text: on a busy machine it alone could outrun
    the budget and fail `frontdesk check` (seen under valgrind at load 25). A budget too small
    for Jinja2's compiler but ample for running the compiled code must still do."""
    from bot.content import expressions

    budgeted = expressions._time_limit
    monkeypatch.setattr(expressions, "_time_limit", lambda: budgeted(steps=300))
    if kind == "template":
        source = "{% for x in facts.items_ %}{{ x }}{% endfor %} (budget test)"
        assert expressions._plain_template(source) is None  # (the sandbox's way)
        assert render(source, {"facts": {"items_": [1, 2]}}) == "12 (budget test)"
    else:
        assert evaluate("facts.x | length > 1 and 'budget test'", {"facts": {"x": [1, 2]}})
    with pytest.raises(ExpressionError, match="took longer"):  # the budget still bounds a run
        render("{% for x in range(900) %}{{ x }}{% endfor %}", {})
