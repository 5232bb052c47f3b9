"""`frontdesk serve` (as real processes) and `frontdesk manifest`."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import yaml
from click.testing import CliRunner

from bot.cli import main
from tests.fakeslack import FakeSlack
from tests.slack_support import (
    APP_TOKEN,
    BOT_TOKEN,
    SIGNING_SECRET,
    SLACK_CONTENT,
    STAFF,
    command_body,
    http,
    sign,
)


def frontdesk(*args: str, env: dict[str, str]):  # type: ignore[no-untyped-def]
    """The command in-process (click's runner) with exactly ``env`` as the environment."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        return CliRunner().invoke(main, list(args))
    finally:
        os.environ.clear()
        os.environ.update(saved)


def environment(tmp_path: Path, fake: FakeSlack | None = None, **extra: str) -> dict[str, str]:
    config = tmp_path / "frontdesk.toml"
    config.write_text(
        'library = "testlib"\n'
        f'database_url = "sqlite:///{tmp_path / "bot.db"}"\n'
        'slash_command = "/privacy"\n'
        '[roles]\nprivacy-in-charge = ["UPIC"]\ndirector = ["UDIR"]\n'
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "FRONTDESK_"))}
    env.update(
        FRONTDESK_CONFIG=str(config),
        FRONTDESK_CONTENT=str(SLACK_CONTENT),
        HOME=str(tmp_path),
        **extra,
    )
    if fake is not None:
        env["SLACK_API_URL"] = fake.api_url
    return env


def test_manifest_socket_and_http(tmp_path: Path) -> None:
    env = environment(tmp_path)
    socket = frontdesk("manifest", env=env)
    assert socket.exit_code == 0, socket.output
    data = yaml.safe_load(socket.stdout)
    assert data["settings"]["socket_mode_enabled"] is True
    assert data["features"]["slash_commands"][0]["command"] == "/privacy"  # from the config
    assert data["features"]["app_home"]["home_tab_enabled"] is True
    assert {"chat:write", "commands", "im:history", "app_mentions:read"} <= set(
        data["oauth_config"]["scopes"]["bot"]
    )
    assert {"app_mention", "message.im", "app_home_opened"} <= set(
        data["settings"]["event_subscriptions"]["bot_events"]
    )

    http_mode = frontdesk(
        "manifest", "--http", "--url", "https://bot.example.org", "--json", env=env
    )
    data = json.loads(http_mode.stdout)
    url = "https://bot.example.org/slack/events"
    assert data["settings"]["socket_mode_enabled"] is False
    assert data["settings"]["event_subscriptions"]["request_url"] == url
    assert data["settings"]["interactivity"]["request_url"] == url
    assert data["features"]["slash_commands"][0]["url"] == url
    assert frontdesk("manifest", "--http", env=env).exit_code == 2  # --url is needed


def test_missing_or_wrong_settings_are_one_line(tmp_path: Path) -> None:
    env = environment(tmp_path)
    result = frontdesk("serve", "--http", env=env)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "frontdesk: config: SLACK_BOT_TOKEN: not set in the environment (see docs/slack.md)"
    ]
    env.update(SLACK_BOT_TOKEN=BOT_TOKEN)
    result = frontdesk("serve", "--http", env=env)
    assert "SLACK_SIGNING_SECRET" in result.stderr and len(result.stderr.splitlines()) == 1
    result = frontdesk("serve", "--socket", env=env)
    assert "SLACK_APP_TOKEN" in result.stderr and len(result.stderr.splitlines()) == 1
    (tmp_path / "frontdesk.toml").write_text("library = 7\n")
    result = frontdesk("serve", "--http", env=env)
    assert result.exit_code == 2 and "config: library:" in result.stderr
    assert "Traceback" not in result.stderr
    assert frontdesk("serve", env=env).exit_code == 2  # neither --socket nor --http


def wait_line(process: subprocess.Popen, pattern: str, timeout: float = 20) -> re.Match:  # type: ignore[type-arg]
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        line = process.stderr.readline()  # type: ignore[union-attr]
        seen.append(line)
        if match := re.search(pattern, line):
            return match
        if not line and process.poll() is not None:
            break
    raise AssertionError(f"{pattern!r} not seen in: {''.join(seen)}")


def test_serve_http_process(tmp_path: Path) -> None:
    with FakeSlack() as fake:
        env = environment(
            tmp_path, fake, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET
        )
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--http", "--port", "0"],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            url = wait_line(process, r"serving (http://\S+)").group(1)
            assert http("GET", url + "/healthz").status == 200
            body = urlencode(command_body(STAFF, "police", command="/privacy")).encode()
            headers = {**sign(body), "Content-Type": "application/x-www-form-urlencoded"}
            assert http("POST", url + "/slack/events", body, headers).status == 200
            question = fake.wait_for("chat.postMessage", count=2, timeout=10)[1]
            assert "What does the officer have?" in question.args["text"]
        finally:
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=10) == 0


def test_serve_socket_process(tmp_path: Path) -> None:
    with FakeSlack() as fake:
        env = environment(tmp_path, fake, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_APP_TOKEN=APP_TOKEN)
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--socket"],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert fake.socket_connected.wait(20), "the process did not connect"
            envelope = fake.send_envelope(
                "slash_commands", command_body(STAFF, "police", command="/privacy")
            )
            ack = fake.wait_ack(envelope, timeout=10)
            assert "direct message" in json.dumps(ack)
            question = fake.wait_for("chat.postMessage", count=2, timeout=10)[1]
            assert "What does the officer have?" in question.args["text"]
        finally:
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=10) == 0
