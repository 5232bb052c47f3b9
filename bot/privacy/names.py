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
import importlib.util
import os
import re
import threading
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from functools import cache
from importlib.resources import files
from typing import TypeVar

from bot.lazyregex import lazy
from bot.percall import PerCall
from bot.privacy import wordlists

# Faker locales whose person providers are written in Latin script (or carry romanised lists).
LOCALES = (
    "en", "en_US", "en_GB", "en_IE", "en_IN", "en_CA", "en_NZ", "ga_IE", "es", "es_ES", "es_MX",
    "es_CO", "es_AR", "pt_BR", "pt_PT", "fr_FR", "de_DE", "it_IT", "pl_PL", "vi_VN", "tr_TR",
    "nl_NL", "sv_SE", "cs_CZ", "ro_RO", "ja_JP", "zh_CN", "zh_TW", "yo_NG", "zu_ZA", "tw_GH",
    # Arabic given names and surnames as they are written in Latin letters (Pakistani, Algerian
    # French and Hausa spellings: Youssef, Abdelkader, Zainab)
)
# ... whose shortest names are as often words of the languages of the desk (Tagalog "ilan",
# "kada"): only their names of five letters or more are added (Hamza, Zainab, Youssef).
ARABIC_LOCALES = ("en_PK", "fr_DZ", "ha_NG")
_SHORTEST_ADDED = 5
# Faker's lists in Cyrillic, romanised (``romanised``) as staff type them: Oleksandr, Dmytro,
# Yuliia, Svetlana Ivanova.
ROMANISED_LOCALES = ("uk_UA", "ru_RU")
# How each Cyrillic letter is written in Latin ones: Ukraine's national system and Russia's
# passport and BGN spellings, each way staff see (Yuliia and Yulia, Mykhailo and Mikhail are
# spelled in their own lists). A letter with several ways gives the name once for each.
_ROMAN = {
    "а": ("a",), "б": ("b",), "в": ("v",), "г": ("h", "g"), "ґ": ("g",), "д": ("d",),
    "е": ("e", "ye"), "ё": ("e", "yo"), "є": ("ye", "ie"), "ж": ("zh",), "з": ("z",),
    "и": ("y", "i"), "і": ("i",), "ї": ("yi", "i"), "й": ("y", "i", ""), "к": ("k",),
    "л": ("l",), "м": ("m",), "н": ("n",), "о": ("o",), "п": ("p",), "р": ("r",), "с": ("s",),
    "т": ("t",), "у": ("u",), "ф": ("f",), "х": ("kh", "h"), "ц": ("ts",), "ч": ("ch",),
    "ш": ("sh",), "щ": ("shch", "sch"), "ъ": ("",), "ы": ("y",), "ь": ("",), "э": ("e",),
    "ю": ("yu", "iu"), "я": ("ya", "ia"), "'": ("",), "’": ("",),
}
_MOST_SPELLINGS = 24  # (a long name with many such letters: its first spellings are enough)

PARTICLES = frozenset({
    "de", "del", "della", "der", "di", "da", "das", "do", "dos", "du", "la", "le", "van", "von",
    "bin", "binti", "ibn", "al", "el", "st", "mac", "mc", "ben", "y", "e", "ter", "ten", "o",
    "ni", "nic", "ua", "d", "abu", "bint",
})
# A word: letters (any script's), with inner apostrophes or hyphens (O'Brien, García-López).
_LETTERS = r"[^\W\d_][^\W\d_\u0300-\u036f]*"  # letters, with any combining accents
WORD = lazy(rf"{_LETTERS}(?:['’-]{_LETTERS})*(?:['’]s)?")
INITIAL = lazy(r"^[A-Z]\.?$")
# A room of the building, after its name ("the Grant Room", "St. Charles Public Library").
ROOM_WORDS = frozenset({"room", "rooms", "auditorium", "gallery", "lounge", "studio", "public"})
# A capitalised run followed by one of these names a place or an institution, not a person
# (Jackson County, Lincoln Park, Roosevelt High School).
PLACE_WORDS = frozenset({
    "county", "city", "township", "village", "town", "park", "street", "st", "avenue", "ave",
    "road", "rd", "boulevard", "blvd", "drive", "lane", "heights", "hills", "falls", "springs",
    "beach", "lake", "river", "valley", "university", "college", "school", "elementary", "high",
    "middle", "academy", "library", "libraries", "branch", "hospital", "church", "center",
    "centre", "mall", "station", "department", "police", "sheriff's", "court", "district",
    "state", "county's", "institute", "foundation", "company", "inc", "llc", "bank", "hall",
    # an agency's initials (Mount Prospect PD), a paper (Chicago Tribune), a holiday (... Day)
    "pd", "fd", "dept", "times", "tribune", "post", "journal", "herald", "gazette", "news",
    "magazine", "day",
}) | ROOM_WORDS
# A room's word of another language, before its name ("salle Monet", "phòng Sen", "sala Neruda").
ROOM_BEFORE = frozenset({"salle", "sala", "phòng", "raum", "saal", "sali", "salon", "aula"})
# The last part of a newspaper's hyphenated name (Sun-Times, Post-Dispatch, Star-Ledger).
_PAPER_ENDS = frozenset({"times", "post", "dispatch", "tribune", "herald", "journal", "news",
                         "gazette", "sentinel", "chronicle", "inquirer", "ledger", "telegram"})


def _paper(bare: str) -> bool:
    return "-" in bare and bare.rsplit("-", 1)[-1] in _PAPER_ENDS
# A capitalised run right after one of these names a place (Mount Prospect, New York, Fort
# Wayne, Port Huron, Los Angeles), not a person.
PLACE_PREFIXES = frozenset({"mount", "mt", "fort", "ft", "port", "new", "los", "las", "lake"})
# "<a work> by <Name>": the name is its author, not a patron (a biography by Doris Kearns
# Goodwin, anything by Colleen Hoover). "checked out by", "requested by" are not in this list.
# The same in the languages of the desk: "libros de Isabel Allende", "Bücher von Cornelia
# Funke", "les livres de ...", "the works of ...".
_WORKS = (r"books?|novels?|biograph(?:y|ies)|memoirs?|anything|something|everything|series|"
          r"poems|poetry|stories|mysteries|thrillers?|cookbooks?|audiobooks?|albums?|songs?|"
          r"films?|movies?|works|libros?|novelas?|cuentos|poemas|livres?|romans?|livros?|"
          r"libri|romanzi|bücher|buch|romane|książki|powieści|sách|truyện")
AUTHOR_BEFORE = lazy(
    rf"\b(?:{_WORKS}|written|illustrated|narrated|directed|authored|edited)\s+by\s+$",
    re.IGNORECASE)
# "books of/de/von X" is X's books as often as X's writing (in Spanish, French, German the usual
# way to say whose they are): an author only after a word that says so ("libros de la autora
# Isabel Allende", "Bücher des Autors ...", "écrits par", "escritos por", "the author").
AUTHOR_NAMED_BEFORE = lazy(
    r"\b(?:author|writer|novelist|poet|illustrator|autor|autora|auteur|autrice|écrivain|"
    r"escritor|escritora|schriftsteller|schriftstellerin|autorin|autors|pisarz|pisarka|"
    r"scrittore|scrittrice|tác\s+giả|nhà\s+văn|escritos\s+por|escritas\s+por|écrits\s+par|"
    r"geschrieben\s+von|scritti\s+da|napisane\s+przez)\s+$", re.IGNORECASE)
# The last word of each cue of AUTHOR_NAMED_BEFORE (folded to lower case).
_AUTHOR_WORDS = frozenset({
    "author", "writer", "novelist", "poet", "illustrator", "autor", "autora", "auteur", "autrice",
    "écrivain", "escritor", "escritora", "schriftsteller", "schriftstellerin", "autorin", "autors",
    "pisarz", "pisarka", "scrittore", "scrittrice", "giả", "văn", "por", "par", "von", "da",
    "przez"})
_NEW_WORDS = frozenset({"new", "newest", "latest", "next"})
_LIST_WORDS = frozenset({"of", "and", "or"})  # (a comma's "," is no word: see COPY_OF)
# "a copy of Beloved and Sula", "copies of The Giver": the capitalised words after a copy or
# an edition are a title (a possessive after it is someone's: "a copy of Maria's id").
COPY_OF = lazy(
    r"\b(?:cop(?:y|ies)|editions?)\s+of\s+"
    r"(?:[A-Z\ue000-\uf8ff][\w'’-]*\s+(?:[a-z]{1,3}\s+)?){0,5}(?:(?:and|&|or|,)\s+)?$")
# What follows a book's name, or its biography: the clause ends, or a verb or a preposition
# goes on ("is in", "came back", "for her report"), not a noun ("complaint", "ID", "case").
BOOK_SENSE_AFTER = lazy(
    r"\s*(?:$|[,.;:!?)\-–—]|\s(?:is|isn['’]t|was|are|were|has|have|had|came|comes|arrived|"
    r"got|gets|needs?|went|goes|sold|sells|should|will|would|can|could|just|already|still|yet|"
    r"again|too|also|and|or|for|on|in|at|about|by|from|with|to|out|back|off|"
    r"please|asap|"
    # (the same in the languages of the desk: "... sind ausgeliehen", "... sont au fond")
    r"es|está|están|son|fue|sind|ist|war|waren|sont|est|était|jest|są|en|dans|im|auf)\b)")
# Book talk right after a capitalised name: the name is an author or a work's subject ("the
# Lincoln biography", "Kate DiCamillo display", "Rick Riordan sequels"), not a patron.
# (only words no patron has out: "Maria Lopez books", "... series", "... novels" may be hers)
WORK_AFTER = lazy(
    r"\s+(?:biograph(?:y|ies)|autobiograph(?:y|ies)|memoirs?|sequels?|prequels?|displays?|"
    r"read-?alikes?)\b")
