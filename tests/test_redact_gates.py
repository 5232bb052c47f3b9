"""The redactor does not run a rule on a note the rule cannot match (``bot.privacy.redact._sub``):
a rule needing a digit on a note without one, a capitalised word on a note typed in lower case,
or one of its cue words on a note holding none. Each need is proved here with the texts the
rule itself matches (generated from its pattern), so a need listed wrong fails here instead of
letting an identifier through; bench/redact_bench.py --against REV compares whole outputs."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.lazyregex import LazyPattern
from bot.privacy import public
from bot.privacy import redact as rules

EXAMPLES = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))


def texts_matching(pattern: re.Pattern[str], alphabet: st.SearchStrategy[str] | None = None,
                   ) -> st.SearchStrategy[str]:
    """Texts holding a match of ``pattern``. A first-letter lookahead (``(?=[dosl...])``,
    ``(?=[\\dA-Z...])``) only
    lets the engine skip words faster; the generator cannot satisfy it together with the
    alternatives after it, so it is dropped for generating (the match is still checked)."""
    source = re.sub(r"\(\?=\[[^\]]*[A-Za-z][^\]]*\]\)", "", pattern.pattern)
    generated = st.from_regex(re.compile(source, pattern.flags), alphabet=alphabet)
    return generated.filter(lambda text: pattern.search(text) is not None)


def name(pattern: re.Pattern[str]) -> str:
    return next(key for module in (rules, public) for key, value in vars(module).items()
                if value is pattern)


@pytest.mark.parametrize("pattern", list(rules._NEEDS), ids=name)
def test_every_match_of_a_rule_holds_one_of_its_words(pattern: re.Pattern[str]) -> None:
    @EXAMPLES
    @given(texts_matching(pattern))
    def holds(text: str) -> None:
        assert rules._holds(text, rules._NEEDS[pattern]), text

    holds()


@pytest.mark.parametrize("pattern", sorted(rules._NEEDS_A_DIGIT, key=name), ids=name)
def test_every_match_of_a_digit_rule_holds_a_digit(pattern: re.Pattern[str]) -> None:
    @EXAMPLES
    @given(texts_matching(pattern))
    def holds(text: str) -> None:
        assert rules._DIGIT.search(text), text

    holds()


@pytest.mark.parametrize("pattern", sorted(rules._NEEDS_A_CAPITAL, key=name), ids=name)
def test_every_match_of_a_capital_rule_holds_a_capital(pattern: re.Pattern[str]) -> None:
    @EXAMPLES
    @given(texts_matching(pattern))
    def holds(text: str) -> None:
        assert rules.CAPITAL.search(text), text

    holds()


def test_a_rule_is_skipped_only_when_the_note_lacks_what_it_needs() -> None:
    note = "patron Jane Doe, card 21234567890123"
    assert rules._Has.of(note) == (True, True) and rules._Has.of("cop at circ") == (False, False)
    no_digit = rules._Has(digit=False, capital=True)
    assert rules._sub(rules.CARD, "[card]", note, no_digit) == note  # told: no digit
    assert rules._sub(rules.CARD, "[card]", note) == "patron Jane Doe, card [card]"
    assert rules._sub(rules.TITLE_CUE, "[x]", "Ms. Okafor", no_digit) == "[x]"
    lower_case = rules._Has(digit=True, capital=False)
    assert rules._sub(rules.WEAK_CUE, "[x]", "patron Jane", lower_case) == "patron Jane"
    # re's IGNORECASE takes a few letters for ASCII ones: so does _holds
    assert rules._holds("\u212aPH", ("kph",)) and not rules._holds("KPH", ("mph",))
    assert rules._holds("PİN 4", ("pin",)) and rules._holds("ſtays", ("stay",))
    assert rules._holds("Bırth", ("birth",)) and not rules._holds("Иван", ("van",))


def test_a_note_without_a_capital_names_no_public_name() -> None:
    """``public_spans`` returns nothing for a note without a capital: every listed name holds
    one, and so does every office title's match."""
    from bot.privacy import public

    lower = [name for names in public._lists().values() for name in names
             if not public.CAPITAL.search(name)]
    assert not lower, f"public_names.txt lists names without a capital: {lower}"
    assert public.public_spans("a hold for stephen king books") == []
    assert public.public_spans("a hold for Stephen King books") != []

    @EXAMPLES
    @given(texts_matching(public.OFFICIAL))
    def holds(text: str) -> None:
        assert public.CAPITAL.search(text), text

    holds()



FIRST_LETTERS = re.compile(r"\(\?=\[(?P<letters>[A-Za-z]+)\]\)")
WITH_FIRST_LETTERS = [value for module in (rules, public) for value in vars(module).values()
                      if isinstance(value, LazyPattern) and FIRST_LETTERS.search(value.pattern)]


