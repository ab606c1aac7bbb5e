"""The GPU catalog, API prices and model presets, shipped as data in the package.

The bundled rows live in ``data/*.json`` with their units and an "as of" note.
Rows can be added at run time with :func:`register_gpu`,
:func:`register_api_model` and :func:`register_preset`; they are validated like
any input. Names are data: any non-empty text, always shown literally.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from .errors import InputError
from .params import ARCHITECTURE, coerce

__all__ = [
    "get_gpu",
    "gpu_names",
    "get_api_price",
    "api_model_names",
    "get_preset",
    "preset_names",
    "list_presets",
    "register_gpu",
    "register_api_model",
    "register_preset",
    "catalog_info",
    "catalog_revision",
    "row_origin",
    "choice_names",
]

_DATA = Path(__file__).with_name("data")


def _load(name: str) -> dict:
    with open(_DATA / f"{name}.json", encoding="utf-8") as fh:
        return json.load(fh)


_gpu_file = _load("gpus")
_api_file = _load("api_prices")
_preset_file = _load("presets")

_GPUS: dict[str, dict] = dict(_gpu_file["rows"])
_API: dict[str, dict] = dict(_api_file["rows"])
_PRESETS: dict[str, dict] = dict(_preset_file["rows"])
_ORIGIN: dict[tuple[str, str], str] = {}
_revision = 0


def catalog_info() -> dict:
    """Units and "as of" notes of the three catalogs, and how many rows each has now."""
    return {
        "gpus": {"as_of": _gpu_file["as_of"], "units": dict(_gpu_file["units"]), "rows": len(_GPUS)},
        "api_prices": {"as_of": _api_file["as_of"], "units": dict(_api_file["units"]), "rows": len(_API)},
        "presets": {"as_of": _preset_file["as_of"], "units": dict(_preset_file["units"]), "rows": len(_PRESETS)},
    }


def catalog_revision() -> int:
    """A counter that goes up whenever a row is registered (so choice lists can refresh)."""
    return _revision


def row_origin(catalog: str, name: str) -> str:
    """Where a row came from: "bundled", or what registered it ("registered", a file name)."""
    tables = {"gpus": _GPUS, "api_prices": _API, "presets": _PRESETS}
    if catalog not in tables:
        raise InputError("catalog", catalog, "must be one of: " + ", ".join(repr(t) for t in tables))
    if name not in tables[catalog]:
        raise _unknown("name", name, list(tables[catalog]))
    return _ORIGIN.get((catalog, name), "bundled")


def _unknown(field: str, name: Any, names: list[str]) -> InputError:
    return InputError(field, name, "must be one of: " + ", ".join(repr(n) for n in names))


def gpu_names() -> list[str]:
    """Names of every GPU in the catalog, bundled first, in catalog order."""
    return list(_GPUS)


def get_gpu(name: str) -> dict:
    """The catalog row of GPU ``name``: flops (TFLOP/s BF16), vram_GB, bw_GB_s, usd_h, tdp (W)."""
    if not isinstance(name, str) or name not in _GPUS:
        raise _unknown("gpu", name, gpu_names())
    return _GPUS[name]


def api_model_names() -> list[str]:
    """Names of every priced API model."""
    return list(_API)


def get_api_price(name: str) -> dict:
    """USD per million tokens of API model ``name``: keys input, output."""
    if not isinstance(name, str) or name not in _API:
        raise _unknown("api_model", name, api_model_names())
    return _API[name]


def preset_names() -> list[str]:
    """Names of every model preset."""
    return list(_PRESETS)


def get_preset(name: str) -> dict:
    """A copy of preset ``name``'s architecture parameters (the keys of ARCHITECTURE)."""
    if not isinstance(name, str) or name not in _PRESETS:
        raise _unknown("preset", name, preset_names())
    return dict(_PRESETS[name])


def list_presets() -> list[dict]:
    """One summary row per preset: id, label (the name after the last "/"), theta, T_train."""
    return [
        {"id": name, "label": name.split("/")[-1], "theta": row["theta"], "T_train": row["T_train"]}
        for name, row in _PRESETS.items()
    ]


