"""Pages by Slack, text, email and call, acknowledged from any of them.

Slack is the fake Slack, Twilio a fake REST API on a local port (reached through
``[twilio] api_url``), email a real SMTP server (aiosmtpd); acknowledgements arrive over real
HTTP as a browser or Twilio would send them (signed webhooks). The clock is set by the test.
"""

from __future__ import annotations

import json
import re
import tomllib
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bot.channels import tokens
from bot.channels.slack.render import status_line
from bot.cli import main
from bot.config import ChannelSecrets, ConfigError, SlackSecrets, parse_config
from bot.content.catalogue import Catalogue
from bot.engine import start, step
from bot.escalation import EscalationService
from bot.escalation.states import Event, IllegalTransition, State, allows, move
from bot.faces.slack.runtime import Runtime
from bot.store.ack_links import token_hash
from bot.store.audit import AuditLog
from bot.store.paging_tables import ack_links, escalations, outbox
from bot.store.txn import write_transaction
from tests.channel_support import FROM, PEOPLE, T0, THREAD, ChannelRig, channel_toml
from tests.escalation_support import CHANNEL, PagingFake, wait_until, write_content
from tests.faketwilio import FakeTwilio
from tests.mailserver import MailServer

PAT, SAM, DANA = (PEOPLE[u][2] for u in ("UPIC1", "UPIC2", "UDIR1"))


@pytest.fixture
def providers() -> Iterator[tuple[PagingFake, FakeTwilio, MailServer]]:
    with PagingFake() as slack, FakeTwilio(auth_token="twilio-test-token") as twilio, \
            MailServer() as mail:
        yield slack, twilio, mail


@pytest.fixture
def rig(tmp_path: Path, providers: tuple[PagingFake, FakeTwilio, MailServer]
        ) -> Iterator[ChannelRig]:
    r = ChannelRig(tmp_path, *providers)
    yield r
    r.close()


def state(rig: ChannelRig, eid: str) -> str:
    with rig.db.engine.connect() as conn:
        return conn.execute(select(escalations.c.state).where(escalations.c.id == eid)).one()[0]


def audit(rig: ChannelRig, kind: str) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(r.data or "{}") for r in AuditLog(rig.db).rows() if r.kind == kind]


def slack_updates(rig: ChannelRig) -> list[str]:
    return [json.dumps(c.args.get("blocks")) for c in rig.slack.calls_to("chat.update")]


# --- the lifecycle, declared once --------------------------------------------------------

def test_the_state_machine_allows_only_its_declared_transitions() -> None:
    assert move(State.TRIGGERED, Event.ACKNOWLEDGE) == State.ACKNOWLEDGED
    assert move("acknowledged", Event.RESOLVE) == "resolved"
    assert move("expired", Event.RESOLVE) == State.RESOLVED
    assert move("triggered", Event.STEP) == State.TRIGGERED
    assert not allows("acknowledged", Event.ACKNOWLEDGE)
    for current, event in [("resolved", Event.ACKNOWLEDGE), ("expired", Event.ACKNOWLEDGE),
                           ("acknowledged", Event.EXPIRE), ("resolved", Event.RESOLVE),
                           ("acknowledged", Event.STEP)]:
        with pytest.raises(IllegalTransition):
            move(current, event)


def test_no_module_but_the_state_table_spells_an_escalation_state() -> None:
    """States are set through ``move`` and compared with ``State`` members: a state spelled
    as a string anywhere else would drift from the table unnoticed."""
    import bot

    names = "|".join(s.value for s in State)
    spelled = re.compile(rf"""(state\b[^=\n]{{0,20}}(==|!=|=)|state\.in_\(\(|"state"\)\s*(==|!=))"""
                         rf"""\s*["']({names})["']""")
    root = Path(bot.__file__).parent
    found = [f"{path.relative_to(root)}:{n}" for path in sorted(root.rglob("*.py"))
             if path.name != "states.py"
             for n, line in enumerate(path.read_text().splitlines(), 1) if spelled.search(line)]
    assert found == []


# --- configuration -----------------------------------------------------------------------

def config(**kwargs: object) -> object:
    return parse_config(tomllib.loads(channel_toml(**kwargs)))  # type: ignore[arg-type]


def test_contacts_channels_and_the_default_ladder() -> None:
    c = config(smtp_url="smtp+starttls://fd@mail.example.org", twilio_url=None,
               public_url="https://frontdesk.example.org/")
    assert c.person("UPIC1").sms == PAT and c.person("UPIC1").name == "Pat Lee"
    assert c.email.smtp_url.startswith("smtp+starttls://")
    assert c.web.public_url == "https://frontdesk.example.org"
    # No [twilio]: the default ladder keeps only what is configured (Slack, email).
    assert [(r.after_seconds, r.via) for r in c.escalation.ladder["immediate"]] == [
        (0, ("slack", "email"))]
    assert [(r.after_seconds, r.via) for r in c.escalation.ladder["prompt"]] == [
        (0, ("slack",)), (300, ("email",))]
    full = config(smtp_url="smtp://127.0.0.1:2525", twilio_url="https://api.twilio.com",
                  public_url=None)
    assert [(r.after_seconds, r.via) for r in full.escalation.ladder["immediate"]] == [
        (0, ("slack", "sms", "email")), (120, ("voice",))]
    assert [(r.after_seconds, r.via) for r in full.escalation.ladder["prompt"]] == [
        (0, ("slack",)), (300, ("email",)), (600, ("sms",))]


