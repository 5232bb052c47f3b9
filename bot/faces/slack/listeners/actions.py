"""Button clicks: choices, Not sure, Back, Start over, situations, paging, policy text, DM."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.faces.slack import blocks
from bot.faces.slack.guide import Guide, Place
from bot.faces.slack.listeners.common import REPLAYED, acked
from bot.faces.slack.listeners.views import open_clauses, open_form
from bot.faces.slack.services import Services

Handler = Callable[[Guide, WebClient, Place, dict[str, Any], dict[str, Any]], None]


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def clicked(body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], str | None, str | None]:
    """(the action, its decoded value, the channel, the clicked message's ts)."""
    action = body["actions"][0]
    data = blocks.parse_value(action.get("value"))
    container = body.get("container") or {}
    channel = (body.get("channel") or {}).get("id") or container.get("channel_id")
    return action, data, channel, container.get("message_ts")


def register(app: App, services: Services, guide: Guide) -> None:
    state = services.slack_state

    def choice(guide: Guide, client: WebClient, place: Place, data: dict, action: dict) -> None:
        guide.choose(
            client,
            place,
            _int(data.get("r")) or 0,
            str(data.get("q")),
            str(data.get("x")),
            data["message_ts"],
        )

    def not_sure(guide: Guide, client: WebClient, place: Place, data: dict, action: dict) -> None:
        guide.not_sure(
            client, place, _int(data.get("r")) or 0, str(data.get("q")), data["message_ts"]
        )

    def go_back(guide: Guide, client: WebClient, place: Place, data: dict, action: dict) -> None:
        guide.go_back(client, place, _int(data.get("r")) or 0, data["message_ts"])

    def restart(guide: Guide, client: WebClient, place: Place, data: dict, action: dict) -> None:
        guide.restart(client, place, _int(data.get("r")) or 0, data["message_ts"])

    def pick(guide: Guide, client: WebClient, place: Place, data: dict, action: dict) -> None:
        facts = data.get("p") if isinstance(data.get("p"), list) else []
        guide.pick(
            client,
            place,
            _int(data.get("r")) or 0,
            str(data.get("f")),
            data["message_ts"],
            facts=[(str(q), str(c)) for q, c in (f for f in facts if len(f) == 2)],
        )

    def something_else(
        guide: Guide, client: WebClient, place: Place, data: dict, action: dict
    ) -> None:
        guide.something_else(client, place, _int(data.get("r")) or 0)

    def change(guide: Guide, client: WebClient, place: Place, data: dict, action: dict) -> None:
        guide.reask(client, place, _int(data.get("r")) or 0, str(data.get("q")))

    def page_now(guide: Guide, client: WebClient, place: Place, data: dict, action: dict) -> None:
        guide.page_now(client, place, _int(data.get("r")))

    def not_privacy(
        guide: Guide, client: WebClient, place: Place, data: dict, action: dict
    ) -> None:
        guide.not_a_privacy_matter(client, place, _int(data.get("r")) or 0)

    def continue_dm(
        guide: Guide, client: WebClient, place: Place, data: dict, action: dict
    ) -> None:
        guide.continue_in_dm(client, place, data["message_ts"])

    def form(guide: Guide, client: WebClient, place: Place, data: dict, action: dict) -> None:
        open_form(guide, client, place, data.get("trigger_id"))

    routes: dict[str, Handler] = {
        blocks.CHOICE: choice,
        blocks.NOT_SURE_ACTION: not_sure,
        blocks.BACK: go_back,
        blocks.START_OVER: restart,
        blocks.SOMETHING_ELSE: something_else,
        blocks.PICK: pick,
        blocks.CHANGE: change,
        blocks.PAGE_NOW: page_now,
        blocks.NOT_PRIVACY_ACTION: not_privacy,
        blocks.CONTINUE_DM: continue_dm,
        blocks.FORM: form,
    }
    # One listener for the case's buttons, which picks the handler by the action id's prefix:
    # Bolt tries listeners one by one, building every listener argument for each try.
    guide_button = re.compile(rf"^({'|'.join(map(re.escape, routes))})(:.*)?$")

    def on_guide_button(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        action, data, channel, message_ts = clicked(body)
        matched = guide_button.match(str(action.get("action_id", "")))
        if matched is None or not channel or not data.get("t"):
            return
        resumes = message_ts if context.get(REPLAYED) else None
        routes[matched.group(1)](
            guide,
            client,
            Place(channel, str(data["t"]), body["user"]["id"], resumes),
            {**data, "message_ts": message_ts, "trigger_id": body.get("trigger_id")},
            action,
        )

    app.action(guide_button)(acked(state, on_guide_button))

    def full_text(body: dict[str, Any], client: WebClient) -> None:
        action, data, _, _ = clicked(body)
        clause_ids = data.get("c") or []
        if isinstance(clause_ids, list) and body.get("trigger_id"):
            open_clauses(guide, client, body["trigger_id"], [str(c) for c in clause_ids])

    def home_start(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        """A situation button on the Home tab. Replayed after a crash, it finishes the case
        whose root the dead process posted rather than opening a second one."""
        action, data, _, _ = clicked(body)
        flow_id = data.get("f")
        if flow_id:
            guide.start_in_dm(
                client,
                body["user"]["id"],
                flow_id=str(flow_id),
                origin="Started from the Home tab.",
                replayed_since=context.get(REPLAYED),
            )

    def show_policy(body: dict[str, Any], client: WebClient) -> None:
        """ "Show the policy" under an answer: the clauses it rests on, quoted in a modal."""
        full_text(body, client)

    app.action(re.compile(rf"^{blocks.SHOW_POLICY}(:.*)?$"))(acked(state, show_policy))
    app.action(re.compile(rf"^{blocks.FULL_TEXT}(:.*)?$"))(acked(state, full_text))
    app.action(re.compile(rf"^{blocks.HOME_START}(:.*)?$"))(acked(state, home_start))
