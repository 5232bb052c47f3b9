"""How the bot reads what a clerk types, from the third round of desk play: a bare "stolen" at
the lost-card question, a stolen wallet in the opening, and a re-ask that kept offering the
opening's guess after the clerk's reply had passed it over. Each case here was read wrong
before."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.catalogue import Catalogue
from bot.engine import start, step
from bot.engine.matching import match_choice, suggestion
from bot.router import prefill

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = Catalogue.load(ROOT)
CARD = "lost-or-stolen-card"
LE = "law-enforcement-request"


@pytest.mark.parametrize(("typed", "choice"), [
    ("stolen", "holder-lost"), ("it was stolen", "holder-lost"), ("lost", "holder-lost"),
    ("the card on the screen says stolen", "not-theirs"), ("card flagged stolen", "not-theirs"),
])
def test_a_bare_stolen_at_the_lost_card_question_is_the_holders_lost_card(
        typed: str, choice: str) -> None:
    """[D22] "stolen" alone was not understood at Calumet ("it was stolen" and "lost" were);
    a card the system flags as stolen is still someone else's card at the desk."""
    found = match_choice(CATALOGUE.flow("calumet", CARD).nodes["what"], typed)
    assert found is not None and found.id == choice, (typed, found and found.id)


@pytest.mark.parametrize("opening", [
    "someone stole my wallet with my library card in it",
    "my card was stolen",
    "patron says somebody stole her purse and her library card was in it",
])
def test_a_stolen_wallet_in_the_opening_answers_what_happened_to_the_card(opening: str) -> None:
    """[D22] The opening was routed right but its stolen wallet was asked again."""
    found = {(p.question, p.choice) for p in prefill(CATALOGUE.flow("calumet", CARD), opening)
             if not p.suggested}
    assert ("what", "holder-lost") in found, (opening, found)


def test_a_card_said_not_to_be_stolen_is_not_reported_stolen() -> None:
    found = prefill(CATALOGUE.flow("calumet", CARD), "card is not stolen, she just left it at home")
    assert not [p for p in found if p.question == "what" and p.choice == "holder-lost"]


EMAILED = ("got an email from someone saying theyre a detective asking for a patrons address and "
           "phone, says its urgent")


@pytest.mark.parametrize("reply", [
    "she did not mention an emergency, just that it is urgent",
    "hmm she didnt say",
    "doesnt sound like it",
])
def test_a_re_ask_does_not_offer_the_openings_guess_the_reply_passed_over(reply: str) -> None:
    """The opening's "urgent" offers "Yes, it's an emergency" (never taken). The clerk's reply
    was not understood; asked again, the offer came back although the reply spoke against it:
    a hurried clerk types the number the bot suggests."""
    flow = CATALOGUE.flow("westmont", LE)
    view = start(CATALOGUE, "westmont", LE, prefill(flow, EMAILED))
    view = step(CATALOGUE, view.conversation, "just the email")
    assert view.question is not None and view.question.id == "emergency"
    assert view.suggestion is not None and view.suggestion.choice == "yes"  # first asked
    view = step(CATALOGUE, view.conversation, reply)
    assert view.question is not None and view.question.id == "emergency"
    assert "emergency" not in view.conversation.answer_map
    assert view.suggestion is None, (reply, view.suggestion)


def test_a_re_ask_keeps_the_openings_guess_when_the_reply_was_about_something_else() -> None:
    """Gibberish says nothing against the offer: it stays."""
    flow = CATALOGUE.flow("westmont", LE)
    view = start(CATALOGUE, "westmont", LE, prefill(flow, EMAILED))
    view = step(CATALOGUE, view.conversation, "just the email")
    view = step(CATALOGUE, view.conversation, "asdf")
    assert view.suggestion is not None and view.suggestion.choice == "yes"


PARENT = "parent-requests-child-records"


@pytest.mark.parametrize(("library", "opening"), [
    ("jackson-county",
     "dad wants his daughter's checkout list, she's 17 i think? maybe 18 now dunno"),
    ("mahomet", "mom wants to know what fines her daughter owes, she's 17 or 18 i'm not sure"),
    ("jackson-county", "mom wants her sons overdue list, hes 16 or so"),
    ("mahomet", "dad asking about his daughters fines, shes 17, could be 18 by now"),
])
def test_a_hedged_age_in_the_opening_is_asked_not_taken(library: str, opening: str) -> None:
    """[play test 3, D1, critical] The number won over the hedge: "Is the child under 18?" was
    never asked, and Jackson County and Mahomet, whose release needs a minor, released."""
    flow = CATALOGUE.flow(library, PARENT)
    view = start(CATALOGUE, library, PARENT, prefill(flow, opening))
    assert "minor" not in view.conversation.answer_map, opening
    assert view.question is not None and view.question.id == "minor", view.question