@pytest.mark.parametrize(("ladder", "smtp", "twilio", "key", "says"), [
    ('immediate = [{after_seconds = 0, via = ["slack", "sms"]}]', "smtp://h", None,
     "escalation.ladder.immediate[0]", "[twilio] is not configured"),
    ('prompt = [{after_seconds = 0, via = ["email"]}]', None, "https://api.twilio.com",
     "escalation.ladder.prompt[0]", "[email] is not configured"),
    ('immediate = [{after_seconds = 0, via = ["pager"]}]', None, None,
     "escalation.ladder.immediate[0].via", "unknown channel 'pager'"),
    ('immediate = [{after_seconds = 60, via = ["slack"]}, {after_seconds = 30, via = ["sms"]}]',
     None, "https://api.twilio.com", "escalation.ladder.immediate[1].after_seconds",
     "time order"),
    ('immediate = [{after_seconds = 0, via = ["slack"]}, {after_seconds = 500, via = ["sms"]}]',
     None, "https://api.twilio.com", "escalation.ladder.immediate[1].after_seconds",
     "never run"),
])
def test_a_ladder_that_cannot_be_followed_is_a_one_line_start_up_error(
        ladder: str, smtp: str | None, twilio: str | None, key: str, says: str) -> None:
    with pytest.raises(ConfigError) as caught:
        config(smtp_url=smtp, twilio_url=twilio, public_url=None, ladder=ladder)
    assert caught.value.key == key and says in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_person_in_roles_without_the_contact_the_ladder_needs_is_a_start_up_error() -> None:
    text = channel_toml(smtp_url=None, twilio_url="https://api.twilio.com", public_url=None,
                        ladder='immediate = [{after_seconds = 0, via = ["slack", "sms"]}]')
    text = text.replace('sms = "+15555550102"\n', "")  # the director has no mobile number
    with pytest.raises(ConfigError) as caught:
        parse_config(tomllib.loads(text))
    assert str(caught.value) == ("config: escalation.ladder.immediate[0]: pages via sms, but "
                                 "people.UDIR1 has no sms (add it under [people.UDIR1])")


