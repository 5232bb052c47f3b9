"""Correcting "when it happened" moves the case's hold: the deadline counts from the corrected
day (footage kept 30 days from the day it was recorded, at Mahomet), in the hold, on the page
and in the case trail; a corrected day so long ago that the days have run out ends the hold.

Driven through the real terminal process, input piped, on the bundled Mahomet pack."""

from __future__ import annotations

import json
import subprocess
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from bot.store import Database
from bot.store.audit import AuditLog
from bot.store.paging_tables import escalations, holds
from bot.store.txn import as_utc
from tests.escalation_support import frontdesk_cmd, subprocess_env

OPENING = "police want to save security camera footage recorded 5 days ago, no court order"
SAVE_IT = "2"  # "To save footage of an incident before it is recorded over"
THE_DAY = "2"  # in the change list: 1. What do they want?  2. When it happened


def chat(tmp_path: Path, *lines: str) -> tuple[str, Database]:
    url = f"sqlite:///{tmp_path / 'chat.db'}"
    done = subprocess.run(
        frontdesk_cmd("chat", "--library", "mahomet", "--database-url", url,
                      "--forms-dir", str(tmp_path)),
        input="\n".join(lines) + "\n", env=subprocess_env(NO_COLOR="1"), capture_output=True,
        text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout, Database(url)


def test_correcting_the_day_moves_the_hold_and_what_the_page_shows(tmp_path: Path) -> None:
    out, database = chat(tmp_path, OPENING, SAVE_IT, "change", THE_DAY, "2 days ago", "")
    first_due = date.today() - timedelta(days=5) + timedelta(days=30)
    new_due = date.today() - timedelta(days=2) + timedelta(days=30)
    assert f"due {first_due.isoformat()}" in out  # the first answer, counted from 5 days ago
    assert f"due {new_due.isoformat()}" in out  # shown again after the correction
    with database.engine.connect() as conn:
        [hold] = conn.execute(select(holds)).all()
        [page] = conn.execute(select(escalations)).all()
    assert hold.state == "active"
    assert as_utc(hold.started_at).date() == date.today() - timedelta(days=2)
    assert as_utc(hold.due_at).date() == new_due
    assert json.loads(page.packet)["hold"]["due_at"].startswith(new_due.isoformat())
    kinds = [row.kind for row in AuditLog(database).rows()]
    assert "case.dated" in kinds and "hold.redated" in kinds
    assert kinds.count("escalation.triggered") == 1  # the same page, never a second one


def test_a_corrected_day_whose_days_have_run_out_ends_the_hold(tmp_path: Path) -> None:
    out, database = chat(tmp_path, OPENING, SAVE_IT, "change", THE_DAY, "2 months ago", "")
    with database.engine.connect() as conn:
        [hold] = conn.execute(select(holds)).all()
        [page] = conn.execute(select(escalations)).all()
    assert hold.state == "ended"
    packet = json.loads(page.packet)
    assert "hold" not in packet and "hold_passed" in packet
    assert "hold.passed" in [row.kind for row in AuditLog(database).rows()]
