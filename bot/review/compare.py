"""Cross-library comparison: for each distinct path through a situation, what each library's
policy tells staff to do, with the differences highlighted.

Rows come from ``enumerate_paths`` for every library: each library's root-to-outcome paths,
merged (a path that is only the start of another library's longer path is folded into it, since
the extra answers change nothing for the library that never asks). Each library then walks the
row's answers with its own facts. Where a library would ask something the row does not answer,
its cell is its one possible outcome, or says what it depends on.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from bot.check.paths import enumerate_paths
from bot.content.catalogue import Catalogue, bundled_content_root, resolve_outcome
from bot.content.flows import NOT_SURE, Flow, Outcome, Question
from bot.engine.walk import walk
from bot.review.diagram import DECISION_COLOURS
from bot.review.html import render_page

Steps = tuple[tuple[str, str], ...]
_PAREN = re.compile(r"\s*\([^)]*\)")
_YES_NO = re.compile(r"^(yes|no)\s*[,:]\s*", re.IGNORECASE)


def with_bundled_libraries(catalogue: Catalogue) -> Catalogue:
    """``catalogue`` with the bundled libraries beside its own, so a library's content folder
    (often one pack) is compared with the others; its own packs win on the same id."""
    bundled = bundled_content_root()
    if bundled is None or bundled.resolve() == catalogue.root.resolve():
        return catalogue
    others = Catalogue.load(bundled)
    return replace(catalogue, packs={**others.packs, **catalogue.packs})


@dataclass(frozen=True)
class Cell:
    library: str
    outcome: str | None
    decision: str  # a decision, or "depends"
    headline: str
    pages: str | None = None
    note: str = ""


@dataclass
class Row:
    steps: Steps
    description: str
    cells: dict[str, Cell] = field(default_factory=dict)

    @property
    def decisions(self) -> Counter[str]:
        return Counter(c.decision for c in self.cells.values())

    @property
    def differs(self) -> bool:
        """The libraries' decisions differ on this path."""
        return len(self.decisions) > 1

    @property
    def varies(self) -> bool:
        """Same decision everywhere, but not the same outcome."""
        return not self.differs and len({c.outcome for c in self.cells.values()}) > 1

    def odd(self, library: str) -> bool:
        """This library's decision is not the row's most common one."""
        if not self.differs:
            return False
        counts = self.decisions.most_common()
        top = counts[0][1]
        majority = {d for d, n in counts if n == top}
        return len(majority) == 1 and self.cells[library].decision not in majority


@dataclass
class Comparison:
    flow_id: str
    title: str
    libraries: list[tuple[str, str]]  # (id, library name)
    rows: list[Row]
    omitted_not_sure: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "situation": self.flow_id,
            "title": self.title,
            "libraries": [{"id": i, "name": n} for i, n in self.libraries],
            "rows": [
                {
                    "answers": [list(s) for s in row.steps],
                    "description": row.description,
                    "differs": row.differs,
                    "varies": row.varies,
                    "cells": {
                        lib: {
                            "outcome": c.outcome,
                            "decision": c.decision,
                            "headline": c.headline,
                            "pages": c.pages,
                            "note": c.note,
                            "odd": row.odd(lib),
                        }
                        for lib, c in row.cells.items()
                    },
                }
                for row in self.rows
            ],
            "omitted_not_sure": self.omitted_not_sure,
        }


def describe_choice(question: Question, choice_id: str) -> str:
    """A choice in plain words: its label without asides, and without a bare yes/no."""
    choice = question.choice(choice_id)
    if choice is None:
        return choice_id
    label = _PAREN.sub("", choice.label).strip()
    rest = _YES_NO.sub("", label).strip()
    if rest and rest != label and len(rest.split()) >= 2:
        label = rest
    elif len(label.split()) <= 1:
        ask = _PAREN.sub("", question.ask).strip().rstrip("?")
        label = f"{ask}: {label.lower()}"
    return label[:1].lower() + label[1:] if label[:2] != label[:2].upper() else label


def describe(flow: Flow, steps: Steps) -> str:
    parts = []
    for question_id, choice_id in steps:
        node = flow.nodes.get(question_id)
        parts.append(describe_choice(node, choice_id) if isinstance(node, Question) else choice_id)
    text = " · ".join(parts)
    return text[:1].upper() + text[1:]


def _order_key(flow: Flow, steps: Steps) -> tuple[tuple[int, int], ...]:
    order = {node_id: i for i, node_id in enumerate(flow.nodes)}
    key = []
    for question_id, choice_id in steps:
        node = flow.nodes.get(question_id)
        index = (
            next((i for i, c in enumerate(node.choices) if c.id == choice_id), 99)
            if isinstance(node, Question)
            else 99
        )
        # "Not sure" sorts last among its siblings.
        key.append((order.get(question_id, 999), 98 if choice_id == NOT_SURE else index))
    return tuple(key)


