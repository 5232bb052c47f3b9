"""A page that can never be delivered is an emergency, not a log line.

Each permanent Slack error (and retries running out) is made by the fake Slack for one
recipient of the first level: the next level is paged at once, the asker's thread says in plain
words that the page did not get through and whom to phone (``[phones]`` in the config), and
``frontdesk pages`` and ``/healthz`` show it.
"""

from __future__ import annotations

import json
import threading
import time
import tomllib
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from slack_sdk import WebClient

from bot.channels.delivery import OutboxWorker
from bot.channels.slack import SlackTransport
from bot.cli import main as cli
from bot.config import parse_config
from bot.content.catalogue import Catalogue
from bot.escalation import EscalationService
from bot.store import Database
from bot.store.audit import AuditLog
from tests.escalation_support import (
    CHANNEL,
    DIRECTOR_USERS,
    PIC_USERS,
    PagingFake,
    config_toml,
    trigger_many,
    wait_until,
    write_content,
)
from tests.slack_support import http, text_of
from tests.wiring_support import open_case, pagelib_bot, wait_post, wait_until_text

PHONES = '\n[phones]\nprivacy-in-charge = "847-555-0100"\ndirector = "847-555-0199"\n'
PIC1 = PIC_USERS[0]
(DIRECTOR,) = DIRECTOR_USERS
ASKER_CHANNEL = "CDESK"  # trigger_many's thread


