"""Play-test 8's open findings at the desk (session 11): a case starts from a clerk's own
opening line, then the clerk types what happens next, checked against each library's policy.

Phrasings here are our own, not the play-test's: the rules are read from the words a clerk
might use, never from one wording; clean look-alikes that must not change sit beside them."""

from __future__ import annotations

import pytest

from bot.engine import View
from bot.engine.session import open_case
from tests.test_play_test_eight import CATALOGUE, LIBRARIES, _opened, _typed

CSAM = "cybertipline-concern"


def _pages(case: View) -> bool:
    return case.outcome is not None and case.outcome.escalate.pages


# --- E15: an adult looking at images of adults is no abuse images and no page ---------------

ADULTS_AT_ADULT_MATERIAL = [
    "guy watching porn on computer 5, they're all adults",
    "patron viewing regular porn at the public computers",
    "man on pc 3 looking at adult porn",
    "a woman is watching adult videos on the library computer",
]


@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize("opening", ADULTS_AT_ADULT_MATERIAL)
def test_adults_at_adult_material_is_asked_once_and_pages_nobody(library: str,
                                                                 opening: str) -> None:
    """E15: before, the images question had no answer for it, and Not sure paged the
    in-charge at once. Now the clerk's pick of "Adults only" (its number) pages nobody. No
    words take it, in the opening or typed ("they're all adults" may be the man's claim: review
    6 C5's rule, the lead's decision on review 9's gate): the question is asked, nothing paged
    yet, and typed words at most offer it."""
    case = _opened(library, opening, CSAM)
    assert case.outcome is None and case.question is not None
    assert case.question.id == "images"
    done = _typed(case, "3")
    assert done.outcome is not None and done.outcome.id == "adults-viewing-adult"
    assert not _pages(done)
    assert "nobody needs paging" in done.outcome.headline
    for answer in ("adults only", "they're all adults", "all adults"):
        typed = _typed(case, answer)
        assert typed.outcome is None and typed.question is not None, answer
        assert typed.question.id == "images", answer


@pytest.mark.parametrize("answer", [
    "he says they're all adults",
    "he told me they're all adults",
    "the guy said everyone is an adult",
    "patron insists they're all adults",
    "according to him they're all adults",
    "he swears they're all adults",
    "she said only adults",
    "adults only?",
    "all adults??",
    "all grown ups?",
    # our own
    "he claimed they were all adults",
    "apparently they're all adults",
    "the man promised me everyone in it is an adult",
    "the patron goes they're all adults",
    "the guy reckons they're all adults",
    "she thinks they're all adults",
])
def test_someone_elses_word_or_a_question_is_never_the_adults_way_out(answer: str) -> None:
    """Review 9 (gate item 1): the viewer's claim relayed, or "adults only?" asked back, is no
    observation of the clerk's: never "Adults only" (asked again)."""
    for library in LIBRARIES:
        case = _typed(_opened(library, "guy watching porn on computer 5", CSAM), answer)
        assert case.outcome is None or case.outcome.id != "adults-viewing-adult", library
        taken = {t.choice for t in case.conversation.transcript if t.question == "images"}
        assert "images-of-adults-only" not in taken, (library, taken)


@pytest.mark.parametrize("opening", [
    "man watching regular porn on pc 3",
    "adult porn on a public pc, adults only",
    "guy on computer 2 looking at adult sites",
])
def test_adults_said_in_the_opening_are_only_offered(opening: str) -> None:
    """Words for adult material in the opening offer "Adults only" ("Did you mean …?"), never
    take it, at every library."""
    for library in LIBRARIES:
        case = _opened(library, opening, CSAM)
        assert case.outcome is None and case.question is not None
        assert case.question.id == "images"
        assert case.suggestion is not None, library
        assert case.suggestion.choice == "images-of-adults-only", library


@pytest.mark.parametrize("opening", [
    "someone is looking at porn on the computer, not sure if she's 18",
    "man watching adult porn, the girl looks young",
    "regular porn on pc 4 but one of the girls might be 16",
    "guy looking at porn of teens on the library computer",
    "adult site on screen 6, the women look really young",
])
def test_a_doubt_about_age_is_never_offered_the_adults_way_out(opening: str) -> None:
    """Anyone who may be under 18 makes them images of children: a doubt about age in the
    opening never offers or takes "Adults only"."""
    for library in LIBRARIES:
        case = _opened(library, opening, CSAM)
        taken = {t.choice for t in case.conversation.transcript if t.question == "images"}
        assert "images-of-adults-only" not in taken, library
        offered = case.suggestion.choice if case.suggestion is not None else None
        assert offered != "images-of-adults-only", library


