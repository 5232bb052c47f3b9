"""The outbox: every outgoing Slack message, written in the same transaction as the decision.

A row is ``pending`` until a worker claims it (``sending``, with a lease), then ``sent`` or,
after a permanent error, ``failed``. Claims use ``FOR UPDATE SKIP LOCKED`` on PostgreSQL so
two instances never take the same row. A row reclaimed after its claimer died is flagged
``maybe_sent``: the worker looks for the message in Slack before posting it again.
"""

from __future__ import annotations

import functools
import json
import os
import socket
import threading
import uuid
import weakref
from collections import deque
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from bot.store import paging
from bot.store.database import Database
from bot.store.paging_tables import outbox
from bot.store.prepared import run
from bot.store.txn import (
    Decision,
    after_commit,
    as_utc,
    decision,
    in_write_transaction,
    locked,
    staged,
    write_transaction,
)

_doorbell = threading.Event()


def ring() -> None:
    """Wake in-process workers: new rows are committed (or will be, when the transaction
    open here commits)."""
    after_commit(_wake)


def _wake() -> None:
    _doorbell.set()
    with _serving_lock:
        for taker in [t for takers in _serving.values() for t in takers]:
            taker.bell.set()


def wait_for_work(timeout: float, bell: threading.Event | None = None) -> None:
    """Wait for ``bell`` (a serving worker's own: see ``OutboxStore.serve``), else the
    process's doorbell, at most ``timeout`` seconds."""
    bell = bell or _doorbell
    bell.wait(timeout)
    bell.clear()


@dataclass(frozen=True)
class OutboxRow:
    id: int
    key: str
    escalation_id: str | None
    kind: str
    method: str
    target: str
    thread_ts: str | None
    ref_key: str | None
    payload: dict[str, Any]
    attempts: int
    maybe_sent: bool
    created_at: datetime


@dataclass(frozen=True)
class Undelivered:
    """A message that will never be delivered: to whom, and what Slack said."""

    key: str
    escalation_id: str | None
    target: str
    error: str


def _row(r: Any) -> OutboxRow:
    return OutboxRow(r.id, r.idempotency_key, r.escalation_id, r.kind, r.method, r.target,
                     r.thread_ts, r.ref_key, json.loads(r.payload), r.attempts, r.maybe_sent,
                     as_utc(r.created_at))  # type: ignore[arg-type]


@dataclass(frozen=True)
class Message:
    """One message to queue (``enqueue_all``): its idempotency key, kind, recipient, what
    to render, and for a reply or an edit its thread or the message it edits."""

    key: str
    kind: str
    target: str
    payload: dict[str, Any]
    escalation_id: str | None = None
    method: str = "post"
    thread_ts: str | None = None
    ref_key: str | None = None


def enqueue(conn: Connection, db: Database, *, key: str, kind: str, target: str,
            payload: dict[str, Any], now: datetime, escalation_id: str | None = None,
            method: str = "post", thread_ts: str | None = None,
            ref_key: str | None = None) -> bool:
    """Queue one message in the caller's transaction; a key already queued is left alone
    (False). As ``enqueue_all``."""
    return bool(enqueue_all(conn, db, [Message(key, kind, target, payload, escalation_id,
                                               method, thread_ts, ref_key)], now))


