"""Runs every check over a catalogue and gathers the problems (placeholder: loading only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot.content.catalogue import Catalogue
from bot.errors import ContentError, Problem


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    packs: int = 0
    flows: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def summary(self) -> str:
        warnings = len(self.problems) - len(self.errors)
        return f"{self.packs} packs, {self.flows} flows: {len(self.errors)} errors, {warnings} warnings"


def run_checks(root: Path | None = None) -> Report:
    try:
        catalogue = Catalogue.load(root, strict=False)
    except ContentError as exc:
        return Report(list(exc.problems))
    return Report(list(catalogue.problems), len(catalogue.packs), len(catalogue.flows))
