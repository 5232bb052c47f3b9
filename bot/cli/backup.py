"""`frontdesk backup FILE`, `frontdesk restore FILE`: the SQLite database with its audit trail."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.common import config_option, database_option, fail, load_settings
from bot.config import ConfigError, load_config
from bot.store.audit import AuditLog
from bot.store.backup import BackupError
from bot.store.backup import backup as take_backup
from bot.store.backup import restore as put_back
from bot.store.database import default_database_url


def _database_url(config_path: Path | None, database_url: str | None) -> str:
    """The URL the bot would open, without opening it (a PostgreSQL URL must not connect)."""
    try:
        config = load_config(config_path)
    except ConfigError as exc:
        fail(str(exc), 2)
    return database_url or config.database_url or default_database_url()


def _verify(database_url: str, config_path: Path | None) -> str:
    """Open (and migrate) the database and check its audit chain; one line, or fail."""
    _, database = load_settings(config_path, database_url)
    try:
        report = AuditLog(database).verify()
    finally:
        database.dispose()
    if not report.ok:
        for problem in report.problems:
            click.echo(f"BROKEN: {problem}", err=True)
        fail("the audit chain does not verify", 1)
    return f"audit trail OK: {report.events} events, chain intact"


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@config_option
@database_option
def backup(file: Path, config_path: Path | None, database_url: str | None) -> None:
    """Copy the SQLite database to FILE while the bot runs (online; never half-written)."""
    url = _database_url(config_path, database_url)
    try:
        take_backup(url, file)
    except BackupError as exc:
        fail(str(exc), 2)
    click.echo(f"backed up to {file}; {_verify(f'sqlite:///{file.resolve()}', config_path)}")


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@config_option
@database_option
def restore(file: Path, config_path: Path | None, database_url: str | None) -> None:
    """Replace the SQLite database with the backup FILE (stop the bot first).

    The database it replaces is kept beside it (…before-restore-<time>); the audit chain of
    the restored database is verified.
    """
    _, database = load_settings(config_path, database_url)
    url = database.url
    database.dispose()
    try:
        kept = put_back(url, file)
    except BackupError as exc:
        fail(str(exc), 2)
    if kept:
        click.echo(f"kept the replaced database as {kept}")
    click.echo(f"restored {file}; {_verify(url, config_path)}")
