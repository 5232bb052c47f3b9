"""Write transactions that behave the same on SQLite and PostgreSQL.

pysqlite starts a transaction only at the first INSERT/UPDATE, so a SELECT followed by an
UPDATE is not atomic there. ``write_transaction`` opens SQLite transactions with
``BEGIN IMMEDIATE`` (one writer at a time, waiting on the busy timeout); on PostgreSQL the
callers take row locks (``FOR UPDATE``, ``SKIP LOCKED`` for work queues).

Transactions nest by joining: inside an open ``write_transaction`` (same thread or task, same
database), another one — and ``read_connection`` — hands out the same connection, and only
the outermost commits. So a Slack event's state changes, their audit events and their outbox
rows, written by different modules, commit once, and reads inside see what was written.
A joined block that raises rolls the whole transaction back; keep network calls outside
(``savepoint`` lets a part that may fail on its own — a page — roll back alone).

Rows that many modules add to one transaction (audit events) can be ``staged`` and written
together just before the commit: one round trip instead of one per row. A savepoint that
rolls back drops what was staged and queued for after the commit inside it. What is staged
``last`` is handed over after every other flush, the transaction's writes complete: another
thread can start on them (render a page) while the commit is written to disk, and waits for
the transaction's ``Decision`` before it acts on them.

A **unit** is one request's database work (a Slack event, click or command): its ``claim``
(taking the request for processing — or, for an event, storing it) is the first statement of
the first write transaction opened inside it, so the claim and the request's state changes
commit together;
writes that only record what was delivered (``bookkeeping``: the ts of a posted message) wait
for the unit's closing transaction, which also runs its ``close`` (the request is done). So a
request costs one commit for its changes and one for its bookkeeping, with network calls in
between and none inside either. The bookkeeping's commit is not waited for on disk
(``Database.unsynced``): what it records, a replay finds again in Slack.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Select
from sqlalchemy.exc import OperationalError

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


class Decision:
    """Whether a transaction committed, for another thread handed its rows before the
    commit returned (``staged(..., last=True)``): it may prepare, and acts only once
    ``committed`` says so — or leaves its first act to the committing thread itself
    (``on_commit``: a request written the moment the commit returns, no thread to wake)."""

    def __init__(self) -> None:
        self._decided = threading.Event()
        self._committed = False
        self._lock = threading.Lock()
        self._final = False
        self._then: list[Callable[[], None]] = []

    def decide(self, committed: bool) -> None:
        """Called once by the thread that ends the transaction: runs what waits for a commit
        (``on_commit``; dropped on a rollback), then wakes whoever waits in ``committed``."""
        with self._lock:
            self._committed, self._final = committed, True
            then, self._then = self._then, []
        if committed:
            for act in then:
                act()  # never raises (``on_commit``)
        self._decided.set()

    def on_commit(self, act: Callable[[], None]) -> bool:
        """Have the committing thread run ``act`` the moment its commit returns, before
        anyone waiting is woken; False (and nothing kept) when it is decided already, then
        the caller acts itself if ``committed``. ``act`` must not raise: it runs in the
        thread that committed, which has its own work to finish."""
        with self._lock:
            if self._final:
                return False
            self._then.append(act)
            return True

    def withdraw(self, act: Callable[[], None]) -> bool:
        """Take back an ``act`` not run yet; False when the committing thread has it (run,
        or running)."""
        with self._lock:
            if act in self._then:
                self._then.remove(act)
                return True
            return False

    def committed(self, timeout: float | None = None) -> bool | None:
        """True once committed, False once rolled back; None if still undecided after
        ``timeout`` seconds (None: wait as long as it takes)."""
        if not self._decided.wait(timeout):
            return None
        return self._committed


#: A decision taken already: rows handed after their commit.
COMMITTED = Decision()
COMMITTED.decide(True)


@dataclass
class _Open:
    """The write transaction open in this thread or task."""

    db: Database
    conn: Connection
    after: list[Callable[[], None]] = field(default_factory=list)
    before: list[Callable[[], None]] = field(default_factory=list)
    last: list[Callable[[], None]] = field(default_factory=list)
    staged: dict[str, list[Any]] = field(default_factory=dict)
    decision: Decision = field(default_factory=Decision)
    kept: dict[str, dict[Any, Any]] = field(default_factory=dict)  # ``kept_in``

    def mark(self) -> tuple[int, int, int, dict[str, int]]:
        """Where the lists stand (a savepoint begins)."""
        return (len(self.after), len(self.before), len(self.last),
                {name: len(rows) for name, rows in self.staged.items()})

    def rewind(self, mark: tuple[int, int, int, dict[str, int]]) -> None:
        """Back to ``mark`` (its savepoint rolled back)."""
        after, before, last, staged = mark
        del self.after[after:]
        del self.before[before:]  # flushes of names first staged since: gone with them
        del self.last[last:]
        self.kept.clear()  # what was written inside may be undone: read it back instead
        for name in list(self.staged):
            if name in staged:
                del self.staged[name][staged[name]:]
            else:
                del self.staged[name]


_open: ContextVar[_Open | None] = ContextVar("frontdesk_transaction", default=None)


@dataclass
class Unit:
    """One request's database work (see the module's docstring)."""

    db: Database
    claim: Callable[[Connection], None]  # raises to refuse: the request is not ours
    close: Callable[[Connection], None]
    claimed: bool = False
    bookkept: list[Callable[[Connection], None]] = field(default_factory=list)


_unit: ContextVar[Unit | None] = ContextVar("frontdesk_unit", default=None)


def _unit_on(db: Database) -> Unit | None:
    current = _unit.get()
    return current if current is not None and current.db is db else None


@contextmanager
def unit(db: Database, claim: Callable[[Connection], None],
         close: Callable[[Connection], None]) -> Iterator[Unit]:
    """Run a request's work as one unit: ``claim`` rides in its first write transaction,
    ``close`` and the bookkeeping in its last. When the work raises, nothing more is written
    (the caller records the failure)."""
    work = Unit(db, claim, close)
    token = _unit.set(work)
    try:
        yield work
    finally:
        _unit.reset(token)
    with write_transaction(db, synced=False) as conn:  # a replay finds what it records
        if not work.claimed:
            claim(conn)
        for write in work.bookkept:
            write(conn)
        close(conn)


def bookkeeping(db: Database, write: Callable[[Connection], None]) -> None:
    """A write that only records what was delivered (a posted message's ts): inside a unit, it
    waits for the unit's closing transaction; otherwise it is written now."""
    if (work := _unit_on(db)) is not None and _joined(db) is None:
        work.bookkept.append(write)
        return
    with write_transaction(db) as conn:
        write(conn)


@contextmanager
def savepoint(db: Database) -> Iterator[None]:
    """Inside an open write transaction, a part that rolls back alone when it raises (the
    exception still propagates); outside one, nothing extra."""
    conn = _joined(db)
    if conn is None:
        yield
        return
    current = _open.get()
    assert current is not None
    mark = current.mark()
    try:
        with conn.begin_nested():
            yield
    except BaseException:
        current.rewind(mark)  # nothing rolled back is written at the commit, nor handed on
        raise


@contextmanager
def staged_part(db: Database) -> Iterator[None]:
    """Inside an open write transaction, a part whose writes are all ``staged`` (audit events:
    written at the commit): when it raises, what it staged and queued is dropped, as with
    ``savepoint``, without a SQL savepoint around statements it never runs."""
    current = _open.get()
    if current is None or current.db is not db:
        yield
        return
    mark = current.mark()
    try:
        yield
    except BaseException:
        current.rewind(mark)
        raise


def _joined(db: Database) -> Connection | None:
    current = _open.get()
    return current.conn if current is not None and current.db is db else None


def after_commit(callback: Callable[[], None]) -> None:
    """Run ``callback`` once the open transaction has committed (at once when none is open):
    a worker woken earlier would find nothing committed to do."""
    current = _open.get()
    if current is None:
        callback()
    elif callback not in current.after:
        current.after.append(callback)


def in_write_transaction(conn: Connection) -> bool:
    """Whether ``conn`` is the open write transaction's (whose ``after_commit`` callbacks run
    once it has committed), not a connection of its own."""
    current = _open.get()
    return current is not None and current.conn is conn


def staged(conn: Connection, name: str, write: Callable[[list[Any]], None], *,
           last: bool = False) -> list[Any] | None:
    """The list of rows staged under ``name`` in the write transaction ``conn`` belongs to:
    what is appended to it is handed to ``write`` once, in the transaction, just before it
    commits (an error there rolls everything back); with ``last``, after every other flush.
    None when ``conn`` is not the open write transaction's (a migration's own connection):
    then write at once."""
    current = _open.get()
    if current is None or current.conn is not conn:
        return None
    rows = current.staged.get(name)
    if rows is None:
        rows = current.staged[name] = []

        def flush() -> None:
            write(current.staged.pop(name))

        (current.last if last else current.before).append(flush)
    return rows


def kept_in(conn: Connection, name: str) -> dict[Any, Any] | None:
    """A dictionary kept under ``name`` for as long as the write transaction ``conn``
    belongs to is open: what its writers remember of their own writes (the escalation it
    opened, as it will commit), so the transaction need not read them back. Emptied when a
    savepoint inside rolls back (what was written there is undone). None when ``conn`` is not
    the open write transaction's."""
    current = _open.get()
    if current is None or current.conn is not conn:
        return None
    return current.kept.setdefault(name, {})


def decision(conn: Connection) -> Decision:
    """Whether the write transaction ``conn`` belongs to commits (decided when it ends);
    ``COMMITTED`` when ``conn`` is not the open write transaction's."""
    current = _open.get()
    if current is None or current.conn is not conn:
        return COMMITTED
    return current.decision


@contextmanager
def write_transaction(db: Database, *, synced: bool = True) -> Iterator[Connection]:
    """A transaction that commits on success and rolls back on any error; inside another one
    on ``db``, that one (committed by whoever opened it). ``synced=False``: its commit may
    return before it is on disk (``Database.unsynced``)."""
    if (conn := _joined(db)) is not None:
        yield conn
        return
    work = _unit_on(db)
    engine = db.engine if synced else db.unsynced()
    with one_writer(db) as let_go, engine.connect() as conn:
        if db.dialect == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        current = _Open(db, conn)
        token = _open.set(current)
        try:
            if work is not None and not work.claimed:
                work.claim(conn)
            yield conn
            while current.before:  # staged rows; a flush may stage more (run in order)
                current.before.pop(0)()
            while current.last:
                current.last.pop(0)()
            conn.commit()
        except BaseException:
            current.decision.decide(False)
            conn.rollback()
            raise
        finally:
            _open.reset(token)
        # Committed: the next writer may begin. Then told at once, before the connection goes
        # back to its pool: a worker holding this transaction's rows has this thread write its
        # first request (``on_commit``), which may wait on the network — never holding the lock.
        let_go()
        current.decision.decide(True)
    if work is not None:
        work.claimed = True
    for callback in current.after:
        callback()


WRITER_WAIT = 10.0  # seconds, as SQLite's own busy timeout


@contextmanager
def one_writer(db: Database, wait: float = WRITER_WAIT) -> Iterator[Callable[[], None]]:
    """On SQLite, this process's writers one at a time (``Database.writer``). Yields a way to
    let the next writer go before the block ends (once committed); let go at its end if not."""
    if db.dialect != "sqlite":
        yield _held_nothing
        return
    if not db.writer.acquire(timeout=wait):
        raise OperationalError("BEGIN IMMEDIATE", None, TimeoutError("database is locked"))
    held = [db.writer]

    def let_go() -> None:
        if held:
            held.pop().release()

    try:
        yield let_go
    finally:
        let_go()


def _held_nothing() -> None:
    """``one_writer`` where nothing is held (PostgreSQL: its row locks serialise writers)."""


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
