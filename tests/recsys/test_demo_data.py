"""The shipped demo catalog: reproducible byte for byte, realistic, and its oracle is exact."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from recsys.catalog import load_demo_catalog
from recsys.demo.generate import PRODUCT_KEYS
from recsys.demo.oracle import Oracle
from recsys.demo.tables import BRANDS as DEMO_BRANDS
from recsys.demo.tables import CATEGORY_KO
from recsys.paths import BRANDS, CRM_EXAMPLES, DATA_DIR, DEMO_CATALOG, DEMO_ORACLE
from recsys.profile import CONCERNS, SKIN_TYPES, Profile

SHIPPED = ("products.json", "oracle.json", "brands.json", "crm_examples.json")


@pytest.fixture(scope="module")
def products() -> list[dict]:
    return json.loads(DEMO_CATALOG.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def oracle() -> Oracle:
    return Oracle.load(DEMO_ORACLE)


@pytest.fixture(scope="module")
def reviews(products) -> list[dict]:
    return [r for p in products for r in p["reviews"]]


def test_cli_regenerates_the_shipped_files_byte_for_byte(tmp_path: Path):
    from bot.cli import app

    result = CliRunner().invoke(app, ["catalog", "generate", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for name in SHIPPED:
        assert (tmp_path / name).read_bytes() == (DATA_DIR / name).read_bytes(), (
            f"{name} differs from a fresh generation; run `personabot catalog generate` and commit"
        )


def test_products_have_the_export_shape(products):
    assert 750 <= len(products) <= 850
    assert len({p["product_id"] for p in products}) == len(products)
    for p in products:
        assert list(p) == list(PRODUCT_KEYS)
        assert p["name"].startswith(p["brand"]) and p["name_en"]
        assert p["image_url"] == f"https://img.example.com/p/{p['product_id']}.jpg"
        assert set(p["concerns"]) <= set(CONCERNS) and set(p["skin_types"]) <= set(SKIN_TYPES)
        assert set(p["functions"]) <= {"whitening", "wrinkle", "uv"}
        assert p["description"]
    assert Counter(p["category"] for p in products).keys() == set(CATEGORY_KO.values())
    assert len({p["brand_id"] for p in products}) >= 20


def test_prices_look_like_shelf_prices(products):
    prices = np.array([p["price"] for p in products])
    assert prices.min() >= 3000 and prices.max() <= 300000
    assert all(p % 100 == 0 and (p < 10000 or p % 1000 == 0) for p in prices)
    assert np.percentile(prices, 10) < 12000 < np.median(prices) < 60000 < np.percentile(prices, 95)
    by_tier: dict[int, list[int]] = {}
    tiers = {b.brand_id: b.tier for b in DEMO_BRANDS}
    for p in products:
        if p["category"] == "스킨케어":
            by_tier.setdefault(tiers[p["brand_id"]], []).append(p["price"])
    assert np.median(by_tier[1]) < np.median(by_tier[2]) < np.median(by_tier[3]) < np.median(by_tier[4])


def test_functional_registrations_follow_the_product(products):
    suncare = [p for p in products if p["sub_type"] in ("선크림", "선스틱")]
    assert suncare and all("uv" in p["functions"] for p in suncare)
    for p in products:
        if "whitening" in p["functions"]:
            assert "brightening" in p["concerns"], p["name"]
        if "wrinkle" in p["functions"]:
            assert "anti_aging" in p["concerns"], p["name"]
    assert sum("whitening" in p["functions"] for p in products) >= 20


def test_reviews_are_skewed_dated_and_rated(products, reviews):
    counts = np.array([len(p["reviews"]) for p in products])
    assert 6500 <= counts.sum() <= 7500
    assert (counts >= 50).sum() >= 5 and (counts == 0).sum() >= 1 and ((counts >= 1) & (counts <= 5)).sum() >= 150
    dates = [r["date"] for r in reviews]
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in dates)
    assert {d[:4] for d in dates} == {"2023", "2024", "2025"}
    ratings = Counter(r["rating"] for r in reviews)
    assert set(ratings) == {1, 2, 3, 4, 5} and ratings[5] > ratings[4] > ratings[3] > ratings[1]


def test_profile_info_has_gaps_and_variants(reviews):
    infos = [r["profile_info"] for r in reviews]
    empty = sum(i == "" for i in infos) / len(infos)
    partial = sum(0 < len(i.split("/")) < 4 and i != "" for i in infos) / len(infos)
    assert 0.03 < empty < 0.08 and 0.10 < partial < 0.20
    assert any("수분부족지성" in i for i in infos) and any("악건성" in i for i in infos)
    full = [i.split("/") for i in infos if i.count("/") == 3]
    assert {f[0] for f in full} == {"10대", "20대", "30대", "40대", "50대", "60대"}
    genders = Counter(f[1] for f in full)
    assert genders["여성"] > 4 * genders["남성"] > 0


def test_review_texts_are_varied_and_match_the_reviewer(products, reviews):
    texts = [r["text"] for r in reviews]
    assert len(set(texts)) > 0.6 * len(texts)
    sentence_counts = Counter(len(re.split(r"(?<=[.!?~])\s+", t)) for t in texts)
    assert set(sentence_counts) == {1, 2, 3}
    sensitive = [r for r in reviews if "민감" in r["profile_info"]]
    mentions = sum(any(w in r["text"] for w in ("민감", "예민", "따가", "자극")) for r in sensitive)
    others = [r for r in reviews if r["profile_info"] and "민감" not in r["profile_info"]]
    other_mentions = sum(any(w in r["text"] for w in ("민감", "예민", "따가", "자극")) for r in others)
    assert mentions / len(sensitive) > 3 * other_mentions / len(others)
    perfume_texts = [r["text"] for p in products if p["category"] == "향수" for r in p["reviews"]]
    assert sum("향" in t for t in perfume_texts) > 0.5 * len(perfume_texts)


def test_oracle_is_aligned_with_the_catalog_and_normalised(oracle):
    catalog = load_demo_catalog()
    assert oracle.product_ids == list(catalog.products["product_id"])
    for profile in (Profile(), Profile(age_min=30, age_max=39, gender="F", skin_type="dry", concerns=("moisture",)),
                    Profile(gender="M", concerns=("acne", "pores")), Profile(age_min=45)):
        scores = oracle.scores(profile)
        assert scores.shape == (len(catalog.products),)
        assert (scores >= 0).all() and scores.sum() == pytest.approx(1.0)


def test_missing_fields_average_over_the_population(oracle):
    """P(product) with gender unknown is the population mixture of the two genders."""
    pop = oracle.population
    both = oracle.scores(Profile(age_min=30, age_max=39))
    mixture = sum(
        weight * oracle.scores(Profile(age_min=30, age_max=39, gender=g)) for g, weight in zip("FM", pop.gender)
    )
    assert np.allclose(both, mixture, atol=1e-9)
    band_weights = pop.band[1:3] / pop.band[1:3].sum()
    twenties_and_thirties = oracle.scores(Profile(age_min=20, age_max=39))
    per_band = [oracle.scores(Profile(age_min=a, age_max=a + 9)) for a in (20, 30)]
    assert np.allclose(twenties_and_thirties, band_weights[0] * per_band[0] + band_weights[1] * per_band[1])


def test_oracle_encodes_the_documented_interactions(oracle):
    catalog = load_demo_catalog().products
    men = (catalog["category"] == "men").to_numpy()
    anti = catalog["concerns"].map(lambda c: "anti_aging" in c).to_numpy()
    acne = catalog["concerns"].map(lambda c: "acne" in c).to_numpy()
    assert oracle.scores(Profile(gender="M"))[men].sum() > 5 * oracle.scores(Profile(gender="F"))[men].sum()
    fifties = oracle.scores(Profile(age_min=50, age_max=59, concerns=("anti_aging",)))
    teens = oracle.scores(Profile(age_min=10, age_max=19, concerns=("anti_aging",)))
    assert fifties[anti].sum() > teens[anti].sum() + 0.2
    teen_acne = oracle.scores(Profile(age_min=10, age_max=19, concerns=("acne",)))
    assert teen_acne[acne].sum() > 0.5
    price = catalog["price"].to_numpy()
    assert oracle.scores(Profile(age_min=10, age_max=19)) @ price < oracle.scores(Profile(age_min=50, age_max=59)) @ price


def test_oracle_conditions_on_category_and_budget(oracle):
    catalog = load_demo_catalog().products
    scores = oracle.scores(Profile(category="skincare", price_max=30000))
    allowed = ((catalog["category"] == "skincare") & (catalog["price"] <= 30000)).to_numpy()
    assert scores[~allowed].sum() == 0 and scores.sum() == pytest.approx(1.0)
    nothing_fits = oracle.scores(Profile(category="fragrance", price_max=3000))
    assert np.allclose(nothing_fits, oracle.scores(Profile()))


def test_oracle_ranks_held_out_purchases_far_better_than_popularity(oracle):
    """The data is learnable: on the latest 20% of reviews the oracle's Hit@10 beats popularity."""
    inter = load_demo_catalog().interactions.sort_values("date", kind="stable")
    cut = inter["date"].quantile(0.8)
    train, test = inter[inter["date"] < cut], inter[inter["date"] >= cut]
    index = {pid: i for i, pid in enumerate(oracle.product_ids)}
    popular = set(train["product_id"].value_counts().index[:10])
    hits_oracle = hits_popular = 0
    top: dict[tuple, set[str]] = {}
    for row in test.itertuples():
        key = (row.age_min, row.age_max, row.gender, row.skin_type, tuple(row.concerns))
        if key not in top:
            profile = Profile(
                age_min=None if pd.isna(row.age_min) else int(row.age_min),
                age_max=None if pd.isna(row.age_max) else int(row.age_max),
                gender=row.gender, skin_type=row.skin_type, concerns=tuple(row.concerns),
            )
            top[key] = {oracle.product_ids[i] for i in np.argsort(-oracle.scores(profile))[:10]}
        hits_oracle += row.product_id in top[key]
        hits_popular += row.product_id in popular
    assert index  # the oracle covers the catalog
    oracle_hit, popular_hit = hits_oracle / len(test), hits_popular / len(test)
    assert 0.2 < oracle_hit < 0.5
    assert oracle_hit > 2 * popular_hit


