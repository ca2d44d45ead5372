"""Metrics on hand-computed cases, the three split protocols, the baselines, the CLI end to end."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from recsys.baselines import NaiveBayesScorer, PersonaPopularityScorer, PopularityScorer, RandomScorer
from recsys.catalog import Catalog
from recsys.evaluate import evaluate, metrics, ranks_and_tops
from recsys.profile import Profile
from recsys.splits import Split, make_split
from recsys.train import usable_interactions
from tests.recsys._model_helpers import make_catalog, persona_of


def test_metrics_by_hand() -> None:
    categories = np.array(["a", "a", "b", "b", "c"])
    scores = np.array([
        [0.9, 0.8, 0.7, 0.1, 0.0],  # target 0 at rank 1
        [0.9, 0.8, 0.7, 0.1, 0.0],  # target 2 at rank 3
        [0.0, 0.1, 0.2, 0.3, 0.4],  # target 0 at rank 5
    ])
    targets = np.array([0, 2, 0])
    ranks, tops = ranks_and_tops(scores, targets, 2, np.random.default_rng(0))
    assert ranks.tolist() == [1, 3, 5]
    assert tops.tolist() == [[0, 1], [0, 1], [4, 3]]
    m = metrics(ranks, tops, targets, categories, k=2)
    assert m["hit"] == pytest.approx(1 / 3)
    assert m["ndcg"] == pytest.approx(1 / 3)  # only the rank-1 hit counts, 1/log2(2) = 1
    assert m["mrr"] == pytest.approx((1 + 1 / 3 + 1 / 5) / 3)
    # row 1: top {a, a} vs target a → yes; row 2: target b, top {a, a} → no; row 3: target a, top {c, b} → no
    assert m["category_hit"] == pytest.approx(1 / 3)
    assert m["coverage"] == pytest.approx(4 / 5)
    m3 = metrics(ranks, ranks_and_tops(scores, targets, 3, np.random.default_rng(0))[1], targets, categories, 3)
    assert m3["ndcg"] == pytest.approx((1 + 1 / math.log2(4)) / 3)


def test_ties_are_broken_at_random_not_by_catalog_order() -> None:
    scores = np.zeros((2000, 4))
    ranks, _ = ranks_and_tops(scores, np.zeros(2000, dtype=int), 1, np.random.default_rng(0))
    assert 2.3 < ranks.mean() < 2.7  # uniform over 1..4


def test_random_split_is_seeded_and_sized() -> None:
    catalog = make_catalog(20, 200)
    rows, _, targets = usable_interactions(catalog, persona_of)
    a = make_split(catalog, rows, targets, "random", 0.25, seed=3)
    b = make_split(catalog, rows, targets, "random", 0.25, seed=3)
    c = make_split(catalog, rows, targets, "random", 0.25, seed=4)
    assert np.array_equal(a.test_rows, b.test_rows) and not np.array_equal(a.test_rows, c.test_rows)
    assert len(a.test_rows) == 50
    assert Split.from_dict(json.loads(json.dumps(a.to_dict()))).test_rows.tolist() == a.test_rows.tolist()


def test_time_split_holds_out_the_latest() -> None:
    catalog = make_catalog(20, 200)
    rows, _, targets = usable_interactions(catalog, persona_of)
    split = make_split(catalog, rows, targets, "time", 0.2)
    dates = catalog.interactions["date"]
    assert dates.iloc[split.test_rows].min() > dates.drop(index=split.test_rows).max()


def test_cold_split_holds_out_whole_products() -> None:
    catalog = make_catalog(20, 200)
    rows, _, targets = usable_interactions(catalog, persona_of)
    split = make_split(catalog, rows, targets, "cold", 0.2, seed=1)
    held = set(catalog.interactions["product_id"].iloc[split.test_rows])
    rest = set(catalog.interactions["product_id"].drop(index=split.test_rows))
    assert held and not held & rest
    assert len(split.test_rows) >= 40


def test_popularity_baselines() -> None:
    profiles = [Profile(persona="A"), Profile(persona="A"), Profile(persona="B")]
    targets = np.array([1, 1, 2])
    pop = PopularityScorer.fit(3, targets).score([Profile()])
    assert pop.tolist() == [[0, 2, 1]]
    per = PersonaPopularityScorer.fit(3, profiles, targets).score([Profile(persona="B"), Profile(persona="?")])
    assert per[0].argmax() == 2 and per[1].argmax() == 1  # unknown persona falls back to global counts
    rnd = RandomScorer(3, seed=1)
    assert np.array_equal(rnd.score([Profile()] * 2), rnd.score([Profile()] * 2))


def test_naive_bayes_by_hand() -> None:
    """log(n_i + a) + log((n_if + b p_f) / (m_i + b)) for the one known tag."""
    profiles = [Profile(skin_type="dry"), Profile(skin_type="dry"), Profile(skin_type="oily"), Profile()]
    targets = np.array([0, 0, 1, 1])
    nb = NaiveBayesScorer.fit_params(2, profiles, targets, alpha=1.0, beta=2.0)
    p_dry = (2 + 1) / (3 + 6)  # add-one over the 6 skin codes, counted over the 3 known tags
    expected_1 = math.log(2 + 1) + math.log((0 + 2 * p_dry) / (1 + 2))
    expected_0 = math.log(2 + 1) + math.log((2 + 2 * p_dry) / (2 + 2))
    got = nb.score([Profile(skin_type="dry")])[0]
    assert got[0] == pytest.approx(expected_0) and got[1] == pytest.approx(expected_1)
    assert nb.score([Profile()])[0].tolist() == pytest.approx([math.log(3), math.log(3)])


def test_evaluate_report_shape_and_planted_signal() -> None:
    catalog = make_catalog()
    rows, profiles, targets = usable_interactions(catalog, persona_of)
    split = make_split(catalog, rows, targets, "random", 0.2)
    test = np.isin(rows, split.test_rows)

    class SkinOracle:  # knows the planted rule exactly
        name = "model"

        def score(self, ps: list[Profile]) -> np.ndarray:
            skins = catalog.products["skin_types"].str[0].to_numpy()
            return np.stack([(skins == p.skin_type).astype(float) for p in ps])

    report = evaluate(
        catalog.products["category"].to_numpy(), SkinOracle(),
        ([p for p, t in zip(profiles, test) if not t], targets[~test]),
        ([p for p, t in zip(profiles, test) if t], targets[test]), k=10,
    )
    assert set(report) == {"k", "n", "model", "baselines", "oracle", "by_persona"}
    assert set(report["baselines"]) == {"random", "popularity", "persona_popularity", "naive_bayes"}
    assert set(report["model"]) == {"hit", "category_hit", "ndcg", "mrr", "coverage"}
    assert report["n"] == int(test.sum()) == sum(e["n"] for e in report["by_persona"].values())
    assert report["model"]["hit"] > 2 * report["baselines"]["random"]["hit"]
    assert report["baselines"]["naive_bayes"]["hit"] > report["baselines"]["random"]["hit"]


def _write_products_json(path: Path, catalog: Catalog) -> None:
    """The demo/newer export format, reviews nested with profile_info strings."""
    skin_ko = {"dry": "건성", "oily": "지성", "combination": "복합성", "sensitive": "민감성", "normal": "중성"}
    concern_ko = {"moisture": "보습", "anti_aging": "주름", "calming": "진정"}
    records = []
    for product in catalog.products.to_dict("records"):
        mine = catalog.interactions[catalog.interactions["product_id"] == product["product_id"]]
        reviews = [{
            "text": "좋아요", "rating": r.rating, "date": r.date.date().isoformat(),
            "profile_info": f"{r.age_min}대/{'여성' if r.gender == 'F' else '남성'}/{skin_ko[r.skin_type]}/"
                            f"{concern_ko[r.concerns[0]]}",
        } for r in mine.itertuples()]
        records.append({**{k: product[k] for k in ("product_id", "name", "name_en", "brand", "brand_id",
                                                    "category", "sub_type", "price", "concerns", "skin_types")},
                        "key_ingredients": product["ingredients"], "reviews": reviews})
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")


def test_cli_train_then_evaluate_json(tmp_path: Path) -> None:
    from bot.cli import app

    catalog_path = tmp_path / "products.json"
    _write_products_json(catalog_path, make_catalog(30, 400))
    out = tmp_path / "model"
    runner = CliRunner()
    result = runner.invoke(app, ["train", "--catalog", str(catalog_path), "--out", str(out), "--epochs", "3",
                                 "--quiet"])
    assert result.exit_code == 0, result.output
    assert "trained" in result.output and (out / "weights.pt").is_file()
    meta = json.loads((out / "model.json").read_text())
    assert meta["split"]["protocol"] == "random" and len(meta["split"]["test_rows"]) == 80

    result = runner.invoke(app, ["evaluate", "--model", str(out), "--k", "5", "--json",
                                 "--plots", str(tmp_path / "plots")])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["k"] == 5 and report["n"] == 80 and report["oracle"] is None
    assert (tmp_path / "plots" / "by_persona.png").stat().st_size > 5000
    assert (tmp_path / "plots" / "embeddings.png").stat().st_size > 5000

    in_sample = runner.invoke(app, ["evaluate", "--model", str(out), "--in-sample", "--json"])
    assert json.loads(in_sample.output)["n"] == 320

    bad = runner.invoke(app, ["evaluate", "--model", str(tmp_path / "missing")])
    assert bad.exit_code == 2 and "personabot train" in bad.output


def test_cli_holdout_zero_needs_an_interactions_file(tmp_path: Path) -> None:
    from bot.cli import app

    catalog_path = tmp_path / "products.json"
    _write_products_json(catalog_path, make_catalog(20, 200))
    runner = CliRunner()
    out = tmp_path / "full"
    assert runner.invoke(app, ["train", "--catalog", str(catalog_path), "--out", str(out), "--epochs", "2",
                               "--holdout", "0", "--quiet"]).exit_code == 0
    result = runner.invoke(app, ["evaluate", "--model", str(out)])
    assert result.exit_code == 2 and "--interactions" in result.output
    other = tmp_path / "other.json"
    _write_products_json(other, make_catalog(20, 60, seed=5))
    result = runner.invoke(app, ["evaluate", "--model", str(out), "--interactions", str(other), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["n"] == 60


def _write_legacy_and_customers(tmp_path: Path, catalog: Catalog, n_extra: int = 60) -> tuple[Path, Path, Path]:
    """The mall's legacy export (no reviewer profiles) plus prototype-shaped customers files."""
    codes = {"skincare": 97, "makeup": 98, "body": 100, "men": 103}
    legacy = [{
        "product_id": p["product_id"], "product_name": p["name"], "price": f"{p['price']:,}원",
        "brand_name": p["brand"], "category": codes[p["category"]], "sub_category": p["sub_type"], "rating": 4.5,
        "reviews": [{"reviewer": "kim***", "rating": 5, "content": "좋아요", "date": "2024-01-02"}],
    } for p in catalog.products.to_dict("records")]
    gender = {"F": "female", "M": "male"}

    def customers(frame: pd.DataFrame, prefix: str) -> list[dict]:
        return [{"user_id": f"{prefix}{i}", "persona_name": "unknown", "age": int(r.age_min) + 4,
                 "gender": gender[r.gender], "skin_type": r.skin_type,
                 "skin_concern": {"anti_aging": "wrinkle"}.get(r.concerns[0], r.concerns[0]),
                 "purchased_product_id": r.product_id, "product_category": "skincare"}
                for i, r in enumerate(frame.itertuples())]

    paths = tmp_path / "amoremall_reviews.json", tmp_path / "customers.json", tmp_path / "customers_new.json"
    paths[0].write_text(json.dumps(legacy, ensure_ascii=False), encoding="utf-8")
    paths[1].write_text(json.dumps(customers(catalog.interactions, "u")), encoding="utf-8")
    fresh = make_catalog(len(catalog.products), n_extra, seed=9).interactions
    paths[2].write_text(json.dumps(customers(fresh, "n")), encoding="utf-8")
    return paths


