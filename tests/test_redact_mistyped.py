"""Identifiers typed a little wrong are still identifiers: an email with a doubled ``@`` or a
space in it, a surname after a nickname in a bracket *and* quotes, a licence plate in the
shapes staff copy off a car (a dash, a space, a state in brackets, a vanity plate in quotes).
A hurried clerk mistypes; the patron's data must not slip through because of it. Each class
has clean look-alikes beside it that must stay as they are."""

from __future__ import annotations

import pytest

from bot.privacy.redact import redact


@pytest.mark.parametrize(("text", "gone"), [
    ("her email is rosa.quint@@gmail.com, she never got the notice", ["rosa.quint", "gmail.com"]),
    ("email: derek.olafsen @ yahoo.com", ["derek.olafsen", "yahoo.com"]),
    ("send the receipt to bkhalil@ outlook.com please", ["bkhalil", "outlook.com"]),
    ("mail it to ivy.tran@hotmail .com", ["ivy.tran", "hotmail"]),
    ("her address on file: m.ferreira @@ proton.me", ["m.ferreira", "proton.me"]),
    ("wrote it as pat_obi@ gmail . com on the form", ["pat_obi", "gmail"]),
])
def test_a_mistyped_email_is_still_an_email(text: str, gone: list[str]) -> None:
    out = redact(text)
    assert "[email]" in out
    for part in gone:
        assert part not in out, out


@pytest.mark.parametrize("text", [
    "meet me @ the desk at 3",
    "we're @ capacity. com back later",
    "the printer @ branch 2 is down",
    "tickets @ $5 each. Doors at 6",
])
def test_an_at_sign_in_a_sentence_is_no_email(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(("text", "gone"), [
    ("Anna ('Ania') Nowak returned the laptop", ["Anna", "Ania", "Nowak"]),
    ('Beatriz ("Bea") Okonkwo wants her holds moved', ["Beatriz", "Bea", "Okonkwo"]),
    ("Grzegorz ('Grzesiek') Wójcik left his scarf", ["Grzegorz", "Grzesiek", "Wójcik"]),
    ("Theodore (\u201cTeddy\u201d) Marchetti is at the door", ["Theodore", "Teddy", "Marchetti"]),
])
def test_a_surname_after_a_nickname_in_brackets_and_quotes_is_masked(
        text: str, gone: list[str]) -> None:
    out = redact(text)
    for word in gone:
        assert word not in out, out


@pytest.mark.parametrize("text", [
    "the book ('Dune') Arrived today",
    "shelved it ('oops') Monday",
])
def test_a_quoted_word_in_brackets_alone_is_no_name(text: str) -> None:
    assert redact(text) == text
