"""Pages by text message (Twilio): the renderer and the channel.

A text is at most ``SMS_LIMIT`` characters of plain GSM-friendly text (no emoji: one emoji
turns the whole message into UCS-2 and halves what fits). The situation and the outcome's
headline are shortened to fit; the page's code and the way to acknowledge always fit.

Every text carries a short **page code** (``page_code``: four characters of the escalation
id). A reply of ``1`` or ``ACK`` acknowledges the one page waiting for that person;
``ACK <code>`` picks one when several are waiting (``bot.channels.web`` answers a bare ``1``
then with the list of codes rather than guessing, or acknowledging pages the person may not
have read yet).
"""

from __future__ import annotations

from bot.channels.page import Page, facts, stand_down_line
from bot.channels.twilio import TwilioClient

SMS_LIMIT = 320


def _fit(text: str, room: int) -> str:
    if room <= 1:
        return ""
    return text if len(text) <= room else text[: room - 1].rstrip() + "…"


def page_code(escalation_id: str) -> str:
    """The short code a text names its page by (``ACK <code>``)."""
    return escalation_id[-4:].upper()


def render_sms(page: Page) -> str:
    """The text message for ``page`` (or its stand-down); never longer than ``SMS_LIMIT``."""
    if page.stand_down is not None:
        head = f"frontdesk page {page_code(page.escalation_id)}: "
        return head + _fit(stand_down_line(page), SMS_LIMIT - len(head))
    f = facts(page)
    code = page_code(page.escalation_id)
    repeat = " (again)" if f["repeat"] else ""
    head = f"frontdesk {f['urgency']} page{repeat} for the {f['role']}, {f['library']}: "
    if f["ack_url"]:
        tail = f" Page {code}: reply 1 (or ACK {code}) or open {f['ack_url']}"
    else:
        tail = f" Page {code}: reply 1 (or ACK {code}) to acknowledge, or use Slack."
    room = SMS_LIMIT - len(head) - len(tail)
    body = f["situation"] + "."
    if f["headline"]:
        body += f" {f['headline']}."
    if len(body) > room:
        head = f"frontdesk {f['urgency']} page{repeat}: "
        room = SMS_LIMIT - len(head) - len(tail)
    return head + _fit(body, room) + tail


class SmsChannel:
    name = "sms"

    def __init__(self, client: TwilioClient):
        self.client = client

    def send(self, page: Page) -> str:
        form = {"To": page.address, "From": self.client.config.sender, "Body": render_sms(page)}
        if page.callback_url:
            form["StatusCallback"] = page.callback_url
        return self.client.create("Messages", form)

    def find(self, page: Page) -> str | None:
        if not page.callback_url:
            return None  # without a status callback Twilio's list cannot tell us apart
        return self.client.find("Messages", page.address, page.created_at, page.key)
