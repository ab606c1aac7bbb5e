"""The GPU catalog, API prices and model presets, shipped as data in the package.

The bundled rows live in ``data/*.json`` with their units and an "as of" note.
Rows can be added at run time with :func:`register_gpu`,
:func:`register_api_model` and :func:`register_preset`; they are validated like
any input. Names are data: any non-empty text, always shown literally.
"""

from __future__ import annotations

import datetime
import json
import math
import os
from pathlib import Path
from typing import Any

from .errors import InputError
from .jsondata import parse_json_object
from .params import ARCHITECTURE, SERVING_ARCHITECTURE, Param, coerce, register_choices

__all__ = [
    "get_gpu",
    "gpu_names",
    "get_api_price",
    "api_model_names",
    "get_preset",
    "get_preset_extras",
    "preset_names",
    "list_presets",
    "register_gpu",
    "register_api_model",
    "register_preset",
    "catalog_info",
    "catalog_revision",
    "row_origin",
    "choice_names",
    "load_catalog",
    "catalog_files",
    "load_extra_gpus",
    "row_source",
    "BUNDLED_CATALOGS",
]

_DATA = Path(__file__).with_name("data")

PRESET_EXTRAS = ("T_extended", "rope_factor")
"""Optional preset fields beside the architecture: the length a rope_scaling entry extends the
model to, and its factor (None when the model has no RoPE scaling)."""


def _load(name: str) -> dict:
    with open(_DATA / f"{name}.json", encoding="utf-8") as fh:
        return json.load(fh)


_gpu_file = _load("gpus")
_api_file = _load("api_prices")
_preset_file = _load("presets")

_GPUS: dict[str, dict] = dict(_gpu_file["rows"])
_API: dict[str, dict] = dict(_api_file["rows"])
_PRESETS: dict[str, dict] = dict(_preset_file["rows"])
_EXTRAS: dict[str, dict] = {name: {k: row[k] for k in PRESET_EXTRAS}
                             for name, row in _preset_file.get("rope_scaling", {}).get("rows", {}).items()}
_ORIGIN: dict[tuple[str, str], str] = {}
_SOURCE: dict[tuple[str, str], str] = {}
_FILES: dict[str, dict] = {}
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


def row_source(catalog: str, name: str) -> str | None:
    """Where a row's figures come from (a URL and what it states), when its file says so."""
    row_origin(catalog, name)  # the same checks and errors
    return _SOURCE.get((catalog, name))


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


def get_preset_extras(name: str) -> dict:
    """Preset ``name``'s RoPE-scaling fields: ``{"T_extended": ..., "rope_factor": ...}``, each
    None when the model has no rope_scaling (or the preset does not say)."""
    if not isinstance(name, str) or name not in _PRESETS:
        raise _unknown("preset", name, preset_names())
    extras = _EXTRAS.get(name, {})
    return {k: extras.get(k) for k in PRESET_EXTRAS}


def preset_names() -> list[str]:
    """Names of every model preset."""
    return list(_PRESETS)


def get_preset(model_id: str) -> dict:
    """A copy of preset ``model_id``'s architecture parameters (the keys of ARCHITECTURE)."""
    if not isinstance(model_id, str) or model_id not in _PRESETS:
        raise _unknown("preset", model_id, preset_names())
    return dict(_PRESETS[model_id])


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


register_choices("gpu", gpu_names)
register_choices("api_model", api_model_names)
register_choices("preset", preset_names)


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


def _register(catalog: str, table: dict, name: str, row: dict, origin: str, source: str | None = None) -> None:
    global _revision
    table[name] = row
    _ORIGIN[(catalog, name)] = origin
    if source is None:
        _SOURCE.pop((catalog, name), None)
    else:
        _SOURCE[(catalog, name)] = source
    _revision += 1


def _source_text(source: Any) -> str | None:
    if source is None:
        return None
    if not isinstance(source, str) or not source.strip() or len(source) > 1000:
        raise InputError("source", _brief(source), "must be a text of at most 1,000 characters (a URL and "
                                                   "what it states)")
    return source


