"""Desk talk that looks like names and is none, and the names that look like desk talk.

Book talk names authors and titles ("the new Louise Penny", "a copy of Beloved and Sula",
"libros de la autora Isabel Allende"); a shelf is read by its call number ("973.932 OBA");
rooms, makers, holidays, letter and month ranges and times are capitalised or numbered like a
name or an address. Redaction must leave them as written, while the same words after a
person's cue are still masked ("patron Dell Jones", "Holi Patel asked"), and so are the words a
patron's own loans and papers share with book talk ("Maria Lopez books are overdue", "a copy
of Ana Ruiz license", "los libros de Sofía Ramírez": review 7 C1). Every line here is our own,
written for these tests (not taken from the canary sets, which the redactor is measured on).
"""

from __future__ import annotations

import pytest

from bot.privacy.redact import redact

CLEAN_BOOK_TALK = [
    # an author after "new", "latest", or before book talk, in English and other languages
    "patron wants the new Louise Penny",
    "is the latest Ann Cleeves on order yet",
    "her next Tana French is due in march",
    "the Lincoln biography is on the hold shelf",
    "the Kate DiCamillo display needs more copies",
    "Rick Riordan sequels are always out",
    "the Michelle Obama memoir has 30 holds",
    "looking for libros de la autora Isabel Allende",
    "Bücher der Autorin Cornelia Funke sind ausgeliehen",
    "des livres de l'auteur Marcel Pagnol sont au fond",
    "poems by the poet Joy Harjo for the class",
    "a copy of Beloved and Sula for the book club",
    "two copies of Educated and Hillbilly Elegy came back damaged",
    # a famous person as the subject of a work
    "looking for a book about Malala for her report",
    "the documentary on Ruth Bader Ginsburg is on order",
    "anything about Tupac for the teen display?",
    # a call number read from the spine
    "shelve it at 973.932 OBA",
    "the dvd is at 791.4572 SHE",
    "spanish fiction (863 GAR) is on the second floor",
    "call number 641.5945 BAT, cookbooks",
    # rooms, makers, holidays
    "the Grant Room is booked all afternoon",
    "meeting in the Oak Room at 3",
    "la réunion est dans la salle Monet",
    "họp ở phòng Sen lúc 2 giờ",
    "the sala Neruda has the projector",
    "the Dell in the lab keeps freezing",
    "patron asked if we lend Amazon Echo devices",
    "the Roku in the teen room needs a reset",
    "closed for Thanksgiving on thursday",
    "cerrado por el Día de Acción de Gracias",
    "Christmas hours are on the door",
    "St. Charles Public Library sent the ILL",
    "the Birch St branch has the copy",
    # ranges and times
    "holds for last name A-F are on the left shelf",
    "new hours Jan–Mar are posted",
    "the June-Aug calendar is at the printer",
    "I'm free at 2 for the group",
    "signups are at 400 already",
    "storytime moved to 10 sharp on friday",
    # a title of another language, then its own words (review 6 m1)
    "hay un señor con un cuchillo en la sección de revistas",
    "có ông kia đang bán thuốc ở mấy bàn phía sau",
    "la señora con su hija quiere ver el historial",
    "patron wants her maiden name taken off her account after the divorce",
    # words that are names only after a cue
    "hold for pickup on the cart",
    "will you call the branch about the delivery",
    "summer reading signups start monday",
    "Stephen King display is running low",
]


@pytest.mark.parametrize("text", CLEAN_BOOK_TALK)
def test_book_and_desk_talk_is_unchanged(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(("text", "expected"), [
    # the same words, where a person is meant
    ("patron Dell Jones wants his card", "patron [name] wants his card"),
    ("Holi Patel asked about the fine", "[name] asked about the fine"),
    ("Dell asked about her fine", "[name] asked about her fine"),
    ("Christmas Okafor wants a new card", "[name] wants a new card"),
    ("Brianna Dell'Acqua's card is blocked", "[name] card is blocked"),
    ("Stephen King's books are overdue, he wants the fines waived",
     "[name] books are overdue, he wants the fines waived"),
    ("la señora Guadalupe Reyes quiere su historial", "la señora [name] quiere su historial"),
    ("ông tuan asked for his hold", "ông [name] asked for his hold"),
    ("señora lupe con su hija", "señora [name] con su hija"),
    ("maiden name Okonkwo on the old card", "maiden name [name] on the old card"),
    ("patron called about Jane Doe's hold", "patron called about [name] hold"),
    # book words a patron's own loans share (review 7 C1): "X books", "books of/de/von X",
    # "a copy of X <papers>", "the new/old X card" are the patron's
    ("Maria Lopez books are overdue, she wants to renew",
     "[name] books are overdue, she wants to renew"),
    ("Jane Doe books are still overdue", "[name] books are still overdue"),
    ("the old Maria Lopez account has fines", "the old [name] account has fines"),
    ("the new Sarah Jones card is ready for pickup", "the new [name] card is ready for pickup"),
    ("her last Johnson card expired", "her last [name] card expired"),
    ("made a copy of Ana Ruiz license for the file", "made a copy of [name] license for the file"),
    ("printed 3 copies of Maria Lopez resume", "printed 3 copies of [name] resume"),
    ("dvds of Carlos Perez are late", "dvds of [name] are late"),
    ("anything of John Smith's on hold", "anything of [name] on hold"),
    ("hold for Libby", "hold for [name]"),
    ("the hold is for Natal", "the hold is for [name]"),
    ("la mamá quiere ver los libros de Sofía Ramírez", "la mamá quiere ver los libros de [name]"),
    ("quiere saber los libros de maria lopez", "quiere saber los libros de [name]"),
    ("les livres de Marie Dupont sont en retard", "les livres de [name] sont en retard"),
    ("Bücher von Anna Schmidt sind überfällig", "Bücher von [name] sind überfällig"),
    # ... and a book cue with a noun after the name: the patron's thing (review 7 C1 residual)
    ("the latest Maria Lopez complaint came in today",
     "the latest [name] complaint came in today"),
    ("the next Carlos Perez appointment is at 3", "the next [name] appointment is at 3"),
    ("a copy of Maria Lopez ID for the file", "a copy of [name] ID for the file"),
    ("Maria Lopez display case is for her quilts, she wants it back",
     "[name] display case is for her quilts, she wants it back"),
    ("Maria Lopez display of her paintings is in the lobby",
     "[name] display of her paintings is in the lobby"),
    ("email from Libby Hart about her account", "email from [name] about her account"),
    ("the new Libby Hart card", "the new [name] card"),
    ("Libby Hart, the quiet one, asked again", "[name], the quiet one, asked again"),
    ("el señor con su hijo carlos perez quiere renovar",
     "el señor con su hijo [name] quiere renovar"),
    ("la señora garcia con su hija maria quiere sus libros",
     "la señora [name] con su hija [name] quiere sus libros"),
    # a phone number with capitals after it is still a phone number
    ("call 555.0199 ASAP", "call [phone] ASAP"),
    ("ph 555.0199 ABC", "ph [phone] ABC"),
    ("(312) 555.0199 MON", "[phone] MON"),
    ("his plate is 863 GAR", "his plate is [plate]"),
    # a street after "at" is still an address
    ("she lives at 14 maple", "she lives at [address]"),
    # a Vietnamese name whose given name is a word, after a cue for capitalised words
    ("Mrs. Pham Thi An called about the fine", "Mrs. [name] called about the fine"),
    ("patron Nguyen Van An wants her holds", "patron [name] wants her holds"),
])
def test_the_same_words_naming_a_person_are_masked(text: str, expected: str) -> None:
    assert redact(text) == expected
