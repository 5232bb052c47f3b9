"""One transaction per change: nested write transactions join the open one, commit once, and
roll back together; the outbox doorbell rings after the commit; an insert under a taken key
writes nothing and says so (SQLite and PostgreSQL)."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, event, func, select

from bot.config import parse_config
from bot.content.catalogue import Catalogue
from bot.engine import start, step
from bot.engine.session import CaseTrail, move
from bot.escalation import EscalationService
from bot.store import Database, paging
from bot.store import outbox as outbox_module
from bot.store.audit import AuditLog, append_event
from bot.store.ops_tables import status_messages
from bot.store.slack_state import SlackState
from bot.store.txn import (
    after_commit,
    read_connection,
    savepoint,
    staged_part,
    unit,
    utcnow,
    write_transaction,
)
from tests.escalation_support import config_toml, trigger_many, write_content
from tests.test_postgres import pg_url  # noqa: F401 - the fixture


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    url = (f"sqlite:///{tmp_path / 'txn.db'}" if request.param == "sqlite"
           else request.getfixturevalue("pg_url"))
    database = Database(url)
    yield database
    database.dispose()


def commits(database: Database) -> list[int]:
    """Every commit on ``database``, the unsynced bookkeeping's too."""
    counted: list[int] = []
    for engine in {database.engine, database.unsynced()}:  # the same one in memory
        event.listen(engine, "commit", lambda _conn: counted.append(1))
    return counted


def test_nested_transactions_commit_once_and_see_their_writes(db: Database) -> None:
    state = SlackState(db)
    counted = commits(db)
    with write_transaction(db):
        thread = state.open_thread("C1", "1.0", user_id="U1", kind="dm", library="lib")
        append_event_in(db, "case.opened")
        assert state.thread("C1", "1.0") == thread  # read inside: sees the uncommitted row
    assert len(counted) == 1
    assert state.thread("C1", "1.0") is not None and AuditLog(db).head()[0] == 1


def append_event_in(db: Database, kind: str) -> None:
    with write_transaction(db) as conn:  # joins
        append_event(conn, db, kind, library="lib")


def test_a_failure_inside_rolls_back_everything(db: Database) -> None:
    state = SlackState(db)
    with pytest.raises(RuntimeError), write_transaction(db):
        state.open_thread("C1", "1.0", user_id="U1", kind="dm", library="lib")
        append_event_in(db, "case.opened")
        raise RuntimeError("the event failed")
    assert state.thread("C1", "1.0") is None
    assert AuditLog(db).head()[0] == 0 and AuditLog(db).verify().ok


def test_the_doorbell_rings_after_the_commit(db: Database) -> None:
    heard: list[bool] = []
    with write_transaction(db) as conn:
        after_commit(lambda: heard.append(True))
        outbox_module.ring()
        outbox_module._doorbell.clear()
        with read_connection(db) as inner:
            assert inner is conn
        assert heard == [] and not outbox_module._doorbell.is_set()
    assert heard == [True] and outbox_module._doorbell.is_set()


def test_an_insert_under_a_taken_key_writes_nothing(db: Database) -> None:
    now = utcnow()
    values = dict(dedupe_key="k", library="lib", reason="outcome", urgency="prompt",
                  asked_by="U1", face="slack", state="triggered", level=1, repeat=0,
                  created_at=now, updated_at=now, rung=0)
    with write_transaction(db) as conn:
        assert paging.insert_escalation(conn, db, id="e1", **values)
        assert not paging.insert_escalation(conn, db, id="e2", **values)
        assert paging.escalation_with_key(conn, "k") == "e1"
    state = SlackState(db)
    first = state.open_thread("C1", "1.0", user_id="U1", kind="dm", library="lib")
    again = state.open_thread("C1", "1.0", user_id="U2", kind="channel", library="lib")
    assert again == first and again.user_id == "U1"


def test_a_unit_claims_in_its_first_transaction_and_closes_with_its_bookkeeping(
        db: Database) -> None:
    state = SlackState(db)
    counted = commits(db)
    steps: list[str] = []
    with unit(db, lambda _conn: steps.append("claim"), lambda _conn: steps.append("close")):
        with write_transaction(db):  # the event's changes: the claim rides in front
            thread = state.open_thread("C1", "1.0", user_id="U1", kind="dm", library="lib")
            assert steps == ["claim"]
        state.set_live(thread, "2.0")  # delivery bookkeeping: waits for the close
        assert state.thread("C1", "1.0").live_ts is None  # type: ignore[union-attr]
        assert len(counted) == 1
    assert steps == ["claim", "close"] and len(counted) == 2
    assert state.thread("C1", "1.0").live_ts == "2.0"  # type: ignore[union-attr]


