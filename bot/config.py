"""Deployment configuration: a TOML file for settings, the environment for secrets.

Who the privacy in-charge is *in Slack* belongs here, not in a policy pack: the pack says
which title must act, the deployment says which person holds it. A missing or wrong setting
is one clear line naming the key (``ConfigError``), never a traceback.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.config_schema import problems
from bot.errors import ConfigError as ConfigError  # defined there: light to import

ENV_CONFIG = "FRONTDESK_CONFIG"
ENV_DATABASE_URL = "FRONTDESK_DATABASE_URL"
DEFAULT_ACK_TIMEOUTS = {"immediate": 180, "prompt": 900}
CHANNELS = ("slack", "sms", "email", "voice")
#: What each channel needs from ``[people.<id>]`` (Slack needs nothing: the id is the address).
CONTACT_FOR = {"sms": "sms", "email": "email", "voice": "voice"}
#: ``[escalation.ladder]`` when the config has none: rungs whose channel is not configured
#: (no ``[twilio]``, no ``[email]``) are left out, so a Slack-only deployment keeps working.
DEFAULT_LADDER: dict[str, tuple[tuple[int, tuple[str, ...]], ...]] = {
    "immediate": ((0, ("slack", "sms", "email")), (120, ("voice",))),
    "prompt": ((0, ("slack",)), (300, ("email",)), (600, ("sms",))),
}
SMTP_SCHEMES = ("smtp", "smtps", "smtp+starttls")
E164 = re.compile(r"\+[1-9][0-9]{6,14}")
EMAIL = re.compile(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class Rung:
    """One step of a ladder: ``after_seconds`` into a level, page ``via`` these channels."""

    after_seconds: int
    via: tuple[str, ...]


@dataclass(frozen=True)
class EscalationConfig:
    channel: str | None = None
    ack_timeout_seconds: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_ACK_TIMEOUTS))
    repeat: int = 2
    #: Per urgency, the rungs of each level in time order (see ``DEFAULT_LADDER``).
    ladder: dict[str, tuple[Rung, ...]] = field(default_factory=lambda: {
        urgency: (Rung(0, ("slack",)),) for urgency in DEFAULT_ACK_TIMEOUTS})
    #: The urgencies whose ladder the library wrote (checked strictly at start-up); the others
    #: use ``DEFAULT_LADDER``, reaching whoever has each contact.
    ladder_explicit: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Person:
    """``[people.<slack-id>]``: how to reach someone named under ``[roles]`` outside Slack."""

    slack_id: str
    name: str | None = None
    email: str | None = None
    sms: str | None = None
    voice: str | None = None

    def contact(self, channel: str) -> str | None:
        return getattr(self, CONTACT_FOR[channel]) if channel in CONTACT_FOR else self.slack_id


@dataclass(frozen=True)
class EmailConfig:
    """``[email]``: the SMTP server pages are sent through (password: FRONTDESK_SMTP_PASSWORD)."""

    smtp_url: str
    sender: str


@dataclass(frozen=True)
class TwilioConfig:
    """``[twilio]``: SMS and voice through Twilio's REST API (auth token: TWILIO_AUTH_TOKEN)."""

    api_url: str
    account_sid: str
    sender: str


@dataclass(frozen=True)
class WebConfig:
    """``[web]``: ``public_url`` is where acknowledgement links and Twilio's webhooks point."""

    public_url: str | None = None


@dataclass(frozen=True)
class ScheduleConfig:
    """The serving process's background schedule.

    ``tick_seconds``: how often deadlines kept in the database (re-escalation, expiry, hold
    reminders) are checked; a page is re-escalated at most this late. The director's weekly
    digest goes out on ``digest_weekday`` at ``digest_hour`` (the server's local time).
    ``inbox_lease_seconds``: how long a Slack request accepted by a process, and not yet
    started, is left to it before another process may take it over (the process renews it
    while it is still working on the request).
    """

    tick_seconds: float = 5.0
    weekly_digest: bool = True
    digest_weekday: int = 0  # Monday
    digest_hour: int = 8
    inbox_lease_seconds: float = 30.0


@dataclass(frozen=True)
class SlackSecrets:
    bot_token: str | None
    signing_secret: str | None
    app_token: str | None
    api_url: str | None

    @classmethod
    def from_env(cls) -> SlackSecrets:
        return cls(
            bot_token=os.environ.get("SLACK_BOT_TOKEN"),
            signing_secret=os.environ.get("SLACK_SIGNING_SECRET"),
            app_token=os.environ.get("SLACK_APP_TOKEN"),
            api_url=os.environ.get("SLACK_API_URL"),
        )


