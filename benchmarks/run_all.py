"""Run every benchmark in turn; each writes its own JSON under benchmarks/results/."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = [
    "bench_parse.py",
    "bench_compliance.py",
    "bench_crm.py",
    "bench_drafts_real.py",
    "bench_recsys_speed.py",
    "bench_recsys_quality.py",
    "bench_digest.py",
    "bench_slack.py",
]


def main() -> int:
    failed = []
    for script in SCRIPTS:
        started = time.perf_counter()
        print(f"== {script}", flush=True)
        code = subprocess.call([sys.executable, str(HERE / script)], cwd=HERE.parent)
        print(f"== {script}: exit {code} in {time.perf_counter() - started:.0f} s", flush=True)
        if code:
            failed.append(script)
    if failed:
        print("failed: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
