"""Matching words to one question's choices: the same machinery for answers and for prefill.

A choice is named by its id, its label and its synonyms. Each of these phrases is normalised
like everything the router reads (``bot.router.text``: slang, typos, stems), so "PD", "cops"
and "a police officer" all meet a choice whose synonym is "police".

* ``ChoiceMatcher.match(answer)`` — a typed answer to the question being asked: an exact phrase,
  a phrase the answer contains (when exactly one choice is named), or a clear fuzzy winner.
* ``ChoiceMatcher.hits(message)`` — facts in a longer message (prefill): only whole phrases
  found word for word (after normalisation), never a phrase inside a longer phrase that was also
  found, never generic words ("yes", "no", "maybe"). Each hit says how it was said
  (``bot.router.cues``): stated, denied ("lacks a warrant", "warrant not yet": the choice's
  ``if_denied`` answers instead, if the flow names one) or doubted ("maybe a warrant": nothing
  is answered, the phrase is only a suggestion), and whether it is ``strong`` — the only kind
  that may set a safety-critical choice (``critical: true`` in the flow).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache, cached_property

from rapidfuzz import fuzz, process

from bot.content.flows import NOT_SURE, Choice, Question
from bot.router.cues import (
    DENIED,
    DOER,
    DOUBTED,
    ELSEWHERE,
    NOT_YET,
    STATED,
    Said,
    correctable_words,
    cues,
    reading_memo_active,
    remembered,
    union,
)
from bot.router.text import DATA, NEGATIONS, Normaliser, is_content, stem, stopwords, words
from bot.router.text import _deletions as one_letter_cuts

ACCEPT = 82.0  # below this the best fuzzy candidate is not trusted
MARGIN = 8.0  # the fuzzy winner must beat the best *other* choice by this much
WORD_LIKE = 75.0  # a word of a fuzzy answer this close to a word of the phrase is that word
DENIAL_GAP = 2  # "no court paperwork": words allowed between a denial and the rest of its phrase

# Phrases made only of these words never prefill an answer: they mean nothing out of context.
GENERIC = frozenset(
    stem(word)
    for word in (
        "yes", "no", "maybe", "both", "everything", "all", "nothing", "none", "other", "something",
        "else", "sure", "unsure", "possibly", "me", "myself", "it", "normal", "ok", "okay", "dont",
        "know", "not",
        # the setting, not an answer: "a patron", "the library", "someone"
        "library", "patron", "person", "people", "someone", "somebody", "guy", "man", "woman",
        "lady",
    )
)


@dataclass(frozen=True)
class Phrase:
    choice: str
    text: str  # as written in the flow
    words: tuple[str, ...]  # normalised, filler dropped, negations kept (for answers)
    fact_words: tuple[str, ...]  # normalised, only articles dropped (for facts in a message)

    @cached_property
    def thin(self) -> bool:
        """One word is left of three or more once filler is dropped ("is my husband here":
        "husband"), so its meaning sits in the filler: an answer must say it word for word
        ("her husband" is not "is my husband here"), never with the filler dropped or
        misspelt."""
        return len(self.words) == 1 and len(self.fact_words) >= 3

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
    reading: str = STATED  # STATED | DENIED | NOT_YET (promised, pending) | DOUBTED | ELSEWHERE
    strong: bool = True  # may set a safety-critical choice: see ChoiceMatcher.strong
    taken_back: bool = False  # words beside it undo it ("his wife's card, not his own")


# Words of having a thing now, in normalised form: an in-hand choice named without one in
# its clause is not offered as held (``_read``).
HOLDING = frozenset({"has", "have", "hold", "brought", "gave", "got", "with", "handed", "showed",
                     "show", "present", "presented"})
ARTICLES = frozenset({"a", "an", "the", "his", "her", "their"})  # "has his card" = "has the card"
# Words of holding a thing, for who holds it (``_held_by_another``), normalised: HOLDING's, and
# keeping or taking it along ("holds onto the card", "keeps the card", "took the card with him").
HOLDER_VERBS = HOLDING | {"hold", "keep", "kept", "took", "carry", "carried"}
# Between a holder and the verb ("buddy *has got* the card", "the roommate *still* has it").
_AUXILIARIES = frozenset({"is", "was", "has", "have", "had", "got", "still", "also", "already",
                          "just", "now", "does", "did", "always"})
# A word right before one that names a place, not a person ("the guy *at the* desk has …").
_PLACE_BEFORE = frozenset({"at", "in", "on", "by", "from", "behind"})


@cache
def common_words() -> frozenset[str]:
    """Common English words, stemmed (data: ``bot/data/routing/common_words.txt``): spelt
    right, so a question's typo correction never changes one ("mother" is no "other"). Kept
    here, not in ``bot.router.text``: the router's features do not read them (its model's
    digest covers that module)."""
    text = (DATA / "common_words.txt").read_text("utf-8")
    return frozenset(w for line in text.splitlines() if not line.startswith("#")
                     for w in words(line))


@cache
def kept_words() -> frozenset[str]:
    """The words no question's normaliser corrects (its ``keep``): every cue word, and the
    common English words spelt right ("mother"). One set for every question, so a message's
    words that are among them are set aside once (``_uncommon_words``), not by each question."""
    return frozenset(cues().vocabulary() | common_words())


def _fact_words(normaliser: Normaliser, text: str) -> tuple[str, ...]:
    return tuple(w for w in normaliser.words(text) if w not in ARTICLES)


def _plain_fact_words(text: str) -> tuple[str, ...]:
    """``_fact_words`` of a normaliser that corrects none of ``text``'s words."""
    return tuple(w for w in words(text) if w not in ARTICLES)


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
            for text in (choice.id.replace("-", " "), choice.label, *choice.synonyms,
                         *choice.offered, *choice.answer_only, *choice.stated_in_opening):
                raw.append((choice.id, text))
                vocabulary.update(words(text))
            for text in choice.not_with:
                vocabulary.update(words(text))
        # a cue word, or a common English word spelt right ("mother"), is no misspelling
        self.normaliser = Normaliser(vocabulary, keep=kept_words())
        self.phrases = tuple(
            Phrase(cid, text, _answer_words(self.normaliser, text),
                   _fact_words(self.normaliser, text))
            for cid, text in raw
        )
        self._joined = [" ".join(p.fact_words) for p in self.phrases]
        # Phrases that only offer their choice ("urgent"): found like the others, read as doubted.
        self._offered = {
            (choice.id, _fact_words(self.normaliser, text))
            for choice in question.choices for text in choice.offered
        }
        # A critical choice is set unasked only by its ``strong`` phrases (normalised).
        self._strong = {
            (choice.id, _fact_words(self.normaliser, text))
            for choice in question.choices for text in choice.strong
        }
        # Phrases that deny something ("no warrant"): only these can be said another way
        # ("without any warrant"), with the words after the negation (``_denials``)
        self._negated = [(p, p.fact_words[1:]) for p in self.phrases
                         if len(p.fact_words) >= 2 and p.fact_words[0] in NEGATIONS]
        # (where each starts, by the word after its negation: ``_denials`` looks only at those
        # whose word the message holds, in this order)
        negated_at: dict[str, list[int]] = {}
        for k, (_, tail) in enumerate(self._negated):
            negated_at.setdefault(tail[0], []).append(k)
        self._negated_at = {first: tuple(ks) for first, ks in negated_at.items()}
        # the question is about a person (an age), whose naming is no shift (``_taken_back``)
        self._about_person = any(c.ages for c in question.choices)
        # Words that contradict a choice in an opening (``contradicted``), per choice id.
        self._not_with = {
            choice.id: tuple(w for w in (_fact_words(self.normaliser, t)
                                         for t in choice.not_with) if w)
            for choice in question.choices if choice.not_with
        }
        # (the words one of them starts with: a message holding none contradicts nothing)
        self._not_with_firsts = frozenset(p[0] for ps in self._not_with.values() for p in ps)
        # (choice id, phrase) by the phrase's first word: ``contradicted`` looks only at those
        # whose first word the message holds
        not_with_at: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        for choice_id, phrases in self._not_with.items():
            for phrase in phrases:
                not_with_at.setdefault(phrase[0], []).append((choice_id, phrase))
        self._not_with_at = {first: tuple(found) for first, found in not_with_at.items()}
        # per choice id, filled on first use: its own words as typed, and their aliases
        self._own_memo: dict[str, frozenset[str]] = {}
        self._alias_memo: dict[str, frozenset[tuple[str, ...]]] = {}
        self._by_first_fact: dict[str, list[Phrase]] = {}
        for phrase in self.phrases:
            if phrase.fact_words:
                self._by_first_fact.setdefault(phrase.fact_words[0], []).append(phrase)
        # (looked up for every phrase found: a dictionary, not Question.choice's scan)
        self._choices_by_id = {c.id: c for c in reversed(question.choices)}  # the first wins
        # per choice, the first words of its phrases when the choice is a thing in hand (whose
        # holder may open the message: ``contradicted``), else none
        self._not_with_holders = {
            choice_id: frozenset(p[0] for p in phrases) if self._in_hand_choice(choice_id)
            else frozenset() for choice_id, phrases in self._not_with.items()}
        self._strong_phrases = frozenset(id(p) for p in self.phrases if self._is_strong(p))
        # choices a picture of whose thing states nothing ("gun emoji": ``Said.depicted``)
        self._not_pictured = frozenset(c.id for c in question.choices if c.not_pictured)
        # per choice that is an act of others, who does it (normalised): ``hits``, ``_read``
        self._done_by = {
            c.id: frozenset(w for w in (_fact_words(self.normaliser, t) for t in c.done_by) if w)
            for c in question.choices if c.done_by}
        # an in-hand choice of a question about no danger: only then is a thing held by others
        # (``_held_by_others``), read for every message otherwise
        self._holds_things = (any(c.in_hand for c in question.choices)
                              and not question.danger)

    # --- answers ------------------------------------------------------------------------------

    def match(self, answer: str) -> Choice | None:
        """The choice a typed answer names (``_match``); a safety-critical choice only from a
        clear answer (``clear_for``): "warrant? no", "arrest warrant", "he'll sign later" or
        "guardian? no" are asked again, never taken as the release condition they mention."""
        full = _fact_words(self.normaliser, answer)
        if not full:
            return None
        by_phrase = {p.choice for p in self.phrases
                     if p.fact_words == full and not self._only_offers(p)}
        if len(by_phrase) == 1:  # the answer is one of the choice's own phrases, word for word
            found = self._choice(by_phrase.pop())
            if found is not None and found.critical and "?" in answer:
                return None  # "adults only?": asked back, it states nothing (review 9)
            return None if found is not None and self.aliased(found.id, answer) else found
        if cues().unsure(answer):  # "not sure, it just says urgent": the cautious choice
            # "not sure, an adult is with her i think": the danger is offered (``suggestion``)
            return None if self._danger_named(answer) else self._choice(NOT_SURE)
        if (led := self._led(answer)) is not None:
            return led[0]
        found = self._exact(answer, full) or self._contained(answer, full)
        if found is not None and found.critical and (
                not self.clear_for(found, answer) or self.aliased(found.id, answer)):
            return None
        if found is not None and found.id in self.contradicted(answer):
            return None  # "arguing about a fee, says she'll get him": not a mere argument
        return found

    def aliased(self, choice_id: str, text: str) -> bool:
        """A safety-critical choice heard only through another word's alias: the slang makes
        "stepdad" the words of "dad" (father, parent), yet a stepparent is no parent for a
        release. True when ``text`` holds a word that normalises exactly as one of the choice's
        own words does without being one of them, and none of its own words as typed."""
        choice = self._choice(choice_id)
        if choice is None or not choice.critical:
            return False
        typed, aliases = self._own_words(choice), self._aliases(choice)
        if not aliases:  # none of its own words normalises to several: none has an alias
            return False
        said = _typed_words(text)
        if any(is_content(stem(w)) for w in typed.intersection(said)):
            return False
        # (an alias is several words: a word that normalises to one is in none of them)
        return any(words(w) in aliases for w in said if w not in typed)

    def _aliases(self, choice: Choice) -> frozenset[tuple[str, ...]]:
        """What the choice's own words that normalise to several words become ("dad":
        father, parent), worked out once per choice."""
        found = self._alias_memo.get(choice.id)
        if found is None:
            found = self._alias_memo[choice.id] = frozenset(
                words(w) for w in self._own_words(choice) if len(words(w)) > 1)
        return found

    def clear_for(self, choice: Choice, answer: str) -> bool:
        """``answer`` states ``choice`` beyond doubt: it is the choice's label or id, a bare
        affirmation of a "yes" choice, or one of its ``strong`` phrases alone; or it contains a
        strong phrase, cleanly, with no word of doubt, denial, delay or qualification. A
        denial of another choice is no qualification of this one: "a subpoena, not a warrant"
        is read as "a subpoena"."""
        answer = self._without_denied_others(choice, answer)
        words_ = _fact_words(self.normaliser, answer)
        exact = {_fact_words(self.normaliser, text) for text in
                 (choice.label, choice.id.replace("-", " "))}
        exact |= {strong for cid, strong in self._strong if cid == choice.id}
        if words_ in exact:
            return True
        plain = set(_answer_words(self.normaliser, answer))
        yes_choice = choice.id == "yes" or choice.label.lower().startswith("yes")
        if yes_choice and plain and plain <= AFFIRMATIONS:
            return True
        own = self._own_words(choice)
        if "?" in answer or (plain & QUALIFIERS) - own or any(
                w in QUALIFIERS and w not in own for w in _raw_words(answer)):
            return False
        said = self._said(answer)
        hits = [h for h in self._read(said, specific_only=False)
                if h.choice == choice.id and h.strong and h.reading == STATED]
        # a cue inside the choice's own phrase is the choice speaking ("refuses to sign")
        if said.cue_outside([(h.start, h.end) for h in hits], denials=True):
            return False
        return any(not self._taken_back(said, h, whole=True) for h in hits)

    def _without_denied_others(self, choice: Choice, answer: str) -> str:
        """``answer`` without "not a warrant" (a denial word, then another choice's phrase as
        typed, ending a clause): what is left says what ``choice`` is, or doesn't."""
        others = sorted({p.text for p in self.phrases if p.choice != choice.id
                         and p.choice != NOT_SURE and p.specific}, key=len, reverse=True)
        if not others:
            return answer
        denied = re.compile(
            r"[,;]?\s*\b(?:not|no|never|isn'?t|wasn'?t|instead of|rather than)\s+"
            r"(?:a|an|the|any)?\s*(?:" + "|".join(re.escape(o) for o in others)
            + r")\b(?=\s*(?:[,.;!]|$))", re.IGNORECASE)
        stripped = denied.sub("", answer).strip()
        return stripped or answer

    def _led(self, answer: str) -> tuple[Choice | None] | None:
        """An answer that opens with a bare yes or no and goes on to say more ("yes saw his
        badge", "nope, didn't see one"): ``(the choice the yes or no names,)`` when the rest
        agrees with it; ``(None,)`` — ask again — when the rest undoes it; None when the
        answer opens with no such word (or this question has no yes or no) and the other rules
        decide.

        The rest agrees when it names no other choice and holds no doubt, promise, question,
        contrast, cancelling state, other person or owner ("yes, saw his brother's badge");
        after a yes it denies nothing; after a no it denies no thing of another question
        ("no, no warrant" asked whether it's an emergency answers the warrant, not this). For a
        safety-critical choice it also carries no qualifier ("yes, on the phone")."""
        lead = cues().lead(answer)
        if lead is None:
            return None
        negative, pause, rest = lead
        plain = "no" if negative else "yes"
        if not rest.strip():  # "yep", "nah", "not that I saw": the plain yes or no
            found = None if _raw_words(answer) == [plain] else self.match(plain)
            return (found,) if found else None
        rest_said = self._said(rest)
        if negative and not pause.strip() and rest_said.words and is_content(rest_said.words[0]):
            return None  # "no warrant": a determiner, not an answer
        choice = self.match(plain)
        if choice is None:
            return None
        hits = self._read(rest_said, specific_only=False)
        own = [h for h in hits if choice.id in (h.choice, self._instead(h))]
        named = {h.choice for h in hits if h.reading == STATED} | {
            d for h in hits if (d := self._instead(h))}
        if self._corrected(negative, choice, hits):
            return (self.match(rest),)  # "no, she's the grandma": the grandma answers
        if "?" in answer or any(self._unsure(h) for h in hits) or named - {choice.id}:
            return (None,)
        spans = [(h.start, h.end) for h in own]
        if rest_said.cue_outside(spans, denials=not negative) or self._undone(rest_said, spans):
            return (None,)
        if negative and rest_said.denies_beyond(self._vocabulary, spans):
            return (None,)
        if choice.critical:
            allowed = self._own_words(choice) | (NEGATIVE_WORDS if negative else frozenset())
            if any(w in QUALIFIERS and w not in allowed for w in _raw_words(rest)):
                return (None,)
            if not self._only_own_words(choice, rest):
                return (None,)  # "yes, stepmom", "yes, she told me her name": asked again
        return (choice,)

    def _only_own_words(self, choice: Choice, rest: str) -> bool:
        """Every word of meaning in ``rest`` is one of ``choice``'s own phrases' words or the
        question's ("yes saw his badge", "yes, he says it's an emergency"): for a release
        condition the words after a yes may repeat it, never add to it. A whitelist, because
        what contradicts a condition ("yes, verbally", "yes, in college") has no list."""
        filler, own = stopwords(), self._own_vocabulary(choice)
        typed = self._own_words(choice) | frozenset(_raw_words(self.question.ask)) | AFFIRMATIONS

        def repeats(word: str) -> bool:
            normal = self._normalised(word)
            # a word the normaliser widens ("stepmom" -> mother, parent) must be typed as is
            return word in typed or all(n in filler for n in normal) or (
                len(normal) == 1 and normal[0] in own)

        return all(repeats(w) for w in _raw_words(rest))

    def _own_vocabulary(self, choice: Choice) -> frozenset[str]:
        """The normalised words of ``choice``'s phrases and of the question asked."""
        return frozenset(w for p in self.phrases if p.choice == choice.id for w in p.fact_words) | (
            frozenset(self._normalised(self.question.ask)))

    def _corrected(self, negative: bool, choice: Choice, hits: list[Hit]) -> bool:
        """A "no" whose rest names, in positive words, one other choice than the "no" choice:
        the "no" denies the question's guess and the rest says what is so ("is it the parent?"
        "no, she's the grandma")."""
        others = {h.choice for h in hits if h.reading == STATED and h.choice != choice.id
                  and h.phrase.fact_words[0] not in NEGATIONS}
        return negative and len(others) == 1 and others != {NOT_SURE}

    def correction(self, answer: str) -> str | None:
        """The rest of a "no" that names another choice ("no, she's the grandma" -> "she's
        the grandma"): what to offer when the answer itself is asked again."""
        lead = cues().lead(answer)
        if lead is None or not lead[0] or not lead[2].strip():
            return None
        choice = self.match("no")
        said = self._said(lead[2])
        hits = self._read(said, specific_only=False)
        return lead[2] if choice is not None and self._corrected(True, choice, hits) else None

    def _undone(self, said: Said, spans: list[tuple[int, int]]) -> bool:
        """Words in a short typed answer, outside ``spans`` (the answer's own phrases: "a
        neighbor" is the answer, not another person), that take back what it states: a
        contrast, a cancelling state, another person or an owner ("saw his brother's badge").
        Whoever is in danger, it is danger: a danger question heeds only contrasts and states."""
        c = cues()
        groups = union(c.contrast, c.defeats, frozenset() if self.question.danger else c.others)

        def free(j: int) -> bool:
            return not any(start <= j < end for start, end in spans)

        return bool(said.contrasted) or (not self.question.danger and bool(said.owners)) or any(
            said._cue_at(i, groups, free) is not None for i in range(len(said.words)))

    @cached_property
    def _vocabulary(self) -> frozenset[str]:
        """Every normalised word of this question's phrases."""
        return frozenset(w for p in self.phrases for w in p.fact_words)

    def _own_words(self, choice: Choice) -> frozenset[str]:
        """The words of ``choice``'s own phrases as typed: a qualifier that is one of them is
        the choice speaking ("won't sign" for a refusal, "will sign" for a signature). Worked
        out once per choice (the flow's words, never a message's)."""
        found = self._own_memo.get(choice.id)
        if found is None:
            typed = {w for p in self.phrases if p.choice == choice.id
                     for w in _raw_words(p.text)}
            typed |= {w for text in choice.strong for w in _raw_words(text)}
            found = self._own_memo[choice.id] = frozenset(
                typed | {w.replace("'", "") for w in typed})  # "won't" and "wont"
        return found

    def _taken_back(self, said: Said, hit: Hit, *, whole: bool, outright: bool = False) -> bool:
        """Words beside a release condition's phrase defeat it (``Said.taken_back``): "*her
        son* has the card", "showed card but it's her husband's", "lent it, but the system
        shows it blocked". Danger questions are exempt: whoever is in danger, it is danger."""
        if self.question.danger:
            return False
        return said.taken_back(hit.start, hit.end, whole=whole,
                               about_person=self._about_person, outright=outright)

    def _only_offers(self, phrase: Phrase) -> bool:
        return (phrase.choice, phrase.fact_words) in self._offered

    def _exact(self, answer: str, full: tuple[str, ...]) -> Choice | None:
        """2. the answer is one of the phrases ignoring filler words ("a parent" = "parent";
        but "going to get a warrant" is "warrant" too, so a critical choice found this way must
        still be ``clear_for`` the answer). Rule 1, word for word, is in ``match``."""
        named = {p.choice for p in self.phrases
                 if p.words == _answer_words(self.normaliser, answer) and not p.thin
                 and not self._only_offers(p)}
        return self._choice(named.pop()) if len(named) == 1 else None

    def _contained(self, answer: str, full: tuple[str, ...]) -> Choice | None:
        """3. the answer contains phrases of exactly one choice, as stated ("lacks a warrant"
        names the warrant's ``if_denied`` choice; a doubted phrase names nothing);
        4. a clear rapidfuzz WRatio winner over the phrases (``ACCEPT`` and ``MARGIN``), unless
        the answer hedges, denies or doubts something and the winner is safety-critical.
        """
        said = self._said(answer)
        hits = self._read(said, specific_only=False)
        if any(self._unsure(h) for h in hits):
            return None  # "maybe a warrant": ask again rather than guess
        named = self._outweighed(self._answered(hits))
        if len(named) == 1 and not _taken_back_by_but(said, hits):
            return self._choice(named.pop())
        if named:
            return None
        fuzzy = self._fuzzy(" ".join(full))
        if fuzzy is not None and fuzzy.critical and said.has_cue():
            return None
        return fuzzy

    def suggestion(self, answer: str) -> Hit | None:
        """A choice the answer mentions but does not clearly state: doubted ("maybe a
        warrant"), or a safety-critical choice named only by a weak cue ("in high school" for
        under 18). Offered only when the answer names no other choice."""
        if cues().unsure(answer) and not self._danger_named(answer):
            return None  # "not sure, it just says urgent" offers no guess at yes
        corrected = self.correction(answer)
        if corrected is None and self._led(answer) == (None,):
            return None  # "yes she said the kid could be hurt": undone, nothing to offer
        answer = corrected or answer  # "no, she's the grandma": the grandma is offered
        hits = [h for h in self._read(self._said(answer), specific_only=False)
                if h.choice != NOT_SURE]
        offered = [h for h in hits if (self._unsure(h) and h.reading != ELSEWHERE)
                   or (h.reading == STATED and self._critical(h.choice) and not h.strong)]
        # a choice denied outright ("he's her uncle, not her dad") names nothing to offer
        named = {h.choice for h in hits if h.reading != DENIED}
        if len(named) != 1 or not offered:
            return None
        if offered[0].choice in self.contradicted(answer):  # "normal porn but with teens"
            if not self._critical(offered[0].choice):
                return None
            return self._offer(replace(offered[0], taken_back=True))  # Not sure, if any
        return None if self.aliased(offered[0].choice, answer) else self._offer(offered[0])

    def _danger_named(self, answer: str) -> bool:
        """On a question about danger, ``answer`` names the danger beside its doubt ("not
        sure, an adult is with her i think", "dont know, maybe a man is sitting with him"):
        the doubt is not taken as Not sure, the danger is offered as ``cautious`` says
        (review 7 M1: a Not-sure word first led to the milder branch, without it to 911)."""
        if not self.question.danger:
            return False
        return any(h.choice != NOT_SURE and self._critical(h.choice) and h.reading != DENIED
                   for h in self._read(self._said(answer), specific_only=False))

    def mentions(self, text: str) -> bool:
        """``text`` names one of this question's phrases, however it says it (stated, denied,
        doubted, offered): it is about this question, even when it answers nothing."""
        return bool(self._read(self._said(text), specific_only=False))

    def denies(self, text: str) -> bool:
        """``text`` holds a word of denial ("didn't", "not", "no")."""
        return any(w in NEGATIONS for w in self._normalised(text))

    def doubted(self, answer: str, ignore: frozenset[tuple[str, ...]] = frozenset()) -> bool:
        """The answer asks or hedges ("maybe 16?", "I think she's 17"); cues in ``ignore`` aside
        (a bare "or" is a guess only between ages, which ``bot.router.ages`` reads itself)."""
        return self._said(answer).hedged(ignore)

    def _answered(self, hits: list[Hit]) -> set[str]:
        """Choices the hits state outright; failing any, those that denials name: a denial
        phrase ("no warrant") and the ``if_denied`` choice of a denied phrase ("lacks a
        warrant"). "A subpoena, not a warrant" is a subpoena."""
        stated = [h for h in hits if h.reading == STATED]
        # (what leaves a question unchecked is no denial, however it is worded: "a detective,
        # I haven't seen a badge" is not a detective alone)
        positive = {h.choice for h in stated if h.phrase.fact_words[0] not in NEGATIONS
                    or h.choice == NOT_SURE}
        if positive:
            # a fact said with a negation ("says we can't tell anyone") is no denial beside a
            # choice it ``outweighs``: "a letter, says we can't tell anyone" is the gag letter
            return positive | {h.choice for h in stated
                               if (c := self._choice(h.choice)) and positive & set(c.outweighs)}
        return {h.choice for h in stated} | {d for h in hits if (d := self._instead(h))}

    def _instead(self, hit: Hit) -> str | None:
        """The choice a denied or not-yet hit answers with (``if_denied``, ``if_not_yet``)."""
        choice = self._choice(hit.choice)
        if choice is None:
            return None
        return {DENIED: choice.if_denied, NOT_YET: choice.if_not_yet,
                ELSEWHERE: choice.if_not_yet}.get(hit.reading)

    def _unsure(self, hit: Hit) -> bool:
        """Doubted, or promised or threatened with nothing it stands for ("threatening to come
        back with a gun"): offered, never taken, and nothing else is taken for the question."""
        return hit.reading == DOUBTED or (
            hit.reading in (NOT_YET, ELSEWHERE) and self._instead(hit) is None)

    def _fuzzy(self, said: str) -> Choice | None:
        """A misspelt phrase ("serch warant"). Every word of meaning in the answer must be
        (nearly) a word of the phrase: a phrase sharing only "no" with the answer is not a
        fuzzy match for it ("no warrant" is not "no emergency", "nothing in writing" is not
        "no"), and a common word spelt right is like only itself."""
        best: dict[str, float] = {}
        meaning = [w for w in said.split() if is_content(w)]
        if not meaning:
            return None  # "hmm what": nothing to match
        common = common_words()  # spelt right: like only itself ("mother" is not "other")
        for phrase, score, index in process.extract(
            said, self._joined, scorer=fuzz.WRatio, processor=None, limit=None
        ):
            own = phrase.split()
            if not all(any(w == o or (w not in common and fuzz.ratio(w, o) >= WORD_LIKE)
                           for o in own) for w in meaning):
                continue
            if self._only_offers(self.phrases[index]) or self.phrases[index].thin:
                continue
            owner = self.phrases[index].choice
            best[owner] = max(best.get(owner, 0.0), score)
        ranked = sorted(best.items(), key=lambda item: item[1], reverse=True)
        if not ranked or ranked[0][1] < ACCEPT:
            return None
        if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < MARGIN:
            return None
        return self._choice(ranked[0][0])

    # --- facts in a longer message --------------------------------------------------------------

    def hits(self, message: str) -> list[Hit]:
        """Phrases of this question's choices that ``message`` mentions (prefill), not-sure
        aside, each with how it was said.

        Phrases keep every word but articles here: "child with him" must be said as such, not
        found as "child" alone.
        """
        said = self._said(message)
        aliased: dict[str, bool] = {}  # per choice: several hits often name one
        kept = []
        for hit in self._read(said, specific_only=True):
            if hit.choice == NOT_SURE and not self._unchecked(hit):
                continue
            if hit.choice in self._done_by and said.who_does(
                    hit.start, self._done_by[hit.choice]) != DOER:
                continue  # "court order came, searching for the director": no officer does it
            if hit.choice not in aliased:
                aliased[hit.choice] = self.aliased(hit.choice, message)
            if not aliased[hit.choice]:
                kept.append(hit)
        return _after_correction(said, kept)

    def contradicted(self, message: str, spans: Iterable[tuple[int, int]] = ()) -> frozenset[str]:
        """The choices one of whose ``not_with`` words ``message`` also says ("he's alone"
        beside "a little girl"): read from an opening they would state the opposite of what
        the words around them say, so they are neither taken nor offered. A word inside a
        longer phrase found for any question (``spans``, word positions) is that phrase's
        ("child" in "child porn"), not a contradiction."""
        if not self._not_with:
            return self._held_by_others(message)
        said = self._said(message)
        found, at = said.words, said.at
        if at.keys().isdisjoint(self._not_with_firsts):  # (most messages: no not_with word)
            return self._held_by_others(message)
        longer = tuple(spans)

        def free_at(i: int, size: int) -> bool:
            return found[i:i + size] == phrase and not any(
                s <= i and i + size <= e and e - s > size for s, e in longer)

        out = set()
        # (only the phrases whose first word the message holds, looked for where it stands)
        for first in at.keys() & self._not_with_at.keys():
            for choice_id, phrase in self._not_with_at[first]:
                if choice_id in out:
                    continue
                # a thing held by the person the message opens with is the asker's ("mom has
                # the card number on a sticky note, wants ..."); named later, someone else's
                # ("grandma wants ..., his mom has the card": review 7 C2)
                holders = self._not_with_holders[choice_id]

                def askers(i: int, holders: frozenset[str] = holders) -> bool:
                    return all(w in holders for w in found[:i])  # only the holder's words before

                if any(not (holders and askers(i)) and free_at(i, len(phrase))
                       for i in at[first]):
                    out.add(choice_id)
        return frozenset(out | self._held_by_others(message))

    def _held_by_others(self, message: str) -> frozenset[str]:
        """The in-hand choices (a card, its number) that ``message`` names as held by someone
        it names other than the one at the desk: "buddy's got the card", "the roommate holds
        the card", "the card is with her sister", "friend took the card with him". The one at
        the desk is the person the message opens with, or a pronoun ("he has his friend's
        card"). Review 8 C1 (review 7 C2 class): the holder is read from the clause's own
        shape, not from a list of holders."""
        if not self._holds_things:
            return frozenset()
        said = self._said(message)
        words = said.words
        # the one at the desk: named first ("guy wants …", "older lady wants …")
        asker = frozenset([w for w in words if w not in ARTICLES][:2])
        own = self._vocabulary
        out = set()
        for hit in self._read(said, specific_only=False):
            if hit.choice in out or not self._in_hand_choice(hit.choice):
                continue
            span = said.clause_of(hit.start)
            for i in span:
                if words[i] not in HOLDER_VERBS or hit.start <= i < hit.end:
                    continue
                holder: str | None = None
                if i < hit.start:  # "buddy (has) got the card": the word before the verb
                    j = i - 1
                    while j >= span[0] and words[j] in _AUXILIARIES:
                        j -= 1
                    if j >= span[0] and not (j > span[0] and words[j - 1] in _PLACE_BEFORE):
                        holder = words[j]
                elif words[i] == "with":  # "the card is with her sister"
                    holder = next((words[k] for k in span if k > i and words[k] not in ARTICLES),
                                  None)
                if holder is not None and is_content(holder) and holder not in asker \
                        and holder not in own:
                    out.add(hit.choice)
                    break
        return frozenset(out)

    def _in_hand_choice(self, choice_id: str) -> bool:
        choice = self._choice(choice_id)
        return choice is not None and choice.in_hand

    def _unchecked(self, hit: Hit) -> bool:
        """A Not sure hit on one of the phrases that state the question cannot be checked
        ("on the phone"): the cautious answer, read from an opening like any stated fact."""
        choice = self._choice(hit.choice)
        return choice is not None and hit.phrase.text in choice.stated_in_opening

    def find(self, message: str) -> Hit | None:
        """The one choice ``message`` states for this question, or None (see ``decide``)."""
        return self.decide(self.hits(message))[0]

    def decide(self, hits: list[Hit]) -> tuple[Hit | None, Hit | None]:
        """(the answer, a suggestion) from the hits found in one message.

        The answer is the one choice stated (failing any, the one ``if_denied`` choice of the
        denied phrases), and only when nothing is doubted; a safety-critical choice needs a
        strong hit. A critical choice heard from a weak cue, or one doubted choice, is the
        suggestion instead: the question is asked, with it offered.
        """
        # a doubt about one phrase of a choice stated plainly by another is no doubt about the
        # choice ("passed out, think it's an overdose": someone is in danger either way)
        doubted = {h.choice for h in hits if self._unsure(h)} - {
            h.choice for h in hits if h.reading == STATED and h.strong}
        named = self._outweighed(self._answered(hits))
        if doubted or len(named) != 1:
            # a thing said to be elsewhere ("her card is at home") is not offered as in hand
            weak = [h for h in hits if (self._unsure(h) and h.reading != ELSEWHERE)
                    or (h.reading == STATED and self._critical(h.choice))]
            maybe = {h.choice for h in weak}
            if len(maybe) == 1 and not (named - maybe):
                # a weak cue is not offered over a doubt of the same choice ("kind of urgent?
                # dunno if it's an emergency really"): the doubt speaks for the weak cue too
                best = max(weak, key=lambda h: h.end - h.start)
                doubt = self._only_offers(best.phrase) and any(
                    h.reading == DOUBTED and not self._only_offers(h.phrase) for h in weak)
                return None, self._offer(best, doubted=doubt)
            return None, None if named else self._not_in_hand(hits)
        chosen = named.pop()
        own = [h for h in hits if h.choice == chosen and h.reading == STATED]
        if not own:
            denied = max((h for h in hits if self._instead(h) == chosen),
                         key=lambda h: h.end - h.start)
            own = [Hit(chosen, denied.phrase, denied.start, denied.end, denied.reading, False)]
        # the longest phrase on the same words is the one nearest what was typed ("refuses to
        # fill out", not "won't fill out", for "he refuses to fill out any form")
        best = max(own, key=lambda h: (h.strong, h.end - h.start, len(h.phrase.fact_words)))
        if self._critical(chosen) and not best.strong:
            return None, self._offer(best)
        return best, None

    def _not_in_hand(self, hits: list[Hit]) -> Hit | None:
        """A thing that must be in hand, said to be elsewhere ("her card is at home") or only
        claimed: what it denies ("No card") is offered, so the question is not asked as if
        nothing had been said (a plain "yes" then asks again, ``bot.engine.step``)."""
        away = [h for h in hits if h.reading == ELSEWHERE and self._instead(h) is None
                and (c := self._choice(h.choice)) is not None and c.if_denied]
        if not away:
            return None
        hit = max(away, key=lambda h: h.end - h.start)
        choice = self._choice(hit.choice)
        assert choice is not None and choice.if_denied
        return replace(hit, choice=choice.if_denied, reading=STATED, strong=False)

    def _offer(self, hit: Hit, *, doubted: bool = False) -> Hit | None:
        """What to offer for ``hit``: its own choice, or what ``cautious`` puts in its place
        when words around it take it back ("has his card, wait, it's his wife's") or doubt it
        ("I think she has the card number? not sure"), or ``doubted``: ``hit`` is a weak cue and
        another phrase of the same choice was doubted. A phrase that only ever offers its choice
        ("it's urgent" for an emergency) is a weak cue, not a doubt."""
        doubted = doubted or (hit.reading == DOUBTED and not self._only_offers(hit.phrase))
        offered = self.cautious(hit.choice, doubted=doubted, taken_back=hit.taken_back)
        if offered is None:
            return None
        return hit if offered == hit.choice else replace(hit, choice=offered, reading=STATED,
                                                           strong=False)

    def cautious(self, choice_id: str, *, doubted: bool, taken_back: bool = False) -> str | None:
        """The one rule for offering a guessed answer, whatever offers it (an opening's
        reading, a reply typed at the question, an age): ``choice_id`` itself, unless it is a
        safety-critical choice taken back, or doubted outside a question about danger. Then Not
        sure (the cautious branch, which says what to find out), failing that the choice that
        denies it (``if_denied``), failing both nothing: a hurried clerk types the number the
        bot offers, or just "yes", so a release condition the clerk just undid or was unsure of
        is never the one offered. A doubted danger is still offered as danger ("maybe he has a
        knife?"): there the cautious answer is the one that fetches help (911 and a page now;
        Not sure on some danger questions only withholds and pages, not at once)."""
        guessed = doubted and not self.question.danger
        if not (self._critical(choice_id) and (taken_back or guessed)):
            return choice_id
        choice = self._choice(choice_id)
        instead = choice.if_denied if choice is not None else None
        return next((fallback for fallback in (NOT_SURE, instead)
                     if fallback and self._choice(fallback) is not None), None)

    def _outweighed(self, named: set[str]) -> set[str]:
        """``named`` without the choices one of them ``outweighs``: a two-part question takes
        its stricter part ("how many borrowed it, and does the mayor have a card" is about a
        person), never silently the milder one."""
        over = {o for cid in named if (c := self._choice(cid)) for o in c.outweighs}
        return named - over if named - over else named

    def _in_hand(self, phrase: Phrase) -> bool:
        """The phrase's choice is met only by a thing in hand now (``in_hand`` in the flow);
        danger questions never ("hurt at home" is danger)."""
        choice = self._choice(phrase.choice)
        return choice is not None and choice.in_hand and not self.question.danger

    def _choice(self, choice_id: str) -> Choice | None:
        """``self.question.choice(choice_id)``."""
        return self._choices_by_id.get(choice_id)

    def choice(self, choice_id: str) -> Choice | None:
        """``self.question.choice(choice_id)``, in one lookup (prefill asks it of every hit)."""
        return self._choices_by_id.get(choice_id)

    def _critical(self, choice_id: str) -> bool:
        choice = self._choice(choice_id)
        return choice is not None and choice.critical

    def _normalised(self, text: str) -> tuple[str, ...]:
        return _fact_words(self.normaliser, text)

    def _said(self, text: str) -> Said:
        """``text`` cut and normalised for this question (``Said.of``). Within one reading of a
        message (``one_reading``: routing it, prefilling it) the questions whose normalisers
        correct its words alike share one: their words differ only where one corrects a
        misspelling (most messages have none a question's words are near). Each question
        works out its own once per reading (``hits``, ``contradicted`` and the rest ask)."""
        if not reading_memo_active():
            return Said.of(text, self._normalised)
        return remembered(("said for", self, text), lambda: self._said_once(text))

    def _said_once(self, text: str) -> Said:
        """``_said`` within a reading. The key, this question's corrections of the words
        ``Said.of`` normalises (``correctable_words``: every other word it leaves as it is),
        also normalises them: each piece's words with those fixes, articles dropped, as
        ``_normalised`` makes them (a dictionary lookup per word, not a correction)."""
        key = self._corrections(text)
        if not key:  # (most questions: no word of the message is corrected)
            return Said.of(text, _plain_fact_words, key=key)
        fixes = dict(key)

        def normalise(piece: str) -> tuple[str, ...]:
            found = words(piece)
            return tuple(w for w in map(fixes.get, found, found) if w not in ARTICLES)

        return Said.of(text, normalise, key=key)

    def _corrections(self, text: str) -> tuple[tuple[str, str], ...]:
        """(word, its correction) for each of ``correctable_words(text)`` that this question's
        normaliser changes, in order: what sets its reading of ``text`` apart (``_said``). Only
        the words outside ``kept_words`` can change (set aside once per message for every
        question: most of a message's long words are common ones). Those of fewer than nine
        letters, corrected only to a known word one edit away, are looked up all at once: when
        none of the strings they make with at most one letter dropped is one the vocabulary's
        words make (``_near_cuts``), none is corrected, and only the longer words are looked at
        one by one (for most questions and messages: a dozen lookups fewer per question)."""
        found = _uncommon_words(text)
        if not found:  # (most messages: every long word is a common or cue word)
            return ()
        cuts = remembered(("uncommon short words' cuts", text), lambda: frozenset(
            cut for w in found if len(w) < 9 for cut in one_letter_cuts(w)))
        if cuts.isdisjoint(self._near_cuts):
            found = tuple(w for w in found if len(w) >= 9)
        correct = self.normaliser.correct
        return tuple((w, fixed) for w in found if (fixed := correct(w)) != w)

    @cached_property
    def _near_cuts(self) -> frozenset[str]:
        """Every string the vocabulary's words of five letters or more make with at most one
        letter dropped: the keys of ``Normaliser``'s index of words one edit away. A word of
        fewer than nine letters none of whose own such strings is among them is one edit from
        no known word, so the normaliser leaves it as it is."""
        return frozenset(cut for known in self.normaliser.vocabulary if len(known) >= 5
                         for cut in one_letter_cuts(known))

    def _read(self, said: Said, *, specific_only: bool) -> list[Hit]:
        """Every phrase found in ``said`` (longest wins where they overlap), each read."""
        found: list[Hit] = self._denials(said)
        by_first, at = self._by_first_fact, said.at
        # (where a phrase may start: the message's words that open one, in order)
        starts = sorted((i, first) for first in at.keys() & by_first.keys() for i in at[first])
        for start, first in starts:
            for phrase in by_first[first]:
                size = len(phrase.fact_words)
                end = start + size
                if said.words[start:end] != phrase.fact_words:
                    continue
                if said.clause[start] != said.clause[end - 1]:  # (numbered in order)
                    continue  # a phrase does not run across a comma
                if specific_only and not phrase.specific:
                    continue
                if said.other_kind(start) or said.takes_object(start, end):
                    continue  # "arrest warrant", "passed out flyers": not the choice's thing
                if phrase.choice in self._not_pictured and said.depicted(start, end):
                    continue  # "a gun emoji", "a photo of a knife": no weapon here
                if phrase.choice in self._done_by and said.by_speaker(
                        start, self._done_by[phrase.choice]):
                    continue  # "I'm going through it": the clerk's doing, not the officers'
                if _denies_something_else(said, phrase, end):
                    continue  # "no warrant" at the emergency question: not "no emergency"
                reading = (said.danger_reading(start, end) if self.question.danger
                           else said.reading(start, end))
                if reading == DENIED and phrase.fact_words[0] in _VERB_NEGATIONS and (
                        not self.question.danger):  # ("no one knows why he isn't breathing")
                    continue  # "doesn't say we can't tell anyone": one denial undoes the other
                if phrase.fact_words[0] in NEGATIONS and reading != DOUBTED:
                    reading = STATED  # "no warrant" is itself the fact
                if self._only_offers(phrase):
                    reading = DOUBTED  # "urgent": the emergency is offered, never taken
                elif self._in_hand(phrase) and (reading == NOT_YET or (
                        reading == STATED and said.elsewhere(start, end))):
                    reading = ELSEWHERE  # "has her card at home", "says he has it", "will bring it"
                # "i don't think an adult is with him": a doubt about a denial is no doubted
                # danger to offer (review 7 m4); ``cautious`` offers Not sure instead
                denied = reading == DOUBTED and phrase.fact_words[0] not in NEGATIONS and (
                    said.denial_before(start, 3) is not None)
                # a thing that must be in hand, named with no word of having it in its clause
                # ("forgot his card, oh and the card number too", "the card number is on the
                # fridge"): offered as Not sure, never as held (review 7 M5)
                denied = denied or (
                    reading == STATED and self._in_hand(phrase)
                    and id(phrase) not in self._strong_phrases
                    and not any(said.words[i] in HOLDING and said.clause[i] == said.clause[start]
                                for i in range(len(said.words))))
                found.append(Hit(phrase.choice, phrase, start, end, reading,
                                 id(phrase) in self._strong_phrases, denied))  # (_is_strong)
        kept = _without_senders(said, _outermost(found))
        out = []
        for h in kept:
            undone = self._taken_back(said, h, whole=False)
            strong = h.strong and not undone and said.clean(
                h.start, h.end, _hedged_alike(said, h, kept), of_danger=self.question.danger)
            taken_back = h.taken_back or (undone and self._taken_back(
                said, h, whole=False, outright=True))
            # (the hit as found when neither changed, as for most: a Hit costs to make)
            out.append(h if strong is h.strong and taken_back is h.taken_back else
                       Hit(h.choice, h.phrase, h.start, h.end, h.reading, strong, taken_back))
        return out

    def _is_strong(self, phrase: Phrase) -> bool:
        """The phrase is, or contains, one of its choice's ``strong`` phrases ("a court order
        signed by a judge" contains "court order")."""
        words_ = phrase.fact_words
        return any(
            choice == phrase.choice and any(
                words_[i : i + len(strong)] == strong for i in range(len(words_) - len(strong) + 1))
            for choice, strong in self._strong
        )

    def _denials(self, said: Said) -> list[Hit]:
        """Denial phrases said another way: "no paperwork" in "no court paperwork at all",
        "without any paperwork", "doesn't have paperwork" (a denial cue, then at most
        ``DENIAL_GAP`` words, then the rest of the phrase)."""
        found: list[Hit] = []
        at = said.at
        present = at.keys() & self._negated_at.keys()
        if not present:  # (most messages and questions)
            return found
        # (the phrases whose word after the negation the message holds, in their order)
        order = sorted(k for first in present for k in self._negated_at[first])
        negated = self._negated
        for phrase, tail in map(negated.__getitem__, order):
            for start in at[tail[0]]:
                end = start + len(tail)
                if said.words[start:end] != tail or len(set(said.clause[start:end])) != 1:
                    continue
                cue = said.denial_before(start, DENIAL_GAP)
                if cue is None:
                    continue
                if self._no_verb_denial(said, phrase, cue, start, end):
                    continue
                reading = DOUBTED if said.reading(start, end) == DOUBTED else STATED
                found.append(Hit(phrase.choice, phrase, cue, end, reading, False))
        return found

    def _no_verb_denial(self, said: Said, phrase: Phrase, cue: int, start: int,
                        end: int) -> bool:
        """A negated verb's phrase ("can't tell anyone") found after a denial cue that does not
        say it: "nothing about telling anyone", "don't have to tell anyone", "doesn't say not
        to tell anyone" ("nobody can find her child" does; questions about danger are left as
        they read). Its own method so the plain loop the tests compare with asks the same."""
        return (phrase.fact_words[0] in _VERB_NEGATIONS and not self.question.danger and (
            (said.words[cue] in _THING_NEGATIONS and (
                cue + 1 < start or said.words[cue] == "without"))
            or not cues().holding.isdisjoint(said.words[cue:start])
            or said.reading(cue, end) == DENIED))


