"""Review and practice in Slack: `/frontdesk drill`, the practice report, the weekly digest DM
(with its chart posted as a file) and printable forms offered as files.

The content (blocks, text, bytes) comes from pure functions here and in ``bot.review``; the
Bolt wiring is ``register(app, services)``. Hooks for the Slack face (see docs/review.md):

* ``register(app, services)`` must run *before* ``commands.register`` so that
  ``/frontdesk drill …`` reaches this listener (its matcher only takes text starting "drill").
* ``post_form(client, channel, thread_ts, pack, outcome)`` after an outcome that has a form.
* ``send_weekly_digest(client, services)`` once a week (e.g. from the worker's schedule).
"""

from __future__ import annotations

import json
import random
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.content.catalogue import Catalogue, ResolvedOutcome
from bot.content.packs import Pack
from bot.faces.slack.listeners.common import once
from bot.faces.slack.services import Services
from bot.mrkdwn import escape
from bot.review.digest import build_digest, chart_png, slack_blocks
from bot.review.drill import (
    DECISIONS,
    MAX_SCORE,
    Case,
    Result,
    case_from_key,
    grade,
    pick_case,
    practice_report,
    record_result,
    urgency_options,
)
from bot.review.forms import form_file
from bot.store.database import Database
from bot.store.drills import DrillStore

DECISION_ACTION = "frontdesk_drill_decision"
URGENCY_ACTION = "frontdesk_drill_urgency"
AGAIN_ACTION = "frontdesk_drill_again"
REPORT_ROLES = ("privacy-in-charge", "director")
_TEXT = 2900  # under Block Kit's 3000-character section limit


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:_TEXT]}}


def _value(case: Case, **extra: str) -> str:
    return json.dumps({"l": case.library, "f": case.flow, "p": case.path_key, **extra})[:2000]


def case_blocks(case: Case) -> list[dict[str, Any]]:
    known = "\n".join(f"• {escape(ask)} — *{escape(answer)}*" for ask, answer in case.known)
    return [
        {"type": "header", "text": {"type": "plain_text", "text": "Practice case"}},
        {
            "type": "context",
            "elements": [
                {"type": "mrkdwn",
                 "text": f"{escape(case.library_name)} · practice only: nobody is paged"}
            ],
        },
        _section(f"*{escape(case.title)}*\n{escape(case.description)}"),
        *([_section(f"*What you know*\n{known}")] if known else []),
    ]


def decision_blocks(case: Case) -> list[dict[str, Any]]:
    buttons = [
        {
            "type": "button",
            "action_id": f"{DECISION_ACTION}:{key}",
            "text": {"type": "plain_text", "text": words[:75]},
            "value": _value(case, d=key),
        }
        for key, words in DECISIONS
    ]
    return [*case_blocks(case), _section("*What do you do?*"),
            {"type": "actions", "elements": buttons}]


def urgency_blocks(catalogue: Catalogue, case: Case, decision: str) -> list[dict[str, Any]]:
    chose = dict(DECISIONS)[decision]
    buttons = [
        {
            "type": "button",
            "action_id": f"{URGENCY_ACTION}:{key}",
            "text": {"type": "plain_text", "text": words[:75]},
            "value": _value(case, d=decision, u=key),
        }
        for key, words in urgency_options(catalogue, case.library)
    ]
    return [
        *case_blocks(case),
        _section(f"You would: *{escape(chose)}*\n*Who do you fetch, and how fast?*"),
        {"type": "actions", "elements": buttons},
    ]


def result_blocks(pack: Pack, result: Result) -> list[dict[str, Any]]:
    outcome = result.outcome
    verdict = "Exactly right." if result.perfect else "Here is where yours differed:"
    blocks = [
        *case_blocks(result.case),
        _section(f"*Score: {result.score}/{MAX_SCORE}* — {verdict}"),
    ]
    if result.differences:
        blocks.append(_section("\n".join(f"≠ {escape(d)}" for d in result.differences)))
    answer = [f"*Your library's answer: {escape(outcome.decision.upper())}* — "
              f"{escape(outcome.headline)}"]
    if outcome.never:
        answer.append("*Never:*\n" + "\n".join(f"✗ {escape(n)}" for n in outcome.never))
    answer.append("*Do:*\n" + "\n".join(f"{i}. {escape(d)}"
                                         for i, d in enumerate(outcome.do, 1)))
    answer.append(f"*Say:* “{escape(outcome.say)}”")
    blocks.append(_section("\n".join(answer)))
    for citation in outcome.citations[:5]:
        blocks.append(
            _section(f"*{escape(pack.library)} [{escape(citation.clause)}] "
                     f"{escape(citation.title)}*\n>{escape(citation.text)}")
        )
    blocks.append(
        {
            "type": "context",
            "elements": [{"type": "mrkdwn", "text": "Drill: nobody was paged."}],
        }
    )
    blocks.append(
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": AGAIN_ACTION,
                    "text": {"type": "plain_text", "text": "Another case"},
                    "value": "again",
                }
            ],
        }
    )
    return blocks[:50]


def is_drill(text: str) -> bool:
    return text.strip().lower().split()[:1] == ["drill"]


