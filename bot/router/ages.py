"""Ages in what staff wrote: "my 14-year-old", "her 14 yo", "she's 19", or "19" typed alone.

A question whose choices declare ``ages`` (``{min, max}`` in the flow) is answered by a stated
age. Only an age said as an age counts: a number with "year(s) old", "yo" or "y/o" after it, or
"is", "'s", "aged", "age" or "turned" before it; a number alone only as a whole typed answer.
Two ages that fall to different choices answer nothing.
"""

from __future__ import annotations

import re

from bot.content.flows import Choice, Question

_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
}
_NUMBER = r"(\d{1,3}|" + "|".join(sorted(_WORDS, key=len, reverse=True)) + r")"
_AGE_AFTER = re.compile(
    _NUMBER + r"\s*-?\s*(?:years?|yrs?|y\s*/\s*o|yo|yr\s*old|y\.o\.?)(?![a-z])", re.IGNORECASE)
_AGE_BEFORE = re.compile(
    r"(?:['’]s|\bis|\bwas|\baged?|\bturned|\bturns|\bjust)\s+(?:only\s+|just\s+)?" + _NUMBER
    + r"(?![\d:/.,]\d|\s*(?:am|pm|percent|%|dollars|cents|o'?clock)\b)(?![a-z])",
    re.IGNORECASE)
_ALONE = re.compile(r"^\s*" + _NUMBER + r"\s*(?:years?(?:\s+old)?|yrs?|yo)?\s*[.!]?\s*$",
                    re.IGNORECASE)


def _value(token: str) -> int:
    return int(token) if token.isdigit() else _WORDS[token.lower()]


def ages_in(text: str, *, alone: bool = False) -> set[int]:
    """The ages ``text`` states (``alone``: also a whole answer that is just a number)."""
    found = {_value(m.group(1)) for m in _AGE_AFTER.finditer(text)}
    found |= {_value(m.group(1)) for m in _AGE_BEFORE.finditer(text)}
    if alone and (whole := _ALONE.match(text)):
        found.add(_value(whole.group(1)))
    return {age for age in found if age <= 120}


def age_choice(question: Question, text: str, *, alone: bool = False) -> tuple[str, str] | None:
    """(choice id, the age as said) when ``text`` states ages that all fall to one choice of
    ``question`` (the choices that declare ``ages``); otherwise None."""
    ranged = [c for c in question.choices if c.ages is not None]
    ages = ages_in(text, alone=alone) if ranged else set()
    named = {c.id for c in ranged for age in ages if _covers(c, age)}
    if len(named) != 1 or not all(any(_covers(c, age) for c in ranged) for age in ages):
        return None
    return named.pop(), "age " + ", ".join(str(a) for a in sorted(ages))


def _covers(choice: Choice, age: int) -> bool:
    return choice.ages is not None and choice.ages[0] <= age <= choice.ages[1]
