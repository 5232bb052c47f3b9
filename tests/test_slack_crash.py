"""Persist before ack: SIGKILL a real `frontdesk serve` right after Slack got its 200.

Each request (a DM, a click, a slash command) is acknowledged, then the process is killed while
its work is under way (the fake Slack holds the work's first call and never lets it take
effect) or straight after the acknowledgement. A new process on the same database replays what
the dead one accepted: nothing is lost, nothing is posted twice.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from bot.store import Database
from bot.store.paging_tables import escalations
from bot.store.slack_inbox import slack_inbox
from tests.escalation_support import (
    PIC_USERS,
    PagingFake,
    config_toml,
    subprocess_env,
    wait_until,
    write_content,
)
from tests.slack_support import (
    CHANNEL,
    SIGNING_SECRET,
    STAFF,
    Posted,
    actions_body,
    button,
    buttons,
    command_body,
    event_body,
    http,
    message_event,
    sign,
)

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
JSON = {"Content-Type": "application/json"}


class Server:
    """`frontdesk serve --http` as a real process, restartable on the same database."""

    def __init__(self, tmp_path: Path, fake: PagingFake, db_url: str | None = None):
        """``db_url``: a database other instances share (by default its own SQLite file)."""
        tmp_path.mkdir(parents=True, exist_ok=True)
        content = write_content(tmp_path / "content")
        config = tmp_path / "frontdesk.toml"
        config.write_text(config_toml() + '\n[phones]\nprivacy-in-charge = "847-555-0100"\n')
        self.db_url = db_url or f"sqlite:///{tmp_path / 'serve.db'}"
        self.env = subprocess_env(
            FRONTDESK_DATABASE_URL=self.db_url,
            FRONTDESK_CONTENT=str(content),
            FRONTDESK_CONFIG=str(config),
            SLACK_BOT_TOKEN="xoxb-crash",
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=fake.api_url,
        )
        self.logs = tmp_path
        self.lives = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.url = ""

    def start(self) -> Server:
        self.lives += 1
        log = self.logs / f"serve-{self.lives}.log"
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "serve", "--http", "--port", "0"],
                env=self.env,
                stdout=out,
                stderr=out,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if found := re.search(r"serving (http://\S+)", log.read_text(errors="replace")):
                self.url = found.group(1)
                return self
            assert self.process.poll() is None, log.read_text()
            time.sleep(0.05)
        raise AssertionError(f"serve did not start: {log.read_text()}")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(20)

    def send(self, kind: str, payload: dict[str, Any], *, retry: int = 0) -> int:
        """Deliver as Slack does; ``retry``: Slack's retry number (an event delivered again,
        signed anew: its timestamp ``retry`` seconds later than now)."""
        if kind == "event":
            body, headers = json.dumps(payload).encode(), JSON
            if retry:
                headers = {**JSON, "X-Slack-Retry-Num": str(retry),
                           "X-Slack-Retry-Reason": "http_timeout"}
        elif kind == "command":
            body, headers = urlencode(payload).encode(), FORM
        else:
            body, headers = urlencode({"payload": json.dumps(payload)}).encode(), FORM
        signed = sign(body, int(time.time()) + retry)
        return http("POST", self.url + "/slack/events", body, {**signed, **headers}).status

    def inbox(self) -> list[str]:
        with Database(self.db_url).engine.connect() as conn:
            return list(conn.scalars(select(slack_inbox.c.status).order_by(slack_inbox.c.id)))


def ok_posts(fake: PagingFake, predicate: Any = lambda c: True) -> list[Posted]:
    return [
        Posted.of(c)
        for c in fake.calls_to("chat.postMessage")
        if c.response and c.response.get("ok") and predicate(c)
    ]


def open_case(server: Server, fake: PagingFake) -> tuple[dict[str, Any], Posted]:
    """A DM to the bot that opens a case: the event, and the case's first question."""
    dm = message_event(fake.dm_channel(STAFF), STAFF, "someone wants records")
    assert server.send("event", event_body(dm)) == 200
    assert wait_until(lambda: len(ok_posts(fake)) >= 1, timeout=20)
    [question] = ok_posts(fake)
    return dm, question


