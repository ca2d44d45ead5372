"""Held-out splits of a catalog's interactions, shared by training and evaluation.

``personabot train`` records the split it made in ``model.json``; ``personabot evaluate``
reads it back, so the model is measured on exactly the interactions it never saw.

Protocols (``make_split``): ``random`` (seeded share of interactions, stratified by persona so
every persona is held out in proportion and a persona with one interaction is never held out
whole), ``time`` (the latest share by date; an error on undated data rather than a silent
split in file order) and ``cold`` (all interactions of a seeded set of products, which the
model never sees, so only product features can rank them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from recsys.catalog import Catalog, fingerprint
from recsys.errors import RecsysError

PROTOCOLS = ("random", "time", "cold")


@dataclass
class Split:
    protocol: str
    seed: int
    holdout: float
    test_rows: np.ndarray  # row indices into catalog.interactions
    fingerprint: str

    def to_dict(self) -> dict[str, Any]:
        return {"protocol": self.protocol, "seed": self.seed, "holdout": self.holdout,
                "fingerprint": self.fingerprint, "test_rows": [int(r) for r in self.test_rows]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Split":
        return cls(data["protocol"], int(data["seed"]), float(data["holdout"]),
                   np.asarray(data["test_rows"], dtype=np.int64), data["fingerprint"])


class EvaluationError(RecsysError, ValueError):
    """An evaluation that cannot be run as asked; the message says what to pass instead."""


def _stratified(rows: np.ndarray, strata: Sequence[str], holdout: float, rng: np.random.Generator) -> np.ndarray:
    """``round(holdout * len(rows))`` rows, each stratum held out in proportion.

    Every stratum gets the floor of its share; the rows left over go to the strata with the
    largest remainders, but never the last row of a stratum, so a persona with a single
    interaction always stays in training.
    """
    labels = np.asarray([s or "" for s in strata])
    names = sorted(set(labels.tolist()))
    sizes = np.array([(labels == name).sum() for name in names])
    quota = holdout * sizes
    n = np.floor(quota).astype(int)
    room = (n < sizes - 1) & (sizes > 1)
    for i in sorted(np.flatnonzero(room), key=lambda i: (-(quota[i] - n[i]), names[i])):
        if n.sum() >= int(round(holdout * len(rows))):
            break
        n[i] += 1
    chosen = [rng.choice(rows[labels == name], size=k, replace=False) for name, k in zip(names, n) if k]
    return np.concatenate(chosen) if chosen else rows[:0]


def make_split(catalog: Catalog, rows: np.ndarray, targets: np.ndarray, protocol: str = "random",
               holdout: float = 0.2, seed: int = 0, strata: Sequence[str] | None = None) -> Split:
    """Hold out ``holdout`` of the usable ``rows`` (positions ``targets``) by ``protocol``.

    ``strata`` (one label per row, e.g. each profile's persona) makes the random split
    stratified. The time split raises :class:`EvaluationError` when too few rows are dated.
    """
    if protocol not in PROTOCOLS:
        raise ValueError(f"unknown protocol {protocol!r}; use one of {', '.join(PROTOCOLS)}")
    rng = np.random.default_rng(seed)
    n_test = int(round(holdout * len(rows)))
    if protocol == "random":
        if strata is not None:
            test = _stratified(rows, strata, holdout, rng)
        else:
            test = rng.choice(rows, size=n_test, replace=False) if n_test else rows[:0]
    elif protocol == "time":
        dates = catalog.interactions["date"].to_numpy()[rows].astype("datetime64[ns]")
        n_dated = int((~np.isnat(dates)).sum())
        if n_test and n_dated < n_test:
            raise EvaluationError(
                f"the time protocol needs dated interactions: only {n_dated:,} of {len(rows):,} have a date "
                f"(at least {n_test:,} needed to hold out {holdout:.0%}); use --protocol random "
                "(stratified by persona) or --protocol cold")
        order = np.argsort(dates.astype(np.int64), kind="stable")  # NaT sorts first, so undated rows train
        test = rows[order[len(rows) - n_test:]] if n_test else rows[:0]
    else:
        chosen: list[int] = []
        total = 0
        counts = np.bincount(targets)
        for product in rng.permutation(np.unique(targets)):
            if total >= n_test:
                break
            chosen.append(product)
            total += counts[product]
        test = rows[np.isin(targets, chosen)]
    return Split(protocol, seed, holdout, np.sort(test), fingerprint(catalog))