def test_brand_guides_cover_every_brand(products):
    brands = json.loads(BRANDS.read_text(encoding="utf-8"))
    ids = {b["brand_id"] for b in brands}
    assert {p["brand_id"] for p in products} <= ids and len(brands) >= 20
    for b in brands:
        assert b["name_ko"] and b["name_en"] and b["sender_name"]
        assert b["story"]["ko"] and b["story"]["en"] and len(b["tone_keywords"]) >= 3
        assert all(re.fullmatch(r"#[0-9A-F]{6}", c) for c in b["colors"])
    assert {p["brand"] for p in products} == {b["name_ko"] for b in brands if b["brand_id"] in {p["brand_id"] for p in products}}


def test_crm_examples_are_compliant_kakao_ads():
    from crm.compliance import check_message, is_approvable

    examples = json.loads(CRM_EXAMPLES.read_text(encoding="utf-8"))
    brands = {b["brand_id"]: b for b in json.loads(BRANDS.read_text(encoding="utf-8"))}
    assert 6 <= len(examples) <= 8
    assert {e["tone"] for e in examples} == {"friendly", "professional", "trendy"}
    for e in examples:
        sender = brands[e["brand_id"]]["sender_name"]
        assert e["text"].startswith(f"(광고) {sender}")
        assert "#{이름}" in e["text"] and re.search(r"무료수신거부 080-\d{3}-\d{4}$", e["text"])
        findings = check_message(e["text"], channel=e["channel"], sender=sender)
        assert is_approvable(findings), (e["brand_id"], findings)


def test_demo_oracle_is_only_for_the_demo_catalog(tmp_path: Path, products):
    from recsys.demo.oracle import demo_oracle_for

    oracle = demo_oracle_for(DEMO_CATALOG)
    assert isinstance(oracle, Oracle) and oracle.product_ids == [p["product_id"] for p in products]
    assert oracle.scores(Profile(skin_type="dry")).sum() == pytest.approx(1.0)
    other = tmp_path / "products.json"
    other.write_text(DEMO_CATALOG.read_text(encoding="utf-8"), encoding="utf-8")
    assert demo_oracle_for(other) is None