@pytest.mark.parametrize(("snippet", "key"), [
    ('[people.U1]\nsms = "555-0100"', "people.U1.sms"),
    ('[people.U1]\nemail = "not an address"', "people.U1.email"),
    ('[people.U1]\npager = "x"', "people.U1.pager"),
    ('[email]\nsmtp_url = "http://mail"\nfrom = "a@b.org"', "email.smtp_url"),
    ('[twilio]\naccount_sid = "XX1"\nfrom = "+15555550199"', "twilio.account_sid"),
    ('[web]\npublic_url = "frontdesk.example.org"', "web.public_url"),
])
def test_bad_contact_and_provider_settings_name_their_key(snippet: str, key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(tomllib.loads(snippet))
    assert caught.value.key == key


# --- done when: an immediate page reaches the privacy in-charge everywhere ----------------

def test_an_immediate_page_goes_by_slack_text_and_email_at_once_and_calls_two_minutes_later(
        rig: ChannelRig) -> None:
    eid = rig.trigger("police", "warrant")
    rig.deliver()
    # Slack: both privacy officers and the channel; the director's notice.
    pages = {k for k in rig.slack.delivered_keys() if k.startswith("page:")}
    assert pages == {f"page:{eid}:1:0:UPIC1", f"page:{eid}:1:0:UPIC2", f"page:{eid}:1:0:{CHANNEL}"}
    # Texts and emails to the two privacy officers (the director is only notified).
    assert sorted(t["To"] for t in rig.twilio.texts()) == [PAT, SAM]
    assert all(t["From"] == FROM for t in rig.twilio.texts())
    mails = rig.mail.wait_for(2)
    assert sorted(str(m["To"]) for m in mails) == ["Pat Lee <pat.lee@example.org>",
                                                  "Sam Ortiz <sam.ortiz@example.org>"]
    assert not rig.twilio.calls()
    status = [m.text for m in rig.slack.thread("CDESK", THREAD.ts) if m.ts != THREAD.ts]
    assert "by Slack, text and email" in status[0]
    live = rig.service.live.current(eid)
    assert live is not None and "(by Slack, text and email)" in status_line(live[1])
    assert "then by phone call at <!date^" in status_line(live[1])

    rig.at(119)
    assert not rig.twilio.calls()
    rig.at(120)
    assert sorted(c["To"] for c in rig.twilio.calls()) == [PAT, SAM]
    assert audit(rig, "escalation.step")[0]["via"] == ["voice"]
    assert state(rig, eid) == "triggered"
    # Nobody answers: at the ack timeout (180 s) the director is paged on every channel.
    rig.at(180)
    assert DANA in [t["To"] for t in rig.twilio.texts()]
    assert "dana.cruz@example.org" in str(rig.mail.wait_for(3)[-1]["To"])


def test_the_first_rungs_pages_are_queued_and_audited_in_the_ladders_order(
        rig: ChannelRig) -> None:
    """Review 13 m: with a text or an email in the escalation's first rung, its page.queued
    came before the Slack pages' (theirs waited for the block's one INSERT, the text's was
    written at once): the audit trail follows the ladder, channel by channel, as the rung
    lists them, each with its acknowledgement link."""
    eid = rig.trigger("police", "warrant")
    first = rig.service.roles.ladder("immediate")[0].via
    assert len(first) > 1 and first[0] == "slack"  # the rung this test is about
    vias = [event["via"] for event in audit(rig, "page.queued")]
    assert list(dict.fromkeys(vias)) == list(first), vias
    assert vias == sorted(vias, key=first.index), vias
    kinds = [r.kind for r in AuditLog(rig.db).rows() if r.escalation_id == eid]
    assert kinds.index("notice.queued") > max(
        i for i, kind in enumerate(kinds) if kind == "page.queued"), kinds
    with rig.db.engine.connect() as conn:
        links = conn.execute(select(ack_links.c.channel, ack_links.c.person).where(
            ack_links.c.escalation_id == eid)).all()
    contacts = [(e["via"], e["recipient"]) for e in audit(rig, "page.queued")
                if e["via"] != "slack"]
    assert sorted(links) == sorted(contacts) and contacts


def test_pressing_1_on_the_call_acknowledges_and_it_shows_everywhere(rig: ChannelRig) -> None:
    eid = rig.trigger("police", "warrant")
    rig.deliver()
    rig.at(120)
    call = next(c for c in rig.twilio.calls() if c["To"] == PAT)
    assert "<Say" in call["Twiml"] and "Press 1 to acknowledge" in call["Twiml"]
    status, body = rig.press(call, "2")
    assert status == 200 and "Not acknowledged" in body and state(rig, eid) == "triggered"
    status, body = rig.press(call, "1")
    assert status == 200 and "<Say" in body and "Acknowledged" in body
    assert state(rig, eid) == "acknowledged"
    rig.deliver()
    # The Slack pages show it, and so does the asker's thread: each with the channel it came
    # through (the page's own line named nobody's channel before).
    assert any("Acknowledged by <@UPIC1>" in u and "by phone" in u for u in slack_updates(rig))
    status_lines = [m.text for m in rig.slack.thread("CDESK", THREAD.ts)]
    assert any("Acknowledged by <@UPIC1>" in t and "by phone" in t for t in status_lines)
    [acked] = audit(rig, "escalation.acknowledged")
    assert acked["via"] == "voice"
    # The ladder stops: no director page at the timeout, no more texts or calls.
    texts, calls = len(rig.twilio.texts()), len(rig.twilio.calls())
    rig.at(400)
    assert (len(rig.twilio.texts()), len(rig.twilio.calls())) == (texts, calls)
    # The same call's key pressed again changes nothing.
    assert "already" in rig.press(call, "1")[1]


def test_an_ack_by_link_stands_down_every_text_and_email_already_sent_but_the_ackers(
        rig: ChannelRig) -> None:
    from bot.channels.sms import page_code

    eid = rig.trigger("police", "warrant")
    rig.deliver()
    rig.mail.wait_for(2)
    text = next(t for t in rig.twilio.texts() if t["To"] == SAM)["Body"]
    path = re.search(r"(/ack/\S+)", text).group(1)  # type: ignore[union-attr]
    assert rig.request("POST", path)[0] == 200
    rig.deliver()
    # Pat's phone and mailbox hear that Sam took it; Sam (who acted) hears nothing more.
    texts = rig.twilio.texts()
    [stand_down] = [t["Body"] for t in texts[2:]]
    assert [t["To"] for t in texts[2:]] == [PAT]
    assert stand_down == (f"frontdesk page {page_code(eid)}: Someone wants a patron's records "
                          "(Pageville Public Library): ACKED by Sam Ortiz via link. No action "
                          "needed.")
    mails = rig.mail.wait_for(3)
    assert "pat.lee" in str(mails[2]["To"]) and "Stand down" in str(mails[2]["Subject"])
    assert "ACKED by Sam Ortiz via link" in mails[2].get_body(("plain",)).get_content()
    assert [e["via"] for e in audit(rig, "standdown.sent")] == ["email", "sms"]
    # Pat's own link, pressed late, names who took it (by name, not a Slack mention).
    pat_text = next(t for t in texts if t["To"] == PAT)["Body"]
    status, page = rig.request("POST", re.search(r"(/ack/\S+)", pat_text).group(1))  # type: ignore[union-attr]
    assert status == 409 and "Already acknowledged by Sam Ortiz at 2030-03-01 19:00 UTC" in page
    assert "&lt;@" not in page and "<@" not in page
    # The ladder stopped: no call, no director page; a late resolve sends nothing again.
    rig.at(400)
    assert not rig.twilio.calls() and DANA not in [t["To"] for t in rig.twilio.texts()]
    rig.service.resolve(eid, "UPIC1", "done")
    rig.deliver()
    assert len(rig.twilio.texts()) == 3 and len(rig.mail.messages) == 3


def test_a_case_the_desk_withdraws_stands_down_the_texts_and_emails_it_sent(
        rig: ChannelRig) -> None:
    from tests.terminal_support import chat

    def desk() -> Iterator[str]:
        yield from ("1", "police", "warrant")
        rig.deliver()  # the page is out by text and email before the desk goes back
        assert sorted(t["To"] for t in rig.twilio.texts()) == [PAT, SAM]
        rig.mail.wait_for(2)
        yield from ("back", "nothing", "")

    said = chat(rig.catalogue, "pagelib", desk(), escalations=rig.service)
    assert any("withdrawn" in line for line in said), said
    rig.deliver()
    stand_downs = [t for t in rig.twilio.texts()[2:]]
    assert sorted(t["To"] for t in stand_downs) == [PAT, SAM]
    assert all("WITHDRAWN: the desk corrected the case and it needs nobody. No action needed."
               in t["Body"] for t in stand_downs)
    assert len(rig.mail.wait_for(4)) == 4
    # A call not yet placed never is.
    rig.at(200)
    assert not rig.twilio.calls()


def test_the_link_in_a_text_shows_a_confirm_button_and_acknowledges_once(
        rig: ChannelRig) -> None:
    eid = rig.trigger("police", "warrant")
    rig.deliver()
    text = next(t for t in rig.twilio.texts() if t["To"] == SAM)["Body"]
    assert len(text) <= 320
    link = re.search(r"(http://\S+/ack/\S+)", text).group(1)  # type: ignore[union-attr]
    path = link[len(rig.http.url):]
    status, page = rig.request("GET", path)
    assert status == 200 and 'id="acknowledge"' in page and "Someone wants a patron" in page
    assert state(rig, eid) == "triggered"  # opening the link does not acknowledge
    status, page = rig.request("POST", path)
    assert status == 200 and "acknowledged" in page.lower()
    assert state(rig, eid) == "acknowledged"
    assert audit(rig, "escalation.acknowledged")[0]["via"] == "link"
    with rig.db.engine.connect() as conn:
        row = conn.execute(select(escalations).where(escalations.c.id == eid)).one()
    assert row.acked_by == "UPIC2"
    # Single use; and the call two minutes later never happens.
    assert rig.request("POST", path)[0] == 409
    assert "Already handled" in rig.request("GET", path)[1]
    rig.at(120)
    assert not rig.twilio.calls()
    assert rig.request("GET", "/ack/not-a-token")[0] == 404


def test_links_are_signed_a_link_made_from_the_database_or_resigned_acknowledges_nothing(
        rig: ChannelRig) -> None:
    eid = rig.trigger("police", "warrant")
    rig.deliver()
    text = next(t for t in rig.twilio.texts() if t["To"] == PAT)["Body"]
    token = re.search(r"/ack/(\S+)", text).group(1)  # type: ignore[union-attr]
    nonce, _, signature = token.rpartition(".")
    with rig.db.engine.connect() as conn:
        payloads = [json.loads(p) for p in conn.scalars(
            select(outbox.c.payload).where(outbox.c.method == "sms"))]
    # What the database holds (the nonce in the row, its hash in ack_links) is not a link.
    assert nonce in [p["nonce"] for p in payloads] and token not in json.dumps(payloads)
    other = tokens.sign("another deployment's secret", nonce)
    for forged in (nonce, other, f"{nonce}.{signature[:-2]}AA", "x.y", "."):
        assert rig.request("GET", f"/ack/{forged}")[0] == 404
        assert rig.request("POST", f"/ack/{forged}")[0] == 404
    assert state(rig, eid) == "triggered"
    # A call whose key-press URL was tampered with acknowledges nothing either.
    rig.at(120)
    call = next(c for c in rig.twilio.calls() if c["To"] == PAT)
    call_signature = re.search(r"token=[^.&\"]+\.([^&\"]+)", call["Twiml"]).group(1)  # type: ignore[union-attr]
    forged_call = {**call, "Twiml": call["Twiml"].replace(call_signature, signature)}
    assert "cannot acknowledge" in rig.press(forged_call, "1")[1]
    assert state(rig, eid) == "triggered"
    assert rig.request("POST", f"/ack/{token}")[0] == 200
    assert state(rig, eid) == "acknowledged"


def test_a_text_or_email_queued_again_under_its_key_issues_no_second_link(
        rig: ChannelRig) -> None:
    # A page already queued (a corrected case starting its level again, a retried
    # transaction) keeps its text and email: no acknowledgement link may be issued for a
    # message that is never sent (a live token nobody holds, a row nobody needs).
    eid = rig.trigger("police", "warrant")
    packet = rig.service.packet(eid)
    assert packet is not None
    with write_transaction(rig.db) as conn:
        rig.service.notify.pages(conn, eid, packet, 1, 0, rig.clock(), via=("sms", "email"))
    with rig.db.engine.connect() as conn:
        nonces = [json.loads(p)["nonce"] for p in conn.scalars(
            select(outbox.c.payload).where(outbox.c.method.in_(("sms", "email"))))]
        hashes = set(conn.scalars(select(ack_links.c.token_hash)))
    assert len(nonces) == 4  # two people, by text and by email, once each
    assert hashes == {token_hash(n) for n in nonces}


def test_a_public_url_without_a_link_secret_is_a_start_up_error_and_a_doctor_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.channels import Channels

    text = channel_toml(smtp_url="smtp://127.0.0.1:2525", twilio_url="https://api.twilio.com",
                        public_url="https://frontdesk.example.org")
    with pytest.raises(ConfigError, match="FRONTDESK_LINK_SECRET"):
        Channels.from_config(parse_config(tomllib.loads(text)),
                             ChannelSecrets(twilio_auth_token="t"))
    path = tmp_path / "frontdesk.toml"
    path.write_text(text)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "t")
    monkeypatch.delenv("FRONTDESK_LINK_SECRET", raising=False)
    result = CliRunner().invoke(main, ["doctor", "--config", str(path)])
    assert result.exit_code == 1
    assert ("ERROR FRONTDESK_LINK_SECRET is not set, but [web] public_url puts acknowledgement "
            "links in texts, emails and calls") in result.output.splitlines()


