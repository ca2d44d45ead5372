"""Serving: hard filters, exclusions, partial profiles, explanations, loading."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from recsys.model import ModelLoadError, save_checkpoint
from recsys.profile import Profile
from recsys.recommender import MAX_EXPLANATION, Recommendation, Recommender
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
        "image_url", "score", "explanation", "explanation_ko", "display_name", "kind"]
    assert recs[0].score >= recs[1].score >= recs[2].score


def test_top_results_follow_the_profile(rec: Recommender) -> None:
    products = rec.catalog.products.set_index("product_id")
    recs = rec.recommend(DRY, k=3)
    assert all("dry" in products.loc[r.product_id, "skin_types"] for r in recs)


def test_kind_filter_is_hard(rec: Recommender) -> None:
    # the helper's products are creams, toners and serums whatever their category: skincare
    recs = rec.recommend(Profile(skin_type="dry", kind="skincare", gender="F"), k=5)
    assert len(recs) == 5 and all(r.kind == "skincare" and r.category != "men" for r in recs)
    assert rec.recommend(Profile(skin_type="dry", kind="makeup"), k=5) == []


def test_men_products_only_for_men(rec: Recommender) -> None:
    women = rec.recommend(Profile(gender="F", skin_type="oily"), k=30)
    assert women and all(r.category != "men" for r in women)
    # men's skincare request: men's and unisex products, all of them skincare (the helper's
    # "men" category holds creams, toners and serums, so they are skincare too)
    men = rec.recommend(Profile(gender="M", category="skincare"), k=40)
    assert "men" in {r.category for r in men} and {r.kind for r in men} == {"skincare"}

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
    nothing = rec.recommend(Profile(price_max=10), k=3)
    assert nothing == [] and nothing.shortfall == 3 and "₩10" in (nothing.note("en") or "")


@pytest.mark.parametrize("profile", [Profile(), Profile(gender="M"), Profile(concerns=("gift",)),
                                     Profile(age_min=60), Profile(skin_type="sensitive")])
def test_partial_profiles_get_recommendations(rec: Recommender, profile: Profile) -> None:
    recs = rec.recommend(profile, k=3)
    assert len(recs) == 3 and all(r.explanation for r in recs)


def test_explanations_are_short_concrete_and_bilingual(rec: Recommender) -> None:
    en = rec.recommend(DRY, k=3)[0]
    assert en.explanation.startswith(("cream", "toner", "serum")), en.explanation
    assert "dry-skin review" in en.explanation and "★" in en.explanation
    assert len(en.explanation) <= MAX_EXPLANATION
    ko = rec.recommend(DRY, k=3, lang="ko")[0]
    assert ko.product_id == en.product_id
    assert ko.explanation.startswith(("크림", "토너", "세럼")) and "건성 리뷰" in ko.explanation
    assert en.explanation_ko == ko.explanation == ko.explanation_ko  # Korean screens need no second call


def test_korean_explanations_name_the_kind_in_korean() -> None:
    from recsys.recommender import explain

    nothing = Profile(concerns=("acne",))
    fragrance = {"sub_type": "0", "category": "fragrance", "concerns": [], "skin_types": []}
    assert explain(nothing, fragrance, lang="ko") == "향수"
    assert explain(nothing, fragrance, lang="en") == "fragrance"
    toner = {"sub_type": "토너", "category": "skincare", "concerns": [], "skin_types": []}
    assert explain(nothing, toner, lang="en") == "toner"
    other = {"sub_type": "0", "category": "other", "kind": "", "rating": 0.0}
    assert explain(nothing, other, lang="ko") == "" and explain(nothing, other) == ""


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
