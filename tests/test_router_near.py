"""A declined message is not a dead end: when the model's best flow scores the bands' ``near``
the router still offers it ("Did you mean", the closest guess), and ``near`` is fitted from
out-of-fold predictions like the other thresholds (``bot.router.train.fit_near``)."""

from __future__ import annotations

from dataclasses import replace

from bot.content.catalogue import Catalogue
from bot.engine.session import Opening, did_you_mean
from bot.router import Router
from bot.router.model import Bands, LinearModel, Packed, shipped
from bot.router.router import BACKGROUND
from bot.router.train import fit_bands, fit_near

LIBRARY = "mount-prospect"
DESK_TALK = "the printer on the second floor is jammed again"
BANDS = Bands(confident=0.8, margin=0.3, suggest=0.2, background_lead=0.1)
CLASSES = ["a", "b", BACKGROUND]


def router_with(catalogue: Catalogue, near: float) -> Router:
    """The shipped model and bands, but for ``near``."""
    data = shipped()
    assert data is not None
    bands = {**data.header["bands"], "near": near}
    model = LinearModel(Packed({**data.header, "bands": bands}, data.blob))
    return Router.from_catalogue(catalogue, LIBRARY, model=model)


def test_a_decline_offers_its_best_flow_when_it_scores_near(catalogue: Catalogue) -> None:
    declined = router_with(catalogue, 1.0).route(DESK_TALK)
    assert declined.band == "none" and declined.suggestions == () and declined.candidates
    best = declined.candidates[0]
    assert did_you_mean(declined) == ()

    offered = router_with(catalogue, best.score - 0.001).route(DESK_TALK)
    assert offered.band == "none" and offered.situation is None  # still declined: not started
    assert offered.suggestions == (best,)
    assert did_you_mean(offered) == (best.situation,)
    opening = Opening(catalogue, LIBRARY, offered.text, offered)
    assert opening.offered[0] == best.situation
    assert dict(offered.offered_prefill).keys() == {best.situation}  # read for a pick

    assert router_with(catalogue, best.score + 0.001).route(DESK_TALK).suggestions == ()


def test_fit_near_offers_the_closest_where_declined_right_guesses_outweigh_desk_talk() -> None:
    """Declined rows whose best flow scores 0.4 are mostly in scope and right: worth offering;
    those scoring 0.3 are mostly desk talk (an offer costs 1.5 of ``UTILITY`` there, a right
    one earns 0.7): not worth it. ``near`` lands above 0.3 and at most 0.4 (ties: the highest)."""
    rows = ([[0.4, 0.05, 0.55]] * 30  # in scope, right, declined (the background within lead)
            + [[0.3, 0.05, 0.65]] * 3  # in scope, right, declined
            + [[0.3, 0.05, 0.65]] * 10  # desk talk of the same shape
            + [[0.1, 0.05, 0.85]] * 60  # plain desk talk
            + [[0.9, 0.05, 0.05]] * 20)  # started: no say in near
    labels = ["a"] * 33 + [BACKGROUND] * 70 + ["a"] * 20
    assert fit_near(rows, CLASSES, labels, BANDS, bootstraps=0) == 0.4
    assert fit_near(rows, CLASSES, labels, BANDS) == 0.4  # the resamples' median agrees


def test_fit_near_offers_nothing_when_every_decline_is_desk_talk() -> None:
    rows = [[0.35, 0.05, 0.6]] * 20 + [[0.9, 0.05, 0.05]] * 20
    labels = [BACKGROUND] * 20 + ["a"] * 20
    assert fit_near(rows, CLASSES, labels, BANDS, bootstraps=0) == 1.0


def test_fit_bands_fits_near_after_the_other_thresholds() -> None:
    rows = ([[0.8, 0.1, 0.1]] * 40 + [[0.3, 0.05, 0.65]] * 20 + [[0.3, 0.05, 0.65]] * 5
            + [[0.05, 0.05, 0.9]] * 60)
    labels = ["a"] * 60 + [BACKGROUND] * 65
    bands = fit_bands(rows, CLASSES, labels, bootstraps=0)
    assert bands.near == fit_near(rows, CLASSES, labels, replace(bands, near=1.0), bootstraps=0)