def test_with_several_pages_waiting_a_bare_1_lists_their_codes_and_ack_code_picks_one(
        rig: ChannelRig) -> None:
    from bot.channels.sms import page_code

    first = rig.trigger("police", "warrant")
    second = rig.trigger("police", "warrant")
    rig.deliver()
    codes = {page_code(first), page_code(second)}
    pat_texts = [t["Body"] for t in rig.twilio.texts() if t["To"] == PAT]
    assert {c for c in codes if any(f"ACK {c}" in t for t in pat_texts)} == codes
    # A bare 1 could answer either text: nothing is acknowledged, the codes are listed.
    status, body = rig.text_reply(PAT, "1")
    assert status == 200 and "2 frontdesk pages are waiting" in body
    assert all(c in body for c in codes) and "(IMMEDIATE)" in body
    assert state(rig, first) == state(rig, second) == "triggered"
    assert "No single waiting page has the code ZZZZ" in rig.text_reply(PAT, "ACK zzzz")[1]
    status, body = rig.text_reply(PAT, f"ack {page_code(first).lower()}")
    assert f"Acknowledged page {page_code(first)}" in body
    assert (state(rig, first), state(rig, second)) == ("acknowledged", "triggered")
    # One left: a bare 1 (from the other privacy officer too) takes it.
    status, body = rig.text_reply(SAM, "1")
    assert f"Acknowledged page {page_code(second)}" in body and state(rig, second) == \
        "acknowledged"
    assert [a["via"] for a in audit(rig, "escalation.acknowledged")] == ["sms", "sms"]


def test_ack_all_acknowledges_every_page_waiting_for_the_sender(rig: ChannelRig) -> None:
    first, second = rig.trigger("police", "warrant"), rig.trigger("police", "warrant")
    rig.deliver()
    body = rig.text_reply(PAT, "ACK ALL")[1]
    assert body.count("Acknowledged page") == 2 and "told you are on it" in body
    assert state(rig, first) == state(rig, second) == "acknowledged"


