"""Ages in what staff wrote: "my 14-year-old", "her 14 yo", "she's 19", "hes nine", "19"
typed alone, or roughly, as a school level ("in middle school", "8th grade").

A question whose choices declare ``ages`` (``{min, max}`` in the flow) is answered by a stated
age. Only an age said as an age counts: a number (in digits or words) with "year(s) old", "yo"
or "y/o" after it, or "is", "'s", "he's"/"hes", "aged", "age" or "turned" before it; a number
alone only as a whole typed answer ("17", "yes, 9", "no - 19").

A birthday still to come is counted as the age now: "turns 18 next week", "18 next month",
"almost 18" and "will be 18" are all 17. Two ages that fall to different choices answer
nothing. A school level (data: ``bot/data/routing/ages.yaml``) is a span of ages: it answers
only when the whole span falls to one choice, and never when a number is stated ("she's 19 but
still in high school" is 19); a span across choices ("high school": 13 to 19) is only offered
(``age_hint``).

An age said of the person asking ("mom is 45", "a 45 year old dad": ``askers`` in the same
data file) is theirs, not the child's, and answers nothing.
"""

from __future__ import annotations

import re
from functools import cache

from bot.content.flows import NOT_SURE, Choice, Question
from bot.lazyregex import LazyPattern, lazy
from bot.router.cues import remembered
from bot.router.text import read_data, words

_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
}
_NUMBER = (r"(\d{1,3}(?!\d)|(?:" + "|".join(sorted(_WORDS, key=len, reverse=True))
           + r")(?![a-z]))")
# (Speed, not meaning: a case-insensitive choice of words is entered word by word at every
# position a search tries, so each pattern below first looks at the characters there: a
# number's first two (a digit, or a number word's first and second letters: ``_AT_A_NUMBER``),
# a cue word's first (``(?=[...])``), or a word's start (``\b``) before a lookbehind for one.
# Same matches: tests/test_router_fast_paths.py compares them with the plain patterns.)
_AT_A_NUMBER = (r"(?=\d|[" + "".join(sorted({word[0] for word in _WORDS})) + "]["
                + "".join(sorted({word[1] for word in _WORDS})) + "])")
# Not an age: a time, a sum, a fraction or a date ("is 5:30", "is 10 dollars", "is 3/4").
_NOT_AGE = (r"(?![\d:/.,]\d|\s*(?:am|pm|percent|%|dollars|bucks|cents|o'?clock|minutes|"
            r"hours|days|books|items|titles)\b)(?![a-z])")
_AGE_AFTER = lazy(
    r"\b" + _AT_A_NUMBER + r"(?<![\w.])" + _NUMBER
    + r"\s*-?\s*(?:years?|yrs?|y\s*/\s*o|yo|yr\s*old|y\.o\.?)(?![a-z])", re.IGNORECASE)
_AGE_BEFORE = lazy(
    r"(?:['’]s|\b(?=[hstiwajcm])(?:(?:he|she)s|theyre|they\s+are|is|was|aged?|turned|turns|just"
    r"|(?:could|might|may|must)\s+be))"
    r"\s+(?:only\s+|just\s+)?" + _AT_A_NUMBER + _NUMBER + _NOT_AGE,
    re.IGNORECASE)
# A birthday still to come: the age now is one less ("turns 18 next week", "almost 18").
_FUTURE_BEFORE = lazy(
    r"\b(?=[twgan])(?:turns|turning|will\s+be|(?:gonna|going\s+to)\s+be|almost|nearly|"
    r"about\s+to\s+(?:turn|be)|not\s+yet|not\s+quite)\s+" + _NUMBER + r"(?!\s+today)" + _NOT_AGE,
    re.IGNORECASE)
_FUTURE_AFTER = lazy(
    r"\b" + _AT_A_NUMBER + r"(?<![\w.])" + _NUMBER
    + r"\s+(?:next|this\s+coming|in\s+(?:a|an|one|two|three|a\s+few|\d+)"
    r"\s+(?:day|week|month)|soon|on\s+(?:her|his|their)\s+(?:next\s+)?birthday)\b",
    re.IGNORECASE)
