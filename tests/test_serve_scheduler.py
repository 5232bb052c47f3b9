"""`frontdesk serve` as a real process runs the deadline scheduler: a page it sent re-escalates
and expires on its own, and the asker is told what to do next (Socket Mode, fake Slack)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.escalation_support import PagingFake
from tests.slack_support import APP_TOKEN, BOT_TOKEN, SLACK_CONTENT, STAFF, command_body

CONFIG = """\
library = "testlib"
database_url = "sqlite:///{db}"
[roles]
privacy-in-charge = ["UPIC"]
director = ["UDIR"]
[escalation]
ack_timeout_seconds = {{ immediate = 1, prompt = 1 }}
repeat = 0
[schedule]
tick_seconds = 0.2
"""


def serve_env(tmp_path: Path, fake: PagingFake, **extra: str) -> dict[str, str]:
    """The environment of a `frontdesk serve` process on the Slack test library, talking to
    ``fake`` (``extra``: more variables)."""
    (tmp_path / "frontdesk.toml").write_text(CONFIG.format(db=tmp_path / "bot.db"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "FRONTDESK_"))}
    env.update(FRONTDESK_CONFIG=str(tmp_path / "frontdesk.toml"),
               FRONTDESK_CONTENT=str(SLACK_CONTENT), HOME=str(tmp_path),
               SLACK_API_URL=fake.api_url, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_APP_TOKEN=APP_TOKEN,
               **extra)
    return env


def test_serve_socket_re_escalates_and_expires_a_page(tmp_path: Path) -> None:
    with PagingFake() as fake:
        process = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--socket"],
                                   env=serve_env(tmp_path, fake), stderr=subprocess.DEVNULL)
        try:
            assert fake.socket_connected.wait(20), "the process did not connect"
            fake.wait_ack(fake.send_envelope(
                "slash_commands", command_body(STAFF, "officer with a search warrant")),
                timeout=10)
            dm = fake.dm_channel(STAFF)
            director = fake.wait_for("chat.postMessage", lambda c: c.args.get("channel") ==
                                     fake.dm_channel("UDIR") and "Director (no acknowledgement"
                                     in str(c.args.get("blocks")), timeout=15)
            assert director
            [expired] = fake.wait_for("chat.postMessage", lambda c: c.args.get("channel") == dm
                                      and "Nobody acknowledged the page in time" in str(
                                          c.args.get("text")), timeout=15)
            assert "Call the Library Director's mobile" in expired.args["text"]
            fake.wait_for("chat.update", lambda c: c.args.get("channel") == dm and "What to do "
                          "next" in str(c.args.get("blocks")), timeout=10)
        finally:
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=10) == 0


def test_serve_anchors_the_audit_chain_to_its_checkpoint_file(tmp_path: Path) -> None:
    """The audit-checkpoint task is wired into `frontdesk serve`'s scheduler: once a case has
    written events, the running process appends the chain's head to the file named by
    FRONTDESK_AUDIT_CHECKPOINTS, and `frontdesk audit verify` accepts the chain against it."""
    from bot.store.audit import read_checkpoints

    checkpoints = tmp_path / "anchors" / "audit.checkpoints"
    checkpoints.parent.mkdir()
    with PagingFake() as fake:
        env = serve_env(tmp_path, fake, FRONTDESK_AUDIT_CHECKPOINTS=str(checkpoints))
        process = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--socket"], env=env,
                                   stderr=subprocess.DEVNULL)
        try:
            assert fake.socket_connected.wait(20), "the process did not connect"
            assert not checkpoints.exists()  # nothing to anchor before the first event
            fake.wait_ack(fake.send_envelope(
                "slash_commands", command_body(STAFF, "officer with a search warrant")),
                timeout=10)
            fake.wait_for("chat.postMessage", lambda c: c.args.get("channel") ==
                          fake.dm_channel("UPIC"), timeout=15)
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and not read_checkpoints(checkpoints):
                time.sleep(0.1)
            [anchor] = read_checkpoints(checkpoints)
            assert anchor.seq > 0
        finally:
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=10) == 0
    verified = subprocess.run(
        [sys.executable, "-m", "bot", "audit", "verify", "--checkpoints", str(checkpoints),
         "--database-url", f"sqlite:///{tmp_path / 'bot.db'}"],
        env=env, capture_output=True, text=True, timeout=60)
    assert verified.returncode == 0, verified.stdout + verified.stderr
