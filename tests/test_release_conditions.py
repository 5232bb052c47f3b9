"""Every release, with each of its conditions broken in turn, releases nothing (through the engine).

For every library, every path the engine can take to a release (disclose, disclose-limited,
comply) is replayed with one answer changed so that a condition its cited clause relies on no
longer holds (a grandparent instead of a parent, an officer who won't sign, no card, no
danger). The engine then answers whatever it asks next in every way that establishes nothing
the original path did not (so a broken condition is never quietly restored), and no outcome it
reaches may release anything.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.check.paths import enumerate_paths
from bot.check.safety import load_rules, path_context
from bot.content.catalogue import Catalogue, resolve_outcome
from bot.content.expressions import ExpressionError, evaluate
from bot.content.flows import Flow, Outcome, Question
from bot.content.packs import Pack
from bot.engine.walk import walk
from tests.conftest import ROOT

CATALOGUE = Catalogue.load(ROOT)
RULES, _ = load_rules(ROOT)


def established(pack: Pack, answers: dict[str, str]) -> set[str]:
    context = path_context({"never": [], "do": []}, answers, pack.fact_values(), pack.id)
    found = set()
    for condition in RULES.conditions.values():
        try:
            if evaluate(condition.established, context):
                found.add(condition.id)
        except ExpressionError:
            pass
    return found


def relied_on(pack: Pack, flow: Flow, outcome: Outcome, have: set[str]) -> set[str]:
    """Conditions every met way of each cited release clause needs (what the release rests on)."""
    needed: set[str] = set()
    for citation in resolve_outcome(pack, flow, outcome).citations:
        clause = pack.clauses[citation.clause]
        met = [set(t.conditions) for t in clause.releases if set(t.conditions) <= have]
        if met:
            needed |= set.intersection(*met)
    return needed


def releases(pack: Pack, flow: Flow, outcome: Outcome) -> bool:
    return resolve_outcome(pack, flow, outcome).decision in RULES.releases


def outcomes_from(pack: Pack, flow: Flow, answers: dict[str, str], allowed: set[str],
                  depth: int = 0) -> Iterator[tuple[dict[str, str], Outcome]]:
    """Every outcome the engine reaches from ``answers``, answering what it asks next in each
    way that establishes no condition outside ``allowed``."""
    position = walk(pack, flow, answers)
    if isinstance(position.node, Outcome):
        yield answers, position.node
        return
    assert depth <= len(flow.nodes), "the engine kept asking"
    question = position.node
    assert isinstance(question, Question)
    for choice in question.choices:
        more = {**answers, question.id: choice.id}
        if established(pack, more) <= allowed:
            yield from outcomes_from(pack, flow, more, allowed, depth + 1)


def broken_releases() -> Iterator[tuple[str, str, str, str, str, dict[str, str], set[str]]]:
    for library, pack in sorted(CATALOGUE.packs.items()):
        for flow in CATALOGUE.flows_for(library).values():
            for path in enumerate_paths(pack, flow):
                outcome = flow.nodes[path.outcome]
                assert isinstance(outcome, Outcome)
                if not releases(pack, flow, outcome):
                    continue
                have = established(pack, path.answers)
                needed = relied_on(pack, flow, outcome, have)
                for index, (question_id, choice_id) in enumerate(path.steps):
                    question = flow.nodes[question_id]
                    assert isinstance(question, Question)
                    before = dict(path.steps[:index])
                    for other in question.choices:
                        changed = {**before, question_id: other.id}
                        kept = {**changed, **dict(path.steps[index + 1:])}
                        now = established(pack, kept)
                        lost = needed - now
                        if other.id == choice_id or not lost or now - have:
                            continue  # nothing it rests on lost, or another way opened instead
                        yield (library, flow.id, outcome.id, f"{question_id}={other.id}",
                               ", ".join(sorted(lost)), kept, have - lost)


CASES = list(broken_releases())


def test_every_release_outcome_has_its_conditions_broken_somewhere() -> None:
    released = {(library, flow.id, outcome.id) for library, pack in CATALOGUE.packs.items()
                for flow in CATALOGUE.flows_for(library).values()
                for path in enumerate_paths(pack, flow)
                for outcome in [flow.nodes[path.outcome]]
                if isinstance(outcome, Outcome) and releases(pack, flow, outcome)}
    broken = {(c[0], c[1], c[2]) for c in CASES}
    assert released and released <= broken, sorted(released - broken)
    lost = {c[4] for c in CASES}
    for condition in ("parent-or-guardian", "signed-form", "sworn-officer", "imminent-danger",
                      "card-in-hand", "the-patron", "court-order"):
        assert any(condition in c for c in lost), condition


@pytest.mark.parametrize(
    ("library", "flow_id", "outcome_id", "change", "lost", "answers", "allowed"), CASES,
    ids=[f"{c[0]}:{c[1]}/{c[2]}:{c[3]}" for c in CASES])
def test_breaking_a_condition_releases_nothing(library: str, flow_id: str, outcome_id: str,
                                               change: str, lost: str, answers: dict[str, str],
                                               allowed: set[str]) -> None:
    pack = CATALOGUE.pack(library)
    flow = CATALOGUE.flow(library, flow_id)
    reached = list(outcomes_from(pack, flow, answers, allowed))
    assert reached
    for said, outcome in reached:
        assert not releases(pack, flow, outcome), (
            f"{library} {flow_id}: with {change} ({lost} no longer holds) the engine still "
            f"reaches {outcome.id} ({said})")
