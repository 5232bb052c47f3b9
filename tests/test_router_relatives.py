"""A relative who is not a parent is never read as the parent or legal guardian a release needs.

Slang once spelled "stepmom" as "mother parent" (and "step mom" as "step" + "mother parent"), so
at "Is the person asking the child's parent or legal guardian?" a typed "stepmom" answered Yes
and the chat went straight on to release the child's checkouts. A step-parent, a godparent or a
grandparent is a parent or guardian only when they say so (a court made them the guardian).
"""

from __future__ import annotations

import pytest

from bot.content.catalogue import Catalogue
from bot.router.choices import matcher
from bot.router.prefill import prefill
from tests.terminal_support import chat

LIBRARY = "jackson-county"  # lets a parent with the child's card hear what is checked out
FLOW = "parent-requests-child-records"
YES = "Yes, a parent or legal guardian"
RELEASE = "→ Share only what is out, overdue or owed"
NOT_PARENTS = ("stepmom", "step mom", "step-dad", "stepmum", "i'm her stepmother",
               "his step father", "step parent", "god mother")


def _answered(catalogue: Catalogue, relationship: str) -> str:
    """The chat through the parent situation (picked from the list), a minor, checkouts, with
    the child's card, then ``relationship`` typed at the parent-or-guardian question."""
    return "\n".join(chat(catalogue, LIBRARY, ["1", "yes", "1", "yes", relationship]))


def test_a_parent_typed_as_mom_is_the_yes_that_releases(catalogue: Catalogue) -> None:
    said = _answered(catalogue, "mom")
    assert f"I understood: Is the person asking the child's parent or legal guardian? → {YES}" \
        in said
    assert RELEASE in said


@pytest.mark.parametrize("relative", NOT_PARENTS)
def test_a_step_or_god_parent_is_not_taken_for_a_parent(catalogue: Catalogue,
                                                              relative: str) -> None:
    said = _answered(catalogue, relative)
    assert f"→ {YES}" not in said
    assert RELEASE not in said and "you may share" not in said


def test_a_stepmom_is_asked_again_rather_than_guessed(catalogue: Catalogue) -> None:
    said = _answered(catalogue, "stepmom")
    asked_again = said.split('I didn\'t catch "stepmom". Please pick one of these:')
    assert len(asked_again) == 2
    assert asked_again[1].lstrip().startswith(
        "Is the person asking the child's parent or legal guardian?")


@pytest.mark.parametrize("opening", [
    "stepmom wants to know what her stepdaughter checked out",
    "step dad asking what his stepson has out",
])
def test_an_opening_about_a_step_parent_offers_no_parent_answer(catalogue: Catalogue,
                                                                opening: str) -> None:
    flow = catalogue.flow(LIBRARY, FLOW)
    assert not [p for p in prefill(flow, opening) if p.choice == "parent-or-guardian"]


def test_what_the_flow_names_still_reads_as_named(catalogue: Catalogue) -> None:
    """A step-parent who says they have custody is the flow's own parent-or-guardian phrase; a
    grandmother (spelled "grand mom") is the caretaker the policy decides about."""
    relationship = matcher(catalogue.flow(LIBRARY, FLOW).nodes["relationship"])
    def read(answer: str) -> str | None:
        return getattr(relationship.match(answer), "id", None)

    assert read("stepparent with custody") == "parent-or-guardian"
    assert read("grand mom") == "caretaker"
