"""Prefill: facts in the opening message answer the matching questions; staff can change them.

Also the overlap warning of `frontdesk check` (bot/check/overlap.py), which uses the same router.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.check.overlap import check_overlap
from bot.cli import main
from bot.content.catalogue import Catalogue
from bot.engine import start, step
from bot.engine.step import answer
from bot.router import PrefilledAnswer, prefill, router_for
from bot.router.dates import stated_date
from tests.terminal_support import chat

LIBRARY = "mount-prospect"
LE = "law-enforcement-request"


def prefilled(catalogue: Catalogue, text: str) -> dict[str, str]:
    """What the opening fills in once the router's first offer is taken (a message that is
    also about danger may be offered rather than started: the desk picks it)."""
    return {p.question: p.choice for p in first_offer_prefill(catalogue, text)}


@pytest.mark.parametrize(("text", "expected"), [
    ("officer with a search warrant", {"document": "search-warrant"}),
    ("cop at the desk with a subpena", {"document": "subpoena"}),
    ("PD asking for circ records, no warrant", {"document": "none", "scope": "records-of-use"}),
    ("officer says its an emergency, someone is in danger",
     {"emergency": "yes", "danger": "yes", "not-official-danger": "yes"}),
])
def test_facts_in_the_opening_message_answer_questions(catalogue: Catalogue, text: str,
                                                       expected: dict[str, str]) -> None:
    assert prefilled(catalogue, text) == expected


@pytest.mark.parametrize("text", [
    "cop asking about a patron",  # states nothing the questions ask
    "officer here, not sure if it's a warrant or a subpoena",  # two documents: ask instead
    "police asking, no emergency they say",  # "no emergency" is the no choice, not "emergency"
])
def test_only_clear_facts_are_prefilled(catalogue: Catalogue, text: str) -> None:
    facts = prefilled(catalogue, text)
    assert "document" not in facts
    assert facts.get("emergency") in (None, "no")


def test_search_warrant_is_not_also_what_they_searched(catalogue: Catalogue) -> None:
    assert "scope" not in prefilled(catalogue, "officer with a search warrant")


def test_prefilled_answers_show_and_only_those_on_the_path_are_kept(catalogue: Catalogue) -> None:
    result = router_for(catalogue, LIBRARY).route(
        "officer with a search warrant says its an emergency")
    # (the question put to someone not asking officially reads the emergency too)
    assert {p.question for p in result.prefill} == {"document", "emergency",
                                                     "not-official-danger"}
    view = start(catalogue, LIBRARY, LE, result.prefill)
    # A search warrant goes straight to its outcome: the emergency answer is off the path.
    assert view.outcome is not None and view.outcome.id == "search-warrant"
    assert view.conversation.answer_map == {"document": "search-warrant"}
    ask = "What does the officer have in writing?"
    assert view.prefilled == (("document", "search-warrant", ask, "A search warrant"),)
    assert view.conversation.transcript[0].prefilled


def test_changing_a_prefilled_answer_keeps_later_answers_that_still_apply(
        catalogue: Catalogue) -> None:
    result = router_for(catalogue, LIBRARY).route("cop wants circ records, no paperwork")
    view = start(catalogue, LIBRARY, LE, result.prefill)
    assert view.conversation.answer_map.get("document") == "none"
    assert view.question is not None and view.question.id == "emergency"
    view = step(catalogue, view.conversation, "no")
    # Staff correct the opening fact: the officer does have a subpoena after all.
    changed = answer(catalogue, view.conversation, "document", "subpoena", "actually a subpoena")
    assert changed.conversation.answer_map["document"] == "subpoena"
    assert changed.conversation.answer_map["emergency"] == "no"  # kept
    assert not any(q == "document" for q, *_ in changed.prefilled)  # no longer "understood"


def test_back_undoes_a_prefilled_answer(catalogue: Catalogue) -> None:
    result = router_for(catalogue, LIBRARY).route("officer with a search warrant")
    view = start(catalogue, LIBRARY, LE, result.prefill)
    back = step(catalogue, view.conversation, "back")
    assert back.question is not None and back.question.id == "document"
    assert back.prefilled == ()


def test_run_json_marks_prefilled_turns() -> None:
    opening = "police officer at the desk with a search warrant"
    out = CliRunner().invoke(main, ["run", "--say", opening, "--json"])
    data = json.loads(out.output)
    assert data["prefilled"] == [{"question": "document", "choice": "search-warrant",
                                  "ask": "What does the officer have in writing?",
                                  "label": "A search warrant"}]
    assert data["transcript"][0]["prefilled"] is True


def test_chat_says_what_it_understood_and_lets_staff_change_it(catalogue: Catalogue) -> None:
    typed = ["cop here, no paperwork, wants circ records", "change", "1", "subpoena", "quit"]
    out = "\n".join(chat(catalogue, LIBRARY, typed))
    assert "→ Police or other law enforcement ask about a patron" in out
    assert "I understood: What does the officer have in writing? → Nothing in writing" in out
    assert "(type 'change' or 'back' to correct)" in out
    assert "Which answer do you want to change?" in out
    assert out.rstrip().endswith("Bye.")


def test_chat_did_you_mean_and_menu_fallback(catalogue: Catalogue) -> None:
    typed = ["what time do we close", "someone wants records about a patron", "1", "quit"]
    out = "\n".join(chat(catalogue, LIBRARY, typed))
    assert "I can't tell which situation that is" in out
    assert "Did you mean:" in out and "Not a privacy matter — nobody needs paging" in out


# --- overlap warnings (frontdesk check) ------------------------------------------------------

def test_overlap_warns_at_the_trigger_line(content_copy: Path) -> None:
    flows = content_copy / "flows"
    added = "  - what did they borrow\n  - circulation records of a patron\n"
    original = (flows / "desk-request.yaml").read_text(encoding="utf-8").replace(
        "  - what did they borrow\n", added)
    (flows / "desk-request.yaml").write_text(original, encoding="utf-8")
    twin = original.replace("id: desk-request", "id: desk-twin").replace(
        "title: Someone asks for a patron's records", "title: Someone else at the desk").replace(
        "circulation records of a patron", "a patron's circulation records")
    (flows / "desk-twin.yaml").write_text(twin, encoding="utf-8")
    problems = check_overlap(Catalogue.load(content_copy))
    assert problems and all(p.severity == "warning" for p in problems)
    lines = twin.splitlines()
    for problem in problems:
        assert Path(problem.path).name in ("desk-request.yaml", "desk-twin.yaml")
        text = (flows / Path(problem.path).name).read_text(encoding="utf-8").splitlines()
        assert text[problem.line - 1].strip().startswith("- "), problem  # a trigger line
    assert any("same words" in p.message for p in problems)
    assert lines  # the twin was written


def test_the_real_catalogue_has_few_overlap_warnings(catalogue: Catalogue) -> None:
    problems = check_overlap(catalogue)
    assert all(p.severity == "warning" for p in problems)
    assert len(problems) <= 15, [str(p) for p in problems]


# --- negation, hedging, safety-critical cues (issue 10) ---------------------------------------

def first_offer_prefill(catalogue: Catalogue, text: str) -> tuple[PrefilledAnswer, ...]:
    """What the opening fills in once the router's first offer is taken: the flow it started,
    or the first "Did you mean" picked (the engine prefills a picked flow the same way)."""
    result = router_for(catalogue, LIBRARY).route(text)
    if result.situation:
        return result.prefill
    assert result.suggestions, f"nothing offered for {text!r}"
    return prefill(catalogue.flow(LIBRARY, result.suggestions[0].situation), result.text)


def suggested(catalogue: Catalogue, text: str) -> dict[str, str]:
    return {p.question: p.choice for p in first_offer_prefill(catalogue, text) if p.suggested}


def answered(catalogue: Catalogue, text: str) -> dict[str, str]:
    return {p.question: p.choice for p in first_offer_prefill(catalogue, text)
            if not p.suggested}


@pytest.mark.parametrize("text", [
    "officer lacks a warrant, wants circ records",
    "cop here, warrant not yet",
    "they'll get a warrant later, police want records",
    "He doesn't have a warrant",
    "officer, no court paperwork at all",
    "officer never had a warrant, asking for checkouts",
    "detective is waiting for a search warrant, wants checkouts",
])
def test_a_denied_or_deferred_warrant_is_nothing_in_writing(catalogue: Catalogue,
                                                             text: str) -> None:
    assert answered(catalogue, text).get("document") == "none"
    assert "document" not in suggested(catalogue, text)


@pytest.mark.parametrize(("text", "question", "choice"), [
    ("officer has a warrant for the computer", "document", "search-warrant"),  # arrest warrant?
    # a hedge on a release condition offers Not sure, never the condition (play-test 6 E1/E3)
    ("cop asking about a patron, might get a search warrant", "document", "not-sure"),
    ("cop says it's urgent, wants the name of whoever used computer 4", "emergency", "yes"),
    ("officer asking, maybe it's a court order", "document", "not-sure"),
])
def test_a_weak_cue_for_a_safety_critical_answer_is_only_suggested(
        catalogue: Catalogue, text: str, question: str, choice: str) -> None:
    assert question not in answered(catalogue, text)
    assert suggested(catalogue, text) == {question: choice} | {
        q: c for q, c in suggested(catalogue, text).items() if q != question}
    result = router_for(catalogue, LIBRARY).route(text)
    view = start(catalogue, LIBRARY, LE, prefill(catalogue.flow(LIBRARY, LE), result.text))
    assert question not in view.conversation.answer_map  # asked, never assumed
    if view.question is not None and view.question.id == question:
        assert view.suggestion is not None and view.suggestion.choice == choice


def test_right_now_is_not_a_child_in_danger(catalogue: Catalogue) -> None:
    result = router_for(catalogue, LIBRARY).route(
        "I found child porn on a library computer, right now")
    view = start(catalogue, LIBRARY, result.situation, result.prefill)
    assert "child-danger" not in view.conversation.answer_map
    assert view.question is not None and view.question.id == "child-danger"
    assert view.suggestion is not None and view.suggestion.choice == "yes"


def test_a_stated_age_answers_whether_the_child_is_a_minor(catalogue: Catalogue) -> None:
    assert answered(catalogue, "mom wants to know what her 14-year-old checked out")[
        "minor"] == "yes"
    assert answered(catalogue, "dad asking what his son has checked out, he's 19")[
        "minor"] == "no"
    assert answered(catalogue, "dad wants to know what his 14 yo has checked out")[
        "minor"] == "yes"


def test_typed_answers_in_words_are_echoed_and_can_be_changed(catalogue: Catalogue) -> None:
    view = start(catalogue, LIBRARY, LE)
    view = step(catalogue, view.conversation, "1")
    assert view.understood == ()  # a menu number needs no echo
    urgent = step(catalogue, view.conversation, "he says it's urgent")
    assert "emergency" not in urgent.conversation.answer_map  # "urgent" is not an emergency
    view = step(catalogue, view.conversation, "he says it's an emergency")
    typed = [u for u in view.understood if u.source == "typed"]
    assert [(u.question, u.choice) for u in typed] == [("emergency", "yes")]
    view = step(catalogue, view.conversation, "back")
    assert view.question is not None and view.question.id == "emergency"
    assert view.understood == ()


def test_a_hedged_typed_answer_is_not_taken_but_offered(catalogue: Catalogue) -> None:
    """A guess at a safety-critical answer offers Not sure, as the question's help says to
    choose when staff can't tell (review 5 C4: "adults i think" offered the way out)."""
    view = start(catalogue, LIBRARY, LE)
    view = step(catalogue, view.conversation, "maybe a search warrant?")
    assert "document" not in view.conversation.answer_map
    # the doubt is offered, not the warrant: a hurried "yes" must not start the warrant path
    assert view.suggestion is not None and view.suggestion.choice == "not-sure"
    view = step(catalogue, view.conversation, "officer lacks a warrant")
    assert view.conversation.answer_map["document"] == "none"


