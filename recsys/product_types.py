"""The one product-type vocabulary every catalog, request and draft shares.

A mall's export rarely says what a product *is*: category codes are coarse (one code holds
diffusers, bags and an advent calendar) and ``sub_category`` is often ``0``. The product name
nearly always says it, though — 토너, 선크림 SPF50+, EDP, 쿠션 퍼프, 화장솜 400매 — in Korean or
English, with free spacing. This table is that knowledge, written once: each canonical
sub-type with the *kind* a merchandiser files it under, the *family* a shopper means when
asking for it ("세럼" also finds 에센스 and 앰플), its English label and the spellings it goes
by. :mod:`recsys.mining` reads product names with it, :mod:`recsys.parsing` reads requests with
it, and the drafter picks its copy by kind.

The demo catalog's own ``sub_type`` values are canonical names here, so its products keep
them byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

#: What a merchandiser files a product under. ``lifestyle`` holds goods that are neither
#: cosmetics nor tools (pouches, bags, calendars).
KINDS = ("skincare", "makeup", "fragrance", "body", "hair", "home", "tool", "lifestyle")
KIND_KO = {"skincare": "스킨케어", "makeup": "메이크업", "fragrance": "향수", "body": "바디",
           "hair": "헤어", "home": "홈프래그런스", "tool": "뷰티툴", "lifestyle": "라이프스타일"}
#: Kinds whose products act on the skin; only these may carry skin concerns or skin types.
SKIN_KINDS = frozenset({"skincare", "makeup", "body", "hair"})

# --------------------------------------------------------------------------------------
# Catalog categories: the coarse codes and names an export files products under
# (recsys.profile.CATALOG_CATEGORIES; anything unknown is "other"), and the one table of
# the kind each category implies when nothing more specific (a sub-type) is known.
# --------------------------------------------------------------------------------------

CATEGORY_CODES = {97: "skincare", 98: "makeup", 99: "fragrance", 100: "body", 101: "tools", 103: "men"}
CATEGORY_NAMES = {
    "스킨케어": "skincare", "skincare": "skincare", "skin care": "skincare", "기초": "skincare",
    "메이크업": "makeup", "makeup": "makeup", "make-up": "makeup", "색조": "makeup",
    "향수": "fragrance", "fragrance": "fragrance", "perfume": "fragrance", "프래그런스": "fragrance",
    "바디": "body", "body": "body", "헤어바디": "body", "헤어/바디": "body", "바디케어": "body",
    "헤어": "body", "hair": "body", "hair & body": "body", "hair&body": "body",
    "뷰티툴": "tools", "tools": "tools", "tool": "tools", "뷰티소품": "tools", "도구": "tools",
    "맨즈": "men", "men": "men", "남성": "men", "mens": "men", "homme": "men",
}
#: A men's line is skincare by kind; who a product is for is its ``target_gender``.
CATEGORY_KIND = {"skincare": "skincare", "makeup": "makeup", "fragrance": "fragrance", "body": "body",
                 "tools": "tool", "men": "skincare"}


def category_of(label: str | int | float | None) -> str:
    """The catalog category an export's category code (``97``) or name (``맨즈``) means."""
    if label is None or label == "":
        return "other"
    text = str(label).strip()
    if isinstance(label, (int, float)) or text.isdigit():
        try:
            return CATEGORY_CODES.get(int(float(text)), "other")
        except ValueError:  # NaN
            return "other"
    return CATEGORY_NAMES.get(text.casefold(), "other")


@dataclass(frozen=True)
class ProductType:
    """A canonical sub-type: ``name`` is what catalogs store in ``sub_type``."""

    name: str
    kind: str
    family: str
    en: str
    spellings: tuple[str, ...] = ()
    #: Wins over a type named later in the same product name ("올인원 … 트리트먼트",
    #: "쿠션 파운데이션 퍼프"): things that are clearly the product, not a description of it.
    strong: bool = False


def _t(name: str, kind: str, family: str, en: str, *spellings: str, strong: bool = False) -> ProductType:
    return ProductType(name, kind, family, en, spellings, strong)


