"""'kid on pc porn' asks what the images show before the abuse-images steps (play-test 4 D7).

The likeliest meaning at a desk is a child looking at adult material: a conduct matter, told
to the privacy in-charge today, nobody paged. Images of children, or not knowing, are the
abuse-images steps as before: touch nothing, page at once."""

from __future__ import annotations

import pytest

from bot.content.catalogue import Catalogue
from tests.terminal_support import chat

ASK = "Do the images show children, or is a child looking at adult material?"


@pytest.mark.parametrize("opening", ["kid on pc porn", "a kid on the computer is watching porn",
                                     "teen looking at porn on pc 4"])
def test_a_child_and_porn_asks_what_the_images_show(catalogue: Catalogue, opening: str) -> None:
    said = "\n".join(chat(catalogue, "mahomet", [opening, "2", "no", ""]))
    assert ASK in said
    assert "A child looking at adult material is not child abuse images" in said
    assert "PAGING" not in said and "PAGED" not in said
    assert "nobody needs paging" in said


@pytest.mark.parametrize("answer", ["1", "not sure"])
def test_images_of_children_or_not_knowing_page_at_once(catalogue: Catalogue, answer: str) -> None:
    said = "\n".join(chat(catalogue, "mahomet", ["kid on pc porn", answer, "no", "1", ""]))
    assert ASK in said
    assert "PAGING (immediate)" in said


@pytest.mark.parametrize("opening", ["kid porn on pc 5", "guy looking at child porn",
                                     "child predator looking at images of kids"])
def test_images_said_to_show_children_are_not_asked_about(catalogue: Catalogue,
                                                          opening: str) -> None:
    said = "\n".join(chat(catalogue, "mahomet", [opening, ""]))
    assert f"I understood: {ASK} → The images show children" in said  # taken, not asked
    assert "Is a child in danger right now" in said
