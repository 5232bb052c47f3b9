"""`frontdesk serve`: run the Slack app, over Socket Mode or HTTP."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import click

from bot.cli.common import (
    clear_errors,
    content_option,
    fail,
    health_port_option,
    log_format_option,
    log_level_option,
    no_migrate_option,
    open_database,
)
from bot.config import ConfigError, SlackSecrets, load_config
from bot.content.catalogue import Catalogue
from bot.ops.logs import announce
from bot.ops.logs import configure as configure_logging

config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    envvar="FRONTDESK_CONFIG",
    help="TOML settings (default: $FRONTDESK_CONFIG, else the demo).",
)


@click.command()
@click.option("--socket", "mode", flag_value="socket", help="Socket Mode (needs SLACK_APP_TOKEN).")
@click.option(
    "--http",
    "mode",
    flag_value="http",
    help="HTTP: POST /slack/events and GET /healthz (needs SLACK_SIGNING_SECRET).",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="HTTP: address to listen on (0.0.0.0 behind a load balancer).",
)
@click.option(
    "--port",
    type=int,
    default=lambda: int(os.environ.get("PORT", 3000)),
    show_default="3000 or $PORT",
    help="HTTP: port to listen on.",
)
@click.option(
    "--threads",
    type=click.IntRange(1, 64),
    default=8,
    show_default=True,
    help="HTTP: worker threads.",
)
@health_port_option
@log_format_option
@log_level_option
@no_migrate_option
@config_option
@content_option
@clear_errors
def serve(
    mode: str | None,
    host: str,
    port: int,
    threads: int,
    health_port: int | None,
    log_format: str,
    log_level: str,
    no_migrate: bool,
    config_path: Path | None,
    content: Path | None,
) -> None:
    """Run the Slack app.

    Secrets come from the environment: SLACK_BOT_TOKEN, and SLACK_SIGNING_SECRET (--http) or
    SLACK_APP_TOKEN (--socket). SLACK_API_URL overrides Slack's Web API base URL.

    /healthz, /readyz and /metrics are served on --port in HTTP mode, and on --health-port
    (at --host) in either mode.
    """
    if mode is None:
        raise click.UsageError("choose --socket (Socket Mode) or --http")
    configure_logging(log_format, log_level)
    from bot.faces.slack.runtime import Runtime

    try:
        config = load_config(config_path)
        database = open_database(config.database_url, migrate=not no_migrate)
        runtime = Runtime(config, Catalogue.load(content or config.content),
                          SlackSecrets.from_env(), mode=mode, database=database)
    except ConfigError as exc:
        fail(str(exc), 2)

    def stop(_signum: int, _frame: object) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    runtime.start_worker()
    health = None
    try:
        if health_port is not None:
            health = runtime.health_server(host, health_port).start()
            announce(f"health on {health.url} (GET /healthz, /readyz, /metrics)")
        if mode == "socket":
            announce("connecting to Slack over Socket Mode")
            runtime.socket_runner().run(runtime.stop_event)
        else:
            server = runtime.http_server(host, port, threads)
            announce(f"serving {server.url} (POST /slack/events, GET /healthz, /readyz, "
                     "/metrics)")
            server.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        if health is not None:
            health.stop()
        runtime.stop()
