"""Delivery latency from outcome to page: p50/p99 over N escalations.

    python bench/paging_bench.py [--count 200] [--database-url URL] [--interval 0.02]

Each escalation is triggered the way a face does on reaching an escalating outcome; the
outbox worker runs in its own thread (as in the Slack runtime) and delivers through slack_sdk
to the fake Slack on 127.0.0.1 (tests/fakeslack.py). The baseline, measured in the same run
against the same fake Slack, posts the same three messages straight from the caller with
``chat.postMessage`` — no transaction, no outbox, no worker: the floor a page cannot beat, and
what the durable path costs on top of it is the printed ratio (issue 13's target). A second
baseline posts over one kept-alive connection, as the worker does (no connection set up per
post): the ratio to it is what the outbox costs beyond the post itself. Both run in the same
process as the fake Slack, after the outbox run; the load average is printed before and after.
Latency = from the trigger call to Slack receiving chat.postMessage: for the first page of
each escalation, and for every page (two DMs to the privacy in-charge, the channel post).
The CPU time of each ``trigger()`` in the caller's thread is printed too (p50, p90): what the
code costs before a page can leave, apart from the wait for the disk, which the durable-commit
floor printed last measures.
SQLite in a temporary folder by default; ``--database-url postgresql+psycopg://...``
measures PostgreSQL; ``--postgres`` too, each run on a database of its own created on the
server ``FRONTDESK_TEST_POSTGRES_URL`` names (and dropped after).

Texts and email (issue 12): a second run pages privacy officers who also have a mobile number
and an email address (immediate ladder: Slack, text and email at once), with Twilio faked on
a local port (tests/faketwilio.py) and a real SMTP server (aiosmtpd, tests/mailserver.py).
Latency = from the trigger call to the provider receiving the first text (Twilio's Messages
API) and the first email (the SMTP server's DATA) of each escalation. Its baseline, in the same
run against the same servers: the caller sends the same texts and emails itself through the
same channel classes, without transaction, outbox or worker. ``--no-channels`` skips it.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import threading
import time
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from slack_sdk import WebClient  # noqa: E402

from bench.sqlcount import SqlCounter  # noqa: E402
from bot.channels.delivery import OutboxWorker  # noqa: E402
from bot.channels.slack import SlackTransport  # noqa: E402
from bot.channels.slack.transport import KeepAliveClient  # noqa: E402
from bot.config import parse_config  # noqa: E402
from bot.content.catalogue import Catalogue  # noqa: E402
from bot.engine import start, step  # noqa: E402
from bot.escalation import EscalationService  # noqa: E402
from bot.store import Database  # noqa: E402
from bot.store.audit import AuditLog  # noqa: E402
from tests.escalation_support import (  # noqa: E402
    PagingFake,
    config_toml,
    fresh_postgres_database,
    postgres_admin_url,
    write_content,
)

#: Issue 13: outcome -> first page p50 at most this many times a direct chat.postMessage.
TARGET_RATIO = 3.0


def walk(catalogue: Catalogue, count: int) -> list:  # type: ignore[type-arg]
    """``count`` conversations at the immediate (warrant) outcome: walked before timing."""
    views = []
    for _ in range(count):
        view = start(catalogue, "pagelib", "records-request")
        for said in ("police", "warrant"):
            view = step(catalogue, view.conversation, said)
        views.append(view)
    return views


def trigger_all(service: EscalationService, views: list, interval: float,  # type: ignore[type-arg]
                worker: OutboxWorker) -> tuple[dict[str, float], threading.Event,
                                                threading.Thread]:
    """Start ``worker`` in its own thread, then trigger one escalation per view every
    ``interval`` seconds; returns when each was triggered (time.time()) and the thread."""
    stop = threading.Event()
    thread = threading.Thread(target=worker.run_forever, args=(stop,), daemon=True)
    if (contacts := worker.split_contacts()) is not None:  # as the runtime runs them
        threading.Thread(target=contacts.run_forever, args=(stop,), daemon=True).start()
    thread.start()
    time.sleep(0.2)  # both serving (as in the runtime, long before the first outcome)
    started: dict[str, float] = {}
    cpu: list[float] = []
    counter = SqlCounter(service.db.engine, thread=threading.get_ident())
    for view in views:
        cpu_began = time.thread_time()
        began = time.time()
        eid = service.trigger(library="pagelib", situation="records-request",
                              conversation=view.conversation, outcome=view.outcome,
                              reason="outcome", asked_by="UBENCH", face="slack")
        cpu.append(time.thread_time() - cpu_began)
        started[eid] = began
        time.sleep(interval)
    print(f"SQL per trigger() (the caller's thread): {counter.take().per(len(views))}")
    # What the code costs, apart from waiting for the disk (and less swayed by other
    # processes than wall time): the time a page cannot beat however fast the disk.
    print(f"CPU per trigger() (the caller's thread: building, SQL, commit, the first page it "
          f"writes; no waiting): p50 {percentile(cpu, 50) * 1000:.2f} ms  p90 "
          f"{percentile(cpu, 90) * 1000:.2f} ms")
    return started, stop, thread


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--interval", type=float, default=0.2,
                        help="Seconds between triggers (outcomes arriving one after another).")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--postgres", action="store_true",
                        help="Each run on a new database on the PostgreSQL server that "
                             "FRONTDESK_TEST_POSTGRES_URL names, dropped afterwards.")
    parser.add_argument("--no-channels", action="store_true",
                        help="Skip the texts-and-email run.")
    options = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="paging-bench-"))
    print(f"load average before: {load()}")
    with databases(options, folder) as new_database:
        measure_slack(options, folder, new_database("bench.db"))
        if not options.no_channels:
            measure_channels(options.count, options.interval, new_database("bench-channels.db"),
                             folder)
    print(f"load average after: {load()}")


def load() -> str:
    """The machine's 1, 5 and 15 minute load averages (ratios are same-run; ms are not)."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