def enqueue_all(conn: Connection, db: Database, messages: list[Message],
                now: datetime) -> set[str]:
    """Queue ``messages`` in the caller's transaction, in one INSERT; keys already queued
    are left alone. Returns the keys queued now.

    When a worker of this process serves ``db`` and takes a message's method
    (``OutboxStore.serve``), its row is written already claimed by it, under its lease, and
    handed to it as the transaction commits: the first send needs no claim transaction of its
    own. It is handed once every write of the transaction is made, with its escalation as the
    transaction leaves it, so the worker renders the page while the commit reaches the disk;
    it sends only once the transaction's ``Decision`` says it committed (and forgets the row
    if it rolled back). Should this process die first, the row is another worker's once the
    claim is found dead or the lease runs out, and, as for any claimed row, looked for before
    it is sent again."""
    if not messages:
        return set()
    # (one message per key, the first: a recipient listed twice is one row, handed once)
    unique: dict[str, Message] = {}
    for message in messages:
        unique.setdefault(message.key, message)
    messages = list(unique.values())
    in_transaction = in_write_transaction(conn)
    rows: list[dict[str, Any]] = []
    takers: dict[str, tuple[Handed, datetime]] = {}  # by key: who it is claimed for, until
    for message in messages:
        values: dict[str, Any] = dict(
            idempotency_key=message.key, escalation_id=message.escalation_id,
            kind=message.kind, method=message.method, target=message.target,
            thread_ts=message.thread_ts, ref_key=message.ref_key,
            payload=json.dumps(message.payload), status="pending", attempts=0,
            maybe_sent=False, next_attempt_at=now, created_at=now, claimed_by=None,
            lease_until=None)
        taker = _taker(db, message.method, now) if in_transaction else None
        if taker is not None:
            lease_until = taker.clock() + taker.lease
            values.update(status="sending", claimed_by=taker.identity, lease_until=lease_until,
                          attempts=1)
            takers[message.key] = (taker, lease_until)
        rows.append(values)
    insert = _ENQUEUE[db.dialect == "postgresql"]
    result = run(conn, insert, rows[0] if len(rows) == 1 else rows)
    queued = {r.idempotency_key: r.id for r in result}
    if takers:
        handing = None
        for message, values in zip(messages, rows, strict=True):
            if message.key not in queued or message.key not in takers:
                continue
            taker, lease_until = takers[message.key]
            row = OutboxRow(queued[message.key], message.key, message.escalation_id,
                            message.kind, message.method, message.target, message.thread_ts,
                            message.ref_key, json.loads(values["payload"]), 1, False,
                            as_utc(now))  # type: ignore[arg-type]
            if handing is None:
                handing = staged(conn, "outbox_handed", functools.partial(_hand, conn),
                                 last=True)
                assert handing is not None  # conn is the open write transaction's (above)
            handing.append((taker, row, lease_until))
    return set(queued)


#: Told the keys of its messages queued now (a key queued already is left alone).
OnQueued = Callable[[set[str]], None]


@dataclass
class _Batch:
    """The messages of a ``batched`` block, by caller: written together when it ends."""

    conn: Connection
    db: Database
    parts: list[tuple[list[Message], datetime, OnQueued | None]] = field(default_factory=list)


_batch: ContextVar[_Batch | None] = ContextVar("frontdesk_outbox_batch", default=None)


def enqueue_then(conn: Connection, db: Database, messages: list[Message], now: datetime,
                 then: OnQueued | None = None) -> None:
    """Queue ``messages`` in the caller's transaction, as ``enqueue_all``; ``then`` is told
    the keys queued now. Inside ``batched`` on ``conn`` they wait for the block's end, to be
    written with every other message of the block in one INSERT (``then`` told then, in
    the order the messages came); otherwise they are written (and ``then`` told) at once."""
    batch = _batch.get()
    if batch is None or batch.conn is not conn:
        queued = enqueue_all(conn, db, messages, now)
        if then is not None:
            then(queued)
        return
    batch.parts.append((messages, now, then))


@contextmanager
def batched(conn: Connection, db: Database) -> Iterator[None]:
    """A block whose messages (``enqueue_then``) are queued in one INSERT when it ends
    (one per distinct ``now``), not one per caller: an escalation's first pages, the
    director's notice and the asker's line. Nothing inside may read them back before the end;
    ``enqueue`` and ``enqueue_all`` (whose callers use what was queued at once) still write
    at once. When the block raises, nothing of it is queued. Joins a batch open on ``conn``."""
    outer = _batch.get()
    if outer is not None and outer.conn is conn:
        yield
        return
    batch = _Batch(conn, db)
    token = _batch.set(batch)
    try:
        yield
    finally:
        _batch.reset(token)
    nows = list(dict.fromkeys(now for _, now, _ in batch.parts))
    queued: set[str] = set()
    for now in nows:
        queued |= enqueue_all(conn, db, [m for messages, at, _ in batch.parts if at == now
                                         for m in messages], now)
    for messages, _, then in batch.parts:
        if then is not None:
            then(queued & {message.key for message in messages})


