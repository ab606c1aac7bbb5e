"""Every benchmark of taf-widgets, one after the other, with their figures and targets.

    python3 benchmarks/run_all.py [--cpu-profile]

Runs bench_core.py (µs per run_recipe), bench_sweep.py (sweep rows per second), bench_widget.py (kernel-side update),
bench_size_import.py (bundle size, import time), serving_reality.py (predictions against public
measurements of real servers) and bench_browser.py (slider
latency in Voilà against the interact + matplotlib baseline), then repeats every
target line. Each script also runs on its own; see its docstring for what it times.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

SCRIPTS = [
    ("core: run_recipe", ["bench_core.py", "--batches", "30"]),
    ("core: sweeps", ["bench_sweep.py"]),
    ("kernel side: one widget update", ["bench_widget.py"]),
    ("bundle size and import time", ["bench_size_import.py"]),
    ("how close to real servers: predicted vs measured", ["serving_reality.py"]),
    ("browser: slider latency in Voilà, ours vs interact + matplotlib", ["bench_browser.py"]),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cpu-profile", action="store_true", help="add a JS CPU profile to the browser benchmark")
    args = parser.parse_args()
    targets: list[str] = []
    failed = []
    started = time.monotonic()
    for title, cmd in SCRIPTS:
        if args.cpu_profile and cmd[0] == "bench_browser.py":
            cmd = [*cmd, "--cpu-profile"]
        print(f"\n{'═' * 100}\n{title}   (python3 benchmarks/{' '.join(cmd)})\n{'═' * 100}", flush=True)
        t0 = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, str(HERE / cmd[0]), *cmd[1:]],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        in_targets = False
        for line in proc.stdout:
            print(line, end="", flush=True)
            if line.strip() == "targets" or line.startswith("targets"):
                in_targets = True
            elif in_targets and line.startswith("  ") and line.split()[0] in ("met", "MISSED"):
                targets.append(line.rstrip())
        proc.wait()
        print(f"[{cmd[0]} took {time.monotonic() - t0:.0f} s]")
        if proc.returncode != 0:
            failed.append(cmd[0])
    print(
        f"\n{'═' * 100}\nall targets ({time.monotonic() - started:.0f} s in all; load average now "
        f"{os.getloadavg()[0]:.2f})\n{'═' * 100}"
    )
    print("\n".join(targets))
    if failed:
        print("FAILED to run: " + ", ".join(failed))
        sys.exit(1)


if __name__ == "__main__":
    main()
