"""Korean and English labels for the profile and product vocabularies, in one place.

The codes (``dry``, ``anti_aging``, ``skincare``) are what records store; people read labels.
Korean screens (Slack messages for a Korean user, the Korean explanation, the CLI) show the
Korean label, English screens the English one, and a value no table knows is shown as it
is rather than dropped. Product kinds come from :mod:`recsys.product_types` (``KIND_KO``);
catalog categories map onto kinds by ``product_types.CATEGORY_KIND``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from recsys.product_types import BY_NAME, CATEGORY_KIND, KIND_KO, canonical

SKIN_KO = {"dry": "건성", "oily": "지성", "combination": "복합성", "sensitive": "민감성", "normal": "중성"}
SKIN_EN = {"dry": "dry skin", "oily": "oily skin", "combination": "combination skin",
           "sensitive": "sensitive skin", "normal": "normal skin"}
CONCERN_KO = {"moisture": "보습", "anti_aging": "안티에이징", "calming": "진정", "brightening": "미백",
              "pores": "모공", "acne": "트러블", "gift": "선물", "repurchase": "재구매", "ingredients": "성분"}
CONCERN_EN = {"moisture": "moisture", "anti_aging": "anti-aging", "calming": "calming",
              "brightening": "brightening", "pores": "pores", "acne": "acne care", "gift": "gifting",
              "repurchase": "repurchase", "ingredients": "clean ingredients"}
GENDER_KO = {"F": "여성", "M": "남성"}
GENDER_EN = {"F": "female", "M": "male"}
KIND_EN = {"skincare": "skincare", "makeup": "makeup", "fragrance": "fragrance", "body": "body",
           "hair": "hair", "home": "home fragrance", "tool": "beauty tools", "lifestyle": "lifestyle"}
#: Catalog categories (``recsys.profile.CATALOG_CATEGORIES``) shown by their own name rather
#: than their kind's (``product_types.CATEGORY_KIND``): a men's line reads 맨즈, not 스킨케어.
_CATEGORY_KO = {"men": "맨즈", "other": "기타"}
_CATEGORY_EN = {"men": "men's", "other": "other"}

_TABLES = {
    "skin_type": (SKIN_KO, SKIN_EN),
    "concern": (CONCERN_KO, CONCERN_EN),
    "gender": (GENDER_KO, GENDER_EN),
}


def _text(value: Any) -> str:
    return "" if value is None or value != value else str(value).strip()  # None / NaN -> ""


def label(field: str, value: Any, lang: str = "ko") -> str:
    """``label("skin_type", "dry", "ko") == "건성"``; unknown values come back unchanged."""
    code = _text(value)
    ko, en = _TABLES[field]
    return (ko if lang == "ko" else en).get(code, code)


def labels(field: str, values: Iterable[Any], lang: str = "ko") -> list[str]:
    return [label(field, v, lang) for v in values if _text(v)]


def category_label(value: Any, lang: str = "ko") -> str:
    """A product kind or catalog category (``fragrance``, ``tools``, ``men``) as a label."""
    code = _text(value)
    if code in _CATEGORY_KO:
        return (_CATEGORY_KO if lang == "ko" else _CATEGORY_EN)[code]
    kind = CATEGORY_KIND.get(code, code)
    return (KIND_KO if lang == "ko" else KIND_EN).get(kind) or code


def product_kind_label(sub_type: Any, category: Any, lang: str = "ko") -> str:
    """What a product is, for a person: its sub-type when the vocabulary knows it (``토너`` /
    ``toner``), else its category's label; an export's placeholder sub-type (``0``) never shows."""
    name = canonical(_text(sub_type)) if _text(sub_type) else ""
    if name:
        return name if lang == "ko" else BY_NAME[name].en
    return category_label(category, lang)
