"""How a sentence says a phrase: stated, denied ("lacks a warrant"), deferred ("warrant later")
or doubted ("maybe a warrant").

Finding a choice's phrase in what staff wrote is half the job; the other half is whether they
said it is so. The cue words live in data (``bot/data/routing/cues.yaml``), normalised like
everything the router reads, so "doesn't have", "lacks" and "without" are one kind of cue.

``Said`` is a message cut into words that remember their sentence and clause (commas), because
a cue reaches a phrase only within limits: "no" before a comma is about something else, and a
doubt in one sentence does not doubt the next. ``reading`` classifies one phrase found at
``start:end``; ``clean`` says whether nothing anywhere near doubts it (a strong cue).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Hashable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any, TypeVar

from bot.lazyregex import LazyPattern, lazy
from bot.percall import PerCall
from bot.router.text import correctable, is_content, read_data, undotted, words

REACH = 5  # a cue before a phrase reaches it across at most this many words
SHORT_REACH = 3  # ... a determiner ("no", "without") across this many
REACH_AFTER = 3  # a cue after a phrase: "warrant not yet", "warrant is pending"
WHO_REACH = 8  # who does a thing: the nearest named, back through its clause ("police came
# with a court order and are going through the files")

V = TypeVar("V")

STATED, DENIED, NOT_YET, DOUBTED = "stated", "denied", "not-yet", "doubted"
# A thing that must be in hand, said to be elsewhere or only claimed ("her card is at home",
# "says he has it"): neither taken nor offered (``Said.elsewhere``).
ELSEWHERE = "elsewhere"
# Who a phrase says does it (``Said.who_does``): someone the flow names, or the clerk.
DOER, SPEAKER = "doer", "speaker"

# Sentences end at these (and at "but": "no warrant but a subpoena" states two things).
# (The lookahead holds the first character of every alternative: a case-insensitive
# alternation is tried branch by branch at every position, the lookahead once.)
_SENTENCE = re.compile(r"(?=[.!?;\nbhato])(?:[.!?;\n]+|\b(?:but|however|although|though)\b"
                       r"|\b(?P<aside>btw|by the way|oh and|and also)\b)", re.IGNORECASE)
_CLAUSE = re.compile(r"[,:()\u2014\u2013]|\s-\s")
_ARTICLES = frozenset({"a", "an", "the"})
# "her husband's", "Maria's": a possessive noun names an owner. Contractions are not ("it's").
_POSSESSIVE = re.compile(r"\b([A-Za-z]+)['\u2019]s\b")
# "it isn't hers", "not his own": the thing belongs to someone else.
_DISOWNED = re.compile(r"\b(?=[niaw])(?:not|isn['\u2019]?t|is not|aren['\u2019]?t|"
                       r"wasn['\u2019]?t)\s+"
                       r"(?:his|hers|theirs|her own|his own|their own|yours|mine)\b"
                       # "she's not his mom": who she is to him, not whose a thing is
                       r"(?!\s+(?:mom|mum|mother|dad|father|parent|guardian|wife|husband|son|"
                       r"daughter|kid|child|sister|brother|grand\w*|aunt|uncle|girlfriend|"
                       r"boyfriend|partner|friend|sitter|babysitter|nanny)s?\b)", re.I)
# "*her* son", "*the* boy": a person named as someone's relative, or one already mentioned
_KIN = re.compile(r"\b(?=[htmyo])(?:his|her|their|my|your|our|the|that|this)\s+([A-Za-z]+)",
                  re.I)
# What a camera records: a past word dating one of these dates the recording
# (``Said._not_dating_a_thing``), normalised as every word is. Not "recordings": it is "records"
# once stemmed, and "last month's records" may be a patron's (nor "security", cctv's slang).
_RECORDED = frozenset(words("footage video videos tape tapes clip clips cctv camera cameras dvr")
                      ) - frozenset(words("records security"))
_CONTRACTED = frozenset({"it", "that", "he", "she", "what", "there", "who", "here", "where",
                         "let", "how", "this", "why", "when"})


@dataclass(frozen=True)
class Cues:
    denied_before: frozenset[tuple[str, ...]]
    yet_before: frozenset[tuple[str, ...]]
    yet_after: frozenset[tuple[str, ...]]
    doubt: frozenset[tuple[str, ...]]
    doubt_critical: frozenset[tuple[str, ...]]
    caution_before: frozenset[tuple[str, ...]]
    scope_ends: frozenset[str]
    holding: frozenset[str]
    question_openers: frozenset[tuple[str, ...]]
    short_reach: frozenset[tuple[str, ...]]
    other_kind: frozenset[str]
    takes_object: frozenset[tuple[str, ...]]
    others: frozenset[tuple[str, ...]]
    contrast: frozenset[tuple[str, ...]]
    defeats: frozenset[tuple[str, ...]]
    says_yes: tuple[LazyPattern, ...] = ()
    says_no: tuple[LazyPattern, ...] = ()
    says_unsure: tuple[LazyPattern, ...] = ()
    hedges: tuple[LazyPattern, ...] = ()
    corrections: tuple[LazyPattern, ...] = ()
    sender_before: frozenset[tuple[str, ...]] = frozenset()
    elsewhere: frozenset[tuple[str, ...]] = frozenset()
    confirms_offer: frozenset[tuple[str, ...]] = frozenset()
    rejects_offer: frozenset[tuple[str, ...]] = frozenset()
    threats: frozenset[tuple[str, ...]] = frozenset()  # yet_before cues that defer forward only
    opens_correction: LazyPattern | None = None  # any of ``corrections`` (``_any_opener``)
    named_title: LazyPattern | None = None  # ``named_titles`` and the name after one
    depicted_after: frozenset[str] = frozenset()  # "a gun *emoji*": a picture of the thing
    depicted_before: frozenset[tuple[str, ...]] = frozenset()  # "a *photo of* a knife"
    speaker_before: frozenset[tuple[str, ...]] = frozenset()  # "*I'm* searching for her"

    def corrected(self, text: str) -> str | None:
        """The words after a correction's opener ("wait, actually it's a subpoena" -> "it's a
        subpoena"), openers in a row taken together; None when ``text`` opens with none."""
        if self.opens_correction is not None and not self.opens_correction.match(text):
            return None  # (most clauses: one pass instead of one per opener)
        rest = None
        while True:
            found = next((m for p in self.corrections if (m := p.match(rest or text))), None)
            if found is None or not found.group(2).strip():
                return rest
            rest = found.group(2)

    def lead(self, text: str) -> tuple[bool, str, str] | None:
        """(negative, the pause after it, the rest) when ``text`` opens with a plain yes or no
        ("nope, didn't see one" -> (True, ", ", "didn't see one")); the longest opener wins.
        An answer that opens unsure ("not sure", "she didn't say") has none."""
        if self.unsure(text):
            return None
        for negative, group in ((True, self.says_no), (False, self.says_yes)):
            for pattern in group:
                if found := pattern.match(text):
                    return negative, found.group(1), found.group(2)
        return None

    def offer_reply(self, text: str) -> bool | None:
        """True when ``text`` is nothing but a plain yes ("Yes!", "yep, that's right"), False
        when nothing but a plain no ("nope", "no, not that"), else None: how a reply to the
        bot's own "Did you mean …?" takes or turns down what it offered."""
        said = tuple(w for w in words(text) if w not in _ARTICLES)
        for group, verdict in ((self.confirms_offer, True), (self.rejects_offer, False)):
            if said and _made_of(said, group):
                return verdict
        return None

    def unsure(self, text: str) -> bool:
        """``text`` opens by saying staff don't know ("not sure, it just says urgent"), or is
        a hedge alone or before a pause ("I think so", "probably, he said so")."""
        if any(p.match(text) for p in self.says_unsure):
            return True
        return any((found := p.match(text)) and (found.group(1).strip() or not found.group(2))
                   for p in self.hedges)

    def vocabulary(self) -> set[str]:
        """Every cue word: a matcher never 'corrects' one into a choice's word."""
        out: set[str] = set(self.scope_ends | self.holding | self.other_kind)
        for group in (self.denied_before, self.yet_before, self.yet_after, self.doubt,
                      self.doubt_critical, self.caution_before, self.others, self.contrast,
                      self.defeats, self.elsewhere):
            for cue in group:
                out.update(cue)
        return out


