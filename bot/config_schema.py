"""The one description of every setting: which keys a config file may hold, of what type, with
what default and meaning, and which environment variables the bot reads.

``bot.config.parse_config`` checks every file against ``SETTINGS`` (an unknown key or a value of
the wrong type is one line naming the key), and the settings and environment reference in
docs/operations.md is ``reference_markdown()``'s output (a test keeps the two equal). A new
setting is a row here plus its parsing in ``bot.config``; ``tests/test_config_reference.py``
fails until both agree and the doc is regenerated:

    python -m bot.config_schema --write docs/operations.md

Keys are dotted paths. A segment ``<name>`` stands for any name (``roles.<role>``) or, with
``names``, one of a fixed set; ``[]`` marks the items of a list of tables.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CHANNEL_NAMES = ("slack", "sms", "email", "voice")
URGENCIES = ("immediate", "prompt")


@dataclass(frozen=True)
class Setting:
    """One key of the config file. ``type`` is one of ``TYPES``; ``default`` as TOML shows it
    (None: unset); ``names`` limits a ``<placeholder>`` segment; ``env`` overrides the file."""

    key: str
    type: str
    help: str
    default: str | None = None
    names: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    env: str | None = None


@dataclass(frozen=True)
class EnvVar:
    """One environment variable the bot reads. Secrets live only here, never in the file."""

    name: str
    help: str
    secret: bool = False


def _is(kind: type | tuple[type, ...]) -> Any:
    return lambda v: isinstance(v, kind) and not isinstance(v, bool)


TYPES: dict[str, tuple[str, Any]] = {
    # type → (what a wrong value is told it must be, the check)
    "string": ("a string", _is(str)),
    "integer": ("a whole number", _is(int)),
    "number": ("a number", _is((int, float))),
    "boolean": ("true or false", lambda v: isinstance(v, bool)),
    "list of strings": ("a list of strings",
                        lambda v: isinstance(v, list) and all(isinstance(i, str) for i in v)),
    "table": ("a table", lambda v: isinstance(v, dict)),
    "list of tables": ("a list of tables",
                       lambda v: isinstance(v, list) and all(isinstance(i, dict) for i in v)),
}

SETTINGS: tuple[Setting, ...] = (
    Setting("library", "string", "The library whose policy pack the bot follows "
            "(a folder under knowledge/).", '"mount-prospect"'),
    Setting("content", "string", "The library's own content folder (knowledge/<library>/, "
            "optionally flows/); relative to this file. Unset: `--content`, "
            "`FRONTDESK_CONTENT`, or the bundled demo.", env="FRONTDESK_CONTENT"),
    Setting("database_url", "string", "SQLAlchemy URL of the database: `sqlite:///…` or "
            "`postgresql+psycopg://user@host/db`. Unset: SQLite in the per-user data folder.",
            env="FRONTDESK_DATABASE_URL"),
    Setting("slash_command", "string", "The Slack slash command (as in the app manifest).",
            '"/frontdesk"'),
    Setting("retention_days", "integer", "Case content older than this is purged daily "
            "(aggregate counts are kept).", "365"),
    Setting("roles", "table", "Who holds each role, as Slack user ids."),
    Setting("roles.<role>", "list of strings", "Slack user ids of the people holding the "
            "role; the policy pack gives the role's title. `stand-in`: whoever the pack's "
            "policy names to act in the Director's absence (Westmont: the staff member in "
            "charge of the library), paged in the Director's place once staff say the "
            "Director is away (the director is notified); `frontdesk doctor` warns when the "
            "pack names one and nobody is set. `reviewers` (e.g. board members) may see the "
            "review site's dashboards without being paged.", "[]",
            names=("privacy-in-charge", "director", "stand-in", "reviewers")),
    Setting("escalation", "table", "How pages climb."),
    Setting("escalation.channel", "string", "A Slack channel id every page is also posted in."),
    Setting("escalation.ack_timeout_seconds", "table", "Seconds to acknowledge before the "
            "next level is paged, per urgency."),
    Setting("escalation.ack_timeout_seconds.<urgency>", "integer", "Seconds for this urgency "
            "(immediate: 180, prompt: 900).", names=URGENCIES),
    Setting("escalation.repeat", "integer", "How many times the whole cycle of levels "
            "repeats before the page expires.", "2"),
    Setting("escalation.ladder", "table", "Per urgency, the steps of each level: after how "
            "many seconds which channels page. Unset: Slack, then the configured text, call "
            "and email channels."),
    Setting("escalation.ladder.<urgency>", "list of tables", "The steps, in time order, "
            'e.g. `[{after_seconds = 0, via = ["slack", "sms"]}, {after_seconds = 120, '
            'via = ["voice"]}]`.', names=URGENCIES),
    Setting("escalation.ladder.<urgency>[].after_seconds", "integer", "Seconds into the "
            "level; before its ack timeout.", "0"),
    Setting("escalation.ladder.<urgency>[].via", "list of strings", "Channels this step "
            "pages through.", choices=CHANNEL_NAMES),
    Setting("people", "table", "How to reach people named under [roles] outside Slack."),
    Setting("people.<slack-id>", "table", "One person, by Slack user id."),
    Setting("people.<slack-id>.name", "string", "Their name, as pages and the web say it."),
    Setting("people.<slack-id>.email", "string", "Email address for email pages."),
    Setting("people.<slack-id>.sms", "string", "Mobile number (E.164, +15555550100) for "
            "text pages."),
    Setting("people.<slack-id>.voice", "string", "Phone number (E.164) for voice calls."),
    Setting("email", "table", "The SMTP server email pages go through (password: "
            "`FRONTDESK_SMTP_PASSWORD`)."),
    Setting("email.smtp_url", "string", "`smtp://`, `smtps://` or `smtp+starttls://` "
            "user@host:port."),
    Setting("email.from", "string", "The sender address."),
    Setting("twilio", "table", "Texts and calls through Twilio (auth token: "
            "`TWILIO_AUTH_TOKEN`)."),
    Setting("twilio.api_url", "string", "Twilio's REST API base URL.",
            '"https://api.twilio.com"'),
    Setting("twilio.account_sid", "string", "The account SID (AC…)."),
    Setting("twilio.from", "string", "The sending number (E.164)."),
    Setting("web", "table", "The public web address of `frontdesk serve --http`."),
    Setting("web.public_url", "string", "Where acknowledgement links and Twilio's webhooks "
            "point, e.g. https://bot.example.org."),
    Setting("contacts", "table", "Overrides of the policy pack's contacts."),
    Setting("contacts.<name>", "string", "e.g. `if_no_answer`: what staff are told to do "
            "when nobody acknowledges."),
    Setting("phones", "table", "Numbers staff are told to phone when a page cannot be "
            "delivered."),
    Setting("phones.<name>", "string", "By role (privacy-in-charge, director: the pack's "
            "title is shown) or any other name."),
    Setting("schedule", "table", "The background of `frontdesk serve`."),
    Setting("schedule.tick_seconds", "number", "How often deadlines are checked (0–3600).",
            "5"),
    Setting("schedule.weekly_digest", "boolean", "Send the director's weekly digest DM.",
            "true"),
    Setting("schedule.digest_weekday", "string", "The digest's day.", '"monday"',
            choices=("monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                     "sunday")),
    Setting("schedule.digest_hour", "integer", "The digest's hour, 0–23 (server local "
            "time).", "8"),
    Setting("schedule.inbox_lease_seconds", "number", "How long a Slack request accepted by "
            "one process, not yet started, is left to it before another process takes it "
            "over; renewed while that process still works on it (0–3600).", "30"),
)

ENVIRONMENT: tuple[EnvVar, ...] = (
    EnvVar("FRONTDESK_CONFIG", "The settings file (same as `--config`)."),
    EnvVar("FRONTDESK_DATABASE_URL", "The database; wins over `database_url`."),
    EnvVar("FRONTDESK_CONTENT", "The library's content folder (same as `--content`)."),
    EnvVar("FRONTDESK_CACHE", "Where the parsed content and the router's index are cached "
           "(default: the user's cache folder)."),
    EnvVar("FRONTDESK_FORMS_DIR", "Where `frontdesk chat` writes filled-in forms."),
    EnvVar("FRONTDESK_AUDIT_KEY", "The audit trail's HMAC key (unset: plain SHA-256, which "
           "cannot show who rewrote it).", secret=True),
    EnvVar("FRONTDESK_AUDIT_CHECKPOINTS", "A file outside the database where serve and worker "
           "append the audit trail's head (checkpoints) every 5 minutes."),
    EnvVar("SLACK_BOT_TOKEN", "The bot token (xoxb-…).", secret=True),
    EnvVar("SLACK_SIGNING_SECRET", "Verifies Slack's requests (`serve --http`).",
           secret=True),
    EnvVar("SLACK_APP_TOKEN", "The app-level token (xapp-…, `serve --socket`).", secret=True),
    EnvVar("SLACK_CLIENT_ID", "The Slack app's client id: Sign in with Slack on the review "
           "site."),
    EnvVar("SLACK_CLIENT_SECRET", "The Slack app's client secret (review site sign-in).",
           secret=True),
    EnvVar("FRONTDESK_SESSION_SECRET", "Signs the review site's session cookies.", secret=True),
    EnvVar("SLACK_API_URL", "Another Slack Web API base URL (tests, proxies)."),
    EnvVar("FRONTDESK_SMTP_PASSWORD", "The SMTP password for [email].", secret=True),
    EnvVar("TWILIO_AUTH_TOKEN", "Twilio's auth token for [twilio] (also checks its "
           "webhooks).", secret=True),
    EnvVar("FRONTDESK_LINK_SECRET", "Signs the acknowledgement links in texts, emails and "
           "calls (required with [web] public_url; any long random string, e.g. `openssl rand "
           "-base64 32`; changing it voids the links already sent).", secret=True),
    EnvVar("FRONTDESK_LOG_FORMAT", "`text` or `json` (same as `--log-format`)."),
    EnvVar("FRONTDESK_LOG_LEVEL", "`debug`, `info` (default), `warning` or `error` (same as "
           "`--log-level`)."),
    EnvVar("NO_COLOR", "Set (to anything): the terminal prints without colours."),
    EnvVar("PORT", "`serve --http`'s port when `--port` is not given (default 3000)."),
)


# --- validation ----------------------------------------------------------------------------


def _segments(key: str) -> list[str]:
    return key.split(".")


def _matches(pattern: str, segment: str, setting: Setting) -> bool:
    if pattern.endswith("[]"):
        return False
    if pattern.startswith("<"):
        return not setting.names or segment in setting.names
    return pattern == segment


def _children(parent: str) -> list[Setting]:
    """The settings directly under ``parent`` (a schema key, "" for the top)."""
    depth = len(_segments(parent)) if parent else 0
    return [s for s in SETTINGS if len(_segments(s.key)) == depth + 1
            and (not parent or s.key.startswith(parent + "."))]


def _unknown(parent: str) -> str:
    siblings = _children(parent)
    placeholders = [s for s in siblings if _segments(s.key)[-1].startswith("<")]
    if placeholders and placeholders[0].names:
        what = _segments(placeholders[0].key)[-1].strip("<>").rstrip("[]").replace("-", " ")
        return f"unknown {what} (expected {_either(placeholders[0].names)})"
    names = [_segments(s.key)[-1] for s in siblings]
    return f"unknown setting (expected {_either(names)})"


def _either(names: tuple[str, ...] | list[str]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def problems(data: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(key, message) for every key of ``data`` (a parsed TOML document) that ``SETTINGS``
    does not allow, or whose value has the wrong type; keys as the file spells them. Values
    (ranges, ``choices``, formats) are ``bot.config``'s to check, with messages that say why."""
    yield from _walk(data, "", "")


