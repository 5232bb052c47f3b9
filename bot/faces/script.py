"""The scripted face: a conversation driven by a list of inputs, rendered as one JSON object."""

from __future__ import annotations

from typing import Any

from bot.content.catalogue import Catalogue
from bot.engine import View, start, step


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
    return data


def run_script(catalogue: Catalogue, library: str, flow: str, inputs: list[str]) -> View:
    """Start ``flow`` for ``library`` and feed it ``inputs`` in order."""
    current = start(catalogue, library, flow)
    for text in inputs:
        current = step(catalogue, current.conversation, text)
    return current
