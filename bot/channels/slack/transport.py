"""Slack's Web API as the outbox worker uses it: post, edit and find messages.

Retries are the outbox's job (``bot.channels.delivery``): a call that may have gone through
raises ``DeliveryError(maybe_sent=True)`` and the worker looks for the message by the
idempotency key in its metadata before posting again.
"""

from __future__ import annotations

import copy
import http.client
import io
import select
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol
from urllib.parse import urlsplit

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.channels.errors import DeliveryError, rate_limited

RETRYABLE_SLACK_ERRORS = frozenset({
    "ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout",
    "team_added_to_org",
})

Posted = tuple[str, str | None]  # (channel id, message ts); (provider id, None) off Slack


class Commit(Protocol):
    """The transaction a post waits for (``bot.store.txn.Decision``): whether it committed,
    and a way to have the committing thread itself act the moment it does."""

    def committed(self, timeout: float | None = None) -> bool | None: ...
    def on_commit(self, act: Callable[[], None]) -> bool: ...
    def withdraw(self, act: Callable[[], None]) -> bool: ...


class NotCommitted(Exception):
    """A post held for its transaction (``post(..., after=)``) that never went: the
    transaction rolled back, or was not decided in time. Nothing reached Slack."""


#: How long a post held for its transaction (and the worker, for a row handed before its
#: commit returned) waits for it: far longer than any commit; after it nothing is sent (the
#: row is left to its lease: looked for, then sent, by whoever takes it next), never on a guess.
COMMIT_WAIT = 30.0


class Transport(Protocol):
    def channel_for(self, target: str) -> str: ...
    def post(self, channel: str, payload: dict[str, Any], thread_ts: str | None, *,
             after: Commit | None = None) -> Posted: ...
    def update(self, channel: str, ts: str, payload: dict[str, Any]) -> None: ...
    def find(self, channel: str, key: str, oldest: float,
             thread_ts: str | None) -> Posted | None: ...


def _header(headers: Any, name: str) -> str | None:
    if not headers:
        return None
    for key, value in dict(headers).items():
        if key.lower() == name.lower():
            return value[0] if isinstance(value, list) else value
    return None


#: A kept-alive connection idle longer than this is not trusted any more (a NAT or proxy
#: on the way may have forgotten it without a word): a new one is opened.
KEEP_IDLE_SECONDS = 55.0