# "the new Louise Penny", "her latest Grisham": a capitalised name after these is a new book
# by its author.
NEW_BOOK_BEFORE = lazy(
    r"\b(?:the|a|an|her|his|their|that|this)\s+(?:new|newest|latest|next)\s+$", re.IGNORECASE)
# "<a title> by <Name>" (it's The Kite Runner by Khaled Hosseini, "Beloved" by ...), and the
# next author of a list ("books by Toni Morrison and Zadie Smith").
TITLE_BY = lazy(r"(?:\b(?:The|A|An)(?:\s+[A-Z][\w'’-]*){1,5}|[\"”»])\s+by\s+$")
AUTHORS_LIST = lazy(
    r"\b(?:books?|novels?|poems|poetry|stories|works|written|illustrated|anything|something)"
    # (a listed author before is set aside as a private-use character: see redact())
    r"\s+by\s+(?:[A-Z\ue000-\uf8ff][\w.'’-]*,?\s+){1,4}(?:and|&|or)\s+$", re.IGNORECASE)
# A weekday range in opening hours ("M–Th 9–8, F–Sa 9–5"): day abbreviations, not names (Sa, Su);
# and a month range ("Jan–Mar", "June-Aug"): months, not names (Jan, June).
_DAY = r"(?:M|Mo|Mon|Tu|Tue|Tues|W|We|Wed|Th|Thu|Thur|Thurs|F|Fr|Fri|Sa|Sat|Su|Sun)"
_MONTHS = (r"(?:Jan|January|Feb|February|Mar|March|Apr|April|May|Jun|June|Jul|July|Aug|August|"
           r"Sep|Sept|September|Oct|October|Nov|November|Dec|December)\.?")
DAY_RANGE = lazy(rf"\b(?=[MTWFSJAOND])(?:{_DAY}\s*[–-]\s*{_DAY}|{_MONTHS}\s*[–-]\s*{_MONTHS})"
                 r"(?![\w-])")
# A capitalised word before a number that is a month before its day ("closed Mar 14", "due
# June 3") or Dewey before a class ("Dewey 599"): a date and a shelf, not a person.
BEFORE_ITS_NUMBER = lazy(
    rf"\b(?=[JFMASOND])(?:{_MONTHS}|Sept)\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?![\w:/.-]|\.\d)"
    r"|\bDewey(?:\s+(?:[Dd]ecimal|[Cc]lass|[Nn]umber|[Nn]o\.?))?\s+\d{3}(?:\.\d+)?(?![\w-])")
# Words of Spanish, Portuguese, French, German, Italian and Polish that English never uses: a
# note with two of them is written in that language, where a lower-case word that a list has as
# a surname is far more often a word of the note's language (días, las, mayo) than a name.
_OTHER_LATIN = lazy(  # (its words' first letters first, for speed: see redact.SPOKEN_PHONE)
    r"\b(?=[acdefhijlmnopqsuv])(?:el|en|se|los|las|que|del|una|por|para|está|esta|pero|muy|"
    r"hay|fue|nada|ningún|não|uma|com|mais|você|est|les|des|"
    r"une|pour|dans|avec|pas|und|ist|nicht|ein|eine|mit|auf|che|non|sono|della|się|nie|jest|"
    r"czy|oraz)\b", re.IGNORECASE)
# Function words of Spanish and Vietnamese that a name list has as a name (con, su; kia): in
# lower case, after a title or anywhere, they are that word ("un señor con un cuchillo", "la
# señora con su hija", "có ông kia đang bán"). Not counted as evidence of the note's language
# (``_OTHER_LATIN``): a lower-case name beside them is still a name ("con su hijo carlos perez").
FOREIGN_FUNCTION_WORDS = frozenset({
    "con", "su", "sus", "kia", "này", "đó", "ấy", "nọ", "đây", "ta", "đang", "đã", "sẽ", "có",
    "ở", "với", "và", "là", "không", "nói", "muốn", "hỏi", "lại", "cũng", "vừa", "mới"})


def other_language_word(word: str) -> bool:
    """``word`` is one of the everyday words of another language in ``_OTHER_LATIN`` (está,
    que, pour, nicht) or ``FOREIGN_FUNCTION_WORDS`` (con, kia), never a name after a title ("un
    señor está molesto", "có ông kia đang bán")."""
    return _OTHER_LATIN.fullmatch(word) is not None or word.lower() in FOREIGN_FUNCTION_WORDS


# A Vietnamese language or people ("tiếng Anh", "người Pháp"), a weekday ("thứ Ba", "thứ Tư"):
# a capitalised word, not a name.
_A_DIGIT = lazy(r"\d")
_VIETNAMESE_LANGUAGE = lazy(r"\b(?:tiếng|người|nước|thứ)\s+$", re.IGNORECASE)
# Between two words of one name: spaces, "Last, First", an initial's dot, a nickname's quotes
# or brackets or both (Ignatius 'Iggy' Pawlowski, Bobby (Robert) Kowalczyk, Anna ('Ania') Nowak),
# "Ravi & Sunita Patel".
JOINER = lazy(r"^\s+$|^\s*,\s*$|^\s*\.\s+$|^\s*[)'’\"”]{0,2}\s*[('‘\"“]{0,2}\s*$|^\s*&\s*$")


# The folds of the text being redacted (``one_text``): every rule folds the same few hundred
# words of a note, but a memo kept across calls would hold staff's typed words (patron names)
# in process memory long after the note was redacted.
_FOLD_MEMO: PerCall[str, str] = PerCall("redact_fold_memo")


def fold(word: str) -> str:
    """Lower case without accents: ``María`` and ``maria`` are one name (remembered only
    inside ``one_text``)."""
    if word.isascii():  # no accent to drop, no curly quote (most words): cheaper than the memo
        return word.lower()
    memo = _FOLD_MEMO.get()
    if memo is None:
        return _fold(word)
    found = memo.get(word)
    if found is None:
        found = memo[word] = _fold(word)
    return found


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("’", "'")


def one_text() -> AbstractContextManager[None]:
    """Within this block ``fold`` works out each word once; the memo is dropped when the
    outermost block ends (nested blocks share it)."""
    return _FOLD_MEMO.block()


def fold_memo_active() -> bool:
    """Whether a ``one_text`` block is open here (tests: none outlives its call)."""
    return _FOLD_MEMO.active()


def _latin(word: str) -> bool:
    return all(c in "-' " or ("LATIN" in unicodedata.name(c, "")) for c in word)


T = TypeVar("T")

# The lists load on first use, once: concurrent first imports of Faker's modules from two
# threads (two Slack events at once) can deadlock on the import locks.
_LOADING = threading.RLock()
_THIS_THREAD = threading.local()
_NO_NAMES: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())


# What each loader returned, once it has: every rule of every note asks for the lists again
# (thousands of times a second), and taking the lock for a list already loaded was a tenth of
# the redactor's time. (Word lists only, never a note's words.)
_READY: dict[Callable[[], object], object] = {}


def _loaded(load: Callable[[], T], meanwhile: T) -> T:
    """``load()``, one thread at a time. A line logged while this thread loads (Faker's debug
    lines as it imports) is redacted by the log handler, which asks for the lists again: it gets
    ``meanwhile`` (no names; every other rule still applies) instead of waiting on itself."""
    ready = _READY.get(load, _READY)
    if ready is not _READY:
        return ready  # type: ignore[return-value]
    with _LOADING:
        if getattr(_THIS_THREAD, "loading", False):
            return meanwhile
        _THIS_THREAD.loading = True
        try:
            value = _READY[load] = load()
            return value
        finally:
            _THIS_THREAD.loading = False


def name_lists() -> tuple[frozenset[str], frozenset[str]]:
    """(first names, surnames), folded, from every listed Faker locale."""
    return _loaded(_name_lists, _NO_NAMES)


def _disk_cached(kind: str, build: Callable[[], T]) -> T:
    """``build()``, kept in frontdesk's disk cache (``bot.cache``): folding Faker's 60,000-odd
    names and matching them against the English dictionary took most of a second, paid by
    every `frontdesk route` and `chat` on its first message. The key is this package's code and
    where the packages the lists come from are installed, and when (an upgrade rewrites them):
    asking ``importlib.metadata`` for their versions cost a short command more than the
    lookup it spared."""
    from bot.cache import cached, code_digest

    key = code_digest("privacy", "data/privacy")  # (the staff words shape the lists too)
    for module in ("faker", "english_words", "nicknames"):
        spec = importlib.util.find_spec(module)  # (finds it without importing it)
        if spec is None or spec.origin is None:
            key += f"{module}=none;".encode()
            continue
        written = os.stat(spec.origin)
        key += f"{module}={spec.origin}:{written.st_mtime_ns}:{written.st_size};".encode()
    return cached(kind, key, build)


@cache
def _name_lists() -> tuple[frozenset[str], frozenset[str]]:
    return _disk_cached("names", _build_name_lists)


def person_lists(locales: tuple[str, ...]) -> Iterator[tuple[str, object]]:
    """Each list of Faker's person providers for ``locales`` (those installed), by name."""
    for locale in locales:
        try:
            provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        except ImportError:
            continue
        for attribute, value in vars(provider).items():
            if isinstance(value, (dict, list, tuple)):
                yield attribute, value


