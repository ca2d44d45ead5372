"""Baselines the two-tower model must beat, fitted on exactly the model's training rows.

Every scorer maps a batch of profiles to a (B, N) score matrix over the whole catalog;
ties are broken at random by the metrics, so a baseline is never flattered or punished by
catalog order.

* ``random`` — uniform scores.
* ``popularity`` — training interaction counts.
* ``persona_popularity`` — counts among reviewers of the same persona, global counts
  breaking ties.
* ``naive_bayes`` — smoothed profile-conditional popularity:
  ``log(n_i + a) + sum_f log((n_if + b * p_f) / (m_i + b))`` over the profile's known tags
  (age band, gender, skin type, each concern), with ``p_f`` the global tag frequency.
  ``a`` and ``b`` are chosen on a held-out slice of the training rows (best held-out
  log-likelihood), so the baseline is as strong as this family allows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Sequence

import numpy as np

from recsys.features import Vocab, encode_profiles
from recsys.profile import CONCERNS, Profile

NB_ALPHAS = (0.1, 0.5, 1.0, 3.0)
NB_BETAS = (0.3, 1.0, 3.0, 10.0, 30.0, 100.0)


class Scorer(Protocol):
    name: str

    def score(self, profiles: Sequence[Profile]) -> np.ndarray: ...


@dataclass
class RandomScorer:
    n_products: int
    seed: int = 0
    name: str = "random"

    def score(self, profiles: Sequence[Profile]) -> np.ndarray:
        return np.random.default_rng(self.seed).random((len(profiles), self.n_products))


@dataclass
class PopularityScorer:
    counts: np.ndarray
    name: str = "popularity"

    @classmethod
    def fit(cls, n_products: int, targets: np.ndarray) -> "PopularityScorer":
        return cls(np.bincount(targets, minlength=n_products).astype(np.float64))

    def score(self, profiles: Sequence[Profile]) -> np.ndarray:
        return np.broadcast_to(self.counts, (len(profiles), len(self.counts))).copy()


@dataclass
class PersonaPopularityScorer:
    by_persona: dict[str, np.ndarray]
    tiebreak: np.ndarray
    name: str = "persona_popularity"

    @classmethod
    def fit(cls, n_products: int, profiles: Sequence[Profile], targets: np.ndarray) -> "PersonaPopularityScorer":
        by_persona: dict[str, np.ndarray] = {}
        for profile, target in zip(profiles, targets):
            counts = by_persona.setdefault(profile.persona or "", np.zeros(n_products))
            counts[target] += 1
        glob = np.bincount(targets, minlength=n_products).astype(np.float64)
        return cls(by_persona, glob / (glob.sum() + 1.0))

    def score(self, profiles: Sequence[Profile]) -> np.ndarray:
        zero = np.zeros_like(self.tiebreak)
        return np.stack([self.by_persona.get(p.persona or "", zero) + self.tiebreak for p in profiles])


# Tag fields of the naive-Bayes model: (name, number of codes incl. 0 = unknown).
_FIELDS = (("age", 7), ("gender", 3), ("skin", 6))


def _codes(profiles: Sequence[Profile]) -> dict[str, np.ndarray]:
    batch = encode_profiles(profiles, Vocab([], [], [], [], [], []))
    return {"age": batch.age.numpy(), "gender": batch.gender.numpy(), "skin": batch.skin.numpy(),
            "concerns": batch.concerns.numpy()}


@dataclass
class NaiveBayesScorer:
    log_prior: np.ndarray  # (N,)
    tables: dict[str, np.ndarray]  # field -> (codes, N) log P(code | item); row 0 unused
    concern_table: np.ndarray  # (9, N)
    alpha: float
    beta: float
    name: str = "naive_bayes"

    @classmethod
    def fit_params(cls, n_products: int, profiles: Sequence[Profile], targets: np.ndarray,
                   alpha: float, beta: float, codes: dict[str, np.ndarray] | None = None) -> "NaiveBayesScorer":
        codes = codes if codes is not None else _codes(profiles)
        n_item = np.bincount(targets, minlength=n_products).astype(np.float64)
        tables = {}
        for name, n_codes in _FIELDS:
            counts = np.zeros((n_codes, n_products))
            np.add.at(counts, (codes[name], targets), 1.0)
            counts[0] = 0.0  # unknown values carry no evidence
            known = counts.sum(axis=0)
            p = (counts.sum(axis=1) + 1.0) / (counts.sum() + n_codes)
            tables[name] = np.log((counts + beta * p[:, None]) / (known + beta))
        concern_counts = np.zeros((len(CONCERNS), n_products))
        np.add.at(concern_counts, (slice(None), targets), codes["concerns"].T)
        p = (concern_counts.sum(axis=1) + 1.0) / (concern_counts.sum() + len(CONCERNS))
        concern_table = np.log((concern_counts + beta * p[:, None]) / (concern_counts.sum(axis=0) + beta))
        return cls(np.log(n_item + alpha), tables, concern_table, alpha, beta)

    @classmethod
    def fit(cls, n_products: int, profiles: Sequence[Profile], targets: np.ndarray, seed: int = 0
            ) -> "NaiveBayesScorer":
        """Pick (alpha, beta) by held-out log-likelihood on 10% of the rows, then refit on all."""
        if len(targets) < 20:  # too few rows to tune on: the middle of the grid
            return cls.fit_params(n_products, profiles, targets, 1.0, 10.0)
        rng = np.random.default_rng(seed)
        order = rng.permutation(len(targets))
        n_val = max(1, len(targets) // 10)
        val, fit = order[:n_val], order[n_val:]
        codes = _codes(profiles)
        fit_codes = {name: c[fit] for name, c in codes.items()}
        val_profiles = [profiles[i] for i in val]
        best = (-np.inf, NB_ALPHAS[0], NB_BETAS[0])
        for alpha in NB_ALPHAS:
            for beta in NB_BETAS:
                scorer = cls.fit_params(n_products, (), targets[fit], alpha, beta, fit_codes)
                s = scorer.score(val_profiles)
                s -= s.max(axis=1, keepdims=True)
                log_p = s[np.arange(len(val)), targets[val]] - np.log(np.exp(s).sum(axis=1))
                if log_p.mean() > best[0]:
                    best = (log_p.mean(), alpha, beta)
        return cls.fit_params(n_products, profiles, targets, best[1], best[2], codes)

    def score(self, profiles: Sequence[Profile]) -> np.ndarray:
        codes = _codes(profiles)
        out = np.broadcast_to(self.log_prior, (len(profiles), len(self.log_prior))).copy()
        for name, _ in _FIELDS:
            c = codes[name]
            known = c > 0
            out[known] += self.tables[name][c[known]]
        out += codes["concerns"] @ self.concern_table
        return out


@dataclass
class OracleScorer:
    """The generator's true purchase probabilities: the ceiling no model can pass."""

    oracle: object
    name: str = "oracle"

    def score(self, profiles: Sequence[Profile]) -> np.ndarray:
        cache: dict[tuple, np.ndarray] = {}
        rows = []
        for p in profiles:
            key = (p.age_min, p.age_max, p.gender, p.skin_type, p.concerns)
            if key not in cache:
                cache[key] = np.asarray(self.oracle.scores(p), dtype=np.float64)
            rows.append(cache[key])
        return np.stack(rows)


def fit_baselines(n_products: int, profiles: Sequence[Profile], targets: np.ndarray, seed: int = 0
                  ) -> list[Scorer]:
    return [
        RandomScorer(n_products, seed),
        PopularityScorer.fit(n_products, targets),
        PersonaPopularityScorer.fit(n_products, profiles, targets),
        NaiveBayesScorer.fit(n_products, profiles, targets, seed),
    ]
