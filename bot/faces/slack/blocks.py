"""Engine views as Block Kit messages, built with slack_sdk's models (which enforce Slack's limits).

Nothing here decides anything: a ``View`` (question or outcome) comes from the engine and is
only laid out. Every message stays within ``MAX_BLOCKS`` (Slack's 50) and every text within its
element's limit; a long clause is shortened, with a **Show full text** button that opens it
whole in a modal.

Buttons carry a small JSON value: the thread (``t``) and the thread's revision (``r``) when the
message was drawn, so a click on a stale message or a second click is recognised, plus what
was chosen.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.content.catalogue import ResolvedOutcome
from bot.content.flows import NOT_SURE, Flow, Question
from bot.content.packs import Pack
from bot.engine.session import MENU_EXITS
from bot.engine.step import CONTRADICTED, STATED_DATE, Understanding, Understood
from bot.mrkdwn import escape, mention

MAX_BLOCKS = 50  # Slack's limit for a message
MAX_VIEW_BLOCKS = 100  # ... and for a modal or the Home tab
SECTION_LIMIT = 3000
BUTTON_LIMIT = 75
ACTIONS_PER_BLOCK = 25

# action ids (a prefix and, after ":", what was chosen)
CHOICE = "fd_choice"
NOT_SURE_ACTION = "fd_not_sure"
BACK = "fd_back"
START_OVER = "fd_start_over"
SOMETHING_ELSE = "fd_something_else"
PICK = "fd_pick"
PAGE_NOW = "fd_page_now"
NOT_PRIVACY_ACTION = "fd_not_privacy"
FORM = "fd_form"
FULL_TEXT = "fd_full_text"  # buttons on outcome messages posted before "Show the policy"
SHOW_POLICY = "fd_show_policy"
CONTINUE_DM = "fd_continue_dm"
CHANGE = "fd_change"
HOME_START = "fd_home_start"

Blocks = list[dict[str, Any]]
_SAFE_TS = re.compile(r"^[0-9.]{1,32}$")  # Slack timestamps: safe to splice into JSON text


@dataclass(frozen=True)
class Message:
    """What chat.postMessage / chat.update need: notification text and blocks."""

    text: str
    blocks: Blocks

    def kwargs(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": self.blocks}


@dataclass(frozen=True)
class Paging:
    """Who is being paged and how it stands, as the Slack face shows it. ``who`` and
    ``urgency`` are the escalation service's (``EscalationService.paged``); both are None when
    no page went out."""

    who: str | None  # the role paged, e.g. "Privacy Officer or Library Director"
    urgency: str | None
    status: str  # one line: "paged — waiting for acknowledgement", "not set up here: call ..."
    escalation_id: str | None = None
    shown: str | None = None  # the escalation state ``status`` describes (for live edits)

    @property
    def head(self) -> str:
        """The paging section's first line (live edits keep it and replace the status)."""
        if self.who is None or self.urgency is None:
            return "*📟 Paged*" if self.escalation_id else "*📟 Not paged*"
        return f"*📟 Paging ({self.urgency}):* {escape(self.who)}"


# --- text helpers ------------------------------------------------------------------------------


