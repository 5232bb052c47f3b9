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
* ``[ip]`` — IPv4 addresses (a patron's computer or home connection);
* ``[handle]`` — ``@username`` social-media handles;
* ``[address]`` — US street addresses and PO boxes, found by ``usaddress`` (a street number,
  a street and its type, then any unit, city, state and ZIP), and "lives on <Street>";
* ``[dob]`` — a date after a birth cue ("DOB", "born", "birthday", "b."), numeric or with a
  month name, year alone included; and any full date three or more years old (an incident or a
  court order is recent; a date long past in a note is a birth date far more often);
* ``[plate]`` — the letters and digits after a plate cue ("plate", "tag", "licence",
  "registration"), and upper-case letter/digit groups shaped like a US plate (``ABC 1234``,
  ``7XYZ123``);
* ``[name]`` — the words after a naming cue, and names found without one
  (``bot.privacy.names``: name lists, ordinary words, capitalisation, ``Last, First``).
  After a *strong* cue ("named", "name is", "called", "goes by") the next word is a name
  whatever its case, and up to two more words are masked while they look like names. After a
  *weak* cue ("patron", "for", "my son", "Mr.", ...) only capitalised words that are not
  ordinary staff vocabulary are masked.

Redaction is idempotent (``redact(redact(t)) == redact(t)``) and leaves text without
identifiers unchanged: ordinary staff words are never rewritten.

It is the second line of defence. The first is design: answers are stored as choices, the
opening message is routed in memory, and only the few places where people's own words must
be kept (a question typed for the privacy in-charge, a resolve note) keep redacted text.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from importlib.resources import files

import usaddress

from bot.privacy.names import before_person_verb, find_names

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
_SEP = r"[\s./-]?"
PHONE = re.compile(
    r"(?<![\w+])(?<!\d[\s./-])(?:"
    # +44 20 7946 0958, +33 1 23 45 67 89: a country code then 6-14 grouped digits
    r"\+\d{1,3}(?:[\s.-]?\(?\d{1,4}\)?){2,6}"
    r"|"
    # (312) 555-0199, 312-555-0199, 1 312 555 0199, 555-0199
    rf"(?:1{_SEP})?(?:\(\d{{3}}\)\s?|\d{{3}}{_SEP})?\d{{3}}[\s./-]\d{{4}}"
    r"|"
    r"(?:1[\s.-]?)?\(\d{3}\)\s?\d{3}[\s.-]?\d{4}"
    r")(?!\w)(?![\s./-]\d)"
)

# --- card numbers --------------------------------------------------------------------------
CARD = re.compile(r"(?<!\d)\d(?:[ -]?\d){5,}(?!\d)")
DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$|^\d{1,2}-\d{1,2}-\d{2,4}$")
CARD_CUE = re.compile(
    r"(?P<cue>\b(?:card|barcode|bar code|account|acct|patron id|library id|pin)"
    r"(?:\s*(?:number|num|no\.?|#|ending(?:\s+(?:in|with))?|ends(?:\s+(?:in|with))?|is|:))*"
    r"\s*#?\s*)"
    r"(?P<digits>\d(?:[ -]?\d){2,})(?!\d)",
    re.IGNORECASE,
)

# --- apartment and unit numbers, and a house number after "at/from/on" ("at 14 maple") -----
UNIT = re.compile(r"\b(?:apt|apartment|unit|suite|ste)\.?\s*#?\s*[\w-]*\d[\w-]*\b",
                  re.IGNORECASE)
HOUSE = re.compile(  # a year after from/to ("papers from 1992 are") is no house number
    r"(?P<cue>\b(?:at|from|on|to)\s+)(?!(?<=(?:from|..to)\s)(?:1[89]|20)\d\d\b)"
    r"(?P<place>\d{1,5}\s+(?!(?:days?|weeks?|months?|years?|"
    r"hours?|minutes?|mins?|items?|books?|copies|dvds?|times?|pm|am|o'?clock|percent|kids?|"
    r"people|patrons?|pages?|noon|midnight|tonight|today|tomorrow|(?:mon|tues|wednes|thurs|fri|"
    r"satur|sun)day|jan(?:uary)?|feb(?:ruary)?|march|april|may|june|july|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b)[a-z][\w'-]{2,})\b",
    re.IGNORECASE)

# --- names ---------------------------------------------------------------------------------
_WORD = r"[^\W\d_][\w'’-]*"  # any script's letters (Nguyễn, Zoë), then letters or marks
STRONG_CUE = re.compile(
    r"(?P<cue>\b(?:named|name\s+is|name\s+was|name's|name:|name\s+as|goes\s+by|signed\s+as|"
    r"by\s+the\s+name\s+of|nickname(?:\s+is|\s+was)?|nicknamed|a\.k\.a\.?|aka|alias|"
    # a label for the person the note is about ("cardholder: okafor chidi")
    r"(?:cardholder|card\s+holder|account\s+holder|borrower|patron|member|customer|pt)\s*:"
    r")(?:\s*,?\s+[\"“'‘]?|\s*[\"“'‘]))"
    # up to three words; a middle initial's dot joins them too ("jenny r. smith")
    rf"(?P<words>{_WORD}(?:(?:\s+|(?<=\b\w)\.\s+){_WORD}){{0,2}})",
    re.IGNORECASE,
)
TITLE_CUE = re.compile(  # the word after a title is a name; a second one only if capitalised
    r"(?P<cue>\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|mr|mrs|ms|dr)\.?\s+)"
    rf"(?P<words>{_WORD}(?:\s+(?![a-z]){_WORD})?)"
)
WEAK_CUE = re.compile(
    r"(?P<cue>\b(?:patron|patrons|for|about|kid|child|son|daughter|husband|wife|spouse|"
    r"boyfriend|girlfriend|partner|mom|mother|dad|father|brother|sister|tenant|employee|"
    r"client|user|customer|guy|lady|man|woman|called|officer|detective|agent|"
    r"Patron|For|About|Officer|Detective|Agent)\s*,?\s+)"
    rf"(?P<words>(?![a-z]){_WORD}(?:\s+(?![a-z]){_WORD}){{0,2}})"  # capitalised words only
)

# "mother of Will Tran", "wife of April May": capitalised words after a relation and "of" are
# a name even when they are also ordinary words.
RELATION_OF = re.compile(
    r"(?P<cue>\b(?:wife|husband|spouse|mother|father|mom|dad|son|daughter|sister|brother|"
    r"aunt|uncle|grand(?:mother|father|ma|pa|son|daughter)|guardian|parent|friend|boyfriend|"
    r"girlfriend|partner|ex|cousin|niece|nephew)\s+of\s+)"
    rf"(?P<words>(?![a-z]){_WORD}(?:\s+(?![a-z]){_WORD}){{0,2}})"
)
# "what Zuri read", "whether Ayo borrowed": a capitalised word before a reading-history verb.
READ_BY = re.compile(
    r"(?P<cue>\b(?:what|which|whether|if|everything|anything|that|books)\s+)"
    rf"(?P<words>(?![a-z]){_WORD}(?:\s+(?![a-z]){_WORD})?)"
    r"(?=\s+(?:has\s+|had\s+)?(?:read|reads|borrowed|borrows|checked|checks|took|takes|"
    r"watched|watches|searched|looked\s+up|printed|downloaded|streamed)\b)"
)

# Words that follow a cue but are not names (data: bot/data/privacy/not_names.txt).
_NOT_NAMES = files("bot") / "data" / "privacy" / "not_names.txt"
COMMON_WORDS = frozenset(
    word.lower()
    for line in _NOT_NAMES.read_text("utf-8").splitlines()
    if not line.startswith("#")
    for word in line.split()
)


PRONOUNS = frozenset({"i", "he", "she", "they", "we", "you", "it", "him", "her", "them", "his",
                      "hers", "their", "my", "our", "your", "the", "a", "an", "this", "that"})


def _is_acronym(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _mask_words(match: re.Match[str], *, strong: bool, ordinary: bool = False) -> str:
    """Mask the leading words of ``match`` that look like a name; keep everything after.
    ``ordinary``: a capitalised ordinary word is a name too (April, Will), a pronoun is not."""
    text = match.group("words")
    masked_end = 0
    for index, word_match in enumerate(re.finditer(r"\S+", text)):
        word = word_match.group(0)
        bare = word.strip("'’-").lower()
        if not bare or (bare in COMMON_WORDS and not (ordinary and bare not in PRONOUNS)):
            break
        if not strong and (not word[0].isupper() or _is_acronym(word)):
            break
        if (strong and index > 0 and not word[0].isupper() and len(bare) < 3
                and not re.fullmatch(r"[^\W\d_]\.", word)):  # a middle initial goes on
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


# --- network and social identifiers ----------------------------------------------------------
_OCTET = r"(?:25[0-5]|2[0-4]\d|1?\d?\d)"
IPV4 = re.compile(rf"(?<![\d.])(?:{_OCTET}\.){{3}}{_OCTET}(?![\d.])")
HANDLE = re.compile(r"(?<![\w@<&])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?\b")

# --- dates of birth ----------------------------------------------------------------------------
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
          # Spanish, Portuguese, French (a patron's own language on a form)
          r"|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|"
          r"noviembre|diciembre|janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|"
          r"novembro|dezembro|janvier|février|mars|avril|mai|juin|juillet|août|septembre|"
          r"octobre|novembre|décembre)\.?")
_DATE = (
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})"            # 3/14/2009, 03-14-09
    r"|\d{4}[/.-]\d{1,2}[/.-]\d{1,2}"                         # 2009-03-14
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"        # March 14, 2009
    rf"|\d{{1,2}}(?:st|nd|rd|th|º|er)?\s+(?:of\s+|de\s+)?{_MONTH},?\s+(?:de\s+)?\d{{4}}"
    # 14 March 2009, 15 de agosto de 1982
    rf"|{_MONTH},?\s+\d{{4}}"                                   # March 2009
    r")"
)
FULL_DATE = re.compile(rf"(?<![\w/.-]){_DATE}(?![\w/-])", re.IGNORECASE)
BIRTH_CUE = re.compile(
    r"(?P<cue>\b(?:d\.?o\.?b\.?|date\s+of\s+birth|birth\s*date|birthday|bday|born(?:\s+on|\s+in)?"
    r"|b\.)\s*(?:is|was|of|:|-)?\s*)"
    rf"(?P<date>{_DATE}|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?|(?:19|20)\d\d)(?![\w/-])",
    re.IGNORECASE,
)
OLD_AFTER_YEARS = 3  # a full date at least this many years back is treated as a birth date

