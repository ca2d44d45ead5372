"""The offline copywriter: deterministic, varied, grounded, and inside the rules."""

from __future__ import annotations

import re

import pytest

from crm import channels, offline
from crm.context import BrandGuide, ContextIndex
from crm.drafting import TONES, Drafter
from recsys.paths import BRANDS, DEMO_CATALOG
from recsys.profile import Profile
from tests.crm._crm_helpers import BRANDS as TEST_BRANDS
from tests.crm._crm_helpers import PRODUCTS, make_catalog, make_index

DRY_30S = Profile(age_min=30, age_max=39, gender="F", skin_type="dry", concerns=("moisture",))
OILY_20S = Profile(age_min=20, age_max=29, gender="F", skin_type="oily", concerns=("acne", "pores"))
EMOJI = re.compile("[\U0001F300-\U0001FAFF\u2600-\u27BF]")


@pytest.fixture(scope="module")
def index() -> ContextIndex:
    return make_index()


def test_same_request_same_draft(index: ContextIndex) -> None:
    context = index.context_for(DRY_30S, "P001")
    assert offline.compose(context, "friendly") == offline.compose(context, "friendly")


def test_tones_read_differently(index: ContextIndex) -> None:
    context = index.context_for(DRY_30S, "P001")
    texts = {tone: offline.compose(context, tone) for tone in TONES}
    assert len(set(texts.values())) == 3
    assert "고객님" in texts["professional"] and "니다" in texts["professional"]


def test_drafts_follow_the_message_frame(index: ContextIndex) -> None:
    for tone in TONES:
        text = offline.compose(index.context_for(DRY_30S, "P001"), tone, optout_number="080-123-4567")
        lines = text.split("\n")
        assert lines[0] == "(광고) 라온뷰티"
        assert lines[-1] == "무료수신거부 080-123-4567"
        assert "#{이름}" in text
        assert "32,000원" in text


def test_without_the_label_there_is_no_frame(index: ContextIndex) -> None:
    text = offline.compose(index.context_for(DRY_30S, "P001"), "friendly", add_label=False)
    assert not text.startswith("(광고)") and "무료수신거부" not in text


def test_quotes_are_verbatim_and_screened(index: ContextIndex) -> None:
    context = index.context_for(Profile(skin_type="sensitive", concerns=("calming",)), "P001")
    assert any("최고" in s.text for s in context.snippets)
    screen = lambda text: "최고" not in text  # noqa: E731
    for tone in TONES:
        text = offline.compose(context, tone, screen=screen)
        quoted = re.findall("“(.+?)”", text)
        assert quoted and "최고" not in text
        assert all(any(q == s.text for s in context.snippets) for q in quoted)


def test_functional_claims_only_for_registered_products(index: ContextIndex) -> None:
    registered = " ".join(offline.compose(index.context_for(DRY_30S, "P002"), t) for t in TONES)
    plain = " ".join(offline.compose(index.context_for(DRY_30S, p), t) for p in ("P001", "P003") for t in TONES)
    assert "미백 기능성" in registered
    assert not re.search("미백|주름 개선|자외선 차단", plain)


def test_benefits_come_from_what_the_product_targets(index: ContextIndex) -> None:
    # A moisture-seeking customer shown a calming toner: the copy talks calming, not moisture.
    text = " ".join(offline.compose(index.context_for(DRY_30S, "P003"), t) for t in TONES)
    assert re.search("진정|편안|차분", text)
    assert "수분감" not in text and "보습감" not in text


@pytest.mark.parametrize("channel", ["sms", "lms", "kakao"])
def test_every_channel_fits_and_sms_lms_are_plain_text(index: ContextIndex, channel: str) -> None:
    for profile in (DRY_30S, OILY_20S, Profile()):
        for product_id in ("P001", "P002", "P003"):
            for tone in TONES:
                text = offline.compose(index.context_for(profile, product_id), tone, channel=channel)
                assert channels.fits(text, channel), text
                assert text.endswith("무료수신거부 080-000-0000")
                if channel != "kakao":
                    assert channels.encodable(text) and not EMOJI.search(text)


def test_a_brand_without_emoji_gets_none() -> None:
    quiet = ContextIndex(make_catalog(), {"raon": BrandGuide("raon", "라온뷰티", emoji_style="none")})
    text = offline.compose(quiet.context_for(DRY_30S, "P001"), "trendy")
    assert not EMOJI.search(text)


def test_varied_across_products_and_profiles(index: ContextIndex) -> None:
    texts = {
        offline.compose(index.context_for(profile, pid), tone)
        for profile in (DRY_30S, OILY_20S, Profile(concerns=("gift",)))
        for pid in ("P001", "P002", "P003")
        for tone in TONES
    }
    first_lines = {t.split("\n")[1] for t in texts}
    assert len(texts) == 27 and len(first_lines) >= 10


def test_unknown_tone_is_rejected(index: ContextIndex) -> None:
    with pytest.raises(ValueError, match="unknown tone"):
        offline.compose(index.context_for(DRY_30S, "P001"), "angry")


@pytest.mark.skipif(not DEMO_CATALOG.exists() or not BRANDS.exists(), reason="demo catalog not generated")
def test_demo_catalog_drafts_pass_the_compliance_checker() -> None:
    from recsys.catalog import load_catalog

    index = ContextIndex.from_files(load_catalog(DEMO_CATALOG), BRANDS)
    drafter = Drafter(index)
    profiles = (DRY_30S, OILY_20S, Profile(age_min=50, age_max=59, concerns=("anti_aging",)),
                Profile(gender="M", skin_type="sensitive", concerns=("calming",)),
                Profile(concerns=("brightening",)), Profile(concerns=("gift",)))
    checked = 0
    for i, product_id in enumerate(index.product_ids[::4]):
        channel = ("kakao", "lms", "sms")[i % 3]
        for draft in drafter.draft(profiles[i % len(profiles)], product_id, channel=channel):
            errors = [f for f in draft.findings if str(f.severity) == "error"]
            assert not errors, (product_id, channel, draft.text, errors)
            checked += 1
    assert checked >= 600


def test_gifts_speak_to_the_giver_and_tools_skip_ingredients() -> None:
    products = [dict(p) for p in PRODUCTS] + [
        {**PRODUCTS[0], "product_id": "T1", "name": "라온 에어 퍼프 4개입", "category": "tools",
         "sub_type": "퍼프", "ingredients": [], "concerns": [], "functions": [], "kind": "tool",
         "short_name": "라온 에어 퍼프"},
    ]
    index = ContextIndex(make_catalog(products=products), TEST_BRANDS)
    gift = " ".join(offline.compose(index.context_for(Profile(concerns=("gift",)), "P001"), t) for t in TONES)
    assert "선물" in gift and "피부가 건조하게" not in gift
    puff = offline.compose(index.context_for(DRY_30S, "T1"), "professional")
    assert "성분" not in puff and "4개입" not in puff and "라온 에어 퍼프" in puff
