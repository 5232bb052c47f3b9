"""The router's shortcuts taken for speed give exactly what the plain way gives.

Each shortcut (``route()`` p99, issue 13) replaces a simple loop with a cheaper one: a sweep for
a pairwise comparison, a set test before a loop that would find nothing. Each test here checks
the shortcut against the plain loop it replaced, kept here as the oracle, on inputs made to hit
its edge cases. (``bench/route_identity.py`` checks the whole router on every in-repo text.)
"""

from __future__ import annotations

import random
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.content.catalogue import Catalogue
from bot.privacy.redact import _holds
from bot.router import ages, cues, dates
from bot.router.choices import DENIAL_GAP, ChoiceMatcher, Hit, matcher
from bot.router.cues import DOUBTED, STATED, correctable_words
from bot.router.prefill import _inside_longer, prefill
from bot.router.text import (
    _deletions,
    _expand,
    _slang,
    _slang_lengths,
    _typos,
    _unaccented,
    _undouble,
    one_message,
    stem,
)
from tests.routing.labelled import load_examples


def _inside_longer_plainly(spans: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """The loop ``_inside_longer`` replaced: each span against every span."""
    return {(a, b) for a, b in spans
            if any(s <= a and b <= e and e - s > b - a for s, e in spans)}


def test_spans_inside_longer_ones_are_those_the_pairwise_loop_finds() -> None:
    rng = random.Random(5)
    cases = [[], [(0, 1)], [(2, 4), (2, 4)], [(0, 3), (1, 2), (1, 3), (0, 3)],
             [(3, 5), (3, 6), (2, 5)], [(0, 2), (2, 4)], [(1, 1), (0, 2), (1, 1)]]
    for _ in range(500):
        cases.append([(start, start + rng.randrange(0, 4))
                      for start in (rng.randrange(0, 12) for _ in range(rng.randrange(0, 9)))])
    for spans in cases:
        assert _inside_longer(spans) == _inside_longer_plainly(spans), spans
    assert _inside_longer([(0, 3), (1, 2), (2, 5)]) == {(1, 2)}  # the case itself


def test_a_gated_rule_asks_whether_the_note_holds_a_word_as_the_plain_loop_did() -> None:
    for text, words in (("Officer ASKED", ("asked", "x")), ("İstanbul", ("istanbul",)),
                        ("nothing here", ("warrant", "box")), ("", ("a",)), ("box", ())):
        lowered = (text if text.isascii() else text.replace("İ", "i").replace("ı", "i")
                   .replace("ſ", "s")).lower()
        assert _holds(text, words) == any(w in lowered for w in words), (text, words)


def test_a_message_without_a_not_with_word_still_reads_who_holds_the_thing(
        catalogue: Catalogue) -> None:
    """The ``contradicted`` shortcut (no ``not_with`` word in the message) still reads whether
    someone else holds the in-hand thing (review 8 C3): the officer's photo ID is not the
    patron's identity check."""
    flow = catalogue.flows_for("mount-prospect")["patron-own-records"]
    found = prefill(flow, "Good afternoon. A uniformed officer presented his badge and photo ID "
                          "and is asking for the home address of one of our cardholders. He "
                          "has no paperwork of any kind.")
    assert ("identity", "presented") not in {(p.question, p.choice) for p in found}


def _deletions_plainly(word: str) -> set[str]:
    return {word, *(word[:i] + word[i + 1:] for i in range(len(word)))}


def test_a_words_one_letter_cuts_are_those_the_plain_loop_makes() -> None:
    for word in ("", "a", "ab", "aa", "warrant", "subpoena", "investigator", "ñandú", "警察局"):
        assert _deletions(word) == _deletions_plainly(word), word


def _unaccented_plainly(text: str) -> str:
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


def test_accents_go_as_the_plain_loop_drops_them() -> None:
    for text in ("plain ascii", "policía", "Policjant pyta, jakie książki wypożyczał",
                 "Quelqu'un vient de me remettre une citation à comparaître", "ﬁne ＡＢＣ",
                 "e\u0301 a\u0308 o\u20dd", "李伟 이서연 Иван ناصر", "tầng hỏng Nguyễn"):
        assert _unaccented(text) == _unaccented_plainly(text), text


def _expand_plainly(words: list[str]) -> list[str]:
    """``_expand`` without its first test (no word of the clause starts a slang key)."""
    typos = _typos()
    words = [typos.get(w, w) for w in words]
    table, longer = _slang()[0], _slang_lengths()
    out: list[str] = []
    i, count = 0, len(words)
    while i < count:
        word = words[i]
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


def test_slang_is_expanded_as_the_plain_loop_expands_it() -> None:
    keys = list(_slang()[0])
    pool = sorted({w for key in keys for w in key} | {key[0] + "s" for key in keys if key}
                  | set(_typos()) | {"the", "officer", "wants", "records", "s", "cards"})
    rng = random.Random(8)
    for _ in range(2000):
        words = [rng.choice(pool) for _ in range(rng.randrange(0, 7))]
        if rng.random() < 0.5:  # a whole key, somewhere in the clause
            at = rng.randrange(0, len(words) + 1)
            words[at:at] = list(rng.choice(keys))
        assert _expand(words) == _expand_plainly(words), words
    assert _expand(["cops", "here"]) != ["cops", "here"]  # a plural of a key is expanded


# The sentence and clause patterns as they were written before their first-letter lookaheads
# (``bot.router.cues``): each must find exactly what its plain form finds.
_PLAIN_CUES = {
    "_SENTENCE": (r"[.!?;\n]+|\b(?:but|however|although|though)\b"
                  r"|\b(?P<aside>btw|by the way|oh and|and also)\b"),
    "_DISOWNED": (r"\b(?:not|isn['\u2019]?t|is not|aren['\u2019]?t|wasn['\u2019]?t)\s+"
                  r"(?:his|hers|theirs|her own|his own|their own|yours|mine)\b"
                  r"(?!\s+(?:mom|mum|mother|dad|father|parent|guardian|wife|husband|son|"
                  r"daughter|kid|child|sister|brother|grand\w*|aunt|uncle|girlfriend|"
                  r"boyfriend|partner|friend|sitter|babysitter|nanny)s?\b)"),
    "_KIN": r"\b(?:his|her|their|my|your|our|the|that|this)\s+([A-Za-z]+)",
}


def _found(pattern: re.Pattern[str], text: str) -> list[tuple[tuple[int, int], tuple[Any, ...]]]:
    return [(m.span(), m.groups()) for m in pattern.finditer(text)]


@pytest.mark.parametrize("name", sorted(_PLAIN_CUES))
def test_a_first_letter_lookahead_finds_what_the_plain_pattern_finds(name: str) -> None:
    fast = getattr(cues, name)
    plain = re.compile(_PLAIN_CUES[name], fast.flags)
    pieces = st.one_of(st.from_regex(plain), st.sampled_from(
        [" ", ", ", ". ", "Her ", "NOT HIS ", "İs not ", "ſ", "\u212a", "Though ", "oh And "]),
        st.text(max_size=6))

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(pieces, max_size=6).map("".join))
    def same(text: str) -> None:
        assert _found(fast, text) == _found(plain, text), text

    same()
    for text in ("The officer has HIS card, but it isn't his. Oh and btw her son's here; THOUGH "
                 "not his own!", "the man's wife's card\u2019s not hers", "by the way"):
        assert _found(fast, text) == _found(plain, text), text


