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
_BULLET = re.compile(r"^\s*[-*•]\s+\S")
_ROMAN_UPPER = re.compile(r"^[IVXLC]+$")
# A sentence ends at . ; or : before a space, but not after "e.g." / "i.e." / "etc." / "No.".
_SENTENCE_END = re.compile(r"(?<!e\.g\.)(?<!i\.e\.)(?<!etc\.)(?<!No\.)(?<=[.;:])\s")
_ROMAN_LOWER = re.compile(r"^[ivx]+$")


@dataclass(frozen=True)
class Block:
    start: int
    end: int
    text: str
    label: str | None
    kind: str | None  # ROMAN, Letter, digit, letter, roman, manual
    joined_before: bool = False  # on the line right after the previous block (no blank line)
    joined_after: bool = False  # the next block starts on the next line

    @property
    def bullet(self) -> bool:
        return bool(_BULLET.match(self.text))


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
    """Paragraphs (split at blank lines) and list items (a labelled or bulleted line starts a
    new one)."""
    out: list[Block] = []
    previous: dict[str, str] = {}
    offset = 0
    current: list[tuple[int, str]] = []
    after_blank = True

    def flush(joined_after: bool) -> None:
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
        out.append(Block(start, end, body, label, kind, joined_before=not after_blank,
                         joined_after=joined_after))
        current.clear()

    for line in text.split("\n"):
        if not line.strip():
            flush(False)
            after_blank = True
        else:
            if current and (_LABELLED.match(line) or _MANUAL.match(line) or _BULLET.match(line)):
                flush(True)
                after_blank = False
            elif not current:
                pass
            current.append((offset, line))
        offset += len(line) + 1
    flush(False)
    return out


def _letterhead(block: Block) -> bool:
    """Every line short, none a sentence: a name, an address, a title, a date line."""
    return all(len(line.split()) <= 12 and not line.rstrip().endswith((".", ";", ","))
               for line in block.text.strip().splitlines())


def _is_heading(block: Block, blocks_: list[Block], index: int) -> bool:
    """A one-line title: short, no closing punctuation, not a "Label: value" line, and not an
    item of a list (a sibling on the line before or after, like ``e.`` between ``d.`` and
    ``f.``)."""
    body = block.text.strip()
    if "\n" in body or len(body.split()) > 10 or body.endswith((".", ";", ":", ",")):
        return False
    if block.bullet:
        return False
    rest = body[len(block.label or ""):] if block.kind == "manual" else body
    if re.search(r"\S:\s+\S", rest.lstrip(": ")):
        return False
    if block.kind and block.kind != "manual":
        before = blocks_[index - 1] if index > 0 else None
        after = blocks_[index + 1] if index + 1 < len(blocks_) else None
        introduces = after is not None and after.joined_before and after.kind not in (
            None, block.kind)  # "H. Record Keeping" right above its "1."
        in_list = (after is not None and after.joined_before and after.kind == block.kind) or (
            before is not None and before.joined_after and before.kind == block.kind)
        if in_list and not introduces:
            return False
    return True


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
    """A first guess at a title: the block's first sentence, label and bullet removed."""
    body = re.sub(r"\s+", " ", block.text).strip()
    body = re.sub(r"^[-*•]\s+", "", body)
    if block.label:
        body = re.sub(r"^\(?" + re.escape(block.label) + r"[.):]?\s*", "", body)
    sentence = _SENTENCE_END.split(body, maxsplit=1)[0]
    words = sentence.split()
    return " ".join(words[:12]).rstrip(".;:,") + ("…" if len(words) > 12 else "")


@dataclass
class _Section:
    """A heading or a labelled item, and the blocks under it."""

    id: str
    head: Block
    headed: bool  # its own block is a heading line (else: a list item with a body)
    children: list[Block]
    paragraphs: int = 0
    nested: bool = False  # a labelled heading inside a section ("d. Data Security")

    @property
    def starts(self) -> int:
        """Where its clause starts: a nested heading is kept (it names the item), a section's
        own heading is not (the reader knows which section they are in)."""
        return self.head.start if self.nested else self.children[0].start


