"""Sweeps: one row per value, numbers identical to single runs, rejected values, pandas optional."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from taf_widgets.core import RECIPES, InputError, SweepRows, run_recipe, sweep
from taf_widgets.core.recipes import to_jsonable
from taf_widgets.core.sweep import MAX_SWEEP_VALUES, sweep_columns

LLAMA = "meta-llama/Meta-Llama-3-8B"
REPO = Path(__file__).resolve().parents[1]

# One realistic sweep per recipe: (param, values, preset, fixed).
CASES = {
    "X-1": ("monthly_tokens_M", [1.0, 10.0, 1000.0, 1e5], LLAMA, {}),
    "X-2": ("T_eval", [1024, 8192, 32000, 131072, 1_000_000], LLAMA, {}),
    "X-3": ("USD_budget", [100.0, 5000.0, 1e6, 1e8], None, {"gpu": "H100 SXM"}),
    "X-5": ("concurrent_users", [1, 8, 64, 512], "Qwen/Qwen2.5-7B", {"T_eval": 32768}),
    "X-19": ("T_eval", [2048, 8192, 65536, 10**6], LLAMA, {}),
}


@pytest.mark.parametrize("rid", list(CASES))
def test_one_row_per_value_in_order(rid):
    param, values, preset, fixed = CASES[rid]
    rows = sweep(rid, param, values, preset=preset, **fixed)
    assert isinstance(rows, SweepRows) and isinstance(rows, list)
    assert len(rows) == len(values)
    assert [row[param] for row in rows] == values


@pytest.mark.parametrize("rid", list(CASES))
def test_every_row_has_the_declared_columns(rid):
    param, values, preset, fixed = CASES[rid]
    rows = sweep(rid, param, values, preset=preset, **fixed)
    assert rows.columns == sweep_columns(rid, param)
    assert all(list(row) == rows.columns for row in rows)


def _numbers(obj) -> list:
    if isinstance(obj, bool):
        return []
    if isinstance(obj, (int, float)):
        return [obj]
    if isinstance(obj, dict):
        return [n for v in obj.values() for n in _numbers(v)]
    if isinstance(obj, list):
        return [n for v in obj for n in _numbers(v)]
    return []


# Row numbers computed from chain numbers rather than copied from one.
DERIVED = {"breakeven_months", "d_horizon_tokens", "GPUs_that_fit"}


@pytest.mark.parametrize("rid", list(CASES))
def test_verdicts_and_numbers_equal_single_runs(rid):
    param, values, preset, fixed = CASES[rid]
    rows = sweep(rid, param, values, preset=preset, **fixed)
    for value, row in zip(values, rows):
        single = run_recipe(rid, preset=preset, **fixed, **{param: value})
        assert row["verdict"] == single.verdict and row["tone"] == single.tone
        chain_numbers = _numbers([s["result"] for s in single.chain])
        for key, number in row.items():
            if key not in (param, *DERIVED) and isinstance(number, (int, float)) and not isinstance(number, bool):
                assert number in chain_numbers, (key, number)


def test_x2_row_carries_the_chain_key_numbers():
    row = sweep("X-2", "T_eval", [32000], preset=LLAMA)[0]
    single = run_recipe("X-2", preset=LLAMA, T_eval=32000)
    assert row["gamma_pade"] == single.step(1)["result"]
    assert row["gamma_corrected"] == single.step(2)["result"]
    assert row["d_horizon_tokens"] == single.step(3)["result"]
    assert row["L_NIAH_tokens"] == single.step(4)["result"]
    assert row["P_hallucinate"] == single.step(5)["result"]
    assert row["KV_cache_GB"] == single.step(6)["result"]["GB"]
    assert row["error"] is None


def test_not_applicable_numbers_are_none():
    row = sweep("X-2", "T_eval", [10**7], preset=LLAMA)[0]
    assert row["verdict"] == "NO" and row["d_horizon_tokens"] is None and row["L_NIAH_tokens"] is None


def test_x5_row_names_the_best_gpu_of_the_chain():
    row = sweep("X-5", "N_params", [8e9])[0]
    best = run_recipe("X-5", N_params=8e9).step(4)["result"][0]
    assert row["best_gpu"] == best["gpu"] and row["best_USD_per_Mtok"] == best["USD_per_Mtok"]


def test_swept_values_are_coerced_like_inputs():
    rows = sweep("X-2", "T_eval", ["32000", 32000.0], preset=LLAMA)
    assert [row["T_eval"] for row in rows] == [32000, 32000]


def test_a_generator_is_accepted():
    rows = sweep("X-3", "USD_budget", (10.0**k for k in range(3, 7)))
    assert len(rows) == 4


def test_a_rejected_value_raises_by_default_naming_the_param():
    with pytest.raises(InputError) as exc:
        sweep("X-2", "T_eval", [1024, -5], preset=LLAMA)
    assert exc.value.field == "T_eval"


def test_on_error_row_keeps_a_row_with_the_message():
    rows = sweep("X-2", "T_eval", [1024, -5, "abc", 2048], preset=LLAMA, on_error="row")
    assert [row["verdict"] is None for row in rows] == [False, True, True, False]
    assert "T_eval" in rows[1]["error"] and rows[1]["gamma_pade"] is None
    assert rows[0]["error"] is None


def test_a_bad_fixed_value_raises_even_with_on_error_row():
    with pytest.raises(InputError) as exc:
        sweep("X-2", "T_eval", [1024], preset=LLAMA, on_error="row", theta=-1)
    assert exc.value.field == "theta"


@pytest.mark.parametrize(
    "kwargs, field",
    [
        (dict(recipe_id="X-9", param="T_eval", values=[1]), "recipe_id"),
        (dict(recipe_id="X-2", param="T_evl", values=[1]), "param"),
        (dict(recipe_id="X-2", param="T_eval", values=[]), "values"),
        (dict(recipe_id="X-2", param="T_eval", values="32000"), "values"),
        (dict(recipe_id="X-2", param="T_eval", values=5), "values"),
        (dict(recipe_id="X-2", param="T_eval", values={"a": 1}), "values"),
        (dict(recipe_id="X-2", param="T_eval", values=[1], on_error="ignore"), "on_error"),
        (dict(recipe_id="X-2", param="T_eval", values=[1], T_eval=5), "T_eval"),
    ],
)
def test_bad_sweep_arguments_are_rejected_naming_the_field(kwargs, field):
    with pytest.raises(InputError) as exc:
        sweep(preset=LLAMA, **kwargs)
    assert exc.value.field == field


def test_too_many_values_are_rejected_without_running_them():
    endless = iter(lambda: 1024, None)  # never ends
    started = time.perf_counter()
    with pytest.raises(InputError) as exc:
        sweep("X-2", "T_eval", endless, preset=LLAMA)
    assert exc.value.field == "values" and f"{MAX_SWEEP_VALUES:,}" in str(exc.value)
    assert time.perf_counter() - started < 5


def test_column_gives_a_chart_series():
    rows = sweep("X-2", "T_eval", [1024, 2048], preset=LLAMA)
    assert rows.column("T_eval") == [1024, 2048]
    with pytest.raises(InputError):
        rows.column("nope")


def test_rows_are_json_clean():
    for rid, (param, values, preset, fixed) in CASES.items():
        json.dumps(to_jsonable(list(sweep(rid, param, values, preset=preset, **fixed))), allow_nan=False)


def test_fast_enough_to_drive_a_chart():
    values = list(range(1000, 1000 + 96 * 100, 100))  # one 96-point curve
    started = time.perf_counter()
    sweep("X-2", "T_eval", values, preset=LLAMA)
    assert time.perf_counter() - started < 0.5


def test_to_dataframe_has_one_column_per_key():
    import pandas

    rows = sweep("X-2", "T_eval", [1024, 2048, 4096], preset=LLAMA)
    frame = rows.to_dataframe()
    assert isinstance(frame, pandas.DataFrame)
    assert list(frame.columns) == rows.columns and len(frame) == 3
    assert frame["KV_cache_GB"].tolist() == rows.column("KV_cache_GB")


BLOCK_PANDAS = """
import sys
class _Blocker:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] == "pandas":
            raise ImportError("blocked: pandas")
        return None
sys.meta_path.insert(0, _Blocker())
from taf_widgets.core import sweep
rows = sweep("X-2", "T_eval", [1024, 2048], preset="meta-llama/Meta-Llama-3-8B")
print("rows", len(rows))
try:
    rows.to_dataframe()
except ImportError as exc:
    print("error:", exc)
print("pandas loaded:", any(m.partition(".")[0] == "pandas" for m in sys.modules))
"""


def test_sweeps_work_without_pandas_and_to_dataframe_says_what_is_missing():
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run(
        [sys.executable, "-c", BLOCK_PANDAS], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert "rows 2" in proc.stdout
    assert "error: to_dataframe needs pandas" in proc.stdout
    assert "pandas loaded: False" in proc.stdout


def test_every_recipe_has_sweep_columns():
    for rid in RECIPES:
        assert sweep_columns(rid, "x")[:3] == ["x", "verdict", "tone"]
