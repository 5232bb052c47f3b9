"""Errors that carry a place in a content file, so every message reads ``file:line: message``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One finding about content: an error fails ``frontdesk check``, a warning does not."""

    path: Path | str
    line: int
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        prefix = "" if self.severity == "error" else f"{self.severity}: "
        if not self.line:  # about the whole file (unreadable, not UTF-8, missing)
            return f"{self.path}: {prefix}{self.message}"
        return f"{self.path}:{self.line}: {prefix}{self.message}"


class ContentError(Exception):
    """Content that cannot be loaded at all. Holds one or more problems with their places."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class UnknownName(LookupError):
    """An unknown library or flow id asked for on the command line or by a face."""


class ConfigError(ValueError):
    """A setting that is missing or wrong; the message names the key. (Here rather than in
    ``bot.config``, so that a command can catch it without importing the settings code.)"""

    def __init__(self, key: str, message: str):
        self.key = key
        super().__init__(f"config: {key}: {message}")
