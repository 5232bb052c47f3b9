"""Slack face bench: cost per event and acknowledgement latency, against a bare Bolt app.

Both apps run as separate processes behind the same server (waitress, the same thread count,
Bolt's WSGI adapter) and talk to the same fake Slack (``tests/fakeslack.py``, in this process).
Each gets the same stream of signed Events API requests — a direct message that opens a case
("police asking about a patron"), each with its own event id — sent open-loop at a fixed rate
over loopback. For each app the bench reports:

* **CPU per event**: the server process's user+system CPU time (``/proc/PID/stat``) over the
  run, divided by the events sent (the system part shown on its own: sockets, fsync). For
  frontdesk this includes everything the event causes
  after the acknowledgement (routing, the store, the Web API calls to post the question); the
  bench waits until every question has been posted before reading the clock. Two baselines:
  **bare Bolt** only acknowledges (the issue's target: frontdesk ≤ 3× its CPU per event);
  **bare Bolt + reply** also answers the DM in its thread with one ``chat.postMessage`` — the
  least any bot must do for this event — so the second ratio says what frontdesk costs above
  answering at all. Both ratios are printed with the target. A figure from before a change
  is this bench run on that tree in the same window (never a constant from another run).
* **ack latency**: request sent → HTTP response received (Bolt acknowledges Events API
  requests before running listeners), p50 / p99 / max.
* **SQL per event** (frontdesk), counted over the warm-up (the counter is off for the timed
  run): statements, transactions, commits; of the commits, one stores
  the request with the event's changes (the ack waits for it), and one after the post is
  **delivery bookkeeping** (the posted message's ts, the inbox row closed), shown on its own.

    python bench/slack_bench.py                 # 1000 events at 100/s for each app
    python bench/slack_bench.py --events 300 --rate 50 --content tests/slack_content \\
        --library testlib

Linux only (reads /proc). Traffic goes to 127.0.0.1 only; every loop is bounded.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SECRET = "bench-signing-secret-0123456789abcdef"
TOKEN = "xoxb-bench"
TEXT = "cop at the desk wants to know what a patron checked out"
#: The apps measured, in order: the two baselines, then frontdesk.
BASELINES = {"bare": "bare Bolt", "bare-reply": "bare Bolt + reply"}
APPS = {**BASELINES, "frontdesk": "frontdesk"}
#: Issue 13's target: frontdesk's CPU per event at most this many times a bare Bolt app's.
TARGET_RATIO = 3.0


# --- the two servers (run in child processes) -----------------------------------------------------


def serve(kind: str, api_url: str, content: str | None, library: str, threads: int) -> None:
    from bot.config import SlackSecrets, parse_config
    from bot.faces.slack.http import HttpServer

    secrets = SlackSecrets(TOKEN, SECRET, None, api_url)
    if kind in BASELINES:
        from slack_bolt import App
        from slack_bolt.adapter.wsgi import SlackRequestHandler
        from slack_sdk import WebClient

        app = App(client=WebClient(token=TOKEN, base_url=api_url), signing_secret=SECRET)
        if kind == "bare":
            @app.event("message")
            def on_message() -> None:  # acknowledged by Bolt; nothing else
                return None
        else:
            @app.event("message")
            def on_message_reply(event: dict, client: WebClient) -> None:  # type: ignore[type-arg]
                client.chat_postMessage(channel=event["channel"], thread_ts=event["ts"],
                                        text="What is happening at the desk?")

        wsgi = SlackRequestHandler(app)
        server = HttpServer(wsgi, port=0, threads=threads)  # type: ignore[arg-type]
    else:
        from bot.content.catalogue import Catalogue
        from bot.faces.slack.runtime import Runtime

        folder = tempfile.mkdtemp(prefix="frontdesk-bench-")
        config = parse_config({"library": library, "database_url": f"sqlite:///{folder}/bench.db",
                               "roles": {"privacy-in-charge": ["UBENCHPIC"],
                                         "director": ["UBENCHDIR"]}})
        catalogue = Catalogue.load(Path(content) if content else None)
        runtime = Runtime(config, catalogue, secrets, mode="http")
        server = runtime.http_server(port=0, threads=threads)
        report_sql_on_signal(runtime.services.database.engines())
    print(f"READY {server.port}", flush=True)
    server.serve_forever()


def report_sql_on_signal(engine) -> None:  # type: ignore[no-untyped-def]
    """On SIGUSR1, print the SQL counted since the last signal (statements, transactions,
    commits) as one ``SQL`` line: the parent signals before and after the warm-up. The
    second signal also stops counting, so the measured run's CPU has no counter in it."""
    import signal

    from bench.sqlcount import SqlCounter

    counter = SqlCounter(engine)
    signals = [0]

    def report(_signum, _frame) -> None:  # type: ignore[no-untyped-def]
        c = counter.take()
        signals[0] += 1
        if signals[0] == 2:
            counter.detach()
        print(f"SQL {c.statements} {c.transactions} {c.commits} {c.bookkeeping_commits} "
              f"{c.bookkeeping_statements}", flush=True)

    signal.signal(signal.SIGUSR1, report)


