"""Issue 12 case 11: the digest's header, notes and draft cards follow ``BOT_LANGUAGE``, or
with ``auto`` the subscriber's Slack locale — one language for the whole digest."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_sdk import WebClient

from bot.digests.store import ALL_PERSONAS
from bot.digests.scheduler import build_digests, last_fire, utc_now
from bot.wiring import build_wiring
from bot.settings import load_settings
from bot.store.approvals import Store
from tests.bot._digest_helpers import SEOUL_MONDAY_9, FakeSources
from tests.fakes.fake_slack import FakeSlack

TOKEN = "xoxb-lang"


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack(token=TOKEN) as fake:
        yield fake


def post_digest(tmp_path: Path, slack: FakeSlack, bot_language: str) -> tuple[list[str], Store]:
    settings = load_settings(db_path=tmp_path / "bot.db", slack_api_url=slack.api_url,
                             bot_language=bot_language)
    approvals = Store.open(settings.db_path)
    digests = build_digests(build_wiring(settings, approvals),
                            WebClient(token=TOKEN, base_url=slack.api_url), sources=FakeSources())
    sub, _ = digests.store.subscribe(ALL_PERSONAS, "CLANG", SEOUL_MONDAY_9, "UOWNER",
                                     utc_now().replace(year=2020))
    assert digests.runner.run_period(sub, last_fire(sub.schedule, utc_now())).status == "recorded"
    posts = [c for c in slack.calls_to("chat.postMessage") if c.args["channel"] == "CLANG"]
    return [json.dumps(c.args["blocks"], ensure_ascii=False) for c in posts], approvals


@pytest.mark.parametrize(("setting", "locale", "expect", "avoid"), [
    ("ko", "en-US", ("주간 페르소나 다이제스트", "스레드에 있어요", "승인"), ("Weekly persona digest", "Approve")),
    ("en", "ko-KR", ("Weekly persona digest", "in the thread", "Approve"), ("주간 페르소나", "\"승인\"")),
    ("auto", "ko-KR", ("주간 페르소나 다이제스트", "승인"), ("Weekly persona digest",)),
    ("auto", "en-GB", ("Weekly persona digest", "Approve"), ("주간 페르소나",)),
])
def test_header_notes_and_cards_share_one_language(
    tmp_path: Path, slack: FakeSlack, setting: str, locale: str, expect: tuple[str, ...],
    avoid: tuple[str, ...],
) -> None:
    slack.users["UOWNER"] = {"name": "owner", "locale": locale}
    posted, approvals = post_digest(tmp_path, slack, setting)
    everything = "\n".join(posted)
    for word in expect:
        assert word in everything, word
    for word in avoid:
        assert word not in everything, word
    main, *cards = posted
    assert len(cards) == 2
    want = "ko" if "주간 페르소나 다이제스트" in expect else "en"
    requests = approvals.recent_requests("UOWNER")
    assert requests and {r.language for r in requests} == {want}
