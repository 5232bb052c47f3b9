"""The band decision (``bot.router.model.decide``), pinned condition by condition.

The scores are built by hand, each case sitting just either side of one threshold, so removing
any one condition of the decision fails a test. Every case runs against the bands fitted by
cross-validation and shipped with the model (``bot/data/routing/model.json``), and against a set
of hand-made bands with every threshold well inside (0, 1), so a fitted threshold that happens
to sit at an edge (a margin of 0, say) cannot hide a missing condition.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.content.catalogue import Catalogue
from bot.router import Router
from bot.router.model import Bands, decide, shipped
from bot.router.router import BACKGROUND

FITTED = Bands(**shipped().header["bands"])  # type: ignore[union-attr]
HAND = Bands(confident=0.6, margin=0.1, suggest=0.15, background_lead=0.1)
# a two-stage model's: the gate declines, the flows are compared as shares of the rest
GATED = Bands(confident=0.6, margin=0.2, suggest=0.15, background_lead=0.0, gate=0.4)
SMALL = 0.01  # a step across one threshold


@pytest.fixture(params=[FITTED, HAND], ids=["fitted", "hand-made"])
def bands(request: pytest.FixtureRequest) -> Bands:
    """Bands decided by the background lead: the fitted ones when the shipped bands are, and
    the hand-made ones."""
    if request.param.gate:
        pytest.skip("the shipped bands are decided by a gate: the gated tests pin them")
    return request.param


@pytest.fixture(params=[FITTED, GATED], ids=["fitted", "hand-made"])
def gated(request: pytest.FixtureRequest) -> Bands:
    if not request.param.gate:
        pytest.skip("the shipped bands use the background lead: the tests above pin them")
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


# --- two stages: the gate declines; the flows are shares of what it left in scope ----------

def shares(bands: Bands, noise: float, *flows: tuple[str, float]) -> str:
    """The band for flows given as shares of the in-scope rest and the gate's background."""
    return band(bands, *((f, s * (1.0 - noise)) for f, s in flows), (BACKGROUND, noise))


def test_gated_none_when_the_gate_gives_the_background_its_threshold(gated: Bands) -> None:
    clear = (("a", 1.0), ("b", 0.0))  # the flows' stage is certain
    assert shares(gated, gated.gate, *clear) == "none"
    assert shares(gated, gated.gate - SMALL, *clear) == "confident"


def test_gated_flows_are_compared_as_shares_of_the_in_scope_rest(gated: Bands) -> None:
    """Under the gate, the best flow's share decides, however much the gate took: a lead that
    is small in raw scores but clears the margin as shares starts the flow."""
    noise = gated.gate - SMALL
    top = min(1.0, gated.confident + SMALL)
    assert shares(gated, noise, ("a", top), ("b", top - gated.margin - SMALL)) == "confident"
    if gated.margin:
        assert shares(gated, noise, ("a", top), ("b", top - gated.margin + SMALL)) \
            == "ambiguous"


def test_gated_the_background_is_no_runner_up(gated: Bands) -> None:
    """The gate's background just under its threshold does not count against the margin."""
    top = min(1.0, max(gated.confident, gated.margin) + SMALL)
    assert shares(gated, gated.gate - SMALL, ("a", top), ("b", 0.0)) == "confident"


def test_gated_and_one_models_rule_differ_where_the_background_is_close() -> None:
    """Shares 0.8 / 0.2 under a background of 0.39: raw scores 0.488 / 0.122 / 0.39. One
    model's rule reads the raw scores (the best flow under ``confident``, the background
    within the margin): "Did you mean". The gate let the message through and the flows' stage
    is sure: start it."""
    scores = (("a", 0.8 * 0.61), ("b", 0.2 * 0.61), (BACKGROUND, 0.39))
    assert band(GATED, *scores) == "confident"
    assert band(replace(GATED, gate=0.0), *scores) == "ambiguous"


def test_gated_ambiguous_below_confident_and_none_below_suggest(gated: Bands) -> None:
    if gated.confident - SMALL >= gated.suggest:
        assert shares(gated, 0.0, ("a", gated.confident - SMALL), ("b", 0.0)) == "ambiguous"
    assert shares(gated, 0.0, ("a", gated.suggest - SMALL), ("b", 0.0)) == "none"
    assert shares(gated, 0.0, ("a", gated.suggest + SMALL), ("b", 0.0)) != "none"


def test_one_models_bands_ignore_a_gate_of_zero() -> None:
    """``gate`` 0 is one model's rule: the background within the lead declines."""
    assert HAND.gate == 0.0
    assert band(HAND, ("a", 0.9), (BACKGROUND, 0.85)) == "none"
    assert band(GATED, ("a", 0.6), (BACKGROUND, 0.35)) == "confident"


@pytest.mark.parametrize("text", [
    "two patrons throwing punches by the elevator!!",
    "4 year old alone in the kids area for an hour, no adult anywhere",
])
def test_a_plain_emergency_starts_without_a_menu(catalogue: Catalogue, text: str) -> None:
    """A fight or a small child alone, scored ~0.86-0.89 with every other flow under 0.02 and
    desk talk ~0.1, is started: the bands must not count the background as the runner-up that
    puts an urgent, unambiguous opening behind a "Did you mean" (review: such openings went
    behind a menu with bands fitted by the background-lead rule)."""
    result = Router.from_catalogue(catalogue, "mount-prospect").route(text)
    assert result.band == "confident" and result.situation == "emergency-or-illegal-activity"


@pytest.mark.parametrize(("library", "text"), [
    ("westmont", "police at the desk with a search warrant for our computers"),
    ("jackson-county", "sheriff's deputy here with a search warrant for the computers, the "
                       "director is at a conference"),
])
def test_a_warrant_being_served_at_the_desk_starts_without_a_menu(catalogue: Catalogue,
                                                                   library: str,
                                                                   text: str) -> None:
    """A warrant the officer is serving now is carried out at once: the situation is started
    without a "Did you mean", whichever of the two that page at once for a warrant it is
    (police asking, or papers served) — a menu between them delays the page for nothing
    (review: a retrained router put these behind one)."""
    result = Router.from_catalogue(catalogue, library).route(text)
    assert result.band == "confident", result
    assert result.situation in ("law-enforcement-request", "legal-document-served"), result


@pytest.mark.parametrize("text", [
    "officer with a search warrant",
    "cop has a search warrant",
    "police here with a warrant",
])
def test_a_warrant_at_the_desk_is_the_police_situation_first(catalogue: Catalogue,
                                                              text: str) -> None:
    """A search warrant can be executed at once: the police situation is started, or, where
    the papers-served situation also scores, it is the first "Did you mean" choice — never
    declined, never behind another situation."""
    result = Router.from_catalogue(catalogue, "westmont").route(text)
    police = "law-enforcement-request"
    assert result.situation == police or (
        result.band == "ambiguous" and result.suggestions[0].situation == police), result
