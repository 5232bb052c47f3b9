"""Logs hold no message text, at any level: what staff type is neither logged by the bot nor
by Slack's libraries (whose debug lines are whole event and request bodies), and an exception
that quotes what was typed is written with its text redacted.

The process tests run the real `frontdesk serve` against the fake Slack at `--log-level debug`;
the formatter tests give `bot.ops.logs.configure` the records a listener's failure makes.
"""

from __future__ import annotations

import json
import logging
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.content.catalogue import Catalogue
from bot.ops import logs
from tests.fakeslack import FakeSlack
from tests.slack_support import APP_TOKEN, BOT_TOKEN, STAFF, SlackBot, command_body
from tests.test_slack_cli import environment

PATRON = "Jordan Q. Whitfield"
CARD = "21234000567890"
# A word no rule masks and no message of the bot's own has: found in a log, it can only have
# come from what was typed.
MARKER = "quokka"
TYPED = f"officer asking what {PATRON} (card {CARD}) borrowed, says {MARKER}"


def test_serve_at_debug_logs_nothing_staff_typed(tmp_path: Path) -> None:
    log_file = tmp_path / "serve.log"  # a file, not a pipe: nobody reads while it runs
    with FakeSlack() as fake, log_file.open("w") as stderr:
        env = environment(tmp_path, fake, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_APP_TOKEN=APP_TOKEN)
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--socket", "--log-level", "debug"],
            env=env, stderr=stderr, text=True)
        try:
            assert fake.socket_connected.wait(20), "the process did not connect"
            envelope = fake.send_envelope("slash_commands",
                                          command_body(STAFF, TYPED, command="/privacy"))
            fake.wait_ack(envelope, timeout=10)
            fake.wait_for("chat.postMessage", count=2, timeout=10)
        finally:
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=15) == 0
    logged = log_file.read_text("utf-8")
    assert "DEBUG" in logged, logged[-2000:]  # the level took effect
    for typed in (MARKER, "Whitfield", "Jordan", CARD, "borrowed"):
        assert typed not in logged, typed


@pytest.fixture
def configured(capsys: pytest.CaptureFixture[str]) -> Iterator[Callable[[], str]]:
    """What ``logs.configure`` writes to stderr, read by calling the fixture's value; the root
    logger's handlers and level are restored after."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    try:
        yield lambda: capsys.readouterr().err
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in saved[0]:
            root.addHandler(handler)
        root.setLevel(saved[1])


def _fail_on(text: str) -> None:
    raise ValueError(f"could not parse {text!r}")  # as a parser echoes its input


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_an_exception_quoting_what_was_typed_is_logged_redacted(
        configured: Callable[[], str], log_format: str) -> None:
    logs.configure(log_format, "debug")
    try:
        _fail_on(f"{PATRON} card {CARD}")
    except ValueError:
        logging.getLogger("frontdesk.slack").exception("the listener failed on %s", PATRON)
    logged = configured()
    assert "Whitfield" not in logged and CARD not in logged, logged
    if log_format == "text":  # the traceback's frames are kept, its text redacted
        assert "_fail_on" in logged and "ValueError: could not parse '[name]" in logged, logged
    else:
        assert json.loads(logged)["error"] == "ValueError"


def test_an_exception_cached_unredacted_by_another_handler_is_still_redacted(
        configured: Callable[[], str]) -> None:
    """A handler that formatted the record first (pytest's, a collector's) caches the
    traceback's text on it; the bot's own handler never reuses that text."""
    logs.configure("text", "info")
    try:
        _fail_on(CARD)
    except ValueError:
        record = logging.getLogger("frontdesk").makeRecord(
            "frontdesk", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    logging.Formatter().format(record)  # caches record.exc_text, the card in it
    assert CARD in (record.exc_text or "")
    logging.getLogger("frontdesk").handle(record)
    logged = configured()
    assert CARD not in logged and "ValueError" in logged


def test_slack_libraries_stay_at_info_at_any_level(configured: Callable[[], str]) -> None:
    logs.configure("text", "debug")
    body = {"event": {"type": "message", "text": TYPED}}
    for name in ("slack_sdk.socket_mode.builtin.client", "slack_bolt.App"):
        logging.getLogger(name).setLevel(logging.DEBUG)  # as Bolt sets its app's logger
        logging.getLogger(name).debug("on_message invoked: (message: %s)", json.dumps(body))
    logging.getLogger("slack_bolt.App").warning("Unhandled request (%s)", body)
    logging.getLogger("frontdesk.slack").debug("a debug line of the bot's own")
    logged = configured()
    assert "on_message" not in logged and "a debug line of the bot's own" in logged
    assert "Unhandled request" in logged  # a warning is kept, redacted
    assert "Whitfield" not in logged and CARD not in logged


def test_handling_an_event_leaves_the_bots_own_loggers_alone(
        catalogue: Catalogue, tmp_path: Path) -> None:
    """Bolt sets the level of the logger named after its app on every request; the app is
    not named after the bot's package, whose loggers keep the level ``configure`` gave the
    root (before, one event at the root's WARNING silenced the bot's own debug lines for the
    rest of the process, whatever ``--log-level`` said after)."""
    own = logging.getLogger("frontdesk")
    assert own.level == logging.NOTSET
    with FakeSlack() as fake:
        bot = SlackBot.start(fake, catalogue, tmp_path, config={"library": "mount-prospect"})
        try:
            bot.dm(STAFF, "cop at the desk wants to know what a patron checked out")
            bot.post()
        finally:
            bot.stop()
    assert own.level == logging.NOTSET
