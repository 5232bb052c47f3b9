"""Drill mode: practise a realistic case from the catalogue before the real moment.

A case is one root-to-outcome path of a flow for the staff member's library (never through a
"Not sure" answer): the situation and what staff know at that point. The staff member says
what they would do (the decision, and whom they would fetch and how fast); then they see the
library's own answer, with its citations, and where theirs differed. A drill pages nobody: it
only reads the catalogue, and stores a score per staff member (ids only, no patron data).

This module is the drill itself (choosing cases, grading, recording, the report); each face
runs it: ``bot.faces.terminal.drill`` (``frontdesk drill``) and the Slack practice listeners.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from bot.check.paths import FlowPath, enumerate_paths
from bot.content.catalogue import Catalogue, ResolvedOutcome, resolve_outcome
from bot.content.decisions import RELEASES
from bot.content.flows import NOT_SURE, Outcome, Question

# What staff may answer: plain words for each decision, and how urgently they'd fetch someone.
DECISIONS: tuple[tuple[str, str], ...] = (
    ("withhold", "Share nothing (and say so kindly)"),
    ("disclose", "Give them what they asked for"),
    ("disclose-limited", "Give only part of it (what the policy allows)"),
    ("comply", "Let the legal process go ahead (don't block it)"),
    ("report", "Report it (police, CyberTipline, the director)"),
    ("refer", "Don't decide yourself: pass it to the person who decides"),
)
URGENCIES: tuple[tuple[str, str], ...] = (
    ("none", "Nobody needs to be fetched"),
    ("prompt", "Tell the {pic} soon (today)"),
    ("immediate", "Get the {pic} right now"),
)
MAX_SCORE = 3  # 2 for the decision, 1 for the urgency


@dataclass(frozen=True)
class Case:
    library: str
    library_name: str
    flow: str
    title: str
    description: str
    known: tuple[tuple[str, str], ...]  # (question asked, answer) in order
    path: FlowPath

    @property
    def path_key(self) -> str:
        return ";".join(f"{q}={c}" for q, c in self.path.steps)


@dataclass(frozen=True)
class Result:
    case: Case
    outcome: ResolvedOutcome
    given_decision: str
    given_urgency: str
    score: int
    differences: tuple[str, ...] = field(default_factory=tuple)

    @property
    def expected_urgency(self) -> str:
        return self.outcome.escalate.urgency if self.outcome.escalate.pages else "none"

    @property
    def perfect(self) -> bool:
        return self.score == MAX_SCORE


def practice_paths(catalogue: Catalogue, library: str, flow_id: str | None = None) -> list:
    flows = catalogue.flows_for(library)
    chosen = [flows[flow_id]] if flow_id else list(flows.values())
    pack = catalogue.pack(library)
    return [
        path
        for flow in chosen
        for path in enumerate_paths(pack, flow)
        if all(choice != NOT_SURE for _, choice in path.steps)
    ]


def pick_case(
    catalogue: Catalogue, library: str, rng: random.Random, flow_id: str | None = None
) -> Case:
    """A random situation (each equally likely), then a random path through it."""
    flows = catalogue.flows_for(library)
    if flow_id is None:
        candidates = sorted(flows)
        while candidates:
            flow_id = rng.choice(candidates)
            if practice_paths(catalogue, library, flow_id):
                break
            candidates.remove(flow_id)
    if flow_id is None:
        raise ValueError(f"{library} has no situation to practise")
    return make_case(catalogue, library, rng.choice(practice_paths(catalogue, library, flow_id)))


def case_from_key(catalogue: Catalogue, library: str, flow_id: str, path_key: str) -> Case:
    """Rebuild a case from its ids (e.g. a Slack button's value); raises ValueError if stale."""
    steps = tuple(
        tuple(part.split("=", 1)) for part in path_key.split(";") if "=" in part
    )
    for path in enumerate_paths(catalogue.pack(library), catalogue.flow(library, flow_id)):
        if path.steps == steps:
            return make_case(catalogue, library, path)
    raise ValueError("that practice case no longer exists (the flow changed)")


def make_case(catalogue: Catalogue, library: str, path: FlowPath) -> Case:
    flow = catalogue.flow(library, path.flow)
    known = []
    for question_id, choice_id in path.steps:
        question = flow.nodes[question_id]
        assert isinstance(question, Question)
        choice = question.choice(choice_id)
        assert choice is not None
        known.append((question.ask, choice.label))
    pack = catalogue.pack(library)
    return Case(library, pack.library, flow.id, flow.title, flow.description, tuple(known), path)


def expected(catalogue: Catalogue, case: Case) -> ResolvedOutcome:
    flow = catalogue.flow(case.library, case.flow)
    node = flow.nodes[case.path.outcome]
    assert isinstance(node, Outcome)
    return resolve_outcome(catalogue.pack(case.library), flow, node)


def _decision_words(decision: str) -> str:
    return dict(DECISIONS).get(decision, decision).split(" (")[0].lower()


def _urgency_words(urgency: str, pic: str) -> str:
    return {
        "none": "fetch nobody",
        "prompt": f"tell the {pic} soon",
        "immediate": f"get the {pic} right now",
    }.get(urgency, urgency)


def urgency_options(catalogue: Catalogue, library: str) -> tuple[tuple[str, str], ...]:
    pic = catalogue.pack(library).roles["privacy-in-charge"].display
    return tuple((key, words.format(pic=pic)) for key, words in URGENCIES)


def grade(catalogue: Catalogue, case: Case, decision: str, urgency: str) -> Result:
    outcome = expected(catalogue, case)
    want_urgency = outcome.escalate.urgency if outcome.escalate.pages else "none"
    score = 0
    differences = []
    if decision == outcome.decision:
        score += 2
    else:
        same_side = (decision in RELEASES) == (outcome.decision in RELEASES)
        score += 1 if same_side else 0
        warning = ""
        if decision in RELEASES and outcome.decision not in RELEASES:
            warning = " Careful: you would have released information the policy protects."
        elif outcome.decision in RELEASES and decision not in RELEASES:
            warning = " The policy allows more here than you thought."
        differences.append(
            f"You would {_decision_words(decision)}; the policy says: "
            f"{outcome.decision.upper()} — {outcome.headline}{warning}"
        )
    if urgency == want_urgency:
        score += 1
    else:
        pic = catalogue.pack(case.library).roles["privacy-in-charge"].display
        differences.append(
            f"You would {_urgency_words(urgency, pic)}; "
            f"the policy says {_urgency_words(want_urgency, pic)}."
        )
    return Result(case, outcome, decision, urgency, score, tuple(differences))


def record_result(store, staff: str, face: str, result: Result) -> None:  # type: ignore[no-untyped-def]
    """Store one attempt: staff id, situation, path and scores. No patron data exists here."""
    store.record(
        staff=staff,
        face=face,
        library=result.case.library,
        flow=result.case.flow,
        path=result.case.path_key[:400],
        outcome=result.case.path.outcome,
        expected_decision=result.outcome.decision,
        expected_urgency=result.expected_urgency,
        given_decision=result.given_decision,
        given_urgency=result.given_urgency,
        score=result.score,
        max_score=MAX_SCORE,
    )


def practice_report(practice: list, catalogue: Catalogue | None = None) -> str:  # type: ignore[type-arg]
    """Who has practised which situations (for the privacy in-charge)."""
    if not practice:
        return "Nobody has practised yet. Staff run `frontdesk drill` (or /frontdesk drill)."
    lines = [f"{'staff':20} {'library':16} {'situation':36} {'tries':>5} {'score':>6}  last"]
    for p in practice:
        lines.append(
            f"{p.staff[:20]:20} {p.library:16} {p.flow[:36]:36} {p.attempts:5} "
            f"{p.percent:5.0f}%  {p.last.date().isoformat()}"
        )
    if catalogue is not None:
        for library in sorted({p.library for p in practice}):
            done = {p.flow for p in practice if p.library == library}
            missing = sorted(set(catalogue.flows_for(library)) - done)
            if missing:
                lines.append(f"{library}: nobody has practised {', '.join(missing)}")
    return "\n".join(lines)
