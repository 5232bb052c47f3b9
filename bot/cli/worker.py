"""`frontdesk worker`: deliver queued pages (Slack, and texts, calls and email where configured)
and act on deadlines, until stopped."""

from __future__ import annotations

import logging
import signal
import threading
from pathlib import Path

import click
from slack_sdk import WebClient

from bot.channels import Channels
from bot.channels.delivery import OutboxWorker
from bot.channels.slack import SlackTransport
from bot.channels.slack.checkpoints import checkpoint_task
from bot.cli.common import (
    clear_errors,
    config_option,
    content_option,
    database_option,
    fail,
    health_port_option,
    load_catalogue,
    load_settings,
    log_format_option,
    log_level_option,
    no_migrate_option,
)
from bot.config import ConfigError, SlackSecrets
from bot.escalation import EscalationService
from bot.escalation.retention import retention_job
from bot.faces.slack.http import HttpServer
from bot.ops.health import Operations
from bot.ops.logs import announce
from bot.ops.logs import configure as configure_logging


@click.command()
@click.option("--once", is_flag=True, help="One pass (deadlines, then deliveries), then exit.")
@click.option("--tick-seconds", type=float, default=5.0, show_default=True,
              help="How often deadlines are checked.")
@click.option("--poll-seconds", type=float, default=0.25, show_default=True,
              help="How often the outbox is polled when idle.")
@click.option("--lease-seconds", type=float, default=60.0, show_default=True,
              help="How long a claimed delivery is reserved before another worker may retry it.")
@click.option("--base-backoff", type=float, default=1.0, show_default=True,
              help="First retry delay in seconds (doubles each attempt; Retry-After wins).")
@health_port_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address of the --health-port listener.")
@log_format_option
@log_level_option
@no_migrate_option
@config_option
@database_option
@content_option
@clear_errors
def worker(once: bool, tick_seconds: float, poll_seconds: float, lease_seconds: float,
           base_backoff: float, health_port: int | None, host: str, log_format: str,
           log_level: str, no_migrate: bool, config_path: Path | None,
           database_url: str | None, content: Path | None) -> None:
    """Run the delivery worker, the deadline scheduler and the daily retention purge (several
    may share PostgreSQL).

    Without SLACK_BOT_TOKEN (a terminal-only deployment) it still runs deadlines, expiry,
    hold reminders and retention, and pages through texts, calls and email where [twilio] or
    [email] are configured; it says so in one line at start.
    """
    configure_logging(log_format, log_level)
    secrets = SlackSecrets.from_env()
    config, database = load_settings(config_path, database_url, migrate=not no_migrate)
    try:
        channels = Channels.from_config(config)
    except ConfigError as exc:
        fail(str(exc), 2)
    service = EscalationService(database, config, load_catalogue(content or config.content))
    transport = None
    if secrets.bot_token:
        transport = SlackTransport(WebClient(token=secrets.bot_token, **(
            {"base_url": secrets.api_url} if secrets.api_url else {})))
    elif channels.by_name:
        announce("SLACK_BOT_TOKEN is not set: pages go out only by "
                 + ", ".join(sorted(channels.by_name)) + "; the ladder's Slack steps are left "
                 "to a process with Slack", level=logging.WARNING)
    else:
        announce("SLACK_BOT_TOKEN is not set and neither [email] nor [twilio] is configured: "
                 "nothing will page or re-page anyone (deadlines, expiry and retention still "
                 "run)", level=logging.WARNING)
    delivery = OutboxWorker(database, transport, lease_seconds=lease_seconds,
                            base_backoff=base_backoff, poll_seconds=poll_seconds,
                            on_undelivered=service.undelivered, channels=channels,
                            failover=lambda eid, dead: service.failover(eid, dead=dead))
    retention = retention_job(database, config.retention_days)
    # the audit head, anchored outside the database (a file, and the escalation channel)
    checkpoint = checkpoint_task(
        database, channel=config.escalation.channel if secrets.bot_token else None)
    if once:
        service.tick()
        retention()
        checkpoint()
        delivery.run_once()
        click.echo(f"delivered {delivery.stats.sent}, retrying {delivery.stats.retried}, "
                   f"failed {delivery.stats.failed}")
        return
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    health = None
    if health_port is not None:
        health = HttpServer(Operations(database, service), host=host, port=health_port,
                            threads=2).start()
        announce(f"health on {health.url} (GET /healthz, /readyz, /metrics)")
    thread = threading.Thread(target=delivery.run_forever, args=(stop,), name="outbox",
                              daemon=True)
    threads = [thread]
    if (contacts := delivery.split_contacts()) is not None:  # never behind Slack
        threads.append(threading.Thread(target=contacts.run_forever, args=(stop,),
                                        name="outbox-contacts", daemon=True))
    for each in threads:
        each.start()
    announce(f"worker {delivery.identity} running")
    while not stop.is_set():
        for task in (service.tick, retention, checkpoint):
            try:
                task()
            except Exception:
                logging.getLogger("frontdesk.scheduler").exception("scheduler pass failed")
        stop.wait(tick_seconds)
    for each in threads:
        each.join(timeout=30)
    if health is not None:
        health.stop()
