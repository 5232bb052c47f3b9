"""How the bot reads what a clerk types, from the fourth round of desk play: corrections inside
the opening message, and release conditions taken back by the words around them. Each case
here was read wrong before (D1, D6 of that round)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.catalogue import Catalogue
from bot.router import PrefilledAnswer, prefill
from tests.terminal_support import chat, entering

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = Catalogue.load(ROOT)
OWN = "patron-own-records"
RELEASE_LINES = ("Look up only the account that matches their card or ID",
                 "Share only their current account")


def _said(lines: list[str]) -> str:
    return "\n".join(lines)


def _read(library: str, flow: str, opening: str) -> dict[str, PrefilledAnswer]:
    """Question -> what ``opening`` fills in or offers for it at ``flow``."""
    return {p.question: p for p in prefill(CATALOGUE.flow(library, flow), opening)}


def _choices(library: str, flow: str, opening: str) -> dict[str, str]:
    """Question -> choice, for what ``opening`` fills in or offers at ``flow``."""
    return {question: read.choice for question, read in _read(library, flow, opening).items()}


M7 = ("guy wants a printout of his own checkout history, has his card and id. wait actually its "
      "his wife's card he's holding, not his")


def test_a_correction_in_the_opening_takes_back_the_card_it_corrects() -> None:
    """[D1, critical] The clerk's words (play-test 4, M7): "has his card and id. wait actually
    its his wife's card" was read as "Yes, their own card" and the current account was
    released. Identity is asked, never filled in or offered as shown."""
    said = _said(chat(CATALOGUE, "mount-prospect", [M7, "what he has out now", "quit"]))
    assert "→ Yes, their own card" not in said, said
    assert 'Did you mean "Yes, their own card' not in said, said
    assert not any(line in said for line in RELEASE_LINES), said
    assert "Have they shown it's them" in said


@pytest.mark.parametrize("opening", [
    M7,
    "woman wants to know what she has out, she has her card. oh wait, no, it's her sister's card",
    "patron wants his holds list and showed his card. actually scratch that, the card belongs to "
    "his roommate",
    "man asking about his fines, he has his card, wait, sorry, it's his son's card not his",
])
def test_the_later_words_of_a_correction_re_answer_the_card_question(opening: str) -> None:
    """[D1] Whatever the router makes of these, once at the patron's own records the card the
    correction takes back is neither taken nor offered."""
    read = _read("mount-prospect", OWN, opening)
    for question in ("identity", "own-card"):
        found = read.get(question)
        assert found is None or (found.suggested and found.choice == "not-sure"), found


def test_a_correction_in_the_opening_re_answers_other_questions_too() -> None:
    """The same reading for any question: the later words are the fact."""
    read = _choices("mount-prospect", "law-enforcement-request", "cop with a subpoena for "
                    "records. wait actually it's a search warrant signed by a judge")
    assert read.get("document") == "search-warrant", read


@pytest.mark.parametrize("opening", [
    "guy wants to know whats checked out on his account but the card he's holding is his wife's "
    "card, not his own",
    "lady wants to see her holds, the card she gave me isn't hers",
    "patron wants his fines, he showed a card but it's his brother's",
])
def test_someone_elses_card_is_never_offered_as_their_own(opening: str) -> None:
    """[D6] "the card he's holding is his wife's card, not his own" offered "Yes, their own
    card": a hurried clerk types the number the bot suggests. A card taken back is offered as
    what it is (no card of their own), never as the release condition."""
    read = _read("mount-prospect", OWN, opening)
    identity = read.get("identity")
    assert identity is None or (identity.suggested and identity.choice != "presented"), identity


@pytest.mark.parametrize("correction", [
    "actually its his wifes card not his",
    "wait, it's not his card, it's his wife's",
    "oh wait the card belongs to his wife",
])
def test_a_correction_after_the_outcome_withdraws_the_release(correction: str) -> None:
    """[D1] After the release, "actually its his wifes card not his" got "I didn't catch
    that; nothing changed". Withdrawing a release needs no proof: the case moves off it."""
    opening = "patron wants to know what he has checked out on his account"
    said = chat(CATALOGUE, "mount-prospect", [opening, "1", correction, "quit"])
    cut = max(i for i, line in enumerate(said) if "Share only their current account" in line)
    after = _said(said[cut + 1:])
    assert "nothing changed" not in after, after
    assert "Share only their current account" not in after, after