def crash_while_working(
    server: Server, fake: PagingFake, method: str, kind: str, payload: dict[str, Any]
) -> None:
    """Deliver, get the 200, kill the process while it waits on its first ``method`` call
    (which never takes effect), then start a new process."""
    assert wait_until(lambda: all(s == "done" for s in server.inbox()), timeout=20)
    fake.stall(method, 30)
    assert server.send(kind, payload) == 200
    fake.wait_arrival(method)
    server.kill()
    fake.clear_stalls()
    fake.arrived.clear()
    server.start()


def test_a_dm_a_click_and_a_command_survive_a_kill_after_the_ack(tmp_path: Path) -> None:
    with PagingFake() as fake:
        server = Server(tmp_path, fake).start()
        try:
            # A DM: its first question is posted once, by the next process.
            dm = message_event(fake.dm_channel(STAFF), STAFF, "someone wants records")
            crash_while_working(server, fake, "chat.postMessage", "event", event_body(dm))
            assert wait_until(lambda: len(ok_posts(fake)) >= 1, timeout=20)
            [question] = ok_posts(fake)
            assert question.thread_ts == dm["ts"] and "Who is asking?" in question.text
            assert (
                server.send(
                    "interaction",
                    actions_body(
                        STAFF,
                        question.channel,
                        question.ts,
                        question.thread_ts,
                        button(question.blocks, "A police officer"),
                    ),
                )
                == 200
            )
            assert wait_until(lambda: len(ok_posts(fake)) >= 2, timeout=20)
            question = ok_posts(fake)[-1]
            assert "What do they have?" in question.text

            # A click that pages (a search warrant). The answer is stored before the process
            # dies (its first Slack call is the edit of the clicked question); the new process
            # posts the outcome, and the privacy in-charge is paged once.
            click = actions_body(
                STAFF,
                question.channel,
                question.ts,
                question.thread_ts,
                button(question.blocks, "A search warrant"),
            )
            crash_while_working(server, fake, "chat.update", "interaction", click)
            assert wait_until(
                lambda: any("Search warrant" in p.text for p in ok_posts(fake)), timeout=20
            )
            assert wait_until(lambda: len(fake.delivered_keys()) >= 4, timeout=20)

            # A slash command: the DM it opens is created once, by the next process.
            command = command_body(STAFF, "")
            crash_while_working(server, fake, "conversations.open", "command", command)
            assert wait_until(
                lambda: any("What is happening" in p.text for p in ok_posts(fake)), timeout=20
            )
            time.sleep(1.5)  # a replay pass or two more: nothing further may appear
        finally:
            server.stop()
        posts = ok_posts(fake, lambda c: not c.args.get("metadata"))  # the guide's own posts
        texts = [p.text for p in posts]
        assert sum("Who is asking?" in t for t in texts) == 1, texts
        assert sum("What do they have?" in t for t in texts) == 1, texts
        assert sum("Search warrant" in t for t in texts) == 1, texts
        assert sum("What is happening" in t for t in texts) == 1, texts
        assert sum("Privacy guidance" in t for t in texts) == 1, texts  # the command's DM root
        assert len(fake.calls_to("chat.postEphemeral")) == 0  # no "already answered"
        assert all(n == 1 for n in fake.delivered_keys().values())
        pages = [k for k in fake.delivered_keys() if k.startswith("page:")]
        assert len(pages) == 3  # two privacy in-charge DMs and the channel, once each
        with Database(server.db_url).engine.connect() as conn:
            assert len(conn.execute(select(escalations.c.id)).all()) == 1
        assert server.inbox() == ["done"] * 4


