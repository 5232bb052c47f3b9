"""Migrations 50–59: paging beyond Slack (text, call, email) and acknowledging from anywhere.

* 50: ``escalations.rung`` (the next rung of the ladder not yet sent in the current level) and
  ``escalations.level_at`` (when the current level began: rungs are timed from it).
* 51: ``ack_links``: one-time acknowledgement tokens sent by text, email and call. Only the
  token's SHA-256 is kept; a token is used once and dies with its escalation.

Each function freezes its own DDL, like the rest of ``bot.store.migrations``.
"""

from __future__ import annotations

from sqlalchemy import Column, Connection, DateTime, Index, MetaData, String, Table


def _v50_escalation_rungs(conn: Connection) -> None:
    conn.exec_driver_sql("ALTER TABLE escalations ADD COLUMN rung INTEGER NOT NULL DEFAULT 1")
    conn.exec_driver_sql("ALTER TABLE escalations ADD COLUMN level_at TIMESTAMP WITH TIME ZONE"
                         if conn.dialect.name == "postgresql"
                         else "ALTER TABLE escalations ADD COLUMN level_at DATETIME")


def _v51_ack_links(conn: Connection) -> None:
    meta = MetaData()
    Table(
        "ack_links",
        meta,
        Column("token_hash", String(64), primary_key=True),
        Column("escalation_id", String(32), nullable=False),
        Column("person", String(64), nullable=False),
        Column("channel", String(16), nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("expires_at", DateTime(timezone=True), nullable=False),
        Column("used_at", DateTime(timezone=True)),
        Index("ix_ack_links_escalation", "escalation_id"),
    )
    meta.create_all(conn)


CHANNEL_MIGRATIONS = [
    (50, "escalation ladder rungs", _v50_escalation_rungs),
    (51, "acknowledgement links", _v51_ack_links),
]
