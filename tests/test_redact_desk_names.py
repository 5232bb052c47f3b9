"""Names as the desk writes them where a word, a shelf or a number could stand, and the look-alikes.

A given name that is also an English word (dawn, grace, mark, lily) is masked after a hold or a
pick-up for someone, and as a note's subject set off by who the person is or where they live;
a Korean name in its order, a son or a daughter named in Polish, Somali or Spanish, a login
made of a word and a given name, initials from a group or a lower-case initial before a
surname, a family by its surname in the plural, and a birth date said in words or without its
year. Each has a clean look-alike kept as written ("hold for pickup",
"holds for christian fiction", "the park re-opened", "print_queue is stuck", "birthday party").
Every line is our own, written for these tests.
"""

from __future__ import annotations

import pytest

from bot.privacy.redact import redact


@pytest.mark.parametrize(("text", "expected"), [
    # a hold or a pick-up for someone
    ("hold for deb on the cart, she'll be in after 5",
     "hold for [name] on the cart, she'll be in after 5"),
    ("two holds for lily and ray, pickup shelf", "two holds for [name] and [name], pickup shelf"),
    ("holds for hope and grace are on the shelf", "holds for [name] and [name] are on the shelf"),
    ("picking up for mark, he's sick", "picking up for [name], he's sick"),
    ("pick it up for dawn tomorrow", "pick it up for [name] tomorrow"),
    ("hold for faith green at the front", "hold for [name] at the front"),
    ("picking up for jordan price today", "picking up for [name] today"),
    ("lil marco from the homework club is waiting for his mom",
     "[name] from the homework club is waiting for his mom"),
    # the note's subject, set off by who they are or where they live
    ("dawn, 12 elm st, is asking about her fines", "[name], [address], is asking about her fines"),
    ("summer, the girl with the purple backpack, left her phone",
     "[name], the girl with [description], left her phone"),
    ("rose, 22 pine ave, wants the hold moved", "[name], [address], wants the hold moved"),
    # a Korean name in its order
    ("park ji-hoon's mom wants his checkout list", "[name] mom wants his checkout list"),
    ("Kim So-yeon left her card", "[name] left her card"),
    ("han so-hee is at the desk", "[name] is at the desk"),
    # a son or a daughter in the languages of the desk
    ("matka syna Bartosz chce wiedzieć co wypożyczył",
     "matka syna [name] chce wiedzieć co wypożyczył"),
    ("ojciec córki Zuzanna pyta o jej konto", "ojciec córki [name] pyta o jej konto"),
    ("hooyada gabadheeda Hodan ayaa joogta", "hooyada gabadheeda [name] ayaa joogta"),
    ("su hija Valentina quiere su historial", "su hija [name] quiere su historial"),
    # a login, initials from a group, a family in the plural
    ("booklover_jane left her card at the desk", "[handle] left her card at the desk"),
    ("jane_reads is her login", "[handle] is her login"),
    ("JT from the teen group left his hoodie", "[name] from the teen group left his hoodie"),
    ("the Hendersons' fines are past 50", "the [name]' fines are past 50"),
    ("the Garcias are here for their holds", "the [name] are here for their holds"),
    ("the Smiths' kids were loud in the lab", "the [name]' kids were loud in the lab"),
    # a birth date said in words
    ("dob nineteen ninety one, may 4", "dob [dob]"),
    ("her birthday is march third nineteen eighty seven", "her birthday is [dob]"),
    ("born in two thousand and nine, per mom", "born in [dob], per mom"),
    # a birth date without its year, in figures or day first (review 7 M4)
    ("dob 5/4, wants a new card", "dob [dob], wants a new card"),
    ("birthday 3/14, forgot her card", "birthday [dob], forgot her card"),
    ("dob 05/04", "dob [dob]"),
    ("dob: 3rd of march", "dob: [dob]"),
    ("her birthday is 3 march", "her birthday is [dob]"),
    # an initial in lower case before a surname (review 7 M4)
    ("j smith wants his holds", "[name] wants his holds"),
    ("jl smith wants his holds", "[name] wants his holds"),
    ("k jones called about fines", "[name] called about fines"),
    ("r okafor's card is blocked", "[name] card is blocked"),
    ("she says her ex Brandon Coles keeps calling", "she says her ex [name] keeps calling"),
])
def test_a_name_written_like_a_word_is_masked(text: str, expected: str) -> None:
    assert redact(text) == expected


CLEAN_LOOK_ALIKES = [
    "hold for pickup on the cart",
    "holds for christian fiction are on the cart",
    "holds for today are pulled",
    "hold for grace period questions at the desk",
    "holds for summer reading prizes",
    "picking up for my mom, she said",
    "lil bit of a mess in the lab",
    "summer, the season of reading, starts monday",
    "summer, who knew it would be this busy",
    "may, the month of the book sale",
    "the park re-opened after the storm",
    "park well-lit areas only after dark",
    "la hija de la vecina quiere el formulario",
    "la señora de la limpieza dejó la llave",
    "error channel_not_found again on the kiosk",
    "print_queue is stuck again",
    "user_mark_as_lost is the button in the ILS",
    "PD from the county task team called",
    "ESL from the adult class needs the room",
    "the Simpsons dvd set came back scratched",
    "the Beatles cds are scratched",
    "the Browns are playing sunday, expect a quiet afternoon",
    "birthday party in the teen room at 4",
    "born in the spring, the kittens at the shelter display",
    "room 12 is on main st, next door",
    "renewed 5/4 items for the book club",
    "due 3/14, the sale copies",
    "birthday party 3/14 in the teen room",
    "Shakespeare's birthday 4/23 program is in the Oak Room",
    "tv stand is broken again",
    "ok cool was all he said",
    "the ill request is in",
    "a smith wants to teach a class on forging",
]


@pytest.mark.parametrize("text", CLEAN_LOOK_ALIKES)
def test_the_look_alikes_are_unchanged(text: str) -> None:
    assert redact(text) == text
