"""What every listener module shares."""

from __future__ import annotations

from typing import Any


def acknowledge(ack: Any) -> None:
    """The ack half of a listener whose work is all lazy: Bolt sends this response at once."""
    ack()
