"""`frontdesk migrate`: bring the database schema up to date (or, with --check, say whether it
is), for deployments that start serve and worker with --no-migrate."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bot.cli.common import config_option, database_option, fail
from bot.config import ConfigError, load_config
from bot.store import Database
from bot.store.migrations import migrate as apply_migrations
from bot.store.ops import pending


@click.command()
@click.option("--check", is_flag=True,
              help="Change nothing: list the pending migrations; exit 1 if there are any.")
@config_option
@database_option
def migrate(check: bool, config_path: Path | None, database_url: str | None) -> None:
    """Apply pending schema migrations (take a `frontdesk backup` first)."""
    try:
        config = load_config(config_path)
    except ConfigError as exc:
        fail(str(exc), 2)
    database = Database(database_url or config.database_url, migrate=False)
    try:
        behind = pending(database)
        if check:
            for version, name in behind:
                click.echo(f"pending {version} {name}")
            click.echo("schema out of date" if behind else "schema current")
            sys.exit(1 if behind else 0)
        applied = apply_migrations(database.engine)
        click.echo(f"applied {len(applied)} migration{'s' if len(applied) != 1 else ''}"
                   + (f" ({', '.join(map(str, applied))})" if applied else "; schema current"))
    finally:
        database.dispose()
