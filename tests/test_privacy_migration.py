"""Migration 60 on a database an older version wrote: the typed words it kept are gone.

The database is built as that version left it: every migration before 60 applied, then rows
in the shapes it wrote — answers with their ``said``, a page packet whose steps carry it and
whose question went through the older redactor, a page message with ``(typed: “…”)``, a
resolve note, a Slack request still waiting in the inbox, and case-trail events holding
``said``. After ``migrate`` (what ``serve`` and ``frontdesk migrate`` run) none of it is in
any table or in the file's bytes, the audit chain still verifies, and the rows still load.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, insert, select

from bot.engine.conversation import Conversation
from bot.store import Database
from bot.store.audit import AuditLog, append_event
from bot.store.migrations import MIGRATIONS, migrate, schema_migrations
from bot.store.paging_tables import escalations, outbox
from bot.store.slack_inbox import slack_inbox
from bot.store.txn import utcnow

TYPED = ["Jane Doe", "312-555-0199", "Kowalczyk", "jdoe77@example.com"]
OLD_REDACTOR_MISSED = ["kowalczyk"]  # a lone lower-case surname the older redactor left


def old_database(path: Path) -> str:
    """A SQLite file at every migration before 60, as the older version left it."""
    url = f"sqlite:///{path}"
    engine = create_engine(url)
    schema_migrations.metadata.create_all(engine)
    for version, name, apply in MIGRATIONS:
        if version >= 60:
            continue
        with engine.begin() as conn:
            conn.execute(insert(schema_migrations).values(version=version, name=name))
            apply(conn)
    engine.dispose()
    return url


def said_turn(question: str, choice: str, said: str) -> dict[str, object]:
    return {"question": question, "choice": choice, "said": said}


def write_old_rows(url: str) -> None:
    db = Database(url, migrate=False)
    now = utcnow()
    conversation = {
        "id": "c1", "library": "pagelib", "flow": "records-request",
        "answers": [["who", "police"]],
        "transcript": [said_turn("who", "police", "officer for Jane Doe 312-555-0199")],
    }
    packet = {
        "question": "should we tell the other branch? told kowalczyk no",
        "path": [{"question": "Who is asking?", "answer": "A police officer",
                  "said": "cop asking about Kowalczyk"}],
    }
    page_text = ("*Answers so far:*\n• Who is asking? → *A police officer* "
                 "(typed: “cop asking about Kowalczyk, jdoe77@example.com”)")
    meta = MetaData()
    meta.reflect(db.engine)
    with db.engine.begin() as conn:
        conn.execute(insert(meta.tables["conversations"]).values(
            id="c1", library="pagelib", flow="records-request", user_id="U1", channel="D1",
            face="slack", status="asking", outcome=None, state=json.dumps(conversation),
            created_at=now, updated_at=now))
        conn.execute(insert(meta.tables["slack_threads"]).values(
            channel="D1", thread_ts="1.1", user_id="U1", kind="dm", library="pagelib",
            status="asking", rev=1, conversation_id="c1", state=json.dumps(conversation),
            created_at=now, updated_at=now))
        conn.execute(insert(escalations).values(
            id="e1", dedupe_key="k1", library="pagelib", reason="page-now", urgency="immediate",
            asked_by="U1", face="slack", packet=json.dumps(packet), state="resolved", level=1,
            repeat=0, resolve_note="spoke to Jane Doe at 312-555-0199", created_at=now,
            updated_at=now, rung=1))
        conn.execute(insert(outbox).values(
            idempotency_key="page:e1:1", escalation_id="e1", kind="page", method="post",
            target="C1", payload=json.dumps({"text": page_text, "blocks": [
                {"type": "section", "text": {"type": "mrkdwn", "text": page_text}}]}),
            status="sent", attempts=1, maybe_sent=False, next_attempt_at=now, created_at=now))
        conn.execute(insert(meta.tables["status_messages"]).values(
            escalation_id="e1", channel="D1", ts="1.2", message=json.dumps({"text": page_text}),
            status="waiting", shown="waiting", created_at=now, updated_at=now))
        conn.execute(insert(slack_inbox).values(
            kind="event", body=json.dumps({"event": {"text": "told kowalczyk no"}}),
            user_id="U1", status="pending", owner="gone:1", attempts=0,
            lease_until=now + timedelta(seconds=30), received_at=now))
        for n in range(3):
            append_event(conn, db, "case.answer", library="pagelib", actor="U1",
                         conversation_id="c1",
                         data=said_turn("who", "police", f"Jane Doe #{n}, 312-555-0199"))
        append_event(conn, db, "case.outcome", library="pagelib", actor="U1",
                     conversation_id="c1", data={"outcome": "refer", "decision": "refer"})
    db.dispose()


def test_migration_60_scrubs_what_an_older_version_kept(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    url = old_database(path)
    write_old_rows(url)
    before = path.read_bytes().decode("utf-8", "replace")
    assert all(word in before for word in TYPED)  # the old version did keep them

    db = Database(url, migrate=False)
    assert 60 in migrate(db.engine)
    report = AuditLog(db).verify()
    meta = MetaData()
    meta.reflect(db.engine)
    with db.engine.connect() as conn:
        tables = {name: "\n".join(json.dumps([str(v) for v in row], ensure_ascii=False)
                                  for row in conn.execute(select(table)))
                  for name, table in meta.tables.items()}
        packet = json.loads(conn.execute(select(escalations.c.packet)).scalar_one())
        state = json.loads(conn.execute(select(meta.tables["conversations"].c.state)).scalar_one())
        outcome = conn.execute(select(meta.tables["audit_events"].c.data).where(
            meta.tables["audit_events"].c.kind == "case.outcome")).scalar_one()
    db.dispose()  # closes the WAL into the file

    assert report.problems == ()  # the chain holds: the emptied data is a recorded purge
    for name, rows in tables.items():
        for word in TYPED + OLD_REDACTOR_MISSED:
            assert word not in rows, f"{word!r} still in {name}"
    after = path.read_bytes().decode("utf-8", "replace")
    for word in TYPED + OLD_REDACTOR_MISSED:
        assert word not in after, f"{word!r} still in the file's bytes"
    # what was structured is kept: the answer, the packet's steps, other trail events
    assert packet["path"] == [{"question": "Who is asking?", "answer": "A police officer"}]
    assert "[name]" in packet["question"]
    assert json.loads(outcome) == {"outcome": "refer", "decision": "refer"}
    assert state["transcript"] == [{"question": "who", "choice": "police"}]
    assert Conversation.from_json(state).answers == (("who", "police"),)  # it still loads
    assert "retention.purged" in tables["audit_events"]


@pytest.mark.parametrize("twice", [False, True])
def test_migration_60_on_a_database_with_nothing_to_scrub(tmp_path: Path, twice: bool) -> None:
    url = old_database(tmp_path / "clean.db")
    db = Database(url, migrate=False)
    assert 60 in migrate(db.engine)
    if twice:
        assert migrate(db.engine) == []
    assert AuditLog(db).verify().problems == ()
    db.dispose()
