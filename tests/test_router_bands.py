"""``Router.decide``: the band for a ranked list of scores, pinned condition by condition.

The scores are built by hand (no catalogue: ``decide`` reads only the tuning), each case sitting
just either side of one threshold, so removing any one condition of the decision fails a test.
Defaults: confident 0.6, margin 0.05, suggest 0.15, background_lead 0.15.
"""

from __future__ import annotations

import pytest

from bot.router import Router, Tuning
from bot.router.router import BACKGROUND

TUNING = Tuning()


@pytest.fixture(scope="module")
def router() -> Router:
    return Router([], TUNING)


def band(router: Router, *scores: tuple[str, float]) -> str:
    return router.decide(list(scores))[0]


def test_confident_when_top_clears_the_bar_and_leads_by_the_margin(router: Router) -> None:
    top = TUNING.confident + 0.1
    assert band(router, ("a", top), ("b", top - TUNING.margin - 0.01), (BACKGROUND, 0.0)) \
        == "confident"


def test_ambiguous_when_the_runner_up_is_within_the_margin(router: Router) -> None:
    top = TUNING.confident + 0.2
    assert band(router, ("a", top), ("b", top - TUNING.margin / 2), (BACKGROUND, 0.0)) \
        == "ambiguous"


def test_ambiguous_when_the_background_is_within_the_margin_but_not_the_lead() -> None:
    """The runner-up is the better of the second flow and the background."""
    lenient = Router([], Tuning(background_lead=0.0))
    assert band(lenient, ("a", 0.8), ("b", 0.1), (BACKGROUND, 0.8 - TUNING.margin / 2)) \
        == "ambiguous"


def test_ambiguous_when_alone_but_below_confident(router: Router) -> None:
    assert band(router, ("a", TUNING.confident - 0.01), ("b", 0.0), (BACKGROUND, 0.0)) \
        == "ambiguous"


def test_none_when_the_background_is_within_the_lead(router: Router) -> None:
    top = TUNING.confident + 0.3
    assert band(router, ("a", top), ("b", 0.0), (BACKGROUND, top - TUNING.background_lead / 2)) \
        == "none"


def test_none_when_below_suggest_even_with_no_background() -> None:
    lenient = Router([], Tuning(background_lead=0.0))
    """With no background lead required, only ``suggest`` turns this score away."""
    assert band(lenient, ("a", TUNING.suggest - 0.01), (BACKGROUND, 0.0)) == "none"
    assert band(lenient, ("a", TUNING.suggest + 0.01), (BACKGROUND, 0.0)) == "ambiguous"


def test_ranked_flows_leave_the_background_out(router: Router) -> None:
    _, ranked = router.decide([("a", 0.9), (BACKGROUND, 0.2), ("b", 0.1)])
    assert ranked == [("a", 0.9), ("b", 0.1)]
