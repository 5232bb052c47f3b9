"""Matching words to one question's choices: the same machinery for answers and for prefill.

A choice is named by its id, its label and its synonyms. Each of these phrases is normalised
like everything the router reads (``bot.router.text``: slang, typos, stems), so "PD", "cops"
and "a police officer" all meet a choice whose synonym is "police".

* ``ChoiceMatcher.match(answer)`` — a typed answer to the question being asked: an exact phrase,
  a phrase the answer contains (when exactly one choice is named), or a clear fuzzy winner.
* ``ChoiceMatcher.find(message)`` — facts stated in a longer message (prefill): only whole
  phrases found word for word (after normalisation), never negated ("no warrant" is not a
  warrant), never a phrase inside a longer phrase that was also found, never generic words
  ("yes", "no", "maybe"), and only when the message names exactly one choice.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property

from rapidfuzz import fuzz, process

from bot.content.flows import NOT_SURE, Choice, Question
from bot.router.text import NEGATIONS, Normaliser, is_content, stem, stopwords, words

ACCEPT = 82.0  # below this the best fuzzy candidate is not trusted
MARGIN = 8.0  # the fuzzy winner must beat the best *other* choice by this much
NEGATION_REACH = 3  # a negation this many words before a phrase cancels it

# Phrases made only of these words never prefill an answer: they mean nothing out of context.
GENERIC = frozenset(
    stem(word)
    for word in (
        "yes", "no", "maybe", "both", "everything", "all", "nothing", "none", "other", "something",
        "else", "sure", "unsure", "possibly", "me", "myself", "it", "normal", "ok", "okay", "dont",
        "know", "not",
    )
)


@dataclass(frozen=True)
class Phrase:
    choice: str
    text: str  # as written in the flow
    words: tuple[str, ...]  # normalised, filler dropped, negations kept (for answers)
    fact_words: tuple[str, ...]  # normalised, only articles dropped (for facts in a message)

    @cached_property
    def specific(self) -> bool:
        """Says something on its own: a content word that is not generic ("yes", "maybe")."""
        return any(w not in GENERIC and is_content(w) for w in self.fact_words)


@dataclass(frozen=True)
class Hit:
    choice: str
    phrase: Phrase
    start: int
    end: int


ARTICLES = frozenset({"a", "an", "the"})


def _fact_words(normaliser: Normaliser, text: str) -> tuple[str, ...]:
    return tuple(w for w in normaliser.words(text) if w not in ARTICLES)


def _answer_words(normaliser: Normaliser, text: str) -> tuple[str, ...]:
    """Normalised words minus filler, keeping negations: 'a parent' and 'parent' meet."""
    filler = stopwords()
    kept = tuple(w for w in normaliser.words(text) if w not in filler or w in NEGATIONS)
    return kept or normaliser.words(text)


class ChoiceMatcher:
    """Everything needed to match text to ``question``'s choices, built once per question."""

    def __init__(self, question: Question):
        self.question = question
        vocabulary: set[str] = set()
        raw: list[tuple[str, str]] = []
        for choice in question.choices:
            for text in (choice.id.replace("-", " "), choice.label, *choice.synonyms):
                raw.append((choice.id, text))
                vocabulary.update(words(text))
        self.normaliser = Normaliser(vocabulary)
        self.phrases = tuple(
            Phrase(cid, text, _answer_words(self.normaliser, text),
                   _fact_words(self.normaliser, text))
            for cid, text in raw
        )
        self._joined = [" ".join(p.fact_words) for p in self.phrases]
        self._by_first_fact: dict[str, list[Phrase]] = {}
        self._by_first_answer: dict[str, list[Phrase]] = {}
        for phrase in self.phrases:
            if phrase.fact_words:
                self._by_first_fact.setdefault(phrase.fact_words[0], []).append(phrase)
            if phrase.words:
                self._by_first_answer.setdefault(phrase.words[0], []).append(phrase)

    # --- answers ------------------------------------------------------------------------------

    def match(self, answer: str) -> Choice | None:
        """The choice a typed answer names: the first rule that names exactly one choice wins.

        1. the answer is one of the phrases, word for word (only articles ignored);
        2. the same, ignoring filler words too ("a parent" = "parent");
        3. the answer contains phrases of exactly one choice (not negated, longest phrases win);
        4. a clear rapidfuzz WRatio winner over the phrases (``ACCEPT`` and ``MARGIN``).
        """
        full = _fact_words(self.normaliser, answer)
        if not full:
            return None
        for named in (
            {p.choice for p in self.phrases if p.fact_words == full},
            {p.choice for p in self.phrases if p.words == _answer_words(self.normaliser, answer)},
            {hit.choice for hit in self._hits(full, specific_only=False, full=True)},
        ):
            if len(named) == 1:
                return self.question.choice(named.pop())
        return self._fuzzy(" ".join(full))

    def _fuzzy(self, said: str) -> Choice | None:
        best: dict[str, float] = {}
        for _, score, index in process.extract(
            said, self._joined, scorer=fuzz.WRatio, processor=None, limit=None
        ):
            owner = self.phrases[index].choice
            best[owner] = max(best.get(owner, 0.0), score)
        ranked = sorted(best.items(), key=lambda item: item[1], reverse=True)
        if not ranked or ranked[0][1] < ACCEPT:
            return None
        if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < MARGIN:
            return None
        return self.question.choice(ranked[0][0])

    # --- facts in a longer message --------------------------------------------------------------

    def hits(self, message: str) -> list[Hit]:
        """Phrases of this question's choices that ``message`` states (prefill), not-sure aside.

        Phrases keep every word but articles here: "child with him" must be said as such, not
        found as "child" alone.
        """
        said = _fact_words(self.normaliser, message)
        return [h for h in self._hits(said, specific_only=True, full=True) if h.choice != NOT_SURE]

    def find(self, message: str) -> Hit | None:
        """The one choice ``message`` states for this question, or None (not stated, or unclear)."""
        hits = self.hits(message)
        named = {h.choice for h in hits}
        if len(named) != 1:
            return None
        return max(hits, key=lambda h: h.end - h.start)

    def _hits(self, said: tuple[str, ...], *, specific_only: bool, full: bool = False
              ) -> list[Hit]:
        found: list[Hit] = []
        index = self._by_first_fact if full else self._by_first_answer
        for start, first in enumerate(said):
            for phrase in index.get(first, ()):
                words_ = phrase.fact_words if full else phrase.words
                size = len(words_)
                if said[start : start + size] != words_:
                    continue
                if specific_only and not phrase.specific:
                    continue
                before = said[max(0, start - NEGATION_REACH) : start]
                if words_[0] not in NEGATIONS and any(w in NEGATIONS for w in before):
                    continue
                found.append(Hit(phrase.choice, phrase, start, start + size))
        # A phrase found inside a longer phrase that was also found does not count on its own.
        return [
            h for h in found
            if not any(
                o is not h and o.start <= h.start and h.end <= o.end
                and (o.end - o.start) > (h.end - h.start)
                for o in found
            )
        ]


@cache
def matcher(question: Question) -> ChoiceMatcher:
    return ChoiceMatcher(question)