def test_a_unit_that_wrote_nothing_claims_and_closes_in_one_commit(db: Database) -> None:
    counted = commits(db)
    steps: list[str] = []

    def step(name: str) -> Callable[[Connection], None]:
        return lambda conn: steps.append(name) or conn.exec_driver_sql("SELECT 1")

    with unit(db, step("claim"), step("close")):
        pass
    assert steps == ["claim", "close"] and len(counted) == 1


def test_a_refused_claim_rolls_the_changes_back_and_a_failed_unit_writes_no_close(
        db: Database) -> None:
    class Refused(BaseException):
        pass

    def refuse(_conn: object) -> None:
        raise Refused

    state = SlackState(db)
    closed: list[bool] = []
    with (pytest.raises(Refused), unit(db, refuse, lambda _conn: closed.append(True)),
          write_transaction(db)):
        state.open_thread("C1", "1.0", user_id="U1", kind="dm", library="lib")
    assert state.thread("C1", "1.0") is None and closed == []


def test_a_savepoint_rolls_back_alone_inside_the_transaction(db: Database) -> None:
    state = SlackState(db)
    with write_transaction(db):
        state.open_thread("C1", "1.0", user_id="U1", kind="dm", library="lib")
        with pytest.raises(RuntimeError), savepoint(db):
            append_event_in(db, "page.raised")
            raise RuntimeError("the page failed")
    assert state.thread("C1", "1.0") is not None
    assert AuditLog(db).head()[0] == 0 and AuditLog(db).verify().ok


def test_a_savepoint_that_rolls_back_drops_what_it_staged_and_queued(db: Database) -> None:
    heard: list[str] = []
    with write_transaction(db):
        append_event_in(db, "case.outcome")
        after_commit(lambda: heard.append("kept"))
        with pytest.raises(RuntimeError), savepoint(db):
            append_event_in(db, "page.raised")
            after_commit(lambda: heard.append("rolled back"))
            raise RuntimeError("the page failed")
        append_event_in(db, "case.answer")
    assert [row.kind for row in AuditLog(db).rows()] == ["case.outcome", "case.answer"]
    assert heard == ["kept"] and AuditLog(db).verify().ok


def test_a_transactions_audit_events_are_chained_and_written_together(db: Database) -> None:
    AuditLog(db).append("case.opened", library="lib")  # a head to chain onto, known here
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute",
                 lambda _c, _cur, sql, *_a: statements.append(sql))
    with write_transaction(db):
        for kind in ("case.answer", "case.outcome", "escalation.triggered"):
            append_event_in(db, kind)
        assert not [s for s in statements if "audit_" in s]  # staged until the commit
    audit_sql = [s for s in statements if "audit_" in s]
    # the head this process wrote moved (checked and locked by that UPDATE), one insert
    assert len(audit_sql) == 2
    assert [row.kind for row in AuditLog(db).rows()] == [
        "case.opened", "case.answer", "case.outcome", "escalation.triggered"]
    assert AuditLog(db).head()[0] == 4 and AuditLog(db).verify().ok


def test_an_event_outside_a_write_transaction_is_written_at_once(db: Database) -> None:
    with db.engine.begin() as conn:  # a migration's own connection
        append_event(conn, db, "case.opened", library="lib")
        append_event(conn, db, "case.answer", library="lib")
    assert AuditLog(db).head()[0] == 2 and AuditLog(db).verify().ok


@pytest.fixture
def pages(db: Database, tmp_path: Path):  # type: ignore[no-untyped-def]
    """An escalation service on ``db`` with one open page (the warrant outcome)."""
    catalogue = Catalogue.load(write_content(tmp_path / "content"))
    service = EscalationService(db, parse_config(tomllib.loads(config_toml())), catalogue)
    [escalation_id] = trigger_many(service, catalogue, 1)
    return service, catalogue, escalation_id


def test_a_status_watch_that_fails_in_the_events_transaction_rolls_back_alone(
        db: Database, pages) -> None:  # type: ignore[no-untyped-def]
    """The same message watched twice in the event's closing transaction (the second is
    refused by the database and skipped): the transaction goes on and commits (on PostgreSQL
    the refused statement would otherwise abort it, and the inbox row's close with it)."""
    service, _, escalation_id = pages
    shown, _ = service.live.current(escalation_id)
    message = {"text": "Paged", "blocks": []}
    state = SlackState(db)
    with write_transaction(db):
        service.live.watch(escalation_id, "CDESK", "1700000001.000100", message, shown)
        service.live.watch(escalation_id, "CDESK", "1700000001.000100", message, shown)
        state.open_thread("C1", "1.0", user_id="U1", kind="dm", library="pagelib")
    assert state.thread("C1", "1.0") is not None
    with db.engine.connect() as conn:
        watched = conn.execute(select(func.count()).select_from(status_messages)).scalar()
    assert watched == 1


