"""The free-text profile parser: a broad table of phrasings, errors, and properties."""

from __future__ import annotations

import json

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from recsys.parsing import ProfileParseError, _PHRASES, parse_profile, parse_profile_info
from recsys.personas import persona_names
from recsys.profile import CATEGORIES, CONCERNS, SKIN_TYPES, Profile

F, M = "F", "M"

# (text, expected fields). Only the listed fields are checked, except that a listed
# `concerns` must match exactly (as a set).
CASES: list[tuple[str, dict[str, object]]] = [
    # --- the acceptance example and its Korean twin
    ("30s dry-skin woman, moisture",
     dict(age_min=30, age_max=39, gender=F, skin_type="dry", concerns=["moisture"],
          persona="Dry_Winter")),
    ("30대 건성 여성 보습",
     dict(age_min=30, age_max=39, gender=F, skin_type="dry", concerns=["moisture"])),
    # --- ages
    ("thirties woman", dict(age_min=30, age_max=39, gender=F)),
    ("30's female", dict(age_min=30, age_max=39, gender=F)),
    ("30 something lady", dict(age_min=30, age_max=39, gender=F)),
    ("thirty-something mom", dict(age_min=30, age_max=39, gender=F)),
    ("20s oily", dict(age_min=20, age_max=29, skin_type="oily")),
    ("early 30s", dict(age_min=30, age_max=33)),
    ("mid-30s", dict(age_min=33, age_max=36)),
    ("late 30s", dict(age_min=36, age_max=39)),
    ("late twenties", dict(age_min=26, age_max=29)),
    ("30대 초반", dict(age_min=30, age_max=33)),
    ("30대 중반 여성", dict(age_min=33, age_max=36, gender=F)),
    ("40대후반 남성", dict(age_min=46, age_max=49, gender=M)),
    ("32 dry", dict(age_min=32, age_max=32, skin_type="dry")),
    ("dry,32", dict(age_min=32, age_max=32, skin_type="dry")),
    ("female customers, 25~35, 지성/복합성", dict(age_min=25, age_max=35, skin_type="oily")),
    ("20% off for 30s", dict(age_min=30, age_max=39)),
    ("32-year-old woman", dict(age_min=32, age_max=32, gender=F)),
    ("32 years old male", dict(age_min=32, age_max=32, gender=M)),
    ("age 32", dict(age_min=32, age_max=32)),
    ("aged 45, wrinkles", dict(age_min=45, age_max=45, concerns=["anti_aging"])),
    ("32세 여성", dict(age_min=32, age_max=32, gender=F)),
    ("27살 남자", dict(age_min=27, age_max=27, gender=M)),
    ("25-34 women", dict(age_min=25, age_max=34, gender=F)),
    ("25 to 34", dict(age_min=25, age_max=34)),
    ("25~34세", dict(age_min=25, age_max=34)),
    ("between 25 and 34", dict(age_min=25, age_max=34)),
    ("20s-30s", dict(age_min=20, age_max=39)),
    ("20~30대 여성", dict(age_min=20, age_max=39, gender=F)),
    ("30-40대 여성", dict(age_min=30, age_max=49, gender=F)),
    ("40+ wrinkles", dict(age_min=40, age_max=None, concerns=["anti_aging"])),
    ("40 and up", dict(age_min=40, age_max=None)),
    ("over 40 women", dict(age_min=40, age_max=None, gender=F)),
    ("50대 이상 탄력", dict(age_min=50, age_max=None, concerns=["anti_aging"])),
    ("40세 이상", dict(age_min=40, age_max=None)),
    ("under 25 acne", dict(age_min=None, age_max=24, concerns=["acne"])),
    ("25세 미만", dict(age_min=None, age_max=24)),
    ("teens acne", dict(age_min=10, age_max=19, concerns=["acne"])),
    ("10대 트러블", dict(age_min=10, age_max=19, concerns=["acne"])),
    ("teenager", dict(age_min=10, age_max=19)),
    ("60대 엄마 선물", dict(age_min=60, age_max=69, gender=F, concerns=["gift"])),
    # --- gender
    ("women", dict(gender=F)),
    ("ladies sensitive", dict(gender=F, skin_type="sensitive")),
    ("F 30s", dict(gender=F, age_min=30)),
    ("30s M", dict(gender=M, age_min=30)),
    ("guy with oily skin", dict(gender=M, skin_type="oily")),
    ("dad", dict(gender=M)),
    ("아빠 선물", dict(gender=M, concerns=["gift"])),
    ("어머니 주름", dict(gender=F, concerns=["anti_aging"])),
    ("여자 20대", dict(gender=F, age_min=20)),
    ("men and women 20s", dict(gender=None, age_min=20)),
    ("unisex fragrance", dict(gender=None, category="fragrance")),
    ("남녀공용 향수", dict(gender=None, category="fragrance")),
    ("i'm looking for dry skin", dict(gender=None, skin_type="dry")),
    ("women's moisturizer", dict(gender=F, concerns=["moisture"])),
    # --- skin types
    ("악건성", dict(skin_type="dry")),
    ("combo skin, pores", dict(skin_type="combination", concerns=["pores"])),
    ("복합성 모공", dict(skin_type="combination", concerns=["pores"])),
    ("민감 진정", dict(skin_type="sensitive", concerns=["calming"])),
    ("중성 피부", dict(skin_type="normal")),
    ("normal skin", dict(skin_type="normal")),
    ("수부지", dict(skin_type="oily", concerns=["moisture"])),
    ("dehydrated oily skin", dict(skin_type="oily", concerns=["moisture"])),
    # --- concerns and their synonyms
    ("hydration and fine lines", dict(concerns=["moisture", "anti_aging"])),
    ("속건조 탄력", dict(concerns=["moisture", "anti_aging"])),
    ("redness, soothing", dict(concerns=["calming"])),
    ("홍조", dict(concerns=["calming"])),
    ("rosacea, atopic skin", dict(concerns=["calming"], skin_type="sensitive")),
    ("dark spots and dullness", dict(concerns=["brightening"])),
    ("미백 기미 잡티", dict(concerns=["brightening"])),
    ("tone-up glow", dict(concerns=["brightening"])),
    ("sebum, oil control", dict(concerns=["pores"])),
    ("breakouts and blemishes", dict(concerns=["acne"])),
    ("여드름 피지", dict(concerns=["acne", "pores"])),
    ("present for girlfriend", dict(concerns=["gift"])),
    ("repeat buyers", dict(concerns=["repurchase"], persona="Loyal_Repurchase")),
    ("재구매 고객", dict(concerns=["repurchase"])),
    ("ingredient-conscious", dict(concerns=["ingredients"], persona="Detail_Reviewer")),
    ("성분 꼼꼼", dict(concerns=["ingredients"])),
    ("firmness elasticity 안티에이징", dict(concerns=["anti_aging"])),
    # --- category and budget
    ("skincare under 50,000 won", dict(category="skincare", price_max=50000)),
    ("메이크업 3만원 이하", dict(category="makeup", price_max=30000)),
    ("perfume ₩30k", dict(category="fragrance", price_max=30000)),
    ("향수 over 100,000 won", dict(category="fragrance", price_min=100000)),
    ("10만원 이상 스킨케어", dict(category="skincare", price_min=100000)),
    ("3만원대 선물", dict(price_min=30000, price_max=39999, concerns=["gift"])),
    ("10만원대 향수", dict(price_min=100000, price_max=199999)),
    ("립 틴트 만원대", dict(price_min=10000, price_max=19999)),  # 만원 alone is ten thousand won
    ("오만원 이하 선물", dict(price_max=50000, concerns=["gift"])),
    ("십만원대 향수", dict(price_min=100000, price_max=199999)),
    ("이십만원 이상", dict(price_min=200000)),
    ("만족스러운 보습", dict(price_min=None, price_max=None, concerns=["moisture"])),
    ("₩30k-50k makeup", dict(price_min=30000, price_max=50000, category="makeup")),
    ("3~5만원 바디", dict(price_min=30000, price_max=50000, category="body")),
    ("budget 20000 dry", dict(price_max=20000, skin_type="dry")),
    ("1만5천원 이하 선물", dict(price_max=15000, concerns=["gift"])),
    ("from 20,000 to 40,000 won 30s", dict(price_min=20000, price_max=40000, age_min=30)),
    ("top 10 gift 2024", dict(age_min=None, price_max=None, concerns=["gift"])),
    ("30s woman, under 30,000 won", dict(age_min=30, age_max=39, price_max=30000)),
    ("hair care for men", dict(category="body", gender=M)),
    ("beauty tools", dict(category="tools")),
    # --- typos
    ("30s womn", dict(age_min=30, gender=F)),
    ("sensitve skin", dict(skin_type="sensitive")),
    ("moisure", dict(concerns=["moisture"])),
    ("wrinkels", dict(concerns=["anti_aging"])),
    ("combinaton skin", dict(skin_type="combination")),
    ("oilly femail", dict(skin_type="oily", gender=F)),
    ("hydartion", dict(concerns=["moisture"])),
    # --- Slack markup
    ("*30s* _dry_ `woman`", dict(age_min=30, skin_type="dry", gender=F)),
    ("<@U123ABC> 30대 건성 여성 보습", dict(age_min=30, skin_type="dry", gender=F)),
    (":sparkles: gift for mom :gift:", dict(gender=F, concerns=["gift"])),
    ("~strike~ *민감성* :heart_eyes: 진정", dict(skin_type="sensitive", concerns=["calming"])),
    ("> 40s man <#C024BE7LR|general>", dict(age_min=40, gender=M)),
    # --- key=value and label: value
    ("age=32 gender=F skin_type=oily concerns=acne,pores",
     dict(age_min=32, age_max=32, gender=F, skin_type="oily", concerns=["acne", "pores"])),
    ("skin: dry; concern: moisture; gender: female",
     dict(skin_type="dry", concerns=["moisture"], gender=F)),
    ("age_min=25 age_max=35 category=makeup", dict(age_min=25, age_max=35, category="makeup")),
    ("price_max=50000 price_min=20000", dict(price_min=20000, price_max=50000)),
    ("gender=both, concerns=anti_aging", dict(gender=None, concerns=["anti_aging"])),
    ("persona=Gift_Buyer", dict(persona="Gift_Buyer", concerns=[])),
    ("30대 여성 persona: Anti_Aging", dict(persona="Anti_Aging", age_min=30, gender=F)),
    ("페르소나: 선물 구매형 30대", dict(persona="Gift_Buyer", age_min=30)),
    # --- review profile_info format
    ("30대/여성/건성/보습", dict(age_min=30, gender=F, skin_type="dry", concerns=["moisture"])),
    ("40대/남성/복합성/주름",
     dict(age_min=40, age_max=49, gender=M, skin_type="combination", concerns=["anti_aging"])),
    ("여성/지성", dict(gender=F, skin_type="oily", age_min=None)),
    ("수분부족지성", dict(skin_type="oily", concerns=["moisture"])),
    # --- mixed languages and no spaces
    ("30대건성여성보습", dict(age_min=30, skin_type="dry", gender=F, concerns=["moisture"])),
    ("20대 sensitive 여성 calming", dict(age_min=20, skin_type="sensitive", gender=F,
                                       concerns=["calming"])),
    ("40s 남성 anti-aging 10만원 이하", dict(age_min=40, gender=M, concerns=["anti_aging"],
                                        price_max=100000)),
    ("DRY SKIN WOMAN IN HER 30S", dict(skin_type="dry", gender=F, age_min=30, age_max=39)),
    # --- negation: a negated term is ignored, never a filter
    ("perfume-free toner for dry skin, 30s woman",
     dict(category=None, skin_type="dry", age_min=30, gender=F, concerns=["ingredients"])),
    ("no fragrance sensitive 30s", dict(category=None, skin_type="sensitive", age_min=30)),
    ("woman 30s, no makeup, skincare", dict(category="skincare", gender=F)),
    ("30s woman, not oily", dict(skin_type=None, gender=F, age_min=30)),
    ("not for men, 20s", dict(gender=None, age_min=20)),
    ("without fragrance, dry skin", dict(category=None, skin_type="dry", concerns=[])),
    ("non-comedogenic toner, oily skin", dict(skin_type="oily", concerns=[])),
    ("free of perfume, 40대 주름", dict(category=None, concerns=["anti_aging"])),
    ("everything except makeup, 30s women", dict(category=None, gender=F)),
    ("no makeup or perfume, 20대 여성", dict(category=None, gender=F)),
    ("doesn't want makeup, skincare", dict(category="skincare")),
    ("not very oily, hydration", dict(skin_type=None, concerns=["moisture"])),
    ("not 30s women", dict(gender=F, age_min=30)),  # a number ends the negation's reach
    ("fragrance-free, sensitive", dict(category=None, concerns=["ingredients"],
                                       skin_type="sensitive")),
    ("unscented body lotion", dict(category="body", concerns=["ingredients"])),
    ("30대 여성, 민감성 아님", dict(skin_type=None, gender=F, age_min=30)),
    ("지성 아님, 보습", dict(skin_type=None, concerns=["moisture"])),
    ("민감성이 아닌 20대 여성", dict(skin_type=None, gender=F, age_min=20)),
    ("건성 아니라 지성", dict(skin_type="oily")),
    ("향 없는 토너 30대", dict(category=None, concerns=["ingredients"], age_min=30)),
    ("무향 크림", dict(category=None, concerns=["ingredients"])),
    ("향수 제외 40대 남성", dict(category=None, gender=M, age_min=40)),
    ("메이크업 빼고 스킨케어", dict(category="skincare")),
    ("향수를 제외한 선물", dict(category=None, concerns=["gift"])),
    # A concern followed by 없는/없이/free is the wish, not a negation: "trouble-free skin".
    ("트러블 없이 여성", dict(concerns=["acne"], gender=F)),
    ("잡티 없는 피부 원하는 30대", dict(concerns=["brightening"], age_min=30)),
    ("민감성 아님 30대 모공 없는", dict(skin_type=None, concerns=["pores"], age_min=30)),
    ("남성제외 30대", dict(gender=None, age_min=30)),
    ("무자극 진정 민감", dict(concerns=["calming"], skin_type="sensitive")),
    ("건성 아니면 지성", dict(skin_type="dry")),  # 아니면 is "or", not a negation
    ("no 향수, 30s", dict(category=None, age_min=30)),
]


