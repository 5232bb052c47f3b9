"""How the bot reads what a clerk types, from the fifth round of desk play (E2, E4, E8, E9,
E15 of that round). Each case here was read wrong before."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.catalogue import Catalogue
from bot.engine import start, step
from bot.router import prefill, router_for
from bot.router.choices import matcher
from tests.terminal_support import chat

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = Catalogue.load(ROOT)
OTHER = "third-party-requests-patron-info"
WHEREABOUTS = "→ Whether the person is here, was here, or when they come in"


def _said(library: str, *lines: str) -> str:
    return "\n".join(chat(CATALOGUE, library, [*lines, "", "quit"]))


def test_who_the_patron_is_is_not_read_as_whether_they_are_here() -> None:
    """[E2, W05] "her husband" typed at "What are they asking about?" was taken as "Whether
    the person is here" (its synonym "is my husband here" with the filler dropped)."""
    said = _said("westmont", "lady says her husband has a bunch of overdue books and wants to "
                 "know which ones so she can find them, she's not on his card", "1", "her husband")
    assert WHEREABOUTS not in said
    assert 'I didn\'t catch "her husband"' in said


@pytest.mark.parametrize("library", ["westmont", "mahomet", "calumet"])
@pytest.mark.parametrize("typed", ["her husband", "his wife", "my husband", "the wife"])
def test_a_person_alone_names_no_choice_of_what_is_asked(library: str, typed: str) -> None:
    question = CATALOGUE.flow(library, OTHER).nodes["want"]
    assert matcher(question).match(typed) is None  # type: ignore[arg-type]


@pytest.mark.parametrize("typed", ["is my husband here", "when does she come in"])
def test_a_thin_phrase_said_word_for_word_still_answers(typed: str) -> None:
    question = CATALOGUE.flow("westmont", OTHER).nodes["want"]
    found = matcher(question).match(typed)  # type: ignore[arg-type]
    assert found is not None and found.id == "whereabouts"


PHONE_CALL = ("officer calling on the phone, i cant see him, says a man has a hostage and needs "
              "the name of the patron who used computer 9 at noon")
CALL_BACK = "calls back through the agency's main number"
IDENTITY_RELEASE = "Emergency: who the person is may be released"


@pytest.mark.parametrize(("opening", "pick"), [
    (PHONE_CALL, "1"),
    ("got a phone call from a detective, says a kid is missing and needs to know who used pc 4 "
     "this morning, its an emergency", "1"),
    ("a deputy is on the phone saying someone will get hurt unless we give him the address of a "
     "patron right now", "2"),  # offered after "something dangerous in the library"
])
def test_an_officer_staff_cannot_see_is_not_sure_sworn(opening: str, pick: str) -> None:
    """[E5, P16] "on the phone, i cant see him" was not used: staff answered "I've seen the
    badge" and reached the identity release with no call-back step. Mount Prospect III.A:
    "requested by a sworn law enforcement officer". The cautious answer is taken from the
    opening, shown, and the outcome has the call-back step."""
    said = _said("mount-prospect", opening, pick, "1", "1", "1", "1")
    assert ("I understood: Is the person asking a sworn law enforcement officer (police, "
            "sheriff, state or federal agent)? → Not sure / can't check") in said
    assert IDENTITY_RELEASE not in said
    assert CALL_BACK in said


def test_seen_the_badge_after_a_phone_opening_is_confirmed_first() -> None:
    """[E5] Changing the opening's cautious answer towards a release is put back to staff."""
    said = _said("mount-prospect", PHONE_CALL, "1", "1", "back", "1")
    assert "Is that still so?" in said
    assert IDENTITY_RELEASE not in said


def test_a_refusal_of_the_form_in_the_opening_is_taken() -> None:
    """[E5, P12] "he won't fill out any form" was only offered; a clerk typing 1 released."""
    said = _said("mount-prospect", "cop says a girl was kidnapped and needs the name on card "
                 "ending 4471 right now, he showed his badge, he won't fill out any form, says "
                 "no time", "1", "1", "1", "1", "1", "1")
    assert ("I understood: Will the officer sign the written request your policy requires (its "
            "form, or a copy of the policy)? → No, the officer won't sign it") in said
    assert IDENTITY_RELEASE not in said
    assert "No signed request, no release" in said


RECORDS = "public-records-request"


@pytest.mark.parametrize("opening", [
    "got a FOIA request emailed from some guy wanting a list of everyone who used the meeting "
    "rooms this year plus how many books we circulated",
    "FOIA asking for circulation totals for 2025 and a list of people who attended the teen "
    "program",
    "someone wants the names of everyone who used the computers and the total visits",
    "reporter filed a FOIA for how many kids attended story time and who they were",
    "FOIA asking how many study room bookings and who booked them",
])
@pytest.mark.parametrize("library", ["mahomet", "westmont", "calumet"])
def test_a_request_that_names_people_is_never_numbers_only(library: str, opening: str) -> None:
    """[E8, M11] "a list of everyone who used the meeting rooms … plus how many books" was read
    as "Numbers only"; the list of room users (confidential: Mahomet V-A) was dropped."""
    read = {p.question: p.choice for p in prefill(CATALOGUE.flow(library, RECORDS), opening)}
    assert read.get("what") == "patron-records", read


def test_the_foia_list_of_room_users_is_told_confidential() -> None:
    said = _said("mahomet", "got a FOIA request emailed from some guy wanting a list of everyone "
                 "who used the meeting rooms this year plus how many books we circulated")
    assert "→ Numbers only" not in said
    assert "Patron records stay confidential" in said