@pytest.mark.parametrize("reply", ["1", "ACK ALL"])
def test_a_reply_never_acknowledges_a_page_whose_text_has_not_reached_the_sender(
        rig: ChannelRig, reply: str) -> None:
    """Pat answers an earlier page's text late, while a newer page's text to Pat is still
    waiting to retry: the newer page was never in front of Pat, so the reply takes nothing and
    its ladder goes on (found by review: it was acknowledged and paging stopped)."""
    first = rig.trigger("police", "warrant")
    rig.deliver()
    rig.service.acknowledge(first, "UPIC2", via="slack")
    rig.twilio.fail("Messages", times=10, status=503)
    second = rig.trigger("police", "warrant")
    rig.deliver()
    assert len([t for t in rig.twilio.texts() if t["To"] == PAT]) == 1
    status, body = rig.text_reply(PAT, reply)
    assert status == 200 and "No frontdesk page is waiting for you" in body
    assert state(rig, second) == "triggered"


def test_a_text_reply_acknowledges_the_waiting_page_and_a_forged_one_does_not(
        rig: ChannelRig) -> None:
    eid = rig.trigger("police", "warrant")
    rig.deliver()
    # Not signed by Twilio (signed for another URL): refused, nothing changes.
    status, _ = rig.twilio_webhook("/twilio/sms", {"From": PAT, "To": FROM, "Body": "1"},
                                   sign_as="https://evil.example/twilio/sms")
    assert status == 403 and state(rig, eid) == "triggered"
    status, body = rig.text_reply("+15555559999", "1")
    assert "not set up" in body and state(rig, eid) == "triggered"
    status, body = rig.text_reply(PAT, "what?")
    assert "Reply 1 or ACK" in body and state(rig, eid) == "triggered"
    status, body = rig.text_reply(PAT, " ack ")
    assert status == 200 and "<Message>Acknowledged page" in body
    assert state(rig, eid) == "acknowledged"
    assert audit(rig, "escalation.acknowledged")[0]["via"] == "sms"
    rig.deliver()
    assert any("Acknowledged by <@UPIC1>" in u and "by text reply" in u
               for u in slack_updates(rig))
    assert "No frontdesk page is waiting" in rig.text_reply(PAT, "1")[1]


def test_texts_emails_and_calls_carry_no_patron_data(rig: ChannelRig) -> None:
    rig.trigger("police - about Ms. Jane Doe, card 21234567890123, jane@example.com",
                "warrant")
    rig.deliver()
    rig.at(120)
    everything = json.dumps([rig.twilio.texts(), rig.twilio.calls()]) + "".join(
        m.as_string() for m in rig.mail.wait_for(2))
    for secret in ("Jane", "21234567890123", "jane@example.com"):
        assert secret not in everything
    assert "Search warrant: get the Privacy Officer now" in everything


def test_the_email_has_text_and_html_a_stable_message_id_and_the_link(rig: ChannelRig) -> None:
    eid = rig.trigger("police", "warrant")
    rig.deliver()
    message = next(m for m in rig.mail.wait_for(2) if "pat.lee" in str(m["To"]))
    assert eid in str(message["Subject"]) and "IMMEDIATE" in str(message["Subject"])
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "/ack/" in plain and 'href="http://' in html and "/ack/" in html
    assert "Court orders to the Director" in plain and "Court orders to the Director" in html
    assert re.fullmatch(r"<[0-9a-f]{40}@example\.org>", str(message["Message-ID"]))


def test_retries_honour_retry_after_and_smtp_try_again_later(rig: ChannelRig) -> None:
    rig.twilio.fail("Messages", times=1, status=429, retry_after=0.3)
    rig.mail.refuse(times=1, code=451)
    eid = rig.trigger("police", "warrant")
    rig.deliver()
    with rig.db.engine.connect() as conn:
        waits = {r.idempotency_key: r.next_attempt_at for r in conn.execute(
            select(outbox.c.idempotency_key, outbox.c.next_attempt_at)
            .where(outbox.c.method == "sms", outbox.c.attempts == 1))}
    retried = [k for k, at in waits.items() if at.replace(tzinfo=T0.tzinfo) > T0]
    assert len(retried) == 1 and retried[0].startswith(f"sms:{eid}:1:0:")
    assert waits[retried[0]].replace(tzinfo=T0.tzinfo) - T0 == timedelta(seconds=0.3)
    rig.clock.advance(seconds=5)  # Retry-After and the backoff have passed
    rig.deliver()
    assert sorted(t["To"] for t in rig.twilio.texts()) == [PAT, SAM]
    assert len(rig.mail.wait_for(2)) == 2
    with rig.db.engine.connect() as conn:
        rows = conn.execute(select(outbox.c.method, outbox.c.attempts, outbox.c.status)
                            .where(outbox.c.method.in_(("sms", "email")))).all()
    assert {r.status for r in rows} == {"sent"}
    assert sorted(r.attempts for r in rows) == [1, 1, 2, 2]


def test_a_text_twilio_took_but_never_answered_is_found_not_sent_again(
        tmp_path: Path, providers: tuple[PagingFake, FakeTwilio, MailServer]) -> None:
    rig = ChannelRig(tmp_path, *providers, provider_timeout=0.5)
    try:
        rig.twilio.hang("Messages", 2, accept=True)  # Twilio takes it; we time out
        rig.trigger("police", "warrant")
        rig.deliver()
        rig.clock.advance(seconds=5)
        rig.deliver()
        keys = rig.twilio.keys("Messages")
        assert len(keys) == 2 and set(keys.values()) == {1}
        found = [e for e in audit(rig, "page.sent") if e["found_existing"]]
        assert [e["via"] for e in found] == ["sms"]
        assert ("GET", "Messages") in rig.twilio.requests
    finally:
        rig.close()


def test_when_slack_is_unreachable_the_next_channels_go_at_once(
        tmp_path: Path, providers: tuple[PagingFake, FakeTwilio, MailServer]) -> None:
    rig = ChannelRig(tmp_path, *providers)
    try:
        rig.slack.fail("chat.postMessage", times=100, status=503)
        eid = rig.trigger("police", "preservation")  # prompt: Slack, email at 5, text at 10 min
        rig.deliver()
        rig.service.tick()
        rig.deliver()
        assert sorted(t["To"] for t in rig.twilio.texts()) == [PAT, SAM]
        assert len(rig.mail.wait_for(2)) == 2
        [failover] = audit(rig, "escalation.failover")
        assert failover["via"] == ["email", "sms"] and failover["slack"] == "unreachable"
        assert state(rig, eid) == "triggered"
    finally:
        rig.close()


