"""The container image, compose file and systemd unit run commands that exist.

There is no Docker daemon where this suite runs (CI builds the image when it has one: .ci/run),
so this reads the files and checks each command they run against the package itself: the
entrypoint is the package's console script, every command line parses with the real CLI
(click resolves the sub-command and its options without running it), every file copied into
the image exists, the health check asks the port the command serves health on, and the
process runs as an unprivileged user.
"""

from __future__ import annotations

import json
import re
import shlex
import tomllib
from pathlib import Path

import click
import pytest
import yaml

from bot.cli import main

ROOT = Path(__file__).resolve().parents[1]


def instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Dockerfile, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", dockerfile.read_text(encoding="utf-8"))
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            found.append((word.upper(), rest.strip()))
    return found


def parses(args: list[str]) -> click.Context:
    """The sub-command's context for ``frontdesk ARGS``: an unknown command or option fails."""
    name, *rest = args
    command = main.get_command(click.Context(main), name)
    if command is None:
        raise click.UsageError(f"no such command {name!r}")
    return command.make_context(name, rest)


def option(args: list[str], name: str) -> str | None:
    return args[args.index(name) + 1] if name in args else None


def test_the_dockerfile_runs_the_console_script_as_a_user_with_a_health_check() -> None:
    steps = instructions(ROOT / "Dockerfile")
    kinds = [kind for kind, _ in steps]
    bases = [rest.split()[0] for kind, rest in steps if kind == "FROM"]
    assert bases and all(re.fullmatch(r"python:3\.1[1-9]-slim", b) for b in bases), bases

    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    (entrypoint,) = [json.loads(rest) for kind, rest in steps if kind == "ENTRYPOINT"]
    assert entrypoint == ["frontdesk"] and "frontdesk" in scripts
    (command,) = [json.loads(rest) for kind, rest in steps if kind == "CMD"]
    ctx = parses(command)
    assert ctx.command.name == "serve" and ctx.params["mode"] == "socket"
    assert ctx.params["host"] == "0.0.0.0"  # reachable from outside the container

    user = [rest for kind, rest in steps if kind == "USER"]
    assert user and user[-1] not in ("root", "0")
    assert kinds.index("USER") > max(i for i, k in enumerate(kinds) if k == "RUN")

    (health,) = [rest for kind, rest in steps if kind == "HEALTHCHECK"]
    probe = json.loads(health.split("CMD", 1)[1])
    assert f"127.0.0.1:{ctx.params['health_port']}/healthz" in " ".join(probe)
    exposed = {int(p) for kind, rest in steps if kind == "EXPOSE" for p in rest.split()}
    assert ctx.params["health_port"] in exposed

    for kind, rest in steps:
        if kind == "COPY" and not rest.startswith("--from"):
            for source in rest.split()[:-1]:
                assert (ROOT / source).exists(), f"COPY {source}: not in the repository"
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert ".venv" in ignored and ".git" in ignored


def test_compose_runs_the_bot_with_postgresql_and_migrates_first() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert services["db"]["image"].startswith("postgres:")
    for name in ("migrate", "bot"):
        service = services[name]
        url = service["environment"]["FRONTDESK_DATABASE_URL"]
        assert url.startswith("postgresql+psycopg://") and "@db:5432/" in url
        assert service["environment"]["FRONTDESK_CONFIG"] == "/etc/frontdesk/frontdesk.toml"
    assert parses(services["migrate"]["command"]).command.name == "migrate"
    bot = parses(services["bot"]["command"])
    assert bot.command.name == "serve" and bot.params["no_migrate"] is True
    assert services["bot"]["depends_on"]["migrate"]["condition"] == (
        "service_completed_successfully")
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert f":{bot.params['health_port']}" in services["bot"]["ports"][0]


def test_the_systemd_unit_runs_the_console_script_unprivileged() -> None:
    unit: dict[str, list[str]] = {}
    for line in (ROOT / "deploy" / "frontdesk.service").read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            unit.setdefault(key.strip(), []).append(value.strip())
    assert unit["User"] == ["frontdesk"] and unit["NoNewPrivileges"] == ["true"]
    for key in ("ExecStartPre", "ExecStart"):
        (line,) = unit[key]
        program, *args = shlex.split(line)
        assert program.endswith("/bin/frontdesk")
        parses(args)
    serve = parses(shlex.split(unit["ExecStart"][0])[1:])
    assert serve.command.name == "serve" and serve.params["no_migrate"] is True
    assert parses(shlex.split(unit["ExecStartPre"][0])[1:]).command.name == "migrate"


def test_a_wrong_command_would_be_caught() -> None:
    with pytest.raises(click.UsageError):
        parses(["serve", "--socket", "--helth-port", "8080"])
    with pytest.raises(click.UsageError):
        parses(["serv", "--socket"])
