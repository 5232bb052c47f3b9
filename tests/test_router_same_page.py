"""Two situations that page the same people at once for a message are no reason to ask.

``Flow.immediate_page`` reads, from a flow's content alone, whom the answers a message states
page at once before any question; ``decide`` (``Bands.same_page``) then counts a runner-up that
leads to the leader's immediate page with the leader, and starts the leader when the sum is
confident; the bands are fitted and measured deciding that way (``train.band_fits``).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bot.content.catalogue import Catalogue
from bot.content.flows import Branch, Choice, Flow, Outcome, Question, Rule
from bot.router import Router
from bot.router.model import Bands, decide
from bot.router.router import BACKGROUND
from bot.router.train import band_fits, figures

HAND = Bands(confident=0.6, margin=0.3, suggest=0.15, background_lead=0.1, same_page=True)
GATED = Bands(confident=0.6, margin=0.3, suggest=0.15, background_lead=0.0, gate=0.4,
              same_page=True)
POLICE, PAPERS = "law-enforcement-request", "legal-document-served"


def band(bands: Bands, alike: bool, *scores: tuple[str, float]) -> str:
    return decide(sorted(scores, key=lambda s: -s[1]), bands, BACKGROUND,
                  lambda _first, _second: alike)[0]


# --- the decision ------------------------------------------------------------------------------

def test_a_runner_up_with_the_same_immediate_page_is_no_reason_to_ask() -> None:
    scores = (("a", 0.5), ("b", 0.4), ("c", 0.05), (BACKGROUND, 0.05))
    assert band(HAND, False, *scores) == "ambiguous"
    assert band(HAND, True, *scores) == "confident"
    assert decide(sorted(scores, key=lambda s: -s[1]), HAND, BACKGROUND,
                  lambda *_: True)[1][0][0] == "a"  # the leader is what starts


def test_the_rule_is_the_bands_to_declare() -> None:
    scores = (("a", 0.5), ("b", 0.4), (BACKGROUND, 0.05))
    assert band(replace(HAND, same_page=False), True, *scores) == "ambiguous"


def test_the_two_together_must_still_clear_confident_and_lead_the_third() -> None:
    assert band(HAND, True, ("a", 0.3), ("b", 0.25), ("c", 0.0), (BACKGROUND, 0.0)) \
        == "ambiguous"  # 0.55 < confident
    wide = replace(HAND, margin=0.5)
    assert band(wide, True, ("a", 0.4), ("b", 0.3), ("c", 0.25), (BACKGROUND, 0.05)) \
        == "ambiguous"  # 0.7 leads the third by less than the margin
    assert band(wide, True, ("a", 0.4), ("b", 0.3), ("c", 0.15), (BACKGROUND, 0.05)) \
        == "confident"


def test_one_models_rule_still_counts_the_background_against_the_two() -> None:
    wide = replace(HAND, margin=0.5)
    assert band(wide, True, ("a", 0.4), ("b", 0.3), (BACKGROUND, 0.25)) == "ambiguous"
    assert band(wide, True, ("a", 0.4), ("b", 0.3), (BACKGROUND, 0.15)) == "confident"


def test_gated_the_two_are_compared_as_shares_of_the_in_scope_rest() -> None:
    noise = 0.3  # under the gate: raw 0.35 + 0.28 = 0.63 is 0.9 of the rest
    scores = (("a", 0.35), ("b", 0.28), ("c", 0.07), (BACKGROUND, noise))
    assert band(GATED, False, *scores) == "ambiguous"
    assert band(GATED, True, *scores) == "confident"
    assert band(GATED, True, ("a", 0.35), ("b", 0.28), (BACKGROUND, 0.4)) == "none"


def test_the_message_is_read_only_when_the_sum_could_start() -> None:
    asked: list[tuple[str, str]] = []

    def same_page(first: str, second: str) -> bool:
        asked.append((first, second))
        return True

    decide([("a", 0.3), ("b", 0.2), (BACKGROUND, 0.0)], HAND, BACKGROUND, same_page)
    decide([("a", 0.95), ("b", 0.01), (BACKGROUND, 0.0)], HAND, BACKGROUND, same_page)
    assert asked == []
    decide([("a", 0.5), ("b", 0.45), (BACKGROUND, 0.0)], HAND, BACKGROUND, same_page)
    assert asked == [("a", "b")]


def test_the_shipped_bands_declare_the_rule(catalogue: Catalogue) -> None:
    assert Router.from_catalogue(catalogue, "westmont").bands.same_page


# --- the flows' content: whom a message's answers page at once -----------------------------------

def test_a_stated_warrant_pages_the_privacy_in_charge_at_once_in_both_situations(
        catalogue: Catalogue) -> None:
    for flow_id in (POLICE, PAPERS):
        flow = catalogue.flows[flow_id]
        assert flow.immediate_page({"document": "search-warrant"}) == {"privacy-in-charge"}
        assert flow.immediate_page({}) is None  # the paper is asked first
        assert flow.immediate_page({"document": "subpoena"}) is None  # a question follows


def _flow(*nodes: Question | Branch | Outcome) -> Flow:
    return Flow("f", "F", "", (), nodes[0].id, {n.id: n for n in nodes}, Path("f.yaml"))


def _page(node_id: str, urgency: str, *roles: str) -> Outcome:
    return Outcome(node_id, {"escalate": {"roles": list(roles), "urgency": urgency}}, 0)


def test_every_arm_of_a_branch_must_page_the_same_people_at_once() -> None:
    ask = Question("q", "?", "", (Choice("yes", "Yes", (), "b", 0),
                                  Choice("not-sure", "Not sure", (), "b", 0)), 0)
    same = _flow(ask, Branch("b", (Rule("facts.x", "o1", 0), Rule(None, "o2", 0)), 0),
                 _page("o1", "immediate", "pic"), _page("o2", "immediate", "pic"))
    assert same.immediate_page({"q": "yes"}) == {"pic"}
    # "Not sure" that does not page goes to the engine's most cautious outcome: not read here
    assert same.immediate_page({"q": "not-sure"}) is None
    prompt = _flow(ask, Branch("b", (Rule("facts.x", "o1", 0), Rule(None, "o2", 0)), 0),
                   _page("o1", "immediate", "pic"), _page("o2", "prompt", "pic"))
    assert prompt.immediate_page({"q": "yes"}) is None
    others = _flow(ask, Branch("b", (Rule("facts.x", "o1", 0), Rule(None, "o2", 0)), 0),
                   _page("o1", "immediate", "pic"), _page("o2", "immediate", "director"))
    assert others.immediate_page({"q": "yes"}) is None


# --- the router reads the message for the rule ---------------------------------------------------

def test_the_router_starts_the_leader_when_the_warrant_pages_at_once_either_way(
        catalogue: Catalogue) -> None:
    router = Router.from_catalogue(catalogue, "westmont")
    router.bands = HAND
    scores = [(POLICE, 0.5), (PAPERS, 0.4), ("media-inquiry", 0.05), (BACKGROUND, 0.05)]
    assert router.decide(scores, "officer here with a search warrant for our server")[0] \
        == "confident"
    # a subpoena is asked about first in both: choosing the situation matters
    assert router.decide(scores, "officer here with a subpoena for our server")[0] \
        == "ambiguous"
    assert router.decide(scores)[0] == "ambiguous"  # no message, nothing to read


# --- the fit decides the way the router does ---------------------------------------------------

def test_the_bands_are_fitted_on_the_decisions_the_rule_makes() -> None:
    """Close calls between two situations that page alike are right either way once started:
    fitted with the rule, they start; the figures count them started."""
    classes = ["a", "b", "c", BACKGROUND]
    rows, labels, alike = [], [], []
    for _ in range(20):
        rows.append([0.5, 0.45, 0.0, 0.05])  # the two alike: starting "a" pages as "b" would
        labels.append("a")
        alike.append(True)
        rows.append([0.5, 0.0, 0.45, 0.05])  # a real choice, and "c" is right
        labels.append("c")
        alike.append(False)
        rows.append([0.1, 0.05, 0.05, 0.8])
        labels.append(BACKGROUND)
        alike.append(False)
    without, _ = band_fits(rows, classes, labels, bootstraps=0)
    assert figures(rows, classes, labels, without)["started"] == 0.0
    bands, _ = band_fits(rows, classes, labels, bootstraps=0, same_page=alike)
    assert bands.same_page
    found = figures(rows, classes, labels, bands, alike)
    assert found["started"] == 0.5 and found["conf-wrong"] == 0.0