@pytest.mark.parametrize("opening", [
    "FOIA request for how many books we circulated last year",
    "FOIA request for the number of people who used the computers last month",
])
def test_numbers_alone_are_still_numbers(opening: str) -> None:
    read = {p.question: p.choice for p in prefill(CATALOGUE.flow("mahomet", RECORDS), opening)}
    assert read.get("what") == "statistics"


@pytest.mark.parametrize("opening", [
    "a detective called the desk asking who used pc 4 yesterday, says its an emergency",
    "guy on the line says hes a police officer and needs a patrons address",
    "someone claiming to be a cop phoned in wanting to know what a patron checked out",
])
def test_a_caller_is_read_as_not_checked(opening: str) -> None:
    """[E5, review 5] The class, not one wording: a caller, or someone only claiming to be an
    officer, has not shown a badge."""
    read = {p.question: (p.choice, p.suggested)
            for p in prefill(CATALOGUE.flow("westmont", "law-enforcement-request"), opening)}
    assert read.get("sworn") == ("not-sure", False), read


@pytest.mark.parametrize(("library", "opening"), [
    ("jackson-county", "a kid told me a man in the teen area showed him pictures of naked kids on "
                       "his phone, the man is still here"),
    ("mahomet", "a boy told me some man showed him nude photos of children on his phone, the man "
                "is still in the building"),
])
def test_not_sure_a_child_is_safe_calls_911_whichever_menu_entry(library: str,
                                                                 opening: str) -> None:
    """[E15, J08] The abuse-material entry with Not sure said "pass it to the Library
    Director … if a child could be hurt, call 911 first"; the danger entry with Not sure said
    "call 911 now". Policy (Jackson County VII): staff may act at once, "including contacting
    law enforcement authorities". Not sure is the cautious answer on both: police now. Where
    the router is sure of the abuse-material situation and starts it (no menu), its danger
    question answered Not sure is police now too."""
    if router_for(CATALOGUE, library).route(opening).situation is not None:
        text = "\n".join(chat(CATALOGUE, library, [opening, "not sure", "", "quit"]))
        assert "→ Possible child sexual abuse material" in text
        assert [line for line in text.splitlines() if line.startswith("→ ")] == [
            "→ Possible child sexual abuse material seen in the library", "→ Call 911 now"]
        return
    outcomes = []
    for pick in ("1", "2"):
        text = "\n".join(chat(CATALOGUE, library, [opening, pick, "not sure", "", "quit"]))
        outcomes += [line for line in text.splitlines() if line.startswith("→ ")]
        assert "Possible child sexual abuse material" in text  # offered as one of the two
    assert outcomes == ["→ Call 911 now", "→ Call 911 now"], outcomes


@pytest.mark.parametrize("library", ["westmont", "mount-prospect", "mahomet", "jackson-county",
                                     "calumet"])
def test_not_sure_a_child_is_safe_is_911_at_every_library(library: str) -> None:
    """[E15] The same first action wherever the abuse-material situation is reached."""
    opening = ("a girl told me a man in the kids room showed her naked pictures of children on "
               "his phone, hes still here")
    flow = CATALOGUE.flow(library, "cybertipline-concern")
    opened = start(CATALOGUE, library, flow.id, prefill(flow, opening))
    assert opened.question is not None and opened.question.id == "child-danger"
    done = step(CATALOGUE, opened.conversation, "not sure")
    assert done.outcome is not None
    assert "call 911 now" in done.outcome.headline.lower(), done.outcome.headline


@pytest.mark.parametrize("opening", [
    "mom wants to know what her 12 year old has checked out, she has his card at home",
    "dad wants to know what his 10 yr old has checked out, he left the card in the car",
])
def test_a_card_said_to_be_elsewhere_is_no_card_in_hand(opening: str) -> None:
    """[E5, review 5] "she has his card at home" blocked the card answer but was not carried
    into the question: a bare "yes" then released the child's titles (Jackson County IV.c:
    parents "must provide the child's library card or card number")."""
    said = _said("jackson-county", opening, "yes", "yes")
    assert 'Did you mean "No card and no card number"?' in said
    assert "→ Yes, they have the child's card or card number" not in said
    assert "you may share what's checked out or overdue" not in said


@pytest.mark.parametrize("opening", [
    "cop wants the name of whoever had the laptop checked out that got stolen, no emergency, no "
    "warrant. actually hold on he just said he does have a subpoena",
    "officer asking who checked out a dvd, no warrant. wait, he does have a subpoena",
    "deputy wants a patrons address, said no paperwork. oh wait she does have a subpoena with her",
])
def test_a_correction_that_insists_applies_the_last_stated_fact(opening: str) -> None:
    """[E4, W14] "he does have a subpoena" after "no warrant" was only offered ("does" read as
    a question, as in "does he have a warrant?"): the last-stated fact is applied."""
    read = {p.question: (p.choice, p.suggested)
            for p in prefill(CATALOGUE.flow("westmont", "law-enforcement-request"), opening)}
    assert read.get("document") == ("subpoena", False), read


@pytest.mark.parametrize("opening", [
    "officer asking does the library need a warrant to give him records",
    "cop asking what a patron checked out, does he need a subpoena for that",
])
def test_does_asking_still_only_offers(opening: str) -> None:
    read = {p.question: p for p in prefill(
        CATALOGUE.flow("westmont", "law-enforcement-request"), opening)}
    assert "document" not in read or read["document"].suggested, read
