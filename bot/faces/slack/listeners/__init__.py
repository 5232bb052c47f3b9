"""Listeners by kind, in the style of slack-bolt's examples. None holds policy logic.

Every listener acknowledges first and does its work after the acknowledgement has been sent:
nothing slow happens inside Slack's 3-second window. Events need no lazy function: Bolt
acknowledges them itself before it runs their listener; the case's buttons acknowledge and go
on in the same listener (``common.acked``), as does ``/frontdesk``, without the copy of the
request Bolt makes for a lazy function; modals, the page buttons and the drill and audit
commands still do their work in a lazy function.
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
    # Bolt tries each listener's matchers in this order until one matches, building every
    # argument a listener may take for each try: events (staff's messages, the most frequent
    # requests) first, so a message is not first tried against every command and button; then
    # the case's buttons (several clicks for each case opened by a message or a command).
    events.register(app, services, guide)
    actions.register(app, services, guide)
    # `/frontdesk drill …` (review and practice) matches before the general command listener.
    practice.register(app, services)
    # `/frontdesk audit export since DATE` (the director's CSV) likewise.
    audit.register(app, services)
    commands.register(app, services, guide)
    views.register(app, services, guide)
    # Pages' Acknowledge / Resolve buttons.
    escalation.register(app, services)
