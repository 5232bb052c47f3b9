"""Match what staff typed to one of a question's choices, or admit we are not sure.

A wrong answer here sends staff down the wrong branch, so the matcher would rather ask
again than guess: it needs a clear winner, not just the best score.

Typed answers go through the same machinery as routing and prefill
(``bot.router.choices.ChoiceMatcher``): the same normalisation (slang, typos, stems) and the
same phrases (choice id, label, synonyms). Only ids and menu numbers are handled here.
"""

from __future__ import annotations

import re

from rapidfuzz import utils

from bot.content.flows import Choice, Question
from bot.router.ages import age_choice, age_hint, approximate, past, states_age
from bot.router.choices import ACCEPT, MARGIN, matcher

__all__ = ["ACCEPT", "MARGIN", "match_choice", "normalise", "suggestion", "worded"]

_NUMBER = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s*$")


def normalise(text: str) -> str:
    """Commands ("back", "quit") and menu titles: lower case, punctuation gone."""
    return utils.default_process(text)


def match_choice(question: Question, text: str) -> Choice | None:
    """The choice ``text`` means: by id, by number, by its words (see ChoiceMatcher.match), or
    by an age it states when the question's choices declare ``ages`` ("19", "she's 14")."""
    raw = text.strip()
    if direct := question.choice(raw):
        return direct
    if number := _NUMBER.match(raw):
        index = int(number.group(1)) - 1
        if 0 <= index < len(question.choices):
            return question.choices[index]
    if not normalise(raw):
        return None
    if states_age(question, raw, alone=True):
        return _by_age(question, raw)
    found = None if number else matcher(question).match(raw)
    return found or _by_age(question, raw)  # a school level all of whose ages fall to one choice


def _by_age(question: Question, raw: str) -> Choice | None:
    """A stated age answers the question, whatever words come with it: "she's 19 but still in
    high school" is an adult, "no, he's 17" is under 18. Ages that disagree ("17 or 18"), or a
    guessed or doubted age for a safety-critical choice ("about 16", "maybe 16?"), answer
    nothing: the question is asked again, offering the age's choice (``suggestion``). So does
    an age in the past for one ("she was 17 when she checked it out": she may be 18 now)."""
    by_age = age_choice(question, raw, alone=True)
    if by_age is None:
        return None
    choice = question.choice(by_age[0])
    if choice is not None and choice.critical and (
            approximate(raw) or past(raw) or matcher(question).doubted(raw)):
        return None
    return choice


def worded(question: Question, text: str) -> bool:
    """``text`` picked a choice in words of its own, not by id, menu number or exact label:
    what the bot understood is worth echoing back ("he says it's urgent" → "Yes, emergency")."""
    raw = normalise(text)
    if question.choice(text.strip()) or _NUMBER.match(text):
        return False
    return not any(raw in (normalise(c.label), normalise(c.id)) for c in question.choices)


def suggestion(question: Question, text: str) -> Choice | None:
    """A choice a typed answer mentions without stating it ("maybe a warrant"; a guessed age,
    "about 16"; a school level across choices, "in high school"): offered, never taken. A
    safety-critical guess in a hedged answer ("adults i think") is offered as the matcher's
    ``cautious`` rule says, the same rule an opening's readings follow."""
    found = _mentioned(question, text)
    if found is None:
        return None
    words = matcher(question)
    offered = words.cautious(found.id, doubted=words.doubted(text))
    return question.choice(offered) if offered is not None else None


def _mentioned(question: Question, text: str) -> Choice | None:
    """The choice ``text`` mentions: by a stated or hinted age, else by the matcher's words."""
    if states_age(question, text, alone=True):
        by_age = age_choice(question, text, alone=True)
        return question.choice(by_age[0]) if by_age else None
    if hinted := age_hint(question, text, alone=True):
        return question.choice(hinted[0])
    hit = matcher(question).suggestion(text)
    return question.choice(hit.choice) if hit else None
