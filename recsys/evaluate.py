"""Honest offline evaluation: whole-catalog ranking of held-out interactions.

For every held-out (profile, product) interaction each scorer ranks the *whole* catalog
for the profile (no filters: reviews carry no category or budget) and we record where the
product landed. Ties are broken at random (seeded).

Metrics at ``k`` (one relevant product per interaction):
    hit           product in the top k
    category_hit  some top-k product shares the held-out product's category
    ndcg          1 / log2(rank + 1) when rank <= k, else 0
    mrr           mean of 1 / rank over the full ranking (not truncated)
    coverage      share of the catalog that appears in at least one top-k list

The held-out splits (protocols ``random``, ``time``, ``cold``) are made by
:mod:`recsys.splits`.

Evaluating on a file whose interactions the model was trained on is allowed but never
silent: the report carries ``overlap`` (how many evaluated interactions are training rows) and
a ``warning``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Protocol, Sequence

import numpy as np
import pandas as pd

from recsys.baselines import OracleScorer, Scorer, fit_baselines
from recsys.catalog import Catalog, fingerprint
from recsys.profile import Profile
from recsys.splits import EvaluationError, Split, make_split

METRICS = ("hit", "category_hit", "ndcg", "mrr", "coverage")
CHUNK = 512


class TrueScores(Protocol):
    """A ground truth to rank with, such as the demo generator's :class:`recsys.demo.oracle.Oracle`."""

    def scores(self, profile: Profile) -> np.ndarray:
        """The true purchase probability of every catalog product for ``profile``, shape (P,)."""
        ...


#: Given the catalog being evaluated, its ground truth (None when it has none). The caller
#: that knows the data passes it in: only the demo catalog has an oracle.
OracleFor = Callable[[Path], "TrueScores | None"]


def ranks_and_tops(scores: np.ndarray, targets: np.ndarray, k: int, rng: np.random.Generator
                   ) -> tuple[np.ndarray, np.ndarray]:
    """1-based rank of each target and the top-k positions, ties broken at random."""
    order = np.lexsort((rng.random(scores.shape), -scores), axis=-1)
    ranks = np.argmax(order == targets[:, None], axis=1) + 1
    return ranks, order[:, :k]


def metrics(ranks: np.ndarray, tops: np.ndarray, targets: np.ndarray, categories: np.ndarray, k: int
            ) -> dict[str, float]:
    if len(ranks) == 0:
        return {m: 0.0 for m in METRICS}
    hit = ranks <= k
    return {
        "hit": float(hit.mean()),
        "category_hit": float((categories[tops] == categories[targets][:, None]).any(axis=1).mean()),
        "ndcg": float(np.where(hit, 1.0 / np.log2(ranks + 1), 0.0).mean()),
        "mrr": float((1.0 / ranks).mean()),
        "coverage": float(len(np.unique(tops)) / len(categories)),
    }


def _rank_all(scorer: Scorer, profiles: Sequence[Profile], targets: np.ndarray, k: int, seed: int
              ) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    ranks, tops = [], []
    for start in range(0, len(profiles), CHUNK):
        s = np.asarray(scorer.score(profiles[start : start + CHUNK]), dtype=np.float64)
        r, t = ranks_and_tops(s, targets[start : start + CHUNK], k, rng)
        ranks.append(r)
        tops.append(t)
    if not ranks:
        return np.zeros(0, dtype=np.int64), np.zeros((0, k), dtype=np.int64)
    return np.concatenate(ranks), np.concatenate(tops)


@dataclass
class ModelScorer:
    recommender: Any
    name: str = "model"

    def score(self, profiles: Sequence[Profile]) -> np.ndarray:
        return self.recommender.score_profiles(profiles)


