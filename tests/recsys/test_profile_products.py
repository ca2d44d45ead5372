"""The parser's product vocabulary: types, kinds, sets, recipients, brands, typos.

The words come from ``recsys.product_types`` (the one vocabulary), so the properties below
are stated over that table, not over a copy of it.
"""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from recsys.parsing import RECIPIENT_GENDER, ProfileParseError, parse_profile
from recsys.product_types import BY_NAME, FAMILIES, KINDS, PRODUCT_TYPES

F, M = "F", "M"
BRANDS = ("설화수", "헤라", "Sulwhasoo", "아모레몰 단독", "퍼퓸샵", "포근", "려")

# (text, expected fields); only the listed fields are checked.
CASES: list[tuple[str, dict[str, object]]] = [
    # a request naming only a type is valid
    ("클렌징 오일", dict(named_types=["클렌징오일"], kind="skincare")),
    ("클렌징오일", dict(named_types=["클렌징오일"])),
    ("클렌징 오일을 추천해줘", dict(named_types=["클렌징오일"])),
    ("sunscreen", dict(named_types=["선크림"], sub_types=["선크림", "선스틱"], kind="skincare")),
    ("토너", dict(sub_types=["토너", "스킨"], kind="skincare")),
    ("eye cream for 40s", dict(named_types=["아이크림"], age_min=40, age_max=49)),
    ("아이크림 40대", dict(named_types=["아이크림"], age_min=40)),
    ("쿠션", dict(named_types=["쿠션"], kind="makeup")),
    ("lip tint", dict(named_types=["립틴트"], kind="makeup")),
    ("립", dict(named_types=[], sub_types=list(FAMILIES["립"]), kind="makeup")),
    ("디퓨저", dict(named_types=["디퓨저"], kind="home")),
    ("올인원 남성", dict(named_types=["올인원"], gender=M)),
    ("all-in-one for men", dict(named_types=["올인원"], gender=M)),
    # a type keeps its place in a longer request
    ("30대 여성 선크림 자외선 차단", dict(age_min=30, age_max=39, gender=F, named_types=["선크림"])),
    ("선물용 향수 3만원대", dict(kind="fragrance", concerns=["gift"], price_min=30000,
                           price_max=39999, category="fragrance", sub_types=[])),
    ("perfume for men", dict(gender=M, kind="fragrance", sub_types=[])),
    ("EDT for men", dict(gender=M, kind="fragrance", named_types=["오드뚜왈렛"])),
    ("40대 주름 5만원 이하", dict(age_min=40, concerns=["anti_aging"], price_max=50000,
                             sub_types=[], kind=None)),
    ("3만원 선크림", dict(price_max=30000, named_types=["선크림"])),  # 선 is not "about ₩30,000"
    ("3만원 선 선물", dict(price_max=30000, concerns=["gift"])),
    ("수분크림 건성", dict(named_types=["크림"], concerns=["moisture"], skin_type="dry")),
    ("톤업크림", dict(named_types=["톤업크림"], concerns=["brightening"])),
    ("톤업 미백", dict(named_types=[], concerns=["brightening"])),
    ("body lotion, unscented", dict(named_types=["바디로션"], category="body", kind="body")),
    ("hair oil", dict(named_types=["헤어오일"], kind="hair")),
    ("헤어 케어", dict(kind="hair", category="body")),
    ("홈프래그런스", dict(kind="home")),
    ("스킨케어", dict(kind="skincare", category="skincare", sub_types=[])),
    # negation reaches types too
    ("향수 제외 40대 남성", dict(sub_types=[], kind=None, gender=M)),
    ("no sunscreen, 30s", dict(sub_types=[], age_min=30)),
    # sets
    ("선크림 세트", dict(named_types=["선크림"], wants_set=True)),
    ("기초 세트", dict(wants_set=True, kind="skincare")),
    ("기획세트 30대", dict(wants_set=True, age_min=30)),
    ("gift set for mom", dict(wants_set=True, concerns=["gift"], recipient="mother", gender=F)),
    ("선물세트", dict(wants_set=True, concerns=["gift"])),
    ("기프트", dict(wants_set=False, concerns=["gift"])),
    # recipients: the gender is the user's
    ("남자친구 선물", dict(recipient="boyfriend", gender=M, concerns=["gift"])),
    ("남친 향수", dict(recipient="boyfriend", gender=M)),
    ("boyfriend", dict(recipient="boyfriend", gender=M)),
    ("남편 생일", dict(recipient="husband", gender=M)),
    ("아빠 선물", dict(recipient="father", gender=M)),
    ("아버지 스킨", dict(recipient="father", gender=M, named_types=["스킨"])),
    ("엄마 선물", dict(recipient="mother", gender=F)),
    ("어머니 크림", dict(recipient="mother", gender=F, named_types=["크림"])),
    ("여자친구 선물", dict(recipient="girlfriend", gender=F)),
    ("여친 립", dict(recipient="girlfriend", gender=F)),
    ("아내 선물", dict(recipient="wife", gender=F)),
    ("30대 여성이 남편에게 줄 선물", dict(recipient="husband", gender=M, age_min=30)),
    ("남성 고객이 여자친구 선물", dict(recipient="girlfriend", gender=F)),
    ("엄마 아빠 선물", dict(gender=None, concerns=["gift"])),
    ("할아버지 선물", dict(recipient="grandfather", gender=M)),
    # typos: one edit in English, one jamo in Korean
    ("sunscren", dict(named_types=["선크림"])),
    ("clensing oil", dict(named_types=["클렌징오일"])),
    ("difuser", dict(named_types=["디퓨저"])),
    ("foundaton", dict(named_types=["파운데이션"])),
    ("디퓨져", dict(named_types=["디퓨저"])),
    ("클랜징오일", dict(named_types=["클렌징오일"])),
    ("에쎈스 30대", dict(named_types=["에센스"], age_min=30)),
    ("썬크림", dict(named_types=["선크림"])),
    ("클랜징 오일", dict(named_types=["클렌징오일"])),  # a typo in the first word of a phrase
]


