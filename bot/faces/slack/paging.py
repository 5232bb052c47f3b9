"""Paging from a Slack thread: the escalation service's calls, and the asker's live status.

The Slack face decides nothing here: an outcome that pages goes to
``EscalationService.handle_outcome`` (which pages and records the outcome's hold), an outcome
that does not page but starts a hold goes to the same call (which records the hold), and
**Not sure** / **Page the privacy in-charge now** go to ``trigger``. Whom the page goes to and
how urgently are then read back from the service (``EscalationService.paged``, what the terminal
shows too), never worked out here. The message that shows the page — the outcome, or a paging
note — carries the service's status line and is then watched
(``LiveStatus.watch``), so acknowledgement, re-escalation, resolution and expiry edit it in
place through the outbox.
"""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block

from bot.channels.slack.render import status_line
from bot.content.catalogue import ResolvedOutcome
from bot.content.packs import Pack
from bot.engine import View, view
from bot.engine.conversation import Conversation
from bot.escalation import EscalationService, ThreadRef
from bot.faces.slack import blocks
from bot.faces.slack.blocks import Paging
from bot.faces.slack.services import Services
from bot.store.slack_state import SlackThread
from bot.store.txn import savepoint

if TYPE_CHECKING:
    from bot.faces.slack.guide import Place

log = logging.getLogger("frontdesk.slack")

WAITING = "Paged — waiting for acknowledgement. Updates appear in this thread."

#: What settling an outcome's page returned: the escalation paging (its id), a Paging saying
#: no page went out, or None (nothing pages).
Settled = str | Paging | None


