"""Migrations 60–69: scrubbing what older versions kept of people's own words.

* 60: rows written before answers were stored as structured choices may still hold what staff
  typed: a ``said`` in each answer of a stored conversation (``conversations.state``, Slack
  threads' ``state``) and of a page's packet (``escalations.packet``), and the
  ``(typed: “…”)`` it added to page messages (``outbox.payload``, ``status_messages.message``).
  Those words are removed. The free text that is still kept on purpose — a question typed for
  the privacy in-charge (the packet's ``question``), a resolve note — and requests still waiting
  in the Slack inbox are passed through today's redactor, which finds far more than the one
  that wrote them. On SQLite the overwritten text is zeroed in the file (``secure_delete``).

  Case-trail events (``case.answer``) recorded the same ``said``: their data is emptied the one
  way the chain allows, as a purge — a ``retention.purged`` event appended after them, whose
  cut-off covers them (``audit verify`` then accepts the emptied data; the events, their
  digests and the chain stay).
Like every migration, this one reads tables and columns by name, not today's table objects
(the audit event it appends goes through the audit's own ``append_event``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, DateTime, column, inspect, select, table, update

from bot.privacy.redact import redact

TYPED = re.compile(r" ?\(typed: “[^”]*”\)")
Scrub = Callable[[Any], Any]  # how to scrub one decoded JSON value


def _without_said(value: Any) -> Any:
    """``value`` with every answer's ``said`` dropped (answers: ``transcript`` turns and
    packet ``path`` steps) and every ``(typed: “…”)`` cut from its strings."""
    if isinstance(value, dict):
        return {key: _without_said(item) for key, item in value.items()
                if key != "said" or not isinstance(item, str | None)}
    if isinstance(value, list):
        return [_without_said(item) for item in value]
    if isinstance(value, str):
        return TYPED.sub("", value)
    return value


def _packet(value: Any) -> Any:
    value = _without_said(value)
    if isinstance(value, dict) and isinstance(value.get("question"), str):
        value["question"] = redact(value["question"])
    return value


def _inbox_body(value: Any) -> Any:
    from bot.store.slack_inbox import redacted  # today's rule for what people type

    return redacted(value)


# (table, its key columns, the JSON column, how to scrub it)
JSON_COLUMNS: list[tuple[str, tuple[str, ...], str, Scrub]] = [
    ("conversations", ("id",), "state", _without_said),
    ("slack_threads", ("channel", "thread_ts"), "state", _without_said),
    ("escalations", ("id",), "packet", _packet),
    ("outbox", ("id",), "payload", _without_said),
    ("status_messages", ("escalation_id", "channel", "ts"), "message", _without_said),
    ("slack_inbox", ("id",), "body", _inbox_body),
]


def _v60_scrub_typed_words(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA secure_delete=ON")  # what is overwritten is zeroed
    present = set(inspect(conn).get_table_names())
    for name, keys, json_column, scrub in JSON_COLUMNS:
        if name not in present:
            continue
        columns = {c["name"] for c in inspect(conn).get_columns(name)}
        if json_column not in columns or not set(keys) <= columns:
            continue
        rows_of = table(name, *(column(k) for k in keys), column(json_column))
        for row in conn.execute(select(rows_of)).all():
            stored = row[-1]
            if not stored:
                continue
            try:
                value = json.loads(stored)
            except ValueError:
                continue  # not JSON: nothing of ours to read
            scrubbed = json.dumps(scrub(value), ensure_ascii=False, separators=(",", ":"))
            if scrubbed != json.dumps(value, ensure_ascii=False, separators=(",", ":")):
                where = [rows_of.c[k] == row[i] for i, k in enumerate(keys)]
                conn.execute(update(rows_of).where(*where).values({json_column: scrubbed}))
    if "escalations" in present:
        notes = table("escalations", column("id"), column("resolve_note"))
        for row in conn.execute(select(notes).where(notes.c.resolve_note.is_not(None))).all():
            if redact(row.resolve_note) != row.resolve_note:
                conn.execute(update(notes).where(notes.c.id == row.id).values(
                    resolve_note=redact(row.resolve_note)))
    if "audit_events" in present:
        _purge_typed_audit_data(conn)


def _purge_typed_audit_data(conn: Connection) -> None:
    """Empty the data of trail events that kept typed words, recorded as a purge."""
    from bot.store.audit import PURGE_KIND, append_event

    events = table("audit_events", column("seq"), column("at", DateTime(timezone=True)),
                   column("data"), column("purged_at", DateTime(timezone=True)))
    typed = [row for row in conn.execute(
        select(events).where(events.c.data.like('%"said"%')).order_by(events.c.seq)).all()
        if "said" in json.loads(row.data or "{}")]
    if not typed:
        return
    now = datetime.now(UTC)
    conn.execute(update(events).where(events.c.seq.in_([r.seq for r in typed]))
                 .values(data=None, purged_at=now))
    latest = max(r.at if r.at.tzinfo else r.at.replace(tzinfo=UTC) for r in typed)
    append_event(conn, SimpleNamespace(dialect=conn.dialect.name), PURGE_KIND, at=now,
                 data={"before": (latest + timedelta(microseconds=1)).isoformat(),
                       "audit_data": len(typed),
                       "why": "typed words kept by a version before structured answers"})


PRIVACY_MIGRATIONS = [
    (60, "scrub typed words from old rows", _v60_scrub_typed_words),
]
