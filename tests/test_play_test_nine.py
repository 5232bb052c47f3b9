"""Play-test 9's open findings at the desk (session 12): a case starts from a clerk's own
opening line, then the clerk types what happens next, checked against each library's policy.

Phrasings are our own beside the play-test's, so the rules are read from the words a clerk
might use, never from one wording; look-alikes that must not change sit beside them."""

from __future__ import annotations

import pytest

from bot.engine import View
from tests.test_play_test_eight import CATALOGUE, LIBRARIES, _opened, _typed

POLICE = "law-enforcement-request"
PAPERS = "legal-document-served"
assert CATALOGUE is not None


def _number_of(case: View, choice: str) -> str:
    assert case.question is not None
    return str([c.id for c in case.question.choices].index(choice) + 1)


# --- P9-1: a search warrant already carried out, the officers gone ----------------------------

CARRIED_OUT_EARLIER = [
    # the play-test's
    "last week a cop came in with a warrant and took one of the computers, what should I have "
    "done?",
    "the police were here yesterday with a search warrant, they already left with copies of the "
    "sign-up sheets",
    # our own
    "two deputies came in yesterday with a search warrant and took the sign-in logs",
    "officers served a search warrant the other day and have left with a laptop, who do I tell?",
    "an FBI agent had a search warrant last week, he is gone now... wait, what should we have done",
]


@pytest.mark.parametrize("opening", CARRIED_OUT_EARLIER)
def test_a_warrant_already_carried_out_is_never_taken_and_its_answer_pages_today(
        opening: str) -> None:
    """P9-1: once the clerk confirmed "A search warrant", the officers long gone got an
    immediate page with "ask the officers to wait" and "I won't stand in your way". Neither
    the warrant nor the warrant carried out is taken from the opening (the question is
    asked); the clerk's pick of "already carried out" (its number) pages the in-charge to
    follow up today (prompt), with no steps for officers present."""
    for library in LIBRARIES:
        for flow in (POLICE, PAPERS):
            case = _opened(library, opening, flow)
            assert case.outcome is None and case.question is not None, (library, flow)
            assert case.question.id == "document", (library, flow)
            # (the warrant may still be offered: unsure, its immediate page stays the default)
            done = _typed(case, _number_of(case, "warrant-earlier"))
            assert done.outcome is not None and done.outcome.id == "warrant-earlier"
            assert done.outcome.escalate.pages and done.outcome.escalate.urgency == "prompt"
            text = " ".join((*done.outcome.do, done.outcome.say)).lower()
            assert "wait a few minutes" not in text and "stand in your way" not in text


@pytest.mark.parametrize("answer", ["they already left", "they left", "it already happened",
                                    "they are gone", "it was already carried out"])
def test_the_clerk_typing_that_they_have_left_picks_or_is_offered_the_warrant_carried_out(
        answer: str) -> None:
    """Typed at the question, the officers gone pick (or, said loosely, offer) the warrant
    carried out: never the warrant's immediate page."""
    for library in LIBRARIES:
        for flow in (POLICE, PAPERS):
            case = _typed(_opened(library, "cop with a warrant, what should I have done", flow),
                          answer)
            picked = case.outcome is not None and case.outcome.id == "warrant-earlier"
            offered = case.suggestion is not None and case.suggestion.choice == "warrant-earlier"
            assert picked or offered, (library, flow, answer)


@pytest.mark.parametrize("answer", [
    # review 13 (minor on 08cbd3b): gone only for a moment
    "search warrant, the officer has gone out to his car for boxes",
    "search warrant, the detective went out to the car for boxes",
])
def test_a_warrant_typed_with_an_officer_gone_for_a_moment_offers_the_warrant(answer: str) -> None:
    """Typed at the question, an officer gone out for a moment is no warrant carried out: the
    warrant (its immediate page) is offered, as before the way out was added."""
    for library in LIBRARIES:
        for flow in (POLICE, PAPERS):
            case = _typed(_opened(library, "cop here with some paper", flow), answer)
            picked = {t.choice for t in case.conversation.transcript if t.question == "document"}
            offered = case.suggestion.choice if case.suggestion is not None else None
            assert "warrant-earlier" not in picked and offered != "warrant-earlier", \
                (library, flow)
            assert picked == {"search-warrant"} or offered == "search-warrant", (library, flow)


@pytest.mark.parametrize("opening", [
    "officers are here with a search warrant",
    "cop with a search warrant took the computers",
    "agents with a search warrant already took two computers and are going for the server",
    "officer here with a search warrant, he took the sign in sheets and is waiting",
    "officers left a copy of the search warrant with me and went to the computer lab",
    "two officers just walked in with a search warrant for the computers",
    "officers are here with a search warrant, the patron has left",
])
def test_a_warrant_carried_out_now_still_pages_at_once_with_nothing_asked(opening: str) -> None:
    """Look-alikes: a warrant here now keeps its immediate page, asked no more than before
    (taken from the opening: "took", "already took", "left a copy" are said of officers still
    here)."""
    for library in LIBRARIES:
        case = _opened(library, opening, POLICE)
        assert case.outcome is not None and case.outcome.escalate.urgency == "immediate", \
            (library, opening)
        taken = {t.choice for t in case.conversation.transcript if t.question == "document"}
        assert taken == {"search-warrant"}, (library, taken)


