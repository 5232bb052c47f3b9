"""Migrations 20–29: the Slack face's state (threads and processed idempotency keys).

Each function freezes its own DDL, like the rest of ``bot.store.migrations``; the list below is
appended to ``MIGRATIONS`` there.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Column, Connection, DateTime, Integer, MetaData, String, Table, Text


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


SLACK_MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (20, "slack threads", _v20_slack_threads),
    (21, "slack processed idempotency keys", _v21_slack_processed),
]
