"""Names as staff type them in chat, where no cue word comes before them.

Staff at a busy desk write in lower case, use short forms and initials, and open a note with
the person it is about: "kev s wants his holds", "rose from the knitting group asked about
yarn", "dawn, the girl with the cat backpack", "a.j. left his charger", 'the kid "tank" was
back', "jen'll be back at 4". ``bot.privacy.names`` finds names by their lists and their
capitals; here a given name is found by where it stands and what follows it:

* **a note or a sentence opened by a given name** (``opening_given_names``), followed by what a
  person does, an initial, "from <a group>", or a comma and who they are. A given name that is
  also an English word (rose, mark, hope, bill) asks for a doing only a person does ("asked",
  "wants", "came in"), so "mark it lost", "bill the card", "hope springs book club" and "grace
  period" stay;
* **a given name with a contraction or a possessive** ("kev'll", "jen's here", "tell kev's
  mom"): a short form no English word is, anywhere; one that is a word only before a relative
  ("grace's mom");
* **a nickname in quotes** after a person or before what a person does;
* **initials with dots** ("a.j.", "J.R."), unless the dots spell an abbreviation
  (``bot/data/privacy/typed_names.txt``: a.m., i.d., t.v., y.a.).

Each function returns character spans to mask; the words after a name ("'ll", "'s") are left
outside the span where they say nothing of who it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from bot.lazyregex import lazy
from bot.privacy import wordlists
from bot.privacy.names import (
    FAMILY,
    FUNCTION_WORDS,
    HUMAN_DOES,
    PERSON_DOES_AFTER,
    PLACE_WORDS,
    english_names,
    fold,
    given_names,
    name_lists,
    nicknames,
    ordinary_words,
    person_lists,
    staff_words,
)

# The same, for a staff word that is also a given name (will, may, june): a past doing that
# no modal or month reads as ("will asked", "may said"), never "will you" or "may i".
PAST_HUMAN_DOES = lazy(
    r"\s+(?:asked|wanted|said|told|called|emailed|phoned|texted|came\s+(?:in|by|back)|"
    r"stopped\s+by|forgot|stole|complained)\b")
# An initial after a given name ("kev s", "jade m."): not the words "a", "i" or "u".
INITIAL_AFTER = lazy(r"\s+(?![aiuAIU]\b)[A-Za-z]\.?(?=$|[\s,;:!?)])")
# Who a person is, set off after their name ("dawn, the girl with ...", "kev (the tall one)").
_PERSON_NOUN = (r"(?:kid|boy|girl|teen|tween|lady|man|woman|guy|gentleman|patron|one|regular|"
                rf"student|volunteer|neighbou?r|toddler|baby|child|cardholder|caller|visitor|"
                rf"{FAMILY})")
WHO_AFTER = lazy(
    r"\s*[,(]\s*(?:(?:the|a|an|that|this|our|my|your|his|her|their)\s+(?:[a-z]+\s+){0,2}?"
    rf"{_PERSON_NOUN}|who)\b")
# ... or what identifies them, masked already ("dawn, [address], is asking", "rose ([phone])").
IDENTIFIER_AFTER = lazy(r"\s*[,(]\s*\[(?:address|phone|email|dob|age|card|handle)\]")
# ... or described after it without a comma ("kev the kid in the red hat said", "mark the tall
# guy asked"): a given name that is also a word asks for the doing after (DOES_SOON).
DESCRIBED_AFTER = lazy(rf"\s+(?:the|that|this)\s+(?:[a-z]+\s+){{0,2}}?{_PERSON_NOUN}\b")
DOES_SOON = lazy(rf"(?:\s+[\w'’-]+){{0,5}}?{HUMAN_DOES.pattern}")
# "rose from the knitting group asked", "kev from upstairs wants": where a person is from,
# then what they do.
_FROM = r"\s+from\s+(?:[\w'’-]+\s+){0,3}?[\w'’-]+"
FROM_THEN_DOES = lazy(rf"{_FROM}(?={HUMAN_DOES.pattern})")
FROM_THEN_ACTS = lazy(rf"{_FROM}(?={PERSON_DOES_AFTER.pattern})")
# The name lists of English-speaking countries (Faker's: the US census lists, the British, Irish
# and New Zealand ones; "en" alone is a list of every locale's names).
ENGLISH_LOCALES = ("en_US", "en_GB", "en_IE", "en_NZ")
# A note's or a sentence's first word (in lower case, or capitalised: "Hope asked" is Hope).
OPENING = lazy(
    r"(?:^|(?<=[.!?;\n(\"“•*>]))\s*(?P<word>[A-Za-z][a-z]+)(?P<tail>['’](?:s|ll|d|re|ve))?"
    r"(?![\w'’-])")
# A given name anywhere, with a contraction or a possessive ("kev'll", "tell jen's mom").
OWNED = lazy(r"(?<![\w'’.\[-])(?P<word>[a-z]{2,})(?P<tail>['’](?:s|ll|d|re|ve))(?![\w'’-])")
# Whom a possessive given name that is also a word has: a relative or someone in charge of them.
RELATIVE_AFTER = lazy(
    r"\s+(?:mum|kid|kids|wife|husband|friend|boyfriend|girlfriend|partner|caseworker|teacher|"
    rf"nanny|guardian|parents?|family|ex|{FAMILY})\b")
# A nickname in quotes: after a person ("the kid 'tank'", 'call him "Boo"') or before what a
# person does ('"jojo" left her scarf').
QUOTED = lazy(
    r"(?:^|(?<=[\s(]))(?P<quote>[\"“'‘])(?P<words>[A-Za-z][\w’-]{1,20}"
    r"(?:\s+[A-Za-z][\w’-]{1,20})?)[\"”'’](?![\w'’])")
# A given name right before a quoted nickname, and the surname right after it.
GIVEN_BEFORE = lazy(r"(?<![\w'’-])(?P<given>[A-Za-z][a-z]+)\s+$")
SURNAME_AFTER = lazy(r"\s+(?P<surname>[A-Za-z][a-z'’-]+)(?![\w'’-])")
PERSON_BEFORE = lazy(
    r"(?:\b(?:kid|boy|girl|teen|guy|lady|man|woman|patron|son|daughter|brother|sister|friend|"
    r"dude|gentleman|regular|toddler|child|tween)\s*,?|\b(?:call|calls|called|calling)\s+"
    r"(?:him|her|them|me|himself|herself|themselves)|\b(?:known\s+as|nicknamed))\s*$",
    re.IGNORECASE)
# Initials with dots ("a.j.", "J.R.", "t.j"), not an abbreviation.
# (the last dot may be left off in capitals only: "x.y" is no one's)
DOTTED_INITIALS = lazy(
    r"(?<![\w.’'-])(?:(?:[A-Za-z]\.){2,3}|[A-Z]\.[A-Z](?:\.[A-Z])?)(?![\w.’'-])")


@cache
def _abbreviations() -> frozenset[str]:
    """Dotted abbreviations that are no one's initials (``typed_names.txt``)."""
    return frozenset(w.lower() for w in wordlists.words("typed_names.txt")["dotted"])


