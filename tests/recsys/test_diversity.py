"""Category-covering top-k: the picks trade a product's own probability against covering a category."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from recsys.diversity import cover_categories

CATS = np.array(["a", "a", "a", "b", "b", "c"])


def _top(scores: np.ndarray, k: int = 3) -> list[int]:
    return np.argsort(-scores, kind="stable")[:k].tolist()


def test_weight_zero_is_the_plain_ranking() -> None:
    scores = np.log(np.array([[0.3, 0.25, 0.2, 0.1, 0.1, 0.05]]))
    assert _top(cover_categories(scores, CATS, 3, weight=0.0)[0], 6) == _top(scores[0], 6)


def test_the_picks_cover_the_likeliest_categories() -> None:
    scores = np.log(np.array([[0.3, 0.2, 0.15, 0.12, 0.08, 0.15]]))
    picked = _top(cover_categories(scores, CATS, 3, weight=1.0)[0])
    assert picked[0] == 0  # the likeliest product stays first
    assert {CATS[i] for i in picked} == {"a", "b", "c"}  # a plain top 3 is all "a"
    assert _top(scores[0]) == [0, 1, 2]


def test_a_dominant_product_and_its_category_keep_the_slots() -> None:
    # one category holds almost all the mass: covering others is worth less than a product there
    scores = np.log(np.array([[0.45, 0.3, 0.2, 0.02, 0.02, 0.01]]))
    assert _top(cover_categories(scores, CATS, 3, weight=1.0)[0]) == [0, 1, 2]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-5, 5), min_size=6, max_size=6), st.integers(1, 6), st.floats(0.01, 3.0))
def test_only_the_top_k_change_and_the_rest_keep_model_order(values: list[float], k: int, weight: float) -> None:
    scores = np.array([values])
    out = cover_categories(scores, CATS, k, weight)[0]
    picked = _top(out, k)
    assert len(set(picked)) == k
    rest = [i for i in np.argsort(-scores[0], kind="stable") if i not in picked]
    assert _top(out, 6)[k:] == rest
    assert all(out[i] > out[j] for i in picked for j in rest)
    # expected value of the picks is at least the plain top-k's
    p = np.exp(scores[0] - scores[0].max())
    p /= p.sum()

    def value(items: list[int]) -> float:
        cats = {CATS[i] for i in items}
        return p[items].sum() + weight * sum(p[CATS == c].sum() for c in cats)

    assert value(picked) >= value(_top(scores[0], k)) - 1e-9 or k == 1
