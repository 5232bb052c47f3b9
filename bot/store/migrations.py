"""Versioned schema migrations: an ordered list, each applied once, recorded in the database.

A migration freezes the DDL of its own moment (it does not import today's table objects),
so an old database upgrades step by step to the current schema. To change the schema, append
a migration; never edit one that has shipped.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    insert,
    inspect,
    select,
)

from bot.store.channel_migrations import CHANNEL_MIGRATIONS
from bot.store.ops_migrations import OPS_MIGRATIONS
from bot.store.paging_migrations import PAGING_MIGRATIONS
from bot.store.privacy_migrations import PRIVACY_MIGRATIONS
from bot.store.review_migrations import REVIEW_MIGRATIONS
from bot.store.slack_migrations import SLACK_MIGRATIONS


def _v1_conversations(conn: Connection) -> None:
    meta = MetaData()
    Table(
        "conversations",
        meta,
        Column("id", String(64), primary_key=True),
        Column("library", String(64), nullable=False),
        Column("flow", String(64), nullable=False),
        Column("user_id", String(64), nullable=False, index=True),
        Column("channel", String(64), nullable=True),
        Column("face", String(16), nullable=False),
        Column("status", String(16), nullable=False),
        Column("outcome", String(64), nullable=True),
        Column("state", Text, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
    )
    meta.create_all(conn)


Migration = tuple[int, str, Callable[[Connection], None]]

MIGRATIONS: list[Migration] = [
    (1, "conversations", _v1_conversations),
    *PAGING_MIGRATIONS,  # 10–19: escalation, outbox, holds, audit, aggregates
    *SLACK_MIGRATIONS,  # 20–29: Slack threads, processed idempotency keys
    *REVIEW_MIGRATIONS,  # 30–39: drill attempts
    *OPS_MIGRATIONS,  # 40–49: live status messages, scheduled jobs
    *CHANNEL_MIGRATIONS,  # 50–59: ladder rungs, acknowledgement links
    *PRIVACY_MIGRATIONS,  # 60–69: typed words older versions kept, scrubbed
]

_meta = MetaData()
schema_migrations = Table(
    "schema_migrations",
    _meta,
    Column("version", Integer, primary_key=True),
    Column("name", String(100), nullable=False),
    Column("applied_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)


def migrate(engine: Engine) -> list[int]:
    """Apply every pending migration in order; returns the versions applied.

    Each migration runs in its own transaction with its version row, so a crash mid-way
    leaves the database at the last complete version. Two processes racing to migrate
    collide on the version primary key; the loser's transaction rolls back harmlessly.
    """
    _meta.create_all(engine)
    applied: list[int] = []
    with engine.connect() as conn:
        done = set(conn.scalars(select(schema_migrations.c.version)))
    for version, name, apply in MIGRATIONS:
        if version in done:
            continue
        try:
            with engine.begin() as conn:
                conn.execute(insert(schema_migrations).values(version=version, name=name))
                apply(conn)
        except Exception:
            with engine.connect() as conn:
                if version in set(conn.scalars(select(schema_migrations.c.version))):
                    continue  # another process applied it first
            raise
        applied.append(version)
    return applied


def pending_migrations(engine: Engine) -> list[tuple[int, str]]:
    """(version, name) of every migration not yet applied; empty when the schema is current.
    Reads only: for ``--no-migrate``, which refuses to run on an out-of-date schema."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("schema_migrations"):
            done: set[int] = set()
        else:
            done = set(conn.scalars(select(schema_migrations.c.version)))
    return [(version, name) for version, name, _ in MIGRATIONS if version not in done]
