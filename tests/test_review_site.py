"""The review site (/review/): Sign in with Slack through the fake Slack, who sees what, the
audited cases dashboard, and the static export. Browser tests are in test_review_browser.py."""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bot.cli import main
from bot.config import parse_config
from bot.content.catalogue import Catalogue
from bot.faces.web import ReviewSettings, create_review_app
from bot.faces.web.auth import SlackOIDC
from bot.store import ConversationStore, Database
from bot.store.paging_tables import audit_events
from tests.fakeslack import FakeSlack

ROOT = Path(__file__).resolve().parents[1]
DIRECTOR, PIC, REVIEWER, CLERK = "UDIR", "UPIC", "UBOARD", "UCLERK"
PAGES = ["/review/", "/review/policy", "/review/flows/", "/review/flows/law-enforcement-request",
         "/review/compare/", "/review/compare/parent-requests-child-records", "/review/reviews",
         "/review/cases", "/review/drills"]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def _browser_at_slack(url: str) -> str:
    """Follow the authorize URL at the fake Slack as a browser would; the callback URL."""
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        opener.open(url)
    except urllib.error.HTTPError as exc:
        if exc.code == 302:
            return exc.headers["Location"]
        raise
    raise AssertionError("the fake Slack did not redirect back")


@pytest.fixture
def site(tmp_path: Path):  # type: ignore[no-untyped-def]
    with FakeSlack() as fake:
        config = parse_config({"library": "mount-prospect",
                               "roles": {"director": [DIRECTOR], "privacy-in-charge": [PIC],
                                         "reviewers": [REVIEWER]}})
        database = Database(f"sqlite:///{tmp_path / 'review.db'}")
        catalogue = Catalogue.load(ROOT)
        settings = ReviewSettings("test-session-secret",
                                  SlackOIDC(*fake.oidc_client, fake.api_url, "xoxb-test"))
        app = create_review_app(catalogue, config, database, settings)
        yield app, fake, database, catalogue
        database.dispose()


def _back_from_slack(client, start: str):  # type: ignore[no-untyped-def]
    """Start signing in at ``start`` and follow the fake Slack: the callback URL, split."""
    to_slack = client.get(start)
    return urlsplit(_browser_at_slack(to_slack.location))


def sign_in(app, fake: FakeSlack, user: str, team: str | None = None):  # type: ignore[no-untyped-def]
    client = app.test_client()
    fake.sign_in_as(user, name=f"Person {user}", team_id=team)
    start = client.get("/review/cases")
    assert start.status_code == 302 and "/review/signin" in start.location
    to_slack = client.get(start.location)
    assert to_slack.status_code == 302 and to_slack.location.startswith(fake.base_url)
    back = urlsplit(_browser_at_slack(to_slack.location))
    done = client.get(f"{back.path}?{back.query}")
    return client, done


def test_a_visitor_who_is_not_signed_in_sees_nothing(site) -> None:  # type: ignore[no-untyped-def]
    app, *_ = site
    client = app.test_client()
    for page in PAGES:
        response = client.get(page)
        assert response.status_code == 302, page
        assert "/review/signin" in response.location
        for content in (b"Mount Prospect", b"<blockquote", b"Quoted by", b"Cases at the desk",
                        b"<svg"):
            assert content not in response.data, (page, content)


def test_the_director_signs_in_and_sees_cases_and_each_view_is_audited(site) -> None:  # type: ignore[no-untyped-def]
    app, fake, database, catalogue = site
    from bot.engine import start

    view = start(catalogue, "mount-prospect", "law-enforcement-request")
    ConversationStore(database).save(view.conversation, user_id="U1", face="slack",
                                     status="asking")
    client, done = sign_in(app, fake, DIRECTOR)
    assert done.status_code == 302 and done.location.endswith("/review/cases")
    cases = client.get("/review/cases?since=30d")
    text = cases.get_data(as_text=True)
    assert cases.status_code == 200 and "Cases at the desk" in text
    assert "Police or other law enforcement ask about a patron" in text
    assert cases.headers["Cache-Control"] == "no-store"
    with database.engine.connect() as conn:
        seen = conn.execute(select(audit_events.c.kind, audit_events.c.actor).where(
            audit_events.c.kind == "review.cases_viewed")).all()
    assert seen == [("review.cases_viewed", DIRECTOR)]
    for page in PAGES:
        assert client.get(page).status_code == 200, page
    assert client.get("/review/cases?since=whenever").status_code == 400


@pytest.mark.parametrize("user", [PIC, REVIEWER])
def test_the_privacy_in_charge_and_reviewers_see_everything(site, user: str) -> None:  # type: ignore[no-untyped-def]
    app, fake, *_ = site
    client, _ = sign_in(app, fake, user)
    for page in ("/review/cases", "/review/drills", "/review/reviews"):
        assert client.get(page).status_code == 200, page


def test_other_staff_see_flows_and_policy_only(site) -> None:  # type: ignore[no-untyped-def]
    app, fake, database, _ = site
    client, _ = sign_in(app, fake, CLERK)
    for page in ("/review/", "/review/policy", "/review/flows/law-enforcement-request",
                 "/review/compare/parent-requests-child-records"):
        assert client.get(page).status_code == 200, page
    for page in ("/review/cases", "/review/drills", "/review/reviews"):
        response = client.get(page)
        assert response.status_code == 403 and b"Cases at the desk" not in response.data
    assert b"/review/cases" not in client.get("/review/").data  # not even linked
    with database.engine.connect() as conn:
        assert not conn.execute(select(audit_events).where(
            audit_events.c.kind == "review.cases_viewed")).all()


