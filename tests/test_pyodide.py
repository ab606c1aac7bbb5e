"""taf_widgets.core runs in Pyodide and gives exactly CPython's answers.

One Node process (tests/pyodide/run_core.mjs) loads Pyodide offline from
node_modules/pyodide, copies the real taf_widgets/__init__.py and all of
taf_widgets/core/ into its file system and runs the SAME cases as this file runs
in CPython (passed to it as a JSON file). Every result must be equal, float for
float: both sides are IEEE doubles, and json's float repr round-trips exactly.

Needs Node and `npm ci` (which installs the pinned pyodide devDependency). Without
them this test fails rather than skips: the promise that the core runs in Pyodide
is part of the package.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from taf_widgets.core import InputError, preset_names, run_recipe

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tests" / "pyodide" / "run_core.mjs"
PYODIDE_DIR = ROOT / "node_modules" / "pyodide"
WIDGET_LIBS = ("ipywidgets", "anywidget", "bqplot", "traitlets", "numpy")

T_EVALS = (None, 2048, 8192, 32768, 131072, 1_000_000)  # None: the preset's T_train


def _case(recipe: str, preset: str | None = None, **params: Any) -> dict:
    return {"recipe": recipe, "preset": preset, "params": params}


def _cases() -> list[dict]:
    cases = []
    # every preset at several context lengths (YES, DEGRADED/NO, every X-19 verdict).
    for recipe in ("X-2", "X-19"):
        for preset in preset_names():
            for t_eval in T_EVALS:
                cases.append(_case(recipe, preset) if t_eval is None else _case(recipe, preset, T_eval=t_eval))
    cases += [
        _case("X-1", "meta-llama/Meta-Llama-3-8B"),
        _case("X-1", "meta-llama/Llama-3.2-1B", monthly_tokens_M=1e6, api_model="Claude-Opus-4"),
        _case("X-5", "meta-llama/Meta-Llama-3-8B"),
        _case("X-5", "meta-llama/Llama-3.3-70B-Instruct", bytes_per_weight=0.5, concurrent_users=4, T_eval=32768),
        _case("X-3"),
        _case("X-3", USD_budget=1e6, gpu="A100 80GB", n_gpus=64, mfu=0.38),
        # Bad inputs: InputError naming the field, in both interpreters.
        _case("X-2", "meta-llama/Meta-Llama-3-8B", T_eval=-5),
        _case("X-3", gpu="RTX 5060Ti"),
        _case("X-3", "meta-llama/Meta-Llama-3-8B"),
    ]
    return cases


def _cpython(case: dict) -> dict:
    try:
        res = run_recipe(case["recipe"], case["preset"], **case["params"])
    except InputError as exc:
        out = {"error": {"type": type(exc).__name__, "field": exc.field, "errors": exc.errors, "message": str(exc)}}
    else:
        out = {"ok": res.to_dict()}
    # Same JSON round trip as the Pyodide side (exact for floats).
    return json.loads(json.dumps(out, allow_nan=False))


def _differences(a: Any, b: Any, where: str = "") -> Iterator[str]:
    """Paths where ``a`` (CPython) and ``b`` (Pyodide) differ, in type or value (exactly)."""
    if type(a) is not type(b):
        yield f"{where or '/'}: CPython {a!r} ({type(a).__name__}) vs Pyodide {b!r} ({type(b).__name__})"
    elif isinstance(a, dict):
        for key in a.keys() | b.keys():
            if key not in a or key not in b:
                yield f"{where}/{key}: only in {'CPython' if key in a else 'Pyodide'}"
            else:
                yield from _differences(a[key], b[key], f"{where}/{key}")
    elif isinstance(a, list):
        if len(a) != len(b):
            yield f"{where}: length {len(a)} (CPython) vs {len(b)} (Pyodide)"
        for i, (x, y) in enumerate(zip(a, b)):
            yield from _differences(x, y, f"{where}[{i}]")
    elif a != b:
        # Exact, on purpose, floats included: a libm difference should be seen, not tolerated.
        yield f"{where or '/'}: CPython {a!r} vs Pyodide {b!r}"


def _run_pyodide(cases_file: Path) -> dict:
    node = shutil.which("node")
    if node is None:
        pytest.fail(
            "node is not on PATH: install Node.js 20+ and run `npm ci` in the repository root "
            "(it installs the pinned pyodide devDependency this test needs)."
        )
    if not (PYODIDE_DIR / "pyodide.mjs").is_file():
        pytest.fail(
            f"{PYODIDE_DIR} is missing or incomplete: run `npm ci` in {ROOT} "
            "(pyodide is a devDependency in package.json)."
        )
    proc = subprocess.run(
        [node, str(SCRIPT), str(ROOT), str(cases_file)], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    if proc.returncode != 0:
        pytest.fail(
            f"run_core.mjs exited {proc.returncode}.\nstderr:\n{proc.stderr[-6000:]}\nstdout:\n{proc.stdout[-2000:]}"
        )
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one JSON line on stdout, got {len(lines)}:\n{proc.stdout[-2000:]}"
    return json.loads(lines[0])


@pytest.mark.slow
def test_core_in_pyodide_matches_cpython(tmp_path: Path) -> None:
    cases = _cases()
    cases_file = tmp_path / "cases.json"
    cases_file.write_text(json.dumps(cases), encoding="utf-8")

    out = _run_pyodide(cases_file)
    counts = Counter(c["recipe"] for c in cases)
    errors = sum(1 for r in out.get("results", []) if "error" in r)
    header = (
        f"Pyodide {out.get('pyodide_version')} | Python {out.get('python_version')} "
        f"| platform {out.get('platform')} | taf_widgets {out.get('taf_widgets_version')}\n"
        f"recipes run: {', '.join(f'{r}×{n}' for r, n in sorted(counts.items()))} "
        f"({len(cases)} cases, {errors} InputError cases) | "
        f"absent: {out.get('absent_modules')}"
    )
    print("\n" + header)

    # Really Pyodide, with the real package entry and no widget stack.
    assert out["platform"] == "emscripten", header
    assert out["pyodide_version"], header
    assert out["taf_widgets_version"] == "0.0.0+unknown", header  # importlib.metadata fallback
    assert "taf_widgets/__init__.py" in out["files_copied"], header
    assert {"taf_widgets/core/recipes/__init__.py", "taf_widgets/core/data/presets.json"} <= set(out["files_copied"]), (
        header
    )
    assert out["absent_modules"] == {name: "ModuleNotFoundError" for name in WIDGET_LIBS}, header
    assert out["widget_modules_loaded"] == [], header

    results = out["results"]
    assert len(results) == len(cases), header

    # Bad input: InputError naming its field, inside Pyodide.
    bad = {i: results[i]["error"]["field"] for i, r in enumerate(results) if "error" in r}
    assert list(bad.values()) == ["T_eval", "gpu", "preset"], f"{header}\nerror fields: {bad}"
    assert results[list(bad)[0]]["error"]["type"] == "InputError", header

    # Every case, equal to CPython's answer, exactly.
    mismatches = []
    for case, got in zip(cases, results):
        want = _cpython(case)
        diffs = list(_differences(want, got))
        if diffs:
            mismatches.append(f"{case}:\n    " + "\n    ".join(diffs[:10]))
    assert not mismatches, f"{header}\n{len(mismatches)} case(s) differ:\n" + "\n".join(mismatches[:10])
