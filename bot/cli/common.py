"""Options and error handling shared by commands."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from bot.config import Config, ConfigError, load_config
from bot.content.catalogue import Catalogue
from bot.errors import ContentError, UnknownName

if TYPE_CHECKING:  # imported where used: `route` and `check` need neither
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


def load_settings(config_path: Path | None, database_url: str | None) -> tuple[Config, Database]:
    try:
        config = load_config(config_path)
    except ConfigError as exc:
        fail(str(exc), 2)
    from bot.store import Database

    return config, Database(database_url or config.database_url)


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
