"""The audit trail can't be quietly trimmed: each tamper an operator with write access to the
database might try, against a chain keyed with ``FRONTDESK_AUDIT_KEY`` and anchored by an
append-only checkpoint file, is reported by ``frontdesk audit verify`` (exit 1, BROKEN).

The tamperer edits the database directly and, where it helps them, recomputes hashes the way
the code does, but without the key (they can read the code, not the secret).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update

from bot.channels.slack.checkpoints import checkpoint_task
from bot.escalation.retention import purge
from bot.store import Database
from bot.store.audit import (
    GENESIS,
    AuditLog,
    event_hash,
    read_checkpoints,
)
from bot.store.paging_tables import audit_events, audit_head
from tests.escalation_support import CHANNEL, PagingFake, frontdesk_cmd, subprocess_env, wait_until
from tests.fakeslack import Call
from tests.test_audit import trail  # noqa: F401  (the fixture: a chain of escalation events)
from tests.wiring_support import pagelib_bot

KEY = "correct horse battery staple"


@pytest.fixture
def audit_key(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("FRONTDESK_AUDIT_KEY", KEY)
    return KEY


@pytest.fixture
def keyed(audit_key: str, trail):  # type: ignore[no-untyped-def]  # noqa: F811
    """test_audit's chain of escalation events, written keyed, and a checkpoint after it."""
    db, url, *_, tmp_path = trail
    checkpoints = tmp_path / "audit-checkpoints.jsonl"
    assert AuditLog(db).checkpoint(checkpoints) is not None
    return db, url, checkpoints


def verify_cli(url: str, checkpoints: Path, key: str | None = KEY
               ) -> subprocess.CompletedProcess[str]:
    env = subprocess_env(FRONTDESK_DATABASE_URL=url, FRONTDESK_AUDIT_CHECKPOINTS=str(checkpoints))
    if key is not None:
        env["FRONTDESK_AUDIT_KEY"] = key
    return subprocess.run(frontdesk_cmd("audit", "verify"), env=env, capture_output=True,
                          text=True, timeout=60)


def last_seq(db: Database) -> int:
    with db.engine.connect() as conn:
        return conn.execute(select(audit_events.c.seq).order_by(
            audit_events.c.seq.desc())).scalars().first() or 0


def rehash_without_key(db: Database, start: int = 1) -> None:
    """What someone without the key can do after an edit: recompute the hashes from event
    ``start`` on (plain SHA-256, as the code does unkeyed), relink the chain, move the head."""
    with db.engine.begin() as conn:
        before = conn.execute(select(audit_events.c.hash).where(
            audit_events.c.seq == start - 1)).scalar()
        prev = before or GENESIS
        for row in conn.execute(select(audit_events).where(audit_events.c.seq >= start)
                                .order_by(audit_events.c.seq)).all():
            digest = (hashlib.sha256((row.data or "").encode()).hexdigest()
                      if row.data is not None else row.data_digest)
            new = event_hash(row.seq, row.at, row.kind, row.library, row.conversation_id,
                             row.escalation_id, row.actor, digest, prev)
            conn.execute(update(audit_events).where(audit_events.c.seq == row.seq).values(
                data_digest=digest, prev_hash=prev, hash=new, keyed=False))
            prev = new
            seq = row.seq
        conn.execute(update(audit_head).where(audit_head.c.id == 1).values(seq=seq, hash=prev))


def test_an_intact_keyed_anchored_chain_verifies(keyed) -> None:  # type: ignore[no-untyped-def]
    db, url, checkpoints = keyed
    report = AuditLog(db).verify(checkpoints)
    assert report.ok and report.keyed and report.checkpoints == 1, report
    assert report.notes == ()
    result = verify_cli(url, checkpoints)
    assert result.returncode == 0, result.stderr
    assert "chain intact, keyed (HMAC), 1 checkpoints match" in result.stdout


# tamper -> what verify must say
TAMPERS = {
    "nulled-data": "its data was removed, and no purge covers it",
    "deleted-newest-head-rewound": "newest events deleted, head rewound?",
    "edited-row": "data was changed",
    # every hash recomputed without the key: the keyed checkpoint no longer matches
    "edited-row-rehashed-without-key": "differs from its checkpoint",
    "edited-row-rehashed-from-there": "not keyed, after keyed events",
    "deleted-middle-row": "missing (deleted?)",
    "deleted-middle-row-rehashed-without-key": "differs from its checkpoint",
}


@pytest.mark.parametrize("tamper", sorted(TAMPERS))
def test_each_tamper_is_reported(keyed, tamper: str) -> None:  # type: ignore[no-untyped-def]
    db, url, checkpoints = keyed
    newest = last_seq(db)
    with db.engine.begin() as conn:
        if tamper == "nulled-data":
            conn.execute(update(audit_events).where(audit_events.c.seq == 3).values(data=None))
        elif tamper == "deleted-newest-head-rewound":
            keep = newest - 2
            conn.execute(delete(audit_events).where(audit_events.c.seq > keep))
            row = conn.execute(select(audit_events).where(audit_events.c.seq == keep)).one()
            conn.execute(update(audit_head).where(audit_head.c.id == 1).values(
                seq=keep, hash=row.hash))
        elif tamper.startswith("edited-row"):
            conn.execute(update(audit_events).where(audit_events.c.seq == 4).values(
                data=json.dumps({"recipient": "UEVIL"}), actor="UEVIL"))
        elif tamper.startswith("deleted-middle-row"):
            conn.execute(delete(audit_events).where(audit_events.c.seq == 4))
    if tamper.endswith("rehashed-without-key"):
        rehash_without_key(db)
    elif tamper.endswith("rehashed-from-there"):
        rehash_without_key(db, start=4)
    report = AuditLog(db).verify(checkpoints)
    assert not report.ok
    assert any(TAMPERS[tamper] in problem for problem in report.problems), report.problems
    result = verify_cli(url, checkpoints)
    assert result.returncode == 1
    assert "BROKEN" in result.stderr and TAMPERS[tamper] in result.stderr


