"""Recommender quality on the demo catalog, across seeds and protocols, against baselines and the oracle.

For each run: split the reviews, train the two-tower model on the rest (default
``TrainConfig``), rank the whole catalog for every held-out review and compare with random,
global popularity, persona popularity, smoothed naive-Bayes profile-conditional popularity
(all fitted on the same training rows) and the oracle (the generator's true purchase
probabilities: the ceiling).

Protocols: ``random`` (20% of reviews, seeds 0-2, mean ± std), ``time`` (latest 20%),
``cold`` (all reviews of 20%-of-traffic worth of products, which training never sees; seeds 0-2).

Targets checked (Hit@10 and NDCG@10):
  * random split: the model beats every baseline by more than the spread (std_model + std_baseline);
  * cold-start split: the model beats every baseline;
  * random split: model Hit@10 >= 90% of the oracle's.

``--curve`` adds a learning curve: training sets of N reviews drawn i.i.d. from the oracle
(same generator, more data) evaluated on the seed-0 held-out reviews — it shows how much of
the gap to the ceiling is sample size.

    .venv/bin/python benchmarks/bench_recsys_quality.py            # writes benchmarks/results/recsys_quality.json
    .venv/bin/python benchmarks/bench_recsys_quality.py --curve    # + learning curve (several minutes)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402

from recsys.catalog import Catalog, load_catalog  # noqa: E402
from recsys.demo.oracle import Oracle  # noqa: E402
from recsys.evaluate import METRICS, ModelScorer, evaluate, train_and_evaluate  # noqa: E402
from recsys.paths import DEMO_CATALOG, DEMO_ORACLE  # noqa: E402
from recsys.splits import make_split  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "recsys_quality.json"
RUNS = [("random", 0), ("random", 1), ("random", 2), ("time", 0), ("cold", 0), ("cold", 1), ("cold", 2)]
KS = (10, 3)
CURVE_SIZES = (5_600, 12_000, 24_000, 48_000)


def scorers(report: dict[str, Any]) -> dict[str, dict[str, float]]:
    return {"model": report["model"], **report["baselines"], **({"oracle": report["oracle"]} if report["oracle"] else {})}


def aggregate(runs: list[dict[str, Any]], k: str) -> dict[str, Any]:
    """Mean and std over seeds of every metric of every scorer."""
    per = [scorers(r["reports"][k]) for r in runs]
    out: dict[str, Any] = {}
    for name in per[0]:
        out[name] = {}
        for metric in METRICS:
            values = np.array([p[name][metric] for p in per])
            out[name][metric] = {"mean": round(float(values.mean()), 4), "std": round(float(values.std(ddof=0)), 4)}
    return out


def check_targets(protocols: dict[str, Any]) -> dict[str, Any]:
    rnd, cold = protocols["random"]["k10"], protocols["cold"]["k10"]
    beats: dict[str, Any] = {}
    for base in rnd:
        if base in ("model", "oracle"):
            continue
        for metric in ("hit", "ndcg"):
            m, b = rnd["model"][metric], rnd[base][metric]
            margin, spread = m["mean"] - b["mean"], m["std"] + b["std"]
            beats[f"{base}.{metric}"] = {"margin": round(margin, 4), "spread": round(spread, 4),
                                         "beats_by_more_than_spread": margin > spread}
    cold_beats = {f"{base}.{metric}": cold["model"][metric]["mean"] > cold[base][metric]["mean"]
                  for base in cold if base not in ("model", "oracle") for metric in ("hit", "ndcg")}
    ratio = rnd["model"]["hit"]["mean"] / rnd["oracle"]["hit"]["mean"] if "oracle" in rnd else None
    return {
        "random_split_beats_every_baseline": beats,
        "random_split_all_beaten": all(v["beats_by_more_than_spread"] for v in beats.values()),
        "cold_split_beats_every_baseline": cold_beats,
        "cold_split_all_beaten": all(cold_beats.values()),
        "model_over_oracle_hit10": round(ratio, 4) if ratio is not None else None,
        "oracle_ratio_target_met": ratio is not None and ratio >= 0.9,
    }


def oracle_samples(catalog: Catalog, oracle: Oracle, n: int, seed: int) -> Catalog:
    """``n`` reviews drawn from the generator's own preference model (full profiles)."""
    import pandas as pd

    from recsys.demo.tables import AGE_BANDS, GENDERS
    from recsys.profile import CONCERNS, SKIN_TYPES

    rng = np.random.default_rng(seed)
    joint = oracle.population.joint()
    cells = rng.choice(joint.size, size=n, p=joint.ravel() / joint.sum())
    rows = []
    for cell in cells:
        b, g, s, c = np.unravel_index(cell, joint.shape)
        product = rng.choice(len(catalog.products), p=oracle.segment_probs[b, g, s, c])
        rows.append({"product_id": catalog.products["product_id"].iat[product], "user_id": None,
                     "age_min": AGE_BANDS[b], "age_max": AGE_BANDS[b] + 9, "gender": GENDERS[g],
                     "skin_type": SKIN_TYPES[s], "concerns": [CONCERNS[c]], "persona": None, "rating": np.nan,
                     "date": pd.NaT, "text": "", "source": "review"})
    frame = pd.DataFrame(rows)
    frame[["age_min", "age_max"]] = frame[["age_min", "age_max"]].astype("Int64")
    return Catalog(catalog.products, frame)


