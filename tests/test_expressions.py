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
