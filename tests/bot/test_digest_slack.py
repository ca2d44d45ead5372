"""Scheduled digests through the real Slack client against the fake Slack Web API:
markers in message metadata, draft cards with the approval buttons, the chart upload,
recovery by ``conversations.history``, and an archived channel reported by DM."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any, Iterator
from zoneinfo import ZoneInfo

import pytest
from slack_sdk import WebClient
from slack_sdk.models.blocks import Block

from bot.slack import blocks
from bot.digests.store import ALL_PERSONAS, DigestStore, Schedule, iso
from bot.digests.scheduler import MARKER_EVENT, SlackPoster, build_digests, last_fire, utc_now
from bot.wiring import build_wiring
from bot.settings import load_settings
from bot.store.approvals import Store
from recsys import paths
from tests.bot._digest_helpers import SEOUL_MONDAY_9, FakeSources, SimulatedCrash
from tests.bot._slack_helpers import APPROVERS, TOKEN, BotHarness, draft_ids
from tests.fakes.fake_slack import FakeReply, FakeSlack


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack(token=TOKEN) as fake:
        yield fake


def setup(tmp_path: Path, slack: FakeSlack, holder: str = "A") -> tuple[Any, Store]:
    settings = load_settings(db_path=tmp_path / "bot.db", slack_api_url=slack.api_url)
    approvals = Store.open(settings.db_path)
    client = WebClient(token=TOKEN, base_url=slack.api_url)
    digests = build_digests(build_wiring(settings, approvals), client, sources=FakeSources())
    digests.runner.holder = holder
    return digests, approvals


def subscribe(digests: Any) -> Any:
    sub, _ = digests.store.subscribe(ALL_PERSONAS, "CDIGEST", SEOUL_MONDAY_9, "UOWNER",
                                     utc_now().replace(year=2020))
    return sub


def test_a_digest_posts_with_marker_cards_and_chart(tmp_path: Path, slack: FakeSlack) -> None:
    digests, approvals = setup(tmp_path, slack)
    sub = subscribe(digests)
    period = last_fire(sub.schedule, utc_now())
    outcome = digests.runner.run_period(sub, period)
    assert outcome.status == "recorded"

    main, *cards = slack.calls_to("chat.postMessage")
    assert main.args["metadata"] == {"event_type": MARKER_EVENT, "event_payload": {
        "run_id": outcome.run_id, "part": 0, "period": period.isoformat()}}
    assert len(main.args["blocks"]) <= 50
    main_ts = digests.store.run(outcome.run_id).posted["0"]
    assert len(cards) == 2 and all(c.args["thread_ts"] == main_ts for c in cards)
    for card in cards:
        [draft_id] = draft_ids(card)
        request = approvals.get_request(approvals.get_draft(draft_id).request_id)
        assert request.kind == "digest" and request.message_channel == "CDIGEST"
        actions = [b for b in card.args["blocks"] if b["type"] == "actions"][0]
        assert {e["action_id"] for e in actions["elements"]} >= {blocks.ACTION_APPROVE, blocks.ACTION_REJECT}

    [complete] = slack.calls_to("files.completeUploadExternal")
    assert complete.args["thread_ts"] == main_ts and complete.args["channel_id"] == "CDIGEST"
    [upload] = slack.uploads.values()
    assert upload.startswith(b"\x89PNG")
    assert digests.store.run(outcome.run_id).chart_file_id == complete.args["files"][0]["id"]


def test_restart_after_a_crash_finds_posted_parts_by_their_marker(tmp_path: Path, slack: FakeSlack) -> None:
    digests, _ = setup(tmp_path, slack, holder="A")
    sub = subscribe(digests)
    period = last_fire(sub.schedule, utc_now())
    real_post, posts = SlackPoster.post, []

    def post_then_die(self: SlackPoster, *args: Any) -> str:
        ts = real_post(self, *args)
        posts.append(ts)
        if len(posts) == 2:                  # the digest and one card are in Slack
            raise SimulatedCrash("process killed")
        return ts

    digests.runner.poster.post = post_then_die.__get__(digests.runner.poster)
    with pytest.raises(SimulatedCrash):
        digests.runner.run_period(sub, period)

    restarted, _ = setup(tmp_path, slack, holder="B")
    DigestStore.open(tmp_path / "bot.db").db.execute(     # ...and its claim has expired
        "UPDATE digest_runs SET claim_expires_at = ?", [iso(utc_now() - timedelta(minutes=1))])
    [outcome] = restarted.runner.resume_unfinished()
    assert outcome.status == "recorded"
    assert len(slack.calls_to("conversations.history")) == 1
    assert len(slack.calls_to("conversations.replies")) == 1
    parts = [c.args["metadata"]["event_payload"]["part"] for c in slack.calls_to("chat.postMessage")]
    assert parts == [0, 1, 2]                 # nothing posted twice, nothing lost
    assert restarted.store.run(outcome.run_id).posted == {
        "0": posts[0], "1": posts[1], "2": restarted.store.run(outcome.run_id).posted["2"]}


def test_an_archived_channel_is_recorded_and_the_subscriber_gets_a_dm(tmp_path: Path, slack: FakeSlack) -> None:
    digests, _ = setup(tmp_path, slack)
    sub = subscribe(digests)
    slack.script("chat.postMessage", FakeReply.error("is_archived"))
    outcome = digests.runner.run_period(sub, last_fire(sub.schedule, utc_now()))
    assert (outcome.status, outcome.detail) == ("failed", "is_archived")
    run = digests.store.run(outcome.run_id)
    assert (run.state, run.reason, run.next_attempt_at) == ("failed", "is_archived", None)
    dm = slack.wait_for("chat.postMessage", where=lambda c: c.args["channel"] == "UOWNER")[0]
    assert "is_archived" in dm.args["text"] and "unarchive" in dm.args["text"]
    assert run.notified_at is not None


def test_a_digest_card_is_approved_with_the_recommend_buttons(tmp_path: Path) -> None:
    harness = BotHarness(tmp_path).start()
    try:
        digests = harness.digests
        digests.composer.sources = FakeSources()
        digests.runner.render_chart = None       # the chart has its own test above
        sub = subscribe(digests)
        outcome = digests.runner.run_period(sub, last_fire(sub.schedule, utc_now()))
        assert outcome.status == "recorded"
        card = harness.slack.calls_to("chat.postMessage")[1]
        [draft_id] = draft_ids(card)
        ts = digests.store.run(outcome.run_id).posted["1"]
        response = harness.click(blocks.ACTION_APPROVE, draft_id, user_id=APPROVERS[0],
                                 channel_id="CDIGEST", message_ts=ts)
        assert response.status == 200
        harness.updates_of(ts)
        assert harness.store.get_draft(draft_id).status == "approved"
    finally:
        harness.stop()


@pytest.mark.skipif(not (paths.DEMO_MODEL_DIR / "model.json").exists(), reason="demo model not trained")
def test_the_real_all_persona_digest_renders_within_slack_limits(tmp_path: Path, slack: FakeSlack) -> None:
    settings = load_settings(db_path=tmp_path / "bot.db", slack_api_url=slack.api_url)
    approvals = Store.open(settings.db_path)
    digests = build_digests(build_wiring(settings, approvals),
                            WebClient(token=TOKEN, base_url=slack.api_url))
    digests.runner.render_chart = None
    sub = subscribe(digests)
    assert digests.runner.run_period(sub, last_fire(sub.schedule, utc_now())).status == "recorded"
    posts = slack.calls_to("chat.postMessage")
    assert len(posts) == 1 + 6                      # the digest, then one card per persona
    for call in posts:
        assert 1 <= len(call.args["blocks"]) <= 50 and len(call.args["text"]) <= 3000
        for raw in call.args["blocks"]:
            Block.parse(raw).validate_json()
    for card in posts[1:]:
        [draft_id] = draft_ids(card)
        assert approvals.get_draft(draft_id).provider == "offline"


def test_the_apps_scheduler_posts_a_due_digest_once_started(tmp_path: Path) -> None:
    """What `personabot serve` runs: the app's Digests started, a digest due 30 minutes ago."""
    harness = BotHarness(tmp_path).start()
    digests = harness.digests
    try:
        digests.composer.sources = FakeSources()
        digests.runner.render_chart = None
        now = utc_now()
        local = (now - timedelta(minutes=30)).astimezone(ZoneInfo("Asia/Seoul"))
        schedule = Schedule(local.weekday(), local.hour, local.minute, "Asia/Seoul")
        sub, _ = digests.store.subscribe("all", "CDIGEST", schedule, "UOWNER", now - timedelta(days=1))
        digests.start()
        harness.slack.wait_for("chat.postMessage", count=3, timeout=20,
                               where=lambda c: c.args.get("channel") == "CDIGEST")
    finally:
        digests.shutdown()
        harness.stop()
    [run] = digests.store.runs(sub.id)
    assert run.state == "recorded" and run.period == iso(last_fire(schedule, now))
    assert len(harness.slack.calls_to("chat.postMessage")) == 3
