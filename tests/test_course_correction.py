"""Course correction in every face, end to end: "back", "start over" and "change", each at a
question and after an outcome; "This is something else" back to the situations, keeping what
the opening message stated and paging nothing.

Each scenario is played, with the same meaning, through the terminal (the real `frontdesk
chat` process, input piped), the script (`frontdesk run --json`) and Slack (the real app over
signed HTTP against the fake Slack). Each face must end the case at the same place, under the
same situation, with the same number of pages raised. The engine's restart, back and change
branches are what every face relies on: remove one and these fail in all three.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bot.cli import main
from bot.content.catalogue import Catalogue
from bot.engine import view
from bot.store import ConversationStore, Database
from bot.store.audit import AuditLog
from bot.store.paging_tables import escalations
from tests.escalation_support import frontdesk_cmd, subprocess_env
from tests.slack_support import LIBRARY, SLACK_CONTENT, STAFF, SlackBot, bot_on_test_library

POLICE = "police-request"
LOST = "lost-property"
TITLES = {POLICE: "Police ask about a patron", LOST: "Someone asks about lost property"}
ASKED = "a police officer at the desk wants to know what a patron borrowed"  # nothing stated
WARRANT = "police officer at the desk with a search warrant"  # states the document: to the outcome


@dataclass(frozen=True)
class Change:
    """Typed "change", then the ``number``-th answer so far re-answered with ``label``."""

    number: int
    question: str
    ask: str
    label: str


@dataclass(frozen=True)
class Pick:
    """After "something else": the situation picked from the list."""

    flow: str


Action = str | Change | Pick
TO_WARRANT = Change(1, "document", "What does the officer have?", "A search warrant")


@dataclass(frozen=True)
class Scenario:
    opening: str
    actions: Sequence[Action]
    flow: str  # where the case ends: its situation,
    at: str  # the question it asks or the outcome it stands at,
    pages: int  # and the pages it raised (a correction updates or withdraws, never adds)


SCENARIOS = {
    "back at a question": Scenario(ASKED, ["nothing in writing", "back"], POLICE, "document", 0),
    "start over at a question": Scenario(ASKED, ["nothing in writing", "start over"], POLICE,
                                         "document", 0),
    "change at a question": Scenario(ASKED, ["nothing in writing", TO_WARRANT], POLICE,
                                     "warrant", 1),
    "back after an outcome": Scenario(ASKED, ["a search warrant", "back"], POLICE, "document",
                                      1),
    "start over after an outcome": Scenario(ASKED, ["nothing in writing", "no", "start over"],
                                            POLICE, "document", 1),
    "change after an outcome": Scenario(ASKED, ["nothing in writing", "no", TO_WARRANT], POLICE,
                                        "warrant", 1),
    # The opening's facts survive the switch: the warrant it stated is not asked again.
    "something else after an outcome keeps the opening": Scenario(
        WARRANT, ["something else", Pick(POLICE)], POLICE, "warrant", 1),
    "something else at a question pages nothing": Scenario(
        ASKED, ["something else", Pick(LOST)], LOST, "found", 0),
}


@dataclass(frozen=True)
class Ended:
    flow: str
    at: str
    pages: int


def where(catalogue: Catalogue, state: object) -> str:
    current = view(catalogue, state)  # type: ignore[arg-type]
    if current.outcome is not None:
        return current.outcome.id
    assert current.question is not None
    return current.question.id


# --- the three faces ------------------------------------------------------------------------

def in_the_terminal(catalogue: Catalogue, scenario: Scenario, tmp_path: Path) -> Ended:
    lines = [scenario.opening]
    for action in scenario.actions:
        if isinstance(action, Change):
            lines += ["change", str(action.number), action.label]
        elif isinstance(action, Pick):
            lines.append(TITLES[action.flow])
        else:
            lines.append(action)
    url = f"sqlite:///{tmp_path / 'terminal.db'}"
    done = subprocess.run(
        frontdesk_cmd("chat", "--content", str(SLACK_CONTENT), "--library", LIBRARY,
                      "--database-url", url, "--forms-dir", str(tmp_path)),
        input="\n".join(lines) + "\n", env=subprocess_env(NO_COLOR="1"), capture_output=True,
        text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    database = Database(url)
    [case] = {row.conversation_id for row in AuditLog(database).rows()
              if row.kind.startswith("case.")}
    stored = ConversationStore(database).load(case)
    assert stored is not None, done.stdout
    with database.engine.connect() as conn:
        raised = conn.execute(select(escalations)).all()
    return Ended(stored.conversation.flow, where(catalogue, stored.conversation), len(raised))


def in_the_script(scenario: Scenario) -> Ended:
    said = [scenario.opening]
    for action in scenario.actions:
        if isinstance(action, Change):
            said.append(f"change {action.question} {action.label}")
        elif isinstance(action, Pick):
            said.append(action.flow)
        else:
            said.append(action)
    result = CliRunner().invoke(main, ["run", "--json", "--content", str(SLACK_CONTENT),
                                       "--library", LIBRARY,
                                       *[part for line in said for part in ("--say", line)]])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    at = data["outcome"]["id"] if data["outcome"] else data["question"]["id"]
    raised = [page for page in data["pages"] if page["action"] == "raised"]
    return Ended(data["flow"], at, len(raised))


def in_slack(bot: SlackBot, scenario: Scenario) -> Ended:
    bot.command(STAFF, scenario.opening)
    root, current = bot.posts(2)
    for action in scenario.actions:
        if isinstance(action, Change):
            bot.reply(STAFF, root.channel, root.ts, "change")
            bot.click(STAFF, bot.post(), f"Change: {action.ask}")
            bot.click(STAFF, bot.post(), action.label)
        elif isinstance(action, Pick):
            bot.click(STAFF, current, TITLES[action.flow])
        else:
            bot.reply(STAFF, root.channel, root.ts, action)
        current = bot.post()
    bot.settle()
    thread = bot.state.thread(root.channel, root.ts)
    assert thread is not None and thread.conversation is not None
    with bot.runtime.services.database.engine.connect() as conn:
        raised = conn.execute(select(escalations).where(
            escalations.c.conversation_id == thread.conversation.id)).all()
    catalogue = bot.runtime.services.catalogue
    return Ended(thread.conversation.flow, where(catalogue, thread.conversation), len(raised))


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlackBot]:
    with bot_on_test_library(tmp_path_factory.mktemp("slack")) as running:
        yield running


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_face_corrects_the_course_the_same_way(name: str, bot: SlackBot,
                                                     tmp_path: Path) -> None:
    scenario = SCENARIOS[name]
    expected = Ended(scenario.flow, scenario.at, scenario.pages)
    catalogue = bot.runtime.services.catalogue
    assert in_the_script(scenario) == expected, "script"
    assert in_the_terminal(catalogue, scenario, tmp_path) == expected, "terminal"
    assert in_slack(bot, scenario) == expected, "slack"


AMBIGUOUS = "guy wants info on a patron, has a subpoena"  # Did you mean: states the paper
PAPERS = "Legal papers served on the library"
SUBPOENA = "I understood: What kind of paper is it? → A subpoena"


def piped_chat(tmp_path: Path, *lines: str) -> str:
    """`frontdesk chat` on the bundled Mount Prospect pack, ``lines`` piped in."""
    done = subprocess.run(
        frontdesk_cmd("chat", "--library", "mount-prospect", "--database-url",
                      f"sqlite:///{tmp_path / 'chat.db'}", "--forms-dir", str(tmp_path)),
        input="\n".join(lines) + "\n", env=subprocess_env(NO_COLOR="1"), capture_output=True,
        text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_did_you_mean_pick_and_something_else_keep_the_opening_in_the_piped_terminal(
        tmp_path: Path) -> None:
    offered = piped_chat(tmp_path, AMBIGUOUS)
    menu = offered[offered.index("Did you mean:"):].splitlines()
    [number] = [line.split(".")[0].strip() for line in menu if line.endswith(PAPERS)]
    said = piped_chat(tmp_path, AMBIGUOUS, number, "something else", PAPERS)
    # Picked from "Did you mean", then picked again after "something else": both times the
    # paper the opening message named is understood, not asked.
    assert said.count(SUBPOENA) == 2, said
    assert "Back to the situations. Nothing was paged for this switch." in said
    assert "PAGED" not in said


POLICE_REAL = "Police or other law enforcement ask about a patron"


@pytest.fixture(scope="module")
def real_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlackBot]:
    """The Slack app on the bundled Mount Prospect pack (its router offers "Did you mean")."""
    from tests.fakeslack import FakeSlack

    with FakeSlack() as fake:
        running = SlackBot.start(fake, Catalogue.load(Path(__file__).resolve().parents[1]),
                                 tmp_path_factory.mktemp("real"),
                                 config={"library": "mount-prospect"})
        try:
            yield running
        finally:
            running.stop()


def test_a_did_you_mean_pick_then_something_else_keeps_the_whole_opening_in_slack(
        real_bot: SlackBot, tmp_path: Path) -> None:
    """Picked from "Did you mean" (legal papers), then "something else", then the police
    situation: the subpoena the opening named is understood there too, as the engine (and the
    terminal) keep every situation's facts of the opening, not only the picked one's."""
    real_bot.command(STAFF, AMBIGUOUS)
    root, picker = real_bot.posts(2)
    assert "Did you mean" in picker.text
    real_bot.click(STAFF, picker, PAPERS)
    real_bot.click(STAFF, real_bot.post(), "🔀 This is something else")
    real_bot.click(STAFF, real_bot.post(), POLICE_REAL)
    real_bot.settle()
    thread = real_bot.state.thread(root.channel, root.ts)
    assert thread is not None and thread.conversation is not None
    assert thread.conversation.flow == "law-enforcement-request"
    assert thread.conversation.answer_map.get("document") == "subpoena", (
        thread.conversation.answer_map)
    # the terminal, the same lines: the same answer
    offered = piped_chat(tmp_path, AMBIGUOUS)
    menu = offered[offered.index("Did you mean:"):].splitlines()
    [number] = [line.split(".")[0].strip() for line in menu if line.endswith(PAPERS)]
    said = piped_chat(tmp_path, AMBIGUOUS, number, "something else", POLICE_REAL)
    assert "What does the officer have in writing? → A subpoena" in said, said