def sql_counts(process: subprocess.Popen) -> tuple[int, ...]:  # type: ignore[type-arg]
    """statements, transactions, commits, and of those the delivery bookkeeping's commits and
    statements."""
    import signal

    process.send_signal(signal.SIGUSR1)
    line = process.stdout.readline()  # type: ignore[union-attr]
    return tuple(int(n) for n in line.split()[1:])


# --- the load ------------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> tuple[float, float]:
    """The process's user and system CPU time so far, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


def signed_event(user: str) -> tuple[bytes, dict[str, str]]:
    ts = f"{time.time():.6f}"
    event = {
        "type": "message",
        "channel": "D" + user[1:],
        "user": user,
        "text": TEXT,
        "ts": ts,
        "event_ts": ts,
        "channel_type": "im",
        "client_msg_id": str(uuid.uuid4()),
    }
    body = json.dumps(
        {
            "token": "x",
            "team_id": "T0001",
            "api_app_id": "ABENCH",
            "type": "event_callback",
            "event": event,
            "event_id": "Ev" + uuid.uuid4().hex[:12].upper(),
            "event_time": int(time.time()),
            "authorizations": [{"team_id": "T0001", "user_id": "UBOT", "is_bot": True}],
        }
    ).encode()
    stamp = str(int(time.time()))
    digest = hmac.new(
        SECRET.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256
    ).hexdigest()
    return body, {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": f"v0={digest}",
    }


def send(url: str, user: str) -> tuple[float, int]:
    body, headers = signed_event(user)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except OSError:
        status = 0
    return time.perf_counter() - started, status


def run_load(url: str, events: int, rate: float) -> tuple[list[float], int]:
    """Open loop: event i is sent at start + i / rate, whatever the earlier ones are doing."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()

    def one(i: int) -> None:
        nonlocal errors
        elapsed, status = send(url, f"U{i % 500:06d}")
        with lock:
            latencies.append(elapsed)
            if status != 200:
                errors += 1

    with ThreadPoolExecutor(max_workers=32) as pool:
        start = time.perf_counter()
        for i in range(events):
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(one, i)
    return latencies, errors


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def measure(kind: str, fake, args: argparse.Namespace) -> dict[str, float]:  # type: ignore[no-untyped-def]
    command = [
        sys.executable,
        __file__,
        "--serve",
        kind,
        "--api-url",
        fake.api_url,
        "--library",
        args.library,
        "--threads",
        str(args.threads),
    ]
    if args.content:
        command += ["--content", args.content]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()  # type: ignore[union-attr]
        if not line.startswith("READY"):
            raise SystemExit(f"{kind} server did not start: {line!r}")
        url = f"http://127.0.0.1:{int(line.split()[1])}/slack/events"
        expect_posts = kind != "bare"
        counts_sql = kind == "frontdesk"
        # The fake still holds the previous app's posts: without a reset first, the wait below
        # returned at once and the warm-up's work ran on into the measured run.
        fake.reset()
        if counts_sql:  # counted over the warm-up's events, not timed
            sql_counts(process)  # from zero
        run_load(url, args.warmup, args.rate)  # imports, caches, first connections
        if expect_posts:
            fake.wait_for("chat.postMessage", count=args.warmup, timeout=60)
            time.sleep(0.5)  # the last events' delivery bookkeeping, after their posts
        sql = sql_counts(process) if counts_sql else (0, 0, 0, 0, 0)  # and stops counting
        fake.reset()
        before = cpu_seconds(process.pid)
        latencies, errors = run_load(url, args.events, args.rate)
        if expect_posts:  # the work after the ack counts too
            fake.wait_for("chat.postMessage", count=args.events, timeout=120)
        else:
            time.sleep(0.2)
        after = cpu_seconds(process.pid)
        user, system = after[0] - before[0], after[1] - before[1]
        posted = len(fake.calls_to("chat.postMessage"))
    finally:
        process.terminate()
        process.wait(timeout=10)
    return {
        "cpu_ms": (user + system) / args.events * 1000,
        "sys_ms": system / args.events * 1000,
        "p50_ms": percentile(latencies, 50) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
        "max_ms": max(latencies) * 1000,
        "mean_ms": statistics.fmean(latencies) * 1000,
        "errors": errors,
        "posted": posted,
        "sql": sql,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=100.0, help="events per second")
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--threads", type=int, default=8, help="waitress threads (both apps)")
    parser.add_argument("--content", default=None, help="content root (default: this checkout)")
    parser.add_argument("--library", default="mount-prospect")
    parser.add_argument("--serve", choices=list(APPS), help=argparse.SUPPRESS)
    parser.add_argument("--api-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.api_url, args.content, args.library, args.threads)
        return

    from tests.fakeslack import FakeSlack

    with FakeSlack() as fake:
        results = {kind: measure(kind, fake, args) for kind in APPS}
    print(
        f"Slack event bench: {args.events} signed DM events at {args.rate:g}/s per app, "
        f"waitress {args.threads} threads, Bolt WSGI adapter, loopback, {os.cpu_count()} CPUs"
    )
    print(f"event: a DM that opens a case ({TEXT!r}); library {args.library}")
    print(
        f"{'app':<19}{'CPU/event':>11}{'of it sys':>11}{'ack p50':>10}{'ack p99':>10}"
        f"{'ack max':>10}{'errors':>8}{'posted':>8}"
    )
    for kind, r in results.items():
        print(
            f"{APPS[kind]:<19}{r['cpu_ms']:>9.2f}ms{r['sys_ms']:>9.2f}ms{r['p50_ms']:>8.2f}ms"
            f"{r['p99_ms']:>8.2f}ms"
            f"{r['max_ms']:>8.1f}ms{r['errors']:>8}{r['posted']:>8}"
        )
    print(f"CPU per event, frontdesk / each baseline (target <= {TARGET_RATIO:g}x; "
          "the fair one for an app that answers is bare Bolt + reply):")
    for kind, name in BASELINES.items():
        ratio = results["frontdesk"]["cpu_ms"] / max(results[kind]["cpu_ms"], 1e-9)
        verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
        print(f"  / {name:<19}{ratio:>6.2f}x   target <= {TARGET_RATIO:g}x: {verdict}")
    statements, transactions, commits, kept, kept_statements = (
        n / args.warmup for n in results["frontdesk"]["sql"])
    print(f"SQL per event (frontdesk): {statements:.1f} statements, {transactions:.1f} "
          f"transactions, {commits:.1f} commits")
    print(f"  of which delivery bookkeeping, after the post (the posted ts, the inbox row "
          f"closed): {kept:.1f} commits, {kept_statements:.1f} statements; one commit stores "
          f"the request with its changes, before the ack")


if __name__ == "__main__":
    main()
