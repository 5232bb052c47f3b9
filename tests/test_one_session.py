"""One session API for every face: the engine decides what each step did and writes the case
trail; the terminal, the script and Slack only render and collect input.

The same typed lines — an opening message, an answer, "back" at a question, an answer that
pages, "back" after the outcome, a corrected path to another outcome, "start over" after it —
go through the terminal chat, ``frontdesk run``'s script runner and a Slack thread (the real app
over signed HTTP against the fake Slack). All three write to one audit log; each case's trail
must be the same sequence of events. A face that recorded trail events itself, or re-derived a
step from the transcript, would drift from the others (the face name aside).
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.faces.script import route_script
from bot.store.audit import AuditLog
from tests.conftest import ROOT
from tests.slack_support import LIBRARY, STAFF, SlackBot, bot_on_test_library
from tests.terminal_support import chat

OPENING = "a police officer at the desk wants to know what a patron borrowed"
LINES = [
    "nothing in writing",  # moved on: is anyone in danger?
    "back",  # went back, at a question
    "a search warrant",  # an outcome that pages
    "back",  # went back, after the outcome
    "nothing in writing",
    "no",  # another outcome: the page is updated, not doubled
    "start over",  # started over, after the outcome
    "nothing in writing",
]


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[SlackBot]:
    with bot_on_test_library(tmp_path) as running:
        yield running


def trails(bot: SlackBot) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """Every case's trail in the app's audit log, by case id, in the order written."""
    found: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for row in AuditLog(bot.runtime.services.database).rows():
        if row.kind.startswith("case."):
            found.setdefault(row.conversation_id, []).append((row.kind, json.loads(row.data)))
    return found


def in_slack(bot: SlackBot) -> None:
    bot.command(STAFF, OPENING)
    root, _ = bot.posts(2)
    for line in LINES:
        bot.reply(STAFF, root.channel, root.ts, line)
        bot.post()
    bot.settle()


def test_the_same_answers_leave_the_same_case_trail_in_every_face(bot: SlackBot) -> None:
    catalogue = bot.runtime.services.catalogue
    service = bot.runtime.services.escalations
    in_slack(bot)
    chat(catalogue, LIBRARY, [OPENING, *LINES], escalations=service, user_id=STAFF)
    route_script(catalogue, LIBRARY, [OPENING, *LINES], sink=service, actor=STAFF)

    by_face: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for events in trails(bot).values():
        kind, opened = events[0]
        assert kind == "case.opened"
        by_face[opened.pop("face")] = events
    assert set(by_face) == {"slack", "terminal", "script"}
    assert by_face["terminal"] == by_face["slack"] == by_face["script"]
    kinds = [kind for kind, _ in by_face["slack"]]
    assert kinds == ["case.opened", "case.answer", "case.answer", "case.answer",
                     "case.outcome", "case.answer", "case.answer", "case.answer",
                     "case.outcome", "case.answer", "case.answer"]
    # Structured answers only: question and choice ids, never the words typed.
    answers = [data for kind, data in by_face["slack"] if kind == "case.answer"]
    assert {key for data in answers for key in data} <= {"question", "choice", "worded",
                                                          "prefilled"}
    assert [a["choice"] for a in answers] == ["nothing", "back", "warrant", "back", "nothing",
                                              "no", "start-over", "nothing"]


def _faces_source() -> Iterator[tuple[Path, ast.AST]]:
    for path in sorted((ROOT / "bot" / "faces").rglob("*.py")):
        yield path, ast.parse(path.read_text(), str(path))


def test_no_face_names_a_case_trail_event_or_reads_the_transcript() -> None:
    """The trail's events and what a step did are the engine's (``bot.engine.session.move``):
    a face that spells a ``case.*`` event or walks the transcript is deciding them itself.
    The script face may render the transcript into ``run --json``, nothing more."""
    for path, tree in _faces_source():
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert not node.value.startswith("case."), f"{path}:{node.lineno}: {node.value}"
            if isinstance(node, ast.Attribute) and node.attr == "transcript":
                assert path.name == "script.py", f"{path}:{node.lineno} reads the transcript"
