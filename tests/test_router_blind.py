"""The router on the blind held-out set (tests/routing/heldout_blind.yaml).

The set was written from the catalogue's situation table alone, without seeing any trigger
phrase, the router or the other labelled sets, so it is an honest check of how the router
generalises. The bars here are deliberately loose sanity bars; the exact numbers and every miss
are printed (run with ``pytest -q -s tests/test_router_blind.py``) so they can be reported.
Counting mirrors tests/test_router.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.catalogue import Catalogue
from bot.router import Router, router_for
from tests.routing.labelled import load_examples

LIBRARY = "mount-prospect"
SET = Path(__file__).resolve().parent / "routing" / "heldout_blind.yaml"
EXAMPLES = load_examples(SET)
IN_SCOPE = [e for e in EXAMPLES if e.situation]
OUT_OF_SCOPE = [e for e in EXAMPLES if not e.situation]


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


def test_blind_set_is_big_enough_and_names_real_situations(catalogue: Catalogue) -> None:
    assert len(EXAMPLES) >= 200
    assert len(OUT_OF_SCOPE) >= 50
    known = set(catalogue.flows)
    assert {e.situation for e in IN_SCOPE} == known, "every situation has blind messages"
    for situation in known:
        assert sum(1 for e in IN_SCOPE if e.situation == situation) >= 10, situation


def test_blind_set_numbers(router: Router) -> None:
    misses = [(e.situation, first_offer(router, e.text), e.text) for e in IN_SCOPE
              if not e.accepts(first_offer(router, e.text))]
    top1 = 1 - len(misses) / len(IN_SCOPE)

    forced = [(r.band, r.candidates[0].situation if r.candidates else None, e.text)
              for e in OUT_OF_SCOPE if (r := router.route(e.text)).band != "none"]
    declined = 1 - len(forced) / len(OUT_OF_SCOPE)

    wrong = [(e.situation or "out-of-scope", r.situation, e.text) for e in EXAMPLES
             if (r := router.route(e.text, with_prefill=False)).situation
             and not e.accepts(r.situation)]
    confidently_wrong = len(wrong) / len(EXAMPLES)

    print(f"\nblind held-out set ({LIBRARY}): {len(IN_SCOPE)} in scope, "
          f"{len(OUT_OF_SCOPE)} out of scope")
    print(f"  in-scope top-1:         {top1:6.1%}  ({len(IN_SCOPE) - len(misses)}/{len(IN_SCOPE)})")
    print(f"  out-of-scope declined:  {declined:6.1%}  "
          f"({len(OUT_OF_SCOPE) - len(forced)}/{len(OUT_OF_SCOPE)})")
    print(f"  confidently wrong:      {confidently_wrong:6.1%}  ({len(wrong)}/{len(EXAMPLES)})")
    print("  in-scope misses (expected <- first offer | text):")
    for expected, offered, text in misses:
        print(f"    {expected} <- {offered or 'declined'} | {text}")
    print("  out-of-scope not declined (band, top candidate | text):")
    for band, top, text in forced:
        print(f"    {band}, {top} | {text}")
    print("  confidently wrong (expected <- started | text):")
    for expected, started, text in wrong:
        print(f"    {expected} <- {started} | {text}")

    assert top1 >= 0.70, f"in-scope top-1 {top1:.1%}"
    assert declined >= 0.70, f"out-of-scope declined {declined:.1%}"
    assert confidently_wrong <= 0.10, f"confidently wrong {confidently_wrong:.1%}"