@dataclass(frozen=True)
class ChannelSecrets:
    """Secrets of the channels beyond Slack, from the environment (never the config file)."""

    smtp_password: str | None = None
    twilio_auth_token: str | None = None
    link_secret: str | None = None  # signs acknowledgement links (``bot.channels.tokens``)

    @classmethod
    def from_env(cls) -> ChannelSecrets:
        return cls(smtp_password=os.environ.get("FRONTDESK_SMTP_PASSWORD") or None,
                   twilio_auth_token=os.environ.get("TWILIO_AUTH_TOKEN") or None,
                   link_secret=os.environ.get("FRONTDESK_LINK_SECRET") or None)


@dataclass(frozen=True)
class Config:
    library: str = "mount-prospect"
    database_url: str | None = None
    slash_command: str = "/frontdesk"
    roles: dict[str, tuple[str, ...]] = field(default_factory=dict)
    escalation: EscalationConfig = field(default_factory=EscalationConfig)
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    retention_days: int = 365
    contacts: dict[str, str] = field(default_factory=dict)
    # The library's own content folder (knowledge/<library>/, optional flows/); relative paths
    # are read from the settings file's folder. None: --content, $FRONTDESK_CONTENT or bundled.
    content: Path | None = None
    phones: dict[str, str] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    email: EmailConfig | None = None
    twilio: TwilioConfig | None = None
    web: WebConfig = field(default_factory=WebConfig)
    source: Path | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def members(self, role: str) -> tuple[str, ...]:
        return self.roles.get(role, ())

    def configured_channels(self) -> tuple[str, ...]:
        """The channels this deployment can page through."""
        return tuple(c for c in CHANNELS if c == "slack" or (c == "email" and self.email)
                     or (c in ("sms", "voice") and self.twilio))

    def ladder_problems(self) -> list[tuple[str, str]]:
        """Why the ladder cannot be followed: a channel that is not configured, a person in
        ``[roles]`` without the contact a rung needs. Empty when it can."""
        problems = []
        configured = self.configured_channels()
        people = sorted({p for members in self.roles.values() for p in members})
        for urgency, rungs in self.escalation.ladder.items():
            if urgency not in self.escalation.ladder_explicit:
                continue
            for index, rung in enumerate(rungs):
                key = f"escalation.ladder.{urgency}[{index}]"
                for channel in rung.via:
                    if channel not in configured:
                        section = "[email]" if channel == "email" else "[twilio]"
                        problems.append((key, f"pages via {channel}, but {section} is not "
                                         "configured"))
                        continue
                    for person in people:
                        if channel in CONTACT_FOR and not self.person(person).contact(channel):
                            problems.append((key,
                                f"pages via {channel}, but people.{person} has no "
                                f"{CONTACT_FOR[channel]} (add it under [people.{person}])"))
        return problems

    def person(self, slack_id: str) -> Person:
        return self.people.get(slack_id) or Person(slack_id)


def _expect(value: Any, kind: type | tuple[type, ...], key: str, what: str) -> Any:
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise ConfigError(key, f"must be {what}, got {value!r}")
    return value


def _positive_int(value: Any, key: str, minimum: int = 1) -> int:
    _expect(value, int, key, "a whole number")
    if value < minimum:
        raise ConfigError(key, f"must be at least {minimum}, got {value}")
    return value


# The paging roles, plus ``reviewers``: people (e.g. board members) who may see everything on the
# review site (cases dashboard, drills) without being paged.
CONFIG_ROLES = ("privacy-in-charge", "director", "stand-in", "reviewers")

KNOWN_KEYS = {
    "library",
    "database_url",
    "slash_command",
    "roles",
    "escalation",
    "schedule",
    "retention_days",
    "contacts",
    "content",
    "phones",
    "people",
    "email",
    "twilio",
    "web",
}


def _table(data: dict[str, Any], name: str, known: dict[str, str]) -> dict[str, Any]:
    """A sub-table whose keys are all in ``known`` (key → what it must be), strings only."""
    table = _expect(data.get(name, {}), dict, name, "a table")
    for key, value in table.items():
        if key not in known:
            raise ConfigError(f"{name}.{key}", "unknown setting (expected "
                              + ", ".join(known) + ")")
        _expect(value, str, f"{name}.{key}", known[key])
    return table


