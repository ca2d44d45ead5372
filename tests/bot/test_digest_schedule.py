"""Trigger times from fixed datetimes, in Asia/Seoul and across DST changes."""

from __future__ import annotations

from datetime import timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger

from bot.digests.store import Schedule
from bot.digests.scheduler import last_fire, local_label, next_fire
from tests.bot._digest_helpers import SEOUL_MONDAY_9, utc


def test_seoul_monday_nine_is_midnight_utc() -> None:
    now = utc(2026, 11, 24, 3, 44)  # Tuesday
    assert next_fire(SEOUL_MONDAY_9, now) == utc(2026, 11, 30, 0, 0)
    assert last_fire(SEOUL_MONDAY_9, now) == utc(2026, 11, 23, 0, 0)


def test_exact_fire_time_belongs_to_its_own_period() -> None:
    at = utc(2026, 11, 30, 0, 0)
    assert last_fire(SEOUL_MONDAY_9, at) == at
    assert next_fire(SEOUL_MONDAY_9, at) == at + timedelta(days=7)
    assert last_fire(SEOUL_MONDAY_9, at - timedelta(seconds=1)) == at - timedelta(days=7)


def test_new_york_week_crossing_spring_forward_keeps_nine_local() -> None:
    schedule = Schedule(weekday=0, hour=9, minute=0, timezone="America/New_York")
    before = next_fire(schedule, utc(2026, 3, 1, 12))       # Sunday before, EST
    after = next_fire(schedule, before)                      # DST starts Sun 8 March
    assert before == utc(2026, 3, 2, 14, 0)                  # 09:00 EST = UTC-5
    assert after == utc(2026, 3, 9, 13, 0)                   # 09:00 EDT = UTC-4
    assert after - before == timedelta(days=7, hours=-1)
    assert after.astimezone(ZoneInfo("America/New_York")).hour == 9


def test_berlin_week_crossing_fall_back_keeps_nine_local() -> None:
    schedule = Schedule(weekday=0, hour=9, minute=0, timezone="Europe/Berlin")
    before = next_fire(schedule, utc(2026, 10, 18, 12))
    after = next_fire(schedule, before)                      # DST ends Sun 25 October
    assert (before, after) == (utc(2026, 10, 19, 7, 0), utc(2026, 10, 26, 8, 0))
    assert last_fire(schedule, utc(2026, 10, 26, 7, 59)) == before


@pytest.mark.parametrize(
    "schedule",
    [
        SEOUL_MONDAY_9,
        Schedule(0, 9, 0, "America/New_York"),
        Schedule(6, 2, 30, "America/New_York"),  # a Sunday slot that does not exist on 8 March
        Schedule(6, 2, 30, "Europe/Berlin"),     # and one that happens twice on 25 October
        Schedule(4, 18, 15, "Europe/Berlin"),
    ],
)
def test_agrees_with_apscheduler_cron_trigger_for_a_year(schedule: Schedule) -> None:
    """Every APScheduler fire time maps to one of our periods, and every period fires.

    APScheduler fires twice when the wall-clock time happens twice (fall back); both
    fires map to the same period, so the second finds the period already claimed.
    """
    trigger = CronTrigger(day_of_week=schedule.weekday, hour=schedule.hour,
                          minute=schedule.minute, timezone=ZoneInfo(schedule.timezone))
    start, end = utc(2026, 1, 1), utc(2027, 1, 1)
    ours, moment = [], start
    while (moment := next_fire(schedule, moment)) < end:
        ours.append(moment)
    periods, fire = [], trigger.get_next_fire_time(None, start)
    while fire.astimezone(timezone.utc) < end:
        period = last_fire(schedule, fire.astimezone(timezone.utc))
        if not periods or periods[-1] != period:
            periods.append(period)
        fire = trigger.get_next_fire_time(fire, fire.astimezone(timezone.utc) + timedelta(microseconds=1))
    assert periods == ours
    assert len(ours) == 52 or len(ours) == 53


def test_local_label_names_the_zone() -> None:
    assert local_label(utc(2026, 11, 30, 0, 0), "Asia/Seoul") == "Mon 2026-11-30 09:00 KST"
