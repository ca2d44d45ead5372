"""Recommendation quality on a real mall export: labelled requests and the prototype's protocol.

Reads ``../shared/real/`` (or ``--data DIR``) — never copied into the project — and writes
``benchmarks/results/real_catalog.json``. Not a test.

(a) **Labelled requests** (``benchmarks/labels/real_requests.json``: request texts and the
product ids a merchandiser accepts in a top-3 answer, labelled from the product names before
any ranking was looked at). Each request goes through the same path as ``personabot
recommend``: ``parse_profile`` then ``Recommender.recommend(profile, k=3)``, for

* the **shipped** model (``data/model``, trained on the demo catalog only) serving the export
  it has never seen — zero-shot transfer through the shared product attributes;
* a model **trained on the export alone** (its reviews with mined reviewer profiles; when the
  export yields no profiled review the customers file is used and the JSON says so).

``precision_at_3`` = mean over requests of (accepted products among those returned) /
(number returned); a request answered with nothing (refused, or filters left nothing) scores
0, so returning fewer than 3 when the filters leave fewer is not punished but an empty or
padded answer is. ``violations`` counts returned products that break the request's own hard
filters (budget; a women's request given a men's product or a men's request a women's one;
a named sub-type, kind or brand not matched; a single product for a request asking for a set).

(b) **The prototype's protocol** (numbers in ``../shared/real/README.md``):
``StratifiedKFold(5, shuffle=True, random_state=r)`` over ``customers.json`` in file order,
stratified by ``persona_name``, r = 0…4; each fold trains on the training customers, ranks all
products for each held-out customer, and metrics are pooled over the 277 held-out customers of
a repeat, then mean ± std over repeats: Hit@3, Hit@10, Category Hit@3 (the export's category).
Each fold's catalog keeps only the training customers' reviews (customer i is review i in
product-then-review order: the personas were clustered from those texts, so a held-out
customer's review must not shape what the catalog says about its product). Scorers: the
two-tower, the two prototype rules (persona's most frequent category then brand; persona's
three most frequent categories), random and our baselines (``recsys.baselines``), the model
with a category-covering top 3 (``CategoryCover``, :mod:`recsys.diversity`), two diagnostics
(``PersonaShare``: how far item-level persona affinity goes once the per-product count artifact
of this protocol is removed; ``PersonaShareByBrand``: the same pooled over the product's brand,
smoothing chosen on the training rows; ``ModelPlusBrandShare``: the model's logits plus a
weight times the log of that table, the weight chosen on the training rows) and two upper bounds that are *not* held out
(``InSampleBest``: the best fixed per-persona ranking fitted on all customers, and the same with
a top 3 over the persona's three most frequent categories) — what a ranker that sees only the
persona could reach at best.

    .venv/bin/python benchmarks/bench_real_catalog.py                 # both parts, a few minutes
    .venv/bin/python benchmarks/bench_real_catalog.py --requests-only # part (a) only, ~30 s
    .venv/bin/python benchmarks/bench_real_catalog.py --data /path/to/real
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import platform
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Sequence

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402

from recsys.baselines import fit_baselines  # noqa: E402
from recsys.catalog import Catalog, load_catalog  # noqa: E402
from recsys.diversity import cover_categories  # noqa: E402
from recsys.evaluate import ModelScorer, metrics, ranks_and_tops  # noqa: E402
from recsys.parsing import ProfileParseError, parse_profile  # noqa: E402
from recsys.paths import DEMO_MODEL_DIR  # noqa: E402
from recsys.product_types import BY_NAME, family_members  # noqa: E402
from recsys.profile import Profile  # noqa: E402
from recsys.recommender import Recommender  # noqa: E402
from recsys.train import TrainConfig, TrainingDataError, train, usable_interactions  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "real_catalog.json"
LABELS = ROOT / "benchmarks" / "labels" / "real_requests.json"
# ../shared/real beside the clone (or beside a parent folder, for a git worktree)
DEFAULT_DATA = next((d / "shared" / "real" for d in ROOT.parents if (d / "shared" / "real").is_dir()),
                    ROOT.parent / "shared" / "real")
EXPORT = Path("amoremall") / "amoremall_reviews.json"
CUSTOMERS = Path("amoremall") / "customers.json"
TARGETS = {"precision_at_3": 0.8, "violations": 0, "hit3": 0.10, "hit10": 0.30, "category_hit3": 0.75}


# --------------------------------------------------------------------------- (a) requests
def _parse(text: str, catalog: Catalog) -> Profile:
    """``parse_profile`` as ``personabot recommend`` calls it, given the catalog when it asks."""
    params = inspect.signature(parse_profile).parameters
    extra: dict[str, Any] = {}
    if "catalog" in params:
        extra["catalog"] = catalog
    if "brands" in params:
        extra["brands"] = sorted(set(catalog.products["brand"].dropna().astype(str)))
    return parse_profile(text, **extra)


def _named(profile: Profile, *names: str) -> list[str]:
    """Values of whichever of ``names`` the Profile has (its request-vocabulary fields)."""
    data = profile.to_dict()
    values: list[str] = []
    for name in names:
        value = data.get(name)
        if isinstance(value, str) and value:
            values.append(value)
        elif isinstance(value, (list, tuple)):
            values.extend(str(v) for v in value if v)
    return values


def violations(profile: Profile, product: dict[str, Any]) -> list[str]:
    """The request's hard filters that ``product`` breaks (empty: it passes them all)."""
    broken = []
    price = product.get("price") or 0
    if profile.price_max is not None and not (0 < price <= profile.price_max):
        broken.append("budget")
    if profile.price_min is not None and not price >= profile.price_min:
        broken.append("budget")
    gender = product.get("target_gender") or ("men" if product.get("category") == "men" else "")
    if profile.gender == "F" and gender == "men":
        broken.append("gender")
    if profile.gender == "M" and gender == "women":
        broken.append("gender")
    sub_types = _named(profile, "sub_type", "sub_types", "product_type", "product_types")
    if sub_types:
        allowed = {m for s in sub_types for m in (family_members(s) or (s,))}
        if product.get("sub_type") not in allowed:
            broken.append("sub_type")
    kinds = _named(profile, "kind", "kinds")
    if kinds and not sub_types:
        kind = product.get("kind") or (BY_NAME[product["sub_type"]].kind if product.get("sub_type") in BY_NAME else "")
        if kind not in kinds:
            broken.append("kind")
    brands = _named(profile, "brand", "brands")
    if brands and str(product.get("brand")) not in brands:
        broken.append("brand")
    if profile.to_dict().get("wants_set") and not product.get("is_set"):
        broken.append("set")
    return broken


