"""Delivery latency from outcome to page: p50/p99 over N escalations.

    python bench/paging_bench.py [--count 200] [--round 20] [--database-url URL] [--interval 0.2]

Each escalation is triggered the way a face does on reaching an escalating outcome; the
outbox worker runs in its own thread (as in the Slack runtime) and delivers through slack_sdk
to the fake Slack on 127.0.0.1 (tests/fakeslack.py), which runs in a process of its own (as
Slack is not in the bot's process: serving the pages' HTTP there, it took the interpreter from
the very trigger() and worker it was timing). The baseline, measured in the same run
against another instance of the same fake Slack (in that same process), posts three messages
(a one-word text each, not the pages' Block Kit) straight from the caller with
``chat.postMessage`` — no
transaction, no outbox, no worker: the floor a page cannot beat, and what the durable path
costs on top of it is the printed ratio (issue 13's target). A second baseline
posts over one kept-alive connection, as the worker does (no connection set up per
post): the ratio to it is what the outbox costs beyond the post itself. All three are taken in
the same process in interleaved rounds (``--round`` escalations through the outbox, then as
many direct posts of each kind; which goes first turns each round), the worker parked
between its passes while a baseline is timed (no poll, no checkpoint: as when the baselines
ran after it had stopped), so a change in the machine's load falls on all three alike; the
ratio is printed over all samples and per round (median and spread: how far one run can be
trusted). The first escalations (5; fewer below --count 50) are untimed (before, all were
timed): the SQL per trigger() is counted on them, the counter detached before anything is
timed. The load average is printed before and after.
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
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

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
    stop, thread = serve(worker)
    started: dict[str, float] = {}
    cpu: list[float] = []
    trigger_each(service, views, interval, started, cpu)
    print(f"CPU per trigger() (the caller's thread): p50 {percentile(cpu, 50) * 1000:.2f} ms  "
          f"p90 {percentile(cpu, 90) * 1000:.2f} ms")
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
    parser.add_argument("--round", type=int, default=20,
                        help="Escalations per round; each round is followed (or preceded) by "
                             "as many direct posts of each baseline.")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--postgres", action="store_true",
                        help="Each run on a new database on the PostgreSQL server that "
                             "FRONTDESK_TEST_POSTGRES_URL names, dropped afterwards.")
    parser.add_argument("--no-channels", action="store_true",
                        help="Skip the texts-and-email run.")
    parser.add_argument("--serve-fakes", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.serve_fakes:
        serve_fakes(options.serve_fakes)
        return

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
    """Outcome -> Slack pages through the outbox, against direct chat.postMessage calls,
    taken in interleaved rounds (``--round`` escalations, then as many direct posts of each
    kind, the order turning each round): what the machine's other work does to one part
    falls on the others too, and each round's ratio says how much the figure moves."""
    catalogue = Catalogue.load(write_content(folder / "content"))
    db = Database(url)
    service = EscalationService(db, parse_config(tomllib.loads(config_toml())), catalogue)
    warm = max(1, min(WARM_UP, options.count // 10))
    views = walk(catalogue, options.count + warm)  # walked first: only paging is timed
    size = max(1, min(options.round, options.count))
    rounds = [views[warm + i:warm + i + size] for i in range(0, options.count, size)]

    with fake_slack_process(3) as (fake, direct_fake, kept_fake):
        worker = OutboxWorker(db, SlackTransport(WebClient(token="xoxb-bench",
                                                           base_url=fake.api_url)),
                              poll_seconds=0.25)
        paused = Pause(worker)
        stop, thread = serve(worker)
        # Untimed: the first escalations (statements compiled, connections opened) with the
        # SQL counted; the counter is detached before anything is timed (its listeners cost
        # a few microseconds a statement, in the caller's thread and the worker's).
        counter = SqlCounter(db.engines(), thread=threading.get_ident())
        trigger_each(service, views[:warm], options.interval, {}, [])
        print(f"SQL per trigger() (the caller's thread, {warm} untimed escalations): "
              f"{counter.take().per(warm)}")
        counter.detach()
        wait_for_pages(fake, 3 * warm)
        direct = WebClient(token="xoxb-bench", base_url=direct_fake.api_url)
        kept = KeepAliveClient(token="xoxb-bench", base_url=kept_fake.api_url)
        direct_posts(direct, direct_fake, 1, 0)  # the same warm-up for the baselines
        direct_posts(kept, kept_fake, 1, 0)

        started: dict[str, float] = {}
        cpu: list[float] = []
        per_round: list[dict[str, list[float]]] = []
        delivered = 3 * warm
        for number, chunk in enumerate(rounds):
            got: dict[str, list[float]] = {"outbox": [], "direct": [], "kept": []}
            parts = ["outbox", "direct", "kept"]
            for part in parts[number % 3:] + parts[:number % 3]:
                if part == "outbox":
                    paused.release()
                    ids = trigger_each(service, chunk, options.interval, started, cpu)
                    delivered += 3 * len(chunk)
                    pages = wait_for_pages(fake, delivered)
                    got["outbox"] = first_pages(pages, started, set(ids))
                else:
                    paused.hold()  # as before, when the baselines ran after it had stopped
                    client, server = (direct, direct_fake) if part == "direct" else (
                        kept, kept_fake)
                    got[part] = direct_posts(client, server, len(chunk), options.interval)[0]
            per_round.append(got)
        paused.release()
        stop.set()
        thread.join(10)
        pages = fake.pages(delivered, timeout=0)

    every = [at - started[eid] for eid, at in pages if eid in started]
    firsts = [value for got in per_round for value in got["outbox"]]
    baseline_first = [value for got in per_round for value in got["direct"]]
    kept_first = [value for got in per_round for value in got["kept"]]
    ms = 1000.0
    print(f"CPU per trigger() (the caller's thread: building, SQL, commit, the first page it "
          f"writes; no waiting): p50 {percentile(cpu, 50) * ms:.2f} ms  p90 "
          f"{percentile(cpu, 90) * ms:.2f} ms")
    print(f"database: {db.dialect}; escalations: {options.count} timed ({warm} untimed first) "
          f"in {len(rounds)} rounds of {size}, interleaved with the baselines; pages "
          f"delivered: {len(pages)}/{3 * (options.count + warm)}")
    print(f"outcome -> first page:  p50 {percentile(firsts, 50) * ms:7.1f} ms   "
          f"p99 {percentile(firsts, 99) * ms:7.1f} ms   max {max(firsts) * ms:7.1f} ms")
    print(f"outcome -> every page:  p50 {percentile(every, 50) * ms:7.1f} ms   "
          f"p99 {percentile(every, 99) * ms:7.1f} ms   mean {statistics.mean(every) * ms:7.1f} ms")
    print(f"baseline (direct chat.postMessage, no outbox): first p50 "
          f"{percentile(baseline_first, 50) * ms:7.1f} ms  p99 "
          f"{percentile(baseline_first, 99) * ms:7.1f} ms")
    print(f"baseline over one kept-alive connection (as the worker posts): first p50 "
          f"{percentile(kept_first, 50) * ms:7.1f} ms  p99 {percentile(kept_first, 99) * ms:7.1f}"
          f" ms; ratio outbox / kept-alive direct: first page p50 "
          f"{percentile(firsts, 50) / percentile(kept_first, 50):.1f}x")
    ratios = sorted(percentile(got["outbox"], 50) / percentile(got["direct"], 50)
                    for got in per_round)
    ratio = percentile(firsts, 50) / percentile(baseline_first, 50)
    print(f"ratio outbox / direct, each round's p50s: median {statistics.median(ratios):.2f}x, "
          f"spread {ratios[0]:.2f}x .. {ratios[-1]:.2f}x over {len(ratios)} rounds "
          f"({' '.join(f'{r:.2f}' for r in ratios)})")
    print(f"ratio outbox / direct: first page p50 {ratio:.1f}x, p99 "
          f"{percentile(firsts, 99) / percentile(baseline_first, 99):.1f}x; target p50 <= "
          f"{TARGET_RATIO:.0f}x: {'PASS' if ratio <= TARGET_RATIO else 'FAIL'}")
    commits = measure_commits(db, options.count, options.interval)
    print(f"floor: one durable commit (an audit event appended, on disk before it returns) "
          f"p50 {percentile(commits, 50) * ms:7.1f} ms = "
          f"{percentile(commits, 50) / percentile(baseline_first, 50):.1f}x the direct post; "
          "a page goes out only after its escalation's commit")
    db.dispose()


#: Escalations triggered (and their SQL counted) before any is timed.
WARM_UP = 5


class Pause:
    """Parks ``worker`` between two of its passes while a baseline is timed: waiting on an
    event, it neither polls the outbox, nor checkpoints the write-ahead log, nor wants the
    GIL, so the baseline runs as it did when it was timed after the worker had stopped.
    (The worker finishes what it was doing first: the round's pages and their records.)"""

    def __init__(self, worker: OutboxWorker) -> None:
        self._go = threading.Event()
        self._go.set()
        self._parked = threading.Event()
        run_once = worker.run_once

        def parked_between_passes() -> int:
            if not self._go.is_set():
                self._parked.set()
                self._go.wait()
            return run_once()

        worker.run_once = parked_between_passes  # type: ignore[method-assign]

    def hold(self, timeout: float = 30) -> None:
        """Returns once the worker is parked (at most its poll interval after the call)."""
        self._go.clear()
        if not self._parked.wait(timeout):
            sys.exit("paging_bench: the outbox worker did not pause")

    def release(self) -> None:
        self._parked.clear()
        self._go.set()


def serve(worker: OutboxWorker) -> tuple[threading.Event, threading.Thread]:
    """Run ``worker`` (and its texts-and-email sibling, if any) in threads of their own, as
    the runtime does, serving before the first outcome; returns the stop event and thread."""
    stop = threading.Event()
    thread = threading.Thread(target=worker.run_forever, args=(stop,), daemon=True)
    if (contacts := worker.split_contacts()) is not None:
        threading.Thread(target=contacts.run_forever, args=(stop,), daemon=True).start()
    thread.start()
    time.sleep(0.2)
    return stop, thread


def trigger_each(service: EscalationService, views: list, interval: float,  # type: ignore[type-arg]
                 started: dict[str, float], cpu: list[float]) -> list[str]:
    """Trigger one escalation per view every ``interval`` seconds, recording when each was
    triggered (time.time(), as the fake Slack stamps arrivals) and the caller's CPU time."""
    ids = []
    for view in views:
        cpu_began = time.thread_time()
        began = time.time()
        eid = service.trigger(library="pagelib", situation="records-request",
                              conversation=view.conversation, outcome=view.outcome,
                              reason="outcome", asked_by="UBENCH", face="slack")
        cpu.append(time.thread_time() - cpu_began)
        started[eid] = began
        ids.append(eid)
        time.sleep(interval)
    return ids


def is_page(call: Any) -> bool:
    return bool(call.args.get("metadata", {}).get("event_type") == "frontdesk_page"
                and call.response and call.response.get("ok"))


Page = tuple[str, float]  # (escalation id, when Slack received it: time.time())


class BenchFake(PagingFake):
    """A fake Slack of the run, served in the fake's own process (``--serve-fakes``). Besides
    the Web API it answers two calls of the bench's own, not recorded as calls:
    ``bench.pages`` — blocks until ``count`` pages were accepted (or ``timeout`` seconds
    passed) and returns each one's escalation and arrival time — and ``bench.last`` — the
    arrival times of the last ``count`` ``chat.postMessage`` calls."""

    def handle(self, method: str, args: dict[str, Any], token: str | None
               ) -> tuple[int, dict[str, str], dict[str, Any]]:
        if method == "bench.pages":
            return 200, {}, {"ok": True, "pages": self._pages(int(args["count"]),
                                                              float(args["timeout"]))}
        if method == "bench.last":
            calls = self.calls_to("chat.postMessage")[-int(args["count"]):]
            return 200, {}, {"ok": True, "at": [call.at for call in calls]}
        return super().handle(method, args, token)

    def _pages(self, count: int, timeout: float) -> list[Page]:
        deadline = time.monotonic() + timeout
        with self._changed:  # woken by every call's arrival and answer
            while True:
                pages = [(c.args["metadata"]["event_payload"]["escalation_id"], c.at)
                         for c in self.calls if c.method == "chat.postMessage" and is_page(c)]
                left = deadline - time.monotonic()
                if len(pages) >= count or left <= 0:
                    return pages
                self._changed.wait(left)


class RemoteFake:
    """The bench's side of a ``BenchFake`` in the fake's process."""

    def __init__(self, port: int) -> None:
        self.api_url = f"http://127.0.0.1:{port}/api/"

    def _call(self, method: str, **args: Any) -> dict[str, Any]:
        request = urllib.request.Request(self.api_url + method, data=json.dumps(args).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=300) as answer:
            return json.loads(answer.read())

    def pages(self, expected: int, timeout: float = 120) -> list[Page]:
        """The pages Slack accepted, once there are ``expected`` of them (or ``timeout``
        passed)."""
        return [(eid, at) for eid, at in self._call("bench.pages", count=expected,
                                                      timeout=timeout)["pages"]]

    def last_arrivals(self, count: int) -> list[float]:
        return list(self._call("bench.last", count=count)["at"])


@contextlib.contextmanager
def fake_slack_process(count: int) -> Iterator[tuple[RemoteFake, ...]]:
    """``count`` fake Slacks (``BenchFake``) served by one process of their own, stopped at
    the end (their process exits when its standard input closes)."""
    process = subprocess.Popen([sys.executable, __file__, "--serve-fakes", str(count)],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()  # type: ignore[union-attr]
        if not line.startswith("READY"):
            sys.exit(f"paging_bench: the fake Slack process did not start: {line!r}")
        yield tuple(RemoteFake(int(port)) for port in line.split()[1:])
    finally:
        process.stdin.close()  # type: ignore[union-attr]
        process.wait(timeout=10)


def serve_fakes(count: int) -> None:
    """The fake Slack process: ``count`` ``BenchFake`` servers until standard input closes."""
    fakes = [BenchFake().start() for _ in range(count)]
    print("READY " + " ".join(str(fake.port) for fake in fakes), flush=True)
    sys.stdin.read()
    for fake in fakes:
        fake.stop()


def wait_for_pages(fake: RemoteFake, expected: int, timeout: float = 120) -> list[Page]:
    """The pages Slack accepted, once there are ``expected`` of them (or ``timeout`` passed)."""
    return fake.pages(expected, timeout)


def first_pages(pages: list[Page], started: dict[str, float], ids: set[str]) -> list[float]:
    """From each of the escalations ``ids``'s trigger() call to Slack receiving its first page."""
    first: dict[str, float] = {}
    for eid, at in pages:
        if eid in ids:
            latency = at - started[eid]
            first[eid] = min(first.get(eid, latency), latency)
    return list(first.values())


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
    with fake_slack_process(1) as (fake,):
        client = (KeepAliveClient if kept_alive else WebClient)(token="xoxb-bench",
                                                                base_url=fake.api_url)
        return direct_posts(client, fake, count, interval)


def direct_posts(client: WebClient, fake: RemoteFake, count: int, interval: float
                 ) -> tuple[list[float], list[float]]:
    """``count`` times, the three pages posted by the caller through ``client`` to ``fake``;
    returns the first's latency each time and every one's."""
    firsts: list[float] = []
    every: list[float] = []
    for _ in range(count):
        began = time.time()
        for channel in ("UPIC1", "UPIC2", "CPRIV"):
            client.chat_postMessage(channel=channel, text="page")
        latencies = [at - began for at in fake.last_arrivals(3)]
        firsts.append(min(latencies))
        every.extend(latencies)
        time.sleep(interval)
    return firsts, every


if __name__ == "__main__":
    main()
