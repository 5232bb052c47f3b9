"""Socket Mode specifics: the app connects with its app token over the fake's WebSocket, a
redelivered envelope is handled once, and a malformed one changes nothing.

(Whole conversations over Socket Mode run in ``test_slack_conversation``.)
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.content.catalogue import Catalogue
from tests.fakeslack import FakeSlack
from tests.slack_support import (
    APP_TOKEN,
    SLACK_CONTENT,
    STAFF,
    STARTUP,
    SlackBot,
    event_body,
    message_event,
)


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[SlackBot]:
    with FakeSlack() as fake:
        running = SlackBot.start(fake, Catalogue.load(SLACK_CONTENT), tmp_path, mode="socket")
        yield running
        running.stop()


def test_connects_with_the_app_token(bot: SlackBot) -> None:
    opened = bot.fake.calls_to("apps.connections.open")
    assert len(opened) == 1 and opened[0].token == APP_TOKEN
    assert bot.fake.socket_connected.is_set()


def test_redelivered_envelope_handled_once(bot: SlackBot) -> None:
    event = message_event(
        bot.fake.dm_channel(STAFF), STAFF, "police asking about a patron",
        client_msg_id="5b8e0c1e-0000-4000-8000-00000000beef",
    )
    payload = event_body(event, event_id="Ev0SOCKET01")
    for attempt in range(4):
        ack = bot.deliver("events_api", payload, retry=attempt)
        assert "envelope_id" in ack  # every delivery is acknowledged
    bot.post()
    bot.settle()
    assert len(bot.fake.calls_to("chat.postMessage")) == 1
    assert bot.state.count()["threads"] == 1


def test_malformed_envelope_changes_nothing(bot: SlackBot) -> None:
    bot.fake.send_envelope("events_api", {"type": "event_callback", "event": "nope"})
    bot.fake.send_envelope("interactive", {"type": "block_actions"})
    time.sleep(0.3)
    assert bot.state.count() == {"threads": 0, "processed": 0}
    assert [c.method for c in bot.fake.calls if c.method not in STARTUP] == [
        "apps.connections.open"]
