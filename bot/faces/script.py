"""The scripted face: a conversation driven by a list of inputs, rendered as one JSON object."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.content.catalogue import Catalogue
from bot.engine import View, start, step
from bot.engine.step import Understanding
from bot.router import PrefilledAnswer, RouteResult, router_for


def view_to_json(view: View) -> dict[str, Any]:
    conversation = view.conversation
    question = view.question
    data: dict[str, Any] = {
        "library": conversation.library,
        "flow": conversation.flow,
        "status": view.status,
        "question": None,
        "outcome": view.outcome.to_json() if view.outcome else None,
        "transcript": [turn.to_json() for turn in conversation.transcript],
    }
    if question is not None:
        data["question"] = {
            "id": question.id,
            "text": question.ask,
            "help": question.help or None,
            "choices": [{"id": c.id, "label": c.label} for c in question.choices],
        }
    if view.not_understood is not None:
        data["not_understood"] = view.not_understood
    if view.prefilled:
        data["prefilled"] = [
            {"question": q, "choice": c, "ask": ask, "label": label}
            for q, c, ask, label in view.prefilled
        ]
    if view.understood:
        data["understood"] = [_understanding(u) for u in view.understood]
    if view.suggestion is not None:
        data["suggestion"] = _understanding(view.suggestion)
    return data


def _understanding(item: Understanding) -> dict[str, Any]:
    return {"question": item.question, "choice": item.choice, "ask": item.ask,
            "label": item.label, "source": item.source}


def routing_to_json(result: RouteResult) -> dict[str, Any]:
    """The router's answer: the ``route --jsonl`` object plus the band and prefilled facts."""
    return {
        **result.to_json(),
        "band": result.band,
        "prefill": [p.to_json() for p in result.prefill],
        **({"stated_date": result.stated_date.to_json()} if result.stated_date else {}),
    }


def routed_to_json(library: str, result: RouteResult, view: View | None) -> dict[str, Any]:
    """``run`` without ``--flow``: the usual object, with ``routing`` added.

    When the router would not start a flow on its own, ``status`` is ``"routing"``, ``flow`` is
    null and ``routing.candidates`` holds the situations to offer.
    """
    if view is None:
        data: dict[str, Any] = {
            "library": library,
            "flow": None,
            "status": "routing",
            "question": None,
            "outcome": None,
            "transcript": [],
        }
    else:
        data = view_to_json(view)
    data["routing"] = routing_to_json(result)
    return data


def route_script(
    catalogue: Catalogue, library: str, inputs: list[str]
) -> tuple[RouteResult, View | None]:
    """Route the first input (prefilling what it states), then feed the rest as answers."""
    result = router_for(catalogue, library).route(inputs[0])
    if result.situation is None:
        return result, None
    dated = result.stated_date.date if result.stated_date else None
    return result, run_script(catalogue, library, result.situation, inputs[1:], result.prefill,
                              dated)


def run_script(catalogue: Catalogue, library: str, flow: str, inputs: list[str],
               prefill: Sequence[PrefilledAnswer] = (), stated_date: str | None = None) -> View:
    """Start ``flow`` for ``library`` (with the router's ``prefill`` and ``stated_date``) and
    feed it ``inputs``."""
    current = start(catalogue, library, flow, prefill, stated_date)
    for text in inputs:
        current = step(catalogue, current.conversation, text)
    return current
