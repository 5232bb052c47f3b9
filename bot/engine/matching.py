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
from bot.router.choices import ACCEPT, MARGIN, matcher

__all__ = ["ACCEPT", "MARGIN", "match_choice", "normalise"]

_NUMBER = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s*$")


def normalise(text: str) -> str:
    """Commands ("back", "quit") and menu titles: lower case, punctuation gone."""
    return utils.default_process(text)


def match_choice(question: Question, text: str) -> Choice | None:
    """The choice ``text`` means: by id, by number, or by its words (see ChoiceMatcher.match)."""
    raw = text.strip()
    if direct := question.choice(raw):
        return direct
    if number := _NUMBER.match(raw):
        index = int(number.group(1)) - 1
        return question.choices[index] if 0 <= index < len(question.choices) else None
    if not normalise(raw):
        return None
    return matcher(question).match(raw)
