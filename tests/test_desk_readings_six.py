"""What the desk does with what a clerk types, from the sixth round of desk play (E1–E6, E8,
E9, E11, E19 of that round, and review 6 m3). Each case here was answered wrong before, through
the terminal chat as a clerk types it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.catalogue import Catalogue
from bot.engine.session import open_case
from bot.router import prefill
from tests.terminal_support import chat, entering

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = Catalogue.load(ROOT)
PARENT = "parent-requests-child-records"
LE = "law-enforcement-request"
PAPERS = "legal-document-served"
THIRD = "third-party-requests-patron-info"
CAMERAS = "security-camera-footage"
CARD_RELEASE = "you may share what's checked out or overdue"
FINES_RELEASE = "They have told you they are the child's parent or legal guardian"


def _said(library: str, *lines: str) -> str:
    return "\n".join(chat(CATALOGUE, library, [*lines, "", "quit"]))


# --- E1: a hedge about a release condition offers the doubt, never the condition ------------

@pytest.mark.parametrize(("library", "opening", "replies", "release"), [
    # the clerk's own play-test lines
    ("jackson-county", "parent at desk wants to see what her kid (13) checked out, I think she "
     "has the card number? not sure, she's looking in her phone", ["1", "yes", "1"],
     CARD_RELEASE),
    ("mahomet", "lady asking what her 9yo owes in fines, I think she's his mom? she didn't "
     "really say", ["1", "yes", "yes"], FINES_RELEASE),
    # other wordings of the same doubt
    ("jackson-county", "dad wants to know what his 10 year old has out, maybe he has her card? "
     "hes digging through his wallet", ["1", "1", "yes"], CARD_RELEASE),
    ("mahomet", "woman wants to pay her 8 yr olds fines, supposedly shes the mom, dunno",
     ["1", "1", "yes"], FINES_RELEASE),
    ("mahomet", "guy wants to know his sons fines, the boy is 12, he says hes the dad i guess",
     ["1", "yes"], FINES_RELEASE),
])
def test_a_hedged_release_condition_offers_not_sure_and_a_yes_releases_nothing(
        library: str, opening: str, replies: list[str], release: str) -> None:
    """[E1] "I think she has the card number? not sure" became `Did you mean "Yes, they have
    the child's card or card number"?` and one "yes" released the account (Jackson County
    IV.c "must provide the child's library card or card number"; Mahomet V-A "only … to the
    parent or legal guardian"). The doubt is offered; a yes to it withholds."""
    said = _said(library, *entering(CATALOGUE, library, opening, PARENT), *replies)
    assert 'Did you mean "Not sure"?' in said, said[-1500:]
    assert 'Did you mean "Yes, they have' not in said
    assert 'Did you mean "Yes, a parent or legal guardian"?' not in said
    assert release not in said
    assert "→ Share nothing" in said


def test_granting_a_hedged_release_condition_is_confirmed_as_the_doubt_it_was() -> None:
    """[E1] Typing the release number over the offered doubt is put back once, saying the
    opening was unsure; giving it again takes it (staff checked)."""
    opening = ("parent at desk wants to see what her kid (13) checked out, I think she has the "
               "card number? not sure, she's looking in her phone")
    entered = entering(CATALOGUE, "jackson-county", opening, PARENT)
    said = _said("jackson-county", *entered, "1", "1")
    assert "Your first message wasn't sure about" in said
    assert CARD_RELEASE not in said
    checked = _said("jackson-county", *entered, "1", "1", "1", "1")
    assert CARD_RELEASE in checked


@pytest.mark.parametrize(("library", "opening"), [
    ("mahomet", "cop at the counter, I think he has a warrant?? dunno he showed me some paper "
     "real quick, wants to know who checked out a certain book"),
    ("mount-prospect", "deputy at the desk has some paper, might be a court order, not sure, "
     "wants a patrons address"),
    ("mount-prospect", "officer says he has a search warrant maybe? i didnt really see it"),
])
def test_a_hedged_paper_offers_not_sure_never_a_warrant_or_order(
        library: str, opening: str) -> None:
    """[E3] "I think he has a warrant?? dunno" offered "A search warrant"; "yes" gave the
    step-aside-while-they-search path. The bot's own Not sure guidance is the one that fits:
    treat it as neither a warrant nor a court order until someone checks."""
    said = _said(library, *entering(CATALOGUE, library, opening, LE), "yes")
    assert "Did you mean \"Not sure / can't tell what it is\"?" in said, said[-1500:]
    assert "→ A search warrant" not in said
    assert "→ A court order" not in said
    assert "step aside" not in said
    assert "Release nothing" in said


@pytest.mark.parametrize(("library", "flow", "opening", "question", "choice"), [
    # plain words are still taken or offered as before
    ("mount-prospect", LE, "officer has a search warrant signed by a judge", "document",
     "search-warrant"),
    ("mahomet", PARENT, "lady asking what her 9yo owes in fines, she's his mom",
     "relationship", "parent-or-guardian"),
    # a weak cue is not a hedge: "urgent" still offers the emergency
    ("westmont", LE, "cop says it's urgent, wants the name of whoever used computer 4",
     "emergency", "yes"),
])
def test_plain_words_and_weak_cues_are_read_as_before(library: str, flow: str, opening: str,
                                                      question: str, choice: str) -> None:
    found = {p.question: p.choice for p in prefill(CATALOGUE.flow(library, flow), opening)}
    assert found.get(question) == choice, found


# --- E8: a relation denied ("not his mom") is no thing disowned --------------------------------

CARETAKER = "No: someone looking after the child (grandparent, sitter, relative)"


@pytest.mark.parametrize(("library", "opening"), [
    ("mahomet", "a lady wants to know how much her 10 yr old owes in fines. oh wait shes not his "
     "mom, shes the babysitter who brings him in"),
    ("jackson-county", "man asking what his 9 year old has checked out, wait hes not her dad, "
     "hes the uncle she stays with"),
    ("mahomet", "woman wants to pay her 11 yr olds fines. actually shes not his mother, shes "
     "his grandma, she watches him after school"),
])
def test_a_corrected_relation_offers_the_caretaker(library: str, opening: str) -> None:
    """[E8] "oh wait shes not his mom, shes the babysitter" offered "Not sure": "not his mom"
    was read as "not his own", taking back everything in its sentence. The typed fact is the
    caretaker answer, which the question's help names ("grandparent, aunt, … sitter")."""
    flow = CATALOGUE.flow(library, PARENT)
    offered = {p.question: p.choice for p in prefill(flow, opening)}
    assert offered.get("relationship") == "caretaker", offered


def test_not_his_own_still_takes_a_card_back() -> None:
    """The disowning reading stays for things: "he has her card, not his own" is a card the
    clerk must check (Not sure offered), "he has her card" the card in hand."""
    flow = CATALOGUE.flow("jackson-county", PARENT)
    opening = "dad wants his 12 year old's checkouts, he has her card"
    plain = {p.question: (p.choice, p.suggested) for p in prefill(flow, opening)}
    disowned = {p.question: (p.choice, p.suggested)
                for p in prefill(flow, opening + ", not his own")}
    assert plain["card"] == ("presented", False)
    assert disowned["card"] == ("not-sure", True)


def test_a_plain_yes_between_the_questions_yes_and_an_offered_caretaker_is_asked() -> None:
    """[E8] "yes" at "Is the person asking the child's parent or legal guardian?" with the
    caretaker offered could mean either: asked plainly, not guessed."""
    opening = ("a lady wants to know how much her 10 yr old owes in fines. oh wait shes not his "
               "mom, shes the babysitter who brings him in")
    said = _said("mahomet", *entering(CATALOGUE, "mahomet", opening, PARENT), "yes")
    assert f'Did you mean "{CARETAKER}"? If so, type 2.' in said
    assert f'"Yes" could mean "Yes, a parent or legal guardian" or "{CARETAKER}"' in said
    assert FINES_RELEASE not in said


# --- E2: a correction typed at "Did you mean" corrects the opening's facts --------------------

@pytest.mark.parametrize(("library", "lines", "wrong"), [
    ("mount-prospect", ["officer at desk with a court order for patron records",
                        "actually its not a court order, its just a letter from his department "
                        "asking for it", "2"], "→ A court order signed by a judge"),
    ("mahomet", ["officer here with a warrant for the computer logs",
                 "wait actually it is not a warrant, it's a letter asking for them", "1"],
     "→ A search warrant"),
    ("calumet", ["cop brought a court order for somebody's records",
                 "oh wait its not a court order, just a written request from the police "
                 "department", "1"], "→ A court order signed by a judge"),
])
def test_a_correction_at_did_you_mean_corrects_the_openings_fact(library: str, lines: list[str],
                                                                 wrong: str) -> None:
    """[E2] The correction routed the case but "I understood: What kind of paper is it? → A
    court order signed by a judge" — what the clerk had just negated — came from the opening,
    and the court-order outcome paged. The later words are the opening now, read alone."""
    said = _said(library, *lines)
    assert wrong not in said, said[-1500:]
    assert "PAGED (immediate)" not in said


def test_a_line_that_replaces_the_opening_keeps_none_of_its_facts() -> None:
    """[review 6 C9] "sorry wrong one. it's a different deputy" still supplied the withdrawn
    line's court order: "I understood: What does the officer have in writing? → A court order"
    and an immediate page. The new words are the opening, read alone."""
    opening = "someone from the sheriff has a court order about a patron"
    instead = "sorry wrong one. it's a different deputy, he wants a patron's home address"
    said = _said("westmont", opening,
                 *entering(CATALOGUE, "westmont", instead, "law-enforcement-request"))
    assert "What does the officer have in writing?" in said, said[-1500:]
    assert "→ A court order signed by a judge" not in said
    assert "PAGED" not in said


def test_a_replaced_line_hints_no_release_condition() -> None:
    """[review 6 M7] The first line's own library card was hinted as the grandson's card
    ("Did you mean 'Yes, they have the child's card'?"), and "yes" released his checkouts."""
    said = _said("jackson-county", "lady at the desk has a library card and wants to know what is "
                 "checked out on it", "sorry, it's a grandma asking what her 12 year old grandson "
                 "has checked out")
    assert "Do they have the child's library card (or the card number)?" in said, said[-1500:]
    assert 'Did you mean "Yes, they have the child\'s card' not in said


# --- E5: a protective order or stalking: never "ask the person directly" -----------------------

RESTRAINED = ("theres a man asking if his wife has been coming in here the last few weeks, "
              "actually hold on shes not his wife, its his ex girlfriend and she has a "
              "restraining order on him")
AVOIDING = "a protective or restraining order, stalking"


@pytest.mark.parametrize(("library", "opening", "answers"), [
    ("mount-prospect", RESTRAINED, ["4", "2"]),  # about her account: no written permission
    ("mount-prospect", RESTRAINED, ["1", "2"]),  # whether she comes in: no danger claimed
    ("westmont", "guy wants to know if his ex uses the library and what her phone number on "
                 "file is, she has an order of protection against him", ["2", "2"]),
    ("calumet", "a man keeps asking what days a woman comes in and if she has a card here, I "
                "think he is stalking her", ["4", "2"]),
])
def test_someone_avoiding_the_asker_is_never_sent_to_them(library: str, opening: str,
                                                         answers: list[str]) -> None:
    """[E5] Mount Prospect II.E "Staff will under no circumstances disclose any
    patron-identifiable information to the public": the answer withheld, but told the clerk to
    "Suggest they ask the person directly", and said nothing about safety."""
    said = _said(library, *entering(CATALOGUE, library, opening, THIRD), *answers)
    assert "→ Share nothing" in said, said[-1500:]
    assert "ask the person directly" not in said
    assert "Offer to pass on a message" not in said
    assert AVOIDING in said or "Confirm nothing and offer no message" in said


def test_a_restraining_order_stated_is_taken_at_the_whereabouts_question() -> None:
    """[review 6 m3] "she has a restraining order against him" with "what days she comes in":
    the clerk got "Offer to pass on a message" and, after it, "offer no message"."""
    said = _said("mount-prospect", "man asks if his ex comes in here and what days, she has a "
                 "restraining order against him", "1", "1", "2")
    assert ("I understood: Do they say someone is missing or in danger? → The one they ask "
            "about may be avoiding them (restraining order, stalking)") in said, said[-1500:]
    assert "Confirm nothing and offer no message" in said
    assert "pass on a message if" not in said


def test_a_correction_opener_is_no_fact() -> None:
    """"actually hold on, she's not his wife" was read as "holds" (account: holds on hold) and
    answered "What are they asking about?" for the clerk; the opener is no fact."""
    flow = CATALOGUE.flow("mount-prospect", "third-party-requests-patron-info")
    assert "want" not in {p.question for p in prefill(flow, RESTRAINED)}


# --- E4: Mahomet's cameras are not used to monitor staff ---------------------------------------

MONITORING = "Cameras will not be used for the purposes of routinely monitoring staff performance"


@pytest.mark.parametrize(("opening", "replies"), [
    ("my supervisor asked me to pull up last weeks camera recordings to check whether a "
     "coworker has been taking long lunches", ["1", "1"]),
    ("manager wants me to look at the security video to see what time a staff member has been "
     "coming in every morning", ["1", "3", "coming in late"]),
    ("can i check the camera footage to see if my coworker is really working at the back desk",
     ["checking on her work"]),
])
def test_footage_to_check_on_a_coworker_is_ruled_out_at_mahomet(opening: str,
                                                                  replies: list[str]) -> None:
    """[E4] Mahomet V-B: "Cameras will not be used for the purposes of routinely monitoring
    staff performance or for staff evaluation." The bot told the clerk to have the Director
    review the recording instead. The purpose is asked (never read from the opening: "who took
    her lunch from the staff fridge" is a theft), answered by number or in words."""
    said = _said("mahomet", *entering(CATALOGUE, "mahomet", opening, CAMERAS), *replies, "policy")
    assert "What is the footage wanted for?" in said
    assert "Your policy says cameras are not used to monitor staff" in said, said[-1500:]
    assert "so they can review and save the recording" not in said
    assert MONITORING in said  # the clause, word for word


def test_an_incident_on_camera_is_still_for_the_director_to_review() -> None:
    said = _said("mahomet", "my supervisor asked me to pull up the camera recording of the "
                 "parking lot where a patron's bike was stolen", "1", "a bike was stolen")
    assert "Your policy says cameras are not used to monitor staff" not in said
    assert "may view recorded footage" in said, said[-1500:]


@pytest.mark.parametrize("library", ["westmont", "jackson-county", "calumet", "mount-prospect"])
def test_the_purpose_is_asked_only_where_the_policy_rules_on_it(library: str) -> None:
    said = _said(library, "my supervisor asked me to pull up last weeks camera recordings to "
                 "check whether a coworker has been taking long lunches", "2", "1")
    assert "What is the footage wanted for?" not in said


# --- E19: an officer with a letter may still say it is an emergency ---------------------------

@pytest.mark.parametrize(("library", "opening"), [
    ("mount-prospect", "officer at desk has just a letter from his department asking for a "
     "patrons records"),
    ("westmont", "a detective came in with a letter on department letterhead asking for a "
     "patron's phone number"),
    ("calumet", "cop brought a written request from the police department for a patron's "
     "address"),
])
def test_a_letter_at_the_desk_asks_the_emergency_where_the_policy_has_one(library: str,
                                                                        opening: str) -> None:
    """[E19] Mount Prospect III.A/III.D release in an emergency on a written request; "No court
    order and no emergency" was stated with nobody asked about an emergency."""
    said = _said(library, *entering(CATALOGUE, library, opening, LE))
    assert "Does the officer say it's an emergency" in said, said[-1500:]


def test_a_letter_at_a_library_without_an_emergency_release_is_passed_on() -> None:
    """Jackson County has no emergency release, yet the emergency is asked with a letter too
    (review 13's gate on desk18, session 12): an emergency claimed pages at once; with none, the
    written request is passed on."""
    opening = "officer at desk has just a letter from his department asking for a patrons records"
    said = _said("jackson-county", *entering(CATALOGUE, "jackson-county", opening, LE), "no")
    assert "Does the officer say it's an emergency" in said
    assert "The written request is what your policy asks for" in said


# --- E6: Jackson County VII from the police path ----------------------------------------------

VANDAL = ("a man is smashing the keyboard and kicking the pc in the computer lab, security wants "
          "to know if they can give the cops his name from his library account")
VII = ("Staff is authorized to take immediate action to protect the security of library patrons, "
       "staff, facilities, computers and the network. This includes contacting law enforcement "
       "authorities and providing information that may identify the individual(s) suspected of a "
       "violation.")


def test_vandalism_in_progress_is_offered_as_dangerous_or_illegal() -> None:
    """[E6] The Did-you-mean offered police, own records and another person's account only."""
    said = _said("jackson-county", VANDAL)
    assert "Something dangerous or illegal is happening in the library" in said


@pytest.mark.parametrize("lines", [
    [VANDAL, "1", "1", "1"],  # police, nothing in writing, they say it's an emergency
    [VANDAL, "1", "1", "2"],  # police, nothing in writing, not an emergency
])
def test_the_police_path_points_to_vii_at_jackson_county(lines: list[str]) -> None:
    """[E6] Jackson County VII lets staff give police "information that may identify the
    individual(s) suspected of a violation"; the police path said only "not even a name"."""
    said = _said("jackson-county", *lines, "policy")
    assert "give police information that may identify the person suspected" in said, said[-2500:]
    assert VII in said  # cited word for word


def test_other_libraries_police_path_has_no_vii_step() -> None:
    said = _said("mount-prospect", "officer at the desk wants to know who the guy smashing the "
                 "keyboard is, nothing in writing", "1", "2")
    assert "give police information that may identify the person suspected" not in said


# --- E11: gag words name the order to tell no one ---------------------------------------------

@pytest.mark.parametrize(("opening", "hint"), [
    ("two guys in suits say theyre FBI, they handed me a letter and said I cant tell anyone incl "
     "my boss that they asked about a patron", None),  # a letter and a gag: no guess
    ("federal agent gave me papers about a patron and said we are not allowed to tell anyone",
     "National security letter, FISA order, or an order to tell no one"),
])
def test_gag_words_never_hint_a_plain_letter(opening: str, hint: str | None) -> None:
    """[E11] "said I cant tell anyone incl my boss" hinted "A written request or letter from
    the agency" instead of the order to tell no one (choosing 5 gave the right answer). An
    agent's letter with a gag may be placed as the police request or as papers served (session
    12's retrain starts the first opening as papers served, E1's reading): in either, the
    document question never hints a plain letter (the papers' police letter included)."""
    opened = open_case(CATALOGUE, "mount-prospect", opening)
    flow = LE if LE in (opened.result.situation, *opened.offered) else PAPERS
    said = _said("mount-prospect", *entering(CATALOGUE, "mount-prospect", opening, flow))
    question = {LE: "What does the officer have in writing?", PAPERS: "What kind of paper is it?"}
    assert question[flow] in said, said[-1500:]
    assert 'Did you mean "A written request or letter from the agency' not in said, said[-1500:]
    assert 'Did you mean "A letter from police or an agency' not in said, said[-1500:]
    if hint is not None:
        assert f'Did you mean "{hint}"?' in said


# --- E9: the court-order answer never says the absent one is being fetched ---------------------

def test_a_court_order_while_the_administrator_is_away_promises_no_one_in_person() -> None:
    """[E9] Calumet: "library administrator is out of state this week" and a court order → SAY
    "I'm getting them now. Could you wait here?". The words now hold whether they are in or not."""
    said = _said("calumet", "library administrator is out of state this week, and a state police "
                 "officer just walked in with a court order for records of who used the computers "
                 "last friday")
    assert "Court order: don't hand over records yourself" in said, said[-1500:]
    assert "I'm getting them now" not in said
    assert "leave the order and a phone number" in said
