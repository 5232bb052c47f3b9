"""A name after a Polish, Ukrainian or Russian honorific (pan, pani, пан, господин ...) is
inflected: "pani Nowakowej", "u pana Kowalskiego", "пана Олега". No name list holds every case
ending, so the capitalised words after the honorific are the name whatever their ending; a role
after it ("pani dyrektor", "пан директор") and an honorific that only begins a sentence's
address ("Proszę pana") are no names."""

from __future__ import annotations

import pytest

from bot.privacy.redact import redact


@pytest.mark.parametrize(("text", "gone"), [
    ("karta pani Wiśniewskiej jest zablokowana", ["Wiśniewskiej"]),
    ("dzwoniłam do pana Zielińskiego w sprawie książek", ["Zielińskiego"]),
    ("list leży u pana Dąbrowskiego na biurku", ["Dąbrowskiego"]),
    ("rozmawiałam z panem Grzegorzem Lisem", ["Grzegorzem", "Lisem"]),
    ("przyszła pani Krystyna Mazurkiewicz po rezerwację", ["Krystyna", "Mazurkiewicz"]),
    ("передайте пану Тарасу, что книга пришла", ["Тарасу"]),
    ("звонила жена господина Петренко", ["Петренко"]),
    ("у пани Оксани закончился абонемент", ["Оксани"]),
    ("скажіть пані Ганні Коваль про бронь", ["Ганні", "Коваль"]),
])
def test_an_inflected_name_after_a_slavic_honorific_is_masked(text: str, gone: list[str]) -> None:
    out = redact(text)
    for word in gone:
        assert word not in out, out


@pytest.mark.parametrize("text", [
    "pani dyrektor prosi o raport do piątku",
    "Proszę pana, biblioteka zamyka się o 18",
    "pan z ochrony sprawdził kamery",
    "пан директор просил отчёт",
    "господин полицейский ждёт у стойки",
    "pani z działu dziecięcego jest na urlopie",
])
def test_a_role_or_a_bare_honorific_is_no_name(text: str) -> None:
    assert redact(text) == text
