"""Table objects for the paging tables (created by migrations 10–14, 50–51), for queries only."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Integer, MetaData, String, Table, Text

metadata = MetaData()

TS = DateTime(timezone=True)

escalations = Table(
    "escalations",
    metadata,
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
    Column("next_action_at", TS),
    Column("acked_by", String(64)),
    Column("acked_at", TS),
    Column("resolved_by", String(64)),
    Column("resolved_at", TS),
    Column("resolve_note", Text),
    Column("expired_at", TS),
    Column("purged_at", TS),
    Column("created_at", TS, nullable=False),
    Column("updated_at", TS, nullable=False),
    Column("rung", Integer, nullable=False, default=1),  # migration 50
    Column("level_at", TS),  # migration 50
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("idempotency_key", String(200), nullable=False, unique=True),
    Column("escalation_id", String(32)),
    Column("kind", String(16), nullable=False),
    Column("method", String(16), nullable=False),
    Column("target", String(64), nullable=False),
    Column("thread_ts", String(32)),
    Column("ref_key", String(200)),
    Column("payload", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("maybe_sent", Boolean, nullable=False, default=False),
    Column("next_attempt_at", TS, nullable=False),
    Column("claimed_by", String(128)),
    Column("lease_until", TS),
    Column("last_error", Text),
    Column("result_channel", String(64)),
    Column("result_ts", String(32)),
    Column("created_at", TS, nullable=False),
    Column("sent_at", TS),
)

holds = Table(
    "holds",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("dedupe_key", String(64), nullable=False, unique=True),
    Column("escalation_id", String(32)),
    Column("conversation_id", String(64)),
    Column("library", String(64), nullable=False),
    Column("kind", String(64), nullable=False),
    Column("started_at", TS, nullable=False),
    Column("due_at", TS, nullable=False),
    Column("renewal_days", Integer),
    Column("renewals", Integer, nullable=False, default=0),
    Column("state", String(16), nullable=False),
    Column("remind_before_at", TS, nullable=False),
    Column("remind_due_at", TS, nullable=False),
    Column("reminded_before", Boolean, nullable=False, default=False),
    Column("reminded_due", Boolean, nullable=False, default=False),
    Column("created_by", String(64), nullable=False),
    Column("updated_at", TS, nullable=False),
)

audit_events = Table(
    "audit_events",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", TS, nullable=False),
    Column("kind", String(40), nullable=False),
    Column("library", String(64)),
    Column("conversation_id", String(64)),
    Column("escalation_id", String(32)),
    Column("actor", String(64)),
    Column("data", Text),
    Column("data_digest", String(64), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("purged_at", TS),
    Column("keyed", Boolean),  # hash is an HMAC with FRONTDESK_AUDIT_KEY (None/False: SHA-256)
)

audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
)

aggregate_counts = Table(
    "aggregate_counts",
    metadata,
    Column("library", String(64), primary_key=True),
    Column("month", String(7), primary_key=True),
    Column("metric", String(100), primary_key=True),
    Column("count", Integer, nullable=False),
)

ack_links = Table(
    "ack_links",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("escalation_id", String(32), nullable=False),
    Column("person", String(64), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("created_at", TS, nullable=False),
    Column("expires_at", TS, nullable=False),
    Column("used_at", TS),
)
