"""Train the two-tower model with a full-catalog softmax and early stopping.

Each step scores a batch of reviewer profiles against *every* product (a few hundred to a
few thousand: cheap) and minimises the cross-entropy of the product they actually
reviewed — the maximum-likelihood estimate of P(product | profile), which is exactly what
ranking needs. No negative sampling, so no sampling bias to correct. Profile fields and
item ids are dropped at random so partial profiles and unseen products work at serving.
With ~6 reviews per product the estimate is noisy, so validation and the saved model use
an exponential moving average of the weights (a cheap, consistent variance reduction).
For catalogs too large for a full softmax, the step would switch to in-batch negatives with
a log-Q (sampling-probability) correction; at hundreds to tens of thousands of products the
full softmax is both exact and cheap.

Training adapts to the data size: the batch never exceeds an eighth of the fitting rows
(so ~200 rows still get 8 optimizer steps an epoch instead of one), small data gets enough
epochs for a minimum number of steps, and early-stopping patience counts steps, not epochs,
so a small set is not stopped after a handful of updates.

With fewer than ``min_rows_per_item`` fitting rows per product (the real export has three
reviews per product) per-item embeddings and biases cannot be estimated — they would only
memorise which product happened to get one review more — so the model then learns from
product features alone — and, for the same reason, it trains on count-adjusted logits
(``count_adjust``: the loss sees ``logit + log(1 + fit count)`` of each product, the served
score does not; logit adjustment), so it learns how much a profile prefers a product over the
average reviewer rather than which product happened to get a review more. In an export capped
at N reviews a product (the real one has 3 each), counts carry no popularity at all, and a
held-out review's product always has one fewer.

To transfer to catalogs it has never seen, every step also drops each product's
catalog-specific features (item id, brand, category code, name, ingredients) at random, so
the shared attributes of product understanding carry the ranking on their own
(``specific_dropout``; see :mod:`recsys.features`).

One dataclass holds every knob; the same seed gives the same model on the same machine.
"""

from __future__ import annotations

import copy
import math
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np
import torch
import torch.nn.functional as F

from recsys.catalog import Catalog
from recsys.errors import RecsysError
from recsys.features import (
    ProductBatch, ProfileBatch, Vocab, encode_products, encode_profiles, has_profile, interaction_profiles,
)
from recsys.model import ModelConfig, ModelShape, TwoTower, save_checkpoint
from recsys.profile import Profile


@dataclass
class TrainConfig:
    seed: int = 0
    epochs: int = 60  # at least; small data gets more (see min_steps)
    batch_size: int = 256  # at most; small data gets smaller batches (see min_steps_per_epoch)
    min_batch_size: int = 16
    min_steps_per_epoch: int = 8
    min_steps: int = 600  # epochs grow until epochs x steps per epoch reaches this
    patience_steps: int = 100  # early stopping waits at least this many optimizer steps
    lr: float = 3e-3
    weight_decay: float = 1e-4
    item_dropout: float = 0.8
    bias_dropout: float = 0.2
    specific_dropout: float = 0.5  # drop brand/category/name/ingredients/item of a product at once
    # below this many fitting rows per bought product, no item ids (per-item embedding and bias)
    min_rows_per_item: float = 4.0
    # features-only (small) data: train on logits + count_adjust * log(fit count + 1) of each
    # product, so the model learns profile-to-product affinity, not which product happened to
    # get one review more (logit adjustment; 0: off)
    count_adjust: float = 1.0
    attribute_dropout: float = 0.2  # drop a product's target tags, or its sub-type, at random
    field_dropout: float = 0.15
    val_fraction: float = 0.1
    patience: int = 6
    ema: float = 0.95  # validate and keep an exponential moving average of the weights (0: off)
    threads: int = 1  # intra-op threads; this model is too small to gain from more
    shape: ModelShape = field(default_factory=ModelShape)
    # vocabulary sizes fixed at training time
    name_buckets: int = 1024
    max_ingredients: int = 64


@dataclass
class TrainResult:
    model: TwoTower
    vocab: Vocab
    config: TrainConfig
    best_epoch: int
    val_loss: float
    val_hit10: float
    n_train: int
    n_val: int
    seconds: float
    history: list[dict[str, float]] = field(default_factory=list)
    schedule: dict[str, int] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        return {
            "best_epoch": self.best_epoch, "val_loss": round(self.val_loss, 4),
            "val_hit10": round(self.val_hit10, 4), "n_train": self.n_train, "n_val": self.n_val,
            "seconds": round(self.seconds, 2), **self.schedule,
        }


