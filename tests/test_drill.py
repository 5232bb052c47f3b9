"""Drill mode: realistic cases, the library's answer and the differences, scores per staff
member (no patron data), nobody paged."""

from __future__ import annotations

import random
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import inspect, text

from bot.cli import main
from bot.content.catalogue import Catalogue
from bot.content.flows import NOT_SURE
from bot.faces.terminal.drill import run_drill
from bot.review.drill import (
    MAX_SCORE,
    expected,
    grade,
    pick_case,
    practice_report,
    record_result,
)
from bot.store import Database
from bot.store.drills import DrillStore, drill_attempts


def test_cases_are_real_paths_without_not_sure(catalogue: Catalogue) -> None:
    rng = random.Random(7)
    seen = set()
    for _ in range(40):
        case = pick_case(catalogue, "jackson-county", rng)
        seen.add(case.flow)
        assert all(choice != NOT_SURE for _, choice in case.path.steps)
        assert len(case.known) == len(case.path.steps)
        assert case.library_name == "Jackson County Library District"
    assert len(seen) >= 8  # situations are drawn evenly, not by their number of paths


def test_grading_scores_and_explains(catalogue: Catalogue) -> None:
    rng = random.Random(1)
    case = pick_case(catalogue, "mahomet", rng, "parent-requests-child-records")
    outcome = expected(catalogue, case)
    urgency = outcome.escalate.urgency if outcome.escalate.pages else "none"
    right = grade(catalogue, case, outcome.decision, urgency)
    assert right.perfect and right.score == MAX_SCORE and not right.differences

    # Find a withhold case and answer "give them what they asked for".
    while expected(catalogue, case).decision != "withhold":
        case = pick_case(catalogue, "mahomet", rng, "parent-requests-child-records")
    wrong = grade(catalogue, case, "disclose", "immediate")
    assert wrong.score <= 1
    assert any("Careful: you would have released" in d for d in wrong.differences)


