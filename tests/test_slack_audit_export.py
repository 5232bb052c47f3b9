"""`/frontdesk audit export since DATE` in Slack: a CSV file for the director, nobody else."""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path

from bot.store.audit import AuditLog
from bot.store.txn import utcnow
from tests.escalation_support import DIRECTOR_USERS, PIC_USERS, PagingFake
from tests.slack_support import STAFF, SlackBot
from tests.wiring_support import open_case, pagelib_bot

(DIRECTOR,) = DIRECTOR_USERS
PIC1, _ = PIC_USERS


def reply_text(response) -> str:  # type: ignore[no-untyped-def]
    """The slash command's immediate answer (Bolt sends a bare text acknowledgement as is)."""
    assert response.status == 200, response.text
    return response.text


def uploads(fake: PagingFake) -> list:  # type: ignore[no-untyped-def]
    return fake.calls_to("files.completeUploadExternal")


def test_the_director_gets_the_csv_in_a_dm_and_others_a_polite_no(tmp_path: Path) -> None:
    with PagingFake() as fake:
        bot: SlackBot = pagelib_bot(fake, tmp_path, worker=False)
        try:
            open_case(bot, "The patron themself")  # a Slack case for the trail
            today = f"{utcnow():%Y-%m-%d}"

            for user in (PIC1, STAFF):
                told = reply_text(bot.command(user, f"audit export since {today}"))
                assert told.startswith("Sorry — only the Library Director can export")
            told = reply_text(bot.command(DIRECTOR, "audit export since 31/01/2026"))
            assert "is not a date like" in told and "audit export since YYYY-MM-DD" in told
            assert "audit export since YYYY-MM-DD" in reply_text(bot.command(DIRECTOR, "audit"))

            told = reply_text(bot.command(DIRECTOR, f"audit export since {today}"))
            assert "arrive in a direct message" in told
            [done] = fake.wait_for("files.completeUploadExternal", timeout=10)
            assert done.response and done.response["ok"]
            assert done.args.get("channel_id") == fake.dm_channel(DIRECTOR)
            [asked] = fake.calls_to("files.getUploadURLExternal")
            assert asked.args["filename"] == f"frontdesk-audit-since-{today}.csv"
            [file_id] = [f["id"] for f in done.args["files"]]
            rows = list(csv.DictReader(io.StringIO(fake.uploads[file_id].decode())))
            kinds = [r["kind"] for r in rows]
            assert kinds[:2] == ["case.opened", "case.answer"] and "case.outcome" in kinds
            assert {r["actor"] for r in rows if r["kind"].startswith("case.")} == {STAFF}

            # The export is itself on the record; nobody else got a file.
            time.sleep(0.3)
            assert len(uploads(fake)) == 1
            [exported] = [r for r in AuditLog(bot.runtime.services.database).rows()
                          if r.kind == "audit.exported"]
            assert exported.actor == DIRECTOR
            assert json.loads(exported.data) == {"since": today, "events": len(rows),
                                                 "face": "slack"}
            # Other words still reach the guidance and practice listeners.
            assert "direct message" in reply_text(bot.command(STAFF, "auditor wants records"))
        finally:
            bot.stop()