def _check(profile: Profile, expected: dict[str, object]) -> None:
    got = profile.to_dict()
    for key, value in expected.items():
        if key == "concerns":
            assert sorted(got["concerns"]) == sorted(value), (key, got)  # type: ignore[arg-type]
        else:
            assert got[key] == value, (key, got)


def test_table_is_broad() -> None:
    assert len(CASES) >= 80
    assert len({text for text, _ in CASES}) == len(CASES)


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_phrasings(text: str, expected: dict[str, object]) -> None:
    _check(parse_profile(text), expected)


def test_to_dict_has_exactly_the_contract_keys_and_is_json() -> None:
    d = parse_profile("30s dry-skin woman, moisture").to_dict()
    # The original keys keep their order; new keys only ever come after them.
    assert list(d) == ["age_min", "age_max", "gender", "skin_type", "concerns", "category",
                       "price_min", "price_max", "persona", "sub_types", "named_types", "kind",
                       "brands", "wants_set", "recipient"]
    assert d == {"age_min": 30, "age_max": 39, "gender": "F", "skin_type": "dry",
                 "concerns": ["moisture"], "category": None, "price_min": None,
                 "price_max": None, "persona": "Dry_Winter", "sub_types": [], "named_types": [],
                 "kind": None, "brands": [], "wants_set": False, "recipient": None}
    assert Profile.from_dict(d) == parse_profile("30s dry-skin woman, moisture")
    assert json.loads(json.dumps(d)) == d


