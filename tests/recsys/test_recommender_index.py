"""Recommend through the search index: the HNSW path agrees with the exact one, the cache
follows the model and the catalog, and a damaged cache file is rebuilt with a warning.

The catalog is the request-filter catalog tiled to a few hundred products (fresh ids,
varied prices, genders and brands); the graph is searched exhaustively (``ef_search`` ≥ the
catalog, ``exact_below=0``) so the approximate path must give exactly the exact answer.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest

from recsys.catalog import Catalog
from recsys.parsing import parse_profile
from recsys.recommender import Recommender, prefers_skincare
from tests.recsys._model_helpers import persona_of, trained
from tests.recsys.test_request_filters import BRANDS, _interactions, _products

REPS = 25
EXHAUSTIVE = {"ef_search": 1024, "exact_below": 0}
REQUESTS = [
    "30대 건성 여성", "토너", "클렌징 오일", "perfume for men", "남성 스킨케어", "30대 남성", "5만원 이하 스킨케어",
    "2만원~4만원 선물", "가람 선크림", "선크림 세트", "여성 메이크업", "마루", "선크림 세트 3만원 이상", "40대 주름",
]


def tiled_products(seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    base = _products()
    frame = base.loc[np.tile(np.arange(len(base)), REPS)].reset_index(drop=True)
    frame["product_id"] = [f"Q{i:04d}" for i in range(len(frame))]
    # every price distinct (and one unknown), so no two products score alike: with ties the
    # top-k boundary is any of the tied products, on either path
    frame["price"] = 5_000 + 100 * rng.permutation(len(frame))
    frame.loc[frame["product_id"] == frame["product_id"].iloc[7], "price"] = 0
    frame["target_gender"] = rng.choice(["women", "men", "unisex"], len(frame))
    frame["brand"] = rng.choice(list(BRANDS), len(frame))
    return frame


def recommender(products: pd.DataFrame, **kwargs) -> Recommender:
    _, result = trained()
    return Recommender(result.model, result.vocab, Catalog(products=products, interactions=_interactions()),
                       persona_of=persona_of, **kwargs)


@pytest.fixture(scope="module")
def pair() -> tuple[Recommender, Recommender, Recommender]:
    """Exact; HNSW with the default grouping (every group small here: one graph per target
    gender); HNSW with one graph per (target gender, kind) group."""
    products = tiled_products()
    return (recommender(products), recommender(products, index="hnsw", index_options=EXHAUSTIVE),
            recommender(products, index="hnsw", index_options={**EXHAUSTIVE, "min_group": 0}))


@pytest.mark.parametrize("text", REQUESTS)
def test_filters_give_the_same_top_k_on_the_exact_and_hnsw_paths(pair, text: str) -> None:
    exact, *graphs = pair
    assert len(graphs[0].index.graphs) == 3 < len(graphs[1].index.graphs)
    assert (exact.index_kind, *(g.index_kind for g in graphs)) == ("exact", "hnsw", "hnsw")
    profile = parse_profile(text, brands=BRANDS)
    exclude = [r.product_id for r in exact.recommend(profile, k=2)]
    for ex in ((), exclude):
        want = [r.product_id for r in exact.recommend(profile, k=10, exclude=ex)]
        assert want, text
        for hnsw in graphs:
            assert [r.product_id for r in hnsw.recommend(profile, k=10, exclude=ex)] == want


@pytest.mark.parametrize("text", REQUESTS)
def test_the_index_admits_exactly_what_allowed_admits_in_model_order(pair, text: str) -> None:
    """The reference: the full score vector masked by ``allowed()``, best first."""
    exact, *_ = pair
    profile = parse_profile(text, brands=BRANDS)
    if set(profile.named_types) and set(profile.named_types) != set(profile.sub_types):
        pytest.skip("named types are ranked first; covered by the request-filter tests")
    ex = [exact.catalog.products["product_id"].iloc[0]]
    mask = exact.allowed(profile, ex)
    scores = exact.score_profiles([exact._with_persona(profile)])[0]
    admitted = np.flatnonzero(mask) if mask is not None else np.arange(len(scores))
    got = [r.product_id for r in exact.recommend(profile, k=len(scores), exclude=ex)]
    assert sorted(got) == sorted(exact.catalog.products["product_id"].iloc[admitted])
    # model order inside the soft-preference tiers (recommend's docstring): without a gender,
    # men-only lines last; for a skin-only request, skincare first among the rest
    products = exact.catalog.products.set_index("product_id")
    no_gender = not profile.gender and profile.category != "men"
    skin_only = prefers_skincare(profile)
    tier = [((products.loc[p, "target_gender"] == "men") if no_gender else False,
             (products.loc[p, "kind"] != "skincare") if skin_only else False) for p in got]
    assert tier == sorted(tier), text
    got_scores = scores[[exact._position[p] for p in got]]
    for group in set(tier):
        in_group = got_scores[[t == group for t in tier]]
        assert np.all(np.diff(in_group) <= 1e-4), (text, group)


def _cached(folder) -> list[str]:
    return sorted(p.name for p in folder.glob("index-*.faiss"))


def test_the_index_cache_follows_the_model_and_the_catalog(tmp_path) -> None:
    products = tiled_products()
    first = recommender(products, index="hnsw", index_dir=tmp_path)
    files = _cached(tmp_path)
    assert len(files) == 1
    stamp = (tmp_path / files[0]).stat().st_mtime_ns
    again = recommender(products, index="hnsw", index_dir=tmp_path)
    assert _cached(tmp_path) == files and (tmp_path / files[0]).stat().st_mtime_ns == stamp  # read, not rebuilt
    profile = parse_profile("30대 건성 여성")
    assert [r.product_id for r in again.recommend(profile, k=5)] == [r.product_id for r in first.recommend(profile, k=5)]

    cheaper = products.assign(price=products["price"] // 2)  # the catalog changed
    recommender(cheaper, index="hnsw", index_dir=tmp_path)
    after_catalog = _cached(tmp_path)
    assert len(after_catalog) == 1 and after_catalog != files

    recommender(cheaper, index="hnsw", index_dir=tmp_path, pop_weight=0.123)  # the scores changed
    after_model = _cached(tmp_path)
    assert len(after_model) == 1 and after_model != after_catalog


def test_a_corrupt_index_file_is_rebuilt_with_a_clear_warning(tmp_path, caplog) -> None:
    products = tiled_products()
    recommender(products, index="hnsw", index_dir=tmp_path)
    (path,) = tmp_path.glob("index-*.faiss")
    path.write_bytes(b"not a faiss index")
    with caplog.at_level(logging.WARNING, logger="recsys.index"):
        rec = recommender(products, index="hnsw", index_dir=tmp_path, index_options=EXHAUSTIVE)
    assert any("unusable" in r.getMessage() and "rebuilding" in r.getMessage() for r in caplog.records)
    assert path.stat().st_size > 1000  # rewritten as a real index
    exact = recommender(products)
    profile = parse_profile("5만원 이하 스킨케어")
    assert [r.product_id for r in rec.recommend(profile, k=8)] == [r.product_id for r in exact.recommend(profile, k=8)]


def test_a_read_only_model_folder_still_serves(tmp_path, caplog) -> None:
    folder = tmp_path / "model"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with caplog.at_level(logging.WARNING, logger="recsys.index"):
            rec = recommender(tiled_products(), index="hnsw", index_dir=folder)
        assert rec.recommend(parse_profile("토너"), k=3)
        if not list(folder.glob("index-*.faiss")):  # root can write anyway
            assert any("could not cache" in r.getMessage() for r in caplog.records)
    finally:
        folder.chmod(0o700)


def test_recsys_index_setting_is_checked() -> None:
    from recsys.index import SearchIndexError

    with pytest.raises(SearchIndexError, match="RECSYS_INDEX"):
        recommender(tiled_products(), index="fast")
    assert recommender(tiled_products(), index="auto").index_kind == "exact"  # a small catalog