# The age readers' patterns as they were written before their first-character lookaheads
# (``bot.router.ages``): each must find exactly what its plain form finds.
_N, _NOT, _M = ages._NUMBER, ages._NOT_AGE, ages._MASKED
_PLAIN_AGES = {
    "_AGE_AFTER": (r"(?<![\w.])" + _N + r"\s*-?\s*(?:years?|yrs?|y\s*/\s*o|yo|yr\s*old|y\.o\.?)"
                   r"(?![a-z])"),
    "_AGE_BEFORE": (r"(?:['\u2019]s|\b(?:he|she)s|\btheyre|\bthey\s+are|\bis|\bwas|\baged?|"
                    r"\bturned|\bturns|\bjust|\b(?:could|might|may|must)\s+be)"
                    r"\s+(?:only\s+|just\s+)?" + _N + _NOT),
    "_FUTURE_BEFORE": (r"\b(?:turns|turning|will\s+be|(?:gonna|going\s+to)\s+be|almost|nearly|"
                       r"about\s+to\s+(?:turn|be)|not\s+yet|not\s+quite)\s+" + _N
                       + r"(?!\s+today)" + _NOT),
    "_FUTURE_AFTER": (r"(?<![\w.])" + _N + r"\s+(?:next|this\s+coming|in\s+(?:a|an|one|two|"
                      r"three|a\s+few|\d+)\s+(?:day|week|month)|soon|on\s+(?:her|his|their)\s+"
                      r"(?:next\s+)?birthday)\b"),
    "_ALTERNATIVES": (r"(?:" + _N + r"|" + _M + r")\s*(?:or|to|/|-|,\s*(?:or|maybe|possibly|"
                      r"probably))\s*(?:maybe\s+|possibly\s+|probably\s+|even\s+)?(?:" + _N
                      + r"|" + _M + r")(?![-\d:/.,]\d)" + _NOT),
    "_GUESSED": (r"\b(?:about|around|roughly|approximately|maybe|probably|like)\s+" + _N
                 + r"|" + _N + r"\s*-?ish\b|" + _N + r"\s+or\s+so\b|\?"),
}
_AGE_PIECES = [" ", ", ", ". ", "? ", "-", "/", "[age] ", "17", "1234", "٣", "Seven", "ſix",
               "ſeventeen", "\u212a", "İs ", "canine ", "teen", "He's ", "theyre ", "they are ",
               "turns ", "WILL BE ", "not quite ", "almost ", "about ", "maybe ", "or so", "ish",
               " years old", " yo", " y/o", " next week", " soon", " or ", " today", "5:30",
               " dollars", "twenty", "eleven ", "the "]


