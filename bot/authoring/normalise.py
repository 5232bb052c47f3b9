"""Pasted policy text to ``policy.txt``: remove markup, change no word (docs/packs.md, step 1).

Removed: HTML tags and entities, markdown emphasis and heading marks, horizontal rules, a bullet
in front of an item that already has a label (``- A.``), page headers repeated mid-text and
"Page N of M" footers, trailing spaces, runs of blank lines. Everything else is kept as it is:
typos, odd grammar and the policy's own labels stay, because staff are quoted this text.
"""

from __future__ import annotations

import difflib
import html
import re

_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
# A rule, or a table's separator row ("---|---", "----\t---"): marks, never words.
_RULE = re.compile(r"^\s*(?=[-*_=|:\s]*(?:-{3}|\*{3}|_{3}|={3}))[-*_=|:\s]+$")
_HEADING = re.compile(r"^\s*#{1,6}\s+")
_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_ITALIC = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_LABEL = r"(?:[IVXLC]+|[A-Z]|\d{1,3}|[a-z]|[ivx]+)[.)]\s"
_BULLET_BEFORE_LABEL = re.compile(rf"^(\s*)[-*•]\s+(?={_LABEL})")
_PAGE_FOOTER = re.compile(r"^\s*(?:page\s+)?\d+\s*(?:of|/)\s*\d+\s*$", re.IGNORECASE)


def normalise(raw: str) -> str:
    """The text of ``policy.txt`` for ``raw`` (pasted from a web page, Word or a PDF)."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    text = html.unescape(_TAG.sub("", text))
    lines: list[str] = []
    header: str | None = None
    for line in text.split("\n"):
        if _RULE.match(line) or _PAGE_FOOTER.match(line):
            continue
        line = _HEADING.sub("", line)
        line = _BOLD.sub(r"\2", line)
        line = _ITALIC.sub(r"\1", line)
        line = _BULLET_BEFORE_LABEL.sub(r"\1", line)
        line = line.rstrip()
        if header is None and line.strip():
            header = line.strip()
        elif header is not None and line.strip() == header:
            continue  # the page header printed again on every page
        lines.append(line)
    out: list[str] = []
    for line in lines:
        if not line.strip() and (not out or not out[-1].strip()):
            continue
        out.append(line)
    while out and not out[-1].strip():
        out.pop()
    return "\n".join(out) + "\n"


def words(text: str) -> list[str]:
    """The words of a text once markup is gone: what normalising must never change."""
    return normalise(text).split()


def diff(raw: str, normalised: str, *, context: int = 1) -> str:
    """What normalising changed, as a unified diff a person can approve."""
    lines = difflib.unified_diff(
        raw.replace("\r\n", "\n").splitlines(), normalised.splitlines(),
        fromfile="as pasted", tofile="policy.txt", lineterm="", n=context)
    return "\n".join(lines)
