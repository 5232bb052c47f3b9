"""The terminal offers an outcome's printable form as a file (`frontdesk chat --forms-dir`)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from bot.cli import main
from tests.slack_support import SLACK_CONTENT

# testlib: police → nothing in writing → someone in danger: the outcome names the
# "Officer Emergency Request form", which the review module prints (officer-request).
EMERGENCY = "Police ask about a patron\nno warrant\nemergency\n"


def chat(tmp_path: Path, *args: str, lines: str) -> str:
    result = CliRunner().invoke(
        main,
        ["chat", "--library", "testlib", "--content", str(SLACK_CONTENT),
         "--database-url", f"sqlite:///{tmp_path / 'chat.db'}", *args],
        input=lines + "quit\n",
        env={"FRONTDESK_CONFIG": "", "FRONTDESK_FORMS_DIR": ""},
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_an_outcome_with_a_form_writes_it_and_prints_the_path(tmp_path: Path) -> None:
    folder = tmp_path / "forms"
    out = chat(tmp_path, "--forms-dir", str(folder), lines=EMERGENCY)
    written = folder / "testlib-officer-request.html"
    assert f"Form written to {written}" in out
    page = written.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and "Testville Public Library" in page
    # The form line follows the outcome and comes before the page details.
    assert out.index("Form written to") > out.index("Officer Emergency Request form")


def test_the_current_folder_by_default_and_nothing_for_outcomes_without_a_form(
    tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    out = chat(tmp_path, lines=EMERGENCY)
    assert f"Form written to {tmp_path.resolve() / 'testlib-officer-request.html'}" in out
    assert (tmp_path / "testlib-officer-request.html").is_file()
    (tmp_path / "testlib-officer-request.html").unlink()
    out = chat(tmp_path, lines="Police ask about a patron\nno warrant\nno\n")
    assert "Form written" not in out and not list(tmp_path.glob("*.html"))
