"""The hot statements sent as the driver's own SQL (``bot.store.prepared.run``) write and read
exactly what SQLAlchemy's own execution does, on SQLite and on a real PostgreSQL (the
``pg_url`` fixture of tests/test_postgres.py: skipped locally without a server, failed under
CI), are counted by the SQL counters, keep the driver's errors, and fall back to SQLAlchemy for
a statement they cannot send fixed (an expanding ``IN``)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from bench.sqlcount import SqlCounter
from bot.store import Database
from bot.store.outbox import _ENQUEUE
from bot.store.paging_tables import outbox
from bot.store.prepared import run
from bot.store.slack_inbox import _CLAIM, _CLAIM_KEYS, _CLOSE, _SEEN, _STORE, slack_inbox
from bot.store.slack_state import slack_processed
from bot.store.txn import as_utc, write_transaction
from tests.test_postgres import pg_url  # noqa: F401 - the fixture

AT = datetime(2031, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Database:
    if request.param == "sqlite":
        return Database(f"sqlite:///{tmp_path / 'prepared.db'}")
    return Database(request.getfixturevalue("pg_url"))


def _inbox_values(owner: str) -> dict[str, object]:
    return {"kind": "event", "body": '{"text":"x"}', "user_id": "U1", "status": "pending",
            "owner": owner, "attempts": 0, "lease_until": AT + timedelta(seconds=30),
            "received_at": AT}


def test_run_writes_and_reads_back_what_sqlalchemy_does(db: Database) -> None:
    with write_transaction(db) as conn:
        by_core = conn.execute(insert(slack_inbox).values(_inbox_values("core"))
                               .returning(slack_inbox.c.id)).scalar_one()
        by_run = run(conn, _STORE, _inbox_values("run")).scalar_one()
        assert by_run == by_core + 1
        # the literal values bound in the statement itself (status 'pending' in the WHERE,
        # 'processing' in the SET) travel with the caller's
        assert run(conn, _CLAIM, {"row": by_run, "me": "core", "lease_until": AT}).rowcount == 0
        assert run(conn, _CLAIM, {"row": by_run, "me": "run", "lease_until": AT}).rowcount == 1
        assert run(conn, _CLAIM, {"row": by_run, "me": "run", "lease_until": AT}).rowcount == 0
        run(conn, _CLOSE, {"row": by_run, "me": "run", "done_at": AT + timedelta(minutes=1)})
        rows = {r.owner: r for r in conn.execute(select(slack_inbox))}
        # on disk as SQLAlchemy writes it (SQLite keeps datetimes as text: the same text)
        stored = {r[0]: r[1] for r in conn.exec_driver_sql(
            "SELECT owner, received_at FROM slack_inbox")}
    assert stored["run"] == stored["core"]
    core, ran = rows["core"], rows["run"]
    assert (ran.kind, ran.body, ran.user_id, ran.attempts) == ("event", "{}", "U1", 0)
    assert (ran.status, core.status) == ("done", "pending")
    assert as_utc(ran.received_at) == as_utc(core.received_at) == AT
    assert as_utc(ran.lease_until) == AT  # the claim's lease
    assert as_utc(ran.done_at) == AT + timedelta(minutes=1)


def _outbox_row(key: str) -> dict[str, object]:
    return dict(idempotency_key=key, escalation_id="e1", kind="page", method="post",
                target="U1", thread_ts=None, ref_key=None, payload="{}", status="pending",
                attempts=0, maybe_sent=False, next_attempt_at=AT, created_at=AT,
                claimed_by=None, lease_until=None)


def test_several_rows_with_returning_are_one_insert_that_skips_taken_keys(db: Database) -> None:
    insert_ = _ENQUEUE[db.dialect == "postgresql"]
    counter = SqlCounter(db.engines(), thread=threading.get_ident())
    with write_transaction(db) as conn:
        first = {r.idempotency_key: r.id for r in run(conn, insert_, [_outbox_row("a"),
                                                                     _outbox_row("b")])}
        again = {r.idempotency_key for r in run(conn, insert_, [
            _outbox_row("b"), _outbox_row("c"), _outbox_row("d")])}
        one = {r.idempotency_key for r in run(conn, insert_, _outbox_row("a"))}
        stored = conn.execute(select(outbox.c.idempotency_key, outbox.c.next_attempt_at,
                                     outbox.c.maybe_sent).order_by(outbox.c.id)).all()
    assert set(first) == {"a", "b"} and again == {"c", "d"} and one == set()
    assert [(k, as_utc(at), sent) for k, at, sent in stored] == [
        (k, AT, False) for k in "abcd"]
    counts = counter.take()
    counter.detach()
    assert counts.statements == 4 and counts.commits == 1  # each run one statement


def test_run_keeps_the_drivers_errors_and_falls_back_for_an_expanding_in(
        db: Database) -> None:
    keys = [{"key": "ev:1", "created_at": AT}, {"key": "msg:1", "created_at": AT}]
    with write_transaction(db) as conn:
        run(conn, _CLAIM_KEYS, keys)
        assert run(conn, _SEEN, {"keys": ["sig:x", "msg:1"]}).first() is not None
        assert run(conn, _SEEN, {"keys": ["sig:x"]}).first() is None
    with pytest.raises(IntegrityError), write_transaction(db) as conn:
        run(conn, _CLAIM_KEYS, [{"key": "ev:2", "created_at": AT}, keys[1]])
    with db.engine.connect() as conn:  # the failed claim wrote nothing
        assert sorted(conn.scalars(select(slack_processed.c.key))) == ["ev:1", "msg:1"]
