"""`frontdesk coverage`: which root-to-outcome paths the scenario tests exercise."""

from __future__ import annotations

from pathlib import Path

import click

from bot.check.scenarios import load_scenarios, measure_coverage, run_scenario
from bot.cli.common import clear_errors, content_option, load_catalogue
from bot.errors import UnknownName


@click.command()
@click.option("--flow", "flows", multiple=True, help="Only this flow (repeatable).")
@click.option("--library", "libraries", multiple=True, help="Only this library (repeatable).")
@click.option(
    "--scenarios",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Scenario folder (default: tests/scenarios under the content root).",
)
@click.option(
    "--missing/--no-missing",
    default=True,
    show_default=True,
    help="List the paths no scenario covers.",
)
@content_option
@clear_errors
def coverage(
    flows: tuple[str, ...],
    libraries: tuple[str, ...],
    scenarios: Path | None,
    missing: bool,
    content: Path | None,
) -> None:
    """Enumerate every path per flow and library and show which scenarios cover them.

    Exits 1 when coverage is below 100 % or a scenario fails.
    """
    catalogue = load_catalogue(content)
    for library in libraries:
        catalogue.pack(library)  # an unknown library is one line and exit 2, not "0/0 paths"
    for flow_id in flows:
        if not any(flow_id in catalogue.flows_for(lib) for lib in catalogue.packs):
            known = ", ".join(sorted(catalogue.flows))
            raise UnknownName(f"unknown flow {flow_id!r} (known: {known})")
    folder = scenarios or catalogue.root / "tests" / "scenarios"
    cases = [
        s
        for s in load_scenarios(folder, sorted(catalogue.packs))
        if (not flows or s.flow in flows) and (not libraries or s.library in libraries)
    ]
    results = [run_scenario(catalogue, s) for s in cases]
    report = measure_coverage(catalogue, results, list(flows), list(libraries))
    click.echo(f"{'flow':36} {'library':16} {'paths':>5} {'covered':>7}")
    for flow, library, total, hit in report.rows():
        mark = "" if hit == total else "  <"
        click.echo(f"{flow:36} {library:16} {total:5} {hit:7}{mark}")
    failed = [r for r in results if not r.ok]
    for result in failed:
        s = result.scenario
        click.echo(
            f"FAILED {s.path}:{s.line}: [{s.library}] {s.name}: {'; '.join(result.failures)}"
        )
    if missing:
        for path in report.missing():
            click.echo(f"uncovered: {path.flow} [{path.library}] {path.describe()}")
    click.echo(
        f"coverage: {report.hit}/{report.total} paths ({report.percent:.1f} %), "
        f"{len(results)} scenario runs, {len(failed)} failed"
    )
    raise SystemExit(0 if report.hit == report.total and not failed else 1)
