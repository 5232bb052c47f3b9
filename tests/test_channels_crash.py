"""SIGKILL a real worker process while it hands texts and emails to their providers; after a
restart nothing is lost. Texts are never doubled: a restarted worker finds a text Twilio took
in Twilio's message list (by the idempotency key in its status callback) before sending again.
Emails can be: SMTP cannot be asked whether a message went out, so an email whose ``250 OK``
the killed worker never heard is sent again — with the same Message-ID, which is how the
recipient's mail system shows it once. The doubles are counted here, not hidden.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.channels.email import message_id
from bot.content.catalogue import Catalogue
from bot.store.outbox import OutboxStore
from bot.store.paging_tables import outbox
from tests.channel_support import LINK_SECRET, TOKEN, channel_toml
from tests.escalation_support import PagingFake, trigger_many, wait_until
from tests.faketwilio import FakeTwilio
from tests.mailserver import MailServer
from tests.test_escalation_crash import Bot

RESULTS: dict[str, dict[str, int]] = {}


class ChannelBot(Bot):
    """The crash tests' bot, configured to text and email the privacy officers too."""

    def __init__(self, tmp_path: Path, slack: PagingFake, twilio: FakeTwilio, mail: MailServer):
        super().__init__(tmp_path, slack)
        self.twilio, self.mail = twilio, mail
        self.config_path.write_text(channel_toml(
            smtp_url=mail.url, twilio_url=twilio.api_url,
            public_url="https://frontdesk.example.org"))
        self.env["TWILIO_AUTH_TOKEN"] = TOKEN
        self.env["FRONTDESK_LINK_SECRET"] = LINK_SECRET

    def keys(self, method: str) -> set[str]:
        with self.db.engine.connect() as conn:
            return set(conn.scalars(select(outbox.c.idempotency_key)
                                    .where(outbox.c.method == method)))

    def channel_check(self, name: str) -> dict[str, int]:
        """Every text and email queued arrived; texts once each; emails counted."""
        texts, emails = self.keys("sms"), self.keys("email")
        got_texts = self.twilio.keys("Messages")
        ids = {message_id(key, "frontdesk@example.org"): key for key in emails}
        got_mail = Counter(ids[i] for i in self.mail.message_ids().elements() if i in ids)
        result = {
            "texts": len(texts), "texts_lost": len(texts - set(got_texts)),
            "texts_doubled": sum(n - 1 for n in got_texts.values() if n > 1),
            "emails": len(emails), "emails_lost": len(emails - set(got_mail)),
            # the same Message-ID sent again: shown once by the recipient's mail system
            "emails_resent_same_message_id": sum(n - 1 for n in got_mail.values() if n > 1),
            "twilio_lookups": sum(1 for m, _ in self.twilio.requests if m == "GET"),
        }
        RESULTS[name] = result
        print(f"\n{name}: {result}")
        assert result["texts_lost"] == 0 and result["emails_lost"] == 0, result
        assert result["texts_doubled"] == 0, +got_texts
        assert set(self.mail.message_ids()) <= set(ids)  # nothing we did not queue
        return result


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[ChannelBot]:
    with PagingFake() as slack, FakeTwilio(auth_token=TOKEN) as twilio, MailServer() as mail:
        b = ChannelBot(tmp_path, slack, twilio, mail)
        yield b
        b.close()


def test_killed_after_twilio_took_a_text_the_restarted_worker_finds_it(bot: ChannelBot) -> None:
    trigger_many(bot.service(), Catalogue.load(bot.content), 3)
    bot.twilio.hang("Messages", 30, times=1, accept=True)
    proc = bot.worker()
    assert wait_until(lambda: len(bot.twilio.texts()) == 1, timeout=20)
    bot.kill(proc)  # Twilio has the text; our row still says "sending"
    bot.drain()
    result = bot.channel_check("killed while Twilio held an accepted text")
    assert result["texts"] == 6 and result["twilio_lookups"] >= 1
    bot.check("killed while Twilio held an accepted text (Slack)")


def test_killed_after_the_smtp_server_took_an_email_it_is_resent_with_the_same_message_id(
        bot: ChannelBot) -> None:
    trigger_many(bot.service(), Catalogue.load(bot.content), 3)
    bot.mail.hang(30)  # the server keeps the message, answers 250 only after 30 s
    proc = bot.worker()
    assert wait_until(lambda: len(bot.mail.messages) == 1, timeout=20)
    bot.kill(proc)
    bot.drain()
    result = bot.channel_check("killed while the SMTP server held an accepted email")
    assert result["emails"] == 6 and result["emails_resent_same_message_id"] == 1
    [doubled] = [i for i, n in bot.mail.message_ids().items() if n == 2]
    assert doubled  # the resent email carries the first one's Message-ID


def test_killed_again_and_again_while_texting_and_emailing(bot: ChannelBot) -> None:
    trigger_many(bot.service(), Catalogue.load(bot.content), 10)  # 20 texts, 20 emails
    # Each text and email takes effect at once but is answered 40 ms later.
    bot.twilio.hang("Messages", 0.04, times=100_000, accept=True)
    for _ in range(100):
        bot.mail.hang(0.04)
    rng = random.Random(12)
    for _ in range(5):
        proc = bot.worker()
        before = len(bot.twilio.texts()) + len(bot.mail.messages)
        wait_until(lambda before=before: len(bot.twilio.texts()) + len(bot.mail.messages)
                   > before + 2, timeout=15)
        wait_until(lambda: False, timeout=rng.uniform(0.05, 0.3))
        bot.kill(proc)
    bot.twilio.clear()
    bot.drain(timeout=90)
    assert OutboxStore(bot.db).pending() == 0
    result = bot.channel_check("killed five times while texting and emailing")
    assert (result["texts"], result["emails"]) == (20, 20)
    # At most one email in flight per kill can be resent.
    assert result["emails_resent_same_message_id"] <= 5
    bot.check("killed five times while texting and emailing (Slack)")
