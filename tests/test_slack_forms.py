"""The outcome's form button posts the review module's printable form (a PDF) into the thread."""

from __future__ import annotations

import time
from pathlib import Path

from bot.content.catalogue import Catalogue
from tests.fakeslack import FakeSlack
from tests.slack_support import SLACK_CONTENT, STAFF, SlackBot, buttons


def test_the_form_button_uploads_the_pdf_into_the_thread(tmp_path: Path) -> None:
    with FakeSlack() as fake:
        bot = SlackBot.start(fake, Catalogue.load(SLACK_CONTENT), tmp_path)
        try:
            bot.command(STAFF)
            root, picker = bot.posts(2)
            bot.click(STAFF, picker, "Police ask about a patron")
            bot.click(STAFF, bot.post(), "Nothing in writing")
            bot.click(STAFF, bot.post(), "Yes, someone is in danger")
            outcome = bot.post()
            assert any("Officer Emergency Request form" in b["text"]["text"]
                       for b in buttons(outcome.blocks))
            bot.click(STAFF, outcome, "Officer Emergency Request form")
            [done] = fake.wait_for("files.completeUploadExternal", timeout=10)
            assert done.response and done.response["ok"]
            assert done.args.get("channel_id") == root.channel
            assert done.args.get("thread_ts") == root.ts  # in the case's thread
            [asked] = fake.calls_to("files.getUploadURLExternal")
            assert asked.args["filename"] == "testlib-officer-request.pdf"
            [file_id] = [f["id"] for f in done.args["files"]]
            assert fake.uploads[file_id].startswith(b"%PDF-")
            assert "Print this for the officer" in str(done.args.get("initial_comment"))
            time.sleep(0.2)
            assert not fake.calls_to("views.open")  # the file, not the fallback modal
        finally:
            bot.stop()
