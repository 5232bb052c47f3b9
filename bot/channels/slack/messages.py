"""Slack messages for paging, built with slack_sdk's Block Kit models.

Every message carries the outbox idempotency key in its ``metadata`` (``event_type``
``frontdesk_page`` etc.), so a delivery whose result is unknown can be found in the channel's
history instead of being posted twice. The packet holds only redacted text.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
    SectionBlock,
)
from slack_sdk.models.metadata import Metadata
from slack_sdk.models.views import View

from bot.escalation.endings import ENDINGS
from bot.escalation.records import format_utc
from bot.escalation.states import State
from bot.mrkdwn import channel as _channel
from bot.mrkdwn import escape, link, mention

ACK_ACTION = "escalation_ack"
RESOLVE_ACTION = "escalation_resolve"
RESOLVE_MODAL = "escalation_resolve_modal"
NOTE_BLOCK = "resolve_note"
NOTE_ACTION = "note"
ENDING_BLOCK = "resolve_ending"
ENDING_ACTION = "ending"

EVENT_TYPES = {
    "page": "frontdesk_page",
    "notice": "frontdesk_notice",
    "status": "frontdesk_status",
    "reminder": "frontdesk_reminder",
}
SECTION_LIMIT = 2900
URGENCY_LABEL = {"immediate": "IMMEDIATE", "prompt": "prompt", "none": "prompt"}


def _cut(text: str, limit: int = SECTION_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _md(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=_cut(text)))


def who(user_id: str | None) -> str:
    """A Slack mention for a Slack user id, the id as plain (escaped) text for anyone else."""
    return mention(user_id)


def where(channel_id: str) -> str:
    return _channel(channel_id)


CHANNEL_WORDS = {"slack": "Slack", "sms": "text", "email": "email", "voice": "phone call"}


def channel_list(via: tuple[str, ...] | list[str]) -> str:
    """``("slack", "sms", "email")`` → ``Slack, text and email``."""
    words = [CHANNEL_WORDS.get(c, c) for c in via]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def metadata(kind: str, key: str, escalation_id: str | None) -> dict[str, Any]:
    payload: dict[str, Any] = {"idempotency_key": key}
    if escalation_id:
        payload["escalation_id"] = escalation_id
    return Metadata(event_type=EVENT_TYPES.get(kind, "frontdesk_message"),
                    event_payload=payload).to_dict()


def packet_blocks(packet: dict[str, Any]) -> list[Block]:
    """Situation, urgency, who asked and where, the path of answers, the outcome and citations.

    Every text of the packet (typed by staff, or taken from content) is escaped here, where it
    goes into mrkdwn: nothing in it can mention, notify or link."""
    blocks: list[Block] = []
    asked = f"*Asked by* {who(packet.get('asked_by'))} ({escape(packet.get('face', 'slack'))})"
    if packet.get("permalink"):
        asked += f" — {link(packet['permalink'], 'open the thread')}"
    situation = packet.get("situation_title") or "Unrouted question"
    urgency = URGENCY_LABEL.get(packet.get("urgency", ""), packet.get("urgency"))
    blocks.append(_md(
        f"*Situation:* {escape(situation)}\n"
        f"*Urgency:* {escape(urgency)}\n"
        f"*Why paged:* {escape(packet.get('reason_text', packet.get('reason')))}\n{asked}"
    ))
    if packet.get("question"):
        blocks.append(_md(f"*What staff asked (redacted):* {escape(packet['question'])}"))
    path = packet.get("path") or []
    if path:
        lines = [f"• {escape(step['question'])} → *{escape(step['answer'])}*" for step in path]
        blocks.append(_md("*Answers so far:*\n" + "\n".join(lines)))
    outcome = packet.get("outcome")
    if outcome:
        text = (f"*Outcome:* {escape(outcome['headline'])} — decision "
                f"*{escape(outcome['decision'])}*")
        if outcome.get("do"):
            text += "\n" + "\n".join(f"{i}. {escape(s)}" for i, s in enumerate(outcome["do"], 1))
        blocks.append(_md(text))
        cites = outcome.get("citations") or []
        if cites:
            lines = [f"*[{escape(c['clause'])}] {escape(c['title'])}* — "
                     f"{escape(_cut(c['text'], 400))}" for c in cites]
            blocks.append(_md(f"*Policy ({escape(packet.get('library_name', ''))}):*\n"
                              + "\n".join(lines)))
    if packet.get("hold"):
        hold = packet["hold"]
        counted = (f" counted from {format_utc(hold['started_at'])}"
                   if hold.get("started_at") else "")
        blocks.append(_md(f"*Deadline started:* {escape(hold['kind'])}, {escape(hold['days'])} "
                          f"days{counted} (due {format_utc(hold.get('due_at'))})."))
    return blocks


def _headline(packet: dict[str, Any]) -> str:
    return str((packet.get("outcome") or {}).get("headline") or "")


def role_titles(packet: dict[str, Any]) -> tuple[str, str]:
    """(in-charge, director) as the library's policy titles them, escaped for Slack."""
    roles = packet.get("roles") or {}
    return (escape(roles.get("privacy-in-charge") or "privacy in-charge"),
            escape(roles.get("director") or "director"))