@cache
def _worded_given_names() -> frozenset[str]:
    """Given names that are also English words and common as names in English: in the lists of
    English-speaking countries or the nicknames list (rose, mark, hope, sam), not any locale's
    (all 31 lists make "friend", "press" and "unknown" names too), less the words that name a
    kind of person (``typed_names.txt``: "guy asked" is no one's name)."""
    english = {fold(name) for attribute, names in person_lists(ENGLISH_LOCALES)
               if attribute.startswith("first_names") for name in names}
    people = wordlists.words("typed_names.txt")["people"]
    return frozenset(name for name in given_names()[1]
                     if (name in english or name in nicknames()) and name not in people)


def _kind(word: str) -> str | None:
    """``plain`` (a given name or a short form no English word is: kev, priya), ``worded`` (one
    that is: rose, mark), ``staff`` (a staff word that is also a given name: will, may, june),
    or None (no given name, or a word that never names anyone here)."""
    bare = fold(word)
    if bare in FUNCTION_WORDS:
        return None
    plain, worded = given_names()
    if bare in staff_words():
        return "staff" if bare in worded else None
    if bare in plain:
        return "plain"
    if bare in _worded_given_names() and bare not in PLACE_WORDS:
        return "worded"
    return None


def opening_given_names(text: str) -> list[tuple[int, int]]:
    """A given name in lower case that opens the note or a sentence, where what follows says it
    is a person (see the module's docstring). A masked surname may follow ("hope [name] came
    in"): the given name is masked with it."""
    spans = []
    for match in OPENING.finditer(text):
        word, tail = match.group("word"), match.group("tail")
        kind = _kind(word)
        if kind is None:
            continue
        end = match.end()
        name_end = match.end("word")
        beside = re.match(r"\s+\[name\]", text[end:]) if not tail else None
        if beside:
            end += beside.end()
        initial = INITIAL_AFTER.match(text, end) if not tail else None
        if initial and _acts(text, initial.end(), kind, initial=True):
            spans.append((match.start("word"), initial.end()))  # the initial is the surname's
        elif _acts(text, end, kind, tail=tail):
            spans.append((match.start("word"), end if beside else name_end))
    return spans