def choice_after(source: str, at: int) -> str:
    """The bracketed choice that starts at ``at`` in a pattern's source (``(?:apt|unit)``)."""
    depth = 0
    for end in range(at, len(source)):
        if source[end] == "\\":
            continue
        if source[end] == "(" and source[end - 1] != "\\":
            depth += 1
        elif source[end] == ")" and source[end - 1] != "\\":
            depth -= 1
            if depth == 0:
                return source[at: end + 1]
    raise AssertionError(f"no choice after the lookahead in {source!r}")


@pytest.mark.parametrize("pattern", WITH_FIRST_LETTERS, ids=name)
def test_a_first_letter_lookahead_loses_no_match(pattern: LazyPattern) -> None:
    """A rule's lookahead for its cue words' first letters (``\\b(?=[asu])(?:apt|unit|...)``) is
    there for speed only: every cue word starts with one of its letters (so a cue word added
    without its letter fails here), and the rule without it finds the same matches."""
    lookahead = FIRST_LETTERS.search(pattern.pattern)
    assert lookahead is not None
    first = re.compile(f"[{lookahead.group('letters')}]", pattern.flags)
    choice = re.compile(choice_after(pattern.pattern, lookahead.end()), pattern.flags)
    without = re.compile(FIRST_LETTERS.sub("", pattern.pattern, count=1), pattern.flags)

    @EXAMPLES
    @given(st.from_regex(choice, fullmatch=True), st.from_regex(without))
    def same(cue: str, text: str) -> None:
        assert first.match(cue), cue
        assert ([m.span() for m in pattern.finditer(text)]
                == [m.span() for m in without.finditer(text)]), text

    same()


# The rules whose lookahead for their first characters is more than a class of ASCII letters
# (``test_a_first_letter_lookahead_loses_no_match`` reads those), each as written without it.
_CATALOGUE_NUMBER_PLAIN = (
    r"(?P<cue>\b(?:(?i:isbn(?:-?1[03])?|issn|oclc|lccn|upc|invoice|inv\.?|purchase\s+order|"
    r"order|tracking|call\s+(?:number|no\.?|#))|PO|P\.O\.)\s*(?:#|:|no\.?|number)?\s*"
    r"|(?i:\bitems?(?:\s+(?:barcode|number|no\.?|#))?)\s*[:#]?\s*(?=[013-9]))"
    r"(?P<number>\d[\dXx-]{4,}[\dXx]|\d(?:[ -]?\d){5,})(?![\w-])")
_WITHOUT_LOOKAHEAD = {
    "PERSON_CUE": lambda source: source.replace(rules._PERSON_CUE_FIRST_TWO, "", 1),
    "ABROAD_ADDRESS": lambda source: source.replace(r"\b(?=[\dA-ZÄÖÜacprtuvбвпу])", "", 1),
    "PARTIAL_ABROAD": lambda source: source.replace("(?=[aefktзко])", "", 1),
    "CATALOGUE_NUMBER": lambda source: _CATALOGUE_NUMBER_PLAIN,
}
_PIECES = [" ", ", ", ". ", ": ", "(", "-", "#", "12", "4471", "978-0-306-40615-7", "ſ", "\u212a",
           "İ", "ı", "the guy ", "A ", "a ", "Its under ", "it’s under ", "checked out by ",
           "holds for ", "Tell ", "his son ", "from ", "with ", "called ", "patron ", "jen",
           "mark", " s.", " okafor", "ISBN ", "İSBN ", "PO ", "order # ", "items: ", "calle ",
           "Calle Mayor 12", "вул. ", "Шевченка 21", "12 rue ", "de la Paix", "Hauptstraße 12a",
           "termina en ", "ЗАКАНЧИВАЕТСЯ на ", "3390", "Kończy się ", "尾号"]


@pytest.mark.parametrize("rule", sorted(_WITHOUT_LOOKAHEAD))
def test_a_lookahead_for_first_characters_loses_no_match(rule: str) -> None:
    """The lookahead (for speed only) finds the same matches, spans and groups, as the rule
    without it, on texts made of the rule's own matches and of its cue words in odd cases."""
    fast = getattr(rules, rule)
    plain = re.compile(_WITHOUT_LOOKAHEAD[rule](fast.pattern), fast.flags)
    assert plain.pattern != fast.pattern
    pieces = st.one_of(st.from_regex(plain), st.sampled_from(_PIECES), st.text(max_size=4))

    def found(pattern: re.Pattern[str], text: str) -> list[tuple[object, ...]]:
        return [(m.span(), m.groups()) for m in pattern.finditer(text)]

    @settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(pieces, max_size=6).map("".join))
    def same(text: str) -> None:
        assert found(fast.compiled, text) == found(plain, text), text

    same()
    for text in _PIECES:
        assert found(fast.compiled, text + "dawn") == found(plain, text + "dawn"), text


