"""What the desk is told, from the third desk play test: each opening here is the clerk's
repro line, and each case was answered wrongly before (an off-duty officer's personal request
for footage handled as police work, a police emergency the router could not place answered
with "nobody needs paging", ...).

Expectations are written from the policy texts (``knowledge/<id>/policy.txt``), not from the
flows.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.content.catalogue import Catalogue
from bot.engine.session import NOT_A_PRIVACY_MATTER, alerted, open_case
from tests.terminal_support import chat


def run(library: str, *lines: str, flow: str | None = None) -> dict:
    """One desk case through ``frontdesk run --json``: the opening (routed unless ``flow``)
    and the answers typed after it."""
    args = ["run", "--library", library, "--json"]
    if flow:
        args += ["--flow", flow]
    for line in lines:
        args += ["--say", line]
    done = CliRunner().invoke(main, args)
    assert done.exit_code == 0, done.output
    return json.loads(done.output)


def staff_read(outcome: dict) -> str:
    """Everything staff read in an outcome, as one string."""
    return " ".join([outcome["headline"], *outcome["do"], *outcome["never"], outcome["say"]])


# --- D2: Mahomet footage goes to police only "in support of active investigations" ----------

FOOTAGE = "security-camera-footage"


def test_an_off_duty_officers_personal_request_for_footage_is_not_police_work() -> None:
    """Mahomet V-B.3: "Recordings will be shared with law enforcement in support of active
    investigations." An off-duty officer looking for his ex-girlfriend is not one: show
    nothing, no immediate page, no evidence hold."""
    data = run("mahomet", "off duty cop wants to look at our camera video to see if his "
               "ex-girlfriend came in with someone, it's personal, no case", "1")
    assert data["flow"] == FOOTAGE
    outcome = data["outcome"]
    assert outcome is not None and outcome["decision"] == "withhold"
    assert not data["pages"], data["pages"]
    assert "Police get recordings in support" not in outcome["headline"]
    assert "only in support of active investigations" in outcome["headline"]
    assert not outcome.get("hold")


def test_a_police_request_for_footage_asks_whether_it_is_an_active_investigation() -> None:
    """The clause's condition is asked, not assumed from "police want the footage"."""
    data = run("mahomet", "police want the camera footage of a bike theft out front")
    assert data["question"]["id"] == "investigation"
    done = run("mahomet", "police want the camera footage of a bike theft out front",
               "yes, it's his case")
    assert done["outcome"]["id"] == "police-investigation"
    # shared through the Director, not at the desk: a note today, no page (play-test 4 D8)
    assert done["pages"] == []


# --- D3's fallback: a police officer or an emergency the router cannot place -----------------

POLICE = "law-enforcement-request"
DECLINED_POLICE = [
    ("mahomet", "cop says its an emergency, needs the name on the account that reserved a book, "
                "but he refuses to fill out any form"),
    ("calumet", "un policier demande l'adresse d'un usager, il n'a pas de mandat"),
    ("westmont", "un policía quiere hablar con alguien del mostrador"),
]


@pytest.mark.parametrize(("library", "text"), DECLINED_POLICE)
def test_a_police_message_the_router_cannot_place_offers_the_police_situation(
        catalogue: Catalogue, library: str, text: str) -> None:
    """All five policies send law-enforcement requests to the person in charge (Mahomet V-A
    "Requests for confidential information must be directed to the Director"): staff are
    never told "nobody needs paging" for one (the menu's own way out is a choice, play-test 5
    E9), and the police situation is one number away."""
    said = "\n".join(chat(catalogue, library, [text, "quit"]))
    assert NOT_A_PRIVACY_MATTER not in said
    if open_case(catalogue, library, text).result.situation == POLICE:
        return  # a retrained router places it: started on the police situation at once
    assert catalogue.flow(library, POLICE).title in said[said.index("Did you mean:"):]
    offered = open_case(catalogue, library, text).offered
    assert offered.count(POLICE) == 1
    assert run(library, text, str(offered.index(POLICE) + 1))["flow"] == POLICE


