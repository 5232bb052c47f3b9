"""The ``frontdesk`` command. Each sub-command lives in its own module beside this one.

Sub-commands are imported only when they run (``LazyGroup``): ``frontdesk --version`` and
``frontdesk route`` do not pay for Slack, SQLAlchemy or PDF code they never use.

Adding a command: write ``bot/cli/<name>.py`` with a click command and add its name and
``module:attribute`` to ``COMMANDS``. Commands load content through ``bot.cli.common`` so that
an unknown library or flow is one clear line and exit code 2 everywhere.
"""

from __future__ import annotations

import importlib

import click

from bot import __version__

# name -> "module:attribute", grouped as `frontdesk --help` lists them.
COMMANDS: dict[str, str] = {
    "check": "bot.cli.check:check",
    "chat": "bot.cli.chat:chat",
    "run": "bot.cli.run:run",
    "coverage": "bot.cli.coverage:coverage",
    # review
    "approve": "bot.cli.approve:approve",
    "diagram": "bot.cli.diagram:diagram",
    "compare": "bot.cli.compare:compare",
    "form": "bot.cli.form:form",
    "drill": "bot.cli.drill:drill",
    "digest": "bot.cli.digest:digest",
    "site": "bot.cli.site:site",
    # escalation
    "pages": "bot.cli.pages:pages",
    "ack": "bot.cli.ack:ack",
    "resolve": "bot.cli.ack:resolve",
    "holds": "bot.cli.pages:holds",
    "audit": "bot.cli.audit:audit",
    "purge": "bot.cli.purge:purge",
    "worker": "bot.cli.worker:worker",
    # operations
    "backup": "bot.cli.backup:backup",
    "restore": "bot.cli.backup:restore",
    "doctor": "bot.cli.doctor:doctor",
    "migrate": "bot.cli.migrate:migrate",
    # authoring
    "pack": "bot.cli.pack:pack",
    # slack
    "serve": "bot.cli.serve:serve",
    "manifest": "bot.cli.manifest:manifest",
    # routing
    "route": "bot.cli.route:route",
}


class LazyGroup(click.Group):
    """A group whose sub-commands are imported on first use (the click docs' lazy pattern)."""

    def __init__(self, *args: object, lazy: dict[str, str], **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*super().list_commands(ctx), *(n for n in self.lazy if n not in self.commands)]

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in self.lazy:
            module, attribute = self.lazy[name].split(":")
            self.add_command(getattr(importlib.import_module(module), attribute), name)
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup, lazy=COMMANDS,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="frontdesk")
def main() -> None:
    """Patron-privacy guidance for public-library front-line staff.

    Start with `frontdesk chat` (no configuration needed: it uses the bundled demo library).
    """
