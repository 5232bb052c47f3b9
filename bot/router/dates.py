"""Dates in what staff wrote: "last month", "5 days ago", "yesterday", "on Monday", "Nov 3".

A preservation request made last month runs 90 days from last month, and footage is kept for so
many days from the day it was recorded: a hold that counts from a stated date
(``counts_from: stated-date`` in the flow) starts on the date the opening message gives, not
on the day staff asked the bot. Only past dates count (a date in the future is a deadline, not
a start); when the message gives several, the earliest is taken, so a deadline comes early
rather than late, and staff see it and can change it.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

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
_SLASHED = re.compile(r"\b(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?\b")  # US order: month/day


def stated_date(text: str, today: date) -> tuple[date, str] | None:
    """The earliest past date ``text`` gives and the words that gave it, or None."""
    found = [(day, words) for day, words in _dates(text, today) if day <= today]
    if not found:
        return None
    return min(found, key=lambda item: item[0])


def _dates(text: str, today: date) -> list[tuple[date, str]]:
    out: list[tuple[date, str]] = []
    for m in _AGO.finditer(text) if _AGO_END.search(text) else ():
        count = _count(m.group(1))
        unit = m.group(2).lower()
        out.append((_back(today, count, unit), m.group(0)))
    for m in _LAST.finditer(text):
        unit = m.group(1).lower()
        back = {"night": timedelta(days=1), "weekend": timedelta(days=(today.weekday() + 2) % 7
                                                                   or 7)}.get(unit)
        out.append((today - back if back else _back(today, 1, unit), m.group(0)))
    for m in _YESTERDAY.finditer(text):
        out.append((today - timedelta(days=2 if "before" in m.group(0).lower() else 1),
                    m.group(0)))
    for m in _WEEKDAY.finditer(text):
        wanted = _DAYS.index(m.group(2).lower())
        back = (today.weekday() - wanted) % 7 or 7
        out.append((today - timedelta(days=back), m.group(0)))
    for m in _MONTH_DAY.finditer(text):
        out += _calendar(today, _MONTHS[m.group(1).lower()], int(m.group(2)), m.group(3),
                         m.group(0))
    for m in _DAY_MONTH.finditer(text):
        out += _calendar(today, _MONTHS[m.group(2).lower()], int(m.group(1)), m.group(3),
                         m.group(0))
    for m in _ISO.finditer(text):
        out += _calendar(today, int(m.group(2)), int(m.group(3)), m.group(1), m.group(0))
    for m in _SLASHED.finditer(text):
        out += _calendar(today, int(m.group(1)), int(m.group(2)), m.group(3), m.group(0))
    return out


def _count(token: str) -> int:
    token = " ".join(token.lower().split())
    return int(token) if token.isdigit() else _COUNT_WORDS[token]


def _back(today: date, count: int, unit: str) -> date:
    if unit in _UNITS:
        return today - timedelta(days=count * _UNITS[unit])
    months = count * (12 if unit == "year" else 1)
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    return date(year, month + 1, min(today.day, calendar.monthrange(year, month + 1)[1]))


def _calendar(today: date, month: int, day: int, year: str | None,
              words: str) -> list[tuple[date, str]]:
    """A calendar date; without a year, the latest one not after today."""
    try:
        if year:
            full = int(year) + (2000 if len(year) == 2 else 0)
            return [(date(full, month, day), words)]
        this_year = date(today.year, month, day)
        return [(this_year if this_year <= today else date(today.year - 1, month, day), words)]
    except ValueError:  # "13/45", "Feb 30": not a date
        return []
