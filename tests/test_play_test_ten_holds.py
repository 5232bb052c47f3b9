"""Play-test 10 P10-5: a hold counts from the day its own flow declares, read from the opening.

An ECPA preservation (18 U.S.C. 2703(f)) runs 90 days from the *request*; the footage a camera
overwrites runs so many days from the *recording*. Which day a hold counts from is the hold's
own property (``counts_from`` in the flow), and the clerk is asked about that day in its own
words ("When did the request come in?" / "When was it recorded?"). A date of the records in a
preservation request ("the logs from last tuesday") starts nothing: counted from there, the
deadline would come before the duty ends.

P10-5b: footage counts from a day said of the recording ("yesterday's lobby video"), never from
the crime's, the case's or the investigation's ("a detective working a break-in from last
month"): counted from there, yesterday's footage was called gone and no deadline was kept. With
no such day the clerk is asked it.

Phrasings are our own beside the play-test's; look-alikes that must not change sit beside them.
The escalation's hold is checked end to end through the real terminal process and database.
"""

from __future__ import annotations

import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.content.flows import counts_from_a_day
from bot.engine import View, start
from bot.engine.session import open_case
from bot.engine.step import answer
from bot.router.dates import READERS, recording_date, request_date
from bot.router.prefill import stated_start
from bot.store import Database
from bot.store.paging_tables import holds
from bot.store.txn import as_utc
from tests.escalation_support import frontdesk_cmd, subprocess_env
from tests.test_play_test_eight import CATALOGUE, LIBRARIES, _opened

RECORDS = "computer-and-electronic-records"
FOOTAGE = "security-camera-footage"
TODAY = date(2026, 12, 8)  # a Tuesday (the play-test's day)

# (opening, days before TODAY the request came in; None: today, the records' date is no start)
REQUESTS = [
    # the play-test's
    ("got a letter from the sheriff asking us to preserve the computer logs from last tuesday, "
     "90 days", None),
    ("officer called today asking us to save the internet history from last tuesday for 90 days",
     None),
    ("detective wants us to keep the sign-in logs for pc 5 from yesterday, preservation request",
     None),
    ("the letter came last monday asking us to preserve the computer logs", 1),
    # our own: a date of the records, said every way, starts nothing
    ("state police want the wifi logs since december 1 preserved", None),
    ("FBI asking us to hold on to yesterday's print logs", None),
    ("preservation request for the session history covering nov 20 to nov 25", None),
    ("a deputy wants everything on pc 3 from the past week kept, don't wipe it", None),
    ("please keep all guest pass logs between 11/30 and 12/2, sheriff's request", None),
    ("preserve the email logs of 3 days ago, the trooper said", None),
    # our own: a date of the request is its start
    ("we got a preservation letter two weeks ago for the wifi logs", 14),
    ("a detective emailed on Friday asking us to preserve the computer logs from November 1", 4),
    ("last week's letter from the FBI asks us to keep the sign-up sheets", 7),
    ("the request from yesterday says keep the logs from last month", 1),
    ("a trooper called 3 days ago to ask that we keep the print logs", 3),
    ("preservation letter dated Nov 30 for the logs of Nov 1 through Nov 3", 8),
    ("yesterday an officer asked us to preserve the hard drive of computer 7", 1),
    ("the preservation letter came on the 3rd", 5),  # a day of this month
    ("sheriff called on the 20th and asked us to preserve the logs of the 2nd computer", 18),
]


@pytest.mark.parametrize(("opening", "days_ago"), REQUESTS)
def test_a_preservation_counts_from_the_request_never_from_the_records(
        opening: str, days_ago: int | None) -> None:
    found = request_date(opening, TODAY)
    got = (TODAY - found[0]).days if found else None
    assert got == days_ago, (opening, found)