def _check(text: str, expected: dict[str, object], brands: tuple[str, ...] = ()) -> None:
    got = parse_profile(text, brands=brands).to_dict()
    for key, value in expected.items():
        if key == "concerns":
            assert sorted(got[key]) == sorted(value), (text, key, got)  # type: ignore[arg-type]
        else:
            assert got[key] == value, (text, key, got)


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_product_phrasings(text: str, expected: dict[str, object]) -> None:
    _check(text, expected)


@pytest.mark.parametrize(("text", "expected"), [
    ("설화수 크림", dict(brands=["설화수"], named_types=["크림"])),
    ("설화수크림 50대", dict(brands=["설화수"], named_types=["크림"], age_min=50)),
    ("설화수를 좋아하는 40대", dict(brands=["설화수"], age_min=40)),
    ("SULWHASOO serum", dict(brands=["Sulwhasoo"], named_types=["세럼"])),
    ("헤라 쿠션 or 설화수", dict(brands=["헤라", "설화수"])),
    ("아모레몰단독 세트", dict(brands=["아모레몰 단독"], wants_set=True)),
    ("퍼퓸샵", dict(brands=["퍼퓸샵"], sub_types=[], category=None)),  # not read as perfume too
    ("포근한 향수", dict(brands=[])),  # a brand that is a common word is read only whole
    ("려 샴푸", dict(brands=["려"], named_types=["샴푸"])),
    ("고려인삼 크림", dict(brands=[])),
])
def test_catalog_brands(text: str, expected: dict[str, object]) -> None:
    _check(text, expected, BRANDS)


def test_brand_only_request_is_valid_only_with_the_catalogs_brands() -> None:
    assert parse_profile("설화수", brands=BRANDS).brands == ("설화수",)
    with pytest.raises(ProfileParseError):
        parse_profile("설화수")


def test_type_only_requests_no_longer_fail() -> None:
    for text in ("클렌징 오일", "sunscreen", "디퓨저", "세트"):
        parse_profile(text)


def test_describe_in_errors_names_types_and_brands() -> None:
    with pytest.raises(ProfileParseError) as info:
        parse_profile("선크림 헤라 persona=Night_Owl", brands=BRANDS)
    assert "type sunscreen" in str(info.value) and "brand 헤라" in str(info.value)


# --- properties over the product vocabulary ---------------------------------------------

