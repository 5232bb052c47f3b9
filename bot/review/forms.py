"""Printable forms and handouts, built from a library's own pack.

A form is a list of blocks (headings, paragraphs, verbatim policy quotes, statements to
initial, blanks to fill, signature lines). One jinja2 template (the review pages' autoescaped
environment: policy text and anything typed into a blank are data, never markup) renders it as
printable HTML, and ``form_pdf`` renders the same blocks as PDF.

Forms are chosen by the pack's facts, not by library id:

* ``officer-request``: the officer's emergency request the policy names (``emergency_form``).
  Where the policy names the form but does not contain its text (Mount Prospect's Officer's
  Request for Confidential Library Information Form, Mahomet's Appendix 9), it is built from
  the policy's own conditions and marked as the library's to replace. Where the "form" is a
  copy of the policy itself (Westmont), it is the policy-acknowledgement form below.
* ``policy-acknowledgement``: the policy verbatim, with the officer's acknowledgement and a
  signature block (libraries whose policy is handed to, or signed by, the officer).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from bot.content.catalogue import ResolvedOutcome
from bot.content.packs import Pack
from bot.errors import UnknownName
from bot.review.form_pdf import render_pdf
from bot.review.html import environment


@dataclass(frozen=True)
class Blank:
    key: str
    label: str
    lines: int = 1
    value: str = ""


@dataclass(frozen=True)
class Block:
    kind: str  # heading | paragraph | notice | quote | statements | blanks | signature | policy
    text: str = ""
    items: tuple[Blank | str, ...] = ()  # blanks, or the lines of statements and policy
    cite: str = ""  # clause id for a quote


@dataclass
class FormDoc:
    name: str
    library: str
    library_id: str
    title: str
    draft: str | None
    blocks: list[Block] = field(default_factory=list)
    footer: str = ""

    def blanks(self) -> list[Blank]:
        return [b for block in self.blocks if block.kind in ("blanks", "signature")
                for b in block.items]


def _fact(pack: Pack, name: str) -> Any:
    fact = pack.facts.get(name)
    return fact.value if fact else None


def _quotes(pack: Pack, fact_names: tuple[str, ...]) -> list[Block]:
    ids: list[str] = []
    for name in fact_names:
        fact = pack.facts.get(name)
        if fact and fact.value not in (None, False):
            ids.extend(fact.cite)
    return [
        Block("quote", pack.clauses[cid].text, cite=f"{cid} — {pack.clauses[cid].title}")
        for cid in dict.fromkeys(ids)
        if cid in pack.clauses
    ]


def _the(title: str) -> str:
    return title if title.lower().startswith("the ") else f"the {title}"


def _officer_blanks() -> Block:
    return Block(
        "blanks",
        items=(
            Blank("officer_name", "Officer's name"),
            Blank("badge", "Badge or ID number"),
            Blank("agency", "Law enforcement agency"),
            Blank("phone", "Telephone"),
            Blank("requested_at", "Date and time of the request"),
        ),
    )


def _request_and_signature() -> list[Block]:
    """What the officer asks for, and their signature: the same on every form."""
    return [
        Block("blanks", items=(Blank("information", "Information requested", 3),)),
        Block(
            "signature",
            items=(Blank("officer_signature", "Officer's signature"), Blank("signed_at", "Date")),
        ),
    ]


_LIBRARY_SIGNATURE = Block("signature", items=(Blank("library_signature", "Signature"),))


def officer_request(pack: Pack) -> FormDoc:
    """The officer's emergency request, built from the policy's conditions."""
    name = _fact(pack, "emergency_form")
    if not name or not _fact(pack, "emergency_release"):
        raise UnknownName(f"{pack.library}'s policy names no officer's request form")
    if _fact(pack, "officer_form_text_available"):
        return policy_acknowledgement(pack)
    recipient = _fact(pack, "request_recipient") or _fact(pack, "authorized_discloser")
    discloser = pack.title_or_stand_in("privacy-in-charge")
    statements = ["I am a sworn law enforcement officer."]
    statements.append(
        "It is impractical to secure a court order as a result of an emergency."
    )
    if _fact(pack, "emergency_probable_cause"):
        statements.append(
            "I have probable cause to believe that there is an imminent danger of physical harm."
        )
    else:
        statements.append("I believe that someone is in imminent danger of physical harm.")
    if _fact(pack, "emergency_identity_only"):
        statements.append(
            "The information is requested to identify a suspect, witness or victim of a crime."
        )
    limits = []
    if _fact(pack, "emergency_identity_only"):
        limits.append("limited to identifying a suspect, witness or victim of a crime")
    if _fact(pack, "emergency_excludes_circulation"):
        limits.append(
            "not including records of materials borrowed, resources reviewed or services used"
        )
    title = str(name)
    cited = ", ".join(
        dict.fromkeys(c for f in ("emergency_release", "emergency_form")
                      for c in pack.facts[f].cite)
    )
    draft = (
        f"Built by frontdesk from the conditions in {pack.library}'s policy ({cited}). "
        f"The policy names the {title} but does not contain its text: this is the library's "
        "to replace with its own form. Until then, it records what the policy requires."
    )
    blocks = [
        Block("paragraph", f"{pack.library} — {pack.title}"),
        Block(
            "paragraph",
            f"To be completed by the officer and given to {_the(recipient or discloser)}. "
            f"Only {_the(discloser)} may release the information.",
        ),
        Block("heading", "1. The officer"),
        _officer_blanks(),
        Block("heading", "2. The officer represents that (initial each)"),
        Block("statements", items=tuple(statements)),
        Block("heading", "3. Information requested"),
    ]
    if limits:
        blocks.append(Block("notice", "Under the policy the information is " +
                            "; ".join(limits) + "."))
    blocks.extend(_request_and_signature())
    blocks.append(Block("heading", f"4. For the library ({discloser})"))
    blocks.append(
        Block(
            "blanks",
            items=(
                Blank("received_by", "Received by (name and title)"),
                Blank("received_at", "Date and time received"),
                Blank("released", "Information released", 2),
            ),
        )
    )
    blocks.append(_LIBRARY_SIGNATURE)
    blocks.append(Block("heading", "The policy (verbatim)"))
    blocks.extend(
        _quotes(
            pack,
            (
                "emergency_release",
                "emergency_form",
                "emergency_identity_only",
                "emergency_excludes_circulation",
                "emergency_probable_cause",
                "authorized_discloser",
            ),
        )
    )
    return FormDoc("officer-request", pack.library, pack.id, title, draft, blocks)


_LIST_ITEM = re.compile(r"^(- |[A-Za-z0-9]{1,4}\. )")


def _policy_paragraphs(text: str) -> list[str]:
    return [" ".join(p.split("\n")) if not _LIST_ITEM.match(p) else p
            for p in (part.strip() for part in re.split(r"\n\s*\n", text)) if p]


def policy_acknowledgement(pack: Pack) -> FormDoc:
    """A copy of the policy, verbatim, with the officer's acknowledgement and signatures."""
    if not (_fact(pack, "policy_copy_to_officer") or _fact(pack, "officer_form_text_available")):
        raise UnknownName(f"{pack.library}'s policy does not have officers sign or receive a copy")
    name = _fact(pack, "emergency_form")
    blocks = [Block("policy", items=tuple(_policy_paragraphs(pack.policy_text)))]
    blocks.append(Block("heading", "Officer's acknowledgement"))
    blocks.extend(_quotes(pack, ("emergency_form", "policy_copy_to_officer")))
    blocks.append(
        Block(
            "paragraph",
            "I have received a copy of this policy. By signing below I acknowledge that my "
            "request is within compliance of this law.",
        )
    )
    blocks.append(_officer_blanks())
    blocks.extend(_request_and_signature())
    blocks.append(Block("heading", "For the library"))
    blocks.append(
        Block(
            "blanks",
            items=(
                Blank("received_by", "Received by ("
                      f"{pack.title_or_stand_in('privacy-in-charge')})"),
                Blank("received_at", "Date and time received"),
            ),
        )
    )
    blocks.append(_LIBRARY_SIGNATURE)
    title = f"{pack.title} — officer's copy"
    footer = f"The policy above is {pack.library}'s text, verbatim."
    if name:
        footer += f" The policy calls this form: {name}."
    return FormDoc("policy-acknowledgement", pack.library, pack.id, title, None, blocks, footer)


