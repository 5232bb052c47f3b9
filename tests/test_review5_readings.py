"""A reading may fill in a safety-critical answer only when the text says it outright (review 5
of the D7/D9 readings). Anything promised, hedged, negated or said beside a fact that
contradicts it is asked: "he's alone *with a little girl*" is no "no child in danger", "search
warrant, *he will have it by tonight*" is no warrant in hand, "adult porn, *some of the girls look
really young*" is no way out of the abuse-images steps, and "nobody's hurt" beside a beating is
no "nobody in danger". Each line here was read wrong before."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.catalogue import Catalogue
from bot.engine import View, start
from bot.engine.step import step
from bot.router import PrefilledAnswer, prefill
from tests.terminal_support import chat

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = Catalogue.load(ROOT)
CSAM = "cybertipline-concern"
POLICE = "law-enforcement-request"
EMERGENCY = "emergency-or-illegal-activity"
IMAGES = "Do the images show children, or is a child looking at adult material?"
CHILD_DANGER = "Is a child in danger right now"


def _read(library: str, flow: str, opening: str) -> dict[str, PrefilledAnswer]:
    """Question -> what ``opening`` fills in or offers for it at ``flow``."""
    return {p.question: p for p in prefill(CATALOGUE.flow(library, flow), opening)}


def _taken(library: str, flow: str, opening: str) -> dict[str, str]:
    """Question -> choice, for what ``opening`` fills in (offers left out)."""
    return {q: p.choice for q, p in _read(library, flow, opening).items() if not p.suggested}


@pytest.mark.parametrize("opening", [
    # review 5 C1
    "man on pc 3 looking at child porn, he's alone with a little girl in the study room",
    "guy on pc 3 viewing child porn, he's alone with a young boy at the back table",
    "man at computer 5 looking at child porn, hes alone now but a 7 year old keeps walking up "
    "to him",
    # the same class, other words
    "guy watching child porn on pc 2, hes alone except for his daughter",
    "man on the laptop looking at child porn, no child with him but a kid keeps coming over",
    "woman at station 4 looking at child porn, she's alone with her son in the corner",
])
def test_a_child_named_beside_alone_is_not_no_child_in_danger(opening: str) -> None:
    assert "child-danger" not in _taken("westmont", CSAM, opening)


def test_the_child_beside_the_man_makes_the_clerk_answer_the_danger_question() -> None:
    said = "\n".join(chat(CATALOGUE, "westmont", [
        "man on pc 3 looking at child porn, he's alone with a little girl in the study room",
        "1", ""]))
    assert f"I understood: {CHILD_DANGER}" not in said
    assert CHILD_DANGER in said


@pytest.mark.parametrize(("library", "opening"), [
    # review 5 C3
    ("mount-prospect", "cop at the desk wants the checkout history of a patron, search warrant, "
                       "he will have it by tonight"),
    ("mount-prospect", "detective wants records on a patron, search warrant - he is going to "
                       "get one this afternoon"),
    ("mount-prospect", "cop at the desk wants the checkout history of a patron, court order, he "
                       "will have it by tonight"),
    # the same class, other words
    ("westmont", "officer wants a patron's records, a court order, he'll bring it tomorrow"),
    ("westmont", "detective at the desk wants who used pc 4, search warrant, says he is "
                 "getting one signed this afternoon"),
    ("calumet", "police want a patron's checkout list, a search warrant, they will have it "
                "later today"),
])
def test_a_paper_promised_after_it_is_named_is_not_in_hand(library: str, opening: str) -> None:
    taken = _taken(library, POLICE, opening)
    assert taken.get("document") not in {"search-warrant", "court-order"}, taken


@pytest.mark.parametrize("opening", [
    # review 5 C4
    "teen boy looking at adult porn on pc 2, some of the girls look really young",
    "kid on pc 5 looking at adult videos, a couple of them look underage",
    "guy at computer 4 watching normal porn with what looks like a 14 year old",
    # the same class, other words
    "man watching regular porn on pc 7, the girls look like teenagers",
    "adult content on the screen at station 3 but the people in it look about 12",
    "kid looking at adult sites on pc 1, some of them look young",
])
def test_a_young_look_beside_adult_material_neither_takes_nor_offers_the_way_out(
        opening: str) -> None:
    read = _read("westmont", CSAM, opening).get("images")
    assert read is None or read.choice != "adult-material", read


@pytest.mark.parametrize("opening", ["kid on pc 3 watching adult porn",
                                     "teen looking at normal porn on the computer"])
def test_the_way_out_of_the_abuse_images_steps_is_asked_never_taken(opening: str) -> None:
    assert "images" not in _taken("mahomet", CSAM, opening)
    said = "\n".join(chat(CATALOGUE, "mahomet", [opening, ""]))
    assert IMAGES in said and f"I understood: {IMAGES}" not in said


@pytest.mark.parametrize("answer", ["adults i think", "i guess adults", "probably adults"])
def test_a_hedged_adult_answer_is_not_a_way_out(answer: str) -> None:
    """The question's own help: "If you can't tell, choose Not sure"."""
    said = "\n".join(chat(CATALOGUE, "westmont", ["kid on pc porn", answer, "yes", ""]))
    assert "nobody needs paging" not in said, said
    assert 'Did you mean "A child is looking at adult material' not in said, said