# --- licence plates ------------------------------------------------------------------------------
PLATE_CUE = re.compile(
    r"(?P<cue>\b(?:plates?|tags?|licen[cs]e\s+plate|licen[cs]e|registration|reg\.?|vehicle|car)"
    r"\b(?:\s+(?:number|no\.?|#|is|was|reads|reading|of|says))*\s*[:#]?\s*"
    r"(?:(?:[A-Z]{2}|IL|illinois)\s+)?)"
    r"(?P<plate>(?!(?:with|and|the|an?|in|on|at|from|was|is|of|for|plates?|tags?|number)\b)"
    r"(?=[A-Za-z0-9 -]*\d)[A-Za-z0-9]{1,4}(?:[ -]?[A-Za-z0-9]{1,4}){0,2})(?![\w-])",
)
# A vanity plate has no digit, but is written in capitals after a plate cue ("plate GO CUBS").
VANITY_PLATE = re.compile(
    r"(?P<cue>\b(?:[Pp]lates?|[Tt]ags?|[Ll]icen[cs]e\s+[Pp]late|[Rr]egistration)"
    r"(?:\s+(?:number|no\.?|#|is|was|reads|reading|of|says))*\s*[:#]?\s*)"
    r"(?P<plate>(?=[A-Z0-9 -]{2,8}(?![\w-]))[A-Z0-9]{1,7}(?:[ -][A-Z0-9]{1,7})?)(?![\w-])",
)
PLATE = re.compile(
    r"(?<![\w-])(?:[A-Z]{2,3}[ -]?\d{3,4}|\d[A-Z]{3}\d{3}|\d{3}[ -]?[A-Z]{3}|[A-Z]\d{2}[ -]?\d{4}"
    r"|[A-Z]{2}\d{5}|\d{2}[A-Z]{2}\d{3})(?![\w-])"
)