def run_requests(recommender: Recommender, catalog: Catalog, labels: list[dict[str, Any]]) -> dict[str, Any]:
    products = catalog.products.set_index("product_id", drop=False)
    per, precisions, successes = [], [], []
    n_violations = refused = short = 0
    for label in labels:
        relevant = set(label["relevant"])
        entry: dict[str, Any] = {"text": label["text"]}
        try:
            profile = _parse(label["text"], catalog)
        except ProfileParseError as exc:
            entry.update(refused=str(exc)[:200], returned=[], hits=0, precision=0.0)
            refused += 1
            precisions.append(0.0)
            successes.append(0.0)
            per.append(entry)
            continue
        returned = [r.product_id for r in recommender.recommend(profile, k=3)]
        hits = sum(pid in relevant for pid in returned)
        broken = {pid: v for pid in returned if (v := violations(profile, products.loc[pid].to_dict()))}
        n_violations += sum(len(v) > 0 for v in broken.values())
        short += len(returned) < 3
        precision = hits / len(returned) if returned else 0.0
        precisions.append(precision)
        successes.append(hits / min(3, len(relevant)))
        entry.update(profile=profile.to_dict(), returned=returned, hits=hits, precision=round(precision, 4),
                     violations=broken)
        per.append(entry)
    return {
        "n": len(labels), "precision_at_3": round(float(np.mean(precisions)), 4),
        "slot_precision_at_3": round(sum(e["hits"] for e in per) / (3 * len(per)), 4),
        "success_at_3": round(float(np.mean(successes)), 4),
        "violations": n_violations, "refused": refused, "fewer_than_3": short, "per_request": per,
    }