def _http_url(value: str, key: str) -> str:
    if not value.startswith(("http://", "https://")) or " " in value:
        raise ConfigError(key, f"must be an http:// or https:// URL, got {value!r}")
    return value.rstrip("/")


def _people(data: dict[str, Any]) -> dict[str, Person]:
    """``[people.<slack-id>]``: name, email, sms and voice (E.164 numbers like +15555550100)."""
    people = _expect(data.get("people", {}), dict, "people", "a table of [people.<slack-id>]")
    known = {"name": "a name", "email": "an email address",
             "sms": "an E.164 number like +15555550100",
             "voice": "an E.164 number like +15555550100"}
    parsed = {}
    for slack_id in people:
        key = f"people.{slack_id}"
        entry = _expect(people[slack_id], dict, key, "a table")
        for name, value in entry.items():
            if name not in known:
                raise ConfigError(f"{key}.{name}", "unknown setting (expected name, email, "
                                  "sms or voice)")
            _expect(value, str, f"{key}.{name}", known[name])
        for number in ("sms", "voice"):
            value = entry.get(number)
            if value is not None and not E164.fullmatch(value):
                raise ConfigError(f"{key}.{number}",
                                  f"must be an E.164 number like +15555550100, got {value!r}")
        email = entry.get("email")
        if email is not None and not EMAIL.fullmatch(email):
            raise ConfigError(f"{key}.email", f"must be an email address, got {email!r}")
        parsed[slack_id] = Person(slack_id, entry.get("name"), email, entry.get("sms"),
                                  entry.get("voice"))
    return parsed


def _email(data: dict[str, Any]) -> EmailConfig | None:
    if "email" not in data:
        return None
    table = _table(data, "email", {"smtp_url": "an smtp://, smtps:// or smtp+starttls:// URL",
                                   "from": "an email address"})
    url = table.get("smtp_url")
    if not url:
        raise ConfigError("email.smtp_url", "is required (e.g. smtp+starttls://mail.example.org)")
    if url.split("://", 1)[0] not in SMTP_SCHEMES or "://" not in url:
        raise ConfigError("email.smtp_url",
                          f"must start with smtp://, smtps:// or smtp+starttls://, got {url!r}")
    sender = table.get("from")
    if not sender or not EMAIL.fullmatch(sender):
        raise ConfigError("email.from", f"must be an email address, got {sender!r}")
    return EmailConfig(url, sender)


def _twilio(data: dict[str, Any]) -> TwilioConfig | None:
    if "twilio" not in data:
        return None
    table = _table(data, "twilio", {"api_url": "a URL", "account_sid": "an account SID (AC…)",
                                    "from": "an E.164 number like +15555550199"})
    sid = table.get("account_sid")
    if not sid or not sid.startswith("AC"):
        raise ConfigError("twilio.account_sid", f"must be an account SID starting AC, got {sid!r}")
    sender = table.get("from")
    if not sender or not E164.fullmatch(sender):
        raise ConfigError("twilio.from", f"must be an E.164 number like +15555550199, got "
                          f"{sender!r}")
    api = _http_url(table.get("api_url", "https://api.twilio.com"), "twilio.api_url")
    return TwilioConfig(api, sid, sender)


def _web(data: dict[str, Any]) -> WebConfig:
    web = _expect(data.get("web", {}), dict, "web", "a table")
    url = web.get("public_url")
    if url is None:
        return WebConfig()
    _expect(url, str, "web.public_url", "a URL")
    return WebConfig(_http_url(url, "web.public_url"))


