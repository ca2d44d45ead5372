"""One label table per vocabulary: every code has a Korean and an English label; unknown values pass through."""

from __future__ import annotations

import pytest

from recsys import labels
from recsys.product_types import CATEGORY_KIND, KIND_KO, KINDS, PRODUCT_TYPES
from recsys.profile import CATALOG_CATEGORIES, CONCERNS, GENDERS, SKIN_TYPES


@pytest.mark.parametrize(("field", "codes"), [("skin_type", SKIN_TYPES), ("concern", CONCERNS), ("gender", GENDERS)])
def test_every_profile_code_has_both_labels(field: str, codes: tuple[str, ...]) -> None:
    for code in codes:
        ko, en = labels.label(field, code, "ko"), labels.label(field, code, "en")
        assert ko != code and en and any("\uac00" <= ch <= "\ud7a3" for ch in ko) and en.isascii()


def test_every_kind_and_catalog_category_has_a_korean_label() -> None:
    for code in KINDS + CATALOG_CATEGORIES:
        ko = labels.category_label(code, "ko")
        assert ko != code and not ko.isascii(), code
        assert labels.category_label(code, "en").isascii()
    assert labels.category_label("tools", "ko") == KIND_KO["tool"]
    assert labels.category_label("fragrance", "ko") == "향수"


def test_unknown_values_are_shown_as_they_are() -> None:
    assert labels.label("skin_type", "waxy", "ko") == "waxy"
    assert labels.category_label("pets", "ko") == "pets"
    assert labels.labels("concern", ["moisture", None, "", "sparkle"], "ko") == ["보습", "sparkle"]


@pytest.mark.parametrize(("sub_type", "category", "ko", "en"), [
    ("토너", "skincare", "토너", "toner"),
    ("serum", "skincare", "세럼", "serum"),
    ("0", "fragrance", "향수", "fragrance"),
    ("", "tools", "뷰티툴", "beauty tools"),
    (None, "home", "홈프래그런스", "home fragrance"),
    (float("nan"), "men", "맨즈", "men's"),
])
def test_product_kind_label(sub_type: object, category: str, ko: str, en: str) -> None:
    assert labels.product_kind_label(sub_type, category, "ko") == ko
    assert labels.product_kind_label(sub_type, category, "en") == en


def test_every_canonical_sub_type_labels_itself() -> None:
    for t in PRODUCT_TYPES:
        assert labels.product_kind_label(t.name, "", "ko") == t.name
        assert labels.product_kind_label(t.name, "", "en") == t.en


def test_a_mens_line_is_labelled_by_its_category_though_its_kind_is_skincare() -> None:
    assert CATEGORY_KIND["men"] == "skincare"
    assert labels.category_label("men", "ko") == "맨즈" and labels.category_label("men", "en") == "men's"
    assert labels.category_label("skincare", "ko") == KIND_KO[CATEGORY_KIND["skincare"]]