def test_cli_legacy_catalog_with_customers_file(tmp_path: Path) -> None:
    from bot.cli import app

    legacy, customers, new_customers = _write_legacy_and_customers(tmp_path, make_catalog(20, 300))
    runner = CliRunner()
    alone = runner.invoke(app, ["train", "--catalog", str(legacy), "--out", str(tmp_path / "m0"), "--quiet"])
    assert alone.exit_code == 2 and "--interactions customers.json" in alone.output  # legacy reviews have no profile

    out = tmp_path / "m"
    result = runner.invoke(app, ["train", "--catalog", str(legacy), "--interactions", str(customers), "--out",
                                 str(out), "--epochs", "3", "--quiet"])
    assert result.exit_code == 0, result.output
    report = json.loads(runner.invoke(app, ["evaluate", "--model", str(out), "--k", "3", "--json"]).output)
    assert report["n"] == 60 and "held-out random split" in report["source"]
    fresh = runner.invoke(app, ["evaluate", "--model", str(out), "--interactions", str(new_customers), "--json"])
    assert fresh.exit_code == 0, fresh.output
    assert json.loads(fresh.output)["n"] == 60


def test_random_split_is_stratified_by_persona_and_keeps_singletons_in_training() -> None:
    catalog = make_catalog(20, 201)
    rows, profiles, targets = usable_interactions(catalog, persona_of)
    personas = [p.persona for p in profiles]
    personas[0] = "Only_One"  # a persona with a single interaction
    split = make_split(catalog, rows, targets, "random", 0.2, seed=1, strata=personas)
    assert len(split.test_rows) == round(0.2 * len(rows))
    held = dict(zip(rows.tolist(), np.isin(rows, split.test_rows)))
    assert not held[int(rows[0])]
    for name in set(personas) - {"Only_One"}:
        members = [r for r, p in zip(rows.tolist(), personas) if p == name]
        share = sum(held[r] for r in members) / len(members)
        assert abs(share - 0.2) <= 1 / len(members) + 1e-9, name