SERGEANT = ("sergeant says a guy just called in a threat to shoot up the high school and the call "
            "came from one of our public pcs, he needs the name on the login right now")


def test_a_sergeants_request_for_computer_records_is_a_police_request() -> None:
    """[D2] Through "computer records", the clerk's words were read as "Someone else: family,
    employer, lawyer, press or another patron" (from "the high school"): a withhold with a
    15-minute page during a shooting threat. A sergeant is the police; the school is a place."""
    said = _said(chat(CATALOGUE, "mount-prospect", [
        *entering(CATALOGUE, "mount-prospect", SERGEANT, "computer-and-electronic-records"),
        "1", "quit"]))
    assert "→ Someone else" not in said, said
    assert "Police, FBI, or another government agency" in said, said
    assert "(immediate)" in said, said


@pytest.mark.parametrize("opening", [
    "a deputy is here, says somebody on pc 6 posted a threat against the middle school, wants "
    "who was logged in",
    "state trooper wants the wifi logs, says the school got a bomb threat from our network",
    "lieutenant from county PD on the phone, needs to know who printed a threat to the "
    "elementary school",
])
def test_ranks_are_police_and_a_school_named_as_a_place_is_no_requester(opening: str) -> None:
    read = _choices("mount-prospect", "computer-and-electronic-records", opening)
    assert read.get("who") == "police", read


J10 = ("mom wants to see what her son checked out, she has his card. hes a senior in high school. "
       "idk how old, maybe 17 or 18")


def test_an_age_on_either_side_of_the_line_is_offered_as_not_sure() -> None:
    """[D6] "idk how old, maybe 17 or 18" offered "Yes, the child is under 18", the answer
    that opens Jackson County's release (IV.c): a stressed clerk types the number offered."""
    said = _said(chat(CATALOGUE, "jackson-county",
                      [*entering(CATALOGUE, "jackson-county", J10,
                                 "parent-requests-child-records"), "quit"]))
    assert 'Did you mean "Yes' not in said, said
    assert 'Did you mean "Not sure"' in said, said


@pytest.mark.parametrize("opening", [
    "dad has his daughter's card, wants her overdue list. she's 17 or 18 i think",
    "grandma with the kid's card, wants to know what he has out, he's either seventeen or "
    "eighteen",
    "mom asking what her boy has checked out, has his card, he's 17-18 not sure",
])
def test_two_ages_across_the_line_never_suggest_the_release_side(opening: str) -> None:
    read = _read("jackson-county", "parent-requests-child-records", opening)
    minor = read.get("minor")
    assert minor is None or (minor.suggested and minor.choice == "not-sure"), minor


def test_a_parent_holding_the_childs_card_is_still_offered_the_card() -> None:
    """The relative named before the card ("has his daughter's card") is the card a parent
    needs: only words that say it is not so change what is offered."""
    read = _read("jackson-county", "parent-requests-child-records",
                 "dad has his daughter's card, wants to know what she has overdue")
    assert read["card"].choice == "presented", read


J3 = ("medford PD officer dropped off a written request on department letterhead asking for a "
      "patron's address and phone. no subpoena, no court order. library director is out on "
      "medical leave, the assistant director is here tho")


