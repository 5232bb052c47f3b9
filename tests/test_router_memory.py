"""The router keeps nothing of a message once the call that read it returns.

Scoring reads the message as typed (before redaction), so its words — a patron's name, a
misspelt title — must not stay behind in a memo: not the tokeniser's, not a normaliser's typo
corrections, not any function memo of the router's modules.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import pytest

from bot.content.catalogue import Catalogue
from bot.router import router_for
from bot.router.choices import matcher
from bot.router.cues import reading_memo_active
from bot.router.prefill import prefill
from bot.router.text import Normaliser, call_memo_active, one_message, words

LIBRARY = "mount-prospect"
# long and unknown to every vocabulary, so the typo corrector looks at it; a near-miss of a
# known word ("warrent") is corrected, which the memo of old kept too
DISTINCT = "quimbleworth"
MESSAGE = f"an officer with a search warrent wants {DISTINCT} checkout history"


def _memoised() -> dict[str, Callable[..., Any]]:
    """Every function memo in the router's modules, by qualified name."""
    found = {}
    for name, module in list(sys.modules.items()):
        if name != "bot.router" and not name.startswith("bot.router."):
            continue
        for attr, value in vars(module).items():
            if callable(value) and hasattr(value, "cache_info"):
                found[f"{name}.{attr}"] = value
    return found


def _remembered(normaliser: Normaliser) -> str:
    return " ".join(f"{k} {v}" for k, v in normaliser.remembered.items())


def test_routing_and_prefilling_a_message_leave_none_of_its_words_in_a_memo(
        catalogue: Catalogue) -> None:
    router = router_for(catalogue, LIBRARY)
    # the same message with another unknown word first: every memo of content (a question's
    # matcher, a group of cues) is warm, so only a memo of the message's own words could grow
    router.route(MESSAGE.replace(DISTINCT, "fennimoresk"))
    sizes = {name: f.cache_info().currsize for name, f in _memoised().items()}

    result = router.route(MESSAGE)

    assert result.situation is not None and result.prefill, "routed and prefilled"
    assert not call_memo_active() and not reading_memo_active()
    assert not hasattr(words, "cache_info"), "the tokeniser memoises no text"
    after = {name: f.cache_info().currsize for name, f in _memoised().items()}
    assert after == sizes, "no function memo of the router grew on a new message"
    flow = catalogue.flow(LIBRARY, result.situation)
    normalisers = [router.normaliser, *(matcher(q).normaliser for q in flow.questions())]
    for normaliser in normalisers:
        assert DISTINCT not in _remembered(normaliser)
        assert "warrent" not in _remembered(normaliser)


def test_prefill_on_its_own_keeps_no_word_of_the_message(catalogue: Catalogue) -> None:
    """The engine prefills a flow chosen from "Did you mean" straight from the message."""
    flow = catalogue.flow(LIBRARY, router_for(catalogue, LIBRARY).route(MESSAGE).situation
                          or pytest.fail("not routed"))
    assert prefill(flow, MESSAGE)
    assert not call_memo_active() and not reading_memo_active()
    for question in flow.questions():
        assert DISTINCT not in _remembered(matcher(question).normaliser)


def test_within_one_call_the_words_are_worked_out_once_and_dropped_after() -> None:
    """``one_message`` is what lets prefill read the same message for every question at the
    cost of one normalisation; it lasts exactly as long as its block."""
    normaliser = Normaliser({"warrant"})
    with one_message():
        first = words(MESSAGE)
        assert words(MESSAGE) is first
        assert normaliser.correct("warrent") == "warrant"
        assert call_memo_active()
    assert not call_memo_active()
    assert words(MESSAGE) is not first and words(MESSAGE) == first
    assert normaliser.remembered == {}
    trained = Normaliser({"warrant"}, remember=True)
    assert trained.correct("warrent") == "warrant"
    assert trained.remembered == {"warrent": "warrant"}
