"""Escalation and paging: the privacy in-charge is paged, the director is told, nothing is lost.

The core decides (states, ladder, deadlines) and queues what to send in the outbox; the
channels (``bot.channels``: Slack, texts, calls, email) render and deliver it.
"""

from bot.escalation.records import AckResult, EscalationSummary, HoldSummary, Paged, ThreadRef
from bot.escalation.service import EscalationService

__all__ = [
    "AckResult",
    "EscalationService",
    "EscalationSummary",
    "HoldSummary",
    "Paged",
    "ThreadRef",
]
