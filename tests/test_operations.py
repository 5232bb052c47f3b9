"""Operating the bot: /healthz, /readyz and /metrics in both serving modes (through real HTTP,
real `frontdesk serve` processes where the mode's wiring matters), JSON logs without patron
data, and the schema upgrade options (--no-migrate, `frontdesk migrate`)."""

from __future__ import annotations

import json
import logging
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from prometheus_client.parser import text_string_to_metric_families

from bot.ops.logs import JsonFormatter
from tests.escalation_support import CHANNEL, PIC_USERS
from tests.fakeslack import FakeSlack
from tests.slack_support import (
    APP_TOKEN,
    BOT_TOKEN,
    SIGNING_SECRET,
    STAFF,
    command_body,
    http,
    sign,
)
from tests.test_slack_cli import environment, wait_line
from tests.wiring_support import open_case, pagelib_bot, wait_post


def metrics(url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """/metrics parsed: (sample name, sorted labels) → value."""
    answer = http("GET", url + "/metrics")
    assert answer.status == 200
    text = answer.body.decode() if isinstance(answer.body, bytes) else answer.body
    found = {}
    for family in text_string_to_metric_families(text):
        assert family.name.startswith("frontdesk_"), family.name
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(found: dict, name: str, **labels: str) -> float:  # type: ignore[type-arg]
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


def ready(url: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    answer = http("GET", url + "/readyz")
    return answer.status, json.loads(answer.body)


def wait_ready(url: str, expected: int, timeout: float = 15) -> dict:  # type: ignore[type-arg]
    deadline = time.monotonic() + timeout
    while True:
        status, body = ready(url)
        if status == expected or time.monotonic() > deadline:
            assert status == expected, body
            return body
        time.sleep(0.1)


def forget_a_migration(database: Path) -> None:
    """As if the database were older than the code: its latest migration is not recorded."""
    with sqlite3.connect(database) as conn:
        conn.execute("DELETE FROM schema_migrations WHERE version = "
                     "(SELECT MAX(version) FROM schema_migrations)")


# --- HTTP mode: the endpoints on the app's own port --------------------------------------------


def test_http_mode_metrics_count_what_happens_and_readyz_reports_an_undelivered_page(
        tmp_path: Path) -> None:
    with FakeSlack() as fake:
        bot = pagelib_bot(fake, tmp_path)
        try:
            assert http("GET", bot.url + "/healthz").status == 200
            body = wait_ready(bot.url, 200)
            assert body == {"ready": True, "checks": {"database": "ok", "migrations": "ok",
                                                      "pages": "ok", "slack": "ok"}}
            before = metrics(bot.url)
            assert value(before, "frontdesk_pages", state="triggered") == 0
            assert value(before, "frontdesk_time_to_acknowledge_seconds_count",
                         urgency="immediate") == 0

            fake.refuse(CHANNEL, "is_archived")  # the escalation channel's copy cannot go out
            since = time.time()
            _, outcome = open_case(bot, "A police officer", "A search warrant")
            wait_post(bot, since, lambda c: "did not get through" in str(c.args.get("text")))
            after = metrics(bot.url)
            assert value(after, "frontdesk_events_total", kind="slash_command") == value(
                before, "frontdesk_events_total", kind="slash_command") + 1
            assert value(after, "frontdesk_events_total", kind="block_actions") >= value(
                before, "frontdesk_events_total", kind="block_actions") + 3
            assert sum(v for (name, labels), v in after.items()
                       if name == "frontdesk_outcomes_total") == 1 + sum(
                v for (name, _), v in before.items() if name == "frontdesk_outcomes_total")
            assert value(after, "frontdesk_pages", state="triggered") == 1
            assert value(after, "frontdesk_delivery_failures_total", channel="slack") >= 1 + value(
                before, "frontdesk_delivery_failures_total", channel="slack")

            status, body = ready(bot.url)
            assert status == 503 and body["ready"] is False
            assert body["checks"]["pages"].endswith("undelivered in the last 24 hours")
            assert json.loads(http("GET", bot.url + "/healthz").body)["status"] == "degraded"

            service = bot.runtime.services.escalations
            (escalation,) = service.open_escalations()
            assert service.acknowledge(escalation.id, PIC_USERS[0]).status == "acknowledged"
            acked = metrics(bot.url)
            assert value(acked, "frontdesk_pages", state="acknowledged") == 1
            assert value(acked, "frontdesk_time_to_acknowledge_seconds_count",
                         urgency=escalation.urgency) == 1
            assert value(acked, "frontdesk_time_to_acknowledge_seconds_bucket",
                         urgency=escalation.urgency, le="+Inf") == 1
            assert outcome.thread_ts  # the case ran in a thread, as Slack shows it
        finally:
            bot.stop()


def test_serve_http_process_serves_readyz_and_metrics(tmp_path: Path) -> None:
    with FakeSlack() as fake:
        env = environment(tmp_path, fake, SLACK_BOT_TOKEN=BOT_TOKEN,
                          SLACK_SIGNING_SECRET=SIGNING_SECRET)
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--http", "--port", "0"],
            env=env, stderr=subprocess.PIPE, text=True)
        try:
            url = wait_line(process, r"serving (http://\S+)").group(1)
            assert wait_ready(url, 200)["checks"]["slack"] == "ok"
            assert value(metrics(url), "frontdesk_pages", state="triggered") == 0
            assert http("POST", url + "/readyz").status == 405
            forget_a_migration(tmp_path / "bot.db")
            status, body = ready(url)
            assert status == 503 and body["checks"]["migrations"].startswith("1 pending")
        finally:
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=10) == 0


