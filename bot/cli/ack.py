"""`frontdesk ack ID` and `frontdesk resolve ID`: answer a page from the terminal."""

from __future__ import annotations

import click

from bot.cli.common import terminal_user, with_services
from bot.escalation import EscalationService
from bot.escalation.endings import ENDINGS

act_as_option = click.option(
    "--as", "as_user", default=None,
    help="Act as this user id (must be in the privacy-in-charge or director role).",
)
EXIT = {"acknowledged": 0, "resolved": 0, "already": 0, "refused": 1, "not-found": 2}


@click.command()
@click.argument("escalation_id")
@act_as_option
@with_services
def ack(service: EscalationService, escalation_id: str, as_user: str | None) -> None:
    """Acknowledge a page: paging stops and the asker is told."""
    result = service.acknowledge(escalation_id, as_user or terminal_user(), via="terminal")
    click.echo(result.worded())
    raise SystemExit(EXIT.get(result.status, 1))


@click.command()
@click.argument("escalation_id")
@click.option("--ending", type=click.Choice(list(ENDINGS)), default=None,
              help="How it ended (kept and shown as its label): "
                   + "; ".join(f"{ending}: {label}" for ending, label in ENDINGS.items()) + ".")
@click.option("--note", default=None,
              help="What no --ending says (no patron details; redacted before it is kept).")
@act_as_option
@with_services
def resolve(service: EscalationService, escalation_id: str, ending: str | None,
            note: str | None, as_user: str | None) -> None:
    """Resolve an escalation: how it ended (--ending) and an optional note."""
    result = service.resolve(escalation_id, as_user or terminal_user(), note,
                             via="terminal", ending=ending)
    click.echo(result.worded())
    raise SystemExit(EXIT.get(result.status, 1))
