"""What the terminal says about a page once it is queued: who is paged, what happens next.

The escalation core decides whom to page; this words it for the terminal's answer screen (the
Slack face's words are the Slack channel's, ``bot.channels.slack.render``).
"""

from __future__ import annotations

import json

from bot.channels.slack import messages
from bot.escalation import EscalationService, EscalationSummary
from bot.escalation.records import escalation_row
from bot.escalation.roles import DIRECTOR, who_is_paged


def describe_page(service: EscalationService, escalation_id: str) -> str:
    """What the terminal shows once a page is queued, in a few lines of the answer's first
    screen: who is paged, what happens next and any deadline (`frontdesk pages` follows it)."""
    row = escalation_row(service.db, escalation_id)
    if row is None:
        return f"No escalation {escalation_id}."
    summary = EscalationSummary.from_row(row)
    packet = json.loads(row.packet or "{}") if row.packet else {}
    level = summary.level
    paged = who_is_paged(row)
    director = (packet.get("roles") or {}).get(DIRECTOR, "director")
    names = ", ".join(messages.where(r) for r in service.level_recipients(level, packet))
    head = (f"PAGED ({paged.urgency}): the {paged.role} — "
            f"{names or 'nobody is set up in Slack yet (see roles in the config)'}.")
    # Never announce that someone just paged will be paged: where the director's title is
    # among those paged (Westmont's Library Director, Mahomet's Director), the next step
    # names the people it reaches, not the title.
    same_title = director in paged.role
    later = [r for r in service.level_recipients(2)
             if r not in service.level_recipients(level, packet)]
    if level == 1 and not same_title and service.roles.has_director():
        head += f" The {director} is notified."
    timeout = int(service.timeout(summary.urgency).total_seconds() // 60) or 1
    fallback = packet.get("if_no_answer") or service.if_no_answer(summary.library)
    if level == 1 and later:
        then = (f"the {director}" if not same_title
                else ", ".join(messages.where(r) for r in later))
        next_step = f"Next: no answer in {timeout} min pages {then}. No answer at all: "
    else:
        next_step = f"Next: no answer in {timeout} min: "
    lines = [head, next_step + fallback]
    if packet.get("hold"):
        hold = packet["hold"]
        lines.append(f"Deadline recorded: {hold['kind']} hold {hold['id']}, due "
                     f"{messages.format_utc(hold.get('due_at'))}; reminders 7 days before "
                     "and on the day.")
    if passed := packet.get("hold_passed"):
        lines.append(f"No deadline recorded: counted from {str(passed['started_at'])[:10]}, the "
                     f"{passed['days']} days of the {passed['kind']} hold ran out on "
                     f"{str(passed['due_at'])[:10]}.")
    return "\n".join(lines)