PRODUCT_TYPES: tuple[ProductType, ...] = (
    # skincare
    _t("토너", "skincare", "토너", "toner", "토너", "스킨토너", "소프너", "리파이너", "toner", "softener"),
    _t("스킨", "skincare", "토너", "skin (toner)", "스킨", "에센스 인 스킨", "크림 스킨"),
    _t("토너패드", "skincare", "토너패드", "toner pad", "토너패드", "패드", "toner pad", "toner pads"),
    _t("에센스", "skincare", "에센스", "essence", "에센스", "essence", "트리트먼트 에센스", "페이스 트리트먼트",
       "부스터", "booster"),
    _t("세럼", "skincare", "에센스", "serum", "세럼", "serum", "serums"),
    _t("앰플", "skincare", "에센스", "ampoule", "앰플", "ampoule", "ampule"),
    _t("크림", "skincare", "크림", "cream", "크림", "cream", "수분크림", "moisturizer", "moisturiser"),
    _t("아이크림", "skincare", "아이크림", "eye cream", "아이크림", "아이 크림", "eye cream", "eyecream",
       strong=True),
    _t("로션", "skincare", "로션", "lotion", "로션", "에멀젼", "에멀전", "emulsion", "lotion", "플루이드", "fluid"),
    _t("올인원", "skincare", "올인원", "all-in-one", "올인원", "all in one", "all-in-one", "allinone",
       strong=True),
    _t("미스트", "skincare", "미스트", "face mist", "미스트", "mist", "face mist"),
    _t("선크림", "skincare", "선크림", "sunscreen", "선크림", "썬크림", "선블록", "썬블록", "선세럼", "선에센스",
       "선로션", "uv프로텍터", "uv 프로텍터", "uv protector", "sunscreen", "sun cream", "suncream",
       "sunblock", "sun screen", "자외선차단제", "자외선 차단제"),
    _t("선스틱", "skincare", "선크림", "sun stick", "선스틱", "썬스틱", "sun stick", "sunstick", strong=True),
    _t("클렌징폼", "skincare", "클렌징", "cleansing foam", "클렌징폼", "클렌징 폼", "폼클렌징", "폼 클렌징",
       "폼클렌저", "cleansing foam", "foam cleanser", "face wash"),
    _t("클렌징오일", "skincare", "클렌징", "cleansing oil", "클렌징오일", "클렌징 오일", "cleansing oil"),
    _t("클렌징워터", "skincare", "클렌징", "cleansing water", "클렌징워터", "클렌징 워터", "cleansing water",
       "micellar water"),
    _t("클렌징밤", "skincare", "클렌징", "cleansing balm", "클렌징밤", "클렌징 밤", "cleansing balm"),
    _t("클렌저", "skincare", "클렌징", "cleanser", "클렌저", "cleanser", "클렌징", "cleansing"),
    _t("마스크팩", "skincare", "마스크팩", "sheet mask", "마스크팩", "마스크 팩", "시트마스크", "시트 마스크",
       "마스크", "sheet mask", "face mask", "mask pack", "슬리핑팩", "슬리핑 마스크", "sleeping mask",
       "워시오프팩", "팩"),
    _t("스팟 패치", "skincare", "스팟 패치", "spot patch", "스팟 패치", "스팟패치", "트러블 패치", "여드름 패치",
       "spot patch", "pimple patch"),
    _t("기초세트", "skincare", "기초세트", "skincare set", "기초세트", "기초 세트", "스킨케어 세트",
       "skincare set"),
    _t("쉐이빙폼", "skincare", "쉐이빙", "shaving foam", "쉐이빙폼", "쉐이빙 폼", "셰이빙폼", "쉐이빙",
       "shaving foam", "shaving cream"),
    # makeup
    _t("쿠션", "makeup", "쿠션/파운데이션", "cushion", "쿠션", "쿠션팩트", "cushion", "cushion foundation",
       "쿠션 파운데이션", "쿠션파운데이션"),
    _t("파운데이션", "makeup", "쿠션/파운데이션", "foundation", "파운데이션", "foundation"),
    _t("비비크림", "makeup", "쿠션/파운데이션", "BB cream", "비비크림", "비비 크림", "bb크림", "bb cream",
       "cc크림", "cc cream"),
    _t("톤업크림", "makeup", "톤업크림", "tone-up cream", "톤업크림", "톤업 크림", "톤업", "tone up",
       "tone-up"),
    _t("프라이머", "makeup", "프라이머", "primer", "프라이머", "베이스", "primer", "makeup base"),
    _t("컨실러", "makeup", "컨실러", "concealer", "컨실러", "concealer"),
    _t("파우더", "makeup", "파우더", "powder", "파우더", "팩트", "powder", "pact"),
    _t("립스틱", "makeup", "립", "lipstick", "립스틱", "루즈", "lipstick", "rouge"),
    _t("립틴트", "makeup", "립", "lip tint", "립틴트", "립 틴트", "틴트", "lip tint", "tint"),
    _t("립밤", "makeup", "립", "lip balm", "립밤", "립 밤", "lip balm", "립앤치크", "립 앤 치크"),
    _t("립글로스", "makeup", "립", "lip gloss", "립글로스", "글로스", "lip gloss", "gloss", "립 세럼", "립세럼",
       "립오일", "립 오일", "lip serum", "lip oil", "샤인스틱", "립", "lip", "lips"),
    _t("블러셔", "makeup", "블러셔", "blusher", "블러셔", "블러쉬", "치크", "blusher", "blush"),
    _t("아이섀도 팔레트", "makeup", "아이섀도", "eyeshadow palette", "아이섀도 팔레트", "아이섀도우 팔레트",
       "아이섀도", "아이섀도우", "섀도우", "eyeshadow", "eye shadow", "palette"),
    _t("아이라이너", "makeup", "아이라이너", "eyeliner", "아이라이너", "eyeliner"),
    _t("마스카라", "makeup", "마스카라", "mascara", "마스카라", "mascara"),
    _t("아이브로우", "makeup", "아이브로우", "eyebrow pencil", "아이브로우", "브로우", "eyebrow", "brow"),
    # fragrance
    _t("오드퍼퓸", "fragrance", "향수", "eau de parfum", "오드퍼퓸", "오드 퍼퓸", "오 데 퍼퓸", "오데퍼퓸",
       "edp", "eau de parfum", "퍼퓸", "parfum", "perfume", "향수", "fragrance", "미니어처", "miniature"),
    _t("오드뚜왈렛", "fragrance", "향수", "eau de toilette", "오드뚜왈렛", "오드 뚜왈렛", "오 드 뚜왈렛",
       "오드투왈렛", "edt", "eau de toilette", "코롱", "cologne", "edc"),
    _t("고체향수", "fragrance", "향수", "solid perfume", "고체향수", "고체 향수", "솔리드 퍼퓸", "솔리드퍼퓸",
       "solid perfume", strong=True),
    _t("퍼퓸 미스트", "fragrance", "향수", "perfume mist", "퍼퓸 미스트", "퍼퓸미스트", "바디 미스트",
       "바디미스트", "perfume mist", "body mist", "헤어 미스트", "hair mist", strong=True),
    # home fragrance
    _t("디퓨저", "home", "디퓨저/룸스프레이", "diffuser", "디퓨저", "diffuser", "리드 디퓨저", strong=True),
    _t("룸스프레이", "home", "디퓨저/룸스프레이", "room spray", "룸스프레이", "룸 스프레이", "패브릭 미스트",
       "섬유향수", "room spray", "fabric mist", strong=True),
    _t("캔들", "home", "디퓨저/룸스프레이", "candle", "캔들", "향초", "candle", "인센스", "인센스 스틱",
       "incense", strong=True),
    # body
    _t("바디로션", "body", "바디", "body lotion", "바디로션", "바디 로션", "바디크림", "바디 크림", "바디버터",
       "body lotion", "body cream", "body butter", strong=True),
    _t("바디워시", "body", "바디", "body wash", "바디워시", "바디 워시", "샤워젤", "샤워 젤", "body wash",
       "shower gel", strong=True),
    _t("바디스크럽", "body", "바디", "body scrub", "바디스크럽", "바디 스크럽", "body scrub", strong=True),
    _t("바디오일", "body", "바디", "body oil", "바디오일", "바디 오일", "body oil", strong=True),
    _t("핸드크림", "body", "바디", "hand cream", "핸드크림", "핸드 크림", "hand cream", strong=True),
    # hair
    _t("샴푸", "hair", "헤어", "shampoo", "샴푸", "shampoo", strong=True),
    _t("트리트먼트", "hair", "헤어", "hair treatment", "트리트먼트", "헤어 트리트먼트", "헤어트리트먼트",
       "컨디셔너", "린스", "hair treatment", "conditioner"),
    _t("헤어오일", "hair", "헤어", "hair oil", "헤어오일", "헤어 오일", "헤어세럼", "헤어 세럼", "hair oil",
       "hair serum", strong=True),
    _t("두피 스케일러", "hair", "헤어", "scalp scaler", "두피 스케일러", "두피스케일러", "스케일러",
       "scalp scaler", "scalp scrub", strong=True),
    # tools
    _t("메이크업 브러시", "tool", "브러시/퍼프", "makeup brush", "메이크업 브러시", "브러시", "브러쉬", "brush",
       "brushes", "립브러쉬", "립브러시", strong=True),
    _t("헤어 브러시", "tool", "헤어", "hair brush", "헤어 브러시", "헤어브러시", "헤어 브러쉬",
       "샴푸 브러쉬", "샴푸 브러시", "두피 브러쉬", "두피 브러시", "hair brush", "scalp brush",
       "shampoo brush", strong=True),
    _t("퍼프", "tool", "브러시/퍼프", "puff", "퍼프", "스펀지", "puff", "sponge", strong=True),
    _t("화장솜", "tool", "화장솜", "cotton pads", "화장솜", "코튼패드", "cotton pad", "cotton pads", "면봉",
       "cotton swab", "cotton swabs", strong=True),
    _t("면도기", "tool", "면도기/눈썹칼", "razor", "면도기", "눈썹칼", "razor", "eyebrow razor",
       strong=True),
    _t("뷰러", "tool", "뷰러", "eyelash curler", "뷰러", "아이래시 컬러", "아이래쉬 컬러", "eyelash curler",
       strong=True),
    _t("괄사", "tool", "디바이스", "gua sha", "괄사", "gua sha", strong=True),
    _t("클렌징 디바이스", "tool", "디바이스", "cleansing device", "클렌징 디바이스", "클렌징디바이스",
       "cleansing device", strong=True),
    _t("갈바닉 디바이스", "tool", "디바이스", "galvanic device", "갈바닉 디바이스", "갈바닉", "galvanic",
       strong=True),
    _t("LED 마스크", "tool", "디바이스", "LED mask", "led 마스크", "led마스크", "led mask", strong=True),
    # lifestyle goods
    _t("파우치", "lifestyle", "파우치/가방", "pouch", "파우치", "pouch", "토트백", "에코백", "가방", "tote bag",
       "bag", strong=True),
    _t("캘린더", "lifestyle", "캘린더", "advent calendar", "캘린더", "어드벤트 캘린더", "advent calendar",
       strong=True),
)

