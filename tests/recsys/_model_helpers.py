"""Tiny synthetic catalogs with a planted preference, in ``recsys.catalog``'s frame shape.

The pattern: each product targets one skin type and one concern; reviewers buy products
that target their skin type (and, more often, their concern) — so a model that learns
anything ranks matching products first, and a product it never saw still ranks well from
its features.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from recsys.catalog import Catalog
from recsys.profile import CONCERNS, SKIN_TYPES

CATEGORIES = ("skincare", "makeup", "body", "men")


def make_products(n: int = 40, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        skin = SKIN_TYPES[i % len(SKIN_TYPES)]
        concern = CONCERNS[(i // len(SKIN_TYPES)) % 3]
        category = CATEGORIES[i % len(CATEGORIES)]
        rows.append({
            "product_id": f"P{i:03d}", "name": f"테스트 {skin} {concern} 크림 {i}", "name_en": f"Test {skin} cream {i}",
            "brand": f"Brand{i % 4}", "brand_id": f"b{i % 4}", "category": category, "category_label": category,
            "sub_type": ("cream", "toner", "serum")[i % 3], "price": int(rng.integers(5, 60)) * 1000,
            "ingredients": ["ceramide"] if skin == "dry" else ["niacinamide"], "concerns": [concern],
            "skin_types": [skin], "functions": [], "image_url": None, "description": "",
        })
    return pd.DataFrame(rows)


def make_interactions(products: pd.DataFrame, n: int = 600, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed + 1)
    skins = products["skin_types"].str[0].to_numpy()
    concerns = products["concerns"].str[0].to_numpy()
    rows = []
    for j in range(n):
        skin = SKIN_TYPES[rng.integers(len(SKIN_TYPES))]
        concern = CONCERNS[rng.integers(3)]
        weights = np.where(skins == skin, 8.0, 0.2) * np.where(concerns == concern, 3.0, 1.0)
        pos = rng.choice(len(products), p=weights / weights.sum())
        decade = int(rng.integers(2, 6)) * 10
        rows.append({
            "product_id": products["product_id"].iloc[pos], "user_id": None,
            "age_min": decade, "age_max": decade + 9, "gender": "F" if j % 4 else "M",
            "skin_type": skin, "concerns": [concern], "persona": None,
            "rating": float(rng.integers(3, 6)), "date": pd.Timestamp("2025-01-01") + pd.Timedelta(days=j),
            "text": "좋아요", "source": "review",
        })
    frame = pd.DataFrame(rows)
    frame["age_min"] = frame["age_min"].astype("Int64")
    frame["age_max"] = frame["age_max"].astype("Int64")
    return frame


def make_catalog(n_products: int = 40, n_interactions: int = 600, seed: int = 0) -> Catalog:
    products = make_products(n_products, seed)
    return Catalog(products=products, interactions=make_interactions(products, n_interactions, seed))


def tiny_config(**overrides: object):
    """A model small enough to train in about a second on one core."""
    from recsys.model import ModelShape
    from recsys.train import TrainConfig

    base = dict(epochs=25, batch_size=64, lr=5e-3, shape=ModelShape(field_dim=8, hidden=32, dim=16),
                name_buckets=128, patience=25, min_steps=0, patience_steps=0)
    return TrainConfig(**{**base, **overrides})


def persona_of(profile) -> str:
    """A stand-in persona rule so these tests do not depend on data/personas.json."""
    return f"skin_{profile.skin_type}" if profile.skin_type else "other"


_TRAINED: dict[int, object] = {}


def trained(seed: int = 0):
    """(catalog, TrainResult) for the planted-pattern catalog, trained once per process."""
    from recsys.train import train

    if seed not in _TRAINED:
        catalog = make_catalog(seed=seed)
        _TRAINED[seed] = (catalog, train(catalog, tiny_config(seed=seed), progress=False, persona_of=persona_of))
    return _TRAINED[seed]
