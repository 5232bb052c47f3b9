"""Start-up: sub-commands load only what they use (bot.cli.LazyGroup), so `frontdesk --version`
and `frontdesk route` never import Slack, SQL or PDF code (their speed is in bench/)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

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
        heavy=("prometheus_client", "jinja2", "bot"))], capture_output=True, text=True,
        timeout=120)
    imported = json.loads(result.stderr.strip().splitlines()[-1])
    assert "prometheus_client" not in imported
    # nor Jinja2 (~80 ms of a route's start; session 12's prefill imported it for one question)
    assert "jinja2" not in imported
    assert not [m for m in imported if m.startswith(("bot.engine", "bot.config", "bot.ops"))]


def test_every_listed_command_loads_and_has_help() -> None:
    from click.testing import CliRunner

    from bot.cli import COMMANDS, main

    for name in COMMANDS:
        result = CliRunner().invoke(main, [name, "--help"])
        assert result.exit_code == 0 and "Usage: " in result.output, name


def _imported_with_cache(cache: str, heavy: tuple[str, ...], *args: str) -> list[str]:
    """Run the command once to fill the disk cache ``cache`` (a user's first run), then list
    which of ``heavy`` (top-level packages, or ``bot`` modules) a second run imports."""
    env = {**os.environ, "FRONTDESK_CACHE": cache}
    subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, env=env,
                   timeout=300, check=False)
    result = subprocess.run([sys.executable, "-c", PROBE.format(args=list(args), heavy=heavy)],
                            capture_output=True, text=True, timeout=300, env=env)
    return json.loads(result.stderr.strip().splitlines()[-1])


# What only routing a message or redacting it needs: a check whose overlap warnings are cached
# walks flows and renders outcomes, and reads choice phrases with bot.router.text alone.
ROUTING_AND_REDACTION = ("bot.router.router", "bot.router.choices", "bot.router.cues",
                         "bot.router.prefill", "bot.router.model", "bot.privacy",
                         "bot.engine.step", "faker", "nicknames", "english_words")


def test_check_with_its_analyses_cached_imports_neither_the_router_nor_the_redactor(
        tmp_path: Path) -> None:
    imported = _imported_with_cache(str(tmp_path), ("bot", "faker", "nicknames",
                                                    "english_words", *HEAVY),
                                    "check", "--quiet", str(ROOT))
    assert "bot.check.runner" in imported  # (the probe saw the check run)
    assert [m for m in imported if m.startswith(ROUTING_AND_REDACTION) or m in HEAVY] == []


def test_check_on_a_cache_miss_still_routes_every_trigger(tmp_path: Path) -> None:
    """The router is imported when the overlap warnings must be computed (an empty cache)."""
    result = subprocess.run([sys.executable, "-c", PROBE.format(
        args=["check", "--quiet", str(ROOT)], heavy=("bot",))], capture_output=True, text=True,
        timeout=300, env={**os.environ, "FRONTDESK_CACHE": str(tmp_path)})
    assert "bot.router.router" in json.loads(result.stderr.strip().splitlines()[-1])


@pytest.mark.parametrize("text", ["cop at the desk wants records",
                                  "Maria Lopez asked what her son Kev borrowed last week"])
def test_route_with_its_lists_cached_imports_no_word_list_package(tmp_path: Path,
                                                                   text: str) -> None:
    """Faker, english_words and nicknames only build the redactor's lists, which the disk cache
    keeps: a user's second `frontdesk route` imports none of them."""
    imported = _imported_with_cache(str(tmp_path), ("faker", "nicknames", "english_words"),
                                    "route", text)
    assert imported == []