@pytest.mark.parametrize("answer", [
    "adults but one of them looks young",
    "not sure if she's 18",
    "adults i think",
    "adults, maybe one is 17",
    "adult porn with a teen girl",
])
def test_a_doubt_about_age_typed_at_the_question_is_never_the_adults_way_out(answer: str) -> None:
    """Typed at the images question, an answer that doubts anyone's age is never "Adults
    only": it is Not sure (treated as children: the page at once) or asked again."""
    for library in LIBRARIES:
        case = _typed(_opened(library, "guy watching porn on computer 5", CSAM), answer)
        taken = {t.choice for t in case.conversation.transcript if t.question == "images"}
        assert "images-of-adults-only" not in taken, (library, taken)
        assert case.outcome is None or case.outcome.id != "adults-viewing-adult"


@pytest.mark.parametrize("opening", ["guy looking at child porn on pc 2",
                                     "kid porn on the library computer",
                                     "pics of naked kids on computer 4"])
def test_images_of_children_still_page_at_once(opening: str) -> None:
    """Look-alikes that must not change: images of children are the abuse-images steps."""
    for library in LIBRARIES:
        case = _typed(_opened(library, opening, CSAM), "no", "1")
        assert case.outcome is not None and case.outcome.escalate.urgency == "immediate", library


# --- E8: a subpoena nobody is waiting on pages nobody -----------------------------------------

PAPERS = "legal-document-served"


@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize("opening", [
    "this subpoena came in the mail",
    "we got a subpoena by certified mail asking for a patron's records",
    "a subpoena for our computer logs was emailed to the library",
    "someone faxed over a subpoena for circulation records",
])
def test_a_subpoena_nobody_waits_on_pages_nobody(library: str, opening: str) -> None:
    """E8: a subpoena allows time for counsel. Mailed, emailed or faxed, it goes to the person
    who receives it on the working day: nobody paged, nothing released. How it came is offered
    for "is anyone waiting?", never taken (review 9: the same opening may say someone waits);
    the clerk's "no" takes it. Before, every subpoena paged (prompt)."""
    case = _opened(library, opening, PAPERS)
    if case.outcome is None and case.question is not None and case.question.id == "gag":
        case = _typed(case, "no")
    assert case.outcome is None and case.question is not None, case.outcome
    assert case.question.id == "waiting"
    assert case.suggestion is not None and case.suggestion.choice == "no"
    case = _typed(case, "no")
    assert case.outcome is not None, case.question
    assert not _pages(case), case.outcome.id
    assert case.outcome.decision in ("refer", "withhold")
    assert "nobody needs paging" in case.outcome.headline


@pytest.mark.parametrize("opening", [
    "a subpoena was emailed and their attorney is on the phone waiting",
    "officer mailed us a subpoena but he's at the desk now asking about it",
    "deputy emailed a subpoena and is standing at the desk",
    "faxed subpoena, the lawyer wants the records by 3 today",
    "subpoena mailed to us, the officer came back for the records",
    "subpoena in the mail, hearing is this afternoon",
    "subpoena came in the mail, it's due tomorrow",
    # our own
    "the subpoena was faxed over and the process server is still here",
    "emailed subpoena says we have to respond tonight",
    "got a subpoena by certified mail, the detective is back asking for it now",
])
def test_how_a_subpoena_came_is_never_taken_for_nobody_waiting(opening: str) -> None:
    """Review 9 (gate item 2): mailed, emailed or faxed beside someone present or a reply due
    today or tomorrow never answers "nobody is waiting": not taken, not offered."""
    for library in LIBRARIES:
        opened = open_case(CATALOGUE, library, opening)
        read = {(p.question, p.choice) for p in opened.prefill(PAPERS)}
        assert ("waiting", "no") not in read, (library, read)


