"""Flows: one situation at the desk as a decision tree, loaded from ``flows/<id>.yaml``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from bot.content.schema import validate
from bot.content.yamlio import LineMap, load_yaml
from bot.errors import ContentError, Problem

NOT_SURE = "not-sure"
DECISIONS = ("withhold", "disclose", "disclose-limited", "comply", "report", "refer")
# The days a hold's deadline can count from besides today (``counts_from`` of an outcome's
# hold): the day of the thing kept (``stated-date``: footage is overwritten so many days after
# it was recorded) or the day the request came in (``request-date``: a preservation duty runs
# from the request, never from the date of the records). Which one is the hold's own property;
# the router reads each from the opening message its own way (``bot.router.dates.READERS``).
DATED_STARTS = frozenset({"stated-date", "request-date"})
# The days never assumed to be today when the message gives none: a recording may be weeks old
# (footage recorded earlier is overwritten sooner), so the clerk is asked it; a request with
# no day said is, at the desk, today's.
ASKED_WHEN_UNSAID = frozenset({"stated-date"})
# The day's question, where a hold counting from a day names none (``date_ask``).
DATE_ASK = "When did it happen?"


def counts_from_a_day(hold: Mapping[str, Any] | None) -> bool:
    """``hold`` (an outcome's) counts from a day the case gives, not from today."""
    return bool(hold) and hold.get("counts_from") in DATED_STARTS  # type: ignore[union-attr]


@dataclass(frozen=True)
class Choice:
    id: str
    label: str
    synonyms: tuple[str, ...]
    next: str
    line: int
    next_line: int = 0
    # Understanding what staff said (bot/router/choices.py, bot/router/prefill.py):
    critical: bool = False  # safety-critical: never set from a weak cue, only suggested
    strong: tuple[str, ...] = ()  # the phrases that may set a critical choice unasked
    offered: tuple[str, ...] = ()  # phrases that only offer the choice ("urgent"), never set it
    # phrases that answer only when typed as the answer to the question, never read from an
    # opening, where they may be said of someone else ("the patron is on vacation")
    answer_only: tuple[str, ...] = ()
    # On Not sure: phrases an opening states that leave the question unchecked ("on the phone"
    # for "did you see the badge?"): read from the opening as this choice, unlike its synonyms
    stated_in_opening: tuple[str, ...] = ()
    # Words that, anywhere in an opening, contradict this choice ("he's alone *with a little
    # girl*", "nobody's hurt" beside "punching"): the choice is then neither read from the
    # opening nor offered, the question is asked. Typed as an answer they change nothing.
    not_with: tuple[str, ...] = ()
    if_denied: str | None = None  # the choice that denying this one means ("no warrant")
    if_not_yet: str | None = None  # the choice it means when only promised ("warrant later")
    # named in one message with these choices, this one answers: the stricter reading of a
    # two-part question ("how many borrowed it, and does the mayor have a card": a person)
    outweighs: tuple[str, ...] = ()
    # A condition only a thing given, shown or read out now meets: "her card is at home",
    # "in the car" or "says he has it" is not it (bot/router/cues.py ``Said.elsewhere``).
    in_hand: bool = False
    # A thing that must be here, not a picture of it: "threatening staff on facebook with a gun
    # emoji", "a photo of a knife" state no such choice (bot/router/cues.py ``Said.depicted``).
    not_pictured: bool = False
    # An act of others (officers carrying out an order): in an opening it is read only when the
    # nearest who before it in its clause is one of these ("deputies are searching the staff
    # room", not the clerk's "the deputy gave us a court order, now searching for the director");
    # said of the clerk ("I'm going through it": cues.yaml speaker_before) it states nothing,
    # typed too (bot/router/cues.py ``Said.who_does``).
    done_by: tuple[str, ...] = ()
    ages: tuple[int, int] | None = None  # the ages (inclusive) a stated age answers with this
    # Only on "Not sure": how staff can find out, and whether not knowing is itself a reason
    # to fetch a person (then ``next`` is followed; otherwise the most cautious outcome).
    find_out: str = ""
    pages: bool = False
    topics: tuple[str, ...] = ()  # what the situation turns out to be about on this choice
    # The role whose holder this answer says is away (privacy-in-charge or director): where the
    # library's pack names a stand-in for it, the outcome names and pages the stand-in.
    away: str | None = None


@dataclass(frozen=True)
class Question:
    id: str
    ask: str
    help: str
    choices: tuple[Choice, ...]
    line: int
    danger: bool = False  # asks whether a person is in danger right now

    def choice(self, choice_id: str) -> Choice | None:
        return next((c for c in self.choices if c.id == choice_id), None)

    @property
    def circumstance(self) -> bool:
        """It asks who is at the library (a choice says a role's holder is ``away``): its
        answer changes whom an outcome names and pages wherever it was said, so it stands even
        where the path does not ask it (a warrant pages at once, yet "the director is on
        vacation" still sends the page to the stand-in)."""
        return any(c.away for c in self.choices)


@dataclass(frozen=True)
class Rule:
    """One arm of a branch: ``when`` is None for ``otherwise``."""

    when: str | None
    next: str
    line: int
    next_line: int = 0


@dataclass(frozen=True)
class Branch:
    id: str
    rules: tuple[Rule, ...]
    line: int


@dataclass(frozen=True)
class Escalation:
    roles: tuple[str, ...]
    urgency: str  # immediate | prompt | none

    @property
    def pages(self) -> bool:
        return bool(self.roles) and self.urgency != "none"


@dataclass(frozen=True)
class Outcome:
    """An outcome as written in the flow, before a library's text and citations fill it in."""

    id: str
    spec: dict[str, Any]
    line: int


Node = Question | Branch | Outcome


@dataclass(frozen=True, eq=False)  # identity equality: a loaded flow is one object, cacheable
class Flow:
    id: str
    title: str
    description: str
    triggers: tuple[str, ...]
    start: str
    nodes: dict[str, Node]
    path: Path
    topics: tuple[str, ...] = ()  # what the situation is about; the safety rules follow these
    first: str | None = None  # true on every path: said before the first question
    owner: str | None = None
    last_reviewed: str | None = None
    review_every_days: int | None = None
    # Words that, in a message the router cannot place, mean this situation may be what is
    # happening ("policier", "911"): the situation is offered, never "nobody needs paging".
    alert_words: tuple[str, ...] = ()
    lines: dict[str, int] = field(default_factory=dict)
    trigger_lines: tuple[int, ...] = ()  # the line of each trigger phrase, in order

    def outcomes(self) -> list[Outcome]:
        return [n for n in self.nodes.values() if isinstance(n, Outcome)]

    def questions(self) -> list[Question]:
        return [n for n in self.nodes.values() if isinstance(n, Question)]

    @cached_property
    def dated_hold(self) -> dict[str, Any] | None:
        """The hold of this flow that counts from a day the case gives (one kind of day per
        flow: ``load_flow`` checks), or None: which day the opening message is read for, and
        what the clerk is asked about it (``date_ask``)."""
        return next((dict(o.spec["hold"]) for o in self.outcomes()
                     if counts_from_a_day(o.spec.get("hold"))), None)

    def immediate_page(self, answers: Mapping[str, str]) -> frozenset[str] | None:
        """The roles paged at once wherever ``answers`` lead without another question, or None.

        Walked from the start: an answered question follows its choice, an unanswered one
        stops the walk (a question would be asked first: None), as does a "Not sure" that
        does not page (the engine takes it to the most cautious outcome); a branch follows
        every arm (a library's facts are not known here, so each one must agree); an outcome
        counts when it pages ``immediate``. The roles are the same for every path reached, or
        None. Two situations that give the same answer for one message are two names for the
        same first step: the router does not ask staff to choose between them
        (``bot.router.model.decide``, ``Bands.same_page``)."""
        found: set[frozenset[str]] = set()
        todo, seen = [self.start], set()
        while todo:
            node_id = todo.pop()
            if node_id in seen:
                continue
            seen.add(node_id)
            node = self.nodes.get(node_id)
            if isinstance(node, Question):
                choice = node.choice(answers.get(node.id, ""))
                if choice is None or (choice.id == NOT_SURE and not choice.pages):
                    return None  # asked, or "Not sure" the engine takes to its most cautious
                todo.append(choice.next)
            elif isinstance(node, Branch):
                todo.extend(rule.next for rule in node.rules)
            elif isinstance(node, Outcome):
                escalate = node.spec.get("escalate") or {}
                if escalate.get("urgency") != "immediate" or not escalate.get("roles"):
                    return None
                found.add(frozenset(escalate["roles"]))
            else:
                return None
        return found.pop() if len(found) == 1 else None

    def away(self, answers: dict[str, str]) -> frozenset[str]:
        """The roles whose holders ``answers`` say are away (choices marked ``away``)."""
        roles: set[str] = set()
        for question_id, choice_id in answers.items():
            node = self.nodes.get(question_id)
            choice = node.choice(choice_id) if isinstance(node, Question) else None
            if choice is not None and choice.away:
                roles.add(choice.away)
        return frozenset(roles)


def _ages(spec: Any) -> tuple[int, int] | None:
    if not spec:
        return None
    return int(spec.get("min", 0)), int(spec.get("max", 150))


def _node(node_id: str, spec: LineMap, line: int) -> Node:
    if "ask" in spec:
        choices = spec["choices"]
        return Question(
            id=node_id,
            ask=spec["ask"],
            help=spec.get("help", ""),
            choices=tuple(
                Choice(
                    c["id"],
                    c["label"],
                    tuple(c.get("synonyms", ())),
                    c["next"],
                    choices.line_of(i),
                    c.line_of("next"),
                    critical=bool(c.get("critical", False)),
                    strong=tuple(c.get("strong", ())),
                    offered=tuple(c.get("offered", ())),
                    answer_only=tuple(c.get("answer_only", ())),
                    stated_in_opening=tuple(c.get("stated_in_opening", ())),
                    not_with=tuple(c.get("not_with", ())),
                    if_denied=c.get("if_denied"),
                    if_not_yet=c.get("if_not_yet"),
                    outweighs=tuple(c.get("outweighs", ())),
                    in_hand=bool(c.get("in_hand", False)),
                    not_pictured=bool(c.get("not_pictured", False)),
                    done_by=tuple(c.get("done_by", ())),
                    ages=_ages(c.get("ages")),
                    find_out=c.get("find_out", ""),
                    pages=bool(c.get("pages", False)),
                    topics=tuple(c.get("topic", ())),
                    away=c.get("away"),
                )
                for i, c in enumerate(choices)
            ),
            line=line,
            danger=bool(spec.get("danger")),
        )
    if "branch" in spec:
        arms = spec["branch"]
        return Branch(
            node_id,
            tuple(
                Rule(
                    arm.get("when"),
                    arm.get("next") or arm.get("otherwise"),
                    arms.line_of(i),
                    arm.line_of("next" if "next" in arm else "otherwise"),
                )
                for i, arm in enumerate(arms)
            ),
            line,
        )
    return Outcome(node_id, dict(spec["outcome"]), line)


MAX_TRIGGERS = 300  # per flow: `frontdesk check` compares every trigger with every other


def load_flow(path: Path) -> Flow:
    """Load one flow file; schema problems come back together, each with its line."""
    doc = load_yaml(path)
    triggers = doc.get("triggers") if isinstance(doc, dict) else None
    if isinstance(triggers, list) and len(triggers) > MAX_TRIGGERS:
        line = doc.line_of("triggers") if isinstance(doc, LineMap) else 0
        raise ContentError(Problem(path, line, f"triggers: {len(triggers)} given, at most "
                                   f"{MAX_TRIGGERS} (every one is compared with every other)"))
    problems = validate("flow", doc, path)
    if problems:
        raise ContentError(problems)
    assert isinstance(doc, LineMap)
    if doc["id"] != path.stem:
        problems.append(
            Problem(path, doc.line_of("id"), f"id {doc['id']!r} must match file name {path.stem!r}")
        )
    node_docs: LineMap = doc["nodes"]
    nodes = {nid: _node(nid, spec, node_docs.line_of(nid)) for nid, spec in node_docs.items()}
    for question in (n for n in nodes.values() if isinstance(n, Question)):
        seen: set[str] = set()
        for choice in question.choices:
            if choice.id in seen:
                problems.append(
                    Problem(
                        path, choice.line, f"question {question.id}: duplicate choice {choice.id!r}"
                    )
                )
            seen.add(choice.id)
    dated = {(o.spec["hold"]["counts_from"], o.spec["hold"].get("date_ask", DATE_ASK)): o
             for o in nodes.values()
             if isinstance(o, Outcome) and counts_from_a_day(o.spec.get("hold"))}
    if len(dated) > 1:  # a case keeps one day: every hold of the flow must count from it
        problems.append(Problem(path, max(o.line for o in dated.values()),
                                "holds count from different days (counts_from, date_ask): "
                                + ", ".join(sorted(f"{o.id}: {k[0]}" for k, o in
                                                   dated.items()))))
    if problems:
        raise ContentError(problems)
    return Flow(
        id=doc["id"],
        title=doc["title"],
        description=doc["description"],
        triggers=tuple(doc["triggers"]),
        trigger_lines=tuple(doc["triggers"].line_of(i) for i in range(len(doc["triggers"]))),
        start=doc["start"],
        nodes=nodes,
        path=path,
        topics=tuple(doc["topic"]),
        first=doc.get("first"),
        owner=doc.get("owner"),
        last_reviewed=doc.get("last_reviewed"),
        review_every_days=doc.get("review_every_days"),
        alert_words=tuple(doc.get("alert_words", ())),
        lines={
            "start": doc.line_of("start"),
            "id": doc.line_of("id"),
            "topic": doc.line_of("topic"),
            "nodes": doc.line_of("nodes"),
        },
    )
