"""taf_widgets.core runs with the standard library only (a CLI, a test, Pyodide).

Each check runs in a fresh interpreter, so modules imported by other tests in this
process cannot hide a dependency.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BLOCKED = ("ipywidgets", "anywidget", "traitlets", "bqplot", "numpy")

BLOCKER = f"""
import sys
BLOCKED = {BLOCKED!r}

class _Blocker:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ImportError(f"blocked by the isolation test: {{name}}")
        return None

sys.meta_path.insert(0, _Blocker())
"""

RUN_ALL = (
    BLOCKER
    + """
import json
before = set(sys.modules)
import taf_widgets.core as core

LLAMA = "meta-llama/Meta-Llama-3-8B"
results = {
    "X-1": core.run_recipe("X-1", preset=LLAMA).verdict,
    "X-2": core.run_recipe("X-2", preset=LLAMA, T_eval=32000).verdict,
    "X-3": core.run_recipe("X-3", USD_budget=5000.0, n_gpus=1).verdict,
    "X-5": core.run_recipe("X-5", preset=LLAMA).verdict,
    "X-19": core.run_recipe("X-19", preset=LLAMA).verdict,
}
for rid, verdict in results.items():
    print(f"{rid}: {verdict}")
    json.dumps(core.run_recipe(rid, **({} if rid == "X-3" else {"preset": LLAMA})).to_dict(), allow_nan=False)
try:
    core.run_recipe("X-1", N_params="abc")
except core.InputError as err:
    print("error field:", err.field)
print("BLOCKED LOADED:", sorted(m for m in sys.modules if m.partition(".")[0] in BLOCKED))
"""
)

IMPORTS_ONLY_STDLIB = """
import json
import sys
before = set(sys.modules)
import taf_widgets.core as core
core.run_recipe("X-2", preset="meta-llama/Meta-Llama-3-8B")
core.run_recipe("X-1", N_params=8e9)
core.run_recipe("X-3")
core.run_recipe("X-5", N_params=8e9)
core.run_recipe("X-19", preset="meta-llama/Meta-Llama-3-8B")
new = sorted(set(sys.modules) - before)
print(json.dumps({"new": new, "all": sorted(sys.modules)}))
"""


def run_python(code: str, *flags: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return subprocess.run(
        [sys.executable, *flags, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )


def test_core_runs_every_recipe_with_widget_libraries_blocked():
    proc = run_python(RUN_ALL)
    assert proc.returncode == 0, (
        f"importing or running taf_widgets.core needed a blocked module ({', '.join(BLOCKED)}):\n{proc.stderr}"
    )
    lines = proc.stdout.splitlines()
    assert "X-1: NO (API)" in lines
    assert "X-2: YES" in lines
    assert "X-3: MEMORY-LIMITED" in lines
    assert "X-5: YES" in lines
    assert "X-19: USE SOFT DECAY (caveat)" in lines
    assert "error field: N_params" in lines
    assert "BLOCKED LOADED: []" in lines


def test_the_blocker_really_blocks():
    proc = run_python(BLOCKER + "import numpy\n")
    assert proc.returncode != 0
    assert "blocked by the isolation test" in proc.stderr


def _non_stdlib(names):
    stdlib = set(sys.stdlib_module_names) | set(sys.builtin_module_names)
    return sorted(
        n for n in names if not n.startswith("taf_widgets") and n != "__main__" and n.partition(".")[0] not in stdlib
    )


def test_core_imports_only_the_standard_library():
    proc = run_python(IMPORTS_ONLY_STDLIB)
    assert proc.returncode == 0, proc.stderr
    modules = json.loads(proc.stdout.strip().splitlines()[-1])
    assert _non_stdlib(modules["new"]) == [], "taf_widgets.core imported non-stdlib modules"


def test_core_imports_only_the_standard_library_without_site():
    # -S: no site-packages and no .pth hooks, so every module loaded is ours or the stdlib's.
    proc = run_python(IMPORTS_ONLY_STDLIB, "-S")
    assert proc.returncode == 0, proc.stderr
    modules = json.loads(proc.stdout.strip().splitlines()[-1])
    assert _non_stdlib(modules["all"]) == []