@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize("opening", [
    "process server just handed me a subpoena and he is waiting at the desk",
    "a deputy brought a subpoena and wants the records now",
    "we got a subpoena that says the reply is due today",
])
def test_a_subpoena_someone_waits_on_still_pages(library: str, opening: str) -> None:
    """Look-alikes that must not change: someone at the desk waiting, or a reply due today,
    needs the person who receives it now (the page, prompt)."""
    case = _opened(library, opening, PAPERS)
    if case.outcome is None and case.question is not None and case.question.id == "gag":
        case = _typed(case, "no")
    if case.outcome is None and case.question is not None and case.question.id == "waiting":
        case = _typed(case, "yes")
    assert case.outcome is not None, case.question
    assert _pages(case), case.outcome.id


@pytest.mark.parametrize("library", LIBRARIES)
def test_a_subpoena_with_no_word_of_how_it_came_asks_whether_anyone_waits(library: str) -> None:
    """Nothing said of how it came: the question is asked (its answer decides the page)."""
    case = _typed(_opened(library, "we were served with a subpoena", PAPERS), "no")
    assert case.outcome is None and case.question is not None
    assert case.question.id == "waiting"
    for answer in ("no", "nobody is waiting", "2"):
        done = _typed(case, answer)
        assert done.outcome is not None and not _pages(done), (library, answer)
    assert _pages(_typed(case, "yes, he's still here"))


# --- E2: a threat made now with a weapon in hand is read, not asked again ----------------------

DANGER = "emergency-or-illegal-activity"


@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize("opening", [
    "a patron is threatening staff with a knife",
    "guy threatened me with a knife at the desk",
    "he's threatening people, he pulled a knife",
    "man at the computers threatening another patron with a gun",
    "she is threatening the librarian, she has a knife",
])
def test_a_threat_with_a_weapon_in_hand_is_danger_now(library: str, opening: str) -> None:
    """E2: "threatening" was read as a promise of a thing to come ("threatening to come back
    with a gun"), so a knife held while threatening someone now was only offered, and "Is anyone
    in danger right now?" asked again. A threat made to someone, weapon named, is the danger:
    911 and the page at once, nothing asked."""
    case = _opened(library, opening, DANGER)
    assert case.outcome is not None, (case.question, case.suggestion)
    assert case.outcome.escalate.urgency == "immediate"
    assert "911" in case.outcome.headline


@pytest.mark.parametrize("opening", [
    "guy was threatening to come back with a gun",
    "he threatened to bring a knife tomorrow",
    "patron threatening to come back later with a knife",
    "a man said he has a gun at home and is threatening to use it",
])
def test_a_threat_of_a_weapon_to_come_is_still_only_offered(opening: str) -> None:
    """Look-alikes that must not change: a weapon promised ("threatening to come back with a
    gun") or elsewhere is no weapon here now: the danger question is asked (a threat of
    violence still pages, through the clerk's answer)."""
    for library in LIBRARIES:
        case = _opened(library, opening, DANGER)
        assert case.outcome is None and case.question is not None, library
        assert case.question.id == "danger", library


@pytest.mark.parametrize("opening", [
    "the officer is threatening us with a court order if we don't give him the address",
    "deputy threatening to get a warrant for the computer logs",
])
def test_a_paper_threatened_is_still_a_promise(opening: str) -> None:
    """Of a paper a threat is a promise (review 6 C6): never read as the paper in hand."""
    for library in LIBRARIES:
        opened = open_case(CATALOGUE, library, opening)
        read = {(p.question, p.choice) for p in opened.prefill("law-enforcement-request")
                if not p.suggested}
        assert ("document", "court-order") not in read and (
            "document", "search-warrant") not in read, (library, read)


POLICE = "law-enforcement-request"


@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize("opening", [
    "officer is here asking for a patron's address, says someone's life is in danger",
    "a cop wants to know who used computer 4, he says someone's life is in danger",
    "detective says a girl's life is at risk and needs the patron's phone number",
])
def test_an_officers_stated_danger_to_life_is_offered_for_the_emergency(library: str,
                                                                       opening: str) -> None:
    """E2: an officer's "someone's life is in danger" was read for the imminent-danger question
    only; the emergency question ("Does the officer say it's an emergency and there's no time
    to get a court order?") was asked bare. A life in danger does not say there is no time for
    a court order, and the emergency is a release condition: it is offered there ("Did you mean
    …?"), never taken. The danger question is never asked; a plain yes to the offer takes it."""
    case = _typed(_opened(library, opening, POLICE), "nothing in writing")
    asked = []
    while case.outcome is None and case.question is not None and len(asked) < 6:
        asked.append(case.question.id)
        assert case.question.id != "danger", (library, asked)
        if case.question.id == "emergency":
            assert case.suggestion is not None and case.suggestion.choice == "yes", library
            taken = _typed(case, "yes")
            assert taken.question is None or taken.question.id != "emergency", library
        case = _typed(case, "not sure")