def _build_name_lists() -> tuple[frozenset[str], frozenset[str]]:
    first: set[str] = set()
    last: set[str] = set()
    for attribute, value in person_lists(LOCALES):
        # first_names, first_names_female, first_romanized_names, male_last_names, ...
        if "name" not in attribute:
            continue
        target = first if "first" in attribute else last if "last" in attribute else None
        if target is None:
            continue
        target.update(fold(n) for n in value if isinstance(n, str) and n and _latin(n)
                      and " " not in n)
    for attribute, value in person_lists(ARABIC_LOCALES):
        target = first if "first" in attribute else last if "last" in attribute else None
        if target is not None and "name" in attribute:
            target.update(fold(n) for n in value if isinstance(n, str) and _latin(n)
                          and " " not in n and len(n) >= _SHORTEST_ADDED)
    for attribute, value in person_lists(ROMANISED_LOCALES):
        target = (first if attribute.startswith("first_names") else last
                  if attribute.startswith("last_names") else None)
        if target is not None:
            target.update(spelling for n in value if isinstance(n, str) and " " not in n
                          for spelling in romanised(n))
    more = wordlists.words("more_names.txt")  # the short forms and names the lists lack
    return frozenset(first | more["given"]), frozenset(last | more["surnames"])


def romanised(name: str) -> frozenset[str]:
    """The Latin spellings of a Cyrillic ``name``, folded (Юлія: yuliia, yulia, iuliia, ...;
    Дмитро: dmytro, dmitro). Empty if a letter has no spelling in ``_ROMAN``."""
    spellings = [""]
    for letter in name.lower():
        ways = _ROMAN.get(letter)
        if ways is None:
            return frozenset()
        spellings = [s + way for s in spellings for way in ways][:_MOST_SPELLINGS]
    return frozenset(s for s in spellings if len(s) >= 3)


@cache
def staff_words() -> frozenset[str]:
    """Pronouns, function words and staff vocabulary (``not_names.txt``): never a name."""
    text = (files("bot") / "data" / "privacy" / "not_names.txt").read_text("utf-8")
    return frozenset(fold(w) for line in text.splitlines() if not line.startswith("#")
                     for w in line.split())


def ordinary_words() -> frozenset[str]:
    """The thousand most common English words: listed names among them are weak evidence."""
    return _loaded(_ordinary_words, frozenset())


@cache
def _ordinary_words() -> frozenset[str]:
    return _disk_cached("ordinary-words", _build_ordinary_words)


def _build_ordinary_words() -> frozenset[str]:
    # (kept on disk: importing ``faker`` imports every locale's provider, which was most of a
    # `frontdesk route` that redacts one message)
    from faker.providers.lorem.en_US import Provider as Lorem

    return frozenset(fold(w) for w in Lorem.word_list) | staff_words()


def english_names() -> frozenset[str]:
    """Listed names that are also English words in lower case, or an inflection of one (``rose``,
    ``park``, ``king``, ``weeks``):
    written in lower case they are that word; any other listed name is a name however written."""
    return _loaded(_english_names, frozenset())


@cache
def _english_words() -> frozenset[str]:
    """English words written in lower case in Webster's and GCIDE lists."""
    from english_words import get_english_words_set

    return frozenset(w for w in get_english_words_set(["web2", "gcide"], alpha=True)
                     if w.islower())


def english_word(bare: str) -> bool:
    """``bare`` (folded) is an English word in lower case, or an inflection of one (``lost``,
    ``logs``, ``upsets``): the dictionary, kept on disk as one sorted text with an index by the
    first two letters, so a process that asks reads it in a few milliseconds (the word lists
    as a set took a tenth of a second), and a word is looked up in its stretch of the text."""
    blob, index = _loaded(_english_dictionary, _NO_DICTIONARY)
    if not blob:
        return False

    def known(word: str) -> bool:
        span = index.get(word[:2])
        return span is not None and blob.find(f"\n{word}\n", span[0], span[1]) >= 0

    return known(bare) or any(bare.endswith(end) and known(bare[: -len(end)] + base)
                              for end, base in _INFLECTIONS if len(bare) > len(end) + 2)


_NO_DICTIONARY: tuple[str, dict[str, tuple[int, int]]] = ("", {})


@cache
def _english_dictionary() -> tuple[str, dict[str, tuple[int, int]]]:
    return _disk_cached("english-dictionary", _build_english_dictionary)


def _build_english_dictionary() -> tuple[str, dict[str, tuple[int, int]]]:
    """The English words, sorted, one a line between newlines, and where each first two
    letters' words start and end in that text."""
    words = sorted(_english_words())
    _english_words.cache_clear()
    index: dict[str, tuple[int, int]] = {}
    parts = ["\n"]
    at = 0
    for word in words:
        start = at  # (the newline before the word)
        at += len(word) + 1
        parts.append(word + "\n")
        first, last = index.get(word[:2], (start, at + 1))
        index[word[:2]] = (first, at + 1)
    return "".join(parts), index


# How an English word is inflected (the lists hold only its base form): weeks, hedges, berries,
# walked, riding, baker.
_INFLECTIONS = (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""),
                ("ing", "e"), ("er", ""), ("er", "e"), ("ers", ""), ("ly", ""))


@cache
def _english_names() -> frozenset[str]:
    return _disk_cached("english-names", _build_english_names)


def _build_english_names() -> frozenset[str]:
    first, last = _name_lists()
    words = _english_words()
    names = frozenset(name for name in first | last if _english(name, words))
    _english_words.cache_clear()  # the whole dictionary is not kept in memory
    return names


def _english(name: str, words: frozenset[str]) -> bool:
    """``name`` is an English word, or an inflection of one."""
    return name in words or any(name.endswith(end) and name[: -len(end)] + base in words
                                for end, base in _INFLECTIONS if len(name) > len(end) + 2)


def nicknames() -> frozenset[str]:
    """Every given name and nickname of the ``nicknames`` package's hand-curated list, folded
    (``kev``, ``jen``, ``liz``: the short forms staff type, which Faker's lists lack)."""
    return _loaded(_nicknames, frozenset())


@cache
def _nicknames() -> frozenset[str]:
    return _disk_cached("nicknames", _build_nicknames)


def _build_nicknames() -> frozenset[str]:
    from nicknames import name_triplets  # (reads its CSV through importlib.metadata: kept on disk)

    return frozenset(fold(name) for triplet in name_triplets()
                     for name in (triplet.name1, triplet.name2)
                     if name.isalpha() and len(name) >= 3)


# Staff words that are given names too, often enough to be looked for after a person cue
# ("patron will asked", "checked out by may yesterday"); other staff words (son, lady, judge,
# branch) that a list has as names are never a person's name after one.
NAMES_THOUGH_STAFF_WORDS = frozenset({"will", "may", "april", "june", "august", "summer"})


def given_names() -> tuple[frozenset[str], frozenset[str]]:
    """The given names and nicknames a person cue can introduce in lower case, split in two:
    (those that are no English word: ``kev``, ``jen``, ``priya``; those that are: ``mike``,
    ``lane``, ``will``), so a rule can ask more of what follows the second kind."""
    return _loaded(_given_names, (frozenset(), frozenset()))


@cache
def _given_names() -> tuple[frozenset[str], frozenset[str]]:
    return _disk_cached("given-names", _build_given_names)


def _build_given_names() -> tuple[frozenset[str], frozenset[str]]:
    words = _english_words()
    names = {name for name in _name_lists()[0] | _nicknames()
             if name not in FUNCTION_WORDS
             and (name not in staff_words() or name in NAMES_THOUGH_STAFF_WORDS)}
    worded = frozenset(name for name in names if _ordinary(name) or _english(name, words))
    _english_words.cache_clear()
    # a short form that is also a word is left out (see, life, kill: the list is old)
    return frozenset(names - worded), worded & _name_lists()[0]


def _lone_name(bare: str) -> bool:
    """A lower-case word that can only be a name: listed, no English word, three letters or
    more (``kowalczyk``; not ``le``, ``rose`` or ``young``)."""
    parts = [p for p in bare.replace("'", "-").split("-") if p and p not in PARTICLES]
    return (len(bare) >= 3 and _listed(bare) and not _ordinary(bare)
            and not any(p in english_names() for p in parts))


class Token:
    """A word of a note: where it is, as written, whether it opens a sentence, and what every
    rule asks of it (worked out once, as the token is made: each is read for nearly every word).
    A plain class, not a frozen dataclass, whose ``__init__`` cost three times as much; with
    slots, cheaper still to make and read."""

    __slots__ = ("start", "end", "text", "sentence_start", "bare", "capitalised", "shouting")

    def __init__(self, start: int, end: int, text: str, sentence_start: bool) -> None:
        self.start = start
        self.end = end
        self.text = text
        self.sentence_start = sentence_start
        self.bare = fold(text[:-2] if text[-2:] in ("'s", "’s") else text)
        # capitalised, or a particle then a capital (al-Rashid, d'Angelo, van-Dyke)
        self.capitalised = text[:1].isupper() or (
            ("-" in text or "'" in text or "’" in text) and _particle_then_capital(text))
        self.shouting = text.isupper() and sum(c.isalpha() for c in text) > 1

    def __repr__(self) -> str:
        return f"Token({self.start}, {self.end}, {self.text!r}, {self.sentence_start})"


def _particle_then_capital(word: str) -> bool:
    parts = re.split(r"['’-]", word, maxsplit=1)
    return len(parts) == 2 and fold(parts[0]) in PARTICLES and parts[1][:1].isupper()


def _listed(bare: str) -> bool:
    """A listed name; in a hyphenated one (García-López, al-Rashid) one listed part is enough
    beside particles and parts no list knows."""
    first, last = name_lists()
    if "-" not in bare and "'" not in bare:  # one part (nearly every word): no list to build
        return bool(bare) and bare not in PARTICLES and (bare in first or bare in last)
    parts = [p for p in bare.replace("'", "-").split("-") if p and p not in PARTICLES]
    return any(p in first or p in last for p in parts)


_VIETNAMESE = lazy("[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]")
_CASED = ("CYRILLIC", "GREEK", "ARMENIAN")