def _hedged_alike(said: Said, hit: Hit, found: list[Hit]) -> frozenset[int]:
    """Clauses (other than the hit's own) where another phrase for the same choice was found:
    a doubt there is about that phrase, not this one ("passed out, think it's an overdose")."""
    own = said.clause[hit.start]
    return frozenset(said.clause[o.start] for o in found
                     if o.choice == hit.choice and said.clause[o.start] != own)


def _denies_something_else(said: Said, phrase: Phrase, end: int) -> bool:
    """A bare "no" (or "not", "never") that runs straight on, in its clause, into a word of
    meaning denies that word, not the question: "no warrant" asked whether it is an emergency
    is not "no, it's not an emergency". "No, he's 17" and "no he refuses" still say no."""
    return (bool(phrase.fact_words) and all(w in NEGATIONS for w in phrase.fact_words)
            and end < len(said.words) and said.clause[end] == said.clause[end - 1]
            and is_content(said.words[end]))


def _taken_back_by_but(said: Said, hits: list[Hit]) -> bool:
    """Every phrase found sits before a sentence opened by "but" (or "though", "however") that
    names no choice: it takes back or adds to what they say, so the answer is not clear ("no
    one hurt, but he threatened us"). "No warrant, but a subpoena" names its answer after the
    "but" and stands."""
    return bool(hits) and any(
        not any(said.sentence[h.start] >= sentence for h in hits)
        for sentence in said.contrasted)


