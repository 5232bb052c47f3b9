"""`frontdesk pack new`: a guided conversation that turns a library's policy into a pack.

The steps follow docs/packs.md: approve the normalised text (shown as a diff), accept the
proposed clauses, answer every fact as a plain question with the likely clauses suggested,
name the roles with the policy's own titles, and say what staff do when nobody answers a page.
The pack is written whole at the end (policy.txt, source.txt, pack.yaml, clauses.lock) into a
new folder, or nothing is written. ``read`` and ``say`` are injected, like the terminal chat's,
so the same conversation runs at a keyboard and in tests.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from bot.authoring.facts import FactSpec, applies, registry, suggest
from bot.authoring.normalise import diff, normalise, words
from bot.authoring.outline import ProposedClause, propose
from bot.content.packs import STAND_IN

Read = Callable[[str], str]
Say = Callable[[str], None]
Edit = Callable[[str], "str | None"]

US_STATES = tuple(
    line for line in (files("bot") / "data" / "packs" / "us_states.txt").read_text("utf-8")
    .splitlines() if line and not line.startswith("#"))
_DATE = re.compile(r"\b(\d{1,2}[/-]\d{1,2}[/-]\d{2,4}|(?:January|February|March|April|May|June|"
                   r"July|August|September|October|November|December)\s+\d{1,2},\s+\d{4})\b")
_TITLE = re.compile(r"\b((?:(?:Executive|Deputy|Assistant|Library|Branch|Associate)\s+)*"
                    r"(?:Director|Administrator|Privacy In-Charge|Privacy Officer|Manager|"
                    r"Librarian|Custodian of Records))\b")
_LONG_HEADLINE = re.compile(r"headline is (\d+) characters.*?: (?P<headline>.*)$")
PROGRESS_FILE = "wizard-answers.yaml"
LIBRARY_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


_DATE_LABEL = re.compile(r"(?P<label>\b[A-Za-z][A-Za-z ]{1,30}?)\s*:\s*(?P<date>"
                         + _DATE.pattern[3:-3] + r")")
_LIBRARY_NAME = re.compile(r"\b(?:[A-Z][\w.'&-]*[ \t]+)+(?:Library|LIBRARY)"
                           r"(?:[ \t]+(?:District|System|Services|DISTRICT|SYSTEM|SERVICES))?\b")
_POLICY_WORDS = re.compile(r"privacy|confidential|records", re.IGNORECASE)
_LETTERHEAD = re.compile(r"\d{3}.*\d{4}|www\.|https?:|\.(?:org|com|net|gov|us)\b|@", re.IGNORECASE)


def _edit_in_editor(text: str) -> str | None:
    """The text as the person left it in $EDITOR (None: closed without saving)."""
    import click

    return click.edit(text, extension=".txt", require_save=True)


def word_changes(raw: str, text: str) -> list[str]:
    """The words ``text`` drops (-) or adds (+) compared with the pasted policy."""
    import difflib

    before, after = words(raw), text.split()
    out: list[str] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag != "equal":
            out.append(" ".join(["-" + w for w in before[a0:a1]] + ["+" + w for w in after[b0:b1]]))
    return out


def library_name_guess(text: str) -> str:
    """The library's name: the "… Library (District)" phrase the text uses most."""
    names: dict[str, int] = {}
    for match in _LIBRARY_NAME.finditer(text):
        name = re.sub(r"^(?:The|THE|This|By|Of)\s+", "", match[0].replace("\n", " "))
        if len(name.split()) < 2:
            continue
        if name.isupper():
            name = name.title()
        names[name] = names.get(name, 0) + 1
    return max(names, key=lambda n: names[n], default="")


