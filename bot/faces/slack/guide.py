"""Guidance in a Slack thread: Slack events in, engine calls, rendered views out.

This is the Slack face's controller. It holds no policy: every decision comes from the engine
(``start``, ``step``, ``answer``, ``back``, ``start_over``) and the router; this module only
keeps track of which thread holds which conversation and posts what the engine returns.

A change to a conversation is a compare-and-swap on the thread's revision in the store
(``SlackState.advance``): of two clicks on the same question (a double click, two people,
two instances), exactly one moves the conversation on; the other is told the question was
already answered.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from html import unescape
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.channels.slack.render import STATUS_BLOCK
from bot.content.flows import NOT_SURE, Flow, Question
from bot.engine import View, back, start, start_over, step, view
from bot.engine.conversation import Conversation
from bot.engine.matching import normalise
from bot.engine.session import (
    NOT_A_PRIVACY_MATTER,
    NOT_PRIVACY_REPLY,
    SAID,
    SWITCH_WORDS,
    CaseTrail,
    Move,
    Opening,
    as_facts,
    happened,
    move,
    open_case,
    switch,
    wants_change,
)
from bot.engine.step import AMBIGUOUS, STATED_DATE, Understood, answer
from bot.faces.slack import blocks
from bot.faces.slack.blocks import Paging
from bot.faces.slack.paging import Pager, Settled, paging_note
from bot.faces.slack.services import Services
from bot.mrkdwn import channel as channel_link
from bot.mrkdwn import escape, mention
from bot.ops.metrics import OUTCOMES
from bot.privacy.redact import redact
from bot.router import PrefilledAnswer
from bot.store.slack_state import SlackThread
from bot.store.txn import bookkeeping, staged_part, write_transaction

log = logging.getLogger("frontdesk.slack")

MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")
WHAT_IS_HAPPENING = "What is happening at the desk?"
ALREADY_ANSWERED = "That was already answered; see the latest message."
ROOT_MARK = "🛡️ *Privacy guidance*"  # how a case's root message in a DM begins
ASKED = re.compile(r"^You asked: “(.*)”$", re.MULTILINE)  # a root's quote of the words typed
MOVED_MARK = "Continuing your case from"  # a root of a case moved to a DM
CLOCK_SLACK = 5.0  # seconds: Slack's message clock may run a little behind ours
#: The state a message's status line describes when that is not known (never a state's
#: signature, so watching it edits the line to the current state at once).
UNKNOWN_STATUS = "unknown"


def opening(current: View) -> list[Understood]:
    """What a new case shows as understood: the prefilled answers and the day it happened."""
    return [*current.prefilled, *((u.question, u.choice, u.ask, u.label)
                                  for u in current.understood if u.question == STATED_DATE)]


def strip_mentions(text: str) -> str:
    return MENTION.sub("", text or "").strip()


def _turned_down(new: View) -> str | None:
    """How the record of a question reads when staff's plain yes or no left the offer there
    undecided or turned it down (``View.declined``): asked again, nothing chosen."""
    if new.declined is None:
        return None
    if new.declined.source == AMBIGUOUS:
        return (f"“Yes” could mean “{escape(new.declined.said)}” or "
                f"“{escape(new.declined.label)}”: asked again (tap the one you mean)")
    return f"Not “{escape(new.declined.label)}”: asked again"


@dataclass(frozen=True)
class Place:
    """Where a thread lives and who is acting in it. ``resumes``: for a click replayed from the
    inbox after its process died, the ts of the message clicked (see ``Guide.load``)."""

    channel: str
    thread_ts: str
    user: str
    resumes: str | None = None


class Openings:
    """Each thread's opening message (redacted), in this process's memory only, never stored:
    a case stores what the message stated for the situations started or offered, and a
    situation picked later after "something else" is read from the words held here. The
    newest ``size`` threads are kept, each for ``seconds``; a thread forgotten (or opened by
    another process, or before a restart) has its first message read back from Slack
    (``Guide.opening_of``); only if Slack cannot return it are the situation's questions
    asked."""

    def __init__(self, size: int = 1000, seconds: float = 4 * 3600):
        self.size, self.seconds = size, seconds
        self._kept: OrderedDict[tuple[str, str], tuple[float, Opening]] = OrderedDict()
        self._lock = threading.Lock()

    def keep(self, place: Place, opening: Opening) -> None:
        with self._lock:
            self._kept[(place.channel, place.thread_ts)] = (time.monotonic(), opening)
            self._kept.move_to_end((place.channel, place.thread_ts))
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)

    def get(self, place: Place) -> Opening | None:
        with self._lock:
            found = self._kept.get((place.channel, place.thread_ts))
        if found is None or time.monotonic() - found[0] >= self.seconds:
            return None
        return found[1]


class Guide:
    """Runs guided conversations in Slack threads for one library."""

    def __init__(self, services: Services):
        self.services = services
        self.catalogue = services.catalogue
        self.config = services.config
        self.library = services.config.library
        self.pack = self.catalogue.pack(self.library)
        self.state = services.slack_state
        self.store = services.conversations
        self.router = services.router
        self.flows: list[Flow] = sorted(
            self.catalogue.flows_for(self.library).values(), key=lambda f: f.title
        )
        self.pager = Pager(services, self.pack)  # pages and the asker's live paging status
        self.openings = Openings()
        self._bot_user: str | None = None  # the bot's user id, for finding its own posts

    # --- helpers ------------------------------------------------------------------------------

    def flow(self, flow_id: str) -> Flow | None:
        return self.catalogue.flows_for(self.library).get(flow_id)

    def question(self, conversation: Conversation, question_id: str) -> Question | None:
        """A question of the case's flow, as a click names it; None if the flow lost it."""
        node = self.catalogue.flow(self.library, conversation.flow).nodes.get(question_id)
        return node if isinstance(node, Question) else None

    def open_case_thread(self, client: WebClient, user: str, *lines: str,
                         channel: str | None = None) -> Place:
        """A new thread in the user's DM with the bot (``channel`` when already opened), under
        a header naming the library."""
        channel = channel or self.open_dm(client, user)
        header = "\n".join([f"{ROOT_MARK} — {blocks.escape(self.pack.library)}", *lines,
                            f"_{blocks.NO_PATRON_NAMES}_"])
        root = client.chat_postMessage(channel=channel, **blocks.note(header).kwargs())
        return Place(channel, root["ts"], user)

    def pic(self) -> str:
        return self.pager.pic()

    def post(self, client: WebClient, place: Place, message: blocks.Message) -> str | None:
        response = client.chat_postMessage(
            channel=place.channel, thread_ts=place.thread_ts, **message.kwargs()
        )
        return response.get("ts")

    def update(
        self, client: WebClient, channel: str, ts: str | None, message: blocks.Message
    ) -> None:
        if not ts:
            return
        try:
            client.chat_update(channel=channel, ts=ts, **message.kwargs())
        except SlackApiError as exc:  # the record line is cosmetic; the case goes on
            log.warning("chat.update failed: %s", exc.response.get("error"))

    def tell(self, client: WebClient, place: Place, text: str) -> None:
        """A line only the acting user sees (stale clicks and the like)."""
        try:
            client.chat_postEphemeral(
                channel=place.channel, user=place.user, text=text, thread_ts=place.thread_ts
            )
        except SlackApiError as exc:
            log.warning("chat.postEphemeral failed: %s", exc.response.get("error"))

    def save(self, thread: SlackThread, step: Move, place: Place, permalink: str | None
             ) -> Settled:
        """Store the conversation the step (which won the thread) arrived at, write the case
        trail the engine decided for it, and settle its outcome's page (``permalink``: asked of
        Slack beforehand). Called inside the step's write transaction, so all of it commits
        once, before anything is posted."""
        current = step.after
        self.store.save(
            current.conversation,
            user_id=thread.user_id,
            face="slack",
            status=current.status,
            outcome=current.outcome.id if current.outcome else None,
            channel=place.channel,
        )
        # The trail's events are staged (written at the commit): a failure drops them alone.
        CaseTrail(self.services.escalations, self.library, place.user,
                  atomic=lambda: staged_part(self.services.database)).write(step)
        if current.outcome is not None and step.trail:
            OUTCOMES.labels(current.outcome.decision).inc()
        return self.pager.for_outcome(thread, place, current, permalink)

    # --- entry points ---------------------------------------------------------------------------

    def open_dm(self, client: WebClient, user: str) -> str:
        return client.conversations_open(users=user)["channel"]["id"]

    def start_in_dm(
        self,
        client: WebClient,
        user: str,
        text: str = "",
        flow_id: str | None = None,
        origin: str = "",
        replayed_since: float | None = None,
    ) -> Place:
        """Slash command and App Home: a new thread in the user's DM with the bot.

        ``replayed_since``: this start is replayed from the inbox after its process died (the
        request was received then). If that process had posted the case's root already, the
        root is finished instead of a second case being opened."""
        place, channel = None, None
        if replayed_since is not None:
            channel = self.open_dm(client, user)
            place = self.interrupted_root(client, channel, user, replayed_since)
        if place is not None:
            existing = self.state.thread(place.channel, place.thread_ts)
            if existing is not None:  # recorded too: only what it shows next may be missing
                if existing.live_ts is None:
                    self.resume(client, existing, place)
                return place
        else:
            said = redact(text.strip())
            lines = []
            if said:
                lines.append(f"You asked: “{blocks.escape(blocks.clip(said, 500))}”")  # ASKED
            if origin:
                lines.append(origin)
            place = self.open_case_thread(client, user, *lines, channel=channel)
        self.begin(client, place, kind="dm", text=text, flow_id=flow_id, quoted=True)
        return place

    def interrupted_root(self, client: WebClient, channel: str, user: str, since: float
                         ) -> Place | None:
        """The first case root posted in ``user``'s DM ``channel`` since ``since`` that was never
        recorded or never got its first step (a start interrupted between posting and
        recording)."""
        try:
            if self._bot_user is None:
                self._bot_user = client.auth_test().get("user_id") or ""
            history = client.conversations_history(
                channel=channel, oldest=f"{since - CLOCK_SLACK:.6f}", limit=100,
                include_all_metadata=True)
        except SlackApiError as exc:
            log.warning("looking for an interrupted start failed: %s", exc.response.get("error"))
            return None
        roots = sorted(
            (m for m in history.get("messages", [])
             if (m.get("bot_id") or m.get("user") == self._bot_user) and not m.get("metadata")
             and m.get("thread_ts", m.get("ts")) == m.get("ts")
             and ROOT_MARK in str(m.get("text", ""))),
            key=lambda m: float(m["ts"]))
        for root in roots:
            thread = self.state.thread(channel, root["ts"])
            if thread is None or thread.live_ts is None:
                return Place(channel, root["ts"], user, resumes=root["ts"])
        return None

    def start_in_thread(self, client: WebClient, place: Place, *, kind: str, text: str,
                        said: str | None = None) -> None:
        """A DM to the bot or a mention in a channel: guidance in a thread under that message.
        ``said``: ``text`` redacted, as the inbox stored it (None: not known)."""
        if place.resumes:  # replayed after a crash: finish the interrupted start, never redo it
            existing = self.state.thread(place.channel, place.thread_ts)
            if existing is not None:
                if existing.live_ts is None:
                    self.resume(client, existing, place)
                return
        if kind == "channel":
            notice = blocks.channel_notice(thread_ts=place.thread_ts)
            self.post(client, place, notice)
        self.begin(client, place, kind=kind, text=text, redacted=said)

    def begin(
        self,
        client: WebClient,
        place: Place,
        *,
        kind: str,
        text: str = "",
        flow_id: str | None = None,
        quoted: bool = False,
        redacted: str | None = None,
    ) -> None:
        """Open the thread's case from ``text`` (or at ``flow_id``); ``redacted``: ``text``
        redacted, when the face has it already (the router then does not redact it again).

        ``quoted``: the words are in Slack only as the quote of a root the bot posted
        (a slash command, App Home), redacted and cut at 500 characters, which is all a
        restart could read back (``opening_of``): what they state is read now for every
        situation of the library and kept with the case, not only for those started or
        offered."""
        said = text.strip()
        opened = None  # the engine's reading of the opening message
        prefill: Sequence[PrefilledAnswer] = ()
        if flow_id is None and said and self.router is not None:
            opened = open_case(self.catalogue, self.library, said, self.router, redacted)
            self.openings.keep(place, opened)
            if opened.situation and self.flow(opened.situation):
                flow_id, prefill = opened.situation, opened.prefill(opened.situation)
        dated = opened.stated_date if opened else None
        if flow_id is not None and self.flow(flow_id) is not None:
            facts = (opened.facts() if quoted else as_facts(flow_id, prefill)) if opened else ()
            current = start(self.catalogue, self.library, flow_id, prefill, dated,
                            opening=facts)
            step, link = move(None, current, "slack"), self.pager.permalink(client, place, current)
            with write_transaction(self.services.database):  # the event's one commit
                thread = self.state.open_thread(
                    place.channel,
                    place.thread_ts,
                    user_id=place.user,
                    kind=kind,
                    library=self.library,
                    conversation=current.conversation,
                    status=current.status,
                )
                mine = thread.conversation is not None and (
                    thread.conversation.id == current.conversation.id
                )
                if mine:  # a new thread: created with its conversation, trail and page
                    settled = self.save(thread, step, place, link)
            if mine:
                self.show(client, thread, place, current, prefilled=opening(current),
                          settled=settled)
            else:  # the thread already held a case: move it on like any other change
                self.start_flow(client, thread, place, flow_id, prefill=prefill,
                                stated_date=dated, opening_facts=facts)
            return
        thread = self.state.open_thread(
            place.channel, place.thread_ts, user_id=place.user, kind=kind, library=self.library
        )
        self.route(client, thread, place, said, opened=opened, quoted=quoted)

    def route(
        self,
        client: WebClient,
        thread: SlackThread,
        place: Place,
        text: str,
        opened: Opening | None = None,
        quoted: bool = False,
        redacted: str | None = None,
    ) -> None:
        """A typed opening question goes through the router (the terminal's object too), and
        its band decides, as in the terminal: confident starts the flow; ambiguous offers the
        router's suggestions ("Did you mean") and a page; otherwise every situation and a page.
        ``redacted``: ``text`` redacted, when the face has it (the router does not redo it)."""
        said = text.strip()
        if not said:
            self.show_picker(client, thread, place, WHAT_IS_HAPPENING)
            return
        if self.router is None:
            self.show_picker(client, thread, place, "Which of these situations is it?")
            return
        opening = opened or open_case(self.catalogue, self.library, said, self.router,
                                      redacted.strip() if redacted is not None else None)
        first = thread.conversation is None and not thread.opening  # the case's opening words
        if first and opened is None:
            self.openings.keep(place, opening)
        started = opening.situation
        if started and self.flow(started):
            prefill = opening.prefill(started)
            self.start_flow(client, thread, place, started, prefill=prefill,
                            stated_date=opening.stated_date,
                            opening_facts=as_facts(started, prefill))
            return
        suggestions = [f for f in (self.flow(s) for s in opening.offered) if f]
        if suggestions:
            intro = "I'm not sure which situation this is. Did you mean one of these?"
        else:
            suggestions = []
            intro = (
                f"I can't match that to a privacy situation I know. {NOT_A_PRIVACY_MATTER} "
                "Otherwise pick one below, or page someone if you need a person now."
            )
        # Each situation offered starts with what the opening message stated for it (a mere
        # suggestion is not carried: that question is asked); the thread keeps what it stated
        # for each one offered, for one picked later after "something else" (as a Case does).
        shown = suggestions or self.flows
        stated = opening.facts(f.id for f in (self.flows if quoted else shown))
        facts: dict[str, list[list[str]]] = {f.id: [] for f in shown}
        for flow_id, question_id, choice_id, _said, suggested in stated:
            if not suggested and flow_id in facts:
                facts[flow_id].append([question_id, choice_id])
        if first:
            kept = self.state.advance(thread, conversation=None, status=thread.status,
                                      opening=stated, opening_date=opening.stated_date)
            if kept is None:
                self.tell(client, place, "This case has already moved on; see the latest message.")
                return
            thread = kept
        self.show_picker(client, thread, place, intro, candidates=suggestions, offer_page=True,
                         facts=facts)

    def show_picker(
        self,
        client: WebClient,
        thread: SlackThread,
        place: Place,
        intro: str,
        candidates: Sequence[Flow] = (),
        offer_page: bool = False,
        facts: dict[str, list[list[str]]] | None = None,
    ) -> None:
        message = blocks.picker(
            self.flows,
            thread_ts=place.thread_ts,
            rev=thread.rev,
            intro=intro,
            candidates=candidates,
            offer_page=offer_page,
            facts=facts,
        )
        ts = self.post(client, place, message)
        self.state.set_live(thread, ts)

    # --- moving a conversation on ---------------------------------------------------------------

    def start_flow(
        self,
        client: WebClient,
        thread: SlackThread,
        place: Place,
        flow_id: str,
        prefill: Sequence[PrefilledAnswer] = (),
        picked_ts: str | None = None,
        stated_date: str | None = None,
        opening_facts: tuple[tuple[str, str, str, str, bool], ...] = (),
    ) -> None:
        """Start ``flow_id`` in the thread; after "This is something else" (the thread is
        picking, its case kept) the engine switches the same case, re-applying what its
        opening message stated."""
        flow = self.flow(flow_id)
        if flow is None:
            self.tell(client, place, "That situation is no longer available; pick another.")
            return
        if thread.conversation is not None and thread.status == "picking":
            current = switch(self.catalogue, thread.conversation, flow_id, prefill,
                             self.opening_of(client, place, thread.conversation, flow_id))
        else:
            current = start(self.catalogue, self.library, flow_id, prefill, stated_date,
                            opening=opening_facts)
        before = view(self.catalogue, thread.conversation) if thread.conversation else None
        won, settled = self.commit(client, thread, place, move(before, current, "slack"))
        if won is None:
            self.tell(client, place, "This case has already moved on; see the latest message.")
            return
        if picked_ts:
            self.update(
                client,
                place.channel,
                picked_ts,
                blocks.note(
                    f"Situation: *{blocks.escape(flow.title)}*", f"Chosen by {mention(place.user)}"
                ),
            )
        self.show(client, won, place, current, prefilled=opening(current), first=flow.first,
                  settled=settled)

    def opening_of(self, client: WebClient, place: Place, conversation: Conversation,
                   flow_id: str) -> Opening | None:
        """The case's opening message, to read ``flow_id``'s facts from after "something
        else": held in this process's memory, or else read back from Slack, which holds the
        thread's first message (after a restart, on another process, once forgotten here;
        for a case moved to a DM, the first message of the thread it came from). Nothing of
        it is stored. None when the case keeps ``flow_id``'s facts already, or Slack cannot
        say: the situation's questions are then asked."""
        if any(fact[0] == flow_id for fact in conversation.opening) or self.router is None:
            return None
        held = self.openings.get(place)
        if held is not None:
            return held
        root = self.root(client, place)
        if root is not None and MOVED_MARK in str(root.get("text", "")):
            origin = self.state.moved_from(conversation.id)
            root = self.root(client, Place(*origin, place.user)) if origin else None
        said = self.first_words(root) if root is not None else ""
        if not said:
            return None
        held = open_case(self.catalogue, self.library, said, self.router)  # redacts, as begin
        self.openings.keep(place, held)
        return held

    def root(self, client: WebClient, place: Place) -> dict[str, Any] | None:
        """The thread's first message as Slack returns it (None if Slack cannot)."""
        try:
            if self._bot_user is None:  # to tell the bot's own root from a person's message
                self._bot_user = client.auth_test().get("user_id") or ""
            replies = client.conversations_replies(channel=place.channel, ts=place.thread_ts,
                                                   limit=1)
        except SlackApiError as exc:
            log.warning("reading a case's opening back failed: %s", exc.response.get("error"))
            return None
        found = [m for m in replies.get("messages", []) if m.get("ts") == place.thread_ts]
        return found[0] if found else None

    def first_words(self, root: dict[str, Any]) -> str:
        """The words staff opened a thread with, from its first message (``root``): their own
        message (a DM to the bot, a mention), or the slash command's words a case root the bot
        posted quotes (already redacted, and escaped for Slack)."""
        text = str(root.get("text", ""))
        if not (root.get("bot_id") or root.get("user") == self._bot_user):
            return strip_mentions(text)
        quoted = ASKED.search(text) if ROOT_MARK in text else None
        return unescape(quoted.group(1)) if quoted else ""

    def commit(self, client: WebClient, thread: SlackThread, place: Place, step: Move
               ) -> tuple[SlackThread | None, Settled]:
        """The step's one write transaction: the thread swapped to ``step.after`` (if nobody
        moved it first: else None), its conversation, case trail and page. What it needs
        from Slack is asked before the transaction opens."""
        link = self.pager.permalink(client, place, step.after)
        with write_transaction(self.services.database):
            won = self.state.advance(thread, conversation=step.after.conversation,
                                     status=step.after.status)
            settled = self.save(won, step, place, link) if won is not None else None
        return won, settled

    def show(
        self,
        client: WebClient,
        thread: SlackThread,
        place: Place,
        current: View,
        prefilled: Sequence[Understood] = (),
        first: str | None = None,
        settled: Settled | bool = False,
    ) -> None:
        """Post the view (next question or the outcome) and make it the live message.

        ``prefilled``: when a case opens, the view's ``prefilled`` answers (what the opening
        message stated), shown as understood with a way to change each, like the terminal.
        ``settled``: the outcome's page as the step's transaction settled it (False: not
        settled yet, as when a view is shown again).
        """
        if settled is False:
            settled = self.settle_again(client, thread, place, current)
        assert settled is not True
        paging = self.pager.shown(settled)
        if current.outcome is not None:
            message = blocks.outcome(
                self.pack,
                current.outcome,
                thread_ts=place.thread_ts,
                rev=thread.rev,
                paging=paging,
                can_go_back=bool(current.path),
                prefilled=prefilled,
                find_out=current.find_out,
                warning=(current.hold_passed.warning if current.hold_passed
                         else current.hold_due.notice if current.hold_due else None),
            )
        else:
            assert current.question is not None
            message = blocks.question(
                current.question,
                thread_ts=place.thread_ts,
                rev=thread.rev,
                number=len(current.path) + 1,
                can_go_back=bool(current.path),
                prefilled=prefilled,
                suggestion=current.suggestion,
                first=first,
            )
        ts = self.post(client, place, message)
        self.state.set_live(thread, ts)
        self.watch(paging, place.channel, ts, message)

    def settle_again(self, client: WebClient, thread: SlackThread, place: Place,
                     current: View) -> Settled:
        """The page of an outcome shown again (a resumed or moved case): settled once more,
        which finds the page already open."""
        if current.outcome is None:
            return None
        link = self.pager.permalink(client, place, current)
        with write_transaction(self.services.database):
            return self.pager.for_outcome(thread, place, current, link)

    def watch(self, paging: Paging | None, channel: str, ts: str | None,
              message: blocks.Message) -> None:
        """The posted message's page status kept current: recorded with the event's
        bookkeeping, after the post."""
        bookkeeping(self.services.database,
                    lambda _conn: self.pager.watch(paging, channel, ts, message))

    def change(
        self,
        client: WebClient,
        thread: SlackThread,
        place: Place,
        new: View,
        *,
        clicked_ts: str | None,
    ) -> bool:
        """Swap the thread to ``new``; record the old question in place, as the engine says
        the step went (answered, went back, started over); post what comes next."""
        old = view(self.catalogue, thread.conversation) if thread.conversation else None
        step = move(old, new, "slack")
        won, settled = self.commit(client, thread, place, step)
        if won is None:
            self.tell(client, place, ALREADY_ANSWERED)
            return False
        if old is not None and old.question is not None:
            number = len(old.path) + 1
            label = self.label_of(new.conversation, step.happened.answered)
            record = (
                blocks.answered(old.question, label, place.user, number=number)
                if label is not None
                else blocks.superseded(old.question, _turned_down(new) or SAID.get(
                    step.happened.kind, "Changed"), place.user, number=number)
            )
            self.update(client, place.channel, clicked_ts or thread.live_ts, record)
        # An answer typed in words is echoed with a Change button, like the opening message's.
        typed = [(u.question, u.choice, u.ask, u.label) for u in new.understood
                 if u.source == "typed"]
        self.show(client, won, place, new, prefilled=typed, settled=settled)
        return True

    def label_of(self, conversation: Conversation, answered: tuple[str, str] | None
                 ) -> str | None:
        """The label of the choice a step answered (``Happened.answered``), if it did."""
        node = self.question(conversation, answered[0]) if answered else None
        choice = node.choice(answered[1]) if node is not None and answered else None
        return choice.label if choice is not None else None

    def load(self, client: WebClient, place: Place, rev: int | None) -> SlackThread | None:
        """The thread if the click is current; otherwise tell the user why nothing happens."""
        thread = self.state.thread(place.channel, place.thread_ts)
        if thread is None:
            self.tell(
                client,
                place,
                "I don't have this case any more. Start a new one with "
                f"{self.config.slash_command}.",
            )
            return None
        if thread.moved:
            self.tell(client, place, "This case continues in a direct message.")
            return None
        if not self.may_drive(thread, place.user):
            self.tell(client, place, self.not_yours(thread))
            return None
        if rev is not None and thread.rev != rev:
            if place.resumes and thread.rev == rev + 1 and thread.live_ts == place.resumes:
                # This click, replayed after a crash: its change was stored, but what comes
                # next was never posted (the clicked message is still the live one).
                self.resume(client, thread, place)
                return None
            if not place.resumes:  # a replay whose work was all done says nothing more
                self.tell(client, place, ALREADY_ANSWERED)
            return None
        return thread

    def posted_after(self, client: WebClient, place: Place, live_ts: str | None
                     ) -> dict[str, Any] | None:
        """The guide's latest message in the thread after ``live_ts`` (status lines the outbox
        posts carry metadata and do not count), as Slack returns it; None if there is none."""
        try:
            if self._bot_user is None:
                self._bot_user = client.auth_test().get("user_id") or ""
            replies = client.conversations_replies(channel=place.channel, ts=place.thread_ts,
                                                   include_all_metadata=True, limit=200)
        except SlackApiError as exc:
            log.warning("looking for an interrupted post failed: %s", exc.response.get("error"))
            return None
        after = float(live_ts or place.thread_ts)
        mine = [m for m in replies.get("messages", [])
                if (m.get("bot_id") or m.get("user") == self._bot_user) and not m.get("metadata")
                and m.get("ts") != place.thread_ts and float(m.get("ts", 0)) > after]
        return max(mine, key=lambda m: float(m["ts"])) if mine else None

    @staticmethod
    def applied(thread: SlackThread, message_ts: str) -> bool:
        """Whether the thread changed after the message at ``message_ts`` was sent."""
        try:
            sent = float(message_ts)
        except ValueError:
            return False
        return thread.updated_at is not None and thread.updated_at.timestamp() >= sent

    def may_drive(self, thread: SlackThread, user: str) -> bool:
        """In a channel thread only the asker and the role holders answer, go back or start
        over; anyone else there is told so (a DM has only the asker)."""
        if thread.kind != "channel" or user == thread.user_id:
            return True
        return any(user in self.config.members(role) for role in ("privacy-in-charge",
                                                                     "director"))

    def not_yours(self, thread: SlackThread) -> str:
        return (f"Only {mention(thread.user_id)}, who started this case, or the "
                f"{escape(self.pic())} can answer here. To ask about your own situation, "
                f"use {escape(self.config.slash_command)}.")

    def resume(self, client: WebClient, thread: SlackThread, place: Place) -> None:
        """Post what the thread shows now, as the interrupted change would have — unless the
        interrupted attempt posted it after all and died before recording it: then that
        message becomes the live one."""
        posted = self.posted_after(client, place, thread.live_ts)
        if posted is not None:
            self.state.set_live(thread, posted["ts"])
            self.watch_again(client, thread, place, posted)
            return
        if thread.conversation is None:
            self.show_picker(client, thread, place, WHAT_IS_HAPPENING)
            return
        self.show(client, thread, place, view(self.catalogue, thread.conversation))

    def watch_again(self, client: WebClient, thread: SlackThread, place: Place,
                    posted: dict[str, Any]) -> None:
        """The watch on an outcome the interrupted change posted (it rode in the bookkeeping
        that never committed): its page's status line kept current after all. What the line
        shows by now is not known, so it is brought up to date at once."""
        if thread.conversation is None:
            return
        current = view(self.catalogue, thread.conversation)
        if current.outcome is None or not current.outcome.escalate.pages:
            return
        self.watch_found(self.pager.shown(self.settle_again(client, thread, place, current)),
                         place, posted)

    def watch_found(self, paging: Paging | None, place: Place, posted: dict[str, Any]) -> None:
        """Watch a message found posted (as Slack returns it) that shows ``paging``: what its
        status line shows is not known, so it is brought up to date at once."""
        if paging is not None and paging.escalation_id:
            message = blocks.Message(text=posted.get("text", ""), blocks=posted.get("blocks") or [])
            self.watch(replace(paging, shown=UNKNOWN_STATUS), place.channel, posted["ts"],
                       message)

    # --- clicks ----------------------------------------------------------------------------------

    def pick(
        self, client: WebClient, place: Place, rev: int, flow_id: str, message_ts: str | None,
        facts: Sequence[tuple[str, str]] = (),
    ) -> None:
        """A situation picked from a list. ``facts``: what the opening message stated, carried
        by a "Did you mean" button. After "something else" the case (and its page) goes on,
        with what its opening message stated (``start_flow``)."""
        thread = self.load(client, place, rev)
        if thread is None:
            return
        if thread.conversation is not None and thread.status != "picking":
            # a picker offered after start: a fresh case
            thread = self.state.advance(thread, conversation=None, status="picking")
            if thread is None:
                return
        prefill = self.facts_for(flow_id, facts)
        self.start_flow(client, thread, place, flow_id, prefill=prefill, picked_ts=message_ts,
                        stated_date=thread.opening_date,
                        opening_facts=thread.opening or tuple(
                            (flow_id, p.question, p.choice, "", False) for p in prefill))

    def facts_for(self, flow_id: str, facts: Sequence[tuple[str, str]]
                  ) -> tuple[PrefilledAnswer, ...]:
        """(question, choice) ids from a button, checked against the flow, as prefill."""
        flow = self.flow(flow_id)
        found = []
        for question_id, choice_id in facts:
            node = flow.nodes.get(question_id) if flow else None
            choice = node.choice(choice_id) if isinstance(node, Question) else None
            if isinstance(node, Question) and choice is not None:
                found.append(PrefilledAnswer(node.id, choice.id, node.ask, choice.label, ""))
        return tuple(found)

    def something_else(self, client: WebClient, place: Place, rev: int) -> None:
        """"This is something else": back to the situations; the case and its page go on,
        nothing is paged for the switch."""
        thread = self.load(client, place, rev)
        if thread is None:
            return
        if thread.conversation is not None:
            thread = self.state.advance(thread, conversation=thread.conversation,
                                        status="picking")
            if thread is None:
                return
        self.show_picker(client, thread, place,
                         "Which situation is it? (Nothing was paged for this switch.)")

    def not_a_privacy_matter(self, client: WebClient, place: Place, rev: int) -> None:
        """"Not a privacy matter" under a "Did you mean": said in the thread, nothing paged;
        typing again still routes, as after any picker."""
        if self.load(client, place, rev) is None:
            return
        self.post(client, place, blocks.note(NOT_PRIVACY_REPLY))

    def choose(
        self,
        client: WebClient,
        place: Place,
        rev: int,
        question_id: str,
        choice_id: str,
        message_ts: str | None,
    ) -> None:
        thread = self.load(client, place, rev)
        if thread is None or thread.conversation is None:
            return
        new = answer(self.catalogue, thread.conversation, question_id, choice_id)
        if new.not_understood is not None:
            self.tell(client, place, "That choice is no longer offered; see the latest message.")
            return
        self.change(client, thread, place, new, clicked_ts=message_ts)

    def not_sure(
        self, client: WebClient, place: Place, rev: int, question_id: str, message_ts: str | None
    ) -> None:
        thread = self.load(client, place, rev)
        if thread is None or thread.conversation is None:
            return
        node = self.question(thread.conversation, question_id)
        if node and node.choice(NOT_SURE) is not None:
            self.choose(client, place, rev, question_id, NOT_SURE, message_ts)
            return
        # The flow has no "not sure" path here: a person decides. Page, and keep the question.
        self.post_paging(client, place, self.pager.page(client, thread, place, reason="not-sure"))

    def go_back(self, client: WebClient, place: Place, rev: int, message_ts: str | None) -> None:
        thread = self.load(client, place, rev)
        if thread is None or thread.conversation is None:
            return
        self.change(
            client,
            thread,
            place,
            back(self.catalogue, thread.conversation),
            clicked_ts=message_ts,
        )

    def restart(self, client: WebClient, place: Place, rev: int, message_ts: str | None) -> None:
        thread = self.load(client, place, rev)
        if thread is None:
            return
        if thread.conversation is None:
            self.show_picker(client, thread, place, WHAT_IS_HAPPENING)
            return
        self.change(
            client,
            thread,
            place,
            start_over(self.catalogue, thread.conversation),
            clicked_ts=message_ts,
        )

    def offer_changes(self, client: WebClient, thread: SlackThread, place: Place) -> None:
        """Typed "change": every answer on the path, each with a Change button."""
        assert thread.conversation is not None
        current = view(self.catalogue, thread.conversation)
        flow = self.flow(thread.conversation.flow)
        answered: list[Understood] = []
        for question_id, choice_id in current.path:
            node = flow.nodes.get(question_id) if flow else None
            choice = node.choice(choice_id) if isinstance(node, Question) else None
            if isinstance(node, Question) and choice is not None:
                answered.append((node.id, choice.id, node.ask, choice.label))
        if not answered:
            self.post(client, place, blocks.note("Nothing answered yet to change."))
            return
        self.post(client, place, blocks.changes(answered, thread_ts=place.thread_ts,
                                                rev=thread.rev))

    def reask(self, client: WebClient, place: Place, rev: int, question_id: str) -> None:
        thread = self.load(client, place, rev)
        if thread is None or thread.conversation is None:
            return
        node = self.question(thread.conversation, question_id)
        if node:
            ts = self.post(
                client, place, blocks.reask(node, thread_ts=place.thread_ts, rev=thread.rev)
            )
            self.state.set_live(thread, ts)

    def page_now(self, client: WebClient, place: Place, rev: int | None) -> None:
        thread = self.state.thread(place.channel, place.thread_ts)
        if thread is None:
            return
        # One page per case state: a double click (same rev) pages once, on any instance. A
        # click replayed after its process died goes on although its key is taken: the page is
        # idempotent (per conversation, or per this key), and a paging note the dead process
        # already posted is not posted again.
        key = f"page:{place.channel}:{place.thread_ts}:{thread.rev}"
        reason = "page-now" if thread.conversation is not None else "unrouted"
        if not self.state.claim(key):
            if not place.resumes:
                return
            if (posted := self.posted_after(client, place, thread.live_ts)) is not None:
                # The dead process posted the note; its watch rode in the lost bookkeeping.
                if STATUS_BLOCK in (b.get("block_id") for b in posted.get("blocks") or []):
                    self.watch_found(self.pager.page(client, thread, place, reason=reason,
                                                     once_key=key), place, posted)
                return
        paging = self.pager.page(client, thread, place, reason=reason, once_key=key)
        self.post_paging(client, place, paging)

    def post_paging(self, client: WebClient, place: Place, paging: blocks.Paging) -> None:
        """The paging note in the thread, kept showing how the page stands."""
        note = paging_note(paging)
        self.watch(paging, place.channel, self.post(client, place, note), note)

    def continue_in_dm(self, client: WebClient, place: Place, notice_ts: str | None) -> None:
        thread = self.state.thread(place.channel, place.thread_ts)
        if thread is None or thread.moved:
            return
        if not self.may_drive(thread, place.user):  # the case goes to the asker's DM only
            self.tell(client, place, self.not_yours(thread))
            return
        moved = self.state.advance(thread, conversation=thread.conversation, status="moved")
        if moved is None:
            return
        here = self.open_case_thread(
            client, place.user, f"{MOVED_MARK} {channel_link(place.channel)}."
        )
        if (held := self.openings.get(place)) is not None:  # "something else" there reads it
            self.openings.keep(here, held)
        new = self.state.open_thread(
            here.channel,
            here.thread_ts,
            user_id=place.user,
            kind="dm",
            library=self.library,
            conversation=thread.conversation,
            status=thread.status,
        )
        if thread.conversation is None:
            self.show_picker(client, new, here, WHAT_IS_HAPPENING)
        else:
            self.show(client, new, here, view(self.catalogue, thread.conversation))
        self.update(client, place.channel, notice_ts, blocks.moved_notice(place.user))

    # --- typed replies ---------------------------------------------------------------------------

    def reply(self, client: WebClient, place: Place, text: str, said: str | None = None
              ) -> bool:
        """A message in a thread we run. False when the thread is not ours. ``said``: the
        words redacted, as the inbox stored them (None: not known)."""
        thread = self.state.thread(place.channel, place.thread_ts)
        if thread is None:
            return False
        if thread.moved:
            self.post(client, place, blocks.note("This case continues in a direct message."))
            return True
        if not self.may_drive(thread, place.user):
            self.tell(client, place, self.not_yours(thread))
            return True
        typed = strip_mentions(text)
        if place.resumes and self.applied(thread, place.resumes):
            # Replayed after a crash, and the thread changed after this message was sent: it
            # was applied. Post what comes next if that never went out; never apply it twice.
            if thread.live_ts is None or thread.updated_at is None or (
                float(thread.live_ts) < thread.updated_at.timestamp()
            ):
                self.resume(client, thread, place)
            return True
        if thread.conversation is None or thread.status == "picking":
            self.route(client, thread, place, typed, redacted=said)
            return True
        if normalise(typed) in SWITCH_WORDS:
            self.something_else(client, place, thread.rev)
            return True
        if wants_change(thread.conversation, typed):
            self.offer_changes(client, thread, place)
            return True
        current = view(self.catalogue, thread.conversation)
        new = step(self.catalogue, thread.conversation, typed, said)
        what = happened(current, new)
        if what.kind == "moved-on" or what.undid:
            self.change(client, thread, place, new, clicked_ts=None)
        elif (noted := new.noted(self.pack.library)) is not None:  # cannot change the outcome
            self.post(client, place, blocks.note(blocks.escape(noted)))
        elif new.not_understood is not None and current.question is not None:
            if new.conversation.offered != thread.conversation.offered:
                # the reply to this offer ("yes") must be read against it, as in every face
                self.state.keep_offer(thread, new.conversation)
            self.post(client, place, blocks.not_understood(current.question, new.not_understood,
                                                           new.suggestion))
        else:
            self.post(
                client,
                place,
                blocks.note(
                    "This case has its answer above. Type “back” to change the last answer or "
                    "“start over” to begin again."
                ),
            )
        return True

