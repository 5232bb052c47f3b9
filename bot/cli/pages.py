"""`frontdesk pages` and `frontdesk holds`: open escalations and deadlines, from the terminal."""

from __future__ import annotations

import getpass
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from bot.cli.common import clear_errors, content_option, fail, load_catalogue
from bot.config import Config, ConfigError, load_config
from bot.escalation import EscalationService
from bot.store import Database

config_option = click.option(
    "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
    envvar="FRONTDESK_CONFIG", help="TOML settings (roles, escalation); default: none.")
database_option = click.option(
    "--database-url", envvar="FRONTDESK_DATABASE_URL", default=None,
    help="Database (default: SQLite in your data folder).")


def terminal_user() -> str:
    """Who is at the terminal, as the escalation records name them."""
    try:
        return f"terminal:{getpass.getuser()}"
    except Exception:
        return "terminal"


def load_settings(config_path: Path | None, database_url: str | None) -> tuple[Config, Database]:
    try:
        config = load_config(config_path)
    except ConfigError as exc:
        fail(str(exc), 2)
        raise  # unreachable
    return config, Database(database_url or config.database_url)


def with_services(func: Callable[..., Any]) -> Callable[..., Any]:
    """Adds --config, --database-url and --content; passes ``services`` (an EscalationService)."""

    @config_option
    @database_option
    @content_option
    @clear_errors
    @wraps(func)
    def wrapper(config_path: Path | None, database_url: str | None, content: Path | None,
                **kwargs: Any) -> Any:
        config, database = load_settings(config_path, database_url)
        service = EscalationService(database, config, load_catalogue(content))
        return func(service, **kwargs)

    return wrapper


def _when(stamp: Any) -> str:
    return stamp.strftime("%Y-%m-%d %H:%M UTC") if stamp else "-"


@click.command()
@click.option("--no-tick", is_flag=True, help="Do not act on passed deadlines first.")
@with_services
def pages(service: EscalationService, no_tick: bool) -> None:
    """List open escalations (paged, not yet resolved) and open holds."""
    if not no_tick:
        service.tick()
    open_now = service.open_escalations()
    if not open_now:
        click.echo("No open escalations.")
    for e in open_now:
        level = "privacy in-charge" if e.level == 1 else "director"
        if e.state == "acknowledged":
            status = f"acknowledged by {e.acked_by} at {_when(e.acked_at)}"
        else:
            status = (f"paging the {level} (repeat {e.repeat}); "
                      f"next step {_when(e.next_action_at)}")
        click.echo(f"{e.id}  [{e.urgency}] {e.situation_title} — {e.headline or e.reason}\n"
                   f"    asked by {e.asked_by} ({e.face}) at {_when(e.created_at)}; {status}")
    holds = service.open_holds()
    if holds:
        click.echo("\nHolds:")
    for h in holds:
        click.echo(f"{h.id}  {h.kind}: due {_when(h.due_at)} ({h.state}"
                   f"{', renewed ' + str(h.renewals) + 'x' if h.renewals else ''})"
                   + (f" — escalation {h.escalation_id}" if h.escalation_id else ""))
    if open_now:
        click.echo("\nAcknowledge with `frontdesk ack ID`; close with `frontdesk resolve ID`.")


@click.group()
def holds() -> None:
    """Deadlines started by outcomes (e.g. a preservation request): renew or end them."""


@holds.command("renew")
@click.argument("hold_id")
@click.option("--as", "as_user", default=None, help="Act as this user id (a role member).")
@with_services
def renew(service: EscalationService, hold_id: str, as_user: str | None) -> None:
    """Extend a hold by its renewal period."""
    result = service.renew_hold(hold_id, as_user or terminal_user())
    click.echo(result.message)
    raise SystemExit(0 if result.status == "renewed" else 1)


@holds.command("end")
@click.argument("hold_id")
@click.option("--as", "as_user", default=None, help="Act as this user id (a role member).")
@with_services
def end(service: EscalationService, hold_id: str, as_user: str | None) -> None:
    """End a hold (the records no longer need to be kept)."""
    result = service.end_hold(hold_id, as_user or terminal_user())
    click.echo(result.message)
    raise SystemExit(0 if result.status == "ended" else 1)
