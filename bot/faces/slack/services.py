"""What the Slack listeners share: built once per process, used by every request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.config import Config
from bot.content.catalogue import Catalogue
from bot.escalation import EscalationService
from bot.router import Router, router_for
from bot.store import ConversationStore, Database
from bot.store.slack_state import SlackState


@dataclass
class Services:
    """The configuration, content, stores, router and escalation service of one process."""

    config: Config
    catalogue: Catalogue
    database: Database
    conversations: ConversationStore
    slack_state: SlackState
    router: Router | None = None
    escalations: EscalationService | None = None

    @classmethod
    def create(
        cls, config: Config, catalogue: Catalogue, database: Database | None = None
    ) -> Services:
        catalogue.pack(config.library)  # an unknown library fails here, before Slack is touched
        database = database or Database(config.database_url)
        return cls(
            config,
            catalogue,
            database,
            ConversationStore(database),
            SlackState(database, timedelta(seconds=config.schedule.inbox_lease_seconds)),
            router_for(catalogue, config.library),
            EscalationService(database, config, catalogue),
        )