def evaluate(
    categories: np.ndarray,
    model: Scorer,
    train: tuple[Sequence[Profile], np.ndarray],
    test: tuple[Sequence[Profile], np.ndarray],
    *,
    k: int = 3,
    seed: int = 0,
    oracle: TrueScores | None = None,
) -> dict[str, Any]:
    """Metrics of ``model``, the baselines (fitted on ``train``) and the oracle on ``test``.

    ``train``/``test`` are (profiles with persona filled, product positions). Returns the
    stable JSON shape: ``{"k", "n", "model", "baselines", "oracle", "by_persona"}``.
    """
    test_profiles, test_targets = test
    n_products = len(categories)
    scorers: list[Scorer] = [model, *fit_baselines(n_products, train[0], np.asarray(train[1]), seed)]
    if oracle is not None:
        scorers.append(OracleScorer(oracle))
    personas = np.asarray([p.persona or "" for p in test_profiles])
    overall: dict[str, dict[str, float]] = {}
    by_persona: dict[str, dict[str, Any]] = {
        name: {"n": int((personas == name).sum())} for name in sorted(set(personas))}
    for scorer in scorers:
        ranks, tops = _rank_all(scorer, test_profiles, test_targets, k, seed)
        overall[scorer.name] = metrics(ranks, tops, test_targets, categories, k)
        for name, entry in by_persona.items():
            sel = personas == name
            entry[scorer.name] = metrics(ranks[sel], tops[sel], test_targets[sel], categories, k)
    baseline_names = [s.name for s in scorers[1:] if s.name != "oracle"]

    def shape(entry: dict[str, Any]) -> dict[str, Any]:
        return {"model": entry["model"], "baselines": {b: entry[b] for b in baseline_names},
                "oracle": entry.get("oracle")}

    return {
        "k": k, "n": int(len(test_targets)), **shape(overall),
        "by_persona": {name: {"n": entry["n"], **shape(entry)} for name, entry in by_persona.items()},
    }


def train_and_evaluate(
    catalog: Catalog,
    protocol: str = "random",
    *,
    seed: int = 0,
    holdout: float = 0.2,
    ks: Sequence[int] = (10,),
    config: Any = None,
    oracle: TrueScores | None = None,
    progress: bool = False,
) -> dict[str, Any]:
    """One protocol end to end: split, train on the rest, evaluate against the baselines.

    Returns ``{"protocol", "seed", "train_seconds", "best_epoch", "reports": {"<k>": report}}``.
    """
    from dataclasses import replace

    from recsys.recommender import Recommender
    from recsys.train import TrainConfig, train, usable_interactions

    rows, profiles, targets = usable_interactions(catalog)
    split = make_split(catalog, rows, targets, protocol, holdout, seed, strata=[p.persona for p in profiles])
    is_test = np.isin(rows, split.test_rows)
    config = replace(config or TrainConfig(), seed=seed)
    unseen = set(catalog.products["product_id"].iloc[np.unique(targets[is_test])]) if protocol == "cold" else ()
    result = train(catalog, config, train_rows=rows[~is_test], unseen_products=unseen, progress=progress)
    recommender = Recommender(result.model, result.vocab, catalog)
    train_part = ([p for p, t in zip(profiles, is_test) if not t], targets[~is_test])
    test_part = ([p for p, t in zip(profiles, is_test) if t], targets[is_test])
    reports = {
        str(k): evaluate(catalog.products["category"].to_numpy(), ModelScorer(recommender), train_part, test_part,
                         k=k, seed=seed, oracle=oracle)
        for k in ks
    }
    return {"protocol": protocol, "seed": seed, "train_seconds": round(result.seconds, 2),
            "best_epoch": result.best_epoch, "reports": reports}


def interaction_keys(catalog: Catalog, rows: np.ndarray) -> list[tuple[Any, ...]]:
    """What identifies an interaction across files: product, customer, profile, text and date."""
    frame = catalog.interactions.iloc[rows]
    columns = ("product_id", "user_id", "age_min", "age_max", "gender", "skin_type", "concerns", "persona",
               "text", "date")

    def norm(value: Any) -> Any:
        if isinstance(value, (list, tuple, np.ndarray)):
            return tuple(str(v) for v in value)
        return None if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)

    return [tuple(norm(v) for v in values) for values in zip(*(frame[c] for c in columns))]


def overlap_report(n_overlap: int, n: int) -> dict[str, Any]:
    """The ``overlap`` entry of a report and its ``warning`` (None when nothing overlaps)."""
    share = n_overlap / n if n else 0.0
    warning = None
    if n_overlap:
        warning = (f"{n_overlap:,} of {n:,} evaluated interactions ({share:.0%}) are rows the model was trained "
                   "on: these numbers are in-sample (optimistic), not held out")
    return {"overlap": {"n": int(n_overlap), "share": round(share, 4)}, "warning": warning}


