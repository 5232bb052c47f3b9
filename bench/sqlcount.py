"""Counting what a piece of work asks of the database: SQL statements, transactions, commits.

Attached to an engine through SQLAlchemy's connection events; ``thread`` limits the count to
one thread (the bench's caller, not the outbox worker running beside it). ``BEGIN``/``COMMIT``
sent as SQL are counted as the transaction or commit they are, not as statements.

A commit that records a posted message's ts (``live_ts``) is the Slack face's **delivery
bookkeeping** (see ``bot.store.txn``): counted among the commits, and on its own too.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from sqlalchemy import Engine, event

BOOKKEEPING = "live_ts="  # in the statement that records which message is now live


@dataclass
class SqlCounts:
    statements: int = 0
    transactions: int = 0
    commits: int = 0
    bookkeeping_commits: int = 0  # of ``commits``
    bookkeeping_statements: int = 0  # of ``statements``

    def per(self, n: int) -> str:
        return (f"{self.statements / n:.1f} statements, {self.transactions / n:.1f} "
                f"transactions, {self.commits / n:.1f} commits")


class SqlCounter:
    def __init__(self, engine: Engine | list[Engine], thread: int | None = None):
        self.counts = SqlCounts()
        self.thread = thread
        self.lock = threading.Lock()
        self._open: dict[int, list[str]] = {}  # each thread's transaction: its statements
        self.engines = engine if isinstance(engine, list) else [engine]  # ``Database.engines()``
        for each in self.engines:
            event.listen(each, "before_cursor_execute", self._statement)
            event.listen(each, "begin", self._begin)
            event.listen(each, "commit", self._commit)

    def detach(self) -> None:
        """Stop counting: the engines run without these listeners (whose cost, a few
        microseconds a statement, would otherwise count as the work's)."""
        for each in self.engines:
            event.remove(each, "before_cursor_execute", self._statement)
            event.remove(each, "begin", self._begin)
            event.remove(each, "commit", self._commit)

    def _ours(self) -> bool:
        return self.thread is None or threading.get_ident() == self.thread

    def _statement(self, _conn, _cursor, statement: str, *_args) -> None:  # type: ignore[no-untyped-def]
        if not self._ours():
            return
        with self.lock:
            if statement.lstrip().upper().startswith("BEGIN"):
                return  # the transaction itself, counted by ``begin``
            self.counts.statements += 1
            self._open.setdefault(threading.get_ident(), []).append(statement)

    def _begin(self, _conn) -> None:  # type: ignore[no-untyped-def]
        if self._ours():
            with self.lock:
                self.counts.transactions += 1
                self._open[threading.get_ident()] = []

    def _commit(self, _conn) -> None:  # type: ignore[no-untyped-def]
        if self._ours():
            with self.lock:
                self.counts.commits += 1
                statements = self._open.pop(threading.get_ident(), [])
                if any(BOOKKEEPING in s for s in statements):
                    self.counts.bookkeeping_commits += 1
                    self.counts.bookkeeping_statements += len(statements)

    def take(self) -> SqlCounts:
        """The counts so far, and start again from zero."""
        with self.lock:
            counts, self.counts = self.counts, SqlCounts()
        return counts