#: Words that make a product a set whatever it holds.
SET_WORDS = ("세트", "기획", "키트", "듀오", "트리오", "set", "kit", "duo", "trio", "gift box",
             "기프트", "gift set")

BY_NAME: dict[str, ProductType] = {t.name: t for t in PRODUCT_TYPES}
FAMILIES: dict[str, tuple[str, ...]] = {}
for _type in PRODUCT_TYPES:
    FAMILIES[_type.family] = FAMILIES.get(_type.family, ()) + (_type.name,)


def compact(text: str) -> str:
    """Spacing-free, case-folded text: Korean product names space freely (선크림 / 선 크림)."""
    return "".join(text.casefold().split())


@lru_cache(maxsize=1)
def spellings() -> tuple[tuple[str, ProductType], ...]:
    """Every ``(compact spelling, type)``, longest first so 아이크림 is tried before 크림."""
    pairs: dict[str, ProductType] = {}
    for product_type in PRODUCT_TYPES:
        for word in (product_type.name, product_type.en, *product_type.spellings):
            pairs.setdefault(compact(word), product_type)
    return tuple(sorted(pairs.items(), key=lambda kv: (-len(kv[0]), kv[0])))


def kind_of(sub_type: str) -> str:
    """The kind of a canonical sub-type, ``""`` for an unknown one."""
    product_type = BY_NAME.get(sub_type)
    return product_type.kind if product_type else ""


def family_members(sub_type: str) -> tuple[str, ...]:
    """The canonical sub-types a request for ``sub_type`` should find (its whole family)."""
    product_type = BY_NAME.get(sub_type)
    return FAMILIES[product_type.family] if product_type else ()


def canonical(value: str) -> str:
    """A catalog's own ``sub_type`` value in canonical form, ``""`` when it names no type.

    Exact canonical names pass unchanged; known spellings map to their type; codes such as
    ``"0"`` and unknown words give ``""``.
    """
    text = value.strip()
    if text in BY_NAME:
        return text
    key = compact(text)
    if not key or key.isdigit():
        return ""
    for spelling, product_type in spellings():
        if key == spelling:
            return product_type.name
    return ""
