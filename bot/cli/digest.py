"""`frontdesk digest --since 7d`: the director's digest of what happened at the desks."""

from __future__ import annotations

import json
from pathlib import Path

import click

from bot.cli.common import clear_errors, content_option, fail, load_catalogue
from bot.review.digest import build_digest, chart_png, parse_since, to_html, to_text
from bot.store import Database


@click.command()
@click.option("--since", default="7d", show_default=True, help="7d, 24h, 2w or a date.")
@click.option("--library", default=None, help="Only this library (default: all).")
@click.option(
    "--format", "fmt", type=click.Choice(("text", "html", "json")), default="text",
    show_default=True,
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="Write here instead of standard output.",
)
@click.option(
    "--chart", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="Also write the cases-per-situation chart as a PNG here.",
)
@click.option(
    "--database-url", envvar="FRONTDESK_DATABASE_URL", default=None,
    help="The store to read (default: SQLite in your data folder).",
)
@content_option
@clear_errors
def digest(
    since: str,
    library: str | None,
    fmt: str,
    output: Path | None,
    chart: Path | None,
    database_url: str | None,
    content: Path | None,
) -> None:
    """Cases per situation, outcomes by decision, escalations and acknowledgement times,
    expired pages, the "Not sure" rate and where conversations were abandoned."""
    catalogue = load_catalogue(content)
    if library:
        catalogue.pack(library)
    try:
        start = parse_since(since)
    except ValueError as exc:
        fail(str(exc))
        return
    report = build_digest(catalogue, Database(database_url), start, library=library)
    if fmt == "json":
        text = json.dumps(report.to_json(), indent=2) + "\n"
    else:
        text = to_html(report) if fmt == "html" else to_text(report)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)
    if chart is not None:
        chart.write_bytes(chart_png(report))
        click.echo(f"wrote {chart}", err=True)