def schedule(n_fit: int, config: "TrainConfig") -> dict[str, int]:
    """Batch size, steps per epoch, maximum epochs and patience (epochs) for ``n_fit`` rows.

    The demo catalog (~4,800 fitting rows) keeps batch 256 and 60 epochs; 200 rows get
    batches of 23, 8 steps an epoch and 75 epochs, with patience of 13 epochs (100 steps).
    """
    batch = max(1, min(config.batch_size, max(config.min_batch_size, math.ceil(n_fit / config.min_steps_per_epoch))))
    steps = math.ceil(n_fit / batch)
    epochs = max(config.epochs, math.ceil(config.min_steps / steps))
    patience = max(config.patience, math.ceil(config.patience_steps / steps))
    return {"batch_size": batch, "steps_per_epoch": steps, "max_epochs": epochs, "patience_epochs": patience}


class TrainingDataError(RecsysError, ValueError):
    """No usable interactions; the message says which file to pass."""


def usable_interactions(catalog: Catalog, persona_of: Callable[[Profile], str] | None = None
                        ) -> tuple[np.ndarray, list[Profile], np.ndarray]:
    """Rows of ``catalog.interactions`` with a known product and some profile.

    Returns (row indices, profiles with persona filled in, product positions).
    """
    from recsys.personas import with_persona

    position = {pid: i for i, pid in enumerate(catalog.products["product_id"])}
    rows, profiles, targets = [], [], []
    frame = catalog.interactions
    for row, (profile, pid) in enumerate(zip(interaction_profiles(frame), frame["product_id"])):
        if pid in position and has_profile(profile):
            rows.append(row)
            profiles.append(with_persona(profile, persona_of))
            targets.append(position[pid])
    return np.asarray(rows, dtype=np.int64), profiles, np.asarray(targets, dtype=np.int64)


def _drop_fields(batch: ProfileBatch, p: float) -> ProfileBatch:
    if p <= 0:
        return batch
    def keep(t: torch.Tensor) -> torch.Tensor:
        return torch.rand(t.shape[0]) >= p
    return ProfileBatch(
        age=batch.age * keep(batch.age), gender=batch.gender * keep(batch.gender),
        skin=batch.skin * keep(batch.skin), persona=batch.persona * keep(batch.persona),
        concerns=batch.concerns * keep(batch.concerns).unsqueeze(1),
    )


@torch.no_grad()
def _validate(model: TwoTower, profiles: ProfileBatch, targets: torch.Tensor, products: ProductBatch,
              offset: torch.Tensor | None = None) -> tuple[float, float]:
    model.eval()
    logits = model(profiles, products)
    loss = F.cross_entropy(logits if offset is None else logits + offset, targets).item()
    top = logits.topk(min(10, logits.shape[1]), dim=1).indices
    hit = (top == targets[:, None]).any(dim=1).float().mean().item()
    return loss, hit


