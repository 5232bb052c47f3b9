"""Proposed clauses from a policy's own structure: its headings and list labels.

A clause is a span of ``policy.txt`` anchored by its first (``from``) and last (``to``) words
(docs/packs.md, step 3). This module reads the text's blocks (paragraphs and list items), works
out the outline from the labels (``I.``, ``A.``, ``1.``, ``a.``, ``i.``, ``1)``), and proposes
one clause per body paragraph with an id in the policy's own numbering (``III.B.2``), or, where
the policy has headings but no numbers, the heading's slug and the paragraph's number
(``requests-for-confidential-information.3``). A labelled section with items also gets a
whole-section clause. Every proposal's anchors are checked against the text the way the pack
loader reads them, so a proposal always loads; the author then shortens titles and drops what
they don't want.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.content.packs import span as _span

_LABELLED = re.compile(r"^\s*\(?(?P<label>[IVXLC]+|[A-Z]|\d{1,3}|[a-z]|[ivx]+)(?P<sep>[.)])\s+\S")
_MANUAL = re.compile(r"^\s*(?P<label>[A-Z]{1,3}-[A-Z0-9]{1,3})\b")
_ROMAN_UPPER = re.compile(r"^[IVXLC]+$")
_ROMAN_LOWER = re.compile(r"^[ivx]+$")


@dataclass(frozen=True)
class Block:
    start: int
    end: int
    text: str
    label: str | None
    kind: str | None  # ROMAN, Letter, digit, letter, roman, manual


@dataclass(frozen=True)
class ProposedClause:
    id: str
    title: str
    start: int
    end: int
    from_: str
    to: str | None

    def to_yaml(self) -> dict[str, str]:
        spec = {"title": self.title, "from": self.from_}
        if self.to is not None:
            spec["to"] = self.to
        return spec


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "policy"


def _kind(label: str, previous: dict[str, str]) -> str:
    """Which numbering a label belongs to; I/V/X and i/v/x are letters when they continue one."""
    if label.isdigit():
        return "digit"
    if _ROMAN_UPPER.match(label):
        prior = previous.get("Letter")
        if len(label) == 1 and prior and ord(label) == ord(prior) + 1:
            return "Letter"
        return "ROMAN"
    if _ROMAN_LOWER.match(label):
        prior = previous.get("letter")
        if len(label) == 1 and prior and ord(label) == ord(prior) + 1:
            return "letter"
        return "roman"
    return "Letter" if label.isupper() else "letter"


def blocks(text: str) -> list[Block]:
    """Paragraphs (split at blank lines) and list items (a labelled line starts a new one)."""
    out: list[Block] = []
    previous: dict[str, str] = {}
    offset = 0
    current: list[tuple[int, str]] = []

    def flush() -> None:
        if not current:
            return
        start = current[0][0]
        end = current[-1][0] + len(current[-1][1])
        body = text[start:end]
        label = kind = None
        if m := _MANUAL.match(body):
            label, kind = m["label"], "manual"
        elif m := _LABELLED.match(body):
            label = m["label"]
            kind = _kind(label, previous)
            previous[kind] = label
        out.append(Block(start, end, body, label, kind))
        current.clear()

    for line in text.split("\n"):
        if not line.strip():
            flush()
        elif current and (_LABELLED.match(line) or _MANUAL.match(line)):
            flush()
            current.append((offset, line))
        else:
            current.append((offset, line))
        offset += len(line) + 1
    flush()
    return out


def _is_heading(block: Block) -> bool:
    one_line = "\n" not in block.text.strip()
    return one_line and len(block.text.split()) <= 10 and not block.text.rstrip().endswith(
        (".", ";", ":", ","))


def _anchor_from(text: str, start: int, end: int) -> str:
    """The shortest run of first words (at least six, or the whole block) found once."""
    body = text[start:end]
    words = list(re.finditer(r"\S+", body))
    for count in range(min(6, len(words)), len(words) + 1):
        candidate = body[: words[count - 1].end()]
        if text.count(candidate) == 1:
            return candidate
    return body


def _anchor_to(text: str, start: int, end: int, begin: str) -> str | None:
    """The last words that end the clause where the block ends (None: ``from`` is all of it)."""
    body = text[start:end]
    if begin == body:
        return None
    words = list(re.finditer(r"\S+", body))
    for count in range(min(5, len(words)), len(words) + 1):
        candidate = body[words[-count].start():]
        if text.find(candidate, start) + len(candidate) == end:
            return candidate
    return body


def _title(block: Block) -> str:
    body = re.sub(r"\s+", " ", block.text).strip()
    if block.label:
        body = re.sub(r"^\(?" + re.escape(block.label) + r"[.)]?\s*", "", body)
    sentence = re.split(r"(?<=[.;:])\s", body, maxsplit=1)[0]
    words = sentence.split()
    return " ".join(words[:12]).rstrip(".;:,") + ("…" if len(words) > 12 else "")


def propose(text: str) -> list[ProposedClause]:
    """Clauses for ``text`` in order: ids from the outline, anchors that load."""
    found = blocks(text)
    labelled = any(b.kind for b in found)
    order: list[str] = []  # numbering kinds, outermost first, in order of first use
    stack: list[tuple[str, str, Block]] = []  # (kind, label, block)
    heading = slug(found[0].text) if found else "policy"
    paragraph = 0
    proposals: list[ProposedClause] = []
    children: dict[str, list[Block]] = {}
    section_block: dict[str, Block] = {}
    headed: set[str] = set()  # sections whose label stands on a heading line

    def add(clause_id: str, block_start: int, block_end: int, title: str) -> None:
        begin = _anchor_from(text, block_start, block_end)
        end_anchor = _anchor_to(text, block_start, block_end, begin)
        if any(p.id == clause_id for p in proposals):
            clause_id = f"{clause_id}-{len(proposals)}"
        proposals.append(ProposedClause(clause_id, title, block_start, block_end, begin,
                                        end_anchor))

    for index, block in enumerate(found):
        if block.kind:
            if block.kind == "manual":
                stack = [("manual", block.label or "", block)]
            else:
                if block.kind not in order:
                    order.append(block.kind)
                depth = order.index(block.kind)
                stack = [s for s in stack if s[0] == "manual" or order.index(s[0]) < depth]
                stack.append((block.kind, block.label or "", block))
            paragraph = 0
            clause_id = ".".join(label for _, label, _ in stack)
            for _, _, parent in stack[:-1]:
                parent_id = ".".join(
                    label for _, label, _ in stack[: stack.index(next(
                        s for s in stack if s[2] is parent)) + 1])
                children.setdefault(parent_id, []).append(block)
                section_block[parent_id] = parent
            if _is_heading(block):
                headed.add(clause_id)
                continue  # a numbered heading: its paragraphs and items are clauses below
            add(clause_id, block.start, block.end, _title(block))
        elif _is_heading(block) and (index == 0 or not labelled):
            heading = slug(block.text)
            paragraph = 0
            stack = [] if not labelled else stack
        else:
            paragraph += 1
            base = ".".join(label for _, label, _ in stack) if stack else heading
            add(f"{base}.{paragraph}", block.start, block.end, _title(block))
            if stack:
                children.setdefault(base, []).append(block)
                section_block[base] = stack[-1][2]
    for section_id, items in children.items():
        if section_id not in headed:
            continue  # its own paragraph and its items are clauses already
        head = section_block[section_id]
        add(section_id, head.start, max(b.end for b in items), _title(head) + " (whole section)")
    loads = [p for p in proposals if _span(text, p.from_, p.to) == (p.start, p.end)]
    return sorted(loads, key=lambda p: (p.start, -(p.end - p.start)))
