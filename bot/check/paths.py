"""Every root-to-outcome path of a flow for one library.

Branches are decided by the library's facts, so each library has its own set of paths. The
safety rules and ``frontdesk coverage`` both work on this enumeration.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from bot.content.flows import Branch, Flow, Outcome
from bot.content.packs import Pack
from bot.engine.walk import follow_branch

Steps = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class FlowPath:
    library: str
    flow: str
    steps: Steps  # (question id, choice id) in order
    outcome: str

    @property
    def answers(self) -> dict[str, str]:
        return dict(self.steps)

    def describe(self) -> str:
        said = " → ".join(f"{q}={c}" for q, c in self.steps) or "(no questions)"
        return f"{said} ⇒ {self.outcome}"


def enumerate_paths(pack: Pack, flow: Flow) -> Iterator[FlowPath]:
    """Depth-first over choices; branches follow the pack's facts. Assumes an acyclic flow."""

    def visit(node_id: str, steps: Steps, depth: int) -> Iterator[FlowPath]:
        if depth > len(flow.nodes):
            return  # a cycle; the structural check reports it
        node = flow.nodes.get(node_id)
        if node is None:
            return  # unknown target; reported by the structural check
        if isinstance(node, Outcome):
            yield FlowPath(pack.id, flow.id, steps, node.id)
        elif isinstance(node, Branch):
            yield from visit(follow_branch(pack, node, dict(steps)), steps, depth + 1)
        else:
            for choice in node.choices:
                yield from visit(choice.next, (*steps, (node.id, choice.id)), depth + 1)

    yield from visit(flow.start, (), 0)
