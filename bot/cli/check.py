"""`frontdesk check`: prove the content loads, connects and is safe."""

from __future__ import annotations

from pathlib import Path

import click

from bot.check import run_checks


@click.command()
@click.argument(
    "path", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@click.option("--quiet", is_flag=True, help="Print problems only.")
def check(path: Path | None, quiet: bool) -> None:
    """Check every pack and flow under PATH (default: this checkout). Exit 1 on any error."""
    report = run_checks(path)
    for problem in report.problems:
        click.echo(str(problem))
    if not quiet:
        click.echo(report.summary())
    raise SystemExit(1 if report.errors else 0)
