"""A plain "yes" or "no" typed in reply to the bot's own "Did you mean …? If so, type N".

Play-test 5, E1 (critical): the clerk answered the offer "Did you mean 'No card and no card
number'?" with "yes", and the bot took it as the question's own option "Yes, they have the
child's card" — the opposite of what it offered — and released the child's titles. While an
offer shows, a plain yes takes the offered choice, a plain no turns the offer down and asks
again without choosing anything, in every face (the engine owns it).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.catalogue import Catalogue
from bot.router.cues import cues
from bot.router.text import read_data
from tests.terminal_support import chat, entering, run_opening

ROOT = Path(__file__).resolve().parents[1]

GRANDMA = ("grandma wants to know what overdue books her 10 year old grandson has, she doesnt "
           "have his card or the number")
AUNT = ("mom wants to know how much her 15 yr old owes in fines so she can pay it. wait, "
        "actually shes not his mom, shes his aunt, he lives with her")
NO_FORM = ("cop says a girl was kidnapped and needs the name on card ending 4471 right now, he "
           "showed his badge, he won't fill out any form, says no time")
CHILD_TITLES = "you may share what's checked out or overdue"
NO_CARD = "Without the child's library card, share nothing from the account."
FINES_TO_PARENT = "You may tell a parent or legal guardian the child's fines and fees"
IDENTITY_RELEASE = "Emergency: who the person is may be released"
NO_SIGNATURE = "No signed request, no release: share nothing, even in an emergency."


PARENT = "parent-requests-child-records"
# Offers "Not sure" at "parent or legal guardian?" (play-test 6 E1: a hedge on a release
# condition offers the doubt); "1" answers "under 18?" on the way.
UNSURE_MOM = ("a woman wants to know how much her 15 yr old owes in fines so she can pay it, i "
              "think shes his mom? she didnt really say")
CARETAKER = "No: someone looking after the child (grandparent, sitter, relative)"


def _unsure_mom() -> tuple[str, str]:
    return (UNSURE_MOM, "1")


def _aunt(library: str = "mahomet") -> list[str]:
    """AUNT, then the pick of the parent/child situation when the router offers it ("Did you
    mean": the opening names a mom and then an aunt) instead of starting it: these tests read
    the offer inside that situation, not the routing."""
    return entering(Catalogue.load(ROOT), library, AUNT, PARENT)


def _said(catalogue: Catalogue, library: str, *lines: str) -> str:
    return "\n".join(chat(catalogue, library, [*lines, "", "quit"]))


def test_yes_to_the_offer_of_no_card_never_releases(catalogue: Catalogue) -> None:
    """[E1, J13] Jackson County IV.c: a parent or caretaker "must provide the child's library
    card or card number". A yes to an offered "No, …" could mean either: asked again plainly,
    never read as the card in hand."""
    said = _said(catalogue, "jackson-county", GRANDMA, "yes", "yes")
    assert 'Did you mean "No card and no card number"? If so, type 2.' in said
    assert ('"Yes" could mean "Yes, they have the child\'s card or card number" or "No card and '
            'no card number". Please type the number of the one you mean:') in said
    assert "→ Yes, they have the child's card or card number" not in said
    assert CHILD_TITLES not in said
    assert NO_CARD in _said(catalogue, "jackson-county", GRANDMA, "yes", "2")


def test_yes_to_an_offer_on_a_question_with_a_yes_option_never_grants_it(
        catalogue: Catalogue) -> None:
    """[E1, M01b] A "yes" took the offer (here "Not sure"), never "Yes, a parent"."""
    said = _said(catalogue, "mahomet", *_unsure_mom(), "yes")
    assert "→ Yes, a parent or legal guardian" not in said
    assert FINES_TO_PARENT not in said
    assert "Share nothing" in said


def test_yes_after_the_officer_refused_the_form_never_releases(catalogue: Catalogue) -> None:
    """[E1, P12y] Mount Prospect III.D: an emergency release only "in writing using the
    Officer's Request for Confidential Library Information Form". The refusal typed in the
    opening is taken (E5), so no "yes" reaches a release."""
    said = _said(catalogue, "mount-prospect", NO_FORM, "1", "1", "1", "1", "yes")
    assert "→ Yes, the officer will fill in and sign it" not in said
    assert IDENTITY_RELEASE not in said
    assert NO_SIGNATURE in said


@pytest.mark.parametrize("reply", ["Yes!", "yep, that's right", "Correct.", "YEAH", "sí",
                                   "that's right"])
@pytest.mark.parametrize("opening", [
    GRANDMA,
    "grandpa wants to know what overdue books his 9 year old granddaughter has, he doesnt have "
    "her card or the number",
])
def test_any_plain_yes_never_takes_the_release_it_was_offered_against(
        catalogue: Catalogue, opening: str, reply: str) -> None:
    said = _said(catalogue, "jackson-county", opening, reply, reply, reply)
    assert "Did you mean \"No card and no card number\"" in said
    assert "Please type the number of the one you mean" in said
    assert CHILD_TITLES not in said


@pytest.mark.parametrize("reply", ["yes", "Yep.", "that's right"])
def test_a_plain_yes_takes_an_offer_that_is_no_yes_or_no(catalogue: Catalogue,
                                                         reply: str) -> None:
    """[E1, M01b] The offer was "Not sure": a "yes" takes it (share nothing)."""
    said = _said(catalogue, "mahomet", *_unsure_mom(), reply)
    assert "I understood: Is the person asking the child's parent or legal guardian? → Not sure" \
        in said
    assert FINES_TO_PARENT not in said


OFF_DUTY = "a cop, but he's off duty, just curious what his neighbor has been checking out"


def _into_police(catalogue: Catalogue, opening: str) -> list[str]:
    """Into the police request whichever way the retrained router places the opening."""
    return entering(catalogue, "westmont", opening, "law-enforcement-request")


def test_no_to_an_offered_no_is_that_no(catalogue: Catalogue) -> None:
    """"Did you mean 'No, nobody is said to be in danger'?" → "no": the same answer."""
    said = _said(catalogue, "westmont", *_into_police(catalogue, OFF_DUTY), "no")
    assert "→ No, nobody is said to be in danger" in said
    assert "All right, not" not in said


def test_yes_to_an_offered_no_danger_never_drops_the_danger(catalogue: Catalogue) -> None:
    """A yes there may mean "yes, someone is in danger": asked plainly, never taken as safe."""
    said = _said(catalogue, "westmont", *_into_police(catalogue, OFF_DUTY), "yes")
    assert "→ No, nobody is said to be in danger" not in said
    assert "Please type the number of the one you mean" in said


@pytest.mark.parametrize("reply", ["no", "Nope.", "no, not that"])
def test_a_plain_no_turns_the_offer_down_and_chooses_nothing(catalogue: Catalogue,
                                                              reply: str) -> None:
    """The offer is "Not sure": no turns it down, and is not "No: someone looking after the
    child" or "No, someone else" either; the question is asked plainly."""
    said = _said(catalogue, "mahomet", *_unsure_mom(), reply)
    assert 'All right, not "Not sure". Please pick one of these:' in said
    assert "I understood: Is the person asking the child's parent or legal guardian?" not in said
    after = said.split("All right, not")[1]
    assert "Did you mean" not in after  # asked plainly, the offer not pressed again
    assert "Share nothing" not in said and FINES_TO_PARENT not in said


def test_the_aunt_correction_offers_the_caretaker_and_yes_is_asked_plainly(
        catalogue: Catalogue) -> None:
    """[play-test 6 E8] "actually shes not his mom, shes his aunt" offered "Not sure" ("not his
    mom" was read as "not his own", taking the aunt back); the aunt is the caretaker answer.
    A plain "yes" at "parent or legal guardian?" could mean the question's Yes or the offered
    caretaker, both release conditions somewhere: asked plainly, never guessed."""
    said = _said(catalogue, "mahomet", *_aunt(), "yes")
    assert f'Did you mean "{CARETAKER}"? If so, type 2.' in said
    assert f'"Yes" could mean "Yes, a parent or legal guardian" or "{CARETAKER}"' in said
    assert "→ Yes, a parent or legal guardian" not in said and FINES_TO_PARENT not in said
    assert "→ Share nothing" in _said(catalogue, "mahomet", *_aunt(), "yes", "2")


def test_after_turning_the_offer_down_the_menu_still_answers(catalogue: Catalogue) -> None:
    said = _said(catalogue, "mahomet", *_unsure_mom(), "no", "2")
    assert "→ Share nothing" in said


@pytest.mark.parametrize("reply", ["no", "nope"])
def test_no_to_an_offered_no_card_is_no_card(catalogue: Catalogue, reply: str) -> None:
    assert NO_CARD in _said(catalogue, "jackson-county", GRANDMA, reply)


def test_yes_takes_the_offer_where_the_question_has_no_yes_option(catalogue: Catalogue) -> None:
    """[E6, W10] "yes" to "Did you mean 'A national security letter'?" was not understood."""
    said = _said(catalogue, "westmont", "FBI agent gave me a national security letter and said "
                 "i can't tell anyone, not even my boss?", "yes")
    assert 'I didn\'t catch "yes"' not in said
    assert "tell no one" in said.lower() or "Tell no one" in said


def test_a_number_against_the_openings_offer_towards_a_release_is_put_back(
        catalogue: Catalogue) -> None:
    """[E5, J13] The opening said "she doesnt have his card or the number" (offered, not
    taken): typing 1, "Yes, they have the card", is put back to staff before anything is
    released; giving it again takes it."""
    said = _said(catalogue, "jackson-county", GRANDMA, "1")
    assert "Is that still so? If so, type 2; if not, give your answer again." in said
    assert CHILD_TITLES not in said
    again = _said(catalogue, "jackson-county", GRANDMA, "1", "1", "1", "1")
    assert again.index("Is that still so?") < again.index(CHILD_TITLES)


def test_the_scripted_face_reads_yes_as_the_terminal_does() -> None:
    """[E1] ``frontdesk run --json``: the same case, outcome and decision."""
    data = run_opening(ROOT, "jackson-county", GRANDMA, "yes", "yes")
    assert data["outcome"] is None and data["question"]["id"] == "card", data["outcome"]
    assert ["card", "yes"] not in [[t["question"], t["choice"]] for t in data["transcript"]]
    once = run_opening(ROOT, "jackson-county", GRANDMA, "yes")
    assert once["declined"]["source"] == "ambiguous" and "suggestion" not in once
    unsure = run_opening(ROOT, "mahomet", *_unsure_mom(), "yes")
    assert unsure["outcome"]["decision"] == "withhold", unsure["outcome"]
    declined = run_opening(ROOT, "mahomet", *_unsure_mom(), "nope")
    assert declined["status"] == "asking" and "suggestion" not in declined
    assert declined["declined"]["label"] == "Not sure"


@pytest.mark.parametrize(("text", "reply"), [
    ("yes", True), ("Yep!", True), ("yes, correct", True), ("That's right.", True),
    ("no", False), ("nope", False), ("No, not that", False),
    ("yes he has the card", None), ("no card", None), ("2", None), ("yes no", None), ("", None),
])
def test_what_counts_as_a_plain_reply_to_an_offer(text: str, reply: bool | None) -> None:
    assert cues().offer_reply(text) is reply


def test_yes_to_is_that_still_so_keeps_what_the_opening_said(catalogue: Catalogue) -> None:
    """Review 5 m5: "You said …: No card and no card number. Is that still so?" → "yes" was
    read as ambiguous again (a loop); it is the question asked, so yes keeps the opening's
    answer, and no asks again."""
    said = _said(catalogue, "jackson-county", GRANDMA, "1", "yes")
    assert "Is that still so?" in said
    assert NO_CARD in said
    again = _said(catalogue, "jackson-county", GRANDMA, "1", "no")
    assert 'All right, not "No card and no card number"' in again
    assert CHILD_TITLES not in again and NO_CARD not in again


@pytest.mark.parametrize("word", [str(w) for w in read_data("cues.yaml")["confirms_offer"]])
def test_every_listed_yes_reaches_the_engine_as_typed(catalogue: Catalogue, word: str) -> None:
    """Review 5 m8: a listed yes that redaction turns into "[name]" never answers."""
    said = _said(catalogue, "mahomet", *_unsure_mom(), word)
    assert "I understood: Is the person asking the child's parent or legal guardian? → Not sure" \
        in said, word
