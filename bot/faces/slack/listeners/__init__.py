"""Listeners by kind, in the style of slack-bolt's examples. None holds policy logic.

Every listener acknowledges first and does its work in a lazy function, which Bolt runs after
the acknowledgement has been sent: nothing slow happens inside Slack's 3-second window.
"""

from __future__ import annotations

from slack_bolt import App

from bot.faces.slack.guide import Guide
from bot.faces.slack.listeners import (
    actions,
    audit,
    commands,
    escalation,
    events,
    practice,
    views,
)
from bot.faces.slack.services import Services


def register(app: App, services: Services, guide: Guide) -> None:
    # `/frontdesk drill …` (review and practice) matches before the general command listener.
    practice.register(app, services)
    # `/frontdesk audit export since DATE` (the director's CSV) likewise.
    audit.register(app, services)
    commands.register(app, services, guide)
    events.register(app, services, guide)
    actions.register(app, services, guide)
    views.register(app, services, guide)
    # Pages' Acknowledge / Resolve buttons.
    escalation.register(app, services)
