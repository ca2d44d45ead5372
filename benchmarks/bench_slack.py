"""Slack app under load, through the real HTTP adapter on loopback.

1. 200 concurrent ``/recommend`` (200 users): ack latency p50/p99 (Slack's limit is 3 s)
   and the time until every one has its channel message (real recommender on the shipped
   model, offline drafter, real compliance, SQLite). Measured twice in the same run: with
   personabot's two-lane listener executor and with a single pool (Bolt's default shape)
   as the baseline, so the ratio shows what keeping acks off the work pool buys.
2. 500 concurrent Approve clicks on one draft from 500 approvers: exactly one decision and
   one message update; ack p50/p99 and requests/s.

Run: ``.venv/bin/python benchmarks/bench_slack.py`` → ``benchmarks/results/slack.json``.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import bot.app  # noqa: E402
from bot import blocks  # noqa: E402
from tests.bot._slack_helpers import BotHarness  # noqa: E402

N_RECOMMEND = 200
N_CLICKS = 500
RESULTS = REPO / "benchmarks" / "results" / "slack.json"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def summary_ms(values: list[float]) -> dict[str, float]:
    return {"p50_ms": round(percentile(values, 50) * 1000, 1),
            "p99_ms": round(percentile(values, 99) * 1000, 1),
            "max_ms": round(max(values) * 1000, 1),
            "mean_ms": round(statistics.fmean(values) * 1000, 1)}


def timed(fn: Any, *args: Any, **kw: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn(*args, **kw)
    return time.perf_counter() - start, result


def start_harness(tmp: Path) -> tuple[BotHarness, float]:
    harness = BotHarness(tmp, settings_overrides={"rate_limit_per_minute": 1000}).start()
    load_s, _ = timed(harness.recommend)  # loads the model and catalog once
    return harness, load_s


def bench_recommend(harness: BotHarness, tag: str) -> dict[str, Any]:
    users = [f"UB{tag}{i:04d}" for i in range(N_RECOMMEND)]
    start = time.perf_counter()
    with ThreadPoolExecutor(N_RECOMMEND) as pool:
        acks = list(pool.map(lambda u: timed(harness.command, "30s dry-skin woman, moisture",
                                             user_id=u), users))
    sent_s = time.perf_counter() - start
    statuses = [r.status for _, r in acks]
    ok_acks = [r for _, r in acks if "Working on" in r.body]
    harness.slack.wait_for("chat.postMessage", count=N_RECOMMEND, timeout=600,
                           where=lambda c: f"<@UB{tag}" in json.dumps(c.args.get("blocks")))
    answered_s = time.perf_counter() - start
    return {
        "requests": N_RECOMMEND,
        "acked_200": statuses.count(200),
        "acked_working": len(ok_acks),
        "ack": summary_ms([t for t, _ in acks]),
        "all_acked_s": round(sent_s, 2),
        "all_answered_s": round(answered_s, 2),
        "answered_per_s": round(N_RECOMMEND / answered_s, 1),
        "acks_within_3s": sum(1 for t, _ in acks if t < 3.0),
    }


def bench_approvals(harness: BotHarness) -> dict[str, Any]:
    _, _, ids = harness.recommend()
    draft = ids[0]
    approvers = [f"UAPPB{i:04d}" for i in range(N_CLICKS)]
    harness.deps.policy.user_ids.update(approvers)
    updates_before = len(harness.slack.calls_to("chat.update"))
    start = time.perf_counter()
    with ThreadPoolExecutor(200) as pool:
        acks = list(pool.map(lambda u: timed(harness.click, blocks.ACTION_APPROVE, draft,
                                             user_id=u), approvers))
    acked_s = time.perf_counter() - start
    harness.slack.wait_for("chat.postEphemeral", count=N_CLICKS - 1, timeout=600,
                           where=lambda c: c.args.get("user", "").startswith("UAPPB"))
    done_s = time.perf_counter() - start
    decisions = harness.store.db.execute(
        "SELECT COUNT(*) FROM decisions WHERE draft_id = ?", [draft]).fetchone()[0]
    return {
        "clicks": N_CLICKS,
        "acked_200": [r.status for _, r in acks].count(200),
        "decisions": decisions,
        "message_updates": len(harness.slack.calls_to("chat.update")) - updates_before,
        "ack": summary_ms([t for t, _ in acks]),
        "acked_per_s": round(N_CLICKS / acked_s, 1),
        "all_handled_s": round(done_s, 2),
        "handled_per_s": round(N_CLICKS / done_s, 1),
    }


def run_variant(name: str, executor_factory: Any) -> dict[str, Any]:
    original = bot.app.ListenerExecutor
    bot.app.ListenerExecutor = executor_factory  # type: ignore[misc]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            harness, load_s = start_harness(Path(tmp))
            try:
                result = {"model_load_and_first_request_s": round(load_s, 2),
                          "recommend": bench_recommend(harness, name[:2].upper())}
                if name == "two_lane":
                    result["approve"] = bench_approvals(harness)
                return result
            finally:
                harness.stop()
    finally:
        bot.app.ListenerExecutor = original  # type: ignore[misc]


def main() -> None:
    two_lane = run_variant("two_lane", bot.app.ListenerExecutor)
    single = run_variant("single_pool", lambda workers: ThreadPoolExecutor(workers))
    result = {
        "benchmark": "slack",
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "platform": platform.platform()},
        "listener_threads": 8,
        "two_lane_executor": two_lane,
        "baseline_single_pool": single,
        "ack_p99_ratio_baseline_over_two_lane": round(
            single["recommend"]["ack"]["p99_ms"] / max(two_lane["recommend"]["ack"]["p99_ms"], 0.1), 2),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
