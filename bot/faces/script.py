"""The scripted face: a conversation driven by a list of inputs, rendered as one JSON object."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.content.catalogue import Catalogue
from bot.engine import View
from bot.engine.session import Case, TrailSink
from bot.engine.step import Understanding
from bot.router import PrefilledAnswer


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
    if view.declined is not None:
        data["declined"] = _understanding(view.declined)
    if view.find_out:
        data["find_out"] = view.find_out
    if view.hold_passed is not None:
        data["hold_passed"] = {**view.hold_passed.to_json(), "warning": view.hold_passed.warning}
    if view.hold_due is not None:
        data["hold_due"] = {**view.hold_due.to_json(), "notice": view.hold_due.notice}
    return data


def _understanding(item: Understanding) -> dict[str, Any]:
    return {"question": item.question, "choice": item.choice, "ask": item.ask,
            "label": item.label, "source": item.source}


def case_to_json(case: Case) -> dict[str, Any]:
    """The view as ``view_to_json`` shows it, plus the questions asked in order and the page
    events (``run --json``'s ``asked`` and ``pages``)."""
    data = view_to_json(case.view) if case.view is not None else {
        "library": case.library, "flow": None, "status": "routing", "question": None,
        "outcome": None, "transcript": []}
    if case.choosing and case.view is not None:
        data["status"] = "routing"  # "something else": the next line picks the situation
    data["asked"] = list(case.asked)
    data["pages"] = [change.to_json() for change in (case.pages.changes if case.pages else [])]
    if case.routing is not None:
        data["routing"] = case.routing.to_json(detail=True)
    return data


def route_script(catalogue: Catalogue, library: str, inputs: list[str], *,
                 sink: TrailSink | None = None, actor: str | None = None) -> Case:
    """Route the first input (prefilling what it states), then feed the rest: answers and
    commands; after "something else" (or an unsure routing) the next input is routed.
    ``sink``: where the case trail goes (none for ``frontdesk run``)."""
    case = Case(catalogue, library, face="script", actor=actor, sink=sink)
    case.route(inputs[0])
    return _feed(case, inputs[1:])


def run_script(catalogue: Catalogue, library: str, flow: str, inputs: list[str],
               prefill: Sequence[PrefilledAnswer] = (), stated_date: str | None = None, *,
               sink: TrailSink | None = None, actor: str | None = None) -> Case:
    """Start ``flow`` for ``library`` (with the router's ``prefill`` and ``stated_date``) and
    feed it ``inputs``."""
    case = Case(catalogue, library, face="script", actor=actor, sink=sink)
    case.stated_date = stated_date
    case.start(flow, prefill)
    return _feed(case, inputs)


def _feed(case: Case, inputs: list[str]) -> Case:
    for text in inputs:
        if case.choosing:
            case.route(text)
        else:
            case.say(text)
    return case