def _ladder(esc: dict[str, Any], timeouts: dict[str, int],
            configured: tuple[str, ...]) -> tuple[dict[str, tuple[Rung, ...]], frozenset[str]]:
    """``[escalation.ladder]``: per urgency, ``[{after_seconds, via}]`` in time order."""
    ladder = _default_ladder(timeouts, configured)
    if "ladder" not in esc:
        return ladder, frozenset()
    given = _expect(esc["ladder"], dict, "escalation.ladder",
                    'a table like immediate = [{after_seconds = 0, via = ["slack"]}]')
    for urgency, rungs in given.items():
        key = f"escalation.ladder.{urgency}"
        if urgency not in DEFAULT_ACK_TIMEOUTS:
            raise ConfigError(key, "unknown urgency (expected immediate or prompt)")
        _expect(rungs, list, key, 'a list like [{after_seconds = 0, via = ["slack"]}]')
        if not rungs:
            raise ConfigError(key, "needs at least one step")
        parsed: list[Rung] = []
        for index, rung in enumerate(rungs):
            where = f"{key}[{index}]"
            _expect(rung, dict, where, "a table {after_seconds = …, via = [...]}")
            for name in rung:
                if name not in ("after_seconds", "via"):
                    raise ConfigError(f"{where}.{name}",
                                      "unknown setting (expected after_seconds or via)")
            after = _positive_int(rung.get("after_seconds", 0), f"{where}.after_seconds", 0)
            if parsed and after <= parsed[-1].after_seconds:
                raise ConfigError(f"{where}.after_seconds",
                                  "steps must be in time order (each later than the one before)")
            if after >= timeouts[urgency]:
                raise ConfigError(f"{where}.after_seconds", f"{after} s is not before the level's "
                                  f"ack timeout ({timeouts[urgency]} s): it would never run")
            via = _expect(rung.get("via"), list, f"{where}.via",
                          'a list of channels like ["slack", "sms"]')
            for channel in via:
                if channel not in CHANNELS:
                    raise ConfigError(f"{where}.via", f"unknown channel {channel!r} (expected "
                                      + ", ".join(CHANNELS) + ")")
            if not via:
                raise ConfigError(f"{where}.via", "names no channel")
            parsed.append(Rung(after, tuple(dict.fromkeys(via))))
        ladder[urgency] = tuple(parsed)
    return ladder, frozenset(given)


def _default_ladder(timeouts: dict[str, int],
                    configured: tuple[str, ...]) -> dict[str, tuple[Rung, ...]]:
    """``DEFAULT_LADDER`` without the channels this deployment has not configured, and without
    rungs that would come after the level's ack timeout."""
    ladder = {}
    for urgency, rungs in DEFAULT_LADDER.items():
        kept = []
        for after, via in rungs:
            usable = tuple(c for c in via if c in configured)
            if usable and after < timeouts[urgency]:
                kept.append(Rung(after, usable))
        ladder[urgency] = tuple(kept) or (Rung(0, ("slack",)),)
    return ladder


def _schedule(data: dict[str, Any]) -> ScheduleConfig:
    """``[schedule]``: tick_seconds, weekly_digest, digest_weekday (a day name), digest_hour,
    inbox_lease_seconds."""
    for key in data:
        if key not in ("tick_seconds", "weekly_digest", "digest_weekday", "digest_hour",
                       "inbox_lease_seconds"):
            raise ConfigError(f"schedule.{key}", "unknown setting (expected tick_seconds, "
                              "weekly_digest, digest_weekday, digest_hour or "
                              "inbox_lease_seconds)")
    tick = _expect(data.get("tick_seconds", 5.0), (int, float), "schedule.tick_seconds",
                   "a number of seconds")
    if not 0 < tick <= 3600:
        raise ConfigError("schedule.tick_seconds", f"must be between 0 and 3600, got {tick}")
    weekly = _expect(data.get("weekly_digest", True), bool, "schedule.weekly_digest",
                     "true or false")
    day = _expect(data.get("digest_weekday", "monday"), str, "schedule.digest_weekday",
                  "a day name like monday")
    if day.lower() not in WEEKDAYS:
        raise ConfigError("schedule.digest_weekday", f"must be a day name like monday, got {day!r}")
    hour = _expect(data.get("digest_hour", 8), int, "schedule.digest_hour", "an hour 0-23")
    if not 0 <= hour <= 23:
        raise ConfigError("schedule.digest_hour", f"must be an hour 0-23, got {hour}")
    lease = _expect(data.get("inbox_lease_seconds", 30.0), (int, float),
                    "schedule.inbox_lease_seconds", "a number of seconds")
    if not 0 < lease <= 3600:
        raise ConfigError("schedule.inbox_lease_seconds",
                          f"must be between 0 and 3600, got {lease}")
    return ScheduleConfig(float(tick), weekly, WEEKDAYS.index(day.lower()), hour, float(lease))