@pytest.mark.parametrize("opening", [
    "police came yesterday and are back now with a search warrant",
    "search warrant served yesterday, the officers are back today to take more",
    "officers with a search warrant left with the laptops an hour ago, what now",
    "i think they left?",
    # review 13 (minor on 08cbd3b): one gone, another still here
    "police have a search warrant, one officer already left with the laptop, the other is still "
    "in the office",
])
def test_the_past_beside_someone_here_now_is_never_offered(opening: str) -> None:
    """Words of someone here or now beside the past keep "already carried out" from being
    offered: unsure, the warrant and its immediate page stay the default."""
    for library in LIBRARIES:
        for flow in (POLICE, PAPERS):
            case = _opened(library, opening, flow)
            assert case.suggestion is None or case.suggestion.choice != "warrant-earlier"
            taken = {t.choice for t in case.conversation.transcript if t.question == "document"}
            assert "warrant-earlier" not in taken, (library, flow)


# --- P9-4: danger stated in the opening, only suggested -------------------------------------

EMERGENCY = "emergency-or-illegal-activity"


@pytest.mark.parametrize("opening", [
    # the play-test's
    "an older man collapsed by the magazines and he isn't breathing",
    "a man in the lobby is threatening to shoot people, he has a gun",
    "a man in the lobby is screaming he's going to shoot people, he has a gun",
    # our own
    "lady in the restroom isnt breathing",
    "a kid stopped breathing in the children's room",
    "guy yelling he's gonna shoot everyone, he has a gun",
    "she's going to call the police, he has a knife",
])
def test_danger_stated_plainly_is_911_and_the_page_at_once(opening: str) -> None:
    """P9-4: "isn't breathing" was not found (its "isn't" read as a denial of "collapsed"
    beside it), and a threat or a "going to" in an earlier clause deferred the gun a man has
    in a clause of its own: only offered, one more step before 911."""
    for library in LIBRARIES:
        case = _opened(library, opening, EMERGENCY)
        assert case.outcome is not None and case.outcome.id == "danger-now", (library, opening)
        assert case.outcome.escalate.urgency == "immediate"


@pytest.mark.parametrize("opening", [
    "he's going to come back with a gun",
    "he's gonna come back tomorrow, he has a gun",
    "he's going to come back, he has a gun",
    "patron threatened to come back tomorrow, he has a gun at home",
    "he's going to get a gun",
    "he isn't breathing?",
])
def test_danger_to_come_or_asked_about_is_still_asked(opening: str) -> None:
    """Look-alikes: a weapon to come (in its own clause or with a time), at home, or a question
    is not taken: the danger question is asked (the clerk's Yes pages at once)."""
    for library in LIBRARIES:
        case = _opened(library, opening, EMERGENCY)
        taken = {t.choice for t in case.conversation.transcript if t.question == "danger"}
        assert "yes" not in taken, (library, opening)


# --- P9-5: questions the opening already answered ---------------------------------------------


def _answered(case: View, question: str) -> str | None:
    return next((t.choice for t in case.conversation.transcript if t.question == question), None)


def test_who_had_the_book_before_her_is_read_as_who_had_an_item() -> None:
    """P9-5 (Calumet): "she just wants to know who had the book before her" asked what she
    wants; it says it."""
    for opening in ("the patron is not in danger, she just wants to know who had the book "
                    "before her", "a man wants to know who had the book before him"):
        for library in LIBRARIES:
            case = _opened(library, opening, "third-party-requests-patron-info")
            assert _answered(case, "want") == "who-had-item", (library, opening)


@pytest.mark.parametrize(("opening", "what"), [
    ("we got a FOIA request asking for a list of all our cardholders", "patron-records"),
    ("FOIA request for a list of cardholders", "patron-records"),
    # look-alikes: numbers stay numbers
    ("FOIA request for how many cardholders we have", "statistics"),
    ("foia for the number of cardholders", "statistics"),
])
def test_a_list_of_cardholders_is_about_patrons_and_their_number_is_not(opening: str,
                                                                        what: str) -> None:
    """P9-5 (Calumet): a list of all the cardholders asked what was wanted."""
    for library in LIBRARIES:
        case = _opened(library, opening, "public-records-request")
        assert _answered(case, "what") == what, (library, opening)


@pytest.mark.parametrize("opening", [
    "a sheriff's deputy dropped off a subpoena and said he'll be back tomorrow morning to pick "
    "up the records",
    "process server left a subpoena, he'll be back this afternoon to pick them up",
])
def test_someone_coming_back_for_the_records_offers_someone_waiting(opening: str) -> None:
    """P9-5 (Mount Prospect): "he'll be back tomorrow morning to pick up the records" asked
    whether anyone waits with nothing offered. Now offered (never taken: the clerk's answer
    pages), wherever the question is asked."""
    asked = 0
    for library in LIBRARIES:
        case = _typed(_opened(library, opening, PAPERS), "no")  # the gag question
        if case.question is not None and case.question.id == "waiting":
            asked += 1
            assert case.suggestion is not None and case.suggestion.choice == "yes", library
            assert _answered(case, "waiting") is None
    assert asked


