"""How the bot reads what a clerk types, from the second desk play test: a "no" that goes on to
name who the person really is, a "no" taken back by a "but", a document promised for
tomorrow. Each case here was read wrong before (the play test's finding in brackets)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.catalogue import Catalogue
from bot.engine import start, step
from bot.engine.matching import match_choice, suggestion
from bot.router import prefill, router_for

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = Catalogue.load(ROOT)
PARENT = "parent-requests-child-records"
LE = "law-enforcement-request"
EMERGENCY = "emergency-or-illegal-activity"
RELEASES = {"disclose", "disclose-limited", "comply"}


@pytest.mark.parametrize("library", ["jackson-county", "mahomet"])
@pytest.mark.parametrize("typed", ["no shes the grandma, she watches him after school",
                                   "no hes her grandpa", "no, she's the aunt"])
def test_a_no_that_names_who_they_are_is_not_someone_else(library: str, typed: str) -> None:
    """[D5] "Is the person the parent or legal guardian?" "no she's the grandma" was read as
    "No, someone else": at Jackson County, whose policy covers caretakers, a wrong withhold.
    The grandma is offered (a release condition there: asked, never assumed)."""
    node = CATALOGUE.flow(library, PARENT).nodes["relationship"]
    found = match_choice(node, typed)
    assert found is None or found.id == "caretaker", (typed, found and found.id)
    offered = suggestion(node, typed)
    assert found is not None or (offered is not None and offered.id == "caretaker"), typed


@pytest.mark.parametrize(("typed", "choice"), [
    ("no shes a neighbor", "someone-else"), ("no, just a friend", "someone-else"),
    ("yes hes the dad", "parent-or-guardian"),
])
def test_a_no_or_yes_that_agrees_with_who_they_are_is_taken(typed: str, choice: str) -> None:
    node = CATALOGUE.flow("jackson-county", PARENT).nodes["relationship"]
    found = match_choice(node, typed)
    assert found is not None and found.id == choice, (typed, found and found.id)


def test_the_grandma_at_jackson_county_is_asked_not_sent_away() -> None:
    """End to end: the clerk's answer never ends in "someone else"'s withhold; offered the
    caretaker and confirming it, the case reaches Jackson County's caretaker rule."""
    view = start(CATALOGUE, "jackson-county", PARENT)
    for said in ("yes", "whats checked out", "yes"):
        view = step(CATALOGUE, view.conversation, said)
    assert view.question is not None and view.question.id == "relationship", view.question
    view = step(CATALOGUE, view.conversation, "no shes the grandma, she watches him after school")
    assert "relationship" not in view.conversation.answer_map
    assert view.suggestion is not None and view.suggestion.choice == "caretaker"


@pytest.mark.parametrize("typed", [
    "he left, no one hurt, but he threatened us",
    "nobody hurt but he said he'd be back",
    "no one hurt. but he has a knife in his bag",
])
def test_a_no_danger_taken_back_by_a_but_is_asked_again(typed: str) -> None:
    """[D3] "he left, no one hurt, but he threatened us" was read as "No one is in danger"."""
    node = CATALOGUE.flow("westmont", EMERGENCY).nodes["danger"]
    found = match_choice(node, typed)
    assert found is None or found.id != "no", (typed, found and found.id)


@pytest.mark.parametrize("typed", ["no warrant but he has a subpoena",
                                   "nothing in writing, but he has a subpoena"])
def test_a_but_that_states_the_answer_still_answers(typed: str) -> None:
    node = CATALOGUE.flow("jackson-county", LE).nodes["document"]
    assert match_choice(node, typed) is None or match_choice(node, typed).id == "subpoena"


@pytest.mark.parametrize("opening", [
    "officer came by, said hes coming back tomorrow with a warrant for a patrons computer "
    "records, wants us to pull them now so theyre ready",
    "cop says he'll be back later with a warrant",
    "detective coming back next week with a court order",
])
def test_a_document_promised_for_later_is_nothing_in_writing_now(opening: str) -> None:
    """[D19] A warrant "coming back tomorrow" was offered as "A search warrant"."""
    flow = CATALOGUE.flow("jackson-county", LE)
    found = {p.question: p for p in prefill(flow, opening)}
    document = found.get("document")
    assert document is None or document.choice == "none", (opening, document)
    result = router_for(CATALOGUE, "jackson-county").route(opening)
    if result.situation == LE:
        assert all(p.choice == "none" for p in result.prefill if p.question == "document")
