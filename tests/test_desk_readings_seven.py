"""What the desk does with what a clerk types, from review 6 (m4) and the sixth and fifth
rounds of desk play left open (E9, E12, E14-E18 of round six; E11, E12, E16 of round five).
Each case here was answered wrong before, through the terminal chat as a clerk types it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.catalogue import Catalogue
from tests.terminal_support import chat, entering

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = Catalogue.load(ROOT)
CSAM = "cybertipline-concern"
LIBRARIES = ["mount-prospect", "westmont", "mahomet", "jackson-county", "calumet"]
ADULT_YES = 'Did you mean "Yes, an adult is with the child or showing it to them"?'


def _said(library: str, *lines: str) -> str:
    return "\n".join(chat(CATALOGUE, library, [*lines, "", "quit"]))


# --- review 6 m4: not sure whether an adult is with a child at adult material ---------------

@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize(("opening", "unsure"), [
    ("kid on pc porn", "3"),  # the reviewer's line
    ("a kid is on a porn site at the computers", "cant tell"),
    ("some kid pulled up porn on pc 4", "not sure, i can't see from here"),
])
def test_not_sure_whether_an_adult_is_with_the_child_is_no_911_call(
        library: str, opening: str, unsure: str) -> None:
    """[review 6 m4] "Not sure" whether an adult is with a child looking at adult material said
    "call 911 now" and paged at once. Not knowing who is at the screen is no danger the clerk
    can see: go and look, the in-charge is paged (not urgently), 911 once an adult is seen."""
    said = _said(library, *entering(CATALOGUE, library, opening, CSAM), "2", unsure)
    outcome = said[said.index("Is an adult with the child"):]
    assert "Not sure an adult is with the child: go over now" in outcome, outcome[-1500:]
    assert "→ Call 911 now" not in outcome
    assert "PAGING (prompt)" in outcome and "PAGING (immediate)" not in outcome
    assert "If an adult is with the child or showing it to them: call 911 now" in outcome


@pytest.mark.parametrize("library", ["westmont", "calumet"])
def test_an_adult_seen_with_the_child_is_still_911_and_an_immediate_page(library: str) -> None:
    """[review 6 m4] Going back from Not sure and answering Yes is the danger: 911, page now."""
    said = _said(library, *entering(CATALOGUE, library, "kid on pc porn", CSAM), "2", "3",
                 "back", "1")
    after = said[said.rindex("Is an adult with the child"):]
    assert "call 911 now" in after and "PAGING (immediate)" in after, after[-1500:]



@pytest.mark.parametrize("reply", [
    # the reviewer's lines (review 7 M1)
    "not sure, an adult is with her i think",
    "dont know, maybe an adult with him",
    "maybe? i think a man is sitting with her",
    "not sure, i think there's a guy sitting with her",
    "maybe, a man might be with him",
])
def test_a_doubt_that_names_an_adult_at_the_childs_side_offers_the_danger(reply: str) -> None:
    """[review 7 M1] A Not-sure word first ("not sure, an adult is with her i think") was taken
    as Not sure, the milder branch since m4, while the same doubt without it offered Yes. A
    reply to a danger question that names the danger beside its doubt offers the danger; "1"
    then calls 911 and pages at once."""
    said = _said("westmont", "kid on pc porn", "2", reply)
    assert ADULT_YES in said, said[-1500:]
    assert "→ Not sure" not in said and "Not sure an adult is with the child" not in said
    confirmed = _said("westmont", "kid on pc porn", "2", reply, "1")
    assert "call 911 now" in confirmed and "PAGING (immediate)" in confirmed


def test_a_man_only_passing_by_is_no_adult_with_the_child() -> None:
    """[review 7 M1 residual] Bare "a man" offered an adult with the child."""
    said = _said("westmont", "kid on pc porn", "2", "dont know, a man walked by earlier")
    assert ADULT_YES not in said


@pytest.mark.parametrize("opening", [
    # review 7 m4
    "kid watching porn on pc 2, i don't think an adult is with him",
    "kid watching porn on pc 2, no adult with him i think",
    "kid watching porn on pc 2, probably no adult with him",
])
def test_a_doubted_denial_of_an_adult_offers_not_sure_never_the_adult(opening: str) -> None:
    """[review 7 m4] "i don't think an adult is with him" was offered back as "Yes, an adult
    is with the child": a doubt about a denial read as a doubted danger. It offers Not sure."""
    said = _said("westmont", *entering(CATALOGUE, "westmont", opening, CSAM), "2")
    assert ADULT_YES not in said, said[-1500:]
    assert 'Did you mean "Not sure"?' in said

