"""Recommender speed: query latency, training time, model load time.

``recommend`` is one customer-tower pass, one matrix-vector product over the precomputed
product matrix and an ``argpartition`` top-k. The baseline, measured in the same run, is the
research prototype's way: run the product tower on each product and score it one by one in
a Python loop. On the 1,000,000-product synthetic catalog (the demo catalog tiled with new
ids and jittered prices) the loop is timed on a 2,000-product subsample and extrapolated
linearly (it is linear by construction); the JSON says so.

    .venv/bin/python benchmarks/bench_recsys_speed.py          # writes benchmarks/results/recsys_speed.json
    .venv/bin/python benchmarks/bench_recsys_speed.py --quick  # 100k products instead of 1M
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402

from recsys.catalog import Catalog  # noqa: E402
from recsys.features import ProductBatch, encode_products  # noqa: E402
from recsys.paths import DEMO_MODEL_DIR  # noqa: E402
from recsys.profile import CONCERNS, SKIN_TYPES, Profile  # noqa: E402
from recsys.recommender import Recommender  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "recsys_speed.json"
LOOP_SUBSAMPLE = 2_000


def query_profiles(n: int, seed: int = 0) -> list[Profile]:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        decade = int(rng.integers(2, 6)) * 10
        out.append(Profile(
            age_min=decade, age_max=decade + 9, gender=str(rng.choice(["F", "M"], p=[0.85, 0.15])),
            skin_type=str(rng.choice(SKIN_TYPES)), concerns=(str(rng.choice(CONCERNS)),),
            category=str(rng.choice(["skincare", "makeup"])) if rng.random() < 0.3 else None,
        ))
    return out


def percentiles(samples: list[float]) -> dict[str, float]:
    ms = np.asarray(samples) * 1000
    return {"p50_ms": round(float(np.percentile(ms, 50)), 3), "p99_ms": round(float(np.percentile(ms, 99)), 3),
            "mean_ms": round(float(ms.mean()), 3), "n": len(samples)}


def time_recommend(rec: Recommender, profiles: list[Profile]) -> dict[str, float]:
    rec.recommend(profiles[0])  # warm-up
    samples = []
    for profile in profiles:
        start = time.perf_counter()
        rec.recommend(profile, k=3)
        samples.append(time.perf_counter() - start)
    return percentiles(samples)


def one_product(batch: ProductBatch, i: int) -> ProductBatch:
    lo = int(batch.name_offsets[i])
    hi = int(batch.name_offsets[i + 1]) if i + 1 < len(batch) else len(batch.name_ids)
    fields = {f.name: getattr(batch, f.name)[i : i + 1] for f in dataclasses.fields(batch)
              if f.name not in ("name_ids", "name_offsets")}
    return ProductBatch(**fields, name_ids=batch.name_ids[lo:hi], name_offsets=torch.zeros(1, dtype=torch.long))


def prototype_loop(rec: Recommender, profile: Profile, batch: ProductBatch, ids, k: int = 3) -> list[str]:
    """The prototype's scoring: each product through the product tower and scored alone, then sorted.

    Features are encoded once beforehand (outside the timing), so only the loop is measured.
    """
    user = torch.from_numpy(rec.profile_embedding(profile))
    scored = []
    with torch.inference_mode():
        for i in range(len(batch)):
            emb, bias = rec.model.product(one_product(batch, i))
            scored.append((float(emb[0] @ user) / rec.temperature + rec.pop_weight * float(bias[0]), ids[i]))
    scored.sort(reverse=True)
    return [pid for _, pid in scored[:k]]


def time_loop(rec: Recommender, profiles: list[Profile], products) -> dict[str, float]:
    batch = encode_products(products, rec.vocab)
    ids = products["product_id"].tolist()
    samples = []
    for profile in profiles:
        start = time.perf_counter()
        prototype_loop(rec, profile, batch, ids)
        samples.append(time.perf_counter() - start)
    return percentiles(samples)


def synthetic_catalog(base: Catalog, n: int, seed: int = 0) -> Catalog:
    """``n`` products: the demo products repeated with fresh ids and prices jittered ±30%."""
    rng = np.random.default_rng(seed)
    reps = -(-n // len(base.products))
    products = base.products.loc[np.tile(np.arange(len(base.products)), reps)[:n]].reset_index(drop=True)
    products["product_id"] = [f"SYN{i:07d}" for i in range(n)]
    products["price"] = (products["price"] * rng.uniform(0.7, 1.3, n)).round(-2).astype(int)
    return Catalog(products, base.interactions.iloc[:0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100k synthetic products instead of 1M")
    args = parser.parse_args()
    n_large = 100_000 if args.quick else 1_000_000
    torch.set_num_threads(1)  # a shared 2-core box: one query per core beats two half-waiting threads

    start = time.perf_counter()
    rec = Recommender.load(DEMO_MODEL_DIR)
    load_s = time.perf_counter() - start
    catalog = rec.catalog

    from recsys.train import TrainConfig, train

    start = time.perf_counter()
    result = train(catalog, TrainConfig(), progress=False)
    train_s = time.perf_counter() - start

    profiles = query_profiles(300)
    demo_fast = time_recommend(rec, profiles)
    demo_loop = time_loop(rec, profiles[:10], catalog.products)
    # no hard filter applies: no category, gender, skin type or skin concern (see hard_filters)
    unfiltered = [replace(p, category=None, gender=None, skin_type=None, concerns=("gift",))
                  for p in profiles[:3]]
    demo_batch = encode_products(catalog.products, rec.vocab)
    demo_ids = catalog.products["product_id"].tolist()
    same = all([r.product_id for r in rec.recommend(p, k=3)] == prototype_loop(rec, p, demo_batch, demo_ids)
               for p in unfiltered)

    start = time.perf_counter()
    big = synthetic_catalog(catalog, n_large)
    big_rec = Recommender(rec.model, rec.vocab, big, meta=rec.meta)
    index_s = time.perf_counter() - start
    large_fast = time_recommend(big_rec, profiles[:200])
    sub = big.products.iloc[:LOOP_SUBSAMPLE]
    loop_sub = time_loop(big_rec, profiles[:3], sub)
    scale = n_large / LOOP_SUBSAMPLE
    large_loop = {key: round(value * scale, 1) if key.endswith("_ms") else value for key, value in loop_sub.items()}

    report = {
        "machine": platform.machine(), "python": platform.python_version(), "torch": torch.__version__,
        "cpus": os.cpu_count(), "torch_threads": torch.get_num_threads(),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "model_load_s": round(load_s, 3),
        "train_demo_s": round(train_s, 2), "train_epochs_run": len(result.history),
        "train_interactions": result.n_train + result.n_val,
        "demo": {"products": len(catalog.products), "recommend": demo_fast, "prototype_loop": demo_loop,
                 "speedup_p50": round(demo_loop["p50_ms"] / demo_fast["p50_ms"], 1),
                 "loop_agrees_with_matrix_path": same},
        "large": {"products": n_large, "build_index_s": round(index_s, 1),
                  "embedding_matrix_mb": round(big_rec.product_embeddings.nbytes / 2**20, 1),
                  "recommend": large_fast,
                  "prototype_loop_extrapolated": {**large_loop, "measured_on_products": LOOP_SUBSAMPLE,
                                                  "note": f"timed on {LOOP_SUBSAMPLE:,} products, x{scale:g}"},
                  "speedup_p50": round(large_loop["p50_ms"] / large_fast["p50_ms"], 1)},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
