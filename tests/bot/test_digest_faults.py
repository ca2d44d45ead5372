"""Issue 12, digest side: Slack's own retries, chart re-uploads, a locked database at the
scheduled minute, dead holders, forced runs, shutdown hand-back and escaped reasons.

Each test drives the real runner against the loopback fake Slack (or the in-memory poster)
with an injected clock; what is asserted is what a channel or ``digest status`` would show.
"""

from __future__ import annotations

import socket
import sqlite3
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any, Iterator

import pytest

from bot.slack.app import make_client
from bot.store.db import connect
from bot.digests.store import ALL_PERSONAS, DigestStore
from bot.digests.compose import DigestComposer
from bot.digests.scheduler import (
    CLAIM_TTL,
    HANDED_BACK,
    MARKER_EVENT,
    DigestRunner,
    DigestScheduler,
    SlackPoster,
    build_digests,
    chart_filename,
)
from bot.settings import load_settings
from bot.store.approvals import Store
from bot.wiring import build_wiring
from tests.bot._digest_helpers import (
    SEOUL_MONDAY_9,
    Clock,
    FakePoster,
    FakeSources,
    SimulatedCrash,
    utc,
)
from tests.fakes.fake_slack import FakeReply, FakeSlack

TOKEN = "xoxb-faults"
PERIOD = utc(2026, 11, 30, 0, 0)  # Monday 09:00 in Seoul


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack(token=TOKEN) as fake:
        yield fake


def slack_digests(tmp_path: Path, slack: FakeSlack, clock: Clock, holder: str = "A") -> Any:
    """The digest feature as ``serve`` wires it: the app's client, with its 5xx and
    connection-error retry handlers, handed to the digest poster."""
    settings = load_settings(db_path=tmp_path / "bot.db", slack_api_url=slack.api_url,
                             slack_bot_token=TOKEN)
    digests = build_digests(build_wiring(settings, Store.open(settings.db_path)), make_client(settings),
                            sources=FakeSources(), clock=clock)
    digests.runner.holder = holder
    return digests


def digest_posts(slack: FakeSlack) -> list[tuple[int, int]]:
    """(run, part) of every digest message in the fake workspace, duplicates included."""
    found = []
    for message in slack.messages.values():
        meta = message.get("metadata") or {}
        if meta.get("event_type") == MARKER_EVENT:
            found.append((meta["event_payload"]["run_id"], meta["event_payload"]["part"]))
    return sorted(found)


@pytest.mark.parametrize("failure", [FakeReply.server_error(500), FakeReply.dropped()],
                         ids=["500-after-posting", "connection-dropped-after-posting"])
def test_slack_answering_badly_after_posting_never_doubles_a_part(
    tmp_path: Path, slack: FakeSlack, failure: FakeReply
) -> None:
    clock = Clock(PERIOD + timedelta(seconds=5))
    digests = slack_digests(tmp_path, slack, clock)
    sub, _ = digests.store.subscribe(ALL_PERSONAS, "CDIG", SEOUL_MONDAY_9, "UOWNER", utc(2026, 11, 1))
    slack.script_after("chat.postMessage", failure)   # the first post lands, its answer does not

    first = digests.runner.run_period(sub, PERIOD)
    assert first.status == "failed" and "retry at" in first.detail
    assert len(slack.calls_to("chat.postMessage")) == 1  # the client did not re-send on its own
    run = digests.store.run(first.run_id)
    assert run.status(clock()) == "retry pending" and run.attempts == 1

    clock.advance(minutes=2)
    [second] = digests.runner.resume_unfinished()
    assert second.status == "recorded"
    parts = digest_posts(slack)
    assert parts == sorted(set(parts)) and len(parts) == 3  # digest + 2 cards, each once


