"""Find people's names in staff's free text without a cue word.

A name is recognised from what names look like, not from one wording:

* **name lists** — the first names and surnames of Faker's person providers (US Social
  Security and Census lists and their counterparts for Spanish, Portuguese, French, German,
  Italian, Polish, Vietnamese, Irish, Indian, Turkish, Dutch, Japanese and Chinese
  romanisations...), matched with and without accents, so ``Garcia`` is ``García``;
* **ordinary words** — the thousand most common English words (Faker's lorem list) and the
  staff vocabulary in ``bot/data/privacy/not_names.txt``: a listed name that is also an
  ordinary word (``Will``, ``Young``, ``Page``) is only *weak* evidence;
* **shape** — capitalisation, initials (``Q.``), name particles (``de``, ``van``, ``al``),
  hyphens and apostrophes inside a word, and ``Last, First``.

A run of name-like words is masked when it holds strong evidence: a capitalised listed name
that is not an ordinary word; two listed names side by side whatever their case (``jane
doe``); or, mid-sentence, two capitalised words that are not ordinary words (a name missing
from the lists). A lone capitalised word that is in no list is left alone: it is more often a
place, a product or a typo than a person.
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

# Faker locales whose person providers are written in Latin script (or carry romanised lists).
LOCALES = (
    "en", "en_US", "en_GB", "en_IE", "en_IN", "en_CA", "en_NZ", "ga_IE", "es", "es_ES", "es_MX",
    "es_CO", "es_AR", "pt_BR", "pt_PT", "fr_FR", "de_DE", "it_IT", "pl_PL", "vi_VN", "tr_TR",
    "nl_NL", "sv_SE", "cs_CZ", "ro_RO", "ja_JP", "zh_CN", "zh_TW", "yo_NG", "zu_ZA", "tw_GH",
)
PARTICLES = frozenset({
    "de", "del", "della", "der", "di", "da", "das", "do", "dos", "du", "la", "le", "van", "von",
    "bin", "binti", "ibn", "al", "el", "st", "mac", "mc", "ben", "y", "e", "ter", "ten",
})
# A word: letters (any script's), with inner apostrophes or hyphens (O'Brien, García-López).
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*(?:['’]s)?")
INITIAL = re.compile(r"^[A-Z]\.?$")
# A capitalised run followed by one of these names a place or an institution, not a person
# (Jackson County, Lincoln Park, Roosevelt High School).
PLACE_WORDS = frozenset({
    "county", "city", "township", "village", "town", "park", "street", "st", "avenue", "ave",
    "road", "rd", "boulevard", "blvd", "drive", "lane", "heights", "hills", "falls", "springs",
    "beach", "lake", "river", "valley", "university", "college", "school", "elementary", "high",
    "middle", "academy", "library", "libraries", "branch", "hospital", "church", "center",
    "centre", "mall", "station", "department", "police", "sheriff's", "court", "district",
    "state", "county's", "institute", "foundation", "company", "inc", "llc", "bank", "hall",
})
JOINER = re.compile(r"^\s+$|^\s*,\s*$|^\s*\.\s+$")


def fold(word: str) -> str:
    """Lower case without accents: ``María`` and ``maria`` are one name."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("’", "'")


def _latin(word: str) -> bool:
    return all(c in "-' " or ("LATIN" in unicodedata.name(c, "")) for c in word)


@cache
def name_lists() -> tuple[frozenset[str], frozenset[str]]:
    """(first names, surnames), folded, from every listed Faker locale."""
    first: set[str] = set()
    last: set[str] = set()
    for locale in LOCALES:
        try:
            provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        except ImportError:
            continue
        for attribute, value in vars(provider).items():
            if not (attribute.startswith(("first_", "last_")) and "name" in attribute):
                continue
            if not isinstance(value, (dict, list, tuple, set, frozenset)):
                continue
            target = first if attribute.startswith("first_") else last
            target.update(fold(n) for n in value if isinstance(n, str) and n and _latin(n)
                          and " " not in n)
    return frozenset(first), frozenset(last)


@cache
def staff_words() -> frozenset[str]:
    """Pronouns, function words and staff vocabulary (``not_names.txt``): never a name."""
    text = (files("bot") / "data" / "privacy" / "not_names.txt").read_text("utf-8")
    return frozenset(fold(w) for line in text.splitlines() if not line.startswith("#")
                     for w in line.split())


