"""`frontdesk diagram FLOW`: the flow as a graph (Mermaid text, SVG drawn in Python, or PNG
through Graphviz's `dot`)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bot.cli.common import clear_errors, content_option, fail, load_catalogue
from bot.errors import UnknownName
from bot.review.diagram import build_graph, render_graphviz, to_mermaid
from bot.review.svg import render_svg

FORMATS = ("mermaid", "svg", "png")
SUFFIXES = {".mmd": "mermaid", ".md": "mermaid", ".svg": "svg", ".png": "png"}


@click.command()
@click.argument("flow_id", metavar="FLOW")
@click.option("--library", default=None, help="Fill in this library's text; dim what it rules out.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="Output format (default: from -o's suffix, else mermaid).",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="Write here instead of standard output.",
)
@content_option
@clear_errors
def diagram(
    flow_id: str, library: str | None, fmt: str | None, output: Path | None, content: Path | None
) -> None:
    """Draw FLOW: questions, choices, outcomes coloured by decision, escalations marked.

    With --library, the branches that library's facts rule out are dimmed.
    """
    catalogue = load_catalogue(content)
    if library:
        pack = catalogue.pack(library)
        flow = catalogue.flow(library, flow_id)
    else:
        pack = None
        if flow_id not in catalogue.flows:
            known = ", ".join(sorted(catalogue.flows))
            raise UnknownName(f"unknown flow {flow_id!r} (known: {known})")
        flow = catalogue.flows[flow_id]
    fmt = fmt or (SUFFIXES.get(output.suffix.lower(), "mermaid") if output else "mermaid")
    graph = build_graph(flow, pack)
    if fmt == "mermaid":
        data = to_mermaid(graph).encode("utf-8")
    elif fmt == "svg":  # pure Python: no `dot` needed
        data = render_svg(graph).encode("utf-8")
    else:
        import graphviz

        try:
            data = render_graphviz(graph, fmt)
        except graphviz.ExecutableNotFound:
            fail(
                "Graphviz's `dot` program is not installed (Debian: apt-get install graphviz); "
                "--format mermaid works without it"
            )
            return
    if output is not None:
        output.write_bytes(data)
        click.echo(f"wrote {output}", err=True)
    elif fmt == "png" and sys.stdout.isatty():
        fail("a PNG is not for the terminal: add -o FILE.png")
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
