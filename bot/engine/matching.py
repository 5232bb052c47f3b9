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
from bot.router.ages import age_choice
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
    found = None if number else matcher(question).match(raw)
    if found is None and (by_age := age_choice(question, raw, alone=True)):
        found = question.choice(by_age[0])
    return found


def worded(question: Question, text: str) -> bool:
    """``text`` picked a choice in words of its own, not by id, menu number or exact label:
    what the bot understood is worth echoing back ("he says it's urgent" → "Yes, emergency")."""
    raw = normalise(text)
    if question.choice(text.strip()) or _NUMBER.match(text):
        return False
    return not any(raw in (normalise(c.label), normalise(c.id)) for c in question.choices)


def suggestion(question: Question, text: str) -> Choice | None:
    """A choice a typed answer mentions without stating it ("maybe a warrant"): offered, never
    taken."""
    hit = matcher(question).suggestion(text)
    return question.choice(hit.choice) if hit else None
