"""Text normalisation shared by routing, prefill and answer matching.

Every string the router compares — a staff message, a flow's trigger, title and description, a
choice's label and synonyms — goes through the same steps, so both sides meet on the same words:

1. redaction placeholders (``[card]``, ``[name]``...) are dropped: they carry no meaning;
2. a dotted abbreviation made one word ("F.B.I." -> "FBI"); lower case, accents removed,
   ``'ll`` spelled "will", possessive ``'s`` dropped, ``w/`` and ``w/o`` spelled out, an
   abbreviation made a verb ("OD'd") spelled "oded", so it does not read "odd";
3. split into words on anything that is not a letter or digit;
4. known misspellings fixed (data: ``bot/data/routing/typos.yaml``);
5. slang and abbreviations expanded (data: ``bot/data/routing/slang.yaml``), longest match first;
6. a light suffix stemmer (records → record, asking → ask, served → serv);
7. (``Normaliser`` only) a word of six letters or more that the catalogue does not know is
   corrected to the closest word it does know, if one is within one edit (two for words of nine
   letters or more) and that closest word is unique. Shorter words are left alone: "week" is
   not a typo for "weed". Short misspellings staff really make go in ``typos.yaml``.

Nothing here remembers a message across calls: a staff message's words are patron data the
process must not keep. ``one_message()`` lets one call (routing a message, prefilling its
answers) normalise the same text once however many questions read it; its memo is dropped when
the call ends. Only training, which reads its own examples, asks a ``Normaliser`` to remember
its corrections (``remember=True``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from contextlib import AbstractContextManager
from functools import cache
from importlib.resources import files
from itertools import compress, repeat
from operator import add, not_
from typing import Any

import yaml
from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.percall import PerCall

DATA = files("bot") / "data" / "routing"
# libyaml's parser where PyYAML was built with it: the first message routed in a process reads
# several of these files, and the pure-Python parser spent most of that time
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_data(name: str) -> Any:
    """The YAML file ``name`` of ``bot/data/routing/``, parsed."""
    return yaml.load((DATA / name).read_text("utf-8"), Loader=_LOADER)


_PLACEHOLDER = re.compile(r"\[(?:name|card|email|phone|address|dob|plate|ip|handle)\]")
_POSSESSIVE = re.compile(r"['’]s\b")
_APOSTROPHE = re.compile(r"['’`]")
# "OD'd", "od'd": an abbreviation made a verb. Without this the apostrophe goes and "od'd" reads
# "odd"; with it, "oded" (slang.yaml spells it "od'd" and meets the same word).
_ABBREVIATION_PAST = re.compile(r"\b([A-Z]{2,4}|od)['’]d\b")
_WITHOUT = re.compile(r"\bw/o\b")
_WILL = re.compile(r"\b(\w+)['’]ll\b")  # "they'll" is "they will", not "theyll" ("he'll": "hell")
_WITH = re.compile(r"\bw/")
_WORD = re.compile(r"[a-z0-9]+")
# "F.B.I.", "N.S.L.", "n.s.l", "P.D.": single letters with dots between them are one word ("fbi",
# "nsl", which the slang then reads), not a word per letter (each letter was, and "N.S.L." said
# nothing). Not a letter run inside a longer dotted name ("www.a.b") nor a word's end ("left.I").
_DOTTED = re.compile(r"(?<![\w.])[a-z](?:\.[a-z])+\.?(?!\w)", re.IGNORECASE)


def undotted(text: str) -> str:
    """``text`` with each dotted abbreviation written as one word ("the F.B.I. agent" -> "the
    FBI agent"); a text without one is returned as it is."""
    if "." not in text:
        return text
    return _DOTTED.sub(_without_dots, text)


def _without_dots(found: re.Match[str]) -> str:
    return found.group().replace(".", "")


def stem(word: str) -> str:
    """A deliberately small suffix stripper: enough to meet plurals and verb forms."""
    # (every suffix below ends in s, d, g or e: a word ending otherwise, most, is left at once)
    if len(word) <= 3 or word[-1] not in "sdge" or word.isdigit():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("ied") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("ing") and len(word) >= 6:
        word = _undouble(word[:-3])
    elif word.endswith("ed") and len(word) >= 5:
        word = _undouble(word[:-2])
    if word.endswith("e") and len(word) >= 5:
        word = word[:-1]
    return word


def _undouble(word: str) -> str:
    if len(word) >= 3 and word[-1] == word[-2] and word[-1] not in "lsz":
        return word[:-1]
    return word


NEGATIONS = frozenset(
    stem(word)
    for word in (
        "no", "not", "without", "never", "nothing", "none", "nobody", "dont", "doesnt", "didnt",
        "isnt", "wasnt", "arent", "werent", "cant", "cannot", "wont", "hasnt", "havent", "hadnt",
        "aint", "nope", "neither", "nor",
    )
)


@cache
def _typos() -> dict[str, str]:
    return dict(read_data("typos.yaml")["typos"])


@cache
def _slang() -> tuple[dict[tuple[str, ...], tuple[str, ...]], int]:
    """Slang keys as word tuples -> replacement words (not yet stemmed), and the longest key."""
    raw = read_data("slang.yaml")["slang"]
    table: dict[tuple[str, ...], tuple[str, ...]] = {}
    for key, value in raw.items():
        table[tuple(_split(str(key)))] = tuple(_split(str(value)))
    return table, max(len(k) for k in table)


@cache
def stopwords() -> frozenset[str]:
    """Stemmed function words and chat filler (data: ``bot/data/routing/stopwords.txt``)."""
    words: set[str] = set()
    for line in (DATA / "stopwords.txt").read_text("utf-8").splitlines():
        if line.startswith("#"):
            continue
        for word in _split(line):
            words.add(stem(word))
    return frozenset(words)


def _split(text: str) -> list[str]:
    # (each step is skipped when the text lacks the character it needs: the same words, with
    # none of the scans, for most of what staff type)
    if "[" in text:
        text = _PLACEHOLDER.sub(" ", text)
    if "." in text:
        text = _DOTTED.sub(_without_dots, text)
    if "'" in text or "’" in text:
        text = _ABBREVIATION_PAST.sub(r"\1ed", text)
    text = _unaccented(text.lower())  # (may make an apostrophe: a full-width one is decomposed)
    apostrophe = "'" in text or "’" in text
    if apostrophe:
        text = _WILL.sub(r"\1 will", text)
        text = _POSSESSIVE.sub("", text)
    if apostrophe or "`" in text:
        text = _APOSTROPHE.sub("", text)
    if "/" in text:
        text = _WITHOUT.sub(" without ", text)
        text = _WITH.sub(" with ", text)
    return _WORD.findall(text)


def _unaccented(text: str) -> str:
    """``text`` decomposed (NFKD) without its combining marks ("policía" -> "policia"); ASCII
    text, which has none, as it is."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text)
    # (each character kept unless it combines, chosen in C: no Python step per character)
    return "".join(compress(text, map(not_, map(unicodedata.combining, text))))


_ANY_SCRIPT_WORD = re.compile(r"[^\W_]+")
# ... and in a script whose vowels are signs written on a consonant (Devanagari to Sinhala, Thai,
# Lao, Tibetan, Myanmar, Khmer; the Devanagari dandas, full stops, left out): a sign is not a
# letter to ``\w``, so "पुलिस" (police) was cut into three one-letter words at its vowels
_MARKED_SCRIPT_WORD = re.compile(
    r"(?:[^\W_]|[\u0900-\u0963\u0966-\u0dff\u0e00-\u109f\u1780-\u17ff])+")


def plain_words(text: str) -> list[str]:
    """Steps 1-3 only, in any script: the words of ``text`` lower-cased, accents removed, not
    stemmed or expanded (what the router's character pieces are cut from). Letters outside
    a-z are kept (Chinese, Korean, Russian, Arabic...), a run of unspaced script as one word:
    a word keeps its vowel signs (Hindi), and a Korean syllable taken apart into its letters
    to drop accents is put back together (NFC), so its pieces are of syllables, as typed."""
    text = undotted(_PLACEHOLDER.sub(" ", text))
    text = _APOSTROPHE.sub("", _unaccented(text.lower()))
    if text.isascii():
        return _ANY_SCRIPT_WORD.findall(text)
    return _MARKED_SCRIPT_WORD.findall(unicodedata.normalize("NFC", text))


@cache
def _slang_lengths() -> dict[str, tuple[int, ...]]:
    """The lengths of the slang keys of two words or more, by their first word, longest first:
    most words start none, and are looked up once."""
    found: dict[str, set[int]] = {}
    for key in _slang()[0]:
        if len(key) > 1:
            found.setdefault(key[0], set()).add(len(key))
    return {word: tuple(sorted(sizes, reverse=True)) for word, sizes in found.items()}


@cache
def _slang_openers() -> frozenset[str]:
    """Every word at which ``_expand`` may replace something: the first word of each slang
    key, and each one-word key with an "s" after it ("cops")."""
    keys = _slang()[0]
    return frozenset({key[0] for key in keys if key}
                     | {key[0] + "s" for key in keys if len(key) == 1})


def _expand(words: list[str]) -> list[str]:
    """Typos fixed, then slang expanded, the longest key first where several start alike."""
    typos = _typos()
    words = list(map(typos.get, words, words))  # (each word, or its fix: no Python step each)
    openers = _slang_openers()
    if openers.isdisjoint(words):  # (most clauses and words: no slang to expand)
        return words
    table, longer = _slang()[0], _slang_lengths()
    out: list[str] = []
    i, count = 0, len(words)
    while i < count:
        word = words[i]
        if word not in openers:  # (most words of a clause with slang: nothing starts there)
            out.append(word)
            i += 1
            continue
        for size in longer.get(word, ()):
            if size <= count - i and (replacement := table.get(tuple(words[i:i + size]))
                                      ) is not None:
                break
        else:
            size = 1
            replacement = table.get((word,))
            if replacement is None and word.endswith("s"):
                replacement = table.get((word[:-1],))
        if replacement is None:
            out.append(word)
            i += 1
        else:
            out.extend(replacement)
            i += size
    return out


# The memo of the call in progress (``one_message``): text -> words, (normaliser, word) -> fix.
_CALL_MEMO: PerCall[object, Any] = PerCall("router_call_memo")


def one_message() -> AbstractContextManager[None]:
    """Within this block ``words`` and ``Normaliser.correct`` work out each text and word once;
    the memo is dropped when the outermost block ends (nested blocks share it)."""
    return _CALL_MEMO.block()


def call_memo_active() -> bool:
    """Whether a ``one_message`` block is open here (tests: none outlives its call)."""
    return _CALL_MEMO.active()


def words(text: str) -> tuple[str, ...]:
    """Steps 1-6: the normalised words of ``text``, stopwords and negations included (never
    memoised across calls; see ``one_message``)."""
    memo = _CALL_MEMO.get()
    if memo is None:
        return tuple(map(stem, _expand(_split(text))))
    found = memo.get(text)
    if found is None:
        found = memo[text] = tuple(map(stem, _expand(_split(text))))
    return found  # type: ignore[no-any-return]


def is_content(word: str) -> bool:
    """A word that can carry meaning for routing (not filler, not a negation, not a number)."""
    return word not in stopwords() and word not in NEGATIONS and not word.isdigit()


def correctable(word: str) -> bool:
    """A word some ``Normaliser`` may correct (to a word of its vocabulary): six letters or
    more, and of meaning. Any other it leaves as it is, whatever its vocabulary."""
    return len(word) >= 6 and is_content(word)


def _deletions(word: str) -> set[str]:
    """``word`` and every string made by dropping one of its letters (each ``word[:i] +
    word[i + 1:]``, cut and joined in C: no Python step per letter)."""
    size = len(word)
    return {word, *map(add, map(word.__getitem__, map(slice, range(size))),
                       map(word.__getitem__, map(slice, range(1, size + 1), repeat(None))))}


def word_cuts(word: str) -> set[str]:
    """``_deletions(word)``, worked out once per call (``one_message``) for every normaliser
    that looks the word up."""
    memo = _CALL_MEMO.get()
    if memo is None:
        return _deletions(word)
    cuts = memo.get(("deletions", word))
    if cuts is None:
        cuts = memo["deletions", word] = _deletions(word)
    return cuts  # type: ignore[no-any-return]


class Normaliser:
    """``words`` plus typo correction against a known vocabulary (step 7).

    Built once per vocabulary (a router's catalogue, or one question's choices). Corrections
    are remembered only with ``remember`` (training, over its own examples): a staff message's
    misspelt words are not kept past the call that reads them (``one_message``).
    """

    def __init__(self, vocabulary: Iterable[str], keep: Iterable[str] = (), *,
                 remember: bool = False):
        self.vocabulary = frozenset(vocabulary)
        self.keep = frozenset(keep)  # words never corrected, nor corrected to ("pending")
        self._choices = sorted(self.vocabulary)
        self._fixes: dict[str, str] | None = {} if remember else None
        self._near: dict[str, list[str]] | None = None  # see _one_edit_away
        self._by_length: dict[tuple[int, int], list[str]] = {}  # see _within_length

    @property
    def remembered(self) -> dict[str, str]:
        """The corrections this normaliser keeps (a copy; empty unless ``remember``)."""
        return dict(self._fixes or {})

    def correct(self, word: str) -> str:
        # (``correctable``'s length first: most words are short, and need no lookup)
        if len(word) < 6 or word in self.vocabulary or word in self.keep or not is_content(word):
            return word
        memo: dict[Any, Any] | None = self._fixes
        key: object = word
        if memo is None:
            memo, key = _CALL_MEMO.get(), (self, word)
        if memo is not None and key in memo:
            return memo[key]
        limit = 1 if len(word) < 9 else 2
        candidates = (self._one_edit_away(word) if limit == 1
                      else self._within_length(word, limit))
        best = process.extract(word, candidates, scorer=OSA.distance,
                               score_cutoff=limit, limit=2) if candidates else []
        fixed = word
        if best and (len(best) == 1 or best[0][1] < best[1][1]):
            fixed = best[0][0]
        if memo is not None:
            memo[key] = fixed
        return fixed

    def _within_length(self, word: str, limit: int) -> list[str]:
        """The known words at most ``limit`` letters longer or shorter than ``word`` (no word
        further is within ``limit`` edits of it)."""
        window = self._by_length.get((len(word), limit))
        if window is None:
            sizes = range(len(word) - limit, len(word) + limit + 1)
            window = self._by_length[len(word), limit] = sorted(
                (known for known in self._choices if len(known) in sizes), key=len)
        return window

    def _one_edit_away(self, word: str) -> list[str]:
        """The known words that could be one edit (OSA: a letter added, dropped, changed, or two
        swapped) from ``word``: those sharing a string with it once at most one letter is dropped
        from each (an index of the vocabulary's one-letter deletions, built on first use). The
        distance is then measured; this only spares measuring it to every known word, which cost
        about a millisecond a word, the better part of a message's routing."""
        if self._near is None:
            near: dict[str, list[str]] = {}
            for known in self._choices:
                if len(known) >= 5:  # a word of six letters is one edit from five at least
                    for cut in _deletions(known):
                        near.setdefault(cut, []).append(known)
            self._near = near
        index = self._near
        cuts = word_cuts(word)
        if index.keys().isdisjoint(cuts):  # (most words: none is near, in one C-level pass)
            return []
        return sorted({known for cut in cuts for known in index.get(cut, ())})

    def words(self, text: str) -> tuple[str, ...]:
        return tuple(map(self.correct, words(text)))

    def content(self, text: str) -> tuple[str, ...]:
        """The meaningful words of ``text`` in order (duplicates kept)."""
        return tuple(w for w in self.words(text) if is_content(w))