@pytest.mark.parametrize("opening", [
    "officer says someone might be in danger, wants a patron address",
    "a deputy wants a patron's address, asks if anyone's life is in danger around here?",
])
def test_an_officers_hedged_danger_is_still_asked(opening: str) -> None:
    """Look-alikes that must not change: a hedged or asked danger answers no release condition."""
    for library in LIBRARIES:
        opened = open_case(CATALOGUE, library, opening)
        taken = {p.question for p in opened.prefill(POLICE) if not p.suggested}
        assert "emergency" not in taken and "danger" not in taken, (library, taken)


# --- E11: a court order being carried out now is "now", not "today" ---------------------------

CARRIED_OUT_NOW = [
    "federal agents are here executing a court order, they want to take the public computers",
    "officers with a judge's order are searching the staff room right now",
    "the sheriff is boxing up our computers with a court order",
    "police came with a court order and are going through the circulation files",
]


@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize("opening", CARRIED_OUT_NOW)
def test_a_court_order_carried_out_now_pages_at_once(library: str, opening: str) -> None:
    """E11 (Jackson County): agents executing a court order got "get it to the Library Director
    today". Being carried out, it is not obstructed and the person who acts is paged at once,
    nothing asked: the carrying out is read from the opening like a warrant, wherever the
    words for it stand."""
    case = _opened(library, opening, PAPERS)
    assert case.outcome is not None, case.question
    assert case.outcome.id == "order-executed"
    assert case.outcome.escalate.urgency == "immediate"
    assert "don't block it" in case.outcome.headline


@pytest.mark.parametrize("opening", [
    "court order executed yesterday, what do we log",
    "a court order was carried out here last week, do we tell the patron?",
    "officers searched the building with a court order the other day",
    "officers say they will be searching the building with a court order tomorrow",
    "if officers ever come to execute a court order what do we do?",
    "officers have a court order and might search the server",
])
def test_a_court_order_carried_out_in_the_past_or_to_come_never_pages_at_once(
        opening: str) -> None:
    """The now of E11 is read as the warrant's is (the cues' doubt_critical and promise words):
    carried out yesterday, last week or tomorrow, or only maybe, it is at most offered; the
    clerk is asked, nothing is paged yet."""
    for library in LIBRARIES:
        case = _opened(library, opening, PAPERS)
        assert case.outcome is None and case.question is not None, (library, case.outcome)
        taken = {t.choice for t in case.conversation.transcript if t.question == "timing"}
        assert "carried-out" not in taken, (library, taken)


@pytest.mark.parametrize("opening", [
    # review 13's gate: the clerk's own doing, with or without "I"
    "process server gave us a court order for patron records, I'm taking the order up to the "
    "director",
    "process server just handed me a court order for a patron's records, I'm going through it "
    "now to find the reply date",
    "a court order came for patron records, I'm searching for the director",
    "got a court order for a patron's checkout records, removing the staples to make a copy for "
    "the director",
    # our own
    "court order came in, searching for the director now",
    "we're going through the court order to see what it wants",
    "deputy left a court order, I am searching the office for the director's key",
    # review 13, after landing: an officer named earlier in the sentence is not who searches
    "the deputy gave us a court order for patron records, now searching for the director",
    "officer handed over a court order for records, going through it to find the date",
    # our own
    "agent dropped off a court order and left, going through it now for the deadline",
    "the sheriff sent a court order; searching the files for the patron's name now",
])
def test_the_clerks_own_doing_is_never_a_court_order_carried_out(opening: str) -> None:
    """Carrying out is the officers' doing (done_by in the flow): the clerk's own searching or
    going through, said with "I" or "we" or with no one named, is never read as the order
    carried out (it was: an immediate page, the Director alongside). The timing question is
    asked, nothing offered."""
    for library in LIBRARIES:
        case = _opened(library, opening, PAPERS)
        assert case.outcome is None and case.question is not None, (library, case.outcome)
        assert case.question.id == "timing", (library, case.question.id)
        assert case.suggestion is None or case.suggestion.choice != "carried-out", library