def test_chat_echoes_a_typed_answer(catalogue: Catalogue) -> None:
    typed = ["cop wants circ records", "1", "he says its an emergency", "quit"]
    out = "\n".join(chat(catalogue, LIBRARY, typed))
    assert ("I understood: Does the officer say it's an emergency and there's no time to get a "
            "court order? → Yes, they say it's an emergency") in out


# --- stated dates: a hold counts from the day it happened -------------------------------------

TODAY = date(2026, 12, 6)  # a Sunday


@pytest.mark.parametrize(("text", "day"), [
    ("they asked us to preserve it last month", date(2026, 11, 6)),
    ("footage from 5 days ago", date(2026, 12, 1)),
    ("the fight was yesterday", date(2026, 12, 5)),
    ("a couple of weeks ago", date(2026, 11, 22)),
    ("it happened last Friday", date(2026, 12, 4)),
    ("the letter came Nov 3rd", date(2026, 11, 3)),
    ("recorded on 2026-11-20", date(2026, 11, 20)),
    ("asked on 12/10", date(2025, 12, 10)),  # no year: the latest one not in the future
    ("a letter on Nov 3 about footage from 5 days ago", date(2026, 11, 3)),  # the earliest
])
def test_stated_dates(text: str, day: date) -> None:
    found = stated_date(text, TODAY)
    assert found is not None and found[0] == day


