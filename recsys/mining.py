"""Understand a product from its own text: name, description, category code and reviews.

Real exports carry names, prices, brands, coarse category codes and review text — not the
ready-made ``sub_type``, ``concerns`` or ``functions`` a ranker, an explanation or a draft
needs. :func:`product_attributes` derives them, each value with its evidence, so everything
personabot later says about a product can point at where it came from:

* the **sub-type** and **kind** from the product-type words in the name (the last one named,
  unless a "strong" one such as 퍼프 or 올인원 says what the thing is), else from the
  description, else from what most of its reviews call it; the category code only decides
  between readings and fills the kind when nothing else does;
* **functions** (registered functional cosmetics) only from registration signals: SPF/PA
  indices, "미백/주름개선 기능성" — a mall prints these in names only for registered products;
* **concerns** and **skin types** from the name and from what *enough* of its reviews say it
  did (one review saying 촉촉 is an anecdote; a quarter of them is a property), and never for
  fragrances, home goods, tools or lifestyle goods, which do nothing to skin;
* a **display name** without promo tags (``[47%OFF]``, ``(정가 62,000원)``, ``(원산지:…)``)
  and a **short name** for copy.

Everything here is a pure function of its inputs.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Mapping, Sequence

from recsys.product_types import (
    BY_NAME,
    CATEGORY_KIND,
    SET_WORDS,
    SKIN_KINDS,
    ProductType,
    category_of,
    compact,
    spellings,
)
from recsys.reviewers import SKIN_CONCERNS
from recsys.reviewers import review_benefits as _read_benefits

#: A concern or skin type counts as a product property when at least this many of its
#: reviews support it, and at least ``REVIEW_SHARE`` of them.
MIN_SUPPORTING_REVIEWS = 2
REVIEW_SHARE = 0.25

# The export's category code/label is read only as a hint for the kind
# (product_types.CATEGORY_KIND). A label that says hair names the hair kind, though the
# catalog files hair under the body category.
_HAIR_LABELS = frozenset({"hair", "헤어"})

_MEN = re.compile(
    r"옴므|homme|포\s?맨|for\s?men|men'?s|\bmen\b|남성|(?<![가-힣])맨(?![가-힣])|(?<=[가-힣]{2})맨(?=[\d\s(\[]|$)",
    re.IGNORECASE,
)
_WOMEN = re.compile(r"여성|우먼|for\s?women|women'?s|\bwoman\b|팜므|femme", re.IGNORECASE)
_SPF = re.compile(r"\bSPF\s?\d{1,2}\+?|\bPA\s?\+{1,4}", re.IGNORECASE)
_FUNCTION_WORDS = (
    ("whitening", re.compile(r"(미백|브라이트닝|화이트닝)\s*(\d중\s*)?기능성|미백\s*기능|whitening\s+functional", re.I)),
    ("wrinkle", re.compile(r"주름\s*개선|주름\s*기능성|wrinkle\s+(care\s+)?functional", re.I)),
    ("uv", re.compile(r"자외선\s*차단\s*기능성", re.I)),
)
_MULTI_FUNCTIONAL = re.compile(r"([23])중\s*기능성")

# Concern words in names and descriptions (what the product says it is for).
_NAME_CONCERNS = (
    ("moisture", ("수분", "보습", "하이드라", "히알루론", "아쿠아", "hydra", "moist", "hyaluron", "aqua")),
    ("anti_aging", ("주름", "탄력", "안티에이징", "에이지", "링클", "레티놀", "리프팅", "anti-aging",
                    "antiaging", "anti aging", "wrinkle", "firming", "retinol", "age ")),
    ("calming", ("진정", "시카", "카밍", "수딩", "판테놀", "cica", "calming", "soothing")),
    ("brightening", ("미백", "브라이트", "광채", "비타", "화이트닝", "bright", "vita", "glow")),
    ("pores", ("모공", "포어", "pore")),
    ("acne", ("트러블", "아크네", "여드름", "acne", "blemish")),
)
_NAME_SKINS = (
    ("dry", ("건성", "dry skin", "악건성")),
    ("oily", ("지성", "oily skin", "수부지")),
    ("combination", ("복합성", "combination skin")),
    ("sensitive", ("민감", "아토피", "sensitive")),
)

_BRACKET_TAG = re.compile(r"\[[^\]]*\]")
_PROMO_PAREN = re.compile(
    r"\((?:[^()]*(?:정가|원산지|증정|할인|%|OFF|랜덤|택\s*1|한정|사은품|무료|쿠폰|특가)[^()]*)\)", re.IGNORECASE)
_PRICE_NOTE = re.compile(r"\(?정가\s*[0-9,]+원~?\)?")
_SPACES = re.compile(r"\s+")
_UNIT = r"(?:ml|mL|ML|l|L|g|kg|mg|oz|매|ea|EA|Ea|개|입|pcs|종)"
_MEASURE = rf"\d+(?:\.\d+)?\s*{_UNIT}(?![A-WYZa-wyz가-힣])"
_VOLUME = re.compile(
    rf"{_MEASURE}(?:\s*(?:[+/]|[xX×*])\s*(?:{_MEASURE}|\d+(?![\d.])(?:\s*{_UNIT})?))*"
)
_SET_COUNT = re.compile(r"(\d+)\s*종(?!\s*(?:택|중\s*택|중\s*1|컬러|색))")
_PLUS_BUNDLE = re.compile(r"\d\s*\+\s*\d|\+\s*[가-힣A-Za-z]")


@dataclass(frozen=True)
class Evidence:
    """Where one attribute value came from."""

    field: str
    value: str
    source: str  # "name" | "description" | "review" | "category" | "export"
    detail: str

    def to_dict(self) -> dict[str, str]:
        return {"field": self.field, "value": self.value, "source": self.source, "detail": self.detail}


@dataclass(frozen=True)
class ProductAttributes:
    """What a product is, for whom, and what it does — each value backed by ``evidence``."""

    sub_type: str = ""
    kind: str = ""
    is_set: bool = False
    volume: str = ""
    target_gender: str = "unisex"
    functions: tuple[str, ...] = ()
    concerns: tuple[str, ...] = ()
    skin_types: tuple[str, ...] = ()
    support: Mapping[str, int] = field(default_factory=dict)
    display_name: str = ""
    short_name: str = ""
    evidence: tuple[Evidence, ...] = ()


# --------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------


def clean_name(name: str) -> str:
    """The name for explanations and copy: promo tags, list prices and origin notes removed.

    ``[73%OFF] 롤리타렘피카 EDP 100ml (정가 185,000원)`` → ``롤리타렘피카 EDP 100ml``. Square-bracket
    tags are channel or promo labels (``[아모레몰 ONLY]``, ``[한정수량]``, ``[NEW 컬러 출시]``) and go;
    parenthesised notes go only when they are promo, price or origin notes, so contents such as
    ``(150ml+125ml)`` stay.
    """
    text = _PRICE_NOTE.sub(" ", name)
    text = _PROMO_PAREN.sub(" ", text)
    stripped = _BRACKET_TAG.sub(" ", text)
    if stripped.strip():
        text = stripped
    text = _SPACES.sub(" ", text).strip(" -/·,")
    return text or name.strip()


def short_name(display_name: str, *, brand: str = "", volume: str = "") -> str:
    """A name for running copy: no volume, no bracketed variant lists, no leading brand."""
    text = display_name
    if volume:
        text = text.replace(volume, " ")
    text = _VOLUME.sub(" ", text)
    text = re.sub(r"\([^()]*\)", " ", text)
    text = re.sub(r"(?:\s[+&/x×]\s*)+$", "", _SPACES.sub(" ", text)).strip(" -/·,")
    if brand and text.startswith(brand + " ") and len(text) > len(brand) + 1:
        text = text[len(brand) + 1:]
    return text or display_name


def volume_of(name: str) -> str:
    """The size or count as the name gives it: ``150ml+125ml``, ``50매 / 120매``, ``5mlx3``."""
    matches = [m.group(0).strip() for m in _VOLUME.finditer(name)]
    if not matches:
        return ""
    best = max(matches, key=len)
    return _SPACES.sub(" ", best)


def _type_mentions(text: str) -> list[tuple[int, ProductType, str]]:
    """``(position, type, spelling)`` for each product-type word in ``text``, left to right.

    Korean spellings match on spacing-free text (선크림 = 선 크림), longest first so 아이크림
    is not also a 크림; Latin spellings must stand as words (``lip`` is not in ``clip``, and
    ``sun stick`` may be written ``sunstick``). Positions count non-space characters.
    """
    folded = text.casefold()
    key = compact(folded)
    taken = [False] * len(key)
    found: list[tuple[int, ProductType, str]] = []

    def claim(start: int, end: int, product_type: ProductType, spelling: str) -> None:
        if not any(taken[start:end]):
            for i in range(start, end):
                taken[i] = True
            found.append((start, product_type, spelling))

    for spelling, product_type in spellings():
        if spelling.isascii() and spelling[:1].isalpha():
            for match in _latin_pattern(spelling).finditer(folded):
                start = len(compact(folded[: match.start()]))
                claim(start, start + len(compact(match.group(0))), product_type, spelling)
            continue
        start = key.find(spelling)
        while start != -1:
            claim(start, start + len(spelling), product_type, spelling)
            start = key.find(spelling, start + 1)
    found.sort(key=lambda item: item[0])
    return found


@lru_cache(maxsize=None)
def _latin_pattern(spelling: str) -> re.Pattern[str]:
    """``sunstick`` also as ``sun stick`` / ``sun-stick``, never inside a longer word."""
    letters = r"[\s-]?".join(re.escape(ch) for ch in spelling)
    return re.compile(rf"(?<![a-z]){letters}(?![a-z])")


def _main_part(name: str) -> str:
    """The part of a bundle name that names the product: ``X 2개 + 타이머 & 포스트카드`` → ``X 2개``."""
    for separator in (" + ", " & ", " X ", " x "):
        head = name.split(separator)[0]
        if head != name and _type_mentions(head):
            return head
    return name


def _pick_type(mentions: list[tuple[int, ProductType, str]], hint_kind: str) -> tuple[ProductType, str] | None:
    if not mentions:
        return None
    strong = [m for m in mentions if m[1].strong]
    pool = strong or mentions
    if hint_kind:
        agreeing = [m for m in pool if m[1].kind == hint_kind]
        # "트리트먼트" in a skincare line is a face treatment, not a hair one.
        if not agreeing and not strong and hint_kind == "skincare":
            agreeing = [m for m in mentions if m[1].kind == "skincare"]
        pool = agreeing or pool
    _, product_type, spelling = pool[-1]
    if product_type.name == "트리트먼트" and hint_kind == "skincare":
        product_type = BY_NAME["에센스"]
    return product_type, spelling


def _category_key(category: str | int | float | None) -> str:
    if category is None or (isinstance(category, float) and math.isnan(category)):
        return ""
    text = str(category).strip()
    if text.replace(".", "", 1).isdigit():
        text = str(int(float(text)))
    return text.casefold()


def _is_set(name: str) -> tuple[bool, str]:
    folded = name.casefold()
    for word in SET_WORDS:
        if word in folded:
            return True, word
    count = _SET_COUNT.search(name)
    if count and int(count.group(1)) >= 2 and not re.search(rf"\(\s*{count.group(0)}\s*\)", name):
        return True, count.group(0)
    if _PLUS_BUNDLE.search(name) or "1+1" in name:
        return True, "+"
    return False, ""


# --------------------------------------------------------------------------------------
# Reviews
# --------------------------------------------------------------------------------------

_CONTRAST = re.compile(r"(?<!\s)지만|(?<!\S)(?:하지만|그런데|그러나|반면)|는데|은데|던데|\bbut\b|however|[.!?\n~]|ㅠ|ㅜ")
_SKIN_MENTIONS = (
    ("dry", ("악건성", "건성", "건조한 피부", "건조한피부")),
    ("oily", ("수부지", "지성", "기름진 피부", "유분이 많은")),
    ("combination", ("복합성", "복합 피부", "복합피부")),
    ("sensitive", ("민감성", "민감한 피부", "민감피부", "예민한 피부", "예민피부", "민감한피부")),
)


def _clauses(text: str) -> list[str]:
    """Review text cut where its polarity may flip: sentence ends and contrast connectives."""
    return [c.strip() for c in _CONTRAST.split(text.replace("\r", " ")) if c and c.strip()]


def review_benefits(text: str) -> tuple[str, ...]:
    """The concerns a review says the product helped with, negations respected.

    ``"보습력은 약하지만 진정에 좋아요"`` → ``("calming",)``; ``"속건조가 없어요"`` → ``("moisture",)``.
    The reading is :func:`recsys.reviewers.review_benefits`, which judges each concern word in
    its own clause from the morphemes around it (contrast, negation, improvers, hearsay, advice
    to others); tolerance ("자극 없이 순해요", "트러블 없어요") is not a benefit. Measured on
    hand-labelled real reviews by ``benchmarks/bench_reviewers.py``.
    """
    return _read_benefits(text)


def review_skin_types(text: str) -> tuple[str, ...]:
    """Skin types a review says the product suits ("건성인데 잘 맞아요", "지성분들께 추천").

    A mention in a clause that says it did not suit ("민감한 피부엔 따가워요") does not count.
    """
    found: list[str] = []
    for clause in _clauses(text.casefold()):
        for skin, words in _SKIN_MENTIONS:
            for word in words:
                at = clause.find(word)
                if at == -1:
                    continue
                tail = clause[at + len(word):]
                bad = any(w in tail for w in ("안 맞", "안맞", "따가", "트러블이 났", "뒤집", "자극이 있", "비추"))
                if not bad and skin not in found:
                    found.append(skin)
                break
    return tuple(found)



def _enough(count: int, total: int) -> bool:
    return count >= MIN_SUPPORTING_REVIEWS and count >= REVIEW_SHARE * total


# --------------------------------------------------------------------------------------
# The whole product
# --------------------------------------------------------------------------------------


def product_attributes(
    name: str,
    *,
    reviews: Sequence[str] = (),
    description: str = "",
    category: str | int | None = None,
    brand: str = "",
) -> ProductAttributes:
    """Everything a product's own text says about it (see the module docstring)."""
    evidence: list[Evidence] = []
    display = clean_name(name)
    category_key = _category_key(category)
    category_name = category_of(category_key)
    hint_kind = "hair" if category_key in _HAIR_LABELS else CATEGORY_KIND.get(category_name, "")
    texts = [t for t in reviews if isinstance(t, str) and t.strip()]

    # sub-type and kind: the name, then the description, then most reviews, then the category
    picked = _pick_type(_type_mentions(_main_part(display)), hint_kind)
    source = "name"
    if picked is None and description:
        picked, source = _pick_type(_type_mentions(description), hint_kind), "description"
    is_set, set_word = _is_set(_PROMO_PAREN.sub(" ", _PRICE_NOTE.sub(" ", name)))
    if is_set:
        evidence.append(Evidence("is_set", "true", "name", set_word))
    if picked is None and is_set and hint_kind == "skincare":
        # "자음2종 세트": a skincare line's set names no single type, and its reviews talk
        # about each item in it — a merchandiser files it as a 기초세트.
        picked = BY_NAME["기초세트"], set_word
    if picked is None and texts:
        picked, source = _type_from_reviews(texts, hint_kind), "review"
    sub_type, kind = "", ""
    if picked is not None:
        product_type, spelling = picked
        sub_type, kind = product_type.name, product_type.kind
        evidence.append(Evidence("sub_type", sub_type, source, spelling))
        evidence.append(Evidence("kind", kind, source, spelling))
    if not kind and hint_kind:
        kind = hint_kind
        evidence.append(Evidence("kind", kind, "category", category_key))

    volume = volume_of(display)

    gender = "unisex"
    men = _MEN.search(display)
    women = _WOMEN.search(display)
    if men:
        gender = "men"
        evidence.append(Evidence("target_gender", gender, "name", men.group(0)))
    elif category_name == "men":
        gender = "men"
        evidence.append(Evidence("target_gender", gender, "category", category_key))
    elif women:
        gender = "women"
        evidence.append(Evidence("target_gender", gender, "name", women.group(0)))

    functions = _functions(" ".join((name, description)), evidence)

    concerns: list[str] = []
    skins: list[str] = []
    support: dict[str, int] = {}
    if kind in SKIN_KINDS:
        _from_words(display, _NAME_CONCERNS, "concerns", "name", concerns, evidence)
        if description:
            _from_words(description, _NAME_CONCERNS, "concerns", "description", concerns, evidence)
        _from_words(display, _NAME_SKINS, "skin_types", "name", skins, evidence)
        if texts:
            _from_reviews(texts, concerns, skins, support, evidence)
    return ProductAttributes(
        sub_type=sub_type, kind=kind, is_set=is_set, volume=volume, target_gender=gender,
        functions=tuple(functions), concerns=tuple(concerns), skin_types=tuple(skins), support=support,
        display_name=display, short_name=short_name(display, brand=brand, volume=volume),
        evidence=tuple(evidence),
    )


