"""A staff question that names people ("Can I tell Bill Moss that Deepak Raghunathan picked up
her hold?") loses every name (review 8 M2).

A name no list knows is masked from its shape: two capitalised words mid-sentence. In Title
Case text (a heading, a form's name) that shape says nothing, so the names are not read from it;
the note was taken for Title Case when two ordinary words were capitalised mid-sentence. The
pronoun "I" of "Can I…"/"Should I…" was one of them, so one first name that is also a word (Bill,
Will, Hope, Guy, Art, June, Rich) made the whole question Title Case and left the other name.
A word English capitalises in every sentence (I, a weekday, a month, Mr) is no sign of Title
Case now. Look-alikes: questions in Title Case, form names, offices and places stay."""

from __future__ import annotations

import pytest

from bot.privacy.redact import redact


@pytest.mark.parametrize(("text", "gone"), [
    ("Can I tell Bill Moss that Deepak Raghunathan picked up her hold?",
     ["Bill", "Moss", "Deepak", "Raghunathan"]),
    ("can I give the card from Chidera Okoro-Haddad to Hope Kowalczyk?",
     ["Chidera", "Okoro-Haddad", "Hope", "Kowalczyk"]),
    ("Should I text Guy Marchetti about Wairimu Njoroge or leave it?",
     ["Guy", "Marchetti", "Wairimu", "Njoroge"]),
    ("Can I share Bayarmaa Ganbold's list with Art Delgado?",
     ["Bayarmaa", "Ganbold", "Art", "Delgado"]),
    ("Should I mention Tenzin Dorje to Rich Halloran at all?",
     ["Tenzin", "Dorje", "Rich", "Halloran"]),
    ("I think Will Brennan left; should I tell Sakura Hoshino on Monday?",
     ["Will", "Brennan", "Sakura", "Hoshino"]),
    ("Can I tell Summer Whitfield that Aigerim Yerlanovna Zhumabek is here?",
     ["Aigerim", "Yerlanovna", "Zhumabek"]),
    # two notes pasted together: the first question's "I" and "Bill" left the second's name
    ("Can I tell Bill Moss's mother what he owes? he's 22\ncan someone call back Deepak "
     "Raghunathan at 847-555-0190 ext 12", ["Bill", "Moss", "Deepak", "Raghunathan"]),
])
def test_every_name_in_a_staff_question_is_masked(text: str, gone: list[str]) -> None:
    out = redact(text)
    for word in gone:
        assert word not in out, out
    assert redact(out) == out


@pytest.mark.parametrize("text", [
    "Can I Renew Online?",
    "Should I Call Dispatch?",
    "Can I Get A Replacement Card?",
    "Should I Escalate To The Director Now?",
    "I Want To Report A Lost Item",
    "Can I put The Hunger Games on hold for the book club?",
    "Should I send it to Springfield Police Department?",
    "Can I book the Meeting Room on Monday for Teen Advisory Board?",
    "Can I ask the Youth Services Librarian first?",
    "Should I call Lake County Sheriff's Office or Oak Park Police?",
    "Can I open the Local History Room on Saturday in March?",
    "Can I tell Human Resources about Adult Services?",
    "WHAT DO I DO, GUY HAS A KNIFE IN THE LOBBY",
])
def test_questions_without_a_name_stay(text: str) -> None:
    assert redact(text) == text