# --- one hedge rule: a guessed answer is offered the same from an opening or a typed reply ---

EMERGENCY = "emergency-or-illegal-activity"
DANGER_YES = 'Did you mean "Yes: hurt, fighting, threatened, a weapon, overdose or not breathing"?'


@pytest.mark.parametrize(("library", "flow", "opening", "before", "hedge", "offered"), [
    ("westmont", EMERGENCY, "two patrons are shouting at each other by the entrance", [],
     "maybe? i think one of them has a knife", DANGER_YES),
    ("mahomet", EMERGENCY, "two patrons are shouting at each other by the entrance", [],
     "i think someone could get hurt?", DANGER_YES),
    ("calumet", CSAM, "kid on pc porn", ["2"], "maybe an adult is with him?", ADULT_YES),
])
def test_a_hedged_danger_is_offered_as_danger_typed_or_in_the_opening(
        library: str, flow: str, opening: str, before: list[str], hedge: str,
        offered: str) -> None:
    """A doubted danger is offered as danger (the answer that fetches help), whether the doubt
    came in the opening or was typed at the question: the typed reply was offered "Not sure"
    by a second hedge check of its own, which on two danger questions only withholds and pages
    later. Offered, never taken: the question stays open."""
    typed = _said(library, *entering(CATALOGUE, library, opening, flow), *before, hedge)
    assert offered in typed, typed[-1200:]
    in_opening = f"{opening}, {hedge}"
    said = _said(library, *entering(CATALOGUE, library, in_opening, flow), *before)
    assert offered in said, said[-1200:]
    assert "I understood: Is" not in said and "I understood: Is" not in typed


@pytest.mark.parametrize(("library", "opening", "hedge"), [
    ("jackson-county", "mom wants to know what her 12 year old has checked out",
     "she has his card i think?"),
    ("mahomet", "a woman wants to pay her 9 year olds fines", "i guess she's the mom?"),
])
def test_a_hedged_release_condition_typed_at_its_question_is_offered_as_not_sure(
        library: str, opening: str, hedge: str) -> None:
    """The same rule, outside a danger question: a guessed release condition is offered as Not
    sure, so a hurried "yes" never releases."""
    said = _said(library, *entering(CATALOGUE, library, opening,
                                    "parent-requests-child-records"), hedge)
    assert 'Did you mean "Not sure"?' in said, said[-1200:]


# --- play-test 6 E16, play-test 5 E12: a stolen card used since; what was checked out on it -

CARD = "lost-or-stolen-card"


@pytest.mark.parametrize(("library", "opening", "answer"), [
    ("mount-prospect", "patron says her card got stolen out of her purse last week and somebody "
     "checked out a bunch of dvds on it, she wants to know what they took so she can tell the "
     "cops", "they may look over what is out on it now with you"),
    ("jackson-county", "guy lost his card last month and someone checked out 6 books on it, he "
     "wants to know which ones", "Your policy lets patrons see their own "
     "information at any time"),
    ("westmont", "lady's wallet was stolen, someone used her card to check out games, she wants "
     "a list of what they got", "they may look over what is out on it now with you"),
])
def test_a_stolen_card_used_since_answers_what_was_checked_out_on_it(
        library: str, opening: str, answer: str) -> None:
    """[PT6 E16, PT5 E12] A card holder whose stolen card was used, asking what was checked out
    on it, was read as a card only to block ("Nothing on the account needs reading out"). It is
    the misuse (passed on today), and the verified holder's question is answered per the
    policy: their own account (JC IV.b "may access their personally identifiable information
    ... at any time"; elsewhere what is out on it now, as the desk procedure allows)."""
    said = _said(library, *entering(CATALOGUE, library, opening, CARD), "1")
    assert "→ The card holder says someone else has been using their card" in said, said[-1500:]
    assert answer in said
    assert "Nothing on the account needs reading out" not in said


@pytest.mark.parametrize("opening", ["my card was stolen, can you block it",
                                     "patron lost her card and needs a new one"])
def test_a_lost_card_alone_is_still_a_card_to_block(opening: str) -> None:
    said = _said("jackson-county", *entering(CATALOGUE, "jackson-county", opening, CARD), "1")
    assert "Block the old card now" in said, said[-1500:]