def _acts(text: str, end: int, kind: str, tail: str | None = None,
          initial: bool = False) -> bool:
    """What follows ``text[:end]`` says that the given name of ``kind`` before it is a person."""
    if kind == "staff":  # "summer, the girl with the backpack": not "summer, the season"
        who = WHO_AFTER.match(text, end)
        return not tail and bool(PAST_HUMAN_DOES.match(text, end)
                                 or who and not who.group(0).endswith("who"))
    if HUMAN_DOES.match(text, end) or WHO_AFTER.match(text, end) or (
            not tail and IDENTIFIER_AFTER.match(text, end)):
        return True
    described = None if tail else DESCRIBED_AFTER.match(text, end)
    if described and (kind == "plain" or DOES_SOON.match(text, described.end())):
        return True
    if not tail and (FROM_THEN_DOES.match(text, end)
                     or kind == "plain" and FROM_THEN_ACTS.match(text, end)):
        return True
    if kind == "plain":  # a short form no word is: any person's doing, an initial, a contraction
        return initial or bool(tail) or bool(PERSON_DOES_AFTER.match(text, end))
    return initial and bool(PERSON_DOES_AFTER.match(text, end))


def owned_given_names(text: str) -> list[tuple[int, int]]:
    """``kev'll``, ``jen's here``, ``tell kev's mom``, ``grace's dad``: a given name with a
    contraction or a possessive, anywhere in the note (the contraction left outside the mask,
    as "[name]'ll be back"; a possessive's "'s" goes with the name, as the other rules mask it)."""
    if "'" not in text and "’" not in text:
        return []
    spans = []
    for match in OWNED.finditer(text):
        kind = _kind(match.group("word"))
        possessive = match.group("tail")[1:] == "s"
        if kind == "plain" or kind == "worded" and (
                not possessive or RELATIVE_AFTER.match(text, match.end())):
            spans.append((match.start(), match.end() if possessive else match.end("word")))
    return spans


def quoted_nicknames(text: str) -> list[tuple[int, int]]:
    """A nickname in quotes after a person, a naming verb or a given name ('james "jimbo"
    okafor': the names beside it too), or before a person's doing."""
    if not any(quote in text for quote in "\"“'‘"):  # (most notes quote nothing)
        return []
    spans = []
    for match in QUOTED.finditer(text):
        words = match.group("words")
        bare = fold(words.split()[0])
        if bare in FUNCTION_WORDS or bare in staff_words():
            continue
        first = words.split()[0]
        # before a doing, a given name or a capitalised word no list has as a word ('"lost"
        # said too' quotes a word)
        acting = HUMAN_DOES.match(text, match.end()) and (
            _kind(first) is not None or first[:1].isupper() and bare not in ordinary_words())
        given = GIVEN_BEFORE.search(text, max(0, match.start() - 40), match.start())
        if given and _kind(given.group("given")) is not None:
            spans.append(given.span("given"))
            surname = SURNAME_AFTER.match(text, match.end())
            if surname and _a_surname(text, surname):
                spans.append(surname.span("surname"))
        elif not (acting or PERSON_BEFORE.search(text, 0, match.start())):
            continue
        spans.append(match.span("words"))
    return spans


