"""`frontdesk approve LIBRARY`: accept the library's current policy text into its clause lock."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.common import clear_errors, content_option, load_catalogue
from bot.review.drift import clause_uses, drift, lock_path, write_lock


@click.command()
@click.argument("library")
@content_option
@clear_errors
def approve(library: str, content: Path | None) -> None:
    """Approve LIBRARY's policy text as it is now: rewrite knowledge/LIBRARY/clauses.lock.

    Run it after reviewing every flow that `frontdesk check` names for a changed clause.
    """
    catalogue = load_catalogue(content)
    pack = catalogue.pack(library)
    found = drift(pack)
    if found.clean:
        click.echo(f"{library}: every clause matches {lock_path(pack)}; nothing to approve.")
        return
    if found.locked is None:
        click.echo(f"{library}: no lock yet; locking {len(pack.clauses)} clauses.")
    uses = clause_uses(catalogue, pack)
    for label, ids in (("changed", found.changed), ("new", found.added)):
        for clause_id in ids:
            flows = sorted({u.flow.id for u in uses.get(clause_id, ())})
            relied = f" (relied on by {', '.join(flows)})" if flows else ""
            click.echo(f"  {label}: {clause_id} {pack.clauses[clause_id].title}{relied}")
    for clause_id in found.removed:
        click.echo(f"  removed: {clause_id}")
    path = write_lock(pack)
    click.echo(f"approved: wrote {path}")
