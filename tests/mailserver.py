"""A real SMTP server for the email-paging tests (aiosmtpd on a local port).

    with MailServer() as mail:
        ...  # [email] smtp_url = mail.url
        [message] = mail.wait_for(1)   # email.message.EmailMessage, parsed from the wire
    mail.refuse(times=2, code=451)     # "try again later" to the next two messages
    mail.hang(30)                      # accept the next message, answer 250 only 30 s later
    mail.rejected.add("pat@example.org")  # RCPT TO that address: 550, for good
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections import Counter
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


def _free_port(host: str) -> int:
    """aiosmtpd's Controller cannot take port 0 (it connects to its own port to start)."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


class MailServer:
    def __init__(self, *, host: str = "127.0.0.1", auth: tuple[str, str] | None = None):
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.arrived: list[float] = []  # time.time() each message was received (the bench)
        self._lock = threading.Condition()
        self._refuse: list[list[Any]] = []
        self._hang: list[float] = []
        self.rejected: set[str] = set()  # addresses refused at RCPT TO with 550, for good
        server = self

        class Handler:
            async def handle_RCPT(self, smtp: Any, session: Any, envelope: Any,  # noqa: N802
                                  address: str, options: list[str]) -> str:
                if address in server.rejected:
                    return "550 5.1.1 mailbox unavailable"
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, smtp: Any, session: Any, envelope: Any) -> str:  # noqa: N802
                with server._lock:
                    refusing = server._refuse[0] if server._refuse else None
                    if refusing is not None:
                        refusing[0] -= 1
                        if refusing[0] <= 0:
                            server._refuse.pop(0)
                    hang = server._hang.pop(0) if server._hang else None
                if refusing is not None:
                    return f"{refusing[1]} refused on purpose"
                message = message_from_bytes(envelope.content, policy=policy.default)
                with server._lock:
                    server.messages.append(message)  # type: ignore[arg-type]
                    server.arrived.append(time.time())
                    server.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
                    server._lock.notify_all()
                if hang is not None:
                    await asyncio.sleep(hang)
                return "250 OK"

        kwargs: dict[str, Any] = {}
        if auth is not None:
            def check(server_: Any, session: Any, envelope: Any, mechanism: str,
                      data: Any) -> Any:
                from aiosmtpd.smtp import AuthResult

                ok = (data.login.decode(), data.password.decode()) == auth
                return AuthResult(success=ok)

            kwargs = {"authenticator": check, "auth_require_tls": False}
        self.controller = Controller(Handler(), hostname=host, port=_free_port(host), **kwargs)

    @property
    def url(self) -> str:
        return f"smtp://{self.controller.hostname}:{self.controller.port}"

    def start(self) -> MailServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def __enter__(self) -> MailServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def refuse(self, *, times: int = 1, code: int = 451) -> None:
        with self._lock:
            self._refuse.append([times, code])

    def hang(self, seconds: float) -> None:
        with self._lock:
            self._hang.append(seconds)

    def message_ids(self) -> Counter[str]:
        with self._lock:
            return Counter(str(m["Message-ID"]) for m in self.messages)

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{len(self.messages)} of {count} emails arrived")
                self._lock.wait(left)
            return list(self.messages)
