"""The privacy word lists in ``bot/data/privacy/``: one entry a line, ``[section]`` lines start
a section, ``#`` lines are comments. Read once each (they are data, not code)."""

from __future__ import annotations

from functools import cache
from importlib.resources import files


@cache
def sections(filename: str) -> dict[str, tuple[str, ...]]:
    """Each section of ``bot/data/privacy/<filename>`` and its lines, stripped, in order."""
    found: dict[str, list[str]] = {}
    current = ""
    text = (files("bot") / "data" / "privacy" / filename).read_text("utf-8")
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            continue
        found.setdefault(current, []).append(line)
    return {name: tuple(lines) for name, lines in found.items()}


@cache
def words(filename: str) -> dict[str, frozenset[str]]:
    """Each section's words (a line can hold several, split at spaces)."""
    return {name: frozenset(word for line in lines for word in line.split())
            for name, lines in sections(filename).items()}
