"""The ``frontdesk`` command. Each sub-command lives in its own module beside this one.

Adding a command: write ``bot/cli/<name>.py`` with a click command, import it below and add
it to ``COMMANDS``. Commands load content through ``bot.cli.common`` so that an unknown
library or flow is one clear line and exit code 2 everywhere.
"""

from __future__ import annotations

import click

from bot import __version__
from bot.cli.ack import ack, resolve  # escalation
from bot.cli.approve import approve
from bot.cli.audit import audit  # escalation
from bot.cli.backup import backup, restore  # operations
from bot.cli.chat import chat
from bot.cli.check import check
from bot.cli.compare import compare
from bot.cli.coverage import coverage
from bot.cli.diagram import diagram
from bot.cli.digest import digest
from bot.cli.doctor import doctor  # operations
from bot.cli.drill import drill
from bot.cli.form import form
from bot.cli.manifest import manifest  # slack
from bot.cli.pack import pack  # authoring
from bot.cli.pages import holds, pages  # escalation
from bot.cli.purge import purge  # escalation
from bot.cli.route import route  # routing
from bot.cli.run import run
from bot.cli.serve import serve  # slack
from bot.cli.site import site  # review
from bot.cli.worker import worker  # escalation

COMMANDS: list[click.Command] = [check, chat, run, coverage]
COMMANDS += [approve, diagram, compare, form, drill, digest, site]  # review
COMMANDS += [pages, ack, resolve, holds, audit, purge, worker]  # escalation
COMMANDS += [backup, restore, doctor]  # operations
COMMANDS += [pack]  # authoring
COMMANDS += [serve, manifest]  # slack
COMMANDS += [route]  # routing


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="frontdesk")
def main() -> None:
    """Patron-privacy guidance for public-library front-line staff.

    Start with `frontdesk chat` (no configuration needed: it uses the bundled demo library).
    """


for _command in COMMANDS:
    main.add_command(_command)
