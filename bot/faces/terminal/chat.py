"""`frontdesk chat`: the embedded terminal conversation, no Slack account needed."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.content.catalogue import Catalogue
from bot.engine import View, start, step
from bot.engine.matching import normalise
from bot.faces.terminal.render import render_outcome, render_question
from bot.store import ConversationStore

if TYPE_CHECKING:
    from bot.escalation import EscalationService

QUIT_WORDS = frozenset({"quit", "exit", "q", "bye"})
PAGE_WORDS = frozenset({"page", "page now", "page the privacy in charge"})

Prompt = Callable[[str], str]
Say = Callable[[str], None]


class Quit(Exception):
    """The user asked to leave (``quit`` or end of input)."""


class TerminalChat:
    """Reads lines, steps the engine, prints the views. Holds no policy logic."""

    def __init__(self, catalogue: Catalogue, library: str, store: ConversationStore | None,
                 read: Prompt, say: Say, user_id: str = "terminal",
                 escalations: EscalationService | None = None):
        self.catalogue = catalogue
        self.pack = catalogue.pack(library)
        self.library = library
        self.store = store
        self.read = read
        self.say = say
        self.user_id = user_id
        self.escalations = escalations

    def ask(self, prompt: str) -> str:
        try:
            text = self.read(prompt)
        except EOFError:
            raise Quit from None
        if normalise(text) in QUIT_WORDS:
            raise Quit
        return text

    def choose_flow(self) -> str:
        flows = sorted(self.catalogue.flows_for(self.library).values(), key=lambda f: f.title)
        self.say(f"\nfrontdesk — {self.pack.library}\nWhat is happening at the desk?")
        for number, flow in enumerate(flows, 1):
            self.say(f"  {number:2}. {flow.title}")
        if self.escalations is not None:
            self.say("  (or type 'page' to page the privacy in-charge about something else)")
        while True:
            text = self.ask("> ").strip()
            if self.escalations is not None and normalise(text) in PAGE_WORDS:
                self.page_unrouted()
                continue
            if text.isdigit() and 1 <= int(text) <= len(flows):
                return flows[int(text) - 1].id
            for flow in flows:
                if normalise(text) in (flow.id, normalise(flow.title)):
                    return flow.id
            self.say("Type the number of the situation (or 'quit').")

    def show(self, view: View) -> None:
        if view.outcome is not None:
            self.say(render_outcome(self.pack, view.outcome))
        elif view.question is not None:
            self.say(render_question(view.question, view.not_understood))

    def save(self, view: View) -> None:
        if self.store is not None:
            self.store.save(
                view.conversation,
                user_id=self.user_id,
                face="terminal",
                status=view.status,
                outcome=view.outcome.id if view.outcome else None,
            )

    def converse(self, flow_id: str) -> View:
        view = start(self.catalogue, self.library, flow_id)
        self.record("case.opened", view, {"flow": flow_id, "face": "terminal"})
        self.show(view)
        while view.outcome is None:
            before = len(view.conversation.transcript)
            view = step(self.catalogue, view.conversation, self.ask("> "))
            for turn in view.conversation.transcript[before:]:
                self.record("case.answer", view, turn.to_json())  # redacted by the engine
            self.save(view)
            self.show(view)
        self.after_outcome(view)
        return view

    # --- paging (escalation) ---------------------------------------------------------------

    def record(self, kind: str, view: View, data: dict) -> None:  # type: ignore[type-arg]
        if self.escalations is not None:
            self.escalations.record(kind, library=self.library, actor=self.user_id,
                                    conversation_id=view.conversation.id, data=data)

    def after_outcome(self, view: View) -> None:
        """Page when the outcome says so; offer `page` on any outcome."""
        if self.escalations is None or view.outcome is None:
            return
        outcome = view.outcome
        self.record("case.outcome", view, {"outcome": outcome.id, "decision": outcome.decision})
        if outcome.escalate.pages:
            not_sure = any(choice == "not-sure" for _, choice in view.path)
            escalation_id = self.escalations.trigger(
                library=self.library, situation=view.conversation.flow,
                conversation=view.conversation, outcome=outcome,
                reason="not-sure" if not_sure else "outcome", asked_by=self.user_id,
                face="terminal")
            self.show_paged(escalation_id)
            return
        self.escalations.start_hold(library=self.library, outcome=outcome,
                                    conversation=view.conversation, asked_by=self.user_id)
        self.say("(Type 'page' to page the privacy in-charge now, or press Enter to go on.)")
        if normalise(self.ask("> ")) in PAGE_WORDS:
            escalation_id = self.escalations.trigger(
                library=self.library, situation=view.conversation.flow,
                conversation=view.conversation, outcome=outcome, reason="page-now",
                asked_by=self.user_id, face="terminal")
            self.show_paged(escalation_id)

    def page_unrouted(self) -> None:
        assert self.escalations is not None
        text = self.ask("In a few words, what is happening? (no patron names or numbers) > ")
        escalation_id = self.escalations.trigger(
            library=self.library, situation=None, conversation=None, outcome=None,
            reason="unrouted", asked_by=self.user_id, face="terminal", question=text)
        self.show_paged(escalation_id)

    def show_paged(self, escalation_id: str) -> None:
        assert self.escalations is not None
        self.say(self.escalations.describe_page(escalation_id))

    def run(self) -> None:
        try:
            while True:
                self.converse(self.choose_flow())
                self.say("\n(Another situation? Pick again, or type 'quit'.)")
        except Quit:
            self.say("Bye.")
