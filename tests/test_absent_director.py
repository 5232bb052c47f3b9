"""The Director away: a policy's named stand-in is told, named and paged (review M2, D9).

Westmont: "Any court order for library records must be presented to the Library Director, or in
the Library Director's absence, to the staff member in charge of the library." The pack declares
that fallback as its ``stand-in`` role (quoted word for word); the flows ask whether the Director
is in only where a pack declares one, and read it from the opening ("on vacation", "out today").
"""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.config import parse_config
from bot.content.catalogue import Catalogue
from bot.doctor import stand_in
from bot.errors import ContentError
from bot.escalation import EscalationService
from bot.escalation.records import escalation_row
from bot.store import Database
from bot.store.paging_tables import outbox
from tests.terminal_support import chat, run_opening

ROOT = Path(__file__).resolve().parents[1]
M2 = ("a process server just handed me a court order for a patron records, the director is on "
      "vacation")


def _roster(stand_in_ids: tuple[str, ...], library: str = "westmont") -> str:
    lines = [f'library = "{library}"', "", "[roles]",
             'privacy-in-charge = ["U0DIRECTOR"]', 'director = ["U0DIRECTOR"]']
    if stand_in_ids:
        lines.append("stand-in = [" + ", ".join(f'"{u}"' for u in stand_in_ids) + "]")
    return "\n".join(lines) + "\n"


def _service(tmp_path: Path, catalogue: Catalogue, stand_in_ids: tuple[str, ...],
             library: str = "westmont") -> EscalationService:
    config = parse_config(tomllib.loads(_roster(stand_in_ids, library)))
    return EscalationService(Database(f"sqlite:///{tmp_path / 'away.db'}"), config, catalogue)


def _queued(service: EscalationService) -> set[tuple[str, str]]:
    with service.db.engine.connect() as conn:
        return {(kind, target) for kind, target in
                conn.execute(select(outbox.c.kind, outbox.c.target))}


def test_m2_the_director_on_vacation_names_and_pages_the_staff_member_in_charge(
        tmp_path: Path, catalogue: Catalogue) -> None:
    service = _service(tmp_path, catalogue, ("U0INCHARGE",))
    said = "\n".join(chat(catalogue, "westmont", [M2, "he is waiting", "no", ""],
                          escalations=service))
    assert ("I understood: Is the director at the library today to take it? → No, the director "
            "is away") in said
    assert ("The Library Director is away today: give it to the staff member in charge of the "
            "library in person today") in said
    assert "Hand it to them in person today" not in said  # not to the absent Director
    assert "Court order: get it to the staff member in charge of the library today." in said
    assert "PAGED (prompt): the staff member in charge of the library — <@U0INCHARGE>." in said
    assert "The Library Director is notified." in said
    queued = _queued(service)
    assert ("page", "U0INCHARGE") in queued
    assert ("notice", "U0DIRECTOR") in queued  # the Director hears of it, not paged
    assert ("page", "U0DIRECTOR") not in queued
    escalation = service.db.engine.connect().execute(
        select(outbox.c.escalation_id).where(outbox.c.target == "U0INCHARGE")).scalar_one()
    # The asker's live status names whom the page reached (Slack's "Paged the …" line).
    status = service.live.facts(escalation_row(service.db, escalation))
    assert status["pic"] == "staff member in charge of the library"
    assert status["recipients"] == ["U0INCHARGE"]
    # The stand-in may acknowledge the page they were sent.
    assert service.acknowledge(escalation, "U0INCHARGE").status == "acknowledged"


def test_with_the_director_in_the_director_is_paged_as_before(
        tmp_path: Path, catalogue: Catalogue) -> None:
    service = _service(tmp_path, catalogue, ("U0INCHARGE",))
    said = "\n".join(chat(catalogue, "westmont",
                          ["a process server just handed me a court order for a patron records",
                           "he is waiting", "no", "yes, she's here", ""], escalations=service))
    assert "Is the director at the library today to take it?" in said
    assert "PAGED (prompt): the Library Director — <@U0DIRECTOR>." in said
    assert "is away today" not in said
    assert ("page", "U0INCHARGE") not in _queued(service)


