"""A situation's id typed at the terminal's menu starts it (the menu and the script face take
ids, titles and numbers), as its title or number does.

Found by the privacy sweep (tests/test_privacy_sweep.py): typing "law-enforcement-request" at the
menu crashed the chat with a traceback (the engine's case started the situation by its id and
had no routing result to return; the menu read the result's situation and fell over), where bad
or unusual input must get a clear answer and lose nothing."""

from __future__ import annotations

import pytest

from bot.content.catalogue import Catalogue
from tests.terminal_support import chat


@pytest.mark.parametrize("library", ["calumet", "westmont"])
def test_each_situation_id_at_the_menu_starts_it(catalogue: Catalogue, library: str) -> None:
    for flow in catalogue.flows_for(library).values():
        said = chat(catalogue, library, [flow.id, "quit"])
        assert f"→ {flow.title}" in said, said[-5:]


def test_words_at_the_menu_still_route(catalogue: Catalogue) -> None:
    said = chat(catalogue, "westmont", ["a police officer wants a patron's records", "quit"])
    assert "→ Police or other law enforcement ask about a patron" in said
