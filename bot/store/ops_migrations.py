"""Migrations 40–49: what ties the faces, paging and the schedule together.

* ``status_messages`` (40): messages that show an escalation's live status to the asker (the
  Slack outcome message, the paging note), so every state change can edit them in place.
* ``scheduled_jobs`` (41): recurring jobs (the director's weekly digest) with their next due
  time in the database, so a restart neither skips nor repeats a run.

Each function freezes its own DDL, like the rest of ``bot.store.migrations``; the list below is
appended to ``MIGRATIONS`` there.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)


def _v40_status_messages(conn: Connection) -> None:
    """The message as posted (its text is policy content, never patron data) and the status
    line it should show now; the outbox edits it (``status-edit`` rows)."""
    meta = MetaData()
    Table(
        "status_messages",
        meta,
        Column("escalation_id", String(32), nullable=False, index=True),
        Column("channel", String(64), nullable=False),
        Column("ts", String(32), nullable=False),
        Column("message", Text, nullable=False),  # {"text", "blocks"} as posted
        Column("status", Text, nullable=False),  # the status line it should show now
        Column("shown", String(64), nullable=False),  # the state that line describes
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
        PrimaryKeyConstraint("escalation_id", "channel", "ts"),
    )
    meta.create_all(conn)


def _v41_scheduled_jobs(conn: Connection) -> None:
    """One row per recurring job: when it is next due, and who is running it (a lease)."""
    meta = MetaData()
    Table(
        "scheduled_jobs",
        meta,
        Column("name", String(64), primary_key=True),
        Column("next_due_at", DateTime(timezone=True), nullable=False),
        Column("last_started_at", DateTime(timezone=True)),
        Column("last_done_at", DateTime(timezone=True)),
        Column("claimed_by", String(128)),
        Column("lease_until", DateTime(timezone=True)),
        Column("last_error", Text),
    )
    meta.create_all(conn)


OPS_MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (40, "escalation status messages", _v40_status_messages),
    (41, "scheduled jobs", _v41_scheduled_jobs),
]