@pytest.mark.parametrize("opening", [
    # review 7 M2
    "someone is checking out on a card that isn't theirs",
    "person at self check is checking out on a card that belongs to someone else",
    "lady checking out on a card that has a different name, says it's her sister's",
    "someone is checking out on a card with a totally different name and when i asked they said "
    "'my friend lets me use it'",
])
def test_someone_checking_out_on_another_persons_card_is_never_the_holders_report(
        opening: str) -> None:
    """[review 7 M2] "checking out on a card that isn't theirs" was read as the card holder
    reporting misuse: the person at the desk was asked for ID as the holder. Someone else's
    use of a card at the desk is that answer, or the question is asked."""
    said = _said("westmont", *entering(CATALOGUE, "westmont", opening, CARD))
    assert "→ The card holder says someone else" not in said, said[-1500:]
    assert ("→ Someone at the desk is using a card that isn't theirs" in said
            or "What's going on with the card?\n" in said)


# --- play-test 6 E17: a misdirected letter is got back, not recalled or deleted --------------

STAFF = "staff-access-misuse"


@pytest.mark.parametrize(("library", "opening"), [
    ("calumet", "i mailed a patrons overdue bill to the wrong house, the neighbor just brought "
     "it back opened"),  # the clerk's line
    ("mahomet", "a hold notice letter went to the wrong address, the guy returned it today"),
    ("westmont", "we mailed someone's fine notice to the wrong house by mistake"),
])
def test_a_letter_to_the_wrong_address_gets_letter_steps(library: str, opening: str) -> None:
    """[PT6 E17] A letter the neighbour brought back got "If your email system can recall or
    unsend it" and SAY "Please delete it without forwarding". What went out on paper and what
    went by email are two answers; the opening's own words say which, and how it got out."""
    said = _said(library, *entering(CATALOGUE, library, opening, STAFF))
    assert "→ A letter, notice or paper went to the wrong person or address" in said, said[-1500:]
    assert "If it has come back to you already" in said
    assert "recall or unsend" not in said and "delete it" not in said
    assert "PAGING" not in said


def test_an_email_to_the_wrong_patron_still_gets_email_steps() -> None:
    said = _said("calumet", *entering(CATALOGUE, "calumet", "i accidentally emailed a patrons "
                                      "overdue notice to the wrong patron", STAFF))
    assert "recall or unsend" in said, said[-1500:]



def test_a_letter_left_out_is_not_a_letter_sent_to_the_wrong_address() -> None:
    """[review 7 m1] The bare word "letter" took the wrong-address answer: a letter left on the
    copier got "it was sent to you by mistake". Only words that say it went somewhere do."""
    said = _said("mount-prospect", *entering(
        CATALOGUE, "mount-prospect", "we left a letter with a patron's info on the copier and a "
        "patron read it", STAFF))
    assert "→ A letter, notice or paper went to the wrong person or address" not in said
    assert "It was sent to you by mistake" not in said

# --- play-test 6 E15: a notice sent to an address on file that is no longer theirs ----------

COMPLAINT = "privacy-complaint"


@pytest.mark.parametrize(("library", "opening"), [
    ("jackson-county", "patron is really upset, we sent her overdue notice to her old email and "
     "her ex roommate read it, she wants to file a complaint"),  # the clerk's line
    ("jackson-county", "patron complaining that his hold notice went to an old email address he "
     "hasnt used in years and someone else saw it"),
    ("westmont", "lady is mad that our overdue notice went to her previous email and her ex "
     "read it"),
])
def test_a_notice_sent_to_an_old_address_is_a_possible_breach(library: str,
                                                               opening: str) -> None:
    """[PT6 E15] "once a patron chooses email ... the library can't guarantee their privacy"
    (JC VI) led the answer to a notice sent to an address that was no longer hers. A stale
    address on file is the notice gone to the wrong person: a possible breach passed on today,
    with the policy's complaint route where it has one (JC VIII, "written comments with the
    Library Director")."""
    said = _said(library, *entering(CATALOGUE, library, opening, COMPLAINT))
    assert "This may be a privacy breach" in said, said[-1500:]
    assert "can't guarantee their privacy" not in said
    if library == "jackson-county":
        assert "file written comments with the Library Director" in said


