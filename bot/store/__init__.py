"""Storage: SQLAlchemy Core over SQLite (embedded default) or PostgreSQL (several instances)."""

from bot.store.conversations import ConversationStore
from bot.store.database import Database, default_database_url

__all__ = ["ConversationStore", "Database", "default_database_url"]
