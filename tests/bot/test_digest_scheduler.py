"""The APScheduler side: one leader via the lease, jobs rebuilt from the table, catch-up."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.digests.store import ALL_PERSONAS, DigestStore, Schedule
from bot.digests.compose import DigestComposer
from bot.digests.scheduler import DigestRunner, DigestScheduler, last_fire
from tests.bot._digest_helpers import SEOUL_MONDAY_9, Clock, FakePoster, FakeSources, utc

PERIOD = utc(2026, 11, 30, 0, 0)  # Monday 09:00 in Seoul


def make_scheduler(path: Path, holder: str, clock: Clock, poster: FakePoster) -> DigestScheduler:
    """What one ``personabot serve`` process builds: its own connection, runner and scheduler."""
    store = DigestStore.open(path)
    runner = DigestRunner(store, poster, DigestComposer(FakeSources()), clock=clock, holder=holder)
    return DigestScheduler(store, runner, clock=clock)


def test_lease_has_one_holder_until_it_expires(tmp_path: Path) -> None:
    a, b = DigestStore.open(tmp_path / "x.db"), DigestStore.open(tmp_path / "x.db")
    ttl, now = timedelta(seconds=90), PERIOD
    assert a.acquire_lease("A", now, ttl) is True
    assert b.acquire_lease("B", now + timedelta(seconds=60), ttl) is False
    assert a.acquire_lease("A", now + timedelta(seconds=60), ttl) is True      # renewed
    assert b.acquire_lease("B", now + timedelta(seconds=149), ttl) is False
    assert b.acquire_lease("B", now + timedelta(seconds=151), ttl) is True     # A went quiet
    assert a.acquire_lease("A", now + timedelta(seconds=160), ttl) is False
    b.release_lease("B")
    assert a.acquire_lease("A", now + timedelta(seconds=161), ttl) is True


def test_two_schedulers_sharing_the_database_run_each_job_once(tmp_path: Path) -> None:
    path, poster = tmp_path / "bot.db", FakePoster()
    clock = Clock(PERIOD - timedelta(days=1))
    DigestStore.open(path).subscribe(ALL_PERSONAS, "C1", SEOUL_MONDAY_9, "U1", clock())
    first = make_scheduler(path, "A", clock, poster)
    second = make_scheduler(path, "B", clock, poster)
    try:
        first.start(paused=True)
        second.start(paused=True)
        assert (first.is_leader, second.is_leader) == (True, False)
        assert first.scheduler.get_job("digest-1") is not None
        assert [j.id for j in second.scheduler.get_jobs()] == [DigestScheduler.LEASE_JOB]

        clock.now = PERIOD + timedelta(seconds=1)
        # Even if both processes fired the job, the period is posted once.
        outcomes = [first.run_subscription(1), second.run_subscription(1), first.run_subscription(1)]
        assert [o.status for o in outcomes] == ["recorded", "skipped", "skipped"]
        assert len(poster.messages("C1")) == 1

        # The leader stops; the standby takes the lease and the jobs on its next tick.
        first.shutdown()
        assert second.tick() is True
        assert second.scheduler.get_job("digest-1") is not None
    finally:
        first.shutdown()
        second.shutdown()


def test_a_leader_that_lost_the_lease_drops_its_jobs(tmp_path: Path) -> None:
    path, poster = tmp_path / "bot.db", FakePoster()
    clock = Clock(PERIOD - timedelta(days=1))
    DigestStore.open(path).subscribe("Dry_Moisture", "C1", SEOUL_MONDAY_9, "U1", clock())
    a = make_scheduler(path, "A", clock, poster)
    b = make_scheduler(path, "B", clock, poster)
    try:
        a.start(paused=True)
        clock.advance(minutes=5)             # A was frozen (e.g. a long GC, a laptop lid)
        b.start(paused=True)
        assert b.is_leader
        assert a.tick() is False
        assert [j.id for j in a.scheduler.get_jobs()] == [DigestScheduler.LEASE_JOB]
    finally:
        a.shutdown()
        b.shutdown()


def test_jobs_follow_the_table_with_explicit_ids_and_timezones(tmp_path: Path) -> None:
    path, poster = tmp_path / "bot.db", FakePoster()
    clock = Clock(PERIOD - timedelta(days=1))
    store = DigestStore.open(path)
    seoul, _ = store.subscribe("Dry_Moisture", "C1", SEOUL_MONDAY_9, "U1", clock())
    ny, _ = store.subscribe("all", "C2", Schedule(4, 17, 30, "America/New_York"), "U1", clock())
    scheduler = make_scheduler(path, "A", clock, poster)
    try:
        scheduler.start(paused=True)
        job = scheduler.scheduler.get_job(seoul.job_id)
        assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, 6 * 3600)
        assert str(job.trigger.timezone) == "Asia/Seoul"
        assert job.trigger.get_next_fire_time(None, clock()) == PERIOD
        ny_job = scheduler.scheduler.get_job(ny.job_id)
        assert ny_job.next_run_time.astimezone(ZoneInfo("America/New_York")).strftime("%a %H:%M") == "Fri 17:30"

        store.unsubscribe(ny.id, "U1", clock())
        scheduler.tick()
        assert scheduler.scheduler.get_job(ny.job_id) is None
        assert scheduler.scheduler.get_job(seoul.job_id) is not None
    finally:
        scheduler.shutdown()


def test_a_digest_missed_during_a_short_outage_runs_on_restart(tmp_path: Path) -> None:
    path, poster = tmp_path / "bot.db", FakePoster()
    store = DigestStore.open(path)
    sub, _ = store.subscribe(ALL_PERSONAS, "C1", SEOUL_MONDAY_9, "U1", PERIOD - timedelta(days=3))
    clock = Clock(PERIOD + timedelta(hours=2))          # the bot was down at 09:00, back at 11:00
    scheduler = make_scheduler(path, "A", clock, poster)
    try:
        scheduler.start(paused=True)
        assert scheduler.scheduler.get_job(sub.job_id).next_run_time == PERIOD  # due right away
        assert scheduler.run_subscription(sub.id).status == "recorded"
        assert store.run_for(sub.id, PERIOD).state == "recorded"
    finally:
        scheduler.shutdown()


def test_a_digest_missed_beyond_the_grace_or_before_subscribing_is_not_caught_up(tmp_path: Path) -> None:
    path, poster = tmp_path / "bot.db", FakePoster()
    store = DigestStore.open(path)
    old, _ = store.subscribe("Dry_Moisture", "C1", SEOUL_MONDAY_9, "U1", PERIOD - timedelta(days=3))
    late, _ = store.subscribe("Oily_Pores", "C1", SEOUL_MONDAY_9, "U1", PERIOD + timedelta(hours=1))
    scheduler = make_scheduler(path, "A", Clock(PERIOD + timedelta(hours=2)), poster)
    assert scheduler.missed_period(old, PERIOD + timedelta(hours=2)) == PERIOD
    assert scheduler.missed_period(late, PERIOD + timedelta(hours=2)) is None
    assert scheduler.run_subscription(late.id).detail == "before the subscription started"
    scheduler.clock = scheduler.runner.clock = Clock(PERIOD + timedelta(hours=7))
    assert scheduler.missed_period(old, PERIOD + timedelta(hours=7)) is None
    assert scheduler.run_subscription(old.id).detail == "missed beyond the grace period"
    assert poster.post_calls == 0
    # ...but it is not silent: the period is recorded and the subscriber told how to post it.
    run = store.run_for(old.id, PERIOD)
    assert (run.state, run.next_attempt_at) == ("failed", None) and run.reason.startswith("missed")
    [(user, text)] = poster.notices
    assert user == "U1" and f"personabot digest run --subscription {old.id}" in text


def test_a_restart_after_a_long_outage_reports_the_missed_digest_once(tmp_path: Path) -> None:
    path, poster = tmp_path / "bot.db", FakePoster()
    store = DigestStore.open(path)
    sub, _ = store.subscribe(ALL_PERSONAS, "C1", SEOUL_MONDAY_9, "U1", PERIOD - timedelta(days=3))
    clock = Clock(PERIOD + timedelta(hours=30))          # down all of Monday, back on Tuesday
    scheduler = make_scheduler(path, "A", clock, poster)
    try:
        scheduler.start(paused=True)
        assert scheduler.scheduler.get_job(sub.job_id) is not None   # the next Monday still runs
        assert store.run_for(sub.id, PERIOD).reason.startswith("missed")
        scheduler.scheduler.get_job(sub.job_id).remove()
        scheduler.tick()                                  # job rebuilt: no second report
        assert len(poster.notices) == 1 and poster.post_calls == 0
    finally:
        scheduler.shutdown()


class SignallingPoster(FakePoster):
    def __init__(self) -> None:
        super().__init__()
        self.posted = threading.Event()

    def post(self, *args: Any) -> str:
        ts = super().post(*args)
        self.posted.set()
        return ts


def test_the_background_scheduler_fires_a_missed_digest_by_itself(tmp_path: Path) -> None:
    """A real BackgroundScheduler and wall clock: the job for the slot an hour ago runs now."""
    path, poster = tmp_path / "bot.db", SignallingPoster()
    now = datetime.now(timezone.utc)
    local = (now - timedelta(hours=1)).astimezone(ZoneInfo("Asia/Seoul"))
    schedule = Schedule(local.weekday(), local.hour, local.minute, "Asia/Seoul")
    store = DigestStore.open(path)
    sub, _ = store.subscribe("Dry_Moisture", "C1", schedule, "U1", now - timedelta(days=1))
    store_b = DigestStore.open(path)
    scheduler = DigestScheduler(
        store_b, DigestRunner(store_b, poster, DigestComposer(FakeSources()), holder="A"))
    try:
        scheduler.start()
        assert poster.posted.wait(timeout=10)
    finally:
        scheduler.shutdown()
    run = store.run_for(sub.id, last_fire(schedule, now))
    assert run is not None and run.state == "recorded"
    assert len(poster.messages("C1")) == 1