def choice_names(catalog: str) -> list[str]:
    """The allowed names of a choice parameter's catalog ("gpu", "api_model", "preset")."""
    if catalog == "gpu":
        return gpu_names()
    if catalog == "api_model":
        return api_model_names()
    if catalog == "preset":
        return preset_names()
    raise KeyError(catalog)


# ── registering rows at run time ─────────────────────────────────────────────


def _check_name(field: str, name: Any) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InputError(field, name, "must be a non-empty text")
    if len(name) > 200:
        raise InputError(field, name, "must be at most 200 characters")
    return name


def _positive(field: str, value: Any, *, allow_zero: bool = False, low: float = 0.0,
              high: float = math.inf) -> float:
    if isinstance(value, bool):
        raise InputError(field, value, "must be a number (a boolean is not a number)")
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise InputError(field, value, "must be a finite number") from None
    if not isinstance(value, (int, float)):
        raise InputError(field, value, "must be a finite number")
    try:
        value = float(value)
    except OverflowError:
        raise InputError(field, value, "must be a finite number within the float range") from None
    if not math.isfinite(value):
        raise InputError(field, value, "must be a finite number")
    if value < 0 or (value == 0 and not allow_zero) or (0 < value < low) or value > high:
        bound = ">= 0" if allow_zero else "> 0"
        floor = f", at least {low:g} when not 0" if low and allow_zero else (f" and >= {low:g}" if low else "")
        raise InputError(field, value, f"must be {bound}{floor} and <= {high:g}")
    return value


def _register(catalog: str, table: dict, name: str, row: dict, origin: str) -> None:
    global _revision
    table[name] = row
    _ORIGIN[(catalog, name)] = origin
    _revision += 1


def register_gpu(
    name: str,
    *,
    flops: float,
    vram_GB: float,
    bw_GB_s: float,
    usd_h: float,
    tdp: float = 0.0,
    origin: str = "registered",
) -> dict:
    """Add or replace a GPU row: flops in TFLOP/s (BF16), vram_GB, bw_GB_s, usd_h (0 for a
    local card), tdp in W. Returns the stored row."""
    name = _check_name("name", name)
    row = {
        "flops": _positive("flops", flops, low=1e-3, high=1e6),
        "vram_GB": _positive("vram_GB", vram_GB, low=1e-3, high=1e5),
        "bw_GB_s": _positive("bw_GB_s", bw_GB_s, low=1e-3, high=1e7),
        "usd_h": _positive("usd_h", usd_h, allow_zero=True, high=1e6),
        "tdp": _positive("tdp", tdp, allow_zero=True, high=1e6),
    }
    _register("gpus", _GPUS, name, row, origin)
    return dict(row)


def register_api_model(name: str, *, input: float, output: float, origin: str = "registered") -> dict:
    """Add or replace an API price row, in USD per million input and output tokens."""
    name = _check_name("name", name)
    row = {
        "input": _positive("input", input, allow_zero=True, high=1e6),
        "output": _positive("output", output, allow_zero=True, high=1e6),
    }
    _register("api_prices", _API, name, row, origin)
    return dict(row)


def register_preset(name: str, origin: str = "registered", **params: Any) -> dict:
    """Add or replace a model preset. ``params`` must give every architecture parameter
    (theta, T_train, n_attention_heads, n_kv_heads, d_head, n_layers, n_params;
    has_SWA defaults to False), each validated as a recipe input."""
    name = _check_name("name", name)
    unknown = [k for k in params if k not in ARCHITECTURE]
    if unknown:
        raise InputError(unknown[0], params[unknown[0]],
                         "is not a preset parameter; known: " + ", ".join(ARCHITECTURE))
    row: dict[str, Any] = {}
    for key, param in ARCHITECTURE.items():
        if key in params:
            row[key] = coerce(param, params[key])
        elif key == "has_SWA":
            row[key] = False
        else:
            raise InputError(key, None, "is required for a preset: " + param.allowed())
    if row["n_kv_heads"] > row["n_attention_heads"]:
        raise InputError("n_kv_heads", row["n_kv_heads"],
                         f"must be <= n_attention_heads ({row['n_attention_heads']})")
    _register("presets", _PRESETS, name, row, origin)
    return dict(row)
