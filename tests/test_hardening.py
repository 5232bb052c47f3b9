"""The small ones: content that cannot hang `check`, a policy that is not UTF-8, requests from
another workspace, a replay sent twice at once, and who may drive a case in a channel thread."""

from __future__ import annotations

import json
import re
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.content.expressions import ExpressionError, render
from tests.escalation_support import write_content
from tests.slack_support import (
    CHANNEL,
    STAFF,
    SlackBot,
    actions_body,
    bot_on_test_library,
    button,
    command_body,
    http,
    sign,
)

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def test_a_policy_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    root = write_content(tmp_path)
    policy = root / "knowledge" / "pagelib" / "policy.txt"
    policy.write_bytes(policy.read_bytes()[:12] + b"\xe9t\xe9" + policy.read_bytes()[12:])
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 1
    assert f"{policy}: not UTF-8 (byte 12)" in result.output


@pytest.mark.parametrize(("template", "why"), [
    ('{{ "x" * 10**9 }}', "longer than 20000"),
    ("{{ 2 ** 100000 }}", "exponent 100000 is too large"),
    ("{% for i in range(10**6) %}x{% endfor %}", "range gives more than 1000 items"),
    ('{% for i in range(999) %}{{ "y" * 100 }}{% endfor %}', "more than 20000 characters"),
    ("{% for a in range(1000) %}{% for b in range(1000) %}{% for c in range(1000) %}"
     "{% endfor %}{% endfor %}{% endfor %}", "took longer than 2 s or 1000000 steps"),
    ('{% for a in "x" * 20000 %}{% for b in "y" * 20000 %}{% endfor %}{% endfor %}',
     "took longer than"),
    ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "calls itself without end"),
])
@pytest.mark.parametrize("where", ["main thread", "worker thread"])
def test_template_evaluation_is_bounded(template: str, why: str, where: str) -> None:
    """The bound holds in any thread (a server's workers render too), not only where a signal
    timer could run."""
    raised: list[BaseException] = []

    def run() -> None:
        try:
            render(template, {})
        except BaseException as exc:  # noqa: BLE001 - handed to the test's thread
            raised.append(exc)

    began = time.monotonic()
    if where == "main thread":
        run()
    else:
        worker = threading.Thread(target=run)
        worker.start()
        worker.join(10)
    assert time.monotonic() - began < 5
    assert len(raised) == 1 and isinstance(raised[0], ExpressionError), raised
    assert re.search(why, str(raised[0]))


def test_a_tracer_already_set_is_put_back_after_a_bounded_evaluation() -> None:
    seen: list[str] = []

    def tracer(frame: Any, event: str, arg: Any) -> None:
        seen.append(event)

    sys.settrace(tracer)
    try:
        assert render("{% for i in range(3) %}{{ i }}{% endfor %}", {}) == "012"
        assert sys.gettrace() is tracer
    finally:
        sys.settrace(None)


def test_a_flow_with_too_many_triggers_is_refused_not_compared_forever(tmp_path: Path) -> None:
    root = write_content(tmp_path)
    flow = root / "flows" / "records-request.yaml"
    many = ", ".join(f"wants records number {n}" for n in range(5000))
    flow.write_text(flow.read_text().replace(
        "triggers: [someone wants records, police want records]", f"triggers: [{many}]"))
    began = time.monotonic()
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 1
    assert f"{flow}:5: triggers: 5000 given, at most 300" in result.output
    assert time.monotonic() - began < 30


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[SlackBot]:
    with bot_on_test_library(tmp_path) as running:
        yield running


def test_requests_from_another_workspace_are_refused(bot: SlackBot) -> None:
    body = command_body(STAFF, "police")
    body["team_id"] = "TOTHER"
    encoded = urlencode(body).encode()
    assert http("POST", bot.url + "/slack/events", encoded, {**sign(encoded), **FORM}).status \
        == 403
    click = actions_body(STAFF, CHANNEL, "1.1", None, {"action_id": "fd_page_now", "text": {
        "type": "plain_text", "text": "x"}, "value": "{}"})
    click["team"] = {"id": "TOTHER"}
    click["user"]["team_id"] = "TOTHER"
    encoded = urlencode({"payload": json.dumps(click)}).encode()
    assert http("POST", bot.url + "/slack/events", encoded, {**sign(encoded), **FORM}).status \
        == 403
    time.sleep(0.3)
    assert bot.state.count()["processed"] == 0
    assert not bot.fake.calls_to("chat.postMessage")


def test_the_same_signed_request_twice_at_once_is_answered_once(bot: SlackBot) -> None:
    """docs/slack.md: a signature seen before, even at the same moment, is a replay (401)."""
    encoded = urlencode(command_body(STAFF, "police")).encode()
    headers = {**sign(encoded), **FORM}
    statuses: list[int] = []

    def send() -> None:
        statuses.append(http("POST", bot.url + "/slack/events", encoded, headers).status)

    senders = [threading.Thread(target=send) for _ in range(2)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join()
    assert sorted(statuses) == [200, 401]
    bot.posts(2)
    bot.settle()
    assert len(bot.fake.calls_to("conversations.open")) == 1


def test_in_a_channel_thread_only_the_asker_and_the_role_holders_drive_the_case(
        bot: SlackBot) -> None:
    asked = bot.mention(STAFF, "police at the desk")
    _notice, question = bot.posts(2)
    bot.click("UBYSTANDER", question, button(question.blocks, "search warrant")["text"]["text"])
    bot.reply("UBYSTANDER", CHANNEL, asked, "start over")
    bot.click("UBYSTANDER", _notice, "Continue in DM")
    bot.settle()
    told = [c.args for c in bot.fake.calls_to("chat.postEphemeral")]
    assert len(told) == 3 and all(t["user"] == "UBYSTANDER" for t in told)
    assert all(f"Only <@{STAFF}>, who started this case" in t["text"] for t in told)
    assert len(bot.fake.calls_to("chat.postMessage")) == 2  # nothing moved on
    bot.click("UPIC", question, button(question.blocks, "search warrant")["text"]["text"])
    assert "Do not obstruct the search" in bot.post().text  # a role holder may


@pytest.mark.parametrize(("url", "says"), [
    ("not a url", "cannot parse 'not a url'"),
    ("foo://x/y", "unknown database kind 'foo'"),
    ("sqlite:////nonexistent/folder/f.db", "folder not found: /nonexistent/folder"),
    ("CORRUPT", "the file is not a SQLite database"),
    ("postgresql+psycopg://nobody:secret@127.0.0.1:1/x", "cannot open: connection failed"),
])
def test_a_database_url_that_cannot_be_used_is_one_line(tmp_path: Path, url: str,
                                                        says: str) -> None:
    if url == "CORRUPT":
        damaged = tmp_path / "frontdesk.db"
        damaged.write_bytes(b"this is not a database file at all " * 40)
        url = f"sqlite:///{damaged}"
    result = CliRunner().invoke(main, ["pages", "--database-url", url])
    assert result.exit_code == 2
    [line] = result.output.strip().splitlines()
    assert line.startswith("frontdesk: config: database_url: ") and says in line, line
    assert "secret" not in line  # a password is never printed