@contextlib.contextmanager
def databases(options: argparse.Namespace, folder: Path) -> Iterator[Callable[[str], str]]:
    """A database URL per run: a SQLite file named so in ``folder``, ``--database-url`` as
    given, or with ``--postgres`` a new database on that server (dropped at the end)."""
    drops: list[Callable[[], None]] = []

    def new(name: str) -> str:
        if options.postgres:
            if not postgres_admin_url():
                sys.exit("--postgres: set FRONTDESK_TEST_POSTGRES_URL to a server's URL")
            url, drop = fresh_postgres_database()
            drops.append(drop)
            return url
        return options.database_url or f"sqlite:///{folder / name}"

    try:
        yield new
    finally:
        for drop in drops:
            drop()


def measure_slack(options: argparse.Namespace, folder: Path, url: str) -> None:
    """Outcome -> Slack pages through the outbox, against direct chat.postMessage calls."""
    catalogue = Catalogue.load(write_content(folder / "content"))
    db = Database(url)
    service = EscalationService(db, parse_config(tomllib.loads(config_toml())), catalogue)
    views = walk(catalogue, options.count)  # walked first: only paging is timed

    with PagingFake() as fake:
        client = WebClient(token="xoxb-bench", base_url=fake.api_url)
        worker = OutboxWorker(db, SlackTransport(client), poll_seconds=0.25)
        started, stop, thread = trigger_all(service, views, options.interval, worker)
        deadline = time.monotonic() + 120
        pages_expected = 3 * options.count
        while time.monotonic() < deadline:
            pages = [c for c in fake.calls_to("chat.postMessage")
                     if c.args.get("metadata", {}).get("event_type") == "frontdesk_page"
                     and c.response and c.response.get("ok")]
            if len(pages) >= pages_expected:
                break
            time.sleep(0.05)
        stop.set()
        thread.join(10)

    baseline_first, baseline_every = measure_direct_posts(options.count, options.interval)
    kept_first, _ = measure_direct_posts(options.count, options.interval, kept_alive=True)

    every: list[float] = []
    first: dict[str, float] = {}
    for call in pages:
        eid = call.args["metadata"]["event_payload"]["escalation_id"]
        latency = call.at - started[eid]
        every.append(latency)
        first[eid] = min(first.get(eid, latency), latency)
    firsts = list(first.values())
    ms = 1000.0
    print(f"database: {db.dialect}; escalations: {options.count}; pages delivered: "
          f"{len(every)}/{pages_expected}")
    print(f"outcome -> first page:  p50 {percentile(firsts, 50) * ms:7.1f} ms   "
          f"p99 {percentile(firsts, 99) * ms:7.1f} ms   max {max(firsts) * ms:7.1f} ms")
    print(f"outcome -> every page:  p50 {percentile(every, 50) * ms:7.1f} ms   "
          f"p99 {percentile(every, 99) * ms:7.1f} ms   mean {statistics.mean(every) * ms:7.1f} ms")
    print(f"baseline (direct chat.postMessage, no outbox): first p50 "
          f"{percentile(baseline_first, 50) * ms:7.1f} ms  p99 "
          f"{percentile(baseline_first, 99) * ms:7.1f} ms; every p50 "
          f"{percentile(baseline_every, 50) * ms:7.1f} ms  p99 "
          f"{percentile(baseline_every, 99) * ms:7.1f} ms")
    print(f"baseline over one kept-alive connection (as the worker posts): first p50 "
          f"{percentile(kept_first, 50) * ms:7.1f} ms  p99 {percentile(kept_first, 99) * ms:7.1f}"
          f" ms; ratio outbox / kept-alive direct: first page p50 "
          f"{percentile(firsts, 50) / percentile(kept_first, 50):.1f}x")
    ratio = percentile(firsts, 50) / percentile(baseline_first, 50)
    print(f"ratio outbox / direct: first page p50 {ratio:.1f}x, p99 "
          f"{percentile(firsts, 99) / percentile(baseline_first, 99):.1f}x; target p50 <= "
          f"{TARGET_RATIO:.0f}x: {'PASS' if ratio <= TARGET_RATIO else 'FAIL'}")
    commits = measure_commits(db, options.count, options.interval)
    print(f"floor: one durable commit (an audit event appended, on disk before it returns) "
          f"p50 {percentile(commits, 50) * ms:7.1f} ms = "
          f"{percentile(commits, 50) / percentile(baseline_first, 50):.1f}x the direct post; "
          "a page goes out only after its escalation's commit")
    db.dispose()


