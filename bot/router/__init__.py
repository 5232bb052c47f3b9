"""Free-text routing: from a staff member's words to the right flow, or an honest "not sure".

One router object serves every face (terminal chat, ``frontdesk run``, ``frontdesk route``,
Slack). Build it once per catalogue and library, then call ``route`` for each message::

    from bot.router import router_for          # cached per (catalogue, library)
    router = router_for(catalogue, "mount-prospect")
    # or, uncached: Router.from_catalogue(catalogue, "mount-prospect")

    result = router.route("cop here with a search warrant")   # redacts first
    result.text          # the redacted message: the only form of it to store or log
    result.band          # "confident" | "ambiguous" | "none"
    result.situation     # flow id when band == "confident", else None
    result.confidence    # 0..1, the top score
    result.candidates    # up to three Candidate(situation, title, score), best first
    result.suggestions   # the candidates worth offering in "Did you mean" (ambiguous; on a
                         # decline, the best flow when it scores the bands' ``near``)
    result.prefill       # PrefilledAnswer(question, choice, ask, label, said, suggested) per
                         # fact stated (suggested: only hinted, e.g. a weak cue for a
                         # safety-critical choice; the engine asks and offers it)
    result.stated_date   # StatedDate(date, said) for a flow whose hold counts from it, or None
    result.to_json()     # {"text", "situation", "confidence", "candidates"} (route --jsonl)

What a face does with each band:

* ``confident`` — start ``result.situation`` with ``bot.engine.start(..., prefill=result.prefill,
  stated_date=result.stated_date.date if result.stated_date else None)`` and show "I understood:
  <ask> → <label>" for each entry of ``View.understood``, with a way to change it, and
  ``View.suggestion`` under its question.
* ``ambiguous`` — "Did you mean": ``result.suggestions`` (up to three) plus
  "None of these — page the privacy in-charge".
* ``none`` — say so, list ``router.situations()`` and offer to page the privacy in-charge;
  when ``result.suggestions`` holds the closest situation, offer it first ("Did you mean").

Free-text answers to questions use the same normalisation and phrases
(``bot.router.choices.ChoiceMatcher``, called by ``bot.engine.matching.match_choice``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.lazypackage import lazy_exports

if TYPE_CHECKING:
    from bot.router.choices import ChoiceMatcher, matcher
    from bot.router.prefill import PrefilledAnswer, prefill
    from bot.router.router import BANDS, Candidate, Router, RouteResult, Tuning

__all__ = [
    "BANDS",
    "Candidate",
    "ChoiceMatcher",
    "PrefilledAnswer",
    "RouteResult",
    "Router",
    "Tuning",
    "matcher",
    "prefill",
    "router_for",
]

# Imported on first use (``bot.lazypackage``): `frontdesk check` reads choice phrases with
# ``bot.router.text`` alone, and needs the router itself only to route triggers afresh.
lazy_exports(__name__, {
    "ChoiceMatcher": "bot.router.choices", "matcher": "bot.router.choices",
    "PrefilledAnswer": "bot.router.prefill", "prefill": "bot.router.prefill",
    **{name: "bot.router.router" for name in ("BANDS", "Candidate", "Router", "RouteResult",
                                              "Tuning")},
})

_ROUTERS: dict[tuple[int, str], tuple[Any, Router]] = {}


def router_for(catalogue: Any, library: str) -> Router:
    """The router for ``library`` over ``catalogue``, built on first use and then reused (the
    lexical scorer's index across processes too, through ``bot.cache``, under a digest of the
    flows' files and the router's code)."""
    from bot.cache import cached as from_cache
    from bot.cache import code_digest, files_digest
    from bot.router.router import Router, shipped_model

    key = (id(catalogue), library)
    cached = _ROUTERS.get(key)
    if cached is not None and cached[0] is catalogue:
        return cached[1]
    catalogue.pack(library)  # an unknown library fails here, before any work
    flows = catalogue.flows_for(library).values()
    if shipped_model({flow.id: flow for flow in flows}) is not None:
        # the trained model has no index to build: its weights load faster than any cache
        router = Router.from_catalogue(catalogue, library)
        _ROUTERS[key] = (catalogue, router)
        return router
    index = files_digest(flow.path for flow in flows) + code_digest(
        "router", "data", "privacy", "content")
    router = from_cache("router", index, lambda: Router.from_catalogue(catalogue, library))
    _ROUTERS[key] = (catalogue, router)
    return router
