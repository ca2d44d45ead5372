"""Load product catalogs and interactions from the mall's export formats into clean frames.

Contract (other modules rely on these columns; helpers add columns only at the end):

``Catalog.products`` — one row per product, ``product_id`` unique:
    product_id: str, name: str (Korean), name_en: str ("" if unknown),
    brand: str (display name), brand_id: str (key into data/brands.json, "" if unknown),
    category: str in recsys.profile.CATALOG_CATEGORIES, category_label: str (original label/code),
    sub_type: str ("" if unknown), price: int (KRW, 0 if unknown),
    ingredients: list[str], concerns: list[str] (recsys.profile.CONCERNS it targets),
    skin_types: list[str] (recsys.profile.SKIN_TYPES it targets),
    functions: list[str] (functional-cosmetic registrations: "whitening", "wrinkle", "uv"),
    image_url: str | None, description: str ("" if unknown)

``Catalog.interactions`` — one row per review or purchase:
    product_id: str, user_id: str | None, age_min: Int64 (nullable), age_max: Int64,
    gender: str | None, skin_type: str | None, concerns: list[str], persona: str | None,
    rating: float (NaN if unknown), date: datetime64 (NaT if unknown), text: str,
    source: "review" | "customers"
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd


class CatalogError(ValueError):
    """A catalog file that cannot be used; the message names file, record and field."""


@dataclass
class Catalog:
    products: pd.DataFrame
    interactions: pd.DataFrame
    source: Path | None = None
    format: str = "products"
    skipped: list[str] = field(default_factory=list)