# --- addresses ---------------------------------------------------------------------------------
_ADDRESS_LABELS = frozenset({
    "AddressNumber", "AddressNumberPrefix", "AddressNumberSuffix", "StreetNamePreDirectional",
    "StreetNamePreModifier", "StreetNamePreType", "StreetName", "StreetNamePostType",
    "StreetNamePostDirectional", "StreetNamePostModifier", "OccupancyType",
    "OccupancyIdentifier", "SubaddressType", "SubaddressIdentifier", "PlaceName", "StateName",
    "ZipCode", "USPSBoxType", "USPSBoxID", "USPSBoxGroupType", "USPSBoxGroupID",
})
# A street needs a house number, a name, and a street type or a ZIP code; a PO box its number.
_MAYBE_ADDRESS = re.compile(r"\d+\s*[A-Za-z]|\bbox\b", re.IGNORECASE)
_STREET_TYPE = (r"(?i:street|st|avenue|ave|av|road|rd|boulevard|blvd|drive|dr|lane|ln|court|ct|"
                r"place|pl|way|parkway|pkwy|terrace|ter|terr|circle|cir|highway|hwy|trail|trl|"
                r"square|sq|plaza|plz|row|path|pike|alley|aly|crossing|xing|expressway|expy|"
                r"freeway|fwy|loop|run|point|pt|ridge|rdg|route|rte|turnpike|tpke)\.?")
