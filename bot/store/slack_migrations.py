"""Migrations 20–29: the Slack face's state (threads, processed idempotency keys, the inbox).

Each function freezes its own DDL, like the rest of ``bot.store.migrations``; the list below is
appended to ``MIGRATIONS`` there.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)


def _v20_slack_threads(conn: Connection) -> None:
    meta = MetaData()
    Table(
        "slack_threads",
        meta,
        Column("channel", String(64), primary_key=True),
        Column("thread_ts", String(32), primary_key=True),
        Column("user_id", String(64), nullable=False),
        Column("kind", String(16), nullable=False),  # dm | channel
        Column("library", String(64), nullable=False),
        Column("status", String(16), nullable=False),  # picking | asking | done | moved
        Column("rev", Integer, nullable=False),
        Column("conversation_id", String(64), index=True),
        Column("state", Text),  # the conversation's JSON (redacted), swapped with rev
        Column("live_ts", String(32)),  # the message whose buttons are current
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
    )
    meta.create_all(conn)


def _v21_slack_processed(conn: Connection) -> None:
    meta = MetaData()
    Table(
        "slack_processed",
        meta,
        Column("key", String(200), primary_key=True),
        Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    )
    meta.create_all(conn)


def _v22_slack_inbox(conn: Connection) -> None:
    meta = MetaData()
    Table(
        "slack_inbox",
        meta,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("kind", String(16), nullable=False),  # event | command | interaction
        Column("body", Text, nullable=False),  # the request, free text redacted; emptied when done
        Column("user_id", String(64)),
        Column("status", String(16), nullable=False),  # pending | processing | done | failed
        Column("owner", String(128), nullable=False),  # the process that must process it
        Column("attempts", Integer, nullable=False),
        Column("lease_until", DateTime(timezone=True), nullable=False),
        Column("received_at", DateTime(timezone=True), nullable=False, index=True),
        Column("done_at", DateTime(timezone=True)),
        Column("last_error", Text),
        Index("ix_slack_inbox_open", "status", "lease_until"),
    )
    meta.create_all(conn)


SLACK_MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (20, "slack threads", _v20_slack_threads),
    (21, "slack processed idempotency keys", _v21_slack_processed),
    (22, "slack inbox (persisted before the acknowledgement)", _v22_slack_inbox),
]
