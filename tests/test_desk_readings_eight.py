"""Session 13's desk items (desk19): a case starts from a clerk's own opening line, then the clerk
types what happens next, checked against each library's policy.

1. A paper said to forbid telling anyone, among the legal papers: the federal (gag) order is
   offered as it is in the police request, and the gag question is answered by it.
2. P9-5's rest: police investigating a crime want recorded footage (the day the footage was
   recorded doubts nothing); a detective named is no sworn officer checked (the badge is to be
   seen: gate-desk19-2), and a private or store detective is no sworn officer.
5. Negations: a denial before a negated phrase undoes it ("doesn't say we can't tell anyone"),
   and a negation of a thing is no way of saying a negated verb ("nothing about telling anyone").

Phrasings are our own beside the ones the items quote, and look-alikes that must not change sit
beside them: the rules are read from words a clerk might use, never from one wording."""

from __future__ import annotations

import pytest

from bot.engine import View
from bot.router import prefill
from tests.test_play_test_eight import CATALOGUE, LIBRARIES, _opened, _typed

POLICE = "law-enforcement-request"
PAPERS = "legal-document-served"
CAMERAS = "security-camera-footage"


def _number_of(case: View, choice: str) -> str:
    assert case.question is not None
    return str([c.id for c in case.question.choices].index(choice) + 1)


def _read(library: str, flow: str, text: str) -> dict[str, tuple[str, bool]]:
    """{question: (choice, only offered)} that ``text`` answers in ``flow`` at ``library``."""
    return {p.question: (p.choice, p.suggested)
            for p in prefill(CATALOGUE.flow(library, flow), text)}


# --- 1. a paper that says to tell no one, among the legal papers ------------------------------

TOLD_TO_TELL_NO_ONE = [
    # the item's
    "we got served papers, they said we are not allowed to tell anyone",
    # our own
    "a man dropped off legal papers and said we can't tell anyone about it",
    "process server left papers, the letter says we're not to tell anyone",
    "two guys handed me some paperwork and told me I cannot tell anyone",
    "got legal papers in the mail, it says nobody can know we got it",
]


@pytest.mark.parametrize("opening", TOLD_TO_TELL_NO_ONE)
def test_papers_said_to_forbid_telling_anyone_offer_the_federal_order(opening: str) -> None:
    """Item 1: the police request offered "an order to tell no one" for these words, the legal
    papers offered nothing, so a hurried clerk had to find it among nine answers. Now it is
    offered (never taken: it is a release-deciding answer), and its number pages the in-charge
    at once, with the library's own words on the gag: Jackson County warns of gag orders (II.2),
    the other four are silent and say federal law may forbid telling."""
    for library in LIBRARIES:
        case = _opened(library, opening, PAPERS)
        assert case.outcome is None and case.question is not None
        assert case.question.id == "document", library
        assert case.suggestion is not None and case.suggestion.choice == "federal-order", library
        done = _typed(case, _number_of(case, "federal-order"))
        assert done.outcome is not None, library
        expected = "gag-noted" if library == "jackson-county" else "gag-policy-silent"
        assert done.outcome.id == expected, (library, done.outcome.id)
        assert done.outcome.escalate.pages and done.outcome.escalate.urgency == "immediate"


@pytest.mark.parametrize(("opening", "paper"), [
    ("subpoena came, it says we cannot tell anyone", "subpoena"),
    ("a subpoena, he said we are not to tell anyone, not even the director", "subpoena"),
    ("they served a subpoena and said don't tell anyone", "subpoena"),
    ("we got a court order in the mail and it says we are not allowed to tell anyone",
     "court-order"),
])
def test_a_paper_said_to_forbid_telling_anyone_answers_the_gag_question(
        opening: str, paper: str) -> None:
    """Item 1: "a subpoena, says we can't tell anyone" asked "Does it say the library must not
    tell anyone?" after it. The gag is answered by the opening (shown under "I understood",
    changeable); a gag pages at once wherever the paper goes, at every library."""
    for library in LIBRARIES:
        read = _read(library, PAPERS, opening)
        assert read.get("gag") == ("yes", False), (library, read)
        case = _opened(library, opening, PAPERS)
        # the paper where it is only offered, a court order's timing, the Director's
        # whereabouts where a stand-in is named: never the gag again
        answers = {"document": paper, "timing": "nobody-waiting", "director-in": "in"}
        while case.outcome is None:
            assert case.question is not None and case.question.id in answers, library
            case = _typed(case, _number_of(case, answers.pop(case.question.id)))
        assert case.outcome.id in ("gag-noted", "gag-policy-silent"), (library, case.outcome.id)
        assert case.outcome.escalate.urgency == "immediate"


