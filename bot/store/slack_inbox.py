"""The Slack inbox: every event, slash command and click, written durably before Slack gets its
acknowledgement, and processed exactly once.

``accept`` runs before the acknowledgement of a click or a command: in one transaction it
claims the delivery's idempotency keys (``slack_processed``) and stores the request (free text
redacted). A busy database is retried with backoff within ``ACCEPT_BUDGET`` seconds, well
inside Slack's three; if it stays busy the caller answers so that Slack retries (events) or
the person is told. An Events API event is ``defer``-red instead: its keys and row are written
by the first write transaction of its own work (``processing`` a ``Pending``), with the
changes it makes, and its acknowledgement waits for that commit — one commit where there were
two. A work that fails before that commit stores the request as ``accept`` would (``keep``),
to be replayed.

The process that accepted a request processes it right after the acknowledgement
(``processing``, or ``fail``): the row is taken for processing in the same transaction as the
request's first changes, and closed in the transaction that records what was posted
(``bot.store.txn.unit``). If that process dies first (SIGKILL, a crash, a power cut), its
rows are taken over: by a process on the same host at once (the owner's pid is gone), by any
process once the row's lease has run out (``take_over``), and replayed through the same
listeners. A row its process is still working on is never taken over: that process keeps it
in memory as in flight from its acceptance (a backlog in the listener pool, a Retry-After
before the first post) to its end, skips it in its own ``take_over`` and renews its lease
for the others; only a row in flight for longer than ``WORK_LEASE`` (its thread hung) is left
to lapse. A request that keeps failing is marked ``failed`` after ``MAX_ATTEMPTS`` and the
person who sent it is told to phone.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    delete,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError, OperationalError

from bot.privacy.redact import redact
from bot.store.database import Database
from bot.store.outbox import claimer_dead, worker_identity
from bot.store.prepared import run
from bot.store.slack_state import slack_processed
from bot.store.txn import after_commit, decision, one_writer, unit, utcnow

log = logging.getLogger("frontdesk.inbox")

metadata = MetaData()

slack_inbox = Table(
    "slack_inbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),
    Column("body", Text, nullable=False),
    Column("user_id", String(64)),
    Column("status", String(16), nullable=False),
    Column("owner", String(128), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("lease_until", DateTime(timezone=True), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("done_at", DateTime(timezone=True)),
    Column("last_error", Text),
)

# The statements every event runs, built once (compiled once; values bound at execution).
_CLAIM_KEYS = insert(slack_processed)
_STORE = insert(slack_inbox).returning(slack_inbox.c.id)  # (the id, on every database)
_CLAIM = update(slack_inbox).where(
    slack_inbox.c.id == bindparam("row"), slack_inbox.c.status == "pending",
    slack_inbox.c.owner == bindparam("me"),
).values(status="processing")
_SEEN = select(slack_processed.c.key).where(
    slack_processed.c.key.in_(bindparam("keys", expanding=True))).limit(1)
_CLOSE = update(slack_inbox).where(
    slack_inbox.c.id == bindparam("row"), slack_inbox.c.owner == bindparam("me"),
).values(status="done", body="{}")

#: ``json.dumps(body, separators=(",", ":"))`` with the encoder made once (``dumps`` with an
#: option builds one per call): how a request's body is stored.
_COMPACT = json.JSONEncoder(separators=(",", ":"))

ACCEPT_BUDGET = 2.0  # seconds to get a request on disk; Slack waits 3 for the acknowledgement
TRY_TIMEOUT_MS = 250  # how long one try waits for a lock before backing off
START_LEASE = timedelta(seconds=30)  # accepted, not yet started: taken over after this
WORK_LEASE = timedelta(minutes=5)  # started: taken over after this (its process hung or died)
MAX_ATTEMPTS = 3
KEEP_DONE = timedelta(days=2)


class _InFlight:
    """The inbox rows each owner (a ``SlackInbox.identity``: one per process's Slack state) is
    working on, with when it began and when their lease was last renewed (monotonic
    seconds)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rows: dict[tuple[str, int], list[float]] = {}

    def add(self, owner: str, row: int) -> None:
        now = time.monotonic()
        with self._lock:
            self._rows[(owner, row)] = [now, now]

    def discard(self, owner: str, row: int) -> None:
        with self._lock:
            self._rows.pop((owner, row), None)

    def working(self, owner: str, row: int) -> bool:
        """In flight, and not for so long that its thread must have hung."""
        with self._lock:
            times = self._rows.get((owner, row))
        return times is not None and time.monotonic() - times[0] < WORK_LEASE.total_seconds()

    def due(self, owner: str, every: float) -> list[int]:
        """``owner``'s working rows whose lease was renewed ``every`` seconds ago or more,
        marked renewed now."""
        now = time.monotonic()
        due = []
        with self._lock:
            for (who, row), times in self._rows.items():
                if (who == owner and now - times[1] >= every
                        and now - times[0] < WORK_LEASE.total_seconds()):
                    times[1] = now
                    due.append(row)
        return due


_in_flight = _InFlight()


def redacted(value: Any, typed: tuple[str, ...] = ("text",), *, click: bool = False) -> Any:
    """``value`` (a request body) as it is stored: what people type passed through
    ``redact`` (every ``text`` of messages and commands and, in a modal's state, every input
    ``value``), and no Block Kit ``blocks``: processing reads an event's words from its
    ``text`` (its ``blocks`` are a rich-text copy of them), and of a click the action, not the
    layout of the message or modal it came from (the bot's own, whose every text was
    redacted again on every click: about 2 ms each). Button values are the bot's own JSON and
    are kept as they are. ``click`` (an interaction): nobody typed its texts outside the
    modal's state — the bot's own message text, button labels, titles — and nothing reads
    them: dropped, not redacted."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key == "blocks":
                continue
            if key == "state" and isinstance(item, dict):
                out[key] = redacted(item, ("text", "value"))
            elif key in typed and isinstance(item, str):
                out[key] = redact(item)
            elif click and key == "text":
                continue
            else:
                out[key] = redacted(item, typed, click=click)
        return out
    if isinstance(value, list):
        return [redacted(v, typed, click=click) for v in value]
    return value


class Taken(BaseException):  # noqa: N818 - a signal, like GeneratorExit, not an error
    """The inbox row is no longer ours to process (done already, or taken over by another
    process): the work stops where it is and its transaction rolls back. A BaseException so
    that no ``except Exception`` on the way (a page that must not take the guidance down)
    swallows it."""


@dataclass(frozen=True)
class Accepted:
    """What ``accept`` did: ``new`` (stored as ``inbox_id``), ``duplicate`` (a key was already
    claimed: a retry, a replay) or ``unavailable`` (the database stayed busy). ``stored``: the
    request as stored, its typed text redacted (processing reads that instead of redacting
    the same words again)."""

    outcome: str
    inbox_id: int | None = None
    stored: dict[str, Any] | None = None


class Duplicate(Taken):
    """A deferred event's keys were claimed first by another delivery of it (a retry, the
    same message as a second event, another instance): its work rolls back, undone."""


class Pending:
    """An event accepted but not yet stored: it is stored by the first write transaction of its
    own work (``SlackInbox.processing``), together with the changes the work makes, and Slack
    gets its acknowledgement only once that transaction has committed (``wait``). So an event
    commits its request and its changes once, and nothing acknowledged is only in memory.

    ``outcome`` once settled: ``new`` (stored, as ``inbox_id``), ``duplicate`` (another
    delivery holds its keys), ``unavailable`` (it could not be stored: Slack must retry) or
    ``none`` (no listener took it: nothing to store). Its keys are known to this process as in
    flight until it settles, so a retry that arrives meanwhile waits for this one instead of
    doing the work a second time."""

    def __init__(self, kind: str, stored: str, clean: dict[str, Any], keys: list[str],
                 user_id: str | None, deadline: float):
        self.kind, self.stored, self.clean = kind, stored, clean
        self.keys, self.user_id, self.deadline = keys, user_id, deadline
        self.inbox_id: int | None = None
        self.outcome: str | None = None
        self._settled = threading.Event()

    def settle(self, outcome: str) -> None:
        """The first outcome counts; the keys are no longer in flight here."""
        with _awaited_lock:
            if self.outcome is not None:
                return
            self.outcome = outcome
            for key in self.keys:
                if _awaited.get(key) is self:
                    del _awaited[key]
        self._settled.set()

    def wait(self, deadline: float | None = None) -> str | None:
        """The outcome, waiting for it until ``deadline`` (monotonic seconds; by default its
        own acknowledgement's); None if still undecided then."""
        until = self.deadline if deadline is None else deadline
        self._settled.wait(max(0.0, until - time.monotonic()))
        return self.outcome


_awaited: dict[str, Pending] = {}
_awaited_lock = threading.Lock()


@dataclass(frozen=True)
class InboxRow:
    id: int
    kind: str
    body: dict[str, Any]
    user_id: str | None
    attempts: int
    received: float  # when it was accepted, in seconds since the epoch


class SlackInbox:
    """Query objects for ``slack_inbox``; ``identity`` is this process (``worker_identity``),
    ``start_lease`` how long a row accepted (or taken over) and not yet started stays its."""

    def __init__(self, database: Database, identity: str | None = None,
                 start_lease: timedelta = START_LEASE):
        self.db = database
        database.impatient(TRY_TIMEOUT_MS)  # opened with the app, not on its first request,
        database.unsynced()  # as the engine its units' bookkeeping commits on
        self.identity = identity or worker_identity()
        self.start_lease = start_lease
        self._last_prune = 0.0

    # --- before the acknowledgement -------------------------------------------------------

    def accept(self, kind: str, body: dict[str, Any], keys: list[str],
               user_id: str | None, budget: float = ACCEPT_BUDGET) -> Accepted:
        """Claim ``keys`` and store the request, durably, within ``budget`` seconds."""
        clean = (redacted(body, (), click=True) if kind == "interaction" else redacted(body))
        stored = _COMPACT.encode(clean)
        return self._accept_stored(kind, stored, clean, keys, user_id, budget)

    def _accept_stored(self, kind: str, stored: str, clean: dict[str, Any], keys: list[str],
                       user_id: str | None, budget: float) -> Accepted:
        deadline = time.monotonic() + budget
        delay = 0.05
        while True:
            try:
                with one_writer(self.db, wait=max(0.0, deadline - time.monotonic())):
                    inbox_id = self._insert(kind, stored, keys, user_id)
                    self.begin(inbox_id)  # in flight from now: never taken over while worked on
                    return Accepted("new", inbox_id, clean)
            except IntegrityError:
                return Accepted("duplicate")
            except OperationalError as exc:  # locked / busy: back off and try again
                left = deadline - time.monotonic()
                if left <= 0:
                    log.error("inbox: could not store a %s within %.1fs: %s", kind, budget, exc)
                    return Accepted("unavailable")
                time.sleep(min(delay, left))
                delay *= 2

    def defer(self, kind: str, body: dict[str, Any], keys: list[str], user_id: str | None,
              budget: float = ACCEPT_BUDGET) -> Pending | Accepted:
        """An event to be stored by its own work (``Pending``), or what became of it when it
        is a delivery seen already (``duplicate``: its keys are stored, or in flight here and
        stored meanwhile) or cannot be checked (``unavailable``). Nothing is written."""
        deadline = time.monotonic() + budget
        wanted = list(dict.fromkeys(k[:200] for k in keys))
        try:
            with self.db.engine.connect() as conn:
                if wanted and conn.execute(_SEEN, {"keys": wanted}).first() is not None:
                    return Accepted("duplicate")
        except OperationalError as exc:
            log.error("inbox: could not check a %s: %s", kind, exc)
            return Accepted("unavailable")
        clean = redacted(body)
        pending = Pending(kind, _COMPACT.encode(clean), clean, wanted,
                          user_id, deadline)
        with _awaited_lock:
            earlier = next((_awaited[k] for k in wanted if k in _awaited), None)
            if earlier is None:
                for key in wanted:
                    _awaited[key] = pending
                return pending
        outcome = earlier.wait(deadline)  # the same event, worked on here: never twice
        return Accepted("duplicate" if outcome in ("new", "duplicate") else "unavailable")

    def keep(self, pending: Pending) -> Accepted:
        """A deferred event whose work failed before it was stored: stored now, as ``accept``
        stores a request (to be replayed), so that it is acknowledged and not lost."""
        if pending.outcome == "new" and pending.inbox_id is not None:
            return Accepted("new", pending.inbox_id, pending.clean)
        if pending.inbox_id is not None:  # its transaction rolled back: the row never was
            self.end(pending.inbox_id)
            pending.inbox_id = None
        with _awaited_lock:  # stored under its keys by ``accept`` now, not by the work
            for key in pending.keys:
                if _awaited.get(key) is pending:
                    del _awaited[key]
        accepted = self._accept_stored(pending.kind, pending.stored, pending.clean,
                                       pending.keys, pending.user_id,
                                       max(0.0, pending.deadline - time.monotonic()))
        pending.inbox_id = accepted.inbox_id
        pending.settle(accepted.outcome)
        return accepted

    def _insert(self, kind: str, stored: str, keys: list[str], user_id: str | None) -> int:
        now = utcnow()
        sqlite = self.db.dialect == "sqlite"
        # On SQLite its connections wait TRY_TIMEOUT_MS at most for another process's lock.
        with self.db.impatient(TRY_TIMEOUT_MS).connect() as conn:
            try:
                if sqlite:
                    conn.exec_driver_sql("BEGIN IMMEDIATE")
                else:
                    conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{TRY_TIMEOUT_MS}ms'")
                inbox_id = self._store(conn, kind, stored, keys, user_id, now, "pending",
                                       now + self.start_lease)
                conn.commit()
            except BaseException:
                conn.rollback()
                raise
        return inbox_id

    def _store(self, conn: Connection, kind: str, stored: str, keys: list[str],
               user_id: str | None, now: datetime, status: str, lease_until: datetime) -> int:
        """The request's keys claimed and its row written, on ``conn`` (not committed)."""
        if keys:
            run(conn, _CLAIM_KEYS, [
                {"key": k[:200], "created_at": now} for k in dict.fromkeys(keys)])
        return int(run(conn, _STORE, {
            "kind": kind, "body": stored, "user_id": (user_id or "")[:64] or None,
            "status": status, "owner": self.identity, "attempts": 0,
            "lease_until": lease_until, "received_at": now,
        }).scalar_one())

    # --- processing -----------------------------------------------------------------------

    def begin(self, inbox_id: int) -> None:
        """This process is working on ``inbox_id`` (accepted or taken over, to be processed):
        its own ``take_over`` leaves it alone and renews its lease until ``end``."""
        _in_flight.add(self.identity, inbox_id)

    def end(self, inbox_id: int) -> None:
        """This process no longer works on ``inbox_id`` (done, failed, or taken by another)."""
        _in_flight.discard(self.identity, inbox_id)

    @contextmanager
    def processing(self, request: int | Pending) -> Iterator[None]:
        """Process our pending row: taken (``processing``) in the work's first write
        transaction, with the work's changes; closed (``done``, its body emptied: nothing typed
        is kept) in the transaction recording what the work posted. Raises ``Taken`` when the
        row is not ours or not pending (done already, or another process took it over): then
        nothing the work wrote is kept.

        A ``Pending`` event is stored (``processing``) by that first write transaction instead,
        its keys claimed with it: its acknowledgement is let go once that commits. Raises
        ``Duplicate`` (nothing kept) when another delivery claimed a key first."""
        if isinstance(request, Pending):
            pending = request

            def claim(conn: Connection) -> None:
                now = utcnow()
                try:
                    inbox_id = self._store(conn, pending.kind, pending.stored, pending.keys,
                                           pending.user_id, now, "processing", now + WORK_LEASE)
                except IntegrityError:
                    raise Duplicate(pending.keys) from None
                pending.inbox_id = inbox_id
                self.begin(inbox_id)

                def stored() -> None:
                    pending.settle("new")

                if not decision(conn).on_commit(stored):
                    after_commit(stored)

            def close(conn: Connection) -> None:
                assert pending.inbox_id is not None
                self._close(conn, pending.inbox_id)
        else:
            inbox_id = request

            def claim(conn: Connection) -> None:
                if not self._claim(conn, inbox_id):
                    raise Taken(inbox_id)

            def close(conn: Connection) -> None:
                self._close(conn, inbox_id)

        with unit(self.db, claim, close):
            yield
        self._maybe_prune(utcnow())

    def _claim(self, conn: Connection, inbox_id: int) -> bool:
        changed = run(conn, _CLAIM, {"row": inbox_id, "me": self.identity,
                                        "lease_until": utcnow() + WORK_LEASE}).rowcount
        return changed == 1

    def _close(self, conn: Connection, inbox_id: int) -> None:
        run(conn, _CLOSE, {"row": inbox_id, "me": self.identity, "done_at": utcnow()})

    def finish(self, inbox_id: int) -> None:
        """Done without processing (no listener works on it): the body is emptied."""
        with self.db.engine.begin() as conn:
            self._close(conn, inbox_id)
        self._maybe_prune(utcnow())

    def fail(self, inbox_id: int, error: str) -> bool:
        """Record a failed attempt; True when it has failed for good (then it is not retried,
        and the sender must be told)."""
        now = utcnow()
        with self.db.engine.begin() as conn:
            row = conn.execute(select(slack_inbox.c.attempts).where(
                slack_inbox.c.id == inbox_id, slack_inbox.c.owner == self.identity)).first()
            if row is None:
                return False
            attempts = row.attempts + 1
            final = attempts >= MAX_ATTEMPTS
            conn.execute(update(slack_inbox).where(slack_inbox.c.id == inbox_id).values(
                attempts=attempts, last_error=error[:500],
                status="failed" if final else "pending",
                body="{}" if final else slack_inbox.c.body,
                lease_until=now + timedelta(seconds=2 ** attempts),
                done_at=now if final else None,
            ))
        return final

    def take_over(self, now: datetime | None = None, limit: int = 20) -> list[InboxRow]:
        """Rows whose process died (same host) or whose lease ran out, now ours to process
        (and in flight: ``end`` them once processed). Our own rows still in flight are
        skipped, and the leases of those not yet started renewed first."""
        now = now or utcnow()
        self.renew(now)
        open_rows = or_(slack_inbox.c.status == "pending", slack_inbox.c.status == "processing")
        with self.db.engine.connect() as conn:
            rows = conn.execute(select(
                slack_inbox.c.id, slack_inbox.c.owner, slack_inbox.c.lease_until,
            ).where(open_rows).order_by(slack_inbox.c.id).limit(200)).all()
        mine = []
        for r in rows:
            lease = r.lease_until if r.lease_until.tzinfo else r.lease_until.replace(
                tzinfo=now.tzinfo)
            if r.owner == self.identity and _in_flight.working(self.identity, r.id):
                continue  # still being processed here (queued, or waiting out a Retry-After)
            if lease <= now or (r.owner != self.identity and claimer_dead(r.owner, self.identity)):
                mine.append((r.id, r.owner))
            if len(mine) >= limit:
                break
        taken: list[InboxRow] = []
        for row_id, owner in mine:
            with self.db.engine.begin() as conn:
                changed = conn.execute(update(slack_inbox).where(
                    slack_inbox.c.id == row_id, slack_inbox.c.owner == owner, open_rows,
                ).values(owner=self.identity, status="pending",
                         lease_until=now + self.start_lease)).rowcount
                if changed != 1:
                    continue  # another process took it first
                r = conn.execute(select(slack_inbox).where(slack_inbox.c.id == row_id)).one()
            self.begin(row_id)
            received = r.received_at if r.received_at.tzinfo else r.received_at.replace(
                tzinfo=UTC)
            taken.append(InboxRow(r.id, r.kind, json.loads(r.body), r.user_id, r.attempts,
                                  received.timestamp()))
        return taken

    def renew(self, now: datetime | None = None) -> int:
        """Extend the lease of our rows in flight and not yet started (``pending``) once a
        third of it has passed, so that no other process takes over a request this one is
        still on (a listener backlog, a Retry-After before its first write). Started rows hold
        ``WORK_LEASE``. Returns how many were renewed."""
        due = _in_flight.due(self.identity, self.start_lease.total_seconds() / 3)
        if not due:
            return 0
        now = now or utcnow()
        with self.db.engine.begin() as conn:
            return conn.execute(update(slack_inbox).where(
                slack_inbox.c.id.in_(due), slack_inbox.c.owner == self.identity,
                slack_inbox.c.status == "pending",
            ).values(lease_until=now + self.start_lease)).rowcount

    # --- reading ----------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        with self.db.engine.connect() as conn:
            rows = conn.execute(select(slack_inbox.c.status))
            found: dict[str, int] = {}
            for (status,) in rows:
                found[status] = found.get(status, 0) + 1
        return found

    def unprocessed(self) -> int:
        """Requests stored and not yet done nor failed for good (``pending``, ``processing``):
        being worked on, waiting for a retry, or left by a dead process for a replay."""
        counts = self.counts()
        return counts.get("pending", 0) + counts.get("processing", 0)

    def _maybe_prune(self, now: datetime) -> None:
        if now.timestamp() - self._last_prune < 600:
            return
        self._last_prune = now.timestamp()
        with self.db.engine.begin() as conn:
            conn.execute(delete(slack_inbox).where(
                slack_inbox.c.status.in_(("done", "failed")),
                slack_inbox.c.received_at < now - KEEP_DONE))
            # the idempotency keys claimed with the rows (Slack retries for about an hour)
            conn.execute(delete(slack_processed).where(
                slack_processed.c.created_at < now - KEEP_DONE))