FORMS: dict[str, Callable[[Pack], FormDoc]] = {
    "officer-request": officer_request,
    "policy-acknowledgement": policy_acknowledgement,
}


def available_forms(pack: Pack) -> list[str]:
    names = []
    for name, build in FORMS.items():
        try:
            build(pack)
        except UnknownName:
            continue
        names.append(name)
    return names


def build_form(pack: Pack, name: str, fills: dict[str, str] | None = None) -> FormDoc:
    if name not in FORMS:
        raise UnknownName(f"unknown form {name!r} (known: {', '.join(FORMS)})")
    try:
        form = FORMS[name](pack)
    except UnknownName as exc:
        others = ", ".join(available_forms(pack)) or "none"
        raise UnknownName(f"{exc.args[0]} (forms for {pack.id}: {others})") from None
    if fills:
        known = {b.key for b in form.blanks()}
        unknown = sorted(set(fills) - known)
        if unknown:
            raise UnknownName(
                f"form {name} has no blank {', '.join(unknown)} "
                f"(blanks: {', '.join(sorted(known))})"
            )
        form.blocks = [
            Block(
                b.kind,
                b.text,
                tuple(
                    Blank(i.key, i.label, i.lines, fills.get(i.key, i.value))
                    if isinstance(i, Blank)
                    else i
                    for i in b.items
                ),
                b.cite,
            )
            for b in form.blocks
        ]
    return form


def form_for_outcome(pack: Pack, outcome: ResolvedOutcome) -> str | None:
    """The form name to offer with an outcome, if its form is one we can print."""
    if not outcome.form:
        return None
    if outcome.form == _fact(pack, "emergency_form") and "officer-request" in available_forms(
        pack
    ):
        return "officer-request"
    return None


# --- HTML ---------------------------------------------------------------------------------


def render_html(form: FormDoc) -> str:
    return environment().get_template("forms/form.html.j2").render(form=form, today=date.today())


def write_form(form: FormDoc, path: Path) -> Path:
    if path.suffix.lower() == ".pdf":
        path.write_bytes(render_pdf(form))
    else:
        path.write_text(render_html(form), encoding="utf-8")
    return path


def offer_form(pack: Pack, outcome: ResolvedOutcome, folder: Path) -> Path | None:
    """For the terminal: write the outcome's form (HTML) into ``folder`` and return its path."""
    name = form_for_outcome(pack, outcome)
    if name is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    form = build_form(pack, name)
    return write_form(form, folder / f"{pack.id}-{form.name}.html")


def form_file(pack: Pack, outcome: ResolvedOutcome) -> tuple[str, bytes, str] | None:
    """For Slack: (filename, PDF bytes, title) to post as a file with the outcome, or None."""
    name = form_for_outcome(pack, outcome)
    if name is None:
        return None
    form = build_form(pack, name)
    return f"{pack.id}-{form.name}.pdf", render_pdf(form), form.title
