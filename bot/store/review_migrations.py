"""Migrations 30–39: review and practice (drill attempts).

Each function freezes its own DDL, like the rest of ``bot.store.migrations``; the list below is
appended to ``MIGRATIONS`` there.
"""

from __future__ import annotations

from sqlalchemy import Column, Connection, DateTime, Index, Integer, MetaData, String, Table


def _v30_drill_attempts(conn: Connection) -> None:
    """One practice answer: who practised (a staff id), which situation, how they did.

    No patron data: a drill is a made-up case from the catalogue, and only ids are stored.
    """
    meta = MetaData()
    Table(
        "drill_attempts",
        meta,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("staff", String(64), nullable=False),
        Column("face", String(16), nullable=False),
        Column("library", String(64), nullable=False),
        Column("flow", String(64), nullable=False),
        Column("path", String(400), nullable=False),  # "question=choice;..." of the case
        Column("outcome", String(64), nullable=False),
        Column("expected_decision", String(32), nullable=False),
        Column("expected_urgency", String(16), nullable=False),
        Column("given_decision", String(32), nullable=False),
        Column("given_urgency", String(16), nullable=False),
        Column("score", Integer, nullable=False),
        Column("max_score", Integer, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Index("ix_drill_attempts_staff", "library", "staff"),
    )
    meta.create_all(conn)


REVIEW_MIGRATIONS = [
    (30, "drill attempts", _v30_drill_attempts),
]
