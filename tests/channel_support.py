"""Shared by the channel tests, the channel crash tests and the paging bench: a deployment
whose privacy in-charge and director have texts, calls and email, with every provider real
or faked at the network edge (fake Slack, fake Twilio, a real SMTP server).

``ChannelRig`` runs one escalation service and one outbox worker against them on a settable
clock, and serves ``/ack/<token>`` and the Twilio webhooks over real HTTP (waitress).
"""

from __future__ import annotations

import tomllib
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from slack_sdk import WebClient

from bot.channels import Channels
from bot.channels.delivery import OutboxWorker
from bot.channels.slack import SlackTransport
from bot.channels.web import ChannelWeb
from bot.config import ChannelSecrets, parse_config
from bot.content.catalogue import Catalogue
from bot.escalation import EscalationService, ThreadRef
from bot.faces.slack.http import HttpServer
from bot.store import Database
from tests.escalation_support import Clock, PagingFake, config_toml, write_content
from tests.faketwilio import FakeTwilio
from tests.mailserver import MailServer

T0 = datetime(2030, 3, 1, 19, 0, tzinfo=UTC)
THREAD = ThreadRef("CDESK", "1700000000.000100", "https://fake.slack.invalid/archives/CDESK/p1")
SID = "AC0000000000"
TOKEN = "twilio-test-token"
LINK_SECRET = "link-test-secret"
FROM = "+15555550199"
PEOPLE = {  # slack id -> (name, email, number)
    "UPIC1": ("Pat Lee", "pat.lee@example.org", "+15555550100"),
    "UPIC2": ("Sam Ortiz", "sam.ortiz@example.org", "+15555550101"),
    "UDIR1": ("Dana Cruz", "dana.cruz@example.org", "+15555550102"),
}


def channel_toml(*, smtp_url: str | None, twilio_url: str | None, public_url: str | None,
                 ladder: str | None = None, **escalation: Any) -> str:
    """``config_toml`` plus [people], [email], [twilio], [web] and optionally a ladder."""
    text = config_toml(**escalation)
    if ladder:
        text += "\n[escalation.ladder]\n" + ladder + "\n"
    for slack_id, (name, email, number) in PEOPLE.items():
        text += (f'\n[people.{slack_id}]\nname = "{name}"\nemail = "{email}"\n'
                 f'sms = "{number}"\nvoice = "{number}"\n')
    if smtp_url:
        text += f'\n[email]\nsmtp_url = "{smtp_url}"\nfrom = "frontdesk@example.org"\n'
    if twilio_url:
        text += (f'\n[twilio]\napi_url = "{twilio_url}"\naccount_sid = "{SID}"\n'
                 f'from = "{FROM}"\n')
    if public_url:
        text += f'\n[web]\npublic_url = "{public_url}"\n'
    return text


class ChannelRig:
    """One deployment: service, worker and the acknowledgement web routes, on ``clock``."""

    def __init__(self, tmp_path: Path, slack: PagingFake, twilio: FakeTwilio,
                 mail: MailServer, *, public: bool = True, ladder: str | None = None,
                 provider_timeout: float = 5, database_url: str | None = None,
                 **escalation: Any):
        self.slack, self.twilio, self.mail = slack, twilio, mail
        self.catalogue = Catalogue.load(write_content(tmp_path / "content"))
        self.db = Database(database_url or f"sqlite:///{tmp_path / 'paging.db'}")
        self.clock = Clock(T0)
        # The web routes need the public URL before the server has a port: serve a
        # forwarder, then point it at the real app.
        self._app: Any = None
        self.http = HttpServer(lambda environ, start: self._app(environ, start),  # type: ignore[arg-type]
                               port=0, threads=4).start()
        self.public_url = self.http.url if public else None
        self.config_text = channel_toml(smtp_url=mail.url, twilio_url=twilio.api_url,
                                        public_url=self.public_url, ladder=ladder, **escalation)
        self.config = parse_config(tomllib.loads(self.config_text))
        self.service = EscalationService(self.db, self.config, self.catalogue, clock=self.clock)
        self.channels = Channels.from_config(
            self.config, ChannelSecrets(twilio_auth_token=TOKEN, link_secret=LINK_SECRET),
            timeout=provider_timeout)
        self.worker = OutboxWorker(
            self.db, SlackTransport(WebClient(token="xoxb-test", base_url=slack.api_url),
                                    timeout=5),
            clock=self.clock, base_backoff=0.01, channels=self.channels,
            on_undelivered=self.service.undelivered,  # as serve and the worker command do
            failover=lambda eid, dead: self.service.failover(eid, dead=dead))
        self.web = ChannelWeb(self.service, self.config, TOKEN, LINK_SECRET)
        self._app = self.web

    def close(self) -> None:
        self.http.stop()
        self.db.dispose()

    # --- the desk ----------------------------------------------------------------------

    def trigger(self, *answers: str, thread: ThreadRef | None = THREAD) -> str:
        from bot.engine import start, step

        view = start(self.catalogue, "pagelib", "records-request")
        for text in answers:
            view = step(self.catalogue, view.conversation, text)
        return self.service.trigger(library="pagelib", situation="records-request",
                                    conversation=view.conversation, outcome=view.outcome,
                                    reason="outcome", asked_by="UASKER", face="slack",
                                    thread=thread)

    def deliver(self) -> int:
        return self.worker.run_once()

    def at(self, seconds: float) -> None:
        """Move the clock to ``seconds`` after T0 and act on the deadlines, then deliver."""
        self.clock.now = T0 + timedelta(seconds=seconds)
        self.service.tick()
        self.deliver()

    # --- the person paged --------------------------------------------------------------

    def request(self, method: str, path: str, form: dict[str, str] | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, str]:
        data = urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(self.http.url + path, data=data, method=method,
                                         headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def twilio_webhook(self, path: str, form: dict[str, str], *,
                       sign_as: str | None = None) -> tuple[int, str]:
        """POST ``form`` to ``path`` signed as Twilio signs it (for ``sign_as`` if given)."""
        url = (self.public_url or self.http.url) + path
        signature = self.twilio.sign(sign_as or url, form)
        return self.request("POST", path, form, {"X-Twilio-Signature": signature})

    def text_reply(self, number: str, body: str) -> tuple[int, str]:
        return self.twilio_webhook("/twilio/sms", {
            "MessageSid": "SMreply", "AccountSid": SID, "From": number, "To": FROM,
            "Body": body})

    def press(self, call: dict[str, Any], digits: str) -> tuple[int, str]:
        """Press ``digits`` on ``call`` (as fake Twilio recorded it): post to its Gather."""
        import re
        from html import unescape

        action = unescape(re.search(r'action="([^"]+)"', call["Twiml"]).group(1))  # type: ignore[union-attr]
        path = action[len(self.public_url or ""):]
        return self.twilio_webhook(path, {"CallSid": call["sid"], "AccountSid": SID,
                                          "From": FROM, "To": call["To"], "Digits": digits})
