"""Typed answers that contradict the opening, and corrections worded without "actually".

D5: an answer that turns round what the opening message stated, towards a release ("he refuses
to fill out any form", later "yes he signs"), is put back to staff ("You said … Is that still
so?") before it is taken. D8: "wait, he's her uncle not her dad" and "no — he's a neighbour"
are corrections; where this library's policy gives the same answer whoever is asking, staff are
told so rather than "I didn't catch that".
"""

from __future__ import annotations

from bot.content.catalogue import Catalogue
from tests.terminal_support import chat

REFUSES = ("cop says its an emergency, needs the name on the account that reserved a book, but "
           "he refuses to fill out any form")
PICK_POLICE = "1"  # the router offers police or danger for this opening
SWORN, DANGER = "1", "1"


def _mahomet(catalogue: Catalogue, *after: str) -> str:
    return "\n".join(chat(catalogue, "mahomet",
                          [REFUSES, PICK_POLICE, "1", SWORN, DANGER, *after, "", "quit"]))


def test_a_correction_granting_what_the_opening_refused_is_confirmed_first(
        catalogue: Catalogue) -> None:
    said = _mahomet(catalogue, "actually yes he signs")
    assert "No signed request, no release: share nothing" in said
    assert ('You said "refuses to fill out": No, the officer won\'t sign it or put it in '
            "writing. Is that still so? If so, type 2; if not, give your answer again.") in said
    # Nothing was released on the strength of the correction alone.
    assert "Share only who the person is" not in said


def test_giving_the_contradicting_answer_again_takes_it(catalogue: Catalogue) -> None:
    said = _mahomet(catalogue, "actually yes he signs", "yes he signs")
    assert "Is that still so?" in said
    assert said.index("Is that still so?") < said.index("Share only who the person is")


def test_keeping_the_openings_answer_keeps_the_withholding(catalogue: Catalogue) -> None:
    said = _mahomet(catalogue, "actually yes he signs", "2")
    assert "Is that still so?" in said
    assert "Share only who the person is" not in said
    assert said.count("No signed request, no release") == 2


def test_a_correction_towards_withholding_is_taken_at_once(catalogue: Catalogue) -> None:
    said = "\n".join(chat(catalogue, "jackson-county", [
        "dad wants to know what his 12 yr old daughter checked out, he has her card", "1",
        "wait, actually he's not her dad, he's a neighbor", "", "quit"]))
    assert "Is that still so?" not in said
    assert "Only the people your policy names may be told about a child's account" in said


def test_a_correction_that_cannot_change_this_librarys_answer_says_so(
        catalogue: Catalogue) -> None:
    said = "\n".join(chat(catalogue, "westmont", [
        "dad wants to know what his 12 yr old daughter checked out",
        "wait, he's her uncle not her dad", "no — he's a neighbour", "", "quit"]))
    told = ("Noted, but that doesn't change this answer: Westmont Public Library's policy gives "
            "the same answer whatever the answer to \"Is the person asking the child's parent or "
            "legal guardian?\". Nothing changed.")
    assert said.count(told) == 2
    assert "I didn't catch that" not in said


def test_a_plain_no_after_the_answer_corrects_where_it_matters(catalogue: Catalogue) -> None:
    said = "\n".join(chat(catalogue, "jackson-county", [
        "dad wants to know what his 12 yr old daughter checked out, he has her card", "1",
        "no — he's a neighbour", "", "quit"]))
    assert "They have the child's card or number" in said  # the release before the correction
    assert "Only the people your policy names may be told about a child's account" in said
    assert "I didn't catch that" not in said


def test_an_unrelated_no_after_the_answer_is_still_not_caught(catalogue: Catalogue) -> None:
    said = "\n".join(chat(catalogue, "westmont", [
        "dad wants to know what his 12 yr old daughter checked out",
        "no, the printer is jammed", "", "quit"]))
    assert "I didn't catch that; nothing changed." in said
    assert "Noted, but" not in said


def test_a_hedged_reply_is_offered_not_sure(catalogue: Catalogue) -> None:
    """Play-test 4 J5 (D11): "i think so? they said so, i didnt read it all" to "does it say
    not to tell anyone?" was not caught at all; a guess is offered as Not sure, never taken."""
    said = "\n".join(chat(catalogue, "jackson-county", [
        "a court order came in the mail for a patron's records",
        "3",  # nobody waiting (play-test 8 E11, E8: asked first of a court order)
        "i think so? they said so, i didnt read it all", "", "quit"]))
    assert 'I didn\'t catch "i think so? they said so, i didnt read it all"' in said
    assert 'Did you mean "Not sure"? If so, type 3.' in said