def clip(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to fit ``limit`` characters, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.") + "…"


def quote(text: str) -> str:
    return "\n".join("> " + line if line.strip() else ">" for line in text.splitlines() or [""])


def chunks(text: str, limit: int = SECTION_LIMIT) -> list[str]:
    """Split long mrkdwn into pieces of at most ``limit`` characters, at line or word breaks."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit)
        if cut < limit // 2:
            cut = rest.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        pieces.append(rest[:cut])
        rest = rest[cut:].lstrip("\n ")
    if rest:
        pieces.append(rest)
    return pieces


#: ``json.dumps(data, separators=(",", ":"), sort_keys=True)`` with the encoder made once
#: (``dumps`` with an option builds one per call; a question has a button per answer).
_VALUE = json.JSONEncoder(separators=(",", ":"), sort_keys=True)


def value(**data: Any) -> str:
    return _VALUE.encode(data)


def parse_value(raw: str | None) -> dict[str, Any]:
    """A button's value; anything that is not our JSON object is treated as empty."""
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def md(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=text)


def section(text: str, **kwargs: Any) -> SectionBlock:
    return SectionBlock(text=md(text), **kwargs)


def sections(text: str) -> list[SectionBlock]:
    return [section(piece) for piece in chunks(text)]


def context(*texts: str) -> ContextBlock:
    return ContextBlock(elements=[md(clip(t, SECTION_LIMIT)) for t in texts[:10]])


def button(
    label: str,
    action_id: str,
    data: str,
    style: str | None = None,
    confirm: ConfirmObject | None = None,
) -> ButtonElement:
    return ButtonElement(
        text=PlainTextObject(text=clip(label, BUTTON_LIMIT), emoji=True),
        action_id=action_id,
        value=data,
        style=style,
        confirm=confirm,
    )


def action_rows(
    buttons: Sequence[ButtonElement], block_id: str | None = None
) -> list[ActionsBlock]:
    rows = [buttons[i : i + ACTIONS_PER_BLOCK] for i in range(0, len(buttons), ACTIONS_PER_BLOCK)]
    return [
        ActionsBlock(elements=list(row), block_id=f"{block_id}-{n}" if block_id else None)
        for n, row in enumerate(rows)
    ]


def render(blocks: Iterable[Block], *, limit: int = MAX_BLOCKS) -> Blocks:
    """Block models to dicts (slack_sdk validates each one here)."""
    out = [block.to_dict() for block in blocks]
    if len(out) > limit:  # a bug, not content: every builder below fits itself
        raise ValueError(f"{len(out)} blocks exceed Slack's limit of {limit}")
    return out


# --- situations ----------------------------------------------------------------------------------


def situation_buttons(
    flows: Sequence[Flow], action: str, data: dict[str, Any]
) -> list[ButtonElement]:
    return [button(flow.title, f"{action}:{flow.id}", value(**data, f=flow.id)) for flow in flows]


@lru_cache(maxsize=256)
def _situation_button(title: str, action_id: str) -> str:
    """A situation button rendered (and validated) once through the models, as JSON."""
    return json.dumps(button(title, action_id, "-").to_dict())


def situation_rows(
    flows: Sequence[Flow], action: str, data: dict[str, Any], block_id: str,
    facts: Mapping[str, list[list[str]]] | None = None,
) -> Blocks:
    """Actions blocks of situation buttons; the rendering is cached, only values differ.
    ``facts``: per flow, the (question, choice) pairs the opening message stated, carried in
    the button so a pick starts with them (structured ids only, no words)."""
    elements = []
    for flow in flows:
        element = json.loads(_situation_button(flow.title, f"{action}:{flow.id}"))
        extra = {"p": facts[flow.id]} if facts and facts.get(flow.id) else {}
        element["value"] = value(**data, f=flow.id, **extra)
        elements.append(element)
    return [
        {
            "type": "actions",
            "block_id": f"{block_id}-{n}",
            "elements": elements[i : i + ACTIONS_PER_BLOCK],
        }
        for n, i in enumerate(range(0, len(elements), ACTIONS_PER_BLOCK))
    ]


# Said once where staff type to start a case (the picker, the case thread's header).
NO_PATRON_NAMES = "I need no patron names or numbers: just tell me what is happening."


def picker(
    flows: Sequence[Flow],
    *,
    thread_ts: str,
    rev: int,
    intro: str,
    candidates: Sequence[Flow] = (),
    offer_page: bool = False,
    facts: Mapping[str, list[list[str]]] | None = None,
) -> Message:
    """Which situation? Candidates first (from the router) or every situation."""
    shown = list(candidates) or list(flows)
    out = render([section(intro)])
    out += situation_rows(shown, PICK, {"t": thread_ts, "r": rev}, "pick", facts)
    tail: list[Block] = [context(NO_PATRON_NAMES)]
    if candidates and len(candidates) < len(flows):
        tail.append(
            context(
                "None of these? Type what is happening in other words, or pick "
                "from every situation in the App Home tab."
            )
        )
    exits: list[ButtonElement] = []
    if candidates:  # the engine's way out of a "Did you mean" that pages nobody (MENU_EXITS)
        exits.append(button(MENU_EXITS[0][1], NOT_PRIVACY_ACTION, value(t=thread_ts, r=rev)))
    if offer_page:
        exits.append(page_button(thread_ts, rev))
    if exits:
        tail += action_rows(exits, "page")
    out += render(tail)
    if len(out) > MAX_BLOCKS:
        raise ValueError(f"{len(out)} blocks exceed Slack's limit of {MAX_BLOCKS}")
    return Message(text=intro, blocks=out)


def something_else_button(thread_ts: str, rev: int) -> ButtonElement:
    """Back to the situations: the case is another one. Pages nothing."""
    return button("🔀 This is something else", SOMETHING_ELSE, value(t=thread_ts, r=rev))


def page_button(
    thread_ts: str, rev: int, label: str = "Page someone now"
) -> ButtonElement:
    """Page a person about this case now. Titled without a role: the button is drawn once per
    question for every library, and not every library's policy names a privacy in-charge."""
    return button(
        f"📟 {label}",
        PAGE_NOW,
        value(t=thread_ts, r=rev),
        style="danger",
        confirm=ConfirmObject(
            title="Page someone now?",
            text="The person in charge gets a page with this case (no patron details).",
            confirm="Page now",
            deny="Cancel",
        ),
    )


# --- questions -----------------------------------------------------------------------------------


_T = "__fd_thread__"  # placeholders in a cached rendering (thread ts and revision)
_R = -770077


@lru_cache(maxsize=512)
def _question_template(
    question: Question, number: int, can_go_back: bool, first: str | None = None
) -> str:
    """The question rendered once through the models (validated), with placeholder values."""
    return json.dumps(render(_question_blocks(question, _T, _R, number, can_go_back, (), first)))


def question(
    question: Question,
    *,
    thread_ts: str,
    rev: int,
    number: int,
    can_go_back: bool,
    prefilled: Sequence[Understood] = (),
    suggestion: Understanding | None = None,
    first: str | None = None,
) -> Message:
    """One question: a button per choice, then Not sure, Back, Start over, "This is something
    else" and "Page someone now".

    ``first`` (``Flow.first``, on the case's first question): what holds whatever the answers,
    said before the question, so a direct question ("Should I email a screenshot to my boss?")
    is answered before anything is asked.

    ``prefilled``: the answers understood from staff's words (the opening message's, or one just
    typed), listed with a Change button each. ``suggestion`` (``View.suggestion``): a choice
    their words hinted at, offered under the buttons and never taken. Without either the
    rendering is cached per question; only the button values (thread and revision) are filled.
    """
    if prefilled or suggestion is not None or not _SAFE_TS.match(thread_ts):
        blocks = _question_blocks(question, thread_ts, rev, number, can_go_back, prefilled, first)
        if suggestion is not None:
            blocks.insert(-1, context(suggested_line(suggestion)))
        return Message(text=question.ask, blocks=render(blocks))
    text = _question_template(question, number, can_go_back, first)
    text = text.replace(_T, thread_ts).replace(str(_R), str(int(rev)))
    return Message(text=question.ask, blocks=json.loads(text))


def _question_blocks(
    question: Question,
    thread_ts: str,
    rev: int,
    number: int,
    can_go_back: bool,
    prefilled: Sequence[Understood],
    first: str | None = None,
) -> list[Block]:
    blocks: list[Block] = [section(f"⛔ *{escape(first)}*")] if first else []
    blocks += understood(prefilled, thread_ts=thread_ts, rev=rev)
    blocks.append(section(f"*{number}. {escape(clip(question.ask, 2800))}*", block_id="question"))
    if question.help:
        blocks.append(context(escape(question.help)))
    choices = [c for c in question.choices if c.id != NOT_SURE]
    buttons = [
        button(c.label, f"{CHOICE}:{c.id}", value(t=thread_ts, r=rev, q=question.id, x=c.id))
        for c in choices
    ]
    blocks += action_rows(buttons, "choices")
    controls = [button("🤔 Not sure", NOT_SURE_ACTION, value(t=thread_ts, r=rev, q=question.id))]
    if can_go_back:
        controls.append(button("↩️ Back", BACK, value(t=thread_ts, r=rev)))
    controls.append(button("🔄 Start over", START_OVER, value(t=thread_ts, r=rev)))
    controls.append(something_else_button(thread_ts, rev))
    controls.append(page_button(thread_ts, rev))  # a person can be fetched at every step
    blocks += action_rows(controls, "controls")
    blocks.append(
        context(
            "Tap a button, or reply in this thread in your own words "
            "(“back” and “start over” work too)."
        )
    )
    return blocks


def changes(answered: Sequence[Understood], *, thread_ts: str, rev: int) -> Message:
    """Typed "change": the answers given so far, each with a Change button."""
    parts = understood(answered, thread_ts=thread_ts, rev=rev,
                       heading="*Which answer do you want to change?*")
    return Message(text="Which answer do you want to change?", blocks=render(parts))


def understood(prefilled: Sequence[Understood], *, thread_ts: str, rev: int,
               heading: str = "*From what you wrote, I understood:*") -> list[Block]:
    """What staff's words answered (question id, choice id, question, label), each with a
    Change button; nothing when they answered nothing. The day the case says it happened
    (``STATED_DATE``) is listed with a note instead: the page says what a deadline counts from,
    and the person paged corrects it."""
    if not prefilled:
        return []
    lines = [f"• {escape(ask)} → *{escape(label)}*" for _, _, ask, label in prefilled]
    change_buttons = [
        button(f"Change: {clip(ask, 60)}", f"{CHANGE}:{question_id}",
               value(t=thread_ts, r=rev, q=question_id))
        for question_id, _, ask, _ in prefilled if question_id != STATED_DATE
    ]
    blocks: list[Block] = [
        section(clip(heading + "\n" + "\n".join(lines), SECTION_LIMIT)),
        *action_rows(change_buttons, "change"),
    ]
    if any(question_id == STATED_DATE for question_id, *_ in prefilled):
        blocks.append(context("If that day is wrong, say so to the person paged: the deadline "
                              "counts from it."))
    return blocks


def suggested_line(suggestion: Understanding) -> str:
    """A hint that is offered, not taken: staff tap the choice if it is right. The opening's
    answer that staff's contradicted (``CONTRADICTED``) is put to them to keep or replace."""
    if suggestion.source == CONTRADICTED:
        return f"{escape(suggestion.still_so)} If so, tap it; if not, tap your answer again."
    return f"Did you mean *{escape(suggestion.label)}*? If so, tap it. I won't assume it."


def reask(question: Question, *, thread_ts: str, rev: int) -> Message:
    """An earlier question asked again so its answer can be changed."""
    blocks: list[Block] = [section(f"*Change your answer:* {escape(clip(question.ask, 2800))}")]
    buttons = [
        button(c.label, f"{CHOICE}:{c.id}", value(t=thread_ts, r=rev, q=question.id, x=c.id))
        for c in question.choices
    ]
    blocks += action_rows(buttons, "choices")
    return Message(text=question.ask, blocks=render(blocks))


def answered(question: Question, label: str, user: str, *, number: int) -> Message:
    """The question message once answered: a line of the thread's record, without buttons."""
    blocks = [
        section(f"*{number}. {escape(clip(question.ask, 2800))}*\n✅ *{escape(label)}*"),
        context(f"Answered by {mention(user)}"),
    ]
    return Message(text=f"{question.ask} — {label}", blocks=render(blocks))


def superseded(question: Question, how: str, user: str, *, number: int) -> Message:
    """The question message after Back / Start over: kept as a record, buttons removed."""
    blocks = [
        section(f"*{number}. {escape(clip(question.ask, 2800))}*"),
        context(f"{how} by {mention(user)}"),
    ]
    return Message(text=question.ask, blocks=render(blocks))


def not_understood(question: Question, said: str,
                   suggestion: Understanding | None = None) -> Message:
    labels = ", ".join(f"“{c.label}”" for c in question.choices)
    text = (
        f"I didn't catch “{escape(clip(said, 200))}”. For *{escape(clip(question.ask, 300))}* "
        f"tap a button above or type one of: {escape(labels)}."
    )
    blocks: list[Block] = [section(clip(text, SECTION_LIMIT))]
    if suggestion is not None:
        blocks.append(context(suggested_line(suggestion)))
    return Message(text=text, blocks=render(blocks))


def note(text: str, *extra: str) -> Message:
    """A short line in the thread (status, hints)."""
    blocks: list[Block] = sections(text)
    if extra:
        blocks.append(context(*extra))
    return Message(text=clip(text, 3000), blocks=render(blocks))


# --- outcomes ------------------------------------------------------------------------------------


def outcome(
    pack: Pack,
    result: ResolvedOutcome,
    *,
    thread_ts: str,
    rev: int,
    paging: Paging | None,
    can_go_back: bool = True,
    prefilled: Sequence[Understood] = (),
    find_out: str | None = None,
    warning: str | None = None,
) -> Message:
    """The answer: headline, decision, never / do, what to say, paging, what the opening message
    answered (``prefilled``, when the case opened straight onto this outcome), the cited
    clauses. ``find_out``: reached through "Not sure", how staff can find out. ``warning``:
    said first, before the decision (a hold that already ran out, ``View.hold_passed``)."""
    urgent = result.escalate.urgency == "immediate"
    blocks: list[Block] = [HeaderBlock(text=PlainTextObject(text=clip(result.headline, 150)))]
    if warning:  # e.g. a hold that ran out before the case reached the desk
        blocks.append(section(f"⚠️ {escape(clip(warning, 500))}"))
    if find_out:
        blocks.append(context(f"You weren't sure, so this is the most cautious answer. To find "
                              f"out: {escape(clip(find_out, 300))} Then tap Back and answer."))
    blocks.append(
        section(
            f"*Decision:* {escape(result.decision_label)}  ·  _{escape(pack.library)}_"
        )
    )
    never = "*⛔ Never*\n" + "\n".join(f"• {escape(item)}" for item in result.never)
    do = "*✅ Do now*\n" + "\n".join(f"{n}. {escape(step)}" for n, step in enumerate(result.do, 1))
    ordered = [never, do] if urgent else [do, never]
    for part in ordered:
        if part.startswith("*⛔") and not result.never:
            continue
        blocks += sections(part)
    blocks += sections("*💬 Say*\n" + quote(escape(result.say)))
    if paging is not None:
        blocks.append(
            section(clip(f"{paging.head}\n{paging.status}", SECTION_LIMIT), block_id="paging")
        )
    blocks += understood(prefilled, thread_ts=thread_ts, rev=rev)
    controls = [page_button(thread_ts, rev)]
    if result.form:
        controls.append(button(f"📄 {result.form}", FORM, value(t=thread_ts, r=rev)))
    if can_go_back:
        controls.append(button("↩️ Back", BACK, value(t=thread_ts, r=rev)))
    controls.append(button("🔄 Start over", START_OVER, value(t=thread_ts, r=rev)))
    controls.append(something_else_button(thread_ts, rev))
    tail: list[Block] = [*action_rows(controls, "outcome")]
    tail.append(context(f"Policy: {escape(pack.title)}"
                        + (f", {escape(pack.policy_date)}." if pack.policy_date else ".")))
    blocks.append(DividerBlock())
    blocks += policy_blocks(pack, result)
    blocks += tail
    return Message(text=result.headline, blocks=render(blocks))


def policy_blocks(pack: Pack, result: ResolvedOutcome) -> list[Block]:
    """The answer comes first: the clauses it rests on are named, and quoted in a modal behind
    "Show the policy" (they stay in the case record and in the page)."""
    if not result.citations:
        return []
    ids = [c.clause for c in result.citations]
    count = f"{len(ids)} clause{'s' if len(ids) != 1 else ''}"
    return [
        section(
            f"*📖 What your policy says:* {count} of {escape(pack.library)}'s policy "
            f"({escape(', '.join(ids))})",
            accessory=button("Show the policy", SHOW_POLICY, value(l=pack.id, c=ids)),
        )
    ]


def clause_modal(pack: Pack, clause_ids: Sequence[str]) -> dict[str, Any]:
    """A modal quoting whole clauses of the library's policy (split into Slack-sized sections)."""
    blocks: list[Block] = []
    for clause_id in clause_ids:
        clause = pack.clauses.get(clause_id)
        if clause is None:
            continue
        blocks.append(section(f"*[{escape(clause.id)}] {escape(clause.title)}*"))
        blocks += sections(quote(escape(clause.text)))
    if not blocks:
        blocks.append(section("That clause is no longer in the policy pack."))
    blocks.append(context(f"{escape(pack.library)} — {escape(pack.title)}"))
    if len(blocks) > MAX_VIEW_BLOCKS:
        blocks = [*blocks[: MAX_VIEW_BLOCKS - 1], context("(cut: open the policy for the rest)")]
    return {
        "type": "modal",
        "title": PlainTextObject(text="Your policy").to_dict(),
        "close": PlainTextObject(text="Close").to_dict(),
        "blocks": render(blocks, limit=MAX_VIEW_BLOCKS),
    }


def form_modal(pack: Pack, form: str, pic: str) -> dict[str, Any]:
    blocks = [
        section(f"*📄 {escape(form)}*"),
        section(
            f"This is the form your policy names for this situation at "
            f"{escape(pack.library)}. Hand it to the requester to fill in; "
            f"the {escape(pic)} reviews it. Do not release anything yourself."
        ),
    ]
    return {
        "type": "modal",
        "title": PlainTextObject(text="Form").to_dict(),
        "close": PlainTextObject(text="Close").to_dict(),
        "blocks": render(blocks, limit=MAX_VIEW_BLOCKS),
    }


# --- channel notice ------------------------------------------------------------------------------


def channel_notice(*, thread_ts: str) -> Message:
    text = (
        "🔒 This is a channel: please don't type patron names, card numbers or other "
        "details here. I can continue this privately in a DM."
    )
    blocks = [section(text)]
    blocks += action_rows(
        [button("Continue in DM", CONTINUE_DM, value(t=thread_ts), style="primary")], "dm"
    )
    return Message(text=text, blocks=render(blocks))


def moved_notice(user: str) -> Message:
    return note(f"➡️ Continued in a direct message with {mention(user)}. Please carry on there.")
