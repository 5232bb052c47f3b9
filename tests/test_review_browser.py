"""The review site in a real headless browser (Debian's chromium and chromedriver, driven by
selenium): a director signs in through the fake Slack against a real `frontdesk serve --http`
process and, within three clicks, sees a flow drawn for their library with the clause behind
each outcome, and last month's cases; the exported folder opens offline; pages read on a phone.

Screenshots and page figures go to $FRONTDESK_SCREENSHOTS when set (kept for the closing
note), else to the test's temporary folder. Without chromium the tests skip, except under CI,
where .ci/run installs it and they must run.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.content.catalogue import Catalogue
from bot.engine import start, step
from bot.store import ConversationStore, Database
from tests.fakeslack import FakeSlack
from tests.slack_support import BOT_TOKEN, SIGNING_SECRET
from tests.test_slack_cli import wait_line

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
DIRECTOR = "UDIR"


def _browser_or_skip(profile: Path):  # type: ignore[no-untyped-def]
    if not (shutil.which(CHROMIUM) and shutil.which(DRIVER)):
        why = "Debian's chromium and chromium-driver are not installed (.ci/run installs them)"
        if os.environ.get("CI"):
            pytest.fail(why + " — CI must run the browser tests")
        pytest.skip(why)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                 f"--user-data-dir={profile}", "--window-size=1280,1000"):
        options.add_argument(flag)
    os.environ.setdefault("SE_OFFLINE", "true")  # never let selenium fetch a driver
    return webdriver.Chrome(service=Service(DRIVER), options=options)


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("FRONTDESK_SCREENSHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def browser(tmp_path: Path) -> Iterator:  # type: ignore[type-arg]
    driver = _browser_or_skip(tmp_path / "profile")
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def _shows(driver, text: str, timeout: float = 20) -> bool:  # type: ignore[no-untyped-def]
    """Wait until the page shows ``text`` (a click navigates; don't read the page being left)."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, timeout).until(lambda d: text in d.page_source)
    return True


def _record(shots: Path, driver, name: str, figures: dict) -> None:  # type: ignore[no-untyped-def]
    driver.save_screenshot(str(shots / f"{name}.png"))
    timing = driver.execute_script(
        "const t = performance.getEntriesByType('navigation')[0];"
        "return t ? {load: t.loadEventEnd - t.startTime, bytes: t.transferSize,"
        " size: t.decodedBodySize} : null;")
    figures[name] = {"url": driver.current_url, **(timing or {})}


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, FakeSlack]]:
    """A real `frontdesk serve --http` with the review site on, and a few cases in its DB."""
    database_url = f"sqlite:///{tmp_path / 'bot.db'}"
    database = Database(database_url)
    catalogue = Catalogue.load(ROOT)
    store = ConversationStore(database)
    for answers in (["nothing", "no"], ["search warrant"], ["subpoena"]):
        view = start(catalogue, "mount-prospect", "law-enforcement-request")
        for answer in answers:
            view = step(catalogue, view.conversation, answer)
        store.save(view.conversation, user_id="U1", face="slack",
                   status=view.status, outcome=view.outcome.id if view.outcome else None)
    database.dispose()
    config = tmp_path / "frontdesk.toml"
    config.write_text(f'library = "mount-prospect"\ndatabase_url = "{database_url}"\n'
                      f'[roles]\nprivacy-in-charge = ["UPIC"]\ndirector = ["{DIRECTOR}"]\n')
    with FakeSlack() as fake:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "FRONTDESK_"))}
        env.update(FRONTDESK_CONFIG=str(config), FRONTDESK_CONTENT=str(ROOT), HOME=str(tmp_path),
                   SLACK_API_URL=fake.api_url, SLACK_BOT_TOKEN=BOT_TOKEN,
                   SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_CLIENT_ID=fake.oidc_client[0],
                   SLACK_CLIENT_SECRET=fake.oidc_client[1],
                   FRONTDESK_SESSION_SECRET="browser-test-session-secret")
        process = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--http", "--port", "0"],
                                   env=env, stderr=subprocess.PIPE, text=True)
        try:
            url = wait_line(process, r"serving (http://\S+)").group(1)
            yield url, fake
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=15)


