"""The page's Acknowledge and Resolve buttons in a real Bolt app, against the fake Slack."""

from __future__ import annotations

import csv
import io
import json
import time
import tomllib
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_bolt import App, BoltRequest
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from bot.channels.delivery import OutboxWorker
from bot.channels.slack import SlackTransport
from bot.config import parse_config
from bot.content.catalogue import Catalogue
from bot.escalation import EscalationService
from bot.faces.slack.app import guard
from bot.faces.slack.listeners import escalation as listeners
from bot.store import Database
from bot.store.audit import AuditLog
from bot.store.slack_state import SlackState
from tests.escalation_support import (
    PagingFake,
    config_toml,
    trigger_many,
    wait_until,
    write_content,
)

SECRET = "test-signing-secret"


class Slack:
    def __init__(self, tmp_path: Path, fake: PagingFake):
        catalogue = Catalogue.load(write_content(tmp_path / "content"))
        self.db = Database(f"sqlite:///{tmp_path / 'slack.db'}")
        self.service = EscalationService(
            self.db, parse_config(tomllib.loads(config_toml())), catalogue)
        self.fake = fake
        client = WebClient(token="xoxb-test", base_url=fake.api_url)
        state = SlackState(self.db)
        self.app = App(client=client, signing_secret=SECRET,
                       before_authorize=guard(state))  # stored before it is acknowledged
        listeners.register(self.app, SimpleNamespace(escalations=self.service,
                                                     slack_state=state))
        self.worker = OutboxWorker(self.db, SlackTransport(client))
        [self.eid] = trigger_many(self.service, catalogue, 1)
        self.worker.run_once()

    def send(self, payload: dict[str, Any]) -> Any:
        body = urlencode({"payload": json.dumps(payload)})
        stamp = str(int(time.time()))
        signature = SignatureVerifier(SECRET).generate_signature(timestamp=stamp, body=body)
        response = self.app.dispatch(BoltRequest(body=body, headers={
            "content-type": ["application/x-www-form-urlencoded"],
            "x-slack-request-timestamp": [stamp], "x-slack-signature": [signature]}))
        assert response.status == 200, response.body
        return response

    def click(self, action_id: str, user: str) -> Any:
        return self.send({
            "type": "block_actions", "user": {"id": user}, "team": {"id": "T0001"},
            "api_app_id": "A1", "trigger_id": "trig.1", "channel": {"id": "C0789PRIV"},
            "container": {"type": "message", "channel_id": "C0789PRIV", "message_ts": "1.1"},
            "actions": [{"action_id": action_id, "value": self.eid, "type": "button",
                         "block_id": f"escalation:{self.eid}"}],
        })

    def ephemerals(self) -> list[str]:
        return [c.args.get("text", "") for c in self.fake.calls_to("chat.postEphemeral")]


@pytest.fixture
def slack(tmp_path: Path):  # type: ignore[no-untyped-def]
    with PagingFake() as fake:
        yield Slack(tmp_path, fake)


def test_acknowledge_button_by_a_member_then_again_then_by_a_stranger(slack: Slack) -> None:
    slack.click("escalation_ack", "UPIC1")
    assert wait_until(lambda: slack.service.get(slack.eid).state == "acknowledged")
    assert slack.service.get(slack.eid).acked_by == "UPIC1"
    slack.click("escalation_ack", "UPIC2")  # idempotent: nothing changes
    slack.click("escalation_ack", "USTRANGER")
    calls = slack.fake.wait_for("chat.postEphemeral", count=3)
    told = {c.args["user"]: c.args["text"] for c in calls}
    assert "You acknowledged" in told["UPIC1"]
    assert "Already acknowledged by <@UPIC1>" in told["UPIC2"]
    assert told["USTRANGER"].startswith("Sorry — only the Privacy Officer")
    slack.worker.run_once()
    assert slack.service.get(slack.eid).acked_by == "UPIC1"
    edits = slack.fake.calls_to("chat.update")
    assert len(edits) == 3 and all("Acknowledged by <@UPIC1>" in json.dumps(e.args["blocks"])
                                   for e in edits)


def test_resolve_opens_a_modal_and_the_submission_resolves_with_a_note(slack: Slack) -> None:
    slack.click("escalation_resolve", "UDIR1")
    [opened] = slack.fake.wait_for("views.open")
    view = opened.args["view"]
    assert view["callback_id"] == "escalation_resolve_modal"
    assert view["private_metadata"] == slack.eid
    slack.send({
        "type": "view_submission", "user": {"id": "UDIR1"}, "team": {"id": "T0001"},
        "api_app_id": "A1", "trigger_id": "trig.2",
        "view": {**view, "id": "V1", "state": {"values": {
            "resolve_note": {"note": {"type": "plain_text_input",
                                      "value": "Handled; spoke to Mr. Jones at 555-867-5309"}}}}},
    })
    assert wait_until(lambda: slack.service.get(slack.eid).state == "resolved")
    row_note = slack.service.page_state(slack.eid)[1]["resolve_note"]  # type: ignore[index]
    assert "555-867-5309" not in row_note and "Jones" not in row_note


def test_the_resolve_modal_asks_how_it_ended_and_the_page_shows_the_choice(
        slack: Slack) -> None:
    """A resolve is a choice first (kept as its id, shown as its label), the note only what
    the choice does not say."""
    slack.click("escalation_resolve", "UDIR1")
    [opened] = slack.fake.wait_for("views.open")
    view = opened.args["view"]
    [asked] = [b for b in view["blocks"] if b.get("block_id") == "resolve_ending"]
    offered = {o["value"]: o["text"]["text"] for o in asked["element"]["options"]}
    assert offered["referred"] == "Referred to the director or the library's attorney"
    assert not asked.get("optional")
    slack.send({
        "type": "view_submission", "user": {"id": "UDIR1"}, "team": {"id": "T0001"},
        "api_app_id": "A1", "trigger_id": "trig.2",
        "view": {**view, "id": "V1", "state": {"values": {
            "resolve_ending": {"ending": {"type": "radio_buttons", "selected_option": {
                "value": "referred", "text": {"type": "plain_text", "text": "Referred"}}}},
            "resolve_note": {"note": {"type": "plain_text_input", "value": None}}}}},
    })
    assert wait_until(lambda: slack.service.get(slack.eid).state == "resolved")
    slack.worker.run_once()
    edits = slack.fake.calls_to("chat.update")
    assert edits and all("Referred to the director or the library's attorney"
                         in json.dumps(e.args["blocks"]) for e in edits)
    events = [json.loads(row["data"]) for row in csv.DictReader(
        io.StringIO(AuditLog(slack.service.db).export_csv())) if row["kind"] ==
        "escalation.resolved"]
    assert events == [{"ending": "referred", "note": None, "from": "triggered"}]


def test_strangers_cannot_open_or_submit_the_resolve_modal(slack: Slack) -> None:
    slack.click("escalation_resolve", "USTRANGER")
    [refusal] = slack.fake.wait_for("chat.postEphemeral")
    assert refusal.args["text"].startswith("Sorry") and not slack.fake.calls_to("views.open")
    response = slack.send({
        "type": "view_submission", "user": {"id": "USTRANGER"}, "team": {"id": "T0001"},
        "api_app_id": "A1", "trigger_id": "trig.3",
        "view": {"id": "V2", "type": "modal", "callback_id": "escalation_resolve_modal",
                 "private_metadata": slack.eid, "state": {"values": {}}},
    })
    assert json.loads(response.body)["response_action"] == "errors"
    time.sleep(0.3)
    assert slack.service.get(slack.eid).state == "triggered"
