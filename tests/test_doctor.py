"""`frontdesk doctor --config FILE`: every check, one line each, against the fake Slack, a real
SQLite file and the content; a non-zero exit on any failure. And `serve` refuses to start on
the same problems with one line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import main
from tests.escalation_support import PagingFake
from tests.slack_support import SIGNING_SECRET


def config_file(tmp_path: Path, *, pic: str = '"UPIC1"', director: str = '"UDIR1"',
                channel: str = "C0789PRIV", database: str | None = None) -> Path:
    url = database or f"sqlite:///{tmp_path / 'doctor.db'}"
    path = tmp_path / "frontdesk.toml"
    path.write_text(textwrap.dedent(f"""\
        library = "mount-prospect"
        database_url = "{url}"

        [roles]
        privacy-in-charge = [{pic}]
        director = [{director}]

        [escalation]
        channel = "{channel}"
        """))
    return path


def doctor(path: Path, fake: PagingFake, **env: str) -> Result:
    environment = {"SLACK_BOT_TOKEN": "xoxb-doctor", "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                   "SLACK_API_URL": fake.api_url, "FRONTDESK_DATABASE_URL": "", **env}
    return CliRunner().invoke(main, ["doctor", "--config", str(path)], env=environment)


@pytest.fixture
def fake():  # type: ignore[no-untyped-def]
    with PagingFake() as server:
        yield server


def test_a_healthy_deployment_passes_every_check(tmp_path: Path, fake: PagingFake) -> None:
    result = doctor(config_file(tmp_path), fake)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert all(line.startswith(("ok ", "warn ")) for line in lines), lines
    for needle in ("config: ", "database: ", "content: ", "Slack: token accepted",
                   "roles: 2 people found in Slack; escalation channel: C0789PRIV"):
        assert any(needle in line for line in lines), (needle, lines)
    # doctor does not serve: nothing was posted
    assert not fake.calls_to("chat.postMessage")


def test_every_problem_is_one_line_and_the_exit_is_non_zero(
        tmp_path: Path, fake: PagingFake) -> None:
    fake.deactivated.add("UDIR1")
    fake.archived.add("C0789PRIV")
    fake.refuse("UPIC2", "user_not_found")
    path = config_file(tmp_path, pic='"jane.smith", "UPIC2"')
    result = doctor(path, fake)
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("ERROR")]
    assert errors == [
        "ERROR roles.privacy-in-charge: 'jane.smith' is not a Slack user id (like U0123ABCD; "
        "in Slack: profile → ⋮ → Copy member ID)",
        "ERROR roles.privacy-in-charge: UPIC2: Slack says user_not_found",
        "ERROR roles.director: UDIR1: the account is deactivated",
        "ERROR escalation.channel: C0789PRIV: the channel is archived",
    ]


def test_tokens_database_and_empty_roles(tmp_path: Path, fake: PagingFake) -> None:
    path = config_file(tmp_path, pic="", database="sqlite:////nonexistent/folder/x.db")
    fake.tokens = {"xoxb-only-this"}
    result = doctor(path, fake, SLACK_BOT_TOKEN="xoxb-revoked")
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("ERROR")]
    assert errors == [
        "ERROR database_url: sqlite:////nonexistent/folder/x.db: folder not found: "
        "/nonexistent/folder",
        "ERROR roles.privacy-in-charge: nobody is set (the policy's Privacy In-Charge, "
        "Executive Director or Deputy Director must be paged); add their Slack user id",
        "ERROR SLACK_BOT_TOKEN: Slack refused it (invalid_auth)",
    ]


def test_serve_refuses_a_name_for_an_id_with_one_line(tmp_path: Path, fake: PagingFake) -> None:
    path = config_file(tmp_path, pic='"jane.smith"')
    result = CliRunner().invoke(main, ["serve", "--http", "--config", str(path)], env={
        "SLACK_BOT_TOKEN": "xoxb-doctor", "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url, "FRONTDESK_DATABASE_URL": ""})
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "frontdesk: config: roles.privacy-in-charge: 'jane.smith' is not a Slack user id "
        "(like U0123ABCD; in Slack: profile → ⋮ → Copy member ID)"]
    fake.archived.add("C0789PRIV")
    path = config_file(tmp_path)
    result = CliRunner().invoke(main, ["serve", "--http", "--config", str(path)], env={
        "SLACK_BOT_TOKEN": "xoxb-doctor", "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url, "FRONTDESK_DATABASE_URL": ""})
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == (
        "frontdesk: config: escalation.channel: C0789PRIV: the channel is archived")
    assert not fake.calls_to("chat.postMessage")