@pytest.mark.parametrize("opening", [
    "the subpoena doesn't say we can't tell anyone",
    "a subpoena came in, it doesn't say anything about not telling anyone",
    "lawyer letter, nothing about telling anyone",
    "nobody said we can't tell anyone, it's a subpoena",
    "he left without telling anyone, it's a subpoena",
    "we don't have to tell anyone about this subpoena",
    "I was not told not to tell anyone, it's a subpoena",
])
def test_a_gag_denied_or_never_said_is_no_gag(opening: str) -> None:
    """Item 5: a denial before a negated phrase undoes it, and "nothing about", "without",
    "don't have to" are no way of saying "can't tell anyone": none of these answers the gag
    with Yes nor offers the federal order."""
    for library in ("westmont", "jackson-county"):
        for flow in (PAPERS, POLICE):
            read = _read(library, flow, opening)
            assert read.get("gag", ("",))[0] != "yes", (library, flow, read)
            assert read.get("document", ("",))[0] != "federal-order", (library, flow, read)


def test_stressed_denial_of_a_thing_stays_a_denial() -> None:
    """Item 5: two negations of a thing only stress it ("didn't have no warrant"); the
    undoing above is for negated verbs only."""
    for library in LIBRARIES:
        for text in ("officer didn't have no warrant, wants circ records",
                     "cop ain't got no warrant, wants to know what a patron checked out"):
            assert _read(library, POLICE, text).get("document") == ("none", False), text


# --- 2. P9-5: an investigation named; a detective -------------------------------------------

INVESTIGATING = [
    # the item's
    "police investigating a hit and run want yesterday's parking lot video",
    # our own
    "detective investigating a theft wants to see the camera footage from last night",
    "a sheriff's deputy investigating an assault wants last week's video from the front door",
    "detective working a case wants video from 2 days ago",
    "officer with a case number wants the recording from last Tuesday",
]


@pytest.mark.parametrize("opening", INVESTIGATING)
def test_police_investigating_a_crime_answer_the_investigation_question(opening: str) -> None:
    """P9-5: "yesterday's video" or "footage from last night" says when the footage was
    recorded, not that the investigation is past: the investigation was only offered and asked.
    Where the policy shares footage with police for an active investigation (Mahomet V-B.3)
    it is answered; the outcome still hands nothing over at the desk (the in-charge does)."""
    read = _read("mahomet", CAMERAS, opening)
    assert read.get("investigation") == ("yes", False), read
    case = _opened("mahomet", opening, CAMERAS)
    if case.outcome is None:
        assert case.question is not None and case.question.id == "request"
        case = _typed(case, _number_of(case, "view-or-copy"))
    assert case.outcome is not None and case.outcome.id == "police-investigation"
    assert case.outcome.decision == "refer"
    assert "Do not play back, show, copy" in " ".join(case.outcome.never)


@pytest.mark.parametrize("opening", [
    "officers were here yesterday investigating, they want the video",
    "police want footage but I don't think there's an investigation",
    "officer wants video, not sure if it's an investigation",
    "cop wants the lobby video, it's for his own reasons",
])
def test_an_investigation_in_the_past_doubted_or_denied_is_not_taken(opening: str) -> None:
    """P9-5 look-alikes: officers investigating yesterday, a doubt, or a personal matter are
    never read as an investigation now."""
    assert _read("mahomet", CAMERAS, opening).get("investigation") != ("yes", False)


