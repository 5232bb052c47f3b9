"""Well-known names staff write as a topic, not as a person at the desk.

"patron asked for Stephen King books", "Harper Lee's To Kill a Mockingbird challenged again",
"Baker & Taylor delivery": masking these costs a note its meaning and protects nobody. But a
patron can be called Stephen King, so a listed name is left as written only where the words
around it say it is the topic (``bot/data/privacy/public_names.txt`` lists the names):

* a **person** (an author, a public figure, a character with a person's name) only beside a
  work cue: a work word after it ("... books", "... display", "...'s Les Misérables") or
  before it ("books about ...", "a biography of ..."; never a bare "by": "checked out by ...");
  or in a catalogue note (call
  number, shelf, collection) that says nothing of a patron (no hold, card, account, his/her);
* a **work**, an **event** or an **organisation** (Captain Underpants, Veterans Day, Banned
  Books Week, Wells Fargo) wherever it is written;
* an **official** named by the office's capitalised title ("Mayor Brandon Johnson is visiting",
  "Senator Duckworth's office") in a note that says nothing of a patron: the person in their
  public role;
* never right after a naming cue ("patron Stephen King", "named Harry Potter", "Mr. Dickens",
  "her grandson Charles Dickens"), nor after a word that gives a person something of the
  library's ("hold for Jane Austen", "checked out by Mark Twain") unless a work cue follows
  ("a hold for Stephen King books");
* never as the owner of what a patron has: in a note about someone's own account, a
  possessive is ownership, not authorship ("Stephen King's books are overdue, he wants the
  fines waived" names a patron; "Colleen Hoover's books have 40 holds" does not);
* and nowhere in a note that also names that person outside such a cue: one mention as a
  person makes every mention of the name the person's.
"""

from __future__ import annotations

import re
from functools import cache

from bot.lazyregex import lazy
from bot.privacy.wordlists import sections

_PERSON_CUE_BEFORE = lazy(
    r"\b(?:named|name\s+is|name\s+was|name|mr|mrs|ms|miss|mx|dr|patron|cardholder|member|"
    r"borrower|customer|officer|detective|son|daughter|mom|dad|husband|wife|kid|child|user|"
    r"called|aka|alias|tenant|caller|visitor|guest|brother|sister|grand(?:son|daughter|ma|pa)|"
    r"parent|guardian|teen|boy|girl|student|friend|boyfriend|girlfriend|partner|ex|"
    r"neighbou?r)\.?\s*[:,]?\s*[\"'“‘]?$",
    re.IGNORECASE)
# Words that give a person something of the library's: the name after them is that person's,
# unless a work cue follows it ("a hold for Jane Austen", but "a hold for Jane Austen books").
_GIVEN_TO_BEFORE = lazy(
    r"\b(?:(?:holds?|card|account|acct|fines?|reserved|registered|issued)\s+(?:for|to)|"
    r"belongs\s+to|(?:checked\s+out|borrowed|requested|returned|renewed|reserved|placed)\s+by)"
    r"\s+$",
    re.IGNORECASE)
# A note about a person's own account: a possessive name in it owns what follows ("Stephen
# King's books are overdue, he owes $12"), where a title's hold queue does not ("Colleen
# Hoover's books have 40 holds").
_OWNER_NOTE = lazy(
    r"\b(?:he|she|his|her|him|hers|card|account|acct|fines?|fees?|owes?|owed|overdue|blocked|"
    r"lives|born|dob|phone|address|email)\b", re.IGNORECASE)
_WORK_AFTER = lazy(
    r"(?:['’]s)?\s+(?:books?|novels?|paperbacks?|hardcovers?|hardbacks?|dvds?|videos?|"
    r"episodes?|shows?|cds?|songs?|displays?|collection|series|biograph(?:y|ies)|poems|"
    r"poetry|works|titles?|audiobooks?|architecture|exhibit(?:ion)?s?|read-?alouds?|reading|"
    r"programs?|birthday|quotes?|adaptations?|films?|movies?|plays?|stories|paintings|art|"
    r"speech(?:es)?|letters|essays|memoirs?|fans?|festival|estate|museum|award|prize|"
    r"trilogy|box\s+set|graphic\s+novels?|visit|costume|party|lookalike|impersonator|"
    r"rep|representative|branch|delivery|order|invoice|shipment|account\s+rep)\b",
    re.IGNORECASE)
# Harper Lee's To Kill a ..., Harry Potter and the Goblet of Fire
_TITLE_AFTER = lazy(
    r"['’]s\s+[\"“'‘«]?(?:[A-Z]|The\b)"
    r"|(?P<rest>\s+(?:and|&)\s+the(?:\s+(?:of|the|and|a|in|on|to))*"
    r"(?:\s+[A-Z][\w'’-]*(?:\s+(?:of|the|and|a|in|on|to))*)*\s+[A-Z][\w'’-]*)")
