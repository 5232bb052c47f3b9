"""The places staff type that ``test_slack_escaping`` does not reach, with its corpus of Slack
control sequences (``<!channel>``, ``<@U1>``, ``<#C1>``, disguised links, entities): an
@-mention in a channel, the slash command's other words (``drill …``, ``audit …``, a word it
does not know), a reply in a case thread, and the App Home of a staff member and of the
privacy in-charge once an unrouted page holds the corpus as its question. Whatever the bot then
posts, edits, publishes or answers may carry only its own control sequences."""

from __future__ import annotations

import re
import time
from pathlib import Path

from tests.escalation_support import DIRECTOR_USERS, PIC_USERS, PagingFake
from tests.slack_support import STAFF, event_body
from tests.test_slack_escaping import CORPUS, EVERYTHING, foreign
from tests.wiring_support import pagelib_bot, wait_post

# The App Home's own dates, in the short format (the thread's are matched in ``foreign``).
HOME_DATE = re.compile(r"^<!date\^\d+\^\{date_short_pretty\} \{time\}\|[0-9: -]+>$")


def _home(bot: object, user: str) -> None:
    event = {"type": "app_home_opened", "user": user, "channel": "DHOME", "tab": "home",
             "event_ts": "1.0"}
    bot.deliver("events_api", event_body(event))  # type: ignore[attr-defined]


def test_the_rest_of_what_staff_type_becomes_no_mention_or_link(tmp_path: Path) -> None:
    with PagingFake() as fake:
        bot = pagelib_bot(fake, tmp_path)
        try:
            since = time.time()
            bot.mention(STAFF, EVERYTHING)  # a case opened from a channel
            wait_post(bot, since)
            for words in (f"drill {EVERYTHING}", f"audit {EVERYTHING}", f"help {CORPUS[0]}",
                          f"{CORPUS[4]} {CORPUS[6]}"):
                for user in (STAFF, PIC_USERS[0], DIRECTOR_USERS[0]):
                    bot.command(user, words)
            service = bot.runtime.services.escalations
            service.trigger(library="pagelib", situation=None, conversation=None,
                            outcome=None, reason="unrouted", asked_by=STAFF, face="slack",
                            thread=None, question=EVERYTHING)
            for user in (STAFF, PIC_USERS[0]):
                published = len(fake.calls_to("views.publish"))
                _home(bot, user)
                fake.wait_for("views.publish", count=published + 1)
            bot.settle()
        finally:
            bot.stop()
        shown = {call.method for call in fake.calls}
        # (the corpus reached Slack, escaped: the check below is not vacuous)
        assert any("&lt;!channel&gt;" in str(call.args) for call in fake.calls_to(
            "chat.postMessage"))
        assert {"chat.postMessage", "views.publish"} <= shown, shown
        specials = [(method, sequence) for method, sequence in fake.specials()
                    if not (method == "views.publish" and HOME_DATE.match(sequence))]
        assert specials, "the bot's own mentions should be there"
        assert foreign(specials) == []
        assert bot.responses
        for response in bot.responses:  # the slash command's own answers
            assert "<!" not in response.text and "evil.example" not in response.text
            assert "<@U1>" not in response.text and "<#C1>" not in response.text
