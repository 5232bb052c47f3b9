"""Driving the terminal chat from a script of typed lines, as a person at the keyboard would."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

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
