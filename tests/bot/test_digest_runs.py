"""One post per (subscription, period): repeats, crashes, restarts, failures and retries."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.digests.store import ALL_PERSONAS, DigestStore, Subscription
from bot.digests.compose import DigestComposer
from bot.digests.scheduler import CLAIM_TTL, DigestRunner
from bot.store.approvals import Store
from tests.bot._digest_helpers import (
    SEOUL_MONDAY_9,
    Clock,
    FakePoster,
    FakeSources,
    SimulatedCrash,
    open_store,
    utc,
)

PERIOD = utc(2026, 11, 30, 0, 0)  # Monday 09:00 in Seoul


class Setup:
    def __init__(self, tmp_path: Path) -> None:
        self.path = tmp_path / "bot.db"
        self.clock = Clock(PERIOD + timedelta(seconds=5))
        self.poster = FakePoster()
        self.sources = FakeSources()
        self.store = DigestStore.open(self.path)
        self.sub, _ = self.store.subscribe(ALL_PERSONAS, "C1", SEOUL_MONDAY_9, "U1", utc(2026, 11, 1))

    def runner(self, holder: str = "A", **kwargs: Any) -> DigestRunner:
        """A runner as a fresh process would build it: its own connection to the file."""
        kwargs.setdefault("compose", DigestComposer(self.sources))
        return DigestRunner(DigestStore.open(self.path), self.poster, clock=self.clock,
                            holder=holder, render_chart=lambda data: b"\x89PNG", **kwargs)

    def run(self) -> Any:
        return self.store.run_for(self.sub.id, PERIOD)


@pytest.fixture
def env(tmp_path: Path) -> Setup:
    return Setup(tmp_path)


def test_a_run_executed_twice_for_the_same_period_posts_once(env: Setup) -> None:
    runner = env.runner()
    first = runner.run_period(env.sub, PERIOD)
    second = runner.run_period(env.sub, PERIOD)
    other_process = env.runner("B").run_period(env.sub, PERIOD)
    assert first.status == "recorded"
    assert (second.status, second.detail) == ("skipped", "already posted")
    assert (other_process.status, other_process.detail) == ("skipped", "already posted")
    assert len(env.poster.messages("C1")) == 1
    assert env.poster.messages("C1")[0]["metadata"] == {
        "run_id": first.run_id, "part": 0, "period": PERIOD.isoformat()}
    assert len(env.poster.charts) == 1
    run = env.run()
    assert (run.state, run.attempts, run.chart_file_id) == ("recorded", 1, "F1")


def test_a_claimed_period_is_left_alone_while_its_claim_is_live(env: Setup) -> None:
    env.store.claim(env.sub.id, PERIOD, "A", env.clock(), timedelta(minutes=5), 4)
    outcome = env.runner("B").run_period(env.sub, PERIOD)
    assert outcome.status == "skipped" and outcome.detail.startswith("in progress (held by A until")
    assert env.poster.post_calls == 0


def test_crash_between_posting_and_recording_then_restart_posts_once(env: Setup) -> None:
    env.poster.crash_after_posts = 1
    with pytest.raises(SimulatedCrash):
        env.runner("A").run_period(env.sub, PERIOD)
    assert env.run().state == "claimed" and env.run().posted == {}
    crashed_ts = env.poster.messages("C1")[0]["ts"]

    restarted = env.runner("B")
    assert restarted.resume_unfinished() == []          # the claim is still live
    env.clock.advance(seconds=CLAIM_TTL.total_seconds() + 60)                        # ...and now it has expired
    [outcome] = restarted.resume_unfinished()
    assert outcome.status == "recorded"
    assert len(env.poster.messages("C1")) == 1          # found by its marker, not reposted
    run = env.run()
    assert (run.state, run.posted, run.attempts) == ("recorded", {"0": crashed_ts}, 2)
    assert restarted.resume_unfinished() == []


def test_crash_in_the_recorder_then_restart_records_without_reposting(env: Setup) -> None:
    def crashing_recorder(*_: Any) -> None:
        raise SimulatedCrash("killed while recording")

    with pytest.raises(SimulatedCrash):
        env.runner("A", on_posted=crashing_recorder).run_period(env.sub, PERIOD)
    assert env.run().state == "posted"

    recorded: list[dict[str, str]] = []
    restarted = env.runner("B", on_posted=lambda sub, run, payload, posted: recorded.append(posted))
    env.clock.advance(seconds=CLAIM_TTL.total_seconds() + 60)
    [outcome] = restarted.resume_unfinished()
    assert outcome.status == "recorded"
    assert env.poster.post_calls == 1
    assert recorded == [{"0": env.poster.messages("C1")[0]["ts"]}]


def test_a_recorder_error_keeps_the_run_posted_until_a_later_pass_records_it(env: Setup) -> None:
    calls = []

    def flaky(*_: Any) -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database is locked")

    runner = env.runner(on_posted=flaky)
    assert runner.run_period(env.sub, PERIOD).status == "posted"
    env.clock.advance(seconds=CLAIM_TTL.total_seconds() + 60)
    assert [o.status for o in runner.resume_unfinished()] == ["recorded"]
    assert env.poster.post_calls == 1 and len(calls) == 2


def test_crash_midway_through_a_multi_part_digest_posts_each_part_once(env: Setup) -> None:
    approvals = Store.open(env.path)
    composer = DigestComposer(
        env.sources, approvals=approvals,
        render_request=lambda rid: {"text": f"draft {rid}", "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": f"card {rid}"}}]},
    )
    env.poster.crash_after_posts = 2                    # digest + first card, then death
    with pytest.raises(SimulatedCrash):
        env.runner("A", compose=composer, on_posted=composer.on_posted).run_period(env.sub, PERIOD)
    env.clock.advance(seconds=CLAIM_TTL.total_seconds() + 60)
    [outcome] = env.runner("B", compose=composer, on_posted=composer.on_posted).resume_unfinished()
    assert outcome.status == "recorded"

    messages = env.poster.messages("C1")
    assert [m["metadata"]["part"] for m in messages] == [0, 1, 2]
    assert [m["thread_ts"] for m in messages] == [None, messages[0]["ts"], messages[0]["ts"]]
    # One request per persona, each tied to the card that shows its buttons.
    requests = {m["text"].split()[-1]: m["ts"] for m in messages[1:]}
    assert len(requests) == 2
    for request_id, ts in requests.items():
        record = approvals.get_request(request_id)
        assert (record.kind, record.message_ts, record.status) == ("digest", ts, "posted")
        assert len(approvals.drafts_for(request_id)) == 1


def test_a_transient_slack_error_is_retried_after_backoff(env: Setup) -> None:
    env.poster.errors["C1"] = ["ratelimited"]
    runner = env.runner()
    outcome = runner.run_period(env.sub, PERIOD)
    assert outcome.status == "failed" and "retry at" in outcome.detail
    run = env.run()
    assert (run.state, run.reason, run.attempts) == ("failed", "ratelimited", 1)
    assert run.next_attempt_at == (env.clock() + timedelta(minutes=1)).isoformat(timespec="seconds")

    assert runner.resume_unfinished() == []             # not due yet
    env.clock.advance(minutes=1)
    assert [o.status for o in runner.resume_unfinished()] == ["recorded"]
    assert len(env.poster.messages("C1")) == 1 and env.run().attempts == 2
    assert env.poster.notices == []


def test_retries_are_bounded_and_the_subscriber_is_told(env: Setup) -> None:
    env.poster.errors["C1"] = ["internal_error"] * 10
    runner = env.runner()
    runner.run_period(env.sub, PERIOD)
    for minutes in (1, 5, 15):
        env.clock.advance(minutes=minutes)
        assert [o.status for o in runner.resume_unfinished()] == ["failed"]
    env.clock.advance(hours=2)
    assert runner.resume_unfinished() == []
    assert runner.run_period(env.sub, PERIOD).detail == "failed for good"
    run = env.run()
    assert (run.state, run.attempts, run.next_attempt_at) == ("failed", 4, None)
    assert env.poster.post_calls == 4
    [(user, text)] = env.poster.notices
    assert user == "U1" and "internal_error" in text and "4 attempt" in text
    assert run.notified_at is not None


def test_an_archived_channel_is_recorded_and_reported_without_retrying(env: Setup) -> None:
    env.poster.errors["C1"] = ["is_archived"]
    runner = env.runner()
    outcome = runner.run_period(env.sub, PERIOD)
    assert (outcome.status, outcome.detail) == ("failed", "is_archived")
    run = env.run()
    assert (run.state, run.reason, run.next_attempt_at) == ("failed", "is_archived", None)
    [(user, text)] = env.poster.notices
    assert user == "U1" and "archived" in text and f"#{env.sub.id}" in text
    env.clock.advance(hours=1)
    assert runner.resume_unfinished() == []
    assert env.poster.post_calls == 1


def test_a_failed_period_can_be_reopened_once_the_channel_is_fixed(env: Setup) -> None:
    env.poster.errors["C1"] = ["not_in_channel"]
    runner = env.runner()
    assert runner.run_period(env.sub, PERIOD).detail == "not_in_channel"
    assert runner.run_period(env.sub, PERIOD).detail == "failed for good"
    assert env.store.reopen(env.sub.id, PERIOD, env.clock()) is True   # after /invite
    assert runner.run_period(env.sub, PERIOD).status == "recorded"
    assert len(env.poster.messages("C1")) == 1
    assert env.store.reopen(env.sub.id, PERIOD, env.clock()) is False  # nothing left to reopen


def test_a_failing_composer_does_not_lose_the_period(env: Setup) -> None:
    calls = []

    def compose(sub: Subscription, period: Any, previous: Any) -> dict[str, Any]:
        calls.append(1)
        if len(calls) == 1:
            raise FileNotFoundError("model checkpoint missing")
        return DigestComposer(env.sources)(sub, period, previous)

    runner = env.runner(compose=compose)
    assert runner.run_period(env.sub, PERIOD).status == "failed"
    assert env.run().reason.startswith("compose: ")
    env.clock.advance(minutes=1)
    assert [o.status for o in runner.resume_unfinished()] == ["recorded"]


def test_next_digest_shows_what_changed_since_the_previous_one(env: Setup) -> None:
    runner = env.runner()
    runner.run_period(env.sub, PERIOD)
    first = env.poster.messages("C1")[0]["blocks"]
    assert "No earlier digest to compare with" in str(first)

    env.sources.ranking["Dry_Moisture"] = ["P2", "P9", "P1"]
    env.clock.advance(days=7)
    runner.run_period(env.sub, PERIOD + timedelta(days=7))
    text = str(env.poster.messages("C1")[1]["blocks"])
    assert "*Product P2* — Brand · ₩10,000  `▲1`" in text
    assert "*Product P9* — Brand · ₩20,000  `🆕`" in text
    assert "*Product P1* — Brand · ₩30,000  `▼2`" in text
    assert "Left the list: Product P3" in text
    assert "*Product P4* — Brand · ₩10,000  `=`" in text


def test_unsubscribing_stops_pending_retries(env: Setup) -> None:
    env.poster.errors["C1"] = ["ratelimited"]
    runner = env.runner()
    runner.run_period(env.sub, PERIOD)
    env.store.unsubscribe(env.sub.id, "U2", env.clock())
    env.clock.advance(minutes=1)
    assert runner.resume_unfinished() == []
    assert (env.run().state, env.run().reason, env.run().next_attempt_at) == ("failed", "unsubscribed", None)


def test_subscribe_is_idempotent_and_unsubscribe_keeps_history(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    sub, created = store.subscribe("Dry_Moisture", "C1", SEOUL_MONDAY_9, "U1", PERIOD)
    again, created_again = store.subscribe("Dry_Moisture", "C1", SEOUL_MONDAY_9, "U2", PERIOD)
    assert created and not created_again and again.id == sub.id
    assert [s.id for s in store.subscriptions("C1")] == [sub.id]
    assert store.unsubscribe(sub.id, "U1", PERIOD) is True
    assert store.unsubscribe(sub.id, "U1", PERIOD) is False
    assert store.subscriptions() == [] and store.subscription(sub.id).active is False
