"""The terminal face end to end: typed lines in, rendered guidance out, state saved."""

from __future__ import annotations

import subprocess
import sys

from bot.content.catalogue import Catalogue
from bot.store import ConversationStore, Database
from tests.conftest import FIXTURE_CONTENT
from tests.terminal_support import chat


def converse(catalogue: Catalogue, lines: list[str], store=None) -> str:
    return "\n".join(chat(catalogue, "testville", lines, store=store))


def test_a_whole_conversation_shows_outcome_quotes_and_page(fixture_catalogue, tmp_path) -> None:
    store = ConversationStore(Database(f"sqlite:///{tmp_path / 'chat.db'}"))
    out = converse(fixture_catalogue, ["1", "cop", "court order", "quit"], store)
    assert "Who is asking?" in out
    assert "Court order: get the Director now\n→ Share it with them\n" in out
    assert "PAGING (immediate): Director" in out
    # The policy's words are one 'policy' away, not on the first screen.
    assert "Records are released only on a court order presented to the Director." not in out
    assert "(Type 'policy' for the 1 policy clause this rests on" in out
    assert out.rstrip().endswith("Bye.")
    saved = store.recent("terminal")
    assert saved and saved[0].status == "done" and saved[0].outcome == "comply"


def test_urgent_outcomes_put_never_before_do(fixture_catalogue) -> None:
    out = converse(fixture_catalogue, ["1", "officer", "court order"])
    assert out.index("✗ ") < out.index("1. Call the Director.")


def test_unclear_answer_is_asked_again_and_ctrl_d_exits(fixture_catalogue) -> None:
    out = converse(fixture_catalogue, ["1", "zebra"])
    assert 'I didn\'t catch "zebra"' in out
    assert out.rstrip().endswith("Bye.")


def test_chat_command_runs_in_a_real_process(tmp_path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--library", "testville",
         "--content", str(FIXTURE_CONTENT)],
        input="1\nmom\nquit\n", capture_output=True, text=True, timeout=60,
        env={"FRONTDESK_DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}", "PATH": "/usr/bin:/bin",
             "HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    assert "Tell the parent the fines and fees only" in result.stdout
    assert "Traceback" not in result.stderr
