"""`frontdesk purge`: remove case content past the retention period, keep aggregate counts."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.common import config_option, database_option, load_settings
from bot.escalation.retention import purge as run_purge


@click.command()
@click.option("--days", type=click.IntRange(min=1), default=None,
              help="Retention in days (default: retention_days from the config, 365).")
@config_option
@database_option
def purge(days: int | None, config_path: Path | None, database_url: str | None) -> None:
    """Purge conversations, closed escalations and audit details older than the retention."""
    config, database = load_settings(config_path, database_url)
    keep = days or config.retention_days
    removed = run_purge(database, keep)
    click.echo(f"purged (older than {keep} days): " + ", ".join(
        f"{n} {what.replace('_', ' ')}" for what, n in removed.items()))
