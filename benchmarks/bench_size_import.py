"""Size of the built front end and import time of the Python package.

    python benchmarks/bench_size_import.py [--runs 10]

Bundle: ``taf_widgets/static/recipe.js`` as shipped (``npm run build``: esbuild
--bundle --minify), in bytes and gzipped (level 9), plus a fresh build of
``js/recipe.js`` with the same flags into a temporary folder (never into the
package) with esbuild's metafile: bytes per source module, and whether the
shipped file matches the sources.

Import time: each import in a fresh ``python -c`` subprocess, timed inside it
with ``perf_counter`` around the import statement (interpreter start-up not
included), median, min and max of ``--runs`` after two warm-up runs, with the
CPU time (``process_time``) beside the wall clock: on a busy box the gap between
them is time spent waiting for a CPU. Byte code is
cached in a temporary ``PYTHONPYCACHEPREFIX``, as in a normal install. The
slowest modules under ``from taf_widgets import RecipeWidget`` come from
``python -X importtime`` (self time, one run).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "taf_widgets" / "static" / "recipe.js"
ESBUILD = ROOT / "node_modules" / ".bin" / "esbuild"

IMPORTS = {
    "import taf_widgets.core": "import taf_widgets.core",
    "import taf_widgets": "import taf_widgets",
    "from taf_widgets import RecipeWidget": "from taf_widgets import RecipeWidget",
}


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def bundle_report() -> tuple[int | None, int | None]:
    print("Bundle (built JS)")
    shipped = BUNDLE.read_bytes() if BUNDLE.exists() else None
    if shipped is None:
        print(f"  {BUNDLE.relative_to(ROOT)}: missing (run npm run build)")
    else:
        print(f"  shipped {BUNDLE.relative_to(ROOT)}: {len(shipped):,} bytes minified, {gz(shipped):,} bytes gzipped")
    if not ESBUILD.exists():
        print("  (esbuild not installed: npm ci, for the per-module breakdown)")
        return (len(shipped), gz(shipped)) if shipped else (None, None)
    with tempfile.TemporaryDirectory(prefix="taf-bundle-") as tmp:
        meta = Path(tmp) / "meta.json"
        cmd = [
            str(ESBUILD),
            "js/recipe.js",
            "--bundle",
            "--format=esm",
            "--minify",
            "--target=es2020",
            f"--outdir={tmp}",
            f"--metafile={meta}",
            "--log-level=warning",
        ]
        subprocess.run(cmd, cwd=ROOT, check=True)
        fresh = (Path(tmp) / "recipe.js").read_bytes()
        info = json.loads(meta.read_text())
    status = "same as shipped" if fresh == shipped else "DIFFERS from the shipped file (run npm run build)"
    print(f"  fresh build of js/: {len(fresh):,} bytes minified, {gz(fresh):,} bytes gzipped ({status})")
    inputs = next(iter(info["outputs"].values()))["inputs"]
    parts = sorted(((v["bytesInOutput"], k) for k, v in inputs.items()), reverse=True)
    print("  minified bytes per module: " + ", ".join(f"{k} {b:,}" for b, k in parts))
    data = shipped if shipped is not None else fresh
    return len(data), gz(data)


def time_import(stmt: str, runs: int, env: dict) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of ``stmt``, each in a fresh interpreter."""
    code = (
        "import time; t0 = time.perf_counter(); c0 = time.process_time(); "
        + stmt
        + "; print((time.perf_counter() - t0) * 1e3, (time.process_time() - c0) * 1e3)"
    )
    wall, cpu = [], []
    for i in range(runs + 2):
        out = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
        )
        if i >= 2:
            w, c = out.stdout.strip().splitlines()[-1].split()
            wall.append(float(w))
            cpu.append(float(c))
    return wall, cpu


def importtime_rows(stmt: str, env: dict) -> list[tuple[int, int, str]]:
    """(self µs, cumulative µs, module) for each module ``stmt`` imports, start-up modules left out."""

    def rows(code: str) -> list[tuple[int, int, str]]:
        out = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", code],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        found = []
        for line in out.stderr.splitlines():
            if not line.startswith("import time:") or "self [us]" in line:
                continue
            self_us, cum_us, name = line[len("import time:") :].split("|", 2)
            found.append((int(self_us), int(cum_us), name.strip()))
        return found

    startup = {name for _, _, name in rows("pass")}
    return [r for r in rows(stmt) if r[2] not in startup]


def by_package(rows: list[tuple[int, int, str]]) -> list[tuple[str, float]]:
    totals: dict[str, int] = {}
    for self_us, _, name in rows:
        pkg = name.split(".")[0]
        totals[pkg] = totals.get(pkg, 0) + self_us
    return [(k, v / 1e3) for k, v in sorted(totals.items(), key=lambda kv: -kv[1])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()

    size, gzipped = bundle_report()

    cache = tempfile.mkdtemp(prefix="taf-pycache-")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = cache
    # The source tree first, as the other benchmarks run it.
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    try:
        print(
            f"\nImport time (fresh python {sys.version.split()[0]} per run, {args.runs} runs after 2 warm-up, "
            "byte code cached)"
        )
        results = {}
        cpu_results = {}
        for label, stmt in IMPORTS.items():
            wall, cpu = time_import(stmt, args.runs, env)
            results[label] = statistics.median(wall)
            cpu_results[label] = statistics.median(cpu)
            print(
                f"  {label:<38} median {statistics.median(wall):7.1f} ms   min {min(wall):7.1f}   "
                f"max {max(wall):7.1f}   (CPU time median {statistics.median(cpu):7.1f} ms)"
            )
        print("  where the time goes (python -X importtime, one run, self time summed by top-level package;")
        print("  -X importtime itself adds some overhead):")
        for label in ("import taf_widgets.core", "from taf_widgets import RecipeWidget"):
            rows = importtime_rows(IMPORTS[label], env)
            packages = by_package(rows)
            print(
                f"    {label} ({sum(v for _, v in packages):.0f} ms): "
                + ", ".join(f"{k} {v:.1f}" for k, v in packages[:10])
            )
            if label.startswith("import taf_widgets.core"):
                # Cumulative: a module with everything it imported first.
                cum = sorted(
                    ((r[1], r[2]) for r in rows if r[2].startswith("taf_widgets") or r[2] == "importlib.metadata"),
                    reverse=True,
                )
                print("      cumulative: " + ", ".join(f"{name} {us / 1e3:.1f}" for us, name in cum[:7]))
    finally:
        shutil.rmtree(cache, ignore_errors=True)

    print("\ntargets")
    if size is not None:
        print(
            f"  {'met   ' if size <= 30_000 else 'MISSED'}  built JS ≤ 30 KB minified: {size / 1e3:.1f} KB "
            f"({gzipped / 1e3:.1f} KB gzipped)"
        )
    core = results["import taf_widgets.core"]
    note = ""
    if core > 1.5 * cpu_results["import taf_widgets.core"]:
        note = (
            f" (its CPU time is {cpu_results['import taf_widgets.core']:.1f} ms: the rest is waiting for "
            f"the CPU, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)"
        )
    print(f"  {'met   ' if core <= 50 else 'MISSED'}  import taf_widgets.core ≤ 50 ms: {core:.1f} ms median{note}")


if __name__ == "__main__":
    main()