def policy_title_guess(text: str, library: str) -> str:
    """The policy's title: an early short line about privacy or records, not the letterhead."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()][:8]
    candidates = []
    for line in lines:
        if len(line.split()) > 10 or _LETTERHEAD.search(line) or _DATE.search(line):
            continue
        if library and line.lower().startswith(library.lower()):
            line = line[len(library):].strip(" -–—:")
        if line and line.lower() != library.lower():
            candidates.append(line)
    about = [c for c in candidates if _POLICY_WORDS.search(c)]
    return (about or [c for c in candidates if "polic" in c.lower()] or candidates or [""])[0]


_DATE_WORD = re.compile(r"\b(adopted|revised|approved|effective|amended|reviewed|updated)\b",
                        re.IGNORECASE)


def labelled_dates(text: str) -> dict[str, str]:
    """Dates the text labels itself ("ADOPTED: 11-21-15", "Revised: 12/4/2018"); a label that
    says who acted ("Adopted by the Board of Trustees:") is recorded by what was done."""
    dates: dict[str, str] = {}
    for match in _DATE_LABEL.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        said = _DATE_WORD.findall(text[line_start:match.start("date")])
        label = said[-1].lower() if said else "_".join(match["label"].lower().split()[-3:])
        dates.setdefault(label, match["date"])
    return dates


def _conditions_of(way: dict[str, Any]) -> list[str]:
    return ([way["who"]] if way.get("who") else []) + list(way.get("needs", ()))


def _plain(value: Any) -> str:
    """An answer as the note states it ("Yes.", "No.", "30.")."""
    if isinstance(value, bool):
        return "Yes." if value else "No."
    return f"{value}".rstrip(".") + "."


class WizardStopped(Exception):
    """The person stopped (end of input or 'quit'); no pack was written (the answers so far are
    kept in the pack's folder, to resume from)."""


@dataclass
class LongHeadline:
    """A reply headline over 120 characters with the titles tried, and the fact answers it
    contains (longest first): what to shorten."""

    length: int
    where: str
    headline: str
    facts: list[str]


@dataclass
class Answers:
    """What the wizard has gathered so far."""

    header: dict[str, Any] = field(default_factory=dict)
    clauses: list[ProposedClause] = field(default_factory=list)
    facts: dict[str, dict[str, Any]] = field(default_factory=dict)
    roles: dict[str, dict[str, Any]] = field(default_factory=dict)
    contacts: dict[str, str] = field(default_factory=dict)
    releases: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


class PackWizard:
    def __init__(self, library_id: str, raw_policy: str, content_root: Path, *,
                 read: Read, say: Say, edit: Edit = _edit_in_editor):
        self.library_id = library_id
        self.raw = raw_policy
        self.root = content_root
        self.read = read
        self.say = say
        self.edit = edit
        self.text = normalise(raw_policy)
        self.answers = Answers()
        self.progress = content_root / "knowledge" / library_id / PROGRESS_FILE
        self.typed: list[str] = []  # every answer so far, in order: saved as it goes
        self.replay: list[str] = []  # saved answers still to be given again on resume

    # --- asking ----------------------------------------------------------------------------

    def ask(self, prompt: str, default: str = "") -> str:
        shown = f"{prompt} [{default}] " if default else f"{prompt} "
        if self.replay:
            answer = self.replay.pop(0)
            self.say(f"{shown}{answer}")
        else:
            try:
                answer = self.read(shown).strip()
            except EOFError:
                raise WizardStopped(self._stopped("stopped before the end")) from None
            if answer.lower() in ("quit", "exit"):
                raise WizardStopped(self._stopped("stopped"))
        self.typed.append(answer)
        self._save_progress()
        return answer or default

    def _stopped(self, what: str) -> str:
        if not self.typed:
            return f"{what}; nothing was written"
        return (f"{what}; no pack was written. Your {len(self.typed)} answers so far are kept in "
                f"{self.progress}: run the same command again to resume from them")

    def _policy_key(self) -> str:
        import hashlib

        return hashlib.sha256(self.raw.encode("utf-8")).hexdigest()

    def _save_progress(self) -> None:
        """Every answer so far (the wizard's answers about the policy; no patron data), so an
        interrupted or restarted run can resume instead of asking everything again."""
        self.progress.parent.mkdir(parents=True, exist_ok=True)
        scratch = self.progress.with_suffix(".tmp")
        scratch.write_text(yaml.safe_dump({"policy_sha256": self._policy_key(),
                                           "answers": self.typed}, allow_unicode=True),
                           encoding="utf-8")
        scratch.replace(self.progress)

    def saved_answers(self) -> list[str]:
        """The answers an earlier run of the wizard on this same policy text saved."""
        try:
            saved = yaml.safe_load(self.progress.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            return []
        if not isinstance(saved, dict) or saved.get("policy_sha256") != self._policy_key():
            return []
        return [str(a) for a in saved.get("answers") or [] if isinstance(a, str)]

    def offer_resume(self) -> None:
        saved = self.saved_answers()
        if not saved:
            return
        try:
            answer = self.read(f"An earlier run saved {len(saved)} answers in {self.progress}. "
                               "Resume from them (you can still change any answer later "
                               "prompts ask)? (y/n) [y] ").strip().lower()
        except EOFError:
            raise WizardStopped("stopped; nothing was written") from None
        if answer in ("", "y", "yes"):
            self.replay = list(saved)
            self.say(f"Resuming: your {len(saved)} earlier answers are given again below.")

    def ask_yes(self, prompt: str, default: bool = True) -> bool:
        while True:
            answer = self.ask(f"{prompt} (y/n)", "y" if default else "n").lower()
            if answer in ("y", "yes"):
                return True
            if answer in ("n", "no"):
                return False
            self.say("  Please answer y or n.")

    # --- the steps ---------------------------------------------------------------------------

    def run(self) -> Path:
        """Every step, then write the pack; returns its folder."""
        self.say(f"New policy pack: {self.library_id} (type 'quit' to stop; the pack is written "
                 "at the end, and your answers are kept as you go so a stopped run can resume).")
        self.offer_resume()
        self.step_text()
        self.step_header()
        self.step_clauses()
        self.step_facts()
        self.step_roles()
        self.step_titles()
        self.step_releases()
        self.step_contacts()
        return self.write()

    def step_text(self) -> None:
        self.say("\n1. The policy text. Staff are quoted it word for word; only markup is "
                 "removed.")
        if not diff(self.raw, self.text):
            self.say("   Nothing to remove: the text is used as pasted.")
            return
        self.say(diff(self.raw, self.text))
        while True:
            choice = self.ask("   Use the text on the right (+) as policy.txt? (a)ccept, (e)dit "
                              "it in your editor, (r)eject", "a").lower()
            if choice in ("a", "accept", "y", "yes"):
                return
            if choice in ("r", "reject", "n", "no"):
                raise WizardStopped("the normalised text was not approved; fix the pasted text "
                                    "and run again (nothing was written)")
            if choice not in ("e", "edit"):
                self.say("   Please answer a, e or r.")
                continue
            edited = self.edit(self.text)
            if edited is None or edited.strip() == self.text.strip():
                self.say("   No change made.")
                continue
            self.text = edited.rstrip() + "\n"
            self.say(diff(self.raw, self.text))
            changed = word_changes(self.raw, self.text)
            if changed:
                self.say("   Careful: your edit changes the policy's words (staff are quoted "
                         "them):\n" + "\n".join(f"     {line}" for line in changed[:10]))

    def step_header(self) -> None:
        self.say("\n2. About the policy.")
        library = ""
        while not library:
            library = self.ask("   The library's full name, as the policy writes it:",
                               library_name_guess(self.text))
        title = ""
        while not title:
            title = self.ask("   The policy's own title (not the letterhead):",
                             policy_title_guess(self.text, library))
        state = next((s for s in US_STATES if re.search(rf"\b{s}\b", self.text)), "")
        jurisdiction = self.ask("   State (blank if the text names none):", state) or None
        source = ""
        while not source:
            source = self.ask("   Where this text came from (web address or document):")
        self.answers.header = {
            "id": self.library_id, "library": library, "title": title,
            "jurisdiction": jurisdiction,
            "source": f"source.txt: {source} (the text as pasted; policy.txt is it with "
                      "markup removed)",
            "dates": self.ask_dates(), "policy": "policy.txt"}

    def ask_dates(self) -> dict[str, str]:
        """The policy's dates under their own labels (ADOPTED, Revised ...), confirmed."""
        labelled = labelled_dates(self.text)
        if labelled:
            shown = ", ".join(f"{label} {date}" for label, date in labelled.items())
            if self.ask_yes(f"   Dates found: {shown}. Record them with these labels?"):
                return labelled
        loose = list(dict.fromkeys(_DATE.findall(self.text)))
        if loose:
            self.say(f"   Dates in the text: {', '.join(loose)}")
        dates: dict[str, str] = {}
        for label, question in (("adopted", "Date the policy was adopted"),
                                ("revised", "Date it was last revised")):
            answer = self.ask(f"   {question} (as the policy writes it; blank if it doesn't "
                              "say):")
            if answer:
                dates[label] = answer
        return dates

    def step_clauses(self) -> None:
        proposals = propose(self.text)
        self.say(f"\n3. Clauses: {len(proposals)} proposed from the policy's headings and "
                 "labels (id: title).")
        for clause in proposals:
            self.say(f"   {clause.id}: {clause.title}")
        while not self.ask_yes("   Accept these clauses? (short titles are asked later for the "
                               "ones your answers cite)"):
            proposals = self.edit_clauses(proposals)
        self.answers.clauses = proposals

    def edit_clauses(self, proposals: list[ProposedClause]) -> list[ProposedClause]:
        """Rename or drop proposed clauses one at a time (staff see the ids in every citation);
        an empty answer goes back to the accept question with the list shown again."""
        self.say("   Change the list: 'OLD-ID NEW-ID' renames a clause (V.4-33 V.4), 'drop ID' "
                 "removes one that is no rule (a signature line). Enter when done.")
        while True:
            answer = self.ask("   Change:")
            if not answer:
                break
            parts = answer.split()
            ids = [c.id for c in proposals]
            if len(parts) == 2 and parts[0].lower() == "drop" and parts[1] in ids:
                proposals = [c for c in proposals if c.id != parts[1]]
                self.say(f"   Dropped {parts[1]}.")
            elif len(parts) == 2 and parts[0] in ids and parts[1] not in ids:
                proposals = [replace(c, id=parts[1]) if c.id == parts[0] else c
                             for c in proposals]
                self.say(f"   {parts[0]} is now {parts[1]}.")
            elif len(parts) == 2 and parts[1] in ids and parts[0] != "drop":
                self.say(f"   {parts[1]} is already a clause id: rename that one first.")
            else:
                self.say("   Type 'OLD-ID NEW-ID' or 'drop ID' with an id from the list, or "
                         "Enter when done.")
        for clause in proposals:
            self.say(f"   {clause.id}: {clause.title}")
        return proposals

    def clause_text(self, clause_id: str) -> str | None:
        clause = next((c for c in self.answers.clauses if c.id == clause_id), None)
        return None if clause is None else self.text[clause.start:clause.end]

    def ask_about(self, prompt: str, offered: list[ProposedClause], default: str = "") -> str:
        """``ask``, where ``show ID`` (or ``show 2``, a suggestion's number) prints a clause's
        text and asks again."""
        while True:
            answer = self.ask(prompt, default)
            if not answer.lower().startswith("show"):
                return answer
            wanted = answer[4:].strip()
            if wanted.isdigit() and 1 <= int(wanted) <= len(offered):
                wanted = offered[int(wanted) - 1].id
            text = self.clause_text(wanted) if wanted else None
            if text is None:
                self.say(f"   No clause {wanted!r}. Type show and a clause id or a suggestion "
                         f"number (show {offered[0].id if offered else 'III.A'}).")
            else:
                self.say(f"   --- {wanted} ---\n" + "\n".join(
                    f"   | {line}" for line in text.splitlines()))

    def _cite(self, offered: list[ProposedClause], prompt: str = "Which clause says so?",
              default: str | None = None) -> list[str]:
        known = {c.id for c in self.answers.clauses}
        while True:
            picked = self.ask_about(f"   {prompt} (suggestion numbers or clause ids, "
                                    "comma-separated)", offered,
                                    default if default is not None else ("1" if offered else ""))
            ids: list[str] = []
            for token in (t.strip() for t in picked.split(",") if t.strip()):
                if token.isdigit() and 1 <= int(token) <= len(offered):
                    ids.append(offered[int(token) - 1].id)
                elif token in known:
                    ids.append(token)
                else:
                    self.say(f"   '{token}' is neither a suggestion number nor a clause id "
                             "(a note for the reviewer is asked next).")
                    break
            else:
                if ids:
                    return list(dict.fromkeys(ids))
                self.say("   Name at least one clause.")

    def step_facts(self) -> None:
        facts = registry()
        self.say(f"\n4. Facts: up to {len(facts)} questions about what the policy says. Answer "
                 "from the text only: if the policy doesn't say, answer 's' (silent) — never "
                 "fill a gap with another library's rule or with state law. Under each question "
                 "are the clauses most likely to answer it; type 'show 1' or 'show <clause id>' "
                 "to read one.")
        general: list[str] = []
        values: dict[str, Any] = {}
        for number, fact in enumerate(facts, 1):
            if not applies(fact, values):
                values[fact.name] = fact.skipped
                because = ", ".join(
                    f"{name} is {'silent' if values.get(name) is None else repr(values.get(name))}"
                    for name, _ in fact.ask_if)
                self.answers.facts[fact.name] = {
                    "value": fact.skipped, "cite": general or [self.answers.clauses[0].id],
                    "note": f"Not asked: {because}. {fact.question}"}
                continue
            offered = suggest(fact, self.answers.clauses, self.text)
            self.say(f"\n  [{number}/{len(facts)}] {fact.question or fact.meaning}")
            for index, clause in enumerate(offered, 1):
                self.say(f"     {index}. {clause.id}: {clause.title}")
            value = self._value(fact, offered)
            values[fact.name] = value
            if value is None:
                cite = general or [self.answers.clauses[0].id]
                note = f"Policy is silent: {fact.question or fact.meaning}"
            elif value is False and not fact.cite_when_false:
                cite = general or [self.answers.clauses[0].id]  # nothing relies on a clause
                note = f"{fact.question} {_plain(value)}"
            elif value is False:  # the "no" is itself a rule staff are told
                cite = self._cite(offered, "Staff are told this 'no' as a rule. Which "
                                  "clause says so?")
                note = f"{fact.question} {_plain(value)}"
            else:
                cite = self._cite(offered)
                note = f"{fact.question} {_plain(value)}"
            extra = self.ask("   A note for whoever reviews this answer (optional; Enter to "
                             "skip):")
            if extra:
                note = extra
            if fact.name == "general_confidentiality":
                general = cite
            self.answers.facts[fact.name] = {"value": value, "cite": cite, "note": note}

    def _value(self, fact: FactSpec, offered: list[ProposedClause]) -> Any:
        silent = "" if fact.required else ", s = the policy doesn't say"
        while True:
            if fact.type == "bool":
                options = "y/n" if fact.required else "y/n/s"
                answer = self.ask_about(f"   ({options}: y = yes, n = no{silent})",
                                        offered).lower()
                if answer in ("y", "yes"):
                    return True
                if answer in ("n", "no"):
                    return False
                if answer in ("s", "silent") and not fact.required:
                    return None
            elif fact.type == "choice":
                for index, words in enumerate(fact.choice_words or fact.choices, 1):
                    self.say(f"     ({chr(96 + index)}) {words}")
                answer = self.ask_about("   Which one? (letter)", offered).lower()
                if len(answer) == 1 and 0 <= ord(answer) - 97 < len(fact.choices):
                    return fact.choices[ord(answer) - 97]
            elif fact.type == "int":
                answer = self.ask_about(f"   A number{silent}:", offered).lower()
                if answer.isdigit():
                    return int(answer)
                if answer in ("s", "silent"):
                    return None
            else:
                answer = self.ask_about(f"   In the policy's words{silent}:", offered)
                if answer.lower() in ("s", "silent") and not fact.required:
                    return None
                if answer and answer.lower() not in ("s", "silent"):
                    return answer
            self.say("   That answer doesn't fit; try again.")

    def step_roles(self) -> None:
        found = list(dict.fromkeys(" ".join(m[1].split()) for m in _TITLE.finditer(self.text)))
        flat = " ".join(self.text.split())  # a title the policy breaks across a line is one
        self.say("\n5. Roles: who staff are sent to, with the policy's own titles. Titles are "
                 "put into replies (\"Paging the Director now\"), so keep them short. Found in "
                 "the text: " + (", ".join(found) or "none"))
        roles: dict[str, dict[str, Any]] = {}
        for role, who, default in (
                ("director", "the head of the library", found[0] if found else ""),
                ("privacy-in-charge", "who handles a request right now (the same title as the "
                 "director if the policy names no one else)", None)):
            guess = default if default is not None else ", ".join(roles["director"]["titles"])
            long_fact: str | None = None
            while True:
                answer = self.ask(f"   Title(s) of {who}, comma-separated"
                                  + (f" (or 'fact' to shorten your answer to {long_fact})"
                                     if long_fact else "") + ":", guess)
                if long_fact and answer.lower() in ("fact", f"fact {long_fact}".lower()):
                    self.reanswer_fact(long_fact)
                    answer = guess
                titles = [t.strip() for t in answer.split(",") if t.strip()]
                missing = [t for t in titles if " ".join(t.split()) not in flat]
                if not titles or missing:
                    self.say(f"   Use titles as the policy writes them (not found: "
                             f"{', '.join(missing) or 'none given'}).")
                    continue
                too_long = self._long_headlines({**roles, role: {"titles": titles}})
                if not too_long:
                    break
                guess = ", ".join(titles)
                long_fact = too_long.facts[0] if too_long.facts else None
                self.say(f"   With these titles a reply's headline is {too_long.length} "
                         f"characters (the limit is 120; {too_long.where}):\n"
                         f"     {too_long.headline}")
                if long_fact:
                    value = self.answers.facts[long_fact]["value"]
                    self.say(f"   {len(value)} of those characters are your answer to "
                             f"{long_fact} ({self._question(long_fact)}): \"{value}\". Type "
                             "'fact' to give a shorter answer (the rest can go in its note), or "
                             "give fewer or shorter titles.")
                else:
                    self.say("   Give fewer or shorter titles; put who acts when in the role's "
                             "note.")
            offered = [c for c in self.answers.clauses
                       if any(t in self.text[c.start:c.end] for t in titles)
                       and not c.title.endswith("(whole section)")][:3]
            for index, clause in enumerate(offered, 1):
                self.say(f"     {index}. {clause.id}: {clause.title}")
            cite = self._cite(offered, "Which clause names them?")
            entry: dict[str, Any] = {"titles": titles, "cite": cite}
            note = self.ask("   A note on this role (e.g. who acts in the Director's absence; "
                            "optional, Enter to skip):")
            if note:
                entry["note"] = note
            roles[role] = entry
        self.answers.roles = {"privacy-in-charge": roles["privacy-in-charge"],
                              "director": roles["director"]}
        if stand_in := self._stand_in(flat):
            self.answers.roles[STAND_IN] = stand_in

    def _stand_in(self, flat: str) -> dict[str, Any] | None:
        """The policy's stand-in for an absent director ("or in the Library Director's absence,
        to the staff member in charge of the library"), if it names one: paged in the
        director's place once staff say the director is away. Its title and the policy's own
        words naming it are checked against the text, word for word."""
        while True:
            answer = self.ask("   Does the policy name who acts when the director is away (e.g. "
                              "\"in the Director's absence, the staff member in charge\")? Their "
                              "title as the policy writes it, or Enter if it names no one:")
            titles = [t.strip() for t in answer.split(",") if t.strip()]
            if not titles:
                return None
            missing = [t for t in titles if " ".join(t.split()) not in flat]
            if not missing:
                break
            self.say(f"   Use titles as the policy writes them (not found: {', '.join(missing)}).")
        while True:
            quote = " ".join(self.ask("   The policy's words that name them, copied word for "
                                      "word (e.g. \"or in the Library Director's absence, to the "
                                      "staff member in charge of the library\"):").split())
            offered = [c for c in self.answers.clauses if quote and quote in
                       " ".join(self.text[c.start:c.end].split())
                       and not c.title.endswith("(whole section)")][:3]
            if offered:
                break
            self.say("   Those words are not in any clause word for word; copy them again.")
        for index, clause in enumerate(offered, 1):
            self.say(f"     {index}. {clause.id}: {clause.title}")
        cite = self._cite(offered, "Which clause names the stand-in?")
        return {"titles": titles, "stands_in_for": "director", "cite": cite, "quote": quote,
                "note": "Paged in the director's place once staff say the director is away; "
                        "the director is notified."}

    def _question(self, name: str) -> str:
        spec = next(f for f in registry() if f.name == name)
        return spec.question or spec.meaning

    def reanswer_fact(self, name: str) -> None:
        """Ask one fact's value again (from a later step: no need to start over)."""
        spec = next(f for f in registry() if f.name == name)
        entry = self.answers.facts[name]
        self.say(f"   {self._question(name)} (now: \"{entry['value']}\")")
        value = self._value(spec, [c for c in self.answers.clauses if c.id in entry["cite"]])
        entry["value"] = value
        if value is None:
            entry["note"] = f"Policy is silent: {self._question(name)}"

    def _long_headlines(self, roles: dict[str, dict[str, Any]]) -> LongHeadline | None:
        """With these titles, the longest reply headline `frontdesk check` would reject (over
        120 characters), if any, and the fact answers in it: the pack so far is checked in a
        scratch folder."""
        from bot.check import run_checks

        trial = {role: {"cite": [self.answers.clauses[0].id], **spec}
                 for role, spec in roles.items()}
        trial.setdefault("privacy-in-charge", trial["director"])
        with tempfile.TemporaryDirectory() as scratch:
            folder = Path(scratch) / "knowledge" / self.library_id
            folder.mkdir(parents=True)
            self._build(folder, roles={"privacy-in-charge": trial["privacy-in-charge"],
                                       "director": trial["director"]})
            report = run_checks(Path(scratch))
        longest: LongHeadline | None = None
        for problem in report.problems:
            m = _LONG_HEADLINE.search(problem.message)
            if m and (longest is None or int(m[1]) > longest.length):
                inside = [name for name, fact in self.answers.facts.items()
                          if isinstance(fact["value"], str) and len(fact["value"]) > 20
                          and fact["value"].rstrip(".").lower() in m["headline"].lower()]
                inside.sort(key=lambda name: -len(self.answers.facts[name]["value"]))
                longest = LongHeadline(int(m[1]), problem.message.split(":")[0], m["headline"],
                                       inside)
        return longest

    def step_titles(self) -> None:
        """Short titles for the clauses facts and roles cite: staff see them above the quote."""
        cited = dict.fromkeys(cid for fact in self.answers.facts.values()
                              for cid in fact["cite"])
        cited.update(dict.fromkeys(cid for role in self.answers.roles.values()
                                   for cid in role["cite"]))
        self.say(f"\n6. Titles: staff see a clause's title above its words. {len(cited)} "
                 "clauses are cited; give each a short title (a few words saying what it rules), "
                 "or press Enter to keep the one shown. 'show <clause id>' reads one.")
        for index, clause in enumerate(self.answers.clauses):
            if clause.id not in cited:
                continue
            title = ""
            while not title:
                title = self.ask_about(f"   {clause.id}:", [clause], clause.title)
            if len(title) > 80:
                self.say("   (Long: staff read it on a phone. Shorten it in pack.yaml if you "
                         "can.)")
            self.answers.clauses[index] = replace(clause, title=title)

    def step_releases(self) -> None:
        """Confirm each release way the answers imply, in plain words, clause by clause; where a
        clause's words state a condition (\"exigent circumstances\") that only another clause's
        way names, offer that way for it too (check requires it)."""
        from bot.check.safety import load_rules, proposed_release_terms, stated_conditions

        terms = proposed_release_terms(self.root, self.answers.facts)
        self.answers.releases = {}
        if not terms:
            return
        conditions = load_rules(self.root)[0].conditions
        every_way = [way for ways in terms.values() for way in ways]
        for clause_id, ways in list(terms.items()):
            named = {c for way in ways for c in _conditions_of(way)}
            for condition in stated_conditions(self.clause_text(clause_id) or "", conditions):
                borrowed = next((w for w in every_way if condition in _conditions_of(w)), None)
                if condition not in named and borrowed is not None:
                    ways.append(borrowed)
                    named.update(_conditions_of(borrowed))
        self.say("\n7. Releases: from your answers, these clauses allow records to be released, "
                 "and only when every condition listed holds. `frontdesk check` proves no reply "
                 "releases anything otherwise. Confirm each against the clause's words.")
        for clause_id, ways in terms.items():
            for way in ways:
                self.say(f"   {clause_id} allows release when:\n" + "\n".join(
                    f"     - {conditions[c].says if c in conditions else c}"
                    for c in _conditions_of(way)))
                while True:
                    answer = self.ask_about(f"   Is that what {clause_id} says? (y/n; show "
                                            f"{clause_id} to read it)", [], "y").lower()
                    if answer in ("y", "yes", "n", "no"):
                        break
                if answer.startswith("y"):
                    self.answers.releases.setdefault(clause_id, []).append(way)
                else:
                    self.say("   Left out. Replies that release records on this clause will "
                             "then fail `frontdesk check`: correct the answer that implied it, "
                             "or write the clause's `release:` by hand (docs/packs.md, 'Release "
                             "conditions on a clause').")

    def step_contacts(self) -> None:
        director = " or ".join(self.answers.roles["director"]["titles"])
        self.answers.contacts["if_no_answer"] = self.ask(
            "\n8. What staff do when nobody answers a page:",
            f"Phone the {director} directly. If someone is in danger, call 911.")

    # --- writing -----------------------------------------------------------------------------

    def pack_document(self, roles: dict[str, Any] | None = None) -> dict[str, Any]:
        releases = self.answers.releases
        return {
            **self.answers.header,
            "clauses": {c.id: {**c.to_yaml(), **({"release": releases[c.id]}
                                                 if c.id in releases else {})}
                        for c in self.answers.clauses},
            "facts": self.answers.facts,
            "roles": roles or self.answers.roles,
            "contacts": self.answers.contacts,
        }

    def _build(self, folder: Path, roles: dict[str, Any] | None = None) -> None:
        """The pack's files, written into ``folder``."""
        from bot.content.packs import load_pack
        from bot.review.drift import write_lock

        (folder / "source.txt").write_text(self.raw, encoding="utf-8")
        (folder / "policy.txt").write_text(self.text, encoding="utf-8")
        header = (f"# {self.answers.header['library']} — {self.answers.header['title']}.\n"
                  "# Written by `frontdesk pack new`; review every fact against the policy "
                  "(docs/packs.md).\n")
        (folder / "pack.yaml").write_text(
            header + yaml.safe_dump(self.pack_document(roles), sort_keys=False,
                                    allow_unicode=True, width=100), encoding="utf-8")
        write_lock(load_pack(folder))

    def write(self) -> Path:
        """Write the pack into ``knowledge/<id>/`` whole (a temporary folder, then a rename); the
        saved answers go once the pack is there."""
        target = self.root / "knowledge" / self.library_id
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{self.library_id}-", dir=target.parent))
        try:
            building = staging / self.library_id
            building.mkdir()
            self._build(building)
            if target.exists():  # only the saved answers are there (`pack new` refuses a pack)
                if self.progress.exists():
                    shutil.move(self.progress, staging / PROGRESS_FILE)
                target.rmdir()
            building.rename(target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return target
