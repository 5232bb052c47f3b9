"""Prometheus metrics (prometheus_client), every name starting ``frontdesk_``.

Two kinds, because two kinds of figure exist:

- counted as they happen, in this process (``PROCESS``): Slack events by kind, routing bands,
  outcomes by decision, failed delivery attempts by channel. Each process (``serve``, each
  ``worker``) counts its own; Prometheus sums them.
- read from the database at each scrape (``bot.ops.scrape``): pages by state and the time to
  acknowledge, the same from every instance and across restarts, whichever process paged or
  took the acknowledgement (Slack, a text, the terminal's ``frontdesk ack``).

Labels are closed sets (kinds, bands, decisions, channels, states, urgencies): nothing a person
typed, no user or channel id.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector

PROCESS = CollectorRegistry(auto_describe=True)

EVENTS = Counter("frontdesk_events", "Slack requests received, by kind (event type, "
                 "slash_command, block_actions, view_submission...).", ["kind"],
                 registry=PROCESS)


class RoutedBands(Collector):
    """frontdesk_routing_total by band, read from the router's own tally at each scrape."""

    def collect(self) -> Iterator[CounterMetricFamily]:
        from bot.router.router import ROUTED

        family = CounterMetricFamily("frontdesk_routing", "Typed situations routed, by band "
                                     "(confident, ambiguous, none).", labels=["band"])
        for band, count in sorted(ROUTED.items()):
            family.add_metric([band], count)
        yield family


PROCESS.register(RoutedBands())
OUTCOMES = Counter("frontdesk_outcomes", "Outcomes reached, by decision.", ["decision"],
                   registry=PROCESS)
DELIVERY_FAILURES = Counter("frontdesk_delivery_failures", "Failed delivery attempts (retried "
                            "or final), by channel.", ["channel"], registry=PROCESS)


def event_kind(body: dict[str, Any]) -> str:
    """A Slack request's kind for ``frontdesk_events_total``: the event's type, or
    ``slash_command``, or the interaction's type."""
    if isinstance(body.get("event"), dict):
        return str(body["event"].get("type") or "event")[:40]
    if "command" in body:
        return "slash_command"
    return str(body.get("type") or "other")[:40]