def _mostly_other_script(text: str) -> bool:
    """More of ``text``'s letters are of another script than Latin ones."""
    letters = [c for c in text if c.isalpha()]
    return sum(not c.isascii() and "LATIN" not in unicodedata.name(c, "LATIN")
               for c in letters) * 2 > len(letters)


CLAUSE_WORDS = 3  # words of another script side by side that make a clause in it, not a name


def _other_script_clauses(tokens: list[Token], text: str) -> set[int]:
    """The indexes of ``tokens`` in runs of ``CLAUSE_WORDS`` or more words of a script other
    than Latin, only spaces between them."""
    found: set[int] = set()
    run: list[int] = []
    for index, token in enumerate(tokens + [None]):  # type: ignore[list-item]
        if (token is not None and token.text != "[name]" and _foreign_script(token.text)
                and (not run or not text[tokens[run[-1]].end: token.start].strip())):
            run.append(index)
            continue
        if len(run) >= CLAUSE_WORDS:
            found.update(run)
        run = [index] if token is not None and token.text != "[name]" and _foreign_script(
            token.text) else []
    return found


def _foreign_evidence(token: Token) -> str | None:
    """In a note written in another script: a capitalised word (Cyrillic, Greek) is evidence
    as a capitalised Latin word is (a listed name strong, another only beside one); a word of
    an uncased script is left to ``foreign_names``."""
    if not _cased_script(token.text):
        return None
    first, last = script_name_lists()
    if token.text in first or token.text in last or _lower_script_name(token.text):
        return "strong"
    return "initialcap" if token.sentence_start else "proper"


def _cased_script(word: str) -> bool:
    return unicodedata.name(word[0], "").startswith(_CASED)


# Faker's lists in the scripts of the notes staff type: Chinese, Japanese, Korean, Arabic,
# Persian, Hebrew, Hindi, Bengali, Russian, Ukrainian, Bulgarian, Greek.
SCRIPT_LOCALES = ("zh_CN", "zh_TW", "ja_JP", "ko_KR", "ar_AA", "ar_SA", "ar_PS", "fa_IR",
                  "he_IL", "hi_IN", "bn_BD", "ru_RU", "uk_UA", "bg_BG", "el_GR")
_HONORIFIC = lazy(r"(?:先生|女士|小姐|太太|同学|老师|的|さん|様)")
# A word of any script with its marks (Devanagari vowel signs are marks, not letters).
_SCRIPT_WORD = lazy(r"[^\s\d.,;:!?()\[\]\"'،؟«»“”‘’-]+")
# Titles before a name: Arabic (Mr, Mrs, Miss, Dr, Prof, Sheikh, Hajj, mother/father of),
# Hindi (Shri, Shrimati, Kumari).
_SCRIPT_TITLES = frozenset({"السيد", "السيدة", "الآنسة", "الدكتور", "الدكتورة", "الأستاذ",
                      "الأستاذة", "الشيخ", "الحاج", "الحاجة", "أم", "أبو", "श्री", "श्रीमती",
                      "कुमारी", "डॉ"})
_KOREAN_PARTICLE = lazy(r"(?:씨|님)?(?:께서|에게|은|는|이|가|을|를|의|와|과|도)?$")


def script_name_lists() -> tuple[frozenset[str], frozenset[str]]:
    """(first names, surnames) written in their own scripts."""
    return _loaded(_script_name_lists, _NO_NAMES)


@cache
def _script_name_lists() -> tuple[frozenset[str], frozenset[str]]:
    first: set[str] = set()
    last: set[str] = set()
    for attribute, value in person_lists(SCRIPT_LOCALES):
        target = (first if attribute.startswith("first_names") else last
                  if attribute.startswith("last_names") else None)
        if target is not None and "romanized" not in attribute:
            target.update(n for n in value if isinstance(n, str) and n and not _latin(n))
    first.update(_script_names_data()["short forms"])
    return frozenset(first), frozenset(last)


def _script_names_data() -> dict[str, frozenset[str]]:
    """The sections of ``bot/data/privacy/script_names.txt``."""
    return wordlists.words("script_names.txt")


def _lower_script_name(word: str) -> bool:
    """A given name of a cased script written in lower case (наташа, дима): a name, unless the
    name is also an everyday word (вера, роза)."""
    capital = word[:1].upper() + word[1:]
    return (len(word) >= 3 and capital in script_name_lists()[0]
            and capital not in _script_names_data()["also words"])


def foreign_names(text: str) -> list[tuple[int, int]]:
    """Names in a note written in an uncased script: a listed surname with a listed given name
    (李静, 王晓梅, 김민지), a surname before a title (陈先生), a listed name and the word after
    it (أحمد المنصوري, राहुल वर्मा)."""
    first, last = script_name_lists()
    spans: list[tuple[int, int]] = []
    for match in re.finditer(r"[\u3400-\u9fff]+", text):  # Chinese and Japanese: no spaces
        run, at = match.group(0), 0
        while at < len(run):
            end = _han_name_end(run, at, first, last)
            if end:
                spans.append((match.start() + at, match.start() + end))
            at = end or at + 1
    for match in re.finditer(r"[\uac00-\ud7a3]+", text):  # Korean: a word, its particles cut
        word = match.group(0)
        particle = _KOREAN_PARTICLE.search(word)
        # the word whole first: a name can end in a particle's syllable (이지은, 김하은)
        for stem in dict.fromkeys((word, word[: len(word) - len(particle.group(0))])):
            if 2 <= len(stem) <= 4 and stem[0] in last and (
                    stem[1:] in first or len(stem) == 3 and re.match(
                        r"\s*(?:씨|님|학생|이용자|선생님|고객)", text[match.start() + len(stem):])):
                spans.append((match.start(), match.start() + len(stem)))
                break
    words = list(_SCRIPT_WORD.finditer(text))
    for index, match in enumerate(words):
        word = match.group(0)
        if _latin(word) or re.match(r"[\u3400-\u9fff\uac00-\ud7a3\ue000-\uf8ff]", word):
            continue  # (a private-use character is a text redaction set aside: a mask, a title)
        bare = word[2:] if word.startswith("ال") else word
        if index and words[index - 1].group(0) in _SCRIPT_TITLES:  # السيدة فاطمة حداد
            following = words[index + 1: index + 2]
            end = following[0].end() if following and following[0].group(0) not in (
                _SCRIPT_TITLES) and re.fullmatch(r"\s+", text[match.end(): following[0].start()]
                                           ) else match.end()
            spans.append((match.start(), end))
        elif word in first or word in last or bare in last:
            end = match.end()
            for following in words[index + 1: index + 3]:  # its surname (بن سالم)
                if not re.fullmatch(r"\s+", text[end: following.start()]):
                    break
                end = following.end()
                if following.group(0) not in ("بن", "بنت", "ابن", "عبد", "أبو", "ابو", "آل"):
                    break  # (a connector takes the word after it too: محمد عبد الله)
            spans.append((match.start(), end))
    return spans


def _han_name_end(run: str, at: int, first: frozenset[str], last: frozenset[str]) -> int:
    """Where a Chinese name starting at ``run[at]`` ends (0: none starts there)."""
    if run[at] not in last:
        return 0
    rest = run[at + 1:]
    if len(rest) >= 2 and rest[:2] in first:  # (a one-character rest is the next case)
        return at + 3
    if len(rest) >= 2 and rest[1] in first and (len(rest) == 2 or _HONORIFIC.match(rest[2:])):
        return at + 3  # 王小明的, 王晓梅
    if rest[:1] in first:
        return at + 2  # 李静
    if _HONORIFIC.match(rest) and not rest.startswith("的"):
        return at + 1  # 陈先生
    return 0


def listed_name(word: str, *, first_only: bool = False) -> bool:
    """``word`` (any case) is in the name lists (the first-name list only, if asked) and is
    no pronoun, staff word or place word, which never name anyone (He, Main, County)."""
    bare = fold(word.strip("'’.-"))
    if word[-2:] in ("'s", "’s"):
        bare = bare[:-2]
    if not bare or bare in FUNCTION_WORDS or bare in staff_words() or bare in PLACE_WORDS:
        return False
    return bare in name_lists()[0] if first_only else _listed(bare)


def in_name_lists(word: str) -> bool:
    """``word`` (any case) is in the name lists, even if it is also a staff word (Day, Page)."""
    return _listed(fold(word.strip("'’.-")))


def _foreign_script(word: str) -> bool:
    """Letters of a non-Latin script (이서연, Иван) in an English note: a name, nearly always."""
    if word.isascii():  # (every ASCII letter is a Latin one)
        return not word
    return all(c.isalpha() and "LATIN" not in unicodedata.name(c, "LATIN") for c in word
               if not unicodedata.combining(c))


def _ordinary(bare: str) -> bool:
    return bare in ordinary_words()


