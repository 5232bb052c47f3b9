"""What just happened in a case, and what it means for its page: decided once, for every face.

Faces (terminal, script, Slack) only render and collect input. Every step of a case goes
through ``move(before, after, face)``, which says what happened — the case started, moved on,
went back, started over, was switched to another situation, reached an outcome, or an outcome
that stood was superseded by a correction — and which case-trail events (``case.opened``,
``case.answer``, ``case.outcome``) that step adds; ``CaseTrail`` writes them. No face reads the
transcript or names a trail event itself. The stateful ``Case`` drives a whole case this way
(the terminal and the script); the Slack guide, whose case lives in the store between events,
calls ``move`` and writes the trail once its change has won the thread.

``page_action`` says what a step does to the case's page, and the escalation service does
exactly that (``bot.escalation.corrections``):

* a page comes only from an outcome that names someone, or from an explicit "page now";
* a correction that reaches another outcome, or the same outcome paging other people or at
  another urgency ("actually the director is on vacation": the stand-in now), updates the open
  page in place (the new outcome pages too) or withdraws it (it pages nobody) — never a second,
  contradictory page.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any, Protocol

from bot.content.catalogue import Catalogue, ResolvedOutcome
from bot.content.flows import Flow, Question
from bot.engine.conversation import Conversation
from bot.engine.matching import normalise
from bot.engine.step import View
from bot.router.choices import AFFIRMATIONS
from bot.router.cues import cues
from bot.router.prefill import PrefilledAnswer, prefill

log = logging.getLogger("frontdesk.engine")

RAISED, UPDATED, WITHDRAWN = "raised", "updated", "withdrawn"
#: The faces a case is taken in (``move``'s ``face``; the case trail names it).
FACES = frozenset({"terminal", "script", "slack"})
# How every face words a step that undid answers (``Happened.kind``).
SAID = {"went-back": "↩️ Went back", "started-over": "🔄 Started over"}
# "This is something else": back to routing, the same case, nothing paged.
SWITCH_WORDS = frozenset({"something else", "this is something else", "wrong situation",
                          "different situation", "not this"})
# What every face says of an opening it matched to no situation: a decline is read by staff who
# may be facing a medical emergency or a fire the router was never trained on, so "nobody needs
# paging" is never said without 911 first.
NOT_A_PRIVACY_MATTER = (
    "If anyone is hurt or in danger, call 911 now. If this isn't a privacy matter (a jammed "
    "printer, a building problem), handle it the usual way: nobody needs paging.")
# The two ways out every "Did you mean" menu ends with, after the situations it offers, in
# every face: none of them is a page (play-test 5 E9: a deputy returning a lost book was paged
# because "None of these" meant "page someone now"). A page stays one word away ("page").
NOT_PRIVACY = "not-privacy"
NONE_OF_THESE = "none-of-these"
MENU_EXITS = ((NOT_PRIVACY, "Not a privacy matter — nobody needs paging"),
              (NONE_OF_THESE, "None of these — I'll say it another way"))
# Said when staff take the first way out.
NOT_PRIVACY_REPLY = ("Then it isn't one for me: handle it the usual way, nobody needs paging. "
                     "If anyone is hurt or in danger, call 911 now.")
# Asked when staff take the second: their words are routed again, as an opening is.
SAY_IT_AGAIN = "In a few words, what is happening? (no patron names or numbers)"


@dataclass(frozen=True)
class Opening:
    """What staff's opening message decides, the same for every face: the router's answer (a
    situation to start, "Did you mean" suggestions, or nothing) and, for whichever situation is
    finally chosen — the routed one, a "Did you mean" pick, another after "something else" —
    what the message stated for that flow's questions and the day it gives. The words live only
    in the face's memory for the case; nothing here is stored."""

    catalogue: Catalogue
    library: str
    text: str  # redacted
    result: Any  # bot.router.RouteResult
    # the situations whose alert words the words as typed name (``alerted``): redaction may
    # mask them ("Ein Polizist … ein Notfall" → "[name] … [name]": play-test 6 E14); None:
    # read from ``text``
    alerts: tuple[str, ...] | None = None

    @property
    def situation(self) -> str | None:
        """The situation to start at once (the router is confident), or None: not even a
        confident one when the message also states a person in danger now that it does not
        read (``danger_beside``) — then both are offered, the danger first."""
        if self.danger_beside:
            return None
        return self.result.situation

    @cached_property
    def danger_beside(self) -> tuple[str, ...]:
        """The situations that open by asking about danger and read a person in danger now,
        stated (never only offered), in a message the router confidently placed elsewhere,
        in a situation that reads no danger of its own: "a man has a gun in the lobby, and
        his wife wants to know what he checked out" is not only the wife's request (review 8
        C2: the gun paged nobody). Only the situations whose alert words the message names
        are read (one of its alert words or of the words that state its danger outright is in
        the message), so an ordinary opening costs a word search."""
        started = self.result.situation
        if started is None or self._opens_on_danger(started):
            return ()
        said = _folded(self.text)
        beside = tuple(
            flow_id for flow_id in sorted(self.catalogue.flows_for(self.library))
            if flow_id != started and self._opens_on_danger(flow_id)
            and any(word in said for word in _danger_phrases(
                self.catalogue.flow(self.library, flow_id)))
            and self._names_danger(flow_id, stated=True))
        return beside if beside and not self._names_danger(started, stated=True) else ()

    @property
    def offered(self) -> tuple[str, ...]:
        """The "Did you mean" situations: the router's, when it is between a few, then those
        whose alert words the message names (a police officer or an emergency the router could
        not place is offered, never waved off as needing nobody)."""
        router = did_you_mean(self.result)
        if self.danger_beside:
            return (*self.danger_beside, self.result.situation)
        if self.result.situation is not None:
            return self._danger_first(router)
        alerts = self.alerts
        if alerts is None:
            alerts = alerted(self.catalogue, self.library, self.text)
        return self._danger_first(router + tuple(s for s in alerts if s not in router))

    def _danger_first(self, offered: tuple[str, ...]) -> tuple[str, ...]:
        """``offered``, and once the message names a person in danger now (a danger question's
        safety-critical answer read for one of them, stated or only offered), first the
        situations that read it and those that open by asking about danger, in the router's
        order: "mom wants her kid's overdue list, and btw a guy in the parking lot is waving a
        knife" offers the danger before the parent's request (play-test 7 E2)."""
        if len(offered) < 2:
            return offered
        named = {flow_id for flow_id in offered if self._names_danger(flow_id)}
        if not named:
            return offered
        first = named | {flow_id for flow_id in offered if self._opens_on_danger(flow_id)}
        return tuple(sorted(offered, key=lambda flow_id: flow_id not in first))

    def _names_danger(self, flow_id: str, *, stated: bool = False) -> bool:
        """The message reads a danger question's safety-critical answer for ``flow_id``
        (``stated``: said outright, not only offered)."""
        nodes = self.catalogue.flow(self.library, flow_id).nodes
        return any(
            isinstance(question := nodes.get(read.question), Question) and question.danger
            and (choice := question.choice(read.choice)) is not None and choice.critical
            and not (stated and read.suggested)
            for read in self.prefill(flow_id))

    def _opens_on_danger(self, flow_id: str) -> bool:
        """``flow_id``'s first question asks whether anyone is in danger."""
        flow = self.catalogue.flow(self.library, flow_id)
        first = flow.nodes.get(flow.start)
        return isinstance(first, Question) and first.danger

    @property
    def stated_date(self) -> str | None:
        """The day the message says it happened (ISO), for holds counted from it."""
        return self.result.stated_date.date if self.result.stated_date else None

    def prefill(self, flow_id: str) -> tuple[PrefilledAnswer, ...]:
        """What the message stated, read for ``flow_id``'s questions: the router's reading
        (of the words as typed) for the situation it started or offered, else the redacted
        text's."""
        if flow_id == self.result.situation:
            return tuple(self.result.prefill)
        for offered, read in self.result.offered_prefill:
            if offered == flow_id:
                return tuple(read)
        return prefill(self.catalogue.flow(self.library, flow_id), self.text)

    def facts(self, flow_ids: Iterable[str] | None = None
              ) -> tuple[tuple[str, str, str, str, bool], ...]:
        """What the message stated for ``flow_ids`` (default: every situation of the library),
        as structured answers (``Conversation.opening``): kept with the case so that "something
        else" re-applies them in any face, with the message itself long gone. A suggestion
        keeps the flow's phrase it was heard as, as ``Conversation.suggestions`` does; an
        answer keeps none.

        Reading the message for a flow's questions is most of an opening's cost: faces pass
        the situations started or offered, and a situation picked later is read then, while the
        words are still in the face's memory (``switch``)."""
        wanted = self.catalogue.flows_for(self.library) if flow_ids is None else flow_ids
        return tuple(fact for flow_id in sorted(set(wanted))
                     for fact in as_facts(flow_id, self.prefill(flow_id)))


