"""Listeners by kind, in the style of slack-bolt's examples. None holds policy logic.

Every listener acknowledges first and does its work in a lazy function, which Bolt runs after
the acknowledgement has been sent: nothing slow happens inside Slack's 3-second window.
"""

from __future__ import annotations

import importlib.util
from typing import Any

from slack_bolt import App

from bot.faces.slack.guide import Guide
from bot.faces.slack.listeners import actions, audit, commands, events, views


def _optional(name: str) -> Any:
    """A listener module another part of the project owns, if it is in this checkout."""
    full = f"bot.faces.slack.listeners.{name}"
    if importlib.util.find_spec(full) is None:
        return None
    return importlib.import_module(full)


def register(app: App, services: Any, guide: Guide) -> None:
    # `/frontdesk drill …` (review and practice) matches before the general command listener.
    if practice := _optional("practice"):
        practice.register(app, services)
    # `/frontdesk audit export since DATE` (the director's CSV) likewise.
    audit.register(app, services)
    commands.register(app, services, guide)
    events.register(app, services, guide)
    actions.register(app, services, guide)
    views.register(app, services, guide)
    # Pages' Acknowledge / Resolve buttons belong to the escalation module.
    if escalation := _optional("escalation"):
        escalation.register(app, services)
