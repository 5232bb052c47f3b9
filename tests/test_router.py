"""The router on the labelled staff messages (the bars), its bands, its API and its CLI."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.content.catalogue import Catalogue
from bot.privacy.redact import redact
from bot.router import Router, router_for
from bot.router.router import BACKGROUND
from tests.routing.labelled import Example, load_examples

LIBRARY = "mount-prospect"
EXAMPLES = load_examples()
IN_SCOPE = [e for e in EXAMPLES if e.situation]
OUT_OF_SCOPE = [e for e in EXAMPLES if not e.situation]


@pytest.fixture(scope="module")
def router(catalogue: Catalogue) -> Router:
    return router_for(catalogue, LIBRARY)


def first_offer(router: Router, example: Example) -> str | None:
    """What staff see first: the started flow, or the first "Did you mean" suggestion."""
    result = router.route(example.text, with_prefill=False)
    if result.situation:
        return result.situation
    if result.band == "ambiguous" and result.suggestions:
        return result.suggestions[0].situation
    return None


def test_labelled_set_is_big_enough_and_names_real_situations(catalogue: Catalogue) -> None:
    assert len(EXAMPLES) >= 250
    assert len(OUT_OF_SCOPE) >= 30
    known = set(catalogue.flows)
    for example in EXAMPLES:
        assert example.situation is None or example.situation in known, example
        assert example.also <= known, example
    assert {e.situation for e in IN_SCOPE} == known, "every situation has labelled messages"


def test_labelled_messages_are_not_copies_of_trigger_phrases(catalogue: Catalogue) -> None:
    triggers = {t.lower().strip() for f in catalogue.flows.values() for t in f.triggers}
    copies = [e.text for e in EXAMPLES if e.text.lower().strip() in triggers]
    assert not copies


def test_in_scope_top1_is_at_least_90_percent(router: Router) -> None:
    misses = [(e.text, e.situation, first_offer(router, e)) for e in IN_SCOPE
              if not e.accepts(first_offer(router, e))]
    accuracy = 1 - len(misses) / len(IN_SCOPE)
    assert accuracy >= 0.90, f"top-1 {accuracy:.1%}; misses: {misses}"


def test_out_of_scope_is_declined_at_least_90_percent(router: Router) -> None:
    forced = [(e.text, r.band, r.candidates[0].situation if r.candidates else None)
              for e in OUT_OF_SCOPE if (r := router.route(e.text)).band != "none"]
    declined = 1 - len(forced) / len(OUT_OF_SCOPE)
    assert declined >= 0.90, f"declined {declined:.1%}; not declined: {forced}"


def test_confidently_wrong_is_rare(router: Router) -> None:
    wrong = [(e.text, r.situation) for e in EXAMPLES
             if (r := router.route(e.text, with_prefill=False)).situation
             and not e.accepts(r.situation)]
    assert len(wrong) / len(EXAMPLES) <= 0.03, wrong


@pytest.mark.parametrize("text", ["what time do we close", "the printer is jammed", "thanks!",
                                  "", "   ", "ok", "??"])
def test_everyday_talk_is_declined(router: Router, text: str) -> None:
    result = router.route(text)
    assert result.band == "none" and result.situation is None


@pytest.mark.parametrize(("text", "situation"), [
    ("cop here wants circ records no warrant", "law-enforcement-request"),
    ("kid porn on pc 4", "cybertipline-concern"),
    ("FOIA", "public-records-request"),
    ("cctv", "security-camera-footage"),
    ("subpena came in the mail", "legal-document-served"),
])
def test_slang_typos_and_abbreviations_route_confidently(router: Router, text: str,
                                                         situation: str) -> None:
    result = router.route(text)
    assert (result.band, result.situation) == ("confident", situation)


def test_result_shape_and_redaction_first(router: Router) -> None:
    result = router.route("patron named Jane Smith, card 21234000123456, lost her card")
    assert "Jane" not in result.text and "21234000123456" not in result.text
    data = result.to_json()
    assert list(data) == ["text", "situation", "confidence", "candidates"]
    assert 0.0 <= data["confidence"] <= 1.0
    assert len(data["candidates"]) <= 3
    assert all(set(c) == {"situation", "score"} for c in data["candidates"])
    assert all(c["situation"] != BACKGROUND for c in data["candidates"])
    scores = [c["score"] for c in data["candidates"]]
    assert scores == sorted(scores, reverse=True)


def test_ambiguous_offers_up_to_three_and_no_situation(router: Router) -> None:
    # who "someone" is decides the flow (officer, lawyer, the patron, a relative...): ask.
    # (A fine paid by credit card, the example here before, is desk routine: labelled.yaml
    # counts it out of scope, so the router now declines it.)
    result = router.route("someone wants records about a patron")
    assert result.band == "ambiguous" and result.situation is None
    assert 1 <= len(result.suggestions) <= 3


def test_router_is_built_once_per_catalogue_and_library(catalogue: Catalogue) -> None:
    assert router_for(catalogue, LIBRARY) is router_for(catalogue, LIBRARY)
    assert set(router_for(catalogue, LIBRARY).flows) == set(catalogue.flows_for(LIBRARY))


# --- CLI -------------------------------------------------------------------------------------

def test_route_jsonl_one_object_per_line_with_the_exact_shape() -> None:
    lines = ["cop here wants circ records no warrant", "what time do we close", "",
             "my card 21234000123456 was stolen"]
    result = CliRunner().invoke(main, ["route", "--jsonl"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.output.splitlines()]
    assert len(out) == len(lines)
    for data in out:
        assert list(data) == ["text", "situation", "confidence", "candidates"]
    assert out[0]["situation"] == "law-enforcement-request"
    assert out[1]["situation"] is None
    assert out[2] == {"text": "", "situation": None, "confidence": 0.0, "candidates": []}
    assert out[3]["text"] == "my card [card] was stolen"
    assert out[3]["situation"] == "lost-or-stolen-card"


def test_route_text_json_and_words() -> None:
    runner = CliRunner()
    args = ["route", "--json", "police officer at the desk with a search warrant"]
    data = json.loads(runner.invoke(main, args).output)
    assert data["situation"] == "law-enforcement-request" and data["band"] == "confident"
    assert {"question": "document", "choice": "search-warrant", "label": "A search warrant"} in (
        data["prefill"]
    )
    words = runner.invoke(main, ["route", "--library", "westmont", "thanks!"]).output
    assert "I can't tell which situation this is" in words and "privacy in-charge" in words
    assert "Did you mean" in runner.invoke(
        main, ["route", "someone wants records about a patron"]).output


def test_route_usage_errors() -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["route"]).exit_code == 2
    result = runner.invoke(main, ["route", "--library", "nowhere", "cop"])
    assert result.exit_code == 2 and "unknown library 'nowhere'" in result.output


def test_run_without_flow_routes_the_first_say_and_prefills() -> None:
    runner = CliRunner()
    done = json.loads(runner.invoke(main, ["run", "--say", "cop at the desk with a search warrant",
                                           "--json"]).output)
    assert done["flow"] == "law-enforcement-request" and done["status"] == "done"
    assert done["transcript"][0] == {"question": "document", "choice": "search-warrant",
                                     "prefilled": True}
    assert done["routing"]["situation"] == "law-enforcement-request"
    asking = json.loads(runner.invoke(main, ["run", "--say", "cop asking about a patron",
                                             "--say", "no paperwork", "--json"]).output)
    assert asking["status"] == "asking" and asking["question"]["id"] == "emergency"
    routing = json.loads(runner.invoke(main, ["run", "--say", "printer is jammed",
                                              "--json"]).output)
    assert routing["status"] == "routing" and routing["flow"] is None
    assert set(routing) >= {"library", "flow", "status", "question", "outcome", "transcript"}
    assert routing["routing"]["situation"] is None and "candidates" in routing["routing"]
    assert runner.invoke(main, ["run"]).exit_code == 2


DANGER = "emergency-or-illegal-activity"


@pytest.mark.parametrize("text", [
    "i think a kid is being abused, he told me his dad hits him",
    "a boy has bruises all over and says his father beats him",
    "a girl in the teen room says her stepfather hits her and her mom",
    "a teen patron told me she wants to kill herself",
    "patron told me he's going to hurt himself tonight",
    "a kid says a man offered him money to come to his car",
    "a kid says his mom burns him with cigarettes",
])
def test_a_threat_to_a_person_offers_the_danger_situation_first(router: Router,
                                                               text: str) -> None:
    """A child's disclosure of abuse or a threat of suicide is no request for records (found by
    review: 'he told me his dad hits him' started the parent-records flow, a suicide threat was
    not even offered the danger situation; 'his mom burns him' offered parent records first).
    None of these is a trigger or training phrase."""
    result = router.route(text, with_prefill=False)
    assert result.situation in (None, DANGER), (text, result.situation)
    offered = result.situation or (result.suggestions[0].situation if result.suggestions
                                   else None)
    assert offered == DANGER, (text, result.to_json()["candidates"])


def test_a_message_in_another_script_is_routed_on_its_words_and_kept_redacted(
        router: Router) -> None:
    """The router scores the message as typed, in memory, and keeps only its redacted form
    (redaction may mask words of a non-Latin script as names)."""
    text = "경찰이 대출 기록을 요청합니다"  # the police ask for loan records
    result = router.route(text)
    assert result.text == redact(text)
    assert result.candidates and result.confidence > 0