@pytest.mark.parametrize("text", ["", "   ", "hello there", "please recommend something nice",
                                  "!!! ???", "<@U123> :wave:", "아무거나 추천해줘", "top 5"])
def test_unrecognisable_text_raises_with_examples(text: str) -> None:
    with pytest.raises(ProfileParseError) as info:
        parse_profile(text)
    message = str(info.value)
    assert "understood: nothing" in message
    assert "30s dry-skin woman, moisture" in message and "30대 건성 여성 보습" in message
    assert "\n" not in message
    assert isinstance(info.value, ValueError)


def test_unknown_explicit_persona_lists_valid_names_and_what_was_understood() -> None:
    with pytest.raises(ProfileParseError) as info:
        parse_profile("30대 여성 persona=Night_Owl")
    message = str(info.value)
    for name in persona_names():
        assert name in message
    assert "age 30–39" in message and "gender F" in message


def test_explicit_persona_wins_over_assignment() -> None:
    assert parse_profile("30s dry-skin woman, moisture").persona == "Dry_Winter"
    assert parse_profile("30s dry-skin woman, moisture, persona=gift_buyer").persona == "Gift_Buyer"


def test_first_skin_type_wins_and_concerns_keep_reading_order() -> None:
    p = parse_profile("oily or dry, 모공 then 보습 then pores")
    assert p.skin_type == "oily"
    assert p.concerns == ("pores", "moisture")