# A second age straight after a stated one: "she's 17 or 18", "he's 17, maybe 18" (both count).
_OR_NEXT = lazy(r"\s*(?:or|to|-|/|,)\s*(?:maybe|possibly|probably|even|or)?\s*" + _NUMBER
                + _NOT_AGE, re.IGNORECASE)
# A first age straight before the one read: "his 18 or 17 year old", "18/17 yo", "19 or
# 17-year-old" (both count: only the number touching "year old" was read, so the order decided).
_OR_BEFORE = lazy(r"(?<![\w.:/$])" + _NUMBER + r"\s*(?:or|to|-|/|,)\s*"
                  r"(?:maybe|possibly|probably|even|or)?\s*$", re.IGNORECASE)
# Two ages said as alternatives, one of them perhaps masked next to a name ("[age] or 17"): the
# age is in doubt, whichever way round, even where both fall to one choice ("2 or 3 books" is
# no age).
_MASKED = r"\[age\]"
_ALTERNATIVES = lazy(
    r"(?:" + _AT_A_NUMBER + _NUMBER + r"|" + _MASKED
    + r")\s*(?:or|to|/|-|,\s*(?:or|maybe|possibly|probably))"
    r"\s*(?:maybe\s+|possibly\s+|probably\s+|even\s+)?(?:" + _NUMBER + r"|" + _MASKED
    + r")(?![-\d:/.,]\d)" + _NOT_AGE, re.IGNORECASE)
# Two ages given as a range: "17 or 18", "16-17" (both count, so they may disagree).
_RANGE = lazy(r"(?<![\w.])" + _NUMBER + r"\s*(?:or|to|-|/)\s*" + _NUMBER
              + r"(?=\s*(?:years?|yrs?|yo|$|[,.;!?]))", re.IGNORECASE)
_LEAD = (r"(?:(?:yes|yeah|yep|yup|no|nope|nah|maybe|probably|about|around|roughly|like)\b"
         r"[\s,.;:!-]*)*")
# A typed answer that is, or opens with, a number: "17", "yes, 9", "19 but in high school".
_ALONE = lazy(r"^\s*" + _LEAD + _NUMBER + r"\s*(?:years?(?:\s+old)?|yrs?|yo)?\s*"
              r"(?:[-,;:.!?]|\b(?:but|and|though|or)\b|$)", re.IGNORECASE)
# An age given as a guess: "about 16", "16ish", "17 or so", "maybe 16?".
_APPROXIMATE = lazy(r"\b(?:about|around|roughly|approximately|maybe|probably|or\s+so|ish)"
                    r"\b|\d\s*-?ish\b|\?", re.IGNORECASE)


# An age in the past is not the age now ("she was 17 when she checked it out", "he was 16
# last year"): the child may be 18 by now, so it never sets a safety-critical choice.
_PAST = lazy(r"\b(?:was|were|used\s+to\s+be)\s+(?:only\s+|just\s+|about\s+)?" + _NUMBER
             + r"|\b(?:back\s+then|at\s+the\s+time|years?\s+ago"
             r"|when\s+(?:he|she|they|the\s+\w+)\s+(?:was|were|checked|borrowed|took|got|had)"
             r")\b", re.IGNORECASE)


