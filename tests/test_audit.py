"""The audit trail: hash chain, `frontdesk audit verify|export`, retention purge and counts."""

from __future__ import annotations

import csv
import io
import subprocess
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, event, func, select, update

from bot.config import parse_config
from bot.content.catalogue import Catalogue
from bot.escalation import EscalationService
from bot.escalation.retention import aggregate, purge
from bot.store import ConversationStore, Database
from bot.store.audit import AuditLog, append_event
from bot.store.paging_tables import audit_events, escalations
from bot.store.schema import conversations
from bot.store.txn import write_transaction
from tests.escalation_support import (
    Clock,
    config_toml,
    frontdesk_cmd,
    subprocess_env,
    trigger_many,
    write_content,
)


@pytest.fixture
def trail(tmp_path: Path):  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'audit.db'}"
    db = Database(url)
    catalogue = Catalogue.load(write_content(tmp_path / "content"))
    clock = Clock(datetime(2024, 1, 10, 9, 0, tzinfo=UTC))
    service = EscalationService(db, parse_config(tomllib.loads(config_toml())), catalogue,
                                clock=clock)
    ids = trigger_many(service, catalogue, 2, thread=False)
    clock.advance(days=40)
    service.acknowledge(ids[0], "UPIC1")
    service.resolve(ids[0], "UPIC1", "done")
    return db, url, service, ids, clock, tmp_path


def cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(frontdesk_cmd(*args), env=subprocess_env(FRONTDESK_DATABASE_URL=url),
                          capture_output=True, text=True, timeout=60)


def test_an_intact_chain_verifies(trail) -> None:  # type: ignore[no-untyped-def]
    db, url, *_ = trail
    report = AuditLog(db).verify()
    assert report.ok and report.events > 8
    result = cli(url, "audit", "verify")
    assert result.returncode == 0 and "chain intact" in result.stdout


@pytest.mark.parametrize("tamper", ["edit-data", "edit-kind", "delete-middle", "delete-last"])
def test_any_edit_or_deletion_is_detected(trail, tamper: str) -> None:  # type: ignore[no-untyped-def]
    db, url, *_ = trail
    with db.engine.begin() as conn:
        last = conn.execute(select(audit_events.c.seq).order_by(audit_events.c.seq.desc())).first()
        if tamper == "edit-data":
            conn.execute(update(audit_events).where(audit_events.c.seq == 3)
                         .values(data='{"recipient": "UEVIL"}'))
        elif tamper == "edit-kind":
            conn.execute(update(audit_events).where(audit_events.c.seq == 2)
                         .values(kind="page.cancelled"))
        elif tamper == "delete-middle":
            conn.execute(delete(audit_events).where(audit_events.c.seq == 4))
        else:
            conn.execute(delete(audit_events).where(audit_events.c.seq == last.seq))
    assert not AuditLog(db).verify().ok
    result = cli(url, "audit", "verify")
    assert result.returncode == 1 and "BROKEN" in result.stderr


