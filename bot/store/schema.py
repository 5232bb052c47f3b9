"""The current tables, for queries. Migrations (not these objects) create and change them."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, MetaData, String, Table, Text

metadata = MetaData()

conversations = Table(
    "conversations",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("library", String(64), nullable=False),
    Column("flow", String(64), nullable=False),
    Column("user_id", String(64), nullable=False),
    Column("channel", String(64)),
    Column("face", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("outcome", String(64)),
    Column("state", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
