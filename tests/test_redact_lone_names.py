"""Session 13 (privacy15): names no list knows where only a person stands, and clean notes that
looked like names. The wordings are our own.

* a lone capitalised word no name list has, before what only a person does ("Priyanka asked",
  "so Tendai said"), unless it is the desk's word for someone (a team, an agency, a vendor, a
  crowd, an English word);
* a family by a surname no list has, in the plural ("the Delacroixes came in", "holds for the
  Oyelarans");
* left as written: a title in Title Case before "by" and its author, a listed work before "de"
  and its listed author, "the new <author> is in", a room named after a person with a middle
  initial, a vendor that is a surname too beside what it sends, an official by the office's
  title when the office calls or acts;
* a number written in brackets becomes "[card]", not "[[card]]".
"""

from __future__ import annotations

import pytest

from bot.privacy.redact import redact


@pytest.mark.parametrize(("note", "name"), [
    ("Priyanka asked if her hold came in", "Priyanka"),
    ("Oluwaseun wants to renew everything", "Oluwaseun"),
    ("so Tendai said her son lost his card", "Tendai"),
    ("the printer jammed. Anneliese called about the notice", "Anneliese"),
    ("FYI Priyanka asked about the fine", "Priyanka"),
    ("Also Wanjiru came in for her holds", "Wanjiru"),
    ("Łukasz asked for the scanner", "Łukasz"),
    ("Élodie wants her card renewed", "Élodie"),
    ("Petrović complained about his holds", "Petrović"),
    ("DeShawn asked for the study room", "DeShawn"),
    ("Ji-hoon asked for help printing", "Ji-hoon"),
    ("Dimitrios won't show his id", "Dimitrios"),
])
def test_a_lone_name_no_list_knows_before_a_persons_doing_is_masked(note: str, name: str) -> None:
    redacted = redact(note)
    assert name not in redacted and "[name]" in redacted


@pytest.mark.parametrize("note", [
    "Maintenance called about the boiler",
    "Facilities said the room is flooded",
    "Parents asked about the summer program",
    "Officers came in with a paper",
    "Residents complained about the noise",
    "Deputies came in at noon",
    "Witnesses said he ran out the back",
    "Comcast called about the outage",
    "Grandma wants a large print card",
    "Legal said to hold off",
    "Caller asked what time we close",
    "Everybody wants the new Baldacci",
    "OverDrive said the license renewed",
    "Youth Services called about the visit",
    "Co-worker asked me to cover",
    "Ex-husband called asking where she is",
    "Students asked for the quiet room",
    "Custodian said the bathroom is broken",
    "Volunteers came in early",
    "Security asked him to leave",
    "Lost wants it",  # an English word opening a sentence before a person's verb
    "Paperwork said nothing",
])
def test_the_desks_own_words_before_a_persons_doing_stay(note: str) -> None:
    assert redact(note) == note


@pytest.mark.parametrize(("note", "family"), [
    ("the Delacroixes came in together", "Delacroixes"),
    ("holds for the Delacroixes are on the shelf", "Delacroixes"),
    ("the Abernethys asked about the room", "Abernethys"),
    ("call the Oyelarans about the lost book", "Oyelarans"),
    ("the Delacroixes' fines are paid", "Delacroixes"),
    ("both Wojcikowskis want new cards", "Wojcikowskis"),
    ("holds for the Garcias are in", "Garcias"),
    ("tell the Smiths their hold came in", "Smiths"),
])
def test_a_family_by_its_surname_in_the_plural_is_masked(note: str, family: str) -> None:
    assert family not in redact(note)


@pytest.mark.parametrize("note", [
    "the Trustees want the report by friday",
    "the Feds came in again",
    "the Scouts asked for the meeting room",
    "the Cubs won",
    "the Simpsons dvds are missing",
    "the Rotarians asked about the lunch",
])
def test_groups_in_the_plural_stay(note: str) -> None:
    assert redact(note) == note


@pytest.mark.parametrize("note", [
    "is Fourth Wing by Rebecca Yarros still on order",
    "Lessons in Chemistry by Bonnie Garmus is due back",
    "Demon Copperhead by Barbara Kingsolver is on the shelf",
    "do we have Cien años de soledad de García Márquez in spanish",
    "el club quiere leer La casa de los espíritus de Isabel Allende",
    "the new Kristin Hannah is in",
    "the Ida B. Wells Study Room is booked all day",
    "we ordered the replacement copies from Ingram",
    "the Otis tech is fixing the elevator",
    "the Ingram shipment is late",
    "Judge Alvarez signed the order this morning",
    "Governor Pritzker's office called about the grant",
    "Sheriff Dart's office sent the form",
])
def test_authors_titles_rooms_vendors_and_officials_stay(note: str) -> None:
    assert redact(note) == note


@pytest.mark.parametrize(("note", "name"), [
    ("Jane Smith by Maria Lopez", "Maria"),  # two people, not a title and its author
    ("Reserved For Jane Smith by Maria Lopez", "Maria"),
    ("Hold Slip by Maria Lopez", "Maria"),
    ("room booked by Maria Lopez", "Maria"),
    ("el libro Cien años de soledad de Maria Lopez está vencido", "Maria"),  # her copy
    ("the new Kristin Hannah wants her card", "Kristin"),
    ("Ida B. Wells asked for her holds", "Ida"),
    ("Otis is coming in at 3 for his hold", "Otis"),
    ("Ingram wants his card back", "Ingram"),
    ("patron Otis Ingram wants his card", "Otis"),
    ("Judge Alvarez wants his overdue fines waived", "Alvarez"),
    ("Mayor Johnson called, he wants his fines waived", "Johnson"),
])
def test_the_same_names_beside_a_patrons_business_are_masked(note: str, name: str) -> None:
    assert name not in redact(note)


@pytest.mark.parametrize(("note", "redacted"), [
    ("his card [21234567890123] is blocked", "his card [card] is blocked"),
    ("phone [312-555-0199] on file", "phone [phone] on file"),
    ("[jane@example.com] emailed", "[email] emailed"),
])
def test_a_number_in_brackets_is_masked_once(note: str, redacted: str) -> None:
    assert redact(note) == redacted
    assert redact(redacted) == redacted
