"""`frontdesk audit verify` and `frontdesk audit export`: the tamper-evident case trail."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from bot.cli.common import config_option, database_option, load_settings
from bot.store.audit import CHECKPOINTS_VARIABLE, AuditLog


@click.group()
def audit() -> None:
    """The audit trail (no patron data; each event chained to the previous by a hash)."""


checkpoints_option = click.option(
    "--checkpoints", "checkpoints", type=click.Path(dir_okay=False, path_type=Path),
    envvar=CHECKPOINTS_VARIABLE, default=None,
    help=f"The append-only checkpoint file (default: ${CHECKPOINTS_VARIABLE}).")


@audit.command()
@checkpoints_option
@config_option
@database_option
def verify(checkpoints: Path | None, config_path: Path | None, database_url: str | None) -> None:
    """Check the chain: edited, deleted or emptied events, and the newest events deleted
    (against the checkpoints). Exit 1 if broken. docs/audit.md says what is detected."""
    _, database = load_settings(config_path, database_url)
    report = AuditLog(database).verify(checkpoints)
    for problem in report.problems:
        click.echo(f"BROKEN: {problem}", err=True)
    for note in report.notes:
        click.echo(f"NOTE: {note}", err=True)
    if report.ok:
        keyed = "keyed (HMAC)" if report.keyed else "not keyed"
        click.echo(f"audit trail OK: {report.events} events, chain intact, {keyed}, "
                   f"{report.checkpoints} checkpoints match.")
    raise SystemExit(0 if report.ok else 1)


@audit.command()
@checkpoints_option
@config_option
@database_option
def checkpoint(checkpoints: Path | None, config_path: Path | None,
               database_url: str | None) -> None:
    """Append the chain's head to the checkpoint file (for cron; serve and worker also do it
    every few minutes when the file is set)."""
    if checkpoints is None:
        raise click.UsageError(f"no checkpoint file: pass --checkpoints or set "
                               f"{CHECKPOINTS_VARIABLE}")
    _, database = load_settings(config_path, database_url)
    point = AuditLog(database).checkpoint(checkpoints)
    if point is None:
        click.echo("nothing new since the last checkpoint.")
    else:
        click.echo(f"checkpoint: event {point.seq} at {point.at} -> {checkpoints}")


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