STREET_TYPE = re.compile(_STREET_TYPE)
ZIP = re.compile(r"\d{5}(?:-\d{4})?")
LIVES_ON = re.compile(
    r"(?P<cue>\b(?:lives|living|lived|resides|residing|staying|stays|moved|house|home|apartment)"
    r"\s+(?:on|at|off)\s+)"
    rf"(?P<street>(?:[NSEW]\.?\s+)?(?:[A-Z][\w'-]*\s+){{1,3}}{_STREET_TYPE})(?!\w)",
)


def _address_spans(text: str) -> list[tuple[int, int]]:
    """Street addresses and PO boxes, as ``usaddress`` labels the words of ``text``."""
    if not _MAYBE_ADDRESS.search(text):
        return []
    try:
        parsed = usaddress.parse(text)
    except Exception:  # the parser is a second opinion; a failure masks nothing less
        return []
    spans: list[tuple[int, int]] = []
    cursor = 0
    run: list[tuple[int, int, str]] = []

    def close() -> None:
        labels = {label for _, _, label in run}
        proof = any(label == "ZipCode" and ZIP.fullmatch(word)
                    or label == "StreetNamePostType" and STREET_TYPE.fullmatch(word)
                    for word, label in ((text[s:e].strip(",."), label) for s, e, label in run))
        street = ("StreetName" in labels and proof
                  and re.fullmatch(r"\d+[A-Za-z]?(?:-\d+)?", text[run[0][0]:run[0][1]]))
        box = ("USPSBoxID" in labels and "box" in text[run[0][0]:run[-1][1]].lower()
               and any(c.isdigit() for s, e, _ in run for c in text[s:e]))
        if run and (street or box):
            spans.append((run[0][0], run[-1][1]))
        run.clear()

    for word, label in parsed:
        start = text.find(word, cursor)
        if start < 0:
            continue
        end = start + len(word)
        cursor = end
        if label in _ADDRESS_LABELS and (run or label in ("AddressNumber", "USPSBoxType")):
            run.append((start, end, label))
        else:
            close()
    close()
    return spans


