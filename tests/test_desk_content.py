"""What the desk is told, from the second desk play test: each case here was answered wrongly
before (a "Did you mean" that would not take a yes, abuse images on a phone handled as a
fight, a gun threat left to the Director, a caretaker steered towards a refusal, pages for
things that only need telling someone today).

Openings, answers and expectations are written from the policy texts
(``knowledge/<id>/policy.txt``), not from the flows.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.content.catalogue import Catalogue
from bot.engine.session import NOT_A_PRIVACY_MATTER, Opening, offered_pick
from bot.router import router_for
from tests.terminal_support import chat

ROOT = Path(__file__).resolve().parents[1]

# Openings the router answers with "Did you mean" (one or more situations), at Mount Prospect.
VAGUE = [
    "lady wants a list of everything she checked out this year but she forgot her card and has "
    "no ID on her",
    "patron wants her checkout history but has no card",
    "patron asking what she has checked out, no id",
    "guy wants info on a patron, has a subpoena",
    "detective on the phone, says a 9 year old is missing and they think someone is in danger "
    "right now, wants to know who was on the computers",
    "a deputy is at the desk, not sure what he wants yet",
]


def run(*args: str) -> dict:
    done = CliRunner().invoke(main, ["run", *args, "--json"])
    assert done.exit_code == 0, done.output
    return json.loads(done.output)


def says(*lines: str) -> list[str]:
    return [arg for line in lines for arg in ("--say", line)]


def _offers(catalogue: Catalogue, library: str = "mount-prospect") -> dict[str, tuple[str, ...]]:
    """The "Did you mean" list every face shows for each VAGUE opening the router does not
    start (``Opening.offered``: the router's suggestions, then the situations whose alert words
    it names)."""
    router = router_for(catalogue, library)
    found = {}
    for text in VAGUE:
        result = router.route(text)
        offered = Opening(catalogue, library, result.text, result).offered
        if result.situation is None and offered:
            found[text] = offered
    return found


def _title(catalogue: Catalogue, flow: str, library: str = "mount-prospect") -> str:
    return catalogue.flow(library, flow).title


# --- D1: "Did you mean" --------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["yes", "y", "yeah", "Yes.", "that one", "ok"])
def test_a_yes_takes_the_only_situation_did_you_mean_offers(typed: str) -> None:
    assert offered_pick(typed, ("patron-own-records",)) == "patron-own-records"


def test_a_yes_does_not_pick_among_several_and_a_number_picks_by_place() -> None:
    two = ("law-enforcement-request", "emergency-or-illegal-activity")
    assert offered_pick("yes", two) is None
    assert offered_pick("2", two) == "emergency-or-illegal-activity"
    assert offered_pick("3", two) is None  # "None of these", or the main list: not an offer


def test_yes_at_a_single_did_you_mean_starts_it_in_the_terminal(catalogue: Catalogue) -> None:
    singles = {t: o for t, o in _offers(catalogue).items() if len(o) == 1}
    assert singles, "no opening the router offers exactly one situation for"
    text, (flow,) = next(iter(singles.items()))
    said = "\n".join(chat(catalogue, "mount-prospect", [text, "yes"]))
    after = said[said.index("Did you mean:"):]
    assert "I can't tell which situation that is" not in after
    # the chat's "not a privacy situation" answer (an outcome may say it needs no page itself)
    assert NOT_A_PRIVACY_MATTER not in after
    first_question = catalogue.flow("mount-prospect", flow).nodes
    assert any(getattr(node, "ask", None) and node.ask in after
               for node in first_question.values()), after


def test_yes_at_a_single_did_you_mean_starts_it_in_the_script(catalogue: Catalogue) -> None:
    singles = {t: o for t, o in _offers(catalogue).items() if len(o) == 1}
    assert singles
    text, (flow,) = next(iter(singles.items()))
    assert run("--library", "mount-prospect", *says(text, "yes"))["flow"] == flow


def test_after_a_reply_it_did_not_catch_a_number_still_means_the_did_you_mean_list(
        catalogue: Catalogue) -> None:
    """The play test typed ``1`` under "Did you mean: 1. A patron asks about their own
    records" after a failed reply and got main-menu item 1 (the parent/child flow)."""
    offers = _offers(catalogue)
    assert offers
    for text, offered in offers.items():
        said = "\n".join(chat(catalogue, "mount-prospect", [text, "hmm not sure"]))
        after = said[said.index("Did you mean:"):]
        # the decline is never said (the menu's own way out names no page: it is a choice)
        assert NOT_A_PRIVACY_MATTER not in after, text
        assert "I can't tell which situation" not in after, text
        assert after.count(_title(catalogue, offered[0])) >= 2, after  # the list, shown again
        data = run("--library", "mount-prospect", *says(text, "hmm not sure", "1"))
        assert data["flow"] == offered[0], (text, data["flow"])


# --- D4: abuse images shown on a phone, handled in the emergency situation -------------------

EMERGENCY = "emergency-or-illegal-activity"


def test_a_nude_picture_of_a_child_typed_at_what_is_happening_offers_the_abuse_images_choice(
        catalogue: Catalogue) -> None:
    """Mahomet play test m07: the question listed "Possible sexual images of a child" but the
    clerk's words were not connected to it. A safety-critical choice is offered, not taken."""
    from bot.engine.matching import suggestion

    what = catalogue.flow("mahomet", EMERGENCY).nodes["what"]
    offered = suggestion(what, "she showed me a nude picture of a little kid on her phone")
    assert offered is not None and offered.id == "child-images"


@pytest.mark.parametrize("danger", ["yes", "not-sure"])
def test_every_danger_answer_carries_the_never_copy_warning(catalogue: Catalogue,
                                                            danger: str) -> None:
    data = run("--library", "mahomet", "--flow", EMERGENCY, *says(danger))
    assert any("never copy, screenshot or forward them" in line
               for line in data["outcome"]["never"]), data["outcome"]["never"]


# --- D5 / D15: who is asking about a child's account ----------------------------------------

def test_the_relationship_help_steers_a_caretaker_to_the_caretaker_answer(
        catalogue: Catalogue) -> None:
    """Jackson County IV.c names "Parents, guardians or caretakers": the help must not tell the
    clerk that a grandparent looking after the child is simply "not a parent" (a refusal at
    JC); it sends sitters, grandparents and foster parents to the caretaker answer, and the
    library's policy decides."""
    question = catalogue.flow("jackson-county", "parent-requests-child-records").nodes[
        "relationship"]
    caretaker = question.choice("caretaker")
    assert caretaker is not None
    assert "caretaker answer" in question.help
    assert "foster parent" in question.help and "caseworker" in question.help
    assert "not a parent or legal guardian unless a court made them the guardian." not in \
        question.help


# --- D7: the officer's signed request, in each library's terms -------------------------------

def test_the_form_question_does_not_promise_a_form_a_library_does_not_have(
        catalogue: Catalogue) -> None:
    """Westmont has no form: "The officer will sign a copy of this policy"
    (requests-for-confidential-information.4). The question must not ask about "your library's
    form" there."""
    ask = catalogue.flow("westmont", "law-enforcement-request").nodes["form"].ask
    assert "your library's form" not in ask
    assert "copy of the policy" in ask