@pytest.mark.parametrize("name", sorted(_PLAIN_AGES))
def test_an_age_pattern_with_lookaheads_finds_what_the_plain_pattern_finds(name: str) -> None:
    """Same spans and groups (``guessed``'s pattern: the same numbers; its question mark is
    tried first, where no other choice can start)."""
    fast = getattr(ages, name)
    plain = re.compile(_PLAIN_AGES[name], fast.flags)
    pieces = st.one_of(st.from_regex(plain), st.sampled_from(_AGE_PIECES), st.text(max_size=5))

    def found(pattern: re.Pattern[str], text: str) -> list[tuple[tuple[int, int], Any]]:
        if name != "_GUESSED":
            return _found(pattern, text)
        return [(span, [g for g in groups if g is not None]) for span, groups in
                _found(pattern, text)]  # (its two number groups are one now: none is read)

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(pieces, max_size=7).map("".join))
    def same(text: str) -> None:
        assert found(fast, text) == found(plain, text), text

    same()
    for text in ("she's 17 or 18? he's ſeventeen, turns 18 next week; [age] or 17, about 16ish",
                 "THEY ARE 12 years old, canine 10 or so, it was 5:30, maybe 19, 7 or so, Fİve"):
        assert found(fast, text) == found(plain, text), text


def test_a_clause_without_an_apostrophe_names_no_owner() -> None:
    for text in ("her husband's card is here", "Maria\u2019s card, not his own", "its cover",
                 "the card it's not his"):
        plain = [(m.group(1), bool(text[m.end():].strip()))
                 for m in cues._POSSESSIVE.finditer(text)
                 if m.group(1).lower() not in cues._CONTRACTED]
        assert cues._clauses(text, False)[0].owners == tuple(plain), text


