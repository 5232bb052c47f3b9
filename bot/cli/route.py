"""`frontdesk route`: which situation a staff message is about (the router every face uses)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from bot.cli.common import clear_errors, content_option, fail, load_catalogue
from bot.content.catalogue import DEMO_LIBRARY
from bot.router import Router, RouteResult, router_for

NONE_OF_THESE = "None of these — page the privacy in-charge"


def describe(router: Router, result: RouteResult, pic: str) -> str:
    """The router's answer in words, as the terminal chat would put it."""
    lines: list[str] = []
    if result.band == "confident":
        flow = router.flows[result.situation or ""]
        lines.append(f"→ {flow.title} ({flow.id}), confidence {result.confidence:.2f}")
        for item in result.prefill:
            lines.append(f"  I understood: {item.ask} → {item.label}")
    elif result.band == "ambiguous":
        lines.append("Did you mean:")
        for number, candidate in enumerate(result.suggestions, 1):
            lines.append(f"  {number}. {candidate.title} ({candidate.situation}, "
                         f"{candidate.score:.2f})")
        lines.append(f"  {len(result.suggestions) + 1}. {NONE_OF_THESE} ({pic})")
    else:
        lines.append("I can't tell which situation this is.")
        for candidate in result.suggestions:  # the closest, when the model nearly placed it
            lines.append(f"Closest: {candidate.title} ({candidate.situation}, "
                         f"{candidate.score:.2f})")
        lines.append("The situations I know:")
        for situation_id, title in router.situations():
            lines.append(f"  - {title} ({situation_id})")
        lines.append(f"Or page the privacy in-charge: {pic}.")
    return "\n".join(lines)


@click.command()
@click.argument("text", nargs=-1)
@click.option("--library", default=DEMO_LIBRARY, show_default=True, help="Library (pack) id.")
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON object: text, situation, confidence, candidates, band, prefill.")
@click.option("--jsonl", is_flag=True,
              help="Route each stdin line; print one JSON object per line "
                   "(text, situation, confidence, candidates).")
@content_option
@clear_errors
def route(text: tuple[str, ...], library: str, as_json: bool, jsonl: bool,
          content: Path | None) -> None:
    """Say which situation TEXT is about, or that it is not sure (the text is redacted first).

    `situation` is set only when the router would start that flow on its own; otherwise
    `candidates` holds the best three to offer ("Did you mean") or nothing close.
    """
    if jsonl == bool(text):
        fail("give TEXT, or --jsonl with one message per line on stdin (not both)")
    catalogue = load_catalogue(content)
    router = router_for(catalogue, library)
    if jsonl:
        for line in sys.stdin:
            result = router.route(line.rstrip("\r\n"), with_prefill=False)
            click.echo(json.dumps(result.to_json(), ensure_ascii=False))
        return
    result = router.route(" ".join(text))
    if as_json:
        click.echo(json.dumps({"library": library, **result.to_json(detail=True)},
                              ensure_ascii=False))
        return
    pic = catalogue.pack(library).roles["privacy-in-charge"].display
    click.echo(describe(router, result, pic))