def export_trained(export: Path, customers: Path, seed: int = 0) -> tuple[Recommender, str]:
    """A model trained on the export alone: its reviews with mined reviewer profiles.

    Falls back to the prototype's customers file when no review yields a reviewer profile
    (a loader without reviewer mining), and says so in the returned description.
    """
    catalog = load_catalog(export)
    try:
        result = train(catalog, TrainConfig(seed=seed), progress=False)
        how = f"{result.n_train + result.n_val} reviews of the export with a mined reviewer profile"
    except TrainingDataError:
        catalog = load_catalog(export, customers)
        result = train(catalog, TrainConfig(seed=seed), progress=False)
        how = (f"{result.n_train + result.n_val} rows of customers.json: the export's reviews gave no reviewer "
               "profile (reviewer mining not on this branch)")
    return Recommender(result.model, result.vocab, catalog), how


# --------------------------------------------------------------------------- (b) protocol
@dataclass
class TopCategoryThenBrand:
    """Prototype rule: the persona's most frequent category first, within it its most frequent brand."""

    category: np.ndarray
    brand: np.ndarray
    best: dict[str, tuple[Any, Any]]
    name: str = "rule_category_then_brand"

    @classmethod
    def fit(cls, category: np.ndarray, brand: np.ndarray, personas: Sequence[str], targets: np.ndarray
            ) -> "TopCategoryThenBrand":
        best = {}
        for persona in set(personas):
            mine = targets[np.asarray(personas) == persona]
            top_category = Counter(category[mine].tolist()).most_common(1)[0][0]
            in_category = mine[category[mine] == top_category]
            best[persona] = (top_category, Counter(brand[in_category].tolist()).most_common(1)[0][0])
        return cls(category, brand, best)

    def score(self, profiles: Sequence[Profile]) -> np.ndarray:
        rows = []
        for profile in profiles:
            top_category, top_brand = self.best.get(profile.persona or "", (None, None))
            rows.append(2.0 * (self.category == top_category) + 1.0 * (self.brand == top_brand))
        return np.stack(rows)


@dataclass
class TopThreeCategories:
    """Prototype rule: one product from each of the persona's three most frequent categories in
    turn (round-robin), products within a category in a seeded random order."""

    category: np.ndarray
    top: dict[str, list[Any]]
    seed: int = 0
    name: str = "rule_top3_categories"

    @classmethod
    def fit(cls, category: np.ndarray, personas: Sequence[str], targets: np.ndarray, seed: int = 0
            ) -> "TopThreeCategories":
        top = {p: [c for c, _ in Counter(category[targets[np.asarray(personas) == p]].tolist()).most_common(3)]
               for p in set(personas)}
        return cls(category, top, seed)

    def score(self, profiles: Sequence[Profile]) -> np.ndarray:
        rng = np.random.default_rng(self.seed)
        n = len(self.category)
        rows = []
        for profile in profiles:
            cats = self.top.get(profile.persona or "", [])
            score = np.full(n, -np.inf)
            for j, cat in enumerate(cats):
                members = np.flatnonzero(self.category == cat)
                order = rng.permutation(len(members))
                score[members[order]] = -(np.arange(len(members)) * len(cats) + j)  # round-robin positions
            rest = np.isinf(score)
            score[rest] = -n * 3 - rng.random(rest.sum())
            rows.append(score)
        return np.stack(rows)


@dataclass
class PersonaShare:
    """Diagnostic, not a baseline of the product: the share of a product's training buyers in the
    customer's persona, P(persona | product), smoothed towards the persona's overall share.

    Unlike counts (P(product | persona)), a share does not punish the held-out customer's product
    for having one buyer fewer, so it shows how far item-level persona affinity goes here."""

    share: np.ndarray  # (personas, products)
    index: dict[str, int]
    name: str = "diagnostic_persona_share"

    @classmethod
    def fit(cls, n_products: int, personas: Sequence[str], targets: np.ndarray, smoothing: float = 1.0
            ) -> "PersonaShare":
        names = sorted(set(personas))
        index = {n: i for i, n in enumerate(names)}
        counts = np.zeros((len(names), n_products))
        np.add.at(counts, ([index[p] for p in personas], targets), 1.0)
        prior = counts.sum(axis=1) / counts.sum()
        return cls((counts + smoothing * prior[:, None]) / (counts.sum(axis=0) + smoothing), index)

    def score(self, profiles: Sequence[Profile]) -> np.ndarray:
        flat = np.zeros(self.share.shape[1])
        return np.stack([self.share[self.index[p.persona]] if p.persona in self.index else flat for p in profiles])