def test_the_poster_keeps_only_rate_limit_retries_whatever_client_it_gets(slack: FakeSlack) -> None:
    settings = load_settings(slack_api_url=slack.api_url, slack_bot_token=TOKEN)
    app_client = make_client(settings)
    assert len(app_client.retry_handlers) == 3
    poster = SlackPoster(app_client)
    assert [type(h).__name__ for h in poster.client.retry_handlers] == ["RateLimitErrorRetryHandler"]
    assert [type(h).__name__ for h in make_client(settings, posting=True).retry_handlers] == [
        "RateLimitErrorRetryHandler"]
    slack.script("chat.postMessage", FakeReply.rate_limited(0))     # 429: Slack did nothing
    assert poster.post("C1", {"text": "hi"}, {"run_id": 1, "part": 0}, None)
    assert len(slack.messages) == 1


def test_a_crash_after_the_chart_upload_does_not_upload_it_again(tmp_path: Path, slack: FakeSlack) -> None:
    clock = Clock(PERIOD + timedelta(seconds=5))
    digests = slack_digests(tmp_path, slack, clock)
    sub, _ = digests.store.subscribe(ALL_PERSONAS, "CDIG", SEOUL_MONDAY_9, "UOWNER", utc(2026, 11, 1))
    poster = digests.runner.poster
    real_upload = poster.upload_chart

    def upload_then_die(*args: Any) -> str | None:
        real_upload(*args)
        raise SimulatedCrash("killed after files.completeUploadExternal")

    poster.upload_chart = upload_then_die
    with pytest.raises(SimulatedCrash):
        digests.runner.run_period(sub, PERIOD)
    [complete] = slack.calls_to("files.completeUploadExternal")

    restarted = slack_digests(tmp_path, slack, clock, holder="B")
    clock.advance(seconds=CLAIM_TTL.total_seconds() + 60)
    [outcome] = restarted.runner.resume_unfinished()
    assert outcome.status == "recorded"
    assert len(slack.calls_to("files.completeUploadExternal")) == 1
    assert len(slack.uploads) == 1
    run = restarted.store.run(outcome.run_id)
    assert run.chart_file_id == complete.args["files"][0]["id"]
    assert len(digest_posts(slack)) == 3


def test_a_proxy_html_error_is_stored_and_told_as_one_escaped_line(tmp_path: Path, slack: FakeSlack) -> None:
    clock = Clock(PERIOD + timedelta(seconds=5))
    digests = slack_digests(tmp_path, slack, clock)
    digests.runner.backoff = ()           # one attempt: the failure is final at once
    digests.runner.max_attempts = 1
    sub, _ = digests.store.subscribe(ALL_PERSONAS, "CDIG", SEOUL_MONDAY_9, "UOWNER", utc(2026, 11, 1))
    slack.script("chat.postMessage", FakeReply.html_error(502))
    outcome = digests.runner.run_period(sub, PERIOD)
    run = digests.store.run(outcome.run_id)
    assert run.reason == "http_502: 502 Bad Gateway"
    assert run.status(clock()) == "failed"
    [dm] = [c for c in slack.calls_to("chat.postMessage") if c.args["channel"] == "UOWNER"]
    assert "<html" not in dm.args["text"] and "502 Bad Gateway" in dm.args["text"]


# -- the database is locked at the scheduled minute ------------------------------------


