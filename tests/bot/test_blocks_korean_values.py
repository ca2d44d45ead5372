"""Korean messages show product kinds, skin types and concerns in Korean; cards show the product's
picture only when the catalog has a usable image_url."""

from __future__ import annotations

import json

import pytest
from slack_sdk.models.blocks import Block, SectionBlock

from bot.slack import blocks
from tests.bot.test_blocks import draft, request

PROFILE = {"age_min": 30, "age_max": 39, "gender": "F", "skin_type": "dry", "concerns": ["moisture", "anti_aging"],
           "category": "fragrance", "price_min": None, "price_max": 50000, "persona": "Dry_Winter"}


def rec(**kw: object) -> dict:
    base = {"rank": 1, "product_id": "P1", "name": "라온 솔리드 퍼퓸", "name_en": "Raon Solid Perfume",
            "brand": "라온", "brand_id": "raon", "category": "fragrance", "sub_type": "0", "price": 30000,
            "image_url": None, "score": 0.8, "explanation": "fragrance · new: matched on features",
            "explanation_ko": "향수 · 신상품 · 특징 기반 추천"}
    base.update(kw)
    return base


def text_of(payload: object) -> str:
    return json.dumps(payload, ensure_ascii=False)


def test_korean_profile_fields_are_korean() -> None:
    fields = text_of(blocks.profile_fields(PROFILE, "Dry_Winter", "ko"))
    for word in ("여성", "건성", "보습", "안티에이징", "향수"):
        assert word in fields
    for code in ("dry", "moisture", "anti_aging", "fragrance", "\\nF"):
        assert code not in fields
    english = text_of(blocks.profile_fields(PROFILE, "Dry_Winter", "en"))
    assert "dry skin" in english and "anti-aging" in english and "female" in english and "건성" not in english


def test_korean_product_line_has_the_korean_kind_and_why() -> None:
    ko = blocks.product_block(rec(), "ko")["text"]["text"]
    assert "향수" in ko and "신상품" in ko
    assert "fragrance" not in ko and "matched on features" not in ko
    en = blocks.product_block(rec(), "en")["text"]["text"]
    assert "fragrance" in en and "matched on features" in en and "신상품" not in en
    toner = blocks.product_block(rec(sub_type="토너", category="skincare"), "en")["text"]["text"]
    assert "toner" in toner


def test_stored_records_without_a_korean_reason_fall_back_to_the_stored_one() -> None:
    old = rec()
    del old["explanation_ko"]
    assert "matched on features" in blocks.product_block(old, "ko")["text"]["text"]


def test_a_product_with_an_image_shows_it_with_alt_text() -> None:
    block = blocks.product_block(rec(image_url="https://cdn.mall.co.kr/p/1.jpg"), "ko")
    assert block["accessory"] == {"type": "image", "image_url": "https://cdn.mall.co.kr/p/1.jpg",
                                  "alt_text": "라온 솔리드 퍼퓸"}
    parsed = SectionBlock(**block)
    assert parsed.accessory.image_url == "https://cdn.mall.co.kr/p/1.jpg"
    Block.parse(block).to_dict()


@pytest.mark.parametrize("url", [None, "", "  ", "nan", "0", "/img/p1.jpg", "ftp://cdn.mall.co.kr/1.jpg",
                                 "javascript:alert(1)", "https://img.example.com/p/KB0001.jpg",
                                 "https://example.org/x.png", "http://shop.test/x.png", "https://localhost/x.png",
                                 "https://cdn.mall.co.kr/a b.jpg", "https://cdn.mall.co.kr/" + "a" * 3000])
def test_no_usable_image_means_no_image_never_a_broken_one(url: object) -> None:
    block = blocks.product_block(rec(image_url=url), "ko")
    assert "accessory" not in block
    Block.parse(block).to_dict()


def test_a_whole_message_with_pictures_is_valid() -> None:
    recs = [rec(rank=i, product_id=f"P{i}", image_url=f"https://cdn.mall.co.kr/p/{i}.jpg" if i % 2 else None,
                name="<!channel> " + "긴 이름 " * 400)
            for i in range(1, 6)]
    _, message = blocks.request_message(request(language="ko", profile=PROFILE), recs, [draft(0)], "ko")
    for block in message:
        Block.parse(block).to_dict()
    images = [b["accessory"] for b in message if b.get("accessory")]
    assert len(images) == 3 and all(len(i["alt_text"]) <= blocks.ALT_TEXT_MAX for i in images)
    assert "<!channel>" not in text_of(images) and images[0]["alt_text"].startswith("!channel 긴 이름")


def test_korean_home_names_tones_in_korean() -> None:
    row = {"decided_at": "2026-11-24T04:00:00+00:00", "decided_by": "UAPP", "persona": "Dry_Winter",
           "tone": "friendly", "text": "(광고) 라온몰\n본문"}
    ko = text_of(blocks.home_view([], [row], "ko"))
    assert "친근한 톤" in ko and "· friendly" not in ko
    assert "Friendly" in text_of(blocks.home_view([], [row], "en"))