def test_without_a_public_url_messages_say_to_acknowledge_in_slack_or_by_reply(
        tmp_path: Path, providers: tuple[PagingFake, FakeTwilio, MailServer]) -> None:
    rig = ChannelRig(tmp_path, *providers, public=False)
    try:
        eid = rig.trigger("police", "warrant")
        rig.deliver()
        rig.at(120)
        text = rig.twilio.texts()[0]["Body"]
        assert "reply 1 (or ACK " in text and "to acknowledge, or use Slack" in text
        assert "/ack/" not in text
        mail = rig.mail.wait_for(2)[0].get_body(("plain",)).get_content()
        assert "Acknowledge in Slack" in mail and "/ack/" not in mail
        assert "use Slack or reply 1" in rig.twilio.calls()[0]["Twiml"]
        assert rig.text_reply(PAT, "1")[0] == 200
        assert state(rig, eid) == "acknowledged"
    finally:
        rig.close()


# --- wiring: serve --http, the worker command, frontdesk doctor ---------------------------

def test_serve_http_takes_a_signed_text_reply_and_the_worker_texts_and_emails(
        tmp_path: Path, providers: tuple[PagingFake, FakeTwilio, MailServer]) -> None:
    slack, twilio, mail = providers
    text = channel_toml(smtp_url=mail.url, twilio_url=twilio.api_url, public_url=None)
    settings = tomllib.loads(text)
    settings["database_url"] = f"sqlite:///{tmp_path / 'serve.db'}"
    catalogue = Catalogue.load(write_content(tmp_path / "content"))
    secrets = SlackSecrets("xoxb-test", "signing-secret", None, slack.api_url)
    with pytest.raises(ConfigError, match="TWILIO_AUTH_TOKEN"):
        Runtime(parse_config(settings), catalogue, secrets, mode="http",
                channel_secrets=ChannelSecrets())
    runtime = Runtime(parse_config(settings), catalogue, secrets, mode="http",
                      channel_secrets=ChannelSecrets(twilio_auth_token="twilio-test-token"))
    server = runtime.http_server(port=0, threads=2).start()
    try:
        runtime.start_worker()
        service = runtime.services.escalations
        assert service is not None
        eid = _trigger(service, catalogue)
        twilio.wait_for("Messages", lambda m: m["To"] == PAT)
        assert len(mail.wait_for(2)) == 2
        form = {"From": PAT, "To": FROM, "Body": "1"}
        url = server.url + "/twilio/sms"  # no public_url: the URL Twilio called, from Host
        request = urllib.request.Request(url, data=urlencode(form).encode(), headers={
            "X-Twilio-Signature": twilio.sign(url, form)})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert "Acknowledged page" in response.read().decode()
        assert wait_until(lambda: service.get(eid).state == "acknowledged")  # type: ignore[union-attr]
        assert slack.wait_for("chat.update")
    finally:
        server.stop()
        runtime.stop()


def _trigger(service: EscalationService, catalogue: Catalogue) -> str:
    view = start(catalogue, "pagelib", "records-request")
    for said in ("police", "warrant"):
        view = step(catalogue, view.conversation, said)
    return service.trigger(library="pagelib", situation="records-request",
                           conversation=view.conversation, outcome=view.outcome,
                           reason="outcome", asked_by="UASKER", face="slack")


