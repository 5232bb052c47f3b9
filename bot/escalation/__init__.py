"""Escalation and paging: the privacy in-charge is paged, the director is told, nothing is lost."""

from bot.escalation.delivery import (
    DeliveryError,
    OutboxWorker,
    SlackTransport,
    Transport,
)
from bot.escalation.records import AckResult, EscalationSummary, HoldSummary, Paged, ThreadRef
from bot.escalation.service import EscalationService

__all__ = [
    "AckResult",
    "DeliveryError",
    "EscalationService",
    "EscalationSummary",
    "HoldSummary",
    "OutboxWorker",
    "Paged",
    "SlackTransport",
    "ThreadRef",
    "Transport",
]