def page_message(packet: dict[str, Any], *, escalation_id: str, key: str, level: int,
                 repeat: int, state: dict[str, Any] | None = None) -> dict[str, Any]:
    """The page (DM or channel post). ``state`` set: the same page after ack/resolve/expiry."""
    urgent = packet.get("urgency") == "immediate"
    situation = packet.get("situation_title") or "question from the desk"
    title = f"{'🚨 ' if urgent else ''}Page: {situation}"
    pic, director = role_titles(packet)
    level_text = pic if level == 1 else f"{director} (no acknowledgement in time)"
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=_cut(title, 150))),
        ContextBlock(elements=[MarkdownTextObject(
            text=f"Escalation `{escalation_id}` · paging the {level_text}"
                 + (f" · repeat {repeat}" if repeat else "")
        )]),
        *([_md(f"✏️ *The desk corrected the case: now {escape(_headline(packet))}*")]
          if packet.get("corrected_from") else []),
        *packet_blocks(packet),
        DividerBlock(),
    ]
    if state is None or state.get("state") == State.TRIGGERED:
        blocks.append(ActionsBlock(block_id=f"escalation:{escalation_id}", elements=[
            ButtonElement(text="Acknowledge", action_id=ACK_ACTION, value=escalation_id,
                          style="primary"),
            ButtonElement(text="Resolve", action_id=RESOLVE_ACTION, value=escalation_id),
        ]))
    else:
        blocks.append(_md(state_line(state, packet.get("acked_via"))))
        if state.get("state") in (State.ACKNOWLEDGED, State.EXPIRED):
            blocks.append(ActionsBlock(block_id=f"escalation:{escalation_id}", elements=[
                ButtonElement(text="Resolve", action_id=RESOLVE_ACTION, value=escalation_id),
            ]))
    fallback = (f"Page ({escape(packet.get('urgency'))}): "
                f"{escape(packet.get('situation_title') or 'question')}"
                f" — asked by {who(packet.get('asked_by'))}. Escalation {escalation_id}.")
    return {"text": fallback, "blocks": [b.to_dict() for b in blocks],
            "metadata": metadata("page", key, escalation_id)}


ACK_VIA = {"sms": "by text reply", "voice": "by phone", "link": "with the link in a text or "
           "email", "terminal": "in the terminal"}


def ack_how(via: str | None) -> str:
    """" (by text reply)": the channel an acknowledgement came through; nothing for Slack."""
    if not via or via == "slack":
        return ""
    return f" ({ACK_VIA.get(via, escape(via))})"