@cache
def _by_first(group: frozenset[tuple[str, ...]]) -> dict[str, tuple[tuple[str, ...], ...]]:
    """The cues of ``group`` by the word each starts with (in the group's order): a word most
    messages hold none of is decided in one lookup, and only its own cues are compared."""
    found: dict[str, list[tuple[str, ...]]] = {}
    for cue in group:
        found.setdefault(cue[0], []).append(cue)
    return {word: tuple(cues_) for word, cues_ in found.items()}


@cache
def _by_last(group: frozenset[tuple[str, ...]]) -> dict[str, tuple[tuple[str, ...], ...]]:
    """The cues of ``group`` by the word each ends with (in the group's order)."""
    found: dict[str, list[tuple[str, ...]]] = {}
    for cue in group:
        found.setdefault(cue[-1], []).append(cue)
    return {word: tuple(cues_) for word, cues_ in found.items()}


@cache
def union(*groups: frozenset[tuple[str, ...]]) -> frozenset[tuple[str, ...]]:
    """The cues of all ``groups``, made once (a union made at each reading cost more than the
    reading, and was hashed again for its index each time)."""
    return frozenset().union(*groups)


@cache
def _without(group: frozenset[tuple[str, ...]],
             ignore: frozenset[tuple[str, ...]]) -> frozenset[tuple[str, ...]]:
    return group - ignore


@cache
def cues() -> Cues:
    raw = read_data("cues.yaml")

    def phrases(key: str) -> frozenset[tuple[str, ...]]:
        # articles dropped, as in the messages they are matched against ("on the way")
        return frozenset(w for w in (tuple(x for x in words(str(entry)) if x not in _ARTICLES)
                                     for entry in raw[key]) if w)

    def single(key: str) -> frozenset[str]:
        return frozenset(w for entry in raw[key] for w in words(str(entry)))

    return Cues(phrases("denied_before"), phrases("yet_before"), phrases("yet_after"),
                phrases("doubt"), phrases("doubt_critical"), phrases("caution_before"),
                single("scope_ends"), single("holding"), phrases("question_openers"),
                phrases("short_reach"), single("other_kind"),
                phrases("takes_object"), phrases("others"), phrases("contrast"),
                phrases("defeats"), _openers(raw["says_yes"]), _openers(raw["says_no"]),
                _openers(raw["says_unsure"]), _openers(raw["hedges"]),
                _openers(raw["corrections"]), phrases("sender_before"), phrases("elsewhere"),
                phrases("confirms_offer"), phrases("rejects_offer"), phrases("threats"),
                _any_opener(raw["corrections"]), _named_title(raw["named_titles"]),
                single("depicted_after"), phrases("depicted_before"),
                phrases("speaker_before"))