def _hand(conn: Connection, entries: list[tuple[Handed, OutboxRow, datetime]]) -> None:
    """Hand the transaction's served rows to their workers, its writes all made: each with
    its escalation as the transaction leaves it (read once here) and the transaction's
    decision, which the worker waits for before it sends."""
    read = paging.read_escalations(conn, (row.escalation_id for _, row, _ in entries
                                          if row.escalation_id))
    outcome = decision(conn)
    for taker, row, lease_until in entries:
        taker.hand(Served(row, lease_until, read.get(row.escalation_id or ""), outcome))


#: The insert that skips a taken key, by dialect (False: SQLite, True: PostgreSQL), built
#: once: its values travel as parameters, so SQLAlchemy compiles it once per process.
_ENQUEUE = {
    pg: (postgresql if pg else sqlite).insert(outbox)
    .on_conflict_do_nothing(index_elements=["idempotency_key"])
    .returning(outbox.c.id, outbox.c.idempotency_key)
    for pg in (False, True)
}


@dataclass(frozen=True)
class Served:
    """A row handed to a serving worker: claimed for it until ``lease_until``; the escalation
    it speaks of as its transaction wrote it (None: read it when needed); whether that
    transaction committed (``decision.committed()``: wait for it before acting on the row)."""

    row: OutboxRow
    lease_until: datetime
    escalation: paging.Record | None
    decision: Decision


class Handed:
    """The rows handed to one worker of this process as their transactions commit, each
    already claimed by it (``enqueue``), with its own bell to wake it."""

    def __init__(self, db: Database, identity: str, methods: tuple[frozenset[str], bool] | None,
                 lease: timedelta, clock: Callable[[], datetime]):
        self.db = db
        self.identity = identity
        self.methods = methods
        self.lease = lease
        self.clock = clock
        self.bell = threading.Event()
        self._rows: deque[Served] = deque()
        self._lock = threading.Lock()
        self.closed = False

    def takes(self, method: str) -> bool:
        if self.methods is None:
            return True
        names, wanted = self.methods
        return (method in names) == wanted

    def hand(self, served: Served) -> None:
        """A row claimed for this worker, its transaction's writes made (it may not have
        committed yet: ``served.decision``)."""
        with self._lock:
            if not self.closed:
                self._rows.append(served)
                self.bell.set()
                return
        # It stopped meanwhile: pending again (in the row's own transaction, when still open).
        OutboxStore(self.db).release([served.row.id], self.identity)

    def next(self) -> Served | None:
        """The oldest row handed and not yet taken."""
        with self._lock:
            return self._rows.popleft() if self._rows else None

    def close(self) -> list[int]:
        """Take no more rows; returns the ids of those handed but never taken."""
        with self._lock:
            self.closed = True
            left = [served.row.id for served in self._rows]
            self._rows.clear()
        return left


_serving: weakref.WeakKeyDictionary[Database, list[Handed]] = weakref.WeakKeyDictionary()
_serving_lock = threading.Lock()


def _taker(db: Database, method: str, due: datetime) -> Handed | None:
    """The worker of this process to hand a row of ``method`` due at ``due`` to: one serving
    ``db`` that takes the method, and for whose clock the row is due already."""
    with _serving_lock:
        return next((t for t in _serving.get(db, ()) if t.takes(method) and due <= t.clock()),
                    None)