def test_a_text_without_a_capital_or_a_bracket_loses_no_titled_name() -> None:
    """``without_titled_names`` skips its pattern for a text lower case leaves as it is and
    without "[": the same text as the pattern's own pass, names taken out where there are."""
    pattern = cues.cues().named_title
    assert pattern is not None

    def plainly(text: str) -> str:
        return pattern.sub(lambda m: m.group("title"), text)

    pieces = st.one_of(st.sampled_from(
        ["director ", "Director ", "DIRECTOR ", "Sue ", "sue ", "[name] ", "Okafor", ", ",
         " is off", "İ", "ǅ", "Ω ", "\u212a", "ß", " "]), st.text(max_size=5))

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(pieces, max_size=7).map("".join))
    def same(text: str) -> None:
        assert cues.without_titled_names(text) == plainly(text), text

    same()
    for text in ("our director Sue Okafor is off", "our director, [name], is off",
                 "director sue is off", "ΔΙΕΥΘΥΝΤΗΣ Sue", "the director is off today"):
        assert cues.without_titled_names(text) == plainly(text), text
    assert cues.without_titled_names("our director Sue is off") == "our director is off"


def _messages() -> list[str]:
    """Openings with denials, things held and words of every kind (the labelled and blind
    routing sets), and a few made to meet the shortcuts' edges."""
    root = Path(__file__).resolve().parent / "routing"
    found = [e.text for name in ("labelled.yaml", "heldout_blind.yaml", "heldout_blind3.yaml")
             for e in load_examples(root / name)]
    return [*found, "no warrant, no court order, without any subpoena, not an emergency",
            "his mom has the card, he's alone, no adult with her, she is not his mom",
            "Policjant pyta o ksiazki; investigatr wants the recrods, subpeona maybe", ""]


def _denials_plainly(matched: ChoiceMatcher, said: cues.Said) -> list[Any]:
    """The loop ``_denials`` replaced: every denial phrase of the question, in order."""
    found = []
    for phrase, tail in matched._negated:
        for start in said.at.get(tail[0], ()):
            end = start + len(tail)
            if said.words[start:end] != tail or len(set(said.clause[start:end])) != 1:
                continue
            cue = said.denial_before(start, DENIAL_GAP)
            if cue is None or matched._no_verb_denial(said, phrase, cue, start, end):
                continue
            reading = DOUBTED if said.reading(start, end) == DOUBTED else STATED
            found.append(Hit(phrase.choice, phrase, cue, end, reading, False))
    return found


def _contradicted_plainly(matched: ChoiceMatcher, message: str,
                          spans: list[tuple[int, int]]) -> frozenset[str]:
    """The loop ``contradicted`` replaced: every ``not_with`` phrase of every choice."""
    said = matched._said(message)
    found, at = said.words, said.at
    out = set()
    for choice_id, phrases in matched._not_with.items():
        holders = (frozenset(p[0] for p in phrases) if matched._in_hand_choice(choice_id)
                   else frozenset())
        for phrase in phrases:
            for i in at.get(phrase[0], ()):
                asker = bool(holders) and all(w in holders for w in found[:i])
                inside = any(s <= i and i + len(phrase) <= e and e - s > len(phrase)
                             for s, e in spans)
                if not asker and found[i:i + len(phrase)] == phrase and not inside:
                    out.add(choice_id)
    return frozenset(out | matched._held_by_others(message))


def _corrections_plainly(matched: ChoiceMatcher, message: str) -> tuple[tuple[str, str], ...]:
    """Every correctable word of the message through the question's normaliser."""
    correct = matched.normaliser.correct
    return tuple((w, fixed) for w in correctable_words(message)
                 if (fixed := correct(w)) != w)


def test_denials_contradictions_and_corrections_are_those_the_plain_loops_find(
        catalogue: Catalogue) -> None:
    """``_denials`` and ``contradicted`` look only at the phrases whose word the message holds,
    ``_corrections`` only at the words no question keeps as they are: the same as looking at
    every phrase and word, for every question of every situation."""
    flows = catalogue.flows_for("mount-prospect").values()
    matchers = [matcher(q) for flow in flows for q in flow.questions()]
    checked = {"denials": 0, "contradicted": 0, "corrections": 0}
    for message in _messages():
        with one_message(), cues.one_reading():
            for matched in matchers:
                said = matched._said(message)
                assert said == cues.Said.of(message, matched._normalised), message
                assert all(list(said.clause_of(i)) == [j for j in range(len(said.words))
                                                       if said.clause[j] == said.clause[i]]
                           for i in range(len(said.words))), message
                denials = matched._denials(said)
                assert denials == _denials_plainly(matched, said), message
                spans = [(h.start, h.end) for h in matched.hits(message)]
                against = matched.contradicted(message, spans)
                assert against == _contradicted_plainly(matched, message, spans), message
                corrections = matched._corrections(message)
                assert corrections == _corrections_plainly(matched, message), message
                checked["denials"] += bool(denials)
                checked["contradicted"] += bool(against)
                checked["corrections"] += bool(corrections)
    assert all(checked.values()), checked  # each shortcut met something to find


