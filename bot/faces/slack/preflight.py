"""Before serving: do the roles and the escalation channel exist in Slack, and can the bot
reach them?

``problems(config, catalogue, client)`` asks Slack (``users.info``, ``conversations.info``;
the token itself is checked by ``auth.test`` when the app is built) and returns one line per
problem. ``frontdesk serve`` refuses to start on the first one; ``frontdesk doctor`` prints
them all. A role the library's policy names must have someone in it, and every member must be
a Slack user id of a person who is active: ``privacy-in-charge = ["jane.smith"]`` is a name,
not an id, and is refused instead of being posted to as if it were a channel.
"""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.config import Config
from bot.content.catalogue import Catalogue
from bot.mrkdwn import is_channel_id, is_user_id

ROLES = ("privacy-in-charge", "director")


def _error(exc: SlackApiError) -> str:
    data = exc.response.data if isinstance(exc.response.data, dict) else {}
    return str(data.get("error") or exc.response.status_code)


def role_problems(config: Config, catalogue: Catalogue) -> list[str]:
    """What is wrong with ``[roles]`` without asking Slack: empty roles, ids that are not ids."""
    pack = catalogue.packs.get(config.library)
    named = [r for r in ROLES if pack is None or r in pack.roles]
    found = []
    for role in named:
        if not config.members(role):
            title = pack.roles[role].display if pack and role in pack.roles else role
            found.append(f"roles.{role}: nobody is set (the policy's {title} must be paged); "
                         "add their Slack user id")
    for role in ROLES:
        for member in config.members(role):
            if not is_user_id(member):
                found.append(f"roles.{role}: {member!r} is not a Slack user id (like U0123ABCD;"
                             " in Slack: profile → ⋮ → Copy member ID)")
    channel = config.escalation.channel
    if channel and not is_channel_id(channel):
        found.append(f"escalation.channel: {channel!r} is not a Slack channel id (like C0123ABCD;"
                     " in Slack: channel details → the ID at the bottom)")
    return found


def slack_problems(config: Config, client: WebClient) -> list[str]:
    """What Slack says about every role member and the escalation channel."""
    found = []
    for role in ROLES:
        for member in config.members(role):
            if not is_user_id(member):
                continue  # reported by role_problems
            try:
                user = client.users_info(user=member).get("user") or {}
            except SlackApiError as exc:
                found.append(f"roles.{role}: {member}: Slack says {_error(exc)}")
                continue
            if user.get("deleted"):
                found.append(f"roles.{role}: {member}: the account is deactivated")
            elif user.get("is_bot"):
                found.append(f"roles.{role}: {member}: is a bot, not a person")
    channel = config.escalation.channel
    if channel and is_channel_id(channel):
        try:
            info = client.conversations_info(channel=channel).get("channel") or {}
        except SlackApiError as exc:
            found.append(f"escalation.channel: {channel}: Slack says {_error(exc)}")
        else:
            if info.get("is_archived"):
                found.append(f"escalation.channel: {channel}: the channel is archived")
            elif info.get("is_member") is False:
                found.append(f"escalation.channel: {channel}: the bot is not in it "
                             "(/invite @frontdesk there)")
    return found


def problems(config: Config, catalogue: Catalogue, client: WebClient) -> list[str]:
    """Every problem, the ones found without Slack first."""
    return role_problems(config, catalogue) + slack_problems(config, client)
