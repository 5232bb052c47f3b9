"""Mask patron identifiers in free text before it is routed, stored or logged.

Staff type in a hurry and will paste a card number, an email, a phone number or a name. The
bot must never keep them: ``redact`` runs first on every piece of text a face receives, and
the masked text is the only text any other module (router, engine, store, logs) sees.

What is masked, in this order (so one identifier is never half-masked by another rule):

* ``[email]`` — anything shaped like ``local@domain.tld`` (RFC local-part characters), and
  the spelled-out ``jane at gmail dot com`` form;
* ``[phone]`` — North-American numbers in any of the usual shapes (``(312) 555-0199``,
  ``312.555.0199``, ``+1 312 555 0199``, ``555-0199``) and ``+<country>`` international ones;
* ``[card]`` — any run of 6 or more digits, possibly grouped by spaces or dashes (library
  barcodes are usually 14 digits), except calendar dates; and any digits right after a card
  cue ("card #4821", "barcode ending 0199", "account no. 5512");
* ``[name]`` — the words after a naming cue. After a *strong* cue ("named", "name is",
  "called", "goes by") the next word is a name whatever its case, and up to two more words
  are masked while they look like names. After a *weak* cue ("patron", "for", "my son",
  "Mr.", ...) only capitalised words that are not ordinary staff vocabulary are masked.

Redaction is idempotent (``redact(redact(t)) == redact(t)``) and leaves text without
identifiers unchanged apart from nothing at all: ordinary staff words are never rewritten.
"""

from __future__ import annotations

import re
from importlib.resources import files

# --- emails --------------------------------------------------------------------------------
_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_DOMAIN = r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
EMAIL = re.compile(rf"(?<![\w.!#$%&'*+/=?^`{{|}}~-]){_LOCAL}@{_DOMAIN}")
SPELLED_EMAIL = re.compile(
    r"\b[\w.+-]+\s*(?:\(at\)|\[at\]|\sat\s)\s*[\w-]+\s*(?:\(dot\)|\[dot\]|\sdot\s)\s*"
    r"(?:com|net|org|edu|gov|us|info|io)\b",
    re.IGNORECASE,
)

# --- phone numbers -------------------------------------------------------------------------
_SEP = r"[\s.-]?"
PHONE = re.compile(
    r"(?<![\w+])(?<!\d[\s.-])(?:"
    # +44 20 7946 0958, +33 1 23 45 67 89: a country code then 6-14 grouped digits
    r"\+\d{1,3}(?:[\s.-]?\(?\d{1,4}\)?){2,6}"
    r"|"
    # (312) 555-0199, 312-555-0199, 1 312 555 0199, 555-0199
    rf"(?:1{_SEP})?(?:\(\d{{3}}\)\s?|\d{{3}}{_SEP})?\d{{3}}[\s.-]\d{{4}}"
    r"|"
    r"(?:1[\s.-]?)?\(\d{3}\)\s?\d{3}[\s.-]?\d{4}"
    r")(?!\w)(?![\s.-]\d)"
)

# --- card numbers --------------------------------------------------------------------------
CARD = re.compile(r"(?<!\d)\d(?:[ -]?\d){5,}(?!\d)")
DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$|^\d{1,2}-\d{1,2}-\d{2,4}$")
CARD_CUE = re.compile(
    r"(?P<cue>\b(?:card|barcode|bar code|account|acct|patron id|library id|pin)"
    r"(?:\s*(?:number|num|no\.?|#|ending(?:\s+in)?|ends\s+in|is|:))*\s*#?\s*)"
    r"(?P<digits>\d(?:[ -]?\d){2,})(?!\d)",
    re.IGNORECASE,
)

# --- names ---------------------------------------------------------------------------------
_WORD = r"[A-Za-z][A-Za-z'’-]*"
STRONG_CUE = re.compile(
    r"(?P<cue>\b(?:named|name\s+is|name\s+was|name's|name:|goes\s+by|signed\s+as|"
    r"by\s+the\s+name\s+of)\s*,?\s+)"
    rf"(?P<words>{_WORD}(?:\s+{_WORD}){{0,2}})",
    re.IGNORECASE,
)
TITLE_CUE = re.compile(
    r"(?P<cue>\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|mr|mrs|ms|dr)\.?\s+)"
    rf"(?P<words>{_WORD}(?:\s+{_WORD})?)"
)
WEAK_CUE = re.compile(
    r"(?P<cue>\b(?:patron|patrons|for|about|kid|child|son|daughter|husband|wife|spouse|"
    r"boyfriend|girlfriend|partner|mom|mother|dad|father|brother|sister|tenant|employee|"
    r"client|user|customer|guy|lady|man|woman|called|officer|detective|agent|"
    r"Patron|For|About|Officer|Detective|Agent)\s*,?\s+)"
    r"(?P<words>[A-Z][A-Za-z'’-]*(?:\s+[A-Z][A-Za-z'’-]*){0,2})"
)

# Words that follow a cue but are not names (data: bot/data/privacy/not_names.txt).
_NOT_NAMES = files("bot") / "data" / "privacy" / "not_names.txt"
COMMON_WORDS = frozenset(
    word.lower()
    for line in _NOT_NAMES.read_text("utf-8").splitlines()
    if not line.startswith("#")
    for word in line.split()
)


def _is_acronym(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _mask_words(match: re.Match[str], *, strong: bool) -> str:
    """Mask the leading words of ``match`` that look like a name; keep everything after."""
    text = match.group("words")
    masked_end = 0
    for index, word_match in enumerate(re.finditer(r"\S+", text)):
        word = word_match.group(0)
        bare = word.strip("'’-").lower()
        if not bare or bare in COMMON_WORDS:
            break
        if not strong and (not word[0].isupper() or _is_acronym(word)):
            break
        if strong and index > 0 and not word[0].isupper() and len(bare) < 3:
            break
        masked_end = word_match.end()
    if masked_end == 0:
        return match.group(0)
    return match.group("cue") + "[name]" + text[masked_end:]


def _mask_card(match: re.Match[str]) -> str:
    digits = match.group(0)
    return digits if DATE.match(digits) else "[card]"


def _mask_cued_card(match: re.Match[str]) -> str:
    return match.group("cue") + "[card]"


def redact(text: str) -> str:
    """Return ``text`` with emails, phone numbers, card numbers and cued names masked."""
    text = EMAIL.sub("[email]", text)
    text = SPELLED_EMAIL.sub("[email]", text)
    text = PHONE.sub("[phone]", text)
    text = CARD.sub(_mask_card, text)
    text = CARD_CUE.sub(_mask_cued_card, text)
    text = STRONG_CUE.sub(lambda m: _mask_words(m, strong=True), text)
    text = TITLE_CUE.sub(lambda m: _mask_words(m, strong=True), text)
    return WEAK_CUE.sub(lambda m: _mask_words(m, strong=False), text)
