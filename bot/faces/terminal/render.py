"""What the terminal shows, as styled paragraphs; wrapping and colour happen when printed.

An answer comes first: the outcome's first screen is the headline, the decision in plain
words, never, do now, what to say, the form, and who has been paged with what happens next —
at most 20 lines at 100 columns for every outcome of every library (a test holds every one to
it). The clauses the answer rests on are one ``policy`` away (:func:`policy_screen`); they stay
in the record and in the page.

Paragraphs carry a rich style name and a lead ("  1. ", "  ✗ ") whose width indents the
wrapped lines under the first, so a list reads as a list at any width. :func:`lay_out` wraps
them to a width (or not at all, for pipes and tests); :mod:`bot.faces.terminal.screen` prints
the lines with their styles.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.content.catalogue import ResolvedOutcome
from bot.content.flows import Question
from bot.content.packs import Pack
from bot.engine.step import AMBIGUOUS, CONTRADICTED, Understanding

FIRST_SCREEN_LINES = 20  # the answer's first screen, at FIRST_SCREEN_WIDTH columns
FIRST_SCREEN_WIDTH = 100


@dataclass(frozen=True)
class Para:
    """One paragraph: ``lead`` starts its first line and indents the rest by its width."""

    text: str
    style: str = ""
    lead: str = ""


Screenful = list[Para]


def lay_out(paras: Iterable[Para], width: int | None) -> list[tuple[str, str]]:
    """(line, style) pairs: each paragraph wrapped to ``width`` (None: one line each)."""
    lines: list[tuple[str, str]] = []
    for para in paras:
        if width is None or not para.text:
            lines.append((para.lead + para.text, para.style))
            continue
        wrapped = textwrap.wrap(
            para.text,
            width=max(width, len(para.lead) + 20),
            initial_indent=para.lead,
            subsequent_indent=" " * len(para.lead),
            break_on_hyphens=False,
        )
        lines.extend((line, para.style) for line in wrapped or [para.lead])
    return lines


def plain(paras: Iterable[Para], width: int | None = None) -> str:
    return "\n".join(line for line, _ in lay_out(paras, width))


# --- questions -----------------------------------------------------------------------------


def question_screen(question: Question, not_understood: str | None = None,
                    suggestion: Understanding | None = None,
                    declined: Understanding | None = None) -> Screenful:
    """The question and its menu; ``suggestion`` (``View.suggestion``) is offered, not taken;
    ``declined`` (``View.declined``): the offer staff just said no to."""
    paras: Screenful = []
    if not_understood is not None:
        paras.append(Para(f'I didn\'t catch "{not_understood}". Please pick one of these:',
                          "yellow"))
    elif declined is not None and declined.source == AMBIGUOUS:
        paras.append(Para(f'"Yes" could mean "{declined.said}" or "{declined.label}". Please '
                          "type the number of the one you mean:", "yellow"))
    elif declined is not None:
        paras.append(Para(f'All right, not "{declined.label}". Please pick one of these:',
                          "yellow"))
    paras.append(Para(question.ask, "bold"))
    if question.help:
        paras.append(Para(f"({question.help})", "dim", "  "))
    for number, choice in enumerate(question.choices, 1):
        paras.append(Para(choice.label, "", f"  {number}. "))
    if suggestion is not None:
        number = next(n for n, c in enumerate(question.choices, 1) if c.id == suggestion.choice)
        # the choice's own label, never a phrase as if staff had typed it (they may not have)
        offer = f'Did you mean "{suggestion.label}"? If so, type {number}. I won\'t assume it.'
        if suggestion.source == CONTRADICTED:
            offer = (f"{suggestion.still_so} If so, type {number}; if not, give your answer "
                     "again.")
        paras.append(Para(offer, "cyan", "  "))
    paras.append(Para('(type a number or words; "back", "change", "start over", "quit")', "dim",
                      "  "))
    return paras


def render_question(question: Question, not_understood: str | None = None,
                    suggestion: Understanding | None = None) -> str:
    return plain(question_screen(question, not_understood, suggestion)) + "\n"


# --- outcomes ------------------------------------------------------------------------------


def paged_roles(pack: Pack, outcome: ResolvedOutcome) -> str:
    return "; ".join(pack.roles[r].display for r in outcome.escalate.roles)


def answer_screen(pack: Pack, outcome: ResolvedOutcome, paging: Sequence[str] = ()) -> Screenful:
    """The first screen: the answer, then who has been paged (``paging``: what the escalation
    service says, or nothing when no page went out), then how to read the policy."""
    urgent = outcome.escalate.urgency == "immediate"
    paras: Screenful = [
        Para(outcome.headline, "bold red" if urgent else "bold"),
        Para(outcome.decision_label, "bold cyan", "→ "),
    ]
    # Marks instead of section headings: ✗ never, numbers for what to do now, in order.
    never = [Para(item, "red", "✗ ") for item in outcome.never]
    do = [Para(step, "green", f"{n}. ") for n, step in enumerate(outcome.do, 1)]
    paras += [*never, *do] if urgent else [*do, *never]
    paras.append(Para(f'"{outcome.say}"', "italic", "SAY: "))
    if outcome.form and not any(outcome.form in step for step in outcome.do):
        paras.append(Para(outcome.form, "", "FORM: "))  # unless a step already names it
    if paging:
        # Who is paged and what happens next read as one paragraph, not a line each.
        paras.append(Para(" ".join(line.strip() for line in paging), "bold yellow"))
    elif outcome.escalate.pages:
        paras.append(Para(paged_roles(pack, outcome), "yellow",
                          f"PAGING ({outcome.escalate.urgency}): "))
    clauses = len(outcome.citations)
    follow = "; `frontdesk pages` follows the page" if paging else ""
    paras.append(Para(
        f"(Type 'policy' for the {clauses} policy clause{'s' if clauses != 1 else ''} this "
        f"rests on{follow}.)", "dim"))
    return name_roles_once(pack, paras)


def name_roles_once(pack: Pack, paras: Screenful) -> Screenful:
    """A role with several titles ("Privacy In-Charge, Executive Director or Deputy Director")
    is named in full where it first appears; later mentions use its first title, the one who
    acts first, so the list is read once instead of on every line of the screen."""
    spelled: set[str] = set()
    shortened: Screenful = []
    for para in paras:
        text = para.text
        for role in pack.roles.values():
            full, short = role.display, role.titles[0]
            if full == short or full not in text:
                continue
            if full in spelled:
                text = text.replace(full, short)
            else:
                first = text.index(full) + len(full)
                text = text[:first] + text[first:].replace(full, short)
                spelled.add(full)
        shortened.append(Para(text, para.style, para.lead) if text != para.text else para)
    return shortened


def policy_screen(pack: Pack, outcome: ResolvedOutcome) -> Screenful:
    """The policy's own words behind the answer, clause by clause."""
    paras: Screenful = [Para(f"POLICY ({pack.library}):", "bold")]
    for c in outcome.citations:
        paras.append(Para(f"[{c.clause}] {c.title}", "bold", "  "))
        paras.append(Para(c.text, "", "      "))
    if pack.policy_date:
        paras.append(Para(f"Policy {pack.policy_date}.", "dim"))
    return paras


def render_outcome(pack: Pack, outcome: ResolvedOutcome) -> str:
    """The whole answer as plain text: first screen, then the policy (for drills and pipes)."""
    return plain([*answer_screen(pack, outcome), *policy_screen(pack, outcome)]) + "\n"