def learning_curve(catalog: Catalog, oracle: Oracle) -> list[dict[str, Any]]:
    from recsys.recommender import Recommender
    from recsys.train import TrainConfig, train, usable_interactions

    rows, profiles, targets = usable_interactions(catalog)
    split = make_split(catalog, rows, targets, "random", 0.2, 0)
    test = np.isin(rows, split.test_rows)
    test_part = ([p for p, t in zip(profiles, test) if t], targets[test])
    curve = []
    for n in CURVE_SIZES:
        synthetic = oracle_samples(catalog, oracle, n, seed=n)
        _, s_profiles, s_targets = usable_interactions(synthetic)
        result = train(synthetic, TrainConfig(), progress=False)
        report = evaluate(catalog.products["category"].to_numpy(),
                          ModelScorer(Recommender(result.model, result.vocab, catalog)),
                          (s_profiles, s_targets), test_part, k=10, oracle=oracle)
        curve.append({"train_reviews": n, "model_hit10": round(report["model"]["hit"], 4),
                      "naive_bayes_hit10": round(report["baselines"]["naive_bayes"]["hit"], 4),
                      "oracle_hit10": round(report["oracle"]["hit"], 4),
                      "model_over_oracle": round(report["model"]["hit"] / report["oracle"]["hit"], 4)})
        print(json.dumps(curve[-1]), flush=True)
    return curve


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--curve", action="store_true", help="also run the learning curve on oracle samples")
    args = parser.parse_args()
    torch.set_num_threads(1)
    catalog = load_catalog(DEMO_CATALOG)
    oracle = Oracle.load(DEMO_ORACLE)
    start = time.perf_counter()
    runs = []
    for protocol, seed in RUNS:
        run = train_and_evaluate(catalog, protocol, seed=seed, ks=KS, oracle=oracle)
        runs.append(run)
        r10 = run["reports"]["10"]
        print(f"{protocol:6s} seed {seed}: n={r10['n']} model Hit@10 {r10['model']['hit']:.4f} "
              f"NB {r10['baselines']['naive_bayes']['hit']:.4f} oracle {r10['oracle']['hit']:.4f} "
              f"({run['train_seconds']} s)", flush=True)
    protocols = {
        protocol: {f"k{k}": aggregate([r for r in runs if r["protocol"] == protocol], str(k)) for k in KS}
        | {"seeds": [r["seed"] for r in runs if r["protocol"] == protocol],
           "n_test": [r["reports"]["10"]["n"] for r in runs if r["protocol"] == protocol]}
        for protocol in dict.fromkeys(p for p, _ in RUNS)
    }
    report = {
        "machine": platform.machine(), "cpus": os.cpu_count(), "torch": torch.__version__,
        "catalog": str(DEMO_CATALOG.name), "products": len(catalog.products),
        "interactions": len(catalog.interactions), "seconds": round(time.perf_counter() - start, 1),
        "targets": check_targets(protocols),
        "protocols": protocols,
        "by_persona_random_seed0_k10": runs[0]["reports"]["10"]["by_persona"],
        "train_seconds": [r["train_seconds"] for r in runs],
    }
    if args.curve:
        report["learning_curve"] = learning_curve(catalog, oracle)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(report["targets"], indent=1))


if __name__ == "__main__":
    main()
