"""Test doubles for the digest tests: a settable clock, an in-memory Slack poster with
scriptable failures and crashes, and small fixed digest sources."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from bot.digests.store import DigestStore, Schedule
from bot.digests.compose import DigestDraft, DigestProduct, PersonaInfo
from bot.digests.scheduler import PostError
from recsys.profile import Profile

SEOUL_MONDAY_9 = Schedule(weekday=0, hour=9, minute=0, timezone="Asia/Seoul")


class Clock:
    """A clock tests move by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class SimulatedCrash(BaseException):
    """Stands for the process dying: not an ``Exception``, so nothing in the runner catches it."""


@dataclass
class FakePoster:
    """Keeps posted messages per channel like Slack would, markers included.

    ``errors[channel]`` is a list of Slack error codes returned by the next posts there;
    ``crash_after_posts`` = n lets n more posts reach the channel, the last of them then
    killing the "process" before the runner learns its ``ts``.
    """

    channels: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    crash_after_posts: int | None = None
    notices: list[tuple[str, str]] = field(default_factory=list)
    charts: list[tuple[str, str, int]] = field(default_factory=list)
    chart_names: dict[str, str] = field(default_factory=dict)  # file id -> file name
    crash_after_chart: bool = False
    post_calls: int = 0
    _ts: int = 1000

    def post(self, channel: str, message: dict[str, Any], marker: dict[str, Any],
             thread_ts: str | None) -> str:
        self.post_calls += 1
        pending = self.errors.get(channel)
        if pending:
            raise PostError(pending.pop(0))
        self._ts += 1
        ts = f"{self._ts}.000100"
        self.channels.setdefault(channel, []).append(
            {"ts": ts, "thread_ts": thread_ts, "text": message["text"],
             "blocks": message.get("blocks"), "metadata": dict(marker)}
        )
        if self.crash_after_posts is not None:
            self.crash_after_posts -= 1
            if self.crash_after_posts == 0:
                self.crash_after_posts = None
                raise SimulatedCrash("killed after chat.postMessage returned")
        return ts

    def find_posted(self, channel: str, run_id: int, oldest: datetime) -> dict[int, str]:
        return {m["metadata"]["part"]: m["ts"] for m in self.channels.get(channel, [])
                if m["metadata"].get("run_id") == run_id}

    def upload_chart(self, channel: str, thread_ts: str, png: bytes, title: str,
                     filename: str = "digest.png") -> str | None:
        self.charts.append((channel, thread_ts, len(png)))
        file_id = f"F{len(self.charts)}"
        self.chart_names[file_id] = filename
        if self.crash_after_chart:
            self.crash_after_chart = False
            raise SimulatedCrash("killed after the chart upload")
        return file_id

    def find_chart(self, channel: str, thread_ts: str, filename: str) -> str | None:
        return next((fid for fid, name in self.chart_names.items() if name == filename), None)

    def notify(self, user_id: str, text: str) -> None:
        self.notices.append((user_id, text))

    def messages(self, channel: str) -> list[dict[str, Any]]:
        return self.channels.get(channel, [])


PERSONAS = [
    PersonaInfo("Dry_Moisture", "건성 보습", "30s, dry skin, wants moisture",
                Profile(age_min=30, age_max=39, gender="F", skin_type="dry", concerns=("moisture",),
                        persona="Dry_Moisture")),
    PersonaInfo("Oily_Pores", "지성 모공", "20s, oily skin, pores & acne",
                Profile(age_min=20, age_max=29, skin_type="oily", concerns=("pores",),
                        persona="Oily_Pores")),
]


@dataclass
class FakeSources:
    """Digest facts from plain lists: ``ranking[persona]`` is this week's product ids."""

    ranking: dict[str, list[str]] = field(default_factory=lambda: {
        "Dry_Moisture": ["P1", "P2", "P3"], "Oily_Pores": ["P4", "P5", "P6"]})
    personas_list: list[PersonaInfo] = field(default_factory=lambda: list(PERSONAS))
    draft_text: str = "[광고] 촉촉한 수분 크림으로 건조한 피부를 채워 보세요. 무료수신거부 080-000-0000"

    def personas(self) -> list[PersonaInfo]:
        return self.personas_list

    def top_products(self, profile: Profile, k: int) -> list[DigestProduct]:
        ids = self.ranking.get(profile.persona or "", [])
        return [DigestProduct(pid, f"Product {pid}", "Brand", 10000 * (i + 1), 0.9 - 0.1 * i,
                              name_en=f"Product {pid}", brand_id="B01")
                for i, pid in enumerate(ids[:k])]

    def highlights(self, profile: Profile, product_id: str, limit: int) -> list[str]:
        return [f"{product_id} kept my skin moist all day", "<!channel> great value"][:limit]

    def draft(self, profile: Profile, product: DigestProduct) -> DigestDraft:
        return DigestDraft("friendly", self.draft_text, "offline", True)


def open_store(tmp_path: Path, name: str = "digests.db") -> DigestStore:
    return DigestStore.open(tmp_path / name)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)
