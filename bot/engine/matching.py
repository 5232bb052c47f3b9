"""Match what staff typed to one of a question's choices, or admit we are not sure.

A wrong answer here sends staff down the wrong branch, so the matcher would rather ask
again than guess: it needs a clear winner, not just the best score.
"""

from __future__ import annotations

import re
from functools import cache

from rapidfuzz import fuzz, process, utils

from bot.content.flows import Choice, Question

ACCEPT = 82.0  # below this the best candidate is not trusted
MARGIN = 8.0  # the winner must beat the best *other* choice by this much

_NUMBER = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s*$")


def normalise(text: str) -> str:
    return utils.default_process(text)


@cache
def _candidates(question: Question) -> tuple[list[str], list[str]]:
    """Every phrase that names a choice (id, label, synonyms), normalised, with its choice id."""
    phrases: list[str] = []
    owners: list[str] = []
    for choice in question.choices:
        for phrase in (choice.id.replace("-", " "), choice.label, *choice.synonyms):
            phrases.append(normalise(phrase))
            owners.append(choice.id)
    return phrases, owners


def match_choice(question: Question, text: str) -> Choice | None:
    """The choice ``text`` means: by id, by number, by exact phrase, or by a clear fuzzy winner."""
    raw = text.strip()
    if direct := question.choice(raw):
        return direct
    if number := _NUMBER.match(raw):
        index = int(number.group(1)) - 1
        return question.choices[index] if 0 <= index < len(question.choices) else None
    said = normalise(raw)
    if not said:
        return None
    phrases, owners = _candidates(question)
    for phrase, owner in zip(phrases, owners, strict=True):
        if said == phrase:
            return question.choice(owner)
    best: dict[str, float] = {}
    for _, score, index in process.extract(
        said, phrases, scorer=fuzz.WRatio, processor=None, limit=None
    ):
        owner = owners[index]
        best[owner] = max(best.get(owner, 0.0), score)
    ranked = sorted(best.items(), key=lambda item: item[1], reverse=True)
    if not ranked or ranked[0][1] < ACCEPT:
        return None
    if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < MARGIN:
        return None
    return question.choice(ranked[0][0])
