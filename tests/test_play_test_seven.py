"""Play-test 7 at the desk: each case starts from the clerk's own opening line, typed into the
terminal chat, and checks what the clerk is told to do."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.catalogue import Catalogue
from tests.terminal_support import chat, entering

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = Catalogue.load(ROOT)
CSAM = "cybertipline-concern"


def _after(library: str, opening: str, flow: str, *lines: str) -> str:
    """The chat's words for ``opening`` entered as ``flow`` (however the router places it),
    then ``lines`` typed to what it asks."""
    return "\n".join(chat(CATALOGUE, library, [*entering(CATALOGUE, library, opening, flow),
                                               *lines]))


def _csam_answer(library: str, opening: str, *answers: str) -> str:
    """The chat's words for ``opening`` entered as the abuse-images situation, then ``answers``
    to what it still asks."""
    return _after(library, opening, CSAM, *answers, "")


# the answers: (the images show children,) no child in danger now
@pytest.mark.parametrize(("library", "opening", "answers"), [
    ("mount-prospect", "patron came to the desk upset, says a stranger airdropped her a pic of "
                       "a naked kid on her phone while she was in the reading room", ["2"]),
    ("jackson-county", "teen patron says someone sent him a nude photo of a younger kid on "
                       "snapchat and he doesnt know what to do", ["1", "2"]),
    ("westmont", "a mom says her son got sent naked pics of a little girl on instagram while "
                 "he was on the library wifi", ["1", "2"]),
    ("calumet", "woman at the desk says some guy texted her child porn, she's shaking", ["2"]),
])
def test_a_patron_reporting_images_sent_to_them_is_not_the_suspect(
        library: str, opening: str, answers: list[str]) -> None:
    """E1: the patron who received the images came for help: the answer thanks them, asks them
    not to forward or delete it, looks out for the sender, and never treats them as the one
    viewing it ("don't tell the person what you saw", "where the person was sitting")."""
    said = _csam_answer(library, opening, *answers)
    assert "reporting child abuse images sent to them" in said, said
    assert "Thank them for telling you" in said
    assert "not to forward, share, screenshot or delete it" in said
    assert "sender may still be in the building" in said
    assert "Do not tell the person what you saw" not in said
    assert "where the person was sitting" not in said
    assert "PAGING (immediate)" in said  # the page stays: abuse images fetch a person now


def test_images_on_a_patrons_own_laptop_are_still_the_viewer_steps() -> None:
    said = _csam_answer("mount-prospect", "guy on his own laptop looking at child porn", "2")
    assert "on a patron's own device: don't touch it" in said, said
    assert "sent to them" not in said


POLICE = "law-enforcement-request"


@pytest.mark.parametrize(("library", "opening"), [
    ("mahomet", "officer says its an emergency, a girl is missing and may be in danger, wants to "
                "know who had her library card last. he says he doesnt have time for our "
                "appendix form"),
    ("mahomet", "detective says a kid could get hurt, wants the name of who had the card, "
                "he has no time for the form"),
    ("mount-prospect", "cop says its an emergency, someone could be killed, wants the name on "
                       "the card, says he doesn't want to do our request form"),
])
def test_an_officer_with_no_time_for_the_form_is_carried_as_refusing(library: str,
                                                                    opening: str) -> None:
    """E3: the signed request is a condition of the emergency release; an opening that says the
    officer has no time for it answers the question (shown, changeable), so a clerk who types
    "1" to everything else is never told a release may go ahead."""
    said = _after(library, opening, POLICE, *["1"] * 7, "quit")
    assert "→ No, the officer won't sign it or put it in writing" in said, said
    assert "may be released" not in said
    assert "No signed request, no release" in said


@pytest.mark.parametrize(("library", "opening"), [
    ("mount-prospect", "FBI agent at circ with a letter, says we cant tell anyone he was here, "
                       "wants internet logs"),
    ("westmont", "FBI agent at the desk with a letter asking about a patron, says we can't "
                 "tell anybody he was here"),
    ("jackson-county", "agent handed me a letter and said nobody can know he asked, wants the "
                       "patron's checkouts"),
])
def test_a_letter_that_says_tell_no_one_is_offered_as_the_gag_letter(library: str,
                                                                      opening: str) -> None:
    """E5: the words that say to tell no one are the national security letter (or other order to
    tell no one) the document question offers, never read as a plain agency letter; typing the
    number offered gives the tell-no-one steps and a page now."""
    said = _after(library, opening, POLICE, "quit")
    assert 'Did you mean "National security letter, FISA order, or an order to tell no one"' \
        in said, said
    assert "A written request or letter from the agency" not in said.split("What does the")[0]
    said = _after(library, opening, POLICE, "5", "", "quit")
    assert "PAGING (immediate)" in said, said
    assert "release nothing. Pass it on today" not in said


def test_a_plain_agency_letter_is_still_the_letter() -> None:
    from bot.router import prefill
    read = prefill(CATALOGUE.flow("mount-prospect", POLICE),
                   "officer brought a letter from the department asking for a patron's address")
    assert [(p.question, p.choice, p.suggested) for p in read if p.question == "document"] == [
        ("document", "written-request", False)]


THIRD_PARTY = "third-party-requests-patron-info"


# the answers: what they ask about, where the opening leaves it to the question (whereabouts)
@pytest.mark.parametrize(("library", "opening", "answers"), [
    ("calumet", "a woman has an order of protection against her ex and wants to know if he's "
                "been coming to the library and what times", []),
    ("westmont", "lady has a protective order against her ex husband and asks if he has been "
                 "coming in", ["1"]),
    ("mount-prospect", "patron says her ex keeps asking staff if she comes in on tuesdays, she "
                       "wants to know if he's been here", ["1"]),
])
def test_the_one_holding_the_order_is_protected_not_watched_for(
        library: str, opening: str, answers: list[str]) -> None:
    """E6: she holds the order and asks about him: the danger question offers that she is the
    one protected (never read unasked: one sentence rarely says who is asking), and the
    answer confirms nothing about him and has staff watch for him, not for her."""
    said = _after(library, opening, THIRD_PARTY, *answers, "quit")
    assert 'Did you mean "They are the one protected' in said, said
    said = _after(library, opening, THIRD_PARTY, *answers, "4", "", "quit")
    assert "They are the one protected: confirm nothing about the other person" in said, said
    assert "watch for the asker" not in said
    assert "PAGING" not in said  # told today: nobody is needed now unless he is here (911)


def test_a_man_asking_about_the_woman_whose_order_is_against_him_is_still_avoided() -> None:
    from bot.router import prefill
    read = prefill(CATALOGUE.flow("mount-prospect", THIRD_PARTY),
                   "man asking what days his ex comes in, she has a restraining order against "
                   "him")
    assert ("danger", "avoided") in {(p.question, p.choice) for p in read}


PARENT = "parent-requests-child-records"


@pytest.mark.parametrize("opening", [
    "mom is legal guardian of her 25 year old disabled son, has his card, wants to know what he "
    "has checked out",
    "dad wants to know what his 30 year old daughter has checked out, he brought her library card",
    "mom says her son is 19, she has his card here, wants to know what books he has out",
])
def test_a_parent_holding_an_adults_own_card_at_calumet_gets_its_current_checkouts(
        opening: str) -> None:
    """E7: Calumet .1 lets whoever presents the card learn its current checkouts; the parent's
    steps gave "Share nothing" for the same facts the someone-else steps answered with the
    card's checkouts. Both routes now agree: the card itself opens its current items, nothing
    more, and without it the adult's account is theirs alone."""
    said = _after("calumet", opening, PARENT, "1", "", "quit")
    assert "The card is presented: you may share only what's checked out on it right now" \
        in said, said
    assert "Share nothing: unless you know the child is under 18" not in said
    said = _after("calumet", opening, PARENT, "3", "", "quit")
    assert "Share nothing: unless you know the child is under 18" in said, said
    assert "court-appointed guardian changes nothing at the desk" in said


