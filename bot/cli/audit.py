"""`frontdesk audit verify` and `frontdesk audit export`: the tamper-evident case trail."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from bot.cli.common import config_option, database_option, load_settings
from bot.store.audit import AuditLog


@click.group()
def audit() -> None:
    """The audit trail (no patron data; each event chained to the previous by a hash)."""


@audit.command()
@config_option
@database_option
def verify(config_path: Path | None, database_url: str | None) -> None:
    """Check the hash chain: any edited or deleted event is reported. Exit 1 if broken."""
    _, database = load_settings(config_path, database_url)
    report = AuditLog(database).verify()
    for problem in report.problems:
        click.echo(f"BROKEN: {problem}", err=True)
    if report.ok:
        click.echo(f"audit trail OK: {report.events} events, chain intact.")
    raise SystemExit(0 if report.ok else 1)


@audit.command()
@click.option("--since", required=True, help="First day to include, YYYY-MM-DD (UTC).")
@click.option("--format", "fmt", type=click.Choice(["csv"]), default="csv", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of standard output.")
@config_option
@database_option
def export(since: str, fmt: str, output: Path | None, config_path: Path | None,
           database_url: str | None) -> None:
    """Export events since DATE as CSV, for the director."""
    try:
        start = datetime.strptime(since, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise click.BadParameter(f"{since!r} is not a date like 2025-01-31",
                                 param_hint="--since") from None
    _, database = load_settings(config_path, database_url)
    text = AuditLog(database).export_csv(start)
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}")
    else:
        click.echo(text, nl=False)