class FailingTrail:
    """A trail sink (``EscalationService.record``) whose database refuses its ``fail_at``-th
    event (a statement that fails, as a full disk or a lost lock would)."""

    def __init__(self, service: EscalationService, db: Database, fail_at: int):
        self.service, self.db, self.fail_at, self.seen = service, db, fail_at, 0

    def record(self, kind: str, **where: Any) -> None:
        self.seen += 1
        if self.seen == self.fail_at:
            with write_transaction(self.db) as conn:
                conn.exec_driver_sql("SELECT * FROM no_such_table")
        self.service.record(kind, **where)


def test_a_case_trail_that_fails_half_way_writes_none_of_the_step_and_the_step_commits(
        db: Database, pages) -> None:  # type: ignore[no-untyped-def]
    """Guide.save's trail inside the step's transaction: when its third event fails, none of
    the step's trail is kept (no answer without its outcome) and the step itself commits."""
    service, catalogue, _ = pages
    opened = start(catalogue, "pagelib", "records-request")
    answered = step(catalogue, opened.conversation, "police")
    outcome = step(catalogue, answered.conversation, "warrant")
    trail = CaseTrail(FailingTrail(service, db, fail_at=3), "pagelib", "U1",
                      atomic=lambda: savepoint(db))
    state = SlackState(db)
    before = AuditLog(db).head()[0]
    with write_transaction(db):
        trail.write(move(None, outcome, "slack"))  # opened, answer, answer (fails), outcome
        state.open_thread("C1", "1.0", user_id="U1", kind="dm", library="pagelib")
    assert state.thread("C1", "1.0") is not None
    assert AuditLog(db).head()[0] == before and AuditLog(db).verify().ok


class RaisingTrail(FailingTrail):
    """A trail sink that fails on its ``fail_at``-th event before writing anything (a bug in
    what it records): every event it does write is staged for the commit."""

    def record(self, kind: str, **where: Any) -> None:
        self.seen += 1
        if self.seen == self.fail_at:
            raise RuntimeError("cannot record this event")
        self.service.record(kind, **where)


def test_a_staged_case_trail_that_fails_half_way_drops_its_events_without_a_savepoint(
        db: Database, pages) -> None:  # type: ignore[no-untyped-def]
    """Guide.save's trail: its events are staged, so ``staged_part`` drops those of a trail that
    fails half way (no answer without its outcome) and the step commits, with no SQL savepoint
    around it."""
    service, catalogue, _ = pages
    opened = start(catalogue, "pagelib", "records-request")
    outcome = step(catalogue, step(catalogue, opened.conversation, "police").conversation,
                   "warrant")
    state = SlackState(db)
    before = AuditLog(db).head()[0]
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute",
                 lambda _c, _cur, sql, *_: statements.append(sql))
    for fail_at, kept in ((3, 0), (0, 4)):  # the third event fails; then none fails
        trail = CaseTrail(RaisingTrail(service, db, fail_at=fail_at), "pagelib", "U1",
                          atomic=lambda: staged_part(db))
        with write_transaction(db):
            trail.write(move(None, outcome, "slack"))  # opened, answer, answer, outcome
            state.open_thread("C1", f"{fail_at}.0", user_id="U1", kind="dm", library="pagelib")
        assert state.thread("C1", f"{fail_at}.0") is not None
        assert AuditLog(db).head()[0] == before + kept and AuditLog(db).verify().ok
    assert not any("SAVEPOINT" in s.upper() for s in statements)


def test_an_unsynced_transaction_commits_without_waiting_for_the_disk_and_others_do(
        db: Database) -> None:
    # The Slack face's delivery bookkeeping commits unsynced (a replay finds what it records);
    # every other transaction is on disk before its commit returns, on either database.
    def synchronous(conn: Connection) -> str:
        if db.dialect == "postgresql":
            return str(conn.exec_driver_sql("SHOW synchronous_commit").scalar())
        return {1: "normal", 2: "full"}[conn.exec_driver_sql("PRAGMA synchronous").scalar()]

    with write_transaction(db, synced=False) as conn:
        unsynced = synchronous(conn)
        append_event(conn, db, "bench.unsynced", library="lib")
    with write_transaction(db) as conn:
        synced = synchronous(conn)
    assert (synced, unsynced) == (("on", "off") if db.dialect == "postgresql"
                                  else ("full", "normal"))
    assert AuditLog(db).head()[0] == 1  # committed all the same
