"""Deployment configuration: a TOML file for settings, the environment for secrets.

Who the privacy in-charge is *in Slack* belongs here, not in a policy pack: the pack says
which title must act, the deployment says which person holds it. A missing or wrong setting
is one clear line naming the key (``ConfigError``), never a traceback.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ENV_CONFIG = "FRONTDESK_CONFIG"
ENV_DATABASE_URL = "FRONTDESK_DATABASE_URL"
DEFAULT_ACK_TIMEOUTS = {"immediate": 180, "prompt": 900}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class ConfigError(ValueError):
    """A setting that is missing or wrong; the message names the key."""

    def __init__(self, key: str, message: str):
        self.key = key
        super().__init__(f"config: {key}: {message}")


@dataclass(frozen=True)
class EscalationConfig:
    channel: str | None = None
    ack_timeout_seconds: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_ACK_TIMEOUTS))
    repeat: int = 2


@dataclass(frozen=True)
class ScheduleConfig:
    """The serving process's background schedule.

    ``tick_seconds``: how often deadlines kept in the database (re-escalation, expiry, hold
    reminders) are checked; a page is re-escalated at most this late. The director's weekly
    digest goes out on ``digest_weekday`` at ``digest_hour`` (the server's local time).
    """

    tick_seconds: float = 5.0
    weekly_digest: bool = True
    digest_weekday: int = 0  # Monday
    digest_hour: int = 8


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
    source: Path | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def members(self, role: str) -> tuple[str, ...]:
        return self.roles.get(role, ())


def _expect(value: Any, kind: type | tuple[type, ...], key: str, what: str) -> Any:
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise ConfigError(key, f"must be {what}, got {value!r}")
    return value


def _positive_int(value: Any, key: str, minimum: int = 1) -> int:
    _expect(value, int, key, "a whole number")
    if value < minimum:
        raise ConfigError(key, f"must be at least {minimum}, got {value}")
    return value


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
}


def _schedule(data: dict[str, Any]) -> ScheduleConfig:
    """``[schedule]``: tick_seconds, weekly_digest, digest_weekday (a day name), digest_hour."""
    for key in data:
        if key not in ("tick_seconds", "weekly_digest", "digest_weekday", "digest_hour"):
            raise ConfigError(f"schedule.{key}", "unknown setting (expected tick_seconds, "
                              "weekly_digest, digest_weekday or digest_hour)")
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
    return ScheduleConfig(float(tick), weekly, WEEKDAYS.index(day.lower()), hour)


def parse_config(data: dict[str, Any], source: Path | None = None) -> Config:
    """Validate a TOML document's data; unknown top-level keys are kept in ``extra``."""
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
        if role not in ("privacy-in-charge", "director"):
            raise ConfigError(key, "unknown role (expected privacy-in-charge or director)")
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

    return Config(
        library=library,
        database_url=os.environ.get(ENV_DATABASE_URL) or database_url,
        slash_command=slash,
        roles=roles,
        escalation=EscalationConfig(channel, timeouts, repeat),
        schedule=schedule,
        retention_days=retention,
        contacts=dict(contacts),
        content=content,
        phones=dict(phones),
        source=source,
        extra={k: v for k, v in data.items() if k not in KNOWN_KEYS},
    )


def load_config(path: Path | str | None = None) -> Config:
    """Read ``path`` (or $FRONTDESK_CONFIG); with neither, the defaults (the demo library)."""
    chosen = path or os.environ.get(ENV_CONFIG)
    if not chosen:
        return parse_config({})
    file = Path(chosen)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError("--config", f"file not found: {file}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("--config", f"{file} is not valid TOML: {exc}") from None
    return parse_config(data, file)