class Paging:
    def __init__(self, tmp_path: Path, fake: PagingFake, *, token: str = "xoxb-test",
                 max_attempts: int = 25, phones: str = PHONES, serve: bool = False):
        self.content = write_content(tmp_path / "content")
        self.config_file = tmp_path / "frontdesk.toml"
        self.config_file.write_text(config_toml() + phones)
        self.db_url = f"sqlite:///{tmp_path / 'pages.db'}"
        self.db = Database(self.db_url)
        catalogue = Catalogue.load(self.content)
        config = parse_config(tomllib.loads(self.config_file.read_text()))
        self.service = EscalationService(self.db, config, catalogue)
        self.fake = fake
        client = WebClient(token=token, base_url=fake.api_url)
        self.worker = OutboxWorker(self.db, SlackTransport(client, timeout=2),
                                   base_backoff=0.01, max_backoff=0.02,
                                   max_attempts=max_attempts,
                                   on_undelivered=self.service.undelivered)
        self.stop = threading.Event()
        self.serving: threading.Thread | None = None
        if serve:  # as in the runtime: the pages are handed to the worker at their commit
            self.serving = threading.Thread(target=self.worker.run_forever, args=(self.stop,))
            self.serving.start()
            assert wait_until(lambda: self.worker.serving)
        [self.eid] = trigger_many(self.service, catalogue, 1)

    def halt(self) -> None:
        self.stop.set()
        if self.serving is not None:
            self.serving.join(10)

    def deliver(self, seconds: float = 5.0) -> None:
        """Run the worker until nothing is left to deliver (retries included)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.worker.run_once()
            if not self.worker.store.pending():
                return
            time.sleep(0.02)
        raise AssertionError(f"still pending: {self.worker.store.counts()}")

    def asker_lines(self) -> list[str]:
        return [c.args.get("text", "") for c in self.fake.calls_to("chat.postMessage")
                if c.args.get("channel") == ASKER_CHANNEL and c.response and c.response["ok"]]

    def pages_to(self, user: str) -> list[Any]:
        return self.fake.calls_to("chat.postMessage", lambda c: c.args.get("channel") == (
            self.fake.dm_channel(user)) and "Page" in str(c.args.get("text")) and bool(
            c.response and c.response.get("ok")))

    def pages_command(self) -> str:
        result = CliRunner().invoke(cli, [
            "pages", "--no-tick", "--config", str(self.config_file), "--database-url",
            self.db_url, "--content", str(self.content)])
        assert result.exit_code == 0, result.output
        return result.output


@pytest.mark.parametrize(("target", "error"), [
    (CHANNEL, "channel_not_found"),
    (CHANNEL, "not_in_channel"),
    (CHANNEL, "is_archived"),
    (PIC1, "user_not_found"),
    (PIC1, "account_inactive"),
])
def test_a_permanent_slack_error_pages_the_next_level_at_once_and_tells_the_asker(
    tmp_path: Path, target: str, error: str
) -> None:
    with PagingFake() as fake:
        fake.refuse(target, error)
        paging = Paging(tmp_path, fake)
        started = time.monotonic()
        paging.deliver()
        summary = paging.service.get(paging.eid)
        # The director is paged now, not after the 3-minute acknowledgement timeout.
        assert summary.level == 2 and summary.state == "triggered"
        assert paging.pages_to(DIRECTOR), "the director was not paged"
        assert time.monotonic() - started < 5
        told = "\n".join(paging.asker_lines())
        shown = "<#" + target + ">" if target == CHANNEL else f"<@{target}>"
        assert f"The page to {shown} did not get through (Slack said: {error})" in told
        assert "Phone now — Privacy Officer: 847-555-0100; Library Director: 847-555-0199" in told
        assert "now paging the Library Director" in told
        # Told once, however many times the worker passes.
        paging.deliver()
        assert sum("did not get through" in line for line in paging.asker_lines()) == 1
        listed = paging.pages_command()
        assert "PAGES NOT DELIVERED" in listed and f"to {target} by Slack: " in listed \
            and error in listed
        assert f"{paging.eid}  pagelib  [immediate] " in listed  # whose page it is
        kinds = [e.kind for e in AuditLog(paging.db).rows()]
        assert "page.undelivered" in kinds


def test_a_page_refused_for_good_among_pages_handed_over_together_is_an_emergency_at_once(
    tmp_path: Path,
) -> None:
    """A serving worker is handed the first level's pages at their commit and records what it
    sent together: one of them refused for good still pages the director at once and tells
    the asker, and the others go out once each."""
    with PagingFake() as fake:
        fake.refuse(PIC1, "account_inactive")
        paging = Paging(tmp_path, fake, serve=True)
        try:
            assert wait_until(lambda: paging.service.get(paging.eid).level == 2, timeout=5)
            assert wait_until(lambda: bool(paging.pages_to(DIRECTOR)), timeout=5)
            assert wait_until(lambda: any(f"The page to <@{PIC1}> did not get through"
                                          in line for line in paging.asker_lines()), timeout=5)
            assert wait_until(lambda: not paging.worker.store.pending(), timeout=5)
        finally:
            paging.halt()
        assert len(paging.pages_to(PIC_USERS[1])) == 1
        assert all(n == 1 for n in fake.delivered_keys().values()), fake.delivered_keys()
        kinds = [e.kind for e in AuditLog(paging.db).rows()]
        assert kinds.count("page.undelivered") == 1
        assert kinds.count("page.sent") == len([k for k in fake.delivered_keys()
                                                if k.startswith("page:")])


def test_an_unaccepted_token_fails_every_page_and_the_escalation_expires_at_once(
    tmp_path: Path,
) -> None:
    with PagingFake(tokens={"xoxb-the-real-one"}) as fake:
        paging = Paging(tmp_path, fake, token="xoxb-revoked")
        paging.deliver()
        summary = paging.service.get(paging.eid)
        assert summary.state == "expired"  # nobody can be reached: no waiting for timeouts
        assert not paging.pages_to(DIRECTOR) and not paging.pages_to(PIC1)
        listed = paging.pages_command()
        assert "invalid_auth" in listed
        for user in (*PIC_USERS, DIRECTOR, CHANNEL):
            assert f"to {user} by Slack: " in listed


def test_retries_exhausted_count_as_undelivered(tmp_path: Path) -> None:
    with PagingFake() as fake:
        fake.refuse(CHANNEL, "internal_error", status=503)
        paging = Paging(tmp_path, fake, max_attempts=3)
        paging.deliver()
        # Three attempts at level 1: a post, then (it may have gone through) two look-ups.
        tried = [c.method for c in fake.calls if c.args.get("channel") == CHANNEL
                 and c.method in ("chat.postMessage", "conversations.history")]
        assert tried[:3] == ["chat.postMessage", "conversations.history",
                             "conversations.history"]
        assert paging.service.get(paging.eid).level == 2
        told = "\n".join(paging.asker_lines())
        assert f"The page to <#{CHANNEL}> did not get through (Slack said: HTTP 503)" in told


def test_without_phone_numbers_the_asker_gets_the_librarys_advice(tmp_path: Path) -> None:
    with PagingFake() as fake:
        fake.refuse(PIC1, "user_not_found")
        paging = Paging(tmp_path, fake, phones="")
        paging.deliver()
        told = "\n".join(paging.asker_lines())
        assert "Phone someone with authority now. Phone the Library Director" in told


def test_a_dead_page_shows_in_the_slack_thread_and_healthz(tmp_path: Path) -> None:
    with PagingFake() as fake:
        fake.refuse(CHANNEL, "is_archived", methods=("chat.postMessage",))  # archived later
        bot = pagelib_bot(fake, tmp_path, phones={"privacy-in-charge": "847-555-0100"})
        try:
            health = http("GET", bot.url + "/healthz")
            assert health.status == 200 and json.loads(health.body)["status"] == "ok"
            started = time.time()
            _, outcome = open_case(bot, "A police officer", "A search warrant")
            told = wait_post(bot, started, lambda c: "did not get through" in str(
                c.args.get("text")) and c.args.get("thread_ts") == outcome.thread_ts)
            assert "Phone now — Privacy Officer: 847-555-0100." in text_of(told.blocks)
            shown = wait_until_text(fake, outcome, "now paging the Library Director")
            assert f"<@{DIRECTOR}>" in shown
            health = http("GET", bot.url + "/healthz")
            body = json.loads(health.body)
            assert health.status == 200 and body["status"] == "degraded"
            assert body["undelivered_pages"] >= 1  # the channel is paged at both levels
            assert body["problems"] == [f"page to {CHANNEL}: chat.postMessage: is_archived"]
        finally:
            bot.stop()