def train(
    catalog: Catalog,
    config: TrainConfig | None = None,
    *,
    train_rows: np.ndarray | None = None,
    unseen_products: Iterable[str] = (),
    progress: bool = True,
    persona_of: Callable[[Profile], str] | None = None,
) -> TrainResult:
    """Fit a model on ``catalog``'s interactions (only ``train_rows`` of them when given).

    ``unseen_products`` simulates products launched after training (the cold-start
    protocol): they are left out of the softmax and the vocabularies entirely, as if the
    catalog had not listed them yet.
    """
    config = config or TrainConfig()
    torch.set_num_threads(max(1, config.threads))
    torch.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    start = time.perf_counter()

    unseen = set(unseen_products)
    products = catalog.products[~catalog.products["product_id"].isin(unseen)].reset_index(drop=True)
    rows, profiles, targets = usable_interactions(Catalog(products, catalog.interactions), persona_of)
    if train_rows is not None:
        keep = np.isin(rows, train_rows)
        profiles = [p for p, k in zip(profiles, keep) if k]
        rows, targets = rows[keep], targets[keep]
    if len(rows) < 2:
        raise TrainingDataError(
            f"only {len(rows)} interactions with a product in the catalog and a customer profile; "
            "pass reviews with profile_info (or that say who wrote them: age, gender, skin type) "
            "or --interactions customers.json"
        )
    order = rng.permutation(len(rows))
    n_val = min(len(rows) - 1, max(1, round(config.val_fraction * len(rows)))) if config.val_fraction > 0 else 0
    val_idx, fit_idx = order[:n_val], order[n_val:]

    bought = set(products["product_id"].iloc[targets[fit_idx]])
    if len(fit_idx) < config.min_rows_per_item * max(1, len(bought)):
        bought = set()  # too few rows per product to estimate a per-item embedding: features only
    offset = None
    if not bought and config.count_adjust > 0:
        fit_counts = np.bincount(targets[fit_idx], minlength=len(products)).astype(np.float32)
        offset = torch.from_numpy(config.count_adjust * np.log1p(fit_counts))
    vocab = Vocab.build(
        products, bought, sorted({p.persona for p in profiles}),
        name_buckets=config.name_buckets, max_ingredients=config.max_ingredients,
    )
    model = TwoTower(ModelConfig.for_vocab(vocab, config.shape))
    product_batch = encode_products(products, vocab)
    all_profiles = encode_profiles(profiles, vocab)
    all_targets = torch.from_numpy(targets)
    fit_p, fit_t = all_profiles.index(torch.from_numpy(fit_idx)), all_targets[fit_idx]
    val_p, val_t = all_profiles.index(torch.from_numpy(val_idx)), all_targets[val_idx]

    optimizer = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    plan = schedule(len(fit_idx), config)
    batch_size, steps_per_epoch = plan["batch_size"], plan["steps_per_epoch"]
    steps_done = 0
    shuffle = torch.Generator().manual_seed(config.seed)
    best = (math.inf, 0.0, 0, copy.deepcopy(model.state_dict()))
    averaged = copy.deepcopy(model) if config.ema > 0 else model
    history: list[dict[str, float]] = []

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("[bold]epoch[/]"), MofNCompleteColumn(), BarColumn(bar_width=16), TimeElapsedColumn(),
        TextColumn("{task.description}"), disable=not progress, transient=False,
    ) as bar:
        task = bar.add_task("", total=plan["max_epochs"])
        for epoch in range(1, plan["max_epochs"] + 1):
            model.train()
            perm = torch.randperm(len(fit_idx), generator=shuffle)
            total = 0.0
            for step in range(steps_per_epoch):
                batch = perm[step * batch_size : (step + 1) * batch_size]
                logits = model(_drop_fields(fit_p.index(batch), config.field_dropout), product_batch,
                               item_dropout=config.item_dropout, bias_dropout=config.bias_dropout,
                               specific_dropout=config.specific_dropout, attribute_dropout=config.attribute_dropout)
                loss = F.cross_entropy(logits if offset is None else logits + offset, fit_t[batch])
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                steps_done += 1
                if averaged is not model:
                    with torch.no_grad():
                        for avg, cur in zip(averaged.parameters(), model.parameters()):
                            avg.lerp_(cur, 1.0 - config.ema)
                total += loss.item() * len(batch)
            train_loss = total / len(fit_idx)
            val_loss, val_hit = _validate(averaged, val_p, val_t, product_batch, offset) if n_val else (train_loss, 0.0)
            history.append({"epoch": epoch, "train_loss": train_loss, "val_loss": val_loss, "val_hit10": val_hit})
            if val_loss < best[0]:
                best = (val_loss, val_hit, epoch, copy.deepcopy(averaged.state_dict()))
            bar.update(task, advance=1, description=(
                f"loss {train_loss:.3f} val {val_loss:.3f} Hit@10 {val_hit:.3f}"))
            if epoch - best[2] >= plan["patience_epochs"]:
                break

    model.load_state_dict(best[3])
    model.eval()
    return TrainResult(
        model=model, vocab=vocab, config=config, best_epoch=best[2], val_loss=best[0], val_hit10=best[1],
        n_train=len(fit_idx), n_val=n_val, seconds=time.perf_counter() - start, history=history,
        schedule={**plan, "steps": steps_done},
    )


def train_to_dir(
    catalog_path: Path,
    out_dir: Path,
    config: TrainConfig | None = None,
    *,
    interactions_path: Path | None = None,
    holdout: float = 0.2,
    protocol: str = "random",
    progress: bool = True,
    columns: dict[str, str] | str | None = None,
) -> dict[str, Any]:
    """What ``personabot train`` does: hold out a seeded split, train, save, summarise.

    The split is recorded in ``model.json`` so ``personabot evaluate`` measures on exactly
    the interactions the model never saw.
    """
    from recsys.catalog import catalog_fingerprint, fingerprint, load_catalog
    from recsys.splits import make_split
    from recsys.paths import record_catalog_path

    config = config or TrainConfig()
    catalog = load_catalog(catalog_path, interactions_path, columns=columns)
    rows, profiles, targets = usable_interactions(catalog)
    split = None
    unseen: set[str] = set()
    train_rows = rows
    if holdout > 0:
        split = make_split(catalog, rows, targets, protocol, holdout, config.seed,
                           strata=[p.persona for p in profiles])
        train_rows = rows[~np.isin(rows, split.test_rows)]
        if protocol == "cold":
            held = targets[np.isin(rows, split.test_rows)]
            unseen = set(catalog.products["product_id"].iloc[np.unique(held)])
    result = train(catalog, config, train_rows=train_rows, unseen_products=unseen, progress=progress)
    meta = {
        "catalog": record_catalog_path(catalog_path),
        "interactions": record_catalog_path(interactions_path) if interactions_path else None,
        "fingerprint": fingerprint(catalog),
        "catalog_fingerprint": catalog_fingerprint(catalog),  # the products served later are compared with it
        "columns": dict(catalog.column_map) or None,  # how a review table's columns were read
        "split": split.to_dict() if split else None,
        "train_config": asdict(config),
        "summary": result.summary(),
        "history": [{k: round(v, 5) for k, v in h.items()} for h in result.history],
    }
    save_checkpoint(out_dir, result.model, result.vocab, meta)
    return {**result.summary(), "n_test": int(len(split.test_rows)) if split else 0,
            "protocol": protocol if split else None, "out": str(out_dir)}
