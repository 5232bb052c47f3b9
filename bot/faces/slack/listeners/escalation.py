"""The page's buttons: Acknowledge, and Resolve (a modal: how it ended, and an optional note).

Every listener acknowledges Slack first and does its work lazily, after the acknowledgement.
Only members of the privacy-in-charge or director roles may act; anyone else gets a polite
ephemeral refusal (or, in the modal, an error under the note). The page edits and the asker's
status go out through the outbox, like the page itself.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.channels.slack.messages import (
    ACK_ACTION,
    ENDING_ACTION,
    ENDING_BLOCK,
    NOTE_ACTION,
    NOTE_BLOCK,
    RESOLVE_ACTION,
    RESOLVE_MODAL,
    resolve_modal,
    who,
)
from bot.escalation import EscalationService
from bot.faces.slack.listeners.common import once
from bot.faces.slack.services import Services
from bot.mrkdwn import escape

REFUSAL = ("Sorry — only the privacy in-charge or the director can acknowledge or resolve this "
           "page. They have been paged; stay in your thread for updates.")


def _tell(client: WebClient, respond: Any, body: dict[str, Any], text: str) -> None:
    """An ephemeral reply to the person who clicked (only they see it)."""
    if body.get("response_url"):
        respond(text=text, response_type="ephemeral", replace_original=False)
        return
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
        "channel_id")
    if channel:
        client.chat_postEphemeral(channel=channel, user=body["user"]["id"], text=text)


def register(app: App, services: Services) -> None:
    def service() -> EscalationService | None:
        return services.escalations

    def ack_now(ack: Ack) -> None:
        ack()

    def acknowledge_page(body: dict[str, Any], client: WebClient, respond: Any) -> None:
        if service() is None:
            return
        escalation_id = str(body["actions"][0].get("value") or "")
        result = service().acknowledge(escalation_id, body["user"]["id"])
        _tell(client, respond, body, result.worded(who, escape))

    def open_resolve(body: dict[str, Any], client: WebClient, respond: Any) -> None:
        if service() is None:
            return
        escalation_id = str(body["actions"][0].get("value") or "")
        if not service().can_act(body["user"]["id"], escalation_id):
            _tell(client, respond, body, REFUSAL)
            return
        client.views_open(trigger_id=body["trigger_id"], view=resolve_modal(escalation_id))

    def check_submit(ack: Ack, body: dict[str, Any]) -> None:
        if service() is not None and not service().can_act(
                body["user"]["id"], str(body["view"].get("private_metadata") or "") or None):
            ack(response_action="errors", errors={NOTE_BLOCK: REFUSAL[:150]})
            return
        ack()

    def submit_resolve(body: dict[str, Any], client: WebClient) -> None:
        if service() is None:
            return
        view = body["view"]
        user = body["user"]["id"]
        if not service().can_act(user, str(view.get("private_metadata") or "") or None):
            return
        values = (view.get("state") or {}).get("values") or {}
        note = (values.get(NOTE_BLOCK) or {}).get(NOTE_ACTION, {}).get("value")
        chosen = (values.get(ENDING_BLOCK) or {}).get(ENDING_ACTION, {}).get("selected_option")
        result = service().resolve(str(view.get("private_metadata") or ""), user, note,
                                   ending=(chosen or {}).get("value"))
        if result.status != "resolved":
            client.chat_postMessage(channel=user, text=result.worded(who, escape))

    state = services.slack_state
    app.action(ACK_ACTION)(ack=ack_now, lazy=[once(state, acknowledge_page)])
    app.action(RESOLVE_ACTION)(ack=ack_now, lazy=[once(state, open_resolve)])
    app.view(RESOLVE_MODAL)(ack=check_submit, lazy=[once(state, submit_resolve)])
