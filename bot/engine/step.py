"""One step of a conversation: a pure function of (catalogue, conversation, input).

Every face (terminal, scripted JSON, Slack) calls these functions and only renders the
``View`` they return, so a conversation reads the same wherever it happens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from bot.content.catalogue import Catalogue, ResolvedOutcome, resolve_outcome
from bot.content.decisions import RELEASES, URGENCY_ORDER
from bot.content.flows import (
    ASKED_WHEN_UNSAID,
    DATE_ASK,
    NOT_SURE,
    Branch,
    Choice,
    Flow,
    Outcome,
    Question,
    counts_from_a_day,
)
from bot.content.packs import Pack
from bot.engine.conversation import Conversation, Turn
from bot.engine.matching import match_choice, normalise, suggestion, worded
from bot.engine.walk import walk
from bot.privacy.redact import redact
from bot.router.choices import matcher
from bot.router.cues import DENIED, NOT_YET, STATED, Said, cues
from bot.router.prefill import PrefilledAnswer, prefill
from bot.router.text import words as plain_words

BACK_WORDS = frozenset({"back", "go back", "undo", "previous"})
_HEDGE_END = re.compile(r"[?.!]")  # a reply's first sentence: where a hedge opens it
RESTART_WORDS = frozenset({"start over", "restart", "reset", "startover", "begin again"})


Understood = tuple[str, str, str, str]  # question id, choice id, question text, choice label
STATED_DATE = "stated-date"  # the Understanding of the day the opening message gave
CONFIRM = "confirm"  # a turn that put an answer contradicting the opening back to staff
CONTRADICTED = "contradicted"  # an Understanding: the opening's answer, offered to keep
DECLINED = "declined"  # a turn that turned down the "Did you mean …?" offer: asked again
AMBIGUOUS = "ambiguous"  # a turn, and its Understanding: a plain yes that could mean two choices
STATED_DATE_ASK = "{ask} (a hold's deadline counts from this day)"  # the flow's date_ask


@dataclass(frozen=True)
class Understanding:
    """An answer the bot took from staff's own words, echoed so they can check and change it:
    "I understood: <ask> → <label>". ``source``: ``opening`` (stated in the opening message) or
    ``typed`` (an answer typed as words, not a button, id or menu number). As a suggestion
    (``View.suggestion``) it is only offered: the question is still open."""

    question: str
    choice: str
    ask: str
    label: str
    said: str  # the flow's phrase it was heard as (opening), or the redacted typed answer
    source: str

    @property
    def still_so(self) -> str:
        """A suggestion whose ``source`` is ``contradicted``: what staff are asked to confirm,
        the opening's own words first ("You said “refuses” …"), before a face says how. A
        case that kept no words for it (started from "Did you mean", whose stored facts keep
        none) says where it came from instead of quoting nothing. A kept Not sure (the opening
        hedged a release condition: "I think she has the card number? not sure") is put as
        the doubt it was, so that granting the release is a deliberate answer."""
        if self.choice == NOT_SURE:
            about = f' about "{self.said}"' if self.said else ""
            return f"Your first message wasn't sure{about}. Is that still so?"
        if not self.said:
            return f"Your first message said: {self.label}. Is that still so?"
        return f'You said "{self.said}": {self.label}. Is that still so?'


@dataclass(frozen=True)
class HoldPassed:
    """A hold whose period, counted from the day the case says it happened, ran out before the
    case reached the desk: staff must hear that the thing may already be gone, not see an
    active deadline."""

    kind: str
    days: int
    counted_from: str  # ISO date
    ran_out: str  # ISO date

    @property
    def warning(self) -> str:
        start, end = date.fromisoformat(self.counted_from), date.fromisoformat(self.ran_out)
        return (f"Careful: counted from {start:%A} {start.day} {start:%B %Y}, the {self.days} "
                f"days ran out on {end.day} {end:%B %Y}. What they ask for has probably already "
                "been deleted or overwritten: don't promise it still exists. Pass it on anyway, "
                "so someone can check whether it was kept; no deadline is recorded.")

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "days": self.days, "counted_from": self.counted_from,
                "ran_out": self.ran_out}


def hold_passed(hold: dict | None, stated_date: str | None,  # type: ignore[type-arg]
                today: date | None = None) -> HoldPassed | None:
    """The hold ``hold`` (an outcome's) if it counts from ``stated_date`` and its days had run
    out by ``today`` (UTC); else None."""
    if not counts_from_a_day(hold) or not stated_date:
        return None
    assert hold is not None
    start = date.fromisoformat(stated_date)
    ran_out = start + timedelta(days=int(hold["days"]))
    if ran_out > (today or datetime.now(UTC).date()):
        return None
    return HoldPassed(str(hold["kind"]), int(hold["days"]), start.isoformat(),
                      ran_out.isoformat())


@dataclass(frozen=True)
class HoldDue:
    """A hold an outcome starts while it pages nobody ("a note or an email today"): the
    deadline runs all the same, so staff hear when it falls (review 5 m3: footage 28 days old
    had two days left, and the answer said only "today")."""

    kind: str
    days: int
    due: str  # ISO date
    days_left: int
    # The hold's day question when the case gave no day and the hold never assumes today
    # (``ASKED_WHEN_UNSAID``: footage recorded earlier runs out sooner): the deadline is only
    # today's, and the clerk is asked the day (P10-5b).
    ask: str | None = None

    @property
    def notice(self) -> str:
        end = date.fromisoformat(self.due)
        left = "1 day" if self.days_left == 1 else f"{self.days_left} days"
        if self.ask:
            return (f"{self.ask} Nothing you wrote says, so I counted from today: the "
                    f"{self.kind} hold runs {self.days} days, to {end:%A} {end.day} {end:%B %Y} "
                    f"at the latest. Anything from an earlier day runs out sooner: find out the "
                    f"day and pass it on today.")
        return (f"Deadline: the {self.kind} hold runs {self.days} days, to {end:%A} {end.day} "
                f"{end:%B %Y} ({left} left). Pass this on today so nothing is lost.")

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "days": self.days, "due": self.due,
                "days_left": self.days_left, **({"ask": self.ask} if self.ask else {})}


def hold_due(outcome: ResolvedOutcome, stated_date: str | None,
             today: date | None = None) -> HoldDue | None:
    """The running hold of ``outcome`` when it pages nobody (a page shows its own deadline);
    None when it has none, or its days already ran out (``hold_passed``)."""
    hold = outcome.hold
    if not hold or outcome.escalate.pages:
        return None
    now = today or datetime.now(UTC).date()
    counted = date.fromisoformat(stated_date) if counts_from_a_day(hold) and stated_date \
        else now
    due = counted + timedelta(days=int(hold["days"]))
    if due <= now:
        return None
    unsaid = not stated_date and hold.get("counts_from") in ASKED_WHEN_UNSAID
    return HoldDue(str(hold["kind"]), int(hold["days"]), due.isoformat(), (due - now).days,
                   str(hold.get("date_ask", DATE_ASK)) if unsaid else None)


@dataclass(frozen=True)
class View:
    """What a face shows after a step."""

    conversation: Conversation
    question: Question | None
    outcome: ResolvedOutcome | None
    path: tuple[tuple[str, str], ...]
    not_understood: str | None = None  # the (redacted) words we could not match
    # Answers taken from the opening message and still on the path: (question id, choice id,
    # question text, choice label). Faces show them ("I understood: ...") so staff can change them.
    prefilled: tuple[Understood, ...] = ()
    # Every answer taken from staff's words that a face should echo now: the prefilled ones on
    # the path, and the answer just typed in words ("he says it's urgent" → "Yes, ...").
    understood: tuple[Understanding, ...] = ()
    # For the open question: a choice staff's words hinted at but did not state (a weak cue for
    # a safety-critical answer, "maybe a warrant"). Offered, never taken.
    suggestion: Understanding | None = None
    # The outcome was reached through "Not sure": how staff can find out (the flow's find_out),
    # so they can come back and answer.
    find_out: str | None = None
    # The outcome's hold counts from the day the opening message gave, and that many days had
    # already gone by: what it would keep (footage overwritten after 30 days) is probably gone.
    hold_passed: HoldPassed | None = None
    # The outcome pages nobody but starts a hold: when its deadline falls.
    hold_due: HoldDue | None = None
    # Words that answer a question this library's policy does not need (its answer cannot
    # change the outcome here: "he's her uncle, not her dad" where no relative may be told):
    # the question, so faces say so instead of "I didn't catch that". ``not_understood`` is
    # set too (nothing was changed).
    unchanged: str | None = None
    # A plain "no" to the offer just shown ("Did you mean …?"): nothing was chosen, the question
    # is asked again without it. Faces say which offer was turned down.
    declined: Understanding | None = None

    def noted(self, library: str) -> str | None:
        """What every face says for words that cannot change this outcome (``unchanged``),
        ``library`` being the library's name; None otherwise."""
        if self.outcome is None or self.unchanged is None:
            return None
        return (f"Noted, but that doesn't change this answer: {library}'s policy gives the "
                f'same answer whatever the answer to "{self.unchanged}". Nothing changed.')

    @property
    def status(self) -> str:
        return "done" if self.outcome is not None else "asking"

    @property
    def reached_by_not_sure(self) -> bool:
        """Staff answered **Not sure** on the way here (the page says so, whatever the face)."""
        return any(choice == NOT_SURE for _, choice in self.path)


def view(
    catalogue: Catalogue, conversation: Conversation, not_understood: str | None = None
) -> View:
    """Where ``conversation`` stands now."""
    pack = catalogue.pack(conversation.library)
    flow = catalogue.flow(conversation.library, conversation.flow)
    position = walk(pack, flow, conversation.answer_map)
    prefilled = _prefilled_on_path(flow, conversation, position.path, pack)
    understood = _understood(flow, conversation, position.path, pack)
    if isinstance(position.node, Outcome):
        outcome = resolve_outcome(pack, flow, position.node, conversation.answer_map)
        return _offering(View(conversation, None, outcome, position.path, not_understood,
                              prefilled, understood, find_out=_find_out(flow, position.path),
                              hold_passed=hold_passed(outcome.hold, conversation.stated_date),
                              hold_due=hold_due(outcome, conversation.stated_date)))
    return _offering(View(conversation, position.node, None, position.path, not_understood,
                          prefilled, understood,
                          _suggestion(flow, position.node, conversation, not_understood)))


def _offering(shown: View, suggestion: Understanding | None = None) -> View:
    """``shown`` offering ``suggestion`` (default: its own), the offer kept with the
    conversation so that the reply to it ("yes", "nope") is read as a reply to the offer."""
    offer = suggestion if suggestion is not None else shown.suggestion
    offered = (offer.question, offer.choice) if offer is not None else None
    if offered == shown.conversation.offered and offer is shown.suggestion:
        return shown
    return replace(shown, suggestion=offer,
                   conversation=replace(shown.conversation, offered=offered))


def _standing(flow: Flow, conversation: Conversation,
              path: tuple[tuple[str, str], ...], pack: Pack) -> tuple[tuple[str, str], ...]:
    """``path`` and, after it, the answers to circumstance questions the path does not ask
    (``Question.circumstance``: "the director is on vacation" on a warrant's path) where this
    library names a stand-in: they still decide whom the outcome names, so they are echoed and
    can be changed like the others."""
    asked = {q for q, _ in path}
    extra = tuple((q, c) for q, c in conversation.answers if q not in asked
                  and isinstance(node := flow.nodes.get(q), Question) and node.circumstance
                  and any(pack.standing_in(frozenset({ch.away})) for ch in node.choices if ch.away))
    return (*path, *extra)


def _understood(flow: Flow, conversation: Conversation,
                path: tuple[tuple[str, str], ...], pack: Pack) -> tuple[Understanding, ...]:
    """The prefilled answers still on the path, then the last turn if it was typed in words."""
    out = [Understanding(q, c, ask, label, _said(conversation, q), "opening")
           for q, c, ask, label in _prefilled_on_path(flow, conversation, path, pack)]
    if conversation.stated_date:
        day = date.fromisoformat(conversation.stated_date)
        out.append(Understanding(STATED_DATE, conversation.stated_date, date_ask(flow),
                                 f"{day:%A} {day.day} {day:%B %Y}", "", "opening"))
    last = conversation.transcript[-1] if conversation.transcript else None
    if last is not None and last.worded and (last.question, last.choice) in _standing(
            flow, conversation, path, pack):
        question = flow.nodes[last.question]
        assert isinstance(question, Question)
        choice = question.choice(last.choice)
        assert choice is not None
        out.append(Understanding(question.id, choice.id, question.ask, choice.label, last.said,
                                 "typed"))
    return tuple(out)


def date_ask(flow: Flow) -> str:
    """What the day the case gives is, as the clerk reads it beside that day: the flow's hold
    says which day its deadline counts from ("When did the request come in?" for a
    preservation, "When was it recorded?" for footage)."""
    hold = flow.dated_hold or {}
    return STATED_DATE_ASK.format(ask=hold.get("date_ask", DATE_ASK))


def _said(conversation: Conversation, question_id: str) -> str:
    return next((t.said for t in reversed(conversation.transcript) if t.question == question_id),
                "")


def _suggestion(flow: Flow, question: Question, conversation: Conversation,
                not_understood: str | None) -> Understanding | None:
    """What the words typed just now, or else the opening message, hinted for ``question``.

    The opening's guess is not offered again against a reply that passed it over: one about
    this question ("she did not mention an emergency, just that it is urgent") or one that
    denies without naming anything else ("hmm, she didn't say"). A reply about another
    question ("no warrant" asked whether it is an emergency) leaves the guess standing."""
    if not_understood:
        hinted = suggestion(question, not_understood)  # a hedged guess: as ``cautious`` says
        unsure = question.choice(NOT_SURE)
        if hinted is not None:
            return Understanding(question.id, hinted.id, question.ask, hinted.label,
                                 not_understood, "typed")
        if unsure is not None and cues().unsure(_HEDGE_END.split(not_understood, 1)[0]):
            # "i think so? they said so, i didn't read it all": a guess is not an answer
            return Understanding(question.id, unsure.id, question.ask, unsure.label,
                                 not_understood, "typed")
        if _passes_over(flow, question, not_understood):
            return None
    if _last_turn(conversation, question.id) in (DECLINED, AMBIGUOUS):
        return None  # staff said no to the opening's offer, or a yes that fits two: asked plainly
    for question_id, choice_id, said in conversation.suggestions:
        choice = question.choice(choice_id) if question_id == question.id else None
        if choice is not None:
            return Understanding(question.id, choice.id, question.ask, choice.label, said,
                                 "opening")
    return None


def _last_turn(conversation: Conversation, question_id: str) -> str | None:
    """The choice (or CONFIRM, DECLINED) of the latest turn about ``question_id``."""
    return next((t.choice for t in reversed(conversation.transcript)
                 if t.question == question_id), None)


def _passes_over(flow: Flow, question: Question, reply: str) -> bool:
    """``reply``, not understood at ``question``, answers the question's offer rather than
    another question: it names this question's phrases, or it denies and names no other
    question's."""
    here = matcher(question)
    if here.mentions(reply):
        return True
    return here.denies(reply) and not any(
        matcher(other).mentions(reply) for other in flow.questions() if other.id != question.id)


def _find_out(flow: Flow, path: tuple[tuple[str, str], ...]) -> str | None:
    """The find_out hint of the "Not sure" that ended the path, if it did."""
    if not path or path[-1][1] != NOT_SURE:
        return None
    question = flow.nodes.get(path[-1][0])
    choice = question.choice(NOT_SURE) if isinstance(question, Question) else None
    return (choice.find_out or None) if choice is not None else None


def _prefilled_on_path(flow: Flow, conversation: Conversation,
                       path: tuple[tuple[str, str], ...], pack: Pack) -> tuple[Understood, ...]:
    """Prefilled answers that are still the answer given on the path (not since changed)."""
    last: dict[str, Turn] = {}
    for turn in conversation.transcript:
        if turn.question:
            last[turn.question] = turn
    out: list[Understood] = []
    for question_id, choice_id in _standing(flow, conversation, path, pack):
        turn = last.get(question_id)
        question = flow.nodes[question_id]
        if turn is not None and turn.prefilled and turn.choice == choice_id:
            assert isinstance(question, Question)
            choice = question.choice(choice_id)
            label = choice.label if choice else choice_id
            out.append((question_id, choice_id, question.ask, label))
    return tuple(out)


def start(catalogue: Catalogue, library: str, flow_id: str, prefill=(),
          stated_date: str | None = None, case_id: str | None = None,
          opening: tuple[tuple[str, str, str, str, bool], ...] = ()) -> View:
    """Open ``flow_id``; ``prefill`` answers (from the router: objects with ``question``,
    ``choice`` and ``said``) are applied first; those on the resulting path, or on a question
    still ahead of it, are kept; those marked ``suggested`` are only offered. ``stated_date``
    (ISO; the router's ``stated_date.date``) is the day the opening message says it happened: a
    hold counting from a stated date starts there. ``case_id``: the case continues under another
    situation ("something else"), so its page follows it instead of a second one being
    raised.
    ``opening``: what the opening message stated for every situation (``Conversation.opening``),
    kept with the case for the next situation after "something else"."""
    catalogue.flow(library, flow_id)  # raises UnknownName early, before any state exists
    catalogue.pack(library)
    hints = tuple((i.question, i.choice, i.said) for i in prefill if getattr(i, "suggested", False))
    prefill = [i for i in prefill if not getattr(i, "suggested", False)]  # only offered
    conversation = Conversation(library=library, flow=flow_id, suggestions=hints,
                                stated_date=stated_date, opening=opening)
    if case_id is not None:
        conversation = replace(conversation, id=case_id)
    if not prefill:
        return view(catalogue, conversation)
    # Each answer's words redacted once, for both walks below.
    turns = {item.question: Turn(item.question, item.choice,
                                 redact(item.said) if item.said else "", True)
             for item in prefill}
    for turn in turns.values():
        conversation = conversation.with_answer(turn.question, turn.choice, turn)
    opened = view(catalogue, conversation)
    ahead = _reachable(catalogue.flow(library, flow_id), opened.question.id) if (
        opened.question is not None) else set()
    kept = Conversation(library=library, flow=flow_id, id=conversation.id, suggestions=hints,
                        stated_date=stated_date, opening=opening)
    flow = catalogue.flow(library, flow_id)
    on_path = {q for q, _ in opened.path}
    order = [q for q, _ in opened.path] + [
        i.question for i in prefill if i.question not in on_path and (
            i.question in ahead or getattr(flow.nodes.get(i.question), "circumstance", False))]
    for question_id in order:
        turn = turns.get(question_id)
        if turn is not None:
            kept = kept.with_answer(question_id, turn.choice, turn)
    return view(catalogue, kept)


def _reachable(flow: Flow, node_id: str) -> set[str]:
    """Every node a walk can still reach from ``node_id``: a prefilled answer to a question
    further on waits there ("says it's not an emergency" answers the emergency question once
    staff have said what the officer has in writing)."""
    seen: set[str] = set()
    todo = [node_id]
    while todo:
        current = todo.pop()
        node = flow.nodes.get(current)
        if current in seen or node is None:
            continue
        seen.add(current)
        if isinstance(node, Question):
            todo.extend(c.next for c in node.choices)
        elif isinstance(node, Branch):
            todo.extend(r.next for r in node.rules)
    return seen


def restate_date(catalogue: Catalogue, conversation: Conversation, day: str | None) -> View:
    """Correct (or drop, with None) the day the case says it happened (ISO date)."""
    return view(catalogue, replace(conversation, stated_date=day))


def back(catalogue: Catalogue, conversation: Conversation) -> View:
    """Undo the last answer on the current path (answers off the path are already ignored)."""
    current = view(catalogue, conversation)
    if not current.path:
        return current
    question_id, _ = current.path[-1]
    return view(
        catalogue, conversation.without_answer(question_id, Turn(question_id, "back", "back"))
    )


def start_over(catalogue: Catalogue, conversation: Conversation) -> View:
    return view(catalogue, conversation.cleared(Turn("", "start-over", "start over")))


def answer(
    catalogue: Catalogue,
    conversation: Conversation,
    question_id: str,
    choice_id: str,
    said: str | None = None,
    *,
    prefilled: bool = False,
    worded: bool = False,
) -> View:
    """Answer (or re-answer) ``question_id`` with a known choice id, e.g. from a button
    (``worded``: understood from words staff typed, so the view echoes it). ``said``: the
    words typed, redacted here (a button's choice id is the content's own word: not read)."""
    return _answer(catalogue, conversation, question_id, choice_id,
                   redact(said) if said is not None else None,
                   prefilled=prefilled, worded=worded)


def _answer(catalogue: Catalogue, conversation: Conversation, question_id: str,
            choice_id: str, said: str | None, *, prefilled: bool = False,
            worded: bool = False) -> View:
    """``answer`` with ``said`` redacted already (``step`` redacts the typed words once)."""
    flow = catalogue.flow(conversation.library, conversation.flow)
    question = flow.nodes.get(question_id)
    if not isinstance(question, Question) or question.choice(choice_id) is None:
        return view(catalogue, conversation, not_understood=said or redact(choice_id))
    turn = Turn(question_id, choice_id, said if said is not None else choice_id, prefilled,
                worded)
    return view(catalogue, conversation.with_answer(question_id, choice_id, turn))


def step(catalogue: Catalogue, conversation: Conversation, text: str,
         redacted: str | None = None) -> View:
    """Apply typed input: a command (back, start over), a choice id, a number or free words.
    ``redacted``: ``redact(text)``, when the face has it already (not worked out again)."""
    said = redact(text) if redacted is None else redacted
    command = normalise(said)
    if command in BACK_WORDS:
        return back(catalogue, conversation)
    if command in RESTART_WORDS:
        return start_over(catalogue, conversation)
    current = view(catalogue, conversation)
    if current.question is not None and (offered := _offered(conversation, current)):
        reply = cues().offer_reply(said)
        if reply is not None:
            return _replied(catalogue, conversation, current.question, offered, said, reply)
    choice = match_choice(current.question, said) if current.question is not None else None
    if (earlier := _answers_earlier(catalogue, conversation, current, said, choice)) is not None:
        return earlier
    if choice is not None and current.question is not None:
        moved = _answer(catalogue, conversation, current.question.id, choice.id, said,
                        worded=worded(current.question, said))
        return _confirmed(catalogue, conversation, current.question, choice.id, said, moved)
    return _corrected(catalogue, conversation, current, said) or view(
        catalogue, conversation, not_understood=said)  # the outcome stands: nothing caught


def _answers_earlier(catalogue: Catalogue, conversation: Conversation, current: View,
                     said: str, choice: Choice | None) -> View | None:
    """A reply at a question that re-answers an earlier one instead: the words after a plain
    yes or no ("no, not an emergency", "actually no, not an emergency"), or the whole reply
    when the question on screen reads nothing in it ("he says it's not an emergency"), clearly
    answer a question the case has answered otherwise, and name nothing of the question on
    screen. Play-test 7 E13: that "no" answered "is the person a sworn officer?" (a security
    guard: an immediate page) and the officer's emergency stood. The question on screen is
    asked again if the corrected case still needs it. A correction's opener without a plain
    yes or no ("wait, actually it's a subpoena") is ``_corrected``'s."""
    question = current.question
    if question is None:
        return None
    opened = cues().corrected(said)
    text = opened if opened is not None else said
    rest = _after_lead(text)
    if rest is None:
        if opened is not None or choice is not None:
            return None  # the reply's own words answer the question on screen
        rest = said
    if match_choice(question, rest) is not None or suggestion(question, rest) is not None:
        return None
    flow = catalogue.flow(conversation.library, conversation.flow)
    if _takes_back(flow, current, rest):
        return None  # "no, and he doesn't have the court order with him": ``_retracted``'s
    if (found := _re_answered(flow, current, rest, text)) is None:
        return None
    earlier, instead = found
    moved = _answer(catalogue, conversation, earlier.id, instead.id, said, worded=True)
    return _confirmed(catalogue, conversation, earlier, instead.id, said, moved)


def _takes_back(flow: Flow, current: View, words: str) -> bool:
    """``words`` deny or defer an answer the case has ("he doesn't have the court order"):
    ``_retracted`` takes it back (with the flow's ``if_denied`` answer, unconfirmed: taking a
    release condition back needs no proof)."""
    for question_id, choice_id in current.path:
        earlier = flow.nodes[question_id]
        assert isinstance(earlier, Question)
        if any(h.choice == choice_id and h.reading != STATED
               for h in matcher(earlier).hits(words)):
            return True
    return False


def _after_lead(text: str) -> str | None:
    """The words after the plain yes or no that opens ``text`` ("no, not an emergency" → "not
    an emergency"); None when it opens with none, or says nothing after it."""
    lead = cues().lead(text)
    return lead[2] if lead is not None and lead[2].strip() else None


def _re_answered(flow: Flow, current: View, rest: str, whole: str
                 ) -> tuple[Question, Choice] | None:
    """The latest question the case answered that ``rest`` (the words after a plain yes or no)
    clearly answers otherwise, with that answer; ``whole`` (the words with their yes or no)
    must read the same answer there: in "no warrant" the "no" is the words' own, not a lead
    to drop. None when the words answer no answered question otherwise."""
    for question_id, choice_id in reversed(current.path):
        earlier = flow.nodes[question_id]
        assert isinstance(earlier, Question)
        found = match_choice(earlier, rest)
        if found is None or found.id == choice_id:
            continue
        whole_reads = match_choice(earlier, whole)
        if whole_reads is None or whole_reads.id != found.id:
            return None
        return earlier, found
    return None


def _news(catalogue: Catalogue, conversation: Conversation, current: View,
          said: str, *, opener: bool) -> View | None:
    """A typed line that states, as an opening would, a fact this case already answered
    otherwise ("oh wait, he just handed me a search warrant" after "no warrant: pass it on
    today"; "now he says someone could get hurt" after "not urgent") corrects that answer, with
    or without a correction's opener, after the outcome or at a question whose own words read
    nothing of it. Play-test 8 E6: the warrant got "Noted, but that doesn't change this answer"
    (its "search" read as what the officer wants to know) or "I didn't catch that", and no page.

    The line is read whole, as the opening was (``prefill``): one stretch states one fact, so
    "search warrant" is the paper, never also a search. A fact stated plainly re-answers its
    question and the case walks on. A fact only hinted ("he's got a warrant": a search
    warrant? an arrest warrant?), or one that grants a release the opening's own words withheld
    ("no warrant", then the warrant where it opens records), puts its question back with it
    offered: one deliberate pick, never taken from loose words. The same answer again is no
    correction. After the outcome, a line without a correction's opener (``opener``) is news
    only when it would page sooner than the outcome standing ("he just pulled out a warrant"
    after "pass it on today"): "its a subpoena" typed after a warrant's page is no reason to
    stand the page down unasked. A question is put back after the outcome only for news that
    would fetch a person sooner: "wait, actually maybe he will sign" after "no signed request:
    paging now" hints at a release and changes nothing."""
    if current.question is not None and _reads_any(current.question, said):
        return None  # the question on screen hears the line: its answer, not news
    flow = catalogue.flow(conversation.library, conversation.flow)
    answered = dict(current.path)
    changed = [item for item in prefill(flow, said) if item.question in answered
               and item.choice != answered[item.question]]
    stated = [item for item in changed if not item.suggested] or changed[:1]
    moved = view(catalogue, conversation)
    put_back: tuple[Conversation, PrefilledAnswer] | None = None
    for item in stated:
        before = moved.conversation
        moved = _answer(catalogue, before, item.question, item.choice, said, worded=True)
        question = flow.nodes[item.question]
        assert isinstance(question, Question)
        if item.suggested or _confirmed(catalogue, before, question, item.choice, said,
                                        moved) is not moved:
            put_back = (before, item)  # the earliest hint on the flow's order: asked there
            break
    if not stated or not (opener or current.outcome is None
                          or _sooner(current.outcome, moved)):
        return None
    if put_back is not None:
        if current.outcome is not None and not _sooner(current.outcome, moved):
            return None  # "wait, actually maybe he will sign": a hint towards a release
        return _offered_again(catalogue, put_back[0], put_back[1], said) or moved
    return moved


def _sooner(standing: ResolvedOutcome, news: View) -> bool:
    """``news`` would fetch a person sooner than the outcome ``standing``: its outcome pages
    more urgently, or it leads to more questions where ``standing`` pages less than at once."""
    def urgency(outcome: ResolvedOutcome) -> int:
        escalate = outcome.escalate
        return URGENCY_ORDER.index(escalate.urgency if escalate.pages else "none")
    if news.outcome is None:
        return urgency(standing) < URGENCY_ORDER.index("immediate")
    return urgency(news.outcome) > urgency(standing)


def _offered_again(catalogue: Catalogue, conversation: Conversation, item: PrefilledAnswer,
                   said: str) -> View | None:
    """``item``'s question put back to staff with ``item`` offered ("Did you mean …?"), if the
    case then stands at it. The turn is the one a contradiction's is (CONFIRM): the answer
    picked is not put back a second time against the opening's it replaces."""
    turn = Turn(item.question, CONFIRM, said)
    again = view(catalogue, conversation.without_answer(item.question, turn))
    if again.question is None or again.question.id != item.question:
        return None
    return _offering(again, Understanding(item.question, item.choice, item.ask, item.label,
                                          said, "typed"))


def _reads_any(question: Question, said: str) -> bool:
    """``question``'s own words read something in ``said``: an answer or a mention of one."""
    return (match_choice(question, said) is not None or suggestion(question, said) is not None
            or matcher(question).mentions(said))


def _offered(conversation: Conversation, current: View) -> str | None:
    """The choice the "Did you mean …?" on screen offers for the open question, if any (a
    conversation kept before offers were recorded: what its view offers now)."""
    assert current.question is not None
    offer = conversation.offered
    if offer is None and current.suggestion is not None:  # what a view of it offers now
        offer = (current.suggestion.question, current.suggestion.choice)
    if offer is None or offer[0] != current.question.id:
        return None
    return offer[1] if current.question.choice(offer[1]) is not None else None


def _replied(catalogue: Catalogue, conversation: Conversation, question: Question,
             offered: str, said: str, agrees: bool) -> View:
    """A plain yes (``agrees``) or no typed while "Did you mean …?" offers ``offered``.

    Yes takes the offer, not the question's own "Yes, …" option: the clerk answers the bot's
    question, not the menu's. But a yes to an offered "No, …" could mean either, and either may
    be the dangerous reading ("No card" against a release, "No, nobody is in danger" against a
    page), and so could one to any other offer where the question's "Yes" or the offer is a
    release condition ("yes" to "Did you mean 'No: someone looking after the child'?" at "Is it
    the parent?"): the question is asked again plainly, saying why. An offered Not sure is
    taken (it withholds). No takes the offer only where it is
    the question's own "No" option too ("no" to "Did you mean 'No, nobody is in danger'?");
    otherwise it turns the offer down and asks again, choosing nothing."""
    if _last_turn(conversation, question.id) == CONFIRM:  # "You said …: X. Is that still so?"
        literal = None  # a yes keeps X, a no re-asks: the question on screen is "still so?"
    else:
        literal = match_choice(question, "yes" if agrees else "no")  # "sí", "yep": "yes"
    if literal is not None and literal.id != offered:
        opposite = match_choice(question, "no" if agrees else "yes")
        if not agrees or (opposite is not None and opposite.id == offered) or (
                offered != NOT_SURE and _decides_release(question, literal.id, offered)):
            return _declined(catalogue, conversation, question, offered, said,
                             either=literal.label if agrees else None)
    elif not agrees and literal is None:
        return _declined(catalogue, conversation, question, offered, said)
    moved = _answer(catalogue, conversation, question.id, offered, said, worded=True)
    return _confirmed(catalogue, conversation, question, offered, said, moved)


def _decides_release(question: Question, *choice_ids: str) -> bool:
    """One of ``choice_ids`` is a release condition (``critical``): a plain yes that could
    mean the question's own "Yes" or the offered choice must not pick between them."""
    return any((c := question.choice(cid)) is not None and c.critical for cid in choice_ids)


def _declined(catalogue: Catalogue, conversation: Conversation, question: Question,
              choice_id: str, said: str, either: str | None = None) -> View:
    """The offer turned down, or (``either``: the other choice a plain yes could mean) left
    undecided: nothing is chosen; the question is asked again, without the offer."""
    turn = Turn(question.id, AMBIGUOUS if either else DECLINED, said)
    again = view(catalogue, replace(conversation, transcript=(*conversation.transcript, turn)))
    choice = question.choice(choice_id)
    assert choice is not None
    return replace(again, declined=Understanding(question.id, choice_id, question.ask,
                                                 choice.label, either or said,
                                                 AMBIGUOUS if either else "typed"))


def _opening_said(conversation: Conversation, question_id: str
                  ) -> tuple[str, str, bool] | None:
    """(choice id, the flow's phrase heard, stated) the opening message gave for
    ``question_id``: taken from it (stated) or only offered ("he won't fill out any form" read
    as a hint), unless staff already confirmed their own answer over it or turned the offer
    down."""
    turns = [t for t in conversation.transcript if t.question == question_id]
    if turns and turns[-1].choice in (CONFIRM, DECLINED):
        return None
    stated = next((t for t in reversed(turns) if t.prefilled), None)
    if stated is not None:
        return stated.choice, stated.said, True
    return next(((c, hint, False) for q, c, hint in conversation.suggestions
                 if q == question_id), None)


def _confirmed(catalogue: Catalogue, conversation: Conversation, question: Question,
               choice_id: str, said: str, moved: View) -> View:
    """``moved`` (``question`` answered with ``choice_id`` in words typed just now), unless the
    answer contradicts what the opening message said for it ("refuses to fill out any form",
    then "yes he signs") and does not settle on withholding: then the question is put back
    with the opening's answer offered ("You said … Is that still so?"). Giving the new answer
    again takes it. Not sure, or an answer that ends in withholding, needs no confirming:
    taking a release back needs no proof, granting one does. What the opening only hinted at
    is put back the same way when the answer grants a release, or a release condition
    (a safety-critical choice) on the way to one."""
    opening = _opening_said(conversation, question.id)
    if opening is None or opening[0] == choice_id or choice_id == NOT_SURE:
        return moved
    if moved.outcome is not None and moved.outcome.decision not in RELEASES:
        return moved
    chosen = question.choice(choice_id)
    if not opening[2] and moved.outcome is None and not (chosen is not None and chosen.critical):
        return moved  # a hint passed over on the way to more questions: nothing granted yet
    kept = question.choice(opening[0])
    if kept is None:
        return moved
    turn = Turn(question.id, CONFIRM, said)
    if question.id in conversation.answer_map:
        asked = conversation.without_answer(question.id, turn)
    else:
        asked = replace(conversation, transcript=(*conversation.transcript, turn))
    again = view(catalogue, asked)
    if again.question is None or again.question.id != question.id:
        return moved  # the question is no longer where the case stands: nothing to put back
    offer = Understanding(question.id, kept.id, question.ask, kept.label, opening[1],
                          CONTRADICTED)
    return _offering(again, offer)


def _corrected(catalogue: Catalogue, conversation: Conversation, current: View,
               said: str) -> View | None:
    """A line that opens as a correction ("wait, actually it's a subpoena") re-answers the
    latest question already answered that its words answer otherwise; later answers that still
    apply stay. A line without a correction's opener corrects nothing: "yes" after an outcome
    is no reason to turn an earlier "no" around.

    The gate is directional. Words that clearly answer are taken. Words that only mention a
    choice ("wait, actually she's the babysitter": a caretaker, a release condition, so never
    taken from loose words) are taken when the case stands at a release and the correction
    moves it off one: withdrawing a release needs no proof, granting one does. The latest
    question the words mention is the one corrected ("actually no, she's the nanny" is about
    who she is, not about whether the child is under 18)."""
    words = cues().corrected(said)
    if words is None and current.outcome is not None:
        lead = cues().lead(said)  # "no — he's a neighbour" after the answer is a correction
        words = lead[2] if lead is not None and lead[0] and lead[2].strip() else None
    flow = catalogue.flow(conversation.library, conversation.flow)
    if words is None:  # no opener, but "no, and he doesn't have the court order with him"
        # or "he doesnt actually have it with him" takes an answer back all the same
        return (_retracted(catalogue, conversation, flow, current, said, said)
                or _retracted_it(catalogue, conversation, flow, current, said, said)
                or _news(catalogue, conversation, current, said, opener=False))
    if (retracted := _retracted(catalogue, conversation, flow, current, said, words)) is not None:
        return retracted
    releasing = current.outcome is not None and current.outcome.decision in RELEASES
    # "actually no, not an emergency": the words after the "no" name the answer to correct,
    # not the "no" alone, which any latest yes/no question would take (review 8 M1, E13)
    if (rest := _after_lead(words)) is not None and (
            found := _re_answered(flow, current, rest, words)) is not None:
        earlier, instead = found
        moved = _answer(catalogue, conversation, earlier.id, instead.id, said, worded=True)
        return moved if releasing else _confirmed(catalogue, conversation, earlier, instead.id,
                                                  said, moved)
    asked = [(current.question.id, "")] if current.question is not None else []
    for question_id, choice_id in [*asked, *reversed(current.path)]:
        question = flow.nodes[question_id]
        assert isinstance(question, Question)
        choice = match_choice(question, words)
        if choice is not None and choice.id != choice_id:
            moved = _answer(catalogue, conversation, question_id, choice.id, said, worded=True)
            # granting a release the opening's own words withheld is put back to staff first
            return moved if releasing else _confirmed(catalogue, conversation, question,
                                                      choice.id, said, moved)
        mentioned = suggestion(question, words)
        if mentioned is None or mentioned.id == choice_id:
            continue
        moved = _answer(catalogue, conversation, question_id, mentioned.id, said, worded=True)
        if releasing and (moved.outcome is None or moved.outcome.decision not in RELEASES):
            return moved
        # mentioned, but not clearly enough to move towards (or keep) a release: taken only as
        # the whole line states it, as news is
        return _news(catalogue, conversation, current, said, opener=True)
    return (_news(catalogue, conversation, current, said, opener=True)
            or _cannot_change(catalogue, conversation, flow, current, said, words))


def _retracted(catalogue: Catalogue, conversation: Conversation, flow: Flow, current: View,
               said: str, words: str) -> View | None:
    """A correction that names an answer already given and takes it back: denied ("it is not
    a court order, he has nothing in writing") or only promised now ("he will have the court
    order by tonight"). That question hears the words first, read as an opening's are (a
    denial or a promise answers with the flow's ``if_denied`` / ``if_not_yet`` choice); when
    nothing safe replaces the answer it is asked again. Review 6 C7, C8: the words were "not
    caught", or heard by another question ("not in" = the director is away), and the court
    order stood."""
    for question_id, choice_id in reversed(current.path):
        question = flow.nodes[question_id]
        assert isinstance(question, Question)
        reader = matcher(question)
        hits = reader.hits(words)
        if not any(h.choice == choice_id and h.reading != STATED for h in hits):
            continue
        answer, _ = reader.decide(hits)
        instead = question.choice(answer.choice) if answer is not None else None
        if instead is not None and instead.id != choice_id and not instead.critical:
            return _answer(catalogue, conversation, question_id, instead.id, said, worded=True)
        return view(catalogue, conversation.without_answer(
            question_id, Turn(question_id, "back", said)))
    return _retracted_it(catalogue, conversation, flow, current, said, words)


# Words that stand for the thing a correction takes back ("he doesn't have *it* yet").
_PRONOUNS = frozenset({"it", "one", "them", "that"})


def _retracted_it(catalogue: Catalogue, conversation: Conversation, flow: Flow, current: View,
                  said: str, words: str) -> View | None:
    """A correction that denies or defers holding "it" ("wait, he doesn't have it yet", "oh
    he doesnt actually have it with him") takes back the latest thing held that the path
    answered as a release condition (a critical choice that can be only promised: a paper, a
    card), with its ``if_not_yet`` / ``if_denied`` choice, or asks it again."""
    read = Said.of(words, plain_words)
    # the pronoun held ("have it", "with it"), read with its verb as a phrase is read:
    # "didn't read it all" takes nothing back
    holding = cues().holding
    how = {read.reading(i - 1, i + 1) for i, w in enumerate(read.words)
           if w in _PRONOUNS and i > 0 and read.words[i - 1] in holding}
    if not how & {DENIED, NOT_YET}:
        return None
    for question_id, choice_id in reversed(current.path):
        question = flow.nodes[question_id]
        assert isinstance(question, Question)
        choice = question.choice(choice_id)
        # a thing held (a paper, a card: one that can be only promised), not any answer
        if choice is None or not choice.critical or choice.if_not_yet is None:
            continue
        instead = choice.if_not_yet if NOT_YET in how else choice.if_denied
        if instead and question.choice(instead) is not None:
            return _answer(catalogue, conversation, question_id, instead, said, worded=True)
        return view(catalogue, conversation.without_answer(
            question_id, Turn(question_id, "back", said)))
    return None


def _cannot_change(catalogue: Catalogue, conversation: Conversation, flow: Flow,
                   current: View, said: str, words: str) -> View | None:
    """A correction about a question this library never needs asked (not on the case's path:
    its answer cannot change the outcome here) is told so, not "I didn't catch that"."""
    on_path = {q for q, _ in current.path} | (
        {current.question.id} if current.question is not None else set())
    for question in flow.questions():
        if question.id in on_path:
            continue
        choice = match_choice(question, words)
        if choice is not None and question.circumstance and current.outcome is not None:
            # "actually the director is on vacation" after a warrant's page: whom it pages
            moved = _answer(catalogue, conversation, question.id, choice.id, said, worded=True)
            if moved.outcome != current.outcome:
                return moved
        if choice is not None or matcher(question).mentions(words):
            return replace(view(catalogue, conversation, not_understood=said),
                           unchanged=question.ask)
    return None