def _after_correction(said: Said, found: list[Hit]) -> list[Hit]:
    """What the latest correction says about this question, when it says anything ("it's a
    subpoena. wait actually it's a court order": the court order): the words it corrects are
    no longer the fact. A correction about something else leaves the question's hits alone."""
    for opened in sorted(said.corrects, reverse=True):
        later = [h for h in found if said.sentence[h.start] >= opened]
        if later:
            return later
    return found


def _without_senders(said: Said, found: list[Hit]) -> list[Hit]:
    """Phrases that name who sent or issued something ("a subpoena *from a divorce lawyer*")
    drop out when another choice is named as the thing itself: the paper is a subpoena. Alone
    ("it's from a lawyer") they still answer."""
    senders = [h for h in found if said.sender(h.start)]
    if not senders:  # (most messages)
        return found
    things = {h.choice for h in found if h not in senders}
    return [h for h in found if h not in senders or not things - {h.choice}]


def _outermost(found: list[Hit]) -> list[Hit]:
    """A phrase found inside a longer phrase that was also found does not count on its own."""
    if len(found) < 2:  # (most questions of a message: one phrase found, or none)
        return found
    return [
        h for h in found
        if not any(
            o is not h and o.start <= h.start and h.end <= o.end
            and (o.end - o.start) > (h.end - h.start)
            for o in found
        )
    ]


