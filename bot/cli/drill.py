"""`frontdesk drill`: practise a realistic case; nobody is paged, scores are kept per staff."""

from __future__ import annotations

import getpass
import random
from pathlib import Path

import click

from bot.cli.common import clear_errors, content_option, load_catalogue
from bot.content.catalogue import DEMO_LIBRARY
from bot.faces.terminal.drill import run_drill
from bot.review.drill import practice_report, record_result
from bot.store import Database
from bot.store.drills import DrillStore


@click.command()
@click.option("--library", default=DEMO_LIBRARY, show_default=True, help="Library (pack) id.")
@click.option("--staff", default=None, help="Who is practising (default: your login name).")
@click.option("--situation", "flow_id", default=None, help="Practise only this situation.")
@click.option("--rounds", type=int, default=None, help="Stop after this many cases.")
@click.option("--seed", type=int, default=None, help="Repeatable case choice.")
@click.option(
    "--report", is_flag=True, help="For the privacy in-charge: who has practised what."
)
@click.option(
    "--database-url",
    envvar="FRONTDESK_DATABASE_URL",
    default=None,
    help="Where scores are kept (default: SQLite in your data folder).",
)
@content_option
@clear_errors
def drill(
    library: str,
    staff: str | None,
    flow_id: str | None,
    rounds: int | None,
    seed: int | None,
    report: bool,
    database_url: str | None,
    content: Path | None,
) -> None:
    """Practise: a case from the catalogue, your answer, then the library's answer."""
    catalogue = load_catalogue(content)
    catalogue.pack(library)
    if flow_id:
        catalogue.flow(library, flow_id)
    store = DrillStore(Database(database_url))
    if report:
        click.echo(practice_report(store.practice(library), catalogue))
        return
    who = staff or getpass.getuser()
    run_drill(
        catalogue,
        library,
        who,
        read=lambda prompt: input(prompt),
        say=click.echo,
        rng=random.Random(seed),
        record=lambda result: record_result(store, who, "terminal", result),
        flow_id=flow_id,
        rounds=rounds,
    )
