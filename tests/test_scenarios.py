"""Scenario tests: whole conversations, first input to outcome, for every flow and library.

The cases are data in ``tests/scenarios/<flow>.yaml``, written by hand from each policy.
Together they must exercise every root-to-outcome path of every flow for every library.
"""

from __future__ import annotations

import pytest

from bot.check.scenarios import load_scenarios, measure_coverage, run_scenario
from bot.content.catalogue import Catalogue
from tests.conftest import ROOT

SCENARIO_DIR = ROOT / "tests" / "scenarios"
_CATALOGUE = Catalogue.load(ROOT)
SCENARIOS = load_scenarios(SCENARIO_DIR, sorted(_CATALOGUE.packs))


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.test_id for s in SCENARIOS])
def test_scenario(scenario) -> None:
    result = run_scenario(_CATALOGUE, scenario)
    assert result.ok, f"{scenario.path}:{scenario.line}: " + "; ".join(result.failures)


def test_every_flow_has_scenarios() -> None:
    flows_with_cases = {s.flow for s in SCENARIOS}
    missing = sorted(set(_CATALOGUE.flows) - flows_with_cases)
    assert not missing, f"flows without scenario files: {missing}"


def test_every_path_of_every_flow_and_library_is_covered() -> None:
    results = [run_scenario(_CATALOGUE, s) for s in SCENARIOS]
    coverage = measure_coverage(_CATALOGUE, results)
    uncovered = [f"{p.flow} [{p.library}] {p.describe()}" for p in coverage.missing()]
    assert coverage.total > 0
    assert not uncovered, f"{len(uncovered)} uncovered paths:\n" + "\n".join(uncovered[:40])