@pytest.mark.parametrize("typed", ["she's 17 or 18", "shes 17, could be 18 by now", "17 maybe 18"])
def test_two_ages_typed_at_the_minor_question_answer_nothing(typed: str) -> None:
    assert match_choice(CATALOGUE.flow("jackson-county", PARENT).nodes["minor"], typed) is None


@pytest.mark.parametrize("opening", ["mom asking about her sons account, hes nine",
                                     "mom wants to know what her 16 yr old checked out"])
def test_a_plain_age_in_the_opening_still_answers_the_minor_question(opening: str) -> None:
    found = {(p.question, p.choice, p.suggested)
             for p in prefill(CATALOGUE.flow("jackson-county", PARENT), opening)}
    assert ("minor", "yes", False) in found, found


@pytest.mark.parametrize("typed", ["stepdad", "stepmom", "hes the stepdad", "yes stepdad"])
def test_a_stepparent_is_never_read_as_a_parent(typed: str) -> None:
    """[play test 3, D4] The slang spells "stepdad" as "dad" does (father, parent): typed, it
    was taken as "Yes, a parent or legal guardian", and in the opening it was offered as that,
    and Mahomet gave the fines to a stepdad who followed the hint. A stepparent is no parent
    for a release unless a court made them guardian: asked, never taken or offered."""
    node = CATALOGUE.flow("mahomet", PARENT).nodes["relationship"]
    found = match_choice(node, typed)
    assert found is None or found.id != "parent-or-guardian", typed
    offered = suggestion(node, typed)
    assert offered is None or offered.id != "parent-or-guardian", typed


def test_a_stepdad_in_the_opening_offers_no_parent() -> None:
    opening = "kid's stepdad is here asking how much the 15 yo owes in fines, he has the card"
    found = [p for p in prefill(CATALOGUE.flow("mahomet", PARENT), opening)
             if p.question == "relationship"]
    assert not [p for p in found if p.choice == "parent-or-guardian"], found


@pytest.mark.parametrize("typed", ["dad", "mom", "mum", "yes hes the dad", "parent"])
def test_a_parent_said_plainly_is_still_a_parent(typed: str) -> None:
    found = match_choice(CATALOGUE.flow("mahomet", PARENT).nodes["relationship"], typed)
    assert found is not None and found.id == "parent-or-guardian", typed


def test_an_officer_who_refuses_to_fill_out_any_form_is_not_asked_whether_he_will_sign() -> None:
    """[play test 3, D5] "he refuses to fill out any form" was only offered as the refusal, so
    the form question was asked and a "1" typed there (Yes, he will sign) released the name,
    contradicting the opening. A refusal said outright is the safe answer: taken."""
    opening = ("cop says its an emergency, needs the name on the account that reserved a book, "
               "but he refuses to fill out any form")
    flow = CATALOGUE.flow("mahomet", LE)
    view = start(CATALOGUE, "mahomet", LE, prefill(flow, opening))
    assert view.conversation.answer_map.get("form") == "refuses"
    for _ in range(6):
        if view.outcome is not None:
            break
        assert view.question is not None and view.question.id != "form", view.question.id
        view = step(CATALOGUE, view.conversation, "1")
    assert view.outcome is not None
    assert view.outcome.decision not in {"disclose", "disclose-limited"}


FOOTAGE = "security-camera-footage"


def _opened(library: str, flow: str, opening: str):  # type: ignore[no-untyped-def]
    """The case as the opening message leaves it: its prefilled answers taken."""
    return start(CATALOGUE, library, flow, prefill(CATALOGUE.flow(library, flow), opening))


def test_a_card_that_might_get_stolen_some_day_is_not_reported_stolen() -> None:
    found = prefill(CATALOGUE.flow("calumet", CARD),
                    "patron asks what would happen if her card ever got stolen, it hasn't")
    assert not [p for p in found if p.question == "what" and not p.suggested], found


