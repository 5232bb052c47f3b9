"""`frontdesk resolve ID --ending ...`: a resolve is a choice of how it ended, kept as its id and
shown as its label; the optional note is only what the choice does not say, redacted."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner

from bot.cli import main as cli
from bot.escalation.endings import ENDINGS
from bot.store.audit import AuditLog
from tests.escalation_support import PagingFake
from tests.test_dead_pages import DIRECTOR, Paging


def resolve(paging: Paging, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [
        "resolve", paging.eid, *args, "--as", DIRECTOR, "--config", str(paging.config_file),
        "--database-url", paging.db_url, "--content", str(paging.content)])
    return result.exit_code, result.output


def test_resolve_from_the_terminal_keeps_the_ending_and_a_redacted_note(tmp_path: Path) -> None:
    with PagingFake() as fake:
        paging = Paging(tmp_path, fake)
        paging.deliver()
        code, said = resolve(paging, "--ending", "reported", "--note",
                             "told Mr. Jones at 555-867-5309 it was sent")
        assert code == 0 and "resolved" in said, said
        paging.deliver()
        [event] = [json.loads(row["data"]) for row in csv.DictReader(
            io.StringIO(AuditLog(paging.db).export_csv())) if row["kind"] == "escalation.resolved"]
        assert event["ending"] == "reported"
        assert "Jones" not in event["note"] and "555-867-5309" not in event["note"]
        assert any(ENDINGS["reported"] in line for line in paging.asker_lines())


def test_an_ending_not_offered_is_a_usage_error_and_changes_nothing(tmp_path: Path) -> None:
    with PagingFake() as fake:
        paging = Paging(tmp_path, fake)
        code, said = resolve(paging, "--ending", "released-everything")
        assert code == 2 and "released-everything" in said
        assert paging.service.get(paging.eid).state == "triggered"
