"""Rendering the escalation core's outbox rows as Slack messages, at delivery.

The core queues what happened, not how it reads: a row's payload names what to render
(``render``: ``page``, ``notice``, ``status``, ``expired-channel``, ``reminder``) with the
structured facts it needs (ids, levels, who, through which channel, when). The worker calls
``render`` when it delivers the row, so a page posted late shows the escalation as it stands
then, and every word a person reads is written here, next to the Block Kit it goes into.
Rows queued before this (a payload with ``text`` and ``blocks``) are posted as they are.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock

from bot.channels.slack import messages
from bot.escalation.records import escalation_row, page_state
from bot.escalation.roles import level_one_title
from bot.escalation.states import State
from bot.mrkdwn import date, escape
from bot.store.database import Database
from bot.store.outbox import OutboxRow
from bot.store.paging import Record, watched_message

PIC, DIRECTOR = "privacy-in-charge", "director"


def render(db: Database, row: OutboxRow,
           escalation: Callable[[str], Record | None] | None = None) -> dict[str, Any] | None:
    """The Slack message (``text``, ``blocks``, ``metadata``) for ``row``; None when what it
    speaks of is gone (the escalation purged). ``escalation``: reads an escalation by id (the
    worker's, read once for the pages it sends one after another), else from ``db``."""
    payload = row.payload
    what = payload.get("render")
    if what is None:
        return payload  # queued already rendered (before rendering moved to delivery)
    if what == "reminder":
        return messages.text_message("reminder", reminder_text(payload), key=row.key,
                                     escalation_id=row.escalation_id)
    esc = (escalation or functools.partial(escalation_row, db))(payload["escalation_id"])
    if esc is None or esc.packet is None:
        return None
    packet = json.loads(esc.packet)
    if what == "page":
        return messages.page_message(packet, escalation_id=esc.id, key=row.key,
                                     level=int(payload["level"]),
                                     repeat=int(payload["repeat"]), state=page_state(esc))
    if what == "notice":
        return messages.notice_message(packet, escalation_id=esc.id, key=row.key,
                                       state=page_state(esc))
    if what == "expired-channel":
        text = (f"⚠️ Escalation `{esc.id}` "
                f"({escape(packet.get('situation_title') or 'question')}) expired: nobody "
                "acknowledged. The asker was told to phone the director.")
    else:
        text = status_text(payload, packet)
    return messages.text_message("status", text, key=row.key, escalation_id=esc.id)


def _title(packet: dict[str, Any], level: int) -> str:
    roles = packet.get("roles") or {}
    if level == 1:
        return escape(level_one_title(packet))
    return escape(roles.get(DIRECTOR) or "director")


def phone_advice(advice: dict[str, Any]) -> str:
    """Whom to phone now (``Roles.phones``): the numbers under ``[phones]`` by the library's
    titles, else the library's advice for when nobody answers."""
    numbers = [f"{escape(title)}: {escape(number)}" for title, number in advice["numbers"]]
    if numbers:
        return "Phone now — " + "; ".join(numbers) + "."
    return f"Phone someone with authority now. {escape(advice['if_no_answer'])}"


def status_text(status: dict[str, Any], packet: dict[str, Any]) -> str:
    """A line in the asker's thread for one event of the escalation (mrkdwn)."""
    event = status["event"]
    if event == "paged":
        return _paged(status, packet)
    if event == "acknowledged":
        how = messages.ack_how(status["via"])
        return (f"✅ Acknowledged by {messages.who(status['by'])} at "
                f"{messages.format_utc(status['at'])}{how}. They are on it; follow their "
                "instructions.")
    if event == "resolved":
        text = f"☑️ Resolved by {messages.who(status['by'])} at {messages.format_utc(status['at'])}."
        text += f" {escape(status['ending'])}." if status.get("ending") else ""
        return text + (f" Note: {escape(status['note'])}" if status.get("note") else "")
    if event == "corrected":
        return (f"✏️ The desk corrected the case: now {escape(status['headline'])} "
                f"({escape(status['urgency'])}).")
    if event == "withdrawn":
        return f"🛑 {escape(status['note'])}. Nobody needs to act on this page."
    if event == "expired":
        what = ("No page could be delivered to anyone" if status.get("nobody_reachable")
                else "No page reached anyone before the page expired"
                if status.get("none_delivered")
                else "Nobody acknowledged the page in time")
        return f"⚠️ {what}. What to do next: {escape(status['if_no_answer'])}"
    if event == "undelivered":
        return (f"🚨 The page to {messages.where(status['recipient'])} did not get through "
                f"(Slack said: {escape(status['error'])}). {phone_advice(status['phone'])}")
    if event == "unreachable":
        return (f"🚨 No page to the {_title(packet, int(status['level']))} got through (by "
                f"{messages.channel_list(status['failed'])}: every one failed for good). "
                f"{phone_advice(status['phone'])}")
    raise ValueError(f"no Slack rendering for the status event {event!r}")


#: How an acknowledgement that did not come from Slack is described to the asker.


def _paged(status: dict[str, Any], packet: dict[str, Any]) -> str:
    """The asker's line for a page at a level (first, to the director, repeated)."""
    level, repeat = int(status["level"]), int(status["repeat"])
    role = _title(packet, level)
    names = ", ".join(messages.where(r) for r in status["recipients"]) or "nobody is configured"
    via = status.get("via") or ["slack"]
    if set(via) - {"slack"}:
        names += f" (by {messages.channel_list(via)})"
    if level == 1 and repeat == 0:
        text = f"📟 Paged the {role}: {names}."
        if status.get("director_notified"):
            text += " The director has been notified."
    elif status.get("undelivered"):
        text = (f"⏫ Those pages could not be delivered — now paging the {role}"
                + (" again" if level == 1 else "") + f": {names}.")
    elif level == 2:
        text = f"⏫ No acknowledgement yet — now paging the {role}: {names}."
    else:
        text = (f"🔁 Still no acknowledgement — paging the {role} again "
                f"(repeat {repeat}): {names}.")
    return text + " Stay with the patron; do not hand anything over until someone answers."


def reminder_text(hold: dict[str, Any]) -> str:
    """A hold's reminder, 7 days before it runs out and on the day."""
    when = "in 7 days" if hold["which"] == "before" else "today"
    renew = (f" It can be renewed for {hold['renewal_days']} more days: `frontdesk holds "
             f"renew {hold['hold']}`." if hold.get("renewal_days") else "")
    return (f"⏰ Deadline {when}: {escape(hold['kind'])} hold `{hold['hold']}`"
            + (f" (escalation `{hold['escalation_id']}`)" if hold.get("escalation_id") else "")
            + f" runs out {messages.format_utc(hold['due_at'])}.{renew}")


# --- the asker's live status line -----------------------------------------------------------

STATUS_BLOCK = "paging"  # block_id of the section whose text after its first line is the status
SECTION_LIMIT = 3000


def _slack_time(stamp: str | None) -> str:
    """A time every reader sees in their own time zone (Slack date formatting)."""
    if stamp is None:
        return "soon"
    when = datetime.fromisoformat(stamp)
    return date(int(when.timestamp()), "{time}", messages.format_utc(when))


def status_line(facts: dict[str, Any]) -> str:
    """The status line for an escalation's facts (``LiveStatus.facts``), Slack mrkdwn."""
    pic, director = escape(facts["pic"]), escape(facts["director"])
    state = facts["state"]
    if state == State.ACKNOWLEDGED:
        how = messages.ack_how(facts.get("via"))
        text = (f"✅ Acknowledged by {messages.who(facts['by'])} at "
                f"{messages.format_utc(facts['at'])}{how}: they are on it; follow their "
                "instructions.")
    elif state == State.RESOLVED:
        text = (f"☑️ Resolved by {messages.who(facts['by'])} at "
                f"{messages.format_utc(facts['at'])}.")
        if facts.get("ending"):
            text += f" {escape(facts['ending'])}."
        if facts.get("note"):
            text += f" Note: {escape(facts['note'])}"
    elif state == State.EXPIRED:
        text = ("⚠️ Nobody acknowledged the page in time. What to do next: "
                f"{escape(facts['if_no_answer'])}")
    else:
        names = ", ".join(messages.where(r) for r in facts["recipients"])
        names = names or "nobody is set up to receive pages (see roles in the config)"
        if set(facts["sent_via"]) - {"slack"}:
            names += f" (by {messages.channel_list(facts['sent_via'])})"
        level, repeat = facts["level"], facts["repeat"]
        if level == 1 and repeat == 0:
            text = f"Paged the {pic}: {names}."
            if facts["director_notified"]:
                text += f" The {director} has been notified."
        elif level == 2:
            who = f"the {director}" if facts["director"] not in facts["pic"] else \
                "the next contacts"
            text = f"⏫ No acknowledgement in time: now paging {who}: {names}."
        else:
            text = (f"🔁 Still nobody has acknowledged: paging the {pic} again "
                    f"(repeat {repeat}): {names}.")
        nxt = (f"then by {messages.channel_list(facts['next_via'])}" if facts["next_via"]
               else "next step")
        text += (f" Waiting for acknowledgement; {nxt} at {_slack_time(facts['next_at'])} if "
                 "nobody answers. Stay with the patron; hand nothing over until someone does.")
    if hold := facts.get("hold"):
        due = messages.format_utc(hold.get("due_at"))
        text += (f"\n🗓️ Deadline recorded: {escape(str(hold.get('kind')))} hold, "
                 f"{hold.get('days')} days (due {due}); the "
                 f"{pic} is reminded 7 days before and on the day.")
    return text


def edited_message(database: Database, escalation_id: str, channel: str,
                   ts: str) -> dict[str, Any] | None:
    """The watched message with its latest status line, for ``chat.update``; None if gone."""
    row = watched_message(database, escalation_id, channel, ts)
    if row is None:
        return None
    message = json.loads(row.message)
    try:
        status = status_line(json.loads(row.status))
    except ValueError:  # stored as a worded line (before the status was kept as facts)
        status = row.status
    blocks = []
    for block in message["blocks"]:
        if block.get("block_id") == STATUS_BLOCK and block.get("type") == "section":
            head = str((block.get("text") or {}).get("text", "")).split("\n", 1)[0]
            text = f"{head}\n{status}" if head else status
            if len(text) > SECTION_LIMIT:
                text = text[: SECTION_LIMIT - 1] + "…"
            block = SectionBlock(block_id=STATUS_BLOCK,
                                 text=MarkdownTextObject(text=text)).to_dict()
        blocks.append(block)
    return {"text": message["text"], "blocks": blocks,
            "metadata": messages.metadata("status", f"live:{escalation_id}:{channel}:{ts}",
                                          escalation_id)}
