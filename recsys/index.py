"""Top-k search over the product matrix: an exact partitioned scan, and an HNSW index past it.

Scores are ``u/T · e + w·b`` (see :mod:`recsys.model`). Folding the popularity term into the
vectors — ``f = [e, w·b]``, ``q = [u/T, 1]`` — makes every score a plain inner product
``f · q``, so one kernel ranks and no per-query bias add is needed.

**Exact** (:class:`ExactIndex`, the default and the reference for tests). Products are
stored once, sorted by (partition, price), where a partition is one (target gender, kind,
sub-type). A hard filter then selects contiguous row ranges — the partitions it admits, cut
to the budget by binary search on the sorted prices — and only those rows are scanned, with
faiss' exact brute-force kernel (``faiss.knn``), which runs at memory speed. Filters on
brand use a precomputed list of each brand's rows. No per-query mask over the whole
catalog is ever allocated; exclusions are handled by fetching ``k + len(exclude)``.

**HNSW** (:class:`HnswIndex`, ``RECSYS_INDEX=hnsw``, or ``auto`` past
:data:`AUTO_HNSW_MIN_PRODUCTS`). A faiss ``IndexHNSWFlat`` over the folded vectors (mapped to an
L2 search, :func:`_to_l2`), searched with the filter as a faiss ID selector (a bitmap per
distinct filter, remembered) and the candidates re-scored exactly. When a filter admits few rows
(under :data:`EXACT_BELOW`), scanning them exactly is cheaper than walking the graph, so
the index does that. Built once per (model, catalog) fingerprint and cached next to the
model (``index-<fingerprint>.faiss``); a corrupt cache file is rebuilt with a warning.
"""

from __future__ import annotations

