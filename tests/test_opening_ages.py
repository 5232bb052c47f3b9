"""An age the opening states is read before redaction masks it: redaction hides a named
person's age ("Liam (aged 18)" becomes "[name] (aged [age])"), and a desk reading only the
redacted text asked "Is the child under 18?" although the clerk had said 18. The reading is
made on the words as typed inside the routing call; the result keeps the redacted text and
the structured answers only."""

from __future__ import annotations

from typing import Any

import pytest

from bot.content.catalogue import Catalogue
from bot.router import router_for
from tests.conftest import ROOT
from tests.terminal_support import run_opening

PARENT = "parent-requests-child-records"
CATALOGUE = Catalogue.load(ROOT)


def run(library: str, *lines: str) -> dict[str, Any]:
    return run_opening(ROOT, library, *lines)


@pytest.mark.parametrize("library", ["jackson-county", "mahomet"])
@pytest.mark.parametrize("opening", [
    "mom wants what her son Liam (aged 18) checked out, she has his card",
    "a dad wants to know what Priya Raman, she's 19, has checked out, he has her card",
])
def test_an_adult_age_beside_a_name_is_not_asked_again(library: str, opening: str) -> None:
    data = run(library, opening)
    assert {"question": "minor", "choice": "no", "prefilled": True} in data["transcript"], data
    assert "minor" not in data["asked"], data["asked"]


def test_an_under_18_age_beside_a_name_is_read_too() -> None:
    data = run("jackson-county", "mom wants what her son Liam (aged 15) checked out, she has "
               "his card")
    assert {"question": "minor", "choice": "yes", "prefilled": True} in data["transcript"], data


def test_the_result_keeps_no_typed_word_of_the_opening() -> None:
    """What the router hands back: the redacted text, and answers echoed as the flow's own
    phrases or "age 18" (never the name the age was masked beside)."""
    result = router_for(CATALOGUE, "jackson-county").route(
        "mom wants what her son Zbigniew Quaffleton (aged 18) checked out, she has his card")
    assert result.situation == PARENT
    assert "Quaffleton" not in result.text and "Zbigniew" not in result.text
    read = {item.question: item for item in result.prefill}
    assert read["minor"].choice == "no" and read["minor"].said == "age 18"
    for item in result.prefill:
        assert "Quaffleton" not in repr(item) and "Zbigniew" not in repr(item)


@pytest.mark.parametrize("library", ["jackson-county", "mahomet"])
def test_a_did_you_mean_pick_starts_from_the_age_as_typed(library: str) -> None:
    """The router only offers the situation here; picking it starts from the reading it made
    of the words as typed (the redacted text, read later, has "[age]")."""
    data = run(library, "a mother is asking about her son Liam (aged 18)", "1")
    assert data["flow"] == PARENT
    assert {"question": "minor", "choice": "no", "prefilled": True} in data["transcript"], data
    assert "minor" not in data["asked"], data["asked"]


def test_the_offered_readings_keep_no_typed_word() -> None:
    result = router_for(CATALOGUE, "jackson-county").route(
        "a mother is asking about her son Zbigniew Quaffleton (aged 18)")
    assert result.situation is None and result.offered_prefill, result
    assert "Quaffleton" not in repr(result.offered_prefill)
    read = dict(result.offered_prefill)[PARENT]
    assert any(p.question == "minor" and p.choice == "no" for p in read), read
