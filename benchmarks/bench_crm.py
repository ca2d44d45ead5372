"""CRM drafting speed: three tones ≈ one LLM call; retrieval and offline drafting in milliseconds.

Three measurements, each against a baseline taken in the same run:

* ``llm``: a local fake OpenAI-compatible server answers every call after a fixed delay; the
  real ``openai`` SDK talks to it over loopback. One structured call for all three tones is
  compared with a single one-tone call (target: ≤ 1.3×) and with the naive way, one call
  per tone in sequence (≈ 3×).
* ``retrieval``: ``ContextIndex.context_for`` (SQLite FTS5 trigram index built once) per
  request, against scanning every review of the catalog per request with pandas.
* ``offline``: the offline copywriter for three tones, with and without the compliance
  checks the drafter runs on every draft.

    .venv/bin/python benchmarks/bench_crm.py     # writes benchmarks/results/crm.json
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crm import offline  # noqa: E402
from crm.context import CONCERN_TERMS, ContextIndex  # noqa: E402
from crm.drafting import TONES, Drafter  # noqa: E402
from crm.llm import LLMConfig, make_provider  # noqa: E402
from crm.prompts import draft_schema  # noqa: E402
from recsys.catalog import load_catalog  # noqa: E402
from recsys.paths import BRANDS, DEMO_CATALOG  # noqa: E402
from recsys.profile import Profile  # noqa: E402
from tests.fakes.fake_llm import FakeLLMServer, Reply  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "crm.json"
LLM_DELAY_S = 0.25
LLM_ROUNDS = 5
TARGET_RATIO = 1.3
PROFILES = (
    Profile(30, 39, "F", "dry", ("moisture",)),
    Profile(20, 29, "F", "oily", ("acne", "pores")),
    Profile(50, 59, "F", None, ("anti_aging",)),
    Profile(None, None, "M", "sensitive", ("calming",)),
    Profile(40, 49, "F", "normal", ("brightening",)),
    Profile(concerns=("gift",)),
)


def timed(fn: Callable[[], Any], rounds: int) -> list[float]:
    """Wall seconds of each call (after one warm-up)."""
    fn()
    out = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def ms(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 3),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000, 3),
    }


def bench_llm(index: ContextIndex, product_id: str) -> dict[str, Any]:
    bodies = {t: f"#{{이름}}님, {t} 촉촉한 하루 보내세요" for t in TONES}
    with FakeLLMServer(default=Reply("slow", content=bodies, delay_s=LLM_DELAY_S)) as server:
        config = LLMConfig(openai_api_key="sk-bench", openai_base_url=server.openai_base_url)
        provider = make_provider("openai", config)
        drafter = Drafter(index, provider, timeout_s=10)
        profile = PROFILES[0]
        one_schema = draft_schema(("friendly",))
        single = timed(lambda: provider.generate_json("s", "p", one_schema, timeout_s=10), LLM_ROUNDS)
        three = timed(lambda: drafter.draft(profile, product_id), LLM_ROUNDS)
        sequential = timed(
            lambda: [drafter.draft(profile, product_id, tones=(t,)) for t in TONES], LLM_ROUNDS
        )
        providers = {d.provider for d in drafter.draft(profile, product_id)}
    one, all_three, naive = (statistics.median(x) for x in (single, three, sequential))
    return {
        "server_delay_s": LLM_DELAY_S,
        "rounds": LLM_ROUNDS,
        "one_call": ms(single),
        "three_tones_one_call": ms(three),
        "three_tones_sequential_baseline": ms(sequential),
        "ratio_three_tones_vs_one_call": round(all_three / one, 3),
        "ratio_sequential_vs_one_call": round(naive / one, 3),
        "target_ratio": TARGET_RATIO,
        "meets_target": all_three / one <= TARGET_RATIO,
        "drafts_written_by": sorted(providers),
    }


def naive_context(catalog: Any, profile: Profile, product_id: str) -> list[str]:
    """The baseline: scan and score every review in the catalog for each request."""
    reviews = catalog.interactions
    terms = [t for c in profile.concerns for t in CONCERN_TERMS.get(c, ())]
    mine = reviews[reviews["product_id"] == product_id]
    scored = sorted(
        ((sum(t in text for t in terms) + (skin == profile.skin_type), text)
         for text, skin in zip(mine["text"], mine["skin_type"])),
        reverse=True,
    )
    return [text for _, text in scored[:4]]


def main() -> None:
    start = time.perf_counter()
    catalog = load_catalog(DEMO_CATALOG)
    load_s = time.perf_counter() - start
    start = time.perf_counter()
    index = ContextIndex.from_files(catalog, BRANDS)
    build_s = time.perf_counter() - start
    product_ids = index.product_ids
    requests = [(PROFILES[i % len(PROFILES)], product_ids[(i * 7) % len(product_ids)]) for i in range(300)]

    retrieval = [t for p, pid in requests for t in timed(lambda: index.context_for(p, pid), 1)]
    naive = [t for p, pid in requests[:100] for t in timed(lambda: naive_context(catalog, p, pid), 1)]

    drafter = Drafter(index)
    contexts = [index.context_for(p, pid) for p, pid in requests]
    compose = [t for c in contexts for t in timed(lambda: offline.compose_all(c, TONES), 1)]
    full = [t for p, pid in requests for t in timed(lambda: drafter.draft(p, pid), 1)]

    results = {
        "benchmark": "crm",
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "catalog": {"products": len(catalog.products), "reviews": int((catalog.interactions["text"].str.len() > 0).sum()),
                    "load_s": round(load_s, 3), "index_build_s": round(build_s, 3)},
        "retrieval": {
            "requests": len(retrieval), **ms(retrieval),
            "baseline_pandas_scan": ms(naive),
            "speedup_vs_baseline": round(statistics.median(naive) / statistics.median(retrieval), 1),
        },
        "offline": {
            "requests": len(full),
            "compose_three_tones": ms(compose),
            "draft_three_tones_with_retrieval_and_compliance": ms(full),
        },
        "llm": bench_llm(index, product_ids[0]),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