def _made_of(said: tuple[str, ...], group: frozenset[tuple[str, ...]]) -> bool:
    """``said`` is one or more of ``group``'s phrases, end to end."""
    ends = {0}
    for start in range(len(said)):
        if start in ends:
            ends.update(start + len(p) for p in group if said[start:start + len(p)] == p)
    return len(said) in ends


def _opener(entry: str) -> str:
    """The words of ``entry`` as a pattern, each apostrophe optional."""
    def word(w: str) -> str:
        return "".join(re.escape(ch) + ("['\u2019]?" if ch.isalpha() else "")
                       for ch in w.replace("'", ""))

    return r"\s+".join(word(w) for w in str(entry).lower().split())


def _openers(entries: list[str]) -> tuple[LazyPattern, ...]:
    """Patterns for answers opening with one of ``entries``, longest first: the opener, then
    (group 1) the pause after it and (group 2) the rest. Apostrophes are optional."""
    ordered = sorted(entries, key=lambda e: len(str(e).split()), reverse=True)
    # compiled on first use: routing a message reads only the corrections' (answers the rest)
    return tuple(lazy(r"^\s*" + _opener(entry) + r"\b([\s,.;:!\-\u2014\u2013]*)(.*)$",
                      re.IGNORECASE | re.DOTALL)
                 for entry in ordered)


