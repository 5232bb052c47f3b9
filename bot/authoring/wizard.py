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
from bot.authoring.normalise import diff, normalise
from bot.authoring.outline import ProposedClause, propose

Read = Callable[[str], str]
Say = Callable[[str], None]

US_STATES = tuple(
    line for line in (files("bot") / "data" / "packs" / "us_states.txt").read_text("utf-8")
    .splitlines() if line and not line.startswith("#"))
_DATE = re.compile(r"\b(\d{1,2}[/-]\d{1,2}[/-]\d{2,4}|(?:January|February|March|April|May|June|"
                   r"July|August|September|October|November|December)\s+\d{1,2},\s+\d{4})\b")
_TITLE = re.compile(r"\b((?:(?:Executive|Deputy|Assistant|Library|Branch|Associate)\s+)*"
                    r"(?:Director|Administrator|Privacy In-Charge|Privacy Officer|Manager|"
                    r"Librarian|Custodian of Records))\b")
LIBRARY_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


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
                 read: Read, say: Say):
        self.library_id = library_id
        self.raw = raw_policy
        self.root = content_root
        self.read = read
        self.say = say
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
        changes = diff(self.raw, self.text)
        if not changes:
            self.say("   Nothing to remove: the text is used as pasted.")
            return
        self.say(changes)
        if not self.ask_yes("   Use the text on the right (+) as policy.txt?"):
            raise WizardStopped("the normalised text was not approved; fix the pasted text "
                                "and run again (nothing was written)")

    def step_header(self) -> None:
        self.say("\n2. About the policy.")
        lines = [ln.strip() for ln in self.text.splitlines() if ln.strip()]
        library_guess = next((ln for ln in lines if "Library" in ln and len(ln) < 80), "")
        library_guess = re.sub(r"\s*[-–—:].*$", "", library_guess)
        name_match = re.search(r"([A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*)*\s+(?:Public\s+)?Library"
                               r"(?:\s+District)?)", library_guess)
        library = self.ask("   The library's full name:", name_match[1] if name_match else "")
        title = self.ask("   The policy's own title:", lines[0] if lines else "")
        state = next((s for s in US_STATES if re.search(rf"\b{s}\b", self.text)), "")
        jurisdiction = self.ask("   State (blank if the text names none):", state) or None
        source = ""
        while not source:
            source = self.ask("   Where this text came from (web address or document):")
        dates = {f"date_{i}" if i else "stated": d
                 for i, d in enumerate(dict.fromkeys(_DATE.findall(self.text)))}
        self.answers.header = {
            "id": self.library_id, "library": library, "title": title,
            "jurisdiction": jurisdiction,
            "source": f"source.txt: {source} (the text as pasted; policy.txt is it with "
                      "markup removed)",
            "dates": dates, "policy": "policy.txt"}

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
