"""A person's looks written beside their name: "[name], 5'4", blond braids", "the man in the red
hoodie with the teardrop tattoo — staff think that's [name]".

A name alone is masked; its owner's height, hair, marks and clothes then still pick the patron
out of a room (and a camera's footage). They are masked as ``[description]`` only in a note that
names someone: "the man in the gray hoodie was on computer 14" identifies nobody, and masking
every colour and coat in staff's notes would cost them their meaning.

Two shapes are masked, both built from the words in ``bot/data/privacy/descriptions.txt``:

* a **segment** of a list (between commas, brackets, dashes or a sentence's end) made only of
  those words, with at least one that describes alone (a build, hair, a mark, a garment) or a
  height: "tall", "shaved head", "wire glasses", "5'4"";
* a **phrase** after "in", "wearing", "with", "has": the words that describe up to the garment
  or the mark ("in the red hoodie", "with the teardrop tattoo").
"""

from __future__ import annotations

import re
from functools import cache

from bot.lazyregex import lazy
from bot.privacy import wordlists

PLACEHOLDER = "[description]"
# A height: 5'4", 5’ 10”, 6 ft 2, six foot.
HEIGHT = lazy(
    r"(?<![\w'’])[4-7]\s*['’′]\s*\d{1,2}\s*(?:\"|”|″|'')?(?![\w'’])"
    r"|(?<![\w.])[4-7]\s*(?:ft|feet|foot)\.?(?:\s*\d{1,2}\s*(?:in|inches|\"|”)?)?(?![\w])"
    r"|\b(?:four|five|six|seven)(?:\s+|-)(?:foot|feet)(?:(?:\s+|-)(?:one|two|three|four|five|"
    r"six|seven|eight|nine|ten|eleven))?\b",
    re.IGNORECASE)
# A list's segment: what lies between two of these.
SEGMENT = lazy(r"[^,;()\[\]\n.!?:—–]+(?:\[description\][^,;()\n.!?:—–]*)*")
PHRASE_CUE = lazy(r"\b(?:in|wearing|with|has|had|w/)\s+", re.IGNORECASE)
_DETERMINERS = frozenset({"a", "an", "the", "his", "her", "their", "some", "that", "this"})
_JOINERS = frozenset({"and", "with", "a", "an", "the", "&"})


@cache
def _words() -> dict[str, frozenset[str]]:
    return {name: frozenset(w.lower() for w in found)
            for name, found in wordlists.words("descriptions.txt").items()}


@cache
def _describing() -> frozenset[str]:
    """Words that describe a person alone: a build, hair, a mark, a garment."""
    words = _words()
    return words["build"] | words["hair and face"] | words["clothing and things carried"]


@cache
def _garments_and_marks() -> frozenset[str]:
    words = _words()
    return (words["hair and face"] | words["clothing and things carried"]) - words["build"]


@cache
def _vocabulary() -> frozenset[str]:
    return frozenset().union(*_words().values())


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and word[:-1] in _vocabulary() else word


def describe(text: str) -> str:
    """``text`` with the looks of the person it names masked (see above)."""
    if "[name]" not in text:
        return text
    text = HEIGHT.sub(PLACEHOLDER, text)
    text = _mask(text, _phrases(text))
    return _mask(text, _segments(text))


def _segments(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in SEGMENT.finditer(text):
        words = re.findall(r"\[description\]|[\w'’-]+", match.group(0))
        if not words or len(words) > 6 or words == [PLACEHOLDER]:
            continue
        bare = [_singular(w.lower()) for w in words if w.lower() not in _JOINERS]
        describing = any(w == PLACEHOLDER or w in _describing() for w in bare)
        hair = any(w in _words()["hair words"] for w in bare) and len(bare) >= 2
        unknown = [w for w in bare if w != PLACEHOLDER and w not in _vocabulary()]
        # one word no list has (a team's, a brand's) is allowed before the garment it names:
        # "red Bulls jacket"
        branded = (len(unknown) == 1 and len(bare) >= 2 and bare[-1] in _garments_and_marks()
                   and unknown[0] != bare[0] or not unknown)
        if bare and (describing or hair) and branded:
            start = match.start() + len(match.group(0)) - len(match.group(0).lstrip())
            spans.append((start, match.start() + len(match.group(0).rstrip())))
    return spans


def _phrases(text: str) -> list[tuple[int, int]]:
    """"in the red hoodie": the words after the cue up to a garment or a mark, all describing."""
    spans = []
    for cue in PHRASE_CUE.finditer(text):
        words = list(re.finditer(r"[\w'’-]+", text[cue.end(): cue.end() + 60]))
        index = 1 if words and words[0].group(0).lower() in _DETERMINERS else 0
        for word in words[index: index + 4]:
            bare = _singular(word.group(0).lower())
            if bare not in _vocabulary():
                break
            if bare in _garments_and_marks():
                spans.append((cue.end() + words[0].start(), cue.end() + word.end()))
    return spans


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    for start, end in reversed(merged):
        text = text[:start] + PLACEHOLDER + text[end:]
    return text
