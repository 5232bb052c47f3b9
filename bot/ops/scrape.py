"""What ``/metrics`` answers: this process's counters (``bot.ops.metrics``), then the figures
read from the database at each scrape (pages by state, the time to acknowledge)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector

from bot.escalation.states import State
from bot.ops.metrics import PROCESS
from bot.store import Database
from bot.store.ops import ack_times, pages_by_state

log = logging.getLogger("frontdesk.metrics")

PAGE_STATES = tuple(State)
# Seconds: the default ack timeouts are 180 (immediate) and 900 (prompt).
ACK_BUCKETS = (30.0, 60.0, 120.0, 180.0, 300.0, 600.0, 900.0, 1800.0, 3600.0, 14400.0)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class StoreCollector(Collector):
    """Pages by state and the time to acknowledge, read from the database at scrape time."""

    def __init__(self, database: Database):
        self.database = database

    def collect(self) -> Iterable[Metric]:
        states = pages_by_state(self.database)
        pages = GaugeMetricFamily("frontdesk_pages", "Pages (escalations) by state.",
                                  labels=["state"])
        for state in sorted(set(PAGE_STATES) | set(states)):
            pages.add_metric([state], states.get(state, 0))
        yield pages
        ack = HistogramMetricFamily("frontdesk_time_to_acknowledge_seconds",
                                    "Seconds from a page to its acknowledgement, by urgency.",
                                    labels=["urgency"])
        times = ack_times(self.database)
        for urgency in sorted({t.urgency for t in times} | {"immediate", "prompt"}):
            seconds = [t.seconds for t in times if t.urgency == urgency]
            buckets = [(repr(edge), sum(1 for s in seconds if s <= edge)) for edge in ACK_BUCKETS]
            buckets.append(("+Inf", len(seconds)))
            ack.add_metric([urgency], buckets, sum_value=sum(seconds))
        yield ack


def exposition(database: Database | None) -> bytes:
    """The text Prometheus scrapes: this process's counters, then the database's figures."""
    text = generate_latest(PROCESS)
    if database is not None:
        store = CollectorRegistry(auto_describe=False)
        store.register(StoreCollector(database))
        try:
            text += generate_latest(store)
        except Exception:  # the database is away: /readyz says so; the counters still count
            log.exception("metrics: reading the database failed")
    return text