def test_a_forged_or_edited_checkpoint_is_reported(keyed) -> None:  # type: ignore[no-untyped-def]
    db, url, checkpoints = keyed
    [point] = read_checkpoints(checkpoints)
    forged = {"seq": point.seq - 2, "hash": "0" * 64, "at": point.at, "mac": "0" * 64}
    checkpoints.write_text(json.dumps(forged) + "\n", encoding="utf-8")
    report = AuditLog(db).verify(checkpoints)
    assert any("its HMAC does not match" in p for p in report.problems), report.problems


def test_a_purge_empties_data_and_the_chain_still_verifies(keyed) -> None:  # type: ignore[no-untyped-def]
    db, url, checkpoints = keyed
    removed = purge(db, 30, now=datetime(2024, 6, 1, tzinfo=UTC))
    assert removed["audit_data"] > 0
    AuditLog(db).checkpoint(checkpoints)
    report = AuditLog(db).verify(checkpoints)
    assert report.ok, report.problems
    assert report.checkpoints == 2


def test_without_the_key_verify_says_what_it_cannot_prove(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Unkeyed (no FRONTDESK_AUDIT_KEY) and unanchored: the chain still catches a plain edit,
    and verify says plainly that a consistent rewrite or a trimmed tail would not be caught."""
    monkeypatch.delenv("FRONTDESK_AUDIT_KEY", raising=False)
    db = Database(f"sqlite:///{tmp_path / 'plain.db'}")
    log = AuditLog(db)
    for n in range(3):
        log.append("case.opened", actor=f"U{n}", data={"flow": "records-request"})
    report = log.verify()
    assert report.ok and not report.keyed
    assert any("FRONTDESK_AUDIT_KEY is not set" in note for note in report.notes)
    assert any("no checkpoint file" in note for note in report.notes)
    result = subprocess.run(frontdesk_cmd("audit", "verify"), env=subprocess_env(
        FRONTDESK_DATABASE_URL=f"sqlite:///{tmp_path / 'plain.db'}"), capture_output=True,
        text=True, timeout=60)
    assert result.returncode == 0 and "not keyed" in result.stdout
    assert "NOTE: FRONTDESK_AUDIT_KEY is not set" in result.stderr
    db.dispose()


def test_keyed_events_cannot_be_checked_without_the_key(keyed) -> None:  # type: ignore[no-untyped-def]
    db, url, checkpoints = keyed
    result = verify_cli(url, checkpoints, key=None)
    assert result.returncode == 1
    assert "are keyed but FRONTDESK_AUDIT_KEY is not set" in result.stderr
    wrong = verify_cli(url, checkpoints, key="not the key")
    assert wrong.returncode == 1 and "HMAC does not match" in wrong.stderr


def test_the_checkpoint_command_appends_only_when_the_head_moved(keyed) -> None:  # type: ignore[no-untyped-def]
    db, url, checkpoints = keyed
    env = subprocess_env(FRONTDESK_DATABASE_URL=url, FRONTDESK_AUDIT_KEY=KEY,
                         FRONTDESK_AUDIT_CHECKPOINTS=str(checkpoints))
    again = subprocess.run(frontdesk_cmd("audit", "checkpoint"), env=env, capture_output=True,
                           text=True, timeout=60)
    assert again.returncode == 0 and "nothing new" in again.stdout
    AuditLog(db).append("case.opened", actor="U9", data={"flow": "records-request"})
    moved = subprocess.run(frontdesk_cmd("audit", "checkpoint"), env=env, capture_output=True,
                           text=True, timeout=60)
    assert moved.returncode == 0 and f"event {last_seq(db)}" in moved.stdout
    assert [p.seq for p in read_checkpoints(checkpoints)][-1] == last_seq(db)


def test_checkpoints_are_posted_to_the_escalation_channel(tmp_path: Path,
                                                          audit_key: str) -> None:
    """With Slack configured, the head is anchored in the escalation channel too (queued in the
    outbox and delivered by the running worker, like a page): once per head, matching the
    chain, HMAC included when keyed; nothing while the head stays put."""
    with PagingFake() as fake:
        bot = pagelib_bot(fake, tmp_path)
        try:
            db = bot.runtime.services.database
            task = checkpoint_task(db, channel=CHANNEL, post_every_seconds=0)

            def posted() -> list[Call]:
                return fake.calls_to("chat.postMessage", lambda c: c.args.get("channel") ==
                                     CHANNEL and "Audit checkpoint" in str(c.args.get("text")))

            task()
            bot.settle()
            assert posted() == []  # an empty chain: nothing to anchor
            AuditLog(db).append("case.opened", actor="U9", data={"flow": "records-request"})
            task()
            assert wait_until(lambda: len(posted()) == 1, timeout=20)
            seq, head = AuditLog(db).head()
            text = posted()[0].args["text"]
            assert f"event {seq}," in text and f"`{head}`" in text and "HMAC `" in text
            task()
            bot.settle()
            assert len(posted()) == 1  # the head did not move: nothing new is posted
        finally:
            bot.stop()
