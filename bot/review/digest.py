"""The director's digest: what happened at the desks over a period, from the store.

Reads conversations, escalations (acknowledgement times, expired pages) and drill attempts
through ``bot.store.reports``.
Nothing here names a patron: conversations hold only redacted answers, and the digest shows
counts.
"""

from __future__ import annotations

import json
import math
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from markupsafe import Markup

from bot.content.catalogue import Catalogue, merged_outcome_spec
from bot.content.flows import NOT_SURE, Flow, Outcome, Question
from bot.engine.walk import walk
from bot.escalation.states import State
from bot.review.chart import bar_chart_png, bar_chart_svg
from bot.review.html import render_page
from bot.store.database import Database
from bot.store.reports import conversations_since, drill_staff_since, escalations_since
from bot.store.txn import as_utc

IDLE = timedelta(minutes=30)  # an unfinished conversation untouched this long was abandoned
_SINCE = re.compile(r"^\s*(\d+)\s*([hdw])\s*$")


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """``7d``, ``24h``, ``2w`` or an ISO date (``2026-11-01``) -> the start of the period."""
    now = now or datetime.now(UTC)
    if match := _SINCE.match(text.lower()):
        amount, unit = int(match.group(1)), match.group(2)
        try:
            return now - {"h": timedelta(hours=amount), "d": timedelta(days=amount),
                          "w": timedelta(weeks=amount)}[unit]
        except OverflowError:
            raise ValueError(f"--since {text!r} reaches before the year 1") from None
    try:
        start = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"--since wants 7d, 24h, 2w or a date like 2026-11-01, not {text!r}"
        ) from None
    return start if start.tzinfo else start.replace(tzinfo=UTC)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (p90 of 10 values is the 9th smallest)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class Situation:
    flow: str
    title: str
    cases: int = 0
    finished: int = 0
    abandoned: int = 0


@dataclass
class Escalations:
    total: int = 0
    by_urgency: Counter[str] = field(default_factory=Counter)
    acked: int = 0
    ack_median: float | None = None  # seconds
    ack_p90: float | None = None
    expired: int = 0
    open: int = 0
    corrected: int = 0  # updated in place after the desk corrected the case
    withdrawn: int = 0  # stood down: the corrected case needed nobody


@dataclass
class Digest:
    since: datetime
    until: datetime
    library: str | None
    situations: list[Situation] = field(default_factory=list)
    decisions: Counter[str] = field(default_factory=Counter)
    conversations: int = 0
    finished: int = 0
    abandoned: int = 0
    in_progress: int = 0
    not_sure_conversations: int = 0
    not_sure_at: Counter[str] = field(default_factory=Counter)  # "flow: question"
    abandoned_at: Counter[str] = field(default_factory=Counter)
    escalations: Escalations | None = None
    drills: int | None = None
    drill_staff: int | None = None

    @property
    def pages_per_case(self) -> float | None:
        """Pages raised per case in the period (a correction updates a page, not a new one)."""
        if self.escalations is None or not self.conversations:
            return None
        return self.escalations.total / self.conversations

    @property
    def not_sure_rate(self) -> float:
        return self.not_sure_conversations / self.conversations if self.conversations else 0.0

    @property
    def period(self) -> str:
        return f"{self.since:%Y-%m-%d %H:%M} – {self.until:%Y-%m-%d %H:%M} UTC"

    def chart_bars(self) -> list[tuple[str, int, int]]:
        return [(s.title, s.cases, s.abandoned) for s in self.situations]

    def to_json(self) -> dict[str, Any]:
        esc = self.escalations
        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "library": self.library,
            "conversations": self.conversations,
            "finished": self.finished,
            "abandoned": self.abandoned,
            "in_progress": self.in_progress,
            "situations": [s.__dict__ for s in self.situations],
            "decisions": dict(self.decisions),
            "not_sure_rate": self.not_sure_rate,
            "not_sure_at": dict(self.not_sure_at),
            "abandoned_at": dict(self.abandoned_at),
            "escalations": None if esc is None else {
                "total": esc.total, "by_urgency": dict(esc.by_urgency), "acked": esc.acked,
                "ack_median_seconds": esc.ack_median, "ack_p90_seconds": esc.ack_p90,
                "expired": esc.expired, "open": esc.open, "corrected": esc.corrected,
                "withdrawn": esc.withdrawn,
            },
            "pages_per_case": self.pages_per_case,
            "drills": self.drills,
            "drill_staff": self.drill_staff,
        }