# The gates of session 13 (privacy15), each proved with the rule's own matches: a note the
# gate turns away holds none.
def test_every_spoken_phone_number_holds_seven_digit_words() -> None:
    @EXAMPLES
    @given(texts_matching(rules.SPOKEN_PHONE.compiled))
    def holds(text: str) -> None:
        rules._last_runs = None
        assert rules._digit_words(text) >= rules._SPOKEN_AT_LEAST, text

    holds()
    rules._last_runs = None
    assert rules._digit_words("four one five, five five five, oh one nine two") == 10
    assert rules.redact("call four one five five five five oh one nine two") == "call [phone]"


def test_every_name_spelled_out_passes_its_gate() -> None:
    @EXAMPLES
    @given(texts_matching(rules.SPELLED_OUT.compiled))
    def holds(text: str) -> None:
        assert ("-" in text or text.count(".") >= 3
                or rules._SPACED_CAPITALS.search(text)), text

    holds()


@pytest.mark.parametrize("note", [
    "j smith wants his holds", "jl okafor called", "k. garcia asked", "tj lopez's card",
    "the kid said j smith wants them", "ok so a j smith called"])
def test_lower_case_initials_pass_their_gate(note: str) -> None:
    from bot.privacy.typed_names import initials_and_surnames

    rules._last_runs = None
    assert initials_and_surnames(note) and rules._maybe_initials(note), note
    assert "smith" not in rules.redact(note) and "okafor" not in rules.redact(note)


@EXAMPLES
@given(st.lists(st.sampled_from(["j", "tj", "a", "my", "of", "smith", "okafor", "wants", "the",
                                 "[name]", "k.", " ", "  ", "'s", "called", "is", "x"]),
                max_size=8).map(" ".join))
def test_initials_the_gate_turns_away_are_none(note: str) -> None:
    from bot.privacy.typed_names import initials_and_surnames

    rules._last_runs = None
    if not rules._maybe_initials(note):
        assert initials_and_surnames(note) == [], note
    rules._last_runs = None


@EXAMPLES
@given(st.lists(st.sampled_from(["kev", "rose", "mark", "will", "jen", "priya", "asked", "wants",
                                 "the", "book", ".", "!", "hope", "came in", "'s", "s", "desk"]),
                max_size=8).map(" ".join))
def test_openings_the_gate_turns_away_are_none(note: str) -> None:
    """A note whose runs of letters hold no listed given name opens with no person's name."""
    from bot.privacy.names import given_names
    from bot.privacy.typed_names import opening_given_names

    rules._last_runs = None
    plain, worded = given_names()
    if rules._given_names_joined(plain, worded).isdisjoint(rules._letter_runs(note)):
        assert opening_given_names(note) == [], note
    rules._last_runs = None


@EXAMPLES
@given(st.lists(st.sampled_from(["kev", "jane", "doe", "kowalczyk", "will", "page", "park", "the",
                                 "asked", "garcia", "maria", "rose", "mark", "smith", "lopez",
                                 "wants", "holds", "for", "and", ",", ".", "(", "x", "[phone]",
                                 "patron", "called", "okafor", "hope"]),
                max_size=9).map(" ".join))
def test_a_lower_case_note_the_name_gate_turns_away_has_no_name_to_find(note: str) -> None:
    """``_no_names_to_find``: ``find_names`` finds nothing in a note it turns away."""
    from bot.privacy.names import find_names

    rules._last_runs = None
    if rules._no_names_to_find(note, rules._Has.of(note)):
        assert find_names(note) == [], note
    rules._last_runs = None


def test_the_other_language_words_lookahead_loses_no_match() -> None:
    """``names._OTHER_LATIN`` tries its words only where one of their first letters stands:
    it finds what the choice alone finds, on texts of its own words in odd cases."""
    from bot.privacy import names

    fast = names._OTHER_LATIN.compiled
    plain = re.compile(fast.pattern.replace("(?=[acdefhijlmnopqsuv])", "", 1), fast.flags)
    assert plain.pattern != fast.pattern
    words = re.search(r"\(\?:(.*)\)\\b", plain.pattern).group(1).split("|")
    assert all(re.match("[acdefhijlmnopqsuv]", word) for word in words)
    pieces = st.one_of(st.sampled_from(words), st.sampled_from(words).map(str.upper),
                       st.sampled_from([" ", "-", "'", "İ", "ſ", "K", "ı", "x"]))

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(pieces, max_size=8).map("".join))
    def same(text: str) -> None:
        assert ([m.span() for m in fast.finditer(text)]
                == [m.span() for m in plain.finditer(text)]), text

    same()
