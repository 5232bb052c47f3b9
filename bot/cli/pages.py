"""`frontdesk pages` and `frontdesk holds`: open escalations and deadlines, from the terminal."""

from __future__ import annotations

from datetime import datetime

import click

from bot.cli.common import terminal_user, with_services
from bot.escalation import EscalationService

act_as_option = click.option(
    "--as", "as_user", default=None, help="Act as this user id (a role member)."
)

def _when(stamp: datetime | None) -> str:
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
@act_as_option
@with_services
def renew(service: EscalationService, hold_id: str, as_user: str | None) -> None:
    """Extend a hold by its renewal period."""
    result = service.renew_hold(hold_id, as_user or terminal_user())
    click.echo(result.message)
    raise SystemExit(0 if result.status == "renewed" else 1)


@holds.command("end")
@click.argument("hold_id")
@act_as_option
@with_services
def end(service: EscalationService, hold_id: str, as_user: str | None) -> None:
    """End a hold (the records no longer need to be kept)."""
    result = service.end_hold(hold_id, as_user or terminal_user())
    click.echo(result.message)
    raise SystemExit(0 if result.status == "ended" else 1)