def may_see_report(services: Services, user_id: str) -> bool:
    config = services.config
    return any(user_id in config.members(role) for role in REPORT_ROLES)


def report_text(services: Services) -> str:
    library = services.config.library
    practice = DrillStore(services.database).practice(library)
    return "```\n" + practice_report(practice, services.catalogue)[:2800] + "\n```"


def digest_message(
    catalogue: Catalogue, database: Database, library: str | None, days: int = 7,
    now: datetime | None = None,
) -> tuple[str, list[dict[str, Any]], bytes]:
    """(fallback text, blocks, chart PNG) for the weekly digest DM."""
    now = now or datetime.now(UTC)
    digest = build_digest(catalogue, database, now - timedelta(days=days), library=library,
                          now=now)
    text = f"Director's digest: {digest.conversations} cases in the last {days} days"
    return text, slack_blocks(digest), chart_png(digest)


def send_weekly_digest(client: WebClient, services: Services, days: int = 7) -> int:
    """DM the digest (and its chart as a file) to every configured director; returns count."""
    library = services.config.library
    text, blocks, png = digest_message(services.catalogue, services.database, library, days)
    sent = 0
    for user in services.config.members("director"):
        channel = client.conversations_open(users=user)["channel"]["id"]
        client.chat_postMessage(channel=channel, text=text, blocks=blocks)
        client.files_upload_v2(
            channel=channel,
            file=png,
            filename=f"frontdesk-digest-{datetime.now(UTC):%Y-%m-%d}.png",
            title="Cases per situation",
        )
        sent += 1
    return sent


def post_form(client: WebClient, channel: str, thread_ts: str | None, pack: Pack,
              outcome: ResolvedOutcome) -> bool:
    """Post the outcome's printable form (PDF) into the thread; False when it has none."""
    found = form_file(pack, outcome)
    if found is None:
        return False
    filename, data, title = found
    client.files_upload_v2(
        channel=channel,
        thread_ts=thread_ts,
        file=data,
        filename=filename,
        title=title,
        initial_comment=f"Print this for the officer: {title}",
    )
    return True


def _new_case(services: Services) -> Case:
    return pick_case(services.catalogue, services.config.library, random.Random())


def _dm(client: WebClient, user: str) -> str:
    return client.conversations_open(users=user)["channel"]["id"]


def register(app: App, services: Services) -> None:
    """Wire `/frontdesk drill`, `/frontdesk drill report` and the drill buttons into Bolt."""
    command = services.config.slash_command

    def drill_matcher(body: dict[str, Any]) -> bool:
        return is_drill(body.get("text", ""))

    def ack_drill(ack: Ack, body: dict[str, Any]) -> None:
        words = body.get("text", "").strip().lower().split()
        if words[1:2] == ["report"]:
            if may_see_report(services, body.get("user_id", "")):
                ack(text=report_text(services))
            else:
                ack(text="Only the privacy in-charge or the director can see who has practised.")
            return
        ack(text="🎯 A practice case is waiting in a direct message with me. Nobody is paged.")

    def start_drill(body: dict[str, Any], client: WebClient) -> None:
        if body.get("text", "").strip().lower().split()[1:2] == ["report"]:
            return
        case = _new_case(services)
        client.chat_postMessage(channel=_dm(client, body["user_id"]), text="Practice case",
                                blocks=decision_blocks(case))

    state = services.slack_state
    app.command(command, matchers=[drill_matcher])(ack=ack_drill, lazy=[once(state, start_drill)])

    def ack_only(ack: Ack) -> None:
        ack()

    def _case(action: dict[str, Any]) -> tuple[Case, dict[str, str]]:
        data = json.loads(action["value"])
        return case_from_key(services.catalogue, data["l"], data["f"], data["p"]), data

    def on_decision(body: dict[str, Any], client: WebClient) -> None:
        case, data = _case(body["actions"][0])
        client.chat_update(
            channel=body["channel"]["id"], ts=body["message"]["ts"], text="Practice case",
            blocks=urgency_blocks(services.catalogue, case, data["d"]),
        )

    def on_urgency(body: dict[str, Any], client: WebClient) -> None:
        case, data = _case(body["actions"][0])
        result = grade(services.catalogue, case, data["d"], data["u"])
        record_result(DrillStore(services.database), body["user"]["id"], "slack", result)
        client.chat_update(
            channel=body["channel"]["id"], ts=body["message"]["ts"],
            text=f"Practice case: {result.score}/{MAX_SCORE}",
            blocks=result_blocks(services.catalogue.pack(case.library), result),
        )

    def on_again(body: dict[str, Any], client: WebClient) -> None:
        case = _new_case(services)
        client.chat_postMessage(channel=body["channel"]["id"], text="Practice case",
                                blocks=decision_blocks(case))

    app.action(re.compile(f"^{DECISION_ACTION}:"))(ack=ack_only, lazy=[once(state, on_decision)])
    app.action(re.compile(f"^{URGENCY_ACTION}:"))(ack=ack_only, lazy=[once(state, on_urgency)])
    app.action(AGAIN_ACTION)(ack=ack_only, lazy=[once(state, on_again)])
