"""Acknowledging from outside Slack, over ``serve --http``: the one-time link and Twilio's
webhooks.

* ``GET /ack/<token>`` shows the page's situation and an Acknowledge button (a GET never
  acknowledges: mail scanners and link previews open links); ``POST /ack/<token>``
  acknowledges and spends the token.
* ``POST /twilio/sms``: a text reply from a number under ``[people]``. "1" or "ACK"
  acknowledges the page waiting for that person; with several waiting it answers with their
  codes, and "ACK <code>" (or "ACK ALL") picks (``bot.channels.sms``).
* ``POST /twilio/voice``: the key pressed on a page's call (``Digits``), with the call's
  one-time token in the query.
* ``POST /twilio/status``: Twilio's delivery reports; a text or call that never reached the
  phone is audited (``page.not_delivered``). The key in its query is also how the worker
  finds a text or call that may already have gone out.

Every Twilio request must carry a valid ``X-Twilio-Signature`` for the URL Twilio called
(``[web] public_url`` + path, so a proxy in front does not break it): 403 otherwise.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs, parse_qsl
from xml.sax.saxutils import escape

from jinja2 import Environment, PackageLoader, select_autoescape

from bot.channels import tokens
from bot.channels.sms import page_code
from bot.channels.twilio import valid_signature
from bot.channels.voice import reply_twiml
from bot.config import Config
from bot.escalation import EscalationService
from bot.escalation.records import WaitingPage, escalation_row, waiting_pages
from bot.escalation.states import WAITING
from bot.store import ack_links
from bot.store.audit import append_event
from bot.store.txn import write_transaction

log = logging.getLogger("frontdesk.channels")

ACK_PREFIX = "/ack/"
TWILIO_PATHS = ("/twilio/sms", "/twilio/voice", "/twilio/status")
ACK_WORDS = {"1", "ACK", "ACKNOWLEDGE", "OK"}
NOT_DELIVERED = {"failed", "undelivered", "busy", "no-answer", "canceled"}
MAX_BODY = 64_000

StartResponse = Callable[..., Any]

_templates = Environment(loader=PackageLoader("bot", "templates/channels"),
                         autoescape=select_autoescape(["html", "html.j2"]))


class ChannelWeb:
    """The WSGI routes above; ``handles(path)`` says whether a path is one of them."""

    def __init__(self, service: EscalationService, config: Config, twilio_token: str | None,
                 link_secret: str | None = None):
        self.service = service
        self.config = config
        self.twilio_token = twilio_token
        self.link_secret = link_secret  # FRONTDESK_LINK_SECRET: tokens are signed with it

    @staticmethod
    def handles(path: str) -> bool:
        return path.startswith(ACK_PREFIX) or path in TWILIO_PATHS

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path.startswith(ACK_PREFIX):
            token = path[len(ACK_PREFIX):]
            if method in ("GET", "HEAD"):
                return self._confirm(token, start_response)
            if method == "POST":
                return self._acknowledge(token, start_response)
            return _send(start_response, "405 Method Not Allowed", "text/plain", "POST or GET")
        if path not in TWILIO_PATHS or self.twilio_token is None:
            return _send(start_response, "404 Not Found", "text/plain", "not found")
        if method != "POST":
            return _send(start_response, "405 Method Not Allowed", "text/plain", "POST only")
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            return _send(start_response, "413 Content Too Large", "text/plain", "too large")
        body = environ["wsgi.input"].read(length).decode("utf-8", "replace") if length else ""
        form = dict(parse_qsl(body, keep_blank_values=True))
        url = self._called_url(environ)
        if not valid_signature(self.twilio_token, url, form,
                               environ.get("HTTP_X_TWILIO_SIGNATURE")):
            log.warning("refused a Twilio webhook with a bad signature (%s)", path)
            return _send(start_response, "403 Forbidden", "text/plain", "bad signature")
        if path == "/twilio/sms":
            return _twiml(start_response, self._sms_reply(form))
        if path == "/twilio/voice":
            query = parse_qs(environ.get("QUERY_STRING", ""))
            return _twiml(start_response, self._keypad(form, (query.get("token") or [""])[0]))
        self._delivery_report(form, parse_qs(environ.get("QUERY_STRING", "")))
        return _send(start_response, "204 No Content", "text/plain", "")

    # --- the one-time link -------------------------------------------------------------

    def _name(self, person: str) -> str:
        """Someone as a text, a call or the link's page names them: their [people] name."""
        return self.config.person(person).name or "a colleague"

    def _nonce(self, token: str) -> str | None:
        """The nonce of a token this deployment signed; None for anything else."""
        return tokens.verify(self.link_secret, token)

    def _confirm(self, token: str, start_response: StartResponse) -> Iterable[bytes]:
        nonce = self._nonce(token)
        link = ack_links.look_up(self.service.db, nonce) if nonce else None
        row = escalation_row(self.service.db, link.escalation_id) if link else None
        if link is None or row is None:
            return self._page(start_response, "404 Not Found", "Link not valid",
                              "This acknowledgement link is not valid. Use Slack, or reply 1 "
                              "to the text message.")
        context = _case(row)
        if row.state != WAITING:
            who = self.config.person(row.acked_by).name if row.acked_by else None
            return self._page(start_response, "200 OK", "Already handled",
                              f"This page is {row.state}"
                              + (f" (acknowledged by {who})." if who else ".")
                              + " Nothing more to do here.", **context)
        if link.used_at is not None:
            return self._page(start_response, "200 OK", "Link already used",
                              "This link has already been used.", **context)
        return self._page(start_response, "200 OK", "Acknowledge this page?",
                          "Press Acknowledge if you are taking this on.", confirm=True,
                          **context)

    def _acknowledge(self, token: str, start_response: StartResponse) -> Iterable[bytes]:
        nonce = self._nonce(token)
        if nonce is None:
            return self._page(start_response, "404 Not Found", "Link not valid",
                              "This acknowledgement link is not valid. Use Slack, or reply 1 "
                              "to the text message.")
        result = self.service.acknowledge_by_link(nonce, "link")
        link = ack_links.look_up(self.service.db, nonce)
        row = escalation_row(self.service.db, link.escalation_id) if link else None
        context = _case(row) if row is not None else {}
        status = {"acknowledged": "200 OK", "already": "409 Conflict",
                  "refused": "403 Forbidden"}.get(result.status, "404 Not Found")
        title = "Acknowledged" if result.status == "acknowledged" else "Not acknowledged"
        message = ("Thank you: the page is acknowledged and stops here. The staff member who "
                   "asked has been told you are on it." if result.status == "acknowledged"
                   else result.worded(self._name))
        return self._page(start_response, status, title, message, **context)

    def _page(self, start_response: StartResponse, status: str, title: str, message: str,
              **context: Any) -> Iterable[bytes]:
        html = _templates.get_template("ack.html.j2").render(title=title, message=message,
                                                             **context)
        return _send(start_response, status, "text/html; charset=utf-8", html,
                     [("Cache-Control", "no-store"), ("Referrer-Policy", "no-referrer"),
                      ("X-Frame-Options", "DENY")])

    # --- Twilio ------------------------------------------------------------------------

    def _called_url(self, environ: dict[str, Any]) -> str:
        base = self.config.web.public_url or (
            f"{environ.get('wsgi.url_scheme', 'http')}://{environ.get('HTTP_HOST', '')}")
        query = environ.get("QUERY_STRING", "")
        return base + environ.get("PATH_INFO", "") + (f"?{query}" if query else "")

    def _sms_reply(self, form: dict[str, str]) -> str:
        """``1``/``ACK`` acknowledges the one page waiting for the sender; with several it
        lists their codes (a bare reply cannot say which page it answers, and acknowledging
        them all would take on pages the person may not have read); ``ACK <code>`` takes one,
        ``ACK ALL`` every one."""
        words = (form.get("Body") or "").strip().upper().rstrip(".!").split()
        sender = form.get("From", "")
        people = [p.slack_id for p in self.config.people.values() if p.sms == sender]
        if not people:
            return _message("This number is not set up to acknowledge frontdesk pages.")
        if not words or words[0] not in ACK_WORDS or len(words) > 2:
            return _message("Reply 1 or ACK to acknowledge your frontdesk page (ACK and its "
                            "code if several are waiting).")
        waiting = waiting_pages(self.service.db, people, "sms")
        if not waiting:
            return _message("No frontdesk page is waiting for you. Nothing changed.")
        wanted = words[1] if len(words) == 2 else None
        if wanted == "ALL":
            chosen = waiting
        elif wanted is not None:
            chosen = [w for w in waiting if wanted in (page_code(w.escalation_id),
                                                       w.escalation_id.upper())]
            if len(chosen) != 1:
                return _message(f"No single waiting page has the code {wanted}. "
                                + _listing(waiting))
        elif len(waiting) == 1:
            chosen = waiting
        else:
            return _message(_listing(waiting))
        replies = []
        for page in chosen:
            result = self.service.acknowledge(page.escalation_id, page.person, via="sms")
            code = page_code(page.escalation_id)
            replies.append(f"Acknowledged page {code} ({page.situation_title})."
                           if result.status == "acknowledged" else f"Page {code}: "
                           f"{result.worded(self._name)}")
        if any(r.startswith("Acknowledged") for r in replies):
            replies.append("The desk has been told you are on it.")
        return _message(" ".join(replies))

    def _delivery_report(self, form: dict[str, str], query: dict[str, list[str]]) -> None:
        """Twilio's status callback: a text or call that did not reach the phone (failed,
        undelivered, busy, no answer) is audited against its page; "sent" in our audit means
        handed to Twilio, this is what became of it."""
        status = form.get("MessageStatus") or form.get("CallStatus") or ""
        key = (query.get("key") or [""])[0]
        parts = key.split(":")
        if status not in NOT_DELIVERED or len(parts) != 5 or parts[0] not in ("sms", "voice"):
            return
        via, escalation_id, _, _, person = parts
        with write_transaction(self.service.db) as conn:
            append_event(conn, self.service.db, "page.not_delivered", library=self.config.library,
                         escalation_id=escalation_id, at=self.service.clock(),
                         data={"key": key, "via": via, "recipient": person, "status": status,
                               "error_code": form.get("ErrorCode")})

    def _keypad(self, form: dict[str, str], token: str) -> str:
        if form.get("Digits") != "1":
            return reply_twiml("Not acknowledged. The page stays open. Goodbye.")
        nonce = self._nonce(token)
        if nonce is None:
            return reply_twiml("This call cannot acknowledge the page. Use Slack or reply to the "
                               "text. Goodbye.")
        result = self.service.acknowledge_by_link(nonce, "voice")
        if result.status == "acknowledged":
            return reply_twiml("Acknowledged. The desk has been told you are on it. Goodbye.")
        return reply_twiml(f"{result.worded(self._name)} Goodbye.")


