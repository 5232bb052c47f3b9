"""Escalation and paging: the privacy in-charge is paged, the director is told, nothing is lost."""

from bot.escalation.delivery import (
    DeliveryError,
    OutboxWorker,
    SlackTransport,
    Transport,
)
from bot.escalation.service import (
    AckResult,
    EscalationService,
    EscalationSummary,
    HoldSummary,
    ThreadRef,
)

__all__ = [
    "AckResult",
    "DeliveryError",
    "EscalationService",
    "EscalationSummary",
    "HoldSummary",
    "OutboxWorker",
    "SlackTransport",
    "ThreadRef",
    "Transport",
]
