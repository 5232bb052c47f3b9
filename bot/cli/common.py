"""Options and error handling shared by commands."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from bot.content.catalogue import Catalogue
from bot.errors import ContentError, UnknownName

F = TypeVar("F", bound=Callable[..., Any])

content_option = click.option(
    "--content",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    envvar="FRONTDESK_CONTENT",
    help="Folder holding knowledge/ and flows/ (default: found from here upward).",
)


def fail(message: str, code: int = 2) -> None:
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
        except ContentError as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            fail("content has errors; run `frontdesk check` for the full list", 1)

    return wrapper  # type: ignore[return-value]


def load_catalogue(content: Path | None) -> Catalogue:
    return Catalogue.load(content)