def build_digest(
    catalogue: Catalogue,
    db: Database,
    since: datetime,
    *,
    library: str | None = None,
    now: datetime | None = None,
) -> Digest:
    now = now or datetime.now(UTC)
    digest = Digest(since, now, library)
    rows = conversations_since(db, since, library)
    situations: dict[str, Situation] = {}
    for row in rows:
        if as_utc(row["created_at"]) > now:
            continue
        digest.conversations += 1
        flow_id = row["flow"]
        flow = _flow(catalogue, row["library"], flow_id)
        entry = situations.setdefault(flow_id, Situation(flow_id, flow.title if flow else flow_id))
        entry.cases += 1
        state = _state(row["state"])
        answers = dict((q, c) for q, c in state.get("answers", ()))
        turns = state.get("transcript", ())
        if any(t.get("choice") == NOT_SURE for t in turns) or NOT_SURE in answers.values():
            digest.not_sure_conversations += 1
            for turn in turns:
                if turn.get("choice") == NOT_SURE:
                    digest.not_sure_at[_where(flow, flow_id, turn.get("question", ""))] += 1
        if row["status"] == "done" and row["outcome"]:
            digest.finished += 1
            entry.finished += 1
            digest.decisions[_decision(catalogue, row["library"], flow, row["outcome"])] += 1
        elif now - as_utc(row["updated_at"]) >= IDLE:
            digest.abandoned += 1
            entry.abandoned += 1
            digest.abandoned_at[_stopped_at(catalogue, row["library"], flow, flow_id, answers)] += 1
        else:
            digest.in_progress += 1
    digest.situations = sorted(situations.values(), key=lambda s: (-s.cases, s.title))
    digest.escalations = _escalations(db, since, now, library)
    staff = drill_staff_since(db, since, library)
    digest.drills, digest.drill_staff = len(staff), len(set(staff))
    return digest