def as_facts(flow_id: str, read: Sequence[PrefilledAnswer]
             ) -> tuple[tuple[str, str, str, str, bool], ...]:
    """What a message stated for ``flow_id`` (``read``), as ``Conversation.opening`` keeps it."""
    return tuple((flow_id, item.question, item.choice, item.said if item.suggested else "",
                  item.suggested) for item in read)


def _folded(text: str) -> str:
    """Lower case, accents and punctuation gone, padded with spaces for whole-word search."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c))
    return f" {normalise(bare)} "


def alerted(catalogue: Catalogue, library: str, text: str) -> tuple[str, ...]:
    """The library's situations whose ``alert_words`` ``text`` names as whole words, in the
    order the words first appear."""
    said = _folded(text)
    found: list[tuple[int, str]] = []
    for flow_id in sorted(catalogue.flows_for(library)):
        places = [said.find(_folded(word)) for word in catalogue.flow(library, flow_id).alert_words]
        if hits := [p for p in places if p >= 0]:
            found.append((min(hits), flow_id))
    return tuple(flow_id for _, flow_id in sorted(found))


@lru_cache(maxsize=256)
def _danger_phrases(flow: Flow) -> tuple[str, ...]:
    """The words that may mean a person in danger for ``flow``, folded as ``_folded`` folds a
    message: its alert words and the phrases that state its first question's safety-critical
    answers outright. Folded once per flow, not on every confident opening (``danger_beside``
    reads them for each)."""
    first = flow.nodes.get(flow.start)
    stating = (word for choice in first.choices if choice.critical for word in choice.strong
               ) if isinstance(first, Question) else ()
    return tuple(_folded(word) for word in (*flow.alert_words, *stating))


def did_you_mean(result: Any) -> tuple[str, ...]:
    """The situations to offer as "Did you mean" for a routing ``result`` (a RouteResult):
    the router's suggestions when it is between a few, or its closest guess when it declined
    a message it nearly placed; else none (every face then lists all)."""
    if result is None or result.band == "confident":
        return ()
    return tuple(c.situation for c in result.suggestions)


def menu_exit(text: str, offered: Sequence[str]) -> str | None:
    """The way out of a "Did you mean" menu (``MENU_EXITS``) ``text`` takes: its number,
    after the ``offered`` situations, or its words; None otherwise."""
    if not offered:
        return None
    words = normalise(text)
    for number, (exit_id, label) in enumerate(MENU_EXITS, len(offered) + 1):
        if words in (str(number), normalise(label), normalise(label.split(" — ")[0])):
            return exit_id
    return None


# Taking the one situation a "Did you mean" offers: the offer is a question ("did you mean
# X?"), and staff answer it the way they answer any yes/no question.
TAKE_OFFER_WORDS = AFFIRMATIONS | frozenset({"that one", "that", "this one", "ok", "okay",
                                             "yes please", "yes that one", "yeah that one"})


def offered_pick(text: str, offered: Sequence[str]) -> str | None:
    """The "Did you mean" situation ``text`` picks from ``offered`` (the list on screen): its
    number, or a plain yes when it offers only one; None otherwise."""
    words = normalise(text)
    if words.isdigit() and 1 <= int(words) <= len(offered):
        return offered[int(words) - 1]
    if len(offered) == 1 and words in TAKE_OFFER_WORDS:
        return offered[0]
    return None


def opening_prefill(catalogue: Catalogue, conversation: Conversation, flow_id: str
                    ) -> tuple[PrefilledAnswer, ...]:
    """What the case's opening message stated for ``flow_id`` (``Conversation.opening``),
    checked against the flow as it is now."""
    flow = catalogue.flow(conversation.library, flow_id)
    found = []
    for fact_flow, question_id, choice_id, said, suggested in conversation.opening:
        node = flow.nodes.get(question_id) if fact_flow == flow_id else None
        choice = node.choice(choice_id) if isinstance(node, Question) else None
        if isinstance(node, Question) and choice is not None:
            found.append(PrefilledAnswer(node.id, choice.id, node.ask, choice.label, said,
                                         suggested))
    return tuple(found)


def merged(prefill: Sequence[PrefilledAnswer], kept: Sequence[PrefilledAnswer]
           ) -> tuple[PrefilledAnswer, ...]:
    """``prefill`` (from newer words) plus ``kept`` (the opening's) for the other questions."""
    said = {item.question for item in prefill}
    return (*prefill, *(item for item in kept if item.question not in said))


def switch(catalogue: Catalogue, conversation: Conversation, flow_id: str,
           prefill: Sequence[PrefilledAnswer] = (), opening: Opening | None = None) -> View:
    """"This is something else", then ``flow_id``: the same case (its id, so its page follows
    instead of a second one) under another situation, starting from what the opening message
    stated for it (plus ``prefill``, from a newer description) and the day it gave.

    ``opening``: the opening message, when the face still holds it. The case keeps only the
    facts read at the opening (for the situations started or offered); a situation not read
    then is read now, and its facts are kept with the case like the others."""
    from bot.engine.step import start

    kept = opening_prefill(catalogue, conversation, flow_id)
    facts = conversation.opening
    if opening is not None and not any(fact[0] == flow_id for fact in facts):
        kept = opening.prefill(flow_id)
        facts = (*facts, *as_facts(flow_id, kept))
    return start(catalogue, conversation.library, flow_id, merged(prefill, kept),
                 conversation.stated_date, case_id=conversation.id, opening=facts)


def open_case(catalogue: Catalogue, library: str, text: str, router: Any = None,
              redacted: str | None = None) -> Opening:
    """Route staff's opening words as typed (``router``: the face's, or the library's). The
    router redacts them once (``redacted``: the face has, as it stored them); the opening
    keeps only that redacted text, which every later reading (prefill for another situation)
    uses."""
    from bot.router import router_for

    router = router or router_for(catalogue, library)
    result = router.route(text, redacted=redacted)
    alerts = None if result.situation is not None else alerted(catalogue, library, text)
    return Opening(catalogue, library, result.text, result, alerts)


@dataclass(frozen=True)
class Happened:
    """One step of a case, as every face tells it.

    ``kind``: started | moved-on | went-back | started-over | switched | redated (the day the
    case says it happened was corrected) | not-understood | unchanged. ``reached`` is the
    outcome id the step arrived at (None while asking);
    ``superseded`` the outcome id that stood before and no longer does; ``answered`` the
    (question id, choice id) a moved-on step answered.
    """

    kind: str
    reached: str | None = None
    superseded: str | None = None
    answered: tuple[str, str] | None = None

    @property
    def undid(self) -> bool:
        """The step took answers back (went back or started over)."""
        return self.kind in SAID

    @property
    def changed(self) -> bool:
        """The step changed the case's answers or situation (not a line the engine did not
        understand, nor one that left everything as it was)."""
        return self.kind not in ("unchanged", "not-understood")


def happened(before: View | None, after: View) -> Happened:
    """What the step from ``before`` to ``after`` did (``before`` None, or another case: the
    case opened)."""
    reached = after.outcome.id if after.outcome is not None else None
    if before is None or before.conversation.id != after.conversation.id:
        return Happened("started", reached)
    if before.conversation.flow != after.conversation.flow:
        return Happened("switched", reached, _superseded(before, after))
    if after.not_understood is not None:
        return Happened("not-understood")
    new_turns = after.conversation.transcript[len(before.conversation.transcript):]
    if not new_turns and before.conversation.stated_date != after.conversation.stated_date:
        return Happened("redated", reached)  # a hold's deadline counts from the new day
    if not new_turns:
        return Happened("unchanged", reached if before.outcome is None else None)
    last = new_turns[-1]
    kind = {"back": "went-back", "start-over": "started-over"}.get(last.choice, "moved-on")
    was = before.outcome.id if before.outcome is not None else None
    return Happened(kind, reached if reached != was else None, _superseded(before, after),
                    (last.question, last.choice) if kind == "moved-on" else None)


def _superseded(before: View, after: View) -> str | None:
    if before.outcome is None:
        return None
    if after.outcome is not None and after.outcome.id == before.outcome.id:
        return None
    return before.outcome.id


# --- the case trail ------------------------------------------------------------------------

OPENED, ANSWER, OUTCOME = "case.opened", "case.answer", "case.outcome"
DATED = "case.dated"  # the day the case says it happened, corrected (an ISO date or None)
TrailEvent = tuple[str, dict[str, Any]]


@dataclass(frozen=True)
class Move:
    """One step of a case, decided once for every face: the views on either side, what it
    did, and the case-trail events it adds (structured answers only: question and choice
    ids, never what staff typed)."""

    before: View | None
    after: View
    happened: Happened
    trail: tuple[TrailEvent, ...]


def move(before: View | None, after: View, face: str) -> Move:
    """The step from ``before`` to ``after`` taken in ``face`` (terminal, script, slack)."""
    what = happened(before, after)
    return Move(before, after, what, _trail(before, after, what, face))


def _trail(before: View | None, after: View, what: Happened, face: str
           ) -> tuple[TrailEvent, ...]:
    conversation = after.conversation
    events: list[TrailEvent] = []
    if what.kind in ("started", "switched"):
        opened: dict[str, Any] = {"flow": conversation.flow, "face": face}
        if what.kind == "switched" and before is not None:
            opened["switched_from"] = before.conversation.flow
        events.append((OPENED, opened))
        turns = conversation.transcript  # the opening message's facts, if any
    elif what.kind == "redated":
        events.append((DATED, {"stated_date": conversation.stated_date}))
        turns = ()
    elif what.kind == "not-understood" or before is None:
        turns = ()
    else:
        turns = conversation.transcript[len(before.conversation.transcript):]
    events += [(ANSWER, turn.to_json()) for turn in turns]
    if events and after.outcome is not None:
        events.append((OUTCOME, {"outcome": after.outcome.id,
                                 "decision": after.outcome.decision}))
    return tuple(events)


class TrailSink(Protocol):
    """Where case-trail events go (``EscalationService.record``: the tamper-evident audit)."""

    def record(self, kind: str, *, library: str, actor: str | None = None,
               conversation_id: str | None = None, data: dict[str, Any] | None = None
               ) -> None: ...


class CaseTrail:
    """Writes the trail events of each ``Move`` for one library and actor. A failure to write
    is logged, never raised: the trail must not take the guidance down with it.

    ``atomic``: the step's events written as one part that rolls back alone when one fails
    (``bot.store.txn.savepoint`` when the step's own transaction is open: no half trail is
    committed with the step, and on PostgreSQL the failed statement does not abort it)."""

    def __init__(self, sink: TrailSink | None, library: str, actor: str | None,
                 atomic: Callable[[], AbstractContextManager[None]] = nullcontext):
        self.sink = sink
        self.library = library
        self.actor = actor
        self.atomic = atomic

    def write(self, step: Move, actor: str | None = None) -> None:
        if self.sink is None:
            return
        try:
            with self.atomic():
                for kind, data in step.trail:
                    self.sink.record(kind, library=self.library, actor=actor or self.actor,
                                     conversation_id=step.after.conversation.id, data=data)
        except Exception:
            log.exception("recording the case trail failed")


@dataclass(frozen=True)
class PageKey:
    """Whom an open page is for: the outcome that raised it, the roles it pages and how
    urgently. ``None`` where not known (a page kept before its roles were): not compared."""

    outcome: str
    roles: tuple[str, ...] | None = None
    urgency: str | None = None

    @classmethod
    def of(cls, outcome: ResolvedOutcome) -> PageKey:
        return cls(outcome.id, tuple(outcome.escalate.roles), outcome.escalate.urgency)

    def same_page(self, other: PageKey) -> bool:
        """The same outcome paging the same people as urgently: nothing to change. One
        outcome may page the Director or the stand-in by the answers (the pack's stand-in)."""
        return (self.outcome == other.outcome
                and (self.roles is None or other.roles is None or self.roles == other.roles)
                and (self.urgency is None or other.urgency is None
                     or self.urgency == other.urgency))


def page_action(open_page: PageKey | None, outcome: ResolvedOutcome | None) -> str | None:
    """What reaching ``outcome`` does to the case's page, when the page the case's outcome
    raised earlier (still open) is ``open_page`` (None: no open page).

    ``outcome`` None means the case no longer stands at an outcome (went back to a question):
    an open page stays until the case reaches its next outcome.
    """
    if outcome is None:
        return None
    pages = outcome.escalate.pages
    if open_page is None:
        return RAISED if pages else None
    if open_page.same_page(PageKey.of(outcome)):
        return None
    return UPDATED if pages else WITHDRAWN


@dataclass(frozen=True)
class PageChange:
    """One page event of a case: what ``run --json`` lists and the faces tell staff."""

    escalation: str | None
    action: str  # raised | updated | withdrawn
    roles: tuple[str, ...]
    urgency: str

    def to_json(self) -> dict[str, Any]:
        return {"escalation": self.escalation, "action": self.action,
                "roles": list(self.roles), "urgency": self.urgency}


class PageLedger:
    """The page events of one case without a paging service (the scripted face, the bench):
    the same ``page_action`` rules the escalation service applies, ids numbered per case."""

    def __init__(self, case_id: str):
        self.case_id = case_id
        self.changes: list[PageChange] = []
        self._open: tuple[str, PageKey] | None = None  # (escalation id, whom it pages)
        self._count = 0

    def reach(self, outcome: ResolvedOutcome | None) -> PageChange | None:
        action = page_action(self._open[1] if self._open else None, outcome)
        if action is None or outcome is None:
            return None
        if action == RAISED:
            self._count += 1
            escalation = f"{self.case_id}-{self._count}"
        else:
            assert self._open is not None
            escalation = self._open[0]
        if action == WITHDRAWN:
            change = PageChange(escalation, action, (), "none")
            self._open = None
        else:
            change = PageChange(escalation, action, outcome.escalate.roles,
                                outcome.escalate.urgency)
            self._open = (escalation, PageKey.of(outcome))
        self.changes.append(change)
        return change

    def page_now(self) -> PageChange:
        """Staff asked for a person: always a page of its own (immediate, privacy in-charge)."""
        self._count += 1
        change = PageChange(f"{self.case_id}-{self._count}", RAISED, ("privacy-in-charge",),
                            "immediate")
        self.changes.append(change)
        return change

    @property
    def raised(self) -> int:
        return sum(1 for c in self.changes if c.action == RAISED)


CHANGE_WORDS = frozenset({"change", "change answer", "fix", "correct", "edit"})
PAGE_WORDS = frozenset({"page", "page now", "page the privacy in charge"})


def wants_change(conversation: Conversation | None, text: str) -> bool:
    """``text`` asks to change an answer ("change", "fix", "correct"), unless it replies to the
    "Did you mean …?" on screen: there "correct" says the offer is right."""
    if normalise(text) not in CHANGE_WORDS:
        return False
    return conversation is None or conversation.offered is None or (
        cues().offer_reply(text) is not True)


class Case:
    """One case, as every face that holds it in memory drives it (the terminal, the script,
    the bench): opening (routing, prefill, "Did you mean"), each step (``step``, ``answer``,
    ``switch``, ...), what each did (``trail``: ``Happened``; the last ``Move`` in ``last``),
    the questions put to staff in order (``asked``), the page events without a paging service
    (``pages``, by the rules the escalation service applies) and the case trail, written to
    ``sink`` as it happens. The opening message stays in memory only."""

    def __init__(self, catalogue: Catalogue, library: str, *, face: str = "script",
                 actor: str | None = None, sink: TrailSink | None = None):
        self.catalogue = catalogue
        self.library = library
        self.face = face
        self.view: View | None = None
        self.opening: Opening | None = None
        self.stated_date: str | None = None  # the day the opening message gives (ISO)
        self.routing: Any = None  # the last RouteResult
        # The "Did you mean" list staff last saw: it stays on screen (and its numbers keep
        # meaning its situations) until a new description is routed to a situation or to
        # another offer; a line that routes nowhere does not take it away.
        self.offered: tuple[str, ...] = ()
        self.asked: list[str] = []
        self.trail: list[Happened] = []
        self.last: Move | None = None
        self.pages: PageLedger | None = None
        self.recorder = CaseTrail(sink, library, actor)
        self._switching = False  # "something else": the next situation goes on the case

    @property
    def choosing(self) -> bool:
        """No situation yet (the router was not sure, or staff said "something else")."""
        return self.view is None or self._switching

    def route(self, text: str) -> Any:
        """Route an opening (or, after "something else", a new) description; start the flow
        when the router is confident, with what the opening message stated."""
        picked = self._picked(text.strip())
        if picked is not None:  # a situation picked by id, or by its "Did you mean" number
            self.start(picked)
            return self.routing
        opening = open_case(self.catalogue, self.library, text)
        result = opening.result
        if self.opening is None or (not self._switching and self.view is None):
            # New words while "Did you mean" waits say the case again ("actually it's not a
            # court order, just a letter"), or another one ("sorry, wrong one, it's a different
            # deputy"): either way they are the case's opening, read alone. Nothing of the words
            # they replace carries over, least of all a release condition (a paper, a card).
            self.opening = opening
            self.stated_date = opening.stated_date
        self.routing = result
        if opening.situation is not None:
            self.offered = ()
            self.start(opening.situation, result.prefill)
        elif opening.offered:
            self.offered = opening.offered
        return result

    def say_it_again(self) -> None:
        """"None of these — I'll say it another way": the words that follow are a new
        opening. Nothing the rejected words stated is kept or hinted (review 6 m5: "says its
        an emergency" of the words turned down hinted danger for a husband's question)."""
        self.offered = ()
        if self.view is None:
            self.opening = None
            self.stated_date = None

    def _picked(self, text: str) -> str | None:
        if text in self.catalogue.flows_for(self.library):
            return text
        return offered_pick(text, self.offered)

    def start(self, flow_id: str, prefill: Sequence[PrefilledAnswer] = ()) -> View:
        """Open ``flow_id``; a pick from "Did you mean" keeps the opening's facts (read again
        for this flow's questions). After "something else" the case goes on under the new
        situation (``switch``: same case id, so its page follows; the opening's facts)."""
        from bot.engine.step import start

        switching, self._switching = self._switching, None
        self.offered = ()
        if switching and self.view is not None:
            return self._moved(self.view, switch(self.catalogue, self.view.conversation,
                                                 flow_id, prefill, self.opening))
        if not prefill and self.opening is not None:
            prefill = self.opening.prefill(flow_id)
        new = start(self.catalogue, self.library, flow_id, prefill, self.stated_date,
                    opening=self.opening.facts((flow_id,)) if self.opening is not None else ())
        if self.pages is None:
            self.pages = PageLedger(new.conversation.id[:8])
        return self._moved(None, new)

    def switch(self) -> None:
        """"This is something else": back to routing; the same case, nothing paged."""
        assert self.view is not None
        self._switching = True
        self.offered = ()
        self.trail.append(Happened("switched"))

    def step(self, text: str) -> View:
        """A typed line for the engine: an answer, a choice number or id, back, start over."""
        from bot.engine.step import step

        assert self.view is not None
        return self._moved(self.view, step(self.catalogue, self.view.conversation, text))

    def answer(self, question_id: str, choice_id: str, said: str | None = None, *,
               worded: bool = False) -> View:
        """(Re-)answer ``question_id`` with a known choice ("change"; ``worded``: understood
        from words typed, so echoed); later answers that still apply stay."""
        from bot.engine.step import answer

        assert self.view is not None
        return self._moved(self.view, answer(self.catalogue, self.view.conversation,
                                             question_id, choice_id, said, worded=worded))

    def restate_date(self, day: str | None) -> View:
        """Correct (or drop) the day the case says it happened."""
        from bot.engine.step import restate_date

        assert self.view is not None
        return self._moved(self.view, restate_date(self.catalogue, self.view.conversation, day))

    def say(self, text: str) -> View:
        """One scripted line: something else, page, change <question> <answer>, or anything
        the engine takes (an answer, back, start over)."""
        from bot.engine.matching import match_choice, normalise

        assert self.view is not None and self.pages is not None
        words = normalise(text)
        if words in SWITCH_WORDS:
            self.switch()
            return self.view
        if words in PAGE_WORDS:
            self.pages.page_now()
            return self.view
        head, _, rest = text.strip().partition(" ")
        if normalise(head) in CHANGE_WORDS and rest:
            question_id, _, said = rest.strip().partition(" ")
            flow = self.catalogue.flow(self.library, self.view.conversation.flow)
            node = flow.nodes.get(question_id)
            if isinstance(node, Question) and (choice := match_choice(node, said)):
                return self.answer(node.id, choice.id, said)
        return self.step(text)

    def _moved(self, before: View | None, after: View) -> View:
        assert self.pages is not None
        self.last = move(before, after, self.face)
        what = self.last.happened
        self.trail.append(what)
        self.recorder.write(self.last)
        if after.question is not None and what.kind != "not-understood":
            self.asked.append(after.question.id)
        if after.outcome is not None:
            self.pages.reach(after.outcome)  # page_action: nothing for the same outcome
        self.view = after
        return after
