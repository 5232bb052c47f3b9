"""A disk cache for work that depends only on files: loaded content and the router's index.

`frontdesk route`, `chat` and `check` each start a fresh process, and most of their start-up was
parsing the YAML content (with line numbers) and building the router's index from every phrase.
Both are pure functions of files — the content, the routing data and frontdesk's own code — so
their results are kept (pickled) in the user's cache folder (``$FRONTDESK_CACHE``, else the
platform's cache directory) under a digest of exactly those files' bytes: any change to any of
them is a new digest, never a stale answer. A cache that cannot be read or written is ignored.

The cache folder is the user's own, like their shell history: whoever can write there can already
run code as that user.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
from collections.abc import Callable, Iterable
from importlib.resources import files
from pathlib import Path
from typing import TypeVar

import platformdirs

from bot import __version__

T = TypeVar("T")


def folder() -> Path:
    return Path(os.environ.get("FRONTDESK_CACHE") or platformdirs.user_cache_dir("frontdesk"))


@functools.cache
def code_digest(*packages: str) -> bytes:
    """The bytes of frontdesk's own source and data files under ``packages`` (e.g. "content",
    "data/privacy"), read once per process: the digest names the code this process runs. Read
    again at each call, a process still running the old code while the package is upgraded (or a
    test run while its files are edited) would file what its old code built under the new code's
    key, and every later process would load that stale value."""
    digest = hashlib.sha256(__version__.encode())
    root = files("bot")
    for package in packages:  # ("data/privacy": a folder below one, part by part)
        folder = root
        for part in package.split("/"):
            folder = folder / part
        for item in _walk(folder):
            digest.update(item.name.encode() + item.read_bytes())
    return digest.digest()


def _walk(item):  # type: ignore[no-untyped-def]
    if item.is_file():
        if item.name.endswith((".py", ".json", ".yaml", ".txt")):
            yield item
        return
    if item.is_dir() and item.name != "__pycache__":
        for child in sorted(item.iterdir(), key=lambda c: c.name):
            yield from _walk(child)


def files_digest(paths: Iterable[Path]) -> bytes:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path).encode() + b"\0" + path.read_bytes())
    return digest.digest()


def cached(kind: str, key: bytes, build: Callable[[], T]) -> T:
    """``build()``'s result, from the cache when ``key`` was seen before."""
    path = folder() / f"{kind}-{hashlib.sha256(key).hexdigest()[:32]}.pickle"
    try:
        with path.open("rb") as stream:
            return pickle.load(stream)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError,
            TypeError, ValueError):
        pass
    value = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        with partial.open("wb") as stream:
            pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(path)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        pass  # read-only home, or something that does not pickle: build again next time
    return value
