"""Product understanding from a product's own text (recsys.mining) and its use by the loader."""

from __future__ import annotations

import json
import math

import pytest

from recsys.catalog import load_catalog
from recsys.mining import clean_name, product_attributes, review_benefits, review_skin_types, volume_of
from recsys.paths import DEMO_CATALOG
from recsys.product_types import BY_NAME, KINDS, PRODUCT_TYPES, canonical, family_members, kind_of

from tests.recsys._catalog_helpers import fixture


# -- the vocabulary ------------------------------------------------------------------------


def test_every_type_has_a_known_kind_and_family():
    assert all(t.kind in KINDS for t in PRODUCT_TYPES)
    assert "세럼" in family_members("에센스") and "앰플" in family_members("세럼")
    assert kind_of("디퓨저") == "home" and kind_of("nonsense") == ""


def test_canonical_maps_spellings_and_drops_codes():
    assert canonical("토너") == "토너"
    assert canonical("sunscreen") == "선크림"
    assert canonical("에멀젼") == "로션"
    assert canonical("0") == "" and canonical("") == "" and canonical("기타잡화") == ""


def test_demo_sub_types_are_all_canonical():
    records = json.loads(DEMO_CATALOG.read_text(encoding="utf-8"))
    records = records["products"] if isinstance(records, dict) else records
    assert {r["sub_type"] for r in records} <= set(BY_NAME)


# -- sub-type and kind ---------------------------------------------------------------------


@pytest.mark.parametrize("name, category, sub_type, kind", [
    ("슈퍼바이탈 아이크림 25ml", 97, "아이크림", "skincare"),          # longest spelling: not 크림
    ("블랙 쿠션 파운데이션 퍼프 2ea", 101, "퍼프", "tool"),             # the strong type is the product
    ("롤리타 EDP 바디로션 200ml", 99, "바디로션", "body"),              # a perfume-scented body lotion
    ("옴므 올인원 스킨 하이드로 트리트먼트 150ml", 103, "올인원", "skincare"),
    ("파워부스팅 페이스 트리트먼트 110ml", 103, "에센스", "skincare"),   # a face treatment
    ("동백 트리트먼트 500ml", 100, "트리트먼트", "hair"),              # a hair treatment
    ("UV 프로텍터 톤업 2개 + 뽀모도로 타이머 & 포스트카드", 97, "선크림", "skincare"),
    ("프리미엄 샴푸 브러쉬 1입", 101, "헤어 브러시", "tool"),
    ("퍼즐 비건 디퓨저 200ml", 101, "디퓨저", "home"),
    ("트래블 파우치", 101, "파우치", "lifestyle"),
    ("Daily Sun Stick SPF50", None, "선스틱", "skincare"),
    ("Clip-on Mirror", None, "", ""),                                  # "lip" inside a word is no lip
    ("자음2종 세트 (150ml+125ml)", 97, "기초세트", "skincare"),
])
def test_sub_type_and_kind_from_the_name(name, category, sub_type, kind):
    attrs = product_attributes(name, category=category)
    assert (attrs.sub_type, attrs.kind) == (sub_type, kind)
    if sub_type:
        assert any(e.field == "sub_type" and e.source == "name" for e in attrs.evidence)


def test_sub_type_from_reviews_only_when_most_agree():
    agree = product_attributes("PDRN 카페인샷 30ml", category=97,
                               reviews=("앰플 제형이 좋아요", "이 앰플 재구매", "향이 좋아요"))
    assert agree.sub_type == "앰플"
    assert any(e.source == "review" and "2/3" in e.detail for e in agree.evidence)
    split = product_attributes("PDRN 카페인샷 30ml", category=97, reviews=("앰플 같아요", "크림이랑 써요", "좋음"))
    assert split.sub_type == "" and split.kind == "skincare"


def test_unknown_type_falls_back_to_the_category_kind_only():
    attrs = product_attributes("월리 에디션 3", category=98)
    assert attrs.sub_type == "" and attrs.kind == "makeup"
    assert product_attributes("무언가", category=None).kind == ""


@pytest.mark.parametrize("category, kind", [
    (97, "skincare"), (98, "makeup"), (99, "fragrance"), (100, "body"), (101, "tool"), (103, "skincare"),
    ("스킨케어", "skincare"), ("맨즈", "skincare"), ("뷰티툴", "tool"), ("헤어", "hair"), ("hair", "hair"),
    ("헤어바디", "body"), ("기초", "skincare"), (102, ""), ("기타", ""),
])
def test_every_category_the_catalog_reads_hints_its_kind(category, kind):
    """The loader's codes and names (product_types.category_of) and one CATEGORY_KIND table."""
    assert product_attributes("월리 에디션 3", category=category).kind == kind