def test_a_write_lock_at_the_scheduled_minute_leaves_a_row_and_is_retried(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    clock, poster = Clock(PERIOD + timedelta(seconds=1)), FakePoster()
    setup = DigestStore.open(path)
    setup.subscribe(ALL_PERSONAS, "C1", SEOUL_MONDAY_9, "U1", utc(2026, 11, 1))
    store = DigestStore(connect(path, busy_timeout_s=0.2))
    runner = DigestRunner(store, poster, DigestComposer(FakeSources()), clock=clock, holder="A")
    scheduler = DigestScheduler(store, runner, clock=clock)

    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")                    # a backup or a stuck shell
    outcome = scheduler.run_subscription(1)
    assert outcome.status == "failed" and "database is locked" in outcome.detail
    assert scheduler.maintain() == [] and scheduler.health()[0] is False
    blocker.execute("ROLLBACK")

    clock.advance(seconds=30)
    assert scheduler.maintain() == []                     # the row is written, retry not due
    [run] = store.runs()
    assert (run.status(clock()), run.attempts) == ("retry pending", 1)
    assert "database is locked" in run.reason
    clock.advance(minutes=1)
    [done] = scheduler.maintain()
    assert done.status == "recorded" and len(poster.messages("C1")) == 1


def test_a_due_period_without_any_row_is_caught_up_by_the_maintenance_pass(tmp_path: Path) -> None:
    """The job never ran (or died before writing): the next pass runs it within the grace."""
    path = tmp_path / "bot.db"
    clock, poster = Clock(PERIOD + timedelta(minutes=3)), FakePoster()
    store = DigestStore.open(path)
    store.subscribe(ALL_PERSONAS, "C1", SEOUL_MONDAY_9, "U1", utc(2026, 11, 1))
    runner = DigestRunner(store, poster, DigestComposer(FakeSources()), clock=clock, holder="A")
    [outcome] = DigestScheduler(store, runner, clock=clock).maintain()
    assert outcome.status == "recorded" and len(poster.messages("C1")) == 1


# -- dead holders, forced runs ---------------------------------------------------------


def dead_holder() -> str:
    """The holder id of a process on this host that has exited."""
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    return f"{socket.gethostname()}:{int(proc.stdout)}:deadbeef"


def test_a_dead_holders_claim_and_lease_are_taken_over_at_once(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    clock, poster = Clock(PERIOD + timedelta(seconds=5)), FakePoster()
    store = DigestStore.open(path)
    sub, _ = store.subscribe(ALL_PERSONAS, "C1", SEOUL_MONDAY_9, "U1", utc(2026, 11, 1))
    gone = dead_holder()
    assert store.claim(sub.id, PERIOD, gone, clock(), CLAIM_TTL, 4).ok
    assert store.acquire_lease(gone, clock(), timedelta(seconds=90))

    runner = DigestRunner(DigestStore.open(path), poster, DigestComposer(FakeSources()), clock=clock)
    scheduler = DigestScheduler(runner.store, runner, clock=clock)
    assert scheduler.store.acquire_lease(runner.holder, clock(), timedelta(seconds=90))
    [outcome] = scheduler.maintain()                 # no waiting for the 2-minute claim TTL
    assert outcome.status == "recorded" and len(poster.messages("C1")) == 1


def test_a_claim_on_another_host_waits_for_its_ttl_unless_forced(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    clock, poster = Clock(PERIOD + timedelta(seconds=5)), FakePoster()
    store = DigestStore.open(path)
    sub, _ = store.subscribe(ALL_PERSONAS, "C1", SEOUL_MONDAY_9, "U1", utc(2026, 11, 1))
    store.claim(sub.id, PERIOD, "other-host:4242:cafe", clock(), CLAIM_TTL, 4)
    runner = DigestRunner(store, poster, DigestComposer(FakeSources()), clock=clock, holder="B")
    assert runner.resume_unfinished() == []
    skipped = runner.run_period(sub, PERIOD)
    assert skipped.status == "skipped" and "other-host:4242:cafe" in skipped.detail
    forced = runner.run_period(sub, PERIOD, force=True)
    assert forced.status == "recorded" and len(poster.messages("C1")) == 1
    assert runner.run_period(sub, PERIOD, force=True).detail == "already posted"


def test_a_frozen_holder_that_wakes_up_does_not_post_after_a_takeover(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    clock, poster = Clock(PERIOD + timedelta(seconds=5)), FakePoster()
    store = DigestStore.open(path)
    sub, _ = store.subscribe(ALL_PERSONAS, "C1", SEOUL_MONDAY_9, "U1", utc(2026, 11, 1))
    woke = threading.Event()
    taken = threading.Event()

    def slow_compose(*args: Any) -> dict[str, Any]:
        woke.set()
        taken.wait(10)                              # frozen while composing
        stale = FakeSources(ranking={"Dry_Moisture": ["P7", "P8"], "Oily_Pores": ["P9"]})
        return DigestComposer(stale)(*args)

    frozen = DigestRunner(DigestStore.open(path), poster, slow_compose, clock=clock, holder="A",
                          heartbeat_every=timedelta(hours=1))
    result: list[Any] = []
    thread = threading.Thread(target=lambda: result.append(frozen.run_period(sub, PERIOD)))
    thread.start()
    assert woke.wait(10), "the frozen runner never started composing"
    clock.advance(seconds=CLAIM_TTL.total_seconds() + 1)
    other = DigestRunner(DigestStore.open(path), poster, DigestComposer(FakeSources()),
                         clock=clock, holder="B")
    [outcome] = other.resume_unfinished()
    assert outcome.status == "recorded"
    taken.set()
    thread.join(10)
    assert result[0].status == "skipped" and "taken over" in result[0].detail
    assert len(poster.messages("C1")) == 1
    run = store.run_for(sub.id, PERIOD)          # what B posted is what stays recorded
    assert run.payload["messages"][0]["text"] == poster.messages("C1")[0]["text"]
    assert run.holder == "B" and run.state == "recorded"


# -- shutdown hands the in-flight digest back ------------------------------------------


class GatedPoster(FakePoster):
    """Holds the first post until the test lets it go (a slow Slack during a deploy)."""

    def __init__(self) -> None:
        super().__init__()
        self.in_post = threading.Event()
        self.release = threading.Event()

    def post(self, *args: Any) -> str:
        if not self.in_post.is_set():
            self.in_post.set()
            self.release.wait(10)
        return super().post(*args)


def test_stopping_mid_digest_hands_it_back_and_the_next_process_finishes_it(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    clock, poster = Clock(PERIOD + timedelta(seconds=5)), GatedPoster()
    store = DigestStore.open(path)
    sub, _ = store.subscribe(ALL_PERSONAS, "C1", SEOUL_MONDAY_9, "U1", utc(2026, 11, 1))
    approvals = Store.open(path)
    composer = DigestComposer(FakeSources(), approvals=approvals,
                              render_request=lambda rid: {"text": rid, "blocks": []})
    old = DigestRunner(DigestStore.open(path), poster, composer, clock=clock, holder="A")
    result: list[Any] = []
    thread = threading.Thread(target=lambda: result.append(old.run_period(sub, PERIOD)))
    thread.start()
    assert poster.in_post.wait(10)

    stopper = threading.Thread(target=old.stop, args=(timedelta(seconds=10),))
    stopper.start()
    poster.release.set()                              # the post in flight completes...
    thread.join(10)
    stopper.join(10)
    assert result[0].status == "handed back"          # ...and nothing more is posted
    assert len(poster.messages("C1")) == 1
    run = store.run_for(sub.id, PERIOD)
    assert (run.state, run.holder, run.attempts, run.reason) == ("claimed", None, 0, HANDED_BACK)
    assert run.status(clock()) == "stale"

    new = DigestRunner(DigestStore.open(path), poster, composer, clock=clock, holder="B")
    [outcome] = new.resume_unfinished()               # at once: no claim TTL to wait out
    assert outcome.status == "recorded"
    parts = [m["metadata"]["part"] for m in poster.messages("C1")]
    assert sorted(parts) == [0, 1, 2]


def test_a_run_still_composing_after_the_grace_is_handed_back_and_never_posts(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    clock, poster = Clock(PERIOD + timedelta(seconds=5)), FakePoster()
    store = DigestStore.open(path)
    sub, _ = store.subscribe(ALL_PERSONAS, "C1", SEOUL_MONDAY_9, "U1", utc(2026, 11, 1))
    composing, finish = threading.Event(), threading.Event()

    def slow_llm(*args: Any) -> dict[str, Any]:
        composing.set()
        finish.wait(10)
        return DigestComposer(FakeSources())(*args)

    runner = DigestRunner(DigestStore.open(path), poster, slow_llm, clock=clock, holder="A")
    result: list[Any] = []
    thread = threading.Thread(target=lambda: result.append(runner.run_period(sub, PERIOD)))
    thread.start()
    assert composing.wait(10)
    [handed] = runner.stop(timedelta(milliseconds=50))
    finish.set()
    thread.join(10)
    assert result[0].status == "handed back" and poster.post_calls == 0
    assert store.run(handed).holder is None
    assert runner.run_period(sub, PERIOD).detail == "shutting down"
