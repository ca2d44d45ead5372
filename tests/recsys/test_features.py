"""Encoding: unknowns map to 0, partial profiles encode, unseen products still get a name signal."""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from recsys.features import (
    PRICE_EDGES, Vocab, encode_products, encode_profiles, has_profile, hash_grams, interaction_profiles,
    name_grams, price_band,
)
from recsys.profile import CONCERNS, Profile
from tests.recsys._model_helpers import make_catalog, make_products


def _vocab(products: pd.DataFrame, seen: list[str]) -> Vocab:
    return Vocab.build(products, seen, ["Dry_Winter", "Gift_Buyer"], name_buckets=256)


def test_full_and_empty_profiles_encode() -> None:
    vocab = _vocab(make_products(6), [])
    full = Profile(age_min=30, age_max=39, gender="F", skin_type="dry", concerns=("moisture", "acne"),
                   persona="Gift_Buyer")
    batch = encode_profiles([full, Profile()], vocab)
    assert batch.age.tolist() == [3, 0]  # 30s is the third decade band; unknown is 0
    assert batch.gender.tolist() == [1, 0]
    assert batch.skin.tolist() == [1, 0]
    assert batch.persona.tolist() == [2, 0]
    assert batch.concerns[0, CONCERNS.index("moisture")] == 1 and batch.concerns[0, CONCERNS.index("acne")] == 1
    assert batch.concerns[0].sum() == 2 and batch.concerns[1].sum() == 0


def test_open_age_and_unknown_values_fall_back_to_zero() -> None:
    vocab = _vocab(make_products(6), [])
    batch = encode_profiles([Profile(age_min=50), Profile(gender="X", skin_type="scaly", persona="Nobody")], vocab)
    assert batch.age[0] == 5  # 50+ → the 50s band
    assert batch.gender[1] == 0 and batch.skin[1] == 0 and batch.persona[1] == 0


def test_only_trained_products_get_item_ids() -> None:
    products = make_products(6)
    vocab = _vocab(products, ["P001", "P003"])
    batch = encode_products(products, vocab)
    assert batch.item.tolist() == [0, 1, 0, 2, 0, 0]


def test_product_tags_and_categories() -> None:
    products = make_products(6)
    vocab = _vocab(products, [])
    batch = encode_products(products, vocab)
    assert batch.tags.shape == (6, vocab.n_tags)
    # every synthetic product targets exactly one skin type and one concern, and has one ingredient
    assert torch.all(batch.tags.sum(dim=1) == 2)
    assert torch.all(batch.ingredients.sum(dim=1) == 1)
    assert set(batch.category.tolist()) <= set(range(1, len(vocab.categories) + 1))
    unknown = products.assign(category=["nope"] * 6, brand_id=[""] * 6, brand=["New"] * 6)
    assert encode_products(unknown, vocab).category.tolist() == [0] * 6
    assert encode_products(unknown, vocab).brand.tolist() == [0] * 6


def test_name_hashing_is_stable_and_covers_unseen_names() -> None:
    grams = name_grams("수분 크림", "Moisture Cream")
    assert {"<수", "수분>", "en:moisture", "en:cream"} <= set(grams)
    ids = hash_grams(grams, 1024)
    assert ids == hash_grams(name_grams("수분 크림", "Moisture Cream"), 1024)  # crc32, not hash()
    assert all(0 <= i < 1024 for i in ids)
    products = make_products(3)
    batch = encode_products(products, _vocab(products, []))
    assert batch.name_offsets.tolist()[0] == 0 and len(batch.name_ids) > 3 * 5


def test_price_bands() -> None:
    bands = price_band(np.array([0, 3000, PRICE_EDGES[0], 1_000_000]))
    assert bands[0] == 0 and bands[1] == 1 and bands[2] == 2 and bands[3] == len(PRICE_EDGES) + 1


def test_vocab_round_trips_through_json_dict() -> None:
    products = make_products(8)
    vocab = _vocab(products, ["P000"])
    assert Vocab.from_dict(vocab.to_dict()) == vocab


def test_interaction_profiles_read_nullable_columns() -> None:
    frame = make_catalog(6, 3).interactions
    frame.loc[0, ["age_min", "age_max"]] = pd.NA
    frame.loc[0, "gender"] = None
    frame.at[0, "concerns"] = []
    profiles = interaction_profiles(frame)
    assert profiles[0].age_min is None and profiles[0].gender is None and profiles[0].concerns == ()
    assert profiles[1].age_min is not None and isinstance(profiles[1].age_min, int)
    assert has_profile(profiles[1]) and not has_profile(Profile())
