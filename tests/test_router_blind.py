"""The router on the blind held-out sets (tests/routing/heldout_blind*.yaml).

Each set was written without seeing any trigger phrase, the router or the other labelled sets
(the first from the catalogue's situation table, the second from the situation titles,
descriptions and questions, with non-English and mixed-language openings), so they are an
honest check of how the router generalises. Neither is ever used to tune. The bars here are
deliberately loose sanity bars, below the measured figures; the exact numbers and every miss
are printed (run with ``pytest -q -s tests/test_router_blind.py``) so they can be reported.
Counting mirrors tests/test_router.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.content.catalogue import Catalogue
from bot.router import Router, router_for
from tests.routing.labelled import Example, load_examples

LIBRARY = "mount-prospect"
ROUTING = Path(__file__).resolve().parent / "routing"


@dataclass(frozen=True)
class BlindSet:
    """A blind set and its loose bars (minimum top-1 and declined, maximum confidently wrong)."""

    name: str
    top1: float
    declined: float
    confidently_wrong: float

    @property
    def examples(self) -> list[Example]:
        return load_examples(ROUTING / f"{self.name}.yaml")


SETS = [
    # the trained router, measured: top-1 98.8 %, declined 100 %, confidently wrong 0.4 %
    # (the lexical scorer before it: 92.0 %, 87.1 %, 5.3 %)
    BlindSet("heldout_blind", top1=0.92, declined=0.85, confidently_wrong=0.03),
    # measured: top-1 87.4 %, declined 98.0 %, confidently wrong 0.9 %
    # (the lexical scorer: 60.0 %, 78.0 %, 10.7 %)
    BlindSet("heldout_blind2", top1=0.74, declined=0.80, confidently_wrong=0.04),
    # written after the router was retrained, by a helper who saw only the situation titles
    # and descriptions; kept from everyone working on the router until it was measured:
    # top-1 87.9 %, declined 88.0 %, confidently wrong 0.4 % (the model before: 81.3 %,
    # 78.0 %, 0.4 %; the lexical scorer: 66.5 %, 68.0 %, 8.2 %)
    BlindSet("heldout_blind3", top1=0.84, declined=0.82, confidently_wrong=0.03),
]


@pytest.fixture(scope="module")
def router(catalogue: Catalogue) -> Router:
    return router_for(catalogue, LIBRARY)


def first_offer(router: Router, text: str) -> str | None:
    """What staff see first: the started flow, or the first "Did you mean" suggestion."""
    result = router.route(text, with_prefill=False)
    if result.situation:
        return result.situation
    if result.band == "ambiguous" and result.suggestions:
        return result.suggestions[0].situation
    return None


@pytest.mark.parametrize("blind", SETS, ids=lambda b: b.name)
def test_blind_set_is_big_enough_and_names_real_situations(catalogue: Catalogue,
                                                           blind: BlindSet) -> None:
    examples = blind.examples
    in_scope = [e for e in examples if e.situation]
    assert len(examples) >= 200
    assert len(examples) - len(in_scope) >= 50
    known = set(catalogue.flows)
    assert {e.situation for e in in_scope} == known, "every situation has blind messages"
    for situation in known:
        assert sum(1 for e in in_scope if e.situation == situation) >= 10, situation


@pytest.mark.parametrize("blind", SETS, ids=lambda b: b.name)
def test_blind_set_numbers(router: Router, blind: BlindSet) -> None:
    examples = blind.examples
    in_scope = [e for e in examples if e.situation]
    out_of_scope = [e for e in examples if not e.situation]
    misses = [(e.situation, first_offer(router, e.text), e.text) for e in in_scope
              if not e.accepts(first_offer(router, e.text))]
    top1 = 1 - len(misses) / len(in_scope)

    forced = [(r.band, r.candidates[0].situation if r.candidates else None, e.text)
              for e in out_of_scope if (r := router.route(e.text)).band != "none"]
    declined = 1 - len(forced) / len(out_of_scope)

    wrong = [(e.situation or "out-of-scope", r.situation, e.text) for e in examples
             if (r := router.route(e.text, with_prefill=False)).situation
             and not e.accepts(r.situation)]
    confidently_wrong = len(wrong) / len(examples)

    print(f"\n{blind.name} ({LIBRARY}): {len(in_scope)} in scope, "
          f"{len(out_of_scope)} out of scope")
    print(f"  in-scope top-1:         {top1:6.1%}  ({len(in_scope) - len(misses)}/{len(in_scope)})")
    print(f"  out-of-scope declined:  {declined:6.1%}  "
          f"({len(out_of_scope) - len(forced)}/{len(out_of_scope)})")
    print(f"  confidently wrong:      {confidently_wrong:6.1%}  ({len(wrong)}/{len(examples)})")
    print("  in-scope misses (expected <- first offer | text):")
    for expected, offered, text in misses:
        print(f"    {expected} <- {offered or 'declined'} | {text}")
    print("  out-of-scope not declined (band, top candidate | text):")
    for band, top, text in forced:
        print(f"    {band}, {top} | {text}")
    print("  confidently wrong (expected <- started | text):")
    for expected, started, text in wrong:
        print(f"    {expected} <- {started} | {text}")

    assert top1 >= blind.top1, f"in-scope top-1 {top1:.1%}"
    assert declined >= blind.declined, f"out-of-scope declined {declined:.1%}"
    assert confidently_wrong <= blind.confidently_wrong, \
        f"confidently wrong {confidently_wrong:.1%}"