def test_time_split_on_undated_interactions_is_a_clear_error() -> None:
    from recsys.splits import EvaluationError

    catalog = make_catalog(20, 100)
    catalog.interactions["date"] = pd.NaT
    rows, _, targets = usable_interactions(catalog, persona_of)
    with pytest.raises(EvaluationError, match="only 0 of 100 have a date"):
        make_split(catalog, rows, targets, "time", 0.2)


def test_cli_time_protocol_on_undated_data_and_overlap_warning(tmp_path: Path) -> None:
    from bot.cli import app

    legacy, customers, new_customers = _write_legacy_and_customers(tmp_path, make_catalog(20, 300))
    runner = CliRunner()
    out = tmp_path / "m"
    timed = runner.invoke(app, ["train", "--catalog", str(legacy), "--interactions", str(customers), "--out",
                                str(out), "--protocol", "time", "--quiet"])
    assert timed.exit_code == 2 and "need" in timed.output and "date" in timed.output
    assert "Traceback" not in timed.output and not (out / "weights.pt").exists()

    assert runner.invoke(app, ["train", "--catalog", str(legacy), "--interactions", str(customers), "--out",
                               str(out), "--epochs", "2", "--quiet"]).exit_code == 0
    same = runner.invoke(app, ["evaluate", "--model", str(out), "--interactions", str(customers), "--json"])
    report = json.loads(same.output)
    assert report["n"] == 300 and report["overlap"] == {"n": 240, "share": 0.8}  # 60 held out, 240 trained on
    assert "in-sample" in report["warning"]
    table = runner.invoke(app, ["evaluate", "--model", str(out), "--interactions", str(customers)])
    assert table.exit_code == 0 and "warning" in table.output and "240 of 300" in table.output
    fresh = json.loads(runner.invoke(app, ["evaluate", "--model", str(out), "--interactions", str(new_customers),
                                           "--json"]).output)
    assert fresh["overlap"]["n"] == 0 and fresh["warning"] is None
    held = json.loads(runner.invoke(app, ["evaluate", "--model", str(out), "--json"]).output)
    assert held["overlap"]["n"] == 0 and held["warning"] is None
    in_sample = json.loads(runner.invoke(app, ["evaluate", "--model", str(out), "--in-sample", "--json"]).output)
    assert in_sample["overlap"]["share"] == 1.0 and in_sample["warning"]


