"""The Slack channel: its transport (post, edit, find) and its messages (Block Kit)."""

from bot.channels.slack.transport import Posted, SlackTransport, Transport

__all__ = ["Posted", "SlackTransport", "Transport"]