def test_export_since_a_date_as_csv(trail) -> None:  # type: ignore[no-untyped-def]
    db, url, *_ = trail
    result = cli(url, "audit", "export", "--since", "2024-02-01", "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["kind"] for r in rows] == ["escalation.acknowledged", "escalation.resolved"]
    everything = list(csv.DictReader(io.StringIO(cli(url, "audit", "export", "--since",
                                                     "2024-01-01").stdout)))
    assert everything[0]["kind"] == "escalation.triggered" and len(everything) > len(rows)
    bad = cli(url, "audit", "export", "--since", "last tuesday")
    assert bad.returncode == 2 and "--since" in bad.stderr


def test_purge_removes_old_case_content_keeps_counts_and_the_chain(trail) -> None:  # type: ignore[no-untyped-def]
    db, url, service, ids, clock, tmp_path = trail
    store = ConversationStore(db)
    from bot.engine import start

    view = start(service.catalogue, "pagelib", "records-request")
    store.save(view.conversation, user_id="U1", face="slack", status="done", outcome="refuse")
    with db.engine.begin() as conn:  # the conversation ended long ago
        conn.execute(update(conversations).values(
            updated_at=datetime(2024, 1, 10, tzinfo=UTC), created_at=datetime(2024, 1, 10,
                                                                              tzinfo=UTC)))
    removed = purge(db, 365, now=datetime(2025, 3, 1, tzinfo=UTC))
    assert removed["conversations"] == 1 and removed["escalations"] == 1
    assert removed["audit_data"] > 0
    with db.engine.connect() as conn:
        left = set(conn.scalars(select(escalations.c.id)))
        data = conn.execute(select(audit_events.c.data).where(
            audit_events.c.at < datetime(2024, 3, 1))).scalars().all()
    assert left == {ids[1]}  # the open escalation stays: someone still has to act
    assert all(d is None for d in data)
    counts = {(m, n) for _, _, m, n in aggregate(db)}
    assert {("conversations", 1), ("escalations", 1), ("escalations:state:resolved", 1),
            ("outcome:refuse", 1)} <= counts
    assert AuditLog(db).verify().ok  # purged data keeps its digest: the chain still holds
    # On demand from the command line, with the default (365 days) from the config.
    result = cli(url, "purge")
    assert result.returncode == 0 and "purged (older than 365 days)" in result.stdout


def test_retention_runs_by_itself_once_a_day_without_frontdesk_purge(trail) -> None:  # type: ignore[no-untyped-def]
    """`retention_days` is kept by the scheduler of `serve`/`worker`, not by someone's cron."""
    from bot.escalation.retention import retention_job
    from bot.escalation.scheduler import daily
    from bot.store.jobs import JobStore

    db, url, service, ids, clock, tmp_path = trail
    store = ConversationStore(db)
    from bot.engine import start

    view = start(service.catalogue, "pagelib", "records-request")
    store.save(view.conversation, user_id="U1", face="slack", status="done", outcome="refuse")
    with db.engine.begin() as conn:
        conn.execute(update(conversations).values(
            updated_at=datetime(2024, 1, 10, tzinfo=UTC), created_at=datetime(2024, 1, 10,
                                                                              tzinfo=UTC)))
    now = [datetime(2025, 3, 1, 12, 0, tzinfo=UTC)]
    job = retention_job(db, 365, clock=lambda: now[0])
    other_instance = retention_job(db, 365, clock=lambda: now[0])
    assert job() is False  # first slot: the next 03:00, not the moment the process starts
    with db.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(conversations)) == 1
    now[0] = daily(3)(now[0]) + timedelta(minutes=1)
    assert job() is True and other_instance() is False  # exactly one instance purges
    with db.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(conversations)) == 0
    assert JobStore(db).next_due("retention-purge") == daily(3)(now[0])
    assert AuditLog(db).verify().ok


def _statements(db: Database) -> list[str]:
    """Every statement ``db``'s engine runs from now on (SQLAlchemy's own event hook)."""
    seen: list[str] = []
    event.listen(db.engine, "before_cursor_execute",
                 lambda _conn, _cursor, statement, *_: seen.append(statement))
    return seen


def test_an_append_moves_the_head_it_wrote_last_without_reading_it(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'head.db'}")
    log = AuditLog(db)
    log.append("case.opened", library="pagelib")
    seen = _statements(db)
    log.append("case.closed", library="pagelib")
    assert not [s for s in seen if s.lstrip().upper().startswith("SELECT")]
    assert log.head()[0] == 2 and log.verify().ok


def test_appends_chain_onto_a_head_another_instance_or_a_rollback_moved(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'head.db'}"
    here, there = Database(url), Database(url)
    AuditLog(here).append("case.opened", library="pagelib")
    AuditLog(there).append("case.opened", library="pagelib")  # moves the head behind our back
    AuditLog(here).append("case.closed", library="pagelib")
    with pytest.raises(RuntimeError), write_transaction(here) as conn:
        append_event(conn, here, "case.closed", library="pagelib")
        raise RuntimeError("the step failed: nothing it wrote is kept")
    AuditLog(here).append("case.reopened", library="pagelib")
    report = AuditLog(here).verify()
    assert report.ok and report.events == 4
    assert AuditLog(there).head() == AuditLog(here).head()
    assert [row.kind for row in AuditLog(there).rows()] == [
        "case.opened", "case.opened", "case.closed", "case.reopened"]