def _walk(table: dict[str, Any], path: str, parent: str) -> Iterator[tuple[str, str]]:
    for name, value in table.items():
        where = f"{path}.{name}" if path else name
        setting = next((s for s in _children(parent)
                        if _matches(_segments(s.key)[-1], name, s)), None)
        if setting is None:
            yield where, _unknown(parent)
            continue
        what, ok = TYPES[setting.type]
        if value is None:  # not in TOML; a dict built in code may say "unset" so
            continue
        if not ok(value):
            yield where, f"must be {what}, got {value!r}"
            continue
        if setting.type == "table":
            yield from _walk(value, where, setting.key)
        elif setting.type == "list of tables":
            for index, item in enumerate(value):
                yield from _walk(item, f"{where}[{index}]", setting.key + "[]")


# --- the reference -------------------------------------------------------------------------

BEGIN = "<!-- settings reference: generated by `python -m bot.config_schema`; do not edit -->"
END = "<!-- end of the settings reference -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def reference_markdown() -> str:
    """The settings and environment reference, as docs/operations.md holds it."""
    lines = [BEGIN, "", "### Settings (the TOML file)", "",
             "| Key | Type | Default | Meaning |", "| --- | --- | --- | --- |"]
    for s in SETTINGS:
        meaning = s.help
        if s.names:
            meaning += f" One of: {', '.join(f'`{n}`' for n in s.names)}."
        if s.choices:
            meaning += f" Values: {', '.join(f'`{c}`' for c in s.choices)}."
        if s.env:
            meaning += f" `{s.env}` wins over it."
        default = f"`{s.default}`" if s.default is not None else "—"
        lines.append(f"| `{_cell(s.key)}` | {s.type} | {_cell(default)} | {_cell(meaning)} |")
    lines += ["", "### Environment", "", "| Variable | Secret | Meaning |", "| --- | --- | --- |"]
    for v in ENVIRONMENT:
        lines.append(f"| `{v.name}` | {'yes' if v.secret else 'no'} | {_cell(v.help)} |")
    lines += ["", END]
    return "\n".join(lines)


REFERENCE = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.S)


def write_reference(doc: Path) -> bool:
    """Replace the reference in ``doc``; True when it changed."""
    text = doc.read_text(encoding="utf-8")
    if not REFERENCE.search(text):
        raise SystemExit(f"{doc}: no reference markers ({BEGIN})")
    updated = REFERENCE.sub(lambda _m: reference_markdown(), text)
    if updated != text:
        doc.write_text(updated, encoding="utf-8")
    return updated != text


if __name__ == "__main__":  # pragma: no cover - a maintainer's tool
    if len(sys.argv) == 3 and sys.argv[1] == "--write":
        print("updated" if write_reference(Path(sys.argv[2])) else "unchanged")
    else:
        print(reference_markdown())