def test_a_written_police_request_is_not_read_as_nothing_in_writing() -> None:
    """[D5] The letter was read as "Nothing in writing" and the clerk told to ask the officer
    to "put your request in writing". Jackson County IV.d asks for exactly that written
    request: it goes to the Director, and nobody asks for it again."""
    said = _said(chat(CATALOGUE, "jackson-county", [
        *entering(CATALOGUE, "jackson-county", J3, "law-enforcement-request"), "2", "quit"]))
    assert "→ Nothing in writing" not in said, said
    assert "→ A written request or letter from the agency" in said, said
    assert "Please put your request in writing" not in said, said
    assert "Keep the written request and give it to the Library Director" in said, said


@pytest.mark.parametrize("opening", [
    "sheriff's deputy left a letter from the department asking for a patron's phone number, "
    "no warrant",
    "an officer emailed a formal written request for who checked out a book, nothing from a "
    "judge",
    "state police sent a signed request on letterhead for a patron's address",
])
def test_a_letter_from_the_agency_answers_what_the_officer_has(opening: str) -> None:
    read = _choices("jackson-county", "law-enforcement-request", opening)
    assert read.get("document") == "written-request", read


J6 = ("reporter from the mail tribune wants to know how many people checked out the banned book "
      "display books and whether the councilman's wife has a card")


def test_a_two_part_reporter_question_keeps_the_part_that_names_a_person() -> None:
    """[D4] Only the count was read ("Numbers that name no one") and the question about the
    councilman's wife was dropped. The stricter part decides: a person."""
    said = _said(chat(CATALOGUE, "jackson-county", [J6, "quit"]))
    assert "→ Numbers that name no one" not in said, said
    assert "→ A person, or records about users" in said, said


@pytest.mark.parametrize(("opening", "about"), [
    ("journalist asking for our visitor numbers this year and if the mayor has a library card",
     "patron"),
    ("reporter wants stats on the drag story hour and the names of who signed up", "patron"),
    ("reporter wants our circulation numbers for the year", "statistics"),
])
def test_the_person_part_outweighs_the_numbers(opening: str, about: str) -> None:
    read = _choices("jackson-county", "media-inquiry", opening)
    assert read.get("about") == about, read


def test_a_typed_two_part_answer_takes_the_person_part() -> None:
    from bot.engine.matching import match_choice
    question = CATALOGUE.flow("westmont", "media-inquiry").nodes["about"]
    found = match_choice(question, "how many visits, and whether the mayor has a card")
    assert found is not None and found.id == "patron"


@pytest.mark.parametrize("opening", [
    "process server just handed me a subpoena from some law firm for a patron's records in a "
    "custody case. the administrator is off today, im the only full timer here",
    "a lawyer's office sent us a subpoena for a patron's checkout records",
])
def test_a_subpoena_from_a_law_firm_is_a_subpoena(opening: str) -> None:
    """[D9, C1] "What kind of paper is it?" was asked with no suggestion after "a subpoena
    from some law firm": the paper is a subpoena, whoever sent it."""
    read = _choices("calumet", "legal-document-served", opening)
    assert read.get("document") == "subpoena", read


def test_a_law_firms_letter_that_is_no_subpoena_stays_a_letter() -> None:
    read = _choices("calumet", "legal-document-served", "got a letter from a law firm asking "
                    "for a patron's records, it's not a subpoena")
    assert read.get("document") == "lawyer-letter", read


@pytest.mark.parametrize("opening", [
    # the clerk's words (play-test 4, W7)
    "got a letter from a lawyer in a divorce case asking for the husband's checkout history. not "
    "a court order, just a letter on law firm letterhead",
    "an attorney mailed us a demand letter for a patron's borrowing records",
    "law firm emailed asking for a patron's records for a lawsuit, just a letter, nothing from "
    "a court",
])
def test_a_lawyers_letter_waits_for_the_working_day(opening: str) -> None:
    """[D8] A lawyer's letter compels nothing: "pass it on today", and a 15-minute page as
    well. Nobody must act now, so nobody is paged."""
    said = _said(chat(CATALOGUE, "westmont", [opening, "1", "quit"]))
    assert "A lawyer's letter is not a court order" in said, said
    assert "PAGING" not in said, said