def _any_opener(entries: list[str]) -> LazyPattern:
    """Matches where one of ``_openers(entries)`` does (one pass over the text instead of one
    per entry: most clauses open with none)."""
    return lazy(r"^\s*(?:" + "|".join(_opener(entry) for entry in entries) + r")\b",
                re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class Said:
    """A message as normalised words, each with the sentence and clause it sits in."""

    words: tuple[str, ...]
    sentence: tuple[int, ...]
    clause: tuple[int, ...]
    questions: frozenset[int]  # sentences that end with a question mark
    asked: frozenset[int] = frozenset()  # clauses that ask ("is this card stolen?")
    contrasted: frozenset[int] = frozenset()  # sentences opened by "but", "though", "however"
    # (clause, word, followed by another word) for each possessive noun ("her husband's")
    owners: frozenset[tuple[int, str, bool]] = frozenset()
    kin: frozenset[tuple[int, str]] = frozenset()  # (clause, word) after "his", "her", "their"
    corrects: frozenset[int] = frozenset()  # sentences opened by a correction ("wait actually")

    @classmethod
    def of(cls, text: str, normalise, *, key: Hashable | None = None) -> Said:
        """Cut ``text`` into sentences and clauses, then normalise each piece (``normalise``:
        text -> words, e.g. a matcher's ``_fact_words``).

        ``key``: what sets ``normalise`` apart from another on this text (a matcher's typo
        corrections of ``correctable_words(text)``): within a ``one_reading`` block the result
        is worked out once per text and key, so the questions of a message whose normalisers
        correct none of its words alike share one reading of it. Two normalisers given the
        same key must make the same words of every piece."""
        if key is None:
            return cls._of(text, normalise)
        return remembered(("said", text, key), lambda: cls._of(text, normalise))

    @classmethod
    def _of(cls, text: str, normalise) -> Said:
        out: list[str] = []
        sentence: list[int] = []
        clause: list[int] = []
        asked: set[int] = set()
        asking: set[int] = set()
        contrasted: set[int] = set()
        owners: set[tuple[int, str, bool]] = set()
        kin: set[tuple[int, str]] = set()
        corrects: set[int] = set()
        clause_no = 0
        openers = cues().question_openers
        for s_no, (is_question, by_contrast, correcting, parts) in enumerate(_cut(text)):
            if is_question:
                asked.add(s_no)
            if by_contrast:
                contrasted.add(s_no)
            if correcting:
                corrects.add(s_no)
            for part in parts:
                found = normalise(part.text)
                kin.update((clause_no, w) for named in part.kin for w in normalise(named))
                if part.disowned:
                    owners.add((clause_no, "", False))
                for owner, more in part.owners:
                    owners.update((clause_no, w, more) for w in normalise(owner))
                if is_question and any(found[: len(o)] == o for o in openers):
                    asking.add(clause_no)
                out.extend(found)
                sentence.extend([s_no] * len(found))
                clause.extend([clause_no] * len(found))
                clause_no += 1
        return cls(tuple(out), tuple(sentence), tuple(clause), frozenset(asked),
                   frozenset(asking), frozenset(contrasted), frozenset(owners), frozenset(kin),
                   frozenset(corrects))

    @cached_property
    def _owned(self) -> frozenset[tuple[int, str]]:
        """(clause, word) of each owner named (``owners`` without whether words follow)."""
        return frozenset(owner[:2] for owner in self.owners)

    @cached_property
    def at(self) -> dict[str, tuple[int, ...]]:
        """Where each word stands (its positions in ``words``, in order): worked out once for
        the questions that share this reading."""
        found: dict[str, list[int]] = {}
        for i, word in enumerate(self.words):
            found.setdefault(word, []).append(i)
        return {word: tuple(places) for word, places in found.items()}

    # --- reading one phrase -------------------------------------------------------------------

    def reading(self, start: int, end: int) -> str:
        """``stated``; ``denied`` ("lacks a warrant"); ``not-yet`` (promised, pending, threatened:
        "will get a warrant", "warrant pending", "threatening to come back with a gun"); or
        ``doubted`` (a hedge in its clause, or a clause that asks: "is this card stolen?")."""
        return self._once(("reading", start, end), lambda: self._reading(start, end))

    def danger_reading(self, start: int, end: int) -> str:
        """``reading`` of a phrase that answers whether someone is in danger: a threat made
        now, to someone (``threat_now``: "threatening staff with a knife"), defers nothing, as
        a threat after the phrase does not (``clean``); "threatening to come back with a gun"
        still does. Of a paper a threat stays a promise ("threatening us with a court order")."""
        read = self.reading(start, end)
        if read != NOT_YET:
            return read
        c = cues()
        if self._before(start, c.yet_before, threats_now=False) or self._after(end, c.yet_after):
            return NOT_YET
        return STATED

    def threat_now(self, i: int) -> bool:
        """Word ``i`` is a threat cue made to someone now, not one of a thing to come: it is not
        followed by "to" ("threatening *staff* with a knife", not "threatening *to* come
        back")."""
        return (self.words[i],) in cues().threats and (
            i + 1 >= len(self.words) or self.words[i + 1] != "to")

    def _reading(self, start: int, end: int) -> str:
        if self.clause[start] in self.asked or self._doubt(
                start, end, lambda i: self.clause[i] == self.clause[start]):
            return DOUBTED
        c = cues()
        if self._before(start, c.denied_before):
            return DENIED
        if self._before(start, c.yet_before) or self._after(end, c.yet_after):
            return NOT_YET
        return STATED

    def clean(self, start: int, end: int, excused: frozenset[int] = frozenset(),
              *, of_danger: bool = False) -> bool:
        """Nothing denies, defers or doubts the phrase at ``start:end``: no cue in its sentence,
        no doubt anywhere in the message, and its sentence is not a question.

        A plain doubt in one of the ``excused`` clauses does not count: there it hedges another
        phrase for the same answer ("someone passed out, I think it's an overdose" doubts the
        cause, not that someone passed out). ``of_danger``: the phrase answers whether someone
        is in danger, where a threat after it is more danger, not a deferral ("pulled a knife
        and is threatening the librarian"); of a paper it is a promise ("court order - he's
        threatening to go to a judge for one", review 6 C6)."""
        c = cues()
        sentence = self.sentence[start]
        if sentence in self.questions:
            return False
        if self._doubt(start, end, lambda i: self.clause[i] not in excused, c.doubt) or (
                self._doubt(start, end, self._not_dating_a_thing, c.doubt_critical)
                or self._before(start, c.caution_before)):
            return False
        same = lambda j: self.sentence[j] == sentence  # noqa: E731
        # a denial, promise or deferral anywhere in the sentence ("search warrant, he will
        # have it by tonight"); a threat only before the phrase and in its clause ("threatening
        # to come back with a gun"): "pulled a knife and is threatening the librarian" defers no
        # knife, nor does "threatening to shoot people, he has a gun" the gun he has in a clause
        # of its own (play-test 9 P9-4)
        before = union(c.denied_before, c.yet_before, c.yet_after)
        after = _without(before, c.threats) if of_danger else before
        return not any(
            self._cue_at(i, before if i < start else after, same) is not None
            for i in self._starts(before) if not start <= i < end
            and not (of_danger and i < start and (self.threat_now(i) or (
                self.clause[i] != self.clause[start]
                and self._cue_at(i, c.threats, same) is not None)))
        )

    def _not_dating_a_thing(self, i: int) -> bool:
        """Word ``i`` does not say when a recording asked for was made: "*yesterday's* video",
        "footage *from last night*", "video from 2 days *ago*" date the footage, not the fact
        ("police investigating a hit and run want yesterday's video" is an investigation now).
        A past cue with one of its words so placed is no doubt. Only of a recording
        (``_RECORDED``): a card or a permission "from last week" stays doubted, as before."""
        words, clause = self.words, self.clause

        def recorded(j: int) -> bool:
            return 0 <= j < len(words) and clause[j] == clause[i] and words[j] in _RECORDED

        if (clause[i], words[i], True) in self.owners:  # "yesterday's (parking lot) video"
            return not any(recorded(j) for j in range(i + 1, i + 4))
        at = i - 1 if i > 0 and words[i - 1] == "from" else (
            i - 3 if i > 2 and words[i - 3] == "from" and words[i - 2].isdigit() else -1)
        return not (at > 0 and clause[at] == clause[i] and recorded(at - 1))

    def _doubt(self, start: int, end: int, within,
               group: frozenset[tuple[str, ...]] | None = None) -> bool:
        group = group or cues().doubt
        return any(
            self._cue_at(i, group, within, outside=(start, end)) is not None
            for i in self._starts(group) if within(i) and not start <= i < end
        )

    def _starts(self, group: frozenset[tuple[str, ...]]) -> list[int]:
        """Where a cue of ``group`` may start: the words some cue of it starts with (most
        messages hold none). Found once per group for every phrase and question that asks."""
        firsts = _by_first(group)
        return self._once(("starts", group), lambda: [
            i for i, word in enumerate(self.words) if word in firsts])

    def _once(self, key: Hashable, work: Callable[[], V]) -> V:
        """``work()``, worked out once per ``key`` for this reading: the questions of a message
        that share it (``Said.of``'s key) often ask the same of the same phrase (two flows'
        "what do they want", one phrase found by several questions). Nothing is kept past the
        reading, which lives no longer than its call (``one_reading``)."""
        memo = self._memo
        if key in memo:
            return memo[key]  # type: ignore[return-value]
        found = memo[key] = work()
        return found

    @cached_property
    def _memo(self) -> dict[Hashable, object]:
        return {}

    def clause_of(self, i: int) -> range:
        """The positions of the words of word ``i``'s clause (one run: ``_run``)."""
        return self._run(self.clause, self.clause[i])

    def _run(self, numbers: tuple[int, ...], number: int) -> range:
        """The positions of the words of sentence or clause ``number`` (``numbers``:
        ``self.sentence`` or ``self.clause``, which ``Said.of`` numbers in order, so that each
        is one run of positions)."""
        return range(bisect_left(numbers, number), bisect_right(numbers, number))

    def _cue_at(self, i: int, group: frozenset[tuple[str, ...]], within,
                outside: tuple[int, int] = (0, 0)) -> tuple[str, ...] | None:
        """The cue of ``group`` that starts at word ``i`` (all its words ``within``)."""
        for cue in _by_first(group).get(self.words[i], ()):  # (none: the common case)
            stop = i + len(cue)
            if self.words[i:stop] != cue:
                continue
            if all(within(j) and not outside[0] <= j < outside[1] for j in range(i, stop)):
                return cue
        return None

    def denial_before(self, start: int, gap: int) -> int | None:
        """Where a denial cue starts, if one ends at most ``gap`` words before ``start`` in the
        same clause with no scope end or word of holding between; else None. (Once per
        reading: every denial phrase of every question that shares it asks of the same word.)"""
        return self._once(("denial before", start, gap), lambda: self._denial_before(start, gap))

    def _denial_before(self, start: int, gap: int) -> int | None:
        c = cues()
        clause = self.clause[start]
        ends = _by_last(c.denied_before)
        for j in range(start - 1, max(-1, start - 2 - gap), -1):
            if self.clause[j] != clause:
                return None
            for cue in ends.get(self.words[j], ()):
                first = j - len(cue) + 1
                if first >= 0 and self.words[first : j + 1] == cue and self.clause[first] == clause:
                    return first
            if self.words[j] in c.scope_ends or self.words[j] in c.holding:
                return None
        return None

    def _before(self, start: int, group: frozenset[tuple[str, ...]], *,
                threats_now: bool = True) -> bool:
        """A cue ends within ``REACH`` words before ``start``, in the same clause, with no
        scope end or word of holding between ("asked for the records, has a warrant").
        ``threats_now=False``: a threat made to someone now (``threat_now``) is no such cue."""
        c = cues()
        clause = self.clause[start] if start < len(self.clause) else -1
        ends = _by_last(group)
        for j in range(start - 1, max(-1, start - 1 - REACH), -1):
            if self.clause[j] != clause:
                return False
            for cue in ends.get(self.words[j], ()):
                first = j - len(cue) + 1
                if cue in c.short_reach and start - j > SHORT_REACH:
                    continue
                if first >= 0 and self.words[first : j + 1] == cue and all(
                    self.clause[k] == clause for k in range(first, j + 1)
                ) and (threats_now or not self.threat_now(first)):
                    return True
            if self.words[j] in c.holding:
                # "never had a warrant", "does not have a warrant": a cue just before still counts
                return j > 0 and any(self.words[max(0, j - len(cue)) : j] == cue
                                     for cue in ends.get(self.words[j - 1], ()))
            if self.words[j] in c.scope_ends:
                return False
        return False

    def _after(self, end: int, group: frozenset[tuple[str, ...]]) -> bool:
        """A cue starts within ``REACH_AFTER`` words after ``end``, in the same clause, or opens
        the next clause of the sentence ("a warrant, not yet")."""
        if end == 0 or end > len(self.words):
            return False
        sentence, clause = self.sentence[end - 1], self.clause[end - 1]
        firsts = _by_first(group)  # (a cue is looked for only where one may start)
        for i in range(end, min(len(self.words), end + REACH_AFTER)):
            if self.sentence[i] != sentence:
                return False
            if self.clause[i] != clause and (i == 0 or self.clause[i - 1] == self.clause[i]):
                return False  # into the next clause only at its first word
            if self.words[i] in firsts and self._cue_at(
                    i, group, lambda j: self.sentence[j] == sentence) is not None:
                return True
            if self.words[i] in cues().scope_ends:
                return False
        return False

    def taken_back(self, start: int, end: int, *, whole: bool, about_person: bool,
                   outright: bool = False) -> bool:
        """Words beside the phrase at ``start:end`` defeat what it states: another person named
        as its holder or speaker before it ("*her son* has the card", "the *kid* says it's an
        emergency"), an owner named ("showed id, it's his *brother's*"), a contrast ("except"),
        or a state that makes it count for nothing ("blocked", "reported stolen", "not hers").

        Looked for in the phrase's clause and in a contrast sentence right after its sentence
        ("showed card *but* it's her husband's"). With ``whole`` (a short typed answer) in its
        whole sentence, any contrast at all counts, and so does any person named before the
        phrase; in an opening message, which names the asker too ("grown son with a signed
        release"), only someone's relative or friend does ("*her* son"). ``about_person``: the
        question is about a person (an age), whose naming is no shift. ``outright``: only what
        says it is not so ("not his own", "blocked", "but it's his brother's", a correction),
        not a relative named before it ("has her son's card" may be the card a parent needs)."""
        return self._once(
            ("taken back", start, end, whole, about_person, outright),
            lambda: self._taken_back(start, end, whole, about_person, outright))

    def _taken_back(self, start: int, end: int, whole: bool, about_person: bool,
                    outright: bool) -> bool:
        c = cues()
        sentence, clause = self.sentence[start], self.clause[start]
        if whole and self.contrasted:
            return True
        after = sentence + 1 if sentence + 1 in self.contrasted else -1

        def near(i: int) -> bool:
            if self.sentence[i] == after:
                return True
            return self.sentence[i] == sentence if whole else self.clause[i] == clause

        # (the words ``near`` holds: the phrase's clause, or its sentence, then the one after)
        own = self._run(self.sentence, sentence) if whole else self._run(self.clause, clause)
        scope = [i for i in (*own, *self._run(self.sentence, after)) if not start <= i < end]
        owners = self.owners
        if owners and any((self.clause[i], "", False) in owners for i in scope):
            return True  # "showed id, it isn't hers"
        states = union(c.contrast, c.defeats)
        # (a cue is looked for only at a word one starts with: most words start none; with no
        # owner named, a word that starts none changes nothing)
        stating, naming = _by_first(states), _by_first(c.others)
        words = self.words
        if not owners:
            scope = [i for i in scope if words[i] in stating or words[i] in naming]
        else:  # (or is an owner named in its clause: any other word changes nothing either)
            owned, clauses = self._owned, self.clause
            scope = [i for i in scope if words[i] in stating or words[i] in naming
                     or (clauses[i], words[i]) in owned]
        for i in scope:
            word = self.words[i]
            if word in stating and self._cue_at(i, states, near, outside=(start, end)) is not None:
                return True
            if about_person:
                continue
            in_contrast = self.sentence[i] == after
            owner = [o for o in owners if o[:2] == (self.clause[i], word)] if owners else None
            if owner and (in_contrast or not all(o[2] for o in owner)):
                return True  # "it's his brother's", not "someone's life is in danger"
            named = whole or (self.clause[i], word) in self.kin
            if word in naming and (i < start or in_contrast) and named and self._cue_at(
                    i, c.others, near, outside=(start, end)) and (
                    not outright or in_contrast or sentence in self.corrects):
                return True  # "her son has the card", not "lent it to her son"
        return False

    def elsewhere(self, start: int, end: int) -> bool:
        """The phrase at ``start:end`` names a thing that is not in hand: its sentence, or a
        contrast sentence right after ("has her card *but* it's in the car"), puts it somewhere
        else or only reports it ("has her card at home", "says he has her card", "can bring
        it")."""
        c = cues()
        sentence = self.sentence[start]
        after = sentence + 1 if sentence + 1 in self.contrasted else -1
        # a phrase that opens with its holding word shares it with a report ("says he *has*")
        own = (start + 1 if self.words[start] in c.holding else start, end)

        def near(i: int) -> bool:
            return self.sentence[i] in (sentence, after)

        return any(self._cue_at(i, c.elsewhere, near, outside=own) is not None
                   for i in self._starts(c.elsewhere) if near(i) and not own[0] <= i < end)

    def other_kind(self, start: int) -> bool:
        """The word just before ``start``, in its clause, makes the phrase another kind of
        thing ("an *arrest* warrant" is not a search warrant): it states no choice at all."""
        before = start - 1
        return (before >= 0 and self.clause[before] == self.clause[start]
                and self.words[before] in cues().other_kind)

    def depicted(self, start: int, end: int) -> bool:
        """The phrase at ``start:end`` names a picture or symbol of the thing, not the thing
        (read for a choice the flow marks ``not_pictured``: a weapon here, never images that
        are themselves the matter):
        a word of ``depicted_after`` right after it ("threatening staff on facebook with a gun
        *emoji*": review 9 m5, read as a weapon at the desk) or a cue of ``depicted_before``
        ending at most two words before it ("a *photo of* a (big) knife"; the words between
        no scope end), in its clause."""
        c = cues()
        clause = self.clause[start]
        if end < len(self.words) and self.clause[end] == clause and (
                self.words[end] in c.depicted_after):
            return True
        ends = _by_last(c.depicted_before)
        for last in range(start - 1, max(-1, start - 4), -1):
            if self.clause[last] != clause:
                return False
            for cue in ends.get(self.words[last], ()):
                first = last - len(cue) + 1
                if first >= 0 and self.words[first:last + 1] == cue and (
                        self.clause[first] == clause):
                    return True
            if self.words[last] in c.scope_ends:
                return False
        return False

    def by_speaker(self, start: int,
                   doers: frozenset[tuple[str, ...]] = frozenset()) -> bool:
        """The phrase at ``start`` is the clerk's own doing: the nearest who before it in its
        clause is a ``speaker_before`` cue ("*I'm* going through it to find the date"), not one
        of ``doers`` ("I'm watching the *deputies* searching the staff room": review 13)."""
        return self.who_does(start, doers) == SPEAKER

    def who_does(self, start: int, doers: frozenset[tuple[str, ...]]) -> str | None:
        """Who the words at ``start`` are said of: the nearest, reading back through their
        clause (at most ``WHO_REACH`` words, across "and": "police came with a court order and
        are going through the files"), of ``doers`` (``DOER``) or of the clerk (``SPEAKER``:
        cues.yaml speaker_before); None when the clause names neither ("court order came,
        going through it to find the date": review 13, after the gate)."""
        return self._once(("who", start, doers), lambda: self._who_does(start, doers))

    def _who_does(self, start: int, doers: frozenset[tuple[str, ...]]) -> str | None:
        clause = self.clause[start]
        groups = ((DOER, _by_last(doers)), (SPEAKER, _by_last(cues().speaker_before)))
        for j in range(start - 1, max(-1, start - 1 - WHO_REACH), -1):
            if self.clause[j] != clause:
                return None
            for who, ends in groups:
                if any(j - len(cue) + 1 >= 0 and self.words[j - len(cue) + 1 : j + 1] == cue
                       for cue in ends.get(self.words[j], ())):
                    return who
        return None

    def sender(self, start: int) -> bool:
        """A cue of who sent or issued something ends at most two words before ``start``, in
        its clause ("a subpoena *from* a divorce lawyer"): the phrase names the sender."""
        return self._once(("sender", start), lambda: self._sender(start))

    def _sender(self, start: int) -> bool:
        clause = self.clause[start]
        ends = _by_last(cues().sender_before)
        for gap in range(3):
            last = start - gap - 1  # where the cue would end
            for cue in ends.get(self.words[last], ()) if last >= 0 else ():
                first = start - gap - len(cue)
                if first >= 0 and self.words[first : first + len(cue)] == cue and all(
                        self.clause[k] == clause for k in range(first, start)):
                    return True
        return False

    def takes_object(self, start: int, end: int) -> bool:
        """The phrase is a verb that, run straight on into a word of meaning, has an object and
        means something else ("passed out *flyers*" is not someone who fainted)."""
        return (self.words[start:end] in cues().takes_object and end < len(self.words)
                and self.clause[end] == self.clause[start] and is_content(self.words[end]))

    def cue_outside(self, spans: list[tuple[int, int]], *, denials: bool) -> bool:
        """A question, or a doubt, promise or (with ``denials``) denial cue anywhere but inside
        the ``spans`` (phrases of the answer's own choice: "won't sign", "will sign")."""
        c = cues()
        groups = union(c.doubt, c.doubt_critical, c.yet_before, c.yet_after,
                       c.denied_before if denials else frozenset())

        def free(j: int) -> bool:
            return not any(start <= j < end for start, end in spans)

        return bool(self.questions) or any(
            self._cue_at(i, groups, free) is not None for i in self._starts(groups))

    def denies_beyond(self, vocabulary: frozenset[str], spans: list[tuple[int, int]]) -> bool:
        """A determiner denial ("no", "without") runs straight on, in its clause, into a word of
        meaning that is none of ``vocabulary``: "no warrant" where the question is about an
        emergency denies another question's thing, not this one's."""
        short = {cue[0] for cue in cues().short_reach if len(cue) == 1}
        return any(
            self.words[i] in short and self.clause[i + 1] == self.clause[i]
            and is_content(self.words[i + 1]) and self.words[i + 1] not in vocabulary
            and not any(start <= i < end for start, end in spans)
            for i in range(len(self.words) - 1))

    def hedged(self, ignore: frozenset[tuple[str, ...]] = frozenset()) -> bool:
        """A question, or a word of doubt anywhere ("maybe 16?", "I think she's 17"), but for
        the cues in ``ignore``."""
        doubt = _without(cues().doubt, ignore)
        return bool(self.questions) or any(
            self._cue_at(i, doubt, lambda j: True) is not None for i in self._starts(doubt))

    def has_cue(self) -> bool:
        """Any cue at all (a typed answer with none can be trusted to a fuzzy match)."""
        c = cues()
        groups = union(c.denied_before, c.yet_before, c.yet_after, c.doubt, c.doubt_critical)
        return bool(self.questions) or any(
            self._cue_at(i, groups, lambda j: True) is not None for i in self._starts(groups))


def _named_title(entries: list[str]) -> LazyPattern:
    """A title of ``entries`` (any case) and the name said with it: one or two capitalised
    words of two letters or more ("director Sue", "Director Sue Okafor": "I" is the clerk), or
    the redaction's ``[name]``, set off by commas or not ("our director, Sue, is off")."""
    titles = "|".join(_opener(entry) for entry in entries)
    name = r"[A-Z][a-z][\w'\u2019-]*"
    return lazy(rf"\b(?i:(?P<title>{titles}))\b(?:\s*,\s*|\s+)"
                rf"(?:\[name\]|{name}(?:\s+{name})?)(?:\s*,)?(?=\s)")


def without_titled_names(text: str) -> str:
    """``text`` without the name said with a title ("director Sue is off today" reads "director
    is off today"): a phrase about the title ("director is off") is found with the name inside
    it (review 7 m3). The name is no fact of any question."""
    pattern = cues().named_title
    # (a name is "[name]" or opens with a capital A-Z: a text with neither, which lower case
    # leaves as it is, holds none; one C-level pass instead of a Python step per character)
    if pattern is None or "[" not in text and text.lower() == text:
        return text
    return pattern.sub(lambda m: m.group("title"), text)


@dataclass(frozen=True)
class _Part:
    """One clause of a message as written, with what ``Said.of`` reads from its raw text."""

    text: str
    kin: tuple[str, ...]  # the word after "his", "her", "the"...
    disowned: bool  # "it isn't hers"
    owners: tuple[tuple[str, bool], ...]  # each possessive noun, and whether words follow it


# A message's sentences and clauses, its words a normaliser may correct and its readings
# (``Said.of`` with a key), worked out once per call however many questions read it
# (``one_reading``; a memo across calls would keep staff's words).
_CUTS: PerCall[object, Any] = PerCall("said_cuts")


def one_reading() -> AbstractContextManager[None]:
    """Within this block a message is cut into sentences and clauses once (``Said.of``)."""
    return _CUTS.block()


def reading_memo_active() -> bool:
    """Whether a ``one_reading`` block is open here (tests: none outlives its call)."""
    return _CUTS.active()


def remembered(key: Hashable, work: Callable[[], V]) -> V:
    """``work()``, worked out once per ``key`` within a ``one_reading`` block (a reading of
    the message in progress: its readings for each question, its stated ages), every time
    outside one."""
    memo = _CUTS.get()
    if memo is None:
        return work()
    if key in memo:
        return memo[key]  # type: ignore[no-any-return]
    found = memo[key] = work()
    return found


def correctable_words(text: str) -> tuple[str, ...]:
    """The distinct words (``bot.router.text.words``) of every piece of ``text`` that
    ``Said.of`` normalises (its clauses, the word after each "his" or "the", each possessive
    noun) that a normaliser may correct (``bot.router.text.correctable``). A normaliser that
    corrects none of them makes of ``text`` what any other such does."""
    def work() -> tuple[str, ...]:
        pieces = [piece for *_, parts in _cut(text) for part in parts
                  for piece in (part.text, *part.kin, *(owner for owner, _ in part.owners))]
        return tuple(w for w in dict.fromkeys(w for piece in pieces for w in words(piece))
                     if correctable(w))

    return remembered(("correctable", text), work)


def _cut(text: str) -> tuple[tuple[bool, bool, bool, tuple[_Part, ...]], ...]:
    """The sentences of ``text`` (whether each asks, whether a contrast opens it, whether a
    correction does), each as its clauses (``_Part``). "Not his own" disowns its whole sentence
    ("the card he's holding is his wife's, not his own"). A dotted abbreviation's dots end no
    sentence ("the F.B.I. agent has no warrant" is one)."""
    return remembered(("cut", text), lambda: _cut_apart(without_titled_names(undotted(text))))


def _cut_apart(text: str) -> tuple[tuple[bool, bool, bool, tuple[_Part, ...]], ...]:
    """``_cut`` of ``text`` with the names said with titles taken out."""
    return tuple((is_question, by_contrast, correcting, _clauses(piece, correcting))
                 for piece, is_question, by_contrast, correcting in _sentences(text))


def _clauses(piece: str, correcting: bool) -> tuple[_Part, ...]:
    """The clauses of one sentence (``_cut_apart``). Whether the sentence disowns is searched
    once for all of them; a clause without an apostrophe names no owner (not searched)."""
    disowned = bool(_DISOWNED.search(piece))
    return tuple(
        _Part(_past_opener(part) if correcting and n == 0 else part,
              tuple(named.group(1) for named in _KIN.finditer(part)),
              disowned,
              tuple((owner.group(1), bool(part[owner.end():].strip()))
                    for owner in _POSSESSIVE.finditer(part)
                    if owner.group(1).lower() not in _CONTRACTED)
              if "'" in part or "\u2019" in part else ())
        for n, part in enumerate(_CLAUSE.split(piece)))


def _past_opener(part: str) -> str:
    """A correcting sentence's first clause without its opener: the opener is no fact ("actually
    hold on, she's not his wife" holds no "holds")."""
    return cues().corrected(part) or part


def _sentences(text: str) -> list[tuple[str, bool, bool, bool]]:
    """The sentences of ``text`` (an aside, "btw", "oh and", opens one too), each with whether
    it ends with a question mark, whether a contrast ("but", "though", "however") opens it and
    whether a correction does. A correction's opener after the first words ("has his card.
    wait actually it's his wife's", "has his card, oh wait, not his") opens a sentence, read
    as a contrast: it takes back what came before."""
    out: list[tuple[str, bool, bool]] = []
    position = 0
    by_contrast = False
    for mark in _SENTENCE.finditer(text):
        out.append((text[position : mark.start()], "?" in mark.group(), by_contrast))
        # "but" opens a contrast; "btw", "oh and" only open another thing said, so nothing in
        # it reaches back ("has his card, and btw a guy in the parking lot…": play-test 7 E2)
        by_contrast = mark.group().strip()[:1].isalpha() and not mark.group("aside")
        position = mark.end()
    out.append((text[position:], False, by_contrast))
    kept = [(piece, asked, contrast) for piece, asked, contrast in out if piece.strip()]
    return [part for n, sentence in enumerate(kept) for part in _at_corrections(sentence, n > 0)]


def _at_corrections(sentence: tuple[str, bool, bool], after_words: bool
                    ) -> list[tuple[str, bool, bool, bool]]:
    """``sentence`` cut where a clause opens with a correction ("…, wait, sorry, it's his
    son's"): each cut part is a contrast sentence. A message that *opens* with "actually" has
    nothing before it to take back: its first words are no cut."""
    piece, asked, contrast = sentence
    starts = [0, *(m.end() for m in _CLAUSE.finditer(piece))]
    cuts: list[int] = []
    for s in starts:
        if not (after_words or s > 0) or cues().corrected(piece[s:]) is None:
            continue
        if cuts and cues().corrected(piece[cuts[-1]:s]) is None:
            continue  # "wait, sorry, it's his son's": openers in a row open one correction
        cuts.append(s)
    if not cuts:
        return [(piece, asked, contrast, False)]
    bounds = [0, *(c for c in cuts if c > 0), len(piece)]
    return [(piece[a:b], asked, contrast or a in cuts, a in cuts)
            for a, b in zip(bounds, bounds[1:], strict=False) if piece[a:b].strip()]