# --- Socket Mode: a small listener on --health-port ---------------------------------------------


def test_serve_socket_process_answers_on_its_health_port(tmp_path: Path) -> None:
    fake = FakeSlack().start()
    env = environment(tmp_path, fake, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_APP_TOKEN=APP_TOKEN)
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--socket", "--health-port", "0",
         "--log-format", "json"],
        env=env, stderr=subprocess.PIPE, text=True)
    try:
        url = wait_line(process, r"health on (http://[^\s\"]+)").group(1)
        assert http("GET", url + "/healthz").status == 200
        assert wait_ready(url, 200)["checks"] == {"database": "ok", "migrations": "ok",
                                                 "pages": "ok", "slack": "ok"}
        before = metrics(url)
        envelope = fake.send_envelope("slash_commands",
                                      command_body(STAFF, "police", command="/privacy"))
        fake.wait_ack(envelope, timeout=10)
        fake.wait_for("chat.postMessage", count=2, timeout=10)  # routed: the first question
        after = metrics(url)
        assert value(after, "frontdesk_events_total", kind="slash_command") == 1 + value(
            before, "frontdesk_events_total", kind="slash_command")
        assert sum(v for (name, _), v in after.items() if name == "frontdesk_routing_total") \
            == 1 + sum(v for (name, _), v in before.items() if name == "frontdesk_routing_total")
        assert http("GET", url + "/slack/events").status == 404  # only the operations paths
        fake.stop()  # Slack goes away: the process lives, but is not ready
        body = wait_ready(url, 503)
        assert body["checks"]["slack"] == "Socket Mode is not connected to Slack"
        assert http("GET", url + "/healthz").status == 200
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
        fake.server.server_close()


# --- upgrades ------------------------------------------------------------------------------------


def run(*args: str, env: dict[str, str]):  # type: ignore[no-untyped-def]
    return subprocess.run([sys.executable, "-m", "bot", *args], env=env, capture_output=True,
                          text=True, timeout=60)


def test_no_migrate_refuses_an_out_of_date_schema_in_one_line_and_migrate_fixes_it(
        tmp_path: Path) -> None:
    env = environment(tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET)
    database = tmp_path / "bot.db"
    assert run("migrate", env=env).stdout.startswith("applied ")
    forget_a_migration(database)
    for command in (["serve", "--http", "--port", "0"], ["worker", "--once"]):
        refused = run(*command, "--no-migrate", env=env)
        assert refused.returncode == 2, refused.stderr
        (line,) = refused.stderr.strip().splitlines()
        assert line.startswith("frontdesk: the database schema is out of date (1 migration "
                               "pending, from ")
        assert "frontdesk migrate" in line
    check = run("migrate", "--check", env=env)
    assert check.returncode == 1 and "schema out of date" in check.stdout
    assert run("migrate", env=env).stdout.startswith("applied 1 migration (")
    assert run("migrate", "--check", env=env).returncode == 0
    assert run("worker", "--once", "--no-migrate", env=env).returncode == 0


# --- terminal-only: the worker without Slack ----------------------------------------------------


