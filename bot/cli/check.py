"""`frontdesk check`: prove the content loads, connects and is safe."""

from __future__ import annotations

from pathlib import Path

import click

from bot.check import run_checks
from bot.cli.common import content_option


@click.command()
@click.argument(
    "path", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@click.option("--quiet", is_flag=True, help="Print problems only.")
@content_option
def check(path: Path | None, quiet: bool, content: Path | None) -> None:
    """Check every pack and flow under PATH or --content (default: this checkout). Exit 1 on
    any error."""
    report = run_checks(path or content)
    for problem in report.problems:
        click.echo(str(problem))
    if not quiet:
        if report.skipped:
            click.echo("Not asked (the answer cannot change that library's outcome):")
            for entry in report.skipped:
                click.echo(f"  {entry.describe()}")
        if report.paging_not_sure:
            click.echo("'Not sure' that pages (the flow says not knowing needs a person):")
            for flow_id, question in report.paging_not_sure:
                click.echo(f"  {flow_id}: {question}")
        click.echo(report.summary())
    raise SystemExit(1 if report.errors else 0)