def worker_identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def claimer_dead(claimed_by: str | None, me: str) -> bool:
    """A claim made on this host by a process that no longer runs (e.g. killed with SIGKILL)."""
    if not claimed_by:
        return True
    try:
        host, pid_text, nonce = claimed_by.rsplit(":", 2)
        pid = int(pid_text)
    except ValueError:
        return False
    if host != socket.gethostname():
        return False
    my_host, my_pid, my_nonce = me.rsplit(":", 2)
    if pid == int(my_pid):
        return nonce != my_nonce  # our pid, an earlier life
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class OutboxStore:
    def __init__(self, database: Database):
        self.db = database

    def recover(self, worker: str, now: datetime) -> int:
        """Free rows claimed by a process on this host that has died (e.g. SIGKILL)."""
        with self.db.engine.connect() as conn:
            rows = conn.execute(
                select(outbox.c.id, outbox.c.claimed_by).where(outbox.c.status == "sending")
            ).all()
        dead = [r.id for r in rows
                if r.claimed_by != worker and claimer_dead(r.claimed_by, worker)]
        if dead:
            with write_transaction(self.db) as conn:
                conn.execute(update(outbox).where(
                    outbox.c.id.in_(dead), outbox.c.status == "sending"
                ).values(lease_until=now, maybe_sent=True))
        return len(dead)

    def serve(self, worker: str, methods: tuple[frozenset[str], bool] | None,
              lease: timedelta, clock: Callable[[], datetime]) -> Handed:
        """Have rows of ``methods`` queued in this process from now on written claimed by
        ``worker`` and handed to it at their commit (``enqueue``), until ``stop_serving``."""
        handed = Handed(self.db, worker, methods, lease, clock)
        with _serving_lock:
            _serving.setdefault(self.db, []).append(handed)
        return handed

    def stop_serving(self, handed: Handed) -> None:
        """No more rows for this worker; those handed but never taken are pending again."""
        with _serving_lock:
            takers = _serving.get(self.db, [])
            if handed in takers:
                takers.remove(handed)
        if left := handed.close():
            self.release(left, handed.identity)

    def release(self, row_ids: list[int], worker: str) -> None:
        """Rows claimed by ``worker`` that it never tried to send: pending again, due now."""
        with write_transaction(self.db) as conn:
            conn.execute(update(outbox).where(
                outbox.c.id.in_(row_ids), outbox.c.status == "sending",
                outbox.c.claimed_by == worker,
            ).values(status="pending", claimed_by=None, lease_until=None,
                     attempts=outbox.c.attempts - 1))

    def renew(self, row_id: int, worker: str, now: datetime, lease: timedelta) -> bool:
        """Extend ``worker``'s claim on a row it has not tried to send yet; False when the
        claim is no longer its own (its lease ran out and another worker took the row)."""
        with write_transaction(self.db) as conn:
            return conn.execute(update(outbox).where(
                outbox.c.id == row_id, outbox.c.status == "sending",
                outbox.c.claimed_by == worker,
            ).values(lease_until=now + lease).returning(outbox.c.id)).first() is not None

    def claim(self, worker: str, now: datetime, lease: timedelta,
              methods: tuple[frozenset[str], bool] | None = None) -> OutboxRow | None:
        """Take the next due row (``claim_many``)."""
        rows = self.claim_many(worker, now, lease, methods, limit=1)
        return rows[0] if rows else None

    def claim_many(self, worker: str, now: datetime, lease: timedelta,
                   methods: tuple[frozenset[str], bool] | None = None, *,
                   limit: int) -> list[OutboxRow]:
        """Take up to ``limit`` due rows, oldest first, in one transaction: pending, or sending
        whose lease ran out (its claimer died). ``methods``: (methods, True) takes only rows
        with those methods, (methods, False) only rows without them."""
        due = or_(
            and_(outbox.c.status == "pending", outbox.c.next_attempt_at <= now),
            and_(outbox.c.status == "sending", outbox.c.lease_until <= now),
        )
        if methods is not None:
            names, wanted = methods
            due = and_(due, outbox.c.method.in_(names) if wanted
                       else outbox.c.method.not_in(names))
        query = (select(outbox).where(due).order_by(outbox.c.next_attempt_at, outbox.c.id)
                 .limit(limit))
        with write_transaction(self.db) as conn:
            found = conn.execute(locked(query, self.db, skip_locked=True)).all()
            return self._claimed(conn, found, worker, now, lease)

    @staticmethod
    def _claimed(conn: Connection, found: list[Any], worker: str, now: datetime,
                 lease: timedelta) -> list[OutboxRow]:
        """The rows ``found`` (read locked) claimed for ``worker``, an attempt counted."""
        if not found:
            return []
        # A row taken over from a claimer that may have reached its person: look first.
        conn.execute(update(outbox).where(outbox.c.id.in_([r.id for r in found])).values(
            status="sending", claimed_by=worker, lease_until=now + lease,
            attempts=outbox.c.attempts + 1,
            maybe_sent=or_(outbox.c.maybe_sent, outbox.c.status == "sending"),
        ))
        return [OutboxRow(**{**_row(r).__dict__, "attempts": r.attempts + 1,
                             "maybe_sent": bool(r.maybe_sent or r.status == "sending")})
                for r in found]

    def _settle(self, row_id: int, worker: str, values: dict[str, Any],
                then: Any = None) -> bool:
        """Record the result of our attempt, unless another worker has taken the row over."""
        with write_transaction(self.db) as conn:
            current = conn.execute(
                locked(select(outbox).where(outbox.c.id == row_id), self.db)
            ).one()
            if current.status != "sending" or current.claimed_by != worker:
                return False
            conn.execute(update(outbox).where(outbox.c.id == row_id).values(
                claimed_by=None, lease_until=None, **values
            ))
            if then is not None:
                then(conn, _row(current))
            return True

    def mark_sent(self, row_id: int, worker: str, now: datetime, channel: str | None,
                  ts: str | None, then: Any = None) -> bool:
        return self._settle(row_id, worker, dict(
            status="sent", sent_at=now, result_channel=channel, result_ts=ts, last_error=None,
        ), then)

    def mark_retry(self, row_id: int, worker: str, when: datetime, error: str,
                   maybe_sent: bool, *, counted: bool = True) -> bool:
        """To be tried again at ``when``; ``counted=False``: the claim's attempt does not count
        (a try made on another row's turn: ``OutboxWorker._behind``)."""
        values: dict[str, Any] = dict(status="pending", next_attempt_at=when,
                                      last_error=error[:500], maybe_sent=maybe_sent)
        if not counted:
            values["attempts"] = outbox.c.attempts - 1
        return self._settle(row_id, worker, values)

    def mark_waiting(self, row_id: int, worker: str, when: datetime, why: str) -> bool:
        """Put the row back until ``when``: it waits for another row (its page to be sent, or
        looked for), which is no attempt of its own, so its claim is not counted (else a
        long wait would leave its first real failure final). What it may have sent stays."""
        return self._settle(row_id, worker, dict(
            status="pending", next_attempt_at=when, last_error=why[:500],
            attempts=outbox.c.attempts - 1))

    def _in_thread_before(self, row: OutboxRow) -> list[Any]:
        """The messages queued before ``row`` to its thread (the asker's lines) not settled
        yet: pending or being sent."""
        with self.db.engine.connect() as conn:
            return list(conn.execute(select(
                outbox.c.id, outbox.c.status, outbox.c.claimed_by, outbox.c.lease_until,
            ).where(outbox.c.status.in_(("pending", "sending")), outbox.c.target == row.target,
                    outbox.c.thread_ts == row.thread_ts, outbox.c.method == row.method,
                    outbox.c.id < row.id)))

    @staticmethod
    def _free(r: Any, now: datetime) -> bool:
        """Free to take: pending, or claimed by a worker whose lease ran out (``claim_many``)."""
        return r.status == "pending" or as_utc(r.lease_until) <= now  # type: ignore[operator]

    def ahead_in_thread(self, row: OutboxRow, worker: str, now: datetime,
                        sent: Collection[int] = ()) -> bool:
        """Whether a message queued before ``row`` to the same thread (the asker's lines:
        "Paged …", then "expired") has yet to go: free to take, or claimed by ``worker`` and
        not among ``sent`` (sent by it, not yet recorded). One another worker is sending
        holds nothing up (it is on its way, and a hung claim must not delay an urgent line)."""
        return row.thread_ts is not None and any(
            self._free(r, now) or (r.claimed_by == worker and r.id not in sent)
            for r in self._in_thread_before(row))

    def take_ahead(self, row: OutboxRow, worker: str, now: datetime, lease: timedelta,
                   sent: Collection[int] = ()) -> tuple[list[OutboxRow], bool]:
        """The messages queued before ``row`` to the same thread that are free to take, taken
        for ``worker`` now whatever their next try's time (as ``claim_many`` takes a due row),
        oldest first, for it to send before ``row``; and whether one is held by ``worker``
        itself (claimed, not tried yet nor among ``sent``: it goes in this pass). None of this
        is written when nothing is ahead of ``row`` (one read: the usual case)."""
        if row.thread_ts is None:
            return [], False
        ahead = self._in_thread_before(row)
        free = [r.id for r in ahead if self._free(r, now)]
        held = any(not self._free(r, now) and r.claimed_by == worker and r.id not in sent
                   for r in ahead)
        if not free:
            return [], held
        query = select(outbox).where(outbox.c.id.in_(free), or_(
            outbox.c.status == "pending",
            and_(outbox.c.status == "sending", outbox.c.lease_until <= now),
        )).order_by(outbox.c.id)
        with write_transaction(self.db) as conn:
            found = conn.execute(locked(query, self.db, skip_locked=True)).all()
            return self._claimed(conn, found, worker, now, lease), held

    def take_unsettled_pages(self, escalation_id: str, rung: tuple[int, int], worker: str,
                             now: datetime, lease: timedelta) -> list[OutboxRow]:
        """The Slack pages of the escalation's ``rung`` (level, repeat) still to be tried
        whose earlier attempt may have reached someone, taken for ``worker`` now: their next
        try looks for them first, which settles whether a page of the rung went out
        (``page_went_out``)."""
        query = select(outbox).where(
            outbox.c.escalation_id == escalation_id, outbox.c.kind == "page",
            outbox.c.method == "post", outbox.c.maybe_sent,
            outbox.c.idempotency_key.like(f"%:{escalation_id}:{rung[0]}:{rung[1]}:%"),
            or_(outbox.c.status == "pending",
                and_(outbox.c.status == "sending", outbox.c.lease_until <= now)),
        ).order_by(outbox.c.id)
        with write_transaction(self.db) as conn:
            found = conn.execute(locked(query, self.db, skip_locked=True)).all()
            return self._claimed(conn, found, worker, now, lease)

    def first_rung(self, escalation_id: str) -> tuple[int, int] | None:
        """The level and repeat of the escalation's first pages (those it opened with)."""
        with self.db.engine.connect() as conn:
            key = conn.scalar(select(outbox.c.idempotency_key).where(
                outbox.c.escalation_id == escalation_id, outbox.c.kind == "page")
                .order_by(outbox.c.id).limit(1))
        if key is None:  # a page's key: {channel}:{escalation}:{level}:{repeat}:{person}
            return None
        _, _, level, repeat, _ = key.split(":", 4)
        return int(level), int(repeat)

    def mark_skipped(self, row_id: int, worker: str, why: str, *, not_out: bool = False) -> bool:
        """Skip the row for good. ``not_out``: it is known not to have reached anyone (a
        look-up for an earlier attempt found nothing), so it no longer counts as a page that
        may have gone out (``page_went_out``)."""
        values: dict[str, Any] = dict(status="skipped", last_error=why[:500])
        if not_out:
            values["maybe_sent"] = False
        return self._settle(row_id, worker, values)

    def mark_failed(self, row_id: int, worker: str, error: str, then: Any = None) -> bool:
        return self._settle(row_id, worker, dict(status="failed", last_error=error[:500]), then)

    def page_went_out(self, escalation_id: str, method: str | None = None,
                      target: str | None = None, *, rung: tuple[int, int] | None = None,
                      unsettled: bool | None = True) -> bool | None:
        """Whether a page of the escalation (through ``method``, to ``target``, at ``rung``:
        its level and repeat, when given) went out, or may have (in flight, or an attempt
        whose outcome is unknown): what a stand-down stands down, and what makes "someone is
        being paged" true. A page still to be retried whose last attempt may have gone out
        answers ``unsettled`` (True: it may have; None for a caller that waits for the
        look-up its next attempt makes first) unless another page settles it."""
        where = [outbox.c.escalation_id == escalation_id, outbox.c.kind == "page",
                 or_(outbox.c.status.in_(("sent", "sending")), outbox.c.maybe_sent)]
        if method is not None:
            where.append(outbox.c.method == method)
        if target is not None:
            where.append(outbox.c.target == target)
        if rung is not None:  # a page's key: {channel}:{escalation}:{level}:{repeat}:{person}
            where.append(outbox.c.idempotency_key.like(
                f"%:{escalation_id}:{rung[0]}:{rung[1]}:%"))
        with self.db.engine.connect() as conn:
            statuses = set(conn.scalars(select(outbox.c.status).where(*where).distinct()))
        if statuses <= {"pending"}:
            return unsettled if statuses else False
        return True

    def sent_message(self, key: str) -> tuple[str, str] | None | bool:
        """(channel, ts) of a sent row; None while it is not sent yet; False if it never will be
        (failed for good, or skipped: its escalation purged, or ended before its turn)."""
        with self.db.engine.connect() as conn:
            r = conn.execute(
                select(outbox.c.status, outbox.c.result_channel, outbox.c.result_ts)
                .where(outbox.c.idempotency_key == key)
            ).first()
        if r is None or r.status in ("failed", "skipped"):
            return False
        if r.status == "sent":
            return (r.result_channel, r.result_ts) if r.result_ts else False
        return None

    def undelivered(self, since: datetime, escalation_id: str | None = None,
                    kinds: tuple[str, ...] = ("page",)) -> list[Undelivered]:
        """Messages of ``kinds`` that failed for good since ``since`` (newest first)."""
        query = select(outbox.c.idempotency_key, outbox.c.escalation_id, outbox.c.target,
                       outbox.c.last_error, outbox.c.next_attempt_at).where(
            outbox.c.status == "failed", outbox.c.kind.in_(kinds),
            outbox.c.created_at >= since)
        if escalation_id is not None:
            query = query.where(outbox.c.escalation_id == escalation_id)
        with self.db.engine.connect() as conn:
            rows = conn.execute(query.order_by(outbox.c.id.desc())).all()
        return [Undelivered(r.idempotency_key, r.escalation_id, r.target, r.last_error or "")
                for r in rows]

    def counts(self) -> dict[str, int]:
        with self.db.engine.connect() as conn:
            rows = conn.execute(select(outbox.c.status, func.count()).group_by(outbox.c.status))
            return {status: n for status, n in rows}

    def pending(self) -> int:
        counts = self.counts()
        return counts.get("pending", 0) + counts.get("sending", 0)

    def due(self, now: datetime) -> int:
        """Messages a worker has to send now: pending and due, or being sent (a retry
        scheduled for later is not due yet)."""
        with self.db.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(outbox).where(or_(
                and_(outbox.c.status == "pending", outbox.c.next_attempt_at <= now),
                outbox.c.status == "sending"))).scalar_one()
