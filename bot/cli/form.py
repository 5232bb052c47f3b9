"""`frontdesk form NAME --library ID -o FILE`: print a library's form (HTML, or PDF by suffix)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bot.cli.common import clear_errors, content_option, fail, load_catalogue
from bot.review.forms import build_form, render_html, render_pdf


@click.command()
@click.argument("name", metavar="NAME")
@click.option("--library", required=True, help="Library (pack) id.")
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
    help="FILE.html or FILE.pdf ('-' writes HTML to standard output).",
)
@click.option(
    "--fill", "fills", multiple=True, metavar="BLANK=TEXT",
    help="Pre-fill a blank, e.g. --fill agency='County Sheriff' (repeatable).",
)
@content_option
@clear_errors
def form(
    name: str, library: str, output: Path, fills: tuple[str, ...], content: Path | None
) -> None:
    """Write form NAME for a library: officer-request or policy-acknowledgement.

    officer-request is the officer's emergency request the library's policy names (built from
    the policy's conditions and marked as the library's to replace where the policy has no
    text for it); policy-acknowledgement is the policy with the officer's signature block.
    """
    pairs: dict[str, str] = {}
    for fill in fills:
        key, sep, value = fill.partition("=")
        if not sep:
            fail(f"--fill needs BLANK=TEXT, got {fill!r}")
        pairs[key.strip()] = value
    pack = load_catalogue(content).pack(library)
    doc = build_form(pack, name, pairs)
    if str(output) == "-":
        sys.stdout.write(render_html(doc))
        return
    if not output.parent.is_dir():
        fail(f"{output.parent}: no such folder")
    if output.suffix.lower() == ".pdf":
        output.write_bytes(render_pdf(doc))
    else:
        output.write_text(render_html(doc), encoding="utf-8")
    click.echo(f"wrote {output}", err=True)
