"""A memo that lives for one call and no longer: ``PerCall``.

The router and the redactor read the same few words of a message many times within one call
(every question's matcher, every redaction rule), so each keeps a memo of what it worked out.
The words are staff's typed text, patron names among them: a memo kept across calls would hold
them in process memory long after the call returned. A ``PerCall`` memo exists only inside the
outermost ``block()`` (nested blocks share it) and is dropped when that block ends; it is a
``ContextVar``, so two threads or tasks never see each other's.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class PerCall(Generic[K, V]):
    """A dictionary memo open only within ``block()``; ``get()`` is None outside one."""

    def __init__(self, name: str):
        self._memo: ContextVar[dict[K, V] | None] = ContextVar(name, default=None)

    @contextmanager
    def block(self) -> Iterator[None]:
        """Open the memo for this block, or share the enclosing block's; the outermost block
        drops it when it ends, however it ends."""
        if self._memo.get() is not None:
            yield
            return
        token = self._memo.set({})
        try:
            yield
        finally:
            self._memo.reset(token)

    def get(self) -> dict[K, V] | None:
        """The open memo, or None outside every block (then nothing may be remembered)."""
        return self._memo.get()

    def active(self) -> bool:
        """Whether a block is open here (tests: none outlives its call)."""
        return self._memo.get() is not None
