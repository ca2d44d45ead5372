"""Top-k search over the product matrix: an exact partitioned scan, and an HNSW index past it.

Scores are ``u/T · e + w·b`` (see :mod:`recsys.model`). Folding the popularity term into the
vectors — ``f = [e, w·b]``, ``q = [u/T, 1]`` — makes every score a plain inner product
``f · q``, so one kernel ranks and no per-query bias add is needed.

**Exact** (:class:`ExactIndex`, the default and the reference for tests). Products are
stored once, sorted by (partition, price), where a partition is one (target gender, kind,
sub-type). A hard filter then selects contiguous row ranges — the partitions it admits, cut
to the budget by binary search on the sorted prices — and only those rows are scanned, with
faiss' exact brute-force kernel (``faiss.knn``), which runs at memory speed. Filters on
brand or on a flag (sets) use precomputed row lists; the rows such a filter admits are
gathered into one block once per distinct filter and remembered, so a query on it is one
contiguous scan too. No per-query mask over the whole catalog is ever allocated; exclusions
are handled by fetching ``k + len(exclude)``.

**HNSW** (:class:`HnswIndex`, ``RECSYS_INDEX=hnsw``, or ``auto`` past
:data:`AUTO_HNSW_MIN_PRODUCTS`). One faiss ``IndexHNSWFlat`` per group of partitions — a
(target gender, kind), a gender's groups under :data:`GROUP_MIN_PRODUCTS` merged into one
graph (:func:`group_layout`) — over the folded vectors mapped to an L2 search (:func:`_to_l2`). A
filter searches only the graphs of the groups it admits and merges their candidates, so a
kind or gender filter needs no post-filtering at all; inside a group, sub-type, budget and
brand restrictions are an over-fetch plus post-filter. A group where the filter admits fewer
than ``exact_below`` rows, or whose graph comes up short, is scanned exactly; candidates are
re-scored exactly. The graphs are built once per (model, catalog) fingerprint and layout and
cached as one file next to the model (``index-<digest>.faiss``); a corrupt or mismatched
cache file is rebuilt with a warning.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from recsys.errors import RecsysError

log = logging.getLogger(__name__)

INDEX_KINDS = ("exact", "hnsw", "auto")
#: ``RECSYS_INDEX=auto`` uses HNSW from this many products on (below it the exact scan is
#: already under a few milliseconds on one core, see benchmarks/results/recsys_speed.json).
AUTO_HNSW_MIN_PRODUCTS = 500_000
#: Where a filter admits fewer rows than this in a graph's group, HNSW scans them exactly
#: instead (an 80k-row scan takes ~0.6 ms on one core, a graph walk ~0.3 ms, and the scan is
#: exact whatever the filter cuts away).
EXACT_BELOW = 100_000
#: Groups of partitions (target gender × kind) smaller than this share one HNSW graph with the
#: other small groups of their gender (each graph a filter reaches costs one walk).
GROUP_MIN_PRODUCTS = 100_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 200
#: The smallest efSearch with recall@10 ≥ 0.95 under every benchmark filter at 1M (the sweep in
#: benchmarks/results/recsys_speed.json: 128 gave 0.93 on the 560k-product skincare graph).
HNSW_EF_SEARCH = 192
#: A group where a filter admits fewer rows than this is scanned, never walked.
SCAN_BELOW = 5_000
#: How much more than ``k × graph / admitted`` a query fetches from a graph the filter admits
#: in part (a sub-type, a budget, a brand) before dropping what it does not admit.
OVER_FETCH = 2.0
#: Distinct filters whose row ranges (exact) and per-graph plan (HNSW) are remembered.
MAX_PLANS = 256
#: Distinct row-list filters (brands, sets) whose gathered vector block is remembered, and the
#: most those blocks may take together.
MAX_BLOCKS = 64
MAX_BLOCK_BYTES = 256 << 20


class _Memo:
    """A bounded, thread-safe memo (Slack's listener threads search one index at once):
    at most ``max_items`` entries and ``max_bytes`` of them, the oldest dropped first."""

    def __init__(self, max_items: int, max_bytes: int | None = None) -> None:
        self.max_items, self.max_bytes = max_items, max_bytes
        self._items: OrderedDict[object, tuple[object, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: object) -> object | None:
        with self._lock:
            hit = self._items.get(key)
        return None if hit is None else hit[0]

    def put(self, key: object, value: object, nbytes: int = 0) -> None:
        if self.max_bytes is not None and nbytes > self.max_bytes:
            return
        with self._lock:
            if key in self._items:
                return
            while self._items and (len(self._items) >= self.max_items or (
                    self.max_bytes is not None and self._bytes + nbytes > self.max_bytes)):
                self._bytes -= self._items.popitem(last=False)[1][1]
            self._items[key] = (value, nbytes)
            self._bytes += nbytes


_PRICE_SPAN = 1 << 40  # prices (KRW) are far below this
_NO_ROWS = np.empty(0, dtype=np.int64)


class SearchIndexError(RecsysError, RuntimeError):
    """An index that cannot be used (bad setting); the message says what to do."""


@dataclass(frozen=True)
class Filter:
    """Which products a query admits. ``None`` means "no restriction" for each field.

    ``price_min``/``price_max`` bound known prices; when either is given, products with an
    unknown price (0) are left out.
    """

    partitions: frozenset[int] | None = None
    brands: frozenset[int] | None = None
    price_min: int | None = None
    price_max: int | None = None
    exclude: tuple[int, ...] = ()
    #: Names of boolean product flags (``ExactIndex(flags=...)``) every admitted row must have.
    flags: frozenset[str] = frozenset()

    @property
    def has_budget(self) -> bool:
        return self.price_min is not None or self.price_max is not None


def fold(embeddings: np.ndarray, bias: np.ndarray, pop_weight: float) -> np.ndarray:
    """``[e, w·b]`` rows, float32, C-contiguous."""
    folded = np.empty((len(embeddings), embeddings.shape[1] + 1), dtype=np.float32)
    folded[:, :-1] = embeddings
    folded[:, -1] = pop_weight * bias
    return folded


def fold_query(user: np.ndarray, temperature: float) -> np.ndarray:
    """``[u/T, 1]`` rows for a (B, d) batch of customer vectors."""
    user = np.atleast_2d(np.asarray(user, dtype=np.float32))
    return np.ascontiguousarray(np.hstack([user / temperature, np.ones((len(user), 1), np.float32)]))


def _faiss():
    try:
        import faiss
    except ImportError as exc:  # pragma: no cover - faiss-cpu is a dependency
        raise SearchIndexError("faiss-cpu is not installed; run `make install`") from exc
    return faiss


class ExactIndex:
    """Exact top-k over products sorted by (partition, price); see the module docstring."""

    kind = "exact"

    def __init__(self, vectors: np.ndarray, partition: np.ndarray, price: np.ndarray, brand: np.ndarray,
                 *, flags: dict[str, np.ndarray] | None = None):
        n = len(vectors)
        # Sort once: partition, then price, then original position (a stable, total order).
        self.order = np.lexsort((np.arange(n), price, partition)).astype(np.int64)
        self.vectors = np.ascontiguousarray(vectors[self.order], dtype=np.float32)
        self.price = np.ascontiguousarray(price[self.order], dtype=np.int64)
        sorted_partition = partition[self.order]
        self.bounds: dict[int, tuple[int, int]] = {}
        if n:
            edges = np.flatnonzero(np.diff(sorted_partition)) + 1
            starts = np.concatenate([[0], edges])
            ends = np.concatenate([edges, [n]])
            for lo, hi in zip(starts.tolist(), ends.tolist()):
                self.bounds[int(sorted_partition[lo])] = (lo, hi)
        self._part_ids = np.fromiter(sorted(self.bounds), dtype=np.int64, count=len(self.bounds))
        self._part_lo = np.fromiter((self.bounds[p][0] for p in self._part_ids.tolist()), np.int64, len(self.bounds))
        self._part_hi = np.fromiter((self.bounds[p][1] for p in self._part_ids.tolist()), np.int64, len(self.bounds))
        self._key = sorted_partition.astype(np.int64) * _PRICE_SPAN + np.clip(self.price, 0, _PRICE_SPAN - 1)
        # rows (in sorted order) of each brand, for brand filters
        sorted_brand = brand[self.order]
        by_brand = np.argsort(sorted_brand, kind="stable")
        brand_sorted = sorted_brand[by_brand]
        self.brand_rows: dict[int, np.ndarray] = {}
        if n:
            edges = np.flatnonzero(np.diff(brand_sorted)) + 1
            for lo, hi in zip(np.concatenate([[0], edges]).tolist(), np.concatenate([edges, [n]]).tolist()):
                self.brand_rows[int(brand_sorted[lo])] = np.sort(by_brand[lo:hi])
        #: rows (in sorted order) having each boolean flag, e.g. ``"set"`` for sets/kits
        self.flag_rows: dict[str, np.ndarray] = {
            name: np.flatnonzero(np.asarray(flag, dtype=bool)[self.order]).astype(np.int64)
            for name, flag in (flags or {}).items()}
        self.position_of_row = self.order  # sorted row → original product position
        self.row_of_position = np.empty(n, dtype=np.int64)
        self.row_of_position[self.order] = np.arange(n)
        self._blocks = _Memo(MAX_BLOCKS, MAX_BLOCK_BYTES)  # Filter → (rows, their vectors)
        self._ranges = _Memo(MAX_PLANS)  # (partitions, budget) → merged row ranges

    def __len__(self) -> int:
        return len(self.vectors)

    @property
    def nbytes(self) -> int:
        return int(self.vectors.nbytes + self.price.nbytes + self.order.nbytes + self.row_of_position.nbytes)

    # -- which rows a filter admits ------------------------------------------------------

    def partition_ranges(self, flt: Filter) -> list[tuple[int, int]]:
        """One sorted-row range per admitted partition, cut to the budget (empty ones left out).

        Rows are sorted by (partition, price), so ``partition × 2⁴⁰ + price`` is a sorted key and
        every partition's budget cut is one vectorised binary search.
        """
        if flt.partitions is None:
            parts = self._part_ids
        else:
            parts = np.fromiter(sorted(p for p in flt.partitions if p in self.bounds), dtype=np.int64)
        if not len(parts):
            return []
        if flt.has_budget:
            low = max(flt.price_min if flt.price_min is not None else 1, 1)
            high = flt.price_max if flt.price_max is not None else _PRICE_SPAN - 1
            los = np.searchsorted(self._key, parts * _PRICE_SPAN + low, side="left")
            his = np.searchsorted(self._key, parts * _PRICE_SPAN + min(high, _PRICE_SPAN - 1), side="right")
        else:
            at = np.searchsorted(self._part_ids, parts)
            los, his = self._part_lo[at], self._part_hi[at]
        return [(lo, hi) for lo, hi in zip(los.tolist(), his.tolist()) if hi > lo]

    def ranges(self, flt: Filter) -> list[tuple[int, int]]:
        """Contiguous sorted-row ranges admitted by partitions and budget, merged where adjacent
        (neighbouring partitions scan as one block); remembered per distinct filter."""
        key = (flt.partitions, flt.price_min, flt.price_max)
        hit = self._ranges.get(key)
        if hit is None:
            hit = _merge(self.partition_ranges(flt))
            self._ranges.put(key, hit)
        return hit  # type: ignore[return-value]

    def candidates(self, flt: Filter) -> np.ndarray | None:
        """Sorted rows admitted by the filter's row lists (brands, flags) that also pass its
        partitions and budget; None when the filter has no row-list restriction (scan ranges)."""
        if flt.brands is None and not flt.flags:
            return None
        return self._row_block(flt)[0]

    def _row_block(self, flt: Filter) -> tuple[np.ndarray, np.ndarray]:
        """The rows of a row-list filter and their vectors gathered into one block, worked out
        once per distinct filter (a brand, a brand + budget, sets) and remembered: a query on it
        is then one contiguous scan, as fast per row as a partition's."""
        key = replace(flt, exclude=())
        hit = self._blocks.get(key)
        if hit is not None:
            return hit  # type: ignore[return-value]
        lists: list[np.ndarray] = []
        if flt.brands is not None:
            lists.append(np.sort(np.concatenate(
                [self.brand_rows.get(b, _NO_ROWS) for b in flt.brands] or [_NO_ROWS])))
        lists += [self.flag_rows.get(name, _NO_ROWS) for name in sorted(flt.flags)]
        lists.sort(key=len)
        rows = lists[0]
        for other in lists[1:]:
            rows = np.intersect1d(rows, other, assume_unique=True)
        if len(rows) and (flt.partitions is not None or flt.has_budget):
            ranges = self.ranges(flt)
            rows = rows[_in_ranges(rows, ranges)] if ranges else _NO_ROWS
        block = (rows, np.take(self.vectors, rows, axis=0))
        self._blocks.put(key, block, block[1].nbytes)
        return block

    def _excluded_rows(self, flt: Filter) -> np.ndarray:
        ex = np.asarray([p for p in flt.exclude if 0 <= p < len(self)], dtype=np.int64)
        return np.unique(self.row_of_position[ex]) if len(ex) else ex

    # -- search ---------------------------------------------------------------------------

    def search(self, query: np.ndarray, k: int, flt: Filter = Filter()) -> tuple[np.ndarray, np.ndarray]:
        """``(scores, positions)`` of the top ``k`` admitted products, best first.

        ``query`` is one folded query vector (see :func:`fold_query`); positions index the
        catalog's original product order.
        """
        q = np.ascontiguousarray(np.asarray(query, dtype=np.float32).reshape(1, -1))
        excluded = self._excluded_rows(flt)
        fetch = k + len(excluded)
        if flt.brands is not None or flt.flags:
            rows, block = self._row_block(flt)
            scores, rows = _top_of_block(block, rows, q, fetch)
        else:
            scores, rows = self._scan(self.ranges(flt), q, fetch)
        return self._finish(scores, rows, excluded, k)

    def _scan(self, ranges: Sequence[tuple[int, int]], q: np.ndarray, fetch: int) -> tuple[np.ndarray, np.ndarray]:
        faiss = _faiss()
        all_scores, all_rows = [], []
        for lo, hi in ranges:
            kk = min(fetch, hi - lo)
            scores, idx = faiss.knn(q, self.vectors[lo:hi], kk, metric=faiss.METRIC_INNER_PRODUCT)
            all_scores.append(scores[0])
            all_rows.append(idx[0].astype(np.int64) + lo)
        if not all_scores:
            return np.empty(0, np.float32), np.empty(0, np.int64)
        return np.concatenate(all_scores), np.concatenate(all_rows)

    def _finish(self, scores: np.ndarray, rows: np.ndarray, excluded: np.ndarray, k: int
                ) -> tuple[np.ndarray, np.ndarray]:
        if len(excluded):
            keep = ~np.isin(rows, excluded)
            scores, rows = scores[keep], rows[keep]
        # best first; ties broken by original position so exact and ANN agree
        positions = self.position_of_row[rows]
        best = np.lexsort((positions, -scores))[:k]
        return scores[best], positions[best]


def _top_of_rows(vectors: np.ndarray, rows: np.ndarray, q: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact top ``k`` of the given sorted rows: one gather (``np.take``) and faiss' kernel."""
    if not len(rows) or k <= 0:
        return np.empty(0, np.float32), np.empty(0, np.int64)
    return _top_of_block(np.take(vectors, rows, axis=0), rows, q, k)


def _top_of_block(block: np.ndarray, rows: np.ndarray, q: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact top ``k`` of ``block`` (the vectors of ``rows``), as ``(scores, rows)``."""
    if not len(rows) or k <= 0:
        return np.empty(0, np.float32), np.empty(0, np.int64)
    faiss = _faiss()
    scores, idx = faiss.knn(q, block, min(k, len(rows)), metric=faiss.METRIC_INNER_PRODUCT)
    return scores[0], rows[idx[0].astype(np.int64)]


@dataclass(frozen=True)
class _GroupPlan:
    """What one filter admits inside one graph: ``admitted`` rows, as sorted-row ``ranges`` or
    (for brand and flag filters) sorted ``rows``; ``full`` when that is the whole graph."""

    graph: int
    admitted: int
    full: bool
    ranges: tuple[tuple[int, int], ...] = ()
    rows: np.ndarray | None = None


class HnswIndex:
    """HNSW graphs over groups of partitions (see :func:`group_layout`); filters search only the
    graphs of the groups they admit and post-filter inside a group."""

    kind = "hnsw"

    def __init__(self, exact: ExactIndex, graphs: Sequence[object] | None = None, *,
                 layout: Sequence[np.ndarray] | None = None, ef_search: int = HNSW_EF_SEARCH,
                 exact_below: int = EXACT_BELOW):
        """``layout`` is the sorted rows of each graph (default: one graph of everything);
        ``graphs`` the faiss graphs of a cached build, in layout order (default: built here)."""
        self.exact = exact
        self.layout = [np.asarray(rows, dtype=np.int64) for rows in
                       (layout if layout is not None else [np.arange(len(exact), dtype=np.int64)])]
        if graphs is None:
            graphs = [_build_graph(exact.vectors[rows]) for rows in self.layout]
        self.graphs = list(graphs)
        self.graph_of_row = np.full(len(exact), -1, dtype=np.int32)
        for g, rows in enumerate(self.layout):
            self.graph_of_row[rows] = g
        self.ef_search = ef_search
        self.exact_below = exact_below
        self._plans = _Memo(MAX_PLANS)  # Filter → list[_GroupPlan]
        self._params: dict[int, object] = {}

    def __len__(self) -> int:
        return len(self.exact)

    @property
    def nbytes(self) -> int:
        """Graph links, the vectors faiss stores (its own copy) and each graph's row list."""
        total = 0
        for graph, rows in zip(self.graphs, self.layout):
            total += graph.hnsw.neighbors.size() * 4 + graph.hnsw.offsets.size() * 8
            total += graph.ntotal * graph.d * 4 + rows.nbytes
        return int(total + self.graph_of_row.nbytes)

    def search(self, query: np.ndarray, k: int, flt: Filter = Filter()) -> tuple[np.ndarray, np.ndarray]:
        """Like :meth:`ExactIndex.search`; approximate inside groups where the filter admits many rows.

        A filter admitting fewer than ``exact_below`` rows in all is scanned exactly. Otherwise
        each graph the filter reaches is searched on its own: a group the filter admits whole
        for ``k`` (plus exclusions) results; one it admits in part (a sub-type, a budget, a
        brand) for ``OVER_FETCH × k × graph / admitted`` results, those outside the filter
        dropped, and 4× that once more if too few are left. A group where the filter admits
        fewer than ``exact_below`` rows is scanned exactly instead when that walk would need a
        larger efSearch than usual (or it admits under ``SCAN_BELOW``), and so is one whose
        walks come up short. Candidates are re-scored exactly and merged.
        """
        exact = self.exact
        q = np.ascontiguousarray(np.asarray(query, dtype=np.float32).reshape(1, -1))
        excluded = exact._excluded_rows(flt)
        fetch = k + len(excluded)
        plans = self._plan(flt)
        if sum(p.admitted for p in plans) < self.exact_below:
            return exact.search(query, k, flt)  # cheaper than the graph walks
        q_l2 = np.hstack([q, np.zeros((1, 1), np.float32)])
        all_scores, all_rows = [], []
        for plan in plans:
            found = None
            local = self.layout[plan.graph]
            want = fetch if plan.full else int(np.ceil(fetch * len(local) / plan.admitted * OVER_FETCH))
            # a walk costs about efSearch visits, a scan one per admitted row: scan when the
            # filter leaves few rows here and the walk would need a larger efSearch than usual
            if plan.admitted >= self.exact_below or (want <= self.ef_search and plan.admitted >= SCAN_BELOW):
                found = self._walk(plan, q_l2, min(want, len(local)))
                if len(found) < min(fetch, plan.admitted) and not plan.full:
                    # this query's neighbourhood is poorer in admitted rows than the group
                    found = self._walk(plan, q_l2, min(4 * want, len(local)))
                if len(found) < min(fetch, plan.admitted):
                    found = None  # the graph cannot reach enough admitted rows: scan them
            if found is None:
                scores, rows = (exact._scan(plan.ranges, q, fetch) if plan.rows is None
                                else _top_of_rows(exact.vectors, plan.rows, q, fetch))
            else:
                scores, rows = np.take(exact.vectors, found, axis=0) @ q[0], found
            all_scores.append(scores)
            all_rows.append(rows)
        if not all_scores:
            return np.empty(0, np.float32), np.empty(0, np.int64)
        return exact._finish(np.concatenate(all_scores), np.concatenate(all_rows), excluded, k)

    def _walk(self, plan: _GroupPlan, q_l2: np.ndarray, want: int) -> np.ndarray:
        """The sorted rows of ``want`` graph neighbours of the query that the plan admits."""
        ef = max(self.ef_search, want)
        params = self._params.get(ef)
        if params is None:
            params = self._params[ef] = _faiss().SearchParametersHNSW()
            params.efSearch = ef
        _, idx = self.graphs[plan.graph].search(q_l2, want, params=params)
        found = self.layout[plan.graph][idx[0][idx[0] >= 0]]
        if plan.full:
            return found
        return found[_in_ranges(found, plan.ranges) if plan.rows is None else _in_sorted(found, plan.rows)]

    def _plan(self, flt: Filter) -> list[_GroupPlan]:
        """The filter's admitted rows per graph, worked out once per distinct filter (requests
        repeat the same kinds, genders, budgets and brands) and remembered."""
        key = replace(flt, exclude=())
        known = self._plans.get(key)
        if known is not None:
            return known  # type: ignore[return-value]
        exact = self.exact
        rows = exact.candidates(flt)
        plans = []
        if rows is not None:
            graph_of = self.graph_of_row[rows]
            for g in np.unique(graph_of).tolist():
                mine = rows[graph_of == g]
                plans.append(_GroupPlan(g, len(mine), len(mine) == len(self.layout[g]), rows=mine))
        else:
            by_graph: dict[int, list[tuple[int, int]]] = {}
            for lo, hi in exact.partition_ranges(flt):
                by_graph.setdefault(int(self.graph_of_row[lo]), []).append((lo, hi))
            for g, ranges in sorted(by_graph.items()):
                admitted = sum(hi - lo for lo, hi in ranges)
                plans.append(_GroupPlan(g, admitted, admitted == len(self.layout[g]), ranges=tuple(_merge(ranges))))
        self._plans.put(key, plans)
        return plans


def _build_graph(vectors: np.ndarray):
    faiss = _faiss()
    graph = faiss.IndexHNSWFlat(vectors.shape[1] + 1, HNSW_M, faiss.METRIC_L2)
    graph.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    graph.add(_to_l2(vectors))
    return graph


def group_layout(exact: ExactIndex, group_of: dict[int, object] | None, min_group: int = GROUP_MIN_PRODUCTS
                 ) -> list[np.ndarray]:
    """The sorted rows of each graph: one per group of partitions (``group_of``: partition →
    group, a (target gender, kind) tuple), the groups of one gender under ``min_group``
    products merged into one graph — per gender, so that a gender filter ("women or unisex")
    admits every graph it reaches whole and never post-filters. ``None``: one graph of everything.
    """
    if group_of is None:
        return [np.arange(len(exact), dtype=np.int64)]
    members: dict[object, list[tuple[int, int]]] = {}
    for part in exact._part_ids.tolist():
        members.setdefault(group_of.get(part, ("?", part)), []).append(exact.bounds[part])
    graphs: dict[object, list[tuple[int, int]]] = {}
    for group, ranges in members.items():
        size = sum(hi - lo for lo, hi in ranges)
        gender = group[0] if isinstance(group, tuple) else group
        graphs.setdefault(group if size >= min_group else ("small", gender), []).extend(ranges)
    ordered = sorted(graphs.values(), key=lambda ranges: min(lo for lo, _ in ranges))
    return [np.sort(np.concatenate([np.arange(lo, hi, dtype=np.int64) for lo, hi in ranges])) for ranges in ordered]


def _merge(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if hi <= lo:
            continue
        if out and out[-1][1] == lo:
            out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


def _in_sorted(values: np.ndarray, sorted_rows: np.ndarray) -> np.ndarray:
    """Which ``values`` are in the sorted array ``sorted_rows``."""
    at = np.searchsorted(sorted_rows, values)
    return (at < len(sorted_rows)) & (sorted_rows[np.minimum(at, len(sorted_rows) - 1)] == values)


def _to_l2(vectors: np.ndarray) -> np.ndarray:
    """``[f, √(R² − |f|²)]`` rows (R the largest norm): the nearest of these in L2 to
    ``[q, 0]`` is the largest ``f · q`` — maximum inner product search as a metric search,
    which HNSW navigates far better than raw inner products (recall 0.5 → ≥ 0.95 at the same
    ``efSearch`` on the benchmark's 100k catalog)."""
    norms = np.einsum("ij,ij->i", vectors, vectors)
    extra = np.sqrt(np.maximum(norms.max(initial=0.0) - norms, 0.0)).astype(np.float32)
    return np.ascontiguousarray(np.hstack([vectors, extra[:, None]]))


def _in_ranges(rows: np.ndarray, ranges: Sequence[tuple[int, int]]) -> np.ndarray:
    """Which sorted rows fall inside the (sorted, disjoint) ``ranges``."""
    starts = np.fromiter((lo for lo, _ in ranges), dtype=np.int64, count=len(ranges))
    ends = np.fromiter((hi for _, hi in ranges), dtype=np.int64, count=len(ranges))
    slot = np.searchsorted(starts, rows, side="right") - 1
    return (slot >= 0) & (rows < ends[np.clip(slot, 0, None)])


# --------------------------------------------------------------------------------------
# Choosing and caching
# --------------------------------------------------------------------------------------


def choose_kind(setting: str, n_products: int) -> str:
    """``exact`` or ``hnsw`` for a ``RECSYS_INDEX`` setting and catalog size."""
    setting = (setting or "exact").strip().lower()
    if setting not in INDEX_KINDS:
        raise SearchIndexError(f"RECSYS_INDEX={setting!r} is not one of {', '.join(INDEX_KINDS)}")
    if setting == "auto":
        return "hnsw" if n_products >= AUTO_HNSW_MIN_PRODUCTS else "exact"
    return setting


def fingerprint(vectors: np.ndarray, partition: np.ndarray, price: np.ndarray) -> str:
    """Identifies what an index was built from: the folded vectors and the sort keys."""
    digest = hashlib.sha1()
    for array in (vectors, partition, price):
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()[:16]


def build(vectors: np.ndarray, partition: np.ndarray, price: np.ndarray, brand: np.ndarray, *,
          kind: str = "exact", cache_dir: Path | None = None, flags: dict[str, np.ndarray] | None = None,
          groups: dict[int, object] | None = None, min_group: int = GROUP_MIN_PRODUCTS,
          **hnsw_options) -> ExactIndex | HnswIndex:
    """The index of ``kind``; HNSW graphs are read from / written to ``cache_dir`` when given.

    ``groups`` maps partitions to the groups that get a graph each (:func:`group_layout`);
    ``hnsw_options`` (``ef_search``, ``exact_below``) tune the HNSW search, not the graphs.
    The cache is one file named by the (model, catalog) fingerprint and the graph layout, so a
    change to either builds and writes a new one (the stale file is removed); a file that
    cannot be read or does not match is rebuilt with a warning.
    """
    exact = ExactIndex(vectors, partition, price, brand, flags=flags)
    if kind == "exact":
        return exact
    if kind != "hnsw":
        raise SearchIndexError(f"unknown index kind {kind!r}; use one of exact, hnsw")
    layout = group_layout(exact, groups, min_group)
    path = None
    if cache_dir is not None:
        digest = hashlib.sha1(f"{fingerprint(vectors, partition, price)} M{HNSW_M} "
                              f"efc{HNSW_EF_CONSTRUCTION}".encode())
        for rows in layout:
            digest.update(np.int64(len(rows)).tobytes() + rows.tobytes())
        path = Path(cache_dir) / f"index-{digest.hexdigest()[:16]}.faiss"
        if path.is_file():
            try:
                return HnswIndex(exact, _read_graphs(path, layout, exact.vectors.shape[1] + 1),
                                 layout=layout, **hnsw_options)
            except Exception as exc:  # a damaged or stale cache is rebuilt, never trusted
                log.warning("index cache %s is unusable (%s); rebuilding it", path, exc)
    index = HnswIndex(exact, layout=layout, **hnsw_options)
    if path is not None:
        _write_atomically(index, path)
    return index


def _read_graphs(path: Path, layout: Sequence[np.ndarray], dim: int) -> list[object]:
    """The graphs of a cache file, checked against the layout they must serve."""
    faiss = _faiss()
    with np.load(path, allow_pickle=False) as stored:
        sizes = stored["sizes"]
        if not np.array_equal(sizes, [len(rows) for rows in layout]) or not np.array_equal(
                stored["rows"], np.concatenate(layout)):
            raise ValueError("its graph layout differs from the catalog's")
        graphs = [faiss.deserialize_index(stored[f"graph{g}"]) for g in range(len(layout))]
    for graph, rows in zip(graphs, layout):
        if graph.ntotal != len(rows) or graph.d != dim:
            raise ValueError(f"a graph holds {graph.ntotal} × {graph.d}, expected {len(rows)} × {dim}")
    return graphs


def _write_atomically(index: HnswIndex, path: Path) -> None:
    faiss = _faiss()
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as out:
            np.savez(out, sizes=np.asarray([len(rows) for rows in index.layout], dtype=np.int64),
                     rows=np.concatenate(index.layout),
                     **{f"graph{g}": faiss.serialize_index(graph) for g, graph in enumerate(index.graphs)})
        os.replace(tmp, path)
        for stale in path.parent.glob("index-*.faiss"):
            if stale != path:
                stale.unlink(missing_ok=True)
    except OSError as exc:  # a read-only model folder still serves, just without a cache
        log.warning("could not cache the index at %s (%s)", path, exc)
        tmp.unlink(missing_ok=True)


#: Target genders in partition order (gender is the first sort key), so "women or unisex" and
#: "men or unisex" are each one contiguous block of rows.
GENDER_ORDER = ("men", "unisex", "women")


class Partitions:
    """Partition codes for (kind, sub-type, target gender) products, numbered gender first."""

    def __init__(self, kinds: Sequence[str], sub_types: Sequence[str], genders: Sequence[str]):
        # numbered by (gender, kind, sub-type): a gender filter ("women or unisex") is then one
        # contiguous block, a kind one block per gender; a gender outside GENDER_ORDER gets
        # rank 0, which no gender filter admits (as Recommender.allowed() compares strings)
        rank = {g: i + 1 for i, g in enumerate(GENDER_ORDER)}
        kind_code, kind_names = pd.factorize(pd.Series(list(kinds), dtype=object), sort=True)
        sub_code, sub_names = pd.factorize(pd.Series(list(sub_types), dtype=object), sort=True)
        gender_code, gender_names = pd.factorize(pd.Series(list(genders), dtype=object), sort=True)
        ranks = np.array([rank.get(g, 0) for g in gender_names] or [0], dtype=np.int64)
        n_kind, n_sub = max(len(kind_names), 1), max(len(sub_names), 1)
        key = (ranks[gender_code] * n_kind + kind_code) * n_sub + sub_code
        unique, inverse = np.unique(key, return_inverse=True)
        self.codes = inverse.astype(np.int64).reshape(-1)
        self.key_of: dict[int, tuple[str, str, int]] = {
            i: (str(kind_names[(k // n_sub) % n_kind]), str(sub_names[k % n_sub]), int(k // (n_sub * n_kind)))
            for i, k in enumerate(unique.tolist())}

    def groups(self) -> dict[int, tuple[int, str]]:
        """Each partition's HNSW group: its (target gender rank, kind)."""
        return {code: (rank, kind) for code, (kind, _, rank) in self.key_of.items()}

    def select(self, *, kinds: Iterable[str] | None = None, sub_types: Iterable[str] | None = None,
               genders: Iterable[str] | None = None) -> frozenset[int] | None:
        """Codes of the partitions matching every given restriction (None: no restriction)."""
        if kinds is None and sub_types is None and genders is None:
            return None
        kinds = None if kinds is None else set(kinds)
        sub_types = None if sub_types is None else set(sub_types)
        ranks = None if genders is None else {GENDER_ORDER.index(g) + 1 for g in genders if g in GENDER_ORDER}
        return frozenset(
            code for code, (kind, sub_type, rank) in self.key_of.items()
            if (kinds is None or kind in kinds) and (sub_types is None or sub_type in sub_types)
            and (ranks is None or rank in ranks)
        )


def codes(values: Iterable[object]) -> tuple[np.ndarray, dict[object, int]]:
    """Integer codes for a column of labels, and the label → code table."""
    table: dict[object, int] = {}
    out = np.fromiter((table.setdefault(v, len(table)) for v in values), dtype=np.int64)
    return out, table
