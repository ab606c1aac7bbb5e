"""Microseconds per run_recipe call, per recipe (median of many runs).

    python benchmarks/bench_core.py [--runs N]

Each recipe runs on a realistic preset-filled input; timings are per call,
measured in batches so the timer's own cost is negligible.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from taf_widgets.core import run_recipe  # noqa: E402

CASES = {
    "X-1": dict(preset="meta-llama/Meta-Llama-3-8B", monthly_tokens_M=100.0),
    "X-2": dict(preset="meta-llama/Meta-Llama-3-8B", T_eval=32000),
    "X-3": dict(USD_budget=5000.0, gpu="H100 SXM", n_gpus=1),
    "X-5": dict(preset="Qwen/Qwen2.5-7B", T_eval=32768, concurrent_users=8),
    "X-19": dict(preset="meta-llama/Meta-Llama-3-8B", T_eval=16384),
}


def bench(recipe_id: str, kwargs: dict, batches: int, per_batch: int) -> list[float]:
    samples = []
    for _ in range(batches):
        t0 = time.perf_counter()
        for _ in range(per_batch):
            run_recipe(recipe_id, **kwargs)
        samples.append((time.perf_counter() - t0) / per_batch * 1e6)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=50)
    parser.add_argument("--per-batch", type=int, default=200)
    args = parser.parse_args()
    print(
        f"python {platform.python_version()} on {platform.machine()}, "
        f"{args.batches} batches x {args.per_batch} calls per recipe"
    )
    print(f"{'recipe':<6} {'median us/call':>15} {'p95 us/call':>12} {'calls/s':>10}")
    for rid, kwargs in CASES.items():
        bench(rid, kwargs, 3, 50)  # warm up
        s = sorted(bench(rid, kwargs, args.batches, args.per_batch))
        median = statistics.median(s)
        p95 = s[min(len(s) - 1, int(0.95 * len(s)))]
        print(f"{rid:<6} {median:>15.1f} {p95:>12.1f} {1e6 / median:>10,.0f}")


if __name__ == "__main__":
    main()
