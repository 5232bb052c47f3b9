"""Sign in with Slack (OpenID Connect) for the review site.

The browser is sent to Slack's authorize page with a one-time ``state`` (against forged
callbacks) and ``nonce`` (against a replayed ID token), both kept in the signed session cookie.
Slack sends the browser back with a code; the server exchanges it over TLS for tokens
(``openid.connect.token``) and asks who it is (``openid.connect.userInfo``). Only people of the
bot's own workspace (the team of the bot token, from ``auth.test``) get in.

Slack is reached through ``slack_sdk`` at ``SLACK_API_URL`` when set, so tests point it at a
local fake; the authorize page is on the same host (``/openid/connect/authorize``).
"""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

SLACK_AUTHORIZE = "https://slack.com/openid/connect/authorize"


class SignInError(Exception):
    """Sign-in failed; the message is safe to show the person."""


@dataclass(frozen=True)
class SlackUser:
    user_id: str
    team_id: str
    name: str


@dataclass(frozen=True)
class SlackOIDC:
    client_id: str
    client_secret: str
    api_url: str | None = None  # e.g. http://127.0.0.1:PORT/api/ for the fake Slack
    bot_token: str | None = None

    @property
    def authorize_url(self) -> str:
        if not self.api_url:
            return SLACK_AUTHORIZE
        parts = urlsplit(self.api_url)
        return f"{parts.scheme}://{parts.netloc}/openid/connect/authorize"

    def _client(self, token: str | None = None) -> WebClient:
        return WebClient(token=token, **({"base_url": self.api_url} if self.api_url else {}))

    def start(self, redirect_uri: str) -> tuple[str, str, str]:
        """(the URL to send the browser to, state, nonce)."""
        state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        query = urlencode({"response_type": "code", "scope": "openid profile",
                           "client_id": self.client_id, "redirect_uri": redirect_uri,
                           "state": state, "nonce": nonce})
        return f"{self.authorize_url}?{query}", state, nonce

    def finish(self, code: str, redirect_uri: str, nonce: str) -> SlackUser:
        """Exchange the callback's code; who signed in, or SignInError."""
        try:
            tokens = self._client().openid_connect_token(
                client_id=self.client_id, client_secret=self.client_secret, code=code,
                redirect_uri=redirect_uri)
            claims = _claims(tokens.get("id_token"))
            if claims.get("nonce") != nonce:
                raise SignInError("the sign-in answer does not match this browser; try again")
            if claims.get("aud") not in (None, self.client_id):
                raise SignInError("the sign-in answer was meant for another app")
            info = self._client(tokens["access_token"]).openid_connect_userInfo()
        except SlackApiError as exc:
            raise SignInError(f"Slack refused the sign-in ({exc.response.get('error')})") from None
        user = SlackUser(str(info.get("https://slack.com/user_id") or info.get("sub") or ""),
                         str(info.get("https://slack.com/team_id") or ""),
                         str(info.get("name") or info.get("given_name") or ""))
        if not user.user_id:
            raise SignInError("Slack did not say who signed in")
        workspace = self.workspace()
        if workspace and user.team_id != workspace:
            raise SignInError("this review site is for this library's Slack workspace only")
        return user

    def workspace(self) -> str | None:
        """The bot's own team id (None when no bot token is configured)."""
        if not self.bot_token:
            return None
        try:
            return str(self._client(self.bot_token).auth_test()["team_id"])
        except SlackApiError:
            raise SignInError("the bot cannot reach Slack to check the workspace") from None


def _claims(id_token: Any) -> dict[str, Any]:
    """The ID token's payload. It came straight from Slack's token endpoint over TLS, so its
    signature need not be checked (OpenID Connect Core 3.1.3.7, point 6)."""
    if not isinstance(id_token, str) or id_token.count(".") != 2:
        return {}
    payload = id_token.split(".")[1]
    try:
        return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (ValueError, json.JSONDecodeError):
        return {}