def _type_from_reviews(texts: Sequence[str], hint_kind: str) -> tuple[ProductType, str] | None:
    """The type most reviews call the product, when enough of them agree."""
    counts: dict[str, int] = {}
    spelled: dict[str, str] = {}
    for text in texts:
        seen = set()
        for _, product_type, spelling in _type_mentions(text[:400]):
            if hint_kind and product_type.kind != hint_kind:
                continue
            if product_type.name not in seen:
                seen.add(product_type.name)
                counts[product_type.name] = counts.get(product_type.name, 0) + 1
                spelled.setdefault(product_type.name, spelling)
    if not counts:
        return None
    best = max(counts, key=lambda n: (counts[n], n))
    if counts[best] * 2 <= len(texts) or counts[best] < MIN_SUPPORTING_REVIEWS:
        return None
    return BY_NAME[best], f"{spelled[best]} ({counts[best]}/{len(texts)} reviews)"


def _functions(text: str, evidence: list[Evidence]) -> list[str]:
    out: list[str] = []
    spf = _SPF.search(text)
    if spf:
        out.append("uv")
        evidence.append(Evidence("functions", "uv", "name", spf.group(0)))
    multi = _MULTI_FUNCTIONAL.search(text)
    if multi:
        for value in ("whitening", "wrinkle", "uv")[: int(multi.group(1))]:
            if value not in out:
                out.append(value)
                evidence.append(Evidence("functions", value, "name", multi.group(0)))
    for value, pattern in _FUNCTION_WORDS:
        match = pattern.search(text)
        if match and value not in out:
            out.append(value)
            evidence.append(Evidence("functions", value, "name", match.group(0)))
    return [f for f in ("whitening", "wrinkle", "uv") if f in out]


def _from_words(text: str, table: Iterable[tuple[str, tuple[str, ...]]], field_name: str, source: str,
                out: list[str], evidence: list[Evidence]) -> None:
    folded = text.casefold()
    for value, words in table:
        for word in words:
            if word in folded:
                if value not in out:
                    out.append(value)
                    evidence.append(Evidence(field_name, value, source, word.strip()))
                break


def _from_reviews(texts: Sequence[str], concerns: list[str], skins: list[str], support: dict[str, int],
                  evidence: list[Evidence]) -> None:
    total = len(texts)
    for text in texts:
        for concern in review_benefits(text):
            support[concern] = support.get(concern, 0) + 1
        for skin in review_skin_types(text):
            support[skin] = support.get(skin, 0) + 1
    for concern in SKIN_CONCERNS:
        count = support.get(concern, 0)
        if _enough(count, total) and concern not in concerns:
            concerns.append(concern)
            evidence.append(Evidence("concerns", concern, "review", f"{count}/{total} reviews"))
    for skin, _ in _SKIN_MENTIONS:
        count = support.get(skin, 0)
        if _enough(count, total) and skin not in skins:
            skins.append(skin)
            evidence.append(Evidence("skin_types", skin, "review", f"{count}/{total} reviews"))