class KeepAliveClient(WebClient):
    """slack_sdk's ``WebClient`` over one kept-alive HTTP(S) connection per thread.

    slack_sdk sends each call through ``urllib.request.urlopen``, which opens a new connection
    (a TCP and a TLS handshake) every time and closes it after the answer: a page waited for
    both. This client keeps the connection: only the transport underneath changes, every
    request and answer (errors as ``HTTPError``, as urllib raises them) goes through slack_sdk
    as before. A connection the server has closed meanwhile, or idle too long, is replaced
    before a request is written on it; one that breaks mid-call raises as urllib would (the
    outbox then looks for the message before it sends again). Behind a proxy it is urllib's.
    """

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._kept = threading.local()

    def __deepcopy__(self, memo: dict[int, Any]) -> KeepAliveClient:
        """A copy sharing this client's kept connections (Bolt deep-copies a request's context,
        its client too, for each lazy listener): a thread's connection stays its one."""
        twin = copy.copy(self)
        memo[id(self)] = twin
        return twin

    @contextmanager
    def held_for(self, commit: Commit) -> Iterator[None]:
        """Within: this thread's next call is made ready at once (connected, the request
        built) and written only once ``commit``'s transaction has committed — by the thread
        that commits, the moment its commit returns (``Commit.on_commit``), so it waits for no
        thread to wake nor for the GIL; this thread then reads the answer. Raises
        ``NotCommitted`` (nothing written) when the transaction rolls back."""
        self._kept.commit = commit
        try:
            yield
        finally:
            self._kept.commit = None

    def _perform_urllib_http_request_internal(self, url: str,
                                              req: urllib.request.Request) -> dict[str, Any]:
        parts = urlsplit(url)
        commit, self._kept.commit = getattr(self._kept, "commit", None), None
        if self.proxy is not None or parts.scheme not in ("http", "https"):
            if commit is not None and commit.committed(COMMIT_WAIT) is not True:
                raise NotCommitted("its transaction did not commit: nothing was sent")
            return super()._perform_urllib_http_request_internal(url, req)
        conn = self._connection(parts.scheme, parts.netloc)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        try:
            if commit is None:
                conn.request(req.get_method(), path, body=req.data,
                             headers=dict(req.header_items()))
            else:
                _request_once_committed(conn, commit, req.get_method(), path, req.data,
                                        dict(req.header_items()))
            resp = conn.getresponse()
            body = resp.read()
        except BaseException:
            self._drop()
            raise
        if resp.will_close:
            self._drop()
        else:
            self._kept.used = time.monotonic()
        if not 200 <= resp.status < 300:
            raise urllib.error.HTTPError(url, resp.status, resp.reason, resp.headers,
                                         io.BytesIO(body))
        if resp.headers.get_content_type() == "application/gzip":
            return {"status": resp.status, "headers": resp.headers, "body": body}
        charset = resp.headers.get_content_charset() or "utf-8"
        return {"status": resp.status, "headers": resp.headers, "body": body.decode(charset)}

    def _connection(self, scheme: str, netloc: str) -> http.client.HTTPConnection:
        """This thread's connection to ``netloc``: the kept one while it is still good."""
        conn = getattr(self._kept, "conn", None)
        if conn is not None and (self._kept.netloc != (scheme, netloc) or _stale(conn)
                                 or time.monotonic() - self._kept.used > KEEP_IDLE_SECONDS):
            self._drop()
            conn = None
        if conn is None:
            if scheme == "https":
                conn = _HeldHTTPSConnection(netloc, timeout=self.timeout, context=self.ssl)
            else:
                conn = _HeldHTTPConnection(netloc, timeout=self.timeout)
            self._kept.conn, self._kept.netloc = conn, (scheme, netloc)
            self._kept.used = time.monotonic()
        return conn

    def _drop(self) -> None:
        conn, self._kept.conn = getattr(self._kept, "conn", None), None
        if conn is not None:
            conn.close()


class _Held:
    """An ``http.client`` connection whose writes can be held back (``held`` a list: what
    would be sent is kept there instead) and written later, by another thread if need be."""

    held: list[Any] | None = None

    def send(self, data: Any) -> None:
        if self.held is not None:
            self.held.append(data)
        else:
            super().send(data)  # type: ignore[misc]


class _HeldHTTPConnection(_Held, http.client.HTTPConnection):
    pass


class _HeldHTTPSConnection(_Held, http.client.HTTPSConnection):
    pass


def _request_once_committed(conn: http.client.HTTPConnection, commit: Commit, method: str,
                            path: str, body: bytes | None, headers: dict[str, str]) -> None:
    """``conn.request`` made ready now (connected, the request built) and written once
    ``commit`` has committed: by the committing thread (``on_commit``), or here when it had
    committed already. ``NotCommitted`` when it rolled back or stayed undecided."""
    held: list[Any] = []
    if conn.sock is None:
        conn.connect()  # now, not in the committing thread
    conn.held = held  # type: ignore[attr-defined]
    try:
        conn.request(method, path, body=body, headers=headers)
    finally:
        conn.held = None  # type: ignore[attr-defined]
    failed: list[BaseException] = []

    def write() -> None:
        try:
            for data in held:
                conn.send(data)
        except BaseException as exc:  # a broken connection: this thread raises it, below
            failed.append(exc)

    if commit.on_commit(write):
        verdict = commit.committed(COMMIT_WAIT)
        if verdict is None and not commit.withdraw(write):
            verdict = commit.committed()  # the committing thread is writing it this moment
    else:
        verdict = commit.committed(0)
        if verdict:
            write()
    if not verdict:
        raise NotCommitted("its transaction " + ("rolled back" if verdict is False
                                                 else "was not decided in time")
                           + ": nothing was sent")
    if failed:
        raise failed[0]


