"""The band decision (``bot.router.model.decide``), pinned condition by condition.

The scores are built by hand, each case sitting just either side of one threshold, so removing
any one condition of the decision fails a test. Every case runs against the bands fitted by
cross-validation and shipped with the model (``bot/data/routing/model.json``), and against a set
of hand-made bands with every threshold well inside (0, 1), so a fitted threshold that happens
to sit at an edge (a margin of 0, say) cannot hide a missing condition.
"""

from __future__ import annotations

import pytest

from bot.content.catalogue import Catalogue
from bot.router import Router
from bot.router.model import Bands, decide, shipped
from bot.router.router import BACKGROUND

FITTED = Bands(**shipped().header["bands"])  # type: ignore[union-attr]
HAND = Bands(confident=0.6, margin=0.1, suggest=0.15, background_lead=0.1)
SMALL = 0.01  # a step across one threshold


@pytest.fixture(params=[FITTED, HAND], ids=["fitted", "hand-made"])
def bands(request: pytest.FixtureRequest) -> Bands:
    return request.param


def band(bands: Bands, *scores: tuple[str, float]) -> str:
    return decide(sorted(scores, key=lambda s: -s[1]), bands, BACKGROUND)[0]


def strong(bands: Bands) -> float:
    """A top score that clears ``confident`` and ``suggest`` with room for a margin below it."""
    return min(1.0, max(bands.confident, bands.suggest) + 0.05)


def test_confident_when_top_clears_the_bar_and_leads_by_the_margin(bands: Bands) -> None:
    top = strong(bands)
    assert band(bands, ("a", top), ("b", top - bands.margin - SMALL), (BACKGROUND, 0.0)) \
        == "confident"


def test_ambiguous_when_the_runner_up_is_within_the_margin(bands: Bands) -> None:
    if bands.margin == 0:
        pytest.skip("a fitted margin of 0: the hand-made bands pin the condition")
    top = strong(bands)
    assert band(bands, ("a", top), ("b", top - bands.margin / 2), (BACKGROUND, 0.0)) \
        == "ambiguous"


def test_the_background_counts_as_a_runner_up(bands: Bands) -> None:
    """Within the margin of the best flow (but not within its lead): "Did you mean"."""
    lenient = Bands(bands.confident, max(bands.margin, 0.1), bands.suggest,
                    min(bands.background_lead, 0.0))
    top = strong(lenient)
    assert band(lenient, ("a", top), ("b", 0.0), (BACKGROUND, top - lenient.margin / 2)) \
        == "ambiguous"


def test_ambiguous_when_alone_but_below_confident(bands: Bands) -> None:
    if bands.confident - SMALL < bands.suggest:
        pytest.skip("confident == suggest: nothing is offered below confident")
    assert band(bands, ("a", bands.confident - SMALL), ("b", 0.0), (BACKGROUND, 0.0)) \
        == "ambiguous"


def test_none_when_the_background_is_within_the_lead(bands: Bands) -> None:
    top = strong(bands)
    noise = top - bands.background_lead
    assert band(bands, ("a", top), ("b", 0.0), (BACKGROUND, noise + SMALL)) == "none"
    assert band(bands, ("a", top), ("b", 0.0), (BACKGROUND, noise - SMALL)) != "none"


def test_none_when_below_suggest_even_with_no_background(bands: Bands) -> None:
    lenient = Bands(bands.confident, bands.margin, bands.suggest, min(0.0, bands.background_lead))
    assert band(lenient, ("a", bands.suggest - SMALL), (BACKGROUND, 0.0)) == "none"
    assert band(lenient, ("a", bands.suggest + SMALL), (BACKGROUND, 0.0)) != "none"


def test_ranked_flows_leave_the_background_out() -> None:
    _, ranked = decide([("a", 0.9), (BACKGROUND, 0.2), ("b", 0.1)], HAND, BACKGROUND)
    assert ranked == [("a", 0.9), ("b", 0.1)]


def test_the_router_decides_with_the_fitted_bands(catalogue: Catalogue) -> None:
    router = Router.from_catalogue(catalogue, "mount-prospect")
    assert router.model is not None and router.bands == FITTED
    top = strong(FITTED)
    assert router.decide([("a", top), ("b", top - FITTED.margin - SMALL), (BACKGROUND, 0.0)])[0] \
        == "confident"
