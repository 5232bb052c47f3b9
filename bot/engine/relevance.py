"""Which questions matter at one library, and where "Not sure" leads.

A question is asked only if, given the library's facts and the answers so far, at least two
of its choices lead to different outcomes as staff would act on them: the decision, who is
paged and how urgently, and the do / never / say text (``OutcomeSignature``). Two choices
"lead to the same outcome" when every way of answering the questions after them ends in the
same signature, so a question whose later questions are all irrelevant is itself irrelevant.
A skipped question is walked as if its first real choice had been given (any real choice
ends in the same signature); it is never put to staff, and not recorded on the path.

"Not sure" (unless the flow marks it ``pages: true``, meaning not knowing is itself a reason
to fetch a person) leads to the most cautious of the outcomes the question's real choices can
still reach: see ``bot.content.decisions``. Its own paging is that outcome's paging, no more.

Everything here is a pure function of (pack, flow, answers on the path) and is memoised per
loaded pack and flow, so every face and every check gets the same answer for free.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from bot.content.catalogue import ResolvedOutcome, resolve_outcome
from bot.content.decisions import most_cautious
from bot.content.flows import NOT_SURE, Branch, Choice, Flow, Outcome, Question
from bot.content.packs import Pack

Context = tuple[tuple[str, str], ...]  # answers the branches may read, sorted by question id
Behaviour = tuple[Any, ...]  # ('outcome', signature) | ('ask', question id, ((choice, b), ...))


@dataclass(frozen=True)
class Rules:
    """How the engine treats relevance and "Not sure". ``LEGACY`` is the rule set before
    per-library pruning: ask every question, and follow "Not sure" wherever the flow points
    (``bench/desk_bench.py`` measures both in one run)."""

    prune: bool = True
    cautious_not_sure: bool = True


CURRENT = Rules()
LEGACY = Rules(prune=False, cautious_not_sure=False)
_IN_FORCE: ContextVar[Rules] = ContextVar("frontdesk_rules", default=CURRENT)


def rules_in_force() -> Rules:
    """The rules every walk uses unless given others (``CURRENT`` outside ``under``)."""
    return _IN_FORCE.get()


@contextmanager
def under(rules: Rules) -> Iterator[None]:
    """Run the engine under ``rules`` for the duration (the bench's before/after)."""
    token = _IN_FORCE.set(rules)
    try:
        yield
    finally:
        _IN_FORCE.reset(token)


def signature(outcome: ResolvedOutcome) -> tuple[Any, ...]:
    """What staff would do differently: decision, who is paged and how, do / never / say. A
    note or step worded only because staff said someone is away (``away_note``,
    ``unaway_do``) is no difference: the question whether they are away is not asked for it."""
    escalate = outcome.escalate
    paged = (escalate.roles, escalate.urgency) if escalate.pages else ((), "none")
    do = outcome.unaway_do
    if do is None:
        do = tuple(step for step in outcome.do if step != outcome.away_note)
    return (outcome.decision, paged, do, outcome.never, outcome.say)


def real_choices(question: Question) -> tuple[Choice, ...]:
    """The choices that state a fact (every choice but "Not sure")."""
    return tuple(c for c in question.choices if c.id != NOT_SURE)


def pages_when_not_sure(question: Question) -> bool:
    """The flow says not knowing this is itself a reason to fetch a person now."""
    choice = question.choice(NOT_SURE)
    return choice is not None and choice.pages


def context_of(answers: dict[str, str]) -> Context:
    return tuple(sorted(answers.items()))


class Relevance:
    """Relevance and "Not sure" targets for one flow at one library (memoised)."""

    def __init__(self, pack: Pack, flow: Flow):
        self.pack = pack
        self.flow = flow
        self._outcomes: dict[tuple[str, frozenset[str]], ResolvedOutcome] = {}
        self._behaviour: dict[tuple[str, Context], Behaviour] = {}
        self._leaves: dict[tuple[str, Context], dict[str, int]] = {}

    def outcome(self, outcome_id: str, away: frozenset[str] = frozenset()) -> ResolvedOutcome:
        """The outcome at this library; ``away``: the roles whose holders the answers say are
        away (a stand-in the pack names is then named and paged instead)."""
        key = (outcome_id, away)
        if key not in self._outcomes:
            node = self.flow.nodes[outcome_id]
            assert isinstance(node, Outcome)
            answers = {q.id: c.id for q in self.flow.questions() for c in q.choices
                       if c.away in away}
            self._outcomes[key] = resolve_outcome(self.pack, self.flow, node, answers)
        return self._outcomes[key]

    def _follow(self, node_id: str, context: Context) -> str:
        """Through branches to the next question or outcome."""
        from bot.engine.walk import follow_branch

        for _ in range(len(self.flow.nodes) + 1):
            node = self.flow.nodes[node_id]
            if not isinstance(node, Branch):
                return node_id
            node_id = follow_branch(self.pack, node, dict(context))
        return node_id

    def behaviour(self, node_id: str, context: Context) -> Behaviour:
        """How the outcome depends on the answers still to come from ``node_id`` on."""
        node_id = self._follow(node_id, context)
        key = (node_id, context)
        if key not in self._behaviour:
            self._behaviour[key] = ("cycle", node_id)  # a loop back here (check reports it)
            self._behaviour[key] = self._compute(node_id, context)
        return self._behaviour[key]

    def _compute(self, node_id: str, context: Context) -> Behaviour:
        node = self.flow.nodes[node_id]
        if isinstance(node, Outcome):
            try:
                away = self.flow.away(dict(context))
                return ("outcome", signature(self.outcome(node.id, away)))
            except (KeyError, ValueError, TypeError):  # broken content: check reports it
                return ("outcome", node.id)
        assert isinstance(node, Question)
        arms = tuple((c.id, self.behaviour(c.next, _with(context, node.id, c.id)))
                     for c in real_choices(node))
        if len({b for _, b in arms}) == 1:
            return arms[0][1]  # the answer changes nothing: the question is skipped
        unsure = node.choice(NOT_SURE)
        if unsure is not None and unsure.pages:
            arms += ((NOT_SURE, self.behaviour(unsure.next, _with(context, node.id, NOT_SURE))),)
        return ("ask", node.id, arms)

    def asks(self, question: Question, context: Context) -> bool:
        """True when at least two real choices lead to different outcomes."""
        arms = {self.behaviour(c.next, _with(context, question.id, c.id))
                for c in real_choices(question)}
        return len(arms) > 1

    def implied(self, question: Question) -> Choice:
        """The choice a skipped question is walked with (any real one ends the same way)."""
        return real_choices(question)[0]

    def reachable(self, node_id: str, context: Context) -> dict[str, int]:
        """Outcome ids staff can still reach from ``node_id`` with real answers, each with the
        fewest further questions it takes, in flow order (skipped questions follow their
        implied choice, as the walk does)."""
        node_id = self._follow(node_id, context)
        key = (node_id, context)
        if key not in self._leaves:
            self._leaves[key] = {}  # a loop back here adds nothing (check reports it)
            node = self.flow.nodes[node_id]
            found: dict[str, int] = {}
            if isinstance(node, Outcome):
                found[node.id] = 0
            else:
                assert isinstance(node, Question)
                asked = self.asks(node, context)
                for choice in real_choices(node) if asked else (self.implied(node),):
                    further = self.reachable(choice.next, _with(context, node.id, choice.id))
                    for leaf, depth in further.items():
                        found[leaf] = min(found.get(leaf, depth + 1), depth + asked)
            self._leaves[key] = found
        return self._leaves[key]

    def candidates(self, question: Question, context: Context) -> dict[str, int]:
        """Outcomes the question's real choices can still reach, each with the fewest further
        answers it assumes."""
        found: dict[str, int] = {}
        for choice in real_choices(question):
            for leaf, depth in self.reachable(choice.next,
                                              _with(context, question.id, choice.id)).items():
                found[leaf] = min(found.get(leaf, depth), depth)
        return found

    def not_sure_target(self, question: Question, context: Context) -> str:
        """The most cautious outcome the question's real choices can still reach; between
        equally cautious ones, the one that assumes the fewest further answers."""
        candidates = self.candidates(question, context)
        try:
            return most_cautious(list(candidates), self.outcome, candidates.get)
        except (KeyError, ValueError, TypeError):  # broken content (check reports it)
            unsure = question.choice(NOT_SURE)
            assert unsure is not None
            return unsure.next


def _with(context: Context, question: str, choice: str) -> Context:
    return tuple(sorted({**dict(context), question: choice}.items()))


_CACHE: weakref.WeakKeyDictionary[Flow, dict[str, tuple[Pack, Relevance]]] = (
    weakref.WeakKeyDictionary()
)


def relevance(pack: Pack, flow: Flow) -> Relevance:
    """The memoised ``Relevance`` of ``flow`` at ``pack`` (per loaded pack and flow)."""
    per_pack = _CACHE.setdefault(flow, {})
    cached = per_pack.get(pack.id)
    if cached is None or cached[0] is not pack:
        cached = (pack, Relevance(pack, flow))
        per_pack[pack.id] = cached
    return cached[1]