# P10-5b: (opening, days before TODAY the footage asked for was recorded; None: no day said of
# the recording, or days of it that disagree, so the clerk is asked)
RECORDINGS = [
    # the reviewer's: the crime's, the case's, the investigation's date is not the recording's
    ("detective working a break-in from last month wants a copy of yesterday's lobby video", 1),
    ("officer from the investigation from last year wants a copy of last night's video", 1),
    # look-alikes from before
    ("police want yesterday's footage saved, someone was hit in the parking lot", 1),
    ("an officer came in today asking for the camera video from 5 days ago", 5),
    ("the detective called yesterday about the footage of last friday's break-in", 4),
    # our own: a date said of the recording
    ("police want the video of monday", 1),
    ("it was recorded on the 3rd", 5),
    ("cop wants the lobby camera footage from the 3rd of this month", 5),
    ("detective investigating a robbery from two weeks ago wants tuesday's parking lot tape", 7),
    ("police want the security video from the lobby camera from last tuesday", 7),
    ("the video they need was filmed last night", 1),
    ("last week someone broke in and now police want footage from yesterday", 1),
    ("a deputy on a case from march wants the video from 3 days ago", 3),
    ("police investigating last month's assault want the footage from 3 days ago", 3),
    ("the state police want last weekend's camera footage for their investigation", 3),
    ("detective wants the 11/30 footage from camera 2", 8),
    ("the fbi wants all video since last monday", 1),
    ("police want the video of the break-in from last week", 7),  # a camera records as it happens
    ("the police came yesterday for footage of the car break in two days ago", 2),
    ("officer wants footage between nov 1 and nov 3", 37),  # a span: its first day runs out first
    ("a sergeant asked last week for the tape from last thursday", 5),
    ("need the footage from about 2 weeks ago for a police report", 14),
    ("detective wants the clip from yesterday afternoon", 1),
    # our own: no day said of the recording (a crime's, a request's, a floor), or days that
    # disagree: none taken, the clerk is asked
    ("police want the footage, the incident was last friday", None),
    ("officer says the assault happened last saturday, wants the camera recording", None),
    ("lady says her purse was stolen 2 weeks ago and wants to see the video", None),
    ("police came in monday asking for video", None),
    ("detective wants the footage from the 3rd floor camera", None),
    ("a man was shot last week and police want the video", None),
    ("yesterday's video of last month's break-in", None),
    ("officer working the hit-and-run from saturday wants the parking lot cam video", None),
]


@pytest.mark.parametrize(("opening", "days_ago"), RECORDINGS)
def test_footage_counts_from_a_day_said_of_the_recording(
        opening: str, days_ago: int | None) -> None:
    """A camera overwrites footage so many days after the recording: its hold counts from a day
    said of the recording only, never from the crime's, the case's or the request's."""
    found = recording_date(opening, TODAY)
    got = (TODAY - found[0]).days if found else None
    assert got == days_ago, (opening, found)
    assert READERS["stated-date"] is recording_date


def _footage_libraries() -> list[str]:
    """The libraries whose footage hold counts from the recording (a days fact in the pack):
    found from the case, not from a list."""
    out = []
    for library in LIBRARIES:
        case = _through(_opened(library, "police want a copy of the lobby video", FOOTAGE))
        if case.outcome is not None and case.outcome.hold is not None:
            out.append(library)
    return out


def test_mahomet_is_among_the_libraries_whose_footage_is_kept_so_many_days() -> None:
    """(V-B.3: "Recorded footage is secured for thirty days"): the end-to-end checks below run
    where the policy has the days."""
    assert "mahomet" in _footage_libraries()


@pytest.mark.parametrize("opening", [opening for opening, _ in RECORDINGS])
def test_no_date_but_the_recordings_calls_the_footage_gone(opening: str) -> None:
    """End to end through the engine: yesterday's footage is never called gone because of the
    crime's date; with no day of the recording the clerk is asked it, and the deadline shown
    is today's at the latest."""
    today = date.today()  # the case reads the day it is opened; the days are counted so
    found = recording_date(opening, today)
    days_ago = (today - found[0]).days if found else None
    for library in _footage_libraries():
        opened = open_case(CATALOGUE, library, opening)
        stated = stated_start(CATALOGUE.flow(library, FOOTAGE), opening, today)
        dated = stated.date if stated else None
        assert dated == (found[0].isoformat() if found else None), (library, opening)
        if opened.result.situation == FOOTAGE:  # the router gives the footage's day
            assert opened.stated_date == dated, (library, opening)
        case = _through(start(CATALOGUE, library, FOOTAGE, opened.prefill(FOOTAGE), dated))
        assert case.outcome is not None and case.outcome.hold is not None, opening
        if days_ago is not None and days_ago < 30:
            assert case.hold_passed is None and case.hold_due is not None, opening
            assert case.hold_due.ask is None
        if days_ago is None:
            assert case.hold_passed is None, opening
            assert case.hold_due is not None and case.hold_due.ask == "When was it recorded?"
            assert case.hold_due.notice.startswith("When was it recorded? Nothing you wrote")


@pytest.mark.parametrize("opening", [RECORDINGS[0][0], RECORDINGS[1][0]])
def test_the_reviewers_footage_is_yesterdays_at_mahomet(tmp_path: Path, opening: str) -> None:
    """The play-test's two, typed at the real terminal: routed to the footage, the day echoed
    is yesterday's, no "ran out" warning, and 29 days are left."""
    out, _ = _chat(tmp_path, "mahomet", opening, "yes", "")
    yesterday = date.today() - timedelta(days=1)
    assert "When was it recorded? (a hold's deadline counts from this day) → " \
        f"{yesterday:%A} {yesterday.day} {yesterday:%B %Y}" in out, out
    assert "ran out" not in out and "no deadline is recorded" not in out, out
    assert "(29 days left)" in out, out