# Negations of a verb ("can't tell anyone", "not to tell anyone"): a denial before one undoes
# it ("doesn't say we can't tell anyone", "nobody said not to"), and it is never said another
# way with a negation of a mere thing (``_THING_NEGATIONS``: "nothing about telling anyone",
# "left without telling anyone"; "nothing due today" is "not due today": right before it, only
# "without" is not) or of having ("don't have to tell anyone"). A negation of a
# thing said twice only stresses it ("didn't have no warrant"): "no", "nothing", "without"...
# are not these. Never on a question about danger, where the cautious reading is the danger
# ("no one knows why he isn't breathing", "nobody can find him").
_VERB_NEGATIONS = frozenset(stem(word) for word in (
    "not", "dont", "doesnt", "didnt", "isnt", "wasnt", "arent", "werent", "cant", "cannot",
    "wont", "hasnt", "havent", "hadnt", "never"))
_THING_NEGATIONS = frozenset(stem(word) for word in ("nothing", "without", "none", "zero"))

# Typed answers that may select a safety-critical choice (a release condition, danger, abuse
# material) are refused when they carry any of these: a question, a denial, a promise or a
# qualifier ("warrant? no", "arrest warrant", "expired warrant", "he'll sign later").
AFFIRMATIONS = frozenset({"yes", "y", "yep", "yeah", "yup", "correct", "right", "true", "ya",
                          "yea", "sure", "affirmative"})