def test_a_director_signs_in_and_within_three_clicks_sees_a_flow_and_the_cases(
        browser, served, shots: Path) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    url, fake = served
    fake.sign_in_as(DIRECTOR, name="Dana Director")
    figures: dict[str, dict] = {}
    browser.get(url + "/review/")  # not signed in: off to Slack and back, signed in
    assert browser.current_url.rstrip("/").endswith("/review"), browser.current_url
    assert _shows(browser, "Signed in as Dana Director")
    _record(shots, browser, "1-index", figures)

    browser.find_element(By.PARTIAL_LINK_TEXT, "The situations, drawn").click()  # click 1
    _record(shots, browser, "2-flows", figures)
    browser.find_element(By.LINK_TEXT, "Police or other law enforcement ask about a patron"
                         ).click()  # click 2
    svg = browser.find_element(By.CSS_SELECTOR, "figure svg")
    assert svg.get_attribute("role") == "img"
    assert "Mount Prospect Public Library" in browser.find_element(By.TAG_NAME, "h1").text or (
        "Police" in browser.title)
    _record(shots, browser, "3-flow", figures)
    outcome_link = browser.find_elements(By.CSS_SELECTOR, "figure svg a")[0]
    target = outcome_link.get_dom_attribute("href").split("#")[1]
    browser.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))",
                           outcome_link)  # click 3: an outcome in the drawing
    assert browser.current_url.endswith("#" + target)
    article = browser.find_element(By.ID, target)
    quotes = article.find_elements(By.TAG_NAME, "blockquote")
    assert quotes and all(q.text.strip() for q in quotes)  # the clause behind the outcome
    _record(shots, browser, "4-outcome", figures)

    browser.find_element(By.LINK_TEXT, "Cases").click()  # from any page: one click
    assert _shows(browser, "Cases at the desk")
    assert _shows(browser, "Police or other law enforcement ask about a patron")
    assert browser.find_element(By.CSS_SELECTOR, "nav[aria-label=Period] strong").text == (
        "Last 30 days")  # the default period: last month
    browser.find_element(By.LINK_TEXT, "Last 90 days")
    _record(shots, browser, "5-cases", figures)

    browser.find_element(By.LINK_TEXT, "Reviews").click()
    assert _shows(browser, "Review dates and owners")
    _record(shots, browser, "5b-reviews", figures)
    browser.find_element(By.LINK_TEXT, "Drills").click()
    assert _shows(browser, "Drill results")
    browser.find_element(By.LINK_TEXT, "Compare libraries").click()
    browser.find_element(By.PARTIAL_LINK_TEXT, "Police or other").click()
    assert _shows(browser, "Westmont Public Library")
    _record(shots, browser, "5c-compare", figures)

    browser.set_window_size(390, 844)  # a phone
    browser.get(url + "/review/policy")
    assert browser.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth + 1")
    _record(shots, browser, "6-policy-phone", figures)
    (shots / "served-figures.json").write_text(json.dumps(figures, indent=1))


def test_the_exported_folder_opens_offline_in_the_browser(browser, tmp_path: Path,
                                                          shots: Path) -> None:
    from click.testing import CliRunner
    from selenium.webdriver.common.by import By

    from bot.cli import main

    folder = tmp_path / "packet"
    assert CliRunner().invoke(main, ["site", str(folder), "--content", str(ROOT)]).exit_code == 0
    figures: dict[str, dict] = {}
    browser.get((folder / "index.html").as_uri())
    browser.find_element(By.LINK_TEXT, "Flows").click()
    browser.find_element(By.LINK_TEXT, "A parent or guardian asks about a child's library account"
                         ).click()
    assert browser.find_element(By.CSS_SELECTOR, "figure svg")
    _record(shots, browser, "7-export-flow", figures)
    browser.find_element(By.LINK_TEXT, "Policy").click()
    assert _shows(browser, "Quoted by")
    browser.find_element(By.LINK_TEXT, "Compare libraries").click()
    browser.find_element(By.PARTIAL_LINK_TEXT, "parent or guardian").click()
    assert _shows(browser, "Westmont Public Library")
    _record(shots, browser, "8-export-compare", figures)
    sizes = {str(p.relative_to(folder)): p.stat().st_size for p in folder.rglob("*.html")}
    (shots / "export-figures.json").write_text(json.dumps(
        {"pages": len(sizes), "total_bytes": sum(sizes.values()),
         "largest": max(sizes.items(), key=lambda kv: kv[1]), "browser": figures}, indent=1))
