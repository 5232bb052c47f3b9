"""What each library is asked, and what "Not sure" does there, shown and checked.

``frontdesk check`` lists, per flow and library, the questions the engine never asks (their
answer cannot change that library's outcome, ``bot.engine.relevance``) and the questions whose
"Not sure" fetches a person (``pages: true`` in the flow). Two rules are enforced:

* a "Not sure" marked ``pages: true`` must lead, at every library, to an outcome that pages
  someone (otherwise the mark promises a person who never comes);
* a "Not sure" must never lead to an outcome that shares anything: when every real answer
  of a question ends in a release, "Not sure" cannot be the most cautious of them, and the
  flow has to say what to do instead (``pages: true`` with its own outcome).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.check.paths import enumerate_paths
from bot.content.catalogue import Catalogue
from bot.content.expressions import ExpressionError
from bot.content.flows import NOT_SURE, Flow, Question
from bot.content.packs import Pack
from bot.engine.relevance import relevance
from bot.engine.walk import FlowError
from bot.errors import Problem

BROKEN = (ExpressionError, FlowError, KeyError)  # reported by the other checks

RELEASES = frozenset({"disclose", "disclose-limited"})


@dataclass(frozen=True)
class FlowRelevance:
    """One flow at one library: questions never asked, and asked only on some paths."""

    flow: str
    library: str
    never_asked: tuple[str, ...]
    sometimes_skipped: tuple[str, ...]

    def describe(self) -> str:
        parts = list(self.never_asked)
        parts += [f"{q} (on some paths)" for q in self.sometimes_skipped]
        return f"{self.flow} [{self.library}]: {', '.join(parts)}"


def flow_relevance(pack: Pack, flow: Flow) -> FlowRelevance:
    asked: set[str] = set()
    skipped: set[str] = set()
    for path in enumerate_paths(pack, flow):
        asked.update(q for q, _ in path.steps)
        skipped.update(q for q, _ in path.skipped)
    order = [q.id for q in flow.questions()]
    return FlowRelevance(flow.id, pack.id,
                         tuple(q for q in order if q in skipped and q not in asked),
                         tuple(q for q in order if q in skipped and q in asked))


def skipped_questions(catalogue: Catalogue) -> list[FlowRelevance]:
    """Every (flow, library) with at least one question the engine does not ask."""
    found = []
    for library, pack in sorted(catalogue.packs.items()):
        for flow in sorted(catalogue.flows_for(library).values(), key=lambda f: f.id):
            try:
                entry = flow_relevance(pack, flow)
            except BROKEN:
                continue
            if entry.never_asked or entry.sometimes_skipped:
                found.append(entry)
    return found


def paging_not_sure(catalogue: Catalogue) -> list[tuple[str, str]]:
    """(flow, question) pairs whose "Not sure" fetches a person, as the flows mark them."""
    flows = {f.id: f for lib in catalogue.packs for f in catalogue.flows_for(lib).values()}
    return [(flow.id, q.id) for flow in sorted(flows.values(), key=lambda f: f.id)
            for q in flow.questions() if (c := q.choice(NOT_SURE)) is not None and c.pages]


def check_not_sure(catalogue: Catalogue) -> list[Problem]:
    """The two rules in the module docstring, on every path of every flow and library."""
    problems: list[Problem] = []
    for library, pack in sorted(catalogue.packs.items()):
        for flow in catalogue.flows_for(library).values():
            logic = relevance(pack, flow)
            try:
                paths = list(enumerate_paths(pack, flow))
            except BROKEN:
                continue
            for path in paths:
                if not path.steps or path.steps[-1][1] != NOT_SURE:
                    continue
                question = flow.nodes[path.steps[-1][0]]
                assert isinstance(question, Question)
                choice = question.choice(NOT_SURE)
                assert choice is not None
                outcome = logic.outcome(path.outcome)
                if choice.pages and not outcome.escalate.pages:
                    problems.append(Problem(flow.path, choice.line, (
                        f"[{library}] question {question.id}: 'Not sure' is marked pages: true "
                        f"but leads to {outcome.id}, which pages nobody")))
                if outcome.decision in RELEASES:
                    problems.append(Problem(flow.path, choice.line, (
                        f"[{library}] question {question.id}: 'Not sure' would lead to "
                        f"{outcome.id} ({outcome.decision}); a release is never the cautious "
                        "answer: give 'Not sure' its own outcome with pages: true")))
    return list(dict.fromkeys(problems))
