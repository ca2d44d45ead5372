"""The vectorised catalog encoding equals the per-row one it replaced, bit for bit.

``_reference_*`` below is the per-row implementation ``recsys.features`` used before it was
vectorised (kept here verbatim as the specification): the shipped model must score the
demo catalog, and any export, exactly as before.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Iterable

import numpy as np
import pandas as pd
import pytest
import torch

from recsys.features import (
    FUNCTIONS, TARGET_GENDERS, ProductBatch, Vocab, _as_list, _brand_key, encode_products, hash_grams, name_grams, price_band,
    shared_attributes,
)
from recsys.product_types import BY_NAME, KINDS, canonical
from recsys.profile import CONCERNS, SKIN_TYPES

def _reference_column(products: pd.DataFrame, name: str) -> pd.Series:
    """A column of product understanding, or an all-missing one for a frame without it."""
    return products[name] if name in products.columns else pd.Series([None] * len(products), index=products.index)


def _reference_shared_attributes(products: pd.DataFrame) -> pd.DataFrame:
    """The shared attributes of each product: canonical sub-type, family, kind, gender, set.

    A catalog's own ``kind``/``target_gender``/``is_set`` (from ``recsys.catalog`` and product
    understanding) win; a frame without them falls back to what the canonical sub-type says
    (its kind) and leaves gender and set unknown.
    """
    sub_types = [canonical(str(v)) if isinstance(v, str) else "" for v in products["sub_type"]]
    kinds = [k if isinstance(k, str) and k in KINDS else (BY_NAME[s].kind if s else "")
             for k, s in zip(_reference_column(products, "kind"), sub_types)]
    genders = [g if isinstance(g, str) and g in TARGET_GENDERS else "" for g in _reference_column(products, "target_gender")]
    sets = [None if v is None or (isinstance(v, float) and np.isnan(v)) else bool(v) for v in _reference_column(products, "is_set")]
    return pd.DataFrame({
        "sub_type": sub_types, "family": [BY_NAME[s].family if s else "" for s in sub_types],
        "kind": kinds, "target_gender": genders, "is_set": sets,
    }, index=products.index)


def _reference_encode_products(products: pd.DataFrame, vocab: Vocab, *, shared_only: bool | None = None) :
    """Encode a products frame (``recsys.catalog`` columns) in frame order.

    ``shared_only`` switches brand, category code and name n-grams off (index 0 / weight 0),
    as training does when it drops them. ``None`` (the default) does so exactly when the
    frame holds no product the model was trained on (for a model trained without item ids:
    no brand it was trained on): a new mall's export, whose brands,
    category codes and naming conventions the model has never seen, is ranked by its shared
    attributes only — the zero-shot path.
    """
    def lookup(values: Iterable[Any], names: list[str]) -> torch.Tensor:
        index = {v: i + 1 for i, v in enumerate(names)}
        return torch.tensor([index.get(v, 0) for v in values], dtype=torch.long)

    tag_names = [f"skin:{s}" for s in SKIN_TYPES] + [f"concern:{c}" for c in CONCERNS] + [f"fn:{f}" for f in FUNCTIONS]
    tag_index = {t: i for i, t in enumerate(tag_names)}
    tags = np.zeros((len(products), len(tag_names)), dtype=np.float32)
    for row, (skins, concerns, functions) in enumerate(zip(products["skin_types"], products["concerns"],
                                                            products["functions"])):
        keys = ([f"skin:{s}" for s in _as_list(skins)] + [f"concern:{c}" for c in _as_list(concerns)]
                + [f"fn:{f}" for f in _as_list(functions)])
        for key in keys:
            if key in tag_index:
                tags[row, tag_index[key]] = 1.0
    ingredient_index = {name: i for i, name in enumerate(vocab.ingredients)}
    ingredients = np.zeros((len(products), len(vocab.ingredients)), dtype=np.float32)
    for row, items in enumerate(products["ingredients"]):
        for item in _as_list(items):
            if item in ingredient_index:
                ingredients[row, ingredient_index[item]] = 1.0

    name_ids: list[int] = []
    offsets: list[int] = []
    cache: dict[tuple[str, str], list[int]] = {}
    for name, name_en in zip(products["name"], products["name_en"]):
        key = (str(name or ""), str(name_en or ""))
        if key not in cache:
            cache[key] = hash_grams(name_grams(*key), vocab.name_buckets)
        offsets.append(len(name_ids))
        name_ids.extend(cache[key])

    item = lookup(products["product_id"], vocab.product_ids)
    category = lookup(products["category"], vocab.categories)
    brand = lookup((_brand_key(b, i) for b, i in zip(products["brand"], products["brand_id"])), vocab.brands)
    if shared_only is None:
        # a model trained on features only (no item ids) knows its catalog by its brands
        known = item if vocab.product_ids else brand
        shared_only = len(products) > 0 and bool(vocab.product_ids or vocab.brands) and not bool((known > 0).any())
    if shared_only:
        category, brand = torch.zeros_like(category), torch.zeros_like(brand)
    shared = _reference_shared_attributes(products)
    prices = products["price"].fillna(0).to_numpy(dtype=np.int64)
    return ProductBatch(
        item=item,
        category=category,
        sub_type=lookup(shared["sub_type"], vocab.sub_types),
        brand=brand,
        price=torch.from_numpy(price_band(prices)),
        log_price=torch.from_numpy(np.where(prices > 0, np.log(np.maximum(prices, 1) / 25_000.0), 0.0)
                                   .astype(np.float32)),
        tags=torch.from_numpy(tags),
        name_ids=torch.tensor(name_ids, dtype=torch.long),
        name_offsets=torch.tensor(offsets, dtype=torch.long),
        ingredients=torch.from_numpy(ingredients),
        kind=lookup(shared["kind"], vocab.kinds),
        family=lookup(shared["family"], vocab.families),
        gender=lookup(shared["target_gender"], list(TARGET_GENDERS)),
        is_set=torch.tensor([0 if v is None else 1 + int(v) for v in shared["is_set"]], dtype=torch.long),
        name_weight=torch.full((len(products),), 0.0 if shared_only else 1.0),
    )


def _assert_same(new, old) -> None:
    for f in dataclasses.fields(new):
        a, b = getattr(new, f.name), getattr(old, f.name)
        assert a.dtype == b.dtype and a.shape == b.shape and torch.equal(a, b), f.name


def test_the_demo_catalog_encodes_exactly_as_before() -> None:
    from recsys.catalog import load_catalog
    from recsys.model import load_checkpoint
    from recsys.paths import DEMO_CATALOG, DEMO_MODEL_DIR

    _, vocab, _ = load_checkpoint(DEMO_MODEL_DIR)
    products = load_catalog(DEMO_CATALOG).products
    _assert_same(encode_products(products, vocab), _reference_encode_products(products, vocab))
    pd.testing.assert_frame_equal(shared_attributes(products), _reference_shared_attributes(products))


def _messy() -> pd.DataFrame:
    """Missing and odd values in every column a real export can get wrong."""
    return pd.DataFrame({
        "product_id": ["A", "B", "C", "A2", None, "F"],
        "name": ["수분 크림 50ml", None, float("nan"), "수분 크림 50ml", "", "Toner!! 토너"],
        "name_en": ["Cream", "", None, "Cream", float("nan"), "toner 2"],
        "brand": ["가람", None, "", "가람", float("nan"), "나래"],
        "brand_id": ["g1", "", None, 7, float("nan"), "n"],
        "category": ["skincare", None, "makeup", "skincare", float("nan"), 3],
        "sub_type": ["크림", None, "toner", 5, "없는타입", float("nan")],
        "price": [25000, None, 0, 9000, 151000, 30000],
        "ingredients": [["ceramide", "niacinamide"], [], None, ("ceramide",), "ceramide", np.array(["x", 1])],
        "concerns": [["moisture", "nope"], None, [], ["wrinkle"], "moisture", ["pore"]],
        "skin_types": [["dry"], ["oily", "dry"], None, [], float("nan"), ["sensitive"]],
        "functions": [[], ["uv"], None, ["whitening", "uv"], [], None],
        "kind": ["skincare", None, "makeup", "bogus", "", float("nan")],
        "target_gender": ["women", None, "men", "female", "", "unisex"],
        "is_set": [True, False, None, float("nan"), 1, 0],
    })


@pytest.mark.parametrize("shared_only", [None, True, False])
def test_messy_frames_encode_exactly_as_before(shared_only) -> None:
    products = _messy()
    vocab = Vocab.build(products.assign(category=products["category"].map(str)), ["A", "F"], ["p1"],
                        name_buckets=64)
    vocab.ingredients = ["ceramide", "niacinamide", "x", "1"]
    _assert_same(encode_products(products, vocab, shared_only=shared_only),
                 _reference_encode_products(products, vocab, shared_only=shared_only))
    pd.testing.assert_frame_equal(shared_attributes(products), _reference_shared_attributes(products))
    empty = products.iloc[:0]
    _assert_same(encode_products(empty, vocab), _reference_encode_products(empty, vocab))