def register_gpu(
    name: str,
    *,
    flops: float,
    vram_GB: float,
    bw_GB_s: float,
    usd_h: float,
    tdp: float = 0.0,
    origin: str = "registered",
    source: str | None = None,
) -> dict:
    """Add or replace a GPU row: flops in TFLOP/s (BF16), vram_GB, bw_GB_s, usd_h (0 for a
    local card), tdp in W; ``source`` says where the figures come from (see
    :func:`row_source`). Returns the stored row."""
    name = _check_name("name", name)
    source = _source_text(source)
    row = {
        "flops": _positive("flops", flops, low=1e-3, high=1e6),
        "vram_GB": _positive("vram_GB", vram_GB, low=1e-3, high=1e5),
        "bw_GB_s": _positive("bw_GB_s", bw_GB_s, low=1e-3, high=1e7),
        "usd_h": _positive("usd_h", usd_h, allow_zero=True, high=1e6),
        "tdp": _positive("tdp", tdp, allow_zero=True, high=1e6),
    }
    _register("gpus", _GPUS, name, row, origin, source)
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


def register_preset(name: str, origin: str = "registered", *, T_extended: Any = None,
                    rope_factor: Any = None, **params: Any) -> dict:
    """Add or replace a model preset. ``params`` must give every architecture parameter
    (theta, T_train, n_attention_heads, n_kv_heads, d_head, n_layers, n_params;
    has_SWA defaults to False), each validated as a recipe input. A mixture-of-experts
    or latent-attention model may also give n_active_params and kv_latent_dim
    (:data:`~taf_widgets.core.params.SERVING_ARCHITECTURE`), kept only when given.
    ``T_extended`` and ``rope_factor`` (optional) say how far a rope_scaling entry extends
    the model (:func:`get_preset_extras`). Returns the stored architecture row."""
    name = _check_name("name", name)
    extras = {}
    for key, value, low, kind in (("T_extended", T_extended, 1, "int"), ("rope_factor", rope_factor, 1, "float")):
        if value is not None:
            extras[key] = coerce(Param(key, key, kind, low=low, high=1e8 if kind == "int" else 1e6), value)
    known = {**ARCHITECTURE, **SERVING_ARCHITECTURE}
    unknown = [k for k in params if k not in known]
    if unknown:
        raise InputError(unknown[0], params[unknown[0]],
                         "is not a preset parameter; known: " + ", ".join(known))
    row: dict[str, Any] = {}
    for key, param in ARCHITECTURE.items():
        if key in params:
            row[key] = coerce(param, params[key])
        elif key == "has_SWA":
            row[key] = False
        else:
            raise InputError(key, None, "is required for a preset: " + param.allowed())
    for key, param in SERVING_ARCHITECTURE.items():
        if params.get(key) is not None:
            row[key] = coerce(param, params[key])
    if row["n_kv_heads"] > row["n_attention_heads"]:
        raise InputError("n_kv_heads", row["n_kv_heads"],
                         f"must be <= n_attention_heads ({row['n_attention_heads']})")
    if row.get("n_active_params") is not None and row["n_active_params"] > row["n_params"]:
        raise InputError("n_active_params", row["n_active_params"], f"must be <= n_params ({row['n_params']:g})")
    _register("presets", _PRESETS, name, row, origin)
    if extras:
        _EXTRAS[name] = extras
    else:
        _EXTRAS.pop(name, None)
    return dict(row)


# ── custom catalog files ─────────────────────────────────────────────────────

MAX_CATALOG_BYTES = 4_000_000
MAX_CATALOG_ROWS = 10_000
_GPU_KEYS = ("flops", "vram_GB", "bw_GB_s", "usd_h", "tdp", "source")
_API_KEYS = ("input", "output")
_SECTIONS = ("gpus", "api_prices", "presets")


