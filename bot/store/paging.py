"""The escalation engine's queries: escalations, holds and watched status messages.

``bot.escalation`` decides; these functions read and write its rows, inside the caller's
transaction (``conn``, from ``write_transaction``) or, for the reads named so, on a connection
of their own. ``lock_*`` take the row for the change (``FOR UPDATE`` on PostgreSQL; SQLite's
``BEGIN IMMEDIATE`` already serialises writers); ``next_*`` skip rows another instance holds.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, bindparam, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from bot.store.database import Database
from bot.store.ops_tables import status_messages
from bot.store.paging_tables import escalations, holds, outbox
from bot.store.prepared import run
from bot.store.txn import kept_in, locked

Record = Row[Any]

# --- escalations ------------------------------------------------------------------------------


def escalation(db: Database, escalation_id: str) -> Record | None:
    """The escalation as it stands now (a connection of its own)."""
    with db.engine.connect() as conn:
        return read_escalation(conn, escalation_id)


def read_escalation(conn: Connection, escalation_id: str) -> Record | None:
    return conn.execute(select(escalations).where(escalations.c.id == escalation_id)).first()


_ESCALATIONS = select(escalations).where(escalations.c.id.in_(bindparam("ids", expanding=True)))


def read_escalations(conn: Connection, escalation_ids: Iterable[str]) -> dict[str, Record]:
    """The escalations named, by id, as ``conn`` sees them (one query, built once). Those
    the open write transaction ``conn`` opened itself are not read back: they are as it wrote
    them (``insert_escalation``, then ``update_escalation``), the row it will commit."""
    wanted = list(dict.fromkeys(escalation_ids))
    written = kept_in(conn, _WRITTEN) or {}
    found = {eid: _Written(**written[eid]) for eid in wanted if eid in written}
    unread = [eid for eid in wanted if eid not in found]
    if unread:
        found.update((row.id, row) for row in conn.execute(_ESCALATIONS, {"ids": unread}))
    return found  # type: ignore[return-value]  # a _Written reads as the Row it stands for


#: The escalations the open write transaction inserted: their columns as it leaves them.
_WRITTEN = "escalations"
_COLUMNS = tuple(column.name for column in escalations.c)
#: An escalation as written (``read_escalations``): the row's columns by name, as a Row has.
_Written = namedtuple("_Written", _COLUMNS, defaults=(None,) * len(_COLUMNS))  # type: ignore[misc]


def lock_escalation(conn: Connection, db: Database, escalation_id: str) -> Record | None:
    return conn.execute(locked(select(escalations).where(escalations.c.id == escalation_id),
                               db)).first()


def escalation_with_key(conn: Connection, dedupe_key: str) -> str | None:
    """The id of the escalation opened under ``dedupe_key``, if any."""
    return conn.execute(select(escalations.c.id)
                        .where(escalations.c.dedupe_key == dedupe_key)).scalar()


def insert_escalation(conn: Connection, db: Database, **values: Any) -> bool:
    """Insert the escalation; False (and nothing written) when its ``dedupe_key`` is taken —
    on PostgreSQL after waiting for the instance that took it to commit."""
    inserted = run(conn, _INSERT_ESCALATION[db.dialect == "postgresql"], values).first() \
        is not None
    if inserted and (written := kept_in(conn, _WRITTEN)) is not None:
        written[values["id"]] = {name: values.get(name) for name in _COLUMNS}
    return inserted


#: Built once (values travel as parameters: compiled once per process), by dialect.
_INSERT_ESCALATION = {
    pg: (postgresql if pg else sqlite).insert(escalations)
    .on_conflict_do_nothing(index_elements=["dedupe_key"]).returning(escalations.c.id)
    for pg in (False, True)
}
_UPDATE_ESCALATION = update(escalations).where(escalations.c.id == bindparam("escalation_id"))


def update_escalation(conn: Connection, escalation_id: str, **values: Any) -> None:
    """Set ``values`` (columns by name) on the escalation."""
    run(conn, _UPDATE_ESCALATION, {"escalation_id": escalation_id, **values})
    if (written := kept_in(conn, _WRITTEN)) is not None and escalation_id in written:
        written[escalation_id].update((k, v) for k, v in values.items() if k in _COLUMNS)


def next_due_escalation(conn: Connection, db: Database, state: str,
                        now: datetime) -> Record | None:
    """The escalation in ``state`` whose deadline passed first, locked; rows another instance
    is acting on are skipped."""
    return conn.execute(locked(
        select(escalations)
        .where(escalations.c.state == state, escalations.c.next_action_at <= now)
        .order_by(escalations.c.next_action_at).limit(1),
        db, skip_locked=True)).first()


def escalations_in(db: Database, states: Iterable[str]) -> list[Record]:
    """Escalations in ``states``, oldest first."""
    with db.engine.connect() as conn:
        return list(conn.execute(select(escalations)
                                 .where(escalations.c.state.in_(tuple(states)))
                                 .order_by(escalations.c.created_at)).all())


def case_escalation(conn: Connection, db: Database, conversation_id: str,
                    reasons: Iterable[str], states: Iterable[str]) -> Record | None:
    """The newest escalation of the case with one of ``reasons`` in one of ``states``, locked."""
    return conn.execute(locked(
        select(escalations)
        .where(escalations.c.conversation_id == conversation_id,
               escalations.c.reason.in_(tuple(reasons)),
               escalations.c.state.in_(tuple(states)))
        .order_by(escalations.c.created_at.desc()), db)).first()


# --- the escalation's pages (outbox rows read for decisions) --------------------------------


def failed_page_targets(conn: Connection, escalation_id: str) -> list[str]:
    """Recipients of this escalation's Slack pages that failed for good (one per page)."""
    return list(conn.execute(select(outbox.c.target).where(
        outbox.c.escalation_id == escalation_id, outbox.c.kind == "page",
        outbox.c.method == "post", outbox.c.status == "failed")).scalars())


