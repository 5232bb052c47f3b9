"""Opening the database and bringing its schema up to date.

SQLite is the embedded default, in the per-user data directory, so `frontdesk chat` works with
no configuration. ``FRONTDESK_DATABASE_URL`` (or an explicit URL) selects another database,
e.g. ``postgresql+psycopg://…`` for several bot instances sharing state.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
from sqlalchemy import Engine, create_engine, event

from bot.store.migrations import migrate

ENV_URL = "FRONTDESK_DATABASE_URL"


def default_database_url() -> str:
    if url := os.environ.get(ENV_URL):
        return url
    folder = Path(platformdirs.user_data_dir("frontdesk", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'frontdesk.db'}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    # WAL lets the paging worker and a face share the file; a busy timeout instead of errors.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


class Database:
    """One engine per process, migrated on open."""

    def __init__(self, url: str | None = None):
        self.url = url or default_database_url()
        self.engine: Engine = create_engine(self.url, future=True, pool_pre_ping=True)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        migrate(self.engine)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def dispose(self) -> None:
        self.engine.dispose()
