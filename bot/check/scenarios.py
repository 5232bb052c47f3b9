"""Scenario tests as data, and path coverage.

A scenario is a conversation from first input to outcome, with the expected result written
by hand from the library's policy (``tests/scenarios/<flow>.yaml``). Running one records the
path it took, so ``frontdesk coverage`` can show which of the enumerated paths no scenario
exercises — every path of every flow for every library must be.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.check.paths import FlowPath, enumerate_paths
from bot.content.catalogue import Catalogue
from bot.content.yamlio import LineMap, load_yaml
from bot.engine import start, step
from bot.errors import ContentError, Problem

EXPECT_FIELDS = (
    "outcome", "decision", "decision_label", "escalate", "cite", "form", "headline_contains",
    "text_contains", "text_lacks", "asked", "hold",
)


def _words(wanted: Any) -> list[str]:
    """A phrase or a list of phrases, lowercased."""
    return [str(w).lower() for w in (wanted if isinstance(wanted, list) else [wanted])]


@dataclass(frozen=True)
class Scenario:
    flow: str
    name: str
    library: str
    say: tuple[str, ...]
    expect: dict[str, Any]
    path: Path
    line: int

    @property
    def test_id(self) -> str:
        return f"{self.flow}:{self.library}:{self.name}"


@dataclass
class ScenarioResult:
    scenario: Scenario
    failures: list[str] = field(default_factory=list)
    flow_path: FlowPath | None = None

    @property
    def ok(self) -> bool:
        return not self.failures


def load_scenarios(folder: Path, libraries: list[str]) -> list[Scenario]:
    """Expand every case of every file into one scenario per library."""
    scenarios: list[Scenario] = []
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.yaml")):
        doc = load_yaml(path)
        if not isinstance(doc, LineMap) or "flow" not in doc or "cases" not in doc:
            problems.append(Problem(path, 1, "a scenario file needs 'flow' and 'cases'"))
            continue
        cases = doc["cases"]
        for index, case in enumerate(cases):
            line = cases.line_of(index)
            expect = case.get("expect") or {}
            unknown = set(expect) - {"default", *libraries}
            if unknown:
                problems.append(
                    Problem(path, line, f"expect names unknown libraries {sorted(unknown)}")
                )
            for library in case.get("libraries") or libraries:
                if library not in libraries:
                    problems.append(Problem(path, line, f"unknown library {library!r}"))
                    continue
                merged = {**(expect.get("default") or {}), **(expect.get(library) or {})}
                bad = set(merged) - set(EXPECT_FIELDS)
                if bad:
                    problems.append(
                        Problem(path, line, f"unknown expectation fields {sorted(bad)}")
                    )
                scenarios.append(
                    Scenario(
                        doc["flow"],
                        str(case.get("name", f"case {index + 1}")),
                        library,
                        tuple(str(s) for s in case.get("say", ())),
                        merged,
                        path,
                        line,
                    )
                )
    if problems:
        raise ContentError(problems)
    return scenarios


def run_scenario(catalogue: Catalogue, scenario: Scenario) -> ScenarioResult:
    result = ScenarioResult(scenario)
    view = start(catalogue, scenario.library, scenario.flow)
    for number, text in enumerate(scenario.say, 1):
        if view.outcome is not None:
            result.failures.append(
                f"input {number} {text!r} given after the outcome {view.outcome.id} was reached"
            )
            return result
        view = step(catalogue, view.conversation, text)
        if view.not_understood is not None:
            result.failures.append(
                f"input {number} {text!r} was not understood at question "
                f"{view.question.id if view.question else '?'}"
            )
            return result
    if view.outcome is None:
        assert view.question is not None
        result.failures.append(f"no outcome: still asking {view.question.id!r}")
        return result
    outcome = view.outcome
    result.flow_path = FlowPath(scenario.library, scenario.flow, view.path, outcome.id)
    actual = {
        "asked": [question for question, _ in view.path],
        "outcome": outcome.id,
        "decision": outcome.decision,
        "decision_label": outcome.decision_label,
        "escalate": {"roles": list(outcome.escalate.roles), "urgency": outcome.escalate.urgency},
        "cite": [c.clause for c in outcome.citations],
        "form": outcome.form,
        "hold": outcome.hold,  # the deadline the outcome starts (kind, days, counts_from)
    }
    for key, wanted in scenario.expect.items():
        if key == "headline_contains":
            if str(wanted).lower() not in outcome.headline.lower():
                result.failures.append(f"headline {outcome.headline!r} lacks {wanted!r}")
        elif key in ("text_contains", "text_lacks"):
            # Everything staff read: headline, label, do, never, say.
            text = " ".join(
                (outcome.headline, outcome.decision_label, *outcome.do, *outcome.never, outcome.say)
            ).lower()
            present = key == "text_contains"
            for phrase in _words(wanted):
                if (phrase in text) != present:
                    verb = "lacks" if present else "still says"
                    result.failures.append(f"outcome {outcome.id} {verb} {phrase!r}")
        elif key == "escalate":
            wanted_norm = {"roles": list(wanted.get("roles", [])), "urgency": wanted.get("urgency")}
            if wanted_norm != actual["escalate"]:
                result.failures.append(
                    f"escalate: expected {wanted_norm}, got {actual['escalate']}"
                )
        elif actual[key] != (list(wanted) if isinstance(wanted, list) else wanted):
            result.failures.append(f"{key}: expected {wanted!r}, got {actual[key]!r}")
    return result


@dataclass
class Coverage:
    paths: dict[tuple[str, str], list[FlowPath]]  # (flow, library) -> all paths
    covered: set[FlowPath]

    def rows(self) -> Iterator[tuple[str, str, int, int]]:
        for (flow, library), paths in sorted(self.paths.items()):
            yield flow, library, len(paths), sum(1 for p in paths if p in self.covered)

    @property
    def total(self) -> int:
        return sum(len(p) for p in self.paths.values())

    @property
    def hit(self) -> int:
        return sum(1 for paths in self.paths.values() for p in paths if p in self.covered)

    @property
    def percent(self) -> float:
        return 100.0 * self.hit / self.total if self.total else 100.0

    def missing(self) -> list[FlowPath]:
        return [p for paths in self.paths.values() for p in paths if p not in self.covered]


def measure_coverage(
    catalogue: Catalogue,
    results: list[ScenarioResult],
    flows: list[str] | None = None,
    libraries: list[str] | None = None,
) -> Coverage:
    paths: dict[tuple[str, str], list[FlowPath]] = {}
    for library, pack in sorted(catalogue.packs.items()):
        if libraries and library not in libraries:
            continue
        for flow in catalogue.flows_for(library).values():
            if flows and flow.id not in flows:
                continue
            paths[(flow.id, library)] = list(enumerate_paths(pack, flow))
    covered = {r.flow_path for r in results if r.ok and r.flow_path is not None}
    return Coverage(paths, covered)