def test_terminal_drill_records_scores_and_pages_nobody(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    db = Database(f"sqlite:///{tmp_path / 'drill.db'}")
    store = DrillStore(db)
    said: list[str] = []
    answers = iter(["1", "3", "withhold", "none"])
    results = run_drill(
        catalogue,
        "westmont",
        "staff-17",
        read=lambda _prompt: next(answers),
        say=said.append,
        rng=random.Random(11),
        record=lambda r: record_result(store, "staff-17", "terminal", r),
        rounds=2,
    )
    assert len(results) == 2
    output = "\n".join(said)
    assert "practice only: nobody is paged" in output
    assert "Your library's answer:" in output and "POLICY (Westmont Public Library)" in output
    assert "(Drill: nobody was paged.)" in output
    practice = store.practice("westmont")
    assert sum(p.attempts for p in practice) == 2 and {p.staff for p in practice} == {"staff-17"}
    tables = set(inspect(db.engine).get_table_names())
    with db.engine.connect() as conn:
        for table in ("escalations", "outbox", "audit_events", "conversations"):
            if table in tables:
                assert conn.execute(text(f"select count(*) from {table}")).scalar() == 0, table
    # Only ids and scores are kept: no free text, nothing about a patron.
    assert {c.name for c in drill_attempts.columns} == {
        "id", "staff", "face", "library", "flow", "path", "outcome", "expected_decision",
        "expected_urgency", "given_decision", "given_urgency", "score", "max_score",
        "created_at",
    }
    report = practice_report(practice, catalogue)
    assert "staff-17" in report and "nobody has practised" in report


def test_cli_drill_and_report(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    result = runner.invoke(
        main,
        ["drill", "--library", "calumet", "--staff", "desk-2", "--rounds", "1", "--seed", "5",
         "--database-url", url],
        input="1\n1\n",
    )
    assert result.exit_code == 0, result.output
    assert "DRILL — Calumet Public Library" in result.output and "desk-2:" in result.output
    report = runner.invoke(main, ["drill", "--report", "--library", "calumet",
                                  "--database-url", url])
    assert report.exit_code == 0 and "desk-2" in report.output
    unknown = runner.invoke(main, ["drill", "--library", "nowhere", "--database-url", url])
    assert unknown.exit_code == 2


# --- Slack: /frontdesk drill, the buttons, and the practice report ------------------------


def test_slack_drill_blocks_are_valid(catalogue: Catalogue) -> None:
    from bot.faces.slack.listeners.practice import decision_blocks, result_blocks, urgency_blocks
    from tests.fakeslack import block_errors

    rng = random.Random(2)
    for library in sorted(catalogue.packs):
        for _ in range(15):
            case = pick_case(catalogue, library, rng)
            assert block_errors(decision_blocks(case)) == []
            assert block_errors(urgency_blocks(catalogue, case, "withhold")) == []
            result = grade(catalogue, case, "disclose", "none")
            assert block_errors(result_blocks(catalogue.pack(library), result)) == []


def test_slack_drill_end_to_end(catalogue: Catalogue, tmp_path: Path) -> None:
    import json as _json
    from types import SimpleNamespace

    from slack_bolt import App, BoltRequest
    from slack_sdk import WebClient

    from bot.config import parse_config
    from bot.faces.slack.app import guard
    from bot.faces.slack.listeners import practice
    from tests.fakeslack import FakeSlack
    from tests.slack_support import actions_body, command_body

    db = Database(f"sqlite:///{tmp_path / 'slack.db'}")
    config = parse_config({"library": "mahomet", "roles": {"privacy-in-charge": ["UPIC"]}})
    from bot.store.slack_state import SlackState

    services = SimpleNamespace(config=config, catalogue=catalogue, database=db,
                               slack_state=SlackState(db))
    with FakeSlack() as fake:
        client = WebClient(token="xoxb-test", base_url=fake.api_url)
        app = App(client=client, signing_secret="s", request_verification_enabled=False,
                  token_verification_enabled=False, process_before_response=True,
                  before_authorize=guard(services.slack_state))  # stored before it is acked
        practice.register(app, services)

        def dispatch(body: dict) -> dict:  # type: ignore[type-arg]
            response = app.dispatch(BoltRequest(body=body, mode="socket_mode"))
            assert response.status == 200, response.body
            try:
                return _json.loads(response.body) if response.body else {}
            except ValueError:
                return {"text": response.body}

        acked = dispatch(command_body("USTAFF", "drill"))
        assert "nobody is paged" in acked["text"].lower()
        (posted,) = fake.wait_for("chat.postMessage")
        blocks = posted.args["blocks"]
        blocks = _json.loads(blocks) if isinstance(blocks, str) else blocks
        decision = blocks[-1]["elements"][0]  # "Share nothing"
        channel, ts = posted.args["channel"], posted.response["ts"]
        dispatch(actions_body("USTAFF", channel, ts, None, decision))
        (updated,) = fake.wait_for("chat.update")
        blocks = updated.args["blocks"]
        blocks = _json.loads(blocks) if isinstance(blocks, str) else blocks
        urgency = blocks[-1]["elements"][2]  # "Get the Director right now"
        assert "Director" in urgency["text"]["text"]
        dispatch(actions_body("USTAFF", channel, ts, None, urgency))
        fake.wait_for("chat.update", lambda c: "Score" in str(c.args.get("blocks")))

        practice_rows = DrillStore(db).practice("mahomet")
        assert [p.staff for p in practice_rows] == ["USTAFF"]
        assert not fake.calls_to("chat.postMessage", lambda c: c.args["channel"] != channel)

        denied = dispatch(command_body("USTAFF", "drill report"))
        assert "Only the privacy in-charge" in denied["text"]
        report = dispatch(command_body("UPIC", "drill report"))
        assert "USTAFF" in report["text"]