@pytest.mark.parametrize("answer", [
    "I'm taking the order up to the director's office",
    "I'm going through it now",
    "we are searching for the reply date",
    "no, I'm just taking the order to the director",
])
def test_the_clerks_own_doing_typed_at_the_timing_question_is_not_carried_out(
        answer: str) -> None:
    """Typed as the answer to "Are officers carrying it out now…?", the clerk's own doing is
    neither taken nor offered as carried out (review 13's gate: "I'm taking the order up…"
    was taken, an immediate page)."""
    for library in LIBRARIES:
        case = _typed(_opened(library, "a court order was handed to me", PAPERS), answer)
        taken = {t.choice for t in case.conversation.transcript if t.question == "timing"}
        assert "carried-out" not in taken, (library, taken)
        assert case.suggestion is None or case.suggestion.choice != "carried-out", library


# --- E8 for a court order: mailed, nobody waiting, pages nobody -------------------------------

@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize("opening", [
    "a court order came in the mail for a patron's records",
    "got a court order by certified mail, reply due in 30 days",
    "deputy handed me a court order for patron records and left",
])
def test_a_court_order_nobody_waits_on_pages_nobody(library: str, opening: str) -> None:
    """No policy of the five sends a court order on at once, only to whom: with nobody waiting
    and nothing due today or tomorrow it goes to that person on the working day. How it came
    only offers "nobody waiting" (review 9 gate item 2's rule): the clerk's pick (its number)
    takes it, then the gag question, and the Director's absence where it is asked."""
    case = _opened(library, opening, PAPERS)
    assert case.outcome is None and case.question is not None
    assert case.question.id == "timing", case.question.id
    done = _typed(case, "3", "no")
    while done.outcome is None and done.question is not None and done.question.id == "director-in":
        done = _typed(done, "1")
    assert done.outcome is not None and done.outcome.id == "court-order-route-later", library
    assert not _pages(done)
    assert "nobody needs paging" in done.outcome.headline


@pytest.mark.parametrize("opening", [
    "court order for records, the deputy is waiting at the desk",
    "court order emailed over, they want the records by tomorrow",
    "court order came in the mail, the hearing is tomorrow",
])
def test_a_court_order_someone_waits_on_or_due_soon_still_pages(opening: str) -> None:
    """Someone waiting, or a reply due today or tomorrow: the prompt page stays (never the
    working day), whatever the paper's way in."""
    for library in LIBRARIES:
        case = _opened(library, opening, PAPERS)
        # ("tomorrow" in its sentence may leave the paper only offered: picked by its number)
        answers = ["3"] if case.question is not None and case.question.id == "document" else []
        case = _typed(case, *answers)
        if case.question is not None and case.question.id == "timing":
            case = _typed(case, "2")
        done = _typed(case, "no")
        while done.outcome is None and done.question is not None:
            done = _typed(done, "1")
        assert done.outcome is not None and done.outcome.id == "court-order-route", (
            library, done.outcome)
        assert done.outcome.escalate.urgency == "prompt", library


# --- review 9 m5: a picture of a weapon is no weapon at the desk ------------------------------

EMERGENCY = "emergency-or-illegal-activity"


@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize("opening", [
    "threatening staff on facebook with a gun emoji",
    "someone keeps sending our teen librarian knife emojis",
    "a guy has a photo of a gun on his phone and is showing kids",
    "patron posted a pic of his knife and tagged the branch manager",
])
def test_a_pictured_weapon_is_asked_about_not_read_as_one(library: str, opening: str) -> None:
    """Review 9 m5: "threatening staff on facebook with a gun emoji" was read as a weapon at
    the desk (911, "get away from the danger"). A word of depiction beside the weapon (cues.yaml
    depicted_after, depicted_before) makes it a picture: the danger question is asked, nothing
    is taken, and the clerk's answer decides (a threat made online is still the "violence"
    answer's 911 further on)."""
    case = _opened(library, opening, EMERGENCY)
    assert case.outcome is None and case.question is not None, case.outcome
    assert case.question.id == "danger"
    taken = {t.choice for t in case.conversation.transcript if t.question == "danger"}
    assert not taken, taken


