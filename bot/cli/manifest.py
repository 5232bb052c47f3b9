"""`frontdesk manifest`: print the Slack app manifest to paste when creating the app."""

from __future__ import annotations

import json
from pathlib import Path

import click

from bot.cli.serve import config_option
from bot.config import ConfigError, load_config
from bot.faces.slack.manifest import build_manifest, to_yaml


@click.command()
@click.option(
    "--socket/--http",
    "socket_mode",
    default=True,
    show_default=True,
    help="Socket Mode (no public URL) or HTTP (Slack calls --url).",
)
@click.option("--url", default=None, help="HTTP: the public base URL, e.g. https://bot.example.org")
@click.option("--name", default="frontdesk", show_default=True, help="The app's name in Slack.")
@click.option("--json", "as_json", is_flag=True, help="JSON instead of YAML.")
@config_option
def manifest(
    socket_mode: bool, url: str | None, name: str, as_json: bool, config_path: Path | None
) -> None:
    """Print the app manifest (scopes, events, slash command, interactivity, Home tab)."""
    try:
        config = load_config(config_path)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        data = build_manifest(config, socket_mode=socket_mode, url=url, name=name)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(json.dumps(data, indent=2) if as_json else to_yaml(data), nl=not as_json)
