"""Socket Mode: the same Bolt app over a WebSocket Slack opens to us (no public URL needed).

slack_bolt's built-in ``SocketModeHandler`` (slack_sdk's dependency-free client) connects with
the app-level token (``SLACK_APP_TOKEN``), calling ``apps.connections.open`` at
``SLACK_API_URL`` like every other Web API call, and acknowledges each envelope through Bolt.
"""

from __future__ import annotations

import contextlib
import socket
import threading

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler


class SocketRunner:
    def __init__(self, app: App, app_token: str):
        self.handler = SocketModeHandler(app, app_token=app_token, web_client=app.client)

    def connect(self) -> SocketRunner:
        self.handler.connect()
        return self

    def run(self, stop: threading.Event) -> None:
        """Connect and stay connected (the client reconnects by itself) until ``stop``."""
        self.connect()
        try:
            stop.wait()
        finally:
            self.close()

    def close(self) -> None:
        """Stop at once: no reconnect, and unblock the receiving thread before joining it."""
        client = self.handler.client
        client.auto_reconnect_enabled = False
        sock = getattr(client.current_session, "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        self.handler.close()