# -- sets, volume, gender ------------------------------------------------------------------


@pytest.mark.parametrize("name, is_set", [
    ("기초 2종 세트 (150ml+150ml)", True),
    ("[기획] 크림 50ml", True),
    ("솔리드 퍼퓸 디스커버리 3종 키트 (5mlx3)", True),
    ("쿠션 (본품15g+리필15g)", True),
    ("선크림 1+1", True),
    ("틴티드 립 세럼 (8종) 12g", False),     # eight shades, one product
    ("세뇨리나 여성향수 100ml 3종택1", False),  # choose one of three
    ("순면 화장솜 100매", False),
])
def test_is_set(name, is_set):
    assert product_attributes(name).is_set is is_set


@pytest.mark.parametrize("name, volume", [
    ("순면 5겹 화장솜 50매 / 120매", "50매 / 120매"),
    ("솔리드 퍼퓸 키트 (5mlx3)", "5mlx3"),
    ("탄력3종 세트 (150ml+125ml+50ml)", "150ml+125ml+50ml"),
    ("블랙 쿠션 00P1 SPF34/PA++ 15g", "15g"),
    ("파우치", ""),
])
def test_volume(name, volume):
    assert volume_of(name) == volume


@pytest.mark.parametrize("name, category, gender", [
    ("헤라 옴므 에센스 인 스킨 125ml", 97, "men"),
    ("맨 올데이 퍼펙트 올인원", 97, "men"),
    ("본윤 데일리 루틴(설화수맨2종)", 97, "men"),
    ("로맨틱 스페셜 2종 세트", 97, "unisex"),    # 맨 inside 로맨틱 is no man
    ("로맨틱 스페셜 2종 세트", 103, "men"),      # …but the men's category is
    ("Daily Lotion for Men", None, "men"),
    ("세뇨리나 여성향수 100ml", 99, "women"),
    ("수분 크림", 97, "unisex"),
])
def test_target_gender(name, category, gender):
    assert product_attributes(name, category=category).target_gender == gender


# -- functions, concerns, skin types -------------------------------------------------------


def test_functions_only_from_registration_signals():
    assert product_attributes("광채 선크림 SPF50+/PA++++ 70ml").functions == ("uv",)
    assert product_attributes("쿠션 SPF34/PA++").functions == ("uv",)
    assert product_attributes("화이트 세럼 미백 기능성").functions == ("whitening",)
    assert product_attributes("링클 크림 (주름개선 기능성)").functions == ("wrinkle",)
    assert product_attributes("3중 기능성 크림").functions == ("whitening", "wrinkle", "uv")
    assert product_attributes("브라이트닝 세럼").functions == ()   # a wish, not a registration


def test_concerns_need_enough_reviews():
    one = product_attributes("데일리 크림", category=97, reviews=("촉촉해요", "무난해요", "향이 좋아요", "그냥 그래요"))
    assert "moisture" not in one.concerns and one.support["moisture"] == 1
    two = product_attributes("데일리 크림", category=97, reviews=("촉촉해요", "속건조가 없어요", "향이 좋아요"))
    assert "moisture" in two.concerns and two.support["moisture"] == 2
    assert any(e.field == "concerns" and e.source == "review" and e.detail == "2/3 reviews" for e in two.evidence)


def test_fragrance_tools_and_home_never_carry_skin_concerns():
    moist = ("촉촉해요 보습 최고", "촉촉하고 건성에 좋아요", "수분 가득 촉촉")
    for name, category in (("달빛 EDP 50ml", 99), ("쿠션 퍼프 2ea", 101), ("수분 디퓨저 200ml", 101)):
        attrs = product_attributes(name, category=category, reviews=moist)
        assert attrs.concerns == () and attrs.skin_types == (), name


def test_concerns_and_skin_types_from_the_name():
    attrs = product_attributes("시카 진정 수분 크림 민감 피부용", category=97)
    assert set(attrs.concerns) == {"calming", "moisture"} and attrs.skin_types == ("sensitive",)


@pytest.mark.parametrize("text, benefits", [
    ("보습력은 약하지만 진정에 좋아요", ("calming",)),
    ("속건조가 없고 촉촉해요", ("moisture",)),
    ("1시간 지나면 약간 속건조 있음", ()),
    ("촉촉하지 않아요", ()),
    ("피부가 환해지고 탄력이 생겼어요", ("anti_aging", "brightening")),
    ("자극 없이 순해요", ()),                      # tolerance, not a benefit (benchmarks/labels/README.md)
    ("붉은기가 가라앉고 진정돼요", ("calming",)),
    ("향이 좋아요", ()),
])
def test_review_benefits_respect_negation_and_contrast(text, benefits):
    assert review_benefits(text) == benefits


