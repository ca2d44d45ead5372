"""Reviewer understanding: what a review says about its writer, and what the product did.

Texts are written for these tests in the shape of real mall reviews (free spacing, dropped
subjects, contrast and negation); none comes from ../shared.
"""

from __future__ import annotations

import json

import pytest

from recsys.catalog import INTERACTION_COLUMNS, load_catalog
from recsys.profile import Profile
from recsys.reviewers import review_benefits, reviewer_profile
from recsys.train import train, usable_interactions
from tests.recsys._model_helpers import tiny_config


def _profile(text: str) -> Profile:
    return reviewer_profile(text) or Profile()


# -- age -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text, lo, hi", [
    ("30대후반 입니다. 평생 이 라인만 썼어요", 36, 39),
    ("40대 중반이에요 요즘 부쩍 건조해요", 43, 46),
    ("20살 대학생인데 처음 써봐요", 20, 20),
    ("어느덧 40이되고 피부가 예전 같지 않네요", 40, 40),
    ("이젠 40대가되니 글로시한 게 좋아요", 40, 49),
    ("(30대 초반, 여행 자주 다님) 파우치 최고", 30, 33),
    ("30대 여성입니다. 건조해서 샀어요", 30, 39),
    ("나이: 35살, 피부가 얇아요", 35, 35),
])
def test_the_writers_own_age(text, lo, hi):
    profile = _profile(text)
    assert (profile.age_min, profile.age_max) == (lo, hi)


@pytest.mark.parametrize("text", [
    "1회 도포시 10분~30분 이내는 촉촉하고 쫀쫀함",      # durations
    "21호 쓰는데 21N1이 딱 맞아요",                     # a shade number
    "엄마 선물로 샀어요. 엄마가 50대신데 좋아하세요",    # someone else's age
    "남편도 이제 마흔이 다 되가는데 좋아하네요",
    "20대 중후반부터 어울릴 것 같은 향이에요",           # whom it suits
    "30대후반까진 괜찮을 것 같아요",
    "20대때부터 한번씩 발라봤던 브랜드예요",             # the past
    "40년 동안 이 브랜드에 관심이 없었어요",
    "30대 여성분들께 추천해요",
    "20~30대 여성에게 인기 많은 향",
    "50대 엄마가 쓰시기 좋아요",
])
def test_numbers_that_are_not_the_writers_age(text):
    profile = _profile(text)
    assert profile.age_min is None and profile.age_max is None


def test_a_life_story_keeps_the_latest_age():
    profile = _profile("20대 초반부터 이 제품을 썼는데 20대 후반 되니까 속건조가 생기더라구요")
    assert profile.age_band == 20 and profile.age_min >= 26


# -- skin type ------------------------------------------------------------------------------


@pytest.mark.parametrize("text, skin", [
    ("저는 건성인데 이 크림은 촉촉해요", "dry"),
    ("악건성이라 겨울엔 아무것도 안 맞아요", "dry"),
    ("수부지라서 가벼운 제형이 좋아요", "oily"),
    ("평생을 수분부족형지성으로 살아왔어요", "oily"),
    ("복합성 예민 피부라 아무거나 못 써요", "combination"),     # a base type beats sensitive
    ("민감한 피부인 저에게도 자극이 없었어요", "sensitive"),
    ("제 복합성 피부에는 딱 적당한 보습감", "combination"),
    ("피부타입 : 건성, 노란끼가 도는 편", "dry"),
    ("이마는 복합, 볼은 건성이에요", "combination"),             # mixed zones
    ("전 피부가 건조하고 예민한편이고 마스크에 지쳤어요", "dry"),
    ("얼굴이 예민해서 아무거나 못 바르는데 이건 괜찮아요", "sensitive"),
    ("극지성이 되서 기름종이를 달고 살아요", "oily"),
    ("30대 지성 여성입니다", "oily"),
])
def test_the_writers_own_skin_type(text, skin):
    assert _profile(text).skin_type == skin