def compare(catalogue: Catalogue, situation: str, *, not_sure: bool = False) -> Comparison:
    libraries = [lib for lib in sorted(catalogue.packs) if situation in catalogue.flows_for(lib)]
    if not libraries:
        catalogue.flow(sorted(catalogue.packs)[0], situation)  # raises UnknownName
    flows = {lib: catalogue.flow(lib, situation) for lib in libraries}
    paths = {lib: list(enumerate_paths(catalogue.packs[lib], flows[lib])) for lib in libraries}
    shared = catalogue.flows.get(situation) or flows[libraries[0]]

    candidates: dict[frozenset[tuple[str, str]], Steps] = {}
    for lib in libraries:
        for path in paths[lib]:
            candidates.setdefault(frozenset(path.steps), path.steps)
    omitted = 0
    if not not_sure:
        kept = {k: v for k, v in candidates.items() if all(c != NOT_SURE for _, c in v)}
        omitted = len(candidates) - len(kept)
        candidates = kept
    maximal = [
        steps for key, steps in candidates.items() if not any(key < other for other in candidates)
    ]
    maximal.sort(key=lambda steps: _order_key(shared, steps))

    rows = []
    for steps in maximal:
        row = Row(steps, describe(shared, steps))
        for lib in libraries:
            row.cells[lib] = _cell(catalogue, lib, flows[lib], steps, paths[lib])
        rows.append(row)
    return Comparison(
        situation,
        shared.title,
        [(lib, catalogue.packs[lib].library) for lib in libraries],
        rows,
        omitted,
    )


def _cell(catalogue: Catalogue, library: str, flow: Flow, steps: Steps, paths: list) -> Cell:
    pack = catalogue.packs[library]
    answers = dict(steps)
    position = walk(pack, flow, answers)
    if isinstance(position.node, Outcome):
        return _outcome_cell(catalogue, library, flow, position.node)
    question = position.node
    consistent = {
        p.outcome for p in paths if all(answers.get(q, c) == c for q, c in p.steps)
    }
    if len(consistent) == 1:
        node = flow.nodes[next(iter(consistent))]
        assert isinstance(node, Outcome)
        cell = _outcome_cell(catalogue, library, flow, node)
        return Cell(**{**cell.__dict__, "note": f"whatever the answer to: {question.ask}"})
    return Cell(library, None, "depends", f"Also asks: {question.ask}", None, "depends")


def _outcome_cell(catalogue: Catalogue, library: str, flow: Flow, outcome: Outcome) -> Cell:
    resolved = resolve_outcome(catalogue.packs[library], flow, outcome)
    escalate = resolved.escalate
    pages = (
        f"{', '.join(escalate.roles)} ({escalate.urgency})" if escalate.pages else None
    )
    return Cell(library, outcome.id, resolved.decision, resolved.headline, pages)


# --- rendering ------------------------------------------------------------------------------


def _mark(row: Row) -> str:
    return "≠" if row.differs else ("~" if row.varies else " ")


def to_text(comparison: Comparison) -> str:
    width = max(len(lib) for lib, _ in comparison.libraries)
    out = [
        f"{comparison.title} ({comparison.flow_id})",
        f"{len(comparison.rows)} distinct paths, "
        f"{sum(r.differs for r in comparison.rows)} where the libraries' decisions differ (≠); "
        "~ same decision, different steps; * the library that differs from the rest.",
    ]
    for number, row in enumerate(comparison.rows, 1):
        out.append("")
        out.append(f"{_mark(row)} {number}. {row.description}")
        for lib, _ in comparison.libraries:
            cell = row.cells[lib]
            star = "*" if row.odd(lib) else " "
            pages = f" [pages {cell.pages}]" if cell.pages else ""
            out.append(
                f"   {star} {lib:<{width}}  {cell.decision.upper():<16} {cell.headline}{pages}"
            )
    if comparison.omitted_not_sure:
        out.append("")
        out.append(
            f"({comparison.omitted_not_sure} paths through a 'Not sure' answer are left out; "
            "--not-sure shows them.)"
        )
    return "\n".join(out) + "\n"


def to_markdown(comparison: Comparison) -> str:
    def esc(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    head = "| | Path | " + " | ".join(esc(name) for _, name in comparison.libraries) + " |"
    rule = "|---|---|" + "---|" * len(comparison.libraries)
    out = [head, rule]
    for row in comparison.rows:
        cells = []
        for lib, _ in comparison.libraries:
            cell = row.cells[lib]
            decision = f"**{cell.decision.upper()}**"
            if row.odd(lib):
                decision = f"⚠ {decision}"
            cells.append(f"{decision} {esc(cell.headline)}")
        out.append(f"| {_mark(row).strip()} | {esc(row.description)} | " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


def to_html(comparison: Comparison) -> str:
    return render_page(
        "compare.html.j2", comparison=comparison, colours=DECISION_COLOURS, mark=_mark
    )