def test_a_roster_without_a_stand_in_still_pages_the_privacy_in_charge(
        tmp_path: Path, catalogue: Catalogue) -> None:
    service = _service(tmp_path, catalogue, ())
    said = "\n".join(chat(catalogue, "westmont", [M2, "he is waiting", "no", ""],
                          escalations=service))
    assert "PAGED (prompt): the Library Director — <@U0DIRECTOR>." in said
    assert ("page", "U0DIRECTOR") in _queued(service)
    warned = stand_in(parse_config(tomllib.loads(_roster(()))), None)  # type: ignore[arg-type]
    assert [f.level for f in warned] == ["warn"]
    assert "roles.stand-in: nobody is set" in warned[0].text
    assert "staff member in charge of the library" in warned[0].text
    assert [f.level for f in stand_in(parse_config(tomllib.loads(_roster(("U0INCHARGE",)))),
                                      None)] == ["ok"]  # type: ignore[arg-type]



def _page_to(service: EscalationService, person: str) -> str:
    with service.db.engine.connect() as conn:
        return conn.execute(select(outbox.c.escalation_id).where(
            outbox.c.target == person, outbox.c.kind == "page")).scalar_one()


def test_the_stand_in_may_not_silence_a_page_meant_for_the_director(
        tmp_path: Path, catalogue: Catalogue) -> None:
    """Review4 M3: the staff member in charge acts only on the pages that went to them; on a
    page to the Director (she is in) they are refused like any other clerk, in Slack's
    pre-checks too, and the page keeps climbing."""
    service = _service(tmp_path, catalogue, ("U0INCHARGE",))
    chat(catalogue, "westmont",
         ["a process server just handed me a court order for a patron records",
          "he is waiting", "no",
          "yes, she's here", ""], escalations=service)
    assert ("page", "U0INCHARGE") not in _queued(service)
    escalation = _page_to(service, "U0DIRECTOR")
    assert not service.can_act("U0INCHARGE", escalation)
    assert service.acknowledge(escalation, "U0INCHARGE").status == "refused"
    assert service.resolve(escalation, "U0INCHARGE", "handled").status == "refused"
    assert service.get(escalation).state == "triggered"
    assert service.can_act("U0DIRECTOR", escalation)
    assert service.acknowledge(escalation, "U0DIRECTOR").status == "acknowledged"


def test_the_stand_in_may_act_on_the_page_that_went_to_them(
        tmp_path: Path, catalogue: Catalogue) -> None:
    service = _service(tmp_path, catalogue, ("U0INCHARGE",))
    chat(catalogue, "westmont", [M2, "he is waiting", "no", ""], escalations=service)
    escalation = _page_to(service, "U0INCHARGE")
    assert service.can_act("U0INCHARGE", escalation)
    assert service.can_act("U0DIRECTOR", escalation)  # the Director may always take it back
    assert not service.can_act("U0CLERK", escalation)
    assert service.resolve(escalation, "U0INCHARGE", "handled").status == "resolved"


@pytest.mark.parametrize("away", [", the director is on vacation", ", the director is out today",
                                  ", director's off this week", ". The director is not in today.",
                                  ", the director is away at a conference"])
def test_the_absence_is_read_from_the_opening(away: str) -> None:
    case = run_opening(ROOT, "westmont",
                       f"a deputy brought a court order signed by a judge for a patron's "
                       f"records{away}", "he is waiting", "no")
    assert case["outcome"]["id"] == "court-order-route"
    assert case["pages"][0]["roles"] == ["stand-in"]
    assert "director-in" not in case["asked"]


@pytest.mark.parametrize("library", ["mahomet", "calumet", "mount-prospect"])
def test_where_no_stand_in_is_declared_the_absence_is_never_asked(library: str) -> None:
    case = run_opening(ROOT, library,
                       "a process server just handed me a court order for a patron records",
                       "he is waiting", "no")
    assert "director-in" not in case["asked"]
    case = run_opening(ROOT, library, M2, "he is waiting", "no")
    assert case["pages"][0]["roles"] == ["privacy-in-charge"]
    steps = " ".join(case["outcome"]["do"])
    assert "is away today: give it to the" not in steps  # no stand-in the policy does not name
    assert "Hand it to them in person today" not in steps  # nor the absent person (PT6 E9)


def test_the_police_court_order_with_the_director_out_pages_the_stand_in() -> None:
    case = run_opening(ROOT, "westmont",
                       "officer at the desk with a court order for a patron's records and the "
                       "director is out today")
    if case["flow"] != "law-enforcement-request":  # the router may offer papers first
        case = run_opening(ROOT, "westmont", "officer at the desk asking about a patron",
                           "court order", "she's out today")
    assert case["outcome"]["id"] == "court-order"
    assert case["pages"][0] == {**case["pages"][0], "roles": ["stand-in"], "urgency": "immediate"}
    assert "paging the staff member in charge of the library now" in case["outcome"]["headline"]


