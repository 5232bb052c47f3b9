"""Dates in what staff wrote: "last month", "5 days ago", "yesterday", "on Monday", "Nov 3".

A hold counts from one day, and which day is a property of the hold, declared in its flow
(``counts_from``); each kind has its reader here (``READERS``):

- ``stated-date``: the day of the thing kept. Footage is overwritten so many days after it
  was recorded, so its hold counts from the recording, and only a date said of the recording
  is taken ("yesterday's video", "footage from last night", "the video of monday", "recorded
  on the 3rd", "footage of last friday's break-in"). A date of the crime, the case or the
  investigation is not ("a detective working a break-in from last month wants yesterday's
  video" was recorded yesterday: taken as last month, the footage was called gone and no
  deadline was kept, P10-5b). When none dates the recording, or those that do disagree, none
  is taken: the clerk is asked when it was recorded.
- ``request-date``: the day the request came in. A preservation duty (18 U.S.C. 2703(f): 90
  days, 90 more on renewal) runs from the request, so a date of the records ("the logs from
  last tuesday", "yesterday's sign-ins") never starts it: counted from there it would end
  before the duty does. Only a date said of the request ("the letter came last monday",
  "asked us last month") is taken; failing one, the hold counts from today.

Only past dates count (a date in the future is a deadline, not a start). Which words tie a
date to the records or to the request is data (``bot/data/routing/dates.yaml``).
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable
from datetime import date, timedelta
from functools import cache

from bot.router.text import read_data

_UNITS = {"day": 1, "week": 7, "fortnight": 14}
_COUNT_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple of": 2, "couple of": 2,
    "a couple": 2, "couple": 2, "a few": 3, "few": 3, "several": 3,
}
_COUNT = r"(\d{1,3}|" + "|".join(sorted((re.escape(w) for w in _COUNT_WORDS), key=len,
                                        reverse=True)) + r")"
# (Speed, not meaning: a case-insensitive choice of words is entered word by word at every
# position a search tries, so each pattern below first looks at the character there, in a
# lookahead of the first characters its words can start with (``_first``): a message with a
# stated date is routed ~0.7 M instructions faster. Same matches: tests/test_router_fast_paths.py
# compares them with the plain patterns.)
def _first(words: list[str], digits: bool = False) -> str:
    """A lookahead for the first characters of ``words`` (and a digit)."""
    return "(?=[" + (r"\d" if digits else "") + "".join(sorted({w[0] for w in words})) + "])"


_AGO = re.compile(_first(list(_COUNT_WORDS), digits=True) + _COUNT
                  + r"\s+(day|week|fortnight|month|year)s?\s+(?:ago|back|before)\b", re.IGNORECASE)
# what every ``_AGO`` match ends with: a text without it is not searched for one
_AGO_END = re.compile(r"(?=[ab])(?:ago|back|before)\b", re.IGNORECASE)
_LAST = re.compile(r"\b(?=[lp])(?:last|past|previous)\s+(week|month|year|night|weekend)\b",
                   re.IGNORECASE)
_YESTERDAY = re.compile(r"\b(?=[ty])(?:the\s+day\s+before\s+yesterday|yesterday|yday)\b",
                        re.IGNORECASE)
_DAYS = [d.lower() for d in calendar.day_name]
_WEEKDAY = re.compile(r"\b" + _first(["last", "this", "past", "on", *_DAYS])
                      + r"(?:(last|this\s+past|past|on)\s+)?(" + "|".join(_DAYS) + r")\b",
                      re.IGNORECASE)
_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTHS["sept"] = 9
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_MONTH_DAY = re.compile(r"\b" + _first(list(_MONTHS)) + _MONTH
                        + r"\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?\b", re.IGNORECASE)
_DAY_MONTH = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH
                        + r"(?:,?\s+(\d{4}))?\b", re.IGNORECASE)
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
# "the 3rd": a day of this month (or the last, if still ahead), only where nothing after it
# makes it the 3rd of something else ("the 3rd floor", "the 2nd computer")
_ORDINAL = re.compile(r"\bthe\s+(\d{1,2})(?:st|nd|rd|th)\b(?=\s*(?:$|[,.;:!?)\n]|(?:at|around|about"
                      r"|in|and|or|to|through|thru|until|till|when|between|from|so|but|please"
                      r"|(?:of\s+)?this\s+month)\b))", re.IGNORECASE)
_SLASHED = re.compile(r"\b(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?\b")  # US order: month/day


def stated_date(text: str, today: date) -> tuple[date, str] | None:
    """The earliest past date ``text`` gives and the words that gave it, or None."""
    found = [(day, words) for day, words, _ in _dates(text, today) if day <= today]
    if not found:
        return None
    return min(found, key=lambda item: item[0])


def recording_date(text: str, today: date) -> tuple[date, str] | None:
    """The past day ``text`` says the footage asked for was recorded, and its words; None
    when no date is said of the recording, or the dates said of it disagree (then the clerk
    is asked: a wrong early day would call the footage gone and keep no deadline). Days that
    span or list the recordings ("footage between nov 1 and nov 3") give the first day."""
    found = sorted(((span, day, words) for day, words, span in _dates(text, today)
                    if day <= today and dates_the_recording(text, span)),
                   key=lambda item: item[0])
    if not found:
        return None
    if len({day for _, day, _ in found}) > 1 and not all(
            _ends_with(_WORD.findall(text[:span[0]].lower()), _ties()["range_before"])
            for span, _, _ in found[1:]):
        return None  # "yesterday's video of last month's break-in": which day? ask
    # a span or list of days ("between nov 1 and nov 3"): the first day runs out first
    _, day, words = min(found, key=lambda item: item[1])
    return day, words


def request_date(text: str, today: date) -> tuple[date, str] | None:
    """The earliest past date ``text`` says of the request itself, and its words; None when it
    dates only the records asked for ("preserve the logs from last tuesday": counted from
    today) or gives no date."""
    found = [(day, words) for day, words, span in _dates(text, today)
             if day <= today and _of_request(text, span)]
    if not found:
        return None
    return min(found, key=lambda item: item[0])


# The reader of each ``counts_from`` that counts from a day the message gives (a flow's hold).
READERS: dict[str, Callable[[str, date], tuple[date, str] | None]] = {
    "stated-date": recording_date,
    "request-date": request_date,
}


def _dates(text: str, today: date) -> list[tuple[date, str, tuple[int, int]]]:
    """Every date ``text`` gives: (the day, its words, where they stand in ``text``)."""
    out: list[tuple[date, str, tuple[int, int]]] = []
    for m in _AGO.finditer(text) if _AGO_END.search(text) else ():
        count = _count(m.group(1))
        unit = _folded(m.group(2))
        out.append((_back(today, count, unit), m.group(0), m.span()))
    for m in _LAST.finditer(text):
        unit = _folded(m.group(1))
        back = {"night": timedelta(days=1), "weekend": timedelta(days=(today.weekday() + 2) % 7
                                                                   or 7)}.get(unit)
        out.append((today - back if back else _back(today, 1, unit), m.group(0), m.span()))
    for m in _YESTERDAY.finditer(text):
        out.append((today - timedelta(days=2 if "before" in m.group(0).lower() else 1),
                    m.group(0), m.span()))
    for m in _WEEKDAY.finditer(text):
        wanted = _DAYS.index(_folded(m.group(2)))
        back = (today.weekday() - wanted) % 7 or 7
        out.append((today - timedelta(days=back), m.group(0), m.span()))
    for m in _MONTH_DAY.finditer(text):
        out += _calendar(today, _MONTHS[_folded(m.group(1))], int(m.group(2)), m.group(3),
                         m.group(0), m.span())
    for m in _DAY_MONTH.finditer(text):
        out += _calendar(today, _MONTHS[_folded(m.group(2))], int(m.group(1)), m.group(3),
                         m.group(0), m.span())
    for m in _ISO.finditer(text):
        out += _calendar(today, int(m.group(2)), int(m.group(3)), m.group(1), m.group(0),
                         m.span())
    for m in _ORDINAL.finditer(text):
        day = int(m.group(1))
        months_back = 0 if day <= today.day else 1
        year, month = divmod(today.year * 12 + today.month - 1 - months_back, 12)
        out += _calendar(today, month + 1, day, str(year), m.group(0), m.span())
    for m in _SLASHED.finditer(text):
        out += _calendar(today, int(m.group(1)), int(m.group(2)), m.group(3), m.group(0),
                         m.span())
    return out


# --- which thing a date is said of ---------------------------------------------------------

_WORD = re.compile(r"[a-z0-9]+(?:[-'\u2019][a-z0-9]+)*")
_CLAUSE_END = re.compile(r"[,.;:!?\n()]|\s[-\u2013\u2014]\s|\bbut\b", re.IGNORECASE)
_POSSESSIVE = re.compile(r"\s*['\u2019]s?\b")
_DETERMINERS = frozenset({"the", "this", "that", "these", "those", "a", "an", "its", "their",
                          "his", "her", "our", "your", "my"})


@cache
def _ties() -> dict[str, frozenset[tuple[str, ...]]]:
    """The word lists of ``dates.yaml``, each entry as its words."""
    raw = read_data("dates.yaml")
    return {key: frozenset(tuple(_WORD.findall(str(entry).lower())) for entry in raw[key])
            for key in ("records_before", "origin_before", "request_nouns", "request_words",
                        "recording_nouns", "recording_verbs", "recording_before", "shows_before",
                        "other_things", "range_before", "roughly")}


def _ends_with(said: list[str], group: frozenset[tuple[str, ...]]) -> tuple[str, ...] | None:
    """The phrase of ``group`` that ``said`` ends with (the longest), else None."""
    found = [p for p in group if p and len(p) <= len(said) and tuple(said[-len(p):]) == p]
    return max(found, key=len) if found else None


def _of_request(text: str, span: tuple[int, int]) -> bool:
    """The date at ``span`` of ``text`` is said of the request: not tied to the records by the
    words right before it (``records_before``: "the logs *from* last tuesday") or by a
    possessive ("yesterday's logs"), and its clause has a word of the request ("came",
    "asked", "the letter"). A date said at the end of a clause with no tie is the verb's:
    "asked us to preserve the logs last month" asked last month."""
    ties = _ties()
    start, end = span
    clause_start = max((m.end() for m in _CLAUSE_END.finditer(text, 0, start)), default=0)
    ahead = _CLAUSE_END.search(text, end)
    clause_end = ahead.start() if ahead else len(text)
    before = _WORD.findall(text[clause_start:start].lower())
    after = _WORD.findall(text[end:clause_end].lower())
    if (owned := _POSSESSIVE.match(text, end)) and owned.end() > end:
        # "yesterday's logs" is the records', "last week's letter" the request's
        rest = _WORD.findall(text[owned.end():clause_end].lower())
        return _starts_with(rest, ties["request_nouns"])
    bare = before[:-1] if before and before[-1] in _DETERMINERS else before
    for said in (before, bare):
        tie = _ends_with(said, ties["records_before"])
        if tie is not None:
            # "the letter from last week": from the request; "the logs from last week": of them
            ahead_of_tie = said[:len(said) - len(tie)]
            while ahead_of_tie and ahead_of_tie[-1] in _DETERMINERS:
                ahead_of_tie.pop()
            return tie in ties["origin_before"] and (
                _ends_with(ahead_of_tie, ties["request_nouns"]) is not None)
    clause = before + _WORD.findall(text[start:end].lower()) + after
    return any(_contains(clause, phrase) for phrase in ties["request_words"])


_RECORDING_REACH = 6  # words back from a date to the recording it is said of


def dates_the_recording(text: str, span: tuple[int, int]) -> bool:
    """The date at ``span`` of ``text`` says when the footage asked for was recorded: tied by
    a word right before it ("from", "of", "on", ``recording_before``) to a recording named
    shortly before ("footage *from* last night", "the video *of* monday"), or to an event
    that recording shows ("footage of the break-in *from* last week"), or after a recording
    verb ("recorded on the 3rd"); or possessive of a recording ("*yesterday's* lobby video").
    Not when what it is said of is another thing (``other_things``): "a break-in from last
    month", "the investigation from last year", "last month's case". A date tied to nothing
    ("it happened last night") dates nothing here: the clerk is asked."""
    ties = _ties()
    start, end = span
    clause_start = max((m.end() for m in _CLAUSE_END.finditer(text, 0, start)), default=0)
    ahead = _CLAUSE_END.search(text, end)
    clause_end = ahead.start() if ahead else len(text)
    said_before = _WORD.findall(text[clause_start:start].lower())
    before = list(said_before)
    while before and (before[-1] in _DETERMINERS or (before[-1],) in ties["roughly"]):
        before.pop()  # "footage from (about) 2 weeks ago"
    tie = _ends_with(before, ties["recording_before"])
    said = _said_of(before[:len(before) - len(tie)] if tie else before, tied=tie is not None)
    if said is not None:
        return said
    # "yesterday's lobby video", "the 11/30 footage", "monday video": the date names the
    # recording after it (a possessive, a few words ahead; else right ahead, or after "the":
    # "called yesterday about the footage" is the call's)
    owned = _POSSESSIVE.match(text, end)
    named_from = owned.end() if owned else end
    possessive = named_from > end
    rest = _WORD.findall(text[named_from:clause_end].lower())
    reach = 4 if possessive else 3 if len(before) < len(said_before) else 1
    rest = rest[:reach]
    for i in range(len(rest)):
        if _ends_with(rest[:i + 1], ties["other_things"]):
            return False
        if _ends_with(rest[:i + 1], ties["recording_nouns"]):
            return True
    return False


def _said_of(before: list[str], *, tied: bool) -> bool | None:
    """Walking back from a date over ``before`` (the words ahead of it, its tie taken off):
    True at a recording verb, or a recording noun when the date is tied to it; False at
    another thing, unless a recording shows it ("video *of* the break-in"); None when neither
    is near."""
    ties = _ties()
    for back in range(len(before), max(len(before) - _RECORDING_REACH, 0), -1):
        said = before[:back]
        if _ends_with(said, ties["recording_verbs"]):
            return True
        if tied and _ends_with(said, ties["recording_nouns"]):
            return True
        thing = _ends_with(said, ties["other_things"])
        if thing:
            if _shown(said[:len(said) - len(thing)]):
                return True  # "footage of the (car) break-in (from) two days ago"
            # tied to the thing ("a break-in from last month"): its date; else not said of it
            # ("investigating a robbery ... tuesday's tape")
            return False if tied else None
    return None


def _shown(ahead: list[str]) -> bool:
    """``ahead`` (the words before a thing such as a break-in) ends with a recording that shows
    it: "footage *of the* (car) break-in"; a word or two may describe the thing."""
    ties = _ties()
    for described in range(3):
        said = ahead[:len(ahead) - described] if described else list(ahead)
        while said and said[-1] in _DETERMINERS:
            said.pop()
        shows = _ends_with(said, ties["shows_before"])
        if shows and _ends_with(said[:len(said) - len(shows)], ties["recording_nouns"]):
            return True
    return False


def _starts_with(said: list[str], group: frozenset[tuple[str, ...]]) -> bool:
    return any(p and tuple(said[:len(p)]) == p for p in group)


def _contains(said: list[str], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    return any(tuple(said[i:i + size]) == phrase for i in range(len(said) - size + 1))


def _folded(word: str) -> str:
    """``word`` as the tables spell it. The patterns match case-insensitively, and Python's
    ``re`` then also matches letters that only fold to ASCII ones ("\u017f" long s for "s", the
    Kelvin sign for "k", a dotted capital I for "i"): looked up as typed, such a word raised
    instead of giving its date."""
    if word.isascii():
        return word.lower()
    return "".join(c for c in unicodedata.normalize("NFKD", word)
                   if not unicodedata.combining(c)).lower()


def _count(token: str) -> int:
    token = " ".join(_folded(token).split())
    return int(token) if token.isdigit() else _COUNT_WORDS[token]


def _back(today: date, count: int, unit: str) -> date:
    if unit in _UNITS:
        return today - timedelta(days=count * _UNITS[unit])
    months = count * (12 if unit == "year" else 1)
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    return date(year, month + 1, min(today.day, calendar.monthrange(year, month + 1)[1]))


def _calendar(today: date, month: int, day: int, year: str | None, words: str,
              span: tuple[int, int]) -> list[tuple[date, str, tuple[int, int]]]:
    """A calendar date; without a year, the latest one not after today."""
    try:
        if year:
            full = int(year) + (2000 if len(year) == 2 else 0)
            return [(date(full, month, day), words, span)]
        this_year = date(today.year, month, day)
        return [(this_year if this_year <= today else date(today.year - 1, month, day), words,
                 span)]
    except ValueError:  # "13/45", "Feb 30": not a date
        return []
