"""One schema of the configuration (bot/config_schema.py): the parser follows it, and the
settings and environment reference in docs/operations.md is generated from it."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest

from bot.config import ConfigError, parse_config
from bot.config_schema import ENVIRONMENT, REFERENCE, SETTINGS, reference_markdown

ROOT = Path(__file__).resolve().parents[1]


def example(content: Path) -> dict[str, Any]:
    """A config file setting every key the schema knows, with valid values."""
    people = ("UPIC", "UDIR")
    return {
        "library": "mount-prospect",
        "content": str(content),
        "database_url": "sqlite:///frontdesk.db",
        "slash_command": "/privacy",
        "retention_days": 400,
        "roles": {"privacy-in-charge": ["UPIC"], "director": ["UDIR"]},
        "escalation": {
            "channel": "C0PRIV",
            "ack_timeout_seconds": {"immediate": 200, "prompt": 900},
            "repeat": 1,
            "ladder": {
                "immediate": [{"after_seconds": 0, "via": ["slack", "sms"]},
                              {"after_seconds": 60, "via": ["voice", "email"]}],
                "prompt": [{"after_seconds": 0, "via": ["slack"]}],
            },
        },
        "people": {p: {"name": f"Person {p}", "email": f"{p.lower()}@library.example.org",
                       "sms": "+15555550100", "voice": "+15555550101"} for p in people},
        "email": {"smtp_url": "smtp+starttls://bot@mail.example.org:587",
                  "from": "frontdesk@library.example.org"},
        "twilio": {"api_url": "https://api.twilio.com", "account_sid": "AC0123",
                   "from": "+15555550199"},
        "web": {"public_url": "https://bot.library.example.org"},
        "contacts": {"if_no_answer": "Phone the director at extension 200."},
        "phones": {"privacy-in-charge": "847-555-0100"},
        "schedule": {"tick_seconds": 2.5, "weekly_digest": False, "digest_weekday": "friday",
                     "inbox_lease_seconds": 45,
                     "digest_hour": 9},
    }


def keys_of(value: Any, path: str = "") -> list[str]:
    """Concrete dotted keys of a document: ``roles.director``, ``…ladder.prompt[0].via``."""
    found = []
    items = value.items() if isinstance(value, dict) else []
    for name, item in items:
        key = f"{path}.{name}" if path else name
        found.append(key)
        if isinstance(item, dict):
            found += keys_of(item, key)
        elif isinstance(item, list) and item and all(isinstance(i, dict) for i in item):
            for index, entry in enumerate(item):
                found += keys_of(entry, f"{key}[{index}]")
    return found


def schema_key(key: str, document: dict[str, Any]) -> str:
    """The schema's spelling of a concrete key (``roles.director`` → ``roles.<role>``)."""
    parts: list[str] = []
    for segment in re.sub(r"\[\d+\]", "[]", key).split("."):
        candidates = [s.key for s in SETTINGS if s.key.count(".") == len(parts)
                      and s.key.startswith(".".join(parts))]
        exact = ".".join([*parts, segment])
        if exact in candidates:
            parts.append(segment)
            continue
        suffix = "[]" if segment.endswith("[]") else ""
        placeholder = next(c for c in candidates if c.split(".")[-1].startswith("<"))
        parts.append(placeholder.split(".")[-1].removesuffix("[]") + suffix)
    return ".".join(parts)


def set_at(document: dict[str, Any], key: str, value: Any) -> None:
    where: Any = document
    steps = [int(p) if p.isdigit() else p for p in re.split(r"\.|\[(\d+)\]\.?", key) if p]
    for step in steps[:-1]:
        where = where[step]
    where[steps[-1]] = value


def test_every_setting_in_the_schema_parses_and_the_example_covers_the_schema(
        tmp_path: Path) -> None:
    document = example(tmp_path)
    config = parse_config(copy.deepcopy(document), tmp_path / "frontdesk.toml")
    assert config.retention_days == 400 and config.schedule.digest_weekday == 4
    covered = {schema_key(k, document) for k in keys_of(document)}
    assert covered == {s.key for s in SETTINGS}


def test_a_wrong_type_or_an_unknown_key_anywhere_is_one_line_naming_it(tmp_path: Path) -> None:
    document = example(tmp_path)
    for key in keys_of(document):
        setting = next(s for s in SETTINGS if s.key == schema_key(key, document))
        wrong = copy.deepcopy(document)
        set_at(wrong, key, 7 if setting.type in ("table", "string", "list of strings",
                                                 "list of tables", "boolean") else "seven")
        with pytest.raises(ConfigError) as raised:
            parse_config(wrong)
        assert raised.value.key == key, (key, str(raised.value))
        assert "\n" not in str(raised.value)
        if setting.type == "table" and not any(
                s.key.startswith(setting.key + ".<") for s in SETTINGS):
            unknown = copy.deepcopy(document)
            set_at(unknown, f"{key}.no_such_setting", "x")
            with pytest.raises(ConfigError) as raised:
                parse_config(unknown)
            assert raised.value.key == f"{key}.no_such_setting"
            assert "unknown setting (expected" in str(raised.value)
    with pytest.raises(ConfigError) as raised:
        parse_config({"retention_day": 30})  # a typo is an error, not silently ignored
    assert raised.value.key == "retention_day" and "retention_days" in str(raised.value)


def test_the_operations_guide_holds_the_generated_reference() -> None:
    doc = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    found = REFERENCE.search(doc)
    assert found, "docs/operations.md lost its settings reference markers"
    assert found.group(0) == reference_markdown(), (
        "the reference is stale: python -m bot.config_schema --write docs/operations.md")


ENV_READ = re.compile(
    r"""os\.environ(?:\.get\(|\[)\s*["']([A-Z][A-Z0-9_]+)["']"""
    r"""|envvar=["']([A-Z][A-Z0-9_]+)["']"""
    r"""|^\w*(?:ENV|VARIABLE)\w*\s*=\s*["']([A-Z][A-Z0-9_]+)["']""", re.M)


def test_every_environment_variable_the_code_reads_is_documented() -> None:
    read = set()
    for source in (ROOT / "bot").rglob("*.py"):
        for match in ENV_READ.finditer(source.read_text(encoding="utf-8")):
            read.add(next(g for g in match.groups() if g))
    assert read == {v.name for v in ENVIRONMENT}
