"""Page hygiene: a corrected case updates or withdraws its page, never pages twice.

Driven end to end through the terminal face (typed lines, a real SQLite database, the outbox
delivering to the fake Slack at the network edge), as staff at the desk would do it.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from slack_sdk import WebClient
from sqlalchemy import select

from bot.channels.delivery import OutboxWorker
from bot.channels.slack import SlackTransport
from bot.check.paths import enumerate_paths
from bot.config import parse_config
from bot.content.catalogue import Catalogue
from bot.content.flows import NOT_SURE
from bot.engine import start, step
from bot.engine.session import (
    RAISED,
    UPDATED,
    WITHDRAWN,
    PageKey,
    PageLedger,
    happened,
    page_action,
)
from bot.engine.step import answer
from bot.escalation import EscalationService
from bot.review.digest import build_digest, to_text
from bot.store import ConversationStore, Database
from bot.store.paging_tables import audit_events, escalations, holds, outbox
from tests.conftest import ROOT
from tests.escalation_support import PagingFake, config_toml, write_content
from tests.terminal_support import chat


class Desk:
    def __init__(self, tmp_path: Path, fake: PagingFake):
        self.catalogue = Catalogue.load(write_content(tmp_path / "content"))
        config = parse_config(tomllib.loads(config_toml()))  # type: ignore[arg-type]
        self.db = Database(f"sqlite:///{tmp_path / 'paging.db'}")
        self.service = EscalationService(self.db, config, self.catalogue)
        self.fake = fake
        client = WebClient(token="xoxb-test", base_url=fake.api_url)
        self.worker = OutboxWorker(self.db, SlackTransport(client, timeout=5), base_backoff=0.01)

    def chat(self, *lines: str) -> str:
        return "\n".join(chat(self.catalogue, "pagelib", lines, escalations=self.service))

    def escalations(self) -> list:  # type: ignore[type-arg]
        with self.db.engine.connect() as conn:
            return conn.execute(select(escalations).order_by(escalations.c.created_at)).all()

    def holds(self) -> list:  # type: ignore[type-arg]
        with self.db.engine.connect() as conn:
            return conn.execute(select(holds)).all()

    def delivered_texts(self) -> str:
        while self.worker.run_once():
            pass
        return json.dumps([m for m in self.fake.messages.values()], default=str)


@pytest.fixture
def fake():  # type: ignore[no-untyped-def]
    with PagingFake() as server:
        yield server


@pytest.fixture
def desk(tmp_path: Path, fake: PagingFake) -> Desk:
    return Desk(tmp_path, fake)


def test_change_to_another_paging_outcome_updates_the_page_in_place(desk: Desk) -> None:
    # warrant (immediate page) -> change the paper to a preservation letter (prompt page)
    out = desk.chat("1", "police", "warrant", "change", "2", "preserve", "")
    rows = desk.escalations()
    assert len(rows) == 1, out  # one page for the case, never a second contradictory one
    row = rows[0]
    assert row.outcome_id == "preserve" and row.urgency == "prompt"
    assert json.loads(row.packet)["corrected_from"] == "warrant"
    assert "updated: the desk corrected the case" in out
    assert "The desk corrected the case: now Preservation request" in desk.delivered_texts()


def test_a_corrected_case_records_only_the_pages_it_queued(desk: Desk) -> None:
    # The corrected case starts its level again: the people already paged keep their pages
    # (the outbox keys are taken), so the trail must not record them as queued a second time.
    desk.chat("1", "police", "warrant", "change", "2", "preserve", "")
    with desk.db.engine.connect() as conn:
        queued = conn.execute(select(audit_events.c.data)
                              .where(audit_events.c.kind == "page.queued")).scalars().all()
        pages = conn.execute(select(outbox.c.idempotency_key)
                             .where(outbox.c.kind == "page")).scalars().all()
    keys = [json.loads(data)["key"] for data in queued]
    assert sorted(keys) == sorted(pages), (keys, pages)


def test_back_to_an_outcome_that_pages_nobody_withdraws_the_page(desk: Desk) -> None:
    def lines() -> Iterator[str]:
        yield from ("1", "police", "warrant")
        desk.delivered_texts()  # the pages are out before the desk goes back (one that is
        yield from ("back", "nothing", "")  # not is never sent: test_escalation)

    out = "\n".join(chat(desk.catalogue, "pagelib", lines(), escalations=desk.service))
    assert "↩️ Went back." in out  # what the step did, as the engine says it for every face
    [row] = desk.escalations()
    assert row.state == "resolved" and "Stand down" in row.resolve_note
    assert "withdrawn" in out and "stand down" in out
    assert "Stand down: the desk corrected the case" in desk.delivered_texts()
    late = desk.service.acknowledge(row.id, "UPIC1")  # the paged person answers anyway
    assert late.status == "already" and "Nothing to do: Stand down" in late.message


def test_start_over_to_the_same_outcome_keeps_one_page(desk: Desk) -> None:
    out = desk.chat("1", "police", "warrant", "start over", "police", "warrant", "")
    assert "🔄 Started over." in out
    [row] = desk.escalations()
    assert row.state == "triggered" and row.outcome_id == "warrant"


def test_a_superseded_outcome_s_hold_is_ended(desk: Desk) -> None:
    desk.chat("1", "police", "preserve", "back", "nothing", "")
    [hold] = desk.holds()
    assert hold.state == "ended"
    [row] = desk.escalations()
    assert row.state == "resolved"


def test_withdrawn_then_reached_again_is_a_new_page(desk: Desk) -> None:
    desk.chat("1", "police", "warrant", "back", "nothing", "back", "warrant", "")
    first, second = desk.escalations()
    assert first.state == "resolved" and second.state == "triggered"


def test_page_action_is_decided_once() -> None:
    class Outcome:
        def __init__(self, oid: str, pages: bool):
            self.id = oid
            self.escalate = type("E", (), {"pages": pages, "roles": ("privacy-in-charge",),
                                           "urgency": "prompt"})()

    a = PageKey("a", ("privacy-in-charge",), "prompt")
    assert page_action(None, Outcome("a", True)) == RAISED  # type: ignore[arg-type]
    assert page_action(None, Outcome("a", False)) is None  # type: ignore[arg-type]
    assert page_action(a, Outcome("a", True)) is None  # type: ignore[arg-type]
    assert page_action(PageKey("a"), Outcome("a", True)) is None  # type: ignore[arg-type]
    assert page_action(a, Outcome("b", True)) == UPDATED  # type: ignore[arg-type]
    assert page_action(a, Outcome("b", False)) == WITHDRAWN  # type: ignore[arg-type]
    # the same outcome paging someone else (the stand-in) or more urgently is another page
    assert page_action(PageKey("a", ("stand-in",), "prompt"),
                       Outcome("a", True)) == UPDATED  # type: ignore[arg-type]
    assert page_action(PageKey("a", ("privacy-in-charge",), "immediate"),
                       Outcome("a", True)) == UPDATED  # type: ignore[arg-type]
    assert page_action(a, None) is None


def test_happened_says_what_the_step_did(desk: Desk) -> None:
    catalogue = desk.catalogue
    opened = start(catalogue, "pagelib", "records-request")
    assert happened(None, opened).kind == "started"
    police = step(catalogue, opened.conversation, "police")
    assert happened(opened, police).kind == "moved-on"
    warrant = step(catalogue, police.conversation, "warrant")
    assert happened(police, warrant).reached == "warrant"
    back = step(catalogue, warrant.conversation, "back")
    went = happened(warrant, back)
    assert went.kind == "went-back" and went.superseded == "warrant"
    again = step(catalogue, back.conversation, "start over")
    assert happened(back, again).kind == "started-over"
    ledger = PageLedger("case")
    assert ledger.reach(warrant.outcome).action == RAISED  # type: ignore[union-attr]
    nothing = step(catalogue, back.conversation, "nothing")
    assert ledger.reach(nothing.outcome).action == WITHDRAWN  # type: ignore[union-attr]
    assert ledger.raised == 1


def test_something_else_goes_back_to_the_situations_keeps_the_opening_and_pages_nothing(
        desk: Desk) -> None:
    out = desk.chat("police are here with a warrant", "something else", "1", "")
    assert "Back to the situations. Nothing was paged for this switch." in out
    # the situation picked from the list starts with what the opening message said...
    assert out.count("I understood: What do they have? → A search warrant") == 2, out
    # ...and the case keeps its one page: the switch raised none of its own
    [row] = desk.escalations()
    assert row.outcome_id == "warrant"


def test_something_else_at_a_question_pages_nothing(desk: Desk) -> None:
    out = desk.chat("1", "something else", "quit")
    assert "Back to the situations" in out and desk.escalations() == []


def test_pages_per_case_and_corrections_are_figures_in_the_digest(desk: Desk) -> None:
    store = ConversationStore(desk.db)
    lines = ["1", "police", "warrant", "change", "2", "preserve", "",  # updated in place
             "1", "police", "warrant", "back", "nothing", "",  # withdrawn
             "1", "police", "nothing", ""]  # pages nobody
    chat(desk.catalogue, "pagelib", lines, escalations=desk.service, store=store)
    digest = build_digest(desk.catalogue, desk.db, datetime.now(UTC) - timedelta(hours=1))
    assert digest.conversations == 3
    assert digest.escalations is not None and digest.escalations.total == 2
    assert digest.pages_per_case == pytest.approx(2 / 3)
    assert (digest.escalations.corrected, digest.escalations.withdrawn) == (1, 1)
    assert "Pages per case: 0.67 (2 pages, 3 cases); corrected by the desk: 1 updated in " \
           "place, 1 withdrawn." in to_text(digest)
    assert digest.to_json()["pages_per_case"] == pytest.approx(2 / 3)


def test_no_page_where_a_not_sure_answer_names_no_one_at_any_library(tmp_path: Path) -> None:
    """Every 'Not sure' path of every question still asked, at every library: the escalation
    service raises a page exactly when the outcome it leads to names someone."""
    catalogue = Catalogue.load(ROOT)
    config = parse_config(tomllib.loads(config_toml().replace('"pagelib"',
                                                               '"mount-prospect"')))
    db = Database(f"sqlite:///{tmp_path / 'paging.db'}")
    service = EscalationService(db, config, catalogue)
    quiet = paged = 0
    for library, pack in sorted(catalogue.packs.items()):
        for flow in catalogue.flows_for(library).values():
            for path in enumerate_paths(pack, flow):
                if not path.steps or path.steps[-1][1] != NOT_SURE:
                    continue
                view = start(catalogue, library, flow.id)
                for question, choice in path.steps:
                    view = answer(catalogue, view.conversation, question, choice)
                assert view.outcome is not None and view.outcome.id == path.outcome
                change = service.settle_outcome(library=library, conversation=view.conversation,
                                                outcome=view.outcome, asked_by="U1",
                                                face="terminal")
                if view.outcome.escalate.pages:
                    assert change is not None and change.action == RAISED, path.describe()
                    paged += 1
                else:
                    assert change is None, path.describe()
                    quiet += 1
    with db.engine.connect() as conn:
        assert len(conn.execute(select(escalations)).all()) == paged
    assert quiet > 20 and paged > 20  # both kinds exist in the bundled content


def test_back_start_over_and_change_at_a_question_in_the_terminal(desk: Desk) -> None:
    out = desk.chat("1", "police", "back", "police", "start over", "police", "change", "1",
                    "police", "nothing", "")
    assert "↩️ Went back." in out and "🔄 Started over." in out
    assert "Which answer do you want to change?" in out
    assert desk.escalations() == []  # "nothing in writing" pages nobody
