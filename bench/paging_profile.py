"""Where the time from outcome to first page goes: timestamps along the path, step by step.

    python bench/paging_profile.py [--count 100] [--interval 0.2] [--postgres]

The same setup as ``bench/paging_bench.py`` (the fake Slack, the worker in its own thread,
one escalation triggered every ``--interval`` seconds), with timestamps taken at each step of
the path from ``trigger()`` to the fake Slack receiving the escalation's first
``chat.postMessage``. The steps are timed by wrapping the functions that mark them in this
process only (a bench, not a test: nothing of it is asserted). Prints each step's p50 and its
share of the first page's p50, and the same direct-post baseline as the bench.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
import tomllib
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from slack_sdk import WebClient  # noqa: E402
from sqlalchemy.engine import Connection  # noqa: E402

import bot.channels.delivery as delivery  # noqa: E402
import bot.escalation.lifecycle as lifecycle  # noqa: E402
import bot.store.audit as audit  # noqa: E402
from bench.paging_bench import databases, measure_direct_posts, percentile, walk  # noqa: E402
from bot.channels.delivery import OutboxWorker  # noqa: E402
from bot.channels.slack import SlackTransport  # noqa: E402
from bot.config import parse_config  # noqa: E402
from bot.content.catalogue import Catalogue  # noqa: E402
from bot.escalation import EscalationService  # noqa: E402
from bot.store import Database  # noqa: E402
from bot.store.outbox import Handed  # noqa: E402
from bot.store.txn import Decision  # noqa: E402
from tests.escalation_support import PagingFake, config_toml, write_content  # noqa: E402

#: The marks, in path order: (name, what ends at it).
STEPS = (
    ("called", "trigger() called"),
    ("packet", "packet built (build_packet)"),
    ("begun", "write lock + BEGIN IMMEDIATE"),
    ("opened", "rows written (open_escalation: escalation, outbox, hold)"),
    ("chained", "audit chain hashed and written (staged flush)"),
    ("committed", "COMMIT returned (fsync)"),
    ("handed", "rows handed to the worker"),
    ("woken", "worker thread took the row (wake-up)"),
    ("rendered", "page rendered (escalation read + Block Kit)"),
    ("posting", "transport.post called (DM channel known; held for the commit)"),
    ("arrived", "fake Slack received chat.postMessage"),
)


class Marks:
    """Per escalation, the first time each step was reached."""

    def __init__(self) -> None:
        self.by_escalation: dict[str, dict[str, float]] = defaultdict(dict)
        self.current: dict[str, float] = {}  # the caller's marks before the id is known
        self.caller = threading.get_ident()
        #: Per transaction (its Decision), whether its first prepared post was left to the
        #: committing thread (True) or found it committed already, written by the worker.
        self.first_post_by_committer: dict[int, bool] = {}

    def mark(self, name: str, escalation_id: str | None = None) -> None:
        now = time.perf_counter()
        if escalation_id is None:
            if threading.get_ident() == self.caller:
                self.current.setdefault(name, now)
            return
        self.by_escalation[escalation_id].setdefault(name, now)


def wrap(owner: Any, name: str, before: Callable[..., None] | None = None,
         after: Callable[..., None] | None = None) -> None:
    """Replace ``owner.name`` with a function calling ``before(*args)``, the original, then
    ``after(result, *args)``."""
    original = getattr(owner, name)

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if before is not None:
            before(*args, **kwargs)
        result = original(*args, **kwargs)
        if after is not None:
            after(result, *args, **kwargs)
        return result

    setattr(owner, name, wrapped)


def instrument(marks: Marks) -> None:
    caller_mark = marks.mark
    wrap(EscalationService, "build_packet", after=lambda *a, **k: caller_mark("packet"))
    original_open = lifecycle.open_escalation

    def open_escalation(*args: Any, **kwargs: Any) -> str:
        caller_mark("begun")
        result = original_open(*args, **kwargs)
        caller_mark("opened")
        return result

    lifecycle.open_escalation = open_escalation  # type: ignore[assignment]
    wrap(audit, "_chain", after=lambda *a, **k: caller_mark("chained"))
    wrap(Connection, "commit", after=lambda *a, **k: caller_mark("committed"))

    def handed(_result: Any, _self: Handed, given: Any, *_: Any) -> None:
        row = getattr(given, "row", given)  # a Served, or (before it) the row itself
        if row.escalation_id:
            marks.mark("handed", row.escalation_id)

    wrap(Handed, "hand", after=handed)

    def took(result: Any, _self: Any) -> None:
        row = getattr(result, "row", result)
        if row is not None and row.escalation_id:
            marks.mark("woken", row.escalation_id)

    wrap(OutboxWorker, "_next_handed", after=took)

    def rendered(result: Any, _db: Any, row: Any, *a: Any, **k: Any) -> None:
        if row.escalation_id:
            marks.mark("rendered", row.escalation_id)

    wrap(delivery, "render", after=rendered)

    def posting(_self: Any, _channel: str, payload: dict[str, Any], *a: Any, **k: Any) -> None:
        eid = (payload.get("metadata") or {}).get("event_payload", {}).get("escalation_id")
        if eid:
            marks.mark("posting", eid)

    wrap(SlackTransport, "post", before=posting)

    def left_to_committer(result: bool, decision: Decision, *_: Any) -> None:
        marks.first_post_by_committer.setdefault(id(decision), result)

    wrap(Decision, "on_commit", after=left_to_committer)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--interval", type=float, default=0.2)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--postgres", action="store_true")
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="paging-profile-"))
    with databases(options, folder) as new_database:
        profile(options, folder, new_database("profile.db"))


def profile(options: argparse.Namespace, folder: Path, url: str) -> None:
    catalogue = Catalogue.load(write_content(folder / "content"))
    db = Database(url)
    service = EscalationService(db, parse_config(tomllib.loads(config_toml())), catalogue)
    views = walk(catalogue, options.count)
    marks = Marks()
    instrument(marks)
    with PagingFake() as fake:
        client = WebClient(token="xoxb-bench", base_url=fake.api_url)
        worker = OutboxWorker(db, SlackTransport(client), poll_seconds=0.25)
        stop = threading.Event()
        thread = threading.Thread(target=worker.run_forever, args=(stop,), daemon=True)
        thread.start()
        time.sleep(0.2)
        offset = time.time() - time.perf_counter()  # the fake stamps with time.time()
        for view in views:
            marks.current = {}
            began = time.perf_counter()
            eid = service.trigger(library="pagelib", situation="records-request",
                                  conversation=view.conversation, outcome=view.outcome,
                                  reason="outcome", asked_by="UBENCH", face="slack")
            got = marks.by_escalation[eid]
            got["called"] = began
            for name, at in marks.current.items():
                got.setdefault(name, at)
            time.sleep(options.interval)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(
                [c for c in fake.calls_to("chat.postMessage") if c.args.get("metadata")]
        ) < 3 * options.count:
            time.sleep(0.05)
        stop.set()
        thread.join(10)
        for call in fake.calls_to("chat.postMessage"):
            eid = ((call.args.get("metadata") or {}).get("event_payload") or {}).get(
                "escalation_id")
            if eid in marks.by_escalation:
                marks.by_escalation[eid].setdefault("arrived", call.at - offset)
    db.dispose()
    baseline, _ = measure_direct_posts(options.count, options.interval)

    ms = 1000.0
    complete = [m for m in marks.by_escalation.values() if all(s in m for s, _ in STEPS)]
    print(f"database: {db.dialect}; escalations: {options.count}; complete timelines: "
          f"{len(complete)}")
    total = percentile([m["arrived"] - m["called"] for m in complete], 50)
    # The steps in the order they happen (which moves as the path changes), each timed from
    # the one before it; "since call" is each mark's own p50 from the trigger() call.
    since = {name: percentile([m[name] - m["called"] for m in complete], 50)
             for name, _ in STEPS}
    labels = dict(STEPS)
    order = sorted(labels, key=lambda name: since[name])
    print(f"{'step (ends at)':62} {'p50 ms':>8} {'p90 ms':>8} {'share':>6} {'since call':>10}")
    for previous, name in zip(order, order[1:], strict=False):
        spans = [m[name] - m[previous] for m in complete]
        p50 = percentile(spans, 50)
        print(f"{labels[name]:62} {p50 * ms:8.2f} {percentile(spans, 90) * ms:8.2f} "
              f"{p50 / total:6.0%} {since[name] * ms:10.2f}")
    print(f"{'outcome -> first page (end to end)':62} {total * ms:8.2f}")
    by_committer = list(marks.first_post_by_committer.values())
    print(f"first post of a transaction written by the committing thread as its commit returned: "
          f"{sum(by_committer)}/{len(by_committer)} (the others were rendered too late: "
          "written by the worker once it woke)")
    direct = percentile(baseline, 50)
    print(f"direct chat.postMessage p50 {direct * ms:.2f} ms; ratio {total / direct:.1f}x")


if __name__ == "__main__":
    main()
