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
  cue ("card #4821", "barcode ending 0199", "account no. 5512"), the last digits of any number
  ("ends -0912", "last 4 of phone 8834", "termina en 3390", "尾号是 5521", hidden first digits
  "...6602") and an id on a pass or badge ("guest pass G-4471");
* ``[ssn]`` — a social security number, whole or with its first digits hidden (``xxx-xx-4409``);
* ``[phone]`` also: seven or more digits read out in words ("four one five, five five five");
* ``[mac]`` — a device's hardware address (``a4-5e-60-c2-11-9f``, ``3C:22:FB:91:0A:7E``);
* ``[ip]`` — IPv4 and IPv6 addresses (a patron's computer or home connection);
* ``[handle]`` — ``@username`` social-media handles, a gamer tag with its number
  (``wolf#4421``), a login's shape (``rose_reader``, ``jdoering87``), and the login after an
  account cue ("username ...", "logged in as ...", "user 'x'", "acct mwolf22"), a login named
  by where it is used ("dmitri.v on the wifi login") or changed to another ("from x_1 to y.z");
* ``[device]`` — a device named after its owner ("Marias-iPhone", "Jamal's Galaxy",
  ``DESKTOP-7JQ2K9X``, a quoted name after a device cue), and the owner's name it spells;
* ``[address]`` — US street addresses and PO boxes, found by ``usaddress`` (a street number,
  a street and its type, then any unit, city, state and ZIP), a rural or county road
  ("1045 County Rd 7, Ashford"), "lives on <Street>", and addresses as other countries write
  them ("вул. Шевченка 21, кв. 4, Київ", "12 rue de la Paix", "Hauptstraße 12a");
* ``[dob]`` — a date after a birth cue ("DOB", "born", "birthday", "b."), numeric or with a
  month name, year alone included; and any full date three or more years old (an incident or a
  court order is recent; a date long past in a note is a birth date far more often);
* ``[age]`` — in a note that names someone, an age ("9 años", "82 years old", "age 82", "she's
  34.", "[name], around 30,"); an age alone or a group's ("kids under 13") is left;
* ``[description]`` — in a note that names someone, their height, build, hair, marks and
  clothes (``bot.privacy.descriptions``: "[name], tall, shaved head", "in the red hoodie");
* ``[plate]`` — the letters and digits after a plate cue ("plate", "tag", "licence",
  "registration"), and upper-case letter/digit groups shaped like a US plate (``ABC 1234``,
  ``7XYZ123``);
* ``[name]`` — the words after a naming cue, and names found without one
  (``bot.privacy.names``: name lists, ordinary words, capitalisation, ``Last, First``).
  After a *strong* cue ("named", "name is", "called", "goes by") the next word is a name
  whatever its case, and up to two more words are masked while they look like names. After a
  *weak* cue ("patron", "for", "my son", "Mr.", ...) only capitalised words that are not
  ordinary staff vocabulary are masked. Lower-case names after a rank or a role ("det hunter",
  "patron bill summers"), initials with a name ("j.t. morales", "tiffany w."), a name spelled
  letter by letter, a sign-off, a name right before a birth date, a phone or an age, a nickname
  in brackets after a masked name; and once a name is masked, its other mentions in the note (its
  words again, its initials, the listed word right beside it).

Redaction is idempotent (``redact(redact(t)) == redact(t)``) and leaves text without
identifiers unchanged: ordinary staff words are never rewritten.

It is the second line of defence. The first is design: answers are stored as choices, the
opening message is routed in memory, and only the few places where people's own words must
be kept (a question typed for the privacy in-charge, a resolve note) keep redacted text.
"""

from __future__ import annotations

import logging
import re
import traceback
import unicodedata
from collections.abc import Callable, Container
from datetime import date
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import NamedTuple, TypeVar

from bot.lazyregex import LazyPattern, lazy
from bot.privacy import wordlists
from bot.privacy.descriptions import describe
from bot.privacy.names import (
    ALWAYS_CAPITALISED,
    BOOK_SENSE_AFTER,
    COPY_OF,
    FAMILY,
    FUNCTION_WORDS,
    HUMAN_DOES,
    PARTICLES,
    PERSON_DOES_AFTER,
    PLACE_PREFIXES,
    PLACE_WORDS,
    ROOM_NAMED_AFTER,
    before_person_verb,
    beside_a_name,
    desk_nouns,
    english_names,
    english_word,
    find_names,
    fold,
    given_names,
    in_name_lists,
    listed_name,
    lower_case_names,
    mentions_again,
    name_lists,
    one_text,
    ordinary_words,
    other_language_word,
)
from bot.privacy.public import CAPITAL, public_spans
from bot.privacy.typed_names import (
    NO_INITIALS,
    dotted_initials,
    family_plurals,
    initials_and_surnames,
    initials_from_a_group,
    korean_names,
    opening_given_names,
    owned_given_names,
    quoted_nicknames,
    vietnamese_names,
    vietnamese_surnames,
)

_log = logging.getLogger(__name__)
T = TypeVar("T")

# --- emails --------------------------------------------------------------------------------
_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_DOMAIN = r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
EMAIL = lazy(rf"(?<![\w.!#$%&'*+/=?^`{{|}}~-]){_LOCAL}@{_DOMAIN}")
# An email typed wrong (a doubled "@", a space beside the "@" or before the dot of its ending):
# still an email. A space is taken only before a domain that ends as mail domains do, and
# before its dots, not only after ("capacity. com" ends a sentence), so "@" in a sentence
# ("meet me @ the desk", "tickets @ $5") is left.
_MAIL_END = r"(?:com|net|org|edu|gov|mil|us|ca|uk|me|io|co|info|biz|pl|de|fr|es|mx|ph|in|ru|ua)"
MISTYPED_EMAIL = lazy(
    rf"(?<![\w.!#$%&'*+/=?^`{{|}}~-]){_LOCAL}"
    rf"(?:@@{_DOMAIN}|\s?@{{1,2}}\s?(?:[A-Za-z0-9-]+(?:\.|\s\.\s?))+{_MAIL_END}(?![\w-]))",
    re.IGNORECASE)
SPELLED_EMAIL = lazy(
    r"\b[\w.+-]+\s*(?:\(at\)|\[at\]|\sat\s)\s*[\w-]+\s*(?:\(dot\)|\[dot\]|\sdot\s)\s*"
    r"(?:com|net|org|edu|gov|us|info|io)\b",
    re.IGNORECASE,
)

# --- phone numbers -------------------------------------------------------------------------
# Between a number's groups: a space, a dot, a slash, or any dash a keyboard or an editor
# types (hyphen, en and em dash, minus, non-breaking hyphen), spaced or not ("555–0150",
# "555 . 0150").
_DASH = "./\u2010\u2011\u2012\u2013\u2014\u2212-"
_SEP = rf"(?:\s?[{_DASH}]\s?|\s)?"  # "312-555", "(312) 555 - 0199"
PHONE = lazy(
    # (not inside a longer run of digits, unless it opens with a bracket)
    rf"(?<![\w+])(?:(?=\()|(?<!\d[\s{_DASH}]))(?:"
    # +44 20 7946 0958, +33 1 23 45 67 89: a country code then 6-14 grouped digits
    r"\+\d{1,3}(?:[\s.-]?\(?\d{1,4}\)?){2,6}"
    r"|"
    # (312) 555-0199, 312-555-0199, 1 312 555 0199, 555-0199
    rf"(?:1{_SEP})?(?:\(\d{{3}}\)\s?|\d{{3}}{_SEP})?\d{{3}}(?:\s?[{_DASH}]\s?|\s)\d{{4}}"
    r"|"
    rf"(?:1[\s.-]?)?\(\d{{3}}\)\s?\d{{3}}[\s{_DASH}]?\d{{4}}"
    r"|"
    # (555)0150: an exchange in brackets, then the line's four digits
    r"\(\d{3}\)\s?\d{4}"
    rf")(?!\w)(?![\s{_DASH}]\d)"
)
# A range, not a number: two years ("1990-2005"), or numbers set apart by a typographic dash
# whose first part no exchange has (exchanges start with 2-9: "pages 100–1500").
YEAR_RANGE = lazy(rf"(?:19|20)\d\d\s?[{_DASH}]\s?(?:19|20)\d\d")
TYPOGRAPHIC_RANGE = lazy(r"[01]\d\d\s?[\u2010-\u2014\u2212]")


def _mask_phone(match: re.Match[str]) -> str:
    number = match.group(0)
    if YEAR_RANGE.fullmatch(number) or TYPOGRAPHIC_RANGE.match(number):
        return number
    return "[phone]"


# Digits read out ("four one five, five five five, oh one nine two"): seven or more digit words
# in a row are a phone number; three or more after a partial-number cue are its digits.
_DIGIT_WORD = r"(?:zero|oh|o|one|two|three|four|five|six|seven|eight|nine|double|triple)"


def _spoken(at_least: int) -> str:
    return rf"{_DIGIT_WORD}(?:[\s,.-]+{_DIGIT_WORD}){{{at_least - 1},}}"


# (A rule that opens with a choice of cue words, ``\b(?:zero|oh|...)``, has a lookahead for their
# first letters: with IGNORECASE the engine tries every word of the choice at every word
# boundary, and the lookahead turns away most boundaries with one test of a letter. It changes
# no match: tests/test_redact_gates.py compares each rule with and without it.)
_SPOKEN_AT_LEAST = 7
SPOKEN_PHONE = lazy(rf"\b(?=[defnostz]){_spoken(_SPOKEN_AT_LEAST)}\b", re.IGNORECASE)
_DIGIT_WORDS = frozenset(_DIGIT_WORD[3:-1].split("|"))


def _digit_words(text: str) -> int:
    """How many of the note's runs of letters are digit words: every word of a phone number
    read out is one whole (``[\\s,.-]`` or a word's edge on each side), so a note with fewer
    than seven holds none, and is not searched for one (the rule, tried at every word's start,
    was a pass over every note)."""
    return sum(run in _DIGIT_WORDS for run in _letter_runs(text))

# --- card numbers --------------------------------------------------------------------------
CARD = lazy(r"(?<!\d)\d(?:[ -]?\d){5,}(?!\d)")
DATE = lazy(r"^\d{4}-\d{1,2}-\d{1,2}$|^\d{1,2}-\d{1,2}-\d{2,4}$")
CARD_CUE = lazy(
    r"(?P<cue>\b(?=[abclp])(?:card|barcode|bar code|account|acct|patron id|library id|pin)"
    r"(?:\s*(?:number|num|no\.?|#|ending(?:\s+(?:in|with))?|ends(?:\s+(?:in|with))?|is|:))*"
    r"\s*#?\s*)"
    r"(?P<digits>\d(?:[ -]?\d){2,})(?!\d)",
    re.IGNORECASE,
)

# The digits hidden before the last ones ("ending ...6602", "ends ****0912", "xxxx4471").
_HIDDEN = r"(?:(?:\.{2,}|…|[*•xX#]{2,})\s*)?"
# The last digits of a number ("barcode ends -0912", "last 4 of phone 8834", "last four of
# her card: eight eight one two"): a part of an identifier is still the patron's.
PARTIAL_CUE = lazy(
    r"(?P<cue>\b(?:(?:ends?|ending|ended)(?:\s+(?:in|with|at))?"
    r"|last\s+(?:\d|two|three|four|five|six|few)(?:\s+(?:digits?|numbers?|nums?))?"
    r"(?:\s+(?:of|on|from|in|to)\s+(?:(?:his|her|their|the|my|your|its|patron'?s?)\s+)?"
    r"[\w'-]+(?:\s+(?:number|num|no\.?|#))?)?)"
    rf"\s*(?:is|was|are|were|=|:)?\s*[-#:]?\s*{_HIDDEN})"
    rf"(?P<digits>\d(?:[ -]?\d){{2,}}|{_spoken(3)})(?![\d\w])",
    re.IGNORECASE,
)
# The same cue in the languages patrons and staff write notes in: "termina en 3390", "endet
# auf 7730", "заканчивается на 8812", "尾号是 5521", "끝자리 1234" (uncased scripts have no word
# boundary, so their cues stand alone).
PARTIAL_ABROAD = lazy(
    r"(?P<cue>(?:\b(?=[aefktзко])(?:termin(?:a|an|ando|ad[ao]|e|ent|ant)|acaba(?:n)?|finit|finissant|"
    r"endet|endend|kończy\s+się|konczy\s+sie|końcówka|kết\s+thúc|закінчується|"
    r"заканчивается|оканчивается|кончается)\s*(?:en|em|con|com|par|auf|mit|in|na|на|bằng)?\b"
    r"|尾号|尾數|尾数|后四位|後四位|末尾|下4桁|下四桁|끝자리|끝번호)"
    rf"\s*(?:是|为|為|は|는|가|:|：)?\s*[-#:：]?\s*{_HIDDEN})"
    r"(?P<digits>\d(?:[ -]?\d){2,})(?!\d)",
    re.IGNORECASE,
)
# The last four of a social security number in brackets after its word ("ssn (7734)", "social
# security # [0912]").
SSN_LAST_FOUR = lazy(
    r"(?P<cue>\b(?i:ssn|ss#|social\s+security(?:\s+(?:number|no\.?|#))?|soc\.?\s+sec\.?)\s*"
    r"[(\[]\s*)\d{4}(?=\s*[)\]])")
# A social security number, whole or with its first digits hidden ("xxx-xx-4409", "***-**-4409"):
# the last four are the part people are asked for, and the part that identifies.
SSN = lazy(r"(?<![\w-])(?:\d{3}|[xX*#•]{3})([- ]?)(?:\d{2}|[xX*#•]{2})\1\d{4}(?![\w-])")
# An id on a pass, a badge or an id card ("guest pass G-4471", "student id 900412377").
ID_CUE = lazy(
    r"(?P<cue>\b(?=[gvcpdtwisemlubkGVCPDTWISEMLUBK])"
    r"(?:(?:guest|visitor|computer|pc|day|temp(?:orary)?|wi-?fi|internet)\s+pass"
    r"|(?:student|employee|staff|member(?:ship)?|patron|library|state|school|guest|user|login|"
    r"military|photo)\s+id|id|badge|voucher|locker|permit)"
    r"(?:\s*(?:number|num|no\.?|#|is|was|:))*\s*#?\s*)"
    r"(?P<id>[A-Za-z]{0,3}-?\d(?:[ -]?\d){2,}[A-Za-z]?)(?![\w-])",
    re.IGNORECASE,
)
# A passport's number after its word, in the languages of the desk ("passport no. AB1234567",
# "her passport # is 533380006", "pasaporte: G12345678"): letters and digits, read whole before
# the card, phone and SSN rules would take its digits and leave its letters.
PASSPORT = lazy(
    r"(?P<cue>\b(?=[pPrR])(?i:passport|pasaporte|passeport|passaporto|passaporte|reisepass|"
    r"paszport)(?:\s*(?:number|num|no\.?|n[º°o]\.?|número|numero|#|is|was|es|:))*\s*#?\s*)"
    r"(?P<id>[A-Za-z]{0,2}\d{6,9}[A-Za-z]?)(?![\w-])")
_LETTERS_OF_A_NUMBER = lazy(r"(?<![\w\[-])[A-Z]{1,2}\[card\]")
# A rural or county road ("1045 County Rd 7, Ashford", "22 State Route 9", "N4512 Hwy K",
# "RR 3 Box 112"), which the street parser does not know, with the town after it.
RURAL_ROAD = lazy(
    r"\b(?:RR|R\.R\.|HC|(?i:rural|star)\s+(?i:route))\s*#?\s*\d{1,4}\b(?:,?\s+(?i:box)\s+\d+)?"
    r"|(?<![\w-])[NSEWnsew]?\d{1,6}\s+(?:(?i:county|co\.?|state|us|u\.s\.|farm(?:\s+to\s+market)?|"
    r"fm|township|twp\.?|old|rural|forest|ranch)\s+)?"
    r"(?i:road|rd\.?|route|rte\.?|highway|hwy\.?|cr|sr|rr|line)\s+#?"
    r"(?:[A-Z]{1,2}|[A-Z]{0,2}-?\d{1,4}[A-Za-z]?)(?![\w-])"
    r"(?:,\s*[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?)?"
)

# --- apartment and unit numbers, and a house number after "at/from/on" ("at 14 maple") -----
UNIT = lazy(r"\b(?=[asu])(?:apt|apartment|unit|suite|ste)\.?\s*#?\s*[\w-]*\d[\w-]*\b",
            re.IGNORECASE)
HOUSE = lazy(  # a year after from/to ("papers from 1992 are") is no house number
    r"(?P<cue>\b(?:at|from|on|to)\s+)(?!(?<=(?:from|..to)\s)(?:1[89]|20)\d\d\b)"
    r"(?P<place>\d{1,5}\s+(?!(?:days?|weeks?|months?|years?|"
    r"hours?|minutes?|mins?|items?|books?|copies|dvds?|times?|pm|am|o'?clock|percent|kids?|"
    r"people|patrons?|pages?|noon|midnight|tonight|today|tomorrow|"
    # a time or a count read on, not a street ("free at 2 for the group", "at 400 already")
    r"for|the|and|with|already|now|so|but|each|per|then|or|till|until|if|when|tops|max|min|"
    r"total|left|more|less|too|plus|instead|again|yet|still|sharp|ish|signups?|registered|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|jan(?:uary)?|feb(?:ruary)?|march|april|may|june|july|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b)[a-z][\w'-]{2,})\b",
    re.IGNORECASE)

# --- names ---------------------------------------------------------------------------------
_WORD = r"[^\W\d_][\w'’-]*"  # any script's letters (Nguyễn, Zoë), then letters or marks
_KIN_ABROAD = (r"syn|syna|synem|synowi|córka|córki|córką|córce|wnuk|wnuka|wnuczka|wnuczki|"
               r"wiilka|wiilkiisa|wiilkeeda|wiilkayga|gabadha|gabadhiisa|gabadheeda|gabadhayda|"
               r"hijo|hija|nieto|nieta|filho|filha|fils|fille|sohn|tochter|enkel|enkelin")
STRONG_CUE = lazy(
    r"(?P<cue>\b(?=[abcgmnps])"
    r"(?:named|name\s+is|name\s+was|name's|name:|name\s+as|goes\s+by|signed\s+as|"
    # "full name 'Summer Day'", "name on acct is King Solomon Adeyemi"
    r"name(?=\s*[\"“'‘])(?!'s\b)|name\s+on\s+(?:the\s+|his\s+|her\s+)?[\w-]+\s+(?:is|was|reads|says|:)|"
    r"by\s+the\s+name\s+of|nickname(?:\s+is|\s+was)?|nicknamed|a\.k\.a\.?|aka|alias|"
    # a label for the person the note is about ("cardholder: okafor chidi")
    r"(?:cardholder|card\s+holder|account\s+holder|borrower|patron|member|customer|pt)\s*:"
    r")(?:\s*,?\s+[\"“'‘]?|\s*[\"“'‘]))"
    # up to three words; a middle initial's dot joins them too ("jenny r. smith")
    rf"(?P<words>{_WORD}(?:(?:\s+|(?<=\b\w)\.\s+){_WORD}){{0,2}})",
    re.IGNORECASE,
)
TITLE_CUE = lazy(  # the word after a title is a name; a second one only if capitalised
    r"(?P<cue>\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|mr|mrs|ms|dr)\.?\s+)"
    # (a Vietnamese name's given name after Van or Thi as well: "Mrs. Pham Thi An")
    rf"(?P<words>{_WORD}(?:\s+(?![a-z]){_WORD}(?:(?<=\b(?i:van|văn|thi|thị))\s+{_WORD})?)?)"
)
WEAK_CUE = lazy(
    # (the lookahead lets the engine skip, cheaply, every word that starts no cue)
    r"(?P<cue>\b(?=[pfakcsdhwbgmtuloPFAODne])(?:patron|patrons|for|about|kid|child|son|daughter|husband|wife|spouse|"
    r"boyfriend|girlfriend|partner|mom|mother|dad|father|brother|sister|tenant|employee|"
    r"client|user|customer|guy|lady|man|woman|called|officer|detective|agent|"
    r"Patron|For|About|Officer|Detective|Agent|"
    # a son or a daughter in the languages of the desk ("matka syna Bartosz", "córki Zuzanna",
    # "hooyada wiilkeeda Hodan", "su hija Valentina")
    rf"{_KIN_ABROAD})\s*,?\s+)"
    rf"(?P<words>(?![a-z]){_WORD}(?:\s+(?![a-z]){_WORD}){{0,2}})"  # capitalised words only
)

# A work about someone ("a book about Malala", "the documentary on Ruth Bader Ginsburg"): the
# person is its subject, not a patron.
ABOUT_A_WORK = lazy(
    r"\b(?:books?|biograph(?:y|ies)|novels?|documentar(?:y|ies)|poems?|stories|story|films?|"
    r"movies?|dvds?|something|anything|everything|display)\s+(?:about|on)\s+$",
    re.IGNORECASE)
# "mother of Will Tran", "wife of April May": capitalised words after a relation and "of" are
# a name even when they are also ordinary words.
RELATION_OF = lazy(
    r"(?P<cue>\b(?:wife|husband|spouse|mother|father|mom|dad|son|daughter|sister|brother|"
    r"aunt|uncle|grand(?:mother|father|ma|pa|son|daughter)|guardian|parent|friend|boyfriend|"
    r"girlfriend|partner|ex|cousin|niece|nephew)\s+of\s+)"
    rf"(?P<words>(?![a-z]){_WORD}(?:\s+(?![a-z]){_WORD}){{0,2}})"
)
# "what Zuri read", "whether Ayo borrowed": a capitalised word before a reading-history verb.
READ_BY = lazy(
    r"(?P<cue>\b(?:what|which|whether|if|everything|anything|that|books)\s+)"
    rf"(?P<words>(?![a-z]){_WORD}(?:\s+(?![a-z]){_WORD})?)"
    r"(?=\s+(?:has\s+|had\s+)?(?:read|reads|borrowed|borrows|checked|checks|took|takes|"
    r"watched|watches|searched|looked\s+up|printed|downloaded|streamed)\b)"
)

# A rank or a role word, then a name in lower case ("det hunter", "lt. day", "patron bill
# summers"): the word after a rank is a listed name (a surname) whatever its case; after a role
# word, a listed first name and a listed surname side by side (``_mask_lower_name``).
_RANKS = (r"detective|officer|sergeant|lieutenant|captain|corporal|deputy|trooper|agent|"
          r"inspector|investigator|chief|constable|professor|judge|pastor")
_SHORT_RANKS = r"det|ofc|sgt|lt|capt|cpl|dep|insp|cmdr|supt|prof|rev"
# a title of a job or an office, written before a person's given name in chat ("director sue",
# "ask manager tom"): see ``_mask_rank``
_JOB_TITLES = (r"director|manager|supervisor|librarian|coordinator|administrator|clerk|trustee|"
               r"principal|teacher|coach|nurse|mayor|alderman|alderwoman|councilman|"
               r"councilwoman|councilor|councillor|counselor|counsellor|caseworker|rabbi|imam|"
               r"dean|bishop|superintendent")
# (a word after the title is never the next title: "the director and officer mike" leaves
# "officer mike" to its own match)
_NOT_A_TITLE = rf"(?!(?:{_SHORT_RANKS}|{_RANKS}|{_JOB_TITLES})\b)"
RANK_CUE = lazy(
    r"(?P<cue>\b(?=[doslciprtajmnbkhDOSLCIPRTAJMNBKH])"
    rf"(?:(?P<short>{_SHORT_RANKS})|{_RANKS}|(?P<role>{_JOB_TITLES}))\.?\s+)"
    rf"(?P<words>{_NOT_A_TITLE}{_WORD}(?:\s+{_NOT_A_TITLE}{_WORD})?)",
    re.IGNORECASE)
ROLE_CUE = lazy(
    r"(?P<cue>\b(?:patron|patrons|kid|child|husband|wife|boy|girl|teen|man|woman|guy|lady|"
    rf"user|customer|member|cardholder|parent|guardian|caller|visitor|{FAMILY})\s*,?\s+)"
    r"(?P<words>[a-z][\w'’-]+\s+[a-z][\w'’-]+)")
# A person cue, then a given name in lower case: staff type names in lower case in chat
# ("checked out by kev yesterday", "holds for jen s", "patron lane asked", "the guy (tom?)").
# A cue that says a person follows (``person``: "checked out by", "hold it for", "patron",
# "told") admits any given name; a looser one ("for", "from", "with", "called") asks more of a
# name that is also a word. See ``cued_given_names``.
# (Its cue words' first two letters, for speed: see ``SPOKEN_PHONE``. Its first-letter lookahead
# still let the engine into its choice of ~100 cue words at most words' starts: "the", "is",
# "her"... The first letter is taken as written, the second in any case the choice takes.)
_PERSON_CUE_FIRST_TWO = (
    r"(?=[aA](?i:[cs]|\s)|[bB](?i:[aeor])|[cC](?i:[ah])|[dD](?i:[er])|[eE](?i:[mv])"
    r"|[fF](?i:[ior])|[gG](?i:[ai])|[hH](?i:[eio])|[iI](?i:[st])|[kK](?i:e)|[lL](?i:[aei])"
    r"|[mM](?i:e)|[nN](?i:o)|[oO](?i:n)|[pP](?i:[ailtu])|[rR](?i:e)|[sS](?i:[aehit])"
    r"|[tT](?i:[eho])|[wW](?i:[ai]))")
PERSON_CUE = lazy(
    r"(?P<cue>\b" + _PERSON_CUE_FIRST_TWO + r"(?i:(?P<person>"
    # "card is under", "it's under", "holds are all under": whose name an account is in
    r"(?P<owner>(?:it|that|this|everything|they|cards?|accounts?|acct|holds?|fines?|stuff|"
    r"reservation|request|hotspot|laptop|device)(?:['’]s|['’]re|\s+(?:is|are|was|were|"
    r"should\s+be))?\s+(?:(?:all|still|listed|filed|probably|maybe)\s+)?under|belongs\s+to)|"
    r"(?:checked\s+out|renewed|returned|requested|reserved|borrowed|placed|picked\s+up|"
    r"dropped\s+off|brought\s+in|signed\s+up)\s+by|"
    # a hold, or something picked up, for someone: a person follows ("holds for dawn", "picking
    # up for mark"), unless the desk's own words do ("hold for pickup", "holds for christian
    # fiction": see ``cued_given_names``)
    r"(?P<held>(?:on\s+)?holds?\s+(?:for|under)|pick(?:s|ed|ing)?\s+(?:it\s+|them\s+)?up\s+for|"
    r"pickups?\s+for|lil)|"
    r"(?:hold|save|keep|pull|set)\s+(?:it|them|this|that|these|those|one)\s+(?:aside\s+)?for|"
    r"(?:card|account|acct|fines?)\s+(?:for|of|under)|patron|cardholder|borrower|"
    r"pt|told|helped|paged|texted|emailed|warned|banned|"
    # a message or a thing for someone ("tell jen", "remind kev", "call rosa back", "let hope
    # know", "gave mark the key", "showed priya how")
    # (not before another cue: "an email from kev", "ask for jen")
    r"(?P<message>(?:tell|tells|telling|remind|reminds|ask|asks|text|texts|email|emails|page|"
    r"notify|ping|message|give|gave|giving|show|showed|send|sent|issue|issued|registered|"
    r"walked|signed\s+up)(?!\s+(?:from|for|with|called|by|up|out|in|back)\b)"
    r"|call(?=\s+[a-z]{2,}\s+back\b)|let(?=\s+[a-z]{2,}\s+know\b))|"
    r"(?:the|a|this|that)\s+(?:guy|lady|man|woman|kid|boy|girl|teen|gentleman|customer)|"
    r"(?:his|her|their)\s+(?:son|daughter|kid|husband|wife|mom|dad|mother|father))"
    r"|for|from|with|called)(?:\s*[,:(]\s*|\s+))"
    # (a capitalised name after a cue is the other cue rules' and find_names')
    r"(?P<word>[a-z]{2,})(?P<own>['’]s)?(?![\w'’-])"
    # the rest of the name after it, not taken (it may be the next cue): an initial ("jen s")
    # or a listed surname ("lane okafor")
    r"(?=(?P<rest>\s+(?:(?P<initial>(?![aiAI]\b)[A-Za-z])\.?(?=$|[\s,.;:!?)])"
    r"|(?P<surname>[A-Za-z][a-z'’-]+)(?![\w'’-]))))?")
# What follows the name a message is for: whom or what it is about ("tell mark his hold came
# in", "ask grace if", "let hope know").
MESSAGED_AFTER = lazy(
    r"\s+(?:his|her|their|that|the|to|about|when|if|whether|we|i|she|he|they|it's|its|"
    r"back|know|how|where|our)\b")
# What follows a name: a sentence's end or a bracket (what a person does: PERSON_DOES_AFTER).
_ENDS_HERE = lazy(r"\s*(?:$|[,.;:!?)\]]|\s[-–—]\s)")
# A given name's possessive before what a patron has at the library ("mike's card").
POSSESSIVE_ACCOUNT = lazy(
    r"(?<![\w'’-])(?P<word>[A-Za-z][a-z]+)['’]s\s+"
    r"(?=(?:library\s+)?(?:cards?|account|acct|holds?|fines?|fees?|checkouts?|loans?|items?|"
    r"books?|records?|history|pin|password|login|email|phone|number|address|balance)\b)")
_DETERMINERS = frozenset({"the", "a", "an", "this", "that", "these", "those", "each", "every",
                          "last", "next", "our", "your", "his", "her", "their", "my", "its",
                          "one", "no", "any", "some", "whose", "of"})


def cued_given_names(text: str) -> list[tuple[int, int]]:
    """The given names after a person cue (``PERSON_CUE``), with the initial or surname after.

    A name that is no English word (kev, jen, priya) is a name after any cue. One that is an English
    word (mike, lane, mark) is one after a person cue when the sentence ends there, a person's
    doing follows, or the rest of a name does; after a looser cue, only if it is no everyday
    word (hope, bill) and a person's doing or the rest of a name follows. A staff or place
    word that is also a name (will, may, april; lane, park) is one only after a person cue,
    with a person's doing or a surname after it ("patron will asked", "patron lane asked")."""
    spans: list[tuple[int, int]] = []
    # The word after a cue is a given name, or an account is under someone: a note with
    # neither is done after one look at its words (the cue pattern, tried at every word's
    # start, cost the redactor more than any other)
    plain, worded = given_names()
    if _given_names_joined(plain, worded).isdisjoint(_letter_runs(text)) and not _holds(
            text, ("under", "belongs")):
        return spans
    for match in PERSON_CUE.finditer(text):
        word = match.group("word")
        bare = fold(word)
        if bare not in plain and bare not in worded:
            if match.group("owner") and _owners_name(text, match):  # "card is under okafor"
                spans.append((match.start("word"), match.end()))
            continue
        end = match.end()
        rest = bool(match.group("rest")) and not match.group("own") and (
            _surname_after(match.group("surname"), held=bool(match.group("held")))
            if match.group("surname")
            else bool(_ENDS_HERE.match(text, match.end("rest"))))  # not "for jen a book"
        does = bool(PERSON_DOES_AFTER.match(text, end)) or bool(
            match.group("message") and MESSAGED_AFTER.match(text, end))
        ends = bool(_ENDS_HERE.match(text, end)) or bool(match.group("own"))
        person = match.group("person") is not None
        if bare in COMMON_WORDS or bare in PLACE_WORDS:  # will, may; lane, park
            found = person and (does or rest)
        elif match.group("held"):  # holds for dawn; not "holds for christian fiction"
            found = not _desk_noun_after(text, end) or does
        elif bare in plain:
            found = True
        elif person:
            found = does or ends or rest
        else:  # "with cash.", "for grace": a word far more often than a person
            found = not _ordinary_word(word) and (does or rest)
        if found:
            spans.append((match.start("word"), match.end("rest") if rest else end))
    return spans


# Where only a person's name can stand, so a given name there is one even when it is also an
# everyday word (bill, hope, grace, mark) or written in lower case (review 9 m1):
# * after a person's title or role, a job's or a colleague's ("director bill is out",
#   "supervisor kim call me back", "our director, sue, said", "my boss mark said"), before what a
#   person does, a verb with its object, the clause's end, or set off by commas;
# * as whom a message is for ("Should I tell Bill that", "ask Will to", "told grace the",
#   "let Hope know");
# * as who is reported ("said bill was here", "per dawn, the officer"), or beside their family
#   ("ruby and her mom").
# The title's words: the job titles of ``RANK_CUE``, and the words for a colleague, a helper or
# whoever heads a team (``_PEOPLE_AT_WORK``).
_PEOPLE_AT_WORK = (r"boss|coworker|co-worker|colleague|assistant|aide|head|lead|guard|custodian|"
                   r"janitor|volunteer|intern|tech|technician|specialist|receptionist|"
                   r"security|shelver|page|staffer|neighbou?r|friend")
TITLE_SLOT = lazy(
    r"(?<![\w'’-])(?=[a-zA-Z])(?i:"
    rf"(?P<title>{_JOB_TITLES}|{_PEOPLE_AT_WORK})(?P<comma>\s*,)?\s+)"
    rf"(?!(?:{_JOB_TITLES}|{_RANKS}|{_PEOPLE_AT_WORK})\b)"  # (head librarian, security guard)
    r"(?P<word>[A-Za-z][a-z]+)(?![\w'’-])")
MESSAGE_SLOT = lazy(
    r"\b(?=[tTaArRlLcCpPwWeE])(?i:tell|tells|telling|told|ask|asks|asking|remind|reminded|let|"
    r"call|page|warn|warned|text|texted|email|emailed)\s+(?P<word>[A-Za-z][a-z]+)(?![\w'’-])")
REPORTED_SLOT = lazy(
    r"(?P<said>\b(?=[spac])(?:said|says|saying|per|according\s+to|claims|claimed)\s+)"
    r"(?P<word>[a-z][a-z]+)(?![\w'’-])")
# ... and a sentence's first word in lower case (found from the sentence ends: a rule tried at
# every character cost the redactor a twentieth of its time)
_SENTENCE_END = lazy(r"[.!?]\s(?=[a-z])")
_OPENING_WORD = lazy(r"(?P<word>[a-z][a-z]+)(?![\w'’-])")
# The words each slot needs in the note, as the note's runs of letters in lower case
# (``_letter_runs``) hold them: a title ("co-worker" is two runs; "neighbour" and "neighbor"),
# a word of a message, a word of reporting.
_TITLE_CUES = frozenset(run for title in f"{_JOB_TITLES}|{_PEOPLE_AT_WORK}".split("|")
                        for spelling in (title.replace("u?", ""), title.replace("u?", "u"))
                        for run in spelling.split("-"))
_MESSAGE_CUES = frozenset({"tell", "tells", "telling", "told", "ask", "asks", "asking", "remind",
                           "reminded", "let", "call", "page", "warn", "warned", "text", "texted",
                           "email", "emailed"})
_SAID_CUES = frozenset({"said", "says", "saying", "per", "according", "claims", "claimed"})
# What follows a name in those slots: what a person does, a verb with its object ("kim call me
# back"), or the clause's end.
_VERB_AND_OBJECT = lazy(r"\s+[a-z]{2,}\s+(?:me|us|him|her|them|you)\b")
_BESIDE_FAMILY = lazy(rf"\s+(?:and|&|with)\s+(?:his|her|their)\s+(?:{FAMILY}|mum|kids?|friend)\b")
# Words a slot can hold that never name anyone there ("ask will I", "tell may"): modals, and
# the desk's roles and teams that a list has as names ("ask page to shelve", "tell security").
_MODALS = frozenset({"will", "may", "can", "must", "might", "shall"})
# Words for a person that a list has as a name ("guy says", "lady wants", "son is asking",
# "asking us to"): who someone is, never their name.
_PERSON_NOUNS = frozenset(f"{FAMILY}".split("|")) | {
    "guy", "guys", "lady", "ladies", "man", "woman", "kid", "boy", "girl", "teen", "baby",
    "child", "parent", "wife", "husband", "gentleman", "sir", "madam", "lawyer", "attorney",
    "judge", "doctor", "patron", "customer", "member", "user", "cop", "us", "me", "mum"}
_TITLE_WORDS = frozenset(f"{_JOB_TITLES}|{_RANKS}|{_PEOPLE_AT_WORK}".split("|")) | {
    "neighbor", "neighbour"}
_DESK_ROLES = frozenset({"page", "pages", "security", "staff", "admin", "reference", "circ",
                         "circulation", "youth", "teen", "adult", "desk", "tech", "it"})


def slot_given_names(text: str) -> list[tuple[int, int]]:
    """Given names where only a name can stand (``TITLE_SLOT``, ``MESSAGE_SLOT``,
    ``REPORTED_SLOT``): any listed first name or nickname, in any case, though it is an English
    word too; the same word elsewhere ("bill the patron", "will you call", "grace period",
    "mark it missing") is left to the other rules, which keep it."""
    first_names = name_lists()[0]
    plain, worded = given_names()
    spans: list[tuple[int, int]] = []
    # Every slot holds a word ``given`` takes: a note with none (four in five) is done after
    # one look at its words (the rules tried on every note cost route() a thirtieth of its time)
    runs = _letter_runs(text)
    if _slot_names(plain, worded, first_names).isdisjoint(runs) and (
            _MODALS.isdisjoint(runs) or not _MODALS & worded
            or not _CAPITAL_MODALS.search(text)):
        return spans

    def given(word: str) -> bool:
        bare = fold(word)
        if bare in _MODALS:  # only capitalised ("Ask Will to", not "ask will I")
            return word[:1].isupper() and bare in worded
        return (bare not in PRONOUNS and bare not in _NOT_AFTER_RANK and bare not in _DESK_ROLES
                and bare not in _TITLE_WORDS and bare not in _PERSON_NOUNS  # ("guy says")
                and (bare in plain or bare in worded or bare in first_names))

    titles = TITLE_SLOT.finditer(text) if not _TITLE_CUES.isdisjoint(runs) else ()
    for match in titles:
        word, end = match.group("word"), match.end()
        if not given(word):
            continue
        set_off = bool(match.group("comma")) and text[end: end + 1] == ","
        if (set_off or PERSON_DOES_AFTER.match(text, end) or HUMAN_DOES.match(text, end)
                or _VERB_AND_OBJECT.match(text, end) or _ENDS_HERE.match(text, end)
                and not _desk_noun_after(text, end)):
            spans.append(match.span("word"))
    messages = MESSAGE_SLOT.finditer(text) if not _MESSAGE_CUES.isdisjoint(runs) else ()
    for match in messages:
        word, end = match.group("word"), match.end()
        if given(word) and MESSAGED_AFTER.match(text, end):
            spans.append(match.span("word"))
    reported: list[re.Match[str]] = (
        list(REPORTED_SLOT.finditer(text)) if not _SAID_CUES.isdisjoint(runs) else [])
    for start in [0] + [m.end() for m in _SENTENCE_END.finditer(text)]:
        if (opening := _OPENING_WORD.match(text, start)) is not None:
            reported.append(opening)
    for match in reported:
        word, end = match.group("word"), match.end()
        said = "said" in match.re.groupindex and match.group("said")
        if not given(word) or word in COMMON_WORDS and (
                not HUMAN_DOES.match(text, end) or not said):
            continue  # (a staff word opening a sentence is that word: "page said")
        if (HUMAN_DOES.match(text, end) and (said or fold(word) in plain)
                or _BESIDE_FAMILY.match(text, end)
                or text[end: end + 1] == "," and match.group(0).startswith("per")):
            spans.append(match.span("word"))
    return spans


_LETTER_RUN = lazy(r"[a-z]+")
_CAPITAL_MODALS = lazy(r"\b(?:Will|May|Can|Must|Might|Shall)\b")
# (the last lists ``_slot_names`` was built from, by identity, and what it built)
_slot_names_built: tuple[tuple[frozenset[str], ...], frozenset[str]] = ((), frozenset())


# The note ``_letter_runs`` last read, and its runs (dropped with ``_last_lowered``).
_last_runs: tuple[str, list[str]] | None = None


def _no_names_to_find(text: str, has: _Has) -> bool:
    """``find_names`` would find nothing: the note is in lower case ASCII (no capital since
    the rules began: none writes one), has no hyphen, apostrophe or mask to join words into
    one, and none of its words is a name in lower case (``lower_case_names``). Half the desk's
    openings; their words were each made a token and weighed (a third of the redactor)."""
    return (not has.capital and text.isascii() and "-" not in text and "'" not in text
            and "[name]" not in text and lower_case_names().isdisjoint(_letter_runs(text)))


def _maybe_initials(text: str) -> bool:
    """Whether a run of letters of the note could be the lower-case initials
    ``initials_and_surnames`` takes: one or two letters, no word it leaves ("a", "my", "of")."""
    ordinary = ordinary_words()
    return any(len(run) <= 2 and run not in NO_INITIALS and run not in FUNCTION_WORDS
               and run not in ordinary for run in _letter_runs(text))


def _letter_runs(text: str) -> list[str]:
    """The runs of ASCII letters of ``text`` in lower case, as ``_lowered`` makes it (so a word
    a rule finds in any case is one of them, or a part of one joined by a hyphen)."""
    global _last_runs
    last = _last_runs
    if last is not None and last[0] is text:
        return last[1]
    runs = _LETTER_RUN.findall(_lowered(text))
    _last_runs = (text, runs)
    return runs


def _given_names_joined(plain: frozenset[str], worded: frozenset[str]) -> frozenset[str]:
    """``plain | worded``, joined once (and again only if the lists change)."""
    global _given_joined
    lists, joined = _given_joined
    if len(lists) != 2 or lists[0] is not plain or lists[1] is not worded:
        joined = plain | worded
        _given_joined = ((plain, worded), joined)
    return joined


_given_joined: tuple[tuple[frozenset[str], ...], frozenset[str]] = ((), frozenset())


def _slot_names(plain: frozenset[str], worded: frozenset[str],
                first_names: frozenset[str]) -> frozenset[str]:
    """The words in lower case that ``slot_given_names``' ``given`` takes, but the modals
    (taken only capitalised): built once from the lists (and again only if they change: a
    note redacted while they load gets empty ones)."""
    global _slot_names_built
    lists, built = _slot_names_built
    if len(lists) != 3 or any(a is not b for a, b in zip(lists, (plain, worded, first_names),
                                                         strict=True)):
        built = frozenset((plain | worded | first_names) - PRONOUNS - _NOT_AFTER_RANK
                          - _DESK_ROLES - _TITLE_WORDS - _PERSON_NOUNS - _MODALS)
        _slot_names_built = ((plain, worded, first_names), built)
    return built


# "big tony", "Big Mike", "don Chuy", "doña Carmen", "Lil Dre": a nickname's first word goes
# with the name it is before (masked whole), and a listed given name after "big" is one in
# lower case too, unless it is an English word ("a big mark on the page").
NICKNAME_BEFORE = lazy(r"(?<![\w'’-])(?i:big|lil|don|doña|dona)\s+(?=\[name\])")
BIG_NAME = lazy(r"(?<![\w'’-])(?:big|lil)\s+(?P<word>[a-z]{3,})(?![\w'’-])")


# A lone capitalised word no name list has, right before what only a person does ("Priyanka
# asked if", "Oluwaseun wants", "so Tendai said", "Ji-hoon asked"): a name the lists lack, not
# the desk's word for someone ("Maintenance called", "Parents asked", "Caller said"). The word
# opens the note or a sentence, or follows a word in lower case: a capitalised word before it
# makes a run of names, ``find_names``' and ``before_person_verb``'s. (A given name with a
# particle's capital inside, DeShawn, McKenzie; or two joined by a hyphen, Seo-yeon.)
# (a capital first, for speed: the engine skips to the note's capitals)
LONE_NAME = lazy(  # (a Latin capital: Łukasz, Élodie; its case is checked in lone_names)
    r"[A-ZÀ-ÖØ-ÞĀ-ž](?<![\w'’.-].)[^\W\d_]+(?:-[^\W\d_]+)?(?![\w'’-])"
    rf"(?={HUMAN_DOES.pattern})")
# How the desk's words for a person or a body end, which a name the lists lack seldom does:
# an agent (Caller, Counselor, Librarian, Tenant, Resident, Councilman, Trustee, Hostess), a
# word built as English ones are (Maintenance, Management); and their plurals (see
# ``_desk_word``: Parents, Officers, Residents).
_NOT_A_NAME_ENDING = lazy(
    r"(?:er|or|ian|ist|ant|ent|man|men|ee|ess|ance|ence|ity|ment|ness|tion|sion|ing|ed|ly|"
    r"ogy|ive|ous|ery|ary|ory|ship|hood|ure)$")
_WORD_BEFORE_IT = lazy(r"([^\W\d_]+)\.?\s*[,:]?\s+$")


@cache
def _not_people() -> frozenset[str]:
    """Words that open a note before what a person does and name no one (``typed_names.txt``
    [not people]: the desk's teams, agencies, vendors, kin words)."""
    return wordlists.words("typed_names.txt")["not people"]


def lone_names(text: str) -> list[tuple[int, int]]:
    """``Priyanka asked``: see ``LONE_NAME``. Only a word no name list has (a listed one is the
    other rules'), no ordinary, staff, place or title word, none ending as the desk's words do
    (``_NOT_A_NAME_ENDING``) and none of ``_not_people``."""
    spans = []
    for match in LONE_NAME.finditer(text):
        word = match.group(0)
        first, *rest = word.split("-")
        if not word[0].isupper() or rest and not rest[0].isalpha():
            continue  # (a letter of a script without capitals)
        parts = [fold(part) for part in word.split("-")]
        if any(in_name_lists(part) or _desk_word(part, english=False) for part in parts) or all(
                english_word(part) for part in parts):
            continue  # (Co-worker, Ex-wife; not Ji-hoon, though "hoon" is a word)
        if not first[1:].islower() and not any(  # DeShawn, McKenzie
                parts[0].startswith(particle) and first[len(particle):][:1].isupper()
                for particle in _INNER_CAPITAL_PARTICLES):
            continue  # (OverDrive, YouTube, PayPal, FBI: a maker's name or initials)
        before = _WORD_BEFORE_IT.search(text, max(0, match.start() - 40), match.start())
        if before is not None and _runs_on(before.group(1)):
            continue
        spans.append(match.span())
    return spans


# Particles that a given name or a surname carries with a capital after them (DeShawn, LaToya,
# McKenzie, DiAngelo, VanDyke).
_INNER_CAPITAL_PARTICLES = ("mc", "mac", "de", "da", "la", "le", "di", "du", "van", "von", "o")
# Words before a capitalised one that make it part of a name of a thing or a place ("the"
# begins a title or a team: "the Cubs"; "of" and "de" are inside a name: "Friends of Xyz").
_RUN_ON = frozenset({"the", "of", "de", "del", "la", "le", "von", "van", "at", "in", "on"})


def _runs_on(word: str) -> bool:
    """The word before a capitalised one makes them one name of a place, a team or a thing: a
    capitalised word no ordinary one ("Youth Services", "Des Plaines", "Rolling Meadows"; not
    "Also", "Today", "FYI"), a place's prefix ("Mount"), "the", "of", "de" ("the Cubs")."""
    bare = fold(word)
    if bare in PLACE_PREFIXES or bare in _RUN_ON:
        return True
    return (word[:1].isupper() and not word.isupper() and bare not in COMMON_WORDS
            and bare not in ordinary_words() and bare not in FUNCTION_WORDS)


def _desk_word(bare: str, *, plural: bool = True, english: bool = True) -> bool:
    """A word of the desk's, not a name the lists lack: too short, an ordinary, staff, place,
    title or kin word, one of ``_not_people``, a word ending as they do
    (``_NOT_A_NAME_ENDING``), an English word ("Lost", "Upset", "Paperwork"), or the plural of
    one ("Parents", "Deputies", "Witnesses"; a listed surname's plural is a family, "Nguyens")."""
    if (len(bare) < 2 or bare in COMMON_WORDS or bare in ordinary_words()
            or bare in PLACE_WORDS or bare in FUNCTION_WORDS or bare in ALWAYS_CAPITALISED
            or bare in _TITLE_WORDS or bare in _PERSON_NOUNS or bare in _DESK_ROLES
            or bare in _not_people() or _NOT_A_NAME_ENDING.search(bare)
            or english and english_word(bare)):
        return True
    if not plural or not bare.endswith("s"):
        return False
    singulars = [bare[:-1], bare[:-2] if bare.endswith("es") else "",
                 bare[:-3] + "y" if bare.endswith("ies") else ""]
    return any(_desk_word(one, plural=False, english=english) for one in singulars
               if len(one) >= 2)


def big_given_names(text: str) -> list[tuple[int, int]]:
    """``big kev``: a listed given name after "big" or "lil"; one that is an English word too
    ("big tony", "big mark") only before what a person does or their family."""
    if not _holds(text, ("big", "lil")):
        return []
    plain = given_names()[0]
    worded = given_names()[1]
    return [match.span() for match in BIG_NAME.finditer(text)
            if fold(match.group("word")) in plain or fold(match.group("word")) in worded
            and (HUMAN_DOES.match(text, match.end()) or _BESIDE_FAMILY.match(text, match.end()))]


# A desk word after a given name that is also a word: that word, not a person ("christian
# fiction", "grace period").
_NEXT_WORD = lazy(r"\s+([a-z]+)\b")


def _desk_noun_after(text: str, end: int) -> bool:
    following = _NEXT_WORD.match(text, end)
    return following is not None and (following.group(1) in desk_nouns()
                                      or following.group(1) in ("period", "note", "slip"))


# A given name in lower case joined to a masked one ("holds for [name] and mark are ready",
# "[name], jen and rosa"): the second of a pair, whose cue the first one had.
PAIRED = lazy(
    r"\[name\](?:(?P<comma>\s*,\s*)|\s*,?\s+(?:and|&|or|\+|n)\s+|\s*[&+/]\s*)"
    r"(?P<word>[a-z]{2,})(?P<own>['’]s)?(?![\w'’-])"
    # (a comma joins a list of names only where the list goes on: "[name], jen and rosa")
    r"(?(comma)(?=\s*,|\s+(?:and|&|or)\s))")
# ... and what says that a given name that is also a word is the pair's second name: the
# sentence ends, both do something, or a possessive ("[name] and mark are ready").
_PAIR_ENDS = lazy(r"\s*(?:$|[,.;:!?)\]]|\s(?:are|were|have|both|too|also|each)\b)")


def paired_given_names(text: str) -> list[tuple[int, int]]:
    """The given names joined to a masked name (see ``PAIRED``): one no English word is
    (``jen``) always; one that is (``mark``, ``hope``), after "and" where the pair ends or
    acts. A staff or place word (will, may; lane) never: "[name] and will be back"."""
    if "[name]" not in text:
        return []
    plain, worded = given_names()
    spans = []
    for match in PAIRED.finditer(text):
        bare = fold(match.group("word"))
        end = match.end()
        if bare in plain and bare not in COMMON_WORDS or bare in worded and not (
                match.group("comma") or bare in COMMON_WORDS or bare in PLACE_WORDS) and (
                match.group("own") or _PAIR_ENDS.match(text, end)
                or PERSON_DOES_AFTER.match(text, end)):
            spans.append((match.start("word"), end))
    return spans


def _owners_name(text: str, match: re.Match[str]) -> bool:
    """After whose name a thing is in ("is under", "belongs to"): a surname a list has that is
    no English word (okafor, not "review"); after "under", also a word no list has, where the
    clause ends, unless a state a thing is under (``typed_names.txt`` [under]: "review",
    "construction"): the nickname an account is under ("hold is under ziggy")."""
    word = match.group("word")
    bare = fold(word)
    if bare in english_names() or _ordinary_word(word) or bare in _DETERMINERS:
        return False
    if bare in name_lists()[1]:
        return True
    return (match.group("owner").endswith("under") and len(bare) >= 3
            and bare not in _under_states()
            and bool((_OWNERS_THING if match.group("own") else _OWNER_ENDS).match(
                text, match.end())))


# The clause ends after the name an account is under ("under ziggy.", "under ziggy now"), or
# it is that name's ("under ziggy's name").
_OWNER_ENDS = lazy(
    r"\s*(?:$|[,.;:!?)\]]|\s[-–—]\s|\s+(?:now|not|too|still|and|but|so|i|we)\b)")
_OWNERS_THING = lazy(r"\s+(?:name|account|acct|card)\b")


@cache
def _under_states() -> frozenset[str]:
    """What a thing is under that is no one's name (``typed_names.txt`` [under])."""
    return wordlists.words("typed_names.txt")["under"]


def _surname_after(word: str, *, held: bool = False) -> bool:
    """A listed surname after a given name; after a hold or a pick-up for someone, one that is
    an English word too ("holds for faith green", "picking up for jordan price")."""
    bare = fold(word)
    if bare not in name_lists()[1] or bare in _DETERMINERS:
        return False
    return held and bare not in COMMON_WORDS and bare not in desk_nouns() or not _ordinary_word(
        word)


def possessive_accounts(text: str) -> list[tuple[int, int]]:
    """``mike's card``: a given name owns an account, a card or holds (not "the king's")."""
    if "'s" not in text and "’s" not in text:
        return []
    plain, worded = given_names()
    spans = []
    for match in POSSESSIVE_ACCOUNT.finditer(text):
        bare = fold(match.group("word"))
        if (bare in plain or bare in worded) and bare not in COMMON_WORDS:
            before = re.search(r"([^\W\d_]+)\s+$", text[max(0, match.start() - 20): match.start()])
            if not (before and fold(before.group(1)) in _DETERMINERS):
                spans.append(match.span("word")[:1] + (match.end("word") + 2,))
    return spans


# The word a form's name field holds, written after the field ("last name okonkwo", "surname:
# mbatha", "first name blessing"); not the field itself ("last name field", "the last name box
# is blank", "last name only": ``_FIELD_WORDS``).
NAME_FIELD = lazy(
    r"(?P<cue>\b(?=[fglms])"
    r"(?:last|sur|family|first|given|middle|maiden|married)[ -]?name\s*[:=-]?\s+"
    r"[\"“'‘]?)(?P<words>[^\W\d_][\w'’-]*)",
    re.IGNORECASE)
_FIELD_WORDS = frozenset({
    "field", "fields", "box", "boxes", "column", "columns", "line", "lines", "blank", "blanks",
    "space", "spot", "section", "part", "slot", "entry", "search", "order", "spelling",
    "spelled", "change", "changed", "changes", "wrong", "mismatch", "missing", "required",
    "format", "label", "tab", "sort", "first", "last", "only", "initial", "initials", "match",
    "matches", "differs", "different", "typo", "misspelled", "hyphenated", "legally",
    "legal", "unknown", "n/a", "na", "none", "empty", "too", "field's", "etc",
    # past participles no inflection rule finds ("maiden name taken off her account")
    "taken", "given", "written", "gotten", "forgotten", "chosen", "spoken", "shown", "known",
    "stolen", "hidden", "misspelt", "spelt", "kept", "put", "left", "dropped", "read", "back"})


_LETTER_RANGE = lazy(r"[A-Za-z][-–][A-Za-z]")  # "last name A-F": a shelf's range of names


def _mask_name_field(match: re.Match[str]) -> str:
    """The word after a name field: a listed name, or a word that is none of the form's or the
    desk's (``_FIELD_WORDS``, staff vocabulary, the commonest English words) and not built as
    an English verb or adjective is ("maiden name removed", "given name closing")."""
    word = match.group("words")
    bare = fold(word.strip("'’-"))
    if _LETTER_RANGE.fullmatch(word) or bare in _FIELD_WORDS or bare in PRONOUNS or (
            _ordinary_word(word)) or other_language_word(
            word) or not listed_name(word) and _INFLECTED.search(bare):
        return match.group(0)
    return match.group("cue") + "[name]"


# A title of another language before a given name or a surname in lower case ("señora lupe",
# "pani gosia", "ông tuan", "sra ximena"). (Not the titles that are English words or names
# too, typed without their accents: ong, ba, co, chi, anh, don.)
FOREIGN_TITLE = lazy(
    r"(?P<cue>\b(?=[sdpôbcfhmtwgne])(?:señora|senora|señor|senor|señorita|senorita|sra|srta|doña|pani|panna|ông|"
    rf"bà|cô|chị|bác|frau|herr|madame|mme|monsieur|signora|signor|tía|tío|{_KIN_ABROAD})\.?\s+)"
    r"(?P<words>[a-zà-ỹ][\w'’-]+)(?![\w'’-])",
    re.IGNORECASE)
# Each title in ASCII holds one of these; the others are not ASCII (see ``_mask_names``).
_FOREIGN_TITLE_WORDS = ("sen", "sra", "srta", "pani", "panna", "frau", "herr", "madame", "mme",
                        "monsieur", "signor", "syn ", "syna", "synem", "synowi", "wnuk",
                        "wnuczk", "wiilk", "gabadh", "hijo", "hija", "nieto", "nieta", "filho",
                        "filha", "fils ", "fille ", "sohn", "tochter", "enkel")


def _mask_foreign_title(match: re.Match[str]) -> str:
    word = match.group("words")
    bare = fold(word)
    first, last = name_lists()
    plain, worded = given_names()
    if bare in PRONOUNS or bare in COMMON_WORDS or bare in PARTICLES or _ordinary_word(
            word) or other_language_word(word):
        return match.group(0)  # "un señor está molesto", "la hija de la vecina"
    if bare in plain or bare in last or bare in first:
        return match.group("cue") + "[name]"
    return match.group(0)


# A Polish, Ukrainian or Russian honorific (any case ending: pana, panią, пану, господина), then
# one or two capitalised words: a name in whatever case it is inflected ("pani Nowakowej", "u pana
# Kowalskiego", "пана Олега"), which no name list holds in every ending.
_SLAVIC_CAPITAL = r"[A-ZĄĆĘŁŃÓŚŹŻА-ЯЁІЇЄҐ]"
SLAVIC_TITLE = lazy(
    r"(?P<cue>(?<![^\W\d_])(?i:pan|pana|panu|panem|panie|pani|panią|panna|panny|pannie|panną|"
    r"państwo|państwa|państwu|państwem|пан|пана|пану|паном|пане|пани|пані|господин|господина|"
    r"господину|господином|госпожа|госпожи|госпоже|госпожу|госпожой)\s+)"
    rf"(?P<words>{_SLAVIC_CAPITAL}[^\W\d_]+(?:-{_SLAVIC_CAPITAL}[^\W\d_]+)?"
    rf"(?:\s+{_SLAVIC_CAPITAL}[^\W\d_]+(?:-{_SLAVIC_CAPITAL}[^\W\d_]+)?)?)(?![\w'’-])")


def _mask_slavic_title(match: re.Match[str]) -> str:
    """The words after the honorific, unless the first is a role ("pani Dyrektor")."""
    first = match.group("words").split()[0].lower()
    if first in wordlists.words("typed_names.txt")["slavic roles"] or fold(first) in COMMON_WORDS:
        return match.group(0)
    return match.group("cue") + "[name]"


# Tagalog's personal articles (si, ni, sina, nina, kina) come before a person's name only.
TAGALOG_ARTICLE = lazy(
    r"(?P<cue>(?<![^\W\d_])(?:si|ni|sina|nina|kina)\s+)"
    r"(?P<words>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)(?![\w'’-])")


def _mask_tagalog_article(match: re.Match[str]) -> str:
    """The capitalised words after the article, unless the first is a word of English or of
    another language ("si Lunes": a day; Spanish "si" before a capital)."""
    first = match.group("words").split()[0]
    if _ordinary_word(first) or other_language_word(first):
        return match.group(0)
    return match.group("cue") + "[name]"


# "she is mary-kate", "this is jo-anne": two given names joined by a hyphen in lower case after
# a clause that says who someone is.
IS_HYPHENATED_NAME = lazy(
    r"(?P<cue>\b(?i:she|he|this|that)\s+is\s+|\b(?i:she|he|this|that|it)['’]s\s+)"
    r"(?P<words>[a-z]{2,}-[a-z]{2,})(?![\w'’-])")


def _mask_hyphenated_name(match: re.Match[str]) -> str:
    first, _ = name_lists()
    if all(part in first and not _ordinary_word(part)
           for part in match.group("words").split("-")):
        return match.group("cue") + "[name]"
    return match.group(0)


# A person's initials, a bracket that says who they are, then what they did ("KC (the tall guy)
# called"); an agency or an office in capitals ("FBI (two agents) called") is no one's initials.
INITIALS_BEFORE_BRACKET = lazy(r"(?<![\w.])(?P<initials>[A-Z]{2,3})\s*\([^()]{1,60}\)")


def _mask_initials_before_bracket(match: re.Match[str]) -> str:
    initials = match.group("initials")
    lower = initials.lower()
    if (not HUMAN_DOES.match(match.string, match.end()) or _ordinary_word(lower)
            or ".".join(lower) + "." in wordlists.words("typed_names.txt")["dotted"]):
        return match.group(0)
    return "[name]" + match.group(0)[len(initials):]


# Initials with a surname ("j.t. morales", "A. Okafor"), and a first name with an initial
# ("tiffany w.", "Marcus T."): the listed half makes it a name whatever its case.
INITIALS_SURNAME = lazy(
    r"(?<![\w.])(?P<initials>(?:[A-Za-z]\.\s?){1,3})\s*(?P<name>[A-Za-z][\w'’-]{1,})")
FIRST_INITIAL = lazy(
    r"(?<![\w.'’-])(?P<name>[A-Za-z][a-z'’-]{1,})\s+(?P<initial>[A-Za-z])\.(?!\w)")
_NOT_INITIALS = frozenset({"a.m.", "p.m.", "e.g.", "i.e.", "u.s.", "u.k.", "a.k.a.", "d.c.",
                           "n.b.", "p.s.", "r.i.p.", "u.s.a.", "b.", "w."})
# "LI, Xiaoming", "NG, Wei": a short surname in capitals, a comma, a capitalised first name.
SHORT_LAST_FIRST = lazy(
    r"(?<![\w-])(?P<last>[A-Z]{2,}(?:[-'’][A-Z]+)?),\s+(?P<first>[A-Z][a-z][\w'’-]*)")
# A name spelled out letter by letter ("d-o-l-o-r-e-s", "R O S A", "k.o.w.a.l").
_SPACED_CAPITALS = lazy(r"[A-Z] [A-Z] [A-Z] [A-Z]")  # (SPELLED_OUT's second form needs them)
SPELLED_OUT = lazy(
    r"(?<![\w-])(?:[A-Za-z](?:-[A-Za-z]){2,}|[A-Z](?: [A-Z]){3,}|[A-Za-z](?:\.[A-Za-z]){3,}\.?)"
    r"(?![\w-])")
# A capitalised listed name that is also a word ("Hope", "Grace", "Will"), right after what is
# done to or seen of a person: "camera shows Hope taking", "told Grace", "banned Joy".
SEEN_CUE = lazy(
    r"(?P<cue>\b(?:shows?|showed|shown|saw|seen|sees|see|caught|spotted|noticed|watched|"
    r"recogni[sz]ed|identified|banned|warned|trespassed|helped|told|asked|let|gave|called|"
    r"paged|texted|emailed|met|with|and)\s+)"
    r"(?P<words>[A-Z][a-z'’-]+)(?!\s+(?:[A-Z0-9]|&))(?!['’]?\w)")
# A sign-off at the end of a note or a quoted message: "... call me at 555-0143 - Tay'".
SIGN_OFF = lazy(
    r"(?P<cue>\s[-–—~]+\s*)(?P<words>[A-Z][\w'’-]*(?:\s+[A-Z][\w'’.-]*)?)"
    r"(?=\s*[\"”'’)]?\s*$|\s*[\"”'’]\s)")
# A name right before what identifies its owner: a birth date, a phone, an email, an age, a
# login in brackets ("Priyanka, DOB [dob]", "re: Will Hardesty, 48, lives ...", "Wanjiru (16
# yrs)"): whose else would they be?
BEFORE_IDENTIFIER = lazy(
    r"(?P<words>(?<![\w'’.-])[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2})"
    r"(?=\s*,?\s*\(?\s*(?:(?i:dob|d\.o\.b\.?|born|b\.|birthday|age|aged|ph|phone|tel|cell|"
    r"email)\s*[:#]?\s*)?\[(?:dob|phone|email|ssn|age)\]"
    r"|\s*,\s*(?:about|around|approx\.?|maybe|~)?\s*\d{1,3}\s*,"
    r"|\s*\(\s*\d{1,2}\s*(?:yrs?|years?(?:\s+old)?|y/?o|años|anos|ans|jahre|lat)?\.?\s*\)"
    r"|\s*\(\s*\[handle\])")  # Oleksandr ([handle] on discord)
# A nickname in brackets or quotes right after a masked name ("[name] (jav)", "[name] 'Bo'"; an
# apostrophe right after it is a contraction's: "[name]'ll").
NICKNAME = lazy(r"(?P<cue>\[name\](?:\s*[(\"“‘]|\s+')\s*)(?P<words>[^\W\d_][\w.'’-]{1,20}?)"
                      r"(?=\s*[)\"”'’])")

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
    quoted = match.group("cue").rstrip()[-1:] in "\"“'‘"  # name 'Summer Day': all of it
    masked_end = 0
    for index, word_match in enumerate(re.finditer(r"\S+", text)):
        word = word_match.group(0)
        bare = word.strip("'’-").lower()
        if quoted and bare and bare not in PRONOUNS:
            masked_end = word_match.end()
            if word[-1] in "\"”'’":
                break
            continue
        if not bare or (bare in COMMON_WORDS and not (ordinary and bare not in PRONOUNS)
                        and not _vietnamese_given(text[:word_match.start()])):
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


# The end of a Vietnamese surname and its middle name ("Nguyen Van ", "Pham Thi "), so the
# given name after them is the name's last word even when it is also a word ("An").
_VIETNAMESE_MIDDLE = lazy(r"(?:^|\s)(?P<surname>[^\W\d_]{1,7})\s+(?i:van|văn|thi|thị)\s+$")


def _vietnamese_given(before: str) -> bool:
    """The words of a cue's run before this one are a Vietnamese surname and Van or Thi."""
    order = _VIETNAMESE_MIDDLE.search(before)
    return order is not None and fold(order.group("surname")) in vietnamese_surnames()


# Words after a rank that are no surname even where a list has them ("officer will call").
_NOT_AFTER_RANK = PRONOUNS | {
    "will", "may", "can", "said", "says", "asked", "and", "or", "on", "at", "in", "is", "was",
    "has", "had", "did", "so", "just", "also", "still", "here", "there", "then", "now", "again",
    "back", "called", "came", "left", "wants", "needs", "told", "from", "of", "to", "with",
    "by", "for", "who", "de", "le", "la"}


# Words after a name that is an English word too, after a job's title, that say it is the name
# ("director sue about it", "manager tom off today"): a verb, a pronoun or a preposition, where
# a noun would make the two words one thing ("librarian grace period").
_ROLE_NAME_BEFORE = _NOT_AFTER_RANK | {
    "about", "into", "over", "after", "before", "until", "till", "off", "out", "away", "up",
    "down", "today", "tomorrow", "yesterday", "tonight", "this", "that", "should", "could",
    "would", "might", "must", "does", "doesn't", "didn't", "won't", "can't", "isn't"}


def _mask_spelled(match: re.Match[str]) -> str:
    """A name spelled out has three different letters at least ("I I I I" is no name)."""
    letters = {c.lower() for c in match.group(0) if c.isalpha()}
    return "[name]" if len(letters) >= 3 else match.group(0)


def _mask_rank(match: re.Match[str]) -> str:
    """``det hunter``: the listed word after a rank; ``officer john smith``: both words."""
    words = match.group("words").split()
    bare = fold(words[0])
    if match.group("role"):
        # after a job's title, a word the first-name list has, in any case ("director sue",
        # "manager Tom"), though it is an English word too (sue, kim, tom), or a listed
        # surname that is none ("councilwoman ortiz"); not a word a sentence goes on with
        # ("director will call", "manager said") or an ordinary one ("director approval",
        # "coach bus", "nurse practitioner"); a name that is an English word too only where a
        # person's name ends: before what a person does, a verb or the clause's end ("director
        # sue is off", "ask manager tom."), not before a noun ("librarian grace period")
        name = fold(words[0].removesuffix("'s").removesuffix("’s"))
        after = match.start("words") + len(words[0])
        if (bare in _NOT_AFTER_RANK or _ordinary_word(words[0])
                or not (listed_name(words[0], first_only=True)
                        or listed_name(words[0]) and name not in english_names())
                or name in english_names() and len(words[0]) == len(name)
                and not (_ENDS_HERE.match(match.string, after)
                         or PERSON_DOES_AFTER.match(match.string, after)
                         or len(words) == 2 and (fold(words[1]) in _ROLE_NAME_BEFORE
                                                 or listed_name(words[1])))):
            return match.group(0)
    # an abbreviated rank is a title (lt. day, det hunter): a listed word after it is a name
    # even when it is also a staff word; after a rank written out, only a name that is none
    if not (listed_name(words[0]) or match.group("short") and bare not in _NOT_AFTER_RANK
            and in_name_lists(bare)):
        return match.group(0)
    if len(words) == 2 and listed_name(words[0], first_only=True) and listed_name(words[1]):
        return match.group("cue") + "[name]"
    return match.group("cue") + "[name]" + match.group("words")[len(words[0]):]


def _mask_lower_name(match: re.Match[str]) -> str:
    """``patron bill summers``: a listed first name and a listed surname after a role word."""
    first, last = match.group("words").split()
    if listed_name(first, first_only=True) and listed_name(last) and fold(last) in name_lists()[1]:
        return match.group("cue") + "[name]"
    return match.group(0)


def _mask_initials_surname(match: re.Match[str]) -> str:
    """``j.t. morales``: a listed name after initials; after whom a thing is or is for, any
    word no list has as an ordinary one ("belongs to t. okonkwo", "holds for r. mbatha")."""
    initials = re.sub(r"\s", "", match.group("initials")).lower()
    if initials in _NOT_INITIALS:
        return match.group(0)
    if not listed_name(match.group("name")) and not (
            OWNER_BEFORE.search(match.string, 0, match.start())
            and not _ordinary_word(match.group("name"))
            and fold(match.group("name")) not in PRONOUNS):
        return match.group(0)
    return "[name]"


_THE_BEFORE = lazy(r"\b[Tt]he\s+$")


# Whose a thing is, or whom it is for, right before a name.
OWNER_BEFORE = lazy(
    r"\b(?:belongs?\s+to|belonged\s+to|under|for|tell|told|patron|cardholder|named|called|"
    r"(?:checked\s+out|requested|reserved|returned|renewed|placed)\s+by)\s*$",
    re.IGNORECASE)


def _mask_first_initial(match: re.Match[str]) -> str:
    if match.group("initial") in "ai" or not listed_name(match.group("name"), first_only=True):
        return match.group(0)
    if (match.group("initial").isupper() and ROOM_NAMED_AFTER.match(match.string, match.end())
            and _THE_BEFORE.search(match.string, max(0, match.start() - 5), match.start())):
        return match.group(0)  # "the Ida B. Wells Study Room": a room named after a person
    return "[name]"


def _mask_short_last_first(match: re.Match[str]) -> str:
    last, first = match.group("last"), match.group("first")
    if (listed_name(last) and (listed_name(first) or not _ordinary_word(first))
            or listed_name(first, first_only=True) and fold(last) not in COMMON_WORDS):
        return "[name]"
    return match.group(0)


def _mask_listed_word(match: re.Match[str]) -> str:
    """The cue's word when it is a listed name ("camera shows Hope taking")."""
    if not listed_name(match.group("words")) or COPY_OF.search(
            match.string, 0, match.start("words")) and BOOK_SENSE_AFTER.match(
            match.string, match.end("words")):
        return match.group(0)  # (a title after a copy: "a copy of Beloved and Sula")
    return match.group("cue") + "[name]"


def _mask_sign_off(match: re.Match[str]) -> str:
    if all(_ordinary_word(word) for word in match.group("words").split()):
        return match.group(0)
    return match.group("cue") + "[name]"


def _in_a_login(text: str, logins: list[str]) -> list[tuple[int, int]]:
    """Where ``text`` writes a word that a masked login or device name is made of (``Dmitri``,
    ``dmitri.v``; ``Maria``, ``Marias-iPhone``), unless it is an ordinary word (``reads``)."""
    if not logins:
        return []
    parts = {fold(part) for login in logins for part in re.findall(r"[^\W\d_]{3,}", login)}
    parts |= {part[:-1] for part in parts if part.endswith("s")}  # Marias-iPhone: Maria
    # a part no name list has counts when it cannot be an inflected English word (dmitri, not
    # reads or reading)
    parts = {part for part in parts if not _ordinary_word(part) and part not in _DEVICE_WORDS
             and (listed_name(part) or len(part) >= 4 and not _INFLECTED.search(part))}
    return [m.span() for m in re.finditer(r"(?<![\w\[])[^\W\d_][\w'’-]*", text)
            if fold(m.group(0).removesuffix("'s").removesuffix("’s")) in parts]


_INFLECTED = lazy(r"(?:s|ing|ed|er|ly|est|tion)$")
_DEVICE_WORDS = frozenset({"iphone", "ipad", "macbook", "imac", "galaxy", "pixel", "android",
                           "laptop", "chromebook", "kindle", "surface", "thinkpad", "phone",
                           "tablet", "switch", "xbox", "watch", "airpods", "hotspot", "desktop",
                           "handle", "device"})


def _mask_login_before_cue(match: re.Match[str]) -> str:
    """A login before "on the wifi login": a word alone must look like one (dmitri.v, kb22)."""
    login = match.group("login")
    if fold(login) in COMMON_WORDS or not re.search(r"[\d_.]", login):
        return match.group(0)
    return "[handle]"


def _mask_before_identifier(match: re.Match[str]) -> str:
    """The capitalised words before an identifier, when one of them is no ordinary, staff or
    place word ("Priyanka", "Hardesty"; not "Reference, DOB ..." or "Room 12, 40, ...")."""
    words = match.group("words").split()
    if any(fold(word) in PRONOUNS or _is_acronym(word) for word in words) or all(
            _ordinary_word(word) for word in words):
        return match.group(0)
    return "[name]"


def _mask_nickname(match: re.Match[str]) -> str:
    word = match.group("words")
    if _ordinary_word(word) or fold(word) in PRONOUNS or _is_acronym(word):
        return match.group(0)  # [name] (ESL), [name] (the)
    return match.group("cue") + "[name]"


def _ordinary_word(word: str) -> bool:
    bare = fold(word.strip("'’.-"))
    return bare in COMMON_WORDS or bare in ordinary_words() or bare in PLACE_WORDS


def _mask_card(match: re.Match[str]) -> str:
    digits = match.group(0)
    return digits if DATE.match(digits) or YEAR_RANGE.fullmatch(digits) else "[card]"


def _mask_cued_card(match: re.Match[str]) -> str:
    return match.group("cue") + "[card]"


# --- network and social identifiers ----------------------------------------------------------
_OCTET = r"(?:25[0-5]|2[0-4]\d|1?\d?\d)"
IPV4 = lazy(rf"(?<![\d.])(?:{_OCTET}\.){{3}}{_OCTET}(?![\d.])")
# (not glued to a mask set aside, "[card]@A.UPS": the first pass kept that "@" as no handle)
HANDLE = lazy(r"(?<![\w@<&\uE000-\uF8FF])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?\b")
# A device's hardware address (a4-5e-60-c2-11-9f, 3C:22:FB:91:0A:7E, a45e.60c2.119f) and an
# IPv6 address, full or shortened with "::" (a clock time has neither shape).
MAC = lazy(
    r"(?<![\w:.-])(?:[0-9A-Fa-f]{2}(?P<sep>[:-])(?:[0-9A-Fa-f]{2}(?P=sep)){4}[0-9A-Fa-f]{2}"
    r"|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})(?![\w:.-])")
_HEX = r"[0-9A-Fa-f]{1,4}"
IPV6 = lazy(
    rf"(?<![\w:])(?:(?:{_HEX}:){{7}}{_HEX}|(?:{_HEX}:){{1,7}}:(?:{_HEX}(?::{_HEX}){{0,6}})?"
    rf"|::{_HEX}(?::{_HEX}){{0,6}})(?:%\w+)?(?![\w:])")
# A gaming handle with its number (xXdarkwolfXx#4421), a login joined by underscores with a
# number or a capital in it (owl_lover_3) or letters then a number (hungle2009, jdoering87):
# shapes no word has.
TAGGED_HANDLE = lazy(r"(?<![\w#])[^\W_][\w.-]{1,31}#\d{4,6}(?!\w)")
LOGIN_SHAPE = lazy(
    r"(?<![\w@.-])(?:[A-Za-z][A-Za-z0-9]*(?:[._][A-Za-z0-9]+)*_[A-Za-z0-9_.]*[A-Za-z0-9]"
    r"|[a-z][a-z._]{3,}[a-z]\d{2,4})(?![\w@-]|\.\w)")


def _mask_login_shape(match: re.Match[str]) -> str:
    """A login has a number or a capital inside (owl_lover_3, DarkWolf_x) or a given name
    (booklover_jane); other words joined by underscores and nothing else are a program's name
    for something (channel_not_found)."""
    login = match.group(0)
    parts = re.split(r"[._]", login)
    if re.search(r"\d|[a-z][A-Z]", login) or len(parts) == 2 and any(
            listed_name(part, first_only=True) and not _ordinary_word(part) for part in parts):
        return "[handle]"  # (or a given name and a word: booklover_jane, jane_reads)
    return login


# A login in a sign-up list, with no account cue: a time slot, then an initial or two run into a
# listed name ("9:00 abrown, 9:30 lchen", "2pm: tnguyen"), or the login then "at" its hour
# ("rsingh at 3"). The slot is the cue, so an English-looking start is no bar here (abrown).
_SLOT_TIME = r"(?:\d{1,2}:\d{2}(?:\s?[ap]\.?m\.?)?|\d{1,2}\s?[ap]\.?m\.?)"
SLOT_LOGIN = lazy(
    rf"(?<![\w:.]){_SLOT_TIME}\s*(?:[-–—:/]\s*)?(?P<login>[a-z]{{4,14}})(?![\w@'’-]|\.\w)")
LOGIN_AT_TIME = lazy(
    r"(?<![\w@.'’-])(?P<login>[a-z]{4,14})\s+(?:at|@)\s+"
    r"(?:\d{1,2}:\d{2}|\d{1,2})(?:\s?[ap]\.?m\.?)?(?![\w:])")


def _mask_slot_login(match: re.Match[str]) -> str:
    """The login of a slot, if it is an initial or two and a listed name, and starts as no
    English word can ("2pm chess", "3pm coding" are what the slot is for); an initial that is a
    vowel before a listed surname is a login all the same (abrown, ejones)."""
    login = match.group("login")
    first, last = name_lists()
    listed = any(login[n:] in last or login[n:] in first for n in (1, 2) if len(login) - n >= 3)
    if (_ordinary_word(login) or not listed or _ENGLISH_ONSET.match(login) and not (
            login[0] in "aeiou" and len(login) >= 5 and login[1:] in last)):
        return match.group(0)
    start, end = match.start("login") - match.start(), match.end("login") - match.start()
    return match.group(0)[:start] + "[handle]" + match.group(0)[end:]


# The word after an account cue is the account's login, whatever it looks like, when the cue
# says so ("username estone12", "logged in as kbrown", "user 'jsmith'", "discord user x");
# after a looser cue ("user", "acct") only when it is shaped like a login (see ``_login``).
LOGIN_CUE = lazy(
    # (the lookahead lets the engine skip, cheaply, every word that starts no cue)
    r"(?P<cue>\b(?=[uUlLsShHgGdDiItTrRpPmMyYfFaAxX])"
    r"(?:(?P<strong>user\s*(?:name|id)|login\s+(?:name|id)|log-?in\s+as|"
    r"logged\s+(?:in|on)\s+(?:as|under)|signed\s+(?:in|on)\s+(?:as|under)|screen\s*name|"
    r"handle|gamer\s*tag|(?:discord|instagram|insta|ig|twitter|tiktok|snapchat|snap|reddit|"
    r"steam|xbox|psn|roblox|minecraft|twitch|youtube|facebook|fb)(?:\s+(?:user|name|"
    r"username|handle|account|acct|id|tag))?)|(?:user|acct|account|profile|login|handle))\b"
    r"(?:\s*(?:is|was|:|=|#|-))?\s*(?P<quote>(?:(?!'s\b)[\"“'‘])?))"  # (not "account's")
    r"(?P<login>[\w.#-]*\w)",
    re.IGNORECASE)


# A login named by where it is used, after it ("dmitri.v on the wifi login", "kbell22 for the
# catalog account"), and a second login beside a masked one ("username from [handle] to mlo_reads").
LOGIN_BEFORE_CUE = lazy(
    r"(?<![\w@.-])(?P<login>[A-Za-z][\w.-]*[A-Za-z0-9])(?=\s+(?:on|for|is|as|in)\s+"
    r"(?:the\s+|his\s+|her\s+|their\s+|my\s+)?(?:(?:wi-?fi|network|computer|pc|guest|library|"
    r"catalog|printer|email|discord|minecraft|roblox|game|library's)\s+){1,2}"
    r"(?:login|log-?in|account|sign-?in|username|user\s*name|handle|user)\b"
    r"|\s+on\s+(?:discord|instagram|insta|ig|twitter|tiktok|snapchat|snap|reddit|steam|xbox|"
    r"psn|roblox|minecraft|twitch|youtube)\b)")
# A login changed from one to another ("username from pk_reads to bookworm.pk").
LOGIN_CHANGE = lazy(
    r"(?P<cue>\b(?i:user\s*names?|logins?|log-?ins?|handles?|screen\s*names?|gamer\s*tags?)"
    r"\s+(?:\w+\s+)?(?i:from|to)\s+[\"“'‘]?)"
    r"(?P<login>[A-Za-z][\w.-]*[_.\d][\w.-]*[A-Za-z0-9])(?![\w@-])")
LOGIN_BESIDE = lazy(
    r"(?P<cue>\[handle\]\s*(?:to|and|or|->|→|,|/)\s*[\"“'‘]?)"
    r"(?P<login>[A-Za-z][\w.]*[_.][\w.]*[A-Za-z0-9]|[A-Za-z]+\d+)(?![\w@-])")
# A device's name, which carries its owner's ("Marias-iPhone", "Jamal's Galaxy", "Teddy's iPad",
# "DESKTOP-7JQ2K9", a name in quotes after a device cue: hotspot "Bella's Room").
DEVICE_NAME = lazy(
    r"(?<![\w'’-])(?!(?:Apple|Samsung|Google|Amazon|Microsoft|Dell|Lenovo|HP)\b)"
    r"(?:[A-Z][\w]*[-_]|[A-Z][a-z]+['’]s[\s_-])"
    r"(?:iPhone|iPad|MacBook(?:[-_ ](?:Pro|Air))?|iMac|Galaxy(?:[-_ ]?[A-Z]?\d+\w*)?|"
    r"Pixel(?:[-_ ]?\d+\w*)?|Android|Laptop|PC|Chromebook|Kindle|Surface|ThinkPad|Phone|"
    r"Tablet|Switch|Xbox|Watch|AirPods|Hotspot)(?![\w-])"
    r"|\b(?:DESKTOP|LAPTOP)-[A-Z0-9]{5,}\b")
DEVICE_CUE = lazy(
    r"(?P<cue>\b(?=[abcdhlnpt])"
    r"(?:device|hotspot|phone|laptop|tablet|computer|bluetooth|airdrop|network)"
    r"(?:\s+name)?\s+(?:is\s+|was\s+)?(?:(?:called|named|shows\s+(?:up\s+)?as|listed\s+as)\s+)?)"
    r"(?P<quote>[\"“'‘])(?P<device>[^\"”'’\n]{2,40}?)[\"”'’](?!\w)",
    re.IGNORECASE)


def _mask_device_cue(match: re.Match[str]) -> str:
    """A quoted device name after a device cue, unless it is a place holder or a plain word."""
    device = match.group("device")
    if device.startswith("[") or all(_ordinary_word(w) for w in device.split()):
        return match.group(0)
    return match.group("cue") + "[device]"


# Words after an account cue that are no login ("logged in as guest", "user asked").
_NO_LOGIN = frozenset({"guest", "admin", "administrator", "staff", "default", "public",
                       "anonymous", "locked", "unlocked", "blocked", "name", "names", "id"})


def _mask_login(match: re.Match[str]) -> str:
    login = match.group("login")
    bare = fold(login)
    if bare in COMMON_WORDS or bare in _NO_LOGIN or bare in ordinary_words():
        return match.group(0)
    shaped = (re.search(r"[\d_#.]", login) or re.search(r"[a-z][A-Z]", login)
              or _initial_and_surname(bare))
    if match.group("strong") or match.group("quote") or shaped:
        return match.group("cue") + "[handle]"
    return match.group(0)


def _initial_and_surname(login: str) -> bool:
    """``jsmith``, ``lhollis``, ``mkrlopez``: initials, then a listed name; and so no English
    word, whose first two letters could not start one ("stolen", "blocked" could)."""
    first, last = name_lists()
    return (login.isalpha() and not _ENGLISH_ONSET.match(login)
            and any(login[n:] in last or login[n:] in first for n in (1, 2, 3)
                    if len(login) - n >= 3))


# How English words can start: a vowel, a consonant then a vowel or y, or these clusters.
_ENGLISH_ONSET = lazy(
    r"[aeiouy]|[b-df-hj-np-tv-z][aeiouy]|bl|br|ch|cl|cr|dr|dw|fl|fr|gh|gl|gn|gr|gw|kl|kn|kr|ph|"
    r"pl|pn|pr|ps|qu|rh|sc|sh|sk|sl|sm|sn|sp|sq|st|sw|th|tr|tw|wh|wr")


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
    r"|\d{4}\s*[년年]\s*\d{1,2}\s*[월月]\s*\d{1,2}\s*[일日]?"            # 1992년 5월 3일
    r")"
)
FULL_DATE = lazy(rf"(?<![\w/.-]){_DATE}(?![\w/-])", re.IGNORECASE)
# A date said in words, as staff type what a patron says aloud ("nineteen ninety one, may 4",
# "march third, nineteen eighty seven", "two thousand and nine").
_UNIT_WORD = r"(?:one|two|three|four|five|six|seven|eight|nine)"
_TEEN_WORD = (r"(?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|"
              r"nineteen)")
_TENS_WORD = r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
_SPOKEN_YEAR = (
    rf"(?:(?:nineteen|twenty)[\s-]+(?:oh[\s-]+{_UNIT_WORD}|{_TEEN_WORD}|{_TENS_WORD}"
    rf"(?:[\s-]+{_UNIT_WORD})?|hundred)"
    rf"|two\s+thousand(?:\s+and)?(?:[\s-]+(?:{_TEEN_WORD}|{_UNIT_WORD}|twenty(?:[\s-]+{_UNIT_WORD})?))?)")
_SPOKEN_DAY = (
    r"(?:\d{1,2}(?:st|nd|rd|th)?|(?:twenty|thirty)?[\s-]*(?:first|second|third|fourth|fifth|"
    r"sixth|seventh|eighth|ninth)|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|"
    r"sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth)")
_SPOKEN_DATE = (
    rf"{_SPOKEN_YEAR}(?:,?\s+{_MONTH}\s+{_SPOKEN_DAY}(?![\w]))?"
    rf"|{_MONTH}\s+(?:the\s+)?{_SPOKEN_DAY},?\s+{_SPOKEN_YEAR}")
BIRTH_CUE = lazy(
    r"(?P<cue>\b(?=[bd])"
    r"(?:d\.?o\.?b\.?|date\s+of\s+birth|birth\s*date|birthday|bday|born(?:\s+on|\s+in)?"
    r"|b\.)\s*(?:is|was|of|as|:|-)?\s*)"
    # "march 3rd, '77": a month and a day, then maybe a year in any form
    rf"(?P<date>{_SPOKEN_DATE}|{_DATE}|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?"
    rf"(?:,?\s+['’]?\d\d(?:\d\d)?)?|{_MONTH}\s+(?:the\s+)?{_SPOKEN_DAY}"
    # a day and a month without the year, in figures or day first ("dob 5/4", "birthday 3
    # march", "dob: 3rd of march"): half a birth date still narrows a named patron down
    r"|\d{1,2}[/.-]\d{1,2}(?![/.-]?\d)"
    rf"|(?:{_SPOKEN_DAY}|\d{{1,2}}(?:st|nd|rd|th|º|er)?)\s+(?:of\s+|de\s+)?{_MONTH}"
    r"|(?:19|20)\d\d)(?![\w/-])",
    re.IGNORECASE,
)
# A day and a month without a year after "birthday" is an event's date when the birthday is a
# famous person's or a party's ("Shakespeare's birthday 4/23 program", "birthday party 3/14").
_NO_YEAR = lazy(r"\d{1,2}[/.-]\d{1,2}$|(?:\d|first|second|third|fourth|fifth|sixth|seventh|"
                r"eighth|ninth|tenth|eleventh|twelfth|teenth|tieth)\w*\s+(?:of\s+|de\s+)?"
                r"[a-zA-Z]+\.?$")
_EVENT_AFTER = lazy(r"\s+(?:program|programs|party|parties|celebration|event|display|storytime|"
                    r"cake|bash|fest|festival|reading|craft)\b", re.IGNORECASE)


def _mask_birth_date(match: re.Match[str]) -> str:
    """The date after a birth cue, unless a day without its year is a famous person's or a
    party's (see ``_EVENT_AFTER``)."""
    cue, text = match.group("cue"), match.string
    if _NO_YEAR.match(match.group("date")) and cue.lower().startswith(("birthday", "bday")) and (
            text[: match.start()].rstrip()[-2:] in ("'s", "’s")
            or _EVENT_AFTER.match(text, match.end())):
        return match.group(0)
    return cue + "[dob]"


OLD_AFTER_YEARS = 3  # a full date at least this many years back is treated as a birth date

# --- a person's age ---------------------------------------------------------------------------
# An age narrows a named patron down as a birth year does: in a note that names someone,
# masked where it is written as one ("9 años", "14 lat", "13 साल", "82 years old", "age 82",
# "aged 9"), and as a bare number where it is said of a person ("[name], around 30,", "she's
# 34.", "he is 17 and"). A number for a group ("kids under 13", "ages 5 and up", "over 18
# years old") is no one's age.
_NOT_ONES_AGE = r"(?<!under )(?<!over )(?<!than )(?<!least )(?<!below )(?<!above )(?<!ages )"
_AGE_AFTER = (r"(?=\s*(?:[.,;:!?)\]—–]|-\s|$|\s+(?:and|but|so|now|or|with|who|lives|"
              r"y/?o|yrs?|years)\b))")
AGE_UNIT = lazy(
    rf"(?<![\w.,-]){_NOT_ONES_AGE}(?<!-)\d{{1,3}}(?:\s*|-)"
    r"(?:(?:years?|yrs?\.?)[\s-]+old\b|y/?o\b|y\.o\.|años\b|anos\b|ans\b|Jahre\b|jährig\w*|"
    r"(?:yrs?|years?)\.?(?=\s*[)\],;])|"  # (16 yrs)
    r"lat\b|lata\b|лет\b|года?\b|рок(?:ів|и)\b|साल|वर्ष|岁|歲|세|살|tuổi\b|yaşında\b|"
    r"anni\b|jaar\b|سنة|سنوات|عام(?:ا|ًا)?)",
    re.IGNORECASE)
AGE_CUE = lazy(
    r"(?P<cue>\b(?:age|aged|edad|âge|alter|возраст|wiek)\s*(?:is|was|of|:|=)?\s*"
    r"(?:about|around|approx\.?|approximately|roughly|~)?\s*)"
    r"(?P<age>\d{1,3})(?!\s*(?:[-–+]|to\b|or\b|and\s+(?:up|under|over|older|younger)\b))(?![\w.])",
    re.IGNORECASE)
AGE_SAID = lazy(
    r"(?P<cue>(?:\[name\](?:['’]s)?|\b(?:he|she|they|patron|kid|child|son|daughter))"
    r"(?:\s*,\s*|\s*(?:['’]s|\s+is|\s+was|\s+turned|\s+turns|\s+just\s+turned)\s+)"
    r"(?:(?:about|around|approx\.?|approximately|maybe|roughly|only|just|like|~)\s*)?)"
    rf"(?P<age>\d{{1,3}})(?![\w:/]|[.,]\d){_AGE_AFTER}",
    re.IGNORECASE)


def _mask_age(match: re.Match[str]) -> str:
    if int(match.group("age")) > 115:
        return match.group(0)
    return match.group("cue") + "[age]"


# --- licence plates ------------------------------------------------------------------------------
# A plate's letters: Latin, and the Cyrillic capitals plates use (А123ВС 77); a Chinese plate
# opens with its province's character (京A12345). Its groups are joined by a dash, a dot
# (51F-123.45) or a space, and a group after a space is no lower-case word ("ABC 1234 on the
# lot": "on" is the sentence going on).
_PLATE_CHARACTER = r"[A-Za-z0-9А-ЯЁ]"
_PLATE_WORDS = (r"plates?|tags?|licen[cs]e\s+plate|licen[cs]e|registration|reg\.?|vehicle|car|"
                r"(?i:placas?|matr[ií]cula|tablica(?:\s+rejestracyjna)?|(?:numer|nr\.?)\s+rej(?:\.|"
                r"estracyjny)?|rejestracja|plaque|immatriculation|kennzeichen|targa|госномер|"
                r"номерн(?:ой|ого|ым)\s+знак(?:а|ом)?|biển\s+số(?:\s+xe)?|车牌(?:号)?|車牌|번호판)")
PLATE_CUE = lazy(
    rf"(?P<cue>\b(?:{_PLATE_WORDS})"
    r"\b(?:\s+(?:number|no\.?|#|is|was|reads|reading|of|says|es|era|son|número|numero))*"
    r"\s*[:#]?\s*"
    r"(?:(?:[A-Z]{2}|IL|illinois)\s+)?)"
    r"(?P<plate>(?!(?:with|and|the|an?|in|on|at|from|was|is|of|for|plates?|tags?|number)\b)"
    rf"(?=[\w .-]*\d)[\u4e00-\u9fff]?{_PLATE_CHARACTER}{{1,4}}"
    rf"(?:(?:[-.]|\s(?![a-z]+\b))?{_PLATE_CHARACTER}{{1,4}}){{0,2}})(?![\w-])",
)
# A vanity plate has no digit, but is written in capitals after a plate cue ("plate GO CUBS").
# (or in quotes, as a plate that spells something is: 'plate reads "BOOKWRM"')
VANITY_PLATE = lazy(
    r"(?P<cue>\b(?:[Pp]lates?|[Tt]ags?|[Ll]icen[cs]e\s+[Pp]late|[Rr]egistration)"
    r"(?:\s+(?:number|no\.?|#|is|was|reads|reading|of|says))*\s*[:#]?\s*)"
    r"(?P<plate>(?=[A-Z0-9 -]{2,8}(?![\w-]))[A-Z0-9]{1,7}(?:[ -][A-Z0-9]{1,7})?(?![\w-])"
    r"|[\"“‘'][A-Z0-9][A-Z0-9 -]{1,9}[\"”’'](?![\w'’]))",
)
# A plate with the region that issued it in brackets after it ("KLM-4821 (IL)", "WX12 ABC
# [UK]"): letters and digits both, five or more, then a region of ``plates.txt``.
BRACKETED_PLATE = lazy(
    r"(?<![\w-])(?P<plate>(?=[A-Z0-9 -]*\d)(?=[A-Z0-9 -]*[A-Z])"
    r"[A-Z0-9]{1,4}(?:[ -]?[A-Z0-9]{1,4}){0,2})"
    r"(?P<region>\s*,?\s*[(\[]\s*(?P<name>[^\W\d_][\w. ]{0,20}?)\s*[)\]])")
PLATE = lazy(
    # (Mexico's first, three letters, three digits and a letter, or two pairs of digits: the US
    # shape would take its first two groups)
    r"(?<![\w-])(?:[A-Z]{3}([- ])\d{3}\1[A-Z]|[A-Z]{3}-\d{2}-\d{2}"
    r"|[A-Z]{2,3}[ -]?\d{3,4}|\d[A-Z]{3}\d{3}|\d{3}[ -]?[A-Z]{3}|[A-Z]\d{2}[ -]?\d{4}"
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
_MAYBE_ADDRESS = lazy(r"\d+\s*[A-Za-z]|\bbox\b", re.IGNORECASE)
_STREET_TYPE = (r"(?i:(?=[abcdefhlprstwx])(?:street|st|avenue|ave|av|road|rd|boulevard|blvd|"
                r"drive|dr|lane|ln|court|ct|place|pl|way|parkway|pkwy|terrace|ter|terr|circle|"
                r"cir|highway|hwy|trail|trl|square|sq|plaza|plz|row|path|pike|alley|aly|"
                r"crossing|xing|expressway|expy|freeway|fwy|loop|run|point|pt|ridge|rdg|route|"
                r"rte|turnpike|tpke))\.?")
STREET_TYPE = lazy(_STREET_TYPE)
ZIP = lazy(r"\d{5}(?:-\d{4})?")
# A house number, a street's name (no word of a sentence's) and its type: an address however
# the parser labels the words around it ("dawn, 12 elm st, is asking", where it read "is" as
# the street's type).
STREET_SHAPE = lazy(
    r"(?<![\w.,-])\d{1,6}[A-Za-z]?\s+(?:[NSEWnsew]\.?\s+)?"
    r"(?:(?!(?i:copies|books|items|dvds|people|kids|of|the|and|for|to|at|in|on|is|was|are|"
    r"by|from|with|near|off)\b)[A-Za-z][\w'’-]*\s+){1,3}"
    rf"{_STREET_TYPE}(?![\w'’-])")
# A number right after one of these numbers that thing, not a house ("route 9 bus stop").
NUMBERED_THING = lazy(
    r"\b(?i:route|rte|bus|line|highway|hwy|interstate|exit|gate|room|rm|aisle|shelf|pc|"
    r"computer|table|floor|level|grade|step|page|chapter|track|channel|locker|door|window|"
    r"stall|station|bay|lane|dock|platform)\s*#?\s*$")
# A street address as other countries write it, which the US parser does not know: a street
# word first ("вул. Шевченка 21, кв. 4, Київ", "ul. Długa 5 m. 3", "calle Mayor 12, 3º B",
# "rua das Flores 45"), a number first ("12 rue de la Paix", "8 avenue Foch"), or a
# German-style street name ending in its type ("Hauptstraße 12a", "Lindenweg 3").
_CAP = r"[A-ZÀ-ÞА-ЯЁІЇЄҐ]"
_FLAT = (r"(?:\s*,?\s*(?:кв\.?|квартира|м\.|m\.|apt\.?|piso|dpto\.?|apto\.?|appt\.?|"
         r"wohnung|whg\.?|lok\.?|int\.?)\s*\d+[A-Za-zА-Яа-я]?)?"
         r"(?:\s*,?\s*\d{1,2}\s*[º°ª]\s*[A-Za-z]?)?")
_TOWN = rf"(?:,\s*(?:\d{{2}}-?\d{{3}}\s+|\d{{4,5}}\s+)?{_CAP}[\w'’-]+(?:\s+{_CAP}[\w'’-]+)?)?"
ABROAD_ADDRESS = lazy(  # (each form opens a word: \b, then its first characters, for speed)
    r"\b(?=[\dA-ZÄÖÜacprtuvбвпу])(?:\b(?:вул\.|вулиця|ул\.|улица|просп\.|проспект|пров\.|пер\.|переулок|бул\.|бульвар|"
    r"(?i:ul\.|ulica|al\.|aleja|calle|c/|avenida|avda\.|av\.|rua|travessa|via|viale|piazza|"
    r"corso|carrer|paseo|plaza))\s*"
    rf"(?:(?:de|del|de la|das|dos|da|do|di|della)\s+)?{_CAP}[\w'’.-]*(?:\s+{_CAP}[\w'’.-]*){{0,2}}"
    rf",?\s+(?:n[º°o]\.?\s*|(?i:д\.|дом|буд\.|будинок)\s*)?\d{{1,5}}[A-Za-zА-Яа-я]?(?![\w])"
    r"|(?<![\w-])\d{1,5}(?:\s*(?:bis|ter))?,?\s+(?i:rue|avenue|boulevard|bd|chemin|allée|impasse|"
    r"place|quai|route)\s+(?:(?:de|du|des|la|le|l'|d')\s*)*"
    rf"{_CAP}[\w'’-]*(?:\s+{_CAP}[\w'’-]*){{0,2}}"
    r"|(?<![\w-])[A-ZÄÖÜ][\wäöüß-]*(?:straße|strasse|str\.|weg|gasse|allee|platz|ring|damm)"
    r"\s+\d{1,4}\s*[a-z]?(?![\w]))"
    rf"{_FLAT}{_TOWN}")
# A Colombian address: the street's type and number, "#" (or "No.") and the crossing street's
# number, a dash and the house's ("Calle 8 #45-12", "Cra. 15 No. 93-60", "Av 68 # 22A - 31"),
# then the town ("Bogotá").
ANDEAN_ADDRESS = lazy(
    r"(?<![\w-])(?i:calle|carrera|cra\.?|cr\.?|kr\.?|cl\.?|avenida|av\.?|transversal|tv\.?|"
    r"diagonal|dg\.?)\s*\d{1,3}\s?[A-Za-z]?(?:\s+(?i:bis|sur))?\s*(?:#|(?i:n[º°o])\.?)\s*"
    r"\d{1,3}\s?[A-Za-z]?\s*[-–]\s*\d{1,3}(?![\w])"
    rf"(?:,?\s*{_CAP}[\w'’-]*)?")
# A Danish, Norwegian, Swedish, Dutch or Finnish address: the street's type is the end of its
# name (Nørregade, Storgata, Drottninggatan, Keizersgracht), then its number, a floor and side
# ("2. th.", "st. tv", "4. sal"), and a postcode and town ("1165 København K", "1015 CJ
# Amsterdam", "111 51 Stockholm").
NORTH_ADDRESS = lazy(
    r"(?<![\w-])[A-ZÆØÅÄÖ][\wæøåäöé-]*(?:gade|vej|gate|gata|gatan|vägen|veien|vei|stræde|"
    r"straede|torv|plads|gracht|straat|laan|kade|plein|singel|dijk|katu|tie)"
    r"\s+\d{1,4}\s*[A-Za-z]?(?![\w])"
    r"(?:,?\s*(?:\d{1,2}\.\s*(?:th|tv|mf|sal)|st|kl)\.?(?:\s*(?:th|tv|mf)\b\.?)?)?"
    rf"(?:,?\s*(?:\d{{4}}\s?[A-Z]{{2}}|\d{{3}}\s\d{{2}}|\d{{4}})\s+{_CAP}[\w'’-]*"
    r"(?:\s+[A-ZÆØÅ](?![\w]))?)?")
# A Chinese address, from its road (路, 街, 大道 ...) and number (号) to its building, unit and
# room ("中山路88号3单元502室"); the road's name is the Han characters before its type, not a
# word that says where ("住在", "地址是").
CHINESE_ADDRESS = lazy(
    r"(?:(?![是在住址的到为為于於])[\u4e00-\u9fff]){1,6}(?:大道|大街|路|街|道|巷|胡同|里)"
    r"\s*\d+\s*[号號弄巷](?:\s*\d+\s*(?:号|號|弄|栋|棟|幢|座|单元|單元|楼|樓|层|層|室))*")
# A house number, a street's capitalised name with no type, and a unit after "#" ("200 N Clark
# #5"): a US address written tersely, which the parser does not take without a street type.
HASH_UNIT_ADDRESS = lazy(
    r"(?<![\w.,#-])\d{1,6}[A-Za-z]?\s+(?:[NSEW]\.?\s+)?"
    r"(?P<street>(?:[A-Z][\w'’-]*\s+){0,2}[A-Z][\w'’-]*)\s*#\s?[\w-]*\d[\w-]*(?![\w-])")


def _mask_hash_unit(match: re.Match[str]) -> str:
    """The address, unless the number numbers a thing ("pc 12 Lab #3") or a word of the street
    is an ordinary word ("Main Hall #5", "12 Holds #2")."""
    if NUMBERED_THING.search(match.string, 0, match.start()) or any(
            _ordinary_word(word) for word in match.group("street").split()):
        return match.group(0)
    return "[address]"


LIVES_ON = lazy(
    r"(?P<cue>\b(?:lives|living|lived|resides|residing|staying|stays|moved|house|home|apartment)"
    r"\s+(?:on|at|off)\s+)"
    rf"(?P<street>(?:[NSEW]\.?\s+)?(?:[A-Z][\w'-]*\s+){{1,3}}{_STREET_TYPE})(?!\w)",
)


def _address_spans(text: str) -> list[tuple[int, int]]:
    """Street addresses and PO boxes, as ``usaddress`` labels the words of ``text``."""
    if not _MAYBE_ADDRESS.search(text):
        return []
    import usaddress  # (its tagger loads on the first note with a number: most have none)

    try:
        # the parser's labels are needed only where one of its words could prove an address
        # (a ZIP, a street type) or a box: its own tokens say so at a fraction of its cost
        if "box" not in text.lower() and not any(
                ZIP.fullmatch(word.strip(",.")) or STREET_TYPE.fullmatch(word.strip(",."))
                for word in usaddress.tokenize(text)):
            return []
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
                  and re.fullmatch(r"\d+[A-Za-z]?(?:-\d+)?", text[run[0][0]:run[0][1]])
                  and not NUMBERED_THING.search(text[:run[0][0]]))
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
        bare = fold(word.strip(",."))
        if (label in ("PlaceName", "StateName") and word.islower() and bare not in PLACE_WORDS
                and (bare in COMMON_WORDS or bare in ordinary_words())):
            close()  # "rose, 22 pine ave, wants her hold": the clause goes on, no town
        elif label in _ADDRESS_LABELS and (run or label in ("AddressNumber", "USPSBoxType")):
            run.append((start, end, label))
        else:
            close()
    close()
    return spans


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` with those that overlap joined into one: two rules can both find a name (the
    word before a person verb, and a name-list match) and mask its parts from different
    starts; masking one would leave the other's end past the shortened text."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _mask_spans(text: str, spans: list[tuple[int, int]], placeholder: str) -> str:
    for start, end in reversed(_merged(spans)):
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


def _mask_bare_plate(match: re.Match[str]) -> str:
    """A plate's shape without a cue, unless its letters are a word ("section 215 FAQ")."""
    letters = re.sub(r"[^A-Za-z]", "", match.group(0)).lower()
    return match.group(0) if letters in _NOT_PLATE_LETTERS else "[plate]"


_NOT_PLATE_LETTERS = frozenset({
    "faq", "pdf", "usa", "isbn", "dvd", "cds", "ext", "llc", "inc", "apt", "ave", "rte", "hwy",
    "mon", "tue", "wed", "thu", "fri", "sat", "sun", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "oct", "nov", "dec", "ilcs", "usc", "cfr", "pub", "sec", "ch", "pg", "pp"})


def _mask_bracketed_plate(match: re.Match[str]) -> str:
    plate = match.group("plate")
    if (len(re.sub(r"[^A-Z0-9]", "", plate)) < 5
            or match.group("name").lower().rstrip(".") not in _plate_regions()):
        return match.group(0)
    return "[plate]" + match.group("region")


@cache
def _plate_regions() -> frozenset[str]:
    """The regions of ``plates.txt``, in lower case: a line each, and the short forms."""
    lists = wordlists.sections("plates.txt")
    return frozenset(line.lower() for line in lists["regions"]) | frozenset(
        word.lower() for line in lists["codes"] for word in line.split())


def _mask_vanity_plate(match: re.Match[str]) -> str:
    plate = match.group("plate").strip("\"“”‘’'")
    if len(re.sub(r"[^A-Z0-9]", "", plate)) < 2 or plate.lower() in COMMON_WORDS:
        return match.group(0)
    return match.group("cue") + "[plate]"


# Numbers that name a book, an order or a shelf, never a patron: an ISBN, an item's barcode
# (a library's item barcodes do not start with 2, its patron cards do), a call number, an
# invoice or order number. They are set aside before the rules run and put back after.
CATALOGUE_NUMBER = lazy(
    # (both cues open a word: \b, then their first letters, for speed)
    r"(?P<cue>\b(?=[ciloptuCILOPTUİı])(?:(?:(?i:isbn(?:-?1[03])?|issn|oclc|lccn|upc|invoice|"
    r"inv\.?|purchase\s+order|order|tracking|call\s+(?:number|no\.?|#))|PO|P\.O\.)"
    r"\s*(?:#|:|no\.?|number)?\s*"
    r"|(?i:\bitems?(?:\s+(?:barcode|number|no\.?|#))?)\s*[:#]?\s*(?=[013-9])))"
    r"(?P<number>\d[\dXx-]{4,}[\dXx]|\d(?:[ -]?\d){5,})(?![\w-])")
# A Dewey call number with its cutter ("973.932 OBA", "791.4572 SHE"; "(863 GAR)" in brackets,
# or after a call-number or shelf cue): a shelf's address, not a phone number or a plate. A
# plate cue before it ("plate 863 GAR") keeps it a plate.
_CUTTER = r"\s+[A-Z]{2,4}(?![\w-])"
CALL_NUMBER = lazy(
    r"(?=[\dJYRFEBcCsS])"  # (what each of its forms starts with: skips every other word)
    # (not a phone number's last seven digits: "call 555.0199 ASAP", "(312) 555.0199 EXT")
    r"(?<![\w.-])(?<!plate\s)(?<!tag\s)(?<![)\d]\s)(?<!(?i:call|cell|text|tele)\s)"
    r"(?<!(?i:phone|reach)\s)(?<!(?i:ph|cb)\s)(?<!#\s)"
    r"(?:(?:J|YA|REF|FIC|E|B)\s+)?\d{3}\.\d{1,8}(?!\s+(?:ASAP|EXT|ONLY|PLS|PM|AM)\b)"
    + _CUTTER
    + r"|(?<=\()\d{3}" + _CUTTER + r"(?=\))"
    + r"|(?P<cue>\b(?i:call\s+(?:number|no\.?)|shelved\s+(?:at|in))\s+)(?P<cued>\d{3}"
    + _CUTTER + ")")


def _call_number(match: re.Match[str], set_aside: Callable[[str], str]) -> str:
    if match.group("cued"):
        return match.group("cue") + set_aside(match.group("cued"))
    return set_aside(match.group(0))


_SET_ASIDE = 0xE000  # private-use characters: no rule matches them


WITHHELD = "[text withheld]"  # what is kept of a text redaction failed on

# The masks ``redact`` writes. One already in a text is what an earlier pass decided, so it is
# set aside like a call number: read as evidence it would take a word the first pass kept on
# purpose into a name ("[name], Rm 14" is no "Last, First"; "이용자 [name]" no Korean full
# name), and ``redact(redact(t))`` would differ from ``redact(t)``.
MASK = lazy(r"\[(?:name|address|email|phone|card|ssn|mac|ip|handle|device|dob|age|description|"
            r"plate|text withheld)\]")

# A rule is not run on a note it cannot match (``_sub``): a rule that needs a digit on a note
# without one (most desk openings), a capitalised word in a note typed in lower case, or one
# of its cue words in a note holding none of them. No rule writes a digit, a capital or a
# word (a mask is a placeholder or the note's own words), so what a note lacks before the rules
# it lacks after each; tests/test_redact_gates.py proves each list with the rule's own matches.
_DIGIT = lazy(r"\d")  # (any script's digits, as the rules' \d)
_NEEDS_A_DIGIT = frozenset({
    IPV4, TAGGED_HANDLE, FULL_DATE, RURAL_ROAD, ABROAD_ADDRESS, UNIT, HOUSE,
    PARTIAL_ABROAD, SSN, PHONE, PLATE_CUE, BRACKETED_PLATE, PLATE, CARD, CARD_CUE, ID_CUE,
    CATALOGUE_NUMBER, SLOT_LOGIN, LOGIN_AT_TIME, CHINESE_ADDRESS, HASH_UNIT_ADDRESS,
    AGE_UNIT, AGE_CUE, AGE_SAID})
_NEEDS_A_CAPITAL = frozenset({  # a letter other than a-z (a capital, or a letter of any script)
    WEAK_CUE, RELATION_OF, READ_BY, SHORT_LAST_FIRST, SEEN_CUE, SIGN_OFF, BEFORE_IDENTIFIER,
    PLATE, BRACKETED_PLATE, TAGALOG_ARTICLE, INITIALS_BEFORE_BRACKET})
# Every match holds one of these (in any case); a word may be a part of the cue ("liv" of
# lives, living). Only ASCII words: other scripts have more letters ``re.IGNORECASE`` pairs
# than ``lower()`` does (so the rules with cues in them are not listed).
_NEEDS: dict[LazyPattern, tuple[str, ...]] = {
    EMAIL: ("@",),
    MISTYPED_EMAIL: ("@",),
    HANDLE: ("@",),
    IPV6: (":",),
    TAGGED_HANDLE: ("#",),
    LOGIN_BESIDE: ("[handle]",),
    SPELLED_EMAIL: ("dot",),
    DEVICE_CUE: ("device", "hotspot", "phone", "laptop", "tablet", "computer", "bluetooth",
                 "airdrop", "network"),
    DEVICE_NAME: ("iphone", "ipad", "macbook", "imac", "galaxy", "pixel", "android", "laptop",
                  "pc", "chromebook", "kindle", "surface", "thinkpad", "phone", "tablet",
                  "switch", "xbox", "watch", "airpods", "hotspot", "desktop-"),
    LOGIN_CUE: ("user", "log", "sign", "screen", "handle", "gamer", "discord", "insta", "ig",
                "twitter", "tiktok", "snap", "reddit", "steam", "xbox", "psn", "roblox",
                "minecraft", "twitch", "youtube", "facebook", "fb", "acc", "profile"),
    LOGIN_CHANGE: ("user", "log", "handle", "screen", "gamer"),
    LOGIN_BEFORE_CUE: ("log", "account", "sign", "user", "handle", "discord", "insta", "ig",
                       "twitter", "tiktok", "snap", "reddit", "steam", "xbox", "psn", "roblox",
                       "minecraft", "twitch", "youtube"),
    BIRTH_CUE: ("dob", "d.o", "do.b", "birth", "bday", "born", "b."),
    RURAL_ROAD: ("rr", "r.r.", "hc", "route", "road", "rd", "rte", "highway", "hwy", "cr", "sr",
                 "line"),
    LIVES_ON: ("liv", "resid", "stay", "moved", "house", "home", "apartment"),
    UNIT: ("apt", "apartment", "unit", "suite", "ste"),
    HASH_UNIT_ADDRESS: ("#",),
    PARTIAL_CUE: ("end", "last"),
    VANITY_PLATE: ("plate", "tag", "licen", "registration"),
    PLATE_CUE: ("plate", "tag", "licen", "reg", "vehicle", "car", "placa", "matr", "tablica",
                "rej", "plaque", "immatric", "kennzeichen", "targa", "госномер", "номерн",
                "biển", "车牌", "車牌", "번호판"),
    BRACKETED_PLATE: ("(", "["),
    CARD_CUE: ("card", "bar", "acc", "patron", "library", "pin"),
    ID_CUE: ("pass", "id", "badge", "voucher", "locker", "permit"),
    STRONG_CUE: ("name", "goes", "signed", "aka", "a.k", "alias", "holder", "borrower",
                 "patron", "member", "customer", "pt"),
    TITLE_CUE: ("mr", "ms", "mi", "mx", "dr"),
    NAME_FIELD: ("name",),
    TAGALOG_ARTICLE: ("si", "ni", "kina"),
    IS_HYPHENATED_NAME: ("-",),
    INITIALS_BEFORE_BRACKET: ("(",),
    RANK_CUE: ("det", "ofc", "sgt", "lt", "capt", "cpl", "dep", "insp", "cmdr", "supt", "prof",
               "rev", "officer", "sergeant", "lieutenant", "corporal", "trooper", "agent",
               "investigator", "chief", "constable", "judge", "pastor", "director", "manager",
               "supervisor", "librarian", "coordinator", "administrator", "clerk", "trustee",
               "principal", "teacher", "coach", "nurse", "mayor", "alder", "council",
               "counsel", "caseworker", "rabbi", "imam", "dean", "bishop", "superintendent"),
    RELATION_OF: ("of",),
    ROLE_CUE: ("patron", "kid", "child", "son", "daughter", "husband", "wife", "mom", "mother",
               "dad", "father", "brother", "sister", "boy", "girl", "teen", "man", "guy", "lady",
               "user", "customer", "member", "cardholder", "parent", "guardian", "grand", "aunt",
               "uncle", "caller", "visitor"),
    INITIALS_SURNAME: (".",),
    FIRST_INITIAL: (".",),
    SHORT_LAST_FIRST: (",",),
    SIGN_OFF: ("-", "–", "—", "~"),
}

# Every match holds one of these shapes (a cheap scan before a costly one: most notes hold an
# age or a count, no date).
_NEEDS_A_SHAPE: dict[LazyPattern, LazyPattern] = {
    FULL_DATE: lazy(r"\d{4}|\d[/.-]\d"),  # a year, or a day and month in figures
}



class _Gate(NamedTuple):
    """What a note must have for a rule to be run on it: one lookup per rule in ``_sub``."""

    digit: bool
    capital: bool
    words: tuple[str, ...] | None
    shape: LazyPattern | None


# (by id: hashing a compiled pattern hashes its whole program, a few microseconds each time)
_GATES = {
    id(pattern): _Gate(pattern in _NEEDS_A_DIGIT, pattern in _NEEDS_A_CAPITAL,
                       _NEEDS.get(pattern), _NEEDS_A_SHAPE.get(pattern))
    for pattern in (*_NEEDS_A_DIGIT, *_NEEDS_A_CAPITAL, *_NEEDS, *_NEEDS_A_SHAPE)}

# The note the rules last asked ``_holds`` about, and its lower case: a rule that masks nothing
# returns the very same string, so the next rule asks about it again. One entry, checked by
# identity, and dropped when ``redact`` returns (it is staff's text: see ``bot.percall``).
_last_lowered: tuple[str, str] | None = None


def _lowered(text: str) -> str:
    """``text`` in lower case as ``re.IGNORECASE`` reads it: the dotted and dotless I are i,
    the long s is s (and the Kelvin sign k, which ``lower()`` makes k); kept for the next rule
    that asks about the same note (``_last_lowered``)."""
    global _last_lowered
    last = _last_lowered
    if last is not None and last[0] is text:
        return last[1]
    folded = text if text.isascii() else (
        text.replace("İ", "i").replace("ı", "i").replace("ſ", "s"))
    lowered = folded.lower()
    _last_lowered = (text, lowered)
    return lowered


def _holds(text: str, words: tuple[str, ...]) -> bool:
    """Whether ``text`` holds one of ``words`` (ASCII, lower case) in any case, as
    ``re.IGNORECASE`` finds them: it also takes the dotted and dotless I for i, the long s for
    s (and the Kelvin sign for k, which ``lower()`` makes k)."""
    lowered = _lowered(text)
    for word in words:  # noqa: SIM110 (a generator's frames cost more than the searches)
        if word in lowered:
            return True
    return False


class _Has(NamedTuple):
    """Whether a note has a digit, a capital (see ``_NEEDS_A_DIGIT``, ``_NEEDS_A_CAPITAL``)."""

    digit: bool
    capital: bool

    @classmethod
    def of(cls, text: str) -> _Has:
        return cls(_DIGIT.search(text) is not None, CAPITAL.search(text) is not None)


_MAYBE_ALL = _Has(digit=True, capital=True)


def _sub(pattern: LazyPattern, replace: str | Callable[[re.Match[str]], str], text: str,
         has: _Has = _MAYBE_ALL) -> str:
    """``pattern.sub(replace, text)``, unless the note cannot match it (see ``_NEEDS``)."""
    gate = _GATES.get(id(pattern))
    if gate is not None:
        digit, capital, words, shape = gate
        if (digit and not has.digit or capital and not has.capital
                or words is not None and not _holds(text, words)
                or shape is not None and not shape.search(text)):
            return text
    return pattern.sub(replace, text)


class Readings:
    """How many texts ``redact`` has read in this process: what a piece of work costs in
    redaction, counted by its tests (a Slack event reads its words once). Nothing stores,
    logs or exports it; increments from threads at once may lose one (a count, not a meter)."""

    count = 0


def redact(text: str) -> str:
    """Return ``text`` with every patron identifier listed above masked.

    Never raises: a fault in a rule (a span past the text's end, say) must neither lose the
    clerk's message nor let it through unmasked, so the whole text is withheld and the fault
    logged by kind and place only (an exception's message can quote the text)."""
    global _last_lowered, _last_runs
    Readings.count += 1
    try:
        with one_text():
            return _redact_all(text)
    except Exception as error:  # noqa: BLE001 -- the fail-safe of the privacy system itself
        frame = traceback.extract_tb(error.__traceback__)[-1]
        _log.error("redaction failed (%s at %s:%s); the text is withheld",
                   type(error).__name__, Path(frame.filename).name, frame.lineno)
        return WITHHELD
    finally:
        _last_lowered = _last_runs = None  # (staff's text: no rule's memo outlives the call)


def _redact_all(text: str) -> str:
    text = unicodedata.normalize("NFC", text)  # one form for accented letters (Nguyễn)
    kept: list[str] = []

    def set_aside(match: re.Match[str]) -> str:
        return match.group("cue") + set_aside_all(match.group("number"))

    def set_aside_all(words: str) -> str:
        kept.append(words)
        return chr(_SET_ASIDE + len(kept) - 1)

    if "[" in text:  # (a mask holds one: most notes have none)
        text = MASK.sub(lambda match: set_aside_all(match.group(0)), text)
    has = _Has.of(text)
    text = _sub(CATALOGUE_NUMBER, set_aside, text, has)
    if has.digit and has.capital:  # (a call number's class and its cutter's capitals)
        text = CALL_NUMBER.sub(lambda match: _call_number(match, set_aside_all), text)
    # (the note's capitals, as read once above: a number set aside takes none away)
    for start, end in sorted(public_spans(text, capital=has.capital), reverse=True):
        kept.append(text[start:end])  # Stephen King books
        text = text[:start] + chr(_SET_ASIDE + len(kept) - 1) + text[end:]
    # what the note has is read again only if something was set aside (it may have taken the
    # note's only digit or capital); each read is a pass over the whole note
    text = _redact(text, has if not kept else None)
    for index, number in enumerate(kept):
        text = text.replace(chr(_SET_ASIDE + index), number)
    return text


def redact_values(value: T, known: Container[str] = frozenset()) -> T:
    """``value`` with every string in it redacted, however deep in dicts, lists and tuples (a
    record's data: an answer's ``said`` inside a list of turns is text typed like any other).

    ``known``: words the caller knows carry no one's data — the content's own ids (a flow, a
    question, a choice) — kept as they are without being read: a case-trail event is all
    such ids, and reading each again cost a Slack event more than redacting its opening
    message."""
    if isinstance(value, str):
        return value if value in known else redact(value)  # type: ignore[return-value]
    if isinstance(value, dict):
        return {k: redact_values(v, known) for k, v in value.items()}  # type: ignore[return-value]
    if isinstance(value, (list, tuple)):
        return type(value)(redact_values(v, known) for v in value)  # type: ignore[return-value]
    return value


def _redact(text: str, has: _Has | None = None) -> str:
    logins: list[str] = []  # the logins masked: a name in one is the patron's (dmitri.v)

    def login(mask: Callable[[re.Match[str]], str]) -> Callable[[re.Match[str]], str]:
        def recorded(match: re.Match[str]) -> str:
            out = mask(match)
            if out != match.group(0):
                logins.append(match.group("login") if "login" in match.re.groupindex
                              else match.group(0))
            return out
        return recorded

    if has is None:  # (a rule that cannot match this note is not run: see ``_sub``)
        has = _Has.of(text)
    text = _sub(EMAIL, "[email]", text, has)
    if "@" in text:  # (the gates below check again; an inline test is cheaper than a call)
        text = _sub(MISTYPED_EMAIL, "[email]", text, has)
    text = _sub(SPELLED_EMAIL, "[email]", text, has)
    if text.count(":") >= 5 or text.count("-") >= 5 or text.count(".") >= 2:  # its shapes
        text = MAC.sub("[mac]", text)
    text = _sub(IPV6, "[ip]", text, has)
    if text.count(".") >= 3:
        text = _sub(IPV4, "[ip]", text, has)
    text = _sub(DEVICE_CUE, _mask_device_cue, text, has)
    text = _sub(DEVICE_NAME, login(lambda m: "[device]"), text, has)
    text = _sub(HANDLE, login(lambda m: "[handle]"), text, has)
    text = _sub(TAGGED_HANDLE, login(lambda m: "[handle]"), text, has)
    text = _sub(LOGIN_CUE, login(_mask_login), text, has)
    if has.digit or "_" in text:  # (a login's shape holds one or the other)
        text = LOGIN_SHAPE.sub(login(_mask_login_shape), text)
    if has.digit:  # (a slot's time)
        text = _sub(SLOT_LOGIN, login(_mask_slot_login), text, has)
        text = _sub(LOGIN_AT_TIME, login(_mask_slot_login), text, has)
    text = _sub(LOGIN_CHANGE, login(lambda m: m.group("cue") + "[handle]"), text, has)
    text = _sub(LOGIN_BEFORE_CUE, login(_mask_login_before_cue), text, has)
    text = _sub(LOGIN_BESIDE, login(lambda m: m.group("cue") + "[handle]"), text, has)
    text = _sub(BIRTH_CUE, _mask_birth_date, text, has)
    text = _sub(FULL_DATE, _mask_old_date, text, has)
    text = _sub(RURAL_ROAD, "[address]", text, has)
    if has.digit or _holds(text, ("box",)):  # (a street has its number, a PO box its word)
        text = _mask_spans(text, _address_spans(text), "[address]")
    if has.digit:
        text = STREET_SHAPE.sub("[address]", text)
    text = _sub(ABROAD_ADDRESS, "[address]", text, has)
    if has.digit:
        text = _sub(NORTH_ADDRESS, "[address]", text, has)
        text = ANDEAN_ADDRESS.sub("[address]", text)
    if has.digit and not text.isascii():
        text = _sub(CHINESE_ADDRESS, "[address]", text, has)
    if "#" in text:
        text = _sub(HASH_UNIT_ADDRESS, _mask_hash_unit, text, has)
    text = _sub(LIVES_ON, lambda m: m.group("cue") + "[address]", text, has)
    text = _sub(UNIT, "[address]", text, has)
    text = _sub(HOUSE, lambda m: m.group("cue") + "[address]", text, has)
    text = _sub(PARTIAL_CUE, _mask_cued_card, text, has)
    if has.digit and _holds(text, ("ss", "soc")):
        text = SSN_LAST_FOUR.sub(_mask_cued_card, text)
    text = _sub(PARTIAL_ABROAD, _mask_cued_card, text, has)
    if has.digit:
        text = _sub(PASSPORT, lambda m: m.group("cue") + "[card]", text, has)
    text = _sub(SSN, "[ssn]", text, has)
    text = _sub(PHONE, _mask_phone, text, has)
    if _digit_words(text) >= _SPOKEN_AT_LEAST:  # (each of its words is a run of letters)
        text = _sub(SPOKEN_PHONE, "[phone]", text, has)
    text = _sub(PLATE_CUE, _mask_plate, text, has)
    text = _sub(VANITY_PLATE, _mask_vanity_plate, text, has)
    if "(" in text or "[" in text:
        text = _sub(BRACKETED_PLATE, _mask_bracketed_plate, text, has)
    text = _sub(PLATE, _mask_bare_plate, text, has)
    text = _sub(CARD, _mask_card, text, has)
    if "[card]" in text:  # (a passport's or an id's letters glued to its digits: "X[card]")
        text = _LETTERS_OF_A_NUMBER.sub("[card]", text)
    text = _sub(CARD_CUE, _mask_cued_card, text, has)
    text = _sub(ID_CUE, lambda m: m.group("cue") + "[card]", text, has)
    text = _mask_ages(describe(_mask_names(text, logins, has)), has)
    # a number written in brackets is masked in them once ("card [card]", not "[[card]]")
    return _IN_BRACKETS.sub(r"\1", text) if "[[" in text else text


# A mask made inside a note's own brackets (a mask the note already held is set aside, so is
# not read here: redacting twice changes nothing).
_IN_BRACKETS = lazy(r"\[(\[(?:email|phone|card|ssn|mac|ip|handle|device|dob|age|plate|address|"
                    r"name|description)\])\]")


def _mask_ages(text: str, has: _Has = _MAYBE_ALL) -> str:
    """The ages in a note that names someone: an age alone ("Patron, age 72", "a 6 year old
    alone") identifies no one; beside a name it narrows the name down."""
    if "[name]" not in text:
        return text
    text = _sub(AGE_UNIT, "[age]", text, has)
    text = _sub(AGE_CUE, _mask_age, text, has)
    return _sub(AGE_SAID, _mask_age, text, has)


def _mask_names(text: str, logins: list[str] = [],  # noqa: B006 (never changed)
                has: _Has = _MAYBE_ALL) -> str:
    """The name rules, in order; then every other mention of a name they masked, and the
    words that a masked login or device name spells (``Dmitri`` beside ``dmitri.v``)."""
    masked: list[str] = []  # what each rule masked, for the mentions of it elsewhere

    def sub(pattern: LazyPattern, mask: Callable[[re.Match[str]], str], text: str) -> str:
        def recorded(match: re.Match[str]) -> str:
            out = mask(match)
            if out != match.group(0):
                masked.append(_replaced(match.group(0), out))
            return out
        return _sub(pattern, recorded, text, has)

    def spans(text: str, found: list[tuple[int, int]]) -> str:
        masked.extend(text[start:end] for start, end in found)
        return _mask_spans(text, found, "[name]")

    # (a name spelled out has dashes, three dots or four capitals in a row: a note without
    # is not searched for one)
    if "-" in text or text.count(".") >= 3 or has.capital and _SPACED_CAPITALS.search(text):
        text = sub(SPELLED_OUT, _mask_spelled, text)
    text = spans(text, dotted_initials(text))  # (before a cue takes "K" of "for K.L.")
    text = sub(STRONG_CUE, lambda m: _mask_words(m, strong=True), text)
    text = sub(TITLE_CUE, lambda m: _mask_words(m, strong=True), text)
    text = sub(WEAK_CUE, lambda m: m.group(0) if ABOUT_A_WORK.search(m.string, 0, m.end("cue"))
               else _mask_words(m, strong=False), text)
    text = sub(RELATION_OF, lambda m: _mask_words(m, strong=False, ordinary=True), text)
    text = sub(READ_BY, lambda m: _mask_words(m, strong=False), text)
    text = sub(RANK_CUE, _mask_rank, text)
    text = sub(NAME_FIELD, _mask_name_field, text)
    if not text.isascii() or _holds(text, _FOREIGN_TITLE_WORDS):
        text = sub(FOREIGN_TITLE, _mask_foreign_title, text)
    if _holds(text, ("pan",)) or not text.isascii() and _holds(text, ("пан", "господ", "госпож")):
        text = sub(SLAVIC_TITLE, _mask_slavic_title, text)
    if "-" in text:
        text = sub(IS_HYPHENATED_NAME, _mask_hyphenated_name, text)
    if has.capital:
        text = sub(TAGALOG_ARTICLE, _mask_tagalog_article, text)
        if "(" in text:
            text = sub(INITIALS_BEFORE_BRACKET, _mask_initials_before_bracket, text)
    text = sub(ROLE_CUE, _mask_lower_name, text)
    text = spans(text, cued_given_names(text))
    text = spans(text, slot_given_names(text) + big_given_names(text))
    text = spans(text, possessive_accounts(text))
    # (before a list takes "jen'd" whole, or 'lucas "moose' without its closing quote)
    text = spans(text, owned_given_names(text) + quoted_nicknames(text) + vietnamese_names(text)
                 + korean_names(text) + initials_from_a_group(text)
                 + family_plurals(text, _desk_word))
    text = sub(INITIALS_SURNAME, _mask_initials_surname, text)
    text = sub(FIRST_INITIAL, _mask_first_initial, text)
    text = sub(SHORT_LAST_FIRST, _mask_short_last_first, text)
    text = sub(SEEN_CUE, _mask_listed_word, text)
    text = sub(SIGN_OFF, _mask_sign_off, text)
    if has.digit or "[" in text:  # (what it names is a number or a mask)
        text = sub(BEFORE_IDENTIFIER, _mask_before_identifier, text)
    if has.capital:  # (a person verb's words and a name's neighbours are capitalised)
        text = spans(text, before_person_verb(text) + lone_names(text))
    # (before the lists read what is beside it: "grace [name] came" is one name)
    if _maybe_initials(text):
        text = spans(text, initials_and_surnames(text))
    if not _no_names_to_find(text, has):
        text = spans(text, find_names(text, digit=has.digit))
    named = text
    plain, worded = given_names()
    # (only a listed given name opens a note as a person: a note holding none, nine in ten,
    # is not searched)
    if not _given_names_joined(plain, worded).isdisjoint(_letter_runs(text)):
        text = spans(text, opening_given_names(text))
    for _ in range(3):  # (each name masked joins the next: "[name], jen and rosa")
        paired = paired_given_names(text)
        if not paired:
            break
        text = spans(text, paired)
    text = sub(NICKNAME, _mask_nickname, text)
    if "[name]" in text and _holds(text, ("big", "lil", "don", "doña", "dona")):
        text = NICKNAME_BEFORE.sub("", text)  # ("Big [name]": the nickname's first word too)
    text = spans(text, _in_a_login(text, logins))
    if masked:
        if has.capital:
            text = spans(text, beside_a_name(text))  # (its words are mentions too: Summer ...)
        text = _mask_spans(text, mentions_again(text, masked), "[name]")
    if text != named:  # a mask made since is beside a word a list has ("kev'll jen [name]")
        text = NICKNAME.sub(_mask_nickname, _mask_spans(text, find_names(text), "[name]"))
    # masks side by side are one name, as masking again would find them ("[name] [name]", a
    # nickname '[name] "[name]"', '[name] ([name])'), so that redacting twice changes nothing
    return _SIDE_BY_SIDE.sub("[name]", text) if "[name]" in text else text


_SIDE_BY_SIDE = lazy(
    r"\[name\](?:[ \t]+\[name\]|\s*[(\"“'‘]\s*\[name\]\s*[)\"”'’](?![\w'’]))+")


def _replaced(before: str, after: str) -> str:
    """The part of ``before`` a rule replaced to make ``after`` (their common ends cut)."""
    start = 0
    while start < min(len(before), len(after)) and before[start] == after[start]:
        start += 1
    end = 0
    while (end < min(len(before), len(after)) - start
           and before[-1 - end] == after[-1 - end]):
        end += 1
    return before[start: len(before) - end]