import hashlib
import logging
import os
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
#: A filter admitting fewer rows than this is scanned exactly even with HNSW (at 1M products,
#: a kind + budget admitting 80k rows scans in 0.6 ms; a selector search on it had recall 0.79).
EXACT_BELOW = 100_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 384
#: How much more than ``k × catalog / admitted`` a filtered HNSW query fetches before
#: post-filtering (broad filters); narrower ones are searched with a selector.
OVER_FETCH = 2.0
#: Distinct filters whose HNSW selector bitmap (1 bit per product) is remembered.
MAX_SELECTORS = 64


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

    def __len__(self) -> int:
        return len(self.vectors)

    @property
    def nbytes(self) -> int:
        return int(self.vectors.nbytes + self.price.nbytes + self.order.nbytes + self.row_of_position.nbytes)

    # -- which rows a filter admits ------------------------------------------------------

    def ranges(self, flt: Filter) -> list[tuple[int, int]]:
        """Contiguous sorted-row ranges admitted by partitions and budget, merged where adjacent.

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
            los, his = self._part_lo[np.searchsorted(self._part_ids, parts)], self._part_hi[
                np.searchsorted(self._part_ids, parts)]
        out: list[tuple[int, int]] = []
        for lo, hi in zip(los.tolist(), his.tolist()):
            if hi <= lo:
                continue
            if out and out[-1][1] == lo:  # neighbouring partitions scan as one block
                out[-1] = (out[-1][0], hi)
            else:
                out.append((lo, hi))
        return out

    def candidates(self, flt: Filter) -> np.ndarray | None:
        """Sorted rows admitted by the filter's row lists (brands, flags) that also pass its
        partitions and budget; None when the filter has no row-list restriction (scan ranges)."""
        if flt.brands is None and not flt.flags:
            return None
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
        return rows

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
        rows = self.candidates(flt)
        if rows is not None:
            scores, rows = _top_of_rows(self.vectors, rows, q, fetch)
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
    faiss = _faiss()
    block = np.take(vectors, rows, axis=0)
    scores, idx = faiss.knn(q, block, min(k, len(rows)), metric=faiss.METRIC_INNER_PRODUCT)
    return scores[0], rows[idx[0].astype(np.int64)]


class HnswIndex:
    """An HNSW graph over the exact index's sorted rows; filters via faiss ID selectors."""

    kind = "hnsw"

    def __init__(self, exact: ExactIndex, graph=None, *, ef_search: int = HNSW_EF_SEARCH,
                 exact_below: int = EXACT_BELOW):
        faiss = _faiss()
        self.exact = exact
        if graph is None:
            graph = faiss.IndexHNSWFlat(exact.vectors.shape[1] + 1, HNSW_M, faiss.METRIC_L2)
            graph.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            graph.add(_to_l2(exact.vectors))
        self.graph = graph
        self.ef_search = ef_search
        self.exact_below = exact_below
        self._selectors: dict[Filter, tuple[object, np.ndarray]] = {}

    def __len__(self) -> int:
        return len(self.exact)

    @property
    def nbytes(self) -> int:
        """Graph links plus the vectors it stores (faiss keeps its own copy)."""
        links = self.graph.hnsw.neighbors.size() * 4 + self.graph.hnsw.offsets.size() * 8
        return int(links + len(self.exact) * (self.exact.vectors.shape[1] + 1) * 4)

    def search(self, query: np.ndarray, k: int, flt: Filter = Filter()) -> tuple[np.ndarray, np.ndarray]:
        """Like :meth:`ExactIndex.search`; approximate when the filter admits many rows.

        A filter admitting fewer than ``exact_below`` rows is scanned exactly. Otherwise the
        graph is searched for ``OVER_FETCH × k × catalog / admitted`` candidates and those
        outside the filter dropped, when that fits in ``efSearch`` (broad filters: a kind, a
        gender); else, or when too few survive, with the filter as a faiss ID selector (a
        bitmap over the sorted rows, built once per distinct filter and remembered).
        Exclusions are over-fetched. Candidates are re-scored exactly, and a search
        that finds fewer than ``k`` admitted rows falls back to the exact scan.
        """
        exact = self.exact
        q = np.ascontiguousarray(np.asarray(query, dtype=np.float32).reshape(1, -1))
        excluded = exact._excluded_rows(flt)
        fetch = k + len(excluded)
        rows = exact.candidates(flt)
        ranges = exact.ranges(flt) if rows is None else None
        admitted = len(rows) if rows is not None else sum(hi - lo for lo, hi in ranges)
        if admitted < self.exact_below or admitted == 0:
            if rows is not None:
                return exact._finish(*_top_of_rows(exact.vectors, rows, q, fetch), excluded, k)
            return exact._finish(*exact._scan(ranges, q, fetch), excluded, k)
        faiss = _faiss()
        q_l2 = np.hstack([q, np.zeros((1, 1), np.float32)])
        if admitted < len(exact):
            # a broad filter: over-fetch once and keep the admitted candidates (recall as
            # unfiltered); too few left: search again with the filter as a selector
            want = int(np.ceil(fetch * len(exact) / admitted * OVER_FETCH))
            if want <= self.ef_search:
                params = faiss.SearchParametersHNSW()
                params.efSearch = self.ef_search
                _, idx = self.graph.search(q_l2, want, params=params)
                found = idx[0][idx[0] >= 0].astype(np.int64)
                found = found[_in_ranges(found, ranges) if rows is None else np.isin(found, rows)]
                if len(found) >= fetch:
                    scores = np.take(exact.vectors, found, axis=0) @ q[0]
                    return exact._finish(scores, found, excluded, k)
        params = faiss.SearchParametersHNSW()
        params.efSearch = max(self.ef_search, fetch)
        if admitted < len(exact):
            params.sel = self._selector(flt, rows, ranges)
        _, idx = self.graph.search(q_l2, fetch, params=params)
        found = idx[0][idx[0] >= 0].astype(np.int64)
        if len(found) < min(fetch, admitted):  # the graph could not reach enough admitted rows
            if rows is not None:
                return exact._finish(*_top_of_rows(exact.vectors, rows, q, fetch), excluded, k)
            return exact._finish(*exact._scan(ranges, q, fetch), excluded, k)
        scores = np.take(exact.vectors, found, axis=0) @ q[0]  # exact inner products of the candidates
        return exact._finish(scores, found, excluded, k)

    def _selector(self, flt: Filter, rows: np.ndarray | None, ranges) -> object:
        """A faiss bitmap selector of the rows ``flt`` admits, remembered per distinct filter
        (requests repeat the same kinds, genders and budgets; 1 bit per product each)."""
        key = replace(flt, exclude=())
        hit = self._selectors.get(key)
        if hit is None:
            bits = np.zeros(len(self.exact), dtype=bool)
            if rows is not None:
                bits[rows] = True
            else:
                for lo, hi in ranges:
                    bits[lo:hi] = True
            packed = np.packbits(bits, bitorder="little")
            hit = (_faiss().IDSelectorBitmap(packed), packed)  # the selector reads ``packed``: keep it
            if len(self._selectors) >= MAX_SELECTORS:
                self._selectors.pop(next(iter(self._selectors)))
            self._selectors[key] = hit
        return hit[0]


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
          **hnsw_options) -> ExactIndex | HnswIndex:
    """The index of ``kind``; an HNSW graph is read from / written to ``cache_dir`` when given.

    ``hnsw_options`` (``ef_search``, ``exact_below``) tune the HNSW search, not the graph.
    """
    exact = ExactIndex(vectors, partition, price, brand, flags=flags)
    if kind == "exact":
        return exact
    if kind != "hnsw":
        raise SearchIndexError(f"unknown index kind {kind!r}; use one of exact, hnsw")
    faiss = _faiss()
    path = None
    if cache_dir is not None:
        path = Path(cache_dir) / f"index-{fingerprint(vectors, partition, price)}.faiss"
        if path.is_file():
            try:
                graph = faiss.read_index(str(path))
                if graph.ntotal != len(exact) or graph.d != exact.vectors.shape[1] + 1:
                    raise ValueError(f"holds {graph.ntotal} × {graph.d}, expected {len(exact)} × "
                                     f"{exact.vectors.shape[1] + 1}")
                return HnswIndex(exact, graph, **hnsw_options)
            except Exception as exc:  # a damaged or stale cache is rebuilt, never trusted
                log.warning("index cache %s is unusable (%s); rebuilding it", path, exc)
    index = HnswIndex(exact, **hnsw_options)
    if path is not None:
        _write_atomically(faiss, index.graph, path)
    return index


def _write_atomically(faiss, graph, path: Path) -> None:
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        faiss.write_index(graph, str(tmp))
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
