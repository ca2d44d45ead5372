"""Hard filters mean what the marketer said, and explanations say only what is true.

A small catalog in the shape ``recsys.catalog`` gives after mining (kind, target_gender,
is_set, display_name, rating, support columns at the end), ranked by the planted-pattern
model of ``_model_helpers``; the filters are what is tested, not the ranking.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from recsys.catalog import Catalog
from recsys.parsing import parse_profile
from recsys.product_types import FAMILIES
from recsys.profile import Profile
from recsys.recommender import Recommender, ReviewEvidence, explain, hard_filters
from tests.recsys._model_helpers import persona_of, trained

# (id, name, brand, category, sub_type, kind, target_gender, is_set, price, rating)
ROWS = [
    ("T1", "수분 토너 200ml", "가람", "skincare", "토너", "skincare", "unisex", False, 20000, 4.5),
    ("T2", "옴므 스킨 150ml", "나래", "men", "스킨", "skincare", "men", False, 25000, math.nan),
    ("F1", "오드 퍼퓸 50ml", "다온", "fragrance", "오드퍼퓸", "fragrance", "unisex", False, 50000, 4.8),
    ("F2", "옴므 EDT 100ml", "다온", "men", "오드뚜왈렛", "fragrance", "men", False, 45000, 4.6),
    ("M1", "맨 올인원 플루이드", "나래", "men", "올인원", "skincare", "men", False, 30000, 4.7),
    ("S1", "선크림 SPF50+", "가람", "skincare", "선크림", "skincare", "unisex", False, 28000, 4.9),
    ("S2", "선크림 듀오 기획세트", "가람", "skincare", "선크림", "skincare", "unisex", True, 56000, 4.9),
    ("C1", "클렌징 오일 200ml", "라온", "skincare", "클렌징오일", "skincare", "unisex", False, 0, 4.4),
    ("C2", "약산성 클렌징폼", "라온", "skincare", "클렌징폼", "skincare", "unisex", False, 15000, 4.2),
    ("L1", "립 틴트 4g", "마루", "makeup", "립틴트", "makeup", "women", False, 18000, 4.3),
    ("K1", "커버 쿠션 15g", "마루", "makeup", "쿠션", "makeup", "unisex", False, 35000, 0.0),
    ("D1", "우드 디퓨저 200ml", "바다", "other", "디퓨저", "home", "unisex", False, 30000, 4.8),
    ("B1", "파운데이션 브러시", "바다", "tools", "메이크업 브러시", "tool", "unisex", False, 12000, 4.1),
    ("W1", "여성 리페어 크림", "가람", "skincare", "크림", "skincare", "women", False, 40000, 4.6),
    ("X1", "리미티드 에디션 굿즈", "바다", "other", "0", "", "unisex", False, 10000, math.nan),
    ("H1", "두피 샴푸 500ml", "사랑", "body", "샴푸", "hair", "unisex", False, 16000, 4.0),
    ("Y1", "바디로션 300ml", "사랑", "body", "바디로션", "body", "unisex", False, 14000, 4.2),
]
BRANDS = tuple(dict.fromkeys(r[2] for r in ROWS))


def _products() -> pd.DataFrame:
    rows = []
    for pid, name, brand, category, sub_type, kind, gender, is_set, price, rating in ROWS:
        rows.append({
            "product_id": pid, "name": f"[20%OFF] {name}", "name_en": "", "brand": brand, "brand_id": "",
            "category": category, "category_label": "97", "sub_type": sub_type, "price": price,
            "ingredients": [], "concerns": ["moisture"] if pid in ("T1", "T2") else [],
            "skin_types": ["dry"] if pid == "T1" else [], "functions": [], "image_url": None,
            "description": "", "kind": kind, "is_set": is_set, "volume": "", "target_gender": gender,
            "display_name": name, "short_name": name, "rating": rating, "review_count": 0,
            "support": {"dry": 1} if pid == "S1" else {}, "evidence": [],
        })
    return pd.DataFrame(rows)


def _review(pid: str, text: str, skin: str | None = None, rating: float = math.nan,
            source: str = "review") -> dict[str, object]:
    return {"product_id": pid, "user_id": None, "age_min": None, "age_max": None, "gender": None,
            "skin_type": skin, "concerns": [], "persona": None, "rating": rating, "date": pd.NaT,
            "text": text, "source": source}


def _interactions() -> pd.DataFrame:
    rows = [
        # T1: three reviews by dry-skin reviewers, two say it moisturises; one oily review
        _review("T1", "건성인데 촉촉하고 보습이 오래가요", "dry", 5.0),
        _review("T1", "속건조가 사라졌어요 촉촉해요", "dry", 4.0),
        _review("T1", "향이 좋아요", "dry"),
        _review("T1", "지성이라 무난해요", "oily", 0.0),
        # T2: only synthetic customers, never reviewers
        _review("T2", "", "dry", source="customers"),
        _review("T2", "", "dry", source="customers"),
        # F1: two reviews, ratings missing
        _review("F1", "향이 은은해요"),
        _review("F1", "선물했어요"),
    ]
    frame = pd.DataFrame(rows)
    frame["age_min"] = frame["age_min"].astype("Int64")
    frame["age_max"] = frame["age_max"].astype("Int64")
    return frame


@pytest.fixture(scope="module")
def rec() -> Recommender:
    _, result = trained()
    catalog = Catalog(products=_products(), interactions=_interactions())
    return Recommender(result.model, result.vocab, catalog, persona_of=persona_of)


def _ids(rec: Recommender, text: str, k: int = 20) -> list[str]:
    return [r.product_id for r in rec.recommend(parse_profile(text, brands=BRANDS), k=k)]


KIND = {r[0]: r[5] for r in ROWS}
GENDER = {r[0]: r[6] for r in ROWS}


def test_a_named_type_admits_its_family_named_type_first(rec: Recommender) -> None:
    assert _ids(rec, "토너") == ["T1", "T2"]  # 스킨 is a toner too, ranked after the 토너
    assert _ids(rec, "클렌징 오일")[0] == "C1" and set(_ids(rec, "클렌징 오일")) == {"C1", "C2"}
    assert set(_ids(rec, "sunscreen")) == {"S1", "S2"}
    assert set(_ids(rec, "30대 여성 선크림 자외선 차단")) == {"S1", "S2"}
    assert _ids(rec, "디퓨저") == ["D1"]


def test_perfume_for_men_gets_fragrances_never_mens_skincare(rec: Recommender) -> None:
    got = _ids(rec, "perfume for men")
    assert set(got) == {"F1", "F2"}
    assert set(_ids(rec, "남자친구 선물 향수")) == {"F1", "F2"}


def test_a_mens_request_gets_mens_or_unisex_of_the_asked_kind(rec: Recommender) -> None:
    got = _ids(rec, "남성 스킨케어")
    assert got and {KIND[p] for p in got} == {"skincare"}
    assert {"T2", "M1"} <= set(got) and "W1" not in got
    assert all(GENDER[p] in ("men", "unisex") for p in _ids(rec, "30대 남성"))


def test_a_womens_request_never_gets_men_only_products(rec: Recommender) -> None:
    for text in ("30대 여성", "여성 토너", "엄마 선물", "women's fragrance", "여자친구 스킨케어"):
        got = _ids(rec, text)
        assert got, text
        assert all(GENDER[p] != "men" for p in got), (text, got)
    assert _ids(rec, "여성 토너") == ["T1"]


def test_the_recipient_decides_the_gender(rec: Recommender) -> None:
    assert all(GENDER[p] != "women" for p in _ids(rec, "여성이 남편에게 줄 선물"))
    assert "W1" not in _ids(rec, "boyfriend gift") and "L1" not in _ids(rec, "아빠 선물")


def test_brand_set_and_budget_filters(rec: Recommender) -> None:
    assert set(_ids(rec, "가람 선크림")) == {"S1", "S2"}
    assert _ids(rec, "선크림 세트") == ["S2"]
    assert _ids(rec, "다온 향수 4만원대") == ["F2"]
    # a price of 0 is unknown: out when a budget is given, in otherwise
    assert _ids(rec, "클렌징 3만원 이하") == ["C2"]
    assert "C1" in _ids(rec, "클렌징")


def test_legacy_category_maps_onto_kinds(rec: Recommender) -> None:
    def ids(profile: Profile) -> set[str]:
        return {r.product_id for r in rec.recommend(profile, k=20)}

    assert ids(Profile(category="makeup")) == {"L1", "K1"}
    assert ids(Profile(category="body")) == {"Y1"}
    assert ids(Profile(category="body", kind="hair")) == {"H1"}  # as "hair care" parses
    assert ids(Profile(category="men")) == {"T2", "F2", "M1"}
    assert ids(Profile(category="fragrance", gender="M")) == {"F1", "F2"}


def test_skin_words_admit_only_products_that_act_on_skin(rec: Recommender) -> None:
    got = _ids(rec, "40대 주름 5만원 이하")
    assert got and {KIND[p] for p in got} <= {"skincare", "makeup", "body", "hair"}
    assert "X1" not in _ids(rec, "건성")  # an unknown kind is not promised as skincare


def _in_order(got: list[str], *preferences: set[str]) -> bool:
    """True when ``got`` is sorted by membership of ``preferences``, most important first."""
    keys = [tuple(p in pref for pref in preferences) for p in got]
    return keys == sorted(keys, reverse=True)


SKINCARE = {p for p, k in KIND.items() if k == "skincare"}
NOT_MEN = {p for p, g in GENDER.items() if g != "men"}


def test_a_skin_only_request_ranks_skincare_first(rec: Recommender) -> None:
    for text in ("30대 건성 여성 보습", "women oily skin", "여성 주름"):
        got = _ids(rec, text)
        assert got and _in_order(got, SKINCARE), (text, got)
        assert SKINCARE & set(got) and set(got) - SKINCARE, (text, got)  # makeup/body/hair admitted, after
    for text in ("40대 주름 5만원 이하", "지성 트러블", "oily skin"):  # no gender: men's lines last
        got = _ids(rec, text)
        assert got[0] in SKINCARE - {"T2", "M1"}, (text, got)
        assert _in_order(got, NOT_MEN, SKINCARE), (text, got)
    # a request naming a type or a kind is ranked by the model inside what it names
    assert set(_ids(rec, "건성 쿠션")) == {"K1"}
    assert {KIND[p] for p in _ids(rec, "보습 메이크업")} == {"makeup"}


def test_a_request_without_gender_ranks_men_only_lines_last(rec: Recommender) -> None:
    for text in ("30대", "20대 지성", "토너", "향수", "스킨케어", "선물"):
        got = _ids(rec, text)
        assert _in_order(got, NOT_MEN), (text, got)
        assert set(got) - NOT_MEN, (text, got)  # men's lines are admitted, only ranked after
    assert _ids(rec, "향수") == ["F1", "F2"]
    # a men's request is unaffected: men's and unisex products in model order
    assert set(_ids(rec, "남성 향수")) == {"F1", "F2"}


def test_too_few_products_say_so_instead_of_padding(rec: Recommender) -> None:
    recs = rec.recommend(parse_profile("선크림 세트"), k=3)
    assert [r.product_id for r in recs] == ["S2"]
    assert recs.shortfall == 2 and recs.requested == 3
    assert recs.note("ko").startswith("조건에 맞는 상품이 1개뿐입니다 (요청 3개)")
    assert "선크림" in recs.note("ko") and "세트" in recs.note("ko")
    assert recs.note("en").startswith("only 1 product matches the filters (3 asked)") and "sunscreen" in recs.note("en")
    none = rec.recommend(parse_profile("디퓨저 1만원 이하"), k=3)
    assert none == [] and none.note("en").startswith("no product matches the filters")
    full = rec.recommend(parse_profile("30대"), k=3)
    assert len(full) == 3 and full.shortfall == 0 and full.note("en") is None


def test_hard_filters_state_the_rules() -> None:
    spec = hard_filters(parse_profile("perfume for men under 50,000 won"))
    assert spec.kinds == ("fragrance",) and spec.sub_types is None and spec.genders == ("men", "unisex")
    assert set(hard_filters(parse_profile("EDT for men")).sub_types) == set(FAMILIES["향수"])
    assert spec.price_max == 50000
    assert hard_filters(parse_profile("30대 여성")).genders == ("women", "unisex")
    assert hard_filters(Profile(category="tools")).kinds == ("tool",)


# --- explanations ---------------------------------------------------------------------------

def _explain(rec: Recommender, pid: str, profile: Profile, lang: str = "en") -> str:
    pos = int((rec.catalog.products["product_id"] == pid).to_numpy().nonzero()[0][0])
    return explain(profile, rec.catalog.products.iloc[pos].to_dict(), rec._evidence, pos, lang)


def test_explanation_counts_real_reviews_once_by_skin_and_benefit(rec: Recommender) -> None:
    dry = Profile(skin_type="dry", concerns=("moisture",))
    en = _explain(rec, "T1", dry)
    assert en.startswith("toner · 2 dry-skin reviews mention moisture"), en
    assert en.endswith("4.5★")  # the product's own rating, not the reviews' mean
    ko = _explain(rec, "T1", dry, "ko")
    assert ko.startswith("토너 · 건성 리뷰 2건에서 보습 언급"), ko
    assert "평점 4.5★" in ko
    assert _explain(rec, "T1", Profile()) == "toner · 4 reviews · 4.5★"


def test_synthetic_customers_are_not_reviewers(rec: Recommender) -> None:
    text = _explain(rec, "T2", Profile(skin_type="dry"))
    assert "review" not in text.replace("no reviews yet", "")
    assert "no reviews yet" in text and "★" not in text  # NaN rating, no reviews: no stars
    assert "리뷰 없음" in _explain(rec, "T2", Profile(), "ko")


def test_missing_ratings_and_raw_codes_never_show(rec: Recommender) -> None:
    # K1's rating is 0 (unknown) and it has no reviews; F1's reviews carry no rating
    assert "★" not in _explain(rec, "K1", Profile()) and "0.0" not in _explain(rec, "K1", Profile())
    f1 = _explain(rec, "F1", Profile())
    assert f1 == "eau de parfum · 2 reviews · 4.8★"
    x1 = _explain(rec, "X1", Profile(), "ko")  # sub_type "0", no kind, NaN rating
    assert x1 == "리뷰 없음"
    assert "0" not in _explain(rec, "X1", Profile())


def test_a_review_suiting_the_skin_type_is_named_as_such(rec: Recommender) -> None:
    assert "1 review says it suits dry skin" in _explain(rec, "S1", Profile(skin_type="dry"))
    assert "건성에 맞다는 리뷰 1건" in _explain(rec, "S1", Profile(skin_type="dry"), "ko")


def test_recommendations_carry_display_name_and_kind(rec: Recommender) -> None:
    top = rec.recommend(parse_profile("디퓨저"), k=1, lang="ko")[0]
    assert top.name == "[20%OFF] 우드 디퓨저 200ml" and top.display_name == "우드 디퓨저 200ml"
    assert top.kind == "home" and top.explanation.startswith("디퓨저 ·")


def test_review_evidence_ignores_customers_and_unknown_ratings() -> None:
    catalog = Catalog(products=_products(), interactions=_interactions())
    evidence = ReviewEvidence(catalog)
    assert evidence.count(0) == 4 and evidence.count(0, "dry") == 3
    assert evidence.count(1) == 0  # T2 has customers only
    assert evidence.rating(0) == pytest.approx(4.5)  # 5 and 4; NaN and 0 are unknown
    assert evidence.rating(2) is None


def test_a_makeup_brush_request_admits_applicators_not_hair_brushes() -> None:
    makeup = hard_filters(parse_profile("메이크업 브러쉬"))
    assert "퍼프" in makeup.sub_types and "헤어 브러시" not in makeup.sub_types
    assert "메이크업 브러시" not in hard_filters(parse_profile("두피 브러쉬")).sub_types
