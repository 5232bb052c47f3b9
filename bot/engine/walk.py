"""Walk a flow for one library with a set of answers, to the next question or the outcome."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.content.expressions import evaluate
from bot.content.flows import NOT_SURE, Branch, Flow, Outcome, Question
from bot.content.packs import Pack
from bot.engine.relevance import Rules, context_of, relevance, rules_in_force


class FlowError(RuntimeError):
    """A flow that cannot be walked (no branch arm matched, a loop); ``check`` prevents it."""


@dataclass(frozen=True)
class Position:
    path: tuple[tuple[str, str], ...]  # (question id, choice id) actually on the way here
    node: Question | Outcome
    # Questions passed without asking (their answer changes nothing here), with the choice
    # the walk took through them.
    skipped: tuple[tuple[str, str], ...] = ()


class Answers(dict):
    """Answers on the path so far; a question not (yet) answered reads as None, not an error."""

    def __missing__(self, key: str) -> None:
        return None


def branch_context(pack: Pack, answers: dict[str, str]) -> dict[str, Any]:
    return {**pack.template_context(), "answers": Answers(answers)}


def follow_branch(pack: Pack, branch: Branch, answers: dict[str, str]) -> str:
    context = branch_context(pack, answers)
    for rule in branch.rules:
        if rule.when is None or evaluate(rule.when, context):
            return rule.next
    raise FlowError(f"branch {branch.id}: no arm matched and there is no 'otherwise'")


def walk(pack: Pack, flow: Flow, answers: dict[str, str], rules: Rules | None = None) -> Position:
    """Follow answered questions and branches from the start; stop at the first open question.

    Questions whose answer cannot change the outcome at this library are skipped (see
    ``bot.engine.relevance``); "Not sure" goes to the most cautious outcome still reachable,
    unless the flow marks it ``pages: true``.
    """
    rules = rules or rules_in_force()
    logic = relevance(pack, flow)
    node_id = flow.start
    path: list[tuple[str, str]] = []
    skipped: list[tuple[str, str]] = []
    on_path: dict[str, str] = {}
    for _ in range(len(flow.nodes) + 1):
        node = flow.nodes[node_id]
        if isinstance(node, Outcome):
            return Position(tuple(path), node, tuple(skipped))
        if isinstance(node, Branch):
            node_id = follow_branch(pack, node, on_path)
            continue
        context = context_of(on_path)
        if rules.prune and not logic.asks(node, context):
            implied = logic.implied(node)
            skipped.append((node.id, implied.id))
            on_path[node.id] = implied.id
            node_id = implied.next
            continue
        choice = node.choice(answers.get(node.id, ""))
        if choice is None:
            return Position(tuple(path), node, tuple(skipped))
        path.append((node.id, choice.id))
        on_path[node.id] = choice.id
        if choice.id == NOT_SURE and rules.cautious_not_sure and not choice.pages:
            node_id = logic.not_sure_target(node, context)
        else:
            node_id = choice.next
    raise FlowError(f"flow {flow.id}: loop detected while walking")