def test_doctor_names_every_problem_and_the_worker_will_not_start_with_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = channel_toml(smtp_url=None, twilio_url="https://api.twilio.com", public_url=None,
                        ladder='immediate = [{after_seconds = 0, via = ["slack", "sms", '
                               '"email"]}]')
    text = text.replace('sms = "+15555550102"\n', "")
    path = tmp_path / "frontdesk.toml"
    path.write_text(text)
    monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
    result = CliRunner().invoke(main, ["doctor", "--config", str(path)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert ("ERROR escalation.ladder.immediate[0]: pages via sms, but people.UDIR1 has no sms "
            "(add it under [people.UDIR1])") in lines
    assert "ERROR escalation.ladder.immediate[0]: pages via email, but [email] is not " \
           "configured" in lines
    assert "ERROR TWILIO_AUTH_TOKEN is not set, but [twilio] is configured" in lines
    assert any(line.startswith("warn  web.public_url") for line in lines)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    result = CliRunner().invoke(main, ["worker", "--once", "--config", str(path)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "frontdesk: config: escalation.ladder.immediate[0]: pages via sms, but people.UDIR1 "
        "has no sms (add it under [people.UDIR1])"]


def test_email_logs_in_with_the_password_from_the_environment(tmp_path: Path) -> None:
    from bot.channels import Channels

    with MailServer(auth=("frontdesk@example.org", "s3cret")) as mail:
        url = mail.url.replace("smtp://", "smtp://frontdesk@example.org@")
        cfg = parse_config(tomllib.loads(channel_toml(smtp_url=url, twilio_url=None,
                                                      public_url=None)))
        with pytest.raises(ConfigError, match="FRONTDESK_SMTP_PASSWORD"):
            Channels.from_config(cfg, ChannelSecrets())

        def page(channels: Channels, n: int):  # type: ignore[no-untyped-def]
            return channels.page(key=f"email:e1:1:0:UPIC1:{n}", channel="email",
                                 person="UPIC1", packet={"situation_title": "Test page"},
                                 payload={"escalation_id": "e1", "level": 1, "repeat": 0,
                                          "nonce": "n"}, created_at=T0)

        good = Channels.from_config(cfg, ChannelSecrets(smtp_password="s3cret"))
        good.send(page(good, 1))
        assert "Test page" in str(mail.wait_for(1)[0]["Subject"])
        assert mail.envelopes[0][0] == "frontdesk@example.org"


def test_a_hung_smtp_server_does_not_hold_up_slack_pages(
        tmp_path: Path, providers: tuple[PagingFake, FakeTwilio, MailServer]) -> None:
    """Texts, emails and calls have their own worker thread (``split_contacts``), as serve and
    the worker command run them: an email waiting on its server delays no Slack page."""
    import threading

    rig = ChannelRig(tmp_path, *providers)
    stop = threading.Event()
    try:
        contacts = rig.worker.split_contacts()
        assert contacts is not None
        rig.mail.hang(4)  # the first email's 250 comes only after 4 s
        first = rig.trigger("police", "warrant")
        threads = [threading.Thread(target=w.run_forever, args=(stop,), daemon=True)
                   for w in (rig.worker, contacts)]
        for thread in threads:
            thread.start()
        assert wait_until(lambda: len(rig.mail.messages) == 1, timeout=5)
        second = rig.trigger("police", "warrant", thread=None)
        assert wait_until(lambda: f"page:{second}:1:0:UPIC1" in rig.slack.delivered_keys(),
                          timeout=3)
        assert len(rig.mail.messages) == 1  # still waiting on the first email's answer
        assert wait_until(lambda: len(rig.mail.messages) == 4, timeout=15)
        assert f"page:{first}:1:0:UPIC1" in rig.slack.delivered_keys()
    finally:
        stop.set()
        rig.close()


def test_rows_taken_from_the_table_are_claimed_together_and_recorded_together(
        rig: ChannelRig) -> None:
    """A pass over rows nobody handed to the worker (texts and emails, or a worker that does
    not serve) claims the due ones in one commit, not one claim per message; Slack messages
    are recorded together, each text and email as soon as it is sent (a reply to a text
    acknowledges only a page on record). Each still goes exactly once."""
    from sqlalchemy import event

    eid = rig.trigger("police", "warrant")
    commits: list[object] = []
    event.listen(rig.db.engine, "commit", commits.append)
    assert rig.deliver() == 9  # 3 Slack pages, the director's notice, the asker's status line,
    # a text and an email to each privacy officer
    # One claim of all nine, a record per text and email (the Slack messages sent before
    # each with it), one of the Slack messages after them, an empty claim to end: 19 before.
    assert len(commits) == 7
    assert sorted(t["To"] for t in rig.twilio.texts()) == [PAT, SAM]
    assert len(rig.mail.wait_for(2)) == 2
    with rig.db.engine.connect() as conn:
        rows = conn.execute(select(outbox.c.status, outbox.c.attempts, outbox.c.claimed_by)
                            .where(outbox.c.escalation_id == eid)).all()
    assert {tuple(r) for r in rows} == {("sent", 1, None)} and len(rows) == 9
    assert len(audit(rig, "page.sent")) == 7


def test_an_ack_while_claimed_texts_and_emails_wait_stands_down_only_those_that_went_out(
        tmp_path: Path, providers: tuple[PagingFake, FakeTwilio, MailServer]) -> None:
    """Texts and emails are claimed together; one still waiting its turn when the page is
    acknowledged never goes, and neither does a stand-down for it (it counted as in flight
    when the acknowledgement queued the stand-downs)."""
    import threading

    rig = ChannelRig(tmp_path, *providers)
    try:
        contacts = rig.worker.split_contacts()
        assert contacts is not None
        rig.mail.hang(1.5)  # the first email's answer comes late
        eid = rig.trigger("police", "warrant")
        passing = threading.Thread(target=contacts.run_once)
        passing.start()
        assert wait_until(lambda: len(rig.mail.messages) == 1, timeout=5)
        assert rig.service.acknowledge(eid, "UDIR1").status == "acknowledged"  # by Slack
        passing.join(10)
        contacts.run_once()  # the stand-downs
        [first] = rig.mail.messages[:1]
        reached = next(person for person in PEOPLE.values() if person[1] in str(first["To"]))
        skipped = next(person for person in PEOPLE.values()
                       if person[1] in ("pat.lee@example.org", "sam.ortiz@example.org")
                       and person != reached)
        mails = rig.mail.messages
        assert [str(m["To"]) for m in mails if skipped[1] in str(m["To"])] == []
        stand_downs = [m for m in mails if "Stand down" in str(m["Subject"])]
        assert [str(m["To"]) for m in stand_downs] == [str(first["To"])]
        assert sorted(t["To"] for t in rig.twilio.texts() if "No action" in t["Body"]) == [
            PAT, SAM]  # both texts went before the acknowledgement
        with rig.db.engine.connect() as conn:
            skips = dict(conn.execute(select(outbox.c.idempotency_key, outbox.c.last_error)
                                      .where(outbox.c.status == "skipped")).all())
        assert skips == {f"email:{eid}:1:0:{uid}": "escalation acknowledged first"
                         for uid, person in PEOPLE.items() if person == skipped} | {
            f"standdown:email:{eid}:{uid}": "its page never went out"
            for uid, person in PEOPLE.items() if person == skipped}
    finally:
        rig.close()


def test_a_slack_page_refused_for_good_sends_the_other_channels_at_once(
        tmp_path: Path, providers: tuple[PagingFake, FakeTwilio, MailServer]) -> None:
    """A prompt page (Slack now, email at 5 min, text at 10): Pat's Slack account is
    deactivated, so Pat's page fails for good; the email and the text go at once, and (issue
    11's rule for a dead page) the director is paged at once too."""
    rig = ChannelRig(tmp_path, *providers)
    try:
        rig.slack.refuse("UPIC1", "account_inactive")
        eid = rig.trigger("police", "preservation")
        rig.deliver()
        rig.deliver()
        assert PAT in [t["To"] for t in rig.twilio.texts()]
        assert "pat.lee@example.org" in " ".join(str(m["To"]) for m in rig.mail.wait_for(2))
        [failover] = audit(rig, "escalation.failover")
        assert failover["slack"] == "failed" and failover["via"] == ["email", "sms"]
        assert rig.service.get(eid).level == 2  # type: ignore[union-attr]
        rig.deliver()
        assert f"page:{eid}:2:0:UDIR1" in rig.slack.delivered_keys()
    finally:
        rig.close()


NO_SLACK = ('immediate = [{after_seconds = 0, via = ["sms", "email"]}, '
            '{after_seconds = 120, via = ["voice"]}]')


def test_a_text_or_email_failed_for_good_shows_in_pages_and_healthz_and_moves_nothing_alone(
        tmp_path: Path, providers: tuple[PagingFake, FakeTwilio, MailServer]) -> None:
    from bot.ops.health import Operations

    slack, twilio, mail = providers
    rig = ChannelRig(tmp_path, *providers, ladder=NO_SLACK)
    try:
        twilio.invalid.add(PAT)
        mail.rejected.add("pat.lee@example.org")
        eid = rig.trigger("police", "warrant")
        rig.deliver()
        dead = {d.key: d.error for d in rig.service.undelivered_pages()}
        assert set(dead) == {f"sms:{eid}:1:0:UPIC1", f"email:{eid}:1:0:UPIC1"}
        assert "Twilio error 21211" in dead[f"sms:{eid}:1:0:UPIC1"]
        assert "SMTP" in dead[f"email:{eid}:1:0:UPIC1"]
        status, body = Operations(rig.db, rig.service).live()
        assert body["status"] == "degraded" and body["undelivered_pages"] == 2
        # Sam's text and email got through: the level waits for its call and timeout as usual.
        with rig.db.engine.connect() as conn:
            row = conn.execute(select(escalations).where(escalations.c.id == eid)).one()
        assert (row.level, row.rung, row.state) == (1, 1, "triggered")
        assert not any("got through" in m.text for m in rig.slack.thread("CDESK", THREAD.ts))
        assert sorted(e["via"] for e in audit(rig, "page.undelivered")) == ["email", "sms"]
    finally:
        rig.close()


def test_when_every_channel_of_a_level_fails_for_good_the_next_level_is_paged_at_once(
        tmp_path: Path, providers: tuple[PagingFake, FakeTwilio, MailServer]) -> None:
    slack, twilio, mail = providers
    rig = ChannelRig(tmp_path, *providers, ladder=NO_SLACK)
    try:
        twilio.invalid |= {PAT, SAM}
        mail.rejected |= {"pat.lee@example.org", "sam.ortiz@example.org"}
        eid = rig.trigger("police", "warrant")
        rig.deliver()  # texts and emails fail; the call goes now, fails; the director now
        [failover] = audit(rig, "escalation.failover")
        assert failover["via"] == ["voice"] and failover["failed"] == ["email", "sms"]
        with rig.db.engine.connect() as conn:
            row = conn.execute(select(escalations).where(escalations.c.id == eid)).one()
        assert (row.level, row.state) == (2, "triggered")
        assert [t["To"] for t in twilio.texts()] == [DANA] and not twilio.calls()
        assert "dana.cruz@example.org" in str(mail.wait_for(1)[0]["To"])
        told = "\n".join(m.text for m in rig.slack.thread("CDESK", THREAD.ts))
        assert ("No page to the Privacy Officer got through (by text, email and phone call: "
                "every one failed for good). Phone someone with authority now") in told
        assert "Those pages could not be delivered — now paging the Library Director" in told
        assert "No acknowledgement yet" not in told
        assert len(rig.service.undelivered_pages()) == 6
        # All at T0: nobody waited for the call's step or the acknowledgement timeout.
        assert rig.clock.now == T0
    finally:
        rig.close()


def test_twilio_reporting_a_text_undelivered_is_audited_against_its_page(
        rig: ChannelRig) -> None:
    eid = rig.trigger("police", "warrant")
    rig.deliver()
    text = next(t for t in rig.twilio.texts() if t["To"] == PAT)
    path = text["StatusCallback"][len(rig.http.url):]
    assert rig.twilio_webhook(path, {"MessageSid": text["sid"], "MessageStatus": "delivered"}
                              )[0] == 204
    status, _ = rig.twilio_webhook(path, {"MessageSid": text["sid"],
                                          "MessageStatus": "undelivered", "ErrorCode": "30003"})
    assert status == 204
    assert rig.twilio_webhook(path, {"MessageStatus": "failed"},
                              sign_as="https://other.example/x")[0] == 403
    [report] = audit(rig, "page.not_delivered")
    assert report == {"key": f"sms:{eid}:1:0:UPIC1", "via": "sms", "recipient": "UPIC1",
                      "status": "undelivered", "error_code": "30003"}


def test_a_case_corrected_to_an_immediate_page_climbs_the_immediate_ladder_from_now(
        rig: ChannelRig) -> None:
    """Preservation letter (prompt: Slack now, email at 5 min) corrected at the desk to a
    search warrant (immediate): the same escalation texts and emails at once and calls two
    minutes after the correction; the Slack pages are edited, not sent again."""
    from tests.terminal_support import chat

    said = chat(rig.catalogue, "pagelib", ["1", "police", "preservation", "change", "2",
                                           "warrant", ""], escalations=rig.service)
    rig.deliver()
    assert any("corrected the case" in line for line in said), said
    with rig.db.engine.connect() as conn:
        [row] = conn.execute(select(escalations)).all()
    assert (row.urgency, row.state, row.outcome_id) == ("immediate", "triggered", "warrant")
    assert sorted(t["To"] for t in rig.twilio.texts()) == [PAT, SAM]
    assert len(rig.mail.wait_for(2)) == 2
    assert all(n == 1 for n in rig.slack.delivered_keys().values())
    assert rig.slack.calls_to("chat.update")  # the prompt page, edited to the correction
    rig.at(119)
    assert not rig.twilio.calls()
    rig.at(120)
    assert sorted(c["To"] for c in rig.twilio.calls()) == [PAT, SAM]
