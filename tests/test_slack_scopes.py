"""Every Slack Web API method the bot calls has its scope in the app manifest.

A real workspace answers ``missing_scope`` to a call the installed app was not granted, so the
fake Slack grants exactly the manifest's ``BOT_SCOPES`` and does the same: the whole suite runs
with the scopes a library's administrator will actually grant. Here, the methods are read from
the code itself, so a new call cannot slip past the manifest unnoticed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.faces.slack.manifest import BOT_SCOPES
from tests.fakeslack import METHOD_SCOPES, FakeSlack

ROOT = Path(__file__).resolve().parents[1]
FAMILIES = ("apps", "auth", "chat", "conversations", "files", "reactions", "team", "users",
            "usergroups", "views", "pins", "bookmarks", "dnd", "reminders")
# slack_sdk helpers that are several Web API calls.
COMPOSITE = {"files_upload_v2": ("files.getUploadURLExternal", "files.completeUploadExternal")}
# Methods asked only about some kinds of conversation (C public, G private, D a DM):
# conversations.info is asked about the escalation channel, never a DM.
KINDS = {"conversations.info": "CG"}
# Calls slack_bolt and slack_sdk make on the bot's behalf.
IMPLICIT = {"auth.test", "apps.connections.open"}

CLIENT_CALL = re.compile(r"\.([a-z]+_[A-Za-z0-9_]+)\(")
METHOD_NAME = re.compile(r"""["']((?:""" + "|".join(FAMILIES) + r""")\.[A-Za-z]+)["']""")


def methods_the_code_calls() -> dict[str, set[str]]:
    """Web API method → the files calling it: WebClient methods (``client.chat_update(``) and
    method names passed as strings (``api_call("chat.postMessage", …)``)."""
    found: dict[str, set[str]] = {m: {"slack_bolt / slack_sdk"} for m in IMPLICIT}
    for source in (ROOT / "bot").rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        where = str(source.relative_to(ROOT))
        names: list[str] = []
        for attribute in CLIENT_CALL.findall(text):
            if attribute in COMPOSITE:
                names += COMPOSITE[attribute]
            elif attribute.split("_")[0] in FAMILIES and hasattr(WebClient, attribute):
                family, _, rest = attribute.partition("_")
                names.append(f"{family}.{rest}")
        names += METHOD_NAME.findall(text)
        for name in names:
            found.setdefault(name, set()).add(where)
    return found


def scopes_of(method: str) -> set[str]:
    scope = METHOD_SCOPES[method]
    if isinstance(scope, dict):
        return {s for kind, s in scope.items() if kind in KINDS.get(method, "CGD")}
    return {scope} - {None}


def test_every_method_the_code_calls_is_granted_by_the_manifest() -> None:
    calls = methods_the_code_calls()
    assert {"chat.postMessage", "conversations.history", "files.completeUploadExternal"} <= set(
        calls)  # the scan finds both kinds of call
    unknown = {m: sorted(w) for m, w in calls.items() if m not in METHOD_SCOPES}
    assert not unknown, f"add these methods and their scopes to tests/fakeslack.py: {unknown}"
    missing = {}
    for method, files in calls.items():
        needed = scopes_of(method)
        if lacking := needed - set(BOT_SCOPES):
            missing[method] = (sorted(lacking), sorted(files))
    assert not missing, f"bot/faces/slack/manifest.py BOT_SCOPES lacks: {missing}"


def test_the_manifest_asks_for_nothing_the_code_does_not_use() -> None:
    calls = methods_the_code_calls()
    used = set()
    for method in calls:
        used |= scopes_of(method)
    # Scopes for receiving (events and the slash command) are not Web API calls.
    receiving = {"app_mentions:read", "commands", "channels:history", "groups:history",
                 "im:history"}
    assert set(BOT_SCOPES) - used - receiving == set()


def test_the_fake_answers_missing_scope_like_a_workspace() -> None:
    with FakeSlack(scopes=set(BOT_SCOPES) - {"files:write"}) as fake:
        client = WebClient(token="xoxb-test", base_url=fake.api_url)
        assert client.chat_postMessage(channel="C1", text="hello")["ok"]
        with pytest.raises(SlackApiError) as refused:
            client.files_getUploadURLExternal(filename="audit.csv", length=10)
        assert refused.value.response["error"] == "missing_scope"
        assert refused.value.response["needed"] == "files:write"
    with FakeSlack(scopes={"chat:write"}) as fake:
        client = WebClient(token="xoxb-test", base_url=fake.api_url)
        with pytest.raises(SlackApiError) as refused:
            client.conversations_history(channel="D123")
        assert refused.value.response["needed"] == "im:history"
