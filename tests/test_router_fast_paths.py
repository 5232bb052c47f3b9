"""The router's shortcuts taken for speed give exactly what the plain way gives.

Each shortcut (``route()`` p99, issue 13) replaces a simple loop with a cheaper one: a sweep for
a pairwise comparison, a set test before a loop that would find nothing. Each test here checks
the shortcut against the plain loop it replaced, kept here as the oracle, on inputs made to hit
its edge cases. (``bench/route_identity.py`` checks the whole router on every in-repo text.)
"""

from __future__ import annotations

import random

from bot.content.catalogue import Catalogue
from bot.privacy.redact import _holds
from bot.router.prefill import _inside_longer, prefill


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