def test_price_is_not_read_as_age_and_age_not_as_price() -> None:
    p = parse_profile("under 25, under 25,000 won")
    assert (p.age_min, p.age_max) == (None, 24)
    assert p.price_max == 25000


def test_swapped_bounds_are_put_in_order() -> None:
    p = parse_profile("age_min=50 age_max=30 price_min=90000 price_max=10000")
    assert (p.age_min, p.age_max) == (30, 50)
    assert (p.price_min, p.price_max) == (10000, 90000)


# --- parse_profile_info: the review format, never raises ---------------------------------

@pytest.mark.parametrize(("info", "expected"), [
    ("30대/여성/건성/보습", dict(age_min=30, age_max=39, gender=F, skin_type="dry",
                            concerns=["moisture"], persona="Dry_Winter")),
    ("40대/남성/복합성/주름", dict(age_min=40, gender=M, skin_type="combination",
                             concerns=["anti_aging"], persona="Anti_Aging")),
    ("여성/지성", dict(gender=F, skin_type="oily", age_min=None, concerns=[])),
    ("수분부족지성", dict(skin_type="oily", concerns=["moisture"])),
    ("20대/여성", dict(age_min=20, age_max=29, gender=F, skin_type=None)),
    ("50대/여성/민감성/진정", dict(skin_type="sensitive", persona="Sensitive_Calming")),
])
def test_profile_info(info: str, expected: dict[str, object]) -> None:
    _check(parse_profile_info(info), expected)


