"""Issue 12 case 5: weekly digests across DST changes, in the zones a team may pick.

APScheduler 3.11's ``CronTrigger`` skips a week at New York's spring-forward for Monday
00:00 and 00:30 slots (asked after 2026-03-02 00:00 EST it answers 2026-03-16) while
``digest status`` printed 03-09. The scheduler's job now uses :class:`WeeklyTrigger`, the
same calendar math ``digest status`` prints, so these walk the job's own trigger the way a
long-running process does: each next fire asked right after the previous one.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.digests.store import ALL_PERSONAS, DigestStore, Schedule
from bot.digests.compose import DigestComposer
from bot.digests.scheduler import DigestRunner, DigestScheduler, WeeklyTrigger, next_fire
from tests.bot._digest_helpers import Clock, FakePoster, FakeSources, utc

ZONES = ("Asia/Seoul", "America/New_York", "Europe/London", "Australia/Lord_Howe")
# Slots around the usual change times (02:00 local, Lord Howe's 30-minute shift at 02:00),
# midnight (the reported skip) and an ordinary morning.
SLOTS = [(0, 0, 0), (0, 0, 30), (6, 1, 30), (6, 2, 0), (6, 2, 15), (6, 2, 30), (0, 9, 0)]


def job_fires(trigger: WeeklyTrigger, start: datetime, end: datetime) -> list[datetime]:
    """Fire times as APScheduler asks for them in a process that keeps running."""
    fires, previous = [], None
    now = start
    while True:
        fire = trigger.get_next_fire_time(previous, now)
        if fire.astimezone(timezone.utc) >= end:
            return fires
        fires.append(fire)
        previous, now = fire, fire + timedelta(seconds=1)


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize(("weekday", "hour", "minute"), SLOTS)
def test_every_local_week_fires_exactly_once_for_two_years(
    zone: str, weekday: int, hour: int, minute: int
) -> None:
    schedule = Schedule(weekday, hour, minute, zone)
    fires = job_fires(WeeklyTrigger(schedule), utc(2026, 1, 1), utc(2028, 1, 1))
    local_days = [f.astimezone(ZoneInfo(zone)).date() for f in fires]
    assert all(day.weekday() == weekday for day in local_days)
    assert all(b - a == timedelta(days=7) for a, b in zip(local_days, local_days[1:]))  # no skip, no double
    first = date(2026, 1, 1) + timedelta(days=(weekday - date(2026, 1, 1).weekday()) % 7)
    assert local_days[0] == first and len(fires) in (104, 105)
    for fire in fires:  # the wall-clock time, or the first real minute after a skipped one
        local = fire.astimezone(ZoneInfo(zone))
        wanted = local.replace(hour=hour, minute=minute)
        assert timedelta(0) <= local.replace(tzinfo=None) - wanted.replace(tzinfo=None) <= timedelta(hours=1)
    utc_fires = [f.astimezone(timezone.utc) for f in fires]
    assert all(timedelta(days=7, hours=-1) <= b - a <= timedelta(days=7, hours=1)
               for a, b in zip(utc_fires, utc_fires[1:]))


@pytest.mark.parametrize("minute", [0, 30])
def test_new_york_monday_midnight_after_2_march_is_9_march(minute: int) -> None:
    schedule = Schedule(0, 0, minute, "America/New_York")
    ny = ZoneInfo("America/New_York")
    previous = datetime(2026, 3, 2, 0, minute, tzinfo=ny)
    fire = WeeklyTrigger(schedule).get_next_fire_time(previous, previous + timedelta(seconds=1))
    assert fire == datetime(2026, 3, 9, 0, minute, tzinfo=ny)
    assert fire == next_fire(schedule, previous)      # what `digest status` prints


def test_the_scheduler_job_uses_the_weekly_trigger_and_status_agrees(tmp_path: Path) -> None:
    clock = Clock(utc(2026, 3, 2, 5, 0, 30))          # 00:00:30 EST, just after a fire
    store = DigestStore.open(tmp_path / "bot.db")
    schedule = Schedule(0, 0, 0, "America/New_York")
    store.subscribe(ALL_PERSONAS, "C1", schedule, "U1", utc(2026, 1, 1))
    runner = DigestRunner(store, FakePoster(), DigestComposer(FakeSources()), clock=clock, holder="A")
    scheduler = DigestScheduler(store, runner, clock=clock)
    scheduler.start(paused=True)
    try:
        job = scheduler.scheduler.get_job("digest-1")
        assert isinstance(job.trigger, WeeklyTrigger)
        fire = job.trigger.get_next_fire_time(datetime(2026, 3, 2, 5, tzinfo=timezone.utc), clock())
        assert fire.astimezone(timezone.utc) == next_fire(schedule, clock()) == utc(2026, 3, 9, 4, 0)
    finally:
        scheduler.shutdown()
