"""The review site as a Flask application (served under ``/review/``, or exported static).

Who sees what: everyone signed in (Slack OpenID Connect, this workspace only) sees the policy,
the flows and the comparison; the director, the privacy in-charge and ``[roles] reviewers`` also
see the review dates, the drill results and the cases dashboard, and every view of the
dashboard is written to the audit trail. A visitor who is not signed in is sent to sign in and
shown nothing. Sessions are signed cookies (``FRONTDESK_SESSION_SECRET``), HttpOnly and
SameSite=Lax, that expire; the only state-changing request (sign out) carries a CSRF token.
"""

from __future__ import annotations

import os
import secrets
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, abort, g, redirect, render_template, request, session, url_for
from markupsafe import Markup
from werkzeug.wrappers import Response

from bot.config import Config
from bot.content.catalogue import Catalogue
from bot.faces.web import pages
from bot.faces.web.auth import SignInError, SlackOIDC
from bot.review.chart import bar_chart_svg
from bot.review.compare import compare
from bot.review.digest import build_digest, duration, parse_since
from bot.store.audit import append_event
from bot.store.database import Database
from bot.store.drills import DrillStore
from bot.store.txn import write_transaction

FULL_ROLES = ("director", "privacy-in-charge", "reviewers")
PERIODS = (("7d", "Last 7 days"), ("30d", "Last 30 days"), ("90d", "Last 90 days"))
SESSION_ENV = "FRONTDESK_SESSION_SECRET"


@dataclass(frozen=True)
class ReviewSettings:
    session_secret: str
    oidc: SlackOIDC | None  # None: the static export, where nobody signs in
    public_url: str | None = None  # where Slack sends the browser back (else the request's host)
    session_hours: float = 8.0

    @classmethod
    def from_env(cls, config: Config, *, bot_token: str | None = None,
                 api_url: str | None = None) -> ReviewSettings | None:
        """Settings when SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and the session secret are set."""
        client_id = os.environ.get("SLACK_CLIENT_ID")
        client_secret = os.environ.get("SLACK_CLIENT_SECRET")
        secret = os.environ.get(SESSION_ENV)
        if not (client_id and client_secret and secret):
            return None
        return cls(secret, SlackOIDC(client_id, client_secret, api_url, bot_token),
                   public_url=config.web.public_url)