_SPELLINGS = sorted({
    (word, t.name) for t in PRODUCT_TYPES for word in (t.name, *t.spellings)
})
_FILLER = st.lists(st.sampled_from(["30대", "여성", "건성", "추천", "please", "2024", ",", "보습",
                                    "for", "제품"]), max_size=4)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_SPELLINGS), _FILLER, _FILLER)
def test_any_spelling_of_a_type_admits_that_type(spelling: tuple[str, str], before: list[str],
                                                 after: list[str]) -> None:
    """Every spelling in the table, anywhere in a request, keeps its type admitted.

    Spellings that the request vocabulary reads as something else first (a concern such as
    톤업, moisturizer) are the documented exception.
    """
    word, name = spelling
    alone = parse_profile(word)
    assume(alone.sub_types)  # e.g. "톤업" is the brightening concern, not a type
    assert name in alone.sub_types, (word, alone)
    profile = parse_profile(" ".join([*before, word, *after]))
    assert name in profile.sub_types, (word, profile)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40) | st.lists(st.sampled_from(
    [s for s, _ in _SPELLINGS] + ["세트", "남친", "엄마", "no", "제외", "3만원대", "men"]),
    max_size=6).map(" ".join))
def test_product_fields_are_always_consistent(text: str) -> None:
    try:
        profile = parse_profile(text, brands=BRANDS)
    except ProfileParseError:
        return
    assert set(profile.named_types) <= set(profile.sub_types) <= set(BY_NAME)
    assert list(profile.sub_types[: len(profile.named_types)]) == list(profile.named_types)
    for name in profile.named_types:  # a named type brings its whole family
        assert set(FAMILIES[BY_NAME[name].family]) <= set(profile.sub_types)
    assert profile.kind is None or profile.kind in KINDS
    if profile.sub_types and profile.kind is not None:
        assert profile.kind in {BY_NAME[t].kind for t in profile.sub_types} or profile.category
    assert set(profile.brands) <= set(BRANDS)
    assert profile.recipient is None or profile.recipient in RECIPIENT_GENDER
    if profile.recipient is not None and profile.gender is not None:
        assert profile.gender in {RECIPIENT_GENDER[r] for r in RECIPIENT_GENDER}
    d = profile.to_dict()
    assert list(d)[:9] == ["age_min", "age_max", "gender", "skin_type", "concerns", "category",
                           "price_min", "price_max", "persona"]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(RECIPIENT_GENDER)), st.sampled_from(["여성", "남성", "woman", "man", ""]))
def test_a_recipient_decides_the_gender_over_the_buyers(recipient: str, buyer: str) -> None:
    words = {"boyfriend": "남자친구", "husband": "남편", "father": "아빠", "son": "아들",
             "brother": "남동생", "grandfather": "할아버지", "girlfriend": "여자친구", "wife": "아내",
             "mother": "엄마", "daughter": "daughter", "sister": "언니", "grandmother": "할머니"}
    profile = parse_profile(f"{buyer} {words[recipient]} 선물")
    assert profile.recipient == recipient
    assert profile.gender == RECIPIENT_GENDER[recipient]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([s for s, n in _SPELLINGS if parse_profile(s).sub_types]),
       st.sampled_from(["no", "not", "without"]))
def test_a_negated_type_is_not_a_filter(spelling: str, negator: str) -> None:
    assert not parse_profile(f"{negator} {spelling}, 30s").sub_types or " " in spelling


@settings(max_examples=150, deadline=None)
@given(st.sampled_from([s for s, _ in _SPELLINGS if s.isalpha() and s.isascii() and len(s) >= 7
                         and parse_profile(s).sub_types]),
       st.integers(0, 50), st.sampled_from(["drop", "double", "swap"]))
def test_one_typo_in_a_long_english_type_word_is_forgiven(word: str, at: int, how: str) -> None:
    i = at % (len(word) - 1)
    typo = {"drop": word[:i] + word[i + 1:], "double": word[:i] + word[i] + word[i:],
            "swap": word[:i] + word[i + 1] + word[i] + word[i + 2:]}[how]
    assume(typo != word)
    assert set(parse_profile(word).sub_types) <= set(parse_profile(typo).sub_types), (word, typo)