class Pager:
    """Pages for one library's Slack threads."""

    def __init__(self, services: Services, pack: Pack):
        self.services = services
        self.catalogue = services.catalogue
        self.pack = pack
        self.library = pack.id

    @property
    def service(self) -> EscalationService | None:
        return self.services.escalations

    def pic(self) -> str:
        return self.pack.roles["privacy-in-charge"].display

    def permalink(self, client: WebClient, place: Place, current: View | None = None
                  ) -> str | None:
        """The thread's permalink for the page (asked of Slack before the step's transaction
        opens: no network call inside it); None when ``current`` does not page."""
        if self.service is None or (current is not None and not (
                current.outcome is not None and current.outcome.escalate.pages)):
            return None
        with contextlib.suppress(SlackApiError):
            return client.chat_getPermalink(
                channel=place.channel, message_ts=place.thread_ts).get("permalink")
        return None

    def for_outcome(
        self, thread: SlackThread, place: Place, current: View, permalink: str | None
    ) -> Settled:
        """Page when the outcome says so; otherwise record its hold, if it starts one, and
        withdraw a page this case's earlier outcome raised (the desk corrected the case).
        Inside the step's transaction: it commits with the step's changes, and how the page
        stands is read (``shown``) once it has."""
        result = current.outcome
        if result is None:
            return None
        if result.escalate.pages:
            return self.raise_page(thread, place, reason="outcome", current=current,
                                   permalink=permalink)
        if self.service is not None and current.conversation is not None:
            try:  # records its hold; withdraws the page a correction made moot
                with savepoint(self.services.database):
                    self.service.handle_outcome(
                        library=self.library, conversation=current.conversation,
                        outcome=result, asked_by=place.user, face="slack",
                    )
            except Exception:  # the record must never take the guidance down with it
                log.exception("settling the page of outcome %s failed", result.id)
        return None

    def page(
        self,
        client: WebClient,
        thread: SlackThread,
        place: Place,
        *,
        reason: str,
        current: View | None = None,
        once_key: str | None = None,
    ) -> Paging:
        """Trigger the escalation; a Paging saying whom the service pages, how urgently and how
        it stands now (or, when no page went out, whom to contact instead). ``once_key``: what
        makes a page raised before any conversation the same page when it is tried again."""
        settled = self.raise_page(thread, place, reason=reason, current=current,
                                  once_key=once_key, permalink=self.permalink(client, place))
        if isinstance(settled, Paging):
            return settled
        assert self.service is not None
        return self.paging(self.service, settled)

    def shown(self, settled: Settled) -> Paging | None:
        """The Paging to show for what settling a page returned, read once it committed."""
        if settled is None or isinstance(settled, Paging):
            return settled
        assert self.service is not None
        return self.paging(self.service, settled)

    def raise_page(self, thread: SlackThread, place: Place, *, reason: str,
                   current: View | None = None, once_key: str | None = None,
                   permalink: str | None = None) -> str | Paging:
        """Trigger the escalation: its id, or (no page went out) a Paging saying whom to
        contact instead."""
        conversation = thread.conversation
        if current is None and conversation is not None:
            current = view(self.catalogue, conversation)
        result = current.outcome if current else None
        service = self.service
        if service is None:
            return self.unsent("⚠️ Paging is not set up in this workspace")
        try:
            where = ThreadRef(place.channel, place.thread_ts, permalink)
            with savepoint(self.services.database):  # a failed page never half-commits
                escalation_id = self._raise(where, reason, conversation, result, place, once_key)
        except Exception:  # the page must never take the guidance down with it
            log.exception("escalation trigger failed (reason %s)", reason)
            return self.unsent("⚠️ I could not send the page")
        if not escalation_id:
            return self.unsent("⚠️ I could not send the page")
        return escalation_id

    def _raise(self, where: ThreadRef, reason: str, conversation: Conversation | None,
               result: ResolvedOutcome | None, place: Place, once_key: str | None) -> str | None:
        service = self.service
        assert service is not None
        if reason == "outcome" and result is not None and conversation is not None:
            return service.handle_outcome(
                library=self.library, conversation=conversation, outcome=result,
                asked_by=place.user, face="slack", thread=where,
            )
        return service.trigger(
            library=self.library,
            situation=conversation.flow if conversation else None,
            conversation=conversation,
            outcome=result,
            reason=reason,
            asked_by=place.user,
            face="slack",
            thread=where,
            once_key=once_key,
        )

    def unsent(self, why: str) -> Paging:
        """No page went out: whom to contact instead (the library's privacy in-charge)."""
        fallback = self.pack.contacts.get("if_no_answer", "")
        return Paging(
            None,
            None,
            f"{why}: contact the {blocks.escape(self.pic())} yourself now. "
            f"{blocks.escape(fallback)}".strip(),
        )

    @staticmethod
    def paging(service: EscalationService, escalation_id: str) -> Paging:
        """Whom the escalation pages and how urgently (the service's decision, as the terminal
        shows it too) and its status line now."""
        try:
            status = service.page_status(escalation_id)
        except Exception:
            log.exception("reading the status of escalation %s failed", escalation_id)
            status = None
        if status is None:
            return Paging(None, None, WAITING, escalation_id)
        paged, shown, facts = status
        return Paging(paged.role, paged.urgency, status_line(facts), escalation_id, shown)

    def watch(
        self, paging: Paging | None, channel: str, ts: str | None, message: blocks.Message
    ) -> None:
        """Keep the posted message's status line current (edited through the outbox)."""
        service = self.service
        if service is None or paging is None or not paging.escalation_id or not paging.shown:
            return
        if not ts:
            return
        try:
            service.live.watch(paging.escalation_id, channel, ts, message.kwargs(), paging.shown)
        except Exception:  # a status that stays put is better than guidance that stops
            log.exception("watching the status of escalation %s failed", paging.escalation_id)


def paging_note(paging: Paging) -> blocks.Message:
    """The thread's note after Not sure or Page now; its status section is kept current."""
    text = blocks.clip(f"{paging.head}\n{paging.status}", blocks.SECTION_LIMIT)
    parts: list[Block] = [blocks.section(text, block_id="paging")]
    if paging.escalation_id:
        parts.append(blocks.context(f"Escalation {paging.escalation_id}"))
    return blocks.Message(text=blocks.clip(text, 3000), blocks=blocks.render(parts))
