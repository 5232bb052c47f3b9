"""Pasted policy text to ``policy.txt``: remove markup, change no word (docs/packs.md, step 1).

Removed: HTML tags and entities, markdown emphasis and heading marks, horizontal rules, a bullet
(and its indentation) in front of an item that already has a label (``- A.``), page headers
repeated mid-text, "Page N of M" footers and running footers that carry a page number
("Oak Park Library — Privacy Policy — Page 1 of 3", the same line on every page), trailing
spaces, runs of blank lines. Joined: a sentence a page break split in two (one space), and items
of one list that a page break or a stray blank line separated (``e.`` then ``f.``). A table
row's cells (tab-separated) go one to a line. Everything else is kept as it is: typos, odd
grammar and the policy's own labels stay, because staff are quoted this text.
"""

from __future__ import annotations

import difflib
import html
import re

_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
# A rule, or a table's separator row ("---|---", "----\t---"): marks, never words.
_RULE = re.compile(r"^\s*(?=[-*_=|:\s]*(?:-{3}|\*{3}|_{3}|={3}))[-*_=|:\s]+$")
_HEADING = re.compile(r"^\s*#{1,6}\s+")
# Emphasis wraps words: a run of underscores alone (a signature line, "Date: ____") stays.
_BOLD = re.compile(r"(\*\*|__)(?=[^\s*_])(.+?)(?<=[^\s*_])\1")
_ITALIC = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_LABEL = r"(?:[IVXLC]+|[A-Z]|\d{1,3}|[a-z]|[ivx]+)[.)]\s"
_BULLET_BEFORE_LABEL = re.compile(rf"^\s*[-*•]\s+(?={_LABEL})")
_LABELLED = re.compile(r"^(?P<label>[IVXLC]+|[A-Z]|\d{1,3}|[a-z]|[ivx]+)[.)]\s")
# A line that ends a sentence (or a heading's colon); anything else before a break is cut short.
_ENDS_SENTENCE = re.compile(r"[.!?:;\"'”’)\]]$")
_SHORT_LINE_WORDS = 12  # at most this many words: a heading or letterhead line, never joined
_PAGE_FOOTER = re.compile(r"^\s*(?:page\s+)?\d+\s*(?:of|/)\s*\d+\s*$", re.IGNORECASE)
# A page number inside a longer line ("Oak Park Library — Privacy Policy — Page 1 of 3").
_PAGE_NUMBER = re.compile(r"\bpage\s+\d+\b|\b\d+\s*(?:of|/)\s*\d+\s*$", re.IGNORECASE)


def normalise(raw: str) -> str:
    """The text of ``policy.txt`` for ``raw`` (pasted from a web page, Word or a PDF)."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    text = html.unescape(_TAG.sub("", text))
    lines: list[str] = []
    header: str | None = None
    raw_lines = text.split("\n")
    running = running_lines(raw_lines)
    for line in raw_lines:
        if _RULE.match(line) or _PAGE_FOOTER.match(line) or _page_key(line) in running:
            continue
        line = _HEADING.sub("", line)
        line = _BOLD.sub(r"\2", line)
        line = _ITALIC.sub(r"\1", line)
        line = _BULLET_BEFORE_LABEL.sub("", line)
        line = line.rstrip()
        if header is None and line.strip():
            header = line.strip()
        elif header is not None and line.strip() == header:
            continue  # the page header printed again on every page
        if "\t" in line.strip():  # a table row: one cell to a line
            lines.extend(cell.strip() for cell in line.split("\t") if cell.strip())
        else:
            lines.append(line)
    out: list[list[str]] = []
    for paragraph in _paragraphs(lines):
        previous = out[-1] if out else None
        if previous is not None and _continues_list(previous, paragraph[0]):
            previous.extend(paragraph)
        elif previous is not None and _sentence_cut(previous[-1], paragraph[0]):
            previous[-1] = f"{previous[-1]} {paragraph[0].lstrip()}"
            previous.extend(paragraph[1:])
        else:
            out.append(paragraph)
    return "\n\n".join("\n".join(paragraph) for paragraph in out) + "\n"


def _page_key(line: str) -> str:
    """A line with its numbers masked: a running footer is the same line on every page."""
    return re.sub(r"\d+", "#", " ".join(line.split())).lower()


def running_lines(lines: list[str]) -> set[str]:
    """The page headers or footers printed on every page ("Oak Park Library — Privacy Policy —
    Page 1 of 3"): a line carrying a page number that recurs, numbers aside. They are removed
    before a sentence cut by the page break is joined, so no footer lands inside a sentence."""
    counts: dict[str, int] = {}
    for line in lines:
        if _PAGE_NUMBER.search(line):
            key = _page_key(line)
            counts[key] = counts.get(key, 0) + 1
    return {key for key, count in counts.items() if count > 1}


def _paragraphs(lines: list[str]) -> list[list[str]]:
    """Runs of non-blank lines."""
    runs: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            runs[-1].append(line)
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if run]


def _successor(label: str) -> str:
    """The label after ``label`` in its numbering (``e`` → ``f``, ``9`` → ``10``, ``ii`` →
    ``iii``); roman numerals are counted as letters too, so both readings are tried."""
    if label.isdigit():
        return str(int(label) + 1)
    return chr(ord(label[-1]) + 1) if len(label) == 1 else label + "i"


def _continues_list(paragraph: list[str], first: str) -> bool:
    """``first`` is the next item of a list that ``paragraph`` ends with (a page break or a
    stray blank line separated them)."""
    following = _LABELLED.match(first)
    if not following:
        return False
    for line in reversed(paragraph):
        item = _LABELLED.match(line)
        if not item:
            return False
        if _successor(item["label"]) == following["label"]:
            return True
    return False


def _sentence_cut(last: str, first: str) -> bool:
    """A page break cut a sentence: a long line stops mid-sentence and the text goes on."""
    return (len(last.split()) > _SHORT_LINE_WORDS and not _ENDS_SENTENCE.search(last)
            and not _LABELLED.match(first.lstrip()) and not first.lstrip().startswith(
                ("-", "*", "•")))


def words(text: str) -> list[str]:
    """The words of a text once markup is gone: what normalising must never change."""
    return normalise(text).split()


def diff(raw: str, normalised: str, *, context: int = 1) -> str:
    """What normalising changed, as a unified diff a person can approve."""
    lines = difflib.unified_diff(
        raw.replace("\r\n", "\n").splitlines(), normalised.splitlines(),
        fromfile="as pasted", tofile="policy.txt", lineterm="", n=context)
    return "\n".join(lines)
