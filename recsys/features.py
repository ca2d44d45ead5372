"""Turn profiles and products into the integer/float tensors the two towers read.

Vocabularies are saved next to the weights, so a checkpoint encodes any later catalog
exactly as it did in training. Anything not in a vocabulary maps to index 0 ("unknown"); in
particular a product without training interactions gets item id 0, which is what makes
cold-start products rankable by their features alone.

Two kinds of product features:

* **Shared attributes** mean the same thing in every catalog, because they come from the one
  product-type table (:mod:`recsys.product_types`) and from product understanding: canonical
  ``sub_type``, its ``family`` and ``kind``, ``target_gender``, ``is_set``, the skin types,
  concerns and functions a product targets, and its price band. Their vocabularies are fixed
  by that table, not by the training catalog, so a model trained on one catalog ranks another
  by what its products *are* (zero-shot transfer).
* **Catalog-specific** features only mean something in the catalog they were learned on:
  item id, brand, the export's category code, hashed name n-grams (crc32, stable across
  runs) and ingredient tags. Training drops them at random; a catalog of which the model
  knows no product at all is encoded without brand, category code and name, exactly as in
  those dropped training steps (see :func:`encode_products`).
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd
import torch

from recsys.product_types import BY_NAME, FAMILIES, KINDS, PRODUCT_TYPES, canonical
from recsys.profile import CONCERNS, SKIN_TYPES, Profile

AGE_BANDS = (10, 20, 30, 40, 50, 60)
GENDER_CODES = {"F": 1, "M": 2}
FUNCTIONS = ("whitening", "wrinkle", "uv")
#: Who a product is made for (product understanding's ``target_gender``); index 0 is unknown.
TARGET_GENDERS = ("men", "women", "unisex")
# KRW upper edges of the price bands; band 0 is "price unknown".
PRICE_EDGES = (5_000, 10_000, 15_000, 20_000, 25_000, 30_000, 40_000, 50_000, 70_000, 100_000, 150_000)


@dataclass
class Vocab:
    """Everything needed to encode a catalog the way the model was trained (saved as JSON)."""

    product_ids: list[str]
    categories: list[str]
    sub_types: list[str]
    brands: list[str]
    ingredients: list[str]
    personas: list[str]
    name_buckets: int = 1024
    # shared vocabularies: fixed by recsys.product_types, saved so an old checkpoint keeps its indices
    kinds: list[str] = field(default_factory=lambda: list(KINDS))
    families: list[str] = field(default_factory=lambda: list(FAMILIES))

    @classmethod
    def build(
        cls,
        products: pd.DataFrame,
        trained_product_ids: Iterable[str],
        personas: Sequence[str],
        *,
        name_buckets: int = 1024,
        max_ingredients: int = 64,
    ) -> "Vocab":
        """Item ids only for products seen in training; catalog-specific vocabularies from the
        catalog; sub-types, families and kinds from the shared product-type table."""
        seen = set(trained_product_ids)
        counts = Counter(i for items in products["ingredients"] for i in _as_list(items))
        ingredients = [i for i, n in counts.most_common(max_ingredients) if n >= 2]
        return cls(
            product_ids=[p for p in products["product_id"] if p in seen],
            categories=sorted(set(products["category"])),
            sub_types=[t.name for t in PRODUCT_TYPES],
            brands=sorted({_brand_key(b, i) for b, i in zip(products["brand"], products["brand_id"])}),
            ingredients=ingredients,
            personas=list(personas),
            name_buckets=name_buckets,
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Vocab":
        return cls(**data)

    @property
    def n_tags(self) -> int:
        """Shared target tags: skin types, concerns, functions."""
        return len(SKIN_TYPES) + len(CONCERNS) + len(FUNCTIONS)

    @property
    def n_price_bands(self) -> int:
        return len(PRICE_EDGES) + 2


@dataclass
class ProfileBatch:
    age: torch.Tensor  # (B,) 0 unknown, 1..6 decade
    gender: torch.Tensor  # (B,) 0 unknown, 1 F, 2 M
    skin: torch.Tensor  # (B,) 0 unknown, 1..5
    persona: torch.Tensor  # (B,) 0 unknown, 1..P
    concerns: torch.Tensor  # (B, 9) multi-hot float

    def __len__(self) -> int:
        return len(self.age)

    def index(self, rows: torch.Tensor) -> "ProfileBatch":
        return ProfileBatch(*(t[rows] for t in (self.age, self.gender, self.skin, self.persona, self.concerns)))


@dataclass
class ProductBatch:
    item: torch.Tensor  # (N,) 0 = no id (cold or dropped)
    category: torch.Tensor
    sub_type: torch.Tensor
    brand: torch.Tensor
    price: torch.Tensor
    log_price: torch.Tensor  # (N,) log(price / 25,000 KRW), 0 when unknown
    tags: torch.Tensor  # (N, n_tags) multi-hot: skin types, concerns, functions (shared)
    name_ids: torch.Tensor  # flat hashed n-gram ids for EmbeddingBag
    name_offsets: torch.Tensor  # (N,)
    ingredients: torch.Tensor  # (N, len(vocab.ingredients)) multi-hot (catalog-specific)
    kind: torch.Tensor  # (N,) 0 unknown, 1..len(kinds) (shared, like family, gender, is_set)
    family: torch.Tensor  # (N,) 0 unknown
    gender: torch.Tensor  # (N,) 0 unknown, 1 men, 2 women, 3 unisex
    is_set: torch.Tensor  # (N,) 0 unknown, 1 single product, 2 set/kit
    name_weight: torch.Tensor  # (N,) 1.0, or 0.0 where the name signal is switched off

    def __len__(self) -> int:
        return len(self.item)


def _as_list(value: Any) -> list[str]:
    if isinstance(value, (list, tuple, np.ndarray)):
        return [str(v) for v in value]
    return []


def _brand_key(brand: Any, brand_id: Any) -> str:
    return str(brand_id) if isinstance(brand_id, str) and brand_id else str(brand or "")


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _int_or_none(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def interaction_profiles(frame: pd.DataFrame) -> list[Profile]:
    """The reviewer/customer profile of each interaction row (no category/budget)."""
    return [
        Profile(
            age_min=_int_or_none(a),
            age_max=_int_or_none(b),
            gender=_str_or_none(g),
            skin_type=_str_or_none(s),
            concerns=tuple(_as_list(c)),
            persona=_str_or_none(p),
        )
        for a, b, g, s, c, p in zip(
            frame["age_min"], frame["age_max"], frame["gender"], frame["skin_type"],
            frame["concerns"], frame["persona"],
        )
    ]


def has_profile(profile: Profile) -> bool:
    """True when a profile carries at least one feature the customer tower can use."""
    return profile.age_band is not None or bool(profile.gender or profile.skin_type or profile.concerns)


def encode_profiles(profiles: Sequence[Profile], vocab: Vocab) -> ProfileBatch:
    persona_index = {p: i + 1 for i, p in enumerate(vocab.personas)}
    n = len(profiles)
    age = np.zeros(n, dtype=np.int64)
    gender = np.zeros(n, dtype=np.int64)
    skin = np.zeros(n, dtype=np.int64)
    persona = np.zeros(n, dtype=np.int64)
    concerns = np.zeros((n, len(CONCERNS)), dtype=np.float32)
    for row, profile in enumerate(profiles):
        band = profile.age_band
        age[row] = AGE_BANDS.index(band) + 1 if band is not None else 0
        gender[row] = GENDER_CODES.get(profile.gender or "", 0)
        skin[row] = SKIN_TYPES.index(profile.skin_type) + 1 if profile.skin_type in SKIN_TYPES else 0
        persona[row] = persona_index.get(profile.persona or "", 0)
        for concern in profile.concerns:
            if concern in CONCERNS:
                concerns[row, CONCERNS.index(concern)] = 1.0
    return ProfileBatch(
        torch.from_numpy(age), torch.from_numpy(gender), torch.from_numpy(skin),
        torch.from_numpy(persona), torch.from_numpy(concerns),
    )


def name_grams(name: str, name_en: str = "") -> list[str]:
    """Character 2/3-grams of each Korean word plus lower-cased English words."""
    grams: list[str] = []
    for word in re.findall(r"\w+", name.lower()):
        padded = f"<{word}>"
        grams.extend(padded[i : i + n] for n in (2, 3) for i in range(len(padded) - n + 1))
    grams.extend(f"en:{w}" for w in re.findall(r"[a-z0-9]+", name_en.lower()))
    return grams


def hash_grams(grams: Iterable[str], buckets: int) -> list[int]:
    return sorted({zlib.crc32(g.encode("utf-8")) % buckets for g in grams})


def price_band(prices: np.ndarray) -> np.ndarray:
    bands = np.searchsorted(np.asarray(PRICE_EDGES), prices, side="right") + 1
    return np.where(prices > 0, bands, 0).astype(np.int64)


def _column(products: pd.DataFrame, name: str) -> pd.Series:
    """A column of product understanding, or an all-missing one for a frame without it."""
    return products[name] if name in products.columns else pd.Series([None] * len(products), index=products.index)


# --------------------------------------------------------------------------------------
# Vectorised per-column helpers: catalogs repeat values (a million products have a few
# thousand names, brands, types), so each rule runs once per distinct value and the result
# is gathered by integer code. Missing values keep their own identity (None vs NaN), so the
# encoding is exactly the per-row one.
# --------------------------------------------------------------------------------------


def _per_value(values: Any, fn: Any, dtype: Any = object) -> np.ndarray:
    """``fn(v)`` for each value, computed once per distinct value."""
    array = np.asarray(values, dtype=object) if not isinstance(values, np.ndarray) else values
    codes, uniques = pd.factorize(array)
    mapped = np.array([fn(u) for u in uniques] + [None], dtype=object)
    out = mapped[codes]  # code -1 (missing) → None, fixed below
    missing = codes < 0
    if missing.any():
        is_none = np.equal(array[missing], None)
        out[missing] = np.where(is_none, fn(None), fn(float("nan")))  # type: ignore[call-overload]
    return out.astype(dtype) if dtype is not object else out


def _lookup(values: Any, names: list[str]) -> torch.Tensor:
    """1-based index of each value in ``names`` (0: not there), as a long tensor."""
    table = pd.Index(names, dtype=object)
    array = np.asarray(values, dtype=object)
    if table.is_unique and pd.api.types.infer_dtype(array, skipna=False) == "string":
        return torch.from_numpy(table.get_indexer(array).astype(np.int64) + 1)  # one hash probe per row, in C
    index = {v: i + 1 for i, v in enumerate(names)}
    return torch.from_numpy(_per_value(array, lambda v: index.get(v, 0), np.int64))


def _multi_hot(column: pd.Series, index: dict[str, int], prefix: str, out: np.ndarray) -> None:
    """Set ``out[row, index[prefix + str(item)]]`` for each item of each row's list.

    Lists are not hashable, but a catalog built by recombining or tiling rows (and pandas
    frames read once and indexed) shares list objects between rows: the rule runs once per
    distinct object (``id``, safe while ``column`` holds them) and is gathered by code.
    """
    array = column.to_numpy(dtype=object)
    if not len(array):
        return
    code, _ = pd.factorize(np.fromiter(map(id, array), dtype=np.int64, count=len(array)))
    firsts = np.full(code.max() + 1, len(array), dtype=np.int64)
    np.minimum.at(firsts, code, np.arange(len(array), dtype=np.int64))
    uniques = array[firsts]
    block = np.zeros((len(uniques), out.shape[1]), dtype=out.dtype)
    _multi_hot_rows(uniques, index, prefix, block)
    used = np.flatnonzero(block.any(axis=0))
    if not len(used):
        return
    gathered = block[:, used] if len(uniques) == len(array) else block[:, used][code]
    out[:, used] = np.maximum(out[:, used], gathered)


def _multi_hot_rows(array: np.ndarray, index: dict[str, int], prefix: str, out: np.ndarray) -> None:
    """:func:`_multi_hot` on an object array, one output row per element."""
    # lists are not hashable, so type and length are read per row by pandas' C loops
    is_list = np.isin(pd.Series(array).map(type).to_numpy(), [list, tuple, np.ndarray])
    if not is_list.any():
        return
    lists = pd.Series(array[is_list])
    lengths = lists.map(len).to_numpy(dtype=np.int64)
    rows = np.repeat(np.flatnonzero(is_list), lengths)
    items = lists[lengths > 0].explode().to_numpy(dtype=object)
    if pd.api.types.infer_dtype(items, skipna=False) == "string":
        bare = {name[len(prefix):]: col for name, col in index.items() if name.startswith(prefix)}
        cols = pd.Index(list(bare), dtype=object).get_indexer(items)
        cols = np.asarray(list(bare.values()) + [-1], dtype=np.int64)[cols]
    else:
        cols = _per_value(items, lambda v: index.get(prefix + str(v), -1), np.int64)
    hit = cols >= 0
    out[rows[hit], cols[hit]] = 1.0


def shared_attributes(products: pd.DataFrame) -> pd.DataFrame:
    """The shared attributes of each product: canonical sub-type, family, kind, gender, set.

    A catalog's own ``kind``/``target_gender``/``is_set`` (from ``recsys.catalog`` and product
    understanding) win; a frame without them falls back to what the canonical sub-type says
    (its kind) and leaves gender and set unknown.
    """
    sub_types = _per_value(products["sub_type"].to_numpy(dtype=object),
                           lambda v: canonical(str(v)) if isinstance(v, str) else "")
    given = _per_value(_column(products, "kind").to_numpy(dtype=object),
                       lambda k: k if isinstance(k, str) and k in KINDS else "")
    own_kind = _per_value(sub_types, lambda s: BY_NAME[s].kind if s else "")
    kinds = np.where(given != "", given, own_kind)
    genders = _per_value(_column(products, "target_gender").to_numpy(dtype=object),
                         lambda g: g if isinstance(g, str) and g in TARGET_GENDERS else "")
    sets = _per_value(_column(products, "is_set").to_numpy(dtype=object),
                      lambda v: None if v is None or (isinstance(v, float) and np.isnan(v)) else bool(v))
    return pd.DataFrame({
        "sub_type": sub_types, "family": _per_value(sub_types, lambda s: BY_NAME[s].family if s else ""),
        "kind": kinds, "target_gender": genders, "is_set": sets.tolist(),  # dtype inferred as before
    }, index=products.index)


def _name_ids(products: pd.DataFrame, buckets: int) -> tuple[np.ndarray, np.ndarray]:
    """Flat hashed n-gram ids and per-row offsets, hashing each distinct (name, name_en) once."""
    names = _per_value(products["name"].to_numpy(dtype=object), lambda v: str(v or ""))
    names_en = _per_value(products["name_en"].to_numpy(dtype=object), lambda v: str(v or ""))
    name_code, name_uniques = pd.factorize(names)
    en_code, en_uniques = pd.factorize(names_en)
    pair_code, pairs = pd.factorize(name_code.astype(np.int64) * max(len(en_uniques), 1) + en_code)
    width = max(len(en_uniques), 1)
    grams = [hash_grams(name_grams(str(name_uniques[p // width]), str(en_uniques[p % width])), buckets)
             for p in pairs.tolist()]
    lengths = np.fromiter((len(g) for g in grams), dtype=np.int64, count=len(grams))
    flat = np.fromiter((i for g in grams for i in g), dtype=np.int64, count=int(lengths.sum()))
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    row_len = lengths[pair_code]
    offsets = np.zeros(len(row_len), dtype=np.int64)
    np.cumsum(row_len[:-1], out=offsets[1:])
    total = int(row_len.sum())
    if not total:
        return flat[:0], offsets
    # position in ``flat`` of every output id: +1 inside a row, a jump to the next row's
    # unique name at each row start (rows without grams are skipped) — one running sum,
    # taken in chunks so that only the output is catalog-sized (48M ids at 1M products)
    filled = row_len > 0
    first = starts[pair_code[filled]]
    lasts = first + row_len[filled] - 1
    jump_at = offsets[filled][1:]
    jumps = first[1:] - lasts[:-1]
    ids = np.empty(total, dtype=np.int64)
    step = np.empty(min(total, _CHUNK), dtype=np.int64)
    position = first[0] - 1  # the running sum before the first id
    for lo in range(0, total, _CHUNK):
        hi = min(lo + _CHUNK, total)
        chunk = step[: hi - lo]
        chunk.fill(1)
        a, b = np.searchsorted(jump_at, [lo, hi])
        chunk[jump_at[a:b] - lo] = jumps[a:b]
        chunk[0] += position
        np.cumsum(chunk, out=chunk)
        position = int(chunk[-1])
        np.take(flat, chunk, out=ids[lo:hi])
    return ids, offsets


_CHUNK = 1 << 20


def encode_products(products: pd.DataFrame, vocab: Vocab, *, shared_only: bool | None = None) -> ProductBatch:
    """Encode a products frame (``recsys.catalog`` columns) in frame order.

    ``shared_only`` switches brand, category code and name n-grams off (index 0 / weight 0),
    as training does when it drops them. ``None`` (the default) does so exactly when the
    frame holds no product the model was trained on (for a model trained without item ids:
    no brand it was trained on): a new mall's export, whose brands,
    category codes and naming conventions the model has never seen, is ranked by its shared
    attributes only — the zero-shot path.

    Vectorised over the frame (one rule per distinct value, gathered by code): a million
    products encode in a few seconds (benchmarks/bench_recsys_speed.py).
    """
    tag_names = [f"skin:{s}" for s in SKIN_TYPES] + [f"concern:{c}" for c in CONCERNS] + [f"fn:{f}" for f in FUNCTIONS]
    tag_index = {t: i for i, t in enumerate(tag_names)}
    tags = np.zeros((len(products), len(tag_names)), dtype=np.float32)
    _multi_hot(products["skin_types"], tag_index, "skin:", tags)
    _multi_hot(products["concerns"], tag_index, "concern:", tags)
    _multi_hot(products["functions"], tag_index, "fn:", tags)
    ingredients = np.zeros((len(products), len(vocab.ingredients)), dtype=np.float32)
    _multi_hot(products["ingredients"], {name: i for i, name in enumerate(vocab.ingredients)}, "", ingredients)
    name_ids, offsets = _name_ids(products, vocab.name_buckets)

    item = _lookup(products["product_id"].to_numpy(dtype=object), vocab.product_ids)
    category = _lookup(products["category"].to_numpy(dtype=object), vocab.categories)
    brand_id = products["brand_id"].to_numpy(dtype=object)
    use_id = _per_value(brand_id, lambda i: isinstance(i, str) and bool(i), bool)
    keys = np.where(use_id, _per_value(brand_id, str),
                    _per_value(products["brand"].to_numpy(dtype=object), lambda b: str(b or "")))
    brand = _lookup(keys, vocab.brands)
    if shared_only is None:
        # a model trained on features only (no item ids) knows its catalog by its brands
        known = item if vocab.product_ids else brand
        shared_only = len(products) > 0 and bool(vocab.product_ids or vocab.brands) and not bool((known > 0).any())
    if shared_only:
        category, brand = torch.zeros_like(category), torch.zeros_like(brand)
    shared = shared_attributes(products)
    prices = products["price"].fillna(0).to_numpy(dtype=np.int64)
    is_set = shared["is_set"].to_numpy(dtype=object)
    return ProductBatch(
        item=item,
        category=category,
        sub_type=_lookup(shared["sub_type"].to_numpy(dtype=object), vocab.sub_types),
        brand=brand,
        price=torch.from_numpy(price_band(prices)),
        log_price=torch.from_numpy(np.where(prices > 0, np.log(np.maximum(prices, 1) / 25_000.0), 0.0)
                                   .astype(np.float32)),
        tags=torch.from_numpy(tags),
        name_ids=torch.from_numpy(name_ids),
        name_offsets=torch.from_numpy(offsets),
        ingredients=torch.from_numpy(ingredients),
        kind=_lookup(shared["kind"].to_numpy(dtype=object), vocab.kinds),
        family=_lookup(shared["family"].to_numpy(dtype=object), vocab.families),
        gender=_lookup(shared["target_gender"].to_numpy(dtype=object), list(TARGET_GENDERS)),
        is_set=torch.from_numpy(np.where(np.equal(is_set, None), 0,
                                         1 + np.equal(is_set, True).astype(np.int64)).astype(np.int64)),
        name_weight=torch.full((len(products),), 0.0 if shared_only else 1.0),
    )
