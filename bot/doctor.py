"""`frontdesk doctor`: what in a deployment's settings will stop a page reaching someone.

Each check is a function of the loaded configuration (and the environment's secrets) that
returns ``Finding``s; ``CHECKS`` lists them in the order they print. A check does not call
any provider: it reads what the deployment says. Add a check by appending a function to
``CHECKS``. ``error`` findings are what would stop ``serve``/``worker`` starting (or a page
from ever being delivered); ``warn`` ones weaken paging without stopping it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.config import CONTACT_FOR, ChannelSecrets, Config


@dataclass(frozen=True)
class Finding:
    level: str  # ok | warn | error
    text: str


Check = Callable[[Config, ChannelSecrets], list[Finding]]


def ladder(config: Config, secrets: ChannelSecrets) -> list[Finding]:
    """Who each urgency's ladder reaches, and who it misses."""
    findings = [Finding("error", f"{key}: {message}") for key, message in
                config.ladder_problems()]
    people = sorted({p for members in config.roles.values() for p in members})
    for urgency, rungs in config.escalation.ladder.items():
        steps = "; ".join(f"{r.after_seconds} s: {', '.join(r.via)}" for r in rungs)
        explicit = urgency in config.escalation.ladder_explicit
        findings.append(Finding("ok", f"escalation.ladder.{urgency}: {steps}"
                                + ("" if explicit else " (default)")))
        if explicit:
            continue
        for channel in dict.fromkeys(c for r in rungs for c in r.via):
            missing = [p for p in people if channel in CONTACT_FOR
                       and not config.person(p).contact(channel)]
            for person in missing:
                findings.append(Finding("warn", f"people.{person}: no {CONTACT_FOR[channel]}, so "
                                        f"the {urgency} ladder's {channel} step skips them"))
    for slack_id in config.people:
        if slack_id not in people:
            findings.append(Finding("warn", f"people.{slack_id}: not in [roles], never paged"))
    return findings


def channel_secrets(config: Config, secrets: ChannelSecrets) -> list[Finding]:
    findings = []
    if config.twilio is not None and not secrets.twilio_auth_token:
        findings.append(Finding("error", "TWILIO_AUTH_TOKEN is not set, but [twilio] is "
                                "configured"))
    if config.email is not None:
        named_user = "@" in config.email.smtp_url.split("://", 1)[-1]
        if named_user and not secrets.smtp_password:
            findings.append(Finding("error", "FRONTDESK_SMTP_PASSWORD is not set, but "
                                    "[email] smtp_url names a user"))
        if config.email.smtp_url.startswith("smtp://") and named_user:
            findings.append(Finding("warn", "email.smtp_url: smtp:// logs in without "
                                    "encryption; use smtp+starttls:// or smtps://"))
    if (config.twilio or config.email) and not config.web.public_url:
        findings.append(Finding("warn", "web.public_url is not set: texts and emails carry no "
                                "acknowledgement link and a call's key press has nowhere to go "
                                "(acknowledge in Slack or by text reply)"))
    return findings


CHECKS: list[Check] = [ladder, channel_secrets]


def diagnose(config: Config, secrets: ChannelSecrets | None = None) -> list[Finding]:
    secrets = secrets or ChannelSecrets.from_env()
    return [finding for check in CHECKS for finding in check(config, secrets)]