@pytest.mark.parametrize("text", [
    "지성분들께 추천해요",                                # advice to others
    "너무 악건성 분들께 추천하기는 애매해요",
    "특히 지성 피부라면 낮에는 소량만 쓰세요",            # a condition
    "건성피부에도 속건조 없이 촉촉해요",                  # suitability
    "민감한 피부에도 무리 없이 쓸 수 있어요",
    "아빠가 지성피부 타입이셔서 산뜻한 걸 좋아하세요",    # someone else's skin
    "동생이 건성이라 선물했어요",
    "화농성 여드름은 없고 지성까진 아님",                  # negated
    "향에 민감해서 디퓨저는 신중하게 골라요",              # the nose, not the skin
    "건성용 크림이라 무거워요",
    "저희 엄마는 건성이세요",
    "건성이신 분들은 꼭 써보세요",
])
def test_skin_words_that_are_not_the_writers_skin(text):
    assert _profile(text).skin_type is None


# -- gender and concerns ----------------------------------------------------------------------


@pytest.mark.parametrize("text, gender", [
    ("남편이 쓰려고 샀는데 좋아하네요", "F"),
    ("신랑 생일 선물로 구매했어요", "F"),
    ("와이프가 추천해줘서 써봤습니다", "M"),
    ("여자인 저도 직접 써봤는데 좋아요", "F"),
    ("30대 여성입니다. 건조해서 샀어요", "F"),
    ("남편이랑 와이프 얘기를 하다가", None),               # contradictory: unknown
    ("엄마 선물로 샀어요", None),                          # a gift says nothing about the buyer
    ("화장솜으로 닦아내기 좋아요", None),                  # 닦아내기 holds 아내
    ("남편분들이 좋아할 향", None),
])
def test_gender(text, gender):
    assert _profile(text).gender == gender


@pytest.mark.parametrize("text, concerns", [
    ("모공이 넓은 편이라 늘 고민이에요", ("pores",)),
    ("저는 속건조가 심한 편이에요", ("moisture",)),
    ("수부지에 여드름이 자주 올라와요", ("moisture", "acne")),
    ("피부 탄력이 떨어지는 게 걱정이었어요", ("anti_aging",)),
    ("건조할 때 크림으로 쓰기엔 부족해요", ()),              # a situation, not the writer
    ("속건조를 잡아줘서 좋아요", ()),                        # a result, not a concern
])
def test_own_concerns(text, concerns):
    assert _profile(text).concerns == concerns


def test_nothing_known_is_none():
    assert reviewer_profile("향이 좋아요. 배송도 빨라요") is None
    assert reviewer_profile("") is None
    assert reviewer_profile("지성분들께 추천해요") is None


# -- benefits ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text, benefits", [
    ("보습력은 약하지만 진정에 좋아요", ("calming",)),
    ("속건조가 없고 촉촉해요", ("moisture",)),
    ("건조하지 않게 오래가요", ("moisture",)),
    ("수분감이 부족하지도 않고 가벼워요", ("moisture",)),     # two negations
    ("촉촉하지 않아요", ()),
    ("촉촉한 느낌은 아니고 그냥 그래요", ()),
    ("크림은 너무 건조해요", ()),
    ("보습 효과는 조금 떨어지는 느낌이에요", ()),
    ("트러블이 많이 들어갔어요", ("acne",)),
    ("트러블 없이 잘 썼어요", ()),                           # tolerance, not a benefit
    ("자극 없이 순해요", ()),
    ("오히려 피부가 덜 예민해진 느낌이에요", ("calming",)),
    ("모공이 정돈된 느낌이에요", ("pores",)),
    ("모공을 더 부각시켜서 아쉬워요", ()),
    ("피부 톤이 한층 밝아졌어요", ("brightening",)),
    ("피부가 환해지고 탄력이 생겼어요", ("anti_aging", "brightening")),
    ("탄력크림 세트로 부모님께 선물했어요", ()),             # the product's name
    ("주름 개선에 도움을 줄 수 있다고 해요", ()),            # hearsay
    ("퍼프가 부드럽고 탄력이 있어요", ()),                   # a thing's elasticity
    ("탄력과 보습을 원하는 분들께 추천해요", ()),            # advice to others
    ("향이 좋아요", ()),
])
def test_review_benefits(text, benefits):
    assert review_benefits(text) == benefits