@pytest.mark.parametrize(("library", "opening"), [
    # review 5 M4 (play-test 5 W09, M08)
    ("westmont", "patron on pc 3 is looking at what looks like child porn, hes still sitting "
                 "there, what do i do"),
    ("mahomet", "found a printout at the printer, looks like naked pictures of little kids. "
                "nobody's claimed it"),
    ("westmont", "man on pc 3 looking at what might be child porn"),
    # the same class, other words
    ("calumet", "i think the guy at station 2 is looking at kiddie porn"),
    ("jackson-county", "pretty sure the man on pc 6 has child porn up on the screen"),
])
def test_images_said_to_look_like_children_are_not_asked_about(library: str,
                                                               opening: str) -> None:
    """Not sure of what the images show goes where images of children go: the hedge changes
    nothing, so the clerk is not asked."""
    said = "\n".join(chat(CATALOGUE, library, [opening, "1", ""]))
    assert f"{IMAGES}\n" not in said and f"{IMAGES} " not in said.replace(
        f"I understood: {IMAGES}", ""), said
    assert CHILD_DANGER in said


@pytest.mark.parametrize("library", ["westmont", "mahomet", "jackson-county"])
def test_not_sure_what_the_images_show_is_the_abuse_images_steps_not_911(library: str) -> None:
    """review 5 M6: not knowing whether a child watched adult material is no child in danger."""
    said = "\n".join(chat(CATALOGUE, library, ["kid on pc porn", "not sure", ""]))
    assert "call 911 now" not in said.lower(), said
    assert CHILD_DANGER in said


@pytest.mark.parametrize("opening", [
    # review 5 m6
    "man punching a woman in the parking lot, nobody's hurt inside the building",
    "someone is hitting a kid in the bathroom, nobody's hurt badly",
    # the same class, other words
    "two guys fighting in the lobby, no one hurt yet",
    "man choking another patron by the restrooms, nobody hurt so far",
])
def test_nobody_hurt_beside_violence_is_not_nobody_in_danger(opening: str) -> None:
    assert _taken("mahomet", EMERGENCY, opening).get("danger") != "no"


THREATS = [
    # review 5 M1
    ("mahomet", "a man is yelling at staff about his ex-wife and says he is going to kill her "
                "when she comes in"),
    ("mahomet", "guy screaming at the desk about his fine, says he will beat up the next person "
                "who asks him to leave"),
    ("mahomet", "guy yelling about how he is going to shoot up the library next week"),
    # the same class, other words
    ("westmont", "woman arguing about a late fee, says she'll get him after closing"),
    ("calumet", "patron upset about a printer charge, says he will come back with a gun"),
]


@pytest.mark.parametrize(("library", "opening"), THREATS)
def test_a_threat_beside_an_argument_is_no_mere_argument(library: str, opening: str) -> None:
    read = _read(library, EMERGENCY, opening).get("what")
    assert read is None or read.choice != "dispute", read


def _answered(library: str, *typed: str) -> View:
    """The emergency situation at ``library`` answered with ``typed``, as the clerk types."""
    view = start(CATALOGUE, library, EMERGENCY)
    for text in typed:
        view = step(CATALOGUE, view.conversation, text)
    return view


@pytest.mark.parametrize(("library", "opening"), THREATS)
def test_a_threat_typed_as_what_is_happening_is_no_mere_argument(library: str,
                                                                 opening: str) -> None:
    """The clerk's own answers (review 5 M1): "No one is in danger right now" (the ex-wife is
    not in yet), then the opening's words as what is happening."""
    view = _answered(library, "no", opening)
    assert view.conversation.answer_map.get("what") != "dispute"
    assert view.outcome is None or view.outcome.escalate.pages, view.outcome


@pytest.mark.parametrize(("library", "typed"), [
    # play-test 4 C12: a printer-fee argument paged the administrator at once
    ("calumet", "the guy at the printer is yelling at me that he paid 50 cents"),
    ("westmont", "patron screaming at me about a 2 dollar overdue fine"),
    ("mahomet", "he's arguing about a printer fee, wants his money back"),
])
def test_an_argument_with_nobody_threatened_pages_nobody(library: str, typed: str) -> None:
    view = _answered(library, "nobody in danger", typed)
    assert view.outcome is not None and view.outcome.id == "conduct", view.outcome
    assert not view.outcome.escalate.pages
    assert "nobody needs paging" in view.outcome.headline
    assert any("call 911" in line for line in view.outcome.do)


@pytest.mark.parametrize(("library", "opening"), [
    ("westmont", "Officer Kowalski is here about a patron. She's got what looks like a warrant "
                 "maybe? I can't tell"),
    ("mahomet", "is it an emergency? he didn't really say. he's asking for a patrons checkout "
                "list"),
])
def test_a_hedge_that_offers_not_sure_is_not_taken_as_it(library: str, opening: str) -> None:
    """Not sure offered for a hedged release condition stays an offer: the rule that takes a
    hedged choice going where Not sure goes never takes Not sure itself."""
    read = _read(library, POLICE, opening)
    assert all(p.suggested for p in read.values() if p.choice == "not-sure"), read