def _evidence(token: Token, shouting_text: bool = False) -> str | None:
    """``strong``, ``weak``, ``listed`` (a lower-case listed name), ``proper`` (capitalised,
    unknown, mid-sentence), ``initialcap`` (the same at a sentence's start) or None."""
    bare = token.bare
    if token.text == "[name]":
        return "masked"
    if not bare:
        return None
    if token.text.islower() and token.text.isascii():
        # (most words: no initial, capital, other script or Vietnamese letter; listed or not)
        if not _listed(bare) or _ordinary(bare):
            return None
        return None if (bare in PLACE_WORDS or bare in staff_words() or _paper(bare)
                        or bare in ROOM_BEFORE or bare in FOREIGN_FUNCTION_WORDS) else "listed"
    if (len(token.text) <= 2 and INITIAL.match(token.text)  # (an initial: "K" or "K.")
            or len(token.text) == 1 and token.capitalised):
        return "weak"
    if bare in PLACE_WORDS or bare in staff_words() or _paper(bare) or bare in ROOM_BEFORE:
        return None
    bare_word = token.text[:-2] if token.text[-2:] in ("'s", "’s") else token.text  # 李伟's
    if _foreign_script(bare_word):
        if (_cased_script(token.text) and not token.text[:1].isupper()
                and not _lower_script_name(bare_word)):
            return None  # Анна and наташа are names, новый экземпляр is not
        return "foreign"  # see find_names
    listed = _listed(bare)
    ordinary = _ordinary(bare)
    if token.shouting:  # JANE DOE is a name; FBI, ICE, PD are not
        if ordinary or len(bare) < 3:
            return None
        # an unknown word in capitals is an acronym, unless the whole note is in capitals
        if listed:  # MARK THIS: a word in capitals that is also an English word is weak
            return "weak" if bare in english_names() else "strong"
        return "proper" if shouting_text else None
    if token.capitalised:
        if listed:
            return "weak" if ordinary else "strong"
        if not ordinary:
            if _PARTICLE_NAME.match(token.text):
                return "strong"  # Al-Khatib, El-Sayed, Ben-Ami, O'Rourke: a name's own shape
            # an unknown capitalised word: after a sentence's start it proves nothing alone
            return "initialcap" if token.sentence_start else "proper"
        return None
    if (listed and not ordinary and not _VIETNAMESE.search(token.text)
            and bare not in FOREIGN_FUNCTION_WORDS):
        return "listed"  # (a Vietnamese word in lower case, tầng, hỏng, is no name; nor "con")
    return None


# A surname's particle joined to a capitalised name (Al-Khatib, El-Amin, Abu-Zayd, O'Rourke).
_PARTICLE_NAME = lazy(
    r"(?:(?:Al|El|Ul|Bin|Ben|Abu|Ibn|Abd|Bint)['’-]|O['’])[A-Z][a-z]{2,}(?:-[A-Z][a-z]+)?"
    r"(?:['’]s)?$")


def _lower_pair(first: Token, second: Token) -> bool:
    """``maria garcia``: a listed first name, then a listed surname, both in lower case."""
    firsts, lasts = name_lists()
    return (any(p in firsts for p in first.bare.split("-"))
            and any(p in lasts for p in second.bare.split("-")))


def _starts_sentence(text: str, start: int) -> bool:
    """Nothing but an opening mark, or a sentence's end (not an initial's dot), comes before."""
    if start >= 2 and text[start - 1] == " " and text[start - 2].isalnum():
        return False  # (most words: a space after a word)
    end = start  # (text[:start].rstrip(), without copying the text for every word)
    while end and text[end - 1].isspace():
        end -= 1
    if not end or text[end - 1] in ":;\n(\"“'‘-–—•*>":
        return True
    if text[end - 1] in "!?":
        return True
    if text[end - 1] == ".":
        return not (end >= 2 and text[end - 2].isupper()
                    and (end == 2 or not text[end - 3].isalpha()))
    return False


def _tokens(text: str) -> Iterator[Token]:
    for match in WORD.finditer(text):
        start, end = match.span()
        if text[start - 1: end + 1] == "[name]":  # masked by a cue already
            yield Token(start - 1, end + 1, "[name]", False)
            continue
        yield Token(start, end, match.group(0), _starts_sentence(text, start))


# Words English capitalises in any sentence (the pronoun I, the days, the months, a title's
# abbreviation): capitalised mid-sentence, they say nothing of Title Case.
ALWAYS_CAPITALISED = frozenset({
    "i", "i'm", "im", "i'll", "i'd", "i've",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
    "mr", "mrs", "ms", "dr",
})
# Pronouns, articles and determiners: never a word of a name, even where a list has them (He).
FUNCTION_WORDS = frozenset({
    "i", "he", "she", "they", "we", "you", "it", "him", "her", "them", "his", "hers", "their",
    "my", "our", "your", "the", "a", "an", "this", "that", "these", "those", "who", "what",
    "someone", "somebody", "nobody", "everyone", "anyone",
})
# What a person does in a note: capitalised words right before it name a person, even words
# that are also ordinary words or places (April May is asking, Summer Page reported ...).
PERSON_VERB = lazy(
    r"(?P<words>(?<![\w'’-])[A-Z][^\W\d_]*(?:['’-][^\W\d_]+)*"
    r"(?:\s+[A-Z][^\W\d_]*(?:['’-][^\W\d_]+)*){1,2})"
    r"(?=\s+(?:is\s+(?:asking|here|back|in|a\s+patron|the\s+cardholder|at\s+the\s+desk|"
    r"requesting|complaining|upset|waiting)|was\s+(?:here|in|asking)|wants|wanted|needs|"
    r"reported|called|came|says|said|left|lost|owes|borrowed|returned|requested|asked|"
    r"checked\s+out|signed\s+up|has\s+(?:a\s+hold|holds|fines|overdue))\b)")


def before_person_verb(text: str) -> list[tuple[int, int]]:
    """Two or three capitalised words right before what a person does, at least one of them a
    listed name, none a staff or place word that is no name (``Youth Services called`` stays):
    the person's name."""
    spans = []
    first_names, surnames = name_lists()
    for match in PERSON_VERB.finditer(text):
        written = re.split(r"\s+", match.group("words"))
        words = [fold(w) for w in written]
        if any(len(w) == 1 or (w.isupper() and len(w) > 1) for w in written) or any(
                w in FUNCTION_WORDS for w in words):
            continue  # a pronoun, an article or an acronym (He, The, LE, FBI): no name's words
        listed = [w in first_names or w in surnames or _listed(w) for w in words]
        unnamed = [w for w, known in zip(words, listed, strict=True)
                   if not known and (w in ordinary_words() or w in PLACE_WORDS) or _paper(w)]
        if any(listed) and not unnamed and words[0] not in PLACE_PREFIXES and not (
                NEW_BOOK_BEFORE.search(text, max(0, match.start() - 30), match.start())
                and _A_BOOK_IS.match(text, match.end())):
            spans.append(match.span("words"))  # (not "the new Kristin Hannah is in")
    return spans


_A_BOOK_IS = lazy(r"\s+(?:is|was|came)\b")


def lower_case_names() -> frozenset[str]:
    """The words ``_evidence`` reads as a listed name when written in lower case ASCII
    (``kowalczyk``, ``jane``; not ``will``, ``page`` or ``park``): a note in lower case ASCII
    letters without a hyphen, an apostrophe or a mask, holding none of them as a word, has no
    run ``find_names`` masks (its every word's evidence is none). Built from the lists once,
    and again only if they change (a note redacted while they load sees empty lists)."""
    global _lower_case_built
    first, last = name_lists()
    ordinary = ordinary_words()
    lists, built = _lower_case_built
    if len(lists) != 3 or lists[0] is not first or lists[1] is not last or lists[2] is not (
            ordinary):
        built = frozenset((first | last) - PARTICLES - ordinary - PLACE_WORDS - staff_words()
                          - ROOM_BEFORE - FOREIGN_FUNCTION_WORDS)
        _lower_case_built = ((first, last, ordinary), built)
    return built


_lower_case_built: tuple[tuple[frozenset[str], ...], frozenset[str]] = ((), frozenset())


class _Once:
    """``work()``, worked out at the first call and kept for the next: a note's facts that only
    some of its words ask about (``functools.cache`` made afresh for every note cost more to
    build than most notes spent on the work)."""

    __slots__ = ("_work", "_value")

    def __init__(self, work: Callable[[], bool]) -> None:
        self._work: Callable[[], bool] | None = work
        self._value = False

    def __call__(self) -> bool:
        if self._work is not None:
            self._value, self._work = self._work(), None
        return self._value


