"""The terminal itself: rich prints (colour, wrapped to the width), prompt_toolkit reads.

On a terminal, answers are coloured and wrapped to its width, and the prompt has line editing
and this session's history (up arrow). Piped, redirected, or with ``NO_COLOR`` set, output is
plain text with no escape codes (piped output is not wrapped either), and input is read line by
line. History stays in memory: what staff type at the desk can name a patron, so it is never
written to a history file.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from typing import IO

from prompt_toolkit import PromptSession
from prompt_toolkit.history import InMemoryHistory
from rich.console import Console
from rich.text import Text

from bot.faces.terminal.render import Para, lay_out


def console_for(file: IO[str] | None = None) -> Console:
    """A console on ``file`` (stdout): colour only on a terminal and without NO_COLOR."""
    plain = bool(os.environ.get("NO_COLOR"))
    return Console(file=file, highlight=False, color_system=None if plain else "auto",
                   emoji=False)


class Screen:
    """Where the chat writes (``say`` for a line, ``paint`` for styled paragraphs) and reads."""

    def __init__(self, console: Console | None = None):
        self.console = console or console_for()

    @property
    def width(self) -> int | None:
        """The terminal's width; None when output is piped (lines are not wrapped then)."""
        return self.console.width if self.console.is_terminal else None

    def say(self, text: str) -> None:
        self.console.print(Text(text), soft_wrap=self.width is None)

    def paint(self, paras: Iterable[Para]) -> None:
        for line, style in lay_out(paras, self.width):
            self.console.print(Text(line, style=style), soft_wrap=True)

    def reader(self) -> Callable[[str], str]:
        """prompt_toolkit on a terminal (editing, history); plain ``input`` otherwise."""
        if self.console.is_terminal and sys.stdin.isatty():
            session: PromptSession[str] = PromptSession(history=InMemoryHistory())
            return session.prompt
        return input