_WORK_BEFORE = lazy(
    r"(?:\b(?:books?|novels?|biograph(?:y|ies)|works|poems|poetry|stories|memoirs?|series|"
    r"audiobooks?|something|anything|everything|written|illustrated|narrated|edited|life|"
    r"history|story|display|program|report|project|documentary|info|information|research|"
    r"facts|materials?|resources)\s+(?:by|about|on|of)"
    r")\s+(?:the\s+)?$",
    re.IGNORECASE)
# (Each of the two choices below opens with a lookahead for its words' first letters: a
# case-insensitive choice of words is tried word by word at every position, the lookahead once.)
_CATALOGUE_NOTE = lazy(
    r"\b(?=[csatewdrb])(?:call\s+(?:number|no)|shelf|shelved|shelving|aisle|collection|section|"
    r"catalog(?:u?ing|ue|ed)?|translations?|editions?|weeded|weeding|display|reading\s+list|"
    r"book\s+club)\b", re.IGNORECASE)
_PATRON_NOTE = lazy(
    r"\b(?=[phcafestmbdwkl])(?:patrons?|holds?|card|account|acct|fines?|fees?|phone|address|"
    r"email|he|she|his|her|him|they|them|their|customer|member|borrower|mom|dad|son|daughter|wife|husband|kid|"
    r"child|lives|born|dob|wants|called|came\s+in|asked\s+(?:us|me|for\s+(?:his|her)))\b",
    re.IGNORECASE)


# _PATRON_NOTE without the words an office's call or request has too (called, wants).
_PATRON_NOTE_BUT_CALLS = lazy(
    r"\b(?=[phcafestmbdwkl])(?:patrons?|holds?|card|account|acct|fines?|fees?|phone|address|"
    r"email|he|she|his|her|him|they|them|their|customer|member|borrower|mom|dad|son|daughter|"
    r"wife|husband|kid|child|lives|born|dob|came\s+in|asked\s+(?:us|me|for\s+(?:his|her)))\b",
    re.IGNORECASE)


# After a one-word listed name: a capitalised word then what a person does, or a person's doing.
_PERSON_AFTER_ONE_WORD = lazy(
    r"(?:\s+[A-Z][\w'’-]+)?(?:\s+(?:asked|asks|wants|wanted|said|says|told|called|came|"
    r"needs|is\s+(?:asking|here|back|waiting|upset)|left\s+(?:his|her|their)|lost\s+(?:his|her))\b"
    r"|['’]s\s+(?:mom|dad|mother|father|son|daughter|wife|husband|kid|card|account|fines?))")


_FOR_BEFORE = lazy(r"\b(?:for|para|pour|für|dla|cho)\s+$", re.IGNORECASE)
# ... except where a day is meant ("closed for Christmas", "hours for Thanksgiving week").
_CLOSED_FOR_BEFORE = lazy(
    r"\b(?:closed|closing|close|open|opening|hours|shut|cerrado|cerramos|fermé|geschlossen|"
    r"decorations?|display|program|party|break|holiday|off)\s+(?:for|para|pour|für|dla|cho)\s+$",
    re.IGNORECASE)


_CAPITALISED_AFTER = lazy(r"\s+([A-Z][a-z'’-]+)")


def _surname_after(after: str) -> bool:
    """A listed surname follows ("Libby Hart", "Dell Jones"): the one word is a given name."""
    from bot.privacy.names import fold, name_lists, ordinary_words

    following = _CAPITALISED_AFTER.match(after)
    if following is None:
        return False
    bare = fold(following.group(1).removesuffix("'s").removesuffix("’s"))
    return bare in name_lists()[1] and bare not in ordinary_words()


def _lists() -> dict[str, tuple[str, ...]]:
    return sections("public_names.txt")


@cache
def _vendors() -> frozenset[str]:
    return frozenset(_lists()["vendors"])


@cache
def _pattern(section: str) -> re.Pattern[str]:
    # (the vendors are organisations read in their own way: one pattern, one pass for both)
    listed = _lists()[section] + (_lists()["vendors"] if section == "organisations" else ())
    names = sorted(listed, key=len, reverse=True)  # the longest form first
    # (not the start of a name with an apostrophe: "Dell'Acqua" is no Dell)
    return re.compile(r"(?<![\w'’-])(?:" + "|".join(map(re.escape, names))
                      + r")(?![\w-]|['’](?!s\b)\w)")


# A public office's title, capitalised, then the office holder's name.
OFFICIAL = lazy(
    r"\b(?:Mayor|Governor|Gov\.|Lieutenant\s+Governor|Lt\.\s+Gov\.|Senator|Sen\.|"
    r"(?:Vice\s+)?President|Congressman|Congresswoman|Congressperson|Representative|Rep\.|"
    r"Alderman|Alderwoman|Alderperson|Ald\.|Commissioner|Secretary|Attorney\s+General|"
    r"State(?:'s|s)?\s+Attorney|Comptroller|Treasurer|(?:Chief\s+)?Judge|Justice|Magistrate|"
    r"Sheriff)\s+"
    r"(?P<name>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’-]*){0,2})")


