"""`frontdesk doctor`: check a deployment's settings for what would stop a page reaching
someone (one line each; exit 1 when anything is an error)."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.common import config_option
from bot.config import ConfigError, load_config
from bot.doctor import diagnose

MARK = {"ok": "ok   ", "warn": "warn ", "error": "ERROR"}


@click.command()
@config_option
def doctor(config_path: Path | None) -> None:
    """Check the settings (roles, people, ladder, Twilio, email, secrets); exit 1 on errors."""
    try:
        config = load_config(config_path, strict=False)  # list every ladder problem
    except ConfigError as exc:
        click.echo(f"{MARK['error']} {exc}")
        raise SystemExit(1) from None
    findings = diagnose(config)
    for finding in findings:
        click.echo(f"{MARK[finding.level]} {finding.text}")
    if any(f.level == "error" for f in findings):
        raise SystemExit(1)
