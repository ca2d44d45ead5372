"""The product search index: folded scores, partitioned exact scan, HNSW path, cache."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from recsys.index import (
    ExactIndex, Filter, HnswIndex, Partitions, SearchIndexError, build, choose_kind, fold, fold_query,
    group_layout,
)

N, D = 600, 8


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(7)
    emb = rng.standard_normal((N, D)).astype(np.float32)
    bias = rng.standard_normal(N).astype(np.float32)
    kinds = rng.choice(["skincare", "makeup", "fragrance"], N)
    subs = np.array([{"skincare": "토너", "makeup": "쿠션", "fragrance": "오드퍼퓸"}[k] for k in kinds])
    subs[::7] = "크림"
    genders = rng.choice(["men", "unisex", "women"], N)
    price = rng.integers(0, 60, N) * 1000          # some prices unknown (0)
    brand = rng.integers(0, 12, N)
    parts = Partitions(list(kinds), list(subs), list(genders))
    users = rng.standard_normal((20, D)).astype(np.float32)
    sets = np.random.default_rng(8).random(N) < 0.3
    return dict(emb=emb, bias=bias, kinds=kinds, subs=subs, genders=genders, price=price, brand=brand,
                parts=parts, users=users, sets=sets)


def exact_index(d) -> ExactIndex:
    return ExactIndex(fold(d["emb"], d["bias"], 0.5), d["parts"].codes, d["price"], d["brand"],
                      flags={"set": d["sets"]})


def brute(d, user, temperature, pop_weight, admit, k):
    """The unfolded score, masked by hand: the reference every index must match."""
    scores = d["emb"] @ (user / temperature) + pop_weight * d["bias"]
    scores = np.where(admit, scores, -np.inf)
    order = np.lexsort((np.arange(N), -scores))
    return [int(i) for i in order[:k] if np.isfinite(scores[i])]


def test_folded_score_equals_the_unfolded_one(data):
    folded = fold(data["emb"], data["bias"], 0.3)
    query = fold_query(data["users"][:3], 0.05)
    unfolded = data["users"][:3] @ data["emb"].T / 0.05 + 0.3 * data["bias"]
    assert np.allclose(query @ folded.T, unfolded, rtol=1e-5, atol=1e-4)


def filters(d):
    p = d["parts"]
    return [
        (Filter(), np.ones(N, bool)),
        (Filter(partitions=p.select(kinds=["fragrance"])), d["kinds"] == "fragrance"),
        (Filter(partitions=p.select(kinds=["skincare"], genders=["men", "unisex"])),
         (d["kinds"] == "skincare") & (d["genders"] != "women")),
        (Filter(partitions=p.select(sub_types=["크림"]), price_max=30_000),
         (d["subs"] == "크림") & (d["price"] >= 1) & (d["price"] <= 30_000)),
        (Filter(price_min=10_000, price_max=20_000), (d["price"] >= 10_000) & (d["price"] <= 20_000)),
        (Filter(brands=frozenset({3, 5}), price_max=40_000),
         np.isin(d["brand"], [3, 5]) & (d["price"] >= 1) & (d["price"] <= 40_000)),
        (Filter(partitions=p.select(kinds=["makeup"]), exclude=(0, 1, 2, 3, 4, 5)),
         (d["kinds"] == "makeup") & (np.arange(N) > 5)),
        (Filter(partitions=frozenset()), np.zeros(N, bool)),
        (Filter(partitions=p.select(genders=["women", "unisex"]), flags=frozenset({"set"}), exclude=(7, 9)),
         (d["genders"] != "men") & d["sets"] & ~np.isin(np.arange(N), [7, 9])),
        (Filter(partitions=p.select(genders=["men"])), d["genders"] == "men"),
    ]


N_FILTERS = 10


@pytest.mark.parametrize("which", range(N_FILTERS))
def test_exact_index_matches_brute_force_under_every_filter(data, which):
    flt, admit = filters(data)[which]
    index = exact_index(data)
    for _ in range(2):  # the second pass reads the remembered row blocks
        for user in data["users"]:
            _, positions = index.search(fold_query(user, 0.1)[0], 10, flt)
            assert positions.tolist() == brute(data, user, 0.1, 0.5, admit, 10)


#: one graph; one per (gender, kind) group (9 of 60–78 products); a gender's groups under 66 merged
LAYOUTS = {"one graph": None, "per group": 0, "small groups merged": 66}


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("which", range(N_FILTERS))
def test_hnsw_graph_path_agrees_with_exact_where_it_is_exhaustive(data, which, layout):
    flt, admit = filters(data)[which]
    exact = exact_index(data)
    min_group = LAYOUTS[layout]
    rows = group_layout(exact, None if min_group is None else data["parts"].groups(), min_group or 0)
    assert sorted(np.concatenate(rows).tolist()) == list(range(N))  # every row in exactly one graph
    if layout == "per group":
        assert len(rows) == len(set(data["parts"].groups().values()))
    if layout == "small groups merged":
        assert 1 < len(rows) < len(set(data["parts"].groups().values()))
        for graph_rows in rows:  # merged per gender: a gender filter takes a graph whole or not at all
            assert len(set(data["genders"][exact.position_of_row[graph_rows]])) == 1
    # efSearch above the catalog size makes the graph search exhaustive; exact_below=0 forces
    # the graph path even for small filtered sets
    hnsw = HnswIndex(exact, layout=rows, ef_search=2 * N, exact_below=0)
    for user in data["users"]:
        q = fold_query(user, 0.1)[0]
        got = hnsw.search(q, 5, flt)[1].tolist()
        assert got == exact.search(q, 5, flt)[1].tolist() == brute(data, user, 0.1, 0.5, admit, 5)


def test_too_few_admitted_returns_what_there_is(data):
    flt = Filter(partitions=data["parts"].select(sub_types=["크림"], kinds=["fragrance"]))
    index = ExactIndex(fold(data["emb"], data["bias"], 0.5), data["parts"].codes, data["price"], data["brand"])
    admit = (data["subs"] == "크림") & (data["kinds"] == "fragrance")
    _, positions = index.search(fold_query(data["users"][0], 0.1)[0], 500, flt)
    assert sorted(positions.tolist()) == np.flatnonzero(admit).tolist()


def test_choose_kind():
    assert choose_kind("exact", 10**7) == "exact"
    assert choose_kind("auto", 1_000) == "exact" and choose_kind("auto", 10**6) == "hnsw"
    with pytest.raises(SearchIndexError, match="RECSYS_INDEX"):
        choose_kind("annoy", 10)


def test_hnsw_cache_is_reused_and_rebuilt_on_change(data, tmp_path):
    args = (fold(data["emb"], data["bias"], 0.5), data["parts"].codes, data["price"], data["brand"])
    build(*args, kind="hnsw", cache_dir=tmp_path)
    [first] = tmp_path.glob("index-*.faiss")
    stamp = first.stat().st_mtime_ns
    build(*args, kind="hnsw", cache_dir=tmp_path)
    assert first.stat().st_mtime_ns == stamp          # same model and catalog: read, not rebuilt
    changed_model = (fold(data["emb"] * 2, data["bias"], 0.5),) + args[1:]
    build(*changed_model, kind="hnsw", cache_dir=tmp_path)
    [after_model] = tmp_path.glob("index-*.faiss")
    changed_catalog = args[:2] + (data["price"] + 1000,) + args[3:]
    build(*changed_catalog, kind="hnsw", cache_dir=tmp_path)
    [after_catalog] = tmp_path.glob("index-*.faiss")  # each change wrote a new file, stale ones removed
    grouped = build(*changed_catalog, kind="hnsw", cache_dir=tmp_path, groups=data["parts"].groups(), min_group=0)
    [after_layout] = tmp_path.glob("index-*.faiss")
    assert len({first, after_model, after_catalog, after_layout}) == 4 and len(grouped.graphs) == 9
    grouped_stamp = after_layout.stat().st_mtime_ns
    again = build(*changed_catalog, kind="hnsw", cache_dir=tmp_path, groups=data["parts"].groups(), min_group=0)
    assert after_layout.stat().st_mtime_ns == grouped_stamp and len(again.graphs) == 9  # read back, all graphs
    q = fold_query(data["users"][0], 0.1)[0]
    assert again.search(q, 3)[1].tolist() == grouped.search(q, 3)[1].tolist()


def test_a_corrupt_cache_is_rebuilt_with_a_warning(data, tmp_path, caplog):
    args = (fold(data["emb"], data["bias"], 0.5), data["parts"].codes, data["price"], data["brand"])
    build(*args, kind="hnsw", cache_dir=tmp_path)
    [path] = tmp_path.glob("index-*.faiss")
    path.write_bytes(b"not a faiss index")
    with caplog.at_level(logging.WARNING, logger="recsys.index"):
        index = build(*args, kind="hnsw", cache_dir=tmp_path)
    assert "unusable" in caplog.text and "rebuilding" in caplog.text
    assert len(index) == N and path.stat().st_size > 1000
    q = fold_query(data["users"][0], 0.1)[0]
    assert index.search(q, 3)[1].tolist() == brute(data, data["users"][0], 0.1, 0.5, np.ones(N, bool), 3)


def test_the_filter_memo_is_bounded_oldest_first():
    from recsys.index import _Memo

    memo = _Memo(max_items=2, max_bytes=100)
    memo.put("a", 1, 40)
    memo.put("b", 2, 40)
    memo.put("c", 3, 40)  # over both bounds: "a" goes
    assert (memo.get("a"), memo.get("b"), memo.get("c")) == (None, 2, 3)
    memo.put("huge", 4, 101)  # bigger than the whole memo: never kept, nothing evicted for it
    assert memo.get("huge") is None and memo.get("b") == 2


def test_concurrent_searches_over_many_filters_agree_with_one_thread(data, monkeypatch):
    """Slack's listener threads share one index; its memos evict while others read them."""
    from concurrent.futures import ThreadPoolExecutor

    import recsys.index as index_module

    monkeypatch.setattr(index_module, "MAX_BLOCKS", 3)
    monkeypatch.setattr(index_module, "MAX_PLANS", 3)
    shared = exact_index(data)
    q = fold_query(data["users"][0], 0.1)[0]
    work = [Filter(brands=frozenset({b}), price_max=m) for b in range(12) for m in (20_000, 40_000, None)] * 4
    expected = [exact_index(data).search(q, 5, f)[1].tolist() for f in work]
    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(lambda f: shared.search(q, 5, f)[1].tolist(), work))
    assert got == expected
