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
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from bot.authoring.facts import FactSpec, registry, suggest
from bot.authoring.normalise import diff, normalise, words
from bot.authoring.outline import ProposedClause, propose

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


def labelled_dates(text: str) -> dict[str, str]:
    """Dates the text labels itself ("ADOPTED: 11-21-15", "Revised: 12/4/2018")."""
    return {"_".join(match["label"].lower().split()[-3:]): match["date"]
            for match in _DATE_LABEL.finditer(text)}


class WizardStopped(Exception):
    """The person stopped (end of input or 'quit'); nothing was written."""


@dataclass
class Answers:
    """What the wizard has gathered so far."""

    header: dict[str, Any] = field(default_factory=dict)
    clauses: list[ProposedClause] = field(default_factory=list)
    facts: dict[str, dict[str, Any]] = field(default_factory=dict)
    roles: dict[str, dict[str, Any]] = field(default_factory=dict)
    contacts: dict[str, str] = field(default_factory=dict)


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

    # --- asking ----------------------------------------------------------------------------

    def ask(self, prompt: str, default: str = "") -> str:
        shown = f"{prompt} [{default}] " if default else f"{prompt} "
        try:
            answer = self.read(shown).strip()
        except EOFError:
            raise WizardStopped("stopped before the end; nothing was written") from None
        if answer.lower() in ("quit", "exit"):
            raise WizardStopped("stopped; nothing was written")
        return answer or default

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
        self.say(f"New policy pack: {self.library_id} (type 'quit' to stop; nothing is written "
                 "until the end).")
        self.step_text()
        self.step_header()
        self.step_clauses()
        self.step_facts()
        self.step_roles()
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
        if not self.ask_yes("   Accept these clauses? (you can shorten titles in pack.yaml "
                            "later)"):
            raise WizardStopped("clauses not accepted: write them by hand following "
                                "docs/packs.md step 3 (nothing was written)")
        self.answers.clauses = proposals

    def _cite(self, fact: FactSpec, offered: list[ProposedClause]) -> list[str]:
        known = {c.id for c in self.answers.clauses}
        while True:
            picked = self.ask("   Which clause says so? (numbers or clause ids, comma-separated)",
                              "1" if offered else "")
            ids: list[str] = []
            for token in (t.strip() for t in picked.split(",") if t.strip()):
                if token.isdigit() and 1 <= int(token) <= len(offered):
                    ids.append(offered[int(token) - 1].id)
                elif token in known:
                    ids.append(token)
                else:
                    self.say(f"   '{token}' is neither a suggestion number nor a clause id.")
                    break
            else:
                if ids:
                    return ids
                self.say("   Name at least one clause.")

    def step_facts(self) -> None:
        facts = registry()
        self.say(f"\n4. Facts: {len(facts)} plain questions. Answer from the text only: if the "
                 "policy doesn't say, answer 's' (silent) — never fill a gap with another "
                 "library's rule or with state law.")
        general: list[str] = []
        for number, fact in enumerate(facts, 1):
            offered = suggest(fact, self.answers.clauses, self.text)
            self.say(f"\n  [{number}/{len(facts)}] {fact.meaning}")
            for index, clause in enumerate(offered, 1):
                self.say(f"     {index}. {clause.id}: {clause.title}")
            value = self._value(fact)
            if value is None:
                cite = general or [self.answers.clauses[0].id]
                note = f"Policy is silent: {fact.meaning}"
            else:
                cite = self._cite(fact, offered)
                note = f"{fact.meaning} ({', '.join(cite)})"
            if fact.name == "general_confidentiality":
                general = cite
            self.answers.facts[fact.name] = {"value": value, "cite": cite, "note": note}

    def _value(self, fact: FactSpec) -> Any:
        while True:
            if fact.type == "bool":
                options = "y/n" if fact.required else "y/n/s"
                answer = self.ask(f"   Does the policy say so? ({options})").lower()
                if answer in ("y", "yes"):
                    return True
                if answer in ("n", "no"):
                    return False
                if answer in ("s", "silent") and not fact.required:
                    return None
            elif fact.type == "choice":
                for index, choice in enumerate(fact.choices, 1):
                    self.say(f"     ({chr(96 + index)}) {choice}")
                answer = self.ask("   Which one? (letter)").lower()
                if len(answer) == 1 and 0 <= ord(answer) - 97 < len(fact.choices):
                    return fact.choices[ord(answer) - 97]
            elif fact.type == "int":
                answer = self.ask("   How many? (a number, or 's' if silent)").lower()
                if answer.isdigit():
                    return int(answer)
                if answer in ("s", "silent"):
                    return None
            else:
                answer = self.ask("   In the policy's words (or 's' if silent):")
                if answer.lower() in ("s", "silent") and not fact.required:
                    return None
                if answer and answer.lower() not in ("s", "silent"):
                    return answer
            self.say("   That answer doesn't fit; try again.")

    def step_roles(self) -> None:
        found = list(dict.fromkeys(m[1] for m in _TITLE.finditer(self.text)))
        self.say("\n5. Roles: use the policy's own titles. Found in the text: "
                 + (", ".join(found) or "none"))
        titles_by_role: dict[str, list[str]] = {}
        for role, who, default in (
                ("director", "the head of the library", found[0] if found else ""),
                ("privacy-in-charge", "who handles a request right now (the same titles as the "
                 "director if the policy names no one else)", None)):
            guess = default if default is not None else ", ".join(titles_by_role["director"])
            while True:
                titles = [t.strip() for t in self.ask(f"   Title(s) of {who}, comma-separated:",
                                                      guess).split(",") if t.strip()]
                missing = [t for t in titles if t not in self.text]
                if titles and not missing:
                    break
                self.say(f"   Use titles as the policy writes them (not found: "
                         f"{', '.join(missing) or 'none given'}).")
            titles_by_role[role] = titles
            cite = [c.id for c in self.answers.clauses
                    if titles[0] in self.text[c.start:c.end]][:1] or [
                        self.answers.clauses[0].id]
            self.answers.roles[role] = {"titles": titles, "cite": cite}
        self.answers.roles = {"privacy-in-charge": self.answers.roles["privacy-in-charge"],
                              "director": self.answers.roles["director"]}

    def step_contacts(self) -> None:
        director = " or ".join(self.answers.roles["director"]["titles"])
        self.answers.contacts["if_no_answer"] = self.ask(
            "\n6. What staff do when nobody answers a page:",
            f"Phone the {director} directly. If someone is in danger, call 911.")

    # --- writing -----------------------------------------------------------------------------

    def pack_document(self) -> dict[str, Any]:
        from bot.check.safety import proposed_release_terms

        releases = proposed_release_terms(self.root, self.answers.facts)
        return {
            **self.answers.header,
            "clauses": {c.id: {**c.to_yaml(), **({"release": releases[c.id]}
                                                 if c.id in releases else {})}
                        for c in self.answers.clauses},
            "facts": self.answers.facts,
            "roles": self.answers.roles,
            "contacts": self.answers.contacts,
        }

    def write(self) -> Path:
        """Write the pack into ``knowledge/<id>/`` whole (a temporary folder, then a rename)."""
        from bot.content.packs import load_pack
        from bot.review.drift import write_lock

        target = self.root / "knowledge" / self.library_id
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{self.library_id}-", dir=target.parent))
        try:
            building = staging / self.library_id
            building.mkdir()
            (building / "source.txt").write_text(self.raw, encoding="utf-8")
            (building / "policy.txt").write_text(self.text, encoding="utf-8")
            header = (f"# {self.answers.header['library']} — {self.answers.header['title']}.\n"
                      "# Written by `frontdesk pack new`; review every fact against the policy "
                      "(docs/packs.md).\n")
            (building / "pack.yaml").write_text(
                header + yaml.safe_dump(self.pack_document(), sort_keys=False,
                                        allow_unicode=True, width=100), encoding="utf-8")
            write_lock(load_pack(building))
            building.rename(target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return target