def parse_config(data: dict[str, Any], source: Path | None = None, *,
                 strict: bool = True) -> Config:
    """Validate a TOML document's data: keys and types against ``bot.config_schema``, then
    each value here (ranges, formats, how settings fit together).

    ``strict=False`` (``frontdesk doctor``) lets a ladder that cannot be followed through, so
    every one of its problems can be listed instead of the first."""
    for key, message in problems(data):
        raise ConfigError(key, message)
    library = _expect(data.get("library", "mount-prospect"), str, "library", "a library id")
    database_url = data.get("database_url")
    if database_url is not None:
        _expect(database_url, str, "database_url", "a database URL string")
    slash = _expect(data.get("slash_command", "/frontdesk"), str, "slash_command", "a string")
    if not slash.startswith("/") or " " in slash:
        raise ConfigError("slash_command", f"must look like /frontdesk, got {slash!r}")

    roles_data = _expect(data.get("roles", {}), dict, "roles", "a table of role = [user ids]")
    roles: dict[str, tuple[str, ...]] = {}
    for role, members in roles_data.items():
        key = f"roles.{role}"
        if role not in CONFIG_ROLES:
            raise ConfigError(key, "unknown role (expected privacy-in-charge, director, "
                              "stand-in or reviewers)")
        _expect(members, list, key, "a list of Slack user ids")
        for member in members:
            _expect(member, str, key, "a list of Slack user id strings")
        roles[role] = tuple(members)

    esc = _expect(data.get("escalation", {}), dict, "escalation", "a table")
    channel = esc.get("channel")
    if channel is not None:
        _expect(channel, str, "escalation.channel", "a Slack channel id")
    timeouts = dict(DEFAULT_ACK_TIMEOUTS)
    given = _expect(
        esc.get("ack_timeout_seconds", {}),
        dict,
        "escalation.ack_timeout_seconds",
        "a table like { immediate = 180, prompt = 900 }",
    )
    for urgency, seconds in given.items():
        key = f"escalation.ack_timeout_seconds.{urgency}"
        if urgency not in DEFAULT_ACK_TIMEOUTS:
            raise ConfigError(key, "unknown urgency (expected immediate or prompt)")
        timeouts[urgency] = _positive_int(seconds, key)
    repeat = _positive_int(esc.get("repeat", 2), "escalation.repeat", minimum=0)
    email, twilio = _email(data), _twilio(data)
    configured = tuple(c for c in CHANNELS if c == "slack" or (c == "email" and email)
                       or (c in ("sms", "voice") and twilio))
    ladder, explicit = _ladder(esc, timeouts, configured)

    schedule = _schedule(_expect(data.get("schedule", {}), dict, "schedule", "a table"))
    retention = _positive_int(data.get("retention_days", 365), "retention_days")
    contacts = _expect(data.get("contacts", {}), dict, "contacts", "a table of strings")
    for name, text in contacts.items():
        _expect(text, str, f"contacts.{name}", "a string")

    content = data.get("content")
    if content is not None:
        _expect(content, str, "content", "a folder path string")
        content = Path(content)
        if not content.is_absolute() and source is not None:
            content = source.resolve().parent / content
        if not content.is_dir():
            raise ConfigError("content", f"folder not found: {content}")
    phones = _expect(data.get("phones", {}), dict, "phones",
                     'a table like { privacy-in-charge = "847-555-0100" }')
    for name, number in phones.items():
        _expect(number, str, f"phones.{name}", "a phone number string")
        if not number.strip():
            raise ConfigError(f"phones.{name}", "is empty")

    config = Config(
        library=library,
        database_url=os.environ.get(ENV_DATABASE_URL) or database_url,
        slash_command=slash,
        roles=roles,
        escalation=EscalationConfig(channel, timeouts, repeat, ladder, explicit),
        schedule=schedule,
        retention_days=retention,
        contacts=dict(contacts),
        content=content,
        phones=dict(phones),
        people=_people(data),
        email=email,
        twilio=twilio,
        web=_web(data),
        source=source,
        extra={k: v for k, v in data.items() if k not in KNOWN_KEYS},
    )
    if strict:
        for key, message in config.ladder_problems():
            raise ConfigError(key, message)
    return config


def load_config(path: Path | str | None = None, *, strict: bool = True) -> Config:
    """Read ``path`` (or $FRONTDESK_CONFIG); with neither, the defaults (the demo library)."""
    chosen = path or os.environ.get(ENV_CONFIG)
    if not chosen:
        return parse_config({}, strict=strict)
    file = Path(chosen)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError("--config", f"file not found: {file}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("--config", f"{file} is not valid TOML: {exc}") from None
    return parse_config(data, file, strict=strict)