# A letter other than a-z: a capital, or a letter of any script. Every listed name and every
# office's title holds one (tests/test_redact_gates.py), so a note without one names none.
CAPITAL = lazy(r"[^\W\d_a-z]")


def public_spans(text: str, *, capital: bool | None = None) -> list[tuple[int, int]]:
    """Where ``text`` names a listed work, organisation or person as a topic (see above).
    ``capital``: whether the note has a capital, if the caller has looked already."""
    if not (CAPITAL.search(text) if capital is None else capital):  # (most notes: lower case)
        return []
    # (an official at the desk as a patron, or their family, is a patron like any other)
    patron = _PATRON_NOTE.search(text) is not None  # (searched once for both uses)
    # (an office calling or wanting something is the office at work: "Governor Pritzker's
    # office called", "Judge Alvarez wants the file"; a note about the official's own account
    # still says so with its other words)
    official = not patron or not _PATRON_NOTE_BUT_CALLS.search(text)
    spans: list[tuple[int, int]] = [
        match.span() for match in OFFICIAL.finditer(text)
        if not _PERSON_CUE_BEFORE.search(text[: match.start()])] if official else []
    catalogue = not patron and bool(_CATALOGUE_NOTE.search(text))
    vendors = _vendors()
    for section in ("works", "events", "organisations", "people"):
        found = list(_pattern(section).finditer(text))  # (organisations: vendors' too)
        as_person = {match.group(0) for match in found
                     if not (_a_vendor(text, match) if match.group(0) in vendors else _a_topic(
                         text, match, person=section == "people", catalogue=catalogue)
                             or section == "people" and _after_a_work(text, match, spans))}
        for match in found:
            if match.group(0) in as_person:
                continue  # named as a person once: every mention of the name is the person's
            end = match.end()
            title = _TITLE_AFTER.match(text, end)
            if title and title.group("rest"):  # the rest of the title: ... and the Lightning Thief
                end = title.end("rest")
            if not any(start < end and match.start() < stop for start, stop in spans):
                spans.append((match.start(), end))
    return spans


# A vendor's name that is a person's too (Otis, Ingram) is the vendor before what it sends
# or does for the library, or after where an order goes.
_VENDOR_AFTER = lazy(
    r"(?:['’]s)?\s+(?:tech|techs|technician|rep|representative|guy|truck|van|crew|delivery|"
    r"deliveries|order|orders|invoice|shipment|shipments|service|elevator|elevators|account|"
    r"catalog|contract|install|inspection|boxes|box|carts?|standing\s+order)\b", re.IGNORECASE)
_VENDOR_BEFORE = lazy(
    r"\b(?:from|through|via|with|to|call|called|email|emailed|ordered\s+from|order\s+from)\s+$",
    re.IGNORECASE)


def _a_vendor(text: str, match: re.Match[str]) -> bool:
    """A name of ``public_names.txt`` [vendors] is the vendor only beside what says so."""
    before = text[max(0, match.start() - 30): match.start()]
    return not _PERSON_CUE_BEFORE.search(before) and (
        _VENDOR_AFTER.match(text, match.end()) is not None
        or _VENDOR_BEFORE.search(before) is not None
        and not _PERSON_AFTER_ONE_WORD.match(text, match.end()))


# A listed person right after a listed work and the word for its author: "Cien años de
# soledad de García Márquez", "Les Misérables by Victor Hugo".
_AUTHOR_OF_A_WORK = lazy(r"\s+(?:by|de|von|par|di|da|od|của)\s+$", re.IGNORECASE)


def _after_a_work(text: str, match: re.Match[str], spans: list[tuple[int, int]]) -> bool:
    return not _PERSON_CUE_BEFORE.search(text[: match.start()]) and any(
        end <= match.start() and _AUTHOR_OF_A_WORK.fullmatch(text, end, match.start())
        for _, end in spans)


def _a_topic(text: str, match: re.Match[str], *, person: bool, catalogue: bool) -> bool:
    """This mention of a listed name is the topic (see above), not someone at the desk."""
    before, after = text[: match.start()], text[match.end():]
    if _PERSON_CUE_BEFORE.search(before):
        return False
    if not person:
        # a one-word holiday, maker or app that is a given name too ("Holi Patel asked", "Dell
        # wants his card", "hold for Libby"): a person, when a surname or what a person does
        # follows, or after "for" ("borrowed on Libby", "closed for Christmas" stay: see below)
        return " " in match.group(0) or not (
            _PERSON_AFTER_ONE_WORD.match(after) or _surname_after(after)
            or _FOR_BEFORE.search(before[-30:]) and not _CLOSED_FOR_BEFORE.search(before[-30:]))
    if _TITLE_AFTER.match(after) or _WORK_BEFORE.search(before):
        return True
    if _GIVEN_TO_BEFORE.search(before) and not _WORK_AFTER.match(after):
        return False
    if _WORK_AFTER.match(after):  # "Stephen King books", "Stephen King's books"
        return not (after[:2] in ("'s", "’s") and _OWNER_NOTE.search(text))
    return catalogue
