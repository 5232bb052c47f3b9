"""Checks on what a flow declares for understanding staff: ``critical``, ``strong``,
``if_denied``, ``outweighs`` and ``ages`` on choices (read by bot/router/choices.py and
bot/router/ages.py)."""

from __future__ import annotations

from bot.content.flows import Flow, Question
from bot.errors import Problem
from bot.router.text import words


def check_understanding(flow: Flow) -> list[Problem]:
    problems: list[Problem] = []
    for question in (n for n in flow.nodes.values() if isinstance(n, Question)):
        ids = {c.id for c in question.choices}
        for choice in question.choices:
            where = f"question {question.id}, choice {choice.id}"
            for key, target in (("if_denied", choice.if_denied),
                                ("if_not_yet", choice.if_not_yet),
                                *(("outweighs", o) for o in choice.outweighs)):
                if target is not None and (target not in ids or target == choice.id):
                    problems.append(Problem(flow.path, choice.line,
                                            f"{where}: {key} {target!r} is not another choice "
                                            "of this question"))
            if choice.strong and not choice.critical:
                problems.append(Problem(flow.path, choice.line,
                                        f"{where}: 'strong' phrases only mean something on a "
                                        "critical choice"))
            # (the choice's own phrases are normalised only for a choice with strong ones: a
            # few of hundreds, and normalising every label was most of check's flow checks)
            own = {words(text) for text in (choice.id.replace("-", " "), choice.label,
                                            *choice.synonyms, *choice.answer_only)
                   } if choice.strong else set()
            for phrase in choice.strong:
                if words(phrase) not in own:
                    problems.append(Problem(flow.path, choice.line,
                                            f"{where}: strong phrase {phrase!r} is not one of the "
                                            "choice's synonyms or answer_only phrases"))
            if choice.ages is not None and choice.ages[0] > choice.ages[1]:
                problems.append(Problem(flow.path, choice.line,
                                        f"{where}: ages min is above max"))
        problems += _overlapping_ages(flow, question)
    return problems


def _overlapping_ages(flow: Flow, question: Question) -> list[Problem]:
    ranged = sorted((c for c in question.choices if c.ages is not None),
                    key=lambda c: c.ages or (0, 0))
    return [
        Problem(flow.path, later.line,
                f"question {question.id}: ages of {earlier.id} and {later.id} overlap")
        for earlier, later in zip(ranged, ranged[1:], strict=False)
        if earlier.ages and later.ages and later.ages[0] <= earlier.ages[1]
    ]
