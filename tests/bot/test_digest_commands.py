"""``/digest``: parsing (pure), and subscribe/list/unsubscribe/preview through signed
requests to the real Bolt app talking to the fake Slack Web API."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Iterator
from zoneinfo import ZoneInfo

import pytest

from bot.digests.listeners import (
    DigestCommand,
    DigestCommandError,
    DigestHandlers,
    parse_digest_command,
)
from bot.digests.store import DigestStore
from bot.digests.scheduler import build_digests
from bot.wiring import build_wiring
from bot.settings import load_settings
from bot.store.approvals import Store
from tests.bot._digest_helpers import PERSONAS, SEOUL_MONDAY_9, FakeSources, utc
from tests.bot._slack_helpers import CHANNEL, BotHarness, slash_command_body


def parse(text: str) -> DigestCommand:
    return parse_digest_command(text, PERSONAS, "CHERE")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("subscribe all", DigestCommand("subscribe", "all", "CHERE", 0, 9, 0)),
        ("subscribe dry_moisture <#C0MKT|marketing> fri 18:30",
         DigestCommand("subscribe", "Dry_Moisture", "C0MKT", 4, 18, 30)),
        ("subscribe 건성 보습 월요일 7:05", DigestCommand("subscribe", "Dry_Moisture", "CHERE", 0, 7, 5)),
        ("subscribe Oily_Pores 21:00", DigestCommand("subscribe", "Oily_Pores", "CHERE", 0, 21, 0)),
        ("subscribe Oily_Pores sunday", DigestCommand("subscribe", "Oily_Pores", "CHERE", 6, 9, 0)),
        ("list", DigestCommand("list")),
        ("unsubscribe #12", DigestCommand("unsubscribe", sub_id=12)),
        ("preview ALL", DigestCommand("preview", "all", "CHERE")),
        ("", DigestCommand("help")),
        ("help", DigestCommand("help")),
    ],
)
def test_parses_each_action(text: str, expected: DigestCommand) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "must_mention"),
    [
        ("subscribe Nobody", ["Unknown persona `Nobody`", "`Dry_Moisture`", "`Oily_Pores`", "`all`"]),
        ("subscribe", ["Name a persona", "`Dry_Moisture`"]),
        ("subscribe all mon 25:00", ["could not read the time `25:00`", "mon 09:00"]),
        ("subscribe all someday 09:00", ["`someday`", "mon … sun"]),
        ("subscribe all mon 09:00 extra", ["Unexpected `extra`"]),
        ("subscribe all #marketing", ["could not read the channel", "autocomplete"]),
        ("unsubscribe abc", ["/digest unsubscribe <id>"]),
        ("preview <!channel>", ["`&lt;!channel&gt;`"]),
        ("launch", ["Unknown action", "subscribe, list, unsubscribe, preview or help"]),
        ("subscribe " + "x" * 600, ["over 500 characters"]),
    ],
)
def test_bad_input_gets_one_clear_message_with_the_choices(text: str, must_mention: list[str]) -> None:
    with pytest.raises(DigestCommandError) as info:
        parse(text)
    for piece in must_mention:
        assert piece in str(info.value)


# -- over HTTP -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotHarness]:
    bot = BotHarness(tmp_path_factory.mktemp("digest-app")).start()
    bot.digests.composer.sources = FakeSources()
    try:
        yield bot
    finally:
        bot.stop()


def digest(harness: BotHarness, text: str, user_id: str = "UMARKETER") -> tuple[dict, list[dict]]:
    """Send ``/digest text`` signed; return the ack body and the response_url posts after it."""
    before = len(harness.slack.calls_to("response_url"))
    body = slash_command_body(text, user_id=user_id, command="/digest",
                              response_url=harness.slack.response_url())
    response = harness.send(body)
    assert response.status == 200, response
    return (json.loads(response.body) if response.body else {}), [
        c.args for c in harness.slack.calls_to("response_url")[before:]]


def responses(harness: BotHarness, count: int, since: int) -> list[dict]:
    calls = harness.slack.wait_for("response_url", count=since + count)
    return [c.args for c in calls[since:]]


def test_subscribe_list_unsubscribe_through_signed_requests(harness: BotHarness) -> None:
    store = DigestStore.open(harness.settings.db_path)
    seen = len(harness.slack.calls_to("response_url"))
    digest(harness, "subscribe Dry_Moisture fri 18:30")
    [reply] = responses(harness, 1, seen)
    assert reply["response_type"] == "ephemeral"
    assert "Subscribed" in reply["text"] and "fri 18:30 (Asia/Seoul)" in reply["text"]
    [sub] = store.subscriptions()
    assert (sub.persona, sub.channel_id, sub.created_by) == ("Dry_Moisture", CHANNEL, "UMARKETER")
    assert (sub.schedule.weekday, sub.schedule.hour, sub.schedule.minute) == (4, 18, 30)

    digest(harness, "list")
    [listing] = responses(harness, 1, seen + 1)
    assert f"*#{sub.id}* · Dry_Moisture → <#{CHANNEL}>" in listing["text"]
    assert "next Fri" in listing["text"] and "KST" in listing["text"]

    digest(harness, f"unsubscribe {sub.id}")
    [stopped] = responses(harness, 1, seen + 2)
    assert stopped["text"] == f"Stopped digest subscription #{sub.id}."
    assert store.subscriptions() == []

    digest(harness, f"unsubscribe {sub.id}")
    [again] = responses(harness, 1, seen + 3)
    assert "no active subscription" in again["text"]


def test_unknown_persona_is_answered_in_the_ack_with_the_valid_choices(harness: BotHarness) -> None:
    ack, _ = digest(harness, "subscribe Nobody")
    assert ack["response_type"] == "ephemeral"
    assert "Unknown persona `Nobody`" in ack["text"] and "`Oily_Pores`" in ack["text"]


def test_bad_time_and_help_are_answered_in_the_ack(harness: BotHarness) -> None:
    ack, _ = digest(harness, "subscribe all mon 9h")
    assert "could not read the time `9h`" in ack["text"]
    ack, _ = digest(harness, "help")
    assert "/digest subscribe <persona|all>" in ack["text"]


def test_preview_goes_only_to_the_caller_and_stores_nothing(harness: BotHarness) -> None:
    store = DigestStore.open(harness.settings.db_path)
    seen = len(harness.slack.calls_to("response_url"))
    ack, _ = digest(harness, "preview all")
    assert "Building the digest preview" in ack["text"]
    [preview] = responses(harness, 1, seen)
    assert preview["response_type"] == "ephemeral"
    text = json.dumps(preview["blocks"], ensure_ascii=False)
    assert "Preview — only you can see this" in text
    assert "Product P1" in text and "Product P4" in text
    assert "&lt;!channel&gt; great value" in text          # review text cannot ping
    assert store.runs() == []
    assert harness.slack.calls_to("chat.postMessage") == []


def test_a_forged_request_is_refused(harness: BotHarness) -> None:
    body = slash_command_body("subscribe all", user_id="UEVIL", command="/digest")
    response = harness.send(body, secret="not-the-secret")
    assert response.status == 401
    assert DigestStore.open(harness.settings.db_path).subscriptions() == []


def test_list_stays_within_one_message_with_many_subscriptions(tmp_path: Path) -> None:
    settings = load_settings(db_path=tmp_path / "bot.db")
    digests = build_digests(build_wiring(settings, Store.open(settings.db_path)), None,  # type: ignore[arg-type]
                            sources=FakeSources())
    for i in range(20):
        digests.store.subscribe("all", f"C{i:03d}", SEOUL_MONDAY_9, "U1", utc(2026, 11, 1))
    text = DigestHandlers(digests).list()
    assert len(text) < 4000
    assert "<#C014>" in text and "<#C015>" not in text
    assert text.endswith("…and 5 more: `personabot digest status` lists all.")


def test_a_subscription_made_in_slack_is_scheduled_by_a_restarted_process(harness: BotHarness) -> None:
    seen = len(harness.slack.calls_to("response_url"))
    digest(harness, "subscribe 지성 모공 <#CPRIVATE|ops> 금 18:30")
    responses(harness, 1, seen)
    [sub] = [s for s in DigestStore.open(harness.settings.db_path).subscriptions()
             if s.channel_id == "CPRIVATE"]
    # A fresh process (what `personabot serve` builds after a restart) reads the table.
    restarted = build_digests(build_wiring(harness.settings, Store.open(harness.settings.db_path)),
                              None, sources=FakeSources())  # type: ignore[arg-type]
    try:
        restarted.scheduler.start(paused=True)
        job = restarted.scheduler.scheduler.get_job(sub.job_id)
        local = job.next_run_time.astimezone(ZoneInfo("Asia/Seoul"))
        assert (local.strftime("%a %H:%M"), local.utcoffset()) == ("Fri 18:30", timedelta(hours=9))
        assert job.args == (sub.id,) and sub.persona == "Oily_Pores"
    finally:
        restarted.shutdown()
        restarted.store.unsubscribe(sub.id, "UTEST", utc(2026, 11, 1))