def _a_surname(text: str, after: re.Match[str]) -> bool:
    """The word after a quoted nickname is the surname: a listed one, or one followed by what a
    person does or set off by a comma ('"jimbo" okafor wants')."""
    bare = fold(after.group("surname"))
    if bare in FUNCTION_WORDS or bare in staff_words() or bare in ordinary_words():
        return False
    return (bare in name_lists()[1] or bool(PERSON_DOES_AFTER.match(text, after.end()))
            or text[after.end(): after.end() + 1] in (",", "("))


# A Vietnamese name in its order: a surname, the middle name Van or Thi, a given name (and a
# second one): "le van thanh", "Do Thi Lan", "nguyễn thị minh khai".
VIETNAMESE_NAME = lazy(
    r"(?<![\w'’-])(?P<surname>[^\W\d_]{1,7})\s+(?i:van|văn|thi|thị)\s+(?P<given>[^\W\d_]{1,7})"
    r"(?:\s+(?P<second>[^\W\d_]{1,7}))?(?![\w'’-])")


def vietnamese_names(text: str) -> list[tuple[int, int]]:
    """``le van thanh``: a Vietnamese surname (``more_names.txt``), Van or Thi, and the given
    name after them, with a second given name that is no word of staff's or English's
    ("nguyen thi minh khai"; not "... thanh asked"). (A cue for capitalised words takes the
    whole name itself: see ``redact._mask_words``.)"""
    lowered = text.lower()
    if not any(middle in lowered for middle in ("van", "thi", "văn", "thị")):
        return []  # (nearly every note)
    spans = []
    for match in VIETNAMESE_NAME.finditer(text):
        if fold(match.group("surname")) not in vietnamese_surnames():
            continue
        given = match.group("given")
        word = fold(given) in FUNCTION_WORDS
        if word and not (  # "An", "nguyen van an wants": a name; "nguyen van an hour": a word
                given[:1].isupper() or PERSON_DOES_AFTER.match(text, match.end("given"))):
            continue
        second = match.group("second")
        bare = fold(second or "")
        # (a word with its accents is read in Vietnamese: one the lists lack is a word, "hỏi")
        end = match.end() if second and (bare in name_lists()[0] or second.isascii() and not (
            bare in FUNCTION_WORDS or bare in staff_words() or bare in ordinary_words()
            or bare in english_names())) else match.end("given")
        spans.append((match.start(), end))
    return spans


@cache
def vietnamese_surnames() -> frozenset[str]:
    return wordlists.words("more_names.txt")["vietnamese surnames"]


# A Korean name in its order, romanised: a surname, then a given name of two syllables joined
# by a hyphen ("park ji-hoon", "Kim So-yeon", "lee min-seo's mom").
KOREAN_NAME = lazy(
    r"(?<![\w'’-])(?P<surname>[A-Za-z]{1,5})\s+(?P<given>[A-Za-z][a-z]{0,4}-[a-z]{1,5})"
    r"(?:['’]s)?(?![\w'’-])")


def korean_names(text: str) -> list[tuple[int, int]]:
    """``park ji-hoon``: a Korean surname (``more_names.txt``) and a hyphenated given name whose
    syllables are no English word ("park well-lit" is no name)."""
    if "-" not in text:
        return []  # (nearly every note)
    spans = []
    for match in KOREAN_NAME.finditer(text):
        if fold(match.group("surname")) not in _korean_surnames():
            continue
        syllables = fold(match.group("given")).split("-")
        if any(s in ordinary_words() or s in staff_words() for s in syllables if len(s) > 2):
            continue
        spans.append(match.span())
    return spans