def test_mining_reads_benefits_the_same_way():
    from recsys.mining import review_benefits as mining_benefits

    text = "보습력은 약하지만 진정에 좋아요. 트러블 없이 잘 썼어요"
    assert mining_benefits(text) == review_benefits(text) == ("calming",)


# -- the catalog ------------------------------------------------------------------------------


def _legacy(path, products):
    path.write_text(json.dumps(products, ensure_ascii=False), encoding="utf-8")
    return path


def test_legacy_reviews_become_interactions_with_mined_profiles(tmp_path):
    path = _legacy(tmp_path / "amoremall_reviews.json", [
        {"product_id": "c1", "product_name": "하늘결 수분 크림 50ml", "price": 30000, "brand_name": "하늘결",
         "category": 97, "sub_category": 0, "rating": 4.8, "reviews": [
             {"reviewer": "", "rating": 0, "content": "30대후반 입니다. 저는 건성인데 촉촉해요", "date": ""},
             {"reviewer": "", "rating": 0, "content": "지성분들께 추천해요. 향도 좋아요", "date": ""},
             {"reviewer": "", "rating": 0, "content": "엄마 선물로 샀어요", "date": ""},
         ]},
    ])
    inter = load_catalog(path).interactions
    assert list(inter.columns) == list(INTERACTION_COLUMNS) and INTERACTION_COLUMNS[-1] == "profile_source"
    assert list(inter["profile_source"]) == ["mined", "", ""]
    first = inter.iloc[0]
    assert (first["age_min"], first["age_max"], first["skin_type"]) == (36, 39, "dry")
    assert first["persona"]                                   # assigned as for export profiles
    assert inter.iloc[1]["skin_type"] is None and inter.iloc[1]["persona"] is None


def test_an_exports_profile_info_wins_over_the_text(tmp_path):
    path = tmp_path / "products.json"
    path.write_text(json.dumps([{
        "product_id": "p1", "name": "수분 크림", "brand": "b", "category": "스킨케어", "price": 1000,
        "reviews": [
            {"text": "저는 건성인데 촉촉해요", "profile_info": "20대/여성/지성", "rating": 5, "date": ""},
            {"text": "저는 건성인데 촉촉해요", "profile_info": "", "rating": 5, "date": ""},
            {"text": "배송이 빨라요", "rating": 5, "date": ""},
        ],
    }], ensure_ascii=False), encoding="utf-8")
    inter = load_catalog(path).interactions
    assert list(inter["profile_source"]) == ["export", "mined", ""]
    assert list(inter["skin_type"]) == ["oily", "dry", None]


def test_train_runs_on_a_legacy_export_with_mined_profiles_only(tmp_path):
    """The real export has no profile_info at all: training must work from what reviews say."""
    said = [
        ("저는 건성인데 촉촉해요", "수분 크림"), ("악건성이라 겨울엔 이것만 써요", "수분 크림"),
        ("수부지라서 가벼운 게 좋아요", "산뜻 젤"), ("지성 피부라 번들거림 없는 게 최고", "산뜻 젤"),
        ("민감한 피부인 저에게도 순해요", "시카 진정 크림"), ("얼굴이 예민해서 이것만 써요", "시카 진정 크림"),
        ("40대가 되니 탄력이 떨어져서 샀어요", "탄력 크림"), ("50대 중반이에요 주름이 고민", "탄력 크림"),
    ]
    products = {}
    for i, (text, name) in enumerate(said * 3):
        product = products.setdefault(name, {
            "product_id": f"p{len(products)}", "product_name": f"{name} 50ml", "price": 20000 + len(products),
            "brand_name": "숲결", "category": 97, "sub_category": 0, "rating": 4.5, "reviews": []})
        product["reviews"].append({"reviewer": f"u{i}", "rating": 0, "content": text, "date": ""})
    catalog = load_catalog(_legacy(tmp_path / "amoremall_reviews.json", list(products.values())))
    assert (catalog.interactions["profile_source"] == "mined").all()
    rows, profiles, _ = usable_interactions(catalog)
    assert len(rows) == len(said) * 3 and all(p.persona for p in profiles)
    result = train(catalog, tiny_config(epochs=3, val_fraction=0.2), progress=False)
    assert result.n_train + result.n_val == len(rows)