def create_review_app(catalogue: Catalogue, config: Config, database: Database | None,
                      settings: ReviewSettings, *, library: str | None = None) -> Flask:
    """The review site for ``library`` (default: the configured one)."""
    app = Flask("bot", template_folder="templates")
    app.jinja_env.globals["link"] = _link
    app.config.update(
        SECRET_KEY=settings.session_secret,
        SESSION_COOKIE_NAME="frontdesk_review",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=bool(settings.public_url and settings.public_url.startswith(
            "https://")),
        SESSION_COOKIE_PATH="/review",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_hours),
    )
    pack = catalogue.pack(library or config.library)
    exporting = settings.oidc is None
    full_members = {member for role in FULL_ROLES for member in config.members(role)}

    # --- who is here ------------------------------------------------------------------------

    def signed_in() -> dict[str, Any] | None:
        user = session.get("user")
        if not user or time.time() - user.get("at", 0) > settings.session_hours * 3600:
            return None
        return user

    def full_access() -> bool:
        user = g.get("user")
        return exporting or bool(user and user.get("full"))

    @app.before_request
    def require_sign_in() -> Response | None:
        g.user = None
        if exporting or request.endpoint in ("signin", "callback", "static"):
            return None
        g.user = signed_in()
        if g.user is None:
            session.clear()
            return redirect(url_for("signin", next=request.full_path.rstrip("?")))
        return None

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
            "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Content-Type-Options"] = "nosniff"
        if request.endpoint in ("cases", "drills", "reviews"):
            response.headers["Cache-Control"] = "no-store"
        return response

    def render(template: str, **context: Any) -> str:
        return render_template(f"web/{template}", pack=pack, user=g.get("user"),
                               full=full_access(), served=not exporting,
                               csrf=session.get("csrf", ""), **context)

    def need_full() -> None:
        if not full_access():
            abort(403)

    # --- signing in and out -----------------------------------------------------------------

    def redirect_uri() -> str:
        base = (settings.public_url or request.host_url).rstrip("/")
        return f"{base}{url_for('callback')}"

    @app.route("/review/signin")
    def signin() -> Response:
        assert settings.oidc is not None
        target, state, nonce = settings.oidc.start(redirect_uri())
        nxt = request.args.get("next", "")
        session.clear()
        session["oidc"] = {"state": state, "nonce": nonce,
                           "next": nxt if _local(nxt) else url_for("index")}
        return redirect(target)

    @app.route("/review/auth/callback")
    def callback() -> Response | tuple[str, int]:
        assert settings.oidc is not None
        pending = session.pop("oidc", None)
        if not pending or not secrets.compare_digest(request.args.get("state", ""),
                                                     pending["state"]):
            return render("error.html", message="This sign-in link is stale or was not started "
                          "here. Start again."), 400
        try:
            user = settings.oidc.finish(request.args.get("code", ""), redirect_uri(),
                                        pending["nonce"])
        except SignInError as exc:
            return render("error.html", message=str(exc)), 403
        session.clear()
        session.permanent = True
        session["user"] = {"id": user.user_id, "name": user.name, "team": user.team_id,
                           "full": user.user_id in full_members, "at": time.time()}
        session["csrf"] = secrets.token_urlsafe(24)
        return redirect(pending["next"])

    @app.route("/review/signout", methods=["POST"])
    def signout() -> Response:
        if not secrets.compare_digest(request.form.get("csrf", ""), session.get("csrf", "")):
            abort(400)
        session.clear()
        return redirect(url_for("signin"))

    # --- the pages ----------------------------------------------------------------------------

    @app.route("/review/")
    def index() -> str:
        flows = sorted(catalogue.flows_for(pack.id).values(), key=lambda f: f.title)
        overdue = sum(r.overdue for r in pages.reviews(catalogue, pack)) if full_access() else 0
        return render("index.html", flows=flows, overdue=overdue)

    @app.route("/review/policy")
    def policy() -> str:
        return render("policy.html", clauses=pages.policy_page(catalogue, pack),
                      anchor=pages.anchor)

    @app.route("/review/flows/")
    def flows() -> str:
        return render("flows.html", flows=sorted(catalogue.flows_for(pack.id).values(),
                                                 key=lambda f: f.title))

    @app.route("/review/flows/<flow_id>")
    def flow(flow_id: str) -> str:
        if flow_id not in catalogue.flows_for(pack.id):
            abort(404)
        page = pages.flow_page(catalogue, pack, flow_id)
        return render("flow.html", page=page, svg=Markup(page.svg), anchor=pages.anchor)

    @app.route("/review/compare/")
    def compare_index() -> str:
        return render("compare_index.html", flows=sorted(catalogue.flows.values(),
                                                         key=lambda f: f.title))

    @app.route("/review/compare/<flow_id>")
    def comparison(flow_id: str) -> str:
        if flow_id not in catalogue.flows:
            abort(404)
        return render("compare.html", comparison=compare(catalogue, flow_id))

    @app.route("/review/reviews")
    def reviews() -> str:
        need_full()
        return render("reviews.html", reviews=pages.reviews(catalogue, pack))

    @app.route("/review/drills")
    def drills() -> str:
        need_full()
        assert database is not None
        practice = DrillStore(database).practice(pack.id)
        titles = {f.id: f.title for f in catalogue.flows_for(pack.id).values()}
        return render("drills.html", practice=practice, titles=titles)

    @app.route("/review/cases")
    def cases() -> str | tuple[str, int]:
        need_full()
        assert database is not None
        chosen = request.args.get("since", "30d")
        try:
            since = parse_since(chosen)
        except ValueError:
            return render("error.html", message="Choose a period like 7d, 30d or 2026-11-01."), 400
        digest = build_digest(catalogue, database, since, library=pack.id)
        with write_transaction(database) as conn:  # every view of the dashboard is audited
            append_event(conn, database, "review.cases_viewed", library=pack.id,
                         actor=g.user["id"], data={"since": since.date().isoformat()},
                         at=datetime.now(UTC))
        decisions = Counter({label: n for label, n in digest.decisions.items()})
        charts = {
            "situations": Markup(bar_chart_svg("Cases per situation", digest.chart_bars())),
            "decisions": Markup(bar_chart_svg("Outcomes by decision",
                                              [(d.upper(), n, 0) for d, n in
                                               decisions.most_common()])),
        }
        return render("cases.html", digest=digest, charts=charts, chosen=chosen,
                      periods=PERIODS, duration=duration)

    @app.errorhandler(403)
    def forbidden(_error: Exception) -> tuple[str, int]:
        return render("error.html", message="This page is for the director, the privacy "
                      "in-charge and the reviewers named in the settings."), 403

    @app.errorhandler(404)
    def missing(_error: Exception) -> tuple[str, int]:
        return render("error.html", message="There is no such page."), 404

    app.extensions["frontdesk_export"] = exporting
    return app


def _local(target: str) -> bool:
    """Only paths on this site may follow sign-in (no open redirect)."""
    parts = urlsplit(target)
    return target.startswith("/review/") and not parts.scheme and not parts.netloc


# Static export: the same pages as files, linked relatively (see export.py).
EXPORT_PATHS: dict[str, Callable[..., str]] = {
    "index": lambda: "index.html",
    "policy": lambda: "policy.html",
    "flows": lambda: "flows/index.html",
    "flow": lambda flow_id: f"flows/{flow_id}.html",
    "compare_index": lambda: "compare/index.html",
    "comparison": lambda flow_id: f"compare/{flow_id}.html",
}


def _link(endpoint: str, **values: Any) -> str:
    """A link for templates: ``url_for`` when served, a relative file path when exported."""
    from flask import current_app

    if current_app.extensions.get("frontdesk_export"):
        if endpoint not in EXPORT_PATHS:
            return "#"
        here = EXPORT_PATHS.get(request.endpoint or "", lambda **_: "")(**(request.view_args or {}))
        return "../" * here.count("/") + EXPORT_PATHS[endpoint](**values)
    return url_for(endpoint, **values)