@cache
def _korean_surnames() -> frozenset[str]:
    return wordlists.words("more_names.txt")["korean surnames"]


# A family by its surname in the plural ("the Hendersons' fines", "the Garcias are here"), with
# a possessive or what people do after it; not a work or a band ("the Simpsons dvds").
FAMILY_PLURAL = lazy(
    r"\b(?:[Tt]he|[Bb]oth)\s+(?P<word>[A-Z][a-z]+?(?:es|s))(?P<own>['’])?(?![\w'’-])")
_FAMILY_DOES = lazy(
    r"\s+(?:are|were|have|had|want|wanted|asked|came|come|said|called|owe|owed|need|needed|"
    r"left|lost|returned|borrowed|both|all|each|live|lived|moved|signed)\b")
_FAMILY_HAS = lazy(
    r"\s+(?:kids?|children|son|daughter|mom|dad|account|card|cards|fines?|fees?|holds?|"
    r"address|phone|house|dog|car)\b")
_FAMILY_ONLY_PEOPLE_DO = lazy(
    r"\s+(?:want|wanted|asked|called|owe|owed|came\s+in|are\s+here|were\s+here|live|lived|"
    r"moved|signed)\b")
# Whom a thing is for or by, before "the" and a family's name ("holds for the Delacroixes",
# "checked out by the Abernethys", "call the Oyelarans").
FAMILY_FOR_BEFORE = lazy(
    r"\b(?:(?:holds?|cards?|accounts?|fines?|fees?|items?|books?|pickups?|reservations?)\s+"
    r"(?:for|of|under)|(?:checked\s+out|requested|reserved|returned|renewed|picked\s+up|"
    r"placed|borrowed)\s+by|belongs?\s+to|call|called|tell|told|email|emailed|text|texted|"
    r"ask|asked|remind|banned|warned|helped)\s+$", re.IGNORECASE)
_WORK_WORDS = lazy(
    r"\s+(?:dvds?|cds?|books?|episodes?|albums?|songs?|box\s+set|series|movies?|films?|show|"
    r"seasons?|records?|vinyl|comics?|collection|display)\b")


def family_plurals(text: str, desk_word: Callable[[str], bool] | None = None,
                   ) -> list[tuple[int, int]]:
    """``the Hendersons' fines``: a listed surname (no English word) in the plural, owning
    something or doing something, is a family's name. So is a surname no list has ("the
    Delacroixes came in", "holds for the Abernethys") where only a family stands: before what
    only people do or have, or after whom a thing is for or by, unless ``desk_word`` says
    the word is the desk's (the Trustees, the Feds, the Scouts)."""
    if "he " not in text and "oth " not in text:
        return []
    spans = []
    surnames = name_lists()[1]
    for match in FAMILY_PLURAL.finditer(text):
        word = fold(match.group("word"))
        stems = [word[:-1]] + ([word[:-2]] if word.endswith("es") else [])
        listed = [stem for stem in stems if stem in surnames and stem not in ordinary_words()
                  and stem not in PLACE_WORDS]
        after = match.end()
        if _WORK_WORDS.match(text, after):
            continue
        if not listed:
            if desk_word is not None and not any(
                    desk_word(stem) or stem in surnames or stem in name_lists()[0]
                    for stem in [word, *stems]) and (
                    _FAMILY_ONLY_PEOPLE_DO.match(text, after)
                    or match.group("own") and _FAMILY_HAS.match(text, after)
                    or FAMILY_FOR_BEFORE.search(text, max(0, match.start() - 40),
                                                match.start())):
                spans.append(match.span("word"))
            continue
        if any(stem not in english_names() for stem in listed):  # the Hendersons, the Garcias
            found = match.group("own") or _FAMILY_DOES.match(text, after)
        else:  # a surname that is a word too (the Smiths, the Browns): what only people have or do
            found = (_FAMILY_HAS.match(text, after) if match.group("own")
                     else _FAMILY_ONLY_PEOPLE_DO.match(text, after))
        if found or FAMILY_FOR_BEFORE.search(text, max(0, match.start() - 40), match.start()):
            spans.append(match.span("word"))
    return spans


