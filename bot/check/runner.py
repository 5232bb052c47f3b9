"""Runs every check over a catalogue and gathers the problems.

Checks are plain functions returning ``Problem`` lists, grouped by what they look at (one
flow, one flow for one pack, one pack, the whole catalogue), so adding a check is adding a
function to one of the tuples below.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.check.overlap import check_overlap
from bot.check.references import (
    all_paths,
    check_flow_for_pack,
    check_overrides,
    check_template_syntax,
)
from bot.check.relevance import FlowRelevance, check_not_sure, paging_not_sure, skipped_questions
from bot.check.safety import check_safety
from bot.check.structure import FLOW_CHECKS
from bot.content.catalogue import Catalogue
from bot.content.flows import Flow
from bot.errors import ContentError, Problem
from bot.review.drift import check_drift
from bot.review.ownership import check_reviews

FlowCheck = Callable[[Flow], list[Problem]]
CatalogueCheck = Callable[[Catalogue], list[Problem]]

PER_FLOW: tuple[FlowCheck, ...] = (*FLOW_CHECKS, check_template_syntax)
WHOLE_CATALOGUE: list[CatalogueCheck] = [check_safety, check_drift, check_reviews, check_overlap,
                                         check_not_sure]


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    packs: int = 0
    flows: int = 0
    paths: int = 0
    skipped: list[FlowRelevance] = field(default_factory=list)  # questions a library isn't asked
    paging_not_sure: list[tuple[str, str]] = field(default_factory=list)  # (flow, question)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != "error"]

    def summary(self) -> str:
        return (
            f"{self.packs} packs, {self.flows} flows, {self.paths} paths: "
            f"{len(self.errors)} errors, {len(self.warnings)} warnings"
        )


def _unique(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))


def run_checks(root: Path | None = None) -> Report:
    try:
        catalogue = Catalogue.load(root, strict=False)
    except ContentError as exc:
        return Report(list(exc.problems))
    report = Report(list(catalogue.problems), len(catalogue.packs), len(catalogue.flows))
    structural_errors: set[str] = set()
    for library in [None, *sorted(catalogue.packs)]:
        flows = (
            catalogue.flows.values()
            if library is None
            else catalogue.library_flows.get(library, {}).values()
        )
        for flow in flows:
            found = [p for check in PER_FLOW for p in check(flow)]
            if any(p.severity == "error" for p in found):
                structural_errors.add(str(flow.path))
            report.problems.extend(found)
    for library, pack in sorted(catalogue.packs.items()):
        report.problems.extend(check_overrides(catalogue, pack))
        for flow in catalogue.flows_for(library).values():
            if str(flow.path) in structural_errors:
                continue  # paths of a broken graph would only repeat its errors
            report.problems.extend(check_flow_for_pack(pack, flow))
    if not structural_errors:
        for check in WHOLE_CATALOGUE:
            try:
                report.problems.extend(check(catalogue))
            except ContentError as error:  # e.g. the shipped routing model is damaged
                report.problems.extend(error.problems)
    report.paths = sum(1 for _ in all_paths(catalogue))
    if not structural_errors:
        report.skipped = skipped_questions(catalogue)
        report.paging_not_sure = paging_not_sure(catalogue)
    report.problems = _unique(report.problems)
    return report
