"""Block Kit builders against Slack's limits, validated with ``slack_sdk.models``."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.slack import blocks, mrkdwn
from bot.slack.i18n import STRINGS, t
from bot.store.approvals import DraftRecord, RequestRecord

NASTY = "<!channel> <@U123> <https://evil.test|login> & ** _x_ " * 200


def request(**kw: object) -> RequestRecord:
    base = dict(id="r_1", kind="recommend", user_id="UREQ", channel_id="C1", text=NASTY[:500],
                options={}, language="en", title=None, status="posted",
                profile={"age_min": 30, "age_max": 39, "gender": "F", "skin_type": "dry",
                         "concerns": ["moisture"], "category": None, "price_min": None,
                         "price_max": 30000, "persona": "Dry_Winter"},
                persona="Dry_Winter", product_id="P1", brand_id="B1", message_channel="C1",
                message_ts="1.1", error=None, created_at="2026-11-24T03:00:00+00:00")
    base.update(kw)
    return RequestRecord(**base)  # type: ignore[arg-type]


def draft(i: int, **kw: object) -> DraftRecord:
    base = dict(id=f"d_{i:016x}", request_id="r_1", position=i, tone="friendly",
                status="pending", version=1, text=NASTY, provider="openai", model="gpt <x>",
                fallback_reason="timeout: <!here>", approvable=False, source="drafted",
                findings=[{"rule": "AD-LABEL", "severity": "error", "message_en": NASTY,
                           "message_ko": NASTY, "fix": "<!channel>"}] * 8,
                decided_by=None, decided_at=None)
    base.update(kw)
    return DraftRecord(**base)  # type: ignore[arg-type]


RECS = [{"rank": i, "product_id": f"P{i}", "name": NASTY[:300], "brand": "<b>", "brand_id": "B",
         "category": "skincare", "price": 12000, "score": 0.5, "explanation": NASTY[:400]}
        for i in range(1, 6)]


def valid(message_blocks: list[dict]) -> None:
    assert 0 < len(message_blocks) <= 50
    for block in message_blocks:
        Block.parse(block).to_dict()


def no_control_sequences(payload: object) -> None:
    text = json.dumps(payload, ensure_ascii=False)
    for bad in ("<!channel>", "<!here>", "<@U123>", "<https://evil.test"):
        assert bad not in text


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_worst_case_message_is_valid_and_escaped(lang: str) -> None:
    drafts = [draft(0), draft(1, tone="professional", status="approved", decided_by="UAPP",
                              decided_at="2026-11-24T04:00:00+00:00"),
              draft(2, tone="trendy", status="rejected", decided_by="UAPP",
                    decided_at="2026-11-24T04:00:00+00:00", reason="<!channel> nope")]
    text, message_blocks = blocks.request_message(request(language=lang), RECS, drafts, lang)
    valid(message_blocks)
    no_control_sequences(message_blocks)
    assert "<!channel>" not in text
    actions = [b for b in message_blocks if b["type"] == "actions"]
    assert len(actions) == 1 and actions[0]["elements"][0]["value"] == "d_0000000000000000:1"
    body = json.dumps(message_blocks)
    assert "<@UAPP>" in body and "<!date^" in body


def test_modals_and_home_are_valid() -> None:
    d = draft(0, text="x" * 5000)
    for view in (blocks.edit_modal(d, "en"), blocks.reject_modal(d, "ko")):
        View(**view).to_dict()
        assert view["private_metadata"] == d.id
    home = blocks.home_view([request()] * 30, [{"decided_at": "2026-11-24T04:00:00+00:00",
                                                "decided_by": "UAPP", "persona": "<!here>",
                                                "tone": "friendly", "text": NASTY}] * 30, "en")
    View(**home).to_dict()
    no_control_sequences(home)


def test_command_error_shows_what_was_understood() -> None:
    text = blocks.command_error_text("unknown_option", {"option": "--x<!channel>"},
                                     {"--top": 3, "text": "30s <@U123>"}, "en")
    assert "--top=`3`" in text and "Examples" in text
    no_control_sequences(text)


@given(st.text(max_size=400))
@settings(max_examples=200, deadline=None)
def test_escape_never_leaves_angle_brackets(text: str) -> None:
    escaped = mrkdwn.escape(text)
    assert "<" not in escaped and ">" not in escaped
    assert escaped.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") == text


@given(st.text(alphabet="a&<>b", max_size=60), st.integers(min_value=2, max_value=40))
def test_clip_respects_limit_and_never_splits_entities(text: str, limit: int) -> None:
    clipped = mrkdwn.clip(mrkdwn.escape(text), limit)
    assert len(clipped) <= limit
    body = clipped.removesuffix(mrkdwn.ELLIPSIS)
    for i, ch in enumerate(body):
        if ch == "&":
            assert body[i:].startswith(("&amp;", "&lt;", "&gt;"))


def test_every_string_has_both_languages_with_the_same_placeholders() -> None:
    import string

    for key, entry in STRINGS.items():
        assert set(entry) == {"ko", "en"}, key
        fields = [{f for _, f, _, _ in string.Formatter().parse(entry[lang]) if f} for lang in ("ko", "en")]
        assert fields[0] == fields[1], key
    assert t("btn.approve", "en") == "Approve" and t("btn.approve", "xx") == "승인"


@pytest.mark.parametrize(("lang", "words"), [("ko", "1개뿐입니다 (요청 3개)"),
                                              ("en", "Only 1 of the 3 products")])
def test_too_few_products_get_one_context_line(lang: str, words: str) -> None:
    short = request(options={"top": 3})
    _, few = blocks.request_message(short, RECS[:1], [], lang)
    valid(few)
    notes = [b for b in few if b["type"] == "context" and words in json.dumps(b, ensure_ascii=False)]
    assert len(notes) == 1
    _, full = blocks.request_message(short, RECS[:3], [], lang)
    assert words not in json.dumps(full, ensure_ascii=False)
