"""Issue 12 case 11: what a digest lists and quotes — low-rated products below the floor
are left out (a missing rating is unknown, not low), a set and its single of one line show
once, and review quotes come from reviewers of the digest's persona when there are any."""

from __future__ import annotations

from dataclasses import dataclass

from bot.digests.compose import (
    MIN_RATED,
    RATING_FLOOR,
    DigestProduct,
    compose_digest,
    name_stem,
    near_duplicate,
    persona_quotes,
    pick_products,
)
from crm.context import ReviewSnippet
from recsys.personas import load_personas
from recsys.profile import Profile
from tests.bot._digest_helpers import FakeSources


def product(pid: str, name: str, rating: float | None = None, rated: int = 0, brand: str = "B01") -> DigestProduct:
    return DigestProduct(pid, name, "Brand", 10000, 0.5, brand_id=brand, rating=rating, rated=rated)


def test_low_rated_products_are_skipped_but_unknown_ratings_stay() -> None:
    candidates = [
        product("P1", "선물 세트 A", rating=1.0, rated=2),        # the reported 1.0★ from 2
        product("P2", "미스트 B", rating=None, rated=0),           # no ratings at all: unknown
        product("P3", "토너 C", rating=2.0, rated=1),              # one review is not a verdict
        product("P4", "크림 D", rating=RATING_FLOOR, rated=40),    # at the floor: kept
        product("P5", "앰플 E", rating=RATING_FLOOR - 0.01, rated=MIN_RATED),
        product("P6", "로션 F", rating=4.8, rated=100),
    ]
    assert [p.product_id for p in pick_products(candidates, 5)] == ["P2", "P3", "P4", "P6"]


def test_a_set_and_its_single_show_once_keeping_the_higher_ranked() -> None:
    candidates = [
        product("S1", "[기획] 그린티 씨드 세럼 80ml 듀오 기획세트"),
        product("S2", "그린티 씨드 세럼 80ml"),
        product("S3", "그린티 씨드 세럼 리필 50ml"),
        product("S4", "그린티 씨드 세럼", brand="B02"),           # another brand's serum
        product("S5", "그린티 씨드 크림 50ml"),                    # another product of the line
    ]
    assert [p.product_id for p in pick_products(candidates, 5)] == ["S1", "S4", "S5"]
    assert name_stem("Water Sleeping Mask Set 70ml") == name_stem("water sleeping mask")
    assert not near_duplicate(product("A", "수분 크림"), product("B", "수분 크림 라이트"))


def test_the_digest_list_stays_k_long_after_filtering() -> None:
    @dataclass
    class Rated(FakeSources):
        def top_products(self, profile: Profile, k: int) -> list[DigestProduct]:
            pool = [product(f"Q{i}", f"제품 {i}", rating=1.5 if i % 2 else 4.5, rated=10) for i in range(12)]
            return pool[:k]

    digest = compose_digest(Rated(), "Dry_Moisture", None, period_label="w", k=4)
    assert [ln.product.product_id for ln in digest.sections[0].lines] == ["Q0", "Q2", "Q4", "Q6"]


def test_quotes_come_from_reviewers_of_the_persona_when_there_are_any() -> None:
    personas = load_personas()
    dry = Profile(age_min=30, age_max=39, gender="F", skin_type="dry", concerns=("moisture",))
    gift = Profile(age_min=40, age_max=49, gender="M", skin_type="oily", concerns=())
    from recsys.personas import assign_persona

    dry_persona, other = assign_persona(dry, personas), assign_persona(gift, personas)
    assert dry_persona != other
    snippets = [
        ReviewSnippet("남편이 좋아해요", 5.0, "40대/남성/지성", 9.0, gift),
        ReviewSnippet("속건조가 사라졌어요", 5.0, "30대/여성/건성", 5.0, dry),
        ReviewSnippet("누가 썼는지 모르는 리뷰", 5.0, "", 4.0, None),
    ]
    assert [s.text for s in persona_quotes(snippets, dry_persona, personas, 2)] == ["속건조가 사라졌어요"]
    nobody = [s for s in snippets if s.reviewer_profile is not dry]
    assert [s.text for s in persona_quotes(nobody, dry_persona, personas, 2)] == [
        "남편이 좋아해요", "누가 썼는지 모르는 리뷰"]           # none match: the best overall
