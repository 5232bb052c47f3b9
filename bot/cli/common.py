"""Options and error handling shared by commands."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from bot.content.catalogue import Catalogue
from bot.errors import ConfigError, ContentError, UnknownName

if TYPE_CHECKING:  # imported where used: `route` and `check` need neither
    from bot.config import Config
    from bot.store import Database

F = TypeVar("F", bound=Callable[..., Any])

content_option = click.option(
    "--content",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    envvar="FRONTDESK_CONTENT",
    help="Folder holding knowledge/ and flows/ (default: found from here upward).",
)


def fail(message: str, code: int = 2) -> NoReturn:
    click.echo(f"frontdesk: {message}", err=True)
    sys.exit(code)


def clear_errors(func: F) -> F:
    """Unknown names exit 2 with one line; broken content exits 1 with its file:line lines."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except UnknownName as exc:
            fail(str(exc.args[0]), 2)
        except ConfigError as exc:  # a setting (or the database URL) that cannot be used
            fail(str(exc), 2)
        except ContentError as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            fail("content has errors; run `frontdesk check` for the full list", 1)

    return wrapper  # type: ignore[return-value]


def load_catalogue(content: Path | None) -> Catalogue:
    return Catalogue.load(content)


# --- settings, the store and the escalation service (paging commands) ---------------------

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


def load_settings(config_path: Path | None, database_url: str | None, *,
                  migrate: bool = True) -> tuple[Config, Database]:
    from bot.config import load_config

    try:
        config = load_config(config_path)
    except ConfigError as exc:
        fail(str(exc), 2)
    return config, open_database(database_url or config.database_url, migrate=migrate)


def with_services(func: Callable[..., Any]) -> Callable[..., Any]:
    """Adds --config, --database-url and --content; passes the EscalationService they make as
    the command's first argument."""

    @config_option
    @database_option
    @content_option
    @clear_errors
    @wraps(func)
    def wrapper(config_path: Path | None, database_url: str | None, content: Path | None,
                **kwargs: Any) -> Any:
        config, database = load_settings(config_path, database_url)
        from bot.escalation import EscalationService

        service = EscalationService(database, config, load_catalogue(content or config.content))
        return func(service, **kwargs)

    return wrapper


# --- long-running commands (serve, worker) ----------------------------------------------------

log_format_option = click.option(
    "--log-format", type=click.Choice(["text", "json"]), default="text", show_default=True,
    envvar="FRONTDESK_LOG_FORMAT",
    help="json: one JSON object a line (time, level, logger, message; no patron data).")
log_level_option = click.option(
    "--log-level", type=click.Choice(["debug", "info", "warning", "error"]), default="info",
    show_default=True, envvar="FRONTDESK_LOG_LEVEL",
    help="debug: the bot's own detail too (still no message text: every line is redacted, and "
         "Slack's libraries, which log request bodies at debug, stay at info).")
no_migrate_option = click.option(
    "--no-migrate", is_flag=True,
    help="Do not upgrade the database schema at start; refuse to run if it is out of date "
         "(run `frontdesk migrate` first).")
health_port_option = click.option(
    "--health-port", type=click.IntRange(0, 65535), default=None,
    help="Serve /healthz, /readyz and /metrics on this port (0: any free port).")


def open_database(url: str | None, *, migrate: bool = True) -> Database:
    """The database, migrated; with ``migrate=False`` as found, and an out-of-date schema is
    one line and exit 2 (a newer frontdesk with an older database)."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.store import Database
    from bot.store.database import shown
    from bot.store.ops import pending

    database = Database(url, migrate=migrate)
    try:
        behind = [] if migrate else pending(database)
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        fail(f"{shown(database.url)}: cannot read the schema version: {reason}", 2)
    if behind:
        database.dispose()
        fail(f"the database schema is out of date ({len(behind)} migration"
             f"{'s' if len(behind) != 1 else ''} pending, from {behind[0][0]} {behind[0][1]}); "
             "run `frontdesk migrate` (after `frontdesk backup`), or start without --no-migrate",
             2)
    return database
