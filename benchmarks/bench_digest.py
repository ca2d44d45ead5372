"""What the digest's exactly-once bookkeeping costs, and how long a digest takes to build.

* ``runner``: one (subscription, period) through :class:`bot.scheduler.DigestRunner` — claim,
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

    .venv/bin/python benchmarks/bench_digest.py   # writes benchmarks/results/digest.json
"""

from __future__ import annotations

import json
import platform
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.digest_store import DigestStore, Schedule  # noqa: E402
from bot.digests import DigestComposer  # noqa: E402
from bot.scheduler import DigestRunner  # noqa: E402
from tests.bot._digest_helpers import FakeSources  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "digest.json"
RUNS = 300


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
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


def compose_all_ms() -> float | None:
    """The ``all`` digest on the demo model (first build loads the model; it is excluded)."""
    from bot.digests import LiveSources, compose_digest, digest_messages
    from bot.settings import load_settings
    from recsys import paths

    if not (paths.DEMO_MODEL_DIR / "model.json").exists():
        return None
    sources = LiveSources(load_settings())
    compose_digest(sources, "all", None, period_label="warm-up")
    times = []
    for _ in range(3):
        start = time.perf_counter()
        digest_messages(compose_digest(sources, "all", None, period_label="bench"))
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 1)


if __name__ == "__main__":
    main()