def test_an_adults_card_opens_nothing_where_the_policy_gives_no_card_access() -> None:
    opening = "mom wants to know what her 25 year old son has checked out, she has his card"
    said = _after("mount-prospect", opening, PARENT, "", "quit")
    assert "Share nothing: unless you know the child is under 18" in said, said


EMERGENCY = "emergency-or-illegal-activity"


@pytest.mark.parametrize(("library", "opening"), [
    ("jackson-county", "mom wants her kids overdue list, she has his card, and btw theres a guy "
                       "in the parking lot waving a knife"),
    ("westmont", "cop wants the name of whoever had the card, also a guy in the lobby is "
                 "threatening people with a gun"),
    ("mount-prospect", "dad asking what his son checked out, oh and someone just collapsed in "
                       "the bathroom"),
])
def test_a_danger_said_beside_another_request_is_offered_first(library: str,
                                                               opening: str) -> None:
    """E2: two situations in one opening: the one with a person in danger now comes first in
    "Did you mean", in every face (the engine orders the offer)."""
    from bot.engine.session import open_case

    assert open_case(CATALOGUE, library, opening).offered[0] == EMERGENCY
    said = "\n".join(chat(CATALOGUE, library, [opening, "quit"]))
    offer = said[said.index("Did you mean:"):]
    assert offer.index("Something dangerous or illegal") < offer.index("2.")


