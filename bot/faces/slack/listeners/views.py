"""Modals: the full text of cited clauses; the form an outcome offers (a printable file when
the review module can make one, else a modal naming it)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.engine import view
from bot.faces.slack import blocks
from bot.faces.slack.guide import Guide, Place
from bot.faces.slack.listeners.practice import post_form
from bot.faces.slack.services import Services

log = logging.getLogger("frontdesk.slack")

POLICY_MODAL = "fd_policy_text"
FORM_MODAL = "fd_form"


def _open(client: WebClient, trigger_id: str | None, modal: dict[str, Any]) -> None:
    if not trigger_id:
        return
    try:
        client.views_open(trigger_id=trigger_id, view=modal)
    except SlackApiError as exc:  # an expired trigger (over 3 s) is Slack's answer, not ours
        log.warning("views.open failed: %s", exc.response.get("error"))


def open_clauses(guide: Guide, client: WebClient, trigger_id: str, clause_ids: list[str]) -> None:
    modal = blocks.clause_modal(guide.pack, clause_ids)
    _open(client, trigger_id, {**modal, "callback_id": POLICY_MODAL})


def open_form(guide: Guide, client: WebClient, place: Place, trigger_id: str | None) -> None:
    thread = guide.state.thread(place.channel, place.thread_ts)
    if thread is None or thread.conversation is None:
        return
    current = view(guide.catalogue, thread.conversation)
    if current.outcome is None or not current.outcome.form:
        return
    try:  # the printable form, posted as a file into the thread
        if post_form(client, place.channel, place.thread_ts, guide.pack, current.outcome):
            return
    except SlackApiError as exc:
        log.warning("posting the form failed: %s", exc.response.get("error"))
    modal = blocks.form_modal(guide.pack, current.outcome.form, guide.pic())
    _open(client, trigger_id, {**modal, "callback_id": FORM_MODAL})


def register(app: App, services: Services, guide: Guide) -> None:
    def closed(ack: Ack) -> None:
        ack()

    app.view_closed(POLICY_MODAL)(closed)
    app.view_closed(FORM_MODAL)(closed)
