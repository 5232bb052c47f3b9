"""`frontdesk compare SITUATION`: every library's answer on every distinct path, side by side."""

from __future__ import annotations

import json
from pathlib import Path

import click

from bot.cli.common import clear_errors, content_option, load_catalogue
from bot.errors import UnknownName
from bot.review.compare import compare as build
from bot.review.compare import to_html, to_markdown, to_text, with_bundled_libraries


@click.command()
@click.argument("situation")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("text", "html", "json", "markdown")),
    default="text",
    show_default=True,
)
@click.option("--not-sure", "not_sure", is_flag=True, help="Include paths through 'Not sure'.")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="Write here instead of standard output.",
)
@content_option
@clear_errors
def compare(
    situation: str, fmt: str, not_sure: bool, output: Path | None, content: Path | None
) -> None:
    """Compare SITUATION across libraries: one column per library, differences highlighted.

    With --content, your libraries are shown beside the bundled ones."""
    catalogue = with_bundled_libraries(load_catalogue(content))
    known = set(catalogue.flows).union(*(f.keys() for f in catalogue.library_flows.values()))
    if situation not in known:
        raise UnknownName(f"unknown situation {situation!r} (known: {', '.join(sorted(known))})")
    comparison = build(catalogue, situation, not_sure=not_sure)
    if fmt == "json":
        text = json.dumps(comparison.to_json(), indent=2, ensure_ascii=False) + "\n"
    else:
        text = {"text": to_text, "html": to_html, "markdown": to_markdown}[fmt](comparison)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)