def test_an_event_killed_before_its_commit_was_never_acknowledged_and_its_retry_is_answered_once(
    tmp_path: Path,
) -> None:
    """An event is stored with its changes, and acknowledged once that commit is in: a process
    killed before it — here while it posts the channel notice that comes before the case —
    has answered nothing and stored nothing, and Slack's retry, to the next process, opens the
    case once."""
    with PagingFake() as fake:
        server = Server(tmp_path, fake).start()
        try:
            mention = {**message_event(CHANNEL, STAFF, "<@UBOT> someone wants records",
                                       channel_type="channel"), "type": "app_mention"}
            body = event_body(mention)
            fake.stall("chat.postMessage", 30)  # the notice: never takes effect
            answers: list[int | None] = []

            def deliver() -> None:
                try:
                    answers.append(server.send("event", body))
                except OSError:  # the process died with the request open: no answer
                    answers.append(None)

            sending = threading.Thread(target=deliver)
            sending.start()
            fake.wait_arrival("chat.postMessage")
            server.kill()
            sending.join(15)
            fake.clear_stalls()
            assert answers == [None]  # never acknowledged
            assert server.inbox() == []  # and nothing stored: Slack still has it
            server.start()
            assert server.send("event", body, retry=1) == 200
            assert wait_until(
                lambda: any("Who is asking?" in p.text for p in ok_posts(fake)), timeout=20)
            time.sleep(1.5)  # a replay pass or two more: nothing further may appear
        finally:
            server.stop()
        texts = [p.text for p in ok_posts(fake)]
        assert sum("This is a channel" in t for t in texts) == 1, texts
        assert sum("Who is asking?" in t for t in texts) == 1, texts
        assert server.inbox() == ["done"]


def test_an_event_killed_after_its_commit_is_posted_once_and_its_retry_does_nothing(
    tmp_path: Path,
) -> None:
    """Killed between the commit (its 200 has gone out) and its post: the next process posts
    the question once from the inbox, and Slack's retry of the acknowledged event changes
    nothing."""
    with PagingFake() as fake:
        server = Server(tmp_path, fake).start()
        try:
            dm = message_event(fake.dm_channel(STAFF), STAFF, "someone wants records")
            body = event_body(dm)
            crash_while_working(server, fake, "chat.postMessage", "event", body)
            assert server.send("event", body, retry=1) == 200
            assert wait_until(lambda: len(ok_posts(fake)) >= 1, timeout=20)
            time.sleep(1.5)
            assert server.send("event", body, retry=2) == 200
            time.sleep(1.0)
        finally:
            server.stop()
        posts = ok_posts(fake)
        assert [p.thread_ts for p in posts] == [dm["ts"]], [p.text for p in posts]
        assert "Who is asking?" in posts[0].text
        assert server.inbox() == ["done"]


def test_dms_killed_right_after_their_200s_are_all_answered_once(tmp_path: Path) -> None:
    """The probe's case: five DMs, SIGKILL straight after the last 200. All five answered."""
    with PagingFake() as fake:
        server = Server(tmp_path, fake).start()
        try:
            sent = []
            for n in range(5):
                user = f"USTAFF{n}"
                event = message_event(fake.dm_channel(user), user, "police want records")
                assert server.send("event", event_body(event)) == 200
                sent.append(event["ts"])
            server.kill()
            server.start()
            assert wait_until(lambda: len(ok_posts(fake)) >= 5, timeout=30)
            time.sleep(1.5)
        finally:
            server.stop()
        answered = [p.thread_ts for p in ok_posts(fake)]
        assert sorted(answered) == sorted(sent)  # each DM once: none lost, none doubled
        assert server.inbox() == ["done"] * 5
        assert PIC_USERS  # (the pages are exercised in the test above)