def _stale(conn: http.client.HTTPConnection) -> bool:
    """Whether the server has closed (or written unasked to) a kept connection: readable
    while no answer is due."""
    if conn.sock is None:
        return False  # not connected yet: it connects on the request
    readable, _, _ = select.select([conn.sock], [], [], 0)
    return bool(readable)


class SlackTransport:
    """Slack Web API calls for the worker. Retries are the outbox's job, so this uses a copy
    of the given client with slack_sdk's own retry handlers off (a blind re-send after a
    broken connection could post twice), on a kept-alive connection (``KeepAliveClient``)."""

    def __init__(self, client: WebClient, timeout: int = 15):
        self.client = KeepAliveClient(token=client.token, base_url=client.base_url,
                                      timeout=timeout, retry_handlers=[], logger=client.logger,
                                      ssl=client.ssl, proxy=client.proxy)
        self._dm: dict[str, str] = {}

    def _call(self, method: str, **kwargs: Any) -> Any:
        try:
            return self.client.api_call(method, json=kwargs)
        except SlackApiError as exc:
            status = exc.response.status_code
            error = (exc.response.data or {}).get("error") if isinstance(
                exc.response.data, dict) else None
            if status == 429 or error == "ratelimited":
                raise rate_limited(method, _header(exc.response.headers, "Retry-After")) from None
            if status >= 500:
                raise DeliveryError(f"{method}: HTTP {status}", retryable=True,
                                    maybe_sent=True, unreachable=True) from None
            if error in RETRYABLE_SLACK_ERRORS:
                raise DeliveryError(f"{method}: {error}", retryable=True, maybe_sent=True) from None
            raise DeliveryError(f"{method}: {error or status}", retryable=False) from None
        except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
            raise DeliveryError(f"{method}: connection problem: {exc}", retryable=True,
                                maybe_sent=True, unreachable=True) from None

    def channel_for(self, target: str) -> str:
        if target[:1] not in ("U", "W"):
            return target
        if target not in self._dm:
            response = self._call("conversations.open", users=target)
            self._dm[target] = response["channel"]["id"]
        return self._dm[target]

    def post(self, channel: str, payload: dict[str, Any], thread_ts: str | None, *,
             after: Commit | None = None) -> Posted:
        """Post ``payload``. ``after``: the transaction that queued it, not decided yet: the
        request is made ready now and written the moment it commits (``held_for``);
        ``NotCommitted`` when it does not."""
        args = dict(channel=channel, text=payload["text"], blocks=payload.get("blocks"),
                    metadata=payload.get("metadata"), unfurl_links=False)
        if thread_ts:
            args["thread_ts"] = thread_ts
        if after is None:
            response = self._call("chat.postMessage", **args)
        else:
            with self.client.held_for(after):
                response = self._call("chat.postMessage", **args)
        return response["channel"], response["ts"]

    def update(self, channel: str, ts: str, payload: dict[str, Any]) -> None:
        self._call("chat.update", channel=channel, ts=ts, text=payload["text"],
                   blocks=payload.get("blocks"), metadata=payload.get("metadata"))

    def find(self, channel: str, key: str, oldest: float, thread_ts: str | None) -> Posted | None:
        cursor = None
        for _ in range(20):
            args: dict[str, Any] = dict(channel=channel, include_all_metadata=True, limit=200,
                                        oldest=f"{oldest:.6f}")
            if cursor:
                args["cursor"] = cursor
            if thread_ts:
                response = self._call("conversations.replies", ts=thread_ts, **args)
            else:
                response = self._call("conversations.history", **args)
            for message in response.get("messages", []):
                payload = (message.get("metadata") or {}).get("event_payload") or {}
                if payload.get("idempotency_key") == key:
                    return channel, message["ts"]
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not cursor or not response.get("has_more", True):
                return None
        return None
