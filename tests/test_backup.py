"""`frontdesk backup` / `frontdesk restore`: the SQLite database, audit trail included, copied
while the bot writes, restored whole, verified after restore; bad input is one line."""

from __future__ import annotations

import sqlite3
import subprocess
import threading
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.config import parse_config
from bot.content.catalogue import Catalogue
from bot.escalation import EscalationService
from bot.store import Database
from bot.store.paging_tables import audit_events, escalations
from tests.escalation_support import (
    Clock,
    config_toml,
    frontdesk_cmd,
    subprocess_env,
    trigger_many,
    write_content,
)


def cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(frontdesk_cmd(*args), env=subprocess_env(FRONTDESK_DATABASE_URL=url),
                          capture_output=True, text=True, timeout=60)


@pytest.fixture
def live(tmp_path: Path):  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'live.db'}"
    db = Database(url)
    catalogue = Catalogue.load(write_content(tmp_path / "content"))
    service = EscalationService(db, parse_config(tomllib.loads(config_toml())), catalogue,
                                clock=Clock(datetime(2026, 1, 5, 9, 0, tzinfo=UTC)))
    ids = trigger_many(service, catalogue, 3, thread=False)
    service.acknowledge(ids[0], "UPIC1")
    yield db, url, service, catalogue, ids, tmp_path
    db.dispose()


def _count(url: str, table) -> int:  # type: ignore[no-untyped-def]
    db = Database(url)
    try:
        with db.engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(table))
    finally:
        db.dispose()


def test_backup_while_the_bot_writes_then_restore_verifies_the_chain(live) -> None:  # type: ignore[no-untyped-def]
    db, url, service, catalogue, ids, tmp = live
    stop = threading.Event()

    def keep_paging() -> None:  # another "instance" writing while the backup runs
        while not stop.is_set():
            trigger_many(service, catalogue, 1, thread=False)

    writer = threading.Thread(target=keep_paging)
    writer.start()
    try:
        result = cli(url, "backup", str(tmp / "nightly.db"))
    finally:
        stop.set()
        writer.join()
    assert result.returncode == 0, result.stderr
    assert "backed up to" in result.stdout and "chain intact" in result.stdout
    assert not list(tmp.glob(".nightly.db.partial-*"))  # nothing half-written left behind
    backed_up = _count(f"sqlite:///{tmp / 'nightly.db'}", audit_events)
    assert backed_up >= 5

    # Disaster: the live database is lost. Restore into a fresh path and verify.
    fresh = f"sqlite:///{tmp / 'restored.db'}"
    restored = cli(fresh, "restore", str(tmp / "nightly.db"))
    assert restored.returncode == 0, restored.stderr
    assert "chain intact" in restored.stdout
    assert _count(fresh, audit_events) == backed_up
    assert _count(fresh, escalations) >= 3
    assert cli(fresh, "audit", "verify").returncode == 0


def test_restore_over_a_database_keeps_the_replaced_one(live) -> None:  # type: ignore[no-untyped-def]
    db, url, service, catalogue, ids, tmp = live
    assert cli(url, "backup", str(tmp / "b.db")).returncode == 0
    before = _count(url, audit_events)
    trigger_many(service, catalogue, 2, thread=False)  # newer than the backup
    after = _count(url, audit_events)
    db.dispose()
    result = cli(url, "restore", str(tmp / "b.db"))
    assert result.returncode == 0, result.stderr
    kept = list(tmp.glob("live.db.before-restore-*"))
    assert len(kept) == 1 and "kept the replaced database" in result.stdout
    assert _count(url, audit_events) == before
    assert _count(f"sqlite:///{kept[0]}", audit_events) == after


@pytest.mark.parametrize("bad", ["missing", "not-sqlite", "truncated", "other-sqlite"])
def test_a_bad_backup_file_is_one_line_and_changes_nothing(live, bad: str) -> None:  # type: ignore[no-untyped-def]
    db, url, *_, tmp = live
    before = _count(url, audit_events)
    path = tmp / f"{bad}.db"
    if bad == "not-sqlite":
        path.write_text("hello, this is not a database\n")
    elif bad == "truncated":
        assert cli(url, "backup", str(tmp / "whole.db")).returncode == 0
        data = (tmp / "whole.db").read_bytes()
        path.write_bytes(data[: len(data) // 3])
    elif bad == "other-sqlite":
        sqlite3.connect(path).execute("create table t (x)").connection.close()
    result = cli(url, "restore", str(path))
    assert result.returncode == 2, result.stdout
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert _count(url, audit_events) == before
    assert not list(tmp.glob("live.db.before-restore-*"))


def test_postgres_urls_point_to_pg_dump(tmp_path: Path) -> None:
    result = cli("postgresql+psycopg://nobody@127.0.0.1:1/none", "backup",
                 str(tmp_path / "x.db"))
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
