"""Slack mrkdwn: the one way text reaches a Slack message.

Slack reads ``<…>`` in message text as a control sequence: ``<!channel>``, ``<!here>``,
``<!everyone>`` and ``<!subteam^S1>`` notify people, ``<@U1>`` mentions, ``<#C1>`` links a
channel and ``<https://x|label>`` disguises a link. Anything a person typed (an opening
question, a typed answer, a resolve note, a display name) and anything content says goes
through ``escape`` before it is put into mrkdwn, so it shows literally and can never become
one of those. The bot's own control sequences are built only here, from ids and URLs checked
to be what they claim (``mention``, ``channel``, ``link``, ``date``).
"""

from __future__ import annotations

import re

_USER_ID = re.compile(r"^[UW][A-Z0-9]{1,30}$")
_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{1,30}$")
_URL = re.compile(r"^https://[^\s<>|]+$")


def escape(text: object) -> str:
    """``text`` with Slack's three control characters as entities (``&amp;`` ``&lt;`` ``&gt;``).

    Always escape raw text exactly once, where it is put into mrkdwn: an ``&lt;`` typed by a
    person shows as ``&lt;``, not as ``<``.
    """
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def is_user_id(value: str | None) -> bool:
    return bool(value) and bool(_USER_ID.match(value or ""))


def is_channel_id(value: str | None) -> bool:
    return bool(value) and bool(_CHANNEL_ID.match(value or ""))


def mention(user_id: str | None, fallback: str = "someone") -> str:
    """``<@U…>`` for a Slack user id; anything else (a terminal user) escaped as plain text."""
    if is_user_id(user_id):
        return f"<@{user_id}>"
    return escape(user_id or fallback)


def channel(channel_id: str) -> str:
    """``<#C…>`` for a channel id, a mention for a user id, else the id escaped."""
    if is_channel_id(channel_id):
        return f"<#{channel_id}>"
    return mention(channel_id)


def link(url: str | None, label: str) -> str:
    """``<url|label>`` for an https URL with no control characters; else the label alone."""
    clean = escape(label).replace("|", "¦")
    if url and _URL.match(url):
        return f"<{url}|{clean}>"
    return clean


def date(epoch: int, token: str, fallback: str) -> str:
    """Slack date formatting (each reader's own time zone), with an escaped fallback."""
    return f"<!date^{int(epoch)}^{escape(token)}|{escape(fallback)}>"