def test_an_aside_does_not_reach_back_into_what_was_said_before_it() -> None:
    """E2: "she has his card, and btw a guy in the parking lot…": the parking lot is where the
    knife is, not where the card is; the card is read as presented."""
    from bot.router import prefill

    read = prefill(CATALOGUE.flow("jackson-county", PARENT),
                   "mom wants her kids overdue list, she has his card, and btw theres a guy in "
                   "the parking lot waving a knife")
    assert ("card", "presented") in {(p.question, p.choice) for p in read}
    read = prefill(CATALOGUE.flow("jackson-county", PARENT),
                   "mom wants her kids overdue list, she has his card in the parking lot")
    assert ("card", "presented") not in {(p.question, p.choice) for p in read if not p.suggested}


@pytest.mark.parametrize(("library", "lines"), [
    ("westmont", ["husband wants to know if his wife has books overdue, says they share "
                  "everything", "1"]),  # 1: a signed release
    ("calumet", ["reporter calling to ask if the mayor has a library card and what he reads"]),
    ("mahomet", ["employer has a consent form signed by the patron and wants her address",
                 "1"]),
])
def test_an_answer_that_says_today_pages_nobody(library: str, lines: list[str]) -> None:
    """E12: "pass them to the Director today" is a note or an email: a request that waits for
    the in-charge's answer fetches nobody now (it raised a prompt page, re-sent in 15
    minutes)."""
    said = "\n".join(chat(CATALOGUE, library, [*lines, "", "quit"]))
    assert " today" in said, said
    assert "nobody needs paging for this" in said, said
    assert "PAGING" not in said


@pytest.mark.parametrize("opening", [
    "patron is mad we sent her overdue notice by text and her husband saw it, she wants to "
    "complain",
    "man upset that his hold notice email showed the book title to his wife, wants to file a "
    "complaint",
])
def test_a_complaint_about_a_notice_is_told_the_policys_complaint_route(opening: str) -> None:
    """E14: Jackson County VIII.1 lets a patron file written comments with the Library
    Director, who responds: the answer to a complaint about what a notice showed says so."""
    said = "\n".join(chat(CATALOGUE, "jackson-county", [opening, "", "quit"]))
    assert "put a complaint in writing to our Library Director" in said, said