def test_a_stand_in_quote_not_in_its_clause_is_a_content_error(tmp_path: Path) -> None:
    root = tmp_path / "content"
    shutil.copytree(ROOT / "knowledge", root / "knowledge")
    shutil.copytree(ROOT / "flows", root / "flows")
    pack = root / "knowledge" / "westmont" / "pack.yaml"
    text = pack.read_text()
    pack.write_text(text.replace(
        "quote: \"or in the Library Director's absence, to the staff member in charge",
        "quote: \"or in the Library Director's absence, to the Deputy Director in charge"))
    with pytest.raises(ContentError) as raised:
        Catalogue.load(root)
    message = str(raised.value)
    assert "pack.yaml:" in message and "not word for word in its cited clauses" in message


def test_a_warrant_pages_at_once_even_with_the_director_said_out() -> None:
    """A warrant may be carried out at once (review 4 M1): the immediate page and the
    don't-obstruct outcome come first, with no question before them. The Director's absence
    is not asked on a warrant; the page ladder reaches the next person if nobody answers."""
    for opening in ("cop here with a warrant for a patrons records, director is out today",
                    "police officer here with a search warrant for our computers"):
        case = run_opening(ROOT, "westmont", opening, "search warrant")
        assert case["outcome"]["id"] == "search-warrant-policy-silent"
        assert "director-in" not in case["asked"]
        assert case["pages"] and case["pages"][0]["action"] == "raised"
        assert case["outcome"]["escalate"]["urgency"] == "immediate"


def test_jackson_countys_delegate_stands_in_for_a_director_on_leave() -> None:
    """Jackson County VIII.2: 'The Director may delegate this authority to designated members
    of the library's management team.'"""
    case = run_opening(ROOT, "jackson-county",
                       "process server handed me a court order for a patron's records, the "
                       "director is on leave", "he is waiting", "no")
    assert case["outcome"]["id"] == "court-order-route"
    assert case["pages"][0]["roles"] == ["stand-in"]
    assert ("The Library Director is away today: give it to the designated members of the "
            "library's management team in person today") in " ".join(case["outcome"]["do"])


COURT_ORDER = "a process server just handed me a court order for a patron's records"


@pytest.mark.parametrize("someone_away", [
    "the patron is on vacation, his wife wants it handled", "the suspect is out of town",
    "my supervisor is out sick so I'm alone"])
def test_someone_elses_absence_in_the_opening_is_not_the_directors(someone_away: str) -> None:
    """Review4 M2: "on vacation", "out of town", "out sick" said of the patron, the suspect or
    a supervisor say nothing of the Director: the question is asked, not answered "away"."""
    case = run_opening(ROOT, "westmont", f"{COURT_ORDER}, {someone_away}", "he is waiting", "no")
    assert case["flow"] == "legal-document-served"
    assert case["status"] == "asking" and case["asked"][-1] == "director-in"
    assert not case["pages"]
    case = run_opening(ROOT, "westmont", f"{COURT_ORDER}, {someone_away}", "he is waiting", "no",
                       "yes, she's here")
    assert case["pages"][0]["roles"] == ["privacy-in-charge"]


@pytest.mark.parametrize("answer", ["on vacation", "she's out sick", "out of town this week"])
def test_the_bare_absence_words_answer_the_director_question(answer: str) -> None:
    """Typed as the answer to "Is the director at the library today?", the same words are
    said of the Director: the stand-in is paged."""
    case = run_opening(ROOT, "westmont", COURT_ORDER, "he is waiting", "no", answer)
    assert "director-in" in case["asked"]
    assert case["outcome"]["id"] == "court-order-route"
    assert case["pages"][0]["roles"] == ["stand-in"]


