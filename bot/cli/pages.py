"""`frontdesk pages` and `frontdesk holds`: open escalations and deadlines, from the terminal."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from bot.channels.slack.messages import CHANNEL_WORDS
from bot.cli.common import (
    config_option,
    content_option,
    database_option,
    terminal_user,
    with_services,
)
from bot.escalation import EscalationService
from bot.escalation.states import State

act_as_option = click.option(
    "--as", "as_user", default=None, help="Act as this user id (a role member)."
)

def _when(stamp: datetime | None) -> str:
    return stamp.strftime("%Y-%m-%d %H:%M UTC") if stamp else "-"


@click.command()
@click.option("--no-tick", is_flag=True, help="Do not act on passed deadlines first.")
@with_services
def pages(service: EscalationService, no_tick: bool) -> None:
    """List open escalations (paged, not yet resolved) and open holds, each with its library
    (one database may serve several)."""
    if not no_tick:
        service.tick()
    open_now = service.open_escalations()
    if not open_now:
        click.echo("No open escalations.")
    for e in open_now:
        level = "privacy in-charge" if e.level == 1 else "director"
        if e.state == State.ACKNOWLEDGED:
            status = f"acknowledged by {e.acked_by} at {_when(e.acked_at)}"
        else:
            status = (f"paging the {level} (repeat {e.repeat}); "
                      f"next step {_when(e.next_action_at)}")
        click.echo(f"{e.id}  {e.library}  [{e.urgency}] {e.situation_title} — "
                   f"{e.headline or e.reason}\n"
                   f"    asked by {e.asked_by} ({e.face}) at {_when(e.created_at)}; {status}")
    dead = service.undelivered_pages()
    if dead:
        click.echo("\nPAGES NOT DELIVERED (last 24 hours) — phone these people, fix the "
                   "config (`frontdesk doctor`):")
        for page in dead:
            via = CHANNEL_WORDS.get(page.key.split(":", 1)[0], "Slack")
            click.echo(f"  {page.escalation_id}  to {page.target} by {via}: {page.error}")
    open_holds = service.open_holds()
    if open_holds:
        click.echo("\nHolds:")
        _echo_holds(open_holds)
    if open_now:
        click.echo("\nAcknowledge with `frontdesk ack ID`; close with `frontdesk resolve ID`.")


def _echo_holds(open_holds: list) -> None:
    for h in open_holds:
        click.echo(f"{h.id}  {h.library}  {h.kind}: due {_when(h.due_at)} ({h.state}"
                   f"{', renewed ' + str(h.renewals) + 'x' if h.renewals else ''})"
                   + (f" — escalation {h.escalation_id}" if h.escalation_id else ""))


@click.group(invoke_without_command=True)
@config_option
@database_option
@content_option
@click.pass_context
def holds(ctx: click.Context, config_path: Path | None, database_url: str | None,
          content: Path | None) -> None:
    """Deadlines started by outcomes (e.g. a preservation request): list, renew or end them.

    With no subcommand, lists the open holds (as the docs promise).
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(list_holds, config_path=config_path, database_url=database_url,
                   content=content)


@holds.command("list")
@with_services
def list_holds(service: EscalationService) -> None:
    """List open holds: what is kept, until when, and the escalation that started it."""
    open_holds = service.open_holds()
    if not open_holds:
        click.echo("No open holds.")
    _echo_holds(open_holds)


@holds.command("renew")
@click.argument("hold_id")
@act_as_option
@with_services
def renew(service: EscalationService, hold_id: str, as_user: str | None) -> None:
    """Extend a hold by its renewal period."""
    result = service.renew_hold(hold_id, as_user or terminal_user())
    click.echo(result.worded())
    raise SystemExit(0 if result.status == "renewed" else 1)


@holds.command("end")
@click.argument("hold_id")
@act_as_option
@with_services
def end(service: EscalationService, hold_id: str, as_user: str | None) -> None:
    """End a hold (the records no longer need to be kept)."""
    result = service.end_hold(hold_id, as_user or terminal_user())
    click.echo(result.worded())
    raise SystemExit(0 if result.status == "ended" else 1)
