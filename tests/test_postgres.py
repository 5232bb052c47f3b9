"""PostgreSQL: migrations, and two real bot processes sharing one database never both deliver
the same page or fire the same deadline (FOR UPDATE SKIP LOCKED).

Needs a real server: FRONTDESK_TEST_POSTGRES_URL=postgresql+psycopg://user@host:port/db (an
account that may create databases). `bash .ci/run` starts one; without it these tests skip
locally, and fail under CI.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import tomllib
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

from bot.config import parse_config
from bot.content.catalogue import Catalogue
from bot.engine import start, step
from bot.escalation import EscalationService
from bot.store import Database
from bot.store.audit import AuditLog
from bot.store.outbox import OutboxStore
from bot.store.paging_tables import escalations, outbox
from bot.store.txn import utcnow
from tests.escalation_support import (
    Clock,
    PagingFake,
    config_toml,
    fresh_postgres_database,
    frontdesk_cmd,
    postgres_admin_url,
    subprocess_env,
    trigger_many,
    wait_until,
    write_content,
)
from tests.slack_support import event_body, message_event
from tests.test_slack_crash import Server, ok_posts


def _server_or_skip() -> None:
    url = postgres_admin_url()
    why = None
    if not url:
        why = ("no PostgreSQL server: set FRONTDESK_TEST_POSTGRES_URL=postgresql+psycopg://"
               "postgres@127.0.0.1:55439/postgres (bash .ci/run starts one)")
    else:
        try:
            import sqlalchemy

            engine = sqlalchemy.create_engine(url)
            with engine.connect() as conn:
                conn.execute(text("select 1"))
            engine.dispose()
        except Exception as exc:  # noqa: BLE001 - any failure means: no usable server
            why = f"PostgreSQL at FRONTDESK_TEST_POSTGRES_URL is not reachable: {exc}"
    if why:
        if os.environ.get("CI"):
            pytest.fail(why + " — CI must run these tests against a real server")
        pytest.skip(why)


@pytest.fixture
def pg_url():  # type: ignore[no-untyped-def]
    _server_or_skip()
    url, drop = fresh_postgres_database()
    yield url
    drop()


@pytest.fixture
def content(tmp_path: Path) -> Path:
    return write_content(tmp_path / "content")


def service_for(db: Database, content: Path, clock=None) -> EscalationService:  # type: ignore[no-untyped-def]
    config = parse_config(tomllib.loads(config_toml()))
    return EscalationService(db, config, Catalogue.load(content), clock=clock)


def test_migrations_and_the_lifecycle_on_postgres(pg_url: str, content: Path) -> None:
    db = Database(pg_url)
    assert db.dialect == "postgresql"
    Database(pg_url)  # a second open applies nothing and fails nothing
    with db.engine.connect() as conn:
        versions = set(conn.scalars(text("select version from schema_migrations")))
    assert {1, 10, 11, 12, 13, 14} <= versions
    service = service_for(db, content)
    [eid] = trigger_many(service, Catalogue.load(content), 1)
    assert service.acknowledge(eid, "UPIC1").status == "acknowledged"
    assert service.acknowledge(eid, "UPIC2").status == "already"
    assert service.resolve(eid, "UPIC1", "done").status == "resolved"
    assert AuditLog(db).verify().ok
    db.dispose()


class Instances:
    def __init__(self, tmp_path: Path, url: str, content: Path, fake: PagingFake):
        config = tmp_path / "frontdesk.toml"
        config.write_text(config_toml())
        self.env = subprocess_env(FRONTDESK_DATABASE_URL=url, FRONTDESK_CONTENT=str(content),
                                  FRONTDESK_CONFIG=str(config), SLACK_BOT_TOKEN="xoxb-pg",
                                  SLACK_API_URL=fake.api_url)
        self.log = tmp_path / "instances.log"
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, n: int = 2) -> None:
        with open(self.log, "ab") as log:
            for _ in range(n):
                self.procs.append(subprocess.Popen(
                    frontdesk_cmd("worker", "--poll-seconds", "0.02", "--tick-seconds", "0.1"),
                    env=self.env, stdout=log, stderr=log))

    def stop(self) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            proc.wait(20)


def test_two_instances_deliver_every_page_exactly_once(tmp_path: Path, pg_url: str,
                                                        content: Path) -> None:
    db = Database(pg_url)
    trigger_many(service_for(db, content), Catalogue.load(content), 30)  # 150 messages
    with PagingFake() as fake:
        fake.hang("chat.postMessage", 0.01, times=100_000, accept=True)
        instances = Instances(tmp_path, pg_url, content, fake)
        instances.start(2)
        try:
            assert wait_until(lambda: OutboxStore(db).pending() == 0, timeout=90), \
                instances.log.read_text()[-2000:]
        finally:
            instances.stop()
        delivered = fake.delivered_keys()
    with db.engine.connect() as conn:
        expected = set(conn.scalars(select(outbox.c.idempotency_key)))
    assert set(delivered) == expected and len(expected) == 150
    assert all(n == 1 for n in delivered.values()), +(delivered - Counter(expected))
    workers = Counter(json.loads(r.data)["worker"] for r in AuditLog(db).rows()
                      if r.kind.endswith(".sent"))
    assert len(workers) == 2, workers  # both instances delivered, neither twice
    assert AuditLog(db).verify().ok
    db.dispose()


def test_two_instances_fire_each_deadline_once(tmp_path: Path, pg_url: str,
                                               content: Path) -> None:
    db = Database(pg_url)
    catalogue = Catalogue.load(content)
    # Opened 84 days ago: every level-1 timeout has passed, and each preservation hold is
    # inside its last 7 days, so both the re-escalation and the first reminder are due now.
    clock = Clock(utcnow() - timedelta(days=84))
    service = service_for(db, content, clock=clock)
    ids = []
    for _ in range(15):
        view = start(catalogue, "pagelib", "records-request")
        for said in ("police", "preservation"):
            view = step(catalogue, view.conversation, said)
        ids.append(service.trigger(library="pagelib", situation="records-request",
                                   conversation=view.conversation, outcome=view.outcome,
                                   reason="outcome", asked_by="UASKER", face="slack"))
    with PagingFake() as fake:
        instances = Instances(tmp_path, pg_url, content, fake)
        instances.start(2)
        try:
            def settled() -> bool:
                kinds = Counter(r.kind for r in AuditLog(db).rows())
                return (kinds["escalation.reescalated"] >= 15 and kinds["hold.reminder"] >= 15
                        and OutboxStore(db).pending() == 0)

            assert wait_until(settled, timeout=90), instances.log.read_text()[-2000:]
            wait_until(lambda: False, timeout=1.0)  # both keep ticking: nothing more may fire
        finally:
            instances.stop()
        delivered = fake.delivered_keys()
    kinds = Counter(r.kind for r in AuditLog(db).rows())
    assert kinds["escalation.reescalated"] == 15
    assert kinds["hold.reminder"] == 15
    with db.engine.connect() as conn:
        steps = conn.execute(select(escalations.c.level, escalations.c.repeat)).all()
    assert sorted(set(steps)) == [(2, 0)]  # each advanced exactly one step
    assert all(n == 1 for n in delivered.values())
    assert sum(1 for k in delivered if k.startswith("page:") and ":2:0:" in k) == 15 * 2
    assert sum(1 for k in delivered if k.startswith("reminder:")) == 15 * 3
    assert AuditLog(db).verify().ok
    db.dispose()


def test_texts_emails_calls_and_an_acknowledgement_by_text_on_postgresql(
        tmp_path: Path, pg_url: str) -> None:
    """The immediate ladder and an SMS reply against PostgreSQL (the ladder columns and the
    one-time links of migrations 50-51, row locks on the link and the escalation)."""
    from tests.channel_support import PEOPLE, ChannelRig
    from tests.faketwilio import FakeTwilio
    from tests.mailserver import MailServer

    with PagingFake() as slack, FakeTwilio(auth_token="twilio-test-token") as twilio, \
            MailServer() as mail:
        rig = ChannelRig(tmp_path, slack, twilio, mail, database_url=pg_url)
        try:
            eid = rig.trigger("police", "warrant")
            rig.deliver()
            assert len(twilio.texts()) == 2 and len(mail.wait_for(2)) == 2
            rig.at(120)
            assert len(twilio.calls()) == 2
            status, body = rig.text_reply(PEOPLE["UPIC2"][2], "1")
            assert status == 200 and "Acknowledged page" in body
            summary = rig.service.get(eid)
            assert summary is not None and (summary.state, summary.acked_by) == (
                "acknowledged", "UPIC2")
            rig.at(400)
            # No more calls or pages; Pat, texted too, is told Sam took it.
            assert len(twilio.calls()) == 2 and len(twilio.texts()) == 3
            assert twilio.texts()[2]["To"] == PEOPLE["UPIC1"][2]
            assert "ACKED by Sam Ortiz via text reply" in twilio.texts()[2]["Body"]
        finally:
            rig.close()


def test_two_instances_appending_at_once_keep_one_audit_chain(pg_url: str) -> None:
    """Each instance moves the head it wrote last without reading it; the UPDATE that checks
    the head is unchanged is also its row lock, so appends racing from two instances (and
    threads of each) never fork the chain."""
    from concurrent.futures import ThreadPoolExecutor

    instances = [Database(pg_url), Database(pg_url)]
    try:
        def appends(n: int) -> None:
            log = AuditLog(instances[n % 2])
            for i in range(10):
                log.append("case.opened", library="pagelib", data={"n": n, "i": i})

        with ThreadPoolExecutor(6) as pool:
            list(pool.map(appends, range(6)))
        report = AuditLog(instances[0]).verify()
        assert report.ok and report.events == 60
        assert AuditLog(instances[1]).head()[0] == 60
    finally:
        for db in instances:
            db.dispose()


def test_two_instances_answer_each_slack_event_once(tmp_path: Path, pg_url: str) -> None:
    """Slack's events on PostgreSQL, through two real ``serve --http`` processes sharing the
    database: an event is stored by its work's own commit, with its changes, and acknowledged
    after it. Each DM is delivered to both instances at once (Slack's retry landing on the
    other one): both deliveries get their 200, and each DM is answered exactly once."""
    with PagingFake() as fake:
        first = Server(tmp_path / "a", fake, db_url=pg_url).start()
        second = Server(tmp_path / "b", fake, db_url=pg_url).start()
        try:
            sent = []
            with ThreadPoolExecutor(2) as pool:
                for n in range(8):
                    user = f"USTAFF{n}"
                    body = event_body(message_event(fake.dm_channel(user), user,
                                                    "someone wants records"))
                    answers = [f.result() for f in (
                        pool.submit(first.send, "event", body),
                        pool.submit(second.send, "event", body, retry=1))]
                    assert answers == [200, 200]
                    sent.append(body["event"]["ts"])
            assert wait_until(lambda: len(ok_posts(fake)) >= len(sent), timeout=30)
            time.sleep(1.5)  # a replay pass or two: nothing further may appear
        finally:
            first.stop()
            second.stop()
        assert sorted(p.thread_ts for p in ok_posts(fake)) == sorted(sent)
        assert first.inbox() == ["done"] * len(sent)
