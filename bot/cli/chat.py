"""`frontdesk chat`: talk to the bot in the terminal."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.common import (
    clear_errors,
    config_option,
    content_option,
    load_catalogue,
    load_settings,
    terminal_user,
)
from bot.content.catalogue import DEMO_LIBRARY
from bot.escalation import EscalationService
from bot.faces.terminal.chat import TerminalChat
from bot.faces.terminal.screen import Screen
from bot.store import ConversationStore


@click.command()
@click.option("--library", default=None,
              help=f"Library (pack) id (default: the config's library, else {DEMO_LIBRARY}).")
@click.option(
    "--database-url",
    envvar="FRONTDESK_DATABASE_URL",
    default=None,
    help="Where conversations are kept (default: SQLite in your data folder).",
)
@click.option(
    "--forms-dir",
    envvar="FRONTDESK_FORMS_DIR",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default="the current folder, or $FRONTDESK_FORMS_DIR",
    help="Where the printable form an outcome offers is written.",
)
@content_option
@config_option
@clear_errors
def chat(library: str | None, database_url: str | None, forms_dir: Path, content: Path | None,
         config_path: Path | None) -> None:
    """Talk through a situation at the desk, step by step."""
    config, database = load_settings(config_path, database_url)
    catalogue = load_catalogue(content or config.content)
    library = library or config.library
    catalogue.pack(library)
    store = ConversationStore(database)
    escalations = EscalationService(database, config, catalogue)  # pages are shown and recorded
    screen = Screen()  # colour and wrapping on a terminal, plain text when piped
    TerminalChat(catalogue, library, store, read=screen.reader(), say=screen.say,
                 paint=screen.paint, user_id=terminal_user(), escalations=escalations,
                 forms_folder=forms_dir.resolve()).run()