def state_line(state: dict[str, Any], acked_via: str | None = None) -> str:
    s = state.get("state")
    if s == State.ACKNOWLEDGED:
        return (f"✅ Acknowledged by {who(state.get('acked_by'))} "
                f"at {format_utc(state.get('acked_at'))}{ack_how(acked_via)}.")
    if s == State.RESOLVED:
        line = (f"☑️ Resolved by {who(state.get('resolved_by'))} "
                f"at {format_utc(state.get('resolved_at'))}.")
        if state.get("ending"):
            line += f" {escape(state['ending'])}."
        if state.get("resolve_note"):
            line += f"\nNote: {escape(state['resolve_note'])}"
        return line
    if s == State.EXPIRED:
        return f"⚠️ Nobody acknowledged in time; expired at {format_utc(state.get('expired_at'))}."
    return ""


#: How the director's notice says a page it arrives after has ended (``notice_message``).
NOTICE_ENDED: dict[str, str] = {State.ACKNOWLEDGED: "was acknowledged",
                                 State.RESOLVED: "was resolved",
                                 State.EXPIRED: "expired with nobody acknowledging"}


def notice_message(packet: dict[str, Any], *, escalation_id: str, key: str,
                   state: dict[str, Any] | None = None) -> dict[str, Any]:
    """The director's automatic notice: the same packet, no buttons (it is not a page).
    ``state`` (``records.page_state``): how the escalation stands when the notice is posted.
    One posted after the page ended (Slack was out until then: review 13) says how it ended,
    not that someone "is being paged"."""
    title = role_titles(packet)[0]
    ended = NOTICE_ENDED.get(str(state.get("state"))) if state is not None else None
    if state is None or ended is None:
        line = (f"the {title} is being paged. You will be paged if nobody acknowledges in "
                "time.")
        short = f"the {title} is being paged."
    else:
        line = f"the {title} was paged. {state_line(state, packet.get('acked_via'))}"
        short = f"the {title} was paged; the page {ended}."
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=_cut(
            f"For your information: {packet.get('situation_title') or 'question from the desk'}",
            150))),
        ContextBlock(elements=[MarkdownTextObject(
            text=f"Escalation `{escalation_id}` · {line}")]),
        *packet_blocks(packet),
    ]
    situation = escape(packet.get("situation_title") or "question")
    return {"text": f"Notice: escalation {escalation_id} ({situation}) — {short}",
            "blocks": [b.to_dict() for b in blocks],
            "metadata": metadata("notice", key, escalation_id)}


def text_message(kind: str, text: str, *, key: str, escalation_id: str | None) -> dict[str, Any]:
    """A short status or reminder (asker's thread, channel, DM)."""
    return {"text": _cut(text, 3000), "blocks": [_md(text).to_dict()],
            "metadata": metadata(kind, key, escalation_id)}


def resolve_modal(escalation_id: str) -> dict[str, Any]:
    return View(
        type="modal",
        callback_id=RESOLVE_MODAL,
        private_metadata=escalation_id,
        title=PlainTextObject(text="Resolve escalation"),
        submit=PlainTextObject(text="Resolve"),
        close=PlainTextObject(text="Cancel"),
        blocks=[
            _md(f"Resolve escalation `{escalation_id}`. Do not type patron names, card numbers "
                "or contact details: the note is kept in the case record."),
            InputBlock(  # how it ended: the choice the record keeps (endings.ENDINGS)
                block_id=ENDING_BLOCK,
                label=PlainTextObject(text="How did it end?"),
                element=RadioButtonsElement(action_id=ENDING_ACTION, options=[
                    Option(value=ending, text=PlainTextObject(text=label))
                    for ending, label in ENDINGS.items()]),
            ),
            InputBlock(
                block_id=NOTE_BLOCK,
                optional=True,
                label=PlainTextObject(text="Note (optional): only what the choice above "
                                           "does not say"),
                element=PlainTextInputElement(action_id=NOTE_ACTION, multiline=True,
                                              max_length=1000),
            ),
        ],
    ).to_dict()