@pytest.mark.parametrize("opening", [
    "a detective says it's an emergency, a kid is missing and he needs the name of whoever "
    "used computer 3",
    "two detectives here, say someone's life is in danger, they want the name of the man on pc 5",
    "police detective at the desk says it is an emergency, wants the name of whoever used pc 2",
    # gate-desk19-2's five: each took sworn=Yes at 47641f3
    "someone dressed in plain clothes says hes a police detective, kid missing, wants the name "
    "of who used pc 3",
    "woman says shes with the police, a detective, kid missing, wants the name of who used pc 3",
    "a guy flashed something and said detective, kid missing, wants who used pc 3",
    "detective showed me a business card, needs the name of whoever used pc 3, kid missing",
    "a detective is here, kid missing, needs the name of who used pc 3",
])
def test_a_detective_named_is_no_sworn_officer_checked(opening: str) -> None:
    """gate-desk19-2: a word for the person is no check of the sworn-officer condition (75 ILCS
    70's emergency release), as "a police officer is here" is none: the sworn question is never
    taken from it, and after the paper and the emergency the clerk is asked it (where the policy
    has an emergency release)."""
    for library in LIBRARIES:
        read = _read(library, POLICE, opening)
        assert read.get("sworn") != ("yes", False), (library, read)
        case = _typed(_opened(library, opening, POLICE), "nothing in writing")
        if case.question is not None and case.question.id == "emergency":
            case = _typed(case, "yes")
        assert dict(case.conversation.answers).get("sworn") is None, (library, opening)
        if case.outcome is None:  # (Jackson County has no emergency release: it ends at once)
            assert case.question is not None and case.question.id == "sworn", library


@pytest.mark.parametrize(("typed", "expected"), [
    ("a detective", "not-sure"), ("police detective", "not-sure"),
    ("yes, he says he is a detective", None), ("a private detective", "no"),
    ("he showed me his badge", "yes"),
])
def test_typed_at_the_sworn_question(typed: str, expected: str | None) -> None:
    """gate-desk19-2, typed: a word for who they are is no badge seen (Not sure, which pages);
    their own word is asked again; a private detective is no sworn officer."""
    for library in ("mount-prospect", "westmont", "mahomet", "calumet"):
        case = _typed(_opened(library, "officer at the desk asking who used pc 2", POLICE),
                      "nothing in writing", "yes")
        assert case.question is not None and case.question.id == "sworn", library
        case = _typed(case, typed)
        assert dict(case.conversation.answers).get("sworn") == expected, (library, typed)


def test_a_badge_seen_is_still_taken() -> None:
    """The other side: words that say the clerk saw the badge still answer the sworn question."""
    for library in LIBRARIES:
        read = _read(library, POLICE, "a detective showed me his badge, says it's an emergency, "
                     "a kid is missing, wants the name of whoever used pc 3")
        assert read.get("sworn") == ("yes", False), (library, read)


@pytest.mark.parametrize(("opening", "expected"), [
    ("detective on the phone says it's an emergency, wants a patron's address", "not-sure"),
    ("a detective called the desk, emergency, wants an address", "not-sure"),
    ("detective is here but I haven't seen a badge, says it's an emergency", "not-sure"),
    ("a guy claiming to be a detective says it's an emergency", "not-sure"),
    ("private detective wants to know what a patron checked out, says it's urgent", "no"),
    ("store detective from the mall wants a patron's name, emergency he says", "no"),
])
def test_a_detective_unseen_or_private_is_not_taken_as_sworn(opening: str, expected: str) -> None:
    """P9-5 look-alikes: a detective on the phone, one whose badge nobody saw, or one who only
    claims to be, stays unchecked (Not sure, the cautious answer, which pages); a private or
    store detective is no sworn officer."""
    for library in LIBRARIES:
        read = _read(library, POLICE, opening)
        assert read.get("sworn", ("",))[0] == expected, (library, read)


# --- 5. a paper claimed but not seen ----------------------------------------------------------

@pytest.mark.parametrize("opening", [
    "officer says it's an emergency, says he has a subpoena but I didn't see it",
    "cop has a subpoena, he won't show it to me, wants circ records",
    "the deputy says he has a subpoena, I haven't seen it, it's urgent",
])
def test_a_subpoena_claimed_but_not_seen_is_not_taken(opening: str) -> None:
    """Item 5 probe: "says he has a subpoena but I didn't see it" took the subpoena, whose
    outcome pages the in-charge only promptly and asks nothing more, not even the emergency said
    beside it. A paper nobody saw is asked; one in hand is still taken."""
    for library in LIBRARIES:
        assert _read(library, POLICE, opening).get("document", ("",))[0] != "subpoena", library
        assert _read(library, POLICE, "cop has a subpoena, wants circ records").get(
            "document") == ("subpoena", False)


