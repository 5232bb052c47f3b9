"""Opening the database and bringing its schema up to date.

SQLite is the embedded default, in the per-user data directory, so `frontdesk chat` works with
no configuration. ``FRONTDESK_DATABASE_URL`` (or an explicit URL) selects another database,
e.g. ``postgresql+psycopg://…`` for several bot instances sharing state.
"""

from __future__ import annotations

import functools
import os
import threading
from pathlib import Path

import platformdirs
from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from bot.config import ConfigError
from bot.store.migrations import migrate as apply_migrations

ENV_URL = "FRONTDESK_DATABASE_URL"


def default_database_url() -> str:
    if url := os.environ.get(ENV_URL):
        return url
    folder = Path(platformdirs.user_data_dir("frontdesk", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'frontdesk.db'}"


BUSY_TIMEOUT_MS = 10000  # how long a SQLite connection waits for another's write lock
#: The write-ahead log's size (pages) at which a committing connection copies it back into the
#: database file itself, before its commit returns (SQLite's default is 1000, ~4 MB): a
#: backstop. A process with an outbox worker does it when the worker is idle
#: (``Database.checkpoint``), so a page's commit does not wait for it (it took ~1 in 50–70
#: escalations' first pages several milliseconds).
WAL_BACKSTOP_PAGES = 10000


def _sqlite_pragmas(dbapi_connection, _record, busy_ms: int = BUSY_TIMEOUT_MS,  # type: ignore[no-untyped-def]
                    synced: bool = True) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the paging worker and a face share the file; a busy timeout instead of errors.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
    # FULL: a commit is on disk before it returns, so an event acknowledged after its
    # transaction survives a power cut too (NORMAL in WAL mode may lose the last commits,
    # never half of one, and nothing when only the process dies: ``Database.unsynced``).
    cursor.execute("PRAGMA synchronous=FULL" if synced else "PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_BACKSTOP_PAGES}")
    cursor.close()


def _unsynced_session(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    """A server connection whose commits return before the server has flushed them to disk
    (``synchronous_commit=off`` for its whole session: every transaction on the unsynced
    engine). Atomic and kept when this process dies; a crash of the server itself may lose
    the last ones, as ``synchronous=NORMAL`` does on SQLite (``Database.unsynced``)."""
    cursor = dbapi_connection.cursor()
    cursor.execute("SET synchronous_commit TO off")
    cursor.close()
    dbapi_connection.commit()  # the DB-API opened a transaction for it: the next is clean


class DatabaseUnavailable(ConfigError):
    """The database URL cannot be used: one line saying why (no traceback)."""

    def __init__(self, message: str):
        super().__init__("database_url", message)


def shown(url: str) -> str:
    """The URL as it may be printed: the password hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def open_engine(url: str, *, busy_ms: int = BUSY_TIMEOUT_MS, synced: bool = True) -> Engine:
    """An engine for ``url`` that has answered one query; ``DatabaseUnavailable`` when the URL
    cannot be parsed, names an unknown database, points into a missing folder, at a file that
    is not a SQLite database, or at a server that does not answer."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseUnavailable(f"cannot parse {url!r} (expected e.g. "
                                  "sqlite:///path/frontdesk.db or "
                                  "postgresql+psycopg://user@host/dbname)") from None
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        folder = Path(parsed.database).expanduser().resolve().parent
        if not folder.is_dir():
            raise DatabaseUnavailable(f"{shown(url)}: folder not found: {folder}")
    try:
        # A server's connection can go stale (a restart, an idle timeout); a SQLite file's
        # cannot: no ping on every checkout there.
        engine = create_engine(url, future=True,
                               pool_pre_ping=parsed.get_backend_name() != "sqlite")
    except NoSuchModuleError:
        raise DatabaseUnavailable(f"{shown(url)}: unknown database kind "
                                  f"{parsed.drivername!r} (use sqlite:/// or "
                                  "postgresql+psycopg://)") from None
    except (ArgumentError, ImportError) as exc:
        raise DatabaseUnavailable(f"{shown(url)}: {exc}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", functools.partial(_sqlite_pragmas, busy_ms=busy_ms,
                                                          synced=synced))
    elif not synced:
        event.listen(engine, "connect", _unsynced_session)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1" if engine.dialect.name != "sqlite"
                                 else "SELECT count(*) FROM sqlite_master")
    except SQLAlchemyError as exc:
        engine.dispose()
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        if "file is not a database" in reason or "malformed" in reason:
            reason = "the file is not a SQLite database (damaged, or another kind of file)"
        raise DatabaseUnavailable(f"{shown(url)}: cannot open: {reason}") from None
    return engine


class Database:
    """One engine per process, migrated on open (``migrate=False``: as found, for
    ``--no-migrate``; ``bot.store.ops.pending`` says what it lacks)."""

    def __init__(self, url: str | None = None, *, migrate: bool = True):
        self.url = url or default_database_url()
        self.engine: Engine = open_engine(self.url)
        # A SQLite file (not in memory): other processes may hold its write lock. Worked out
        # once: the inbox asks before every acknowledgement.
        self._sqlite_file = self.engine.dialect.name == "sqlite" and make_url(
            self.url).database not in (None, "", ":memory:")
        # SQLite has one writer at a time, and a writer kept waiting polls (sleeping up to
        # 100 ms between tries): this process's writers queue here instead, and the next one
        # goes the moment the last commits. (Other processes still meet the busy timeout.)
        self.writer = threading.Lock()
        self._impatient: dict[int, Engine] = {}
        self._unsynced: Engine | None = None
        self._impatient_lock = threading.Lock()
        try:
            if migrate:
                apply_migrations(self.engine)
        except SQLAlchemyError as exc:
            self.engine.dispose()
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            raise DatabaseUnavailable(f"{shown(self.url)}: cannot bring the schema up to "
                                      f"date: {reason}") from None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def impatient(self, wait_ms: int) -> Engine:
        """On SQLite, an engine on the same file whose connections wait at most ``wait_ms``
        for another process's write lock (their busy timeout, set once when each connects),
        for a write that must be done within a budget and rather tries again (the Slack
        inbox's, before the acknowledgement); elsewhere ``engine``."""
        if not self._sqlite_file:
            return self.engine  # (an in-memory database has no other process to wait for)
        with self._impatient_lock:
            if wait_ms not in self._impatient:
                self._impatient[wait_ms] = open_engine(self.url, busy_ms=wait_ms)
            return self._impatient[wait_ms]

    def unsynced(self) -> Engine:
        """An engine on the same database whose commits return before they are synced to
        disk, for writes that only record what was delivered, which a replay finds again in
        Slack (the Slack face's delivery bookkeeping: a synced commit costs it ~0.1 ms of CPU
        and milliseconds of waiting). On a SQLite file ``synchronous=NORMAL`` in WAL mode, on
        PostgreSQL ``synchronous_commit=off``: atomic, and kept when the process dies; a power
        cut (or the server's crash) may lose the last ones. An in-memory SQLite database has
        nothing to sync: ``engine``."""
        if self.dialect == "sqlite" and not self._sqlite_file:
            return self.engine
        with self._impatient_lock:
            if self._unsynced is None:
                self._unsynced = open_engine(self.url, synced=False)
            return self._unsynced

    def checkpoint(self) -> int:
        """On a SQLite file, copy what the write-ahead log holds back into the database file
        (``PASSIVE``: waits for no writer or reader and blocks none; what a reader still needs
        stays for the next time). Returns how many pages it copied (0 elsewhere)."""
        if not self._sqlite_file:
            return 0
        with self.engine.connect() as conn:
            busy, _, copied = conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
        return max(int(copied), 0) if not busy else 0

    def engines(self) -> list[Engine]:
        """Every engine this database has opened: ``engine``, then the impatient and unsynced
        ones (what counts the statements a piece of work runs listens to all of them)."""
        with self._impatient_lock:
            extra = [self._unsynced] if self._unsynced is not None else []
            return [self.engine, *self._impatient.values(), *extra]

    def dispose(self) -> None:
        self.engine.dispose()
        with self._impatient_lock:
            for engine in [*self._impatient.values(), *([self._unsynced] if self._unsynced
                                                        else [])]:
                engine.dispose()