def _through(case: View) -> View:
    """Answer what is still asked as police on a case (the outcome that pages nobody and
    shows the deadline)."""
    wanted = {"what": "view-or-copy", "who": "police", "investigation": "yes"}
    while case.question is not None:
        choice = wanted.get(case.question.id, case.question.choices[0].id)
        case = answer(CATALOGUE, case.conversation, case.question.id, choice)
    return case


def test_each_hold_declares_the_day_it_counts_from_and_how_the_clerk_is_asked() -> None:
    """The day is data on the hold: the preservation's is the request's, the footage's the
    recording's, each with its own question."""
    for library in LIBRARIES:
        records = CATALOGUE.flow(library, RECORDS).dated_hold
        footage = CATALOGUE.flow(library, FOOTAGE).dated_hold
        assert records is not None and records["counts_from"] == "request-date"
        assert records["date_ask"] == "When did the request come in?"
        assert footage is not None and footage["counts_from"] == "stated-date"
        assert footage["date_ask"] == "When was it recorded?"
        assert counts_from_a_day(records) and counts_from_a_day(footage)


def _preserving(library: str) -> bool:
    """The library's policy states a preservation duty: its preservation outcome starts a hold
    (found from the case, not from a list of libraries)."""
    case = _opened(library, "the police sent a preservation letter for the computer logs",
                   RECORDS)
    return case.outcome is not None and case.outcome.hold is not None


def test_mount_prospect_is_among_the_libraries_whose_policy_has_preservation() -> None:
    """(IV.D: "it must preserve such communications for at least 90 days following the
    request"): the end-to-end checks below run where the policy has the duty."""
    assert "mount-prospect" in [lib for lib in LIBRARIES if _preserving(lib)]


@pytest.mark.parametrize("library", LIBRARIES)
def test_the_day_echoed_is_the_requests_and_is_asked_as_such(library: str) -> None:
    """A records date is not echoed as the day the hold counts from; a request date is, under
    the question that says which day it is."""
    opened = open_case(CATALOGUE, library, REQUESTS[0][0])
    assert opened.stated_date is None, library
    dated_opening = "the letter came last monday asking us to preserve the computer logs"
    opened = open_case(CATALOGUE, library, dated_opening)
    case = start(CATALOGUE, library, RECORDS, opened.prefill(RECORDS), opened.stated_date)
    [dated] = [u for u in case.understood if u.question == "stated-date"]
    assert dated.ask.startswith("When did the request come in?"), dated.ask


def _chat(tmp_path: Path, library: str, *lines: str) -> tuple[str, Database]:
    url = f"sqlite:///{tmp_path / 'chat.db'}"
    done = subprocess.run(
        frontdesk_cmd("chat", "--library", library, "--database-url", url,
                      "--forms-dir", str(tmp_path)),
        input="\n".join(lines) + "\n", env=subprocess_env(NO_COLOR="1"), capture_output=True,
        text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout, Database(url)


@pytest.mark.parametrize(("opening", "days_ago"), [
    (REQUESTS[0][0], 0),  # the play-test's: the records' last tuesday starts nothing
    ("deputy asked us to preserve the computer logs from 5 days ago", 0),
    ("detective sent a preservation letter two weeks ago for the computer logs", 14),
    ("a trooper called 3 days ago asking us to preserve the computer logs", 3),
])
def test_the_escalations_hold_is_due_90_days_after_the_request(
        tmp_path: Path, opening: str, days_ago: int) -> None:
    """End to end: the preservation page's hold, stored by the escalation core, is due 90 days
    after the request (today unless the opening dates the request), and the page says so."""
    for library in (lib for lib in LIBRARIES if _preserving(lib)):
        folder = tmp_path / library
        folder.mkdir()
        out, database = _chat(folder, library, opening, "")
        today = date.today()
        due = today - timedelta(days=days_ago) + timedelta(days=90)
        with database.engine.connect() as conn:
            [hold] = conn.execute(select(holds)).all()
        assert hold.kind == "ecpa-preservation" and hold.state == "active", library
        assert as_utc(hold.started_at).date() == today - timedelta(days=days_ago), library
        assert as_utc(hold.due_at).date() == due, (library, out[-1500:])
        assert f"due {due.isoformat()}" in out, library