def find_names(text: str, *, digit: bool = True) -> list[tuple[int, int]]:
    """Character spans of the names in ``text`` (already free of emails and numbers).
    ``digit``: False when the caller knows the note has no digit (a month's day is not
    looked for)."""
    tokens = list(_tokens(text))
    shouting_text = sum(t.shouting for t in tokens) * 2 > len(tokens)
    # A word of an uncased script (العلي, 이서연, 张伟) in an English note is a name; in a note
    # written in that script, only the names its lists know are (``foreign_names``).
    foreign = not text.isascii() and _mostly_other_script(text)
    # In a note mostly in Latin letters, a clause in another script (three of its words side by
    # side: "… أحمد المنصوري يسأل عن بطاقته") is read as a note in that script is: its names from
    # the lists, not its every word. (So the note reads alike once its names are masks.)
    clauses = set() if foreign or text.isascii() else _other_script_clauses(tokens, text)
    # its names are written capitalised (and with letters no ASCII note has)
    vietnamese = not text.isascii() and len(_VIETNAMESE.findall(text)) >= 2
    # In Title Case text (a heading, a form's name) capitals say nothing about names: it shows
    # in ordinary words capitalised mid-sentence ("Request for Confidential Information Form").
    # A word English always capitalises (I, Monday, Mr) is no such sign, but in a sentence
    # ("Can I tell ..."; a note in capitals keeps its count: "WHAT DO I DO").
    # (both worked out only when a word's evidence asks: most notes never do)
    title_case = _Once(lambda: sum(t.capitalised and not t.sentence_start and not t.shouting
                                   and (t.bare in ordinary_words() or t.bare in PLACE_WORDS)
                                   and (shouting_text or t.bare not in ALWAYS_CAPITALISED)
                                   for t in tokens) >= 2)
    other_language = _Once(
        lambda: len({m.group(0).lower() for m in _OTHER_LATIN.finditer(text)}) >= 2)
    # (a range of days or months has its dash; a month's day its digits)
    days = [m.span() for m in DAY_RANGE.finditer(text)] if "-" in text or "–" in text else []
    if digit and _A_DIGIT.search(text):
        days += [m.span() for m in BEFORE_ITS_NUMBER.finditer(text)]
    spans: list[tuple[int, int]] = []
    run: list[tuple[Token, str]] = []

    def close(following: Token | None) -> None:
        place = following is not None and (
            following.capitalised and following.bare in PLACE_WORDS
            or following.text in INSTITUTION_WORDS  # Chase bank, Acme inc
            or following.text in PRODUCT_WORDS and len(run) == 1  # the Jenkins server
            or following.text in LOWER_PLACE_WORDS and _named_place(run))
        other = (run and (vietnamese and _VIETNAMESE_LANGUAGE.search(text[:run[0][0].start])
                          or any(s <= run[0][0].start < e for s, e in days)))
        if (run and not place and not other and not _place_or_author(text, run)
                and not _word_opening(text, run)
                and _is_name(run, text) and not _public_figure(text, run)
                and not _named_room(text, run)):
            spans.append((run[0][0].start, _past_its_quote(text, run)))
        run.clear()

    for index, token in enumerate(tokens):
        kind = _evidence(token, shouting_text)
        if kind == "foreign":
            kind = _foreign_evidence(token) if foreign or index in clauses else "strong"
        if kind == "listed" and (vietnamese or other_language()
                                 or _other_language_alone(tokens, index)):
            kind = None
        if kind in ("proper", "initialcap") and title_case():
            kind = None
        if (kind is None and run and token.capitalised and token.bare in _STREET_TYPES
                and _STREET_ENDS.match(text, token.end)):
            close(token)  # "Birch St branch", "Rose St.": a street, named after a person or not
            continue
        if run and token.text in PRODUCT_WORDS:
            close(token)  # (a listed word: "Server" is a surname too)
            continue
        if kind is None and token.bare in PARTICLES and run:
            kind = "particle"
        if (kind is None and len(run) == 1 and run[0][1] == "listed" and token.bare
                and token.text.islower() and not _ordinary(token.bare)
                and not (token.text in LOWER_PLACE_WORDS and _named_place(run))):
            kind = "unknown"  # jane doe: a lower-case first name, then a word no list knows
        if kind is None and run and _ends_a_name(text, token, run):
            kind = "weak"  # Nguyễn Văn An, / Sung-min Park,
        if kind is None:
            if run:  # (closing no run does nothing)
                close(token if JOINER.match(text[run[-1][0].end: token.start]) else None)
            continue
        if run:
            gap = text[run[-1][0].end: token.start]
            if (not JOINER.match(gap) or (gap.strip() == "," and not _comma_joins(run, kind))
                    or gap.strip() == "." and not token.capitalised
                    and len(_bare_word(run[-1][0].text)) > 2):
                close(None)  # (a dot joins an initial or a rank to a name, not two sentences)
        run.append((token, kind))
    close(None)
    if foreign:
        return spans + foreign_names(text)
    if clauses:
        starts = {tokens[i].start for i in clauses}
        return spans + [(start, end) for start, end in foreign_names(text) if start in starts]
    return spans


# A room named after a person, its kind between the name and "Room" ("the Harold Washington
# Reading Room", "the Maya Angelou Children's Room", "the Sue Johnson Study Room").
_ROOM_AFTER = lazy(r"(?:\s+[A-Z][a-z]+(?:['’]s)?){1,2}\s+(?:Rooms?|Lounge|Auditorium|Gallery|"
                   r"Studio|Suite|Annex|Center|Centre|Hall|Garden|Wing)\b")
ROOM_NAMED_AFTER = _ROOM_AFTER
_THE_BEFORE = lazy(r"\b[Tt]he\s+$")


def _named_room(text: str, run: list[tuple[Token, str]]) -> bool:
    """After "the", a capitalised name, then a room's kind and its word (``_ROOM_AFTER``)."""
    first = run[0][0]
    return (all(token.capitalised for token, _ in run)
            and _THE_BEFORE.search(text, max(0, first.start - 5), first.start) is not None
            and _ROOM_AFTER.match(text, run[-1][0].end) is not None)


def _other_language_alone(tokens: list[Token], index: int) -> bool:
    """``tokens[index]``, in lower case, is a word of another language English never uses
    (``_OTHER_LATIN``: una, pour, nicht) that a list has as a name, and no listed surname
    follows it: that word, even with no second one to say the note's language ("necesita una
    tarjeta nueva"), not a name ("una smith called" is one)."""
    if _OTHER_LATIN.fullmatch(tokens[index].text) is None:
        return False
    following = tokens[index + 1] if index + 1 < len(tokens) else None
    return not (following is not None and following.text.islower()
                and following.bare in name_lists()[1])


# After a street's abbreviated type: a word in lower case, a clause's end, not a capitalised
# name ("Birch St branch", "on Rose St."; but "Mary St. Clair").
_STREET_TYPES = frozenset({"st", "ave", "rd", "blvd", "street", "avenue", "road", "boulevard"})
_STREET_ENDS = lazy(r"\.?(?:\s+[a-z]|\s*$|\s*[,;:)!?])")


def _past_its_quote(text: str, run: list[tuple[Token, str]]) -> int:
    """Where a name's span ends: past the quote that closes a nickname opened inside it
    (Ignatius 'Iggy' → all of it, not "Ignatius 'Iggy" with a quote left over)."""
    end = run[-1][0].end
    if text[end: end + 1] in _CLOSING and re.search(r"(?:^|\s)[\"“'‘]", text[run[0][0].start: end]):
        return end + 1
    return end


_CLOSING = frozenset("\"”'’")
_SET_OFF_AFTER = lazy(r"\s*[,(]")
# ... and then a number (an age, a phone, a house number): a person's particulars, so the pair
# is a name whatever its second word looks like ("mark spelling, 14,", "dawn stebbing (16)").
_SET_OFF_BY_NUMBER = lazy(r"\s*[,(]\s*(?:age\s*|aged\s*)?\d")
# How English adverbs, adjectives and nouns end (locally, civic, setting, kindness): a word no
# list knows that ends so is far more often a word than a surname.
_ENGLISH_ENDING = lazy(
    r"(?:ly|ing|ic|ed|tion|sion|ness|ment|able|ible|ive|ous|ful|less|ity|ism|ist|ship|hood|"
    r"ward|wise)$")


# What a person does, right after their name ("patron lane asked", "jane doe wants"): a word
# that is also a name is that person's name before one of these.
PERSON_DOES_AFTER = lazy(
    r"\s+(?:asked|asks|asking|said|says|wants|wanted|needs|needed|came|comes|called|calls|is|"
    r"was|has|had|left|lost|owes|owed|returned|borrowed|checked|paid|told|brought|dropped|"
    r"picked|got|took|tried|just|also|still|again|yesterday|today|earlier|back|no|yes|"
    r"lives|lived|stole|steals|uses|used|works|worked|reported|emailed|phoned|showed|signed|"
    r"forgot|owns|kept|keeps|"
    r"this\s+(?:morning|afternoon|evening|week)|last\s+(?:night|week|month)|"
    r"won't|can't|didn't|doesn't|isn't|wasn't|hasn't)\b")


# A person's family, as the rules that read who someone is to a patron spell it (a role before
# a name, who a name is set off as, whose relative a possessive names): one list, each rule
# adding its own words around it.
FAMILY = (r"mom|mother|dad|father|son|daughter|sister|brother|grandma|grandpa|grandmother|"
          r"grandfather|aunt|uncle")


# What only a person does, right after a word that may be a name or an English word: "rose
# asked", "mark wants", "hope came in" (not "hope springs", "grace period is", "amber alert
# came through", "mark it lost").
HUMAN_DOES = lazy(
    r"\s+(?:asked|asks|asking|wants|wanted|said|says|told|tells|called|calls|emailed|phoned|"
    r"texted|came\s+(?:in|by|back|to)|comes\s+(?:in|by)|stopped\s+by|dropped\s+by|forgot|stole|"
    r"steals|lives|lived|complained|yelled|cried|refused|insists|insisted|claims|claimed|swears|"
    r"is\s+(?:asking|here|back|waiting|upset|at\s+the\s+desk|on\s+the\s+phone)|"
    r"was\s+(?:here|asking|in|upset|back|waiting)|"
    r"(?:needs|left|lost|returned|brought|paid|borrowed|renewed|dropped)\s+(?:his|her|their)|"
    r"owes|won't|can't|didn't|doesn't|isn't|wasn't)\b")


# After one of these, a word opening a sentence is a person doing something ("Grant asked",
# "Hope is here", "Rose at the desk again"); after another word it is that word ("Grant report",
# "Grace period", "Hunter green bins").
_DOES = lazy(
    r"\s*(?:[,&(]|\b(?:is|was|has|had|and|or|wants|wanted|needs|needed|reported|called|came|"
    r"says|said|left|lost|owes|borrowed|returned|requested|asked|checked|signed|will|won't|can|"
    r"can't|could|would|did|does|doesn't|didn't|isn't|wasn't|told|took|brought|dropped|picked|"
    r"paid|gets|got|keeps|kept|tried|just|also|still|again|here|at|from|with|on|in|who|"
    r"\w{2,}(?:ed|s))\b)")
# A place's kind that staff type in lower case after its name ("washington branch", "lincoln
# elementary"): a surname before it names the place (see ``_named_place``; not "library",
# which a patron's card has: "kev library card").
# (not park, hall or church: surnames too, "kim park")
LOWER_PLACE_WORDS = frozenset({"branch", "school", "elementary", "academy", "street", "avenue",
                               "ave", "road", "rd", "boulevard", "blvd", "heights", "county",
                               "township", "campus", "hospital"})


