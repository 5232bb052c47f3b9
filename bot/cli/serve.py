"""`frontdesk serve`: run the Slack app, over Socket Mode or HTTP."""

from __future__ import annotations

import logging
import os
import signal
import sys
from pathlib import Path

import click

from bot.cli.common import clear_errors, content_option
from bot.config import ConfigError

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
@config_option
@content_option
@clear_errors
def serve(
    mode: str | None,
    host: str,
    port: int,
    threads: int,
    config_path: Path | None,
    content: Path | None,
) -> None:
    """Run the Slack app.

    Secrets come from the environment: SLACK_BOT_TOKEN, and SLACK_SIGNING_SECRET (--http) or
    SLACK_APP_TOKEN (--socket). SLACK_API_URL overrides Slack's Web API base URL.
    """
    if mode is None:
        raise click.UsageError("choose --socket (Socket Mode) or --http")
    logging.basicConfig(
        level=logging.INFO,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    from bot.faces.slack.runtime import Runtime

    try:
        runtime = Runtime.from_env(mode=mode, config_path=config_path, content=content)
    except ConfigError as exc:
        click.echo(f"frontdesk: {exc}", err=True)
        sys.exit(2)

    def stop(_signum: int, _frame: object) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    runtime.start_worker()
    try:
        if mode == "socket":
            click.echo("frontdesk: connecting to Slack over Socket Mode", err=True)
            runtime.socket_runner().run(runtime.stop_event)
        else:
            server = runtime.http_server(host, port, threads)
            click.echo(
                f"frontdesk: serving {server.url} (POST /slack/events, GET /healthz)", err=True
            )
            server.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        runtime.stop()
