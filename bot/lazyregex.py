"""Regular expressions compiled on first use, not at import: ``lazy(pattern, flags)``.

The redactor and the router's readers declare a few hundred patterns as module constants;
``re.compile`` parses each in pure Python, which made importing them most of a short command's
start-up (``frontdesk route`` redacts one message, and most rules never run on it: see
``bot.privacy.redact._sub``). A ``LazyPattern`` is compiled the first time one of its methods
is called; from then on the compiled pattern's own bound methods answer directly, so the hot
path pays nothing more than for a compiled pattern.

It offers what the project calls on a pattern (``search``, ``match``, ``fullmatch``, ``sub``,
``subn``, ``finditer``, ``findall``, ``split``, ``pattern``, ``flags``, ``groupindex``); the
``re`` module's functions (``re.sub(PATTERN, ...)``) need the ``compiled`` pattern itself.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from typing import Any

_METHODS = ("search", "match", "fullmatch", "sub", "subn", "finditer", "findall", "split")


class LazyPattern:
    """``re.compile(pattern, flags)``, made the first time it is used."""

    def __init__(self, pattern: str, flags: int = 0):
        self.pattern = pattern
        self.flags = flags
        self._compiled: re.Pattern[str] | None = None

    @property
    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            compiled = re.compile(self.pattern, self.flags)
            for name in _METHODS:  # the compiled pattern's methods answer from now on
                setattr(self, name, getattr(compiled, name))
            self._compiled = compiled
        return self._compiled

    @property
    def groupindex(self) -> dict[str, int]:
        return dict(self.compiled.groupindex)

    # Each method below runs once at most per pattern: compiling replaces it (see ``compiled``).
    def search(self, string: str, pos: int = 0,
               endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.search(string, pos, endpos)

    def match(self, string: str, pos: int = 0,
              endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.match(string, pos, endpos)

    def fullmatch(self, string: str, pos: int = 0,
                  endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.fullmatch(string, pos, endpos)

    def sub(self, repl: str | Callable[[re.Match[str]], str], string: str,
            count: int = 0) -> str:
        return self.compiled.sub(repl, string, count)

    def subn(self, repl: str | Callable[[re.Match[str]], str], string: str,
             count: int = 0) -> tuple[str, int]:
        return self.compiled.subn(repl, string, count)

    def finditer(self, string: str, pos: int = 0,
                 endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(string, pos, endpos)

    def findall(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> list[Any]:
        return self.compiled.findall(string, pos, endpos)

    def split(self, string: str, maxsplit: int = 0) -> list[str | Any]:
        return self.compiled.split(string, maxsplit)

    def __repr__(self) -> str:
        return f"lazy({self.pattern!r}, {self.flags})"


def lazy(pattern: str, flags: int = 0) -> LazyPattern:
    """A pattern compiled on first use (see the module docstring)."""
    return LazyPattern(pattern, flags)
