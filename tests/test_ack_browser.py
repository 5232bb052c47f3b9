"""The acknowledgement link in a real headless browser (Debian's chromium, driven by selenium),
on a phone-sized window: the link from a page's email opens a page naming the situation with
an Acknowledge button; opening it changes nothing, pressing the button acknowledges, and the
same link afterwards says the page is handled. Skips without chromium, except under CI."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.channel_support import ChannelRig
from tests.escalation_support import PagingFake
from tests.faketwilio import FakeTwilio
from tests.mailserver import MailServer
from tests.test_review_browser import _browser_or_skip


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[ChannelRig]:
    with PagingFake() as slack, FakeTwilio(auth_token="twilio-test-token") as twilio, \
            MailServer() as mail:
        r = ChannelRig(tmp_path, slack, twilio, mail)
        yield r
        r.close()


def test_the_emailed_link_acknowledges_with_one_press_in_a_phone_browser(
        rig: ChannelRig, tmp_path: Path) -> None:
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    eid = rig.trigger("police", "warrant")
    rig.deliver()
    email = next(m for m in rig.mail.wait_for(2) if "pat.lee" in str(m["To"]))
    html = email.get_body(("html",)).get_content()
    link = re.search(r'href="([^"]+/ack/[^"]+)"', html).group(1)  # type: ignore[union-attr]
    browser = _browser_or_skip(tmp_path / "profile")
    try:
        browser.set_window_size(390, 844)
        browser.get(link)
        assert "Acknowledge this page?" in browser.find_element(By.TAG_NAME, "h1").text
        body = browser.find_element(By.TAG_NAME, "body").text
        assert "Someone wants a patron's records" in body and "IMMEDIATE" in body
        assert rig.service.get(eid).state == "triggered"  # type: ignore[union-attr]
        button = browser.find_element(By.ID, "acknowledge")
        assert button.is_displayed() and button.size["width"] < 390
        button.click()
        # The press submits a form: wait for the answer page, not the one being left (whose
        # heading may go stale while it is read).
        WebDriverWait(browser, 20, ignored_exceptions=(StaleElementReferenceException,)).until(
            lambda b: b.find_element(By.TAG_NAME, "h1").text != "Acknowledge this page?")
        assert browser.find_element(By.TAG_NAME, "h1").text == "Acknowledged"
        summary = rig.service.get(eid)
        assert summary is not None and summary.state == "acknowledged"
        assert summary.acked_by == "UPIC1"
        browser.get(link)
        assert browser.find_element(By.TAG_NAME, "h1").text == "Already handled"
        assert "acknowledged by Pat Lee" in browser.find_element(By.TAG_NAME, "body").text
        assert browser.find_elements(By.ID, "acknowledge") == []
    finally:
        browser.quit()
