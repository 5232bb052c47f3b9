"""Pages by phone call (Twilio): the script, its TwiML, and the channel.

The call reads the page with ``<Say>`` inside a ``<Gather>`` that takes one key: pressing 1
posts ``Digits=1`` to ``/twilio/voice`` with the call's one-time token in the query (the
request is signed by Twilio). Without a public URL there is nowhere for the key press to go,
so the call says to acknowledge in Slack or by replying to the text instead.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from bot.channels.page import Page, facts
from bot.channels.twilio import TwilioClient

VOICE = "alice"


def voice_script(page: Page) -> str:
    """What the call says (plain sentences, read twice)."""
    f = facts(page)
    name = f"{f['name']}, this" if f["name"] else "This"
    text = (f"{name} is frontdesk, paging the {f['role']} of {f['library']}. "
            f"{'Immediate' if f['urgent'] else 'Prompt'} attention: {f['situation']}.")
    if f["headline"]:
        text += f" {f['headline']}."
    text += " Details are in Slack and in your email."
    return text


def render_twiml(page: Page, *, gather_url: str | None) -> str:
    """The call's TwiML: the script, then press 1 to acknowledge (``gather_url`` set)."""
    say = f"<Say voice={quoteattr(VOICE)}>{escape(voice_script(page))}</Say>"
    if gather_url is None:
        return ("<Response>" + say + f"<Say voice={quoteattr(VOICE)}>To acknowledge, use Slack "
                "or reply 1 to the text message. Goodbye.</Say></Response>")
    prompt = f"<Say voice={quoteattr(VOICE)}>Press 1 to acknowledge this page.</Say>"
    return (f"<Response><Gather numDigits=\"1\" timeout=\"8\" method=\"POST\" "
            f"action={quoteattr(gather_url)}>{say}{prompt}{say}{prompt}</Gather>"
            f"<Say voice={quoteattr(VOICE)}>No key was pressed. The page stays open. "
            "Goodbye.</Say></Response>")


def reply_twiml(text: str) -> str:
    return f"<Response><Say voice={quoteattr(VOICE)}>{escape(text)}</Say></Response>"


class VoiceChannel:
    name = "voice"

    def __init__(self, client: TwilioClient):
        self.client = client

    def send(self, page: Page) -> str:
        gather = f"{page.public_url}/twilio/voice?token={page.token}" if page.public_url else None
        form = {"To": page.address, "From": self.client.config.sender,
                "Twiml": render_twiml(page, gather_url=gather)}
        if page.callback_url:
            form["StatusCallback"] = page.callback_url
        return self.client.create("Calls", form)

    def find(self, page: Page) -> str | None:
        if not page.callback_url:
            return None
        return self.client.find("Calls", page.address, page.created_at, page.key)
