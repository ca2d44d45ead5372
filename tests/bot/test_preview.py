"""``bot.slack.preview``: the Slack message as terminal text, read as a Slack user reads it."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.slack import blocks
from bot.slack.preview import as_text
from tests.bot.test_blocks import draft, request
from tests.bot.test_cli_recommend import HAS_MODEL

REC = {"rank": 1, "product_id": "P1", "name": "라온 <!channel> 크림", "brand": "라온뷰티", "sub_type": "크림",
       "category": "skincare", "price": 32000, "score": 5.5, "explanation": "cream · 4 dry-skin reviews"}


def test_user_text_shows_as_typed_and_mentions_as_names() -> None:
    req = request(text="30s dry <!channel> & <@U9>", user_id="UKIM")
    shown = as_text(blocks.request_message(req, [REC], [draft(0, text="hi <!here>", findings=[])], "en")[1])
    assert "Requested by @UKIM: `30s dry <!channel> & <@U9>`" in shown  # escaped text is not markup
    assert "라온 <!channel> 크림" in shown and "@channel" not in shown
    assert "> hi <!here>" in shown
    assert "[ Approve ] [ Edit ] [ Reject ] [ Regenerate ]" in shown


def test_a_decided_draft_shows_who_and_the_date_fallback_instead_of_buttons() -> None:
    decided = draft(0, status="approved", decided_by="ULEE", decided_at="2026-11-24T04:29:00+00:00", findings=[])
    shown = as_text(blocks.request_message(request(), [REC], [decided], "en")[1])
    assert "Approved by @ULEE at 2026-11-24 04:29 UTC" in shown
    assert "[ Approve ]" not in shown and "<!date" not in shown


@pytest.mark.skipif(not HAS_MODEL, reason="demo model not trained")
def test_recommend_slack_prints_the_korean_message_for_a_korean_request() -> None:
    result = CliRunner().invoke(app, ["recommend", "아이크림 25,000원 이하", "--no-save", "--slack"])
    assert result.exit_code == 0, result.output
    assert "[ 승인 ] [ 수정 ] [ 반려 ]" in result.stdout
    assert "조건에 맞는 상품이 1개뿐입니다 (요청 3개)" in result.stdout  # the shortfall, not padding
    assert result.stdout.count("(광고)") == 3