def test_a_shared_email_the_patron_chose_is_still_the_notices_answer() -> None:
    said = _said("jackson-county", *entering(CATALOGUE, "jackson-county", "patron upset her "
                                             "husband saw the overdue email with her book titles",
                                             COMPLAINT))
    assert "can't guarantee their privacy" in said, said[-1500:]


# --- play-test 6 E14: alert words read in the words as typed, before redaction --------------

@pytest.mark.parametrize(("library", "opening"), [
    ("mahomet", "Ein Polizist fragt nach dem Namen eines Benutzers, er sagt es ist ein Notfall"),
    ("westmont", "Un Policier demande le nom d'un lecteur, il dit que c'est une Urgence"),
    ("calumet", "Ein Polizist will wissen wer gestern am Computer war"),
])
def test_a_police_opening_in_another_language_is_offered_police_not_waved_off(
        library: str, opening: str) -> None:
    """[PT6 E14] Redaction masks capitalised words it takes for names ("Ein Polizist … ein
    Notfall" → "[name] … [name]"), and the alert words were looked for in that redacted text:
    the opening was told "If this isn't a privacy matter … nobody needs paging". Alert words
    are read in the words as typed (only the situations found are kept)."""
    said = _said(library, opening)
    assert "Police or other law enforcement ask about a patron" in said.split("Did you mean")[-1]
    assert "I can't tell which situation that is" not in said, said[:1500]


# --- play-test 6 E9 rest, E12: steps after the Director is away ------------------------------

LEGAL = "legal-document-served"


@pytest.mark.parametrize(("library", "opening", "away_step", "answers"), [
    ("mahomet", "deputy sheriff has a court order signed by a judge for patron records, our "
     "director is on leave for the month",  # the clerk's line
     "The Director is away today: keep it out of sight for them and give it to no one else.",
     ("2", "2")),
    # (a court order: someone waiting, or nobody: play-test 8 E11, E8) either way
    ("mahomet", "deputy sheriff has a court order signed by a judge for patron records, our "
     "director is on leave for the month",
     "The Director is away today: keep it out of sight for them and give it to no one else.",
     ("3", "2")),
    # (a subpoena: is anyone waiting or a reply due today? play-test 8 E8) either way
    ("mahomet", "got a subpoena for a patrons records, the director is on vacation this week",
     "The Director is away today: keep it out of sight for them", ("2", "1")),
    ("mahomet", "got a subpoena for a patrons records, the director is on vacation this week",
     "The Director is away today: keep it out of sight for them", ("2", "2")),
    ("westmont", "sheriffs deputy just handed me a court order for a patrons records. director "
     "is out sick today and im the only full timer here, the rest are pages",  # E12
     "give it to the staff member in charge of the library in person today, not to a mailbox "
     "or inbox (if that is you today, it is yours to receive)", ("2", "2")),
])
def test_steps_after_the_director_is_away_never_send_it_to_them_in_person(
        library: str, opening: str, away_step: str, answers: tuple[str, ...]) -> None:
    """[PT6 E9, E12] With the Director typed as away, step 1 still read "Hand it to them in
    person today … If the Director is away, keep it out of sight". The away case typed leads,
    and the absent person is never the one it is handed to; at Westmont the staff member in
    charge may be the clerk typing."""
    said = _said(library, *entering(CATALOGUE, library, opening, LEGAL), *answers)
    outcome = said[said.rindex("→"):]
    assert away_step in outcome, said[-1800:]
    assert "Hand it to them in person today" not in outcome
    assert "get it to the Director today" not in said  # the headline too (review 7 m3)
    assert "in person today" not in outcome.replace(
        "staff member in charge of the library in person today", "")


# --- review 7 C3: "no danger" is the clerk's own answer, never read from an opening ----------

@pytest.mark.parametrize("opening", [
    "man screaming at the desk and threatening staff, he says he's not dangerous",  # review 7 C3
    "guy yelling at staff, he says he's not dangerous",
    "woman shouting at a patron in the lobby, she says nobody is in danger",
])
def test_a_claim_that_nobody_is_in_danger_never_skips_the_danger_question(opening: str) -> None:
    """[review 7 C3] The aggressor's "he says he's not dangerous" answered "Is anyone in danger
    right now?" No, beside "threatening staff": the way out of 911 and the page was read from
    the opening. It is the clerk's answer to the question, asked."""
    said = _said("westmont", *entering(CATALOGUE, "westmont", opening, EMERGENCY))
    assert "Is anyone in danger right now?\n" in said, said[-1500:]
    assert "I understood: Is anyone in danger right now? → No" not in said