def measure_channels(count: int, interval: float, url: str, folder: Path) -> None:
    """Outcome -> first text and first email handed to the provider, against direct sends."""
    import re

    from bot.channels import Channels
    from bot.config import ChannelSecrets
    from tests.channel_support import LINK_SECRET, TOKEN, channel_toml
    from tests.faketwilio import FakeTwilio
    from tests.mailserver import MailServer

    catalogue = Catalogue.load(write_content(folder / "content-channels"))
    db = Database(url)
    views = walk(catalogue, count)
    with PagingFake() as slack, FakeTwilio(auth_token=TOKEN) as twilio, MailServer() as mail:
        config = parse_config(tomllib.loads(channel_toml(
            smtp_url=mail.url, twilio_url=twilio.api_url,
            public_url="https://frontdesk.example.org")))
        service = EscalationService(db, config, catalogue)
        channels = Channels.from_config(config, ChannelSecrets(twilio_auth_token=TOKEN,
                                                                  link_secret=LINK_SECRET))
        worker = OutboxWorker(db, SlackTransport(WebClient(token="xoxb-bench",
                                                           base_url=slack.api_url)),
                              poll_seconds=0.25, channels=channels)
        started, stop, thread = trigger_all(service, views, interval, worker)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and (
                len(twilio.texts()) < 2 * count or len(mail.messages) < 2 * count):
            time.sleep(0.05)
        stop.set()
        thread.join(10)
        first_text: dict[str, float] = {}
        for text in twilio.texts():
            eid = re.search(r"key=sms%3A([^%]+)%3A", text["StatusCallback"]).group(1)  # type: ignore[union-attr]
            first_text[eid] = min(first_text.get(eid, 1e18), text["at"] - started[eid])
        first_mail: dict[str, float] = {}
        for message, at in zip(mail.messages, mail.arrived, strict=True):
            eid = re.search(r"\((e[0-9a-f]+)\)$", str(message["Subject"])).group(1)  # type: ignore[union-attr]
            first_mail[eid] = min(first_mail.get(eid, 1e18), at - started[eid])
        via_outbox = (len(twilio.texts()), len(mail.messages))
        # The baseline: the same texts and emails sent by the caller, straight to the provider.
        eid = next(iter(started))
        packet = service.packet(eid) or {}
        direct_text: list[float] = []
        direct_mail: list[float] = []
        for i in range(count):
            pages = {c: [channels.page(key=f"{c}:direct{i}:1:0:{p}", channel=c, person=p,
                                       payload={"escalation_id": eid, "level": 1, "repeat": 0,
                                                "nonce": "bench"}, packet=packet,
                                       created_at=service.clock()) for p in ("UPIC1", "UPIC2")]
                     for c in ("sms", "email")}
            texts_before, mails_before = len(twilio.texts()), len(mail.messages)
            began = time.time()
            for channel in ("sms", "email"):
                for page in pages[channel]:
                    channels.send(page)  # type: ignore[arg-type]
            direct_text.append(twilio.texts()[texts_before]["at"] - began)
            direct_mail.append(mail.arrived[mails_before] - began)
            time.sleep(interval)
    db.dispose()
    ms = 1000.0
    texts, mails = list(first_text.values()), list(first_mail.values())
    print(f"texts and email: escalations {count}; texts {via_outbox[0]}/{2 * count}, emails "
          f"{via_outbox[1]}/{2 * count} via the outbox")
    for label, got, direct in (("first text ", texts, direct_text),
                               ("first email", mails, direct_mail)):
        print(f"outcome -> {label} handed to the provider: p50 "
              f"{percentile(got, 50) * ms:7.1f} ms   p99 {percentile(got, 99) * ms:7.1f} ms;"
              f" direct send p50 {percentile(direct, 50) * ms:7.1f} ms   p99 "
              f"{percentile(direct, 99) * ms:7.1f} ms; ratio p50 "
              f"{percentile(got, 50) / percentile(direct, 50):.1f}x")