@dataclass
class PersonaShareByBrand:
    """Diagnostic: P(persona | product) pooled up a hierarchy — product, then its brand, then the
    persona's overall share — so a product with two training buyers borrows from its brand's.

    The two smoothing strengths are chosen on a held-out fifth of the training rows (best
    log-likelihood of the held-out product under the persona's normalised shares), never on
    the fold's held-out customers; then refitted on all training rows."""

    share: np.ndarray
    index: dict[str, int]
    strengths: tuple[float, float]
    name: str = "diagnostic_persona_share_by_brand"

    GRID = (0.25, 1.0, 4.0)

    @staticmethod
    def _table(n_products: int, groups: np.ndarray, personas: np.ndarray, targets: np.ndarray, n_personas: int,
               s_group: float, s_item: float) -> np.ndarray:
        counts = np.zeros((n_personas, n_products))
        np.add.at(counts, (personas, targets), 1.0)
        prior = (counts.sum(axis=1) + 1.0) / (counts.sum() + n_personas)
        codes = np.unique(np.asarray(groups, dtype=str), return_inverse=True)[1]
        by_group = np.zeros((n_personas, codes.max() + 1))
        np.add.at(by_group, (slice(None), codes), counts)
        group_share = (by_group + s_group * prior[:, None]) / (by_group.sum(axis=0) + s_group)
        return (counts + s_item * group_share[:, codes]) / (counts.sum(axis=0) + s_item)

    @classmethod
    def fit(cls, groups: np.ndarray, personas: Sequence[str], targets: np.ndarray, seed: int = 0
            ) -> "PersonaShareByBrand":
        names = sorted(set(personas))
        index = {n: i for i, n in enumerate(names)}
        codes = np.asarray([index[p] for p in personas])
        n = len(groups)
        rng = np.random.default_rng(seed)
        val = np.zeros(len(targets), dtype=bool)
        val[rng.permutation(len(targets))[: len(targets) // 5]] = True
        best = (-np.inf, (1.0, 1.0))
        for s_group in cls.GRID:
            for s_item in cls.GRID:
                table = cls._table(n, groups, codes[~val], targets[~val], len(names), s_group, s_item)
                q = table / table.sum(axis=1, keepdims=True)
                loglik = float(np.log(q[codes[val], targets[val]]).mean())
                if loglik > best[0]:
                    best = (loglik, (s_group, s_item))
        return cls(cls._table(n, groups, codes, targets, len(names), *best[1]), index, best[1])

    def score(self, profiles: Sequence[Profile]) -> np.ndarray:
        flat = np.zeros(self.share.shape[1])
        return np.stack([self.share[self.index[p.persona]] if p.persona in self.index else flat for p in profiles])


def _log_share(share: "PersonaShareByBrand", profiles: Sequence[Profile]) -> np.ndarray:
    """log of the brand-pooled share per profile; 0 (no opinion) for a persona it never saw."""
    known = np.asarray([p.persona in share.index for p in profiles])
    return np.where(known[:, None], np.log(np.maximum(share.score(profiles), 1e-12)), 0.0)


@dataclass
class ModelPlusBrandShare:
    """Diagnostic: the two-tower's logits + ``beta`` x log(brand-pooled persona share).

    ``beta`` is chosen on the fold's training rows only: a second model and share table fitted
    on four fifths of them score the other fifth, and the ``beta`` with the best log-likelihood
    of those rows' products wins; it is then applied to the fold's model and table. Shows what a
    learned blend of the two would reach here; not part of serving."""

    model: Any
    share: "PersonaShareByBrand"
    beta: float
    name: str = "diagnostic_model_plus_brand_share"

    BETAS = (0.0, 0.5, 1.0, 2.0, 4.0, 8.0)

    @classmethod
    def fit(cls, model: Any, share: "PersonaShareByBrand", catalog: Catalog, rows: np.ndarray,
            profiles: Sequence[Profile], targets: np.ndarray, fit: np.ndarray, brand: np.ndarray,
            config: TrainConfig, seed: int) -> "ModelPlusBrandShare":
        rng = np.random.default_rng(seed)
        held = np.zeros(len(fit), dtype=bool)
        held[rng.permutation(len(fit))[: len(fit) // 5]] = True
        inner_fit, inner_val = fit[~held], fit[held]
        inner = train(catalog, replace(config, seed=seed), train_rows=rows[inner_fit], progress=False)
        val_profiles = [profiles[i] for i in inner_val]
        logits = Recommender(inner.model, inner.vocab, catalog).score_profiles(val_profiles).astype(np.float64)
        inner_share = PersonaShareByBrand.fit(brand, [profiles[i].persona or "" for i in inner_fit],
                                              targets[inner_fit], seed)
        log_share = _log_share(inner_share, val_profiles)
        best = (-np.inf, 0.0)
        for beta in cls.BETAS:
            z = logits + beta * log_share
            z -= z.max(axis=1, keepdims=True)
            loglik = float((z[np.arange(len(z)), targets[inner_val]] - np.log(np.exp(z).sum(axis=1))).mean())
            if loglik > best[0]:
                best = (loglik, beta)
        return cls(model, share, best[1])

    def score(self, profiles: Sequence[Profile]) -> np.ndarray:
        return np.asarray(self.model.score(profiles), dtype=np.float64) + self.beta * _log_share(self.share, profiles)


@dataclass
class CategoryCover:
    """The model with a category-covering top 3 (:func:`recsys.diversity.cover_categories`,
    weight 1: a category hit valued like a product hit); positions 4+ keep the model's order."""

    base: Any
    categories: np.ndarray
    weight: float = 1.0
    name: str = "model_category_cover"

    def score(self, profiles: Sequence[Profile]) -> np.ndarray:
        return cover_categories(np.asarray(self.base.score(profiles)), self.categories, 3, self.weight)


@dataclass
class InSampleBest:
    """Upper bound, not a method: the best fixed per-persona ranking, fitted on *all* customers
    (the held-out ones included, so in-sample); with ``categories``, its top 3 is the best
    product of each of the persona's three most frequent categories. No ranker that sees only
    the persona can beat it on average."""

    table: np.ndarray
    index: dict[str, int]
    name: str = "upper_bound_in_sample_per_persona"

    @classmethod
    def fit(cls, n_products: int, personas: Sequence[str], targets: np.ndarray,
            categories: np.ndarray | None = None) -> "InSampleBest":
        names = sorted(set(personas))
        index = {n: i for i, n in enumerate(names)}
        counts = np.zeros((len(names), n_products))
        np.add.at(counts, ([index[p] for p in personas], targets), 1.0)
        if categories is None:
            return cls(counts, index)
        table = counts.copy()
        for row in range(len(names)):
            mine = Counter(categories[np.repeat(np.arange(n_products), counts[row].astype(int))].tolist())
            for slot, (cat, _) in enumerate(mine.most_common(3)):
                members = np.flatnonzero(categories == cat)
                table[row, members[np.argmax(counts[row, members])]] = 1_000.0 - slot
        return cls(table, index, "upper_bound_in_sample_per_persona_3_categories")

    def score(self, profiles: Sequence[Profile]) -> np.ndarray:
        flat = np.zeros(self.table.shape[1])
        return np.stack([self.table[self.index[p.persona]] if p.persona in self.index else flat for p in profiles])


def _fold_files(folder: Path, export: list[dict[str, Any]], customers: list[dict[str, Any]], train_idx: set[int]
                ) -> tuple[Path, Path]:
    """The export with only the training customers' reviews, and the customers file without the
    held-out customers' review text (their profile stays: it is what we rank for)."""
    i = 0
    products = []
    for product in export:
        kept = []
        for review in product.get("reviews") or []:
            if i in train_idx:
                kept.append(review)
            i += 1
        products.append({**product, "reviews": kept})
    people = [c if j in train_idx else {k: v for k, v in c.items() if k != "review_content"}
              for j, c in enumerate(customers)]
    export_path, customers_path = folder / "amoremall_reviews.json", folder / "customers.json"
    export_path.write_text(json.dumps(products, ensure_ascii=False), encoding="utf-8")
    customers_path.write_text(json.dumps(people, ensure_ascii=False), encoding="utf-8")
    return export_path, customers_path


def run_protocol(data: Path, repeats: Sequence[int], config: TrainConfig) -> dict[str, Any]:
    from sklearn.model_selection import StratifiedKFold

    export = json.loads((data / EXPORT).read_text(encoding="utf-8"))
    customers = json.loads((data / CUSTOMERS).read_text(encoding="utf-8"))
    n_reviews = sum(len(p.get("reviews") or []) for p in export)
    if n_reviews != len(customers):
        raise SystemExit(f"customers.json has {len(customers)} rows but the export {n_reviews} reviews; "
                         "customer i must be review i")
    personas = [c["persona_name"] for c in customers]
    per_repeat: list[dict[str, dict[str, float]]] = []
    train_seconds: list[float] = []
    betas: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for repeat in repeats:
            folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=repeat)
            pooled: dict[str, dict[str, list[np.ndarray]]] = {}
            for fold, (train_idx, test_idx) in enumerate(folds.split(np.zeros(len(customers)), personas)):
                export_path, customers_path = _fold_files(Path(tmp), export, customers, set(train_idx.tolist()))
                catalog = load_catalog(export_path, customers_path)
                rows, profiles, targets = usable_interactions(catalog)
                source = catalog.interactions["source"].to_numpy()
                customer_rows = np.flatnonzero(source == "customers")  # customer j is the j-th such row
                position = {int(r): i for i, r in enumerate(rows)}
                fit = np.asarray([position[int(customer_rows[j])] for j in train_idx])
                test = np.asarray([position[int(customer_rows[j])] for j in test_idx])
                result = train(catalog, replace(config, seed=repeat * 10 + fold), train_rows=rows[fit],
                               progress=False)
                train_seconds.append(result.seconds)
                train_profiles = [profiles[i] for i in fit]
                test_profiles, test_targets = [profiles[i] for i in test], targets[test]
                category = catalog.products["category"].to_numpy()
                brand = catalog.products["brand"].astype(str).to_numpy()
                train_personas = [p.persona or "" for p in train_profiles]
                model = ModelScorer(Recommender(result.model, result.vocab, catalog))
                all_personas = [p.persona or "" for p in profiles]
                in_sample = np.concatenate([fit, test])  # upper bounds only: they see the held-out rows
                by_brand = PersonaShareByBrand.fit(brand, train_personas, targets[fit], seed=repeat * 10 + fold)
                # new scorers go last: the tie-breaking draws of the earlier ones stay as they were
                scorers = [
                    model,
                    TopCategoryThenBrand.fit(category, brand, train_personas, targets[fit]),
                    TopThreeCategories.fit(category, train_personas, targets[fit], seed=repeat),
                    *fit_baselines(len(category), train_profiles, targets[fit], repeat),
                    PersonaShare.fit(len(category), train_personas, targets[fit]),
                    CategoryCover(model, category),
                    by_brand,
                    InSampleBest.fit(len(category), [all_personas[i] for i in in_sample], targets[in_sample]),
                    InSampleBest.fit(len(category), [all_personas[i] for i in in_sample], targets[in_sample],
                                     category),
                ]
                blend = ModelPlusBrandShare.fit(model, by_brand, catalog, rows, profiles, targets, fit, brand,
                                                config, seed=repeat * 10 + fold)
                betas.append(blend.beta)
                scorers.append(blend)
                rng = np.random.default_rng(repeat * 100 + fold)
                for scorer in scorers:
                    scores = np.asarray(scorer.score(test_profiles), dtype=np.float64)
                    ranks, tops = ranks_and_tops(scores, test_targets, 10, rng)
                    entry = pooled.setdefault(scorer.name, {"ranks": [], "tops": [], "targets": []})
                    entry["ranks"].append(ranks)
                    entry["tops"].append(tops)
                    entry["targets"].append(test_targets)
            repeat_metrics = {}
            for name, entry in pooled.items():
                ranks, tops, tgts = (np.concatenate(entry[k]) for k in ("ranks", "tops", "targets"))
                m3 = metrics(ranks, tops[:, :3], tgts, category, 3)
                m10 = metrics(ranks, tops, tgts, category, 10)
                repeat_metrics[name] = {"hit3": m3["hit"], "hit10": m10["hit"], "category_hit3": m3["category_hit"],
                                        "ndcg10": m10["ndcg"], "mrr": m10["mrr"], "n": int(len(ranks))}
            per_repeat.append(repeat_metrics)
            print(f"repeat {repeat}: " + ", ".join(
                f"{k} {v['hit3']:.3f}/{v['hit10']:.3f}/{v['category_hit3']:.3f}" for k, v in repeat_metrics.items()),
                flush=True)
    summary = {}
    for name in per_repeat[0]:
        summary[name] = {metric: {"mean": round(float(np.mean([r[name][metric] for r in per_repeat])), 4),
                                  "std": round(float(np.std([r[name][metric] for r in per_repeat])), 4)}
                         for metric in ("hit3", "hit10", "category_hit3", "ndcg10", "mrr")}
        summary[name]["lower_than_model_hit10_in_repeats"] = None
    model_hit10 = [r["model"]["hit10"] for r in per_repeat]
    for name in summary:
        summary[name]["lower_than_model_hit10_in_repeats"] = sum(
            r[name]["hit10"] < m for r, m in zip(per_repeat, model_hit10))
    return {"repeats": list(repeats), "n_per_repeat": per_repeat[0]["model"]["n"], "scorers": summary,
            "per_repeat": [{k: {m: round(v, 4) if isinstance(v, float) else v for m, v in s.items()}
                            for k, s in r.items()} for r in per_repeat],
            "train_seconds_mean": round(float(np.mean(train_seconds)), 2),
            "blend_betas": betas}


# --------------------------------------------------------------------------- main
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder holding amoremall/ (../shared/real)")
    parser.add_argument("--model", type=Path, default=DEMO_MODEL_DIR, help="the shipped model (zero-shot)")
    parser.add_argument("--requests-only", action="store_true", help="skip the prototype protocol (part b)")
    parser.add_argument("--protocol-only", action="store_true", help="skip training on the export in part (a)")
    parser.add_argument("--repeats", type=int, default=5, help="prototype protocol repeats (random_state 0..N-1)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="override a TrainConfig field for part (b), e.g. --set specific_dropout=0 (experiments)")
    args = parser.parse_args()
    overrides = {k: type(getattr(TrainConfig(), k))(v) for k, v in (item.split("=", 1) for item in args.set)}
    export, customers = args.data / EXPORT, args.data / CUSTOMERS
    for path in (export, customers, LABELS):
        if not path.is_file():
            raise SystemExit(f"missing {path}; pass --data DIR holding amoremall/")
    torch.set_num_threads(1)
    start = time.perf_counter()
    labels = json.loads(LABELS.read_text(encoding="utf-8"))["requests"]

    catalog = load_catalog(export)
    shipped = Recommender.load(args.model, catalog=catalog)
    requests = {"labels": str(LABELS.relative_to(ROOT)), "shipped_zero_shot": run_requests(shipped, catalog, labels)}
    requests["shipped_zero_shot"]["model"] = str(args.model)
    if args.protocol_only:
        own, how = shipped, "skipped (--protocol-only)"
    else:
        own, how = export_trained(export, customers)
    requests["export_trained"] = run_requests(own, own.catalog, labels)
    requests["export_trained"]["trained_on"] = how
    for name in ("shipped_zero_shot", "export_trained"):
        r = requests[name]
        print(f"{name}: precision@3 {r['precision_at_3']:.3f} (slots {r['slot_precision_at_3']:.3f}), "
              f"violations {r['violations']}, refused {r['refused']}, fewer than 3: {r['fewer_than_3']}", flush=True)

    report: dict[str, Any] = {
        "machine": platform.machine(), "cpus": os.cpu_count(), "torch": torch.__version__,
        "data": str(export.name), "products": len(catalog.products), "requests": requests,
    }
    targets: dict[str, Any] = {
        f"{name}.precision_at_3": {"value": requests[name]["precision_at_3"], "target": TARGETS["precision_at_3"],
                                   "met": requests[name]["precision_at_3"] >= TARGETS["precision_at_3"]}
        for name in ("shipped_zero_shot", "export_trained")
    } | {
        f"{name}.violations": {"value": requests[name]["violations"], "target": 0,
                               "met": requests[name]["violations"] == 0}
        for name in ("shipped_zero_shot", "export_trained")
    }
    if not args.requests_only:
        protocol = run_protocol(args.data, range(args.repeats), TrainConfig(**overrides))
        protocol["train_config_overrides"] = overrides
        report["prototype_protocol"] = protocol
        for name, prefix in (("model", "prototype_protocol"),
                             ("model_category_cover", "prototype_protocol.model_category_cover")):
            row = protocol["scorers"][name]
            for metric in ("hit3", "hit10", "category_hit3"):
                targets[f"{prefix}.{metric}"] = {"value": row[metric]["mean"], "std": row[metric]["std"],
                                                 "target": TARGETS[metric], "met": row[metric]["mean"] >= TARGETS[metric]}
    report["targets"] = targets
    report["seconds"] = round(time.perf_counter() - start, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(targets, indent=1))


if __name__ == "__main__":
    main()
