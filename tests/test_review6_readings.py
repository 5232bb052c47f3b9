"""Review 6 of the rescued readings: each line here was read into a safety-critical answer the
text does not state (an emergency from the clerk's own "no time", a card number asked for, a
child "alone as far as I know", a court order threatened, a threat not on a word list), or
let a child with an adult at the screen out of the abuse-images steps."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.catalogue import Catalogue
from bot.router import PrefilledAnswer, prefill
from tests.terminal_support import chat

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = Catalogue.load(ROOT)
CSAM = "cybertipline-concern"
POLICE = "law-enforcement-request"
PARENT = "parent-requests-child-records"
EMERGENCY = "emergency-or-illegal-activity"


def _taken(library: str, flow: str, opening: str) -> dict[str, str]:
    """Question -> choice, for what ``opening`` fills in (offers left out)."""
    read: tuple[PrefilledAnswer, ...] = prefill(CATALOGUE.flow(library, flow), opening)
    return {p.question: p.choice for p in read if not p.suggested}


@pytest.mark.parametrize("opening", [
    "officer showed me his badge, wants the name of whoever used pc 4 this morning, I have no "
    "time for this, the line is out the door",
    "cop at the desk wants a patron's checkout history, I have no time for this today",
    "officer wants a patron's address, says there's no time limit on it",
    "detective on the phone wants records on a patron, says no time frame, whenever we can",
])
def test_no_time_said_of_anything_but_the_paper_is_no_emergency(opening: str) -> None:
    """C1: "no time" alone is said of the clerk's day or a time limit."""
    assert "emergency" not in _taken("mount-prospect", POLICE, opening)


def test_no_time_to_wait_for_a_judge_is_still_the_officers_emergency() -> None:
    assert _taken("westmont", POLICE, "police officer at the desk, a kid is missing, says "
                                      "there's no time to wait for a judge"
                  ).get("emergency") == "yes"


@pytest.mark.parametrize("opening", [
    "mom wants to see what her 10 year old has checked out and wants me to give her his card "
    "number written on a note",
    "dad wants his 11 year old's checkouts, i wrote down the card number for him from our system",
    "mom of an 8 year old asks what he has checked out, she wants the card number written down "
    "for her",
])
def test_a_card_number_asked_for_or_looked_up_is_not_in_hand(opening: str) -> None:
    """C3: Jackson County IV.c needs the parent to *provide* the card or number."""
    assert _taken("jackson-county", PARENT, opening).get("card") != "presented"


@pytest.mark.parametrize("opening", [
    "man on pc 3 looking at child porn, he's alone as far as i know",
    "man on pc 3 looking at child porn, pretty sure he's alone",
    "man on pc 3 looking at child porn, he's alone but the after school crowd gets here at 3",
    "man on pc 3 looking at child porn, he's alone, his niece is in the bathroom",
])
def test_alone_is_asked_not_read_as_no_child_in_danger(opening: str) -> None:
    """C4: "he's alone" does not say outright that no child is in danger."""
    assert "child-danger" not in _taken("westmont", CSAM, opening)


def test_a_child_with_an_adult_at_adult_material_is_asked_about_danger() -> None:
    """C2: the images show adults, but a man has a little girl on his lap."""
    said = "\n".join(chat(CATALOGUE, "westmont", [
        "man at pc 6 is watching porn with a little girl sitting on his lap", "1", "2", ""]))
    assert "nobody needs paging. Stop it calmly" not in said, said
    assert "911" in said and ("PAGING" in said or "PAGED" in said or "Call the" in said), said


@pytest.mark.parametrize("answer", ["just normal porn but with teens",
                                    "normal porn, the girls look like teenagers",
                                    "adult porn with a teen girl",
                                    "regular porn, one girl looks 16",
                                    "adult porn"])
def test_adult_material_with_young_people_typed_is_not_a_way_out(answer: str) -> None:
    """C5: the images' help says anyone who looks under 18 counts as a child."""
    said = "\n".join(chat(CATALOGUE, "westmont", ["kid on pc porn", answer, "yes", ""]))
    assert 'Did you mean "A child is looking at adult material' not in said, said
    assert "→ A child is looking at adult material" not in said, said
    assert "A child looking at adult material is not child abuse images" not in said, said


@pytest.mark.parametrize("opening", [
    "detective wants a patron's records, court order - he's threatening to go to a judge for one",
    "cop wants the checkout history of a patron, search warrant, he threatened to get one",
])
def test_a_paper_threatened_is_not_in_hand(opening: str) -> None:
    """C6: "threatening to go to a judge" promises the paper; only a threat to a person defers
    just what follows it."""
    assert _taken("mount-prospect", POLICE, opening).get("document") not in {
        "court-order", "search-warrant"}


@pytest.mark.parametrize("opening", [
    "guy yelling at staff about his fine, says he knows where she lives and she will be sorry",
    "patron screaming at the desk about a late fee, says he will be waiting for me in the "
    "parking lot after close",
])
def test_an_argument_is_never_read_from_an_opening(opening: str) -> None:
    """M1: the no-page exit is the clerk's answer, never a reading of a threat in other words."""
    assert _taken("mahomet", EMERGENCY, opening).get("what") != "dispute"