@pytest.mark.parametrize("text", ["we're open 24/7", "they'll be back next week",
                                  "in 3 days", "camera 4 at 3pm"])
def test_no_stated_date(text: str) -> None:
    assert stated_date(text, TODAY) is None


def test_the_opening_messages_date_is_kept_echoed_and_changeable(catalogue: Catalogue) -> None:
    text = "police asked us to preserve the computer logs last month"
    result = router_for(catalogue, LIBRARY).route(text)
    assert result.stated_date is not None and result.stated_date.said == "last month"
    view = start(catalogue, LIBRARY, result.situation, result.prefill, result.stated_date.date)
    assert view.conversation.stated_date == result.stated_date.date
    assert [u.question for u in view.understood][-1] == "stated-date"
    out = "\n".join(chat(catalogue, LIBRARY, [text, "change", "2", "5 days ago", "", "quit"]))
    assert ("I understood: When did the request come in? (a hold's deadline counts from this "
            "day) →") in out
    # Only flows with a hold counting from a stated date read dates at all.
    assert router_for(catalogue, LIBRARY).route(
        "cop asking about a patron who was here last week").stated_date is None


@pytest.mark.parametrize("text", [
    "mom only knows the card number of her 12 year old, wants to see what's checked out",
    "dad read me his son's card number over the phone, wants his checkouts",
    "grandma has a photo of the card on her phone and wants the kid's overdue list",
    "parent wants kids checkouts, said the card is at home but knows the number",
])
def test_a_card_number_is_never_taken_for_the_card_itself(text: str) -> None:
    """Presenting the card itself is a release condition (Calumet): a weak cue never sets it."""
    from bot.content.catalogue import Catalogue
    from bot.router import router_for
    from tests.conftest import ROOT

    catalogue = Catalogue.load(ROOT)
    result = router_for(catalogue, "calumet").route(text)
    taken = {(p.question, p.choice) for p in result.prefill if not p.suggested}
    assert ("card-itself", "yes") not in taken, taken
    assert ("card", "presented") not in taken, taken  # "card" alone is a weak cue
