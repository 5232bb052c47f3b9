"""Prefill: facts the opening message already states answer the flow's matching questions.

"officer with a search warrant" routes to the law-enforcement flow *and* answers its
"What does the officer have?" question with ``search-warrant``. Only clear facts are taken
(``ChoiceMatcher.decide``): whole phrases, one choice per question, nothing doubted; a denied
phrase ("lacks a warrant") answers with the choice its flow names for the denial; a stated age
answers the question whose choices declare ``ages`` (a school level that straddles its choices,
"in high school", is only offered). A safety-critical choice (``critical`` in
the flow) is taken only from one of its ``strong`` phrases said plainly; a weaker cue ("right
now", "warrant" alone, "maybe a court order") comes back as a *suggestion*: the engine asks the
question and shows it. The faces echo what was understood and staff can change it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from bot.content.flows import NOT_SURE, Branch, Flow, Question
from bot.router.ages import age_choice, age_hint, age_sentences, guessed, past
from bot.router.choices import ChoiceMatcher, Hit, matcher
from bot.router.cues import one_reading
from bot.router.dates import READERS
from bot.router.text import one_message

# "the card or the number" beside an age is no doubt about the age ("17 or 18" is two ages).
_BARE_OR = frozenset({("or",)})


@dataclass(frozen=True)
class PrefilledAnswer:
    question: str  # question id
    choice: str  # choice id
    ask: str  # the question as staff see it
    label: str  # the choice's label
    said: str  # the words of the message that stated it (as written in the flow's phrase)
    suggested: bool = False  # only a suggestion: the question is still asked, offering it

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"question": self.question, "choice": self.choice,
                                "label": self.label}
        if self.suggested:
            data["suggested"] = True
        return data


def prefill(flow: Flow, message: str) -> tuple[PrefilledAnswer, ...]:
    """Every question of ``flow`` that ``message`` answers or hints at, in
    flow order (suggestions marked ``suggested``).

    One stretch of the message states one fact: a phrase found inside a longer phrase found for
    *another* question does not count either ("search warrant" is not also "what they searched").
    """
    with one_message(), one_reading():  # the message's words and clauses once, whichever
        return _prefill(flow, message)  # questions read them


def _prefill(flow: Flow, message: str) -> tuple[PrefilledAnswer, ...]:
    questions = _matchers(flow)
    hits = {q.id: found.hits(message) for q, found, _ in questions}
    spans = [(h.start, h.end) for found in hits.values() for h in found]
    inside = _inside_longer(spans)
    out: list[PrefilledAnswer] = []
    for question, matched, asks_age in questions:
        found = hits[question.id]
        kept: list[Hit] = []
        if found:  # (most questions: the message holds none of their phrases, nothing to
            # contradict, and nothing to decide below: ``decide([])`` is (None, None))
            against = matched.contradicted(message, spans)
            kept = [
                h for h in found
                if (h.start, h.end) not in inside
                and not _answer_only(matched, h) and h.choice not in against
            ]
        # (a question none of whose choices is an age is answered by no age: not read for one)
        by_age = age_choice(question, message) if asks_age else None
        if by_age is not None:  # a stated age outweighs words ("my kid, he's 20")
            aged = question.choice(by_age[0])
            # "was 17 when...", "17 i think?", "about 16": offered, never taken for a release
            then = aged is not None and aged.critical and (past(message) or any(
                guessed(s) or matched.doubted(s, ignore=_BARE_OR)
                for s in age_sentences(message)))
            out.append(_item(question, by_age[0], by_age[1], suggested=then))
            continue
        # "in high school": a senior can be 18
        if asks_age and (hint := age_hint(question, message)):
            out.append(_item(question, hint[0], hint[1], suggested=True))
            continue
        if not kept:
            continue
        answer, suggestion = matched.decide(kept)
        if answer is None and suggestion is not None and _as_if_unsure(flow, question,
                                                                       suggestion):
            answer, suggestion = suggestion, None
        if answer is None and suggestion is None:
            continue
        hit = answer or suggestion
        assert hit is not None
        out.append(_item(question, hit.choice, hit.phrase.text, suggested=answer is None))
    return tuple(out)


def _inside_longer(spans: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """The ``spans`` that lie inside a longer one of them: (start, end) with some other span
    starting no later and ending no earlier. One pass over them in order of start (the longest
    first among those that start alike), keeping the furthest end so far, instead of comparing
    every hit with every span."""
    inside: set[tuple[int, int]] = set()
    furthest = -1
    for start, end in sorted(set(spans), key=lambda span: (span[0], -span[1])):
        if furthest >= end:
            inside.add((start, end))
        furthest = max(furthest, end)
    return inside


@cache
def _matchers(flow: Flow) -> tuple[tuple[Question, ChoiceMatcher, bool], ...]:
    """Each question of ``flow`` with its matcher and whether a choice of it is an age, found
    once per flow (a flow hashes by identity; a question hashes all its choices, each time
    ``matcher`` looks it up)."""
    return tuple((question, matcher(question), any(c.ages is not None for c in question.choices))
                 for question in flow.questions())


@dataclass(frozen=True)
class StatedDate:
    """The day the opening message gives for the flow's hold to count from: the day of the
    thing kept, or the day the request came in, as the hold declares (``counts_from``)."""

    date: str  # ISO date
    said: str  # the words that gave it ("last month", "5 days ago")

    def to_json(self) -> dict[str, Any]:
        return {"date": self.date, "said": self.said}


def stated_start(flow: Flow, message: str, today: date | None = None) -> StatedDate | None:
    """The past date ``message`` gives for ``flow``'s hold to count from, read as the hold
    declares (``counts_from``: ``bot.router.dates.READERS``): "asked us to preserve it last
    month" starts a preservation's 90 days last month; "preserve the logs from last tuesday"
    starts them today (the request's day, not the records'); "footage from 5 days ago" starts
    the footage's days 5 days ago. None for a flow with no such hold."""
    hold = flow.dated_hold
    if hold is None:
        return None
    found = READERS[hold["counts_from"]](message, today or date.today())
    return StatedDate(found[0].isoformat(), found[1]) if found else None


