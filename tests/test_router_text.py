"""The normalisation steps meet a character however it is written, and a call's memo changes
no word: the tokeniser skips a step when the text lacks what the step needs (an apostrophe, a
slash, an accent), so these pin the words for texts that have them in other spellings."""

from __future__ import annotations

from bot.router.text import Normaliser, one_message, plain_words, words


def test_an_apostrophe_or_slash_written_full_width_is_read_as_the_ascii_one() -> None:
    assert words("he＇ll bring it") == words("he'll bring it") == ("he", "will", "bring", "it")
    assert words("Ｗ／Ｏ a warrant") == words("w/o a warrant") == ("without", "a", "warrant")
    assert words("her mom＇s card") == words("her mom's card")
    assert plain_words("Ｍａｒｉａ＇ｓ card") == plain_words("maria's card") == ["marias", "card"]


def test_accents_go_and_other_scripts_stay() -> None:
    assert words("La policía pidió el historial") == words("la policia pidio el historial")
    assert plain_words("Policía 警察 Ärzte") == ["policia", "警察", "arzte"]
    assert words("[name] has a card") == words("has a card")


def test_slang_of_several_words_is_taken_longest_first_and_alone_otherwise() -> None:
    assert words("her step dad is here") == words("her stepfather is here")
    assert words("step on it") == ("step", "on", "it")  # no key of two words starts here
    assert words("ICE agent at the desk")[:2] == ("immigration", "agent")


def test_corrections_within_one_call_are_those_made_outside_any() -> None:
    normaliser = Normaliser({"warrant", "subpoena", "investigator", "checkout"})
    typed = ["warrent", "subpeona", "investigatr", "checkouts", "quimbleworth", "warrants"]
    outside = [normaliser.correct(w) for w in typed]
    with one_message():
        inside = [normaliser.correct(w) for w in typed]
        again = [normaliser.correct(w) for w in typed]  # from the call's memo
    assert outside == inside == again
    assert outside[:3] == ["warrant", "subpoena", "investigator"]
