"""Licence plates as staff copy them off a car: quoted vanity plates after a plate cue, plates
with a state or region in brackets after them, the plate shapes of other countries and their
own words for a plate. A plate names its owner as surely as a card number does. Clean
look-alikes (a room, a form, a quoted book title after "plate", a street) must stay."""

from __future__ import annotations

import pytest

from bot.privacy.redact import redact


@pytest.mark.parametrize(("text", "plate"), [
    ('vanity plate "BOOKWRM" on the van', "BOOKWRM"),
    ("his plate reads 'GO CUBS' - red jeep in the fire lane", "GO CUBS"),
    ("tag says \u201cLIBRARY1\u201d, parked in the handicap spot", "LIBRARY1"),
    ("personalized plate \u2018NANA 4\u2019 left its lights on", "NANA 4"),
])
def test_a_vanity_plate_in_quotes_after_a_plate_cue_is_masked(text: str, plate: str) -> None:
    out = redact(text)
    assert plate not in out and "[plate]" in out, out


@pytest.mark.parametrize(("text", "plate"), [
    ("white van, KLM-4821 (IL), blocking the book drop", "KLM-4821"),
    ("the sedan 8TRD274 (CA) has been here all night", "8TRD274"),
    ("grey truck 4521-KM (Ontario) idling by the door", "4521-KM"),
    ("saw the same car again: GT 7 8812 (Indiana)", "GT 7 8812"),
    ("a hatchback, WX12 ABC [UK], parked across two spots", "WX12 ABC"),
])
def test_a_plate_with_its_state_in_brackets_is_masked(text: str, plate: str) -> None:
    out = redact(text)
    assert plate not in out and "[plate]" in out, out


@pytest.mark.parametrize(("text", "plate"), [
    ("placa ABC-123-D, un coche azul en la entrada", "ABC-123-D"),
    ("matrícula 4821 KLM en el estacionamiento", "4821 KLM"),
    ("numer rejestracyjny WA 12345 stoi na miejscu dla inwalidów", "WA 12345"),
    ("tablica rejestracyjna KR 4T512 przy wejściu", "KR 4T512"),
    ("Kennzeichen B-MK 4721 steht vor der Tür", "B-MK 4721"),
    ("госномер А123ВС 77, машина стоит у входа", "А123ВС 77"),
    ("biển số 51F-123.45 đậu trước cửa", "51F-123.45"),
    ("车牌 京A12345 停在门口", "京A12345"),
])
def test_a_plate_after_another_language_s_plate_word_is_masked(text: str, plate: str) -> None:
    out = redact(text)
    assert plate not in out and "[plate]" in out, out


@pytest.mark.parametrize(("text", "kept"), [
    ("plate ABC 1234 on the silver car in the lot", "on the silver car"),
    ("the plate was ABCD 123 on a white van", "on a white van"),
])
def test_a_plate_cue_masks_the_plate_not_the_words_after_it(text: str, kept: str) -> None:
    out = redact(text)
    assert "[plate]" in out and kept in out, out


@pytest.mark.parametrize("text", [
    'the plate says "Thank you" in the craft room',
    "meeting in Room B-12 (east wing) at 4",
    "form LR-2 (IL) is the records request form",
    "the series (DC) is on the new shelf",
    "tablica ogłoszeń przy wejściu jest pełna",
    "номер телефона библиотеки на сайте",
    "ISBN 978-0-14-028329-7 (paperback) arrived",
])
def test_plate_look_alikes_stay(text: str) -> None:
    assert redact(text) == text
