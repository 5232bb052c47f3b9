"""Conversations survive restarts: every step's state is saved, already redacted by the engine."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, select
from sqlalchemy.dialects import postgresql, sqlite

from bot.engine.conversation import Conversation
from bot.store.database import Database
from bot.store.prepared import run
from bot.store.schema import conversations
from bot.store.txn import utcnow, write_transaction

_SAVED = ("library", "flow", "user_id", "channel", "face", "status", "outcome", "state",
          "updated_at")


def _upsert(dialect_insert: Any) -> Any:
    """INSERT … ON CONFLICT (id) DO UPDATE of the saved columns, built once per dialect
    (compiled once; values bound at execution)."""
    statement = dialect_insert(conversations)
    return statement.on_conflict_do_update(
        index_elements=["id"], set_={name: statement.excluded[name] for name in _SAVED})


_UPSERTS = {"sqlite": _upsert(sqlite.insert), "postgresql": _upsert(postgresql.insert)}

_encoded = threading.local()


def state_json(conversation: Conversation) -> str:
    """``conversation`` as the stored ``state`` JSON, encoded once: a Slack event stores the
    same (immutable) conversation in its thread's row and in its own, so the last one encoded
    in this thread is reused."""
    last: tuple[Conversation, str] | None = getattr(_encoded, "last", None)
    if last is not None and last[0] is conversation:
        return last[1]
    text = json.dumps(conversation.to_json())
    _encoded.last = (conversation, text)
    return text


@dataclass(frozen=True)
class StoredConversation:
    conversation: Conversation
    user_id: str
    channel: str | None
    face: str
    status: str
    outcome: str | None
    updated_at: datetime


class ConversationStore:
    def __init__(self, database: Database):
        self.db = database

    def save(
        self,
        conversation: Conversation,
        *,
        user_id: str,
        face: str,
        status: str,
        outcome: str | None = None,
        channel: str | None = None,
    ) -> None:
        """Insert or update; the state JSON holds only redacted text (the engine redacts input)."""
        values = {
            "library": conversation.library,
            "flow": conversation.flow,
            "user_id": user_id,
            "channel": channel,
            "face": face,
            "status": status,
            "outcome": outcome,
            "state": state_json(conversation),
            "updated_at": utcnow(),
        }
        # One atomic upsert (INSERT … ON CONFLICT DO UPDATE, in both SQLite and PostgreSQL):
        # update-then-insert lets two instances saving a new conversation at once collide.
        with write_transaction(self.db) as conn:  # the event's transaction, when one is open
            run(conn, _UPSERTS[self.db.dialect],
                         {"id": conversation.id, "created_at": values["updated_at"], **values})

    def load(self, conversation_id: str) -> StoredConversation | None:
        with self.db.engine.connect() as conn:
            row = (
                conn.execute(select(conversations).where(conversations.c.id == conversation_id))
                .mappings()
                .first()
            )
        return _stored(row) if row else None

    def recent(self, user_id: str, limit: int = 5) -> list[StoredConversation]:
        with self.db.engine.connect() as conn:
            rows = (
                conn.execute(
                    select(conversations)
                    .where(conversations.c.user_id == user_id)
                    .order_by(conversations.c.updated_at.desc())
                    .limit(limit)
                )
                .mappings()
                .all()
            )
        return [_stored(r) for r in rows]


def _stored(row: RowMapping) -> StoredConversation:
    return StoredConversation(
        conversation=Conversation.from_json(json.loads(row["state"])),
        user_id=row["user_id"],
        channel=row["channel"],
        face=row["face"],
        status=row["status"],
        outcome=row["outcome"],
        updated_at=row["updated_at"],
    )
