"""A tiny training run: repeatable with a seed, learns a planted pattern, handles cold products."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from recsys.catalog import Catalog
from recsys.features import encode_products, encode_profiles
from recsys.model import ModelShape
from recsys.profile import SKIN_TYPES, Profile
from recsys.train import TrainingDataError, train, usable_interactions
from tests.recsys._model_helpers import make_catalog, persona_of, tiny_config, trained


def _scores(result, catalog: Catalog, profile: Profile) -> np.ndarray:
    with torch.no_grad():
        logits = result.model(encode_profiles([profile.with_persona(persona_of(profile))], result.vocab),
                              encode_products(catalog.products, result.vocab))
    return logits[0].numpy()


def test_same_seed_same_model() -> None:
    catalog = make_catalog(n_products=20, n_interactions=200)
    runs = [train(catalog, tiny_config(epochs=4), progress=False, persona_of=persona_of) for _ in range(2)]
    assert runs[0].history == runs[1].history
    for key, value in runs[0].model.state_dict().items():
        assert torch.equal(value, runs[1].model.state_dict()[key])
    other = train(catalog, tiny_config(epochs=4, seed=1), progress=False, persona_of=persona_of)
    assert other.history != runs[0].history


def test_learns_the_planted_skin_pattern() -> None:
    catalog, result = trained()
    skins = catalog.products["skin_types"].str[0].to_numpy()
    for skin in SKIN_TYPES:
        top = np.argsort(-_scores(result, catalog, Profile(skin_type=skin)))[:5]
        # chance would put 1 of 5 matching products in the top 5
        assert (skins[top] == skin).sum() >= 4, skin
    assert result.val_hit10 > 0.5  # chance: 10 of 40 products = 0.25
    assert result.history[-1]["train_loss"] < result.history[0]["train_loss"]


def test_partial_and_empty_profiles_score() -> None:
    catalog, result = trained()
    for profile in (Profile(), Profile(age_min=20, age_max=29), Profile(concerns=("moisture",))):
        scores = _scores(result, catalog, profile)
        assert scores.shape == (len(catalog.products),) and np.isfinite(scores).all()


def test_unseen_product_ranks_by_its_features() -> None:
    """A product held out of training (a new launch) still ranks high for its target skin."""
    catalog = make_catalog()
    new = "P000"  # targets dry skin
    result = train(catalog, tiny_config(), unseen_products={new}, progress=False, persona_of=persona_of)
    assert new not in result.vocab.product_ids
    scores = _scores(result, catalog, Profile(skin_type="dry", concerns=("moisture",)))
    rank = int((scores > scores[0]).sum()) + 1
    assert rank <= 10  # of 40 products; chance rank ~20


def test_usable_interactions_skip_unknown_products_and_empty_profiles() -> None:
    catalog = make_catalog(10, 30)
    catalog.interactions.loc[0, "product_id"] = "gone"
    catalog.interactions.loc[1, ["age_min", "age_max", "gender", "skin_type"]] = [None, None, None, None]
    catalog.interactions.at[1, "concerns"] = []
    rows, profiles, targets = usable_interactions(catalog, persona_of)
    assert 0 not in rows and 1 not in rows and len(rows) == 28
    assert all(p.persona for p in profiles)
    assert catalog.products["product_id"].iloc[targets[0]] == catalog.interactions["product_id"].iloc[rows[0]]


def test_no_profiled_interactions_is_a_clear_error() -> None:
    catalog = make_catalog(10, 30)
    catalog.interactions[["gender", "skin_type"]] = None
    catalog.interactions[["age_min", "age_max"]] = None
    catalog.interactions["concerns"] = [[] for _ in range(30)]
    with pytest.raises(TrainingDataError, match="customers.json"):
        train(catalog, tiny_config(epochs=1), progress=False, persona_of=persona_of)


def test_schedule_adapts_to_the_data_size() -> None:
    from recsys.train import TrainConfig, schedule

    small = schedule(180, TrainConfig())
    assert small["batch_size"] < 180 and small["steps_per_epoch"] >= 8
    assert small["max_epochs"] * small["steps_per_epoch"] >= TrainConfig().min_steps
    assert small["patience_epochs"] * small["steps_per_epoch"] >= TrainConfig().patience_steps
    large = schedule(4_800, TrainConfig())
    assert large["batch_size"] == 256 and large["max_epochs"] == 60 and large["patience_epochs"] == 6
    assert schedule(5, TrainConfig())["batch_size"] >= 1


def test_about_200_rows_get_enough_optimisation_to_learn_the_planted_pattern() -> None:
    """~200 interactions (the real export's size): many optimizer steps, a held-out pattern learned."""
    import torch.nn.functional as F

    from recsys.catalog import Catalog
    from recsys.train import TrainConfig
    from tests.recsys._model_helpers import make_interactions, make_products

    products = make_products(40)
    catalog = Catalog(products, make_interactions(products, 200))
    config = TrainConfig(shape=ModelShape(field_dim=8, hidden=32, dim=16), name_buckets=128)
    result = train(catalog, config, progress=False, persona_of=persona_of)
    summary = result.summary()
    assert summary["batch_size"] < result.n_train and summary["steps_per_epoch"] >= 8
    assert summary["steps"] >= 100  # one step per epoch used to stop after 15-36 steps
    fresh = Catalog(products, make_interactions(products, 1000, seed=7))  # same pattern, unseen rows
    _, profiles, targets = usable_interactions(fresh, persona_of)
    with torch.no_grad():
        logits = result.model(encode_profiles(profiles, result.vocab), encode_products(products, result.vocab))
    hit5 = (logits.topk(5, dim=1).indices == torch.from_numpy(targets)[:, None]).any(dim=1).float().mean().item()
    assert hit5 > 0.5  # chance: 5 of 40 = 0.125
    assert F.cross_entropy(logits, torch.from_numpy(targets)).item() < np.log(40) - 0.6
    again = train(catalog, config, progress=False, persona_of=persona_of)
    for key, value in result.model.state_dict().items():
        assert torch.equal(value, again.model.state_dict()[key])  # same seed, same model


def test_too_few_rows_per_product_train_on_features_only() -> None:
    """~1.5 rows per product cannot estimate per-item embeddings: no item ids, features still learn."""
    catalog = make_catalog(n_products=40, n_interactions=60)
    result = train(catalog, tiny_config(epochs=3), progress=False, persona_of=persona_of)
    assert result.vocab.product_ids == [] and result.model.cfg.n_items == 0
    assert encode_products(catalog.products, result.vocab).item.tolist() == [0] * 40
    _, rich = trained()
    assert len(rich.vocab.product_ids) > 30  # 600 rows over 40 products keep their ids


def _capped_catalog(count_rows: int = 15) -> Catalog:
    """Features-only data where counts and affinity disagree: four lotions bought by every skin
    type, ``count_rows`` times each, and fifty products each bought by its own skin type only
    (about twice each): by counts a dry reviewer's likeliest product is a lotion, by affinity a
    dry-skin product."""
    from tests.recsys._model_helpers import make_products

    products = make_products(54)
    popular = products.index[:4]
    products.loc[popular, "sub_type"] = "lotion"
    products.loc[popular, "category"] = "body"
    products.loc[popular, "category_label"] = "body"
    for i in popular:
        products.at[i, "skin_types"] = []
        products.at[i, "concerns"] = []
    rng = np.random.default_rng(3)
    skins = products["skin_types"].str[0].to_numpy()
    rows = []
    for j in range(4 * count_rows + 100):
        if j < 4 * count_rows:
            pid, skin = products["product_id"].iloc[j % 4], SKIN_TYPES[j % len(SKIN_TYPES)]
        else:
            skin = SKIN_TYPES[j % len(SKIN_TYPES)]
            pid = products["product_id"].iloc[rng.choice(np.flatnonzero(skins == skin))]
        rows.append({"product_id": pid, "user_id": None, "age_min": pd.NA, "age_max": pd.NA, "gender": None,
                     "skin_type": skin, "concerns": [], "persona": None, "rating": 5.0, "date": pd.NaT,
                     "text": "", "source": "review"})
    frame = pd.DataFrame(rows)
    frame["age_min"] = frame["age_min"].astype("Int64")
    frame["age_max"] = frame["age_max"].astype("Int64")
    return Catalog(products, frame)


def test_features_only_training_learns_affinity_not_review_counts() -> None:
    """With too few rows per product, a product's review count is noise (an export capped at
    N reviews a product, a held-out review): count-adjusted logits make the model rank by how
    much a profile prefers a product, not by which product got more rows."""
    catalog = _capped_catalog()
    skins = catalog.products["skin_types"].map(lambda s: s[0] if len(s) else "").to_numpy()
    top_own: dict[float, list[int]] = {}
    for adjust in (1.0, 0.0):
        result = train(catalog, tiny_config(count_adjust=adjust), progress=False, persona_of=persona_of)
        assert result.vocab.product_ids == []  # 160 rows over 54 products: features only
        top_own[adjust] = [int((skins[np.argsort(-_scores(result, catalog, Profile(skin_type=s)))[:4]] == s).sum())
                           for s in SKIN_TYPES]
    assert min(top_own[1.0]) >= 3, top_own  # adjusted: the skin type's own products lead
    assert sum(top_own[0.0]) < sum(top_own[1.0]), top_own  # by raw counts the lotions crowd in
