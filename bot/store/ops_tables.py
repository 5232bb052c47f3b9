"""Table objects for migrations 40–41 (status messages, scheduled jobs), for queries only."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, MetaData, String, Table, Text

metadata = MetaData()

TS = DateTime(timezone=True)

status_messages = Table(
    "status_messages",
    metadata,
    Column("escalation_id", String(32), primary_key=True),
    Column("channel", String(64), primary_key=True),
    Column("ts", String(32), primary_key=True),
    Column("message", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("shown", String(64), nullable=False),
    Column("created_at", TS, nullable=False),
    Column("updated_at", TS, nullable=False),
)

scheduled_jobs = Table(
    "scheduled_jobs",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("next_due_at", TS, nullable=False),
    Column("last_started_at", TS),
    Column("last_done_at", TS),
    Column("claimed_by", String(128)),
    Column("lease_until", TS),
    Column("last_error", Text),
)