def _stem_plainly(word: str) -> str:
    """The stemmer as written before its last-letter test (``bot.router.text.stem``)."""
    if len(word) <= 3 or word.isdigit():
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


def test_a_word_is_stemmed_as_the_plain_stemmer_stems_it() -> None:
    words = ["", "a", "is", "bus", "cops", "records", "asking", "served", "stopping", "tied",
             "ladies", "classes", "status", "this", "judge", "judges", "warrant", "42", "123s",
             "running", "filled", "hopped", "e", "see", "sees", "agreed", "kissing", "policia"]
    letters = st.text(alphabet="abdegilnorsuyz1", max_size=9)

    @settings(max_examples=500, deadline=None, suppress_health_check=list(HealthCheck))
    @given(letters)
    def same(word: str) -> None:
        assert stem(word) == _stem_plainly(word), word

    same()
    for word in words:
        assert stem(word) == _stem_plainly(word), word


def test_a_question_with_no_phrase_found_decides_nothing(catalogue: Catalogue) -> None:
    """Prefill skips ``contradicted`` and ``decide`` for a question none of whose phrases the
    message holds: ``decide`` of no hits is no answer and no suggestion, for every question."""
    for flow in catalogue.flows_for("mount-prospect").values():
        for question in flow.questions():
            assert matcher(question).decide([]) == (None, None), (flow.id, question.id)


# The date readers' patterns as they were written before their first-character lookaheads
# (``bot.router.dates``): each must find exactly what its plain form finds.
_PLAIN_DATES = {
    "_AGO": dates._COUNT + r"\s+(day|week|fortnight|month|year)s?\s+(?:ago|back|before)\b",
    "_LAST": r"\b(?:last|past|previous)\s+(week|month|year|night|weekend)\b",
    "_YESTERDAY": r"\b(?:the\s+day\s+before\s+yesterday|yesterday|yday)\b",
    "_WEEKDAY": (r"\b(?:(last|this\s+past|past|on)\s+)?(" + "|".join(dates._DAYS) + r")\b"),
    "_MONTH_DAY": (r"\b" + dates._MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?\b"),
}
_DATE_PIECES = [" ", ", ", ". ", "3", "12", "٣", "a ", "A COUPLE OF ", "several ", "few ", "ſeven ",
                "days", " weeks", " month", " ago", " BACK", " before", "last ", "paſt ",
                "previous ", "this past ", "on ", "Monday", "friday", "yday", "Yesterday",
                "the day before ", "Sept", "sept.", "Nov ", "march ", "\u212a", "İ", "th", "2026"]


@pytest.mark.parametrize("name", sorted(_PLAIN_DATES))
def test_a_date_pattern_with_lookaheads_finds_what_the_plain_pattern_finds(name: str) -> None:
    fast = getattr(dates, name)
    plain = re.compile(_PLAIN_DATES[name], fast.flags)
    pieces = st.one_of(st.from_regex(plain), st.sampled_from(_DATE_PIECES), st.text(max_size=5))

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(pieces, max_size=7).map("".join))
    def same(text: str) -> None:
        assert _found(fast, text) == _found(plain, text), text
        if name == "_AGO" and _found(plain, text):  # its pre-check never skips a match
            assert dates._AGO_END.search(text), text

    same()
    for text in ("a couple of weeks ago, LAST Friday, the day before yesterday, Sept 3rd 2025",
                 "5 days back; 28 days before; a fortnight ago; this past monday; ſix days ago"):
        assert _found(fast, text) == _found(plain, text), text