def test_a_page_now_click_killed_before_it_pages_pages_exactly_once(tmp_path: Path) -> None:
    """Killed after the click's keys (and the page's own once-key) were claimed, before the
    escalation was opened: the next process pages, once, and posts one paging note."""
    with PagingFake() as fake:
        server = Server(tmp_path, fake).start()
        try:
            dm, question = open_case(server, fake)
            click = actions_body(
                STAFF,
                question.channel,
                question.ts,
                question.thread_ts,
                button(question.blocks, "📟"),
            )
            # The page's first Slack call is the thread's permalink for the packet: held there.
            crash_while_working(server, fake, "chat.getPermalink", "interaction", click)
            assert wait_until(lambda: len(fake.delivered_keys()) >= 3, timeout=20)
            assert wait_until(lambda: all(s == "done" for s in server.inbox()), timeout=20)
            time.sleep(1.5)  # a replay pass or two more: nothing further may appear
        finally:
            server.stop()
        assert all(n == 1 for n in fake.delivered_keys().values()), fake.delivered_keys()
        pages = [k for k in fake.delivered_keys() if k.startswith("page:")]
        assert len(pages) == 3  # two privacy in-charge DMs and the channel, once each
        with Database(server.db_url).engine.connect() as conn:
            assert len(conn.execute(select(escalations.c.id)).all()) == 1
        notes = [
            p
            for p in ok_posts(fake, lambda c: not c.args.get("metadata"))
            if p.thread_ts == dm["ts"] and "Escalation" in str(p.blocks)
        ]
        assert len(notes) == 1, [p.text for p in notes]


def test_a_slash_command_killed_between_its_dm_post_and_its_record_is_finished_once(
    tmp_path: Path,
) -> None:
    """The case's root reached the DM (Slack accepted it) but the process died before hearing
    back, so nothing recorded the thread: the next process finishes that root — its first
    question posted under it once — and opens no second case."""
    with PagingFake() as fake:
        server = Server(tmp_path, fake).start()
        try:
            fake.hang("chat.postMessage", 30, accept=True)
            assert server.send("command", command_body(STAFF, "")) == 200
            assert wait_until(
                lambda: any("Privacy guidance" in m.text for m in list(fake.messages.values()))
            )
            server.kill()
            fake.clear_hangs()
            server.start()
            assert wait_until(
                lambda: any("What is happening" in p.text for p in ok_posts(fake)), timeout=20
            )
            assert wait_until(lambda: all(s == "done" for s in server.inbox()), timeout=20)
            time.sleep(1.5)  # a replay pass or two more: nothing further may appear
        finally:
            server.stop()
        roots = [m for m in fake.messages.values() if "Privacy guidance" in m.text]
        assert len(roots) == 1, [m.text for m in roots]
        [root] = roots
        questions = [m for m in fake.messages.values() if "What is happening" in m.text]
        assert len(questions) == 1
        assert questions[0].thread_ts == root.ts  # under the root the dead process posted
        assert server.inbox() == ["done"]


def test_a_home_tab_start_killed_between_its_dm_post_and_its_record_is_finished_once(
    tmp_path: Path,
) -> None:
    """As for the slash command, for a situation button on the Home tab: the root reached the
    DM, the process died before recording the thread; the next process finishes that root and
    opens no second case."""
    with PagingFake() as fake:
        server = Server(tmp_path, fake).start()
        try:
            opened = {
                "type": "app_home_opened",
                "user": STAFF,
                "channel": "DHOME",
                "tab": "home",
                "event_ts": "1.0",
            }
            assert server.send("event", event_body(opened)) == 200
            assert wait_until(lambda: bool(fake.calls_to("views.publish")), timeout=20)
            view = fake.calls_to("views.publish")[-1].args["view"]
            start = buttons(view["blocks"])[0]
            click = {
                **actions_body(STAFF, "DHOME", "0", None, start),
                "container": {"type": "view", "view_id": "V1"},
            }
            fake.hang("chat.postMessage", 30, accept=True)
            assert server.send("interaction", click) == 200
            assert wait_until(
                lambda: any("Privacy guidance" in m.text for m in list(fake.messages.values()))
            )
            server.kill()
            fake.clear_hangs()
            server.start()
            assert wait_until(lambda: all(s == "done" for s in server.inbox()), timeout=20)
            roots = [m for m in fake.messages.values() if "Privacy guidance" in m.text]
            assert len(roots) == 1, [m.text for m in roots]
            [root] = roots
            assert wait_until(
                lambda: any(m.thread_ts == root.ts for m in list(fake.messages.values())),
                timeout=20,
            )
            time.sleep(1.5)  # a replay pass or two more: nothing further may appear
        finally:
            server.stop()
        roots = [m for m in fake.messages.values() if "Privacy guidance" in m.text]
        assert len(roots) == 1, [m.text for m in roots]
        under_root = [m.text for m in fake.messages.values() if m.thread_ts == root.ts]
        assert len(under_root) == 1, under_root  # its first question, once
        assert all(s == "done" for s in server.inbox())