def test_a_message_naming_no_privacy_matter_is_still_told_nobody_needs_paging(
        catalogue: Catalogue) -> None:
    said = "\n".join(chat(catalogue, "calumet", ["whats the wifi password again lol", "quit"]))
    assert "nobody needs paging" in said
    assert open_case(catalogue, "calumet", "whats the wifi password again lol").offered == ()


def test_alert_words_match_whole_words_with_or_without_accents(catalogue: Catalogue) -> None:
    assert POLICE in alerted(catalogue, "westmont", "la POLICÍA está aquí")
    assert POLICE in alerted(catalogue, "westmont", "la policia esta aqui")
    assert alerted(catalogue, "westmont", "the copier is jammed, call the policy office") == ()


# --- D11: Mount Prospect media: the text and the page named different people ----------------

def test_a_reporter_asking_about_a_patron_is_answered_by_the_policy_and_told_to_the_director(
        ) -> None:
    """MP II.E: staff "will under no circumstances disclose any patron-identifiable information
    to ... the press". The answer is the policy's own; the text said "Tell the Executive Director
    today" while a page went to the Privacy In-Charge group. Now the text is the whole of it."""
    data = run("mount-prospect",
               "reporter from daily herald calling, asking if the arson suspect used our computers")
    assert data["outcome"]["id"] == "no-patron-info-press"
    assert data["pages"] == []
    assert data["outcome"]["escalate"] == {"roles": [], "urgency": "none"}
    assert "Tell the Executive Director today." in data["outcome"]["do"]


# --- D7: a private investigator or an off-duty officer is not "the officer" -------------------

@pytest.mark.parametrize(("library", "lines"), [
    ("calumet", ["a private investigator, says he's a retired cop, wants a patron's address",
                 "no"]),
    ("westmont", ["a cop, but he's off duty, just curious what his neighbor has been checking out",
                  "no"]),
])
def test_someone_not_acting_as_police_gets_the_public_answer(library: str,
                                                             lines: list[str]) -> None:
    """Calumet: "No information will be released to any person, agency, or organization, except
    in response to a valid court order or subpoena"; Westmont: "to any party except when mandated
    by the law". Neither is an officer acting officially: nothing is released, nobody is paged,
    and staff are not told about "the officer" or to hand over the policy for officers. (The
    police situation taken as chosen: a private investigator is also a third party's request,
    and the router may ask which.)"""
    data = run(library, *lines, flow=POLICE)
    assert data["flow"] == POLICE
    outcome = data["outcome"]
    assert outcome is not None and outcome["decision"] == "withhold", data["question"]
    assert data["pages"] == []
    assert "the officer" not in staff_read(outcome)
    assert "copy of the library's confidentiality policy" not in staff_read(outcome)


@pytest.mark.parametrize(("library", "opening"), [
    ("mount-prospect", "off-duty cop says a kid is missing and he needs to know who used "
                       "computer 3, it's an emergency"),
    ("westmont", "a retired cop says someone is in danger and wants to know if a guy was here"),
])
def test_someone_not_acting_as_police_who_says_its_an_emergency_gets_911_and_a_page(
        library: str, opening: str) -> None:
    """Review 3 M5: the not-official answer ("nobody needs paging") was given at once, the
    emergency only a conditional step. Not acting officially still releases nothing, but a
    stated emergency needs 911 and a person now: the person in charge is paged at once."""
    data = run(library, opening)
    assert data["flow"] == POLICE
    outcome = data["outcome"]
    assert outcome is not None and outcome["decision"] == "withhold", data["question"]
    assert outcome["escalate"]["urgency"] == "immediate", outcome["escalate"]
    assert data["pages"], data["pages"]
    assert "call 911" in staff_read(outcome).lower()
    assert "nobody needs paging" not in staff_read(outcome)
    assert "the officer" not in staff_read(outcome)


def test_not_acting_as_police_with_no_emergency_said_is_asked_not_assumed() -> None:
    """Without a stated emergency the danger question is asked: "no" (no page) is only offered
    from the opening, never assumed, since it would skip the page an emergency needs."""
    data = run("westmont", "a retired cop wants a patron's address")
    assert data["outcome"] is None and data["question"]["id"] == "not-official-danger"
    done = run("westmont", "a retired cop wants a patron's address", "no")
    assert done["outcome"]["id"] == "not-official" and done["pages"] == []