def _answer_only(matched: ChoiceMatcher, hit: Hit) -> bool:
    """A phrase that answers only as a typed answer ("on vacation"): in an opening it may be
    said of anyone ("the patron is on vacation")."""
    choice = matched.choice(hit.choice)
    return choice is not None and hit.phrase.text in choice.answer_only


def _as_if_unsure(flow: Flow, question: Question, hit: Hit) -> bool:
    """A hedged choice ("what looks like child porn") that goes where the question's Not sure
    goes, and pages as it does: whichever was meant, the outcome is the same, so the question
    is not asked. Never a safety-critical choice: a hedge never sets one; never at a question
    a branch reads further on (``answers.<id>``), where the two go on alike and end apart (a
    court order "by certified mail" only offers "nobody waiting": taken, it paged nobody)."""
    choice, unsure = question.choice(hit.choice), question.choice(NOT_SURE)
    if hit.choice == NOT_SURE:  # a hedge that offers Not sure itself stays an offer
        return False
    return (choice is not None and unsure is not None and not choice.critical and unsure.pages
            and choice.next == unsure.next and set(choice.topics) == set(unsure.topics)
            and question.id not in _read_by_branches(flow))


@cache
def _read_by_branches(flow: Flow) -> frozenset[str]:
    """The questions whose answers a branch of ``flow`` reads (once per flow).

    (Imported here: the expressions module brings Jinja2, which ``frontdesk route`` and a warm
    start otherwise never load; only a hedged answer ever asks this.)"""
    from bot.content.expressions import names_used

    return frozenset(name for node in flow.nodes.values() if isinstance(node, Branch)
                     for rule in node.rules if rule.when
                     for name in names_used(rule.when, "answers"))


def _item(question: Question, choice_id: str, said: str, *, suggested: bool) -> PrefilledAnswer:
    choice = question.choice(choice_id)
    assert choice is not None
    return PrefilledAnswer(question.id, choice.id, question.ask, choice.label, said, suggested)


__all__ = ["Hit", "PrefilledAnswer", "StatedDate", "prefill", "stated_start"]