def _case(row: Any) -> dict[str, Any]:
    """What the link's page may show: the structured situation, no patron data."""
    packet = json.loads(row.packet or "{}")
    return {"situation": packet.get("situation_title") or "A question from the desk",
            "urgency": "IMMEDIATE" if row.urgency == "immediate" else "prompt",
            "library": packet.get("library_name"), "escalation_id": row.id}


def _listing(waiting: list[WaitingPage]) -> str:
    """The waiting pages by code, and how to pick one."""
    pages = "; ".join(f"{page_code(w.escalation_id)} {w.situation_title}"
                      + (" (IMMEDIATE)" if w.urgency == "immediate" else "") for w in waiting)
    example = page_code(waiting[0].escalation_id)
    return (f"{len(waiting)} frontdesk pages are waiting: {pages}. Reply ACK and a code "
            f"(e.g. ACK {example}), or ACK ALL.")


def _message(text: str) -> str:
    return f"<Response><Message>{escape(text)}</Message></Response>"


def _twiml(start_response: StartResponse, twiml: str) -> Iterable[bytes]:
    return _send(start_response, "200 OK", "text/xml; charset=utf-8",
                 '<?xml version="1.0" encoding="UTF-8"?>' + twiml)


def _send(start_response: StartResponse, status: str, content_type: str, body: str,
          headers: list[tuple[str, str]] | None = None) -> Iterable[bytes]:
    data = body.encode()
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(data))),
                            *(headers or [])])
    return [data]
