"""The App Home tab: situations as buttons, the user's recent cases, open escalations."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block, DividerBlock, HeaderBlock, PlainTextObject

from bot.engine import view
from bot.faces.slack import blocks
from bot.faces.slack.guide import Guide
from bot.faces.slack.services import Services
from bot.mrkdwn import mention

log = logging.getLogger("frontdesk.slack")
RECENT = 5
OPEN_SHOWN = 15


def _when(stamp: datetime | None) -> str:
    try:
        fallback = f"{stamp:%Y-%m-%d %H:%M}"
        return f"<!date^{int(stamp.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"
    except (AttributeError, ValueError, TypeError):
        return ""


def home_view(services: Services, guide: Guide, user: str) -> dict[str, Any]:
    config = services.config
    items: list[Block] = [
        HeaderBlock(
            text=PlainTextObject(text=blocks.clip(f"frontdesk — {guide.pack.library}", 150))
        ),
        blocks.section(
            "*What is happening at the desk?* Tap a situation and I'll guide you "
            "step by step in a direct message. Never type patron names or card "
            f"numbers. You can also use `{config.slash_command}` anywhere."
        ),
    ]
    items += blocks.action_rows(
        blocks.situation_buttons(guide.flows, blocks.HOME_START, {}), "home-situations"
    )
    items.append(DividerBlock())
    items.append(blocks.section("*Your recent cases*"))
    recent = services.conversations.recent(user, limit=RECENT)
    if not recent:
        items.append(blocks.context("None yet."))
    for stored in recent:
        flow = guide.flow(stored.conversation.flow)
        title = flow.title if flow else stored.conversation.flow
        try:
            current = view(guide.catalogue, stored.conversation)
            state = (
                f"✅ {current.outcome.headline}"
                if current.outcome
                else f"… at: {current.question.ask if current.question else ''}"
            )
        except Exception:  # content changed since: show what we know
            state = stored.status
        items.append(
            blocks.section(
                blocks.clip(
                    f"*{blocks.escape(title)}* — {blocks.escape(state)}\n"
                    f"{_when(stored.updated_at)}",
                    blocks.SECTION_LIMIT,
                )
            )
        )
    in_charge = user in config.members("privacy-in-charge") or user in config.members("director")
    service = services.escalations
    if in_charge and service is not None:
        items.append(DividerBlock())
        items.append(blocks.section("*Open escalations*"))
        try:
            open_ones = list(service.open_escalations())
        except Exception:
            log.exception("listing open escalations failed")
            open_ones = []
        if not open_ones:
            items.append(blocks.context("None open."))
        for esc in open_ones[:OPEN_SHOWN]:
            title = esc.situation_title or esc.situation or "?"
            line = (
                f"*{blocks.escape(title)}* · {esc.urgency} · "
                f"{esc.state} · asked by {mention(esc.asked_by)}"
                + (f" · acknowledged by {mention(esc.acked_by)}" if esc.acked_by else "")
            )
            if esc.headline:
                line += f"\n{blocks.escape(esc.headline)}"
            line += f"\n`{esc.id}` {_when(esc.created_at)}"
            items.append(blocks.section(blocks.clip(line, blocks.SECTION_LIMIT)))
        if len(open_ones) > OPEN_SHOWN:
            items.append(blocks.context(f"…and {len(open_ones) - OPEN_SHOWN} more."))
    return {"type": "home", "blocks": blocks.render(items, limit=blocks.MAX_VIEW_BLOCKS)}


def publish_home(client: WebClient, services: Services, guide: Guide, user: str) -> None:
    try:
        client.views_publish(user_id=user, view=home_view(services, guide, user))
    except SlackApiError as exc:
        log.warning("views.publish failed: %s", exc.response.get("error"))
