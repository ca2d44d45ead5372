"""What the digest's exactly-once bookkeeping costs, and how long a digest takes to build.

* ``runner``: one (subscription, period) through :class:`bot.digests.scheduler.DigestRunner` — claim,
  save the payload, mark each part posted, mark posted, record — on a real SQLite file, with
  a poster that returns at once. The baseline, measured in the same run, is the same
  payload "posted" with no bookkeeping at all; the difference is what never posting twice
  and never losing a period costs per weekly digest (to compare with a Slack round trip of
  ~100-300 ms).
* ``repeat``: a second execution of an already-recorded period (what a restart, a second
  process or a doubled APScheduler fire costs): one claim that says "already posted".
* ``lease``: one lease renewal (every 30 s in each ``serve`` process).
* ``compose``: building the ``all`` digest (6 personas: recommendations, review highlights,
  one offline draft each, Block Kit) on the shipped demo model, when it is trained.
* ``delivery`` (issue 12): real ``personabot serve`` processes against the loopback fake
  Slack, each digest post slowed to ``POST_DELAY`` s so a fault lands mid-digest. Per fault:
  a fresh database with an ``all`` subscription whose slot passed a minute ago (so the first
  process runs it as soon as it starts — the scheduler path a slot takes, without waiting
  for a wall-clock minute); once its first digest post reaches Slack, after a seeded random
  0–2 s, the process is stopped — ``kill -9`` or ``SIGTERM`` alternately — and a new
  process is started (after the old one exited, as a deploy does). Measured: delay from the
  moment the run began posting to the last part landing ("across the slot"), the new
  process's start-to-delivery time, duplicate parts and lost runs (not delivered within
  ``DELIVERY_TIMEOUT`` s, or parts missing). No clocks are faked and no timeouts shortened:
  the fast recovery comes from the dead-holder check (same host, pid gone) and the hand-back.

    .venv/bin/python benchmarks/bench_digest.py              # writes benchmarks/results/digest.json
    .venv/bin/python benchmarks/bench_digest.py --faults 4   # a quick look (target needs >= 20)
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.digests.store import DigestStore, Schedule  # noqa: E402
from bot.digests.compose import DigestComposer  # noqa: E402
from bot.digests.scheduler import DigestRunner  # noqa: E402
from tests.bot._digest_helpers import FakeSources  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "digest.json"
RUNS = 300
FAULTS = 20
POST_DELAY = 0.3
DELIVERY_TIMEOUT = 180.0
TARGET_DELAY_S = 90.0


class InstantPoster:
    def __init__(self) -> None:
        self.n = 0

    def post(self, channel: str, message: dict[str, Any], marker: dict[str, Any], thread_ts: str | None) -> str:
        self.n += 1
        return f"{self.n}.000100"

    def find_posted(self, channel: str, run_id: int, oldest: datetime) -> dict[int, str]:
        return {}

    def upload_chart(self, channel: str, thread_ts: str, png: bytes, title: str,
                     filename: str = "digest.png") -> str | None:
        return None

    def find_chart(self, channel: str, thread_ts: str, filename: str) -> str | None:
        return None

    def notify(self, user_id: str, text: str) -> None:
        pass


def per_call_ms(fn: Callable[[int], Any], n: int) -> float:
    """Median of 5 rounds of ``n`` calls, in milliseconds per call."""
    rounds = []
    for r in range(5):
        start = time.perf_counter()
        for i in range(n):
            fn(r * n + i)
        rounds.append((time.perf_counter() - start) / n * 1000)
    return statistics.median(rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--faults", type=int, default=FAULTS, help="injected faults (kill -9 / SIGTERM alternately)")
    parser.add_argument("--skip-micro", action="store_true", help="only the delivery-under-faults part")
    args = parser.parse_args()
    result: dict[str, Any] = {}
    if not args.skip_micro:
        result.update(micro())
    result["delivery"] = delivery(args.faults)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result, indent=2, ensure_ascii=False))


def micro() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        store = DigestStore.open(Path(tmp) / "bench.db")
        sub, _ = store.subscribe("all", "C1", Schedule(0, 9, 0, "Asia/Seoul"), "U1",
                                 datetime(2020, 1, 1, tzinfo=timezone.utc))
        payload = DigestComposer(FakeSources())(sub, datetime(2026, 11, 30, tzinfo=timezone.utc), None)
        poster = InstantPoster()
        runner = DigestRunner(store, poster, lambda s, p, prev: payload, holder="bench")
        base = datetime(2026, 1, 5, tzinfo=timezone.utc)

        def one_run(i: int) -> None:
            outcome = runner.run_period(sub, base + timedelta(minutes=i))
            assert outcome.status == "recorded"

        def repeat(i: int) -> None:
            assert runner.run_period(sub, base + timedelta(minutes=i % RUNS)).status == "skipped"

        def bare(i: int) -> None:
            for part, message in enumerate(payload["messages"]):
                poster.post(sub.channel_id, message, {"run_id": i, "part": part}, None)

        runner_ms = per_call_ms(one_run, RUNS)
        repeat_ms = per_call_ms(repeat, RUNS)
        bare_ms = per_call_ms(bare, RUNS)
        now = datetime.now(timezone.utc)
        lease_ms = per_call_ms(lambda i: store.acquire_lease("bench", now, timedelta(seconds=90)), RUNS)

    result: dict[str, Any] = {
        "runner_ms_per_run": round(runner_ms, 3),
        "bare_post_ms_per_run": round(bare_ms, 4),
        "bookkeeping_overhead_ms": round(runner_ms - bare_ms, 3),
        "repeat_execution_ms": round(repeat_ms, 3),
        "lease_renewal_ms": round(lease_ms, 3),
        "parts_per_run": len(payload["messages"]),
        "compose_all_ms": None,
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    result["compose_all_ms"] = compose_all_ms()
    return result


def one_fault(tmp: Path, kind: str, pause: float) -> dict[str, Any]:
    """Stop a serve process mid-digest (``kill9`` or ``sigterm``), start another, measure."""
    from tests.bot._serve_helpers import Serve, SlowSlack, subscribe_due_now, wait_until
    from tests.bot._slack_helpers import TOKEN

    db = tmp / "bot.db"
    with SlowSlack(token=TOKEN) as slack:
        slack.post_delay = POST_DELAY
        subscribe_due_now(db, "all", "CBENCH")
        old = Serve(tmp, slack, db)
        try:
            if not slack.posting.wait(120):
                raise RuntimeError("the first process never began posting: " + old.output())
            began = time.monotonic()
            time.sleep(pause)
            stopped_at = time.monotonic()
            if kind == "kill9":
                old.kill()
            else:
                old.stop(signal.SIGTERM)
        finally:
            old.kill()
        posted_before = len(slack.digest_parts())
        new = Serve(tmp, slack, db)
        try:
            done = wait_until(lambda: _state(db) == "recorded", DELIVERY_TIMEOUT, step=0.05)
            landed = time.monotonic()
        finally:
            new.stop(signal.SIGTERM)
            new.kill()
        parts = slack.digest_parts()
    expected = _parts_expected(db)
    counts = Counter(parts)
    return {
        "kind": kind,
        "pause_s": round(pause, 2),
        "parts_before_fault": posted_before,
        "parts": len(counts),
        "parts_expected": expected,
        "duplicates": sum(c - 1 for c in counts.values()),
        "lost": int(not done or len(counts) != expected),
        "delay_s": round(landed - began, 2) if done else None,
        "restart_to_delivery_s": round(landed - new.started, 2) if done else None,
        "fault_to_delivery_s": round(landed - stopped_at, 2) if done else None,
    }


def _state(db: Path) -> str | None:
    conn = sqlite3.connect(db)
    try:
        row = conn.execute("SELECT state FROM digest_runs").fetchone()
    finally:
        conn.close()
    return row[0] if row else None


def _parts_expected(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        row = conn.execute("SELECT payload FROM digest_runs").fetchone()
    finally:
        conn.close()
    return len(json.loads(row[0])["messages"]) if row and row[0] else -1


def delivery(faults: int) -> dict[str, Any]:
    rng = random.Random(12)
    cases = []
    for i in range(faults):
        kind = "kill9" if i % 2 == 0 else "sigterm"
        with tempfile.TemporaryDirectory() as tmp:
            case = one_fault(Path(tmp), kind, rng.uniform(0.0, 2.0))
        print(json.dumps(case), file=sys.stderr)
        cases.append(case)
    summary: dict[str, Any] = {
        "method": ("real `personabot serve` subprocesses + loopback fake Slack (each digest post "
                   f"{POST_DELAY}s); slot emulated by a subscription due at start-up; fault after a "
                   "seeded 0-2 s into posting; new process started once the old one exited; real "
                   "clocks and default timeouts (claim TTL 2 min, lease TTL 90 s) — recovery uses "
                   "the dead-holder check and the SIGTERM hand-back, not shortened timeouts"),
        "target": f"delay < {TARGET_DELAY_S:.0f} s for kill -9 and SIGTERM, 0 duplicates, 0 lost, >= 20 faults",
        "faults": faults,
    }
    for kind in ("kill9", "sigterm"):
        mine = [c for c in cases if c["kind"] == kind]
        delays = [c["delay_s"] for c in mine if c["delay_s"] is not None]
        restarts = [c["restart_to_delivery_s"] for c in mine if c["restart_to_delivery_s"] is not None]
        summary[kind] = {
            "faults": len(mine),
            "delay_s_p50": round(statistics.median(delays), 2) if delays else None,
            "delay_s_max": max(delays) if delays else None,
            "restart_to_delivery_s_p50": round(statistics.median(restarts), 2) if restarts else None,
            "restart_to_delivery_s_max": max(restarts) if restarts else None,
            "duplicates": sum(c["duplicates"] for c in mine),
            "lost": sum(c["lost"] for c in mine),
        }
    summary["met"] = bool(
        faults >= 20
        and all(summary[k]["delay_s_max"] is not None and summary[k]["delay_s_max"] < TARGET_DELAY_S
                for k in ("kill9", "sigterm"))
        and all(summary[k]["duplicates"] == 0 and summary[k]["lost"] == 0 for k in ("kill9", "sigterm"))
    )
    summary["cases"] = cases
    return summary


def compose_all_ms() -> float | None:
    """The ``all`` digest on the demo model (first build loads the model; it is excluded)."""
    from bot.digests.compose import LiveSources, compose_digest, digest_messages
    from bot.settings import load_settings
    from bot.wiring import build_wiring
    from recsys import paths

    if not (paths.DEMO_MODEL_DIR / "model.json").exists():
        return None
    sources = LiveSources(build_wiring(load_settings()))
    compose_digest(sources, "all", None, period_label="warm-up")
    times = []
    for _ in range(3):
        start = time.perf_counter()
        digest_messages(compose_digest(sources, "all", None, period_label="bench"))
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 1)


if __name__ == "__main__":
    main()