BUNDLED_CATALOGS: dict[str, Path] = {"extra-gpus": _DATA / "gpus_extra.json"}
"""Catalog files shipped in the package, loadable by name: ``load_catalog("extra-gpus")``
adds GPUs the spec's catalog lacks (RTX 3090, RTX 3060 12 GB, L4, A10G, T4),
each row with the URL its figures come from (:func:`row_source`). The default catalog
stays the spec's; nothing is added until it is loaded."""


def load_extra_gpus() -> dict:
    """Add the bundled extra GPUs to the catalog (``load_catalog("extra-gpus")``)."""
    return load_catalog("extra-gpus")


def load_catalog(path: str | os.PathLike) -> dict:
    """Load GPUs, API prices and presets from a JSON or TOML file, over the current rows.

    The file has optional sections ``gpus``, ``api_prices`` and ``presets``, each
    mapping a row's name to its fields (the keyword arguments of :func:`register_gpu`,
    :func:`register_api_model` and :func:`register_preset`), and an optional ``as_of``
    text. Every row is validated like any input; one bad row rejects the whole file
    (nothing is registered) with an :class:`InputError` naming ``section[name].field``.
    Each row's origin (:func:`row_origin`) becomes the file's name.

    TOML needs Python 3.11 (``tomllib``) or the ``tomli`` package; JSON works everywhere.
    Returns ``{"file", "path", "as_of", "added": {section: [names]}, "replaced": {...}}``.
    ``path`` may also be the name of a catalog shipped in the package (:data:`BUNDLED_CATALOGS`).
    """
    if isinstance(path, str) and path in BUNDLED_CATALOGS:
        path = BUNDLED_CATALOGS[path]
    if not isinstance(path, (str, os.PathLike)) or (isinstance(path, str) and not path.strip()):
        raise InputError("path", path, "must be the path of a .json or .toml catalog file")
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix not in (".json", ".toml"):
        raise InputError("path", str(file), "must end in .json or .toml")
    try:
        size = file.stat().st_size
        if not file.is_file():
            raise InputError("path", str(file), "must be a file")
        if size > MAX_CATALOG_BYTES:
            raise InputError("path", str(file), f"is {size:,} bytes; at most {MAX_CATALOG_BYTES:,} are read")
        text = file.read_bytes().decode("utf-8-sig")
    except InputError:
        raise
    except UnicodeDecodeError:
        raise InputError("path", str(file), "is not UTF-8 text") from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
        raise InputError("path", str(file), f"cannot be read: {getattr(exc, 'strerror', None) or exc}") from None
    data = _parse_toml(text, str(file)) if suffix == ".toml" else _parse_json(text, str(file))
    return _load_rows(data, file)


def _parse_json(text: str, where: str) -> dict:
    return parse_json_object(text, "path", where)


def _toml_module(where: str) -> Any:
    """tomllib (Python 3.11+), else the tomli package, else an error that says JSON works."""
    try:
        import tomllib

        return tomllib
    except ImportError:
        pass
    try:
        import tomli

        return tomli
    except ImportError:
        raise InputError("path", where, "is TOML, which needs Python 3.11 or the 'tomli' package "
                                        "(pip install tomli); a .json catalog works on any Python") from None


def _parse_toml(text: str, where: str) -> dict:
    toml = _toml_module(where)
    try:
        return toml.loads(text)
    except RecursionError:
        raise InputError("path", where, "is not usable TOML: nested too deeply") from None
    except ValueError as exc:  # TOMLDecodeError is a ValueError
        raise InputError("path", where, f"is not valid TOML: {str(exc)[:200]}") from None