# An initial or two in lower case, then a surname or a masked name, then what a person does
# ("j smith wants his holds", "jl okafor called", "k [name] called"): staff's shorthand for a
# patron, initial first.
INITIAL_SURNAME = lazy(
    r"(?<![\w.'’\[-])(?P<initials>[a-z]{1,2})\.?\s+(?P<surname>\[name\]|[a-z][a-z'’-]{2,})"
    r"(?=\s)")


_OWNED_AFTER = lazy(
    r"\s+(?:card|account|acct|holds?|fines?|fees?|mom|dad|kid|kids|son|daughter|wife|husband|"
    r"books|stuff|phone|email|address|history)\b")


# Words of one or two letters that are no one's initials ("his ex Brandon", "my bf jones").
NO_INITIALS = frozenset({
    "a", "i", "o", "u", "ex", "bf", "gf", "ma", "pa", "id", "ok", "tv", "pc", "mr", "ms", "dr",
    "st", "is", "it", "in", "on", "at", "to", "of", "or", "an", "as", "be", "by", "do", "go",
    "he", "if", "me", "no", "so", "up", "us", "we", "am", "hi", "oh", "re", "vs", "cc", "ps",
    "pd", "fd", "da", "mc", "dj", "sr", "jr", "mrs", "aka"})


def initials_and_surnames(text: str) -> list[tuple[int, int]]:
    """``j smith wants``, ``k [name] called``: a listed surname (or a masked name) after a lower-
    case initial, with what a person does or a possessive after it; the initial is no word
    ("a", "i", "my", "dr", "of")."""
    spans = []
    for match in INITIAL_SURNAME.finditer(text):
        initials, surname = match.group("initials"), match.group("surname")
        if initials in NO_INITIALS or fold(initials) in FUNCTION_WORDS or fold(
                initials) in staff_words() or initials in ordinary_words():
            continue
        bare = fold(surname.removesuffix("'s").removesuffix("’s"))
        if surname != "[name]" and (bare not in name_lists()[1] or bare in ordinary_words()
                                    or bare in staff_words()):
            continue  # (a surname that is a word too is one here: "j smith wants", not "j wants")
        end = match.end()
        if surname[-2:] in ("'s", "’s") or PERSON_DOES_AFTER.match(text, end) or (
                surname == "[name]" and _OWNED_AFTER.match(text, end)):  # (its "'s" masked)
            spans.append((match.start(), end))
    return spans


# Initials in capitals, then the group the person comes from ("JT from the teen group", "MK
# from the homework club").
INITIALS_FROM_GROUP = lazy(
    r"(?<![\w.’'-])(?P<initials>[A-Z]{2,3})(?=\s+from\s+(?:the\s+|our\s+|that\s+)?"
    r"(?:[\w'’-]+\s+){0,2}(?:group|club|program|class|crew|team|circle|league|troop|camp)\b)")


def initials_from_a_group(text: str) -> list[tuple[int, int]]:
    """``JT from the teen group``: a person's initials, unless the letters are a staff word or
    an abbreviation (``PD from the county task team``)."""
    if "from" not in text:
        return []
    return [match.span() for match in INITIALS_FROM_GROUP.finditer(text)
            if fold(match.group("initials")) not in staff_words()
            and fold(".".join(match.group("initials")) + ".") not in _abbreviations()]


def dotted_initials(text: str) -> list[tuple[int, int]]:
    """``a.j.``, ``J.R.``: a person's initials, unless the letters spell an abbreviation."""
    if "." not in text:
        return []
    spans = []
    for match in DOTTED_INITIALS.finditer(text):
        letters = match.group(0).lower()
        if letters.rstrip(".") + "." in _abbreviations() or letters in _abbreviations():
            continue
        spans.append(match.span())
    return spans
