"""Write transactions that behave the same on SQLite and PostgreSQL.

pysqlite starts a transaction only at the first INSERT/UPDATE, so a SELECT followed by an
UPDATE is not atomic there. ``write_transaction`` opens SQLite transactions with
``BEGIN IMMEDIATE`` (one writer at a time, waiting on the busy timeout); on PostgreSQL the
callers take row locks (``FOR UPDATE``, ``SKIP LOCKED`` for work queues).

Transactions nest by joining: inside an open ``write_transaction`` (same thread or task, same
database), another one — and ``read_connection`` — hands out the same connection, and only
the outermost commits. So a Slack event's state changes, their audit events and their outbox
rows, written by different modules, commit once, and reads inside see what was written.
A joined block that raises rolls the whole transaction back; keep network calls outside.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from sqlalchemy import Connection, Select

from bot.store.database import Database

#: An open transaction as code outside the store holds it: only ever handed back to the
#: store's functions (``bot.store.paging``, ``outbox.enqueue``, ``audit.append_event``).
Transaction = Connection


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime | None) -> datetime | None:
    """Datetimes read back from SQLite are naive; every stored time is UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


_open: ContextVar[tuple[Database, Connection, list[Callable[[], None]]] | None] = ContextVar(
    "frontdesk_transaction", default=None)


def _joined(db: Database) -> Connection | None:
    current = _open.get()
    return current[1] if current is not None and current[0] is db else None


def after_commit(callback: Callable[[], None]) -> None:
    """Run ``callback`` once the open transaction has committed (at once when none is open):
    a worker woken earlier would find nothing committed to do."""
    current = _open.get()
    if current is None:
        callback()
    elif callback not in current[2]:
        current[2].append(callback)


@contextmanager
def write_transaction(db: Database) -> Iterator[Connection]:
    """A transaction that commits on success and rolls back on any error; inside another one
    on ``db``, that one (committed by whoever opened it)."""
    if (conn := _joined(db)) is not None:
        yield conn
        return
    with db.engine.connect() as conn:
        if db.dialect == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        committed: list[Callable[[], None]] = []
        token = _open.set((db, conn, committed))
        try:
            yield conn
        except BaseException:
            conn.rollback()
            raise
        finally:
            _open.reset(token)
        conn.commit()
    for callback in committed:
        callback()


@contextmanager
def read_connection(db: Database) -> Iterator[Connection]:
    """A connection for reading: the open write transaction's, so reads see its writes."""
    if (conn := _joined(db)) is not None:
        yield conn
        return
    with db.engine.connect() as conn:
        yield conn


def locked(stmt: Select, db: Database, *, skip_locked: bool = False) -> Select:
    """``FOR UPDATE`` (optionally ``SKIP LOCKED``) on PostgreSQL; SQLite serialises writers."""
    if db.dialect == "postgresql":
        return stmt.with_for_update(skip_locked=skip_locked)
    return stmt