@pytest.mark.parametrize(("library", "opening", "answers"), [
    ("westmont", "a lady wants to know what the 8 year old has checked out, she's not his mom, "
                 "she's the grandma babysitting him", []),
    ("jackson-county", "grandma wants to know what her 9 year old grandson has checked out, she "
                       "has his card", ["1", "1"]),
])
def test_what_staff_say_to_a_grandparent_never_calls_the_child_theirs(
        library: str, opening: str, answers: list[str]) -> None:
    """E15: the SAY line told a grandmother "your child"."""
    said = _after(library, opening, PARENT, *answers, "", "quit")
    assert "SAY:" in said, said
    assert "your child" not in said


@pytest.mark.parametrize(("library", "flow", "opening", "understood"), [
    ("mount-prospect", POLICE, "Un policía pide los registros de un usuario, no tiene orden "
     "judicial", "What does the officer have in writing? → Nothing in writing"),
    ("westmont", POLICE, "policier au comptoir, il demande l'adresse d'un usager, il n'a pas de "
     "mandat", "What does the officer have in writing? → Nothing in writing"),
    ("westmont", THIRD_PARTY, "a guy says he's her boss and needs to confirm she was at the "
     "library during work hours yesterday",
     "What are they asking about? → Whether the person is here, was here"),
    ("calumet", PARENT, "dad has his sons card and wants a list of everything the boy has "
     "borrowed this year, not just whats out now",
     "What does the parent want to know? → Past checkouts (reading history)"),
])
def test_a_fact_typed_in_the_opening_is_not_asked_again(library: str, flow: str, opening: str,
                                                        understood: str) -> None:
    """E10: the opening said it (in Spanish or French too); it is shown under "I understood",
    not asked (a "1" answers the question before it, if any: the child is under 18)."""
    said = _after(library, opening, flow, "1", "quit")
    assert f"I understood: {understood}" in said, said


@pytest.mark.parametrize(("library", "opening"), [
    ("westmont", "officer on phone wants patron address, says its kind of urgent? dunno if its "
                 "an emergency really"),
    ("mount-prospect", "cop wants to know who had pc 4, he said urgent but not sure if it's an "
                       "emergency"),
    ("calumet", "deputy asking for a patron's phone number, kinda urgent he says, maybe an "
                "emergency i dont know"),
])
def test_a_doubted_emergency_is_never_offered_as_the_emergency(library: str,
                                                              opening: str) -> None:
    """E4: the officer's emergency opens a release; a clerk who doubts it in the same message
    ("dunno if it's an emergency really") is offered Not sure, never "Yes", even beside a word
    that alone would offer it ("urgent"). A hurried clerk types the number offered."""
    said = _after(library, opening, POLICE, "nothing in writing", "quit")
    assert "emergency and there's no time to get a court order?" in said, said
    assert "Did you mean \"Yes, they say it's an emergency\"" not in said, said


def test_urgent_alone_is_still_offered_as_the_emergency() -> None:
    """The weak cue keeps offering the emergency when nothing doubts it (the clerk confirms)."""
    said = _after("westmont", "officer on phone wants patron address, says its urgent", POLICE,
                  "nothing in writing", "quit")
    assert "Did you mean \"Yes, they say it's an emergency\"? If so, type 1" in said, said


@pytest.mark.parametrize("opening", [
    "teen using her mom's card, her mom lent it to her sister",
    "kid using his dad's card, dad lent it to his brother",
    "woman has her neighbor's card, the neighbor gave it to her son",
])
def test_a_card_lent_to_someone_else_is_asked_never_taken(opening: str) -> None:
    """Review 7 C2 (lent card): lent to a person the message names is not lent to the one at
    the desk; at Calumet a taken "lent" showed the card's current checkouts. Asked instead."""
    flow = "lost-or-stolen-card"
    said = _after("calumet", opening, flow, "quit")
    assert "→ Yes, they say the card holder lent it to them" not in said, said
    assert "Do they say the card holder let them use it?" in said, said
    assert "checked out on the card now" not in said