def propose(text: str) -> list[ProposedClause]:
    """Clauses for ``text`` in order: ids from the outline, anchors that load.

    Letterhead (the short lines above the first sentence) is never a clause. A paragraph after
    a list belongs to the section holding the list, not to its last item. A section with one
    paragraph is a clause under the section's own id; one with more gets a whole-section clause
    from its heading to its last block, besides a clause per paragraph or item.
    """
    found = blocks(text)
    order: list[str] = []  # numbering kinds, outermost first, in order of first use
    stack: list[tuple[str, _Section]] = []  # (kind, section)
    sections: dict[str, _Section] = {}
    unnumbered: _Section | None = None  # the heading in force where there are no labels
    proposals: list[ProposedClause] = []
    started = False  # a sentence has been seen: short lines are no longer letterhead

    def add(clause_id: str, block_start: int, block_end: int, title: str) -> None:
        begin = _anchor_from(text, block_start, block_end)
        end_anchor = _anchor_to(text, block_start, block_end, begin)
        if any(p.id == clause_id for p in proposals):
            clause_id = f"{clause_id}-{len(proposals)}"
        proposals.append(ProposedClause(clause_id, title, block_start, block_end, begin,
                                        end_anchor))

    def paragraph_of(section: _Section | None, block: Block) -> None:
        if section is None:
            section = _Section(slug("policy"), block, True, [])
            sections.setdefault(section.id, section)
            section = sections[section.id]
        section.paragraphs += 1
        for _, ancestor in stack:
            ancestor.children.append(block)
        if unnumbered is not None and not stack:
            unnumbered.children.append(block)
        add(f"{section.id}.{section.paragraphs}", block.start, block.end, _title(block))

    for index, block in enumerate(found):
        heading = _is_heading(block, found, index)
        if block.kind:
            started = True
            if block.kind == "manual":
                stack = []
            else:
                if block.kind not in order:
                    order.append(block.kind)
                depth = order.index(block.kind)
                stack = [s for s in stack if s[0] == "manual" or order.index(s[0]) < depth]
            clause_id = ".".join([s.id.split(".")[-1] if k != "manual" else s.id
                                  for k, s in stack] + [block.label or ""])
            if stack and stack[0][0] == "manual":
                clause_id = ".".join([stack[0][1].id] + [s.id.rsplit(".", 1)[-1]
                                                         for _, s in stack[1:]]
                                     + [block.label or ""])
            for _, ancestor in stack:
                ancestor.children.append(block)
            section = _Section(clause_id, block, heading, [], nested=bool(stack))
            sections[clause_id] = section
            stack.append((block.kind, section))
            unnumbered = None
            if not heading:
                add(clause_id, block.start, block.end, _title(block))
        elif not started and _letterhead(block):
            if heading:  # letterhead or the title: names an unnumbered section, no clause
                unnumbered = sections.setdefault(slug(block.text), _Section(
                    slug(block.text), block, True, []))
        elif heading and (not any(b.kind for b in found) or stack):
            started = started or bool(stack)
            stack = []  # an unnumbered heading after numbered ones starts a new section
            unnumbered = sections.setdefault(slug(block.text), _Section(
                slug(block.text), block, True, []))
        else:
            started = True
            while stack and not stack[-1][1].headed:
                stack.pop()  # a paragraph after a list belongs to the list's section
            paragraph_of(stack[-1][1] if stack else unnumbered, block)

    by_id = {p.id: p for p in proposals}
    for section in sections.values():
        direct = [p for p in proposals if p.id.rsplit(".", 1)[0] == section.id]
        if not section.children:
            continue
        end = max(b.end for b in section.children)
        if not section.headed and section.id in by_id:
            item = by_id[section.id]  # an item with sub-items ("... which:" 1. 2.) spans them
            proposals.remove(item)
            add(section.id, item.start, end, item.title)
        elif len(section.children) == 1 and len(direct) == 1 and (
                direct[0].id == f"{section.id}.1"):
            only = direct[0]  # one paragraph: it is the section
            proposals.remove(only)
            add(section.id, section.starts, only.end, only.title)
        elif len(section.children) > 1 and section.id not in by_id:
            heading = _title(section.head)
            if heading.isupper():  # "RELEASE OF PRIVATE PATRON INFORMATION"
                heading = heading.capitalize()
            add(section.id, section.starts, end, heading + " (whole section)")
    loads = [p for p in proposals if _span(text, p.from_, p.to) == (p.start, p.end)]
    return sorted(loads, key=lambda p: (p.start, -(p.end - p.start)))