@pytest.mark.parametrize(("typed", "expected"), [
    ("the letter says we can't tell anyone", "yes"),
    ("not allowed to tell anyone", "yes"),
    ("it doesn't say we can't tell anyone", None),
    ("it doesn't say anything about that", "no"),
])
def test_the_gag_typed_at_its_question(typed: str, expected: str | None) -> None:
    """Item 1: typed at the gag question the same words answer it; "it doesn't say we can't
    tell anyone" (a no, then words that name the gag) is no Yes: asked again."""
    for library in ("westmont", "jackson-county"):
        case = _opened(library, "a subpoena came in the mail", PAPERS)
        assert case.question is not None and case.question.id == "gag", library
        after = _typed(case, typed)
        if expected is None:
            assert after.question is not None and after.question.id == "gag", (library, typed)
        else:
            assert after.conversation.answer_map.get("gag") == expected, (library, typed)


@pytest.mark.parametrize(("library", "flow", "opening", "question", "expected"), [
    # a negation of a thing right before the words still says the negated verb
    ("westmont", PAPERS, "subpoena came, nothing due today", "waiting",
     ("no", False)),
    ("westmont", POLICE, "officer wants a name, nothing urgent, no warrant", "emergency",
     ("no", False)),
])
def test_a_negated_thing_right_before_still_reads(library: str, flow: str, opening: str,
                                                  question: str, expected: tuple) -> None:
    """Item 5 look-alikes: "nothing due today" is "not due today", "nothing urgent" is "not
    urgent"; only "nothing about …" or "without …" is no way of saying a negated verb."""
    assert _read(library, flow, opening).get(question) == expected


@pytest.mark.parametrize("opening", [
    "mom has her son's card from last week, wants his holds",
    "dad has his daughter's card from yesterday and wants last month's records",
])
def test_a_past_word_dating_no_recording_still_doubts(opening: str) -> None:
    """P9-5 look-alikes: only a recording dated ("yesterday's video") is no doubt; a card "from
    last week" is offered as before, never taken for a release."""
    for library in LIBRARIES:
        read = _read(library, "parent-requests-child-records", opening)
        assert read.get("card", ("", True))[1] or read.get("card") is None, (library, read)


@pytest.mark.parametrize("opening", [
    "a guy says he's a detective, says it's an emergency",
    "a woman at the desk says she is a detective, it's an emergency",
])
def test_someone_who_says_they_are_a_detective_is_not_checked(opening: str) -> None:
    """P9-5 look-alike (review 2: "yes, he says he is a detective" is asked again): their word
    for who they are leaves the sworn question unchecked (Not sure: it pages)."""
    for library in LIBRARIES:
        assert _read(library, POLICE, opening).get("sworn", ("",))[0] != "yes", library


@pytest.mark.parametrize("opening", [
    "an officer wants the video from the investigation from last year, the case is closed",
    "police want footage for an investigation that's over now",
    "detective wants the lobby video, the investigation was dropped",
    "cop wants camera footage from the hit and run case, they closed the case last month",
    "officer investigating wants the parking lot video, but the case got closed",
    "an officer wants video for an investigation, the case was solved already",
    "police want the footage, investigation's over but they want it for the file",
])
def test_a_closed_case_is_no_active_investigation(opening: str) -> None:
    """P10-7: Mahomet V-B.3 gives police recordings "in support of active investigations"; a
    case said to be closed, over, dropped or solved never takes that condition (it is asked)."""
    for library in LIBRARIES:
        read = _read(library, CAMERAS, opening)
        assert read.get("investigation") != ("yes", False), (library, read)


def test_an_open_investigation_is_still_taken() -> None:
    """P10-7's other side: an investigation said outright, with nothing closing it, is taken."""
    for opening in ("police investigating a hit and run want yesterday's parking lot video",
                    "officer wants the video for an active investigation, case number 123"):
        assert _read("mahomet", CAMERAS, opening).get("investigation") == ("yes", False)
