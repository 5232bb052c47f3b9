"""`frontdesk doctor`: what in a deployment's settings will stop a page reaching someone.

Each check is a function of the loaded configuration (and the environment's secrets) that
returns ``Finding``s; ``CHECKS`` lists them in the order they print. The ladder and channel
checks read what the deployment says; ``database`` opens the database without changing it,
``content`` runs ``frontdesk check``, and ``slack`` asks Slack (``auth.test``, ``users.info``,
``conversations.info``) what ``serve`` asks before it starts. Add a check by appending a
function to ``CHECKS``. ``error`` findings are what would stop ``serve``/``worker`` starting
(or a page from ever being delivered); ``warn`` ones weaken paging without stopping it.
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


def settings(config: Config, secrets: ChannelSecrets) -> list[Finding]:
    """The settings file loaded (``doctor`` prints a file that does not load as an error)."""
    where = config.source or "no --config (the defaults)"
    return [Finding("ok", f"config: {where}: library {config.library}")]


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
    if (config.twilio or config.email) and config.web.public_url and not secrets.link_secret:
        findings.append(Finding("error", "FRONTDESK_LINK_SECRET is not set, but [web] public_url "
                                "puts acknowledgement links in texts, emails and calls"))
    if (config.twilio or config.email) and not config.web.public_url:
        findings.append(Finding("warn", "web.public_url is not set: texts and emails carry no "
                                "acknowledgement link and a call's key press has nowhere to go "
                                "(acknowledge in Slack or by text reply)"))
    return findings


def database(config: Config, secrets: ChannelSecrets) -> list[Finding]:
    """Reachable, and migrated (``serve`` migrates on start; a database behind is a warning)."""
    from bot.store.database import DatabaseUnavailable, default_database_url, open_engine, shown
    from bot.store.migrations import MIGRATIONS, pending_migrations

    url = config.database_url or default_database_url()
    try:
        engine = open_engine(url)
    except DatabaseUnavailable as exc:
        return [Finding("error", str(exc).removeprefix("config: "))]
    try:
        missing = pending_migrations(engine)
    except Exception:
        missing = [(v, name) for v, name, _ in MIGRATIONS]
    finally:
        engine.dispose()
    if missing:
        return [Finding("warn", f"database: {shown(url)} is reachable; {len(missing)} "
                        "migration(s) not applied yet (serve and worker apply them on start)")]
    return [Finding("ok", f"database: {shown(url)} reachable and up to date "
                    f"(schema {MIGRATIONS[-1][0]})")]


def content(config: Config, secrets: ChannelSecrets) -> list[Finding]:
    """The content passes ``frontdesk check`` (and holds the configured library)."""
    from bot.check.runner import run_checks

    report = run_checks(config.content)
    if report.errors:
        first = report.errors[0]
        return [Finding("error", f"content: {len(report.errors)} error(s), first: {first} "
                        "(run frontdesk check)")]
    return [Finding("ok", f"content: {report.summary()}")]


def stand_in(config: Config, secrets: ChannelSecrets) -> list[Finding]:
    """A policy that names someone to act in the Director's absence needs them in ``[roles]
    stand-in``; without them, a page for an absent Director goes to the privacy in-charge."""
    from bot.content.catalogue import Catalogue
    from bot.content.packs import STAND_IN

    try:
        pack = Catalogue.load(config.content).packs.get(config.library)
    except Exception:  # broken content: the content check reports it
        return []
    role = pack.roles.get(STAND_IN) if pack else None
    if role is None:
        return []
    absent = pack.roles[role.stands_in_for or "director"].display
    if config.members(STAND_IN):
        return [Finding("ok", f"roles.{STAND_IN}: {len(config.members(STAND_IN))} people act "
                        f"for the {absent} when they are away")]
    return [Finding("warn", f"roles.{STAND_IN}: nobody is set, but the policy names the "
                    f"{role.display} to act in the {absent}'s absence; pages for an absent "
                    "Director go to the privacy in-charge instead. Add their Slack user ids")]


def slack(config: Config, secrets: ChannelSecrets) -> list[Finding]:
    """The bot token, the roles and the escalation channel, as Slack sees them."""
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    from bot.config import SlackSecrets
    from bot.content.catalogue import Catalogue
    from bot.faces.slack import preflight

    found = [Finding("error", line) for line in
             preflight.role_problems(config, Catalogue.load(config.content))]
    tokens = SlackSecrets.from_env()
    if not tokens.bot_token:
        return [*found, Finding("error", "SLACK_BOT_TOKEN is not set: serve cannot start")]
    if not tokens.signing_secret and not tokens.app_token:
        found.append(Finding("error", "neither SLACK_SIGNING_SECRET (serve --http) nor "
                             "SLACK_APP_TOKEN (serve --socket) is set"))
    kwargs = {"base_url": tokens.api_url} if tokens.api_url else {}
    client = WebClient(token=tokens.bot_token, timeout=10, **kwargs)
    try:
        who = client.auth_test()
    except SlackApiError as exc:
        error = (exc.response.data or {}).get("error") if isinstance(exc.response.data,
                                                                        dict) else None
        return [*found, Finding("error", f"SLACK_BOT_TOKEN: Slack refused it ({error})")]
    except OSError as exc:
        return [*found, Finding("error", f"Slack: cannot reach {client.base_url}: {exc}")]
    found.append(Finding("ok", f"Slack: token accepted (workspace {who.get('team')}, "
                         f"bot {who.get('user_id')})"))
    problems = preflight.slack_problems(config, client)
    found += [Finding("error", line) for line in problems]
    if not problems:
        people = sum(len(config.members(r)) for r in preflight.ROLES)
        channel = config.escalation.channel or "none"
        found.append(Finding("ok", f"roles: {people} people found in Slack; escalation "
                             f"channel: {channel}"))
    return found


CHECKS: list[Check] = [settings, ladder, channel_secrets, database, content, stand_in, slack]


def diagnose(config: Config, secrets: ChannelSecrets | None = None) -> list[Finding]:
    secrets = secrets or ChannelSecrets.from_env()
    return [finding for check in CHECKS for finding in check(config, secrets)]
