"""What a channel says when a delivery did not succeed, read by the outbox worker's retries."""

from __future__ import annotations


class DeliveryError(Exception):
    """A delivery that did not succeed. ``maybe_sent``: the provider may have taken it anyway."""

    def __init__(self, message: str, *, retryable: bool, retry_after: float | None = None,
                 maybe_sent: bool = False, unreachable: bool = False):
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after
        self.maybe_sent = maybe_sent
        self.unreachable = unreachable  # the provider did not answer (or answered 5xx)


def rate_limited(what: str, retry_after: str | None) -> DeliveryError:
    """A provider's 429: retry after its ``Retry-After`` seconds (1 s if it gave none)."""
    try:
        delay = float(retry_after) if retry_after is not None else 1.0
    except ValueError:
        delay = 1.0
    return DeliveryError(f"{what}: rate limited (Retry-After {retry_after})", retryable=True,
                         retry_after=delay)
