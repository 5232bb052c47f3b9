"""The Slack face's state: which thread holds which conversation, and what was processed.

Two jobs, both shared by every bot instance through the database:

* **Threads.** Guidance runs in a Slack thread; ``slack_threads`` maps (channel, thread ts) to
  the conversation there, with a revision number. A change (an answer, back, start over) is a
  compare-and-swap on that revision (``advance``), so of two clicks on the same question —
  a double click, or two people, or two instances — exactly one wins.
* **Idempotency keys.** ``claim(key)`` inserts a key once; Slack's retried events
  (``event_id``), the same message seen as a mention and as a channel message
  (``client_msg_id``), re-delivered clicks (action timestamps) and replayed signatures all
  find their key taken and do nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    RowMapping,
    String,
    Table,
    Text,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from bot.engine.conversation import Conversation
from bot.store.conversations import state_json
from bot.store.database import Database
from bot.store.outbox import worker_identity
from bot.store.prepared import run
from bot.store.txn import as_utc, bookkeeping, read_connection, utcnow, write_transaction

metadata = MetaData()

slack_threads = Table(
    "slack_threads",
    metadata,
    Column("channel", String(64), primary_key=True),
    Column("thread_ts", String(32), primary_key=True),
    Column("user_id", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("library", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("rev", Integer, nullable=False),
    Column("conversation_id", String(64)),
    Column("state", Text),
    Column("live_ts", String(32)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

slack_processed = Table(
    "slack_processed",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# The statements every event runs, built once (compiled once; values bound at execution).
_THIS_THREAD = (slack_threads.c.channel == bindparam("k_channel"),
                slack_threads.c.thread_ts == bindparam("k_thread_ts"))
_READ_THREAD = select(slack_threads).where(*_THIS_THREAD)
_MOVED_FROM = (select(slack_threads.c.channel, slack_threads.c.thread_ts)
               .where(slack_threads.c.conversation_id == bindparam("k_case"),
                      slack_threads.c.status == "moved")
               .order_by(slack_threads.c.created_at).limit(1))
_NEW_THREAD = {dialect.__name__.rsplit(".", 1)[-1]: dialect.insert(slack_threads)
               .on_conflict_do_nothing().returning(slack_threads.c.rev)
               for dialect in (postgresql, sqlite)}
_AT_REV = update(slack_threads).where(*_THIS_THREAD, slack_threads.c.rev == bindparam("k_rev"))

KEEP_KEYS = timedelta(days=2)  # Slack retries for about an hour; signatures are stale in 5 min


@dataclass(frozen=True)
class SlackThread:
    channel: str
    thread_ts: str
    user_id: str
    kind: str  # dm | channel
    library: str
    status: str  # picking | asking | done | moved
    rev: int
    conversation: Conversation | None
    live_ts: str | None
    updated_at: datetime | None = None  # the last change (answer, back, start over)
    # While picking before any case (a "Did you mean" list): what the opening message stated
    # for every situation, as structured answers (``Opening.facts``), and the day it gave, so
    # whichever situation is picked — and any after "something else" — starts from them.
    opening: tuple[tuple[str, str, str, str, bool], ...] = ()
    opening_date: str | None = None

    @property
    def moved(self) -> bool:
        return self.status == "moved"


class SlackState:
    """Query objects for ``slack_threads`` and ``slack_processed``."""

    def __init__(self, database: Database, inbox_lease: timedelta = timedelta(seconds=30)):
        self.db = database
        self.identity = worker_identity()  # this process, as the inbox names its owner
        # how long a request this process accepted, not yet started, stays its own
        # (``schedule.inbox_lease_seconds``; ``SlackInbox`` renews it while the work runs)
        self.inbox_lease = inbox_lease
        self._last_prune = 0.0

    # --- idempotency ------------------------------------------------------------------------

    def claim(self, *keys: str) -> bool:
        """Record ``keys`` as processed, all or none. False when any was already taken."""
        if not keys:
            return True
        stamp = utcnow()
        try:
            with self.db.engine.begin() as conn:
                conn.execute(
                    insert(slack_processed),
                    [{"key": k[:200], "created_at": stamp} for k in dict.fromkeys(keys)],
                )
        except IntegrityError:
            return False
        self._maybe_prune(stamp)
        return True

    def claimed(self, key: str) -> bool:
        with self.db.engine.connect() as conn:
            found = conn.execute(
                select(slack_processed.c.key).where(slack_processed.c.key == key[:200])
            ).first()
        return found is not None

    def _maybe_prune(self, stamp: datetime) -> None:
        moment = stamp.timestamp()
        if moment - self._last_prune < 600:
            return
        self._last_prune = moment
        with self.db.engine.begin() as conn:
            conn.execute(
                delete(slack_processed).where(slack_processed.c.created_at < stamp - KEEP_KEYS)
            )

    # --- threads ----------------------------------------------------------------------------

    @staticmethod
    def _at_rev(thread: SlackThread) -> dict[str, Any]:
        """``_AT_REV``'s keys: the thread's row as long as nobody has moved it past
        ``thread.rev``."""
        return {"k_channel": thread.channel, "k_thread_ts": thread.thread_ts,
                "k_rev": thread.rev}

    def thread(self, channel: str, thread_ts: str) -> SlackThread | None:
        with read_connection(self.db) as conn:
            row = conn.execute(_READ_THREAD, {"k_channel": channel, "k_thread_ts": thread_ts}
                               ).mappings().first()
        return _thread(row) if row else None

    def moved_from(self, conversation_id: str) -> tuple[str, str] | None:
        """(channel, thread_ts) of the thread a case was moved out of to a DM, if it was."""
        with read_connection(self.db) as conn:
            row = conn.execute(_MOVED_FROM, {"k_case": conversation_id}).first()
        return (row.channel, row.thread_ts) if row else None

    def open_thread(
        self,
        channel: str,
        thread_ts: str,
        *,
        user_id: str,
        kind: str,
        library: str,
        conversation: Conversation | None = None,
        live_ts: str | None = None,
        status: str | None = None,
    ) -> SlackThread:
        """Create the thread's row (rev 0) or return the one already there."""
        stamp = utcnow()
        values = {
            "channel": channel,
            "thread_ts": thread_ts,
            "user_id": user_id,
            "kind": kind,
            "library": library,
            "status": status or ("asking" if conversation else "picking"),
            "rev": 0,
            "conversation_id": conversation.id if conversation else None,
            "state": state_json(conversation) if conversation else None,
            "live_ts": live_ts,
            "created_at": stamp,
            "updated_at": stamp,
        }
        with write_transaction(self.db) as conn:  # the event's transaction, when one is open
            created = run(conn, _NEW_THREAD[self.db.dialect], values).first() is not None
        if created:
            return _thread({**values, "updated_at": stamp})
        found = self.thread(channel, thread_ts)
        assert found is not None
        return found

    def advance(
        self, thread: SlackThread, *, conversation: Conversation | None, status: str,
        opening: tuple[tuple[str, str, str, str, bool], ...] = (),
        opening_date: str | None = None,
    ) -> SlackThread | None:
        """Swap in the next state if nobody else changed the thread first (rev unchanged).
        ``opening``, ``opening_date``: kept only while there is no conversation yet.

        Returns the new row, or None when another click, message or instance won.
        """
        values = {
            "rev": thread.rev + 1,
            "status": status,
            "conversation_id": conversation.id if conversation else None,
            "state": _state(conversation, opening, opening_date),
            "updated_at": utcnow(),
        }
        with write_transaction(self.db) as conn:
            changed = run(conn, _AT_REV, {**self._at_rev(thread), **values}).rowcount
        if changed != 1:
            return None
        return SlackThread(
            thread.channel,
            thread.thread_ts,
            thread.user_id,
            thread.kind,
            thread.library,
            status,
            thread.rev + 1,
            conversation,
            thread.live_ts,
            opening=() if conversation else opening,
            opening_date=None if conversation else opening_date,
        )

    def keep_offer(self, thread: SlackThread, conversation: Conversation) -> SlackThread | None:
        """Store ``conversation`` where it changed only in what the bot offers ("Did you mean
        …?", ``Conversation.offered``), at the same rev: no answer changed, so the buttons on
        screen stay current, and the reply to the offer ("yes") is read against it."""
        keys = {**self._at_rev(thread), "state": state_json(conversation)}
        with write_transaction(self.db) as conn:
            changed = run(conn, _AT_REV, keys).rowcount
        if changed != 1:
            return None
        return replace(thread, conversation=conversation)

    def set_live(self, thread: SlackThread, live_ts: str | None) -> None:
        """Remember which message carries the current buttons (only if the rev still holds).
        Delivery bookkeeping: inside a request's unit it is written with the unit's close."""
        keys = {**self._at_rev(thread), "live_ts": live_ts}
        bookkeeping(self.db, lambda conn: run(conn, _AT_REV, keys))

    def count(self) -> dict[str, int]:
        """Row counts (for tests and health checks)."""
        with self.db.engine.connect() as conn:
            threads = conn.execute(select(func.count()).select_from(slack_threads)).scalar_one()
            keys = conn.execute(select(func.count()).select_from(slack_processed)).scalar_one()
        return {"threads": threads, "processed": keys}