COURT_ORDER = "officer at desk with a court order"


@pytest.mark.parametrize("correction", [
    "actually he says he will have the court order by tonight",
    "wait, he doesn't have it yet, he'll have it tonight",
    "oh he doesnt actually have it with him",
])
def test_a_correction_that_takes_the_paper_back_is_applied(correction: str) -> None:
    """C7: typed at the next question, the correction was "not caught" and the court order
    stood (decision comply, paged at once)."""
    said = "\n".join(chat(CATALOGUE, "westmont", [COURT_ORDER, correction]))
    assert "I didn't catch" not in said, said
    assert ("I understood: What does the officer have in writing? → Nothing in writing"
            in said), said
    assert "Court order: don't hand over records yourself" not in said, said


def test_a_correction_denying_the_paper_after_the_outcome_is_not_the_director_away() -> None:
    """C8: "not a court order, he has nothing in writing" was heard as "not in" = the
    director is away, and the court order stood with its page re-targeted."""
    said = "\n".join(chat(CATALOGUE, "westmont", [
        COURT_ORDER, "1", "actually it is not a court order, he has nothing in writing"]))
    after = said[said.index("actually") if "actually" in said else 0:]
    assert "→ No, the director is away" not in said, said
    assert ("I understood: What does the officer have in writing? → Nothing in writing"
            in said), said
    assert "Does the officer say it's an emergency" in after, said


@pytest.mark.parametrize("typed", ["is it signed by a judge?", "he has it right here"])
def test_words_that_take_nothing_back_leave_the_paper(typed: str) -> None:
    said = "\n".join(chat(CATALOGUE, "westmont", [COURT_ORDER, typed]))
    assert "→ Nothing in writing" not in said, said


def test_a_correction_of_what_the_officer_wants_after_an_identity_release_is_applied() -> None:
    """C7 (scope): the emergency clause releases who someone is, never what they searched."""
    said = "\n".join(chat(CATALOGUE, "mount-prospect", [
        "officer wants the name of whoever used pc 4", "1", "1", "1", "1", "1",
        "wait, he only wants to know what the guy searched"]))
    assert "nothing changed" not in said.split("Emergency: who the person is")[-1], said
    assert "I understood: What does the officer want to know? → What someone borrowed" in said


@pytest.mark.parametrize("opening", [
    "teen boy watching porn on a library laptop on his lap in the corner",
    "kid on pc 4 looking at porn, i was showing the kid how to close the browser when i saw it",
])
def test_a_lap_or_a_showing_without_an_adult_and_a_child_together_is_asked(opening: str) -> None:
    """M8: "a laptop on his lap", or the clerk "showing the kid" how to close it, read as an
    adult with the child (911, page) or as images of children."""
    taken = _taken("westmont", CSAM, opening)
    assert taken.get("viewer") != "yes" and taken.get("images") != "child-images", taken


@pytest.mark.parametrize("opening", [
    "a lady says her husband has a gun at home and she's scared, she wants help finding a "
    "domestic violence hotline",
    "patron says her ex has a knife at his house and keeps texting her, she wants a shelter "
    "number",
])
def test_a_weapon_at_home_is_asked_about_not_read_as_danger_here(opening: str) -> None:
    """M2 (pre-existing): "Call 911 now … move away from this area" for a gun at home."""
    assert _taken("mahomet", EMERGENCY, opening).get("danger") != "yes"


def test_a_weapon_here_is_still_danger() -> None:
    assert _taken("mahomet", EMERGENCY, "man in the lobby has a gun").get("danger") == "yes"


@pytest.mark.parametrize("typed", ["no, and he doesn't have the court order with him",
                                   "yes, no court order though, he just has the letter"])
def test_a_paper_denied_by_name_without_an_opener_is_taken_back(typed: str) -> None:
    """C7 update: typed at the next question with no "actually", the court order stood."""
    said = "\n".join(chat(CATALOGUE, "westmont", [COURT_ORDER, typed]))
    assert "I didn't catch" not in said, said
    assert "I understood: What does the officer have in writing? → A court order" in said
    assert said.count("I understood: What does the officer have in writing?") == 2, said


def test_none_of_these_forgets_what_the_rejected_words_said() -> None:
    """m5: "says its an emergency" of the rejected words hinted danger in the new situation."""
    opening = "guy asking about a patron, says its an emergency"
    said = chat(CATALOGUE, "mount-prospect", [opening, ""])
    start = said.index("Did you mean:") + 1
    menu = [line for line in said[start:] if line.strip().partition(". ")[0].isdigit()]
    lines = [opening, str(len(menu)), "sorry, it's a man asking if his wife was here today",
             "1"]
    text = "\n".join(chat(CATALOGUE, "mount-prospect", lines))
    assert "Do they say someone is missing or in danger?" in text, text
    assert 'Did you mean "Yes, someone may be missing or in danger' not in text, text
