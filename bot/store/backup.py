"""Backups of the embedded SQLite database, taken and restored while the bot may be running.

The database holds the audit trail that a library may have to produce in court, so a backup is
a consistent copy made with SQLite's online backup API (readers and writers carry on; WAL
content is included), written to a temporary file beside the target and renamed into place only
once it is whole: an interrupted backup or restore leaves no half-written file. A restore first
checks the backup (SQLite's integrity check, the frontdesk schema), keeps the database it
replaces beside it, and the caller verifies the audit chain afterwards.

PostgreSQL deployments use the server's own tools (pg_dump/pg_restore; see docs/operations.md).
"""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(Exception):
    """A backup or restore that cannot be done; the message is one line for the operator."""


def sqlite_path(database_url: str) -> Path:
    """The file behind a ``sqlite:///`` URL, or a BackupError naming the right tool."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        raise BackupError(
            f"backup/restore copy SQLite files; this database is {url.get_backend_name()}: "
            "use pg_dump/pg_restore (docs/operations.md, 'Backups')")
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database has nothing to back up")
    return Path(url.database)


def _copy(source: sqlite3.Connection, target_path: Path) -> None:
    """Online-copy ``source`` into ``target_path`` through a temporary file and a rename."""
    partial = target_path.with_name(f".{target_path.name}.partial-{os.getpid()}")
    partial.unlink(missing_ok=True)
    try:
        target = sqlite3.connect(partial)
        try:
            source.backup(target)
            # A single self-contained file: no -wal beside it to lose when the file is moved.
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
        os.replace(partial, target_path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def check_backup_file(path: Path) -> None:
    """Raise BackupError unless ``path`` is an intact SQLite file with frontdesk's schema."""
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {row[0] for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path}: not a SQLite database ({exc})") from None
    if verdict != "ok":
        raise BackupError(f"{path}: damaged SQLite file ({verdict})")
    if not {"schema_migrations", "audit_events"} <= tables:
        raise BackupError(f"{path}: not a frontdesk database (no schema_migrations/audit_events)")


def backup(database_url: str, destination: Path) -> Path:
    """Copy the live database at ``database_url`` to ``destination``; returns it."""
    source_path = sqlite_path(database_url)
    if not source_path.is_file():
        raise BackupError(f"{source_path}: no database to back up")
    if destination.resolve() == source_path.resolve():
        raise BackupError(f"{destination}: is the live database itself; choose another file")
    if not destination.parent.is_dir():
        raise BackupError(f"{destination.parent}: no such folder")
    if destination.exists():  # replace an older backup, never some other file
        try:
            check_backup_file(destination)
        except BackupError:
            raise BackupError(f"{destination}: exists and is not a frontdesk backup; "
                              "choose a new file name") from None
    source = sqlite3.connect(source_path)
    try:
        _copy(source, destination)
    finally:
        source.close()
    check_backup_file(destination)
    return destination


def restore(database_url: str, backup_file: Path) -> Path | None:
    """Replace the database at ``database_url`` with ``backup_file``.

    Returns where the replaced database was kept (None when there was none). The bot should be
    stopped: a running instance would keep writing to the database it had open.
    """
    target_path = sqlite_path(database_url)
    check_backup_file(backup_file)
    if not target_path.parent.is_dir():
        raise BackupError(f"{target_path.parent}: no such folder")
    kept: Path | None = None
    if target_path.is_file():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        kept = target_path.with_name(f"{target_path.name}.before-restore-{stamp}")
        live = sqlite3.connect(target_path)
        try:
            _copy(live, kept)
        finally:
            live.close()
    source = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
    try:
        target = sqlite3.connect(target_path)
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()
    return kept
