"""Sweeps: run one recipe over many values of one parameter (standard library only).

``sweep("X-2", "T_eval", [4096, 8192, 32768], preset="meta-llama/Meta-Llama-3-8B")``
returns one row per value: the value used, the verdict and the chain's key numbers,
each computed by :func:`run_recipe` itself, so every number equals a single run's.
The rows are plain dicts (a list you can chart or dump to JSON);
``rows.to_dataframe()`` turns them into a pandas DataFrame when pandas is installed.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from typing import Any, Callable

from . import formulas as F
from .catalogs import get_gpu, gpu_names
from .errors import InputError
from .recipes import RecipeResult, get_recipe, run_recipe, x5_serving_candidates

__all__ = ["sweep", "SweepRows", "sweep_columns", "MAX_SWEEP_VALUES"]

MAX_SWEEP_VALUES = 100_000
"""Most values one sweep takes (about a second of work for the slowest recipe)."""


def _x2(r: RecipeResult) -> dict:
    return {
        "gamma_pade": r.step(1)["result"],
        "gamma_corrected": r.step(2)["result"],
        "d_horizon_tokens": r.step(3)["result"],
        "L_NIAH_tokens": r.step(4)["result"],
        "P_hallucinate": r.step(5)["result"],
        "KV_cache_GB": r.step(6)["result"]["GB"],
    }


def _x1(r: RecipeResult) -> dict:
    be = r.step(6)["result"]
    months = be["Mtok_breakeven"] / r.inputs["monthly_tokens_M"] if "Mtok_breakeven" in be else None
    return {
        "D_tokens": r.step(1)["result"],
        "training_FLOPs": r.step(2)["result"],
        "training_USD": r.step(3)["result"]["USD"],
        "training_days": r.step(3)["result"]["days"],
        "self_USD_per_Mtok": r.step(4)["result"]["USD_per_Mtok"],
        "api_USD_per_Mtok": r.step(5)["result"],
        "breakeven_Mtok": be.get("Mtok_breakeven"),
        "breakeven_months": months,
    }


def _x3(r: RecipeResult) -> dict:
    memory_GB = r.step(5)["result"]["GB"]
    return {
        "GPU_hours": r.step(1)["result"],
        "max_FLOPs": r.step(2)["result"],
        "optimal_N_params": r.step(3)["result"],
        "tier": r.step(4)["result"],
        "training_memory_GB": memory_GB,
        "fits_one_GPU": memory_GB <= get_gpu(r.inputs["gpu"])["vram_GB"],
    }


def _x5(r: RecipeResult) -> dict:
    total_GB = r.step(3)["result"]["GB"]
    ranked = r.step(4)["result"]
    best = ranked[0] if ranked else {}
    return {
        "weights_GB": r.step(1)["result"]["GB"],
        "KV_cache_GB": r.step(2)["result"]["GB"],
        "total_GB": total_GB,
        "GPUs_that_fit": (len(x5_serving_candidates(r.inputs)) if "per_gpu_GB" in r.step(3)["result"]
                          else sum(1 for n in gpu_names() if get_gpu(n)["vram_GB"] >= total_GB)),
        "best_gpu": best.get("gpu"),
        "best_USD_per_Mtok": best.get("USD_per_Mtok"),
        "best_tok_per_sec": best.get("tok_per_sec"),
    }


def _x19(r: RecipeResult) -> dict:
    gamma = r.step(2)["result"]
    return {
        "gamma_pade": r.step(1)["result"],
        "gamma_corrected": gamma,
        "D_f_tokens": r.step(3)["result"],
        "soft_decay_regime": r.step(4)["result"],
        "d_horizon_tokens": F.d_horizon(r.inputs["theta"], gamma),
        "KV_cache_GB": r.step(5)["result"]["GB"],
    }


def _fit(r: RecipeResult) -> dict:
    total = r.step(5)["result"]
    room = r.step(6)["result"]
    return {
        "weights_GB": r.step(1)["result"]["GB"],
        "kv_GB": r.step(3)["result"]["GB"],
        "overhead_GB": r.step(4)["result"]["GB"],
        "total_GB": total["total_GB"],
        "usable_GB": total["usable_GB"],
        "kv_bytes_per_token": r.step(2)["result"],
        "kv_capacity_tokens": room["kv_capacity_tokens"],
        "max_context_tokens": room["max_context_tokens"],
        "max_concurrent": room["max_concurrent"],
        "precision_that_fits": r.step(7)["result"],
    }


_KEY_NUMBERS: dict[str, Callable[[RecipeResult], dict]] = {
    "X-1": _x1, "X-2": _x2, "X-3": _x3, "X-5": _x5, "X-19": _x19, "FIT": _fit,
}
# Column names of each recipe's key numbers, in row order (for empty rows and DataFrames).
_COLUMNS = {
    "X-2": ("gamma_pade", "gamma_corrected", "d_horizon_tokens", "L_NIAH_tokens", "P_hallucinate", "KV_cache_GB"),
    "X-1": ("D_tokens", "training_FLOPs", "training_USD", "training_days", "self_USD_per_Mtok",
            "api_USD_per_Mtok", "breakeven_Mtok", "breakeven_months"),
    "X-3": ("GPU_hours", "max_FLOPs", "optimal_N_params", "tier", "training_memory_GB", "fits_one_GPU"),
    "X-5": ("weights_GB", "KV_cache_GB", "total_GB", "GPUs_that_fit", "best_gpu", "best_USD_per_Mtok",
            "best_tok_per_sec"),
    "X-19": ("gamma_pade", "gamma_corrected", "D_f_tokens", "soft_decay_regime", "d_horizon_tokens",
             "KV_cache_GB"),
    "FIT": ("weights_GB", "kv_GB", "overhead_GB", "total_GB", "usable_GB", "kv_bytes_per_token",
            "kv_capacity_tokens", "max_context_tokens", "max_concurrent", "precision_that_fits"),
}


def sweep_columns(recipe_id: str, param: str) -> list[str]:
    """The keys of every row of ``sweep(recipe_id, param, ...)``, in order."""
    rid = get_recipe(recipe_id).id
    return [param, "verdict", "tone", *_COLUMNS[rid], "confidence", "caveats", "error"]


class SweepRows(list):
    """The rows of a sweep: a list of dicts, plus what was swept and a DataFrame view.

    Each row holds the swept value (as the recipe used it), ``verdict``, ``tone``, the
    recipe's key numbers, ``confidence`` (the band), ``caveats`` (the codes, comma-separated) and ``error`` (None, or the message when ``on_error="row"``
    kept a value the recipe rejected). ``None`` means "not applicable", as in a result.
    """

    def __init__(self, rows: Iterable[dict], recipe_id: str, param: str) -> None:
        super().__init__(rows)
        self.recipe_id = recipe_id
        self.param = param
        self.columns = sweep_columns(recipe_id, param)

    def column(self, name: str) -> list:
        """Every row's value of ``name`` (a chart's x or y)."""
        if name not in self.columns:
            raise InputError("column", name, "must be one of: " + ", ".join(self.columns))
        return [row[name] for row in self]

    def to_dataframe(self) -> Any:
        """A pandas DataFrame of the rows, one column per key. pandas is optional:
        without it this raises ImportError and the rows stay usable as plain dicts."""
        try:
            import pandas
        except ImportError:
            raise ImportError("to_dataframe needs pandas (pip install pandas); the sweep rows "
                              "themselves are plain dicts and need nothing") from None
        return pandas.DataFrame(list(self), columns=self.columns)


def sweep(recipe_id: str, param: str, values: Iterable[Any], preset: str | None = None, *,
          on_error: str = "raise", **fixed: Any) -> SweepRows:
    """Run ``recipe_id`` once per value of ``param``, everything else held at ``fixed``
    (over ``preset`` where given). Returns :class:`SweepRows`, one row per value, in order.

    ``on_error="raise"`` (the default) raises the first :class:`InputError`;
    ``on_error="row"`` keeps a row for a rejected value, with its message in ``error``
    and ``None`` for the verdict and numbers (a chart then shows a gap).
    """
    recipe = get_recipe(recipe_id)
    names = [p.name for p in recipe.params]
    if not isinstance(param, str) or param not in names:
        raise InputError("param", param, f"must be a parameter of {recipe.id}: " + ", ".join(names))
    if param in fixed:
        raise InputError(param, fixed[param], "is the swept parameter: give its values in values, "
                                              "not as a fixed value")
    if on_error not in ("raise", "row"):
        raise InputError("on_error", on_error, "must be 'raise' or 'row'")
    if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Iterable):
        raise InputError("values", values, f"must be a list (or other iterable) of {param} values")
    values = list(itertools.islice(values, MAX_SWEEP_VALUES + 1))
    if not values:
        raise InputError("values", values, "must hold at least one value")
    if len(values) > MAX_SWEEP_VALUES:
        raise InputError("values", f"more than {MAX_SWEEP_VALUES:,} values",
                         f"must hold at most {MAX_SWEEP_VALUES:,} values")

    key_numbers = _KEY_NUMBERS[recipe.id]
    blank = dict.fromkeys(_COLUMNS[recipe.id])
    rows = []
    for value in values:
        try:
            result = run_recipe(recipe.id, preset, **fixed, **{param: value})
        except InputError as exc:
            if on_error == "raise" or param not in exc.errors:
                raise
            rows.append({param: value, "verdict": None, "tone": None, **blank, "confidence": None, "caveats": None,
                         "error": str(exc)})
            continue
        rows.append({param: result.inputs[param], "verdict": result.verdict, "tone": result.tone,
                     **key_numbers(result), "confidence": result.confidence["band"],
                     "caveats": ",".join(result.caveats), "error": None})
    return SweepRows(rows, recipe.id, param)
