"""`frontdesk pack new LIBRARY-ID --policy FILE`: write a library's policy pack, guided."""

from __future__ import annotations

from pathlib import Path

import click

from bot.authoring.wizard import LIBRARY_ID, PROGRESS_FILE, PackWizard, WizardStopped
from bot.cli.common import fail

SHOWN_SITUATIONS = ("law-enforcement-request", "parent-requests-child-records")


@click.group()
def pack() -> None:
    """Policy packs: a library's policy text, clauses, facts and roles (docs/packs.md)."""


@pack.command("new")
@click.argument("library_id")
@click.option("--policy", "policy_file", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The policy as published (pasted text, HTML or markdown is fine).")
@click.option("--content", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              envvar="FRONTDESK_CONTENT", show_default="this folder, or $FRONTDESK_CONTENT",
              help="Your content folder: the pack is written to CONTENT/knowledge/LIBRARY-ID/.")
def new(library_id: str, policy_file: Path, content: Path) -> None:
    """Turn a library's policy into a pack: approve the text, accept clauses, answer the facts.

    The pack is written after the last answer; the answers are kept as you go (in
    CONTENT/knowledge/LIBRARY-ID/wizard-answers.yaml), so a stopped run resumes where it was.
    Then `frontdesk check` runs on the result and the new library is compared with the bundled
    ones.
    """
    if not LIBRARY_ID.match(library_id):
        fail(f"{library_id!r}: a library id is lowercase words joined by hyphens (oak-park)")
    folder = content / "knowledge" / library_id
    if folder.exists() and {p.name for p in folder.iterdir()} - {PROGRESS_FILE}:
        fail(f"{folder} already exists: choose another id or move it")
    raw = policy_file.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        fail(f"{policy_file}: not UTF-8 (byte {exc.start}); save it as UTF-8 text first")
    wizard = PackWizard(library_id, text, content, read=_read, say=click.echo)
    try:
        folder = wizard.run()
    except WizardStopped as stop:
        fail(str(stop), 1)
    click.echo(f"\nWrote {folder}/ (pack.yaml, policy.txt, source.txt, clauses.lock).")
    if not _report(content, library_id):
        fail("the pack was written but `frontdesk check` finds errors in it: fix pack.yaml "
             "(the lines above), then run `frontdesk check` again", 1)


def _read(prompt: str) -> str:
    return input(prompt)


def _report(content: Path, library_id: str) -> bool:
    """`frontdesk check` on the content folder, then how the new library compares; True when
    check finds no errors."""
    from bot.check import run_checks
    from bot.content.catalogue import Catalogue
    from bot.review.compare import compare, with_bundled_libraries

    report = run_checks(content)
    mine = [p for p in report.problems if library_id in str(p.path) or library_id in p.message]
    for problem in mine[:20]:
        click.echo(str(problem))
    click.echo(f"frontdesk check: {report.summary()}")
    if report.errors:
        click.echo("\nNo comparison with the other libraries yet: it walks every reply, and "
                   "check must pass first. Fix the errors above, then run `frontdesk check"
                   f" --content {content}` and `frontdesk compare law-enforcement-request "
                   f"--content {content}`.")
        return False
    catalogue = with_bundled_libraries(Catalogue.load(content))
    for situation in SHOWN_SITUATIONS:
        comparison = compare(catalogue, situation)
        alone = [row for row in comparison.rows if row.odd(library_id)]
        click.echo(f"\n{comparison.title}: {len(comparison.rows)} paths; your library decides "
                   f"differently from most on {len(alone)}.")
        for row in alone[:5]:
            cell = row.cells[library_id]
            click.echo(f"  {row.description}\n    you: {cell.decision.upper()} — {cell.headline}")
    where = f" --content {content}"
    click.echo("\nNext: read every fact in pack.yaml against the policy, then "
               f"`frontdesk compare SITUATION{where}` and "
               f"`frontdesk chat --library {library_id}{where}`.")
    return True