@pytest.mark.parametrize(("first", "correction", "now_paged", "was_paged"), [
    ("yes she is here", "actually no, the director is on vacation", "U0INCHARGE", "U0DIRECTOR"),
    ("no, she is on vacation", "actually the director is here today", "U0DIRECTOR", "U0INCHARGE"),
])
def test_correcting_whether_the_director_is_in_re_targets_the_open_page(
        tmp_path: Path, catalogue: Catalogue, first: str, correction: str, now_paged: str,
        was_paged: str) -> None:
    """Review4 C1: the same outcome, now paging the other person, updates the open page: the
    person now named is paged (the stand-in flag recomputed), no second page is raised."""
    service = _service(tmp_path, catalogue, ("U0INCHARGE",))
    said = "\n".join(chat(catalogue, "westmont",
                          [COURT_ORDER, "he is waiting", "no", first, correction, ""],
                          escalations=service))
    queued = _queued(service)
    assert ("page", was_paged) in queued and ("page", now_paged) in queued
    escalation = _page_to(service, now_paged)
    assert escalation == _page_to(service, was_paged)  # one page, re-targeted
    assert escalation_row(service.db, escalation).outcome_id == "court-order-route"
    stand_in = json.loads(escalation_row(service.db, escalation).packet)["stand_in"]
    assert stand_in is (now_paged == "U0INCHARGE")
    assert service.can_act(now_paged, escalation)
    assert "updated: the desk corrected the case" in said
    case = run_opening(ROOT, "westmont", COURT_ORDER, "he is waiting", "no", first, correction)
    assert [(p["action"], p["roles"]) for p in case["pages"]] == [
        ("raised", ["stand-in" if was_paged == "U0INCHARGE" else "privacy-in-charge"]),
        ("updated", ["stand-in" if now_paged == "U0INCHARGE" else "privacy-in-charge"])]


STAND_INS = {"westmont": "staff member in charge of the library",
             "jackson-county": "designated members of the library's management team"}


@pytest.mark.parametrize("library", sorted(STAND_INS))
@pytest.mark.parametrize("opening", [
    "police officer here with a search warrant and the director is out today",
    "officer has a search warrant for our computers, the director is on vacation",
    "sheriff's deputy here with a search warrant for the computers, the director is at "
    "a conference",
])
def test_a_warrant_with_the_director_said_away_pages_the_stand_in_and_the_director(
        tmp_path: Path, catalogue: Catalogue, library: str, opening: str) -> None:
    """A warrant pages at once, asking nothing; the Director said away in the same breath
    sends the page to the policy's stand-in *and* the Director (``stand_in: alongside``):
    someone who may act is fetched now, and the person the policy names hears of it too."""
    service = _service(tmp_path, catalogue, ("U0INCHARGE",), library)
    said = "\n".join(chat(catalogue, library, [opening, ""], escalations=service))
    assert "Is the director at the library today" not in said.replace("I understood: Is", "")
    assert "I understood: Is the director at the library today to " in said
    assert "→ No, the director is away" in said
    assert (f"PAGED (immediate): the {STAND_INS[library]} and the Library Director — "
            "<@U0INCHARGE>, <@U0DIRECTOR>.") in said
    assert "The Library Director is away today, and is paged too." in said
    queued = _queued(service)
    assert {("page", "U0INCHARGE"), ("page", "U0DIRECTOR")} <= queued
    escalation = _page_to(service, "U0INCHARGE")
    assert service.can_act("U0INCHARGE", escalation)  # the stand-in may take it


@pytest.mark.parametrize("correction", ["actually the director is on vacation",
                                        "wait, the director's out today",
                                        "oh sorry, the director is off today"])
def test_the_director_said_away_after_a_warrant_re_targets_its_page(
        tmp_path: Path, catalogue: Catalogue, correction: str) -> None:
    """Said after the warrant's outcome, the absence is no question "this library never
    needs": it changes whom the open page reaches, so the page is updated in place."""
    service = _service(tmp_path, catalogue, ("U0INCHARGE",))
    said = "\n".join(chat(catalogue, "westmont",
                          ["cops here with a search warrant", correction, ""],
                          escalations=service))
    assert "doesn't change this answer" not in said
    assert ("I understood: Is the director at the library today to deal with it? → No, the "
            "director is away") in said
    assert "updated: the desk corrected the case" in said
    assert said.count("PAGED (immediate)") == 2  # one page, shown again as updated
    assert ("PAGED (immediate): the staff member in charge of the library and the Library "
            "Director") in said
    assert ("page", "U0INCHARGE") in _queued(service)


@pytest.mark.parametrize("library", ["mahomet", "calumet", "mount-prospect"])
def test_a_warrant_with_the_director_away_where_no_stand_in_is_named(library: str) -> None:
    case = run_opening(ROOT, library,
                       "police officer here with a search warrant and the director is out today")
    assert case["pages"][0]["roles"] == ["privacy-in-charge"]
    steps = " ".join(case["outcome"]["do"])
    assert "is away today: give it to the" not in steps  # no stand-in the policy does not name
    assert "Hand it to them in person today" not in steps  # nor the absent person (PT6 E9)