def _named_place(run: list[tuple[Token, str]]) -> bool:
    """One word a list has as a surname, before a place's kind in lower case: the place is
    named after a person (washington branch, lincoln elementary; not "dorota park")."""
    return len(run) == 1 and run[0][0].bare in name_lists()[1]


INSTITUTION_WORDS = frozenset({"bank", "inc", "llc", "corp", "co", "company", "foundation",
                               "insurance", "airlines", "motors", "pharmacy"})
# After a name, what makes it a public figure's, not a patron's: their works on display, an
# event held for them, then what is said of the event ("Jenny Han's books are on display", "the
# Harry Potter marathon is Saturday", "Bad Bunny movie night on Friday"). A patron's books are
# due, lost or on hold, never on display; "Maria Lopez movie night tickets" (a terse note: she
# wants tickets) and "Tom Reyes marathon runner" stay names.
PUBLIC_AFTER = lazy(
    r"(?:['’]s)?\s+(?:(?:books?|novels?|films?|movies?|series|titles|works|albums?)\s+"
    r"(?:are|is)\s+(?:now\s+)?(?:on|in)\s+(?:the\s+)?display"
    r"|(?:(?:movie|film|trivia|karaoke)\s+night|marathon|read-?a-?thon|costume\s+party)"
    r"(?=\s+(?:is|was|on|this|next|at|starts|tonight|today|tomorrow)\b|\s*[.,;!)]|\s*$)"
    r"|tribute\s+(?:night|show|concert)|look-?alike\s+contest|author\s+visit|book\s+signing)"
    r"\b", re.IGNORECASE)
def _public_figure(text: str, run: list[tuple[Token, str]]) -> bool:
    """A capitalised name with what marks a public figure's after it (``PUBLIC_AFTER``)."""
    return (all(token.capitalised for token, _ in run)
            and PUBLIC_AFTER.match(text, run[-1][0].end) is not None)


# A capitalised word before one of these names a product (the Jenkins server, the Polaris kiosk,
# the Evergreen catalog), as one before a bank names a company; two words (Jane Smith server)
# stay a name.
PRODUCT_WORDS = frozenset({"server", "servers", "kiosk", "kiosks", "app", "software", "catalog",
                           "catalogue", "opac", "ils", "portal", "database", "plugin",
                           "firmware"})


def _word_opening(text: str, run: list[tuple[Token, str]]) -> bool:
    """A listed name that is also an English word, opening a sentence, and followed by a word
    in lower case that says it is that word, not a person (see ``_DOES``)."""
    if any(t.capitalised for t, _ in run[1:]):
        return False
    token = run[0][0]
    if not (token.sentence_start and token.capitalised and token.bare in english_names()):
        return False
    after = text[token.end:]
    return bool(re.match(r"\s+[a-z]", after)) and not _DOES.match(after)


_WORD_BEFORE = lazy(r"([^\W\d_]+)\.?\s+$")
_WORD_BEFORE_WITHIN = 120


def _word_before(before: str) -> re.Match[str] | None:
    """``_WORD_BEFORE.search(before)``: the word, then a dot perhaps, then the spaces that end
    ``before``. Matched where it can only start, not searched for: tried at every position,
    each try read on to the end of the note (a thirtieth of the redactor, on long notes). The
    word is no longer than ``_WORD_BEFORE_WITHIN``: looked for in the stretch that long."""
    at = len(before)
    while at and before[at - 1].isspace():
        at -= 1
    if at == len(before) or not at:
        return None
    if before[at - 1] == ".":
        at -= 1
    start = at
    floor = max(0, at - _WORD_BEFORE_WITHIN)
    while start > floor and _WORD_CHARACTER.match(before, start - 1):
        start -= 1
    return _WORD_BEFORE.match(before, start) if start < at else None


_WORD_CHARACTER = lazy(r"[^\W\d_]")

def _place_or_author(text: str, run: list[tuple[Token, str]]) -> bool:
    """The run names a place (it starts with, or follows, a capitalised place prefix: New York,
    Mount Prospect), a work (after a capitalised "The" mid-sentence) or a work's author (``a
    biography by Doris Kearns Goodwin``)."""
    first = run[0][0]
    before = text[: first.start]
    if first.capitalised and first.bare in PLACE_PREFIXES and len(run) > 1:
        return True
    # (the word right before the run: searched for in the last stretch of the note only, a
    # word being far shorter; searched from its start, each run read the whole note again)
    previous = _word_before(before)
    if previous and (previous.group(1)[:1].isupper() and fold(previous.group(1)) in PLACE_PREFIXES
                     or previous.group(1).lower() in ROOM_BEFORE):
        return True
    if previous and previous.group(1) == "The" and not _starts_sentence(text, previous.start(1)):
        return True  # "checked out The Bell Jar": capitalised "The" mid-sentence opens a title
    if previous and previous.group(1) == "The" and (
            len(run) >= 2 or re.match(r"\s+[A-Z]", text[run[-1][0].end:])) and not any(
            fold(_bare_word(t.text)).endswith("s") for t, _ in run[-1:]):
        return True  # "The Rose Garden room", "The Little Prince": not "The Garcias"
    if _in_quoted_title(text, first.start):
        return True  # 'Where the Crawdads Sing'
    if (len(run) >= 2 and _BY_A_NAME_AFTER.match(text, run[-1][0].end)
            and _a_title(text[first.start: run[-1][0].end])):
        return True  # "Demon Copperhead by ...": the title, before its author
    # (the cues below end with the word right before the run: it says which to try)
    word_before = previous.group(1).lower() if previous else ""
    near = before[-120:]
    # A book cue keeps a name only with the book's own evidence after it: a clause's end or a
    # verb ("the new Louise Penny is in", "the Lincoln biography is on the shelf"), never a
    # noun, which makes it a patron's thing ("the latest Maria Lopez complaint", "a copy of
    # Maria Lopez ID", "Maria Lopez display case").
    after_run = run[-1][0].end
    if run[-1][0].text[-2:] not in ("'s", "’s") and (
            (work := WORK_AFTER.match(text, after_run)) and BOOK_SENSE_AFTER.match(text, work.end())
            or (word_before in _NEW_WORDS and NEW_BOOK_BEFORE.search(near)
                or word_before in _LIST_WORDS and COPY_OF.search(near)
                or word_before in _AUTHOR_WORDS and AUTHOR_NAMED_BEFORE.search(near))
            and BOOK_SENSE_AFTER.match(text, after_run)):
        return True  # the new Louise Penny, a copy of Beloved and Sula, the Lincoln biography

    # (each ends in "by" or a list's "and", "&", "or", then a space: the end says which to try)
    end = before.rstrip()
    if end == before:
        return False
    if end[-2:].lower() == "by":
        return bool(AUTHOR_BEFORE.search(before) or TITLE_BY.search(before)
                    or _title_case_by(before))
    return (end[-3:].lower() == "and" or end[-2:].lower() == "or" or end[-1:] == "&") and bool(
        AUTHORS_LIST.search(before))


# A title in Title Case before "by" ("Fourth Wing by ...", "Lessons in Chemistry by ..."):
# two capitalised words at least, with a title's small words between them.
TITLE_CASE_BY = lazy(
    r"(?<![\w'’-])(?P<title>[A-Z][\w'’-]*(?:\s+(?:(?:of|the|and|in|a|an|to|for|on|at|with|from|"
    r"or|is|my|your|our|we|i|you)\s+)*[A-Z][\w'’-]*){1,6})\s+by\s+$")


def _title_case_by(before: str) -> bool:
    """``before`` ends with a title in Title Case and "by": its capitalised words are no given
    name that is no English word too ("Maria Lopez by ..." is a person; "Fourth Wing by" a
    title), no staff word ("Hold Slip"), no doing ("Checked", "Signed", "Requested": "Renewed
    For Jane by ...")."""
    found = TITLE_CASE_BY.search(before, max(0, len(before) - 120))
    return found is not None and _a_title(found.group("title"))


# The desk's papers and records, which a person signs or fills in ("Hold Slip by ...", "Incident
# Report by ..."): no book's title.
_PAPERWORK = frozenset({
    "slip", "slips", "form", "forms", "receipt", "receipts", "note", "notes", "request",
    "requests", "list", "report", "reports", "log", "logs", "sheet", "notice", "letter", "record",
    "records", "file", "ticket", "label", "sticker", "flyer", "sign", "email", "message", "memo",
    "statement", "complaint", "application", "waiver", "card", "agreement", "incident"})


def _a_title(title: str) -> bool:
    """The capitalised words of ``title`` can be a book's (see ``_title_case_by``): one of
    them at least is in no name list and no staff word ("Fourth", "Lessons": "Jane Smith" and
    "Rose Garden" may be someone's, "Hold Slip" is the desk's), and none is a doing, initials
    or a paper of the desk's (``_PAPERWORK``)."""
    first_names = name_lists()[0]
    unlisted = False
    for word in re.findall(r"[A-Z][\w'’-]*", title):
        bare = fold(_bare_word(word))
        if (bare in first_names and bare not in english_names() or bare.endswith("ed")
                or word.isupper() and len(word) > 1 or bare in _PAPERWORK):
            return False
        unlisted = unlisted or not _listed(bare) and bare not in staff_words()
    return unlisted


_BY_A_NAME_AFTER = lazy(r"\s+by\s+[A-Z\ue000-\uf8ff]")  # (a listed author set aside)
_QUOTED = lazy(r"[\"“'‘«]([^\"”'’»]{3,80})[\"”'’»]")
_SMALL_WORDS = frozenset({"the", "a", "an", "of", "to", "and", "in", "on", "for", "with",
                          "from", "at", "by", "or", "is", "are"})


