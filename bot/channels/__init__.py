"""Paging beyond Slack: texts and calls through Twilio, email through SMTP.

Each channel renders a page its own way (``sms.render_sms``, ``email.render_email``,
``voice.render_twiml``) from the escalation's structured packet, and delivers one outbox row
at a time; the outbox worker owns retries and backoff. ``Channels.from_config`` builds the
ones a deployment configured, or says which secret is missing (``ConfigError``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from bot.channels import tokens
from bot.channels.email import EmailChannel
from bot.channels.page import Page
from bot.channels.sms import SmsChannel
from bot.channels.twilio import TwilioClient
from bot.channels.voice import VoiceChannel
from bot.config import ChannelSecrets, Config, ConfigError

__all__ = ["Channels", "ContactChannel", "Page"]


class ContactChannel(Protocol):
    name: str

    def send(self, page: Page) -> str:
        """Hand the page to the provider; returns its id for the message (SID, Message-ID)."""

    def find(self, page: Page) -> str | None:
        """The provider's id if this page already went out (an earlier attempt's fate is
        unknown), else None."""


class Channels:
    """The configured contact channels of one deployment, by name."""

    def __init__(self, config: Config, channels: Mapping[str, ContactChannel],
                 link_secret: str | None = None):
        self.config = config
        self.by_name = dict(channels)
        self.link_secret = link_secret

    @classmethod
    def from_config(cls, config: Config, secrets: ChannelSecrets | None = None,
                    timeout: float = 15) -> Channels:
        secrets = secrets or ChannelSecrets.from_env()
        channels: dict[str, ContactChannel] = {}
        if config.email is not None:
            user = config.email.smtp_url.split("://", 1)[-1].split("@", 1)
            if len(user) == 2 and not secrets.smtp_password:
                raise ConfigError("FRONTDESK_SMTP_PASSWORD", "is not set, but [email] smtp_url "
                                  "names a user to log in as")
            channels["email"] = EmailChannel(config.email, secrets.smtp_password, timeout)
        if config.twilio is not None:
            if not secrets.twilio_auth_token:
                raise ConfigError("TWILIO_AUTH_TOKEN", "is not set, but [twilio] is configured")
            client = TwilioClient(config.twilio, secrets.twilio_auth_token, timeout)
            channels["sms"] = SmsChannel(client)
            channels["voice"] = VoiceChannel(client)
        if channels and config.web.public_url and not secrets.link_secret:
            raise ConfigError("FRONTDESK_LINK_SECRET", "is not set, but [web] public_url puts "
                              "acknowledgement links in texts, emails and calls")
        return cls(config, channels, secrets.link_secret)

    def __contains__(self, name: object) -> bool:
        return name in self.by_name

    def page(self, *, key: str, channel: str, person: str, payload: dict[str, Any],
             packet: dict[str, Any], created_at: datetime) -> Page | None:
        """The page (or stand-down: a payload naming an ``event``) an outbox row stands for;
        None when the person has no such contact now."""
        who = self.config.person(person)
        address = who.contact(channel)
        if not address:
            return None
        stand_down = None
        if "event" in payload:
            by = str(payload.get("by") or "")
            stand_down = {**payload, "by_name": self.config.people[by].name
                          if by in self.config.people else None}
        return Page(key=key, channel=channel, escalation_id=payload["escalation_id"],
                    person=who, address=address, packet=packet,
                    level=int(payload.get("level", 1)), repeat=int(payload.get("repeat", 0)),
                    token=self._token(payload) if "nonce" in payload else "",
                    public_url=self.config.web.public_url, created_at=created_at,
                    stand_down=stand_down)

    def _token(self, payload: dict[str, Any]) -> str:
        """The signed one-time token for the row's nonce (``tokens``); without a secret (no
        public URL: no links) the nonce alone, which no acknowledgement accepts."""
        nonce = str(payload["nonce"])
        return tokens.sign(self.link_secret, nonce) if self.link_secret else nonce

    def send(self, page: Page) -> str:
        return self.by_name[page.channel].send(page)

    def find(self, page: Page) -> str | None:
        return self.by_name[page.channel].find(page)