@pytest.mark.parametrize("shows", ["outcome", "paging note"])
def test_a_page_status_posted_before_a_kill_is_kept_current(tmp_path: Path, shows: str) -> None:
    """The message showing the page (the outcome, or the note after Page now) reached Slack,
    and the process died before the step's bookkeeping commit (the watch on its status line
    among it): the replay finds the posted message and watches it, so the acknowledgement
    edits its status line."""
    with PagingFake() as fake:
        server = Server(tmp_path, fake).start()
        try:
            dm, question = open_case(server, fake)
            if shows == "outcome":
                police = button(question.blocks, "A police officer")
                assert server.send("interaction", actions_body(
                    STAFF, question.channel, question.ts, question.thread_ts, police)) == 200
                assert wait_until(lambda: "What do they have?" in ok_posts(fake)[-1].text,
                                  timeout=20)
                question = ok_posts(fake)[-1]
            assert wait_until(lambda: all(s == "done" for s in server.inbox()), timeout=20)

            # Every post from here takes effect but is never answered: the message (and the
            # pages) reach Slack, the step's bookkeeping never commits.
            fake.hang("chat.postMessage", 30, times=20, accept=True)
            click = button(question.blocks, "A search warrant" if shows == "outcome" else "📟")
            assert server.send("interaction", actions_body(
                STAFF, question.channel, question.ts, question.thread_ts, click)) == 200

            def shown() -> list[Any]:
                mark = "Search warrant" if shows == "outcome" else "Escalation e"
                return [m for m in list(fake.messages.values())
                        if m.thread_ts == dm["ts"] and mark in m.text + str(m.blocks)
                        and (m.channel, m.ts) not in fake.metadata]

            assert wait_until(lambda: bool(shown()), timeout=20)
            server.kill()
            fake.clear_hangs()
            server.start()
            assert wait_until(lambda: all(s == "done" for s in server.inbox()), timeout=20)

            def page_to(user: str) -> Any:
                for (channel, ts), meta in list(fake.metadata.items()):
                    key = meta.get("event_payload", {}).get("idempotency_key", "")
                    if key.startswith("page:") and key.endswith(f":{user}"):
                        return fake.messages[(channel, ts)]
                return None

            assert wait_until(lambda: page_to(PIC_USERS[0]) is not None, timeout=20)
            page = page_to(PIC_USERS[0])
            assert server.send("interaction", actions_body(
                PIC_USERS[0], page.channel, page.ts, None,
                button(page.blocks, "Acknowledge"))) == 200
            [message] = shown()

            def edited() -> bool:
                return any(c.args.get("channel") == message.channel
                           and c.args.get("ts") == message.ts
                           and f"Acknowledged by <@{PIC_USERS[0]}>" in str(c.args.get("blocks"))
                           for c in fake.calls_to("chat.update"))

            assert wait_until(edited, timeout=20), [
                (c.args.get("channel"), c.args.get("ts")) for c in fake.calls_to("chat.update")]
        finally:
            server.stop()
        assert len(shown()) == 1  # found after the restart, never posted again
        assert all(n == 1 for n in fake.delivered_keys().values()), fake.delivered_keys()