@pytest.mark.parametrize(("opening", "want"), [
    ("caseworker wants to know if her client has a library card, she has a release he signed",
     "account"),
    ("a woman has her husbands library card and wants to know what he currently has checked out",
     "items-out"),
])
def test_having_a_card_and_asking_whether_someone_has_one_are_told_apart(
        opening: str, want: str) -> None:
    """Holding someone's library card is not asking whether they have one: the account
    answer's bare "library card" named both, so neither was prefilled."""
    found = {(p.question, p.choice) for p in
             prefill(CATALOGUE.flow("calumet", "third-party-requests-patron-info"), opening)
             if not p.suggested}
    assert ("want", want) in found, found


PASS_ON_TODAY = {
    "privacy-complaint": ["complaint-written", "complaint-silent", "breach-written", "breach",
                          "who-asked-gag", "who-asked-silent", "unsure"],
    "staff-access-misuse": ["misuse-offense", "misuse-work-only", "misuse-silent",
                            "asked-decline", "mistake-wrong-recipient", "mistake-wrong-address",
                            "mistake-visible"],
    "lost-or-stolen-card": ["not-theirs", "not-theirs-silent", "unverified-misuse"],
}


@pytest.mark.parametrize("library", sorted(CATALOGUE.packs))
@pytest.mark.parametrize(("flow_id", "outcome_id"),
                         [(f, o) for f, outs in PASS_ON_TODAY.items() for o in outs])
def test_what_is_passed_on_today_pages_no_one(library: str, flow_id: str, outcome_id: str) -> None:
    """Non-negotiable 2: a complaint, a possible breach reported after the fact, a colleague's
    snooping (to be reported privately, not in a shared channel) or a card someone else is using
    ask staff to tell the person in charge today; none needs a person now. They paged "prompt",
    with a re-page ladder to the director. The answer itself says to pass it on today."""
    from bot.content.catalogue import resolve_outcome

    flow = CATALOGUE.flow(library, flow_id)
    outcome = resolve_outcome(CATALOGUE.pack(library), flow, flow.nodes[outcome_id])
    assert not outcome.escalate.pages, (library, outcome_id)
    told = " ".join([outcome.headline, *outcome.do, outcome.say]).lower()
    assert "today" in told, (library, outcome_id)


@pytest.mark.parametrize(("library", "flow", "opening", "expected"), [
    ("westmont", "staff-access-misuse",
     "i accidentally emailed a patrons overdue notice to the wrong patron",
     {("what", "mistake"), ("how", "wrong-recipient")}),
    ("mahomet", "staff-access-misuse",
     "a volunteer posted on facebook what a local councilman checks out",
     {("what", "misuse"), ("who", "colleague")}),
    ("mahomet", "lost-or-stolen-card", "found a library card on the floor by the copier",
     {("what", "card-found")}),
])
def test_facts_typed_in_the_opening_are_not_asked_again(
        library: str, flow: str, opening: str, expected: set) -> None:  # type: ignore[type-arg]
    """[play test 3 D6, play test 2 D26] Each was asked although the opening said it."""
    found = {(p.question, p.choice) for p in prefill(CATALOGUE.flow(library, flow), opening)
             if not p.suggested}
    assert expected <= found, found


@pytest.mark.parametrize("opening", [
    "patron wants a printout of everything she borrowed last year, she showed me her ID",
    "patron wants a list of everything she's borrowed this year",
])
def test_everything_she_borrowed_is_her_reading_history(opening: str) -> None:
    """Read as "other records (a full copy)" ("printout of everything"), the case was referred
    with a page instead of following the library's rule on reading history."""
    found = {(p.question, p.choice) for p in
             prefill(CATALOGUE.flow("westmont", "patron-own-records"), opening) if not p.suggested}
    assert ("want", "history") in found, found


def test_what_he_has_out_typed_is_what_he_has_checked_out() -> None:
    node = CATALOGUE.flow("calumet", "third-party-requests-patron-info").nodes["want"]
    found = match_choice(node, "what he has out")
    assert found is not None and found.id == "items-out"


@pytest.mark.parametrize("library", ["mount-prospect", "westmont", "mahomet", "jackson-county"])
def test_a_card_that_opens_nothing_here_is_not_asked_about(library: str) -> None:
    """[play test 3, D9] Where the policy is silent on presenting someone's card, "do they have
    the card?" was asked only to page (prompt) when they did: the account stays confidential
    either way, so the question goes and no one is paged."""
    flow_id = "third-party-requests-patron-info"
    view = start(CATALOGUE, library, flow_id)
    for said in ("what did he check out", "no"):
        view = step(CATALOGUE, view.conversation, said)
    assert view.outcome is not None and view.outcome.decision == "withhold"
    assert not view.outcome.escalate.pages
    assert [q for q, _ in view.path] == ["want", "consent"]