def test_review_skin_types():
    assert review_skin_types("저는 건성인데 잘 맞아요") == ("dry",)
    assert review_skin_types("지성분들께 추천해요") == ("oily",)
    assert review_skin_types("민감한 피부엔 따가워요") == ()


# -- names ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name, clean", [
    ("[73%OFF] 롤리타 EDP 100ml (정가 185,000원)", "롤리타 EDP 100ml"),
    ("디퓨저 티가든 100ml (원산지:상세설명참조)", "디퓨저 티가든 100ml"),
    ("[아모레몰 ONLY] 아토베리어365 크림 80ml 더블 세트", "아토베리어365 크림 80ml 더블 세트"),
    ("탄력3종 세트 (150ml+125ml+50ml)", "탄력3종 세트 (150ml+125ml+50ml)"),
    ("[리필]", "[리필]"),                       # nothing but a tag: keep it rather than nothing
])
def test_clean_name(name, clean):
    assert clean_name(name) == clean


def test_short_name_drops_volume_variants_and_leading_brand():
    attrs = product_attributes("퍼즐우드 비건 디퓨저 200ml", brand="퍼즐우드")
    assert attrs.short_name == "비건 디퓨저"
    attrs = product_attributes("NEW 솔리드 퍼퓸 (샌달우드/블랙티) 30ml")
    assert attrs.short_name == "NEW 솔리드 퍼퓸"
    assert product_attributes("쿠션 SPF34/PA++ 15g").short_name == "쿠션 SPF34/PA++"


# -- the loader ----------------------------------------------------------------------------


def test_legacy_export_is_understood_from_its_text():
    catalog = load_catalog(fixture("legacy_real_shape.json"))
    p = catalog.products.set_index("product_id")
    assert p.loc["p-sun", "sub_type"] == "선크림" and p.loc["p-sun", "functions"] == ["uv"]
    assert p.loc["p-sun", "display_name"] == "하늘결 데일리 선크림 SPF50+/PA++++ 50ml"
    assert "moisture" in p.loc["p-sun", "concerns"] and "dry" in p.loc["p-sun", "skin_types"]
    assert (p.loc["p-edp", "kind"], p.loc["p-edp", "concerns"]) == ("fragrance", [])
    assert (p.loc["p-puff", "sub_type"], p.loc["p-puff", "kind"]) == ("퍼프", "tool")
    assert p.loc["p-homme", "target_gender"] == "men" and p.loc["p-homme", "is_set"]
    assert p.loc["p-diffuser", "kind"] == "home" and "원산지" not in p.loc["p-diffuser", "display_name"]
    assert p.loc["p-cotton", "volume"] == "50매 / 120매"
    assert (p["sub_type"] != "0").all()


def test_zero_ratings_are_missing_and_product_ratings_kept():
    catalog = load_catalog(fixture("legacy_real_shape.json"))
    assert catalog.interactions["rating"].isna().all()
    assert catalog.interactions["date"].isna().all()
    ratings = catalog.products.set_index("product_id")["rating"]
    assert ratings["p-sun"] == 4.8 and math.isnan(ratings["p-edp"])


def test_the_demo_catalog_keeps_its_own_attributes():
    records = json.loads(DEMO_CATALOG.read_text(encoding="utf-8"))
    records = records["products"] if isinstance(records, dict) else records
    products = load_catalog(DEMO_CATALOG).products.set_index("product_id")
    for record in records[:200]:
        row = products.loc[record["product_id"]]
        assert row["sub_type"] == record["sub_type"]
        assert row["concerns"] == record["concerns"] and row["functions"] == record["functions"]
        assert row["skin_types"] == record["skin_types"]
        assert row["kind"] == kind_of(record["sub_type"])


def test_an_exports_own_values_win(tmp_path):
    path = tmp_path / "products.json"
    path.write_text(json.dumps([{
        "product_id": "x1", "name": "수분 선크림 SPF50", "brand": "b", "category": "스킨케어", "price": 1000,
        "sub_type": "sunscreen", "concerns": ["진정"], "skin_types": [], "reviews": [],
    }]), encoding="utf-8")
    row = load_catalog(path).products.iloc[0]
    assert row["sub_type"] == "선크림"                      # canonical form of the export's own value
    assert row["concerns"] == ["calming"]                   # the export's, not the name's 수분
    assert row["functions"] == ["uv"]                       # the export has no field: mined from SPF
    assert row["skin_types"] == []                          # an empty field given is an answer too
    sources = {(e["field"], e["source"]) for e in row["evidence"]}
    assert ("concerns", "export") in sources and ("functions", "name") in sources
