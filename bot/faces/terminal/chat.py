"""`frontdesk chat`: the embedded terminal conversation, no Slack account needed.

The case itself is the engine's ``Case`` (routing, prefill, "Did you mean", what each line did,
the case trail): this face reads lines, tells ``Case`` what they mean, and prints the views.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from bot.content.catalogue import Catalogue, ResolvedOutcome
from bot.content.flows import DATE_ASK, Question
from bot.engine import View
from bot.engine.matching import match_choice, normalise, worded
from bot.engine.session import (
    MENU_EXITS,
    NOT_A_PRIVACY_MATTER,
    NOT_PRIVACY,
    NOT_PRIVACY_REPLY,
    PAGE_WORDS,
    SAID,
    SAY_IT_AGAIN,
    SWITCH_WORDS,
    UPDATED,
    WITHDRAWN,
    Case,
    did_you_mean,
    menu_exit,
    offered_pick,
    wants_change,
)
from bot.engine.step import STATED_DATE, Understanding, date_ask
from bot.faces.terminal.render import (
    Para,
    Screenful,
    answer_screen,
    plain,
    policy_screen,
    question_screen,
)
from bot.review.forms import offer_form
from bot.router import RouteResult
from bot.router.dates import stated_date
from bot.store import ConversationStore

if TYPE_CHECKING:
    from bot.escalation import EscalationService

QUIT_WORDS = frozenset({"quit", "exit", "q", "bye"})
POLICY_WORDS = frozenset({"policy", "show the policy", "quotes", "clauses", "why"})
AFTER_OUTCOME = ("(Type 'back', 'change' or 'start over' to correct this case, 'something else' "
                 "if it is another situation, 'page' to page someone now, or press Enter to "
                 "finish.)")

Prompt = Callable[[str], str]
Say = Callable[[str], None]
Paint = Callable[[Screenful], None]


class Quit(Exception):
    """The user asked to leave (``quit`` or end of input)."""


class SomethingElse(Exception):
    """Staff said the case is another situation: back to routing, same case, no page."""


class TerminalChat:
    """Reads lines, steps the engine, prints the views. Holds no policy logic."""

    def __init__(self, catalogue: Catalogue, library: str, store: ConversationStore | None,
                 read: Prompt, say: Say, user_id: str = "terminal",
                 escalations: EscalationService | None = None, forms_folder: Path | None = None,
                 paint: Paint | None = None):
        self.catalogue = catalogue
        self.pack = catalogue.pack(library)
        self.library = library
        self.store = store
        self.read = read
        self.say = say
        # Styled paragraphs (the Screen wraps and colours them); plain text through say if not.
        self.paint: Paint = paint or (lambda paras: say(plain(paras)))
        self.user_id = user_id
        self.escalations = escalations
        self.forms_folder = forms_folder  # where printable forms are written (None: not at all)
        self._answer: ResolvedOutcome | None = None  # the outcome last shown ('policy' quotes it)
        self._told_no_names = False
        self.case = self.new_case()

    def new_case(self) -> Case:
        """The engine's case for the next situation: its trail goes to the audit log."""
        return Case(self.catalogue, self.library, face="terminal", actor=self.user_id,
                    sink=self.escalations)

    @property
    def pic(self) -> str:
        """The privacy in-charge role as this library's policy titles it."""
        return self.pack.roles["privacy-in-charge"].display

    def ask(self, prompt: str) -> str:
        """The next line typed. 'policy' (once an answer is shown) prints the clauses it rests
        on and asks again, at whatever prompt it was typed."""
        while True:
            try:
                text = self.read(prompt)
            except EOFError:
                raise Quit from None
            if normalise(text) in QUIT_WORDS:
                raise Quit
            if normalise(text) in POLICY_WORDS and self._answer is not None:
                self.paint(policy_screen(self.pack, self._answer))
                continue
            return text

    def choose(self) -> View:
        """The situation, from the staff member's own words (routed by the engine's case) or a
        menu number; a "Did you mean" or menu pick keeps what the opening message stated."""
        flows = sorted(self.catalogue.flows_for(self.library).values(), key=lambda f: f.title)
        self.say(f"\nfrontdesk — {self.pack.library}\nWhat is happening at the desk? "
                 "Say it in your own words, or pick a number:")
        if not self._told_no_names:  # once a session, where staff first type
            self.say("(I need no patron names or numbers: just what is happening.)")
            self._told_no_names = True
        for number, flow in enumerate(flows, 1):
            self.say(f"  {number:2}. {flow.title}")
        if self.escalations is not None:
            self.say(f"  (or type 'page' to page the {self.pic} about something else)")
        while True:
            text = self.ask("> ").strip()
            if not text:
                continue
            if normalise(text) in PAGE_WORDS:
                self.page_or_say_who()
                continue
            offered = self.case.offered  # the "Did you mean" list on screen, numbered from 1
            if (way_out := menu_exit(text, offered)) is not None:
                self.case.say_it_again()
                if way_out == NOT_PRIVACY:
                    self.say(NOT_PRIVACY_REPLY)
                    self.say("(Another situation? Say it, pick a number, or type 'quit'.)")
                    continue
                # routed as an opening is: an emergency starts its situation, which pages
                # when it reads danger; words it cannot place page nobody (review 6 M3)
                text = self.ask(f"{SAY_IT_AGAIN} > ").strip()
                offered = ()
                if not text:
                    continue
            if (picked := offered_pick(text, offered)) is not None:
                return self.case.start(picked)
            if text.isdigit() and 1 <= int(text) <= len(flows):
                return self.case.start(flows[int(text) - 1].id)
            for flow in flows:
                if normalise(text) in (flow.id, normalise(flow.title)):
                    return self.case.start(flow.id)
            result = self.case.route(text)
            if not self.case.choosing:  # started: routed with confidence, or picked by its id
                assert self.case.view is not None
                started = self.case.view.conversation.flow
                self.say(f"→ {self.catalogue.flow(self.library, started).title}")
                return self.case.view
            self.offer(result, kept=offered)

    def offer(self, result: RouteResult, kept: tuple[str, ...] = ()) -> None:
        """Offer "Did you mean" for an ambiguous message; say honestly it is unclear otherwise.
        A line that routes nowhere while a "Did you mean" list (``kept``) is on screen shows
        that list again: its numbers still mean its situations, and the bot never says
        "nobody needs paging" about a case it has itself proposed as a privacy situation."""
        offered = self.case.offered
        if offered:
            if offered == kept and not did_you_mean(result):
                self.say("I didn't catch that. Type the number of the situation you mean:")
            else:
                self.say("Did you mean:")
            for number, situation in enumerate(offered, 1):
                self.say(f"  {number}. {self.catalogue.flow(self.library, situation).title}")
            for number, (_, label) in enumerate(MENU_EXITS, len(offered) + 1):
                self.say(f"  {number}. {label}")
            self.say(f"  (or type 'page' to page the {self.pic} now)")
            return
        self.say("I can't tell which situation that is. I only cover patron-privacy "
                 f"situations. {NOT_A_PRIVACY_MATTER} If it is one, pick a number from the list "
                 f"above, say it another way, or type 'page' to page the {self.pic}. "
                 "(Type 'quit' to leave.)")

    def page_or_say_who(self, said: str | None = None) -> None:
        """Page the in-charge (when paging is set up) about ``said`` (asked for if None), or
        say whom to call."""
        if self.escalations is not None:
            self.page_unrouted(said)
            return
        contact = self.pack.contacts.get("if_no_answer", "")
        self.say(f"Call the {self.pic} now. {contact}".strip())

    def show(self, view: View) -> None:
        """A question; an outcome is shown by ``after_outcome``, with its page."""
        if view.outcome is None and view.question is not None:
            self.paint(question_screen(view.question, view.not_understood, view.suggestion,
                                       view.declined))

    def save(self, view: View) -> None:
        if self.store is not None:
            self.store.save(
                view.conversation,
                user_id=self.user_id,
                face="terminal",
                status=view.status,
                outcome=view.outcome.id if view.outcome else None,
            )

    def converse(self, view: View) -> View:
        """The case from its first question (or outcome) until staff finish it."""
        self.save(view)  # kept from its first step, whatever staff do next
        flow = self.catalogue.flow(self.library, view.conversation.flow)
        if flow.first and view.outcome is None:  # what holds whatever the answers, first
            self.paint([Para(flow.first, "bold red", "⛔ ")])
        self.show_understood(view)
        self.show(view)
        while True:
            while view.outcome is None:
                view = self.answer(view, self.ask("> "))
            self.after_outcome(view)
            while True:  # after the outcome: correct it, switch, page, or finish
                self.say(AFTER_OUTCOME)
                text = self.ask("> ")
                if not text.strip():
                    return view
                steps = len(self.case.trail)
                view = self.answer(view, text)
                if len(self.case.trail) > steps and self.case.trail[-1].changed:
                    break  # corrected: answer what is asked, then settle the page again
                if (noted := view.noted(self.pack.library)) is not None:
                    self.say(noted)
                elif view.outcome is not None and view.not_understood is not None:
                    self.say("I didn't catch that; nothing changed. To correct an answer, type "
                             "'change' (or start with 'actually': \"actually it's a subpoena\").")

    def answer(self, view: View, text: str) -> View:
        """One typed line during a case: change, page, or an answer/command for the engine."""
        echoed = set(view.understood)
        if normalise(text) in SWITCH_WORDS:
            self.say("Back to the situations. Nothing was paged for this switch.")
            self.case.switch()
            raise SomethingElse
        if wants_change(view.conversation, text):
            view = self.change(view)
        elif normalise(text) in PAGE_WORDS:
            self.page_case(view)
            return view
        else:
            view = self.case.step(text)
            assert self.case.last is not None
            if self.case.last.happened.undid:
                self.say(SAID[self.case.last.happened.kind] + ".")
        self.save(view)
        self.show_understood(view, already=echoed)
        self.show(view)
        return view

    def show_understood(self, view: View, *,
                        already: set[Understanding] | frozenset[Understanding] = frozenset(),
                        ) -> None:
        """Echo what was taken from staff's words, so a misreading is caught at once: each
        thing once (``already``: echoed before), so a line that was not understood, or words
        after the answer, print nothing again; an opening fact reached later is echoed when
        its question comes."""
        shown = [u for u in view.understood if u not in already]
        for item in shown:
            self.say(f"I understood: {item.ask} → {item.label}")
        if shown:
            self.say("(type 'change' or 'back' to correct)")

    def change(self, view: View) -> View:
        """Re-answer one of the questions already answered; later answers that still apply stay."""
        flow = self.catalogue.flow(self.library, view.conversation.flow)
        answered = [(flow.nodes[q], c) for q, c in view.path]
        dated = next((u for u in view.understood if u.question == STATED_DATE), None)
        if dated is None and view.hold_due and view.hold_due.ask:
            # no day given, asked in the deadline notice: the day can be given here
            dated = Understanding(STATED_DATE, "", date_ask(flow), "not given (counted from "
                                  "today)", "", "opening")
        if not answered and dated is None:
            self.say("Nothing answered yet to change.")
            return view
        self.say("Which answer do you want to change?")
        for number, (question, choice_id) in enumerate(answered, 1):
            assert isinstance(question, Question)
            choice = question.choice(choice_id)
            self.say(f"  {number}. {question.ask} → {choice.label if choice else choice_id}")
        if dated is not None:
            self.say(f"  {len(answered) + 1}. {dated.ask} → {dated.label}")
        text = self.ask("> ").strip()
        only = answered[0][0] if len(answered) == 1 and dated is None else None
        if isinstance(only, Question) and text != "1":
            # one answer listed: anything but its number is the new answer itself ("2", "a
            # subpoena"), as the clerk meant it
            choice = match_choice(only, text)
            if choice is None:
                self.say("Nothing changed.")
                return view
            return self.case.answer(only.id, choice.id, text, worded=worded(only, text))
        if dated is not None and text == str(len(answered) + 1):
            return self.change_date(view)
        if not (text.isdigit() and 1 <= int(text) <= len(answered)):
            self.say("Nothing changed.")
            return view
        question = answered[int(text) - 1][0]
        assert isinstance(question, Question)
        self.paint(question_screen(question))
        said = self.ask("> ")
        choice = match_choice(question, said)
        if choice is None:
            self.say("Nothing changed.")
            return view
        return self.case.answer(question.id, choice.id, said, worded=worded(question, said))

    def change_date(self, view: View) -> View:
        """Correct the day the case gives (a hold's deadline counts from it), asked as the
        flow's hold names that day ("When did the request come in?")."""
        flow = self.catalogue.flow(self.library, view.conversation.flow)
        hold = flow.dated_hold or {}
        self.say(f"{hold.get('date_ask', DATE_ASK)} (e.g. 'last month', '5 days ago', "
                 "'2026-11-03'; 'today' to count from today)")
        said = self.ask("> ").strip()
        if normalise(said) == "today":
            return self.case.restate_date(None)
        found = stated_date(said, date.today())
        if found is None:
            self.say("Nothing changed.")
            return view
        return self.case.restate_date(found[0].isoformat())

    def page_case(self, view: View) -> None:
        """'page' in the middle of a case: page the privacy in-charge about this case now."""
        if self.escalations is None:
            self.page_or_say_who()
            return
        self.page_now(view)

    def write_form(self, view: View) -> None:
        """The outcome's printable form (the officer's request, ...) as a file to print."""
        if self.forms_folder is None or view.outcome is None or not view.outcome.form:
            return
        path = offer_form(self.pack, view.outcome, self.forms_folder)
        if path is not None:
            self.say(f"Form written to {path} (open it in a browser and print it).")

    # --- paging (escalation) ---------------------------------------------------------------

    def after_outcome(self, view: View) -> None:
        """The answer first: bring the case's page in line with its outcome (raised, updated
        after a correction, withdrawn when the corrected case needs nobody), then show the
        outcome with whom that paged, and the printable form."""
        outcome = view.outcome
        assert outcome is not None
        self._answer = outcome
        if self.escalations is None:
            self.paint(answer_screen(self.pack, outcome))
            self.tell_find_out(view)
            self.write_form(view)
            return
        change = self.escalations.settle_outcome(
            library=self.library, conversation=view.conversation, outcome=outcome,
            asked_by=self.user_id, face="terminal")
        if change is not None and change.action == WITHDRAWN:
            self.say(f"Page {change.escalation} withdrawn: the corrected case needs nobody, and "
                     "everyone it reached has been told to stand down.")
        elif change is not None and change.action == UPDATED:
            self.say(f"Page {change.escalation} updated: the desk corrected the case, and "
                     "everyone it reached now sees this answer instead.")
        escalation_id = (change.escalation if change is not None and change.action != WITHDRAWN
                         else None)
        if escalation_id is None and outcome.escalate.pages:  # the same outcome: its open page
            escalation_id = self.escalations.handle_outcome(
                library=self.library, conversation=view.conversation, outcome=outcome,
                asked_by=self.user_id, face="terminal")
        paging = self.describe_page(escalation_id) if escalation_id else ""
        self.paint(answer_screen(self.pack, outcome, paging.splitlines()))
        self.tell_find_out(view)
        self.write_form(view)

    def tell_find_out(self, view: View) -> None:
        """Reached through "Not sure": the most cautious answer, and how to find out. Also a
        hold that ran out before the case reached the desk (``View.hold_passed``)."""
        if view.hold_passed:
            self.say(view.hold_passed.warning)
        if view.hold_due:
            self.say(view.hold_due.notice)
            if view.hold_due.ask:
                self.say("(Type 'change' to give the day.)")
        if view.find_out:
            self.say(f"You weren't sure, so this is the most cautious answer. To find out: "
                     f"{view.find_out} Then type 'back' and answer.")

    def page_now(self, view: View) -> None:
        """Staff asked for a person: page about this case as it stands (outcome or not)."""
        assert self.escalations is not None
        escalation_id = self.escalations.trigger(
            library=self.library, situation=view.conversation.flow,
            conversation=view.conversation, outcome=view.outcome, reason="page-now",
            asked_by=self.user_id, face="terminal")
        self.show_paged(escalation_id)

    def page_unrouted(self, said: str | None = None) -> None:
        assert self.escalations is not None
        text = said if said is not None else self.ask(f"{SAY_IT_AGAIN} > ")
        escalation_id = self.escalations.trigger(
            library=self.library, situation=None, conversation=None, outcome=None,
            reason="unrouted", asked_by=self.user_id, face="terminal", question=text)
        self.show_paged(escalation_id)

    def show_paged(self, escalation_id: str) -> None:
        self.say(self.describe_page(escalation_id))

    def describe_page(self, escalation_id: str) -> str:
        """Who is paged and what happens next (imported here: paging is optional)."""
        from bot.faces.terminal.paging import describe_page

        assert self.escalations is not None
        return describe_page(self.escalations, escalation_id)

    def run(self) -> None:
        try:
            while True:
                try:
                    self.converse(self.choose())
                except SomethingElse:  # the next situation continues this case
                    continue
                self.case = self.new_case()
                self.say("\n(Another situation? Pick again, or type 'quit'.)")
        except Quit:
            self.say("Bye.")
