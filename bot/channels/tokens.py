"""Signed one-time acknowledgement tokens: what a text, an email or a call carries.

The escalation core issues a random *nonce* per message (``bot.store.ack_links``: only its
SHA-256 is stored, with the person, the channel, when it expires and whether it was used). The
token a person receives is the nonce followed by an HMAC-SHA256 of it under
``FRONTDESK_LINK_SECRET``, added by the channel at delivery::

    <nonce>.<signature>

so a link is good only if this deployment signed it (someone who can read the database, or
guesses, cannot make one), only once (``used_at``), and only while its escalation waits (and
at most ``ack_links.TOKEN_LIFETIME``). A token whose signature does not match is refused
before the database is asked.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

SEPARATOR = "."


def _signature(secret: str, nonce: str) -> str:
    digest = hmac.new(secret.encode(), f"frontdesk-ack:{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")


def sign(secret: str, nonce: str) -> str:
    """The token for ``nonce``: what goes into the link, the call's key-press URL."""
    return f"{nonce}{SEPARATOR}{_signature(secret, nonce)}"


def verify(secret: str | None, token: str) -> str | None:
    """The nonce of a token this deployment signed, else None (no secret: nothing is valid)."""
    nonce, dot, given = token.rpartition(SEPARATOR)
    if not secret or not dot or not nonce:
        return None
    return nonce if hmac.compare_digest(_signature(secret, nonce), given) else None
