"""Start-up: sub-commands load only what they use (bot.cli.LazyGroup), so `frontdesk --version`
and `frontdesk route` never import Slack, SQL or PDF code (their speed is in bench/)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("slack_bolt", "slack_sdk", "sqlalchemy", "fpdf", "flask", "psycopg", "waitress")

PROBE = """
import json, sys
from bot.cli import main
try:
    main({args!r})
except SystemExit:
    pass
print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r})),
      file=sys.stderr)
"""


def _imported(*args: str) -> list[str]:
    result = subprocess.run([sys.executable, "-c", PROBE.format(args=list(args), heavy=HEAVY)],
                            capture_output=True, text=True, timeout=120)
    return json.loads(result.stderr.strip().splitlines()[-1])


@pytest.mark.parametrize("args", [["--version"], ["route", "cop at the desk wants records"]])
def test_light_commands_import_no_slack_sql_or_pdf(args: list[str]) -> None:
    assert _imported(*args) == []


def test_route_imports_neither_the_engine_nor_prometheus() -> None:
    """Routing one message needs the router: not the conversation engine (``route --json``
    serialises the result itself) nor prometheus_client (the band tally is the router's own,
    read by ``bot.ops.metrics`` at each scrape)."""
    result = subprocess.run([sys.executable, "-c", PROBE.format(
        args=["route", "--json", "cop at the desk wants records"],
        heavy=("prometheus_client", "bot"))], capture_output=True, text=True, timeout=120)
    imported = json.loads(result.stderr.strip().splitlines()[-1])
    assert "prometheus_client" not in imported
    assert not [m for m in imported if m.startswith(("bot.engine", "bot.config", "bot.ops"))]


def test_every_listed_command_loads_and_has_help() -> None:
    from click.testing import CliRunner

    from bot.cli import COMMANDS, main

    for name in COMMANDS:
        result = CliRunner().invoke(main, [name, "--help"])
        assert result.exit_code == 0 and "Usage: " in result.output, name