def _state(text: str | None) -> dict[str, Any]:
    try:
        data = json.loads(text or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _flow(catalogue: Catalogue, library: str, flow_id: str) -> Flow | None:
    return catalogue.flows_for(library).get(flow_id) if library in catalogue.packs else (
        catalogue.flows.get(flow_id)
    )


def _where(flow: Flow | None, flow_id: str, question_id: str) -> str:
    node = flow.nodes.get(question_id) if flow else None
    ask = node.ask if isinstance(node, Question) else question_id
    return f"{flow.title if flow else flow_id} — {ask}"


def _decision(catalogue: Catalogue, library: str, flow: Flow | None, outcome_id: str) -> str:
    node = flow.nodes.get(outcome_id) if flow else None
    if not isinstance(node, Outcome) or library not in catalogue.packs:
        return "unknown"
    return merged_outcome_spec(catalogue.packs[library], flow, node).get("decision", "unknown")


def _stopped_at(catalogue: Catalogue, library: str, flow: Flow | None, flow_id: str,
                answers: dict[str, str]) -> str:
    if flow is None or library not in catalogue.packs:
        return f"{flow_id} — (flow no longer exists)"
    try:
        position = walk(catalogue.packs[library], flow, answers)
    except Exception:  # noqa: BLE001 - content changed since; say so rather than fail
        return f"{flow.title} — (content changed since)"
    node = position.node
    return _where(flow, flow_id, node.id if isinstance(node, Question) else "")


def _escalations(db: Database, since: datetime, now: datetime,
                 library: str | None) -> Escalations:
    rows = escalations_since(db, since, library)
    stats = Escalations()
    waits: list[float] = []
    for row in rows:
        stats.total += 1
        stats.by_urgency[row.get("urgency") or "unknown"] += 1
        acked = as_utc(row.get("acked_at"))
        if acked is not None:
            stats.acked += 1
            waits.append((acked - as_utc(row["created_at"])).total_seconds())
        if row.get("state") == State.EXPIRED or row.get("expired_at") is not None:
            stats.expired += 1
        elif row.get("state") == State.TRIGGERED:
            stats.open += 1
        packet = _state(row.get("packet"))
        stats.corrected += bool(packet.get("corrected_from"))
        stats.withdrawn += bool(packet.get("withdrawn"))
    if waits:
        stats.ack_median = statistics.median(waits)
        stats.ack_p90 = percentile(waits, 90)
    return stats


# --- rendering -------------------------------------------------------------------------------


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


def lines(digest: Digest, top: int = 5) -> list[tuple[str, list[str]]]:
    """The digest as (heading, lines) sections, shared by text, HTML and Slack."""
    scope = digest.library or "all libraries"
    sections: list[tuple[str, list[str]]] = []
    sections.append((
        f"Director's digest — {scope}",
        [
            digest.period,
            f"{digest.conversations} cases: {digest.finished} reached an answer, "
            f"{digest.abandoned} abandoned, {digest.in_progress} in progress.",
        ],
    ))
    sections.append((
        "Cases per situation",
        [f"{s.cases:4}  {s.title}" + (f"  ({s.abandoned} abandoned)" if s.abandoned else "")
         for s in digest.situations] or ["No cases."],
    ))
    sections.append((
        "Outcomes by decision",
        [f"{n:4}  {d.upper()}" for d, n in digest.decisions.most_common()] or ["None."],
    ))
    esc = digest.escalations
    if esc is None:
        sections.append(("Escalations", ["Not recorded in this database."]))
    else:
        urgency = ", ".join(f"{n} {u}" for u, n in esc.by_urgency.most_common())
        sections.append((
            "Escalations",
            [
                f"{esc.total} pages" + (f" ({urgency})" if urgency else "") +
                f"; {esc.acked} acknowledged, {esc.open} still open.",
                f"Time to acknowledge: median {duration(esc.ack_median)}, "
                f"p90 {duration(esc.ack_p90)}.",
                f"Expired pages (nobody acknowledged in time): {esc.expired}.",
                "Pages per case: "
                + (f"{digest.pages_per_case:.2f}" if digest.pages_per_case is not None else "—")
                + f" ({esc.total} pages, {digest.conversations} cases); corrected by the desk: "
                f"{esc.corrected} updated in place, {esc.withdrawn} withdrawn.",
            ],
        ))
    not_sure = [
        f"{digest.not_sure_rate:.0%} of cases had a \"Not sure\" answer "
        f"({digest.not_sure_conversations} of {digest.conversations})."
    ]
    not_sure += [f"{n:4}  {where}" for where, n in digest.not_sure_at.most_common(top)]
    sections.append(("\"Not sure\"", not_sure))
    sections.append((
        "Where conversations were abandoned",
        [f"{n:4}  {where}" for where, n in digest.abandoned_at.most_common(top)] or ["Nowhere."],
    ))
    if digest.drills is not None:
        sections.append((
            "Practice",
            [f"{digest.drills} drill cases by {digest.drill_staff} staff members."],
        ))
    return sections


def to_text(digest: Digest) -> str:
    out: list[str] = []
    for heading, body in lines(digest):
        out.append(heading)
        out.extend(f"  {line}" for line in body)
        out.append("")
    return "\n".join(out)


def chart_png(digest: Digest) -> bytes:
    return bar_chart_png(
        f"Cases per situation, {digest.since:%b %d} – {digest.until:%b %d}",
        digest.chart_bars(),
        ("answered / open", "abandoned"),
    )


def to_html(digest: Digest) -> str:
    svg = Markup(bar_chart_svg("Cases per situation", digest.chart_bars()))
    return render_page("digest.html.j2", digest=digest, sections=lines(digest), chart=svg)


def slack_blocks(digest: Digest) -> list[dict[str, Any]]:
    """Block Kit for the weekly DM (post ``chart_png`` alongside as a file)."""
    sections = lines(digest)
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": sections[0][0][:150]}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": sections[0][1][0]}]},
        {"type": "section", "text": {"type": "mrkdwn", "text": sections[0][1][1]}},
    ]
    for heading, body in sections[1:]:
        text = f"*{heading}*\n" + "\n".join(line.strip() for line in body)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text[:2900]}})
    return blocks[:50]
