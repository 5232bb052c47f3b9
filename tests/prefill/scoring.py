"""Scoring prefill against a labelled set (tests/prefill/*.yaml): shared by
tests/test_prefill_sets.py and bench/prefill_bench.py.

An item is {flow, text, expect: {question: choice}, tricky, dates}. What prefill *answers* (not
what it only suggests) is compared with ``expect``, one answer at a time (question:choice):

* a true positive: answered as expected;
* a false positive: answered, but the item expects another choice for that question or nothing;
* a false negative: expected, but not answered (asked instead: safe, only slower).

Safety-critical answers are the choices a flow marks ``critical: true`` and every answer but
Not sure to a question asking about danger (its denials too); their precision is reported on
its own (it must be 100 %: never taken from a weak cue).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from bot.content.catalogue import Catalogue
from bot.content.flows import NOT_SURE, Flow, Question
from bot.router.prefill import prefill, stated_start

HERE = Path(__file__).resolve().parent
BENCH_TODAY = date(2026, 12, 6)  # relative dates are resolved against a fixed day


@dataclass(frozen=True)
class Item:
    flow: str
    text: str
    expect: dict[str, str]
    tricky: bool
    days_ago: int | None  # the stated date a hold counts from, when the item gives one
    line: int


def load_items(path: Path) -> list[Item]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if isinstance(raw, dict):
        raw = raw.get("items") or raw.get("phrasings") or []
    items = []
    for number, entry in enumerate(raw, 1):
        expect = {str(q): _choice_id(c) for q, c in (entry.get("expect") or {}).items()}
        items.append(Item(str(entry["flow"]), str(entry["text"]), expect,
                          bool(entry.get("tricky", False)), _days_ago(entry.get("dates")),
                          number))
    return items


def _choice_id(value: Any) -> str:
    """YAML reads yes/no as booleans; the flows' choice ids are the strings."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value)


def _days_ago(value: Any) -> int | None:
    """The earliest date an item states, in days before the day it was said. ``dates`` is a
    list of {date_offset_days: -N, ...} (the blind set) or {days_ago: N} (the dev set)."""
    if value is None or value == {} or value == []:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, list):
        offsets = [int(d["date_offset_days"]) for d in value
                   if isinstance(d, dict) and d.get("date_offset_days") is not None]
        return -min(offsets) if offsets else None
    if isinstance(value, dict):
        for key in ("days_ago", "hold_start_days_ago", "start_days_ago"):
            if key in value and value[key] is not None:
                return int(value[key])
    return None


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class Score:
    per_answer: dict[str, Tally] = field(default_factory=dict)  # "flow/question:choice"
    overall: Tally = field(default_factory=Tally)
    critical: Tally = field(default_factory=Tally)
    tricky: Tally = field(default_factory=Tally)
    dates: Counter[str] = field(default_factory=Counter)  # right, wrong, missed, invented
    misses: list[str] = field(default_factory=list)
    critical_errors: list[str] = field(default_factory=list)
    items: int = 0
    skipped: list[str] = field(default_factory=list)
    unlabelled: list[str] = field(default_factory=list)  # takes of ADDED_AFTER_THE_SETS


# Questions added to a flow after the labelled sets were written: the sets hold no label for
# them, so a take is neither right nor wrong against them (not "expected None"): left out of the
# tallies and listed in ``Score.unlabelled`` (the bench prints them). Remove an entry once the
# sets are labelled for it.
ADDED_AFTER_THE_SETS = frozenset({
    ("legal-document-served", "waiting"),  # play-test 8 E8 (session 11)
    ("legal-document-served", "timing"),  # play-test 8 E11, a court order by mail (session 12)
})


def flow_for(catalogue: Catalogue, flow_id: str) -> Flow | None:
    for library in sorted(catalogue.packs):
        flows = catalogue.flows_for(library)
        if flow_id in flows:
            return flows[flow_id]
    return None


def is_critical(flow: Flow, question: str, choice: str) -> bool:
    """A ``critical`` choice, or any answer but Not sure to a question asking whether someone
    is in danger: "no child in danger" taken wrongly (read from "he's alone with a little girl",
    review 5 C1) skips the 911 branch as surely as a release condition taken wrongly takes
    one."""
    node = flow.nodes.get(question)
    found = node.choice(choice) if isinstance(node, Question) else None
    if found is None:
        return False
    return found.critical or (node.danger and found.id != NOT_SURE)


def _holds_from_a_stated_date(flow: Flow) -> bool:
    return flow.dated_hold is not None


def score(catalogue: Catalogue, items: list[Item]) -> Score:
    result = Score()
    for item in items:
        flow = flow_for(catalogue, item.flow)
        if flow is None:
            result.skipped.append(f"{item.line}: no flow {item.flow!r}")
            continue
        result.items += 1
        answered = {p.question: p.choice for p in prefill(flow, item.text) if not p.suggested}
        # a question the flow no longer has (merged into another) cannot be answered or asked
        keys = set(answered) | {q for q in item.expect if q in flow.nodes}
        for question in sorted(keys):
            got, want = answered.get(question), item.expect.get(question)
            if (flow.id, question) in ADDED_AFTER_THE_SETS and want is None:
                result.unlabelled.append(f"{item.line}: {item.text!r}: took {question}={got}")
                continue
            if got is not None:
                key = f"{flow.id}/{question}:{got}"
                tally = result.per_answer.setdefault(key, Tally())
                ok = got == want
                buckets = [tally, result.overall]
                if is_critical(flow, question, got) or (want and is_critical(flow, question,
                                                                             want)):
                    buckets.append(result.critical)
                if item.tricky:
                    buckets.append(result.tricky)
                for b in buckets:
                    if ok:
                        b.tp += 1
                    else:
                        b.fp += 1
                if not ok:
                    line = f"{item.line}: {item.text!r}: took {question}={got}, expected {want}"
                    result.misses.append(line)
                    if is_critical(flow, question, got):
                        result.critical_errors.append(line)
            if want is not None and got != want:
                key = f"{flow.id}/{question}:{want}"
                tally = result.per_answer.setdefault(key, Tally())
                buckets = [tally, result.overall]
                if is_critical(flow, question, want):
                    buckets.append(result.critical)
                if item.tricky:
                    buckets.append(result.tricky)
                for b in buckets:
                    b.fn += 1
                if got is None:
                    result.misses.append(f"{item.line}: {item.text!r}: asked {question} "
                                         f"(expected {want})")
        if not _holds_from_a_stated_date(flow):
            continue  # only a hold's start reads dates
        dated = stated_start(flow, item.text, BENCH_TODAY)
        if item.days_ago is not None or dated is not None:
            want_day = (BENCH_TODAY - timedelta(days=item.days_ago)
                        if item.days_ago is not None else None)
            got_day = date.fromisoformat(dated.date) if dated else None
            if want_day is None:
                result.dates["invented"] += 1
            elif got_day is None:
                result.dates["missed"] += 1
            elif abs((got_day - want_day).days) <= 3:  # "last month" is about 30 days
                result.dates["right"] += 1
            else:
                result.dates["wrong"] += 1
                result.misses.append(f"{item.line}: {item.text!r}: date {got_day}, expected "
                                     f"{want_day}")
    return result