def test_another_workspace_is_refused(site) -> None:  # type: ignore[no-untyped-def]
    app, fake, *_ = site
    client, done = sign_in(app, fake, DIRECTOR, team="T-OTHER")
    assert done.status_code == 403 and b"workspace" in done.data
    assert client.get("/review/policy").status_code == 302


def test_a_forged_or_replayed_callback_signs_nobody_in(site) -> None:  # type: ignore[no-untyped-def]
    app, fake, *_ = site
    client = app.test_client()
    fake.sign_in_as(DIRECTOR)
    back = _back_from_slack(client, "/review/signin")
    forged = re.sub(r"state=[^&]+", "state=forged", back.query)
    assert client.get(f"{back.path}?{forged}").status_code == 400
    # The real answer after the forged one: the attempt is used up.
    assert client.get(f"{back.path}?{back.query}").status_code == 400
    assert client.get("/review/policy").status_code == 302


def test_sign_in_never_redirects_off_the_site(site) -> None:  # type: ignore[no-untyped-def]
    app, fake, *_ = site
    client = app.test_client()
    fake.sign_in_as(DIRECTOR)
    back = _back_from_slack(client, "/review/signin?next=https://evil.example/phish")
    done = client.get(f"{back.path}?{back.query}")
    assert done.status_code == 302 and urlsplit(done.location).path == "/review/"


def test_sessions_expire_and_sign_out_needs_its_token(site, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    app, fake, *_ = site
    client, _ = sign_in(app, fake, DIRECTOR)
    assert client.get("/review/policy").status_code == 200
    assert client.post("/review/signout", data={"csrf": "guess"}).status_code == 400
    assert client.get("/review/policy").status_code == 200  # still signed in
    later = time.time() + 9 * 3600
    monkeypatch.setattr(time, "time", lambda: later)
    assert client.get("/review/policy").status_code == 302  # 8 hours later: sign in again


def test_sign_out_with_its_token(site) -> None:  # type: ignore[no-untyped-def]
    app, fake, *_ = site
    client, _ = sign_in(app, fake, DIRECTOR)
    page = client.get("/review/").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    assert client.post("/review/signout", data={"csrf": token}).status_code == 302
    assert client.get("/review/policy").status_code == 302


def test_a_flow_page_shows_the_diagram_with_the_clause_behind_each_outcome(site) -> None:  # type: ignore[no-untyped-def]
    app, fake, _, catalogue = site
    client, _ = sign_in(app, fake, CLERK)
    text = client.get("/review/flows/law-enforcement-request").get_data(as_text=True)
    assert "<svg" in text and 'role="img"' in text and "<desc" in text
    pack = catalogue.pack("mount-prospect")
    outcomes = re.findall(r'<article class="outcome" id="outcome-([^"]+)"', text)
    assert len(outcomes) >= 5
    for outcome_id in outcomes:  # each outcome quotes at least one clause, linked to the policy
        block = text.split(f'id="outcome-{outcome_id}"', 1)[1].split("</article>", 1)[0]
        assert "policy#clause-" in block, outcome_id
    assert pack.roles["privacy-in-charge"].display in text  # the library's titles, not role ids
    assert "privacy-in-charge (immediate)" not in text
    policy = client.get("/review/policy").get_data(as_text=True)
    assert 'id="clause-III-B"' in policy and "Quoted by" in policy


def test_user_text_is_escaped_everywhere(site) -> None:  # type: ignore[no-untyped-def]
    app, fake, *_ = site
    client, _ = sign_in(app, fake, DIRECTOR)
    fake.sign_in_as(DIRECTOR, name="<script>alert(1)</script>")
    client2, _ = sign_in(app, fake, DIRECTOR)
    fake.sign_in_as(DIRECTOR, name="<script>alert(1)</script>")
    page = client2.get("/review/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "default-src 'none'" in client.get("/review/").headers["Content-Security-Policy"]


def test_frontdesk_site_writes_a_folder_that_links_only_to_itself(tmp_path: Path) -> None:
    folder = tmp_path / "board-packet"
    result = CliRunner().invoke(main, ["site", str(folder), "--content", str(ROOT)])
    assert result.exit_code == 0, result.output
    assert (folder / "index.html").is_file()
    pages = list(folder.rglob("*.html"))
    assert len(pages) >= 1 + 1 + 14 + 1 + 14
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "Cases at the desk" not in html and "Drill results" not in html
        for href in re.findall(r'href="([^"#]+)(?:#[^"]*)?"', html):
            assert not href.startswith(("http:", "https:", "/")), (page, href)
            assert (page.parent / href).resolve().is_file(), (page, href)
    again = CliRunner().invoke(main, ["site", str(folder), "--content", str(ROOT)])
    assert again.exit_code == 0 and len(list(folder.rglob("*.html"))) == len(pages)


def test_serve_without_sign_in_settings_shows_no_review_site(tmp_path: Path) -> None:
    from bot.faces.slack.http import SlackWSGI

    class Nothing:
        database = None
        escalations = None

    wsgi = SlackWSGI.__new__(SlackWSGI)
    wsgi.review = None
    wsgi.services = Nothing()  # type: ignore[assignment]
    statuses: list[str] = []
    body = b"".join(wsgi({"PATH_INFO": "/review/policy", "REQUEST_METHOD": "GET"},
                         lambda status, headers: statuses.append(status)))
    assert statuses == ["404 Not Found"] and b"Policy" not in body
