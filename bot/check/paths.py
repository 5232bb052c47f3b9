"""Every root-to-outcome path of a flow for one library.

Branches are decided by the library's facts, so each library has its own set of paths. The
safety rules and ``frontdesk coverage`` both work on this enumeration.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from bot.content.flows import NOT_SURE, Branch, Flow, Outcome
from bot.content.packs import Pack
from bot.engine.relevance import Rules, context_of, relevance, rules_in_force
from bot.engine.walk import follow_branch

Steps = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class FlowPath:
    library: str
    flow: str
    steps: Steps  # (question id, choice id) in order: the questions asked
    outcome: str
    # Questions passed without asking on the way (the choice walked), not part of identity.
    skipped: Steps = field(default=(), compare=False)

    @property
    def answers(self) -> dict[str, str]:
        return dict(self.steps)

    def describe(self) -> str:
        said = " → ".join(f"{q}={c}" for q, c in self.steps) or "(no questions)"
        return f"{said} ⇒ {self.outcome}"


def enumerate_paths(pack: Pack, flow: Flow, rules: Rules | None = None) -> Iterator[FlowPath]:
    """Depth-first over the choices staff can give, exactly as the engine walks: branches
    follow the pack's facts, skipped questions their implied choice, "Not sure" its target
    (``bot.engine.relevance``). Assumes an acyclic flow (the structural check reports cycles).

    Enumerated once per pack, flow and rules, then reused: `frontdesk check`'s safety,
    reference, relevance and scenario checks all walk the same paths (packs and flows never
    change once loaded; the cache lives on the pack, holding the flow it was made for).
    """
    rules = rules or rules_in_force()
    cache: dict[tuple[int, Rules], tuple[Flow, tuple[FlowPath, ...]]] = (
        pack.__dict__.setdefault("_paths_cache", {}))
    hit = cache.get((id(flow), rules))
    if hit is None or hit[0] is not flow:
        hit = cache[(id(flow), rules)] = (flow, tuple(_enumerate(pack, flow, rules)))
    return iter(hit[1])


def _enumerate(pack: Pack, flow: Flow, rules: Rules) -> Iterator[FlowPath]:
    logic = relevance(pack, flow)

    def visit(node_id: str, steps: Steps, skipped: Steps, on_path: dict[str, str],
              depth: int) -> Iterator[FlowPath]:
        if depth > len(flow.nodes):
            return  # a cycle; the structural check reports it
        node = flow.nodes.get(node_id)
        if node is None:
            return  # unknown target; reported by the structural check
        if isinstance(node, Outcome):
            yield FlowPath(pack.id, flow.id, steps, node.id, skipped)
        elif isinstance(node, Branch):
            yield from visit(follow_branch(pack, node, on_path), steps, skipped, on_path,
                             depth + 1)
        else:
            context = context_of(on_path)
            if rules.prune and not logic.asks(node, context):
                implied = logic.implied(node)
                yield from visit(implied.next, steps, (*skipped, (node.id, implied.id)),
                                 {**on_path, node.id: implied.id}, depth + 1)
                return
            for choice in node.choices:
                target = choice.next
                if choice.id == NOT_SURE and rules.cautious_not_sure and not choice.pages:
                    target = logic.not_sure_target(node, context)
                yield from visit(target, (*steps, (node.id, choice.id)), skipped,
                                 {**on_path, node.id: choice.id}, depth + 1)

    yield from visit(flow.start, (), (), {}, 0)