def _state(conversation: Conversation | None,
           opening: tuple[tuple[str, str, str, str, bool], ...],
           opening_date: str | None) -> str | None:
    """The ``state`` column: the conversation, or (before one) the opening's facts."""
    if conversation is not None:
        return state_json(conversation)
    if opening or opening_date:
        return json.dumps({_PICKING: {"opening": [list(f) for f in opening],
                                      "stated_date": opening_date}})
    return None


_PICKING = "picking"  # a state that holds no conversation yet, only the opening's facts


def _thread(row: RowMapping) -> SlackThread:
    data = json.loads(row["state"]) if row["state"] else None
    picking = data.pop(_PICKING, None) if isinstance(data, dict) and _PICKING in data else None
    return SlackThread(
        channel=row["channel"],
        thread_ts=row["thread_ts"],
        user_id=row["user_id"],
        kind=row["kind"],
        library=row["library"],
        status=row["status"],
        rev=row["rev"],
        conversation=Conversation.from_json(data) if data and picking is None else None,
        live_ts=row["live_ts"],
        updated_at=as_utc(row["updated_at"]),
        opening=tuple((f, q, c, s, bool(hint)) for f, q, c, s, hint in
                      (picking or {}).get("opening", ())),
        opening_date=(picking or {}).get("stated_date"),
    )
