"""Delivery latency from outcome to page: p50/p99 over N escalations.

    python bench/paging_bench.py [--count 200] [--database-url URL] [--interval 0.02]

Each escalation is triggered the way a face does on reaching an escalating outcome; the
outbox worker runs in its own thread (as in the Slack runtime) and delivers through slack_sdk
to the fake Slack on 127.0.0.1 (tests/fakeslack.py). The baseline, measured in the same run
against the same fake Slack, posts the same three messages straight from the caller with
``chat.postMessage`` — no transaction, no outbox, no worker: the floor a page cannot beat, and
what the durable path costs on top of it is the printed ratio.
Latency = from the trigger call to Slack receiving chat.postMessage: for the first page of
each escalation, and for every page (two DMs to the privacy in-charge, the channel post).
SQLite in a temporary folder by default; ``--database-url postgresql+psycopg://...``
measures PostgreSQL.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from slack_sdk import WebClient  # noqa: E402

from bot.config import parse_config  # noqa: E402
from bot.content.catalogue import Catalogue  # noqa: E402
from bot.engine import start, step  # noqa: E402
from bot.escalation import EscalationService, OutboxWorker, SlackTransport  # noqa: E402
from bot.store import Database  # noqa: E402
from tests.escalation_support import PagingFake, config_toml, write_content  # noqa: E402


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
    options = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="paging-bench-"))
    catalogue = Catalogue.load(write_content(folder / "content"))
    db = Database(options.database_url or f"sqlite:///{folder / 'bench.db'}")
    service = EscalationService(db, parse_config(tomllib.loads(config_toml())), catalogue)
    views = []
    for _ in range(options.count):  # walk the conversations first: only paging is timed
        view = start(catalogue, "pagelib", "records-request")
        for said in ("police", "warrant"):
            view = step(catalogue, view.conversation, said)
        views.append(view)

    with PagingFake() as fake:
        client = WebClient(token="xoxb-bench", base_url=fake.api_url)
        worker = OutboxWorker(db, SlackTransport(client), poll_seconds=0.25)
        stop = threading.Event()
        thread = threading.Thread(target=worker.run_forever, args=(stop,), daemon=True)
        thread.start()
        started: dict[str, float] = {}
        for view in views:
            began = time.time()
            eid = service.trigger(library="pagelib", situation="records-request",
                                  conversation=view.conversation, outcome=view.outcome,
                                  reason="outcome", asked_by="UBENCH", face="slack")
            started[eid] = began
            time.sleep(options.interval)
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
    print(f"ratio outbox / direct: first page p50 "
          f"{percentile(firsts, 50) / percentile(baseline_first, 50):.1f}x, p99 "
          f"{percentile(firsts, 99) / percentile(baseline_first, 99):.1f}x")
    db.dispose()


def measure_direct_posts(count: int, interval: float) -> tuple[list[float], list[float]]:
    """The baseline: the caller posts the three pages itself (what a page could cost at best)."""
    firsts: list[float] = []
    every: list[float] = []
    with PagingFake() as fake:
        client = WebClient(token="xoxb-bench", base_url=fake.api_url)
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