def test_the_clerk_typing_that_nobody_is_in_danger_still_answers_it() -> None:
    said = _said("westmont", *entering(CATALOGUE, "westmont", "two teens arguing by the door",
                                       EMERGENCY), "nobody is in danger")
    assert "→ No one is in danger right now" in said, said[-1500:]


# --- review 7 C2: a card someone else holds is not the asker's ---------------------------------

@pytest.mark.parametrize(("opening", "flow"), [
    ("grandma wants her 7 year old grandson's fines, his mom has the card",
     "parent-requests-child-records"),
    ("patron wants his own checkout history, he has his wife's card", "patron-own-records"),
    ("dad wants his 10 year old's checkouts, the babysitter has the card",
     "parent-requests-child-records"),
    ("aunt wants her 8 year old nephew's fines, his father has his card",
     "parent-requests-child-records"),
    ("mom wants her 9 year old's checkouts, his dad has the card number",
     "parent-requests-child-records"),
    # the review's residual wordings
    ("grandma wants her 7 year old grandson's fines, his stepdad has the card",
     "parent-requests-child-records"),
    ("aunt wants her 8 year old nephew's checkouts, the boy's father has the library card",
     "parent-requests-child-records"),
    ("grandpa wants what his 9 year old granddaughter has out, the card is with her mom",
     "parent-requests-child-records"),
    ("mom wants her 10 year old's fines, her ex keeps the card at his place",
     "parent-requests-child-records"),
    ("dad wants his 11 year old's overdue list, his older son holds the card",
     "parent-requests-child-records"),
])
def test_a_card_someone_else_holds_is_asked_never_taken(opening: str, flow: str) -> None:
    """[review 7 C2] "his mom has the card", "he has his wife's card" set the release
    condition (card in hand, identity shown) without asking; Jackson County then released.
    A card another person holds is not the asker's: the question is asked."""
    said = _said("jackson-county", *entering(CATALOGUE, "jackson-county", opening, flow))
    assert "I understood: Do they have the child's library card" not in said, said[-1500:]
    assert "I understood: Have they shown it's them" not in said
    assert 'Did you mean "Yes, they have the child' not in said
    assert "you may share" not in said.lower()


def test_the_askers_own_card_is_still_read() -> None:
    said = _said("jackson-county", *entering(
        CATALOGUE, "jackson-county", "mom wants her 9 year old's checkouts, she has his card",
        "parent-requests-child-records"))
    assert "I understood: Do they have the child's library card" in said, said[-1500:]


# --- review 7 M5: a card number named without being held offers no card ----------------------

@pytest.mark.parametrize("opening", [
    "mom wants her 9 year old's fines, she forgot his card, oh and the card number too",
    "mom wants her 8 year old's checkouts, she says the card number is on the fridge",
    "mom wants her 8 year old's checkouts, she asked me to look up the card number",
    "dad wants his 10 year old's checkouts, he had the card yesterday",
])
def test_a_card_named_but_not_held_never_offers_the_card(opening: str) -> None:
    """[review 7 M5] "she forgot his card, oh and the card number too" offered "Yes, they have
    the child's card or card number"; one "1" released at Jackson County. A card or number
    named without a word of having it offers Not sure; the offered number withholds."""
    lines = entering(CATALOGUE, "jackson-county", opening, "parent-requests-child-records")
    said = _said("jackson-county", *lines)
    assert 'Did you mean "Yes, they have the child' not in said, said[-1500:]
    assert "you may share" not in _said("jackson-county", *lines, "1", "1").lower()


@pytest.mark.parametrize("opening", [
    "man on pc 3 looking at child porn, he says no child is in danger",  # review 7 C3
    "man on pc 3 looking at child porn, no child in danger as far as he knows",
])
def test_the_suspects_claim_never_answers_whether_a_child_is_in_danger(opening: str) -> None:
    """[review 7 C3, abuse images] The man's own "no child is in danger" answered the question
    whose Yes is 911 and a page now. The way out is the clerk's answer, asked."""
    said = _said("westmont", *entering(CATALOGUE, "westmont", opening, CSAM))
    assert "Is a child in danger right now" in said, said[-1500:]
    assert "I understood: Is a child in danger right now" not in said
