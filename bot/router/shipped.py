"""The shipped routing model, read once and checked against its header.

``model.json`` names the SHA-256 of ``model.bin``; a blob cut short, damaged or replaced would
otherwise be routed on without a sign (a flipped byte keeps the length), and a blob missing
beside its header would silently hand routing to the lexical scorer.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from bot.errors import ContentError, Problem
from bot.router.model import MODEL_FILE, WEIGHTS_FILE, Packed
from bot.router.text import DATA

__all__ = ["read_packed", "shipped_checked"]

_REMEDY = "reinstall frontdesk or run python -m bot.router.train"


def read_packed(header: Path, blob: Path) -> Packed | None:
    """The model in ``header`` and ``blob``; None when there is no header (the lexical router
    routes). A missing or damaged blob is a one-line ``ContentError`` naming the file."""
    if not header.is_file():
        return None
    if not blob.is_file():
        raise ContentError(Problem(blob, 0, f"missing beside {header.name}; {_REMEDY}"))
    packed = Packed(json.loads(header.read_text("utf-8")), blob.read_bytes())
    if hashlib.sha256(packed.blob).hexdigest() != packed.header.get("blob_sha256"):
        raise ContentError(Problem(
            blob, 0, f"damaged: not the weights {header.name} names (sha256 differs); {_REMEDY}"))
    return packed


@cache
def shipped_checked() -> Packed | None:
    """``read_packed`` on the files shipped in ``bot/data/routing``."""
    return read_packed(DATA / MODEL_FILE, DATA / WEIGHTS_FILE)
