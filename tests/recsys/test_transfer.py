"""Zero-shot transfer: the product tower reads shared attributes, so an unseen catalog ranks sensibly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from recsys.catalog import Catalog
from recsys.features import Vocab, encode_products, encode_profiles, shared_attributes
from recsys.product_types import KINDS, PRODUCT_TYPES
from recsys.profile import SKIN_TYPES, Profile
from tests.recsys._model_helpers import make_catalog, make_products, persona_of, trained


def _foreign(products: pd.DataFrame) -> pd.DataFrame:
    """Another mall's export of products like these: new ids, brands, names and category codes,
    sub-types spelt in Korean instead of English — only the shared attributes are the same."""
    korean = {"cream": "크림", "toner": "스킨토너", "serum": "세럼"}
    codes = {"skincare": "97", "makeup": "98", "body": "100", "men": "103"}
    return products.assign(
        product_id=[f"X-{i}" for i in range(len(products))],
        name=[f"신상 {i}호 제품" for i in range(len(products))],
        name_en=[""] * len(products),
        brand=[f"다른브랜드{i % 3}" for i in range(len(products))],
        brand_id=[""] * len(products),
        category=[codes[c] for c in products["category"]],
        sub_type=[korean[s] for s in products["sub_type"]],
        ingredients=[[] for _ in range(len(products))],
    )


def test_shared_vocabularies_are_the_same_on_every_catalog() -> None:
    demo_like, other = make_products(12), _foreign(make_products(12))
    a = Vocab.build(demo_like, demo_like["product_id"], ["p"])
    b = Vocab.build(other, other["product_id"], ["q"])
    assert a.sub_types == b.sub_types == [t.name for t in PRODUCT_TYPES]
    assert a.kinds == b.kinds == list(KINDS)
    assert a.families == b.families
    # "cream" in one export and "크림" in another are the same canonical sub-type, family and kind
    ea, eb = encode_products(demo_like, a), encode_products(other, a)
    assert torch.equal(ea.sub_type, eb.sub_type) and torch.equal(ea.family, eb.family)
    assert torch.equal(ea.kind, eb.kind) and bool((ea.kind > 0).all())


def test_an_exports_own_kind_gender_and_set_win_and_codes_are_unknown() -> None:
    products = make_products(4).assign(sub_type=["0", "크림", "오드퍼퓸", "디퓨저"],
                                       kind=["makeup", None, None, "home"],
                                       target_gender=["men", "women", None, "unisex"],
                                       is_set=[True, False, None, False])
    shared = shared_attributes(products)
    assert shared["sub_type"].tolist() == ["", "크림", "오드퍼퓸", "디퓨저"]  # "0" is a code, not a type
    assert shared["kind"].tolist() == ["makeup", "skincare", "fragrance", "home"]
    batch = encode_products(products, Vocab.build(products, [], ["p"]))
    assert batch.gender.tolist() == [1, 2, 0, 3] and batch.is_set.tolist() == [2, 1, 0, 1]


def test_a_catalog_the_model_never_saw_is_encoded_by_shared_attributes_only() -> None:
    products = make_products(12)
    vocab = Vocab.build(products, products["product_id"][:8], ["p"])
    own = encode_products(products, vocab)
    assert bool((own.brand > 0).all()) and bool((own.category > 0).all()) and bool((own.name_weight == 1).all())
    # a new mall that happens to reuse a brand key and a category name: still nothing catalog-specific
    other = _foreign(products).assign(brand_id=products["brand_id"], category=products["category"])
    foreign = encode_products(other, vocab)
    assert foreign.item.tolist() == [0] * 12
    assert foreign.brand.tolist() == [0] * 12 and foreign.category.tolist() == [0] * 12
    assert foreign.name_weight.tolist() == [0.0] * 12
    assert torch.equal(foreign.tags, own.tags) and torch.equal(foreign.kind, own.kind)
    # products new to a known catalog (cold start) keep their brand and name
    mixed = encode_products(pd.concat([products.iloc[:2], other.iloc[2:]]), vocab)
    assert bool((mixed.name_weight == 1).all())


def test_a_model_ranks_an_unseen_catalog_by_what_its_products_are() -> None:
    catalog, result = trained()
    other = _foreign(catalog.products)
    model, vocab = result.model, result.vocab
    skins = other["skin_types"].str[0].to_numpy()
    with torch.no_grad():
        items, bias = model.product(encode_products(other, vocab))
        for skin in SKIN_TYPES:
            user = model.customer(encode_profiles([Profile(skin_type=skin).with_persona(persona_of(
                Profile(skin_type=skin)))], vocab))
            scores = (user / model.cfg.temperature @ items.T + model.cfg.pop_weight * bias)[0].numpy()
            top = np.argsort(-scores)[:5]
            # 8 of the 40 products target each skin type: chance puts 1 of 5 in the top 5
            assert (skins[top] == skin).sum() >= 4, skin


def test_the_recommender_serves_a_foreign_catalog() -> None:
    from recsys.recommender import Recommender

    catalog, result = trained()
    other = Catalog(_foreign(catalog.products), catalog.interactions.iloc[:0])
    rec = Recommender(result.model, result.vocab, other, persona_of=persona_of)
    top = rec.recommend(Profile(skin_type="oily"), k=3)
    assert len(top) == 3 and all(r.product_id.startswith("X-") for r in top)
    assert sum("oily" in other.products.set_index("product_id").at[r.product_id, "skin_types"] for r in top) >= 2


def test_a_features_only_model_knows_its_own_catalog_by_its_brands() -> None:
    products = make_products(12)
    vocab = Vocab.build(products, [], ["p"])  # trained without item ids (too few rows per product)
    assert bool((encode_products(products, vocab).name_weight == 1).all())
    foreign = encode_products(_foreign(products), vocab)
    assert foreign.brand.tolist() == [0] * 12 and foreign.name_weight.tolist() == [0.0] * 12
