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
from bot.cli.common import (
    clear_errors,
    config_option,
    content_option,
    database_option,
    fail,
    load_catalogue,
    load_settings,
)
from bot.config import ConfigError, SlackSecrets
from bot.escalation import EscalationService, OutboxWorker, SlackTransport
from bot.escalation.retention import retention_job
from bot.store.audit import checkpoint_task


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
@config_option
@database_option
@content_option
@clear_errors
def worker(once: bool, tick_seconds: float, poll_seconds: float, lease_seconds: float,
           base_backoff: float, config_path: Path | None, database_url: str | None,
           content: Path | None) -> None:
    """Run the delivery worker, the deadline scheduler and the daily retention purge (several
    may share PostgreSQL)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    secrets = SlackSecrets.from_env()
    if not secrets.bot_token:
        fail("SLACK_BOT_TOKEN is not set: the worker delivers pages through Slack", 2)
    config, database = load_settings(config_path, database_url)
    try:
        channels = Channels.from_config(config)
    except ConfigError as exc:
        fail(str(exc), 2)
    service = EscalationService(database, config, load_catalogue(content or config.content))
    client = WebClient(token=secrets.bot_token, **(
        {"base_url": secrets.api_url} if secrets.api_url else {}))
    delivery = OutboxWorker(database, SlackTransport(client), lease_seconds=lease_seconds,
                            base_backoff=base_backoff, poll_seconds=poll_seconds,
                            on_undelivered=service.undelivered, channels=channels,
                            failover=lambda eid, dead: service.failover(eid, dead=dead))
    retention = retention_job(database, config.retention_days)
    checkpoint = checkpoint_task(database)  # the audit head, anchored outside the database
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
    thread = threading.Thread(target=delivery.run_forever, args=(stop,), name="outbox",
                              daemon=True)
    threads = [thread]
    if (contacts := delivery.split_contacts()) is not None:  # never behind Slack
        threads.append(threading.Thread(target=contacts.run_forever, args=(stop,),
                                        name="outbox-contacts", daemon=True))
    for each in threads:
        each.start()
    click.echo(f"frontdesk worker {delivery.identity} running", err=True)
    while not stop.is_set():
        for task in (service.tick, retention, checkpoint):
            try:
                task()
            except Exception:
                logging.getLogger("frontdesk.scheduler").exception("scheduler pass failed")
        stop.wait(tick_seconds)
    for each in threads:
        each.join(timeout=30)
