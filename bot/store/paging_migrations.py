"""Migrations 10–19: escalations, the outbox, holds, the audit chain and aggregate counts.

Each function freezes its own DDL (it does not import today's table objects), like the rest of
``bot.store.migrations``; the list below is appended to ``MIGRATIONS`` there.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    DateTime,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    insert,
    text,
)


def _v10_escalations(conn: Connection) -> None:
    meta = MetaData()
    Table(
        "escalations",
        meta,
        Column("id", String(32), primary_key=True),
        Column("dedupe_key", String(64), nullable=False, unique=True),
        Column("library", String(64), nullable=False),
        Column("situation", String(64)),
        Column("conversation_id", String(64)),
        Column("outcome_id", String(64)),
        Column("reason", String(16), nullable=False),
        Column("urgency", String(16), nullable=False),
        Column("asked_by", String(64), nullable=False),
        Column("face", String(16), nullable=False),
        Column("thread_channel", String(64)),
        Column("thread_ts", String(32)),
        Column("thread_permalink", Text),
        Column("packet", Text),
        Column("state", String(16), nullable=False),
        Column("level", Integer, nullable=False),
        Column("repeat", Integer, nullable=False),
        Column("next_action_at", DateTime(timezone=True)),
        Column("acked_by", String(64)),
        Column("acked_at", DateTime(timezone=True)),
        Column("resolved_by", String(64)),
        Column("resolved_at", DateTime(timezone=True)),
        Column("resolve_note", Text),
        Column("expired_at", DateTime(timezone=True)),
        Column("purged_at", DateTime(timezone=True)),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
        Index("ix_escalations_due", "state", "next_action_at"),
    )
    meta.create_all(conn)


def _v11_outbox(conn: Connection) -> None:
    meta = MetaData()
    Table(
        "outbox",
        meta,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("idempotency_key", String(200), nullable=False, unique=True),
        Column("escalation_id", String(32), index=True),
        Column("kind", String(16), nullable=False),
        Column("method", String(16), nullable=False),
        Column("target", String(64), nullable=False),
        Column("thread_ts", String(32)),
        Column("ref_key", String(200)),
        Column("payload", Text, nullable=False),
        Column("status", String(16), nullable=False),
        Column("attempts", Integer, nullable=False, default=0),
        Column("maybe_sent", Boolean, nullable=False, default=False),
        Column("next_attempt_at", DateTime(timezone=True), nullable=False),
        Column("claimed_by", String(128)),
        Column("lease_until", DateTime(timezone=True)),
        Column("last_error", Text),
        Column("result_channel", String(64)),
        Column("result_ts", String(32)),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("sent_at", DateTime(timezone=True)),
        Index("ix_outbox_ready", "status", "next_attempt_at"),
    )
    meta.create_all(conn)


def _v12_holds(conn: Connection) -> None:
    meta = MetaData()
    Table(
        "holds",
        meta,
        Column("id", String(32), primary_key=True),
        Column("dedupe_key", String(64), nullable=False, unique=True),
        Column("escalation_id", String(32)),
        Column("conversation_id", String(64)),
        Column("library", String(64), nullable=False),
        Column("kind", String(64), nullable=False),
        Column("started_at", DateTime(timezone=True), nullable=False),
        Column("due_at", DateTime(timezone=True), nullable=False),
        Column("renewal_days", Integer),
        Column("renewals", Integer, nullable=False, default=0),
        Column("state", String(16), nullable=False),
        Column("remind_before_at", DateTime(timezone=True), nullable=False),
        Column("remind_due_at", DateTime(timezone=True), nullable=False),
        Column("reminded_before", Boolean, nullable=False, default=False),
        Column("reminded_due", Boolean, nullable=False, default=False),
        Column("created_by", String(64), nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
        Index("ix_holds_state", "state"),
    )
    meta.create_all(conn)


def _v13_audit(conn: Connection) -> None:
    meta = MetaData()
    Table(
        "audit_events",
        meta,
        Column("seq", Integer, primary_key=True, autoincrement=False),
        Column("at", DateTime(timezone=True), nullable=False, index=True),
        Column("kind", String(40), nullable=False),
        Column("library", String(64)),
        Column("conversation_id", String(64)),
        Column("escalation_id", String(32)),
        Column("actor", String(64)),
        Column("data", Text),
        Column("data_digest", String(64), nullable=False),
        Column("prev_hash", String(64), nullable=False),
        Column("hash", String(64), nullable=False),
        Column("purged_at", DateTime(timezone=True)),
    )
    head = Table(
        "audit_head",
        meta,
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("seq", Integer, nullable=False),
        Column("hash", String(64), nullable=False),
    )
    meta.create_all(conn)
    conn.execute(insert(head).values(id=1, seq=0, hash="0" * 64))


def _v14_aggregates(conn: Connection) -> None:
    meta = MetaData()
    Table(
        "aggregate_counts",
        meta,
        Column("library", String(64), nullable=False),
        Column("month", String(7), nullable=False),
        Column("metric", String(100), nullable=False),
        Column("count", Integer, nullable=False),
        PrimaryKeyConstraint("library", "month", "metric"),
    )
    meta.create_all(conn)


def _v15_audit_keyed(conn: Connection) -> None:
    """Which events are chained with the secret key (HMAC) rather than a plain hash."""
    conn.execute(text("ALTER TABLE audit_events ADD COLUMN keyed BOOLEAN"))


PAGING_MIGRATIONS = [
    (10, "escalations", _v10_escalations),
    (11, "outbox", _v11_outbox),
    (12, "holds", _v12_holds),
    (13, "audit chain", _v13_audit),
    (14, "aggregate counts", _v14_aggregates),
    (15, "audit events keyed with a secret", _v15_audit_keyed),
]