@pytest.mark.parametrize("info", ["", "   ", "///", "알수없음", "?/?/?"])
def test_profile_info_without_anything_readable_is_empty(info: str) -> None:
    assert parse_profile_info(info) == Profile()


def test_profile_info_tolerates_non_strings() -> None:
    assert parse_profile_info(None) == Profile()  # type: ignore[arg-type]


# --- properties ----------------------------------------------------------------------------

_VOCAB_WORDS = ["30s", "30대", "초반", "여성", "남성", "dry", "건성", "지성", "moisture", "보습",
                "under", "50,000", "won", "3만원", "이상", "이하", "대", "40+", "25-34", "~", "₩",
                "*", "_", "<@U1>", ":x:", "=", ":", "persona", "age", "-", "k", "만", "teens"]
_TEXT = st.one_of(
    st.text(max_size=80),
    st.lists(st.sampled_from(_VOCAB_WORDS) | st.text(max_size=6), max_size=12).map(" ".join),
    st.lists(st.sampled_from(_VOCAB_WORDS) | st.integers(0, 10**7).map(str), max_size=10)
    .map("".join),
)


@settings(max_examples=200, deadline=None)
@given(_TEXT)
def test_any_text_parses_or_raises_profile_parse_error(text: str) -> None:
    try:
        profile = parse_profile(text)
    except ProfileParseError:
        return
    d = profile.to_dict()
    if d["age_min"] is not None and d["age_max"] is not None:
        assert d["age_min"] <= d["age_max"]
    if d["price_min"] is not None and d["price_max"] is not None:
        assert d["price_min"] <= d["price_max"]
    assert d["gender"] in (None, "F", "M")
    assert d["skin_type"] is None or d["skin_type"] in SKIN_TYPES
    assert set(d["concerns"]) <= set(CONCERNS)
    assert d["category"] is None or d["category"] in CATEGORIES
    assert d["persona"] in persona_names()


@settings(max_examples=100, deadline=None)
@given(_TEXT)
def test_profile_info_never_raises(text: str) -> None:
    profile = parse_profile_info(text)
    assert isinstance(profile, Profile)
    if profile.age_min is not None and profile.age_max is not None:
        assert profile.age_min <= profile.age_max


@settings(max_examples=50, deadline=None)
@given(st.sampled_from([c[0] for c in CASES]), st.sampled_from(["", " ", "!!", " :wave:",
                                                                  " please", "\n"]))
def test_noise_around_a_phrase_does_not_change_it(text: str, noise: str) -> None:
    assert parse_profile(text + noise) == parse_profile(text)


_CATEGORY_PHRASES = sorted(
    (phrase, meaning[0][1]) for phrase, meaning in _PHRASES if meaning[0][0] == "category"
)
_NON_CATEGORY_WORDS = st.lists(st.sampled_from(_VOCAB_WORDS) | st.text(max_size=6), max_size=6)


@settings(max_examples=200, deadline=None)
@given(_NON_CATEGORY_WORDS, st.sampled_from(_CATEGORY_PHRASES), _NON_CATEGORY_WORDS)
def test_no_before_a_category_word_never_yields_that_category(
    before: list[str], phrase_and_category: tuple[str, str], after: list[str]
) -> None:
    phrase, category = phrase_and_category
    assume(_category_or_none(" ".join([*before, ",", *after])) != category)
    text = " ".join([*before, "no", phrase, *after])
    assert _category_or_none(text) != category, text


def _category_or_none(text: str) -> str | None:
    try:
        return parse_profile(text).category
    except ProfileParseError:
        return None


def test_case_does_not_matter() -> None:
    for text, _ in CASES:
        assert parse_profile(text.upper()) == parse_profile(text), text
