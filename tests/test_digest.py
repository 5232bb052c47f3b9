"""The director's digest from a seeded store: cases, decisions, acknowledgement times, expired
pages, "Not sure" and abandonment; text, HTML, JSON, a PNG chart and Slack blocks."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import MetaData, Table, insert, inspect, update

from bot.cli import main
from bot.content.catalogue import Catalogue
from bot.engine import start, step
from bot.review.digest import (
    build_digest,
    chart_png,
    parse_since,
    percentile,
    slack_blocks,
    to_html,
    to_text,
)
from bot.store import ConversationStore, Database
from bot.store.schema import conversations

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
PARENTS = "parent-requests-child-records"


def _converse(catalogue, store, db, library, flow, says, *, created, updated=None):  # type: ignore[no-untyped-def]
    view = start(catalogue, library, flow)
    for said in says:
        view = step(catalogue, view.conversation, said)
    store.save(view.conversation, user_id="U1", face="slack", status=view.status,
               outcome=view.outcome.id if view.outcome else None)
    with db.engine.begin() as conn:
        conn.execute(update(conversations).where(conversations.c.id == view.conversation.id)
                     .values(created_at=created, updated_at=updated or created))
    return view


@pytest.fixture
def seeded(catalogue: Catalogue, tmp_path: Path) -> Database:
    db = Database(f"sqlite:///{tmp_path / 'digest.db'}")
    store = ConversationStore(db)
    day = timedelta(days=1)
    done = _converse(catalogue, store, db, "mahomet", PARENTS,
                     ["yes", "fines", "parent-or-guardian"], created=NOW - 2 * day)
    assert done.outcome is not None and done.outcome.decision == "disclose-limited"
    _converse(catalogue, store, db, "mount-prospect", "law-enforcement-request", ["not-sure"],
              created=NOW - day)
    _converse(catalogue, store, db, "westmont", PARENTS, ["yes"],
              created=NOW - timedelta(hours=3))  # abandoned at "what does the parent want"
    _converse(catalogue, store, db, "westmont", PARENTS, ["yes"],
              created=NOW - timedelta(minutes=5))  # still in progress
    _converse(catalogue, store, db, "calumet", PARENTS, ["yes"],
              created=NOW - 10 * day)  # before the period
    if inspect(db.engine).has_table("escalations"):
        table = Table("escalations", MetaData(), autoload_with=db.engine)
        base = {"library": "mahomet", "reason": "outcome", "asked_by": "U1", "face": "slack",
                "level": 0, "repeat": 0}
        rows = [("e1", 60, "acknowledged", "immediate"), ("e2", 120, "acknowledged", "prompt"),
                ("e3", 600, "resolved", "immediate"), ("e4", None, "expired", "immediate")]
        with db.engine.begin() as conn:
            for ident, wait, state, urgency in rows:
                created = NOW - day
                conn.execute(insert(table).values(
                    id=ident, dedupe_key=ident, state=state, urgency=urgency,
                    created_at=created, updated_at=created,
                    acked_at=created + timedelta(seconds=wait) if wait else None,
                    expired_at=created + timedelta(minutes=30) if wait is None else None,
                    **base))
    return db


def test_digest_counts(catalogue: Catalogue, seeded: Database) -> None:
    digest = build_digest(catalogue, seeded, NOW - timedelta(days=7), now=NOW)
    assert digest.conversations == 4
    assert (digest.finished, digest.abandoned, digest.in_progress) == (2, 1, 1)
    by_flow = {s.flow: s.cases for s in digest.situations}
    assert by_flow == {PARENTS: 3, "law-enforcement-request": 1}
    assert digest.decisions == {"disclose-limited": 1, "withhold": 1}
    assert digest.not_sure_conversations == 1 and digest.not_sure_rate == 0.25
    ((where, count),) = digest.abandoned_at.items()
    assert "What does the parent want to know?" in where and count == 1
    esc = digest.escalations
    assert esc is not None
    assert (esc.total, esc.acked, esc.expired) == (4, 3, 1)
    assert esc.ack_median == 120 and esc.ack_p90 == 600


def test_digest_for_one_library(catalogue: Catalogue, seeded: Database) -> None:
    digest = build_digest(catalogue, seeded, NOW - timedelta(days=7), library="mahomet", now=NOW)
    assert digest.conversations == 1 and digest.escalations and digest.escalations.total == 4


def test_outputs(catalogue: Catalogue, seeded: Database) -> None:
    digest = build_digest(catalogue, seeded, NOW - timedelta(days=7), now=NOW)
    text_out = to_text(digest)
    assert "median 2.0 min, p90 10.0 min" in text_out
    assert "Expired pages (nobody acknowledged in time): 1." in text_out
    assert '25% of cases had a "Not sure" answer' in text_out
    html = to_html(digest)
    assert "<svg" in html and "&#34;Not sure&#34;" in html
    png = chart_png(digest)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        assert image.width == 900 and image.height > 100
    blocks = slack_blocks(digest)
    assert blocks[0]["type"] == "header" and len(blocks) <= 50
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in blocks)
    json.dumps(digest.to_json())


def test_since_and_percentile() -> None:
    assert parse_since("7d", NOW) == NOW - timedelta(days=7)
    assert parse_since("24h", NOW) == NOW - timedelta(hours=24)
    assert parse_since("2026-11-01", NOW) == datetime(2026, 11, 1, tzinfo=UTC)
    with pytest.raises(ValueError, match="--since"):
        parse_since("last tuesday", NOW)
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90) == 9
    assert percentile([5], 90) == 5


def test_cli(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    runner = CliRunner()
    chart = tmp_path / "chart.png"
    result = runner.invoke(main, ["digest", "--since", "7d", "--database-url", url,
                                  "--chart", str(chart)])
    assert result.exit_code == 0, result.output
    assert "Director's digest — all libraries" in result.output
    assert chart.read_bytes()[:4] == b"\x89PNG"
    html = runner.invoke(main, ["digest", "--format", "html", "--database-url", url])
    assert html.exit_code == 0 and html.output.startswith("<!doctype html>")
    bad = runner.invoke(main, ["digest", "--since", "soon", "--database-url", url])
    assert bad.exit_code == 2


def test_weekly_digest_dm_with_chart_file(catalogue: Catalogue, seeded: Database) -> None:
    from types import SimpleNamespace

    from slack_sdk import WebClient

    from bot.config import parse_config
    from bot.faces.slack.listeners.practice import digest_message, send_weekly_digest
    from tests.fakeslack import FakeSlack, block_errors

    text_, blocks, png = digest_message(catalogue, seeded, None, 7, now=NOW)
    assert block_errors(blocks) == [] and png[:4] == b"\x89PNG" and "4 cases" in text_
    config = parse_config({"library": "mahomet", "roles": {"director": ["UDIR"]}})
    services = SimpleNamespace(config=config, catalogue=catalogue, database=seeded)
    with FakeSlack() as fake:
        client = WebClient(token="xoxb-test", base_url=fake.api_url)
        assert send_weekly_digest(client, services) == 1
        (dm,) = fake.wait_for("chat.postMessage")
        assert dm.args["channel"] == fake.dm_channel("UDIR")
        fake.wait_for("files.completeUploadExternal")