def _mask_spans(text: str, spans: list[tuple[int, int]], placeholder: str) -> str:
    for start, end in sorted(spans, reverse=True):
        # keep the punctuation that ends the last word ("60657," "Ave.") outside the mask
        while end > start and text[end - 1] in ",;":
            end -= 1
        text = text[:start] + placeholder + text[end:]
    return text


def _year(written: str) -> int | None:
    """The year of a written date; a two-digit year is the most recent one it can be."""
    four = re.findall(r"\d{4}", written)
    if four:
        return int(four[-1])
    two = re.findall(r"[/.-](\d{2})$", written)
    if not two:
        return None
    this_year = date.today().year
    year = this_year - this_year % 100 + int(two[0])
    return year - 100 if year > this_year else year


def _mask_old_date(match: re.Match[str]) -> str:
    year = _year(match.group(0))
    if year is not None and year <= date.today().year - OLD_AFTER_YEARS:
        return "[dob]"
    return match.group(0)


def _mask_plate(match: re.Match[str]) -> str:
    plate = match.group("plate")
    characters = re.sub(r"[^A-Za-z0-9]", "", plate)
    if plate.lower() in COMMON_WORDS or not re.search(r"\d", plate) or len(characters) < 4:
        return match.group(0)
    return match.group("cue") + "[plate]"


def _mask_vanity_plate(match: re.Match[str]) -> str:
    plate = match.group("plate")
    if len(re.sub(r"[^A-Z0-9]", "", plate)) < 2 or plate.lower() in COMMON_WORDS:
        return match.group(0)
    return match.group("cue") + "[plate]"


def redact(text: str) -> str:
    """Return ``text`` with every patron identifier listed above masked."""
    text = unicodedata.normalize("NFC", text)  # one form for accented letters (Nguyễn)
    text = EMAIL.sub("[email]", text)
    text = SPELLED_EMAIL.sub("[email]", text)
    text = IPV4.sub("[ip]", text)
    text = HANDLE.sub("[handle]", text)
    text = BIRTH_CUE.sub(lambda m: m.group("cue") + "[dob]", text)
    text = FULL_DATE.sub(_mask_old_date, text)
    text = _mask_spans(text, _address_spans(text), "[address]")
    text = LIVES_ON.sub(lambda m: m.group("cue") + "[address]", text)
    text = UNIT.sub("[address]", text)
    text = HOUSE.sub(lambda m: m.group("cue") + "[address]", text)
    text = PHONE.sub("[phone]", text)
    text = PLATE_CUE.sub(_mask_plate, text)
    text = VANITY_PLATE.sub(_mask_vanity_plate, text)
    text = PLATE.sub("[plate]", text)
    text = CARD.sub(_mask_card, text)
    text = CARD_CUE.sub(_mask_cued_card, text)
    text = STRONG_CUE.sub(lambda m: _mask_words(m, strong=True), text)
    text = TITLE_CUE.sub(lambda m: _mask_words(m, strong=True), text)
    text = WEAK_CUE.sub(lambda m: _mask_words(m, strong=False), text)
    text = RELATION_OF.sub(lambda m: _mask_words(m, strong=False, ordinary=True), text)
    text = READ_BY.sub(lambda m: _mask_words(m, strong=False), text)
    text = _mask_spans(text, before_person_verb(text), "[name]")
    return _mask_spans(text, find_names(text), "[name]")
