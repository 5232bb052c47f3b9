"""Declared safety rules, proved over every path of every flow for every library.

The rules live in ``knowledge/safety.yaml`` as data. They attach to what a situation is about,
not to file names: every flow declares its ``topic`` (and a choice may add topics once the
situation turns out to be about more, e.g. "the police are asking"), and each rule names the
topics it governs. A rule's ``when`` and ``require`` are sandboxed expressions over
``outcome``, ``answers``, ``facts``, ``library``, ``topics`` and ``release`` (the outcome's
decision lets records or footage go), so a rule reads like the policy sentence it enforces, a
new rule needs no Python, and a library-only flow or a pack override on the same topic is held
to the same rules as the shared flows.

Topics declared ``danger: true`` add one more proof: a path that enters such a topic asks a
danger question (``danger: true`` on the question) before any other question.

Release conditions are the third proof, and they come from each library's own policy: a pack
names, on each clause that allows a release, who may ask and what must be established
(``release: [{who, needs}]``, condition ids that ``safety.yaml`` defines as expressions over
answers and facts). Every path that ends in a release must establish all the conditions of a way
one of its cited clauses allows it, and all the conditions of any cited clause whose way names
the requester the path established (see ``check_release_conditions``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.cache import cached, code_digest, files_digest
from bot.check.paths import FlowPath, enumerate_paths
from bot.content.catalogue import Catalogue, bundled_content_root
from bot.content.expressions import ExpressionError, check_syntax, evaluate
from bot.content.flows import Flow, Outcome, Question
from bot.content.packs import Pack
from bot.content.schema import validate
from bot.content.yamlio import LineMap, load_yaml
from bot.engine.relevance import relevance
from bot.engine.walk import Answers, FlowError
from bot.errors import ContentError, Problem

# A release whose pack names no allowing clause: the pack is at fault, so check points there.
NO_ALLOWING_CLAUSE = "cites no clause of this library's policy that allows a release"

RULES_FILE = Path("knowledge") / "safety.yaml"


@dataclass(frozen=True)
class Topic:
    id: str
    about: str
    danger: bool
    line: int


@dataclass(frozen=True)
class Condition:
    """A condition a clause can place on a release, and what establishes it on a path."""

    id: str
    says: str
    established: str
    cues: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class SafetyRule:
    id: str
    topics: tuple[str, ...]
    when: str
    require: str
    message: str
    line: int


@dataclass
class SafetyRules:
    """The parsed ``knowledge/safety.yaml``."""

    path: Path
    releases: frozenset[str] = frozenset()
    topics: dict[str, Topic] = field(default_factory=dict)
    conditions: dict[str, Condition] = field(default_factory=dict)
    rules: list[SafetyRule] = field(default_factory=list)

    def danger_topics(self, topics: tuple[str, ...] | set[str]) -> list[str]:
        return [t for t in topics if t in self.topics and self.topics[t].danger]


def load_rules(root: Path) -> tuple[SafetyRules, list[Problem]]:
    """The root's rules; a library's own folder without a rules file gets the bundled ones.

    Parsed, schema-checked and syntax-checked once, then kept in the disk cache
    (``bot.cache``) under a digest of the file's bytes and the code that reads it: checking
    the one document against its schema compiled a validator in every `frontdesk check`."""
    path = root / RULES_FILE
    bundled = bundled_content_root()
    if not path.exists() and not (root / "flows").is_dir() and bundled is not None:
        path = bundled / RULES_FILE
    if not path.exists():
        return SafetyRules(path), [Problem(path, 0, "safety rules file is missing")]
    try:
        key = files_digest([path]) + code_digest("check", "content", "errors.py")
    except OSError:  # unreadable: the load says so, at its line
        return _load_rules(path)
    return cached("safety-rules", key, lambda: _load_rules(path))


def _load_rules(path: Path) -> tuple[SafetyRules, list[Problem]]:
    rules = SafetyRules(path)
    try:
        doc = load_yaml(path)
    except ContentError as exc:
        return rules, exc.problems
    problems = validate("safety", doc, path)
    if problems:
        return rules, problems
    assert isinstance(doc, LineMap)
    rules.releases = frozenset(doc["releases"])
    topic_docs: LineMap = doc["topics"]
    rules.topics = {
        tid: Topic(tid, spec["about"], bool(spec.get("danger")), topic_docs.line_of(tid))
        for tid, spec in topic_docs.items()
    }
    condition_docs: LineMap = doc.get("conditions") or LineMap()
    for cid, spec in condition_docs.items():
        line = condition_docs.line_of(cid)
        if err := check_syntax(spec["established"]):
            problems.append(Problem(path, spec.line_of("established"),
                                    f"condition {cid}: established: {err}"))
        rules.conditions[cid] = Condition(cid, spec["says"], spec["established"],
                                          tuple(c.lower() for c in spec.get("cues", ())), line)
    items = doc["rules"]
    for index, item in enumerate(items):
        line = items.line_of(index)
        for key in ("when", "require"):
            if err := check_syntax(item[key]):
                problems.append(
                    Problem(path, item.line_of(key), f"rule {item['id']}: {key}: {err}")
                )
        for topic in item["topics"]:
            if topic not in rules.topics:
                problems.append(Problem(path, item.line_of("topics"),
                                        f"rule {item['id']}: unknown topic {topic!r} "
                                        "(declare it under topics:)"))
        rules.rules.append(
            SafetyRule(item["id"], tuple(item["topics"]), item["when"], item["require"],
                       item["message"], line)
        )
    return rules, problems


def _rules_document(root: Path) -> dict[str, Any]:
    """safety.yaml under ``root``, or the bundled one (a library's content has only packs)."""
    path = root / RULES_FILE
    bundled = bundled_content_root()
    if not path.exists() and bundled is not None:
        path = bundled / RULES_FILE
    return load_yaml(path)


def stated_conditions(text: str, conditions: dict[str, Condition]) -> dict[str, str]:
    """The release conditions a clause's words state, each with the first cue found (by id)."""
    text = " ".join(text.lower().split())
    found = [(m.start(), m.end(), condition.id, cue)
             for condition in conditions.values() for cue in condition.cues
             for m in re.finditer(rf"\b{re.escape(cue)}\b", text)]
    # Words inside a longer cue of another condition are that condition's ("impractical to
    # secure a court order" states the emergency, not a court order).
    stated = sorted((cid, cue) for start, end, cid, cue in found
                    if not any(s <= start and end <= e and (e - s) > (end - start) and other != cid
                               for s, e, other, _ in found))
    out: dict[str, str] = {}
    for cid, cue in stated:
        out.setdefault(cid, cue)
    return out


def proposed_release_terms(root: Path, facts: dict[str, dict[str, Any]]
                           ) -> dict[str, list[dict[str, Any]]]:
    """Release terms a new pack's facts imply, by clause id (``proposals`` in safety.yaml).

    ``frontdesk pack new`` writes them under each clause's ``release:`` for the author to
    review; ``check`` then holds them to the clause's words like any others.
    """
    doc = _rules_document(root)
    context = {"facts": {name: spec.get("value") for name, spec in facts.items()}}
    terms: dict[str, list[dict[str, Any]]] = {}
    for proposal in doc.get("proposals") or ():
        fact = facts.get(proposal["fact"])
        if fact is None or not evaluate(proposal["when"], context):
            continue
        for clause_id in fact.get("cite", ()):
            way = {k: (list(v) if isinstance(v, list) else v)
                   for k, v in proposal["release"].items()}
            if way not in terms.setdefault(clause_id, []):
                terms[clause_id].append(way)
    return terms


def path_topics(flow: Flow, path: FlowPath) -> list[str]:
    """The flow's topics plus those the choices on this path add, in order, without repeats.

    Choices walked through a question the engine skipped count too: a rule governs more paths,
    never fewer, because a question went unasked.
    """
    topics = list(flow.topics)
    for question_id, choice_id in (*path.steps, *path.skipped):
        question = flow.nodes[question_id]
        assert isinstance(question, Question)
        choice = question.choice(choice_id)
        topics.extend(choice.topics if choice else ())
    return list(dict.fromkeys(topics))


def path_context(
    outcome: dict[str, Any],
    answers: dict[str, str],
    facts: dict[str, Any],
    library: str,
    *,
    topics: list[str] | None = None,
    release: bool = False,
) -> dict[str, Any]:
    return {
        "outcome": outcome,
        "answers": Answers(answers),
        "facts": facts,
        "library": library,
        "topics": topics or [],
        "release": release,
        # Lower-cased joined text, so rules can say "'screenshot' in never_text".
        "never_text": " ".join(outcome["never"]).lower(),
        "do_text": " ".join(outcome["do"]).lower(),
    }


def check_topics(catalogue: Catalogue, rules: SafetyRules) -> list[Problem]:
    """Every topic a flow or choice declares is one safety.yaml knows (a typo escapes no rule)."""
    problems: list[Problem] = []
    flows = [*catalogue.flows.values(),
             *(f for extra in catalogue.library_flows.values() for f in extra.values())]
    for flow in flows:
        for topic in flow.topics:
            if topic not in rules.topics:
                problems.append(Problem(flow.path, flow.lines.get("topic", 1),
                                        f"unknown topic {topic!r} (declared topics: "
                                        f"{', '.join(sorted(rules.topics))})"))
        for question in flow.questions():
            for choice in question.choices:
                for topic in choice.topics:
                    if topic not in rules.topics:
                        problems.append(Problem(flow.path, choice.line,
                                                f"choice {question.id}={choice.id}: unknown "
                                                f"topic {topic!r}"))
    return problems


def check_danger_first(flow: Flow, path: FlowPath, rules: SafetyRules) -> Problem | None:
    """A path on a topic that can involve danger asks about danger before anything else."""
    entered = rules.danger_topics(flow.topics)
    asked = False
    for question_id, choice_id in path.steps:
        question = flow.nodes[question_id]
        assert isinstance(question, Question)
        if question.danger:
            asked = True
        elif entered and not asked:
            return Problem(flow.path, question.line,
                           f"question {question.id} is asked before whether anyone is in danger, "
                           f"but the situation is about {entered[0]} (a topic that can involve "
                           f"danger) for {path.library}: ask a danger question first "
                           f"(path: {path.describe()})")
        choice = question.choice(choice_id)
        if choice is not None and not asked and not entered:
            entered = rules.danger_topics(choice.topics)
    if entered and not asked:
        outcome = flow.nodes[path.outcome]
        return Problem(flow.path, outcome.line,
                       f"outcome {path.outcome} is reached without asking whether anyone is in "
                       f"danger, but the situation is about {entered[0]} (a topic that can "
                       f"involve danger) for {path.library} (path: {path.describe()})")
    return None


def check_release_terms(pack: Pack, rules: SafetyRules) -> list[Problem]:
    """A pack's release conditions are known ids, and none its clause's words state is left out.

    A clause that says "sworn", "form" or "legal guardian" and allows a release must name the
    condition those words state, so deleting a condition from the pack fails here instead of
    quietly widening what the clause allows.
    """
    problems: list[Problem] = []
    for clause in pack.clauses.values():
        named: set[str] = set()
        for terms in clause.releases:
            if not terms.conditions:
                problems.append(Problem(pack.path, terms.line,
                                        f"clause {clause.id}: a release way with no conditions "
                                        "would allow anyone anything (name who and needs)"))
            for cid in terms.conditions:
                named.add(cid)
                if cid not in rules.conditions:
                    problems.append(Problem(pack.path, terms.line,
                                            f"clause {clause.id}: unknown release condition "
                                            f"{cid!r} (declared in {RULES_FILE}: "
                                            f"{', '.join(sorted(rules.conditions))})"))
        if not clause.releases:
            continue
        stated = stated_conditions(clause.text, rules.conditions)
        for condition in rules.conditions.values():
            cue = stated.get(condition.id)
            if cue and condition.id not in named:
                problems.append(Problem(pack.path, clause.line,
                                        f"clause {clause.id} says {cue!r} but none of its release "
                                        f"ways names {condition.id} ({condition.says})"))
    return problems


def _established(rules: SafetyRules, context: dict[str, Any]) -> dict[str, bool]:
    """Which conditions the path establishes (an expression that cannot be read: not)."""
    found: dict[str, bool] = {}
    for condition in rules.conditions.values():
        try:
            found[condition.id] = bool(evaluate(condition.established, context))
        except ExpressionError:
            found[condition.id] = False
    return found


def check_release_conditions(pack: Pack, outcome: dict[str, Any], context: dict[str, Any],
                             rules: SafetyRules) -> str | None:
    """Why this release is not proven on this path (None when it is).

    The outcome's cited clauses that allow a release are the grounds. At least one must be met
    in full (every condition of one of its ways); and a cited clause with a way for the
    requester this path established (e.g. the officer) must have such a way met in full: the
    conditions a clause puts on that requester hold even where another cited clause alone would
    allow the release.
    """
    grounds = [pack.clauses[c["clause"]] for c in outcome["citations"]
               if c["clause"] in pack.clauses and pack.clauses[c["clause"]].releases]
    if not grounds:
        return (f"{NO_ALLOWING_CLAUSE} (name the allowing clause's conditions under release: in "
                "the pack)")
    have = _established(rules, context)

    def met(terms: Any) -> bool:
        return all(have.get(cid, False) for cid in terms.conditions)

    def missing(terms: Any) -> list[str]:
        return [rules.conditions[cid].says if cid in rules.conditions else cid
                for cid in terms.conditions if not have.get(cid, False)]

    for clause in grounds:
        for_requester = [t for t in clause.releases if t.who and have.get(t.who, False)]
        if for_requester and not any(met(t) for t in for_requester):
            closest = min(for_requester, key=lambda t: len(missing(t)))
            return (f"clause {clause.id} allows this requester a release only when "
                    f"{'; '.join(missing(closest))}")
    if any(met(t) for clause in grounds for t in clause.releases):
        return None
    clause, terms = min(((c, t) for c in grounds for t in c.releases),
                        key=lambda ct: len(missing(ct[1])))
    return f"clause {clause.id} allows a release only when {'; '.join(missing(terms))}"


def check_safety(catalogue: Catalogue) -> list[Problem]:
    rules, problems = load_rules(catalogue.root)
    if problems:
        return problems
    problems.extend(check_topics(catalogue, rules))
    for library, pack in sorted(catalogue.packs.items()):
        problems.extend(check_release_terms(pack, rules))
        facts = pack.fact_values()
        for flow in catalogue.flows_for(library).values():
            try:
                paths = list(enumerate_paths(pack, flow))
            except (ExpressionError, FlowError, KeyError):
                continue  # reported by the reference checks
            resolved_by_id: dict[str, dict[str, Any] | None] = {}
            for path in paths:
                if problem := check_danger_first(flow, path, rules):
                    problems.append(problem)
                topics = path_topics(flow, path)
                governing = [r for r in rules.rules if set(r.topics) & set(topics)]
                outcome = flow.nodes[path.outcome]
                assert isinstance(outcome, Outcome)
                if outcome.id not in resolved_by_id:
                    try:
                        resolved_by_id[outcome.id] = relevance(pack, flow).outcome(
                            outcome.id).to_json()  # (resolved once: the walks share it)
                    except (ExpressionError, KeyError):
                        resolved_by_id[outcome.id] = None  # reported by the reference checks
                resolved = resolved_by_id[outcome.id]
                if resolved is None:
                    continue
                release = resolved["decision"] in rules.releases
                context = path_context(resolved, path.answers, facts, library, topics=topics,
                                       release=release)
                if release and (why := check_release_conditions(pack, resolved, context, rules)):
                    place = override_place(pack, flow, outcome)
                    if why.startswith(NO_ALLOWING_CLAUSE) and place[0] == flow.path:
                        place = pack_place(pack, resolved)  # the pack's to fix, not the flow's
                        why += f"; the outcome is {flow.path.name}:{outcome.line}"
                    problems.append(Problem(
                        *place,
                        f"{outcome.id} releases ({resolved['decision']}) for {library} without "
                        f"its conditions: {why} (path: {path.describe()})",
                    ))
                for rule in governing:
                    try:
                        applies = evaluate(rule.when, context)
                        holds = (not applies) or evaluate(rule.require, context)
                    except ExpressionError as exc:
                        problems.append(Problem(rules.path, rule.line, f"rule {rule.id}: {exc}"))
                        continue
                    if not holds:
                        problems.append(
                            Problem(
                                *override_place(pack, flow, outcome),
                                f"safety rule {rule.id} broken for {library}: {rule.message} "
                                f"(path: {path.describe()})",
                            )
                        )
    return problems


def pack_place(pack: Pack, outcome: dict[str, Any]) -> tuple[Path, int]:
    """Where in pack.yaml a release's missing conditions belong: the first clause it cites."""
    for citation in outcome["citations"]:
        if citation["clause"] in pack.clauses:
            return pack.path, pack.clauses[citation["clause"]].line
    return pack.path, 1


def override_place(pack: Pack, flow: Flow, outcome: Outcome) -> tuple[Path, int]:
    """Where an outcome's library text is written: the pack's override if any, else the flow."""
    key = f"{flow.id}/{outcome.id}"
    if key in pack.overrides:
        return pack.path, pack.override_lines.get(key, 1)
    return flow.path, outcome.line