def slack_page_keys(conn: Connection, escalation_id: str) -> list[str]:
    """Keys of every Slack page queued for this escalation (texts and calls are not edited)."""
    return list(conn.execute(select(outbox.c.idempotency_key).where(
        outbox.c.escalation_id == escalation_id, outbox.c.kind == "page",
        outbox.c.method == "post")).scalars())


def pages_to(db: Database, people: list[str], via: str, state: str) -> list[Record]:
    """(escalation_id, target, packet, urgency) of every page through ``via`` to one of
    ``people`` whose escalation is in ``state`` and whose message is known to have gone out
    (status sent: not one waiting to retry, failed, or only maybe taken), newest first."""
    with db.engine.connect() as conn:
        return list(conn.execute(
            select(outbox.c.escalation_id, outbox.c.target, escalations.c.packet,
                   escalations.c.urgency)
            .join(escalations, escalations.c.id == outbox.c.escalation_id)
            .where(outbox.c.method == via, outbox.c.kind == "page",
                   outbox.c.target.in_(people), escalations.c.state == state,
                   outbox.c.status == "sent")
            .order_by(outbox.c.created_at.desc(), outbox.c.id.desc())).all())


def pages_of(conn: Connection, escalation_id: str) -> list[Record]:
    """(idempotency_key, method, target, status) of every page queued for the escalation."""
    return list(conn.execute(select(outbox.c.idempotency_key, outbox.c.method,
                                    outbox.c.target, outbox.c.status).where(
        outbox.c.escalation_id == escalation_id, outbox.c.kind == "page")).all())


def reached_through(conn: Connection, escalation_id: str, methods: Iterable[str],
                    besides: str) -> list[Record]:
    """(method, target), once each, of the escalation's pages through ``methods`` that were
    sent or may have been (in flight), to anyone but ``besides``."""
    return list(conn.execute(
        select(outbox.c.method, outbox.c.target).distinct()
        .where(outbox.c.escalation_id == escalation_id, outbox.c.kind == "page",
               outbox.c.method.in_(tuple(methods)), outbox.c.target != besides,
               or_(outbox.c.status.in_(("sent", "sending")), outbox.c.maybe_sent))).all())


# --- holds -------------------------------------------------------------------------------------


def hold_with_key(conn: Connection, dedupe_key: str) -> str | None:
    return conn.execute(select(holds.c.id).where(holds.c.dedupe_key == dedupe_key)).scalar()


def insert_hold(conn: Connection, **values: Any) -> None:
    conn.execute(insert(holds).values(**values))


def update_hold(conn: Connection, hold_id: str, **values: Any) -> None:
    conn.execute(update(holds).where(holds.c.id == hold_id).values(**values))


def lock_hold(conn: Connection, db: Database, hold_id: str) -> Record | None:
    return conn.execute(locked(select(holds).where(holds.c.id == hold_id), db)).first()


def active_case_holds(conn: Connection, conversation_id: str) -> list[Record]:
    return list(conn.execute(select(holds).where(
        holds.c.conversation_id == conversation_id, holds.c.state == "active")).all())


#: The reminder times of a hold and the flag that says each was sent.
REMINDERS = {"before": ("remind_before_at", "reminded_before"),
             "due": ("remind_due_at", "reminded_due")}


def next_hold_to_remind(conn: Connection, db: Database, which: str,
                        now: datetime) -> Record | None:
    """An active hold whose ``which`` reminder (``before``, ``due``) is due and unsent, locked;
    holds another instance is reminding about are skipped."""
    at, flag = REMINDERS[which]
    return conn.execute(locked(
        select(holds).where(holds.c.state == "active", holds.c[at] <= now,
                            holds.c[flag].is_(False)).limit(1),
        db, skip_locked=True)).first()


def holds_in(db: Database, states: Iterable[str]) -> list[Record]:
    """Holds in ``states``, soonest due first."""
    with db.engine.connect() as conn:
        return list(conn.execute(select(holds).where(holds.c.state.in_(tuple(states)))
                                 .order_by(holds.c.due_at)).all())


# --- messages that show an escalation's status ---------------------------------------------


def watch_message(conn: Connection, **values: Any) -> None:
    """Record a posted message to keep up to date (IntegrityError: it is watched already)."""
    conn.execute(insert(status_messages).values(**values))


def watched_messages(conn: Connection, escalation_id: str) -> list[Record]:
    """(channel, ts) of every message showing this escalation's status."""
    return list(conn.execute(select(status_messages.c.channel, status_messages.c.ts)
                             .where(status_messages.c.escalation_id == escalation_id)).all())


def update_watched_messages(conn: Connection, escalation_id: str, **values: Any) -> None:
    conn.execute(update(status_messages)
                 .where(status_messages.c.escalation_id == escalation_id).values(**values))


def watched_message(db: Database, escalation_id: str, channel: str, ts: str) -> Record | None:
    with db.engine.connect() as conn:
        return conn.execute(select(status_messages).where(
            status_messages.c.escalation_id == escalation_id,
            status_messages.c.channel == channel, status_messages.c.ts == ts)).first()