def _load_rows(data: dict, file: Path) -> dict:
    origin = file.name
    unknown = [k for k in data if k not in (*_SECTIONS, "as_of")]
    if unknown:
        raise InputError(str(unknown[0])[:100], _brief(data[unknown[0]]), "is not a catalog section; known: "
                         "as_of, " + ", ".join(_SECTIONS) + f" (in {origin})")
    if not any(k in data for k in _SECTIONS):
        raise InputError("path", str(file), "holds none of the sections " + ", ".join(_SECTIONS))
    as_of = data.get("as_of")
    if isinstance(as_of, (datetime.date, datetime.datetime)):
        as_of = as_of.isoformat()
    if as_of is not None and (not isinstance(as_of, str) or len(as_of) > 200):
        raise InputError("as_of", as_of, f"must be a text of at most 200 characters (in {origin})")

    saved = (dict(_GPUS), dict(_API), dict(_PRESETS), dict(_ORIGIN), dict(_SOURCE), _revision, dict(_EXTRAS))
    added: dict[str, list[str]] = {s: [] for s in _SECTIONS}
    replaced: dict[str, list[str]] = {s: [] for s in _SECTIONS}
    try:
        for section in _SECTIONS:
            if section not in data:
                continue
            rows = data[section]
            if not isinstance(rows, dict):
                raise InputError(section, _brief(rows), f"must map row names to their fields (in {origin})")
            if len(rows) > MAX_CATALOG_ROWS:
                raise InputError(section, f"{len(rows):,} rows", f"must have at most {MAX_CATALOG_ROWS:,} rows")
            table = {"gpus": _GPUS, "api_prices": _API, "presets": _PRESETS}[section]
            for name, row in rows.items():
                existed = isinstance(name, str) and name in table
                _load_row(section, name, row, origin)
                (replaced if existed else added)[section].append(name)
    except BaseException:
        _restore(saved)
        raise
    _FILES[origin] = {"file": origin, "path": str(file), "as_of": as_of,
                      "rows": {s: added[s] + replaced[s] for s in _SECTIONS}}
    return {"file": origin, "path": str(file), "as_of": as_of, "added": added, "replaced": replaced}


def _load_row(section: str, name: Any, row: Any, origin: str) -> None:
    where = f"{section}[{name!r}]" if isinstance(name, str) and len(name) <= 200 else section
    if not isinstance(row, dict):
        raise InputError(where, _brief(row), f"must be a table of fields (in {origin})")
    keys = {"gpus": _GPU_KEYS, "api_prices": _API_KEYS,
            "presets": (*ARCHITECTURE, *SERVING_ARCHITECTURE, *PRESET_EXTRAS)}[section]
    for key in row:
        if key not in keys:
            raise InputError(f"{where}.{str(key)[:100]}", _brief(row[key]), "is not a field of this section; "
                             "known: " + ", ".join(keys) + f" (in {origin})")
    try:
        if section == "gpus":
            missing = [k for k in _GPU_KEYS[:4] if k not in row]
            if missing:
                raise InputError(missing[0], None, "is required: " + ", ".join(_GPU_KEYS[:4])
                                 + " are required, tdp and source are optional")
            register_gpu(name, origin=origin, **row)
        elif section == "api_prices":
            missing = [k for k in _API_KEYS if k not in row]
            if missing:
                raise InputError(missing[0], None, "is required: input and output, USD per million tokens")
            register_api_model(name, origin=origin, **row)
        else:
            register_preset(name, origin=origin, **row)
    except InputError as exc:
        field = where if exc.field == "name" else f"{where}.{exc.field}"
        raise InputError(field, exc.value, f"{exc.allowed} (in {origin})") from None


def _brief(value: Any) -> Any:
    """A value short enough for a one-line message (tables and lists are described, not shown)."""
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str) and len(value) > 80:
        return value[:40] + f"... ({len(value):,} characters)"
    return value


def _restore(saved: tuple) -> None:
    global _revision
    for table, copy in zip((_GPUS, _API, _PRESETS, _ORIGIN, _SOURCE), saved[:5]):
        table.clear()
        table.update(copy)
    _revision = saved[5]
    _EXTRAS.clear()
    _EXTRAS.update(saved[6])


def catalog_files() -> list[dict]:
    """The catalog files loaded so far: file (the origin its rows show), path, as_of, rows."""
    return [{**info, "rows": {k: list(v) for k, v in info["rows"].items()}} for info in _FILES.values()]
