"""The case trail for Slack conversations: the same audit events the terminal records.

``case.opened`` (flow, face), one ``case.answer`` per new transcript turn (the engine has
redacted what was typed; ``EscalationService.record`` redacts free text again) and
``case.outcome`` (outcome id, decision), through ``EscalationService.record`` like
``bot.faces.terminal.chat``. Only changes that won the thread's compare-and-swap are recorded,
so a retried event or a double click adds nothing to the trail.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.engine import View
from bot.engine.conversation import Conversation
from bot.faces.slack.services import Services
from bot.ops.metrics import OUTCOMES

log = logging.getLogger("frontdesk.slack")


class CaseTrail:
    def __init__(self, services: Services, library: str):
        self.services = services
        self.library = library

    def changed(self, before: Conversation | None, after: View, user: str) -> None:
        """Record what moved from ``before`` to ``after`` (a new case, answers, an outcome)."""
        service = self.services.escalations
        if service is None:
            return
        conversation = after.conversation
        events: list[tuple[str, dict[str, Any]]] = []
        if before is None or before.id != conversation.id:
            events.append(("case.opened", {"flow": conversation.flow, "face": "slack"}))
            turns = conversation.transcript
        else:
            turns = conversation.transcript[len(before.transcript):]
        events += [("case.answer", turn.to_json()) for turn in turns]
        if after.outcome is not None:
            events.append(("case.outcome", {"outcome": after.outcome.id,
                                            "decision": after.outcome.decision}))
            OUTCOMES.labels(after.outcome.decision).inc()
        try:
            for kind, data in events:
                service.record(kind, library=self.library, actor=user,
                               conversation_id=conversation.id, data=data)
        except Exception:  # the trail must never take the guidance down with it
            log.exception("recording the case trail failed")
