"""Pages by email: rendered from jinja2 templates (plain text and HTML), sent with smtplib.

``[email] smtp_url`` picks the connection: ``smtp://`` (plain, port 25), ``smtps://``
(TLS from the start, port 465) or ``smtp+starttls://`` (STARTTLS, port 587); a user name in
the URL logs in with ``FRONTDESK_SMTP_PASSWORD``. Every attempt at one page carries the same
``Message-ID`` (derived from the outbox key): SMTP cannot be asked whether a message went out,
so a retry after a connection lost mid-``DATA`` is recognised as the same message by the
recipient's mail system instead of showing twice.
"""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, formatdate
from urllib.parse import unquote, urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from bot.channels.errors import DeliveryError
from bot.channels.page import Page, facts, stand_down_line
from bot.config import EmailConfig

DEFAULT_PORTS = {"smtp": 25, "smtps": 465, "smtp+starttls": 587}

_templates = Environment(loader=PackageLoader("bot", "templates/channels"),
                         autoescape=select_autoescape(["html", "html.j2"]),
                         undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def message_id(key: str, sender: str) -> str:
    """The Message-ID of the page with outbox key ``key``: the same for every attempt."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    return f"<{digest}@{sender.rsplit('@', 1)[-1]}>"


def render_email(page: Page, sender: str) -> EmailMessage:
    """The page's email (plain text and HTML), or its stand-down (a short plain one)."""
    message = EmailMessage()
    if page.stand_down is not None:
        line = stand_down_line(page)
        message["Subject"] = f"[frontdesk] Stand down: {line} ({page.escalation_id})"
    else:
        f = facts(page)
        message["Subject"] = (f"[frontdesk] {f['urgency']} page for the {f['role']}: "
                              f"{f['situation']} ({f['escalation_id']})")
    message["From"] = formataddr(("frontdesk", sender))
    message["To"] = formataddr((page.person.name or "", page.address))
    message["Date"] = formatdate(page.created_at.timestamp())
    message["Message-ID"] = message_id(page.key, sender)
    message["Auto-Submitted"] = "auto-generated"
    if page.stand_down is not None:
        message.set_content(f"{line}\n\nEscalation {page.escalation_id}. This email carries "
                            "no patron information; do not reply with any.\n")
        return message
    if f["urgent"]:
        message["Importance"] = "high"
        message["X-Priority"] = "1"
    message.set_content(_templates.get_template("page_email.txt.j2").render(**f))
    message.add_alternative(_templates.get_template("page_email.html.j2").render(**f),
                            subtype="html")
    return message


class EmailChannel:
    name = "email"

    def __init__(self, config: EmailConfig, password: str | None, timeout: float = 15):
        self.config = config
        self.password = password
        self.timeout = timeout
        parts = urlsplit(config.smtp_url)
        self.scheme = parts.scheme
        self.host = parts.hostname or "localhost"
        self.port = parts.port or DEFAULT_PORTS[parts.scheme]
        self.username = unquote(parts.username) if parts.username else None

    def _connect(self) -> smtplib.SMTP:
        if self.scheme == "smtps":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                                  context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.scheme == "smtp+starttls":
                smtp.starttls(context=ssl.create_default_context())
        if self.username:
            smtp.login(self.username, self.password or "")
        return smtp

    def send(self, page: Page) -> str:
        message = render_email(page, self.config.sender)
        stage = "connect"
        try:
            with self._connect() as smtp:
                stage = "send"
                refused = smtp.send_message(message, from_addr=self.config.sender,
                                            to_addrs=[page.address])
        except smtplib.SMTPResponseException as exc:
            code = exc.smtp_code
            text = exc.smtp_error.decode(errors="replace") if isinstance(
                exc.smtp_error, bytes) else str(exc.smtp_error)
            raise DeliveryError(f"SMTP {code} {text}", retryable=400 <= code < 500 or code < 0,
                                maybe_sent=False) from None
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError(f"SMTP refused the recipient: {exc.recipients}",
                                retryable=False) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"SMTP connection problem: {exc}", retryable=True,
                                maybe_sent=stage == "send") from None
        if refused:
            raise DeliveryError(f"SMTP refused the recipient: {refused}", retryable=False)
        return str(message["Message-ID"])

    def find(self, page: Page) -> str | None:
        """SMTP cannot be asked; a retry reuses the Message-ID instead (see the module)."""
        return None
