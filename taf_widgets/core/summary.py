"""The few numbers that sum up a recipe's answer, for comparisons, model cards and sweeps.

Each entry is ``{"key", "label", "value", "unit"}``, taken from the chain (never
recomputed), so a summary always agrees with the chain it came from. The first
entry is the headline number.
"""

from __future__ import annotations

from typing import Any, Callable

from .recipes import RecipeResult

__all__ = ["key_numbers", "headline"]


def _entry(key: str, label: str, value: Any, unit: str = "") -> dict:
    return {"key": key, "label": label, "value": value, "unit": unit}


def _x1(r: RecipeResult) -> list[dict]:
    be = r.step(6)["result"]
    months = be["Mtok_breakeven"] / r.inputs["monthly_tokens_M"] if "Mtok_breakeven" in be else None
    return [
        _entry("breakeven_months", "break-even", months, "months"),
        _entry("training_USD", "training cost", r.step(3)["result"]["USD"], "USD"),
        _entry("self_USD_per_Mtok", "self-hosted", r.step(4)["result"]["USD_per_Mtok"], "USD/Mtok"),
        _entry("api_USD_per_Mtok", "API", r.step(5)["result"], "USD/Mtok"),
    ]


def _x2(r: RecipeResult) -> list[dict]:
    return [
        _entry("d_horizon", "d_horizon", r.step(3)["result"], "tokens"),
        _entry("gamma_corrected", "γ corrected", r.step(2)["result"]),
        _entry("L_NIAH", "L_NIAH", r.step(4)["result"], "tokens"),
        _entry("kv_GB", "KV cache", r.step(6)["result"]["GB"], "GB"),
    ]


def _x3(r: RecipeResult) -> list[dict]:
    return [
        _entry("N_params", "Chinchilla N", r.step(3)["result"], "params"),
        _entry("gpu_hours", "GPU-hours", r.step(1)["result"], "hours"),
        _entry("memory_GB", "16N memory", r.step(5)["result"]["GB"], "GB"),
    ]


def _x5(r: RecipeResult) -> list[dict]:
    candidates = r.step(4)["result"]
    best = candidates[0] if candidates else None
    return [
        _entry("best_USD_per_Mtok", "best $/Mtok", best["USD_per_Mtok"] if best else None, "USD/Mtok"),
        _entry("best_gpu", "best GPU", best["gpu"] if best else None),
        _entry("memory_GB", "memory needed", r.step(3)["result"]["GB"], "GB"),
        _entry("tok_per_sec", "decode", best["tok_per_sec"] if best else None, "tok/s"),
    ]


def _x19(r: RecipeResult) -> list[dict]:
    return [
        _entry("kv_GB", "KV cache", r.step(5)["result"]["GB"], "GB"),
        _entry("gamma_corrected", "γ corrected", r.step(2)["result"]),
        _entry("D_f", "D_f window", r.step(3)["result"], "tokens"),
        _entry("regime", "soft-decay regime", r.step(4)["result"]),
    ]


def _fit(r: RecipeResult) -> list[dict]:
    total = r.step(5)["result"]
    room = r.step(6)["result"]
    return [
        _entry("max_context_tokens", "longest context", room["max_context_tokens"], "tokens"),
        _entry("weights_GB", "weights", r.step(1)["result"]["GB"], "GB"),
        _entry("kv_GB", "KV cache", r.step(3)["result"]["GB"], "GB"),
        _entry("overhead_GB", "engine overhead", r.step(4)["result"]["GB"], "GB"),
        _entry("total_GB", "memory needed", total["total_GB"], "GB"),
        _entry("usable_GB", "usable memory", total["usable_GB"], "GB"),
        _entry("kv_bytes_per_token", "KV per token", r.step(2)["result"], "bytes"),
        _entry("kv_capacity_tokens", "KV room", room["kv_capacity_tokens"], "tokens"),
        _entry("max_concurrent", "sequences at this context", room["max_concurrent"]),
        _entry("precision_that_fits", "precision that fits", r.step(7)["result"]),
    ]


_SUMMARIES: dict[str, Callable[[RecipeResult], list[dict]]] = {
    "X-1": _x1, "X-2": _x2, "X-3": _x3, "X-5": _x5, "X-19": _x19, "FIT": _fit,
}


def key_numbers(result: RecipeResult) -> list[dict]:
    """The key numbers of ``result``, headline first (see the module docstring)."""
    return _SUMMARIES[result.recipe_id](result)


def headline(result: RecipeResult) -> dict:
    """The single number that best sums up ``result`` (the first key number)."""
    return key_numbers(result)[0]
