"""Names in places the cues did not reach: a Tagalog personal article before a name ("si
Marites", "ni Jomar"), a hyphenated given name in lower case after "she is" / "this is"
("she is mary-kate"), a person's initials before a bracket that describes them and then what
they did ("KC (the tall guy) called"), and an Arabic name joined by عبد or أبو (محمد عبد الله).
Look-alikes: agencies and offices in capitals before a bracket, a Spanish "si", a lower-case
hyphenated word after "this is"."""

from __future__ import annotations

import pytest

from bot.privacy.redact import redact


@pytest.mark.parametrize(("text", "gone"), [
    ("si Marites ay naghihintay sa labas", ["Marites"]),
    ("tinawagan ko si Jomar kanina tungkol sa libro", ["Jomar"]),
    ("hiniram ni Rodelio Manalastas ang laptop", ["Rodelio", "Manalastas"]),
    ("she is mary-kate, the one from storytime", ["mary-kate"]),
    ("this is jo-anne from upstairs, she lost her card", ["jo-anne"]),
    ("he is jean-luc and he wants his holds", ["jean-luc"]),
    ("KC (the tall guy with the cane) called twice", ["KC"]),
    ("DW (regular, mornings) wants the paper held", ["DW"]),
    ("محمد عبد الله يسأل عن بطاقته", ["محمد", "عبد", "الله"]),
    ("خالد أبو زيد ترك هاتفه هنا", ["خالد", "أبو", "زيد"]),
])
def test_a_name_in_these_places_is_masked(text: str, gone: list[str]) -> None:
    out = redact(text)
    for word in gone:
        assert word not in out, out


@pytest.mark.parametrize("text", [
    "FBI (two agents) called about the footage",
    "HR (the new hire paperwork) called back",
    "ICE (two officers) came to the desk",
    "UPS (the driver) came by with boxes",
    "si claro que sí, mañana abrimos",
    "this is follow-up from yesterday's call",
    "she is well-known at the branch, no issue",
])
def test_look_alikes_stay(text: str) -> None:
    assert redact(text) == text