def test_evaluate_model_dir_reports_the_oracle_its_caller_passes(tmp_path: Path) -> None:
    from recsys.evaluate import evaluate_model_dir
    from recsys.train import TrainConfig, train_to_dir

    catalog_path = tmp_path / "products.json"
    catalog = make_catalog(20, 200)
    _write_products_json(catalog_path, catalog)
    train_to_dir(catalog_path, tmp_path / "model", TrainConfig(epochs=2), progress=False)
    skins = catalog.products["skin_types"].str[0].to_numpy()
    asked: list[Path] = []

    class SkinTruth:  # the planted rule, as a ground truth
        def scores(self, profile: Profile) -> np.ndarray:
            return (skins == profile.skin_type).astype(float)

    def oracle_for(path: Path) -> SkinTruth:
        asked.append(path)
        return SkinTruth()

    report, _ = evaluate_model_dir(tmp_path / "model", k=5, oracle_for=oracle_for)
    assert asked == [catalog_path.resolve()]
    assert set(report["oracle"]) == {"hit", "category_hit", "ndcg", "mrr", "coverage"}
    assert report["oracle"]["hit"] > report["baselines"]["random"]["hit"]
    without, _ = evaluate_model_dir(tmp_path / "model", k=5)
    assert without["oracle"] is None and without["model"] == report["model"]
