"""Terminal rendering through jinja2 templates (one template set per face)."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape

from bot.content.catalogue import ResolvedOutcome
from bot.content.flows import Question
from bot.content.packs import Pack
from bot.engine.step import Understanding


@cache
def environment() -> Environment:
    return Environment(
        loader=PackageLoader("bot", "templates/terminal"),
        autoescape=select_autoescape(enabled_extensions=(), default=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_question(question: Question, not_understood: str | None = None,
                    suggestion: Understanding | None = None) -> str:
    """The question and its menu; ``suggestion`` (``View.suggestion``) is offered, not taken."""
    return (
        environment()
        .get_template("question.j2")
        .render(question=question, not_understood=not_understood, suggestion=suggestion,
                suggested_number=next((n for n, c in enumerate(question.choices, 1)
                                       if suggestion and c.id == suggestion.choice), None))
    )


def paged_roles(pack: Pack, outcome: ResolvedOutcome) -> str:
    return "; ".join(pack.roles[r].display for r in outcome.escalate.roles)


def render_outcome(pack: Pack, outcome: ResolvedOutcome) -> str:
    return (
        environment()
        .get_template("outcome.j2")
        .render(outcome=outcome, library=pack.library, paged=paged_roles(pack, outcome))
    )
