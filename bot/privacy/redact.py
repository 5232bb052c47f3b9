"""Mask patron identifiers in free text before it is routed, stored or logged.

Staff type in a hurry and will paste a card number or a name. The bot must never keep them:
redaction runs first, and the masked text is the only text any other module sees.
"""

from __future__ import annotations

import re

EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
# Phone numbers: 7+ digits with optional country code, separators and parentheses.
PHONE = re.compile(r"(?<!\w)(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]?\d{4}(?!\w)")
# Library cards: barcodes of 6+ digits (often 14, starting 2), possibly grouped by spaces/dashes.
CARD = re.compile(r"(?<!\w)(?:\d[ -]?){5,}\d(?!\w)")
# Names after cues staff use: "patron named Jane Doe", "name is Jane", "for Mr. Smith".
NAME_CUE = re.compile(
    r"\b(?P<cue>(?:named|name is|name's|called|patron|for|kid|child|son|daughter|"
    r"[Mm]r\.?|[Mm]rs\.?|[Mm]s\.?|[Mm]iss|[Dd]r\.?)\s+)"
    r"(?P<name>[A-Z][a-z'’-]+(?:\s+[A-Z][a-z'’-]+){0,2})"
)
TITLED_NAME = re.compile(r"\b(?P<title>(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+)[A-Z][a-z'’-]+(?:-[A-Z][a-z]+)?")
_NOT_NAMES = frozenset(
    "The A An I FBI PD DA Police Officer Detective Sheriff Agent Library Director Court "
    "Warrant Subpoena Mr Mrs Ms Miss Dr Not No Yes Some Someone Her His Their Him Them This That It".split()
)


def _mask_name(match: re.Match[str]) -> str:
    name = match.group("name")
    if name.split()[0] in _NOT_NAMES:
        return match.group(0)
    return match.group("cue") + "[name]"


def redact(text: str) -> str:
    """Return ``text`` with emails, phone numbers, card numbers and cued names masked."""
    text = EMAIL.sub("[email]", text)
    text = PHONE.sub("[phone]", text)
    text = CARD.sub("[card]", text)
    text = TITLED_NAME.sub(r"\g<title>[name]", text)
    return NAME_CUE.sub(_mask_name, text)
