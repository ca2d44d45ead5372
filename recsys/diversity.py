"""Category-covering top-k: spend a few of the k slots on the next likeliest categories.

A ranker that puts its k best guesses first often puts them in one category; when the k
slots are judged both on "the product is there" and on "its category is there", the best
list is the one with the highest expected value of both. With ``p`` the model's softmax
probabilities over the catalog (its scores are log-likelihoods: full-catalog softmax) and
``mass(c)`` the probability of category ``c``:

    value(S) = sum_{j in S} p_j + weight * sum_{c covered by S} mass(c)

is maximised greedily slot by slot (each slot takes the product adding the most: its own
``p_j`` plus ``weight * mass(c_j)`` while ``c_j`` is not yet covered). ``weight`` 0 is the
plain ranking; 1 values a category hit like a product hit. Positions after ``k`` keep the
model's order. Pure numpy, batched over profiles.
"""

from __future__ import annotations

import numpy as np


def cover_categories(scores: np.ndarray, categories: np.ndarray, k: int = 3, weight: float = 1.0) -> np.ndarray:
    """Scores (B, N) re-ordered so the top ``k`` of each row are the category-covering picks.

    ``scores`` are logits (softmax gives the probabilities above); ``categories`` (N,) any
    labels. The returned matrix ranks the picks first (in pick order) and every other product
    after them in its original order, so any top-k metric reads it like a score matrix.
    """
    scores = np.asarray(scores, dtype=np.float64)
    if scores.ndim != 2 or scores.shape[1] == 0 or k <= 0 or weight <= 0:
        return scores.copy()
    codes, _ = _codes(categories)
    n_rows, n = scores.shape
    p = np.exp(scores - scores.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    onehot = np.zeros((n, codes.max() + 1))
    onehot[np.arange(n), codes] = 1.0
    mass = p @ onehot  # (B, C)
    covered = np.zeros_like(mass, dtype=bool)
    taken = np.zeros_like(p, dtype=bool)
    rows = np.arange(n_rows)
    out = scores.copy()
    top = scores.max(axis=1)
    for slot in range(min(k, n)):
        value = p + weight * np.where(covered, 0.0, mass)[:, codes]
        value[taken] = -np.inf
        pick = np.argmax(value, axis=1)
        taken[rows, pick] = True
        covered[rows, codes[pick]] = True
        out[rows, pick] = top + (k - slot)  # above every unpicked product, in pick order
    return out


def _codes(values: np.ndarray) -> tuple[np.ndarray, list[object]]:
    labels = list(dict.fromkeys(np.asarray(values, dtype=object).tolist()))
    index = {v: i for i, v in enumerate(labels)}
    return np.fromiter((index[v] for v in np.asarray(values, dtype=object).tolist()), dtype=np.int64,
                       count=len(values)), labels
