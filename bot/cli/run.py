"""`frontdesk run`: a scripted conversation for tests and other tools."""

from __future__ import annotations

import json
from pathlib import Path

import click

from bot.cli.common import clear_errors, content_option, fail, load_catalogue
from bot.content.catalogue import DEMO_LIBRARY
from bot.faces.script import case_to_json, route_script, run_script


@click.command()
@click.option("--library", default=DEMO_LIBRARY, show_default=True, help="Library (pack) id.")
@click.option("--flow", "flow_id", default=None,
              help="Situation (flow) id. Without it the first --say is routed to a situation.")
@click.option("--say", "inputs", multiple=True, help="Answer the current question (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (the default).")
@content_option
@clear_errors
def run(
    library: str, flow_id: str | None, inputs: tuple[str, ...], as_json: bool,
    content: Path | None,
) -> None:
    """Run a conversation from scripted answers and print where it ends up.

    Without --flow the first --say is what staff would type first ("cop here with a warrant"):
    it is routed (and the facts it states prefill answers); when the router is not confident,
    status is "routing" and routing.candidates lists the situations to offer.
    """
    catalogue = load_catalogue(content)
    indent = 2 if not as_json else None
    if flow_id is None:
        if not inputs:
            fail("give --flow, or a first --say describing the situation to route")
        catalogue.pack(library)
        case = route_script(catalogue, library, list(inputs))
    else:
        case = run_script(catalogue, library, flow_id, list(inputs))
    click.echo(json.dumps(case_to_json(case), indent=indent))
