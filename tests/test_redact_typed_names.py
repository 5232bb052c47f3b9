"""Names as staff type them in chat without a cue word, and the desk talk that only looks like
one (bot/privacy/typed_names.py, and the cue rules beside it in bot/privacy/redact.py).

A note opened by a lower-case given name ("kev s wants ..."), a short form with a contraction
("jen'll"), a nickname in quotes, dotted initials ("a.j."), the name an account is "under".
Every wording here is our own, written for these tests; the clean lines are desk talk full of
lower-case words that some list also has as a given name (will, may, grace, mark, bill, hope,
amber, heather), which must come through unchanged.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.privacy.redact import WITHHELD, redact


@pytest.mark.parametrize(("text", "expected"), [
    # a given name opening the note, then an initial, a person's doing, where they are from,
    # or who they are
    ("kev s wants his holds pulled", "[name] wants his holds pulled"),
    ("jade m. wants her holds pulled", "[name] wants her holds pulled"),
    ("ruby asked about the color printer", "[name] asked about the color printer"),
    ("crystal wants to renew everything again", "[name] wants to renew everything again"),
    ("rose from the knitting circle asked for the big room",
     "[name] from the knitting circle asked for the big room"),
    ("kev from upstairs is back", "[name] from upstairs is back"),
    ("dawn, the girl with the cat backpack, lost her card",
     "[name], the girl with the cat backpack, lost her card"),
    ("printer's fixed. hunter, the kid who always sits by pc 3, says thanks",
     "printer's fixed. [name], the kid who always sits by pc 3, says thanks"),
    ("will asked if his holds came in", "[name] asked if his holds came in"),
    # capitalised as a sentence opens, the same
    ("Hope asked about the color printer", "[name] asked about the color printer"),
    ("Printer's fixed. Will came by for it", "Printer's fixed. [name] came by for it"),
    # with a surname another rule masked: the given name goes with it
    ("hope kowalczyk came in for her hold", "[name] came in for her hold"),
    # a given name that is also a word, then a surname no list has: what a person does
    ("amber quellhorst wants her fines waived", "[name] wants her fines waived"),
    # a contraction or a possessive, anywhere
    ("tell kev's mom the laptop is ready", "tell [name] mom the laptop is ready"),
    ("kev'll be back after lunch for it", "[name]'ll be back after lunch for it"),
    ("pretty sure jen'd want the large print", "pretty sure [name]'d want the large print"),
    ("grace's dad called about the overdue kit", "[name] dad called about the overdue kit"),
    # a nickname in quotes: after a person or a naming verb, or before what a person does
    ('the boy "moose" left his jacket again', 'the boy "[name]" left his jacket again'),
    ("his friends call him 'tater'", "his friends call him '[name]'"),
    ('"Sparky" asked for the wifi code', '"[name]" asked for the wifi code'),
    # beside a given name, and the surname after it
    ('lucas "moose" brennagh wants his holds', '[name] wants his holds'),
    # initials with dots, in either case
    ("a.j. left his charger at pc 6", "[name] left his charger at pc 6"),
    ("r.t. said he'd pay the fine friday", "[name] said he'd pay the fine friday"),
    ("the hold is for K.L., pickup by tuesday", "the hold is for [name], pickup by tuesday"),
    # whose name a card or an account is under
    ("the card is under marisol", "the card is under [name]"),
    ("it's under grace, not her mom", "it's under [name], not her mom"),
    ("acct's under bill", "acct's under [name]"),
    ("holds are all under jen s", "holds are all under [name]"),
])
def test_a_name_typed_without_a_cue_is_masked(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    # a word that is also a name, opening a note, followed by what a thing does
    "grace period is three days for kids materials",
    "amber alert came through on the radio",
    "heather from the catalog is on back order",
    "mark it lost and bill the card",
    "Mark it lost. Bill the card. Will you hold it? May I help?",
    "guy from the copier company came to fix it",
    "press release went out this morning",
    # quotes around words, not names
    'the "quiet" room is open again',
    'the sign says "closed" but we are open, "lost" said in the note too',
    # abbreviations with dots
    "a.m. shift needs one more, bring your i.d. and check the t.v.",
    "the y.a. shelves, e.g. the manga, need shifting",
    "x.y coordinates on the map are wrong",
    # "under" before what is not a person
    "it's under the front desk, second drawer",
    "the card is under review by circ",
    "it's under grace period rules, no fine",
    # an apostrophe is no quote around a login or a name
    "the account's email bounced",
    "his name's on the list",
    # a lower-case word that a list has as a name, then a word built as English words are
    "silver civic, parked in the fire lane",
    "without a network the tests skip locally, and pass in ci",
])
def test_desk_talk_like_a_typed_name_is_unchanged(text: str) -> None:
    assert redact(text) == text


# Desk talk written for this test: programmes, IT, scheduling and patron help, in lower case,
# full of words that are also given names. Redaction must leave every line as it is.
CLEAN_DESK_TALK = [
    'will you hold it at the desk till thursday',
    'may i help whoever is next in line',
    'hope springs book club moved to the small room',
    'lane closures on oak st, bookmobile running late',
    'mark it lost and charge the replacement fee',
    'bill the card for the damaged dvd',
    'grace period is three days for kids materials',
    'art class starts at 4 in the makerspace',
    'patrons keep asking if they can sue the library over the fines',
    'brown bag lunch talk is cancelled this week',
    'rose garden tour signups are at the info desk',
    'summer reading logs go in the blue bin',
    'june is booked solid for the meeting rooms',
    'april showers craft is for ages 3 to 5',
    'august hours: we close at 6 on fridays',
    'will the printer be fixed by noon?',
    'may we put up a flyer for the bake sale?',
    'chase the vendor about the late invoice',
    'pat the scanner glass dry, it streaks',
    'penny candy jar is for the staff room only',
    'sunny days mean the lot fills up early',
    'crystal clear instructions are on the copier now',
    'amber alert came through on the radio',
    'ruby slippers display goes up friday',
    'jade plant in the lobby needs water',
    'holly wreaths from the friends group arrived',
    'ivy is growing over the book drop again',
    'dawn patrol volunteers shelve before we open',
    'faith-based groups can book room b',
    'joy of cooking is on the new shelf',
    'heather from the catalog is on back order',
    'violet is the color for the teen flyers',
    'hunter green tablecloths are in storage',
    'sterling silver bookmarks for the raffle',
    'frank discussion at the board meeting tonight',
    'earnest reminder: badges on at all times',
    'rich text is off in the catalog notes field',
    'grant report is due to the state friday',
    "dean's list students get a free print card",
    'forest preserve passes are at the desk',
    'robin egg blue paint for the story corner',
    'page the shelver on channel 2 please',
    'the wifi password changed this morning',
    'reboot the self-check, it froze again',
    'the receipt printer is out of paper',
    'can someone cover the desk at 3?',
    "the 2 o'clock storytime moved to the community room",
    'ill request came in for the cookbook',
    'the hold shelf is full, pull expired holds',
    'the book drop is jammed again',
    'a.m. shift starts at 8:30 sharp',
    'bring your i.d. to pick up the hotspot',
    "the t.v. in the teen room won't turn on",
    'p.m. desk needs one more person',
    'the y.a. section needs shelving',
    'e.g. the laptops, the hotspots and the cameras',
    "it's under the front desk, second drawer",
    'the card is under review by circ',
    'the account is under investigation by it',
    "it's under a dollar to print in color",
    'the key is under the mat at the back door',
    'the "quiet" room is open again',
    'clicked "print" twice and nothing came out',
    'the sign says "closed" but we\'re open',
    'guy from the copier company came to fix it',
    'press release for the summer reading kickoff is drafted',
    'friend of the library sale is saturday',
    'boss wants the stats by monday',
    'someone left a phone charger at pc 4',
    'the lost and found bin is full',
    'x.y coordinates on the map are wrong',
    "the kid's section needs a new rug",
]


@pytest.mark.parametrize("text", CLEAN_DESK_TALK)
def test_clean_desk_talk_is_unchanged(text: str) -> None:
    assert redact(text) == text


# Pieces of notes as staff type them: given names in lower case (some also words), initials,
# quotes, contractions, the cue words of the rules above and of test_redact_addressed_names.py,
# and plain desk words.
_PIECES = ("kev", "jen", "rose", "mark", "hope", "bill", "will", "may", "grace", "jade", "s",
           "m.", "a.j.", "J.R.", "kev'll", "jen's", "mark's", "rose'd", "'tank'", '"moose"', ",",
           ".", "(", ")", "from", "the",
           "knitting", "group", "asked", "wants", "said", "came", "in", "is", "under", "card",
           "it's", "account", "kid", "boy", "call", "him", "with", "lost", "period", "springs",
           "[name]", "holds", "fines", "tank", "moose", "okafor", "kowalczyk",
           # (names written to someone or after whose a thing is: test_redact_addressed_names)
           "tell", "ask", "back", "let", "know", "gave", "showed", "and", "tall", "guy",
           "belongs", "to", "t.", "last", "name", "field", "surname:", "ông", "pani", "van",
           "thi", "le", "ziggy", "now", "kasia", "wojtek", "thuy", "555–0150", "(555)0150",
           "branch", "fiction", "afternoon")
_typed_note = st.lists(st.sampled_from(_PIECES), min_size=1, max_size=12).map(" ".join)


@settings(max_examples=500, deadline=None, derandomize=True)
@given(note=_typed_note)
def test_redacting_typed_names_never_fails_and_is_idempotent(note: str) -> None:
    """Whatever order the pieces come in, no rule faults (a fault would withhold the note) and
    masking again masks nothing more."""
    once = redact(note)
    assert once != WITHHELD
    assert redact(once) == once
