"""Play-test 5's remaining desk findings, each from the clerk's own line: a bare "no" at a
question that asks what something is (E4), and the rest as they are fixed."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.catalogue import Catalogue
from bot.engine import start
from bot.engine.step import step
from tests.terminal_support import chat, run_opening

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = Catalogue.load(ROOT)


@pytest.mark.parametrize("library", ["westmont", "mount-prospect", "calumet"])
@pytest.mark.parametrize("reply", ["no", "nope", "nah", "no."])
def test_a_bare_no_is_not_nothing_in_writing(library: str, reply: str) -> None:
    """E4: "What does the officer have in writing?" asks no yes/no; a bare "no" (often the
    clerk turning down the paper the bot offered) is asked again, never "Nothing in writing"."""
    asked = start(CATALOGUE, library, "law-enforcement-request")
    assert asked.question is not None and asked.question.id == "document"
    view = step(CATALOGUE, asked.conversation, reply)
    assert "document" not in view.conversation.answer_map
    assert view.not_understood is not None


@pytest.mark.parametrize("reply", ["nothing", "no paperwork", "no, nothing in writing"])
def test_nothing_in_writing_said_in_words_is_still_understood(reply: str) -> None:
    asked = start(CATALOGUE, "westmont", "law-enforcement-request")
    view = step(CATALOGUE, asked.conversation, reply)
    assert view.conversation.answer_map.get("document") == "none"


FOOTAGE_28_DAYS = ("a detective wants a copy of our camera footage from 28 days ago for an "
                   "active investigation")


def test_a_hold_of_an_outcome_that_pages_nobody_is_shown_with_its_deadline() -> None:
    """Review 5 m3: footage 28 days old had 2 days left; the answer said only "a note or an
    email today" and the hold was recorded silently."""
    said = "\n".join(chat(CATALOGUE, "mahomet", [FOOTAGE_28_DAYS, "1", ""]))
    assert "nobody needs paging" in said and "PAGED" not in said
    assert "Deadline: the footage-evidence hold runs 30 days" in said
    assert "(2 days left)" in said


def test_the_scripted_face_reports_the_running_hold_too() -> None:
    case = run_opening(ROOT, "mahomet", FOOTAGE_28_DAYS, "1")
    assert case["outcome"]["id"] == "police-investigation", case
    assert case["hold_due"]["days_left"] == 2 and case["hold_due"]["kind"] == "footage-evidence"


@pytest.mark.parametrize(("opening", "answers"), [
    ("police officer here with a search warrant and the director is out today", ("1", "2")),
    ("officer has a search warrant for our computers, the director is on vacation", ("1", "2")),
    # (a court order: carried out now, waited on, or due today? play-test 8 E11, E8) waited on
    ("detective with a court order for a patron's records, director is out sick",
     ("1", "2", "2")),
])
def test_the_director_away_where_the_policy_names_no_stand_in_says_so(
        opening: str, answers: tuple[str, ...]) -> None:
    """E3 (Mahomet, M10): "directors out sick today" was ignored; the policy names no one to
    act for the Director ("must be directed to the Director"), and the answer must say so
    instead of inventing a stand-in."""
    case = run_opening(ROOT, "mahomet", opening, *answers)
    steps = " ".join(case["outcome"]["do"])
    assert "names no one to act for the Director" in steps, case["outcome"]
    assert "V-A.3" in [c["clause"] for c in case["outcome"]["citations"]]


def test_the_director_away_where_the_policy_lets_others_act_names_them() -> None:
    """E3 (Mount Prospect, P14): III.E lets the Deputy Director or designated Privacy
    In-Charge staff act; said as the policy words it."""
    case = run_opening(ROOT, "mount-prospect",
                       "officer with a search warrant for the computers, the director is on "
                       "vacation")
    steps = " ".join(case["outcome"]["do"])
    assert "your policy lets the Deputy Director, or designated Privacy In-Charge staff act" \
        in steps, case["outcome"]


def test_not_sure_of_a_gag_on_a_subpoena_does_not_talk_of_national_security_letters() -> None:
    """E13 (Mahomet, M09): "Not sure" at the gag question for a state's attorney's subpoena."""
    case = run_opening(ROOT, "mahomet", "cop brought a subpoena for a patrons checkout records, "
                                        "its not a court order, its from the states attorney",
                       "3")
    text = " ".join(case["outcome"]["do"])
    assert case["outcome"]["id"] == "gag-policy-silent", case["outcome"]
    assert "national security" not in text and "FISA" not in text
    assert "gag or nondisclosure order" in text


@pytest.mark.parametrize("library", ["jackson-county", "westmont", "mount-prospect"])
def test_not_sure_of_the_childs_age_is_not_called_an_adults_account(library: str) -> None:
    """E14 (Jackson County, J02): the most cautious answer for an unknown age withholds, but
    its headline called the child an adult."""
    case = run_opening(ROOT, library, "mom wants to know what her kid has checked out", "3")
    assert case["outcome"]["decision"] == "withhold", case["outcome"]
    assert "an adult patron" not in case["outcome"]["headline"]
