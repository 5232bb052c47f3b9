"""`frontdesk chat`: the embedded terminal conversation, no Slack account needed."""

from __future__ import annotations

from collections.abc import Callable

from bot.content.catalogue import Catalogue
from bot.engine import View, start, step
from bot.engine.matching import normalise
from bot.faces.terminal.render import render_outcome, render_question
from bot.store import ConversationStore

QUIT_WORDS = frozenset({"quit", "exit", "q", "bye"})

Prompt = Callable[[str], str]
Say = Callable[[str], None]


class Quit(Exception):
    """The user asked to leave (``quit`` or end of input)."""


class TerminalChat:
    """Reads lines, steps the engine, prints the views. Holds no policy logic."""

    def __init__(self, catalogue: Catalogue, library: str, store: ConversationStore | None,
                 read: Prompt, say: Say, user_id: str = "terminal"):
        self.catalogue = catalogue
        self.pack = catalogue.pack(library)
        self.library = library
        self.store = store
        self.read = read
        self.say = say
        self.user_id = user_id

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
        while True:
            text = self.ask("> ").strip()
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
        self.show(view)
        while view.outcome is None:
            view = step(self.catalogue, view.conversation, self.ask("> "))
            self.save(view)
            self.show(view)
        return view

    def run(self) -> None:
        try:
            while True:
                self.converse(self.choose_flow())
                self.say("\n(Another situation? Pick again, or type 'quit'.)")
        except Quit:
            self.say("Bye.")