# After a leading "no", saying no again is agreement: "nope, didn't see one", "no, he won't".
NEGATIVE_WORDS = frozenset({
    "no", "not", "nope", "nah", "never", "none", "without", "won't", "wont", "can't", "cant",
    "doesn't", "doesnt", "didn't", "didnt", "isn't", "isnt", "hasn't", "hasnt", "refuses",
    "refused"})
QUALIFIERS = frozenset({
    "no", "not", "nope", "nah", "never", "none", "without", "lacks", "lack", "missing",
    "won't", "wont", "can't", "cant", "doesn't", "doesnt", "didn't", "didnt", "isn't", "isnt",
    "hasn't", "hasnt", "refuses", "refused", "yet", "later", "pending", "coming", "will",
    "would", "could", "might", "maybe", "may", "going", "gonna", "get", "bring", "claims",
    "claimed", "thinks", "doubt", "unsure", "if", "after", "expired", "he'll", "she'll",
    "they'll", "he'd", "she'd", "they'd",
    "arrest", "copy", "photo", "phone", "screen", "number", "only", "just", "fake", "old",
    "doubtful", "probably", "perhaps", "supposedly", "allegedly",
})


def _uncommon_words(text: str) -> tuple[str, ...]:
    """``correctable_words(text)`` outside ``kept_words`` (which no question corrects), in
    order, worked out once per text within a reading for every question's ``_corrections``."""
    return remembered(("uncommon words", text), lambda: tuple(
        w for w in correctable_words(text) if w not in kept_words()))


def _raw_words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower().replace("\u2019", "'"))


def _typed_words(text: str) -> frozenset[str]:
    """``_raw_words(text)`` as a set, worked out once per text within a reading
    (``remembered``) for every critical choice of every question that asks
    ``ChoiceMatcher.aliased`` of it."""
    return remembered(("typed words", text), lambda: frozenset(_raw_words(text)))


@cache
def matcher(question: Question) -> ChoiceMatcher:
    return ChoiceMatcher(question)