def evaluate_model_dir(
    model_dir: Path,
    catalog_path: Path | None = None,
    *,
    interactions_path: Path | None = None,
    k: int = 3,
    in_sample: bool = False,
    oracle_for: OracleFor | None = None,
    seed: int = 0,
    columns: dict[str, str] | str | None = None,
) -> tuple[dict[str, Any], Any]:
    """What ``personabot evaluate`` does. Returns (report, recommender).

    * ``interactions_path`` given: evaluate on exactly that file's interactions; baselines
      learn from the catalog's own interactions (minus the recorded held-out rows when the
      catalog is the one the model was trained on).
    * otherwise: the split recorded at training time (``in_sample``: the training rows,
      only to compare with the prototype's way of measuring).

    ``oracle_for(catalog_path)`` gives the ground truth reported as the ``oracle`` ceiling
    (``personabot evaluate`` passes the demo generator's for the demo catalog).
    """
    from recsys.catalog import load_catalog
    from recsys.model import load_checkpoint
    from recsys.paths import resolve_catalog_path
    from recsys.recommender import Recommender
    from recsys.train import usable_interactions

    model, vocab, meta = load_checkpoint(model_dir)
    if catalog_path is None and columns is None:
        columns = meta.get("columns") or None  # the recorded catalog, read as it was in training
    catalog_path = catalog_path or resolve_catalog_path(meta.get("catalog"))
    recorded_interactions = resolve_catalog_path(meta["interactions"]) if meta.get("interactions") else None
    split = Split.from_dict(meta["split"]) if meta.get("split") else None

    base = load_catalog(catalog_path, recorded_interactions, columns=columns)  # what the model learned from
    rows, profiles, targets = usable_interactions(base)
    same_data = split is not None and split.fingerprint == fingerprint(base)
    held = np.isin(rows, split.test_rows) if same_data else np.zeros(len(rows), dtype=bool)
    train_part = ([p for p, h in zip(profiles, held) if not h], targets[~held])

    if interactions_path is not None:
        catalog = load_catalog(catalog_path, interactions_path, columns=columns)
        n_own = len(load_catalog(catalog_path, columns=columns).interactions)  # the file's rows come after the catalog's own
        all_rows, all_profiles, all_targets = usable_interactions(catalog)
        extra = all_rows >= n_own
        test_part = ([p for p, e in zip(all_profiles, extra) if e], all_targets[extra])
        source = f"interactions of {interactions_path}"
        trained = set(interaction_keys(base, rows[~held]))
        n_overlap = sum(key in trained for key in interaction_keys(catalog, all_rows[extra]))
    else:
        catalog = base
        if in_sample:
            test_part = train_part
            source = "training interactions (in-sample: optimistic, for comparison only)"
            n_overlap = len(train_part[1])
        elif split is None:
            raise EvaluationError(f"{model_dir} was trained on every interaction (--holdout 0), so there is no "
                                  "held-out split; pass --interactions FILE (or --in-sample)")
        elif not same_data:
            raise EvaluationError(f"the interactions of {catalog_path} are not the ones {model_dir} was trained "
                                  "on, so its recorded split does not apply; pass --interactions FILE")
        else:
            test_part = ([p for p, h in zip(profiles, held) if h], targets[held])
            source = f"held-out {split.protocol} split ({split.holdout:.0%}, seed {split.seed})"
            n_overlap = 0
    if len(test_part[1]) == 0:
        raise EvaluationError("no interactions with a known product and a customer profile to evaluate on")

    oracle = oracle_for(Path(catalog_path)) if oracle_for is not None else None
    recommender = Recommender(model, vocab, catalog, meta=meta)
    report = evaluate(catalog.products["category"].to_numpy(), ModelScorer(recommender), train_part, test_part,
                      k=k, seed=seed, oracle=oracle)
    return {"source": source, **report, **overlap_report(n_overlap, report["n"])}, recommender