_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
}
_GRADE = lazy(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+grade|\b("
              + "|".join(_ORDINALS) + r")\s+grade", re.IGNORECASE)


@cache
def _data() -> dict:  # type: ignore[type-arg]
    return read_data("ages.yaml")  # type: ignore[no-any-return]


@cache
def _levels() -> dict[tuple[str, ...], tuple[str, tuple[int, int]]]:
    return {words(str(name)): (str(name), (int(low), int(high)))
            for name, (low, high) in _data()["levels"].items()}


@cache
def _askers() -> frozenset[str]:
    """Every normalised word of the askers ("mom" is "mother", "parent")."""
    return frozenset(w for name in _data()["askers"] for w in words(str(name)))


# The word that holds an age said before it ("*mom* is 45", "*dad*, who is 50", "*grandma*'s
# 70") or after it ("a 45 year old *dad*"). "He's 12", "she's 9" name no holder.
_HOLDER_BEFORE = lazy(r"([A-Za-z]+)(?:\W+(?:who|that))?\W*$")
_HOLDER_AFTER = lazy(r"^\W*(?:old\W+)?([A-Za-z]+)", re.IGNORECASE)
_PRONOUN = lazy(r"(?:he|she|they)", re.IGNORECASE)


def _askers_age(text: str, match: re.Match[str], pattern: LazyPattern) -> bool:
    """The age ``match`` found is said of an asker, not of the child asked about."""
    if pattern is _AGE_AFTER:
        holder = _HOLDER_AFTER.match(text[match.end():])
    elif _PRONOUN.match(match.group(0)):
        return False
    else:
        holder = _HOLDER_BEFORE.search(text[: match.start()])
    return holder is not None and bool(set(words(holder.group(1))) & _askers())


def spans_in(text: str) -> dict[tuple[int, int], str]:
    """The age spans school levels in ``text`` give, each with the level's name ("middle
    school": 10 to 15; "8th grade": 12 to 15)."""
    found: dict[tuple[int, int], str] = {}
    said = words(text)
    present = set(said)
    for name, (label, span) in _levels().items():
        if name[0] in present and any(
                said[i : i + len(name)] == name for i in range(len(said) - len(name) + 1)):
            found[span] = label
    for m in _GRADE.finditer(text):
        grade = int(m.group(1)) if m.group(1) else _ORDINALS[m.group(2).lower()]
        if 1 <= grade <= 12:
            found[(grade + 4, grade + 7)] = m.group(0)
    return found


def _value(token: str) -> int:
    return int(token) if token.isdigit() else _WORDS[token.lower()]


def ages_in(text: str, *, alone: bool = False) -> set[int]:
    """The ages ``text`` states (``alone``: also a whole answer that is just a number), a
    birthday still to come counted as the age now."""
    found: set[int] = set()
    future: list[tuple[int, int]] = []  # where a number was read as a birthday to come
    for pattern in (_FUTURE_BEFORE, _FUTURE_AFTER):
        for m in pattern.finditer(text):
            future.append(m.span(1))
            found.add(_value(m.group(1)) - 1)
    for pattern in (_AGE_AFTER, _AGE_BEFORE):
        for m in pattern.finditer(text):
            if m.span(1) in future or _askers_age(text, m, pattern):
                continue
            found.add(_value(m.group(1)))
            if (other := _OR_NEXT.match(text, m.end(1))) is not None:
                found.add(_value(other.group(1)))
            if (first := _OR_BEFORE.search(text, 0, m.start(1))) is not None:
                found.add(_value(first.group(1)))
    if alone and (whole := _ALONE.match(text)) and whole.span(1) not in future:
        found.add(_value(whole.group(1)))
        for pair in _RANGE.finditer(text):
            found |= {_value(pair.group(1)), _value(pair.group(2))}
    return {age for age in found if 0 <= age <= 120}


def _read_ages(text: str, *, alone: bool = False) -> set[int]:
    """``ages_in(text)``, read once per call however many questions (and rules) ask."""
    return remembered(("ages", text, alone), lambda: ages_in(text, alone=alone))


def _stated(question: Question, text: str, alone: bool) -> tuple[set[tuple[int, int]], str]:
    """The stated ages as spans (an age is a span of one year) and how to echo them: the
    numbers if any are stated (a number beats a school level), else the school levels."""
    if not any(c.ages is not None for c in question.choices):
        return set(), ""
    ages = _read_ages(text, alone=alone)
    if ages:
        return {(a, a) for a in ages}, "age " + ", ".join(str(a) for a in sorted(ages))
    spans = remembered(("age spans", text), lambda: spans_in(text))
    return set(spans), ", ".join(spans[span] for span in sorted(spans))


def age_choice(question: Question, text: str, *, alone: bool = False) -> tuple[str, str] | None:
    """(choice id, the age as said) when ``text`` states ages (or a school level) that all fall
    to one choice of ``question`` (the choices that declare ``ages``); otherwise None."""
    spans, said = _stated(question, text, alone)
    owners = {_owner(question, span) for span in spans}
    if len(owners) != 1 or None in owners:
        return None
    return owners.pop(), said


def age_hint(question: Question, text: str, *, alone: bool = False) -> tuple[str, str] | None:
    """(choice id, the ages as said): the choice most of a stated school level's ages fall to,
    when the level straddles choices ("in high school": under 18, but a senior can be 18):
    offered, never taken."""
    if (either := _either_side(question, text)) is not None:
        return either
    spans, said = _stated(question, text, alone)
    if len(spans) != 1 or age_choice(question, text, alone=alone) is not None:
        return None
    low, high = spans.pop()
    if low == high:
        return None  # a stated number never needs a hint
    share = {c.id: sum(_covers(c, age) for age in range(low, high + 1))
             for c in question.choices if c.ages is not None}
    best = max(share.values(), default=0)
    leaders = [cid for cid, n in share.items() if n == best]
    return (leaders[0], said) if best and len(leaders) == 1 else None


def _either_side(question: Question, text: str) -> tuple[str, str] | None:
    """(Not sure, the ages as said) when ``text`` gives two ages as alternatives that fall to
    different choices ("idk, maybe 17 or 18"): the clerk doesn't know which side of the line
    the child is, so the hint is Not sure, never the side that opens a release."""
    if not any(c.ages is not None for c in question.choices):
        return None  # (no choice is an age: every age falls to none, so never to two)
    for found in (*_RANGE.finditer(text), *_ALTERNATIVES.finditer(text)):
        ages = {_value(n) for n in re.findall(r"\d+|[A-Za-z]+", found.group(0))
                if n.isdigit() or n.lower() in _WORDS}
        owners = {_owner(question, (age, age)) for age in ages}
        if len(owners) > 1 and question.choice(NOT_SURE) is not None:
            return NOT_SURE, found.group(0)
    return None


def states_age(question: Question, text: str, *, alone: bool = False) -> bool:
    """``text`` states an age as a number and ``question`` is answered by ages, whether or not
    the ages agree: words must not answer it instead ("no, he's 17" is about the age, not "no";
    "19 but in high school" is 19)."""
    return (any(c.ages is not None for c in question.choices)
            and bool(ages_in(text, alone=alone)))


def _owner(question: Question, span: tuple[int, int]) -> str | None:
    """The one choice whose ages hold the whole span, if any."""
    for choice in question.choices:
        if choice.ages is not None and choice.ages[0] <= span[0] and span[1] <= choice.ages[1]:
            return choice.id
    return None


def age_sentences(text: str) -> list[str]:
    """The sentences of ``text`` (up to and with their ".", "!" or "?") that state an age: where
    a hedge about the age would sit ("she's 17 i think?")."""
    # (read once per call however many age questions ask, as ``_stated`` reads the ages)
    return remembered(("age sentences", text), lambda: [
        piece for piece in re.findall(r"[^.!?;\n]+[.!?;]*", text)
        if _read_ages(piece)])


# A guess said at the number itself ("about 16", "16ish", "16 or so"), or a sentence that asks.
_GUESSED = lazy(r"\?|\b(?=[armpl])(?:about|around|roughly|approximately|maybe|probably|like)\s+"
                + _NUMBER + r"|" + _AT_A_NUMBER + _NUMBER + r"(?:\s*-?ish\b|\s+or\s+so\b)",
                re.IGNORECASE)  # (one number group where two were: ``guessed`` reads none)


def guessed(sentence: str) -> bool:
    """The age in ``sentence`` (one of ``age_sentences``) is a guess: "about 16", "17 or so",
    "she's 17?". Unlike ``approximate`` (a whole typed answer), "asking about her son" is no
    guess; nor is one said with another as its alternative ("18 or 17 year old", "[age] or
    17"): which of the two is unknown."""
    return remembered(("guessed", sentence), lambda: bool(
        _GUESSED.search(sentence) or _ALTERNATIVES.search(sentence)))


def approximate(text: str) -> bool:
    """The age is a guess ("about 16", "17 or so", "16?"): not enough for a release."""
    return bool(_APPROXIMATE.search(text))


def past(text: str) -> bool:
    """The age is (or may be) one the child had then, not now ("was 17 when she borrowed it")."""
    return bool(_PAST.search(text))


def _covers(choice: Choice, age: int) -> bool:
    return choice.ages is not None and choice.ages[0] <= age <= choice.ages[1]
