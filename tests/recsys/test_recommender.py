"""Serving: hard filters, exclusions, partial profiles, explanations, loading."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from recsys.model import ModelLoadError, save_checkpoint
from recsys.profile import Profile
from recsys.recommender import MAX_EXPLANATION, Recommendation, Recommender, ReviewEvidence, explain
from tests.recsys._model_helpers import persona_of, trained


@pytest.fixture(scope="module")
def rec() -> Recommender:
    catalog, result = trained()
    return Recommender(result.model, result.vocab, catalog, persona_of=persona_of)


DRY = Profile(age_min=30, age_max=39, gender="F", skin_type="dry", concerns=("moisture",))


def test_recommendation_has_the_contract_fields(rec: Recommender) -> None:
    recs = rec.recommend(DRY, k=3)
    assert [r.rank for r in recs] == [1, 2, 3]
    assert [f.name for f in dataclasses.fields(Recommendation)] == [
        "rank", "product_id", "name", "name_en", "brand", "brand_id", "category", "sub_type", "price",
        "image_url", "score", "explanation", "explanation_ko"]
    assert recs[0].score >= recs[1].score >= recs[2].score
    with pytest.raises(dataclasses.FrozenInstanceError):
        recs[0].rank = 9  # type: ignore[misc]


def test_top_results_follow_the_profile(rec: Recommender) -> None:
    products = rec.catalog.products.set_index("product_id")
    recs = rec.recommend(DRY, k=3)
    assert all("dry" in products.loc[r.product_id, "skin_types"] for r in recs)


def test_category_filter_is_hard(rec: Recommender) -> None:
    recs = rec.recommend(Profile(skin_type="dry", category="makeup", gender="F"), k=5)
    assert recs and all(r.category == "makeup" for r in recs)


def test_men_products_only_for_men(rec: Recommender) -> None:
    women = rec.recommend(Profile(gender="F", skin_type="oily"), k=30)
    assert all(r.category != "men" for r in women)
    men = rec.recommend(Profile(gender="M", category="skincare"), k=30)
    assert {r.category for r in men} == {"skincare", "men"}


def test_budget_filter_is_hard(rec: Recommender) -> None:
    recs = rec.recommend(Profile(skin_type="dry", price_min=20_000, price_max=30_000), k=10)
    assert recs and all(20_000 <= r.price <= 30_000 for r in recs)
    prices = rec.catalog.products["price"]
    assert len(recs) == min(10, int(((prices >= 20_000) & (prices <= 30_000)).sum()))


def test_exclude_and_empty_results(rec: Recommender) -> None:
    first = rec.recommend(DRY, k=3)
    again = rec.recommend(DRY, k=3, exclude=[first[0].product_id, "unknown-id"])
    assert first[0].product_id not in {r.product_id for r in again}
    assert again[0].product_id == first[1].product_id
    assert rec.recommend(Profile(price_max=10), k=3) == []


@pytest.mark.parametrize("profile", [Profile(), Profile(gender="M"), Profile(concerns=("gift",)),
                                     Profile(age_min=60), Profile(skin_type="sensitive")])
def test_partial_profiles_get_recommendations(rec: Recommender, profile: Profile) -> None:
    recs = rec.recommend(profile, k=3)
    assert len(recs) == 3 and all(r.explanation for r in recs)


def test_explanations_are_short_concrete_and_bilingual(rec: Recommender) -> None:
    en = rec.recommend(DRY, k=3)[0]
    assert en.explanation.startswith("targets dry skin")
    assert "★ from" in en.explanation and len(en.explanation) <= MAX_EXPLANATION
    ko = rec.recommend(DRY, k=3, lang="ko")[0]
    assert ko.product_id == en.product_id
    assert "건성" in ko.explanation and "타깃" in ko.explanation and "리뷰어" in ko.explanation
    assert en.explanation_ko == ko.explanation == ko.explanation_ko  # Korean screens need no second call


def test_korean_explanations_name_the_kind_in_korean() -> None:
    from recsys.recommender import explain

    nothing = Profile(concerns=("acne",))
    fragrance = {"sub_type": "0", "category": "fragrance", "concerns": [], "skin_types": []}
    assert explain(nothing, fragrance, (None, None, 0, None), "ko").startswith("향수 · ")
    assert explain(nothing, fragrance, (None, None, 0, None), "en").startswith("fragrance · ")
    toner = {"sub_type": "토너", "category": "skincare", "concerns": [], "skin_types": []}
    assert explain(nothing, toner, (None, None, 0, None), "en").startswith("toner · ")
    assert "fragrance" not in explain(nothing, fragrance, ("dry", None, 3, 4.5), "ko")


def test_explain_uses_the_most_specific_reviewer_group() -> None:
    catalog, _ = trained()
    evidence = ReviewEvidence(catalog)
    frame = catalog.interactions
    pid = frame["product_id"].value_counts().index[0]
    pos = int(np.flatnonzero(catalog.products["product_id"] == pid)[0])
    mine = frame[frame["product_id"] == pid]
    skin = mine["skin_type"].value_counts().index[0]
    n_skin = int((mine["skin_type"] == skin).sum())
    s, band, n, rating = evidence.best(pos, skin, None)
    assert (s, band, n) == (skin, None, n_skin)
    assert rating == pytest.approx(mine.loc[mine["skin_type"] == skin, "rating"].mean())
    text = explain(Profile(skin_type=skin), catalog.products.iloc[pos].to_dict(), (s, band, n, rating))
    assert f"{rating:.1f}★ from {n} {skin}" in text
    assert explain(Profile(), {"sub_type": "cream"}, (None, None, 0, None)) == "cream · new: matched on features"


def test_one_matrix_product_scores_everything(rec: Recommender) -> None:
    users = rec.profile_embeddings([DRY, Profile()])
    scores = rec.score_profiles([DRY, Profile()])
    expected = users @ rec.product_embeddings.T / rec.temperature + rec.pop_weight * rec.product_bias
    np.testing.assert_allclose(scores, expected, rtol=1e-5)
    assert rec.product_embeddings.shape == (len(rec.catalog.products), rec.model.cfg.dim)
    np.testing.assert_allclose(np.linalg.norm(rec.profile_embedding(DRY)), 1.0, rtol=1e-5)


def test_load_round_trip_and_clear_errors(tmp_path: Path) -> None:
    catalog, result = trained()
    save_checkpoint(tmp_path, result.model, result.vocab, {"catalog": str(tmp_path / "missing.json")})
    loaded = Recommender.load(tmp_path, catalog)
    assert loaded.catalog is catalog
    direct = Recommender(result.model, result.vocab, catalog, persona_of=persona_of)
    np.testing.assert_allclose(loaded.product_embeddings, direct.product_embeddings, rtol=1e-6)
    with pytest.raises(ModelLoadError, match="not found"):
        Recommender.load(tmp_path)
    with pytest.raises(ModelLoadError, match="personabot train"):
        Recommender.load(tmp_path / "nope", catalog)