def measure_commits(db: Database, count: int, interval: float) -> list[float]:
    """What one commit costs on this database now (SQLite: fsync per commit), paced like the
    outcomes: the part of a page's latency that durability, not the code, sets."""
    log = AuditLog(db)
    took: list[float] = []
    for _ in range(count):
        began = time.perf_counter()
        log.append("bench.commit")
        took.append(time.perf_counter() - began)
        time.sleep(interval / 4)
    return took


def measure_direct_posts(count: int, interval: float, *, kept_alive: bool = False
                         ) -> tuple[list[float], list[float]]:
    """The baseline: the caller posts the three pages itself (what a page could cost at best),
    with slack_sdk's own ``WebClient`` (a connection per call), or with ``kept_alive`` over one
    kept-alive connection as the worker posts (``KeepAliveClient``)."""
    firsts: list[float] = []
    every: list[float] = []
    with PagingFake() as fake:
        client = (KeepAliveClient if kept_alive else WebClient)(token="xoxb-bench",
                                                                base_url=fake.api_url)
        for _ in range(count):
            began = time.time()
            for channel in ("UPIC1", "UPIC2", "CPRIV"):
                client.chat_postMessage(channel=channel, text="page")
            calls = fake.calls_to("chat.postMessage")[-3:]
            latencies = [call.at - began for call in calls]
            firsts.append(min(latencies))
            every.extend(latencies)
            time.sleep(interval)
    return firsts, every


if __name__ == "__main__":
    main()
