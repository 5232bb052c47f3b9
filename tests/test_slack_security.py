"""The HTTP edge refuses what Slack did not send, and handles what Slack repeats once.

Requests are real HTTP requests to the app served by waitress; "stored" is read from the
database the app uses, and "did" from the fake Slack's record of Web API calls.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from bot.content.catalogue import Catalogue
from bot.store.schema import conversations
from tests.fakeslack import FakeSlack
from tests.slack_support import (
    SIGNING_SECRET,
    SLACK_CONTENT,
    STAFF,
    STARTUP,
    SlackBot,
    command_body,
    event_body,
    http,
    message_event,
    sign,
)


@pytest.fixture(scope="module")
def slack_catalogue() -> Catalogue:
    return Catalogue.load(SLACK_CONTENT)


@pytest.fixture
def bot(slack_catalogue: Catalogue, tmp_path: Path) -> Iterator[SlackBot]:
    with FakeSlack() as fake:
        running = SlackBot.start(fake, slack_catalogue, tmp_path)
        yield running
        running.stop()


def stored(bot: SlackBot) -> dict[str, int]:
    counts = bot.state.count()
    with bot.runtime.services.database.engine.connect() as conn:
        counts["conversations"] = conn.execute(
            select(func.count()).select_from(conversations)
        ).scalar_one()
    return counts


def slack_calls(bot: SlackBot) -> list[str]:
    return [c.method for c in bot.fake.calls if c.method not in STARTUP]


def command_bytes(text: str = "police") -> bytes:
    return urlencode(command_body(STAFF, text)).encode()


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def test_unsigned_request_refused(bot: SlackBot) -> None:
    response = http("POST", bot.url + "/slack/events", command_bytes(), FORM)
    assert response.status == 401
    time.sleep(0.2)
    assert stored(bot) == {"threads": 0, "processed": 0, "conversations": 0}
    assert slack_calls(bot) == []


def test_badly_signed_request_refused(bot: SlackBot) -> None:
    body = command_bytes()
    wrong_secret = sign(body, secret="not-the-signing-secret")
    tampered = {**sign(command_bytes("something else")), **FORM}
    for headers in ({**wrong_secret, **FORM}, tampered):
        assert http("POST", bot.url + "/slack/events", body, headers).status == 401
    time.sleep(0.2)
    assert stored(bot)["processed"] == 0 and slack_calls(bot) == []


def test_stale_request_refused(bot: SlackBot) -> None:
    """Correctly signed, but the timestamp is over five minutes old."""
    body = command_bytes()
    stale = sign(body, timestamp=int(time.time()) - 6 * 60)
    assert http("POST", bot.url + "/slack/events", body, {**stale, **FORM}).status == 401
    time.sleep(0.2)
    assert stored(bot)["processed"] == 0 and slack_calls(bot) == []


def test_replayed_request_refused(bot: SlackBot) -> None:
    """The same signed bytes sent again (within the five minutes) are refused."""
    body = command_bytes()
    headers = {**sign(body), **FORM}
    assert http("POST", bot.url + "/slack/events", body, headers).status == 200
    bot.posts(2)  # DM root + situation question
    replay = http("POST", bot.url + "/slack/events", body, headers)
    assert replay.status == 401
    bot.settle()
    assert stored(bot)["threads"] == 1
    assert len(bot.fake.calls_to("conversations.open")) == 1


def test_event_retried_three_times_is_handled_once(bot: SlackBot) -> None:
    event = message_event(
        bot.fake.dm_channel(STAFF), STAFF, "police asking about a patron",
        client_msg_id="c1f0e7a6-0000-4000-8000-000000000001",
    )
    body = json.dumps(event_body(event, event_id="Ev0RETRIED1")).encode()
    statuses = []
    for retry in range(4):  # the original and Slack's three retries, each freshly signed
        extra = (
            {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
            if retry
            else None
        )
        statuses.append(bot.post_signed(body, "application/json", extra).status)
        time.sleep(1.01 if retry == 0 else 0)  # a new timestamp, so a new signature
    assert statuses == [200, 200, 200, 200]
    bot.post()
    bot.settle()
    assert len(bot.fake.calls_to("chat.postMessage")) == 1
    assert stored(bot)["threads"] == 1


def test_malformed_payloads_get_4xx_and_store_nothing(bot: SlackBot) -> None:
    url = bot.url + "/slack/events"
    cases = [
        (b"payload=%7Bnot-json", FORM),  # interactivity whose payload is not JSON
        (b'{"type": "event_callback", "event": ', {"Content-Type": "application/json"}),
        (
            json.dumps({"type": "event_callback", "event": "nope"}).encode(),
            {"Content-Type": "application/json"},
        ),
        (json.dumps({"hello": "world"}).encode(), {"Content-Type": "application/json"}),
        (urlencode({"payload": json.dumps({"type": "block_actions"})}).encode(), FORM),
        (urlencode({"command": "/frontdesk"}).encode(), FORM),  # no user
    ]
    for body, headers in cases:
        response = http("POST", url, body, {**sign(body), **headers})
        assert 400 <= response.status < 500, (body, response.status)
    unsigned = http("POST", url, b"payload=%7Bnot-json", FORM)
    assert unsigned.status == 401
    time.sleep(0.2)
    assert stored(bot) == {"threads": 0, "processed": 0, "conversations": 0}
    assert slack_calls(bot) == []


def test_routes_and_health(bot: SlackBot) -> None:
    health = http("GET", bot.url + "/healthz")
    assert health.status == 200 and json.loads(health.body) == {"ok": True, "status": "ok"}
    assert http("GET", bot.url + "/slack/events").status == 405
    assert http("GET", bot.url + "/nowhere").status == 404
    big = b"x" * 1_000_001
    assert http("POST", bot.url + "/slack/events", big, {**sign(big), **FORM}).status == 413


def test_url_verification_challenge(bot: SlackBot) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "3eZbrw1aB", "token": "x"})
    response = bot.post_signed(body.encode(), "application/json")
    assert response.status == 200 and "3eZbrw1aB" in response.text


def test_signing_secret_is_the_one_configured() -> None:
    assert SIGNING_SECRET and len(SIGNING_SECRET) >= 32
