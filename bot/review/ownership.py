"""Flow ownership: each flow names the role that reviews it, when it was last reviewed and how
often it must be. `frontdesk check` warns (never fails) when a review is missing or overdue."""

from __future__ import annotations

from datetime import date, timedelta

from bot.content.catalogue import Catalogue
from bot.content.flows import Flow
from bot.errors import Problem


def today() -> date:
    """The date reviews are measured against (a function so tests can pin it)."""
    return date.today()


def review_due(flow: Flow) -> date | None:
    if not flow.last_reviewed or not flow.review_every_days:
        return None
    return date.fromisoformat(flow.last_reviewed) + timedelta(days=flow.review_every_days)


def review_problems(flow: Flow, on: date) -> list[Problem]:
    line = flow.lines.get("id", 1)
    missing = [
        name
        for name, value in (
            ("owner", flow.owner),
            ("last_reviewed", flow.last_reviewed),
            ("review_every_days", flow.review_every_days),
        )
        if not value
    ]
    if missing:
        return [
            Problem(
                flow.path,
                line,
                f"flow {flow.id} has no {', '.join(missing)}: say who reviews it and how often",
                "warning",
            )
        ]
    due = review_due(flow)
    assert due is not None
    if due < on:
        return [
            Problem(
                flow.path,
                line,
                f"flow {flow.id}: review overdue since {due.isoformat()} "
                f"(owner: {flow.owner}; last reviewed {flow.last_reviewed}, "
                f"every {flow.review_every_days} days)",
                "warning",
            )
        ]
    return []


def check_reviews(catalogue: Catalogue) -> list[Problem]:
    on = today()
    flows = list(catalogue.flows.values())
    for extra in catalogue.library_flows.values():
        flows.extend(extra.values())
    return [p for flow in flows for p in review_problems(flow, on)]