def test_coming_back_beside_the_post_offers_nothing() -> None:
    """Look-alike: mailed, and someone (the director) back tomorrow: neither is offered."""
    for library in LIBRARIES:
        case = _typed(_opened(library, "subpoena came in the mail, the director will be back "
                              "tomorrow", PAPERS), "no")
        if case.question is not None and case.question.id == "waiting":
            assert case.suggestion is None or case.suggestion.choice != "yes", library


# --- P9-2: a police letter is no legal process ----------------------------------------------

POLICE_LETTERS = [
    # the play-test's
    "the officer doesn't have a warrant or a subpoena, just a letter from his chief asking for a "
    "patron's records",
    # our own
    "police department sent a letter asking for a patron's records, no subpoena or court order",
    "a deputy handed me a letter from the sheriff asking who used computer 4 last tuesday",
]


@pytest.mark.parametrize("opening", POLICE_LETTERS)
def test_a_police_letter_among_the_papers_goes_the_written_requests_way_and_pages_nobody(
        opening: str) -> None:
    """P9-2: taken as legal papers, "What kind of paper is it?" had no answer for a letter from
    the police, and "Not sure" paged the in-charge at once. The clerk's pick of the police
    letter (its number) goes the way the police request's written request goes: the emergency
    asked where the policy lets the library help in one, then nothing released and nobody
    paged (Jackson County: the letter is the written request its policy asks for)."""
    for library in LIBRARIES:
        case = _opened(library, opening, PAPERS)
        done = case  # (a letter named plainly is taken from the opening)
        if case.question is not None and case.question.id == "document":
            done = _typed(case, _number_of(case, "police-letter"))
        if done.outcome is None:
            assert done.question is not None and done.question.id == "letter-emergency", library
            done = _typed(done, "no")
        assert done.outcome is not None and not done.outcome.escalate.pages, library
        expected = ("police-letter-in-hand" if library == "jackson-county"
                    else "police-letter-needs-court-order")
        assert done.outcome.id == expected, library


@pytest.mark.parametrize("answer", ["a letter from his chief", "police letter",
                                    "letter on department letterhead"])
def test_the_clerk_typing_a_police_letter_picks_it(answer: str) -> None:
    for library in LIBRARIES:
        case = _typed(_opened(library, "officer dropped off some paper for a patron's records",
                              PAPERS), answer)
        taken = {t.choice for t in case.conversation.transcript if t.question == "document"}
        assert taken == {"police-letter"}, (library, answer, taken)


@pytest.mark.parametrize(("opening", "not_taken"), [
    ("FBI letter saying we can't tell anyone, wants the wifi logs", "police-letter"),
    ("lawyer sent a letter asking for a patron's records", "police-letter"),
    ("officer brought a subpoena and a letter from his chief", "police-letter"),
])
def test_a_letter_that_is_more_than_a_police_letter_is_never_taken_as_one(
        opening: str, not_taken: str) -> None:
    """Look-alikes: a letter that says to tell no one, a lawyer's letter, or a letter beside a
    subpoena is never taken as the plain police letter (which pages nobody)."""
    for library in LIBRARIES:
        case = _opened(library, opening, PAPERS)
        taken = {t.choice for t in case.conversation.transcript if t.question == "document"}
        assert not_taken not in taken, (library, opening, taken)


@pytest.mark.parametrize(("flow", "opening"), [
    # review 13's (gate on P9-2)
    (PAPERS, "police letter demanding records, says it's an emergency, a child is missing"),
    (POLICE, "officer here with a written request letter, says a child is missing and it's an "
             "emergency, wants to know who was on computer 3"),
    # our own
    (PAPERS, "a deputy brought a letter from the sheriff, says someone's life is in danger"),
])
def test_an_emergency_claimed_with_a_letter_pages_at_once_at_every_library(flow: str,
                                                                         opening: str) -> None:
    """Review 13 (gate on P9-2): the letter path asked the officer's emergency only where the
    policy has an emergency release: at Jackson County an emergency claimed with a letter paged
    nobody. Now asked everywhere; Yes pages the in-charge at once, nothing released by the
    clerk."""
    for library in LIBRARIES:
        case = _opened(library, opening, flow)
        if case.question is not None and case.question.id == "document":
            letter = "police-letter" if flow == PAPERS else "written-request"
            case = _typed(case, _number_of(case, letter))
        if case.outcome is None:
            assert case.question is not None
            assert case.question.id in ("letter-emergency", "emergency"), library
            case = _typed(case, "yes")
        assert case.outcome is not None and case.outcome.escalate.urgency == "immediate", \
            (library, flow, case.outcome.id if case.outcome else None)
        assert case.outcome.decision in ("refer", "withhold"), library
