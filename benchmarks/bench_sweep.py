"""Rows per second of sweep(), per recipe (median of several sweeps).

    python benchmarks/bench_sweep.py [--points N] [--repeats R]

Each recipe sweeps its most-charted parameter over N log-spaced values (96 is one
chart curve of the widget) on a realistic preset-filled input. Every row is a full
run_recipe call, so these are also the rates at which a chart can be redrawn.
"""

from __future__ import annotations

import argparse
import math
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from taf_widgets.core import sweep  # noqa: E402

LLAMA = "meta-llama/Meta-Llama-3-8B"


def log_values(lo: float, hi: float, n: int, whole: bool) -> list:
    values = [10 ** (math.log10(lo) + (math.log10(hi) - math.log10(lo)) * i / (n - 1)) for i in range(n)]
    return [round(v) for v in values] if whole else values


CASES = {
    "X-1": ("monthly_tokens_M", (1.0, 1e6, False), dict(preset=LLAMA)),
    "X-2": ("T_eval", (1e3, 1e7, True), dict(preset=LLAMA)),
    "X-3": ("USD_budget", (100.0, 1e9, False), dict(gpu="H100 SXM")),
    "X-5": ("T_eval", (1e3, 1e6, True), dict(preset="Qwen/Qwen2.5-7B", concurrent_users=8)),
    "X-19": ("T_eval", (1e3, 1e7, True), dict(preset=LLAMA)),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=96, help="values per sweep (default 96, one chart curve)")
    parser.add_argument("--repeats", type=int, default=30, help="sweeps timed per recipe")
    args = parser.parse_args()
    print(
        f"python {platform.python_version()} on {platform.machine()}, "
        f"{args.repeats} sweeps x {args.points} values per recipe"
    )
    print(f"{'recipe':<6} {'param':<17} {'median ms/sweep':>16} {'rows/s':>10}")
    total_rows, total_s = 0, 0.0
    for rid, (param, (lo, hi, whole), fixed) in CASES.items():
        values = log_values(lo, hi, args.points, whole)
        sweep(rid, param, values, **fixed)  # warm up
        times = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            rows = sweep(rid, param, values, **fixed)
            times.append(time.perf_counter() - t0)
        assert len(rows) == args.points
        median = statistics.median(times)
        total_rows += args.points * args.repeats
        total_s += sum(times)
        print(f"{rid:<6} {param:<17} {median * 1e3:>16.2f} {args.points / median:>10,.0f}")
    print(f"{'all':<6} {'':<17} {'':>16} {total_rows / total_s:>10,.0f}")


if __name__ == "__main__":
    main()
