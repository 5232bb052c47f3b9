"""Driving the terminal chat from a script of typed lines, as a person at the keyboard would."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from bot.cli import main
from bot.content.catalogue import Catalogue
from bot.faces.terminal.chat import TerminalChat


def typed(lines: Iterable[str]) -> Callable[[str], str]:
    """A ``read`` that returns ``lines`` in order, then behaves like Ctrl-D (EOFError)."""
    feed = iter(lines)

    def read(_prompt: str) -> str:
        try:
            return next(feed)
        except StopIteration:
            raise EOFError from None

    return read


def chat(catalogue: Catalogue, library: str, lines: Iterable[str], **options: Any) -> list[str]:
    """Everything the chat says to ``lines`` (options: store, user_id, escalations, ...)."""
    said: list[str] = []
    store = options.pop("store", None)
    TerminalChat(catalogue, library, store, read=typed(lines), say=said.append, **options).run()
    return said


def entering(catalogue: Catalogue, library: str, opening: str, flow: str) -> list[str]:
    """The lines a clerk types to get from ``opening`` into ``flow``: the opening alone when the
    router starts ``flow``, with the menu's number for ``flow`` when it asks "Did you mean",
    and with ``flow``'s title when it declines the opening without offering ``flow`` (the clerk
    picks it from the list of every situation; a pick keeps what the opening stated).
    A test about what happens inside a situation then holds whichever way a retrained router
    places the opening; the router's own tests pin how it places it."""
    from bot.engine.session import open_case

    opened = open_case(catalogue, library, opening)
    if opened.result.situation == flow:
        return [opening]
    if opened.result.band == "none" and flow not in opened.offered:
        return [opening, catalogue.flow(library, flow).title]
    assert flow in opened.offered, (opening, flow, opened.result.situation, opened.offered)
    return [opening, str(opened.offered.index(flow) + 1)]


def run_opening(content: Path, library: str, *lines: str) -> dict[str, Any]:
    """``frontdesk run --json`` on ``lines``, the first an opening message to route (as
    ``--say`` lines): the case as the scripted face reports it."""
    said = [part for line in lines for part in ("--say", line)]
    result = CliRunner().invoke(main, ["run", "--json", "--content", str(content),
                                       "--library", library, *said])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)  # type: ignore[no-any-return]
