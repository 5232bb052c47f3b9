"""Twilio's REST API (texts and calls) and its webhook signatures, over the standard library.

``api_url`` is Twilio's base URL, overridable as ``SLACK_API_URL`` is for Slack, so tests
reach a local fake. Retries are the outbox's: a 429 carries its ``Retry-After``; a 5xx or a
broken connection may have gone through (``maybe_sent``), so the worker looks in Twilio's
message or call list before sending again.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from bot.channels.errors import DeliveryError, rate_limited
from bot.config import TwilioConfig

API_VERSION = "2010-04-01"


def signature(auth_token: str, url: str, params: Mapping[str, str]) -> str:
    """X-Twilio-Signature: base64 HMAC-SHA1 of the full URL followed by each POST parameter's
    name and value, sorted by name (Twilio's documented scheme)."""
    data = url + "".join(f"{name}{params[name]}" for name in sorted(params))
    digest = hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def valid_signature(auth_token: str, url: str, params: Mapping[str, str],
                    given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(signature(auth_token, url, params), given or "")


class TwilioClient:
    """Create and list Messages and Calls for one account."""

    def __init__(self, config: TwilioConfig, auth_token: str, timeout: float = 15):
        self.config = config
        self.timeout = timeout
        credentials = f"{config.account_sid}:{auth_token}".encode()
        self._auth = "Basic " + base64.b64encode(credentials).decode()

    def _url(self, resource: str) -> str:
        return (f"{self.config.api_url}/{API_VERSION}/Accounts/"
                f"{self.config.account_sid}/{resource}.json")

    def _call(self, method: str, url: str, form: dict[str, str] | None = None) -> dict[str, Any]:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(url, data=data, method=method, headers={
            "Authorization": self._auth, "Accept": "application/json",
            **({"Content-Type": "application/x-www-form-urlencoded"} if data else {})})
        what = f"Twilio {method} {url.rsplit('/', 1)[-1].split('?')[0]}"
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            detail = _error_text(exc)
            if exc.code == 429:
                raise rate_limited(what, exc.headers.get("Retry-After")) from None
            if exc.code >= 500:
                raise DeliveryError(f"{what}: HTTP {exc.code} {detail}", retryable=True,
                                    maybe_sent=method == "POST") from None
            raise DeliveryError(f"{what}: HTTP {exc.code} {detail}", retryable=False) from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise DeliveryError(f"{what}: connection problem: {exc}", retryable=True,
                                maybe_sent=method == "POST") from None

    def create(self, resource: str, form: dict[str, str]) -> str:
        """POST a Message or Call; returns its SID."""
        return str(self._call("POST", self._url(resource), form).get("sid") or "")

    def find(self, resource: str, to: str, since: datetime, key: str) -> str | None:
        """The SID of a Message or Call to ``to`` since ``since`` whose status callback names
        our idempotency ``key`` (how a text or call that may have gone out is recognised)."""
        date_field = "DateSent>" if resource == "Messages" else "StartTime>"
        query = urllib.parse.urlencode({"To": to, date_field: (since - timedelta(days=1))
                                        .strftime("%Y-%m-%d"), "PageSize": "100"})
        url: str | None = f"{self._url(resource)}?{query}"
        needle = urllib.parse.quote(key, safe="")
        for _ in range(20):
            if url is None:
                break
            answer = self._call("GET", url)
            for item in answer.get(resource.lower(), []):
                callback = str(item.get("status_callback") or "")
                if f"key={needle}" in callback:
                    return str(item.get("sid"))
            following = answer.get("next_page_uri")
            url = (urllib.parse.urljoin(self.config.api_url + "/", following.lstrip("/"))
                   if following else None)
        return None


def _error_text(exc: urllib.error.HTTPError) -> str:
    try:
        body = json.loads(exc.read() or b"{}")
    except ValueError:
        return ""
    return f"(Twilio error {body.get('code')}: {body.get('message')})" if body else ""