@cache
def ordinary_words() -> frozenset[str]:
    """The thousand most common English words: listed names among them are weak evidence."""
    from faker.providers.lorem.en_US import Provider as Lorem

    return frozenset(fold(w) for w in Lorem.word_list) | staff_words()


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str
    sentence_start: bool

    @property
    def bare(self) -> str:
        word = self.text
        if word[-2:] in ("'s", "’s"):
            word = word[:-2]
        return fold(word)

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()

    @property
    def shouting(self) -> bool:
        letters = [c for c in self.text if c.isalpha()]
        return len(letters) > 1 and all(c.isupper() for c in letters)


def _listed(bare: str) -> bool:
    first, last = name_lists()
    parts = bare.split("-")
    return all(p in first or p in last for p in parts if p)


def _ordinary(bare: str) -> bool:
    return bare in ordinary_words()


def _evidence(token: Token) -> str | None:
    """``strong``, ``weak``, ``listed`` (a lower-case listed name), ``proper`` (capitalised,
    unknown, mid-sentence), ``initialcap`` (the same at a sentence's start) or None."""
    bare = token.bare
    if not bare:
        return None
    if INITIAL.match(token.text):
        return "weak"
    if bare in PLACE_WORDS or bare in staff_words():
        return None
    listed = _listed(bare)
    ordinary = _ordinary(bare)
    if token.shouting:  # JANE DOE is a name; FBI, ICE, PD are not
        return "strong" if listed and not ordinary and len(bare) > 2 else None
    if token.capitalised:
        if listed:
            return "weak" if ordinary else "strong"
        if not ordinary:
            # an unknown capitalised word: after a sentence's start it proves nothing alone
            return "initialcap" if token.sentence_start else "proper"
        return None
    if listed and not ordinary:
        return "listed"
    return None


def _starts_sentence(text: str, start: int) -> bool:
    """Nothing but an opening mark, or a sentence's end (not an initial's dot), comes before."""
    before = text[:start].rstrip()
    if not before or before[-1] in ":;\n(\"“'‘-–—•*>":
        return True
    if before[-1] in "!?":
        return True
    if before[-1] == ".":
        return not (len(before) >= 2 and before[-2].isupper()
                    and (len(before) == 2 or not before[-3].isalpha()))
    return False


def _tokens(text: str) -> Iterator[Token]:
    for match in WORD.finditer(text):
        yield Token(match.start(), match.end(), match.group(0),
                    _starts_sentence(text, match.start()))


def find_names(text: str) -> list[tuple[int, int]]:
    """Character spans of the names in ``text`` (already free of emails and numbers)."""
    tokens = list(_tokens(text))
    # In Title Case text (a heading, a form's name) capitals say nothing about names.
    title_case = sum(t.capitalised for t in tokens) * 2 > len(tokens) >= 4
    spans: list[tuple[int, int]] = []
    run: list[tuple[Token, str]] = []

    def close(following: Token | None) -> None:
        place = following is not None and following.capitalised and following.bare in PLACE_WORDS
        if run and not place and _is_name(run):
            spans.append((run[0][0].start, run[-1][0].end))
        run.clear()

    for token in tokens:
        kind = _evidence(token)
        if kind in ("proper", "initialcap") and title_case:
            kind = None
        if kind is None and token.bare in PARTICLES and run:
            kind = "particle"
        if kind is None:
            close(token if JOINER.match(text[run[-1][0].end: token.start] if run else " ")
                  else None)
            continue
        if run:
            gap = text[run[-1][0].end: token.start]
            if not JOINER.match(gap) or (gap.strip() == "," and not _comma_joins(run, kind)):
                close(None)
        run.append((token, kind))
    close(None)
    return spans


def _comma_joins(run: list[tuple[Token, str]], kind: str) -> bool:
    """``Doe, Jane``: a comma joins two capitalised names, not a list of ordinary words."""
    return (len(run) == 1 and run[0][1] in ("strong", "weak", "proper", "initialcap")
            and kind in ("strong", "weak"))


def _is_name(run: list[tuple[Token, str]]) -> bool:
    while run and run[-1][1] == "particle":
        run.pop()
    kinds = [kind for _, kind in run]
    if not kinds:
        return False
    if kinds[:1] == ["initialcap"] and len(kinds) >= 2:
        kinds[0] = "proper"  # Doe, Jane / Xochitl Ixtlahuac: a start joined by a name
    if "strong" in kinds:
        return True
    named = sum(k in ("strong", "weak", "listed") and not INITIAL.match(t.text)
                for t, k in run)
    if kinds.count("listed") and named >= 2:
        return True  # jane doe, maría josé garcía-lópez
    if kinds.count("proper") >= 2 or (kinds.count("proper") and len(kinds) >= 2):
        return True  # two unknown capitalised words mid-sentence, or one beside a name or initial
    return named >= 2 and all(t.capitalised for t, _ in run)  # Will Young