@pytest.mark.parametrize("opening", [
    "guy with a knife by the picture books",
    "man in the lobby waving a gun, someone took a photo of him",
    "patron threatening staff with a knife",
    "he has a gun and a photo of the librarian",
])
def test_a_weapon_beside_a_word_of_pictures_is_still_danger_now(opening: str) -> None:
    """Look-alikes: the word of a picture elsewhere in the message ("picture books", "took a
    photo of him") leaves the weapon read: 911 and the page at once."""
    for library in LIBRARIES:
        case = _opened(library, opening, EMERGENCY)
        assert case.outcome is not None and case.outcome.id == "danger-now", (library, opening)
        assert case.outcome.escalate.urgency == "immediate"


# --- review 8 m6: a warrant asked about ahead is no warrant here ------------------------------

ASKED_AHEAD = [
    "what do we do if police ever come with a warrant?",
    "what should I do if a cop shows up with a search warrant",
    "hypothetically, if officers come with a search warrant what's the procedure?",
    "what's our policy if we get a court order in the mail?",
    "in case the police come with a warrant, who do we call?",
    "if a deputy ever shows up with a search warrant who do I call?",
    "if the sheriff comes with a court order, what do we do",
]


@pytest.mark.parametrize("opening", ASKED_AHEAD)
def test_a_paper_asked_about_ahead_is_never_taken_nor_offered_and_its_way_out_pages_nobody(
        opening: str) -> None:
    """Review 8 m6: the warrant asked about ahead was offered ("Did you mean 'A search
    warrant'? type 2"), and the hurried "2" paged the in-charge at once. Asked ahead, no paper
    of legal process is taken or offered; the clerk's pick of "Nothing is happening now"
    (its number) says what the policy says and pages nobody."""
    for library in LIBRARIES:
        for flow in (POLICE, PAPERS):
            case = _opened(library, opening, flow)
            assert case.outcome is None and case.question is not None, (library, flow)
            assert case.question.id == "document"
            offered = case.suggestion.choice if case.suggestion is not None else None
            assert offered in (None, "asking-ahead", "not-sure"), (library, flow, offered)
            ahead = [c.id for c in case.question.choices].index("asking-ahead") + 1
            done = _typed(case, str(ahead))
            assert done.outcome is not None and done.outcome.id == "asking-ahead"
            assert not _pages(done), (library, flow)


@pytest.mark.parametrize("opening", [
    "cop just came in, what do we do if he has a warrant?",
    "what do we do? police are here with a warrant",
    "what happens now, officers are searching the office with a search warrant",
])
def test_a_paper_here_now_is_never_offered_as_asked_ahead(opening: str) -> None:
    """Look-alikes: a word of someone here or now beside the asking keeps the way out from
    being offered; a search warrant stated now still pages at once."""
    for library in LIBRARIES:
        for flow in (POLICE, PAPERS):
            case = _opened(library, opening, flow)
            assert case.suggestion is None or case.suggestion.choice != "asking-ahead"
            taken = {t.choice for t in case.conversation.transcript if t.question == "document"}
            assert "asking-ahead" not in taken, (library, flow)


@pytest.mark.parametrize("opening", [
    # review 13 (minor, after the gate): the doer named nearer than the clerk does it
    "court order: I'm watching the deputies searching the staff room right now",
    "we have agents searching the building with a court order",
    # our own
    "I see two officers going through the files, they have a court order",
    "me and a coworker are here while deputies are boxing up the computers with a court order",
])
def test_officers_named_nearer_than_the_clerk_carry_it_out(opening: str) -> None:
    """The clerk's "I'm" or "we have" before officers named at work is no clerk's doing: the
    officers nearer the words of carrying out do it, read as at once (the reviewer found these
    asked, nothing offered, after the gate fix)."""
    for library in LIBRARIES:
        case = _opened(library, opening, PAPERS)
        assert case.outcome is not None and case.outcome.id == "order-executed", (
            library, case.question.id if case.question else None)
        assert case.outcome.escalate.urgency == "immediate"
