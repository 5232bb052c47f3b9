"""Engine steps on the small fixture flow: answers by id, number, words; back; start over."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.content.catalogue import Catalogue
from bot.engine import back, start, start_over, step
from bot.engine.conversation import Conversation
from bot.engine.step import answer, view
from bot.errors import UnknownName
from bot.store import ConversationStore, Database
from tests.conftest import FIXTURE_CONTENT

LIB, FLOW = "testville", "desk-request"


def test_start_asks_the_first_question(fixture_catalogue: Catalogue) -> None:
    current = start(fixture_catalogue, LIB, FLOW)
    assert current.status == "asking"
    assert current.question is not None and current.question.id == "who"


@pytest.mark.parametrize("said", ["parent", "1", "A parent", "mom", "a parnet", "  MOM  "])
def test_answers_by_id_number_label_synonym_or_typo(
    fixture_catalogue: Catalogue, said: str
) -> None:
    current = step(fixture_catalogue, start(fixture_catalogue, LIB, FLOW).conversation, said)
    assert current.outcome is not None, current.not_understood
    assert current.outcome.id == "fines-only"
    assert current.outcome.decision == "disclose-limited"


@pytest.mark.parametrize("said", ["banana", "9", "", "the weather"])
def test_unclear_input_asks_again(fixture_catalogue: Catalogue, said: str) -> None:
    first = start(fixture_catalogue, LIB, FLOW)
    current = step(fixture_catalogue, first.conversation, said)
    assert current.question is not None and current.question.id == "who"
    assert current.not_understood == said
    assert current.conversation.answers == ()


def test_branch_follows_the_library_fact_and_resolves_text(fixture_catalogue: Catalogue) -> None:
    current = step(fixture_catalogue, start(fixture_catalogue, LIB, FLOW).conversation, "cop")
    current = step(fixture_catalogue, current.conversation, "court order")
    outcome = current.outcome
    assert outcome is not None and outcome.id == "comply"
    assert outcome.headline == "Court order: get the Director now"
    assert [c.clause for c in outcome.citations] == ["2"]
    assert outcome.citations[0].text == (
        "2. Records are released only on a court order presented to the Director."
    )
    assert outcome.escalate.roles == ("privacy-in-charge",)
    assert outcome.escalate.urgency == "immediate"


def test_back_and_start_over(fixture_catalogue: Catalogue) -> None:
    current = step(fixture_catalogue, start(fixture_catalogue, LIB, FLOW).conversation, "officer")
    assert current.question is not None and current.question.id == "document"
    current = step(fixture_catalogue, current.conversation, "back")
    assert current.question is not None and current.question.id == "who"
    current = step(fixture_catalogue, current.conversation, "officer")
    current = step(fixture_catalogue, current.conversation, "nothing")
    assert current.outcome is not None and current.outcome.id == "withhold"
    assert back(fixture_catalogue, current.conversation).question.id == "document"
    again = start_over(fixture_catalogue, current.conversation)
    assert again.question is not None and again.question.id == "who"
    assert again.conversation.answers == ()


def test_changing_an_earlier_answer_keeps_later_answers_that_still_apply(
    fixture_catalogue: Catalogue,
) -> None:
    current = step(fixture_catalogue, start(fixture_catalogue, LIB, FLOW).conversation, "officer")
    current = step(fixture_catalogue, current.conversation, "court order")
    changed = answer(fixture_catalogue, current.conversation, "who", "parent")
    assert changed.outcome is not None and changed.outcome.id == "fines-only"
    restored = answer(fixture_catalogue, changed.conversation, "who", "officer")
    assert restored.outcome is not None and restored.outcome.id == "comply"


def test_not_sure_is_always_safe(fixture_catalogue: Catalogue) -> None:
    current = step(fixture_catalogue, start(fixture_catalogue, LIB, FLOW).conversation, "not sure")
    assert current.outcome is not None
    assert current.outcome.decision == "withhold"
    assert "privacy-in-charge" in current.outcome.escalate.roles


def test_transcript_keeps_only_redacted_words(fixture_catalogue: Catalogue) -> None:
    first = start(fixture_catalogue, LIB, FLOW)
    current = step(
        fixture_catalogue, first.conversation, "mom of patron named Jane Doe 21234000123456"
    )
    text = json.dumps(current.conversation.to_json())
    assert "Jane" not in text and "21234000123456" not in text


def test_unknown_library_or_flow(fixture_catalogue: Catalogue) -> None:
    with pytest.raises(UnknownName, match="unknown library 'nowhere'"):
        start(fixture_catalogue, "nowhere", FLOW)
    with pytest.raises(UnknownName, match="unknown flow 'nothing'"):
        start(fixture_catalogue, LIB, "nothing")


def test_conversation_survives_a_restart(tmp_path, fixture_catalogue: Catalogue) -> None:
    url = f"sqlite:///{tmp_path / 'fd.db'}"
    current = step(fixture_catalogue, start(fixture_catalogue, LIB, FLOW).conversation, "officer")
    ConversationStore(Database(url)).save(
        current.conversation, user_id="U1", face="test", status=current.status
    )
    reopened = ConversationStore(Database(url)).load(current.conversation.id)  # a new process
    assert reopened is not None
    assert reopened.conversation == current.conversation
    resumed = step(fixture_catalogue, reopened.conversation, "court order")
    assert resumed.outcome is not None and resumed.outcome.id == "comply"
    assert Conversation.from_json(current.conversation.to_json()) == current.conversation
    assert view(fixture_catalogue, reopened.conversation).question.id == "document"


def run_cli(*args: str):
    return CliRunner().invoke(main, [*args, "--content", str(FIXTURE_CONTENT)])


def test_run_prints_the_json_contract() -> None:
    result = run_cli("run", "--library", LIB, "--flow", FLOW, "--say", "officer", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) >= {"library", "flow", "status", "question", "outcome", "transcript"}
    assert data["status"] == "asking" and data["outcome"] is None
    assert data["question"]["id"] == "document"
    assert {"id": "court-order", "label": "A court order"} in data["question"]["choices"]
    done = json.loads(
        run_cli(
            "run",
            "--library",
            LIB,
            "--flow",
            FLOW,
            "--say",
            "officer",
            "--say",
            "court-order",
            "--json",
        ).output
    )
    assert done["status"] == "done" and done["question"] is None
    outcome = done["outcome"]
    assert set(outcome) >= {
        "id",
        "headline",
        "decision",
        "do",
        "never",
        "say",
        "citations",
        "escalate",
    }
    assert outcome["citations"][0]["clause"] == "2"
    assert outcome["escalate"] == {"roles": ["privacy-in-charge"], "urgency": "immediate"}
    assert [t["choice"] for t in done["transcript"]] == ["officer", "court-order"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--library", "nowhere", "--flow", FLOW), "unknown library 'nowhere'"),
        (("--library", LIB, "--flow", "nothing"), "unknown flow 'nothing'"),
    ],
)
def test_run_unknown_names_exit_2_with_one_line(args: tuple[str, ...], message: str) -> None:
    result = run_cli("run", *args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_version_and_help() -> None:
    assert "frontdesk, version" in CliRunner().invoke(main, ["--version"]).output
    help_text = CliRunner().invoke(main, ["--help"]).output
    for command in ("check", "chat", "run", "coverage"):
        assert command in help_text


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_saving_the_same_conversation_from_two_threads_never_collides(
    tmp_path, fixture_catalogue, backend: str
) -> None:
    """Two instances may save a brand-new conversation at the same moment (an upsert)."""
    from concurrent.futures import ThreadPoolExecutor

    from tests.escalation_support import fresh_postgres_database, postgres_admin_url

    if backend == "postgresql":
        if not postgres_admin_url():
            pytest.skip("no PostgreSQL server: set FRONTDESK_TEST_POSTGRES_URL (.ci/run does)")
        url, drop = fresh_postgres_database()
    else:
        url, drop = f"sqlite:///{tmp_path / 'race.db'}", (lambda: None)
    database = Database(url)
    store = ConversationStore(database)
    import threading

    views = [start(fixture_catalogue, LIB, FLOW) for _ in range(20)]
    threads = 6
    barrier = threading.Barrier(threads)

    def save_all(_: int) -> None:
        for current in views:  # every thread saves the same new conversation at the same moment
            barrier.wait(timeout=20)
            store.save(current.conversation, user_id="U1", face="test", status="done")

    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(save_all, range(threads)))
    saved = store.recent("U1", limit=100)
    database.dispose()
    drop()
    assert len(saved) == 20
    assert {s.status for s in saved} == {"done"}
