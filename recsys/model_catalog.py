"""What a trained model knows of the catalog it serves.

A model may rank a catalog it was not trained on: the product tower reads shared attributes
(sub-type, its family and kind, target gender, set, price band, target skin types, concerns
and functions — see :mod:`recsys.features`), and a product without training interactions
gets the "unknown" item id. But a marketer must know when that happens, and
how much of the catalog the model has actually seen, or a model trained on the demo
catalog silently ranks a real export. :func:`catalog_match` answers both from the model's
``model.json`` (its recorded catalog fingerprint) and its :class:`recsys.features.Vocab`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from recsys.catalog import Catalog, catalog_fingerprint
from recsys.features import Vocab, _brand_key
from recsys.paths import resolve_catalog_path


@dataclass(frozen=True)
class CatalogMatch:
    """``same`` is True when the served catalog is the one the model was trained on."""

    same: bool
    trained_on: str  # the catalog path recorded in model.json ("" if none)
    products: int
    products_seen: int  # products of this catalog the model learned an item embedding for
    brands: int
    brands_seen: int
    sub_types: int
    sub_types_seen: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def seen_text(self, lang: str = "en") -> str:
        if lang == "ko":
            return (f"상품 {self.products:,}개 중 {self.products_seen:,}개, 브랜드 {self.brands}개 중 "
                    f"{self.brands_seen}개, 세부 유형 {self.sub_types}개 중 {self.sub_types_seen}개")
        return (f"{self.products_seen:,} of {self.products:,} products, {self.brands_seen} of {self.brands} "
                f"brands, {self.sub_types_seen} of {self.sub_types} sub-types")

    def message(self, lang: str = "en") -> str | None:
        """One line for a different catalog (None for the model's own)."""
        if self.same:
            return None
        where = Path(self.trained_on).name if self.trained_on else ""
        if lang == "ko":
            origin = f"다른 카탈로그({where})" if where else "다른 카탈로그"
            return (f"이 모델은 {origin}로 학습되었습니다. 이 카탈로그에서 학습한 것은 {self.seen_text('ko')}이며, "
                    "나머지는 공통 속성(유형·분류·가격대·피부 고민·기능성)으로 순위를 매깁니다.")
        origin = f"another catalog ({where})" if where else "another catalog"
        return (f"this model was trained on {origin}; of this catalog it has seen {self.seen_text('en')}, "
                "and ranks the rest from shared attributes (type, kind, price band, skin concerns, functions)")


def catalog_match(meta: dict[str, Any], vocab: Vocab, catalog: Catalog) -> CatalogMatch:
    """Compare ``catalog`` with the one recorded in ``meta`` (model.json) and count what ``vocab`` covers.

    Models trained before catalogs were fingerprinted are matched by the recorded path.
    """
    products = catalog.products
    recorded = meta.get("catalog_fingerprint")
    if recorded:
        same = recorded == catalog_fingerprint(catalog)
    else:
        trained = resolve_catalog_path(meta.get("catalog")).resolve()
        same = catalog.source is not None and Path(catalog.source).resolve() == trained
    ids = set(vocab.product_ids)
    brands = {_brand_key(b, i) for b, i in zip(products["brand"], products["brand_id"])}
    sub_types = {s for s in products["sub_type"] if s}
    return CatalogMatch(
        same=bool(same),
        trained_on=str(meta.get("catalog") or ""),
        products=len(products),
        products_seen=int(products["product_id"].isin(ids).sum()),
        brands=len(brands),
        brands_seen=len(brands & set(vocab.brands)),
        sub_types=len(sub_types),
        sub_types_seen=len(sub_types & set(vocab.sub_types)),
    )