def _in_quoted_title(text: str, position: int) -> bool:
    """``position`` is inside a quoted title: Title Case with a small word in lower case or
    opening with an article ("Where the Crawdads Sing", "The Hunger Games"); a quoted name
    ('Summer Day') has neither."""
    for match in _QUOTED.finditer(text):
        if not match.start(1) <= position < match.end(1):
            continue
        words = match.group(1).split()
        if len(words) < 2 or not words[0][:1].isupper():
            return False
        small = [w for w in words[1:] if w in _SMALL_WORDS]
        title_case = all(w[:1].isupper() or w in _SMALL_WORDS for w in words)
        return title_case and (bool(small) or words[0] in ("The", "A", "An"))
    return False


def _ends_a_name(text: str, token: Token, run: list[tuple[Token, str]]) -> bool:
    """A capitalised word that is also an ordinary or place word ends a name when it comes
    mid-sentence straight after one and closes the clause (``Nguyễn Văn An,``)."""
    if not (run and token.capitalised and not token.sentence_start and not token.shouting
            and token.bare not in ROOM_WORDS):  # ("in the Oak Room.": a room's name)
        return False
    if not any(kind in ("strong", "proper", "initialcap", "masked") for _, kind in run):
        return False
    if not re.fullmatch(r"\s+", text[run[-1][0].end: token.start]):
        return False
    after = text[token.end: token.end + 1]
    return after == "" or after in ",;:)."


@cache
def desk_nouns() -> frozenset[str]:
    """Everyday desk words after a given name that make the pair no name (``typed_names.txt``)."""
    return wordlists.words("typed_names.txt")["desk nouns"]


def _comma_joins(run: list[tuple[Token, str]], kind: str) -> bool:
    """``Doe, Jane``: a comma joins two capitalised names, not a list of ordinary words."""
    if all(k == "masked" for _, k in run):  # (masks side by side are one name)
        return kind in ("listed", "strong", "weak", "proper")
    if len(run) != 1:
        return False
    if run[0][1] == "listed" or kind == "listed":  # lopez, roberto
        return run[0][1] in ("listed", "strong") and kind in ("listed", "strong")
    return run[0][1] in ("strong", "weak", "proper", "initialcap") and kind in ("strong", "weak")


def _is_name(run: list[tuple[Token, str]], text: str) -> bool:
    """The run of words of ``text`` holds enough evidence of a name (see the module's
    docstring)."""
    while run and run[-1][1] == "particle":
        run.pop()
    kinds = [kind for _, kind in run]
    if not kinds:
        return False
    if kinds[:1] == ["initialcap"] and len(kinds) >= 2:
        kinds[0] = "proper"  # Doe, Jane / Xochitl Ixtlahuac: a start joined by a name
    if "strong" in kinds or ("masked" in kinds and len(kinds) >= 2):
        return True  # a listed name; or a name beside one a cue masked (lopez, roberto)
    named = sum(k in ("strong", "weak", "listed") and not INITIAL.match(t.text)
                for t, k in run)
    if kinds[:2] == ["listed", "unknown"]:  # jane doe; not "grace period", "print server logs"
        if run[1][0].bare in desk_nouns():  # christian fiction, sunny afternoon
            return False
        return run[0][0].bare in name_lists()[0] and (  # (what a person does: jane doe wants)
            run[0][0].bare not in english_names()
            # a first name that is also a word ("grace period is", "amber alert came
            # through"): only what a person alone does
            or bool(HUMAN_DOES.match(text, run[-1][0].end))
            # the pair set off by a comma or a bracket, as a person is before their age, phone
            # or address ("jane ashgrove, 42, lives", "joy van-dyke (16 yrs)"), unless the
            # second word is built as English words are ("silver civic,", "skip locally,")
            or bool(_SET_OFF_AFTER.match(text, run[-1][0].end))
            and not _ENGLISH_ENDING.search(run[-1][0].bare)
            or bool(_SET_OFF_BY_NUMBER.match(text, run[-1][0].end)))
    if kinds == ["listed"]:  # one lower-case listed word: a name if it is no English word
        return _lone_name(run[0][0].bare)
    if "listed" in kinds:  # lower case: a first name and a surname side by side, either order
        pairs = zip(run, run[1:], strict=False)  # maria garcia; lopez, roberto
        if any(_lower_pair(a, b) or _lower_pair(b, a) for (a, _), (b, _) in pairs):
            return True
    if kinds.count("proper") >= 2 or (kinds.count("proper") and len(kinds) >= 2):
        return True  # two unknown capitalised words mid-sentence, or one beside a name or initial
    return named >= 2 and all(t.capitalised for t, _ in run)  # Will Young


_PLACEHOLDER = lazy(r"\[[a-z]+\]")
_INITIALS = lazy(
    r"(?<![\w.])[A-Z](?:\.\s?[A-Z]){1,3}\.?(?![\w.])|(?<![\w.])[A-Z]{2,4}(?![\w.])")


def mentions_again(text: str, masked: list[str]) -> list[tuple[int, int]]:
    """Where a name already masked in ``text`` is mentioned again, in any case: any of its
    words (``ava's card`` after ``pick up Ava``) and its initials (``KS`` after ``King Solomon
    Adeyemi``). A word that is also an English word counts too once the note has used it as
    this person's name: staff type names in lower case ("told Joy … joy was upset"), and
    masking "hope" in a note about a patron named Hope costs little; showing her costs much.
    So do a nickname of a masked given name and the name a nickname stands for (``sue`` after
    ``Susan``, ``Robert`` after ``Bobby``), unless it is an everyday word (``bill``)."""
    words: set[str] = set()
    initials: set[str] = set()
    for name in masked:
        parts = [w[:-2] if w[-2:] in ("'s", "’s") else w
                 for w in WORD.findall(_PLACEHOLDER.sub(" ", name))]
        for part in parts:
            bare = fold(part)
            if not _names_nobody(bare):
                words.add(bare)
                words.update(related_names(bare))
        capitals = [p[0] for p in parts if p[:1].isupper() and fold(p) not in PARTICLES]
        if len(capitals) >= 2:
            for letters in ("".join(capitals), capitals[0] + capitals[1],
                            capitals[0] + capitals[-1]):
                if fold(letters) not in staff_words() and not _ordinary(fold(letters)):
                    initials.add(letters)
    spans = [m.span() for m in WORD.finditer(text)  # (the words of ``_tokens`` but "[name]")
             if text[m.start() - 1: m.end() + 1] != "[name]"
             and fold(_bare_word(m.group(0))) in words]
    if initials:
        spans += [m.span() for m in _INITIALS.finditer(text)
                  if re.sub(r"[.\s]", "", m.group(0)) in initials]
    return spans


def _names_nobody(bare: str, first_names: frozenset[str] | None = None) -> bool:
    """Too short, a pronoun, an article, a particle or a staff word: never a word of a name to
    look for again (``the`` of "the Garcias", ``de`` of "de la Cruz", ``will`` and ``may``).
    A place word is looked for again only if it is a given name (River, Lane), not the end of
    a name that is a place's word too ("Destiny Church is a patron, not the church")."""
    return (len(bare) < 2 or bare in FUNCTION_WORDS or bare in staff_words()
            or bare in PARTICLES or bare in PLACE_WORDS
            and bare not in (name_lists()[0] if first_names is None else first_names))


def related_names(bare: str) -> frozenset[str]:
    """The nicknames of given name ``bare`` and the names it is a nickname of (``pat``:
    patricia, patrick; ``robert``: rob, bobby), folded, everyday words (``bill``) and words
    that name nobody left out. (The table is the package's data, so no typed name is kept.)"""
    return _loaded(_related_names, _NO_RELATED).get(bare, frozenset())


_NO_RELATED: dict[str, frozenset[str]] = {}


@cache
def _related_names() -> dict[str, frozenset[str]]:
    # (built from the lists' own loaders, not through ``_loaded``: asked while this thread loads
    # a list, ``_loaded`` gives empty lists, and a table built from them would keep "bill" as
    # William's for the life of the process)
    first, ordinary = _name_lists()[0], _ordinary_words()
    return {name: frozenset(n for n in names
                            if not _names_nobody(n, first) and n not in ordinary)
            for name, names in _disk_cached("nickname-pairs", _nickname_pairs).items()}


def _nickname_pairs() -> dict[str, frozenset[str]]:
    """Each folded name of the ``nicknames`` package with the names it is paired with (kept on
    disk: reading the package's table was most of redacting a first note that names someone)."""
    from nicknames import name_triplets

    related: dict[str, set[str]] = {}
    for triplet in name_triplets():
        one, other = fold(triplet.name1), fold(triplet.name2)
        related.setdefault(one, set()).add(other)
        related.setdefault(other, set()).add(one)
    return {name: frozenset(names) for name, names in related.items()}


def _bare_word(word: str) -> str:
    return word[:-2] if word[-2:] in ("'s", "’s") else word


# A capitalised word right before or after a masked name, listed as a first name before it
# or as a surname after it, is the rest of that name even when it is also a word: "a 'Will
# [name]'", "[name] Rose" (the word alone was weak evidence; beside a name it is not).
_BESIDE = lazy(
    r"(?<![\w.-])(?<!\w['’])(?P<first>[A-Z][a-z'’-]+)\s+(?=\[name\])"
    r"|(?<=\[name\])\s+(?P<last>[A-Z][a-z'’-]+)(?![\w'’-])")


def beside_a_name(text: str) -> list[tuple[int, int]]:
    """The capitalised listed words that complete a masked name (see ``_BESIDE``)."""
    first_names, surnames = name_lists()
    spans = []
    for match in _BESIDE.finditer(text):
        word = match.group("first") or match.group("last")
        listed = first_names if match.group("first") else surnames
        bare = fold(_bare_word(word))
        if bare in listed and bare not in FUNCTION_WORDS and bare not in PLACE_WORDS:
            spans.append(match.span("first" if match.group("first") else "last"))
    return spans
