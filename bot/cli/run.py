"""`frontdesk run`: a scripted conversation for tests and other tools."""

from __future__ import annotations

import json
from pathlib import Path

import click

from bot.cli.common import clear_errors, content_option, load_catalogue
from bot.content.catalogue import DEMO_LIBRARY
from bot.faces.script import run_script, view_to_json


@click.command()
@click.option("--library", default=DEMO_LIBRARY, show_default=True, help="Library (pack) id.")
@click.option("--flow", "flow_id", required=True, help="Situation (flow) id.")
@click.option("--say", "inputs", multiple=True, help="Answer the current question (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (the default).")
@content_option
@clear_errors
def run(
    library: str, flow_id: str, inputs: tuple[str, ...], as_json: bool, content: Path | None
) -> None:
    """Run a conversation from scripted answers and print where it ends up."""
    catalogue = load_catalogue(content)
    view = run_script(catalogue, library, flow_id, list(inputs))
    click.echo(json.dumps(view_to_json(view), indent=2 if not as_json else None))