def test_the_worker_runs_without_a_slack_token_and_says_what_will_not_happen(
        tmp_path: Path) -> None:
    env = environment(tmp_path)  # no SLACK_* at all
    once = run("worker", "--once", env=env)
    assert once.returncode == 0, once.stderr
    (said,) = once.stderr.strip().splitlines()
    assert said == ("frontdesk: SLACK_BOT_TOKEN is not set and neither [email] nor [twilio] is "
                    "configured: nothing will page or re-page anyone (deadlines, expiry and "
                    "retention still run)")
    assert once.stdout.strip() == "delivered 0, retrying 0, failed 0"


# --- JSON logs -----------------------------------------------------------------------------------


def test_json_logs_are_one_object_a_line_without_patron_data(tmp_path: Path) -> None:
    patron = "Jordan Q. Whitfield"
    card = "21234000567890"
    with FakeSlack() as fake:
        fake.fail("chat.postMessage", times=1, status=200, error="channel_not_found")
        env = environment(tmp_path, fake, SLACK_BOT_TOKEN=BOT_TOKEN,
                          SLACK_SIGNING_SECRET=SIGNING_SECRET)
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--http", "--port", "0", "--log-format",
             "json"], env=env, stderr=subprocess.PIPE, text=True)
        try:
            url = wait_line(process, r"serving (http://[^\s\"]+)").group(1)
            said = f"officer asking what {patron} (card {card}) borrowed"
            body = urlencode(command_body(STAFF, said, command="/privacy")).encode()
            headers = {**sign(body), "Content-Type": "application/x-www-form-urlencoded"}
            assert http("POST", url + "/slack/events", body, headers).status == 200
            fake.wait_for("chat.postMessage", timeout=10)  # refused: logged
            time.sleep(0.5)
        finally:
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=10) == 0
        logged = process.stderr.read()  # type: ignore[union-attr]
    lines = [line for line in logged.splitlines() if line.strip()]
    assert lines and "channel_not_found" in logged, logged  # ("serving" was read above)
    for line in lines:
        entry = json.loads(line)
        assert set(entry) <= {"time", "level", "logger", "message", "error", "at"}
        assert patron.split()[0] not in line and card not in line and "Whitfield" not in line


def test_a_worker_without_slack_still_pages_by_the_channels_it_has(tmp_path: Path) -> None:
    env = environment(tmp_path)
    config = Path(env["FRONTDESK_CONFIG"])
    config.write_text(config.read_text() + '[email]\nsmtp_url = "smtp://127.0.0.1:2525"\n'
                      'from = "frontdesk@library.example.org"\n'
                      '[people.UPIC]\nemail = "pic@library.example.org"\n')
    once = run("worker", "--once", env=env)
    assert once.returncode == 0, once.stderr
    assert once.stderr.strip().splitlines() == [
        "frontdesk: SLACK_BOT_TOKEN is not set: pages go out only by email; the ladder's Slack "
        "steps are left to a process with Slack"]


def test_the_json_formatter_keeps_an_exceptions_type_and_place_but_never_its_text() -> None:
    try:
        raise ValueError("card 21234000567890 of Jordan Whitfield")
    except ValueError:
        record = logging.LogRecord("frontdesk.test", logging.ERROR, __file__, 1,
                                   "lookup failed for %s", ("Jordan Whitfield",), sys.exc_info())
    entry = json.loads(JsonFormatter().format(record))
    assert entry["error"] == "ValueError" and entry["at"].endswith("test_operations.py:" +
                                                                   entry["at"].split(":")[-1])
    assert "21234000567890" not in json.dumps(entry) and "Whitfield" not in json.dumps(entry)


def test_the_worker_serves_health_readiness_and_metrics_on_its_health_port(
        tmp_path: Path) -> None:
    env = environment(tmp_path)  # terminal-only: no Slack, so no Slack check
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "worker", "--health-port", "0", "--tick-seconds", "0.5"],
        env=env, stderr=subprocess.PIPE, text=True)
    try:
        url = wait_line(process, r"health on (http://\S+)").group(1)
        assert http("GET", url + "/healthz").status == 200
        assert wait_ready(url, 200)["checks"] == {"database": "ok", "migrations": "ok",
                                                 "pages": "ok"}
        assert value(metrics(url), "frontdesk_pages", state="expired") == 0
        forget_a_migration(tmp_path / "bot.db")
        assert ready(url)[0] == 503
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
