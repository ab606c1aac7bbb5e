"""The GPU catalog, API prices and model presets, shipped as data in the package.

The bundled rows live in ``data/*.json`` with their units and an "as of" note.
Rows can be added at run time with :func:`register_gpu`,
:func:`register_api_model` and :func:`register_preset`; their fields are declared
as :class:`~taf_widgets.core.params.Param` rows (:data:`GPU_ROW`, :data:`API_ROW`,
:data:`PRESET_ROW`) and checked by the same ``validate`` as a recipe's inputs, so a
bad row gets the same message as a bad parameter. Names are data: any non-empty
text, always shown literally.

All of it lives in one object, :data:`CATALOGS`; ``CATALOGS.snapshot()`` and
``CATALOGS.restore(snap)`` save and put back everything that registering rows and
loading files change.
"""

from __future__ import annotations

import copy
import datetime
import importlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import InputError
from .jsondata import parse_json_object
from .params import ARCHITECTURE, SERVING_ARCHITECTURE, Param, register_choices, validate

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
    "row_origin",
    "load_catalog",
    "catalog_files",
    "load_extra_gpus",
    "row_source",
    "BUNDLED_CATALOGS",
    "CATALOGS",
    "Catalogs",
    "CatalogSnapshot",
    "GPU_ROW",
    "API_ROW",
    "PRESET_ROW",
]

_DATA = Path(__file__).with_name("data")

PRESET_EXTRAS = ("T_extended", "rope_factor")
"""Optional preset fields beside the architecture: the length a rope_scaling entry extends the
model to, and its factor (None when the model has no RoPE scaling)."""


# ── the fields of a row, declared once ──────────────────────────────────────

GPU_ROW: tuple[Param, ...] = (
    Param("flops", "Compute (dense BF16)", "float", unit="TFLOP/s", low=1e-3, high=1e6, log=True),
    Param("vram_GB", "Memory", "float", unit="GB", low=1e-3, high=1e5, log=True),
    Param("bw_GB_s", "Memory bandwidth", "float", unit="GB/s", low=1e-3, high=1e7, log=True),
    Param(
        "usd_h",
        "Price per GPU-hour",
        "float",
        unit="USD/h",
        low=0,
        high=1e6,
        help="0 for a local card with no hourly price.",
    ),
    Param("tdp", "Board power", "float", default=0.0, unit="W", low=0, high=1e6),
)
"""A GPU row's fields (``source``, a text, is checked beside them)."""

API_ROW: tuple[Param, ...] = (
    Param("input", "Input price", "float", unit="USD per million tokens", low=0, high=1e6),
    Param("output", "Output price", "float", unit="USD per million tokens", low=0, high=1e6),
)
"""An API price row's fields."""

PRESET_EXTRA_ROW: tuple[Param, ...] = (
    Param(
        "T_extended",
        "Extended context",
        "int",
        unit="tokens",
        low=1,
        high=1e8,
        optional=True,
        help="The length a rope_scaling entry extends the model to.",
    ),
    Param(
        "rope_factor",
        "RoPE scaling factor",
        "float",
        low=1,
        high=1e6,
        optional=True,
        help="The rope_scaling entry's factor.",
    ),
)

PRESET_ROW: tuple[Param, ...] = (*ARCHITECTURE.values(), *SERVING_ARCHITECTURE.values(), *PRESET_EXTRA_ROW)
"""A preset's fields: the architecture a recipe reads, the serving fields a mixture-of-experts
or latent-attention model adds, and the RoPE-scaling extras."""

_SECTIONS = ("gpus", "api_prices", "presets")


def _load(name: str) -> dict:
    with open(_DATA / f"{name}.json", encoding="utf-8") as fh:
        return json.load(fh)


@dataclass(frozen=True)
class CatalogSnapshot:
    """A copy of every table of a :class:`Catalogs`, for :meth:`Catalogs.restore`; snapshots
    of the same state compare equal."""

    gpus: dict
    api_prices: dict
    presets: dict
    extras: dict
    origin: dict
    source: dict
    files: dict


class Catalogs:
    """The catalog state: the rows of the three catalogs and where each row came from.

    ``gpus``, ``api_prices`` and ``presets`` map a row's name to its fields, bundled rows
    first; ``extras`` holds a preset's RoPE-scaling fields; ``origin`` and ``source`` map
    ``(catalog, name)`` to what registered a row and where its figures come from;
    ``files`` lists the catalog files loaded. The tables are changed in place, never
    replaced, so whoever holds one sees every change.
    """

    def __init__(self, data: Mapping[str, dict]) -> None:
        self.bundled = {section: data[section] for section in _SECTIONS}
        """The bundled data files, as read: their ``as_of``, ``units`` and ``rows``."""
        self.gpus: dict[str, dict] = dict(data["gpus"]["rows"])
        self.api_prices: dict[str, dict] = dict(data["api_prices"]["rows"])
        self.presets: dict[str, dict] = dict(data["presets"]["rows"])
        rope_rows = data["presets"].get("rope_scaling", {}).get("rows", {})
        self.extras: dict[str, dict] = {name: {k: row[k] for k in PRESET_EXTRAS} for name, row in rope_rows.items()}
        self.origin: dict[tuple[str, str], str] = {}
        self.source: dict[tuple[str, str], str] = {}
        self.files: dict[str, dict] = {}

    def _tables(self) -> dict[str, dict]:
        return {
            "gpus": self.gpus,
            "api_prices": self.api_prices,
            "presets": self.presets,
            "extras": self.extras,
            "origin": self.origin,
            "source": self.source,
            "files": self.files,
        }

    def snapshot(self) -> CatalogSnapshot:
        """A deep copy of every table, to hand to :meth:`restore`."""
        return CatalogSnapshot(**copy.deepcopy(self._tables()))

    def restore(self, snapshot: CatalogSnapshot) -> None:
        """Put every table back as it was at ``snapshot`` (in place; the snapshot stays usable)."""
        if not isinstance(snapshot, CatalogSnapshot):
            raise TypeError(f"restore() takes what snapshot() returned, not {type(snapshot).__name__}")
        for name, table in self._tables().items():
            table.clear()
            table.update(copy.deepcopy(getattr(snapshot, name)))

    def table(self, catalog: str) -> dict[str, dict]:
        """The rows of ``catalog`` ("gpus", "api_prices" or "presets")."""
        tables = {"gpus": self.gpus, "api_prices": self.api_prices, "presets": self.presets}
        if catalog not in tables:
            raise InputError("catalog", catalog, "must be one of: " + ", ".join(repr(t) for t in tables))
        return tables[catalog]

    def info(self) -> dict:
        """Units and "as of" notes of the three catalogs, and how many rows each has now."""
        return {
            section: {
                "as_of": self.bundled[section]["as_of"],
                "units": dict(self.bundled[section]["units"]),
                "rows": len(self.table(section)),
            }
            for section in _SECTIONS
        }

    def _store(self, catalog: str, name: str, row: dict, origin: str, source: str | None = None) -> None:
        self.table(catalog)[name] = row
        self.origin[(catalog, name)] = origin
        if source is None:
            self.source.pop((catalog, name), None)
        else:
            self.source[(catalog, name)] = source

    def add_gpu(self, name: Any, fields: Mapping[str, Any], origin: str = "registered") -> dict:
        """Validate a GPU row (:data:`GPU_ROW`, and an optional ``source`` text) and store it."""
        name = _check_name("name", name)
        source = _source_text(fields.get("source"))
        row = validate(
            GPU_ROW,
            {k: v for k, v in fields.items() if k != "source"},
            known_as="a field of a GPU row",
            others=("source",),
        )
        self._store("gpus", name, row, origin, source)
        return dict(row)

    def add_api_model(self, name: Any, fields: Mapping[str, Any], origin: str = "registered") -> dict:
        """Validate an API price row (:data:`API_ROW`) and store it."""
        name = _check_name("name", name)
        row = validate(API_ROW, fields, known_as="a field of an API price row")
        self._store("api_prices", name, row, origin)
        return dict(row)

    def add_preset(self, name: Any, fields: Mapping[str, Any], origin: str = "registered") -> dict:
        """Validate a preset (:data:`PRESET_ROW`) and store it; returns the architecture row."""
        name = _check_name("name", name)
        used = validate(PRESET_ROW, fields, check=_preset_check, known_as="a preset parameter")
        row = {key: used[key] for key in ARCHITECTURE}
        row.update({key: used[key] for key in SERVING_ARCHITECTURE if used[key] is not None})
        extras = {key: used[key] for key in PRESET_EXTRAS if used[key] is not None}
        self._store("presets", name, row, origin)
        if extras:
            self.extras[name] = extras
        else:
            self.extras.pop(name, None)
        return dict(row)


def _preset_check(row: dict) -> dict[str, tuple[Any, str]]:
    errors: dict[str, tuple[Any, str]] = {}
    if row["n_kv_heads"] > row["n_attention_heads"]:
        errors["n_kv_heads"] = (row["n_kv_heads"], f"must be <= n_attention_heads ({row['n_attention_heads']})")
    if row["n_active_params"] is not None and row["n_active_params"] > row["n_params"]:
        errors["n_active_params"] = (row["n_active_params"], f"must be <= n_params ({row['n_params']:g})")
    return errors


CATALOGS = Catalogs({"gpus": _load("gpus"), "api_prices": _load("api_prices"), "presets": _load("presets")})
"""The catalogs every lookup, recipe and register call uses."""


def catalog_info() -> dict:
    """Units and "as of" notes of the three catalogs, and how many rows each has now."""
    return CATALOGS.info()


def row_origin(catalog: str, name: str) -> str:
    """Where a row came from: "bundled", or what registered it ("registered", a file name)."""
    table = CATALOGS.table(catalog)
    if name not in table:
        raise _unknown("name", name, list(table))
    return CATALOGS.origin.get((catalog, name), "bundled")


def row_source(catalog: str, name: str) -> str | None:
    """Where a row's figures come from (a URL and what it states), when its file says so."""
    row_origin(catalog, name)  # the same checks and errors
    return CATALOGS.source.get((catalog, name))


def _unknown(field: str, name: Any, names: list[str]) -> InputError:
    return InputError(field, name, "must be one of: " + ", ".join(repr(n) for n in names))


def gpu_names() -> list[str]:
    """Names of every GPU in the catalog, bundled first, in catalog order."""
    return list(CATALOGS.gpus)


def get_gpu(name: str) -> dict:
    """The catalog row of GPU ``name``: flops (TFLOP/s BF16), vram_GB, bw_GB_s, usd_h, tdp (W)."""
    if not isinstance(name, str) or name not in CATALOGS.gpus:
        raise _unknown("gpu", name, gpu_names())
    return CATALOGS.gpus[name]


def api_model_names() -> list[str]:
    """Names of every priced API model."""
    return list(CATALOGS.api_prices)


def get_api_price(name: str) -> dict:
    """USD per million tokens of API model ``name``: keys input, output."""
    if not isinstance(name, str) or name not in CATALOGS.api_prices:
        raise _unknown("api_model", name, api_model_names())
    return CATALOGS.api_prices[name]


def get_preset_extras(name: str) -> dict:
    """Preset ``name``'s RoPE-scaling fields: ``{"T_extended": ..., "rope_factor": ...}``, each
    None when the model has no rope_scaling (or the preset does not say)."""
    if not isinstance(name, str) or name not in CATALOGS.presets:
        raise _unknown("preset", name, preset_names())
    extras = CATALOGS.extras.get(name, {})
    return {k: extras.get(k) for k in PRESET_EXTRAS}


def preset_names() -> list[str]:
    """Names of every model preset."""
    return list(CATALOGS.presets)


def get_preset(model_id: str) -> dict:
    """A copy of preset ``model_id``'s architecture parameters (the keys of ARCHITECTURE)."""
    if not isinstance(model_id, str) or model_id not in CATALOGS.presets:
        raise _unknown("preset", model_id, preset_names())
    return dict(CATALOGS.presets[model_id])


def list_presets() -> list[dict]:
    """One summary row per preset: id, label (the name after the last "/"), theta, T_train."""
    return [
        {"id": name, "label": name.split("/")[-1], "theta": row["theta"], "T_train": row["T_train"]}
        for name, row in CATALOGS.presets.items()
    ]


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


def _source_text(source: Any) -> str | None:
    if source is None:
        return None
    if not isinstance(source, str) or not source.strip() or len(source) > 1000:
        raise InputError(
            "source", _brief(source), "must be a text of at most 1,000 characters (a URL and what it states)"
        )
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
    :func:`row_source`). Each field is checked as declared in :data:`GPU_ROW`. Returns the
    stored row."""
    fields = {"flops": flops, "vram_GB": vram_GB, "bw_GB_s": bw_GB_s, "usd_h": usd_h, "tdp": tdp, "source": source}
    return CATALOGS.add_gpu(name, fields, origin)


def register_api_model(name: str, *, input: float, output: float, origin: str = "registered") -> dict:
    """Add or replace an API price row, in USD per million input and output tokens
    (declared in :data:`API_ROW`)."""
    return CATALOGS.add_api_model(name, {"input": input, "output": output}, origin)


def register_preset(
    name: str, origin: str = "registered", *, T_extended: Any = None, rope_factor: Any = None, **params: Any
) -> dict:
    """Add or replace a model preset. ``params`` must give every architecture parameter
    (theta, T_train, n_attention_heads, n_kv_heads, d_head, n_layers, n_params;
    has_SWA defaults to False), each validated as a recipe input. A mixture-of-experts
    or latent-attention model may also give n_active_params and kv_latent_dim
    (:data:`~taf_widgets.core.params.SERVING_ARCHITECTURE`), kept only when given.
    ``T_extended`` and ``rope_factor`` (optional) say how far a rope_scaling entry extends
    the model (:func:`get_preset_extras`). Returns the stored architecture row."""
    return CATALOGS.add_preset(name, {**params, "T_extended": T_extended, "rope_factor": rope_factor}, origin)


# ── custom catalog files ─────────────────────────────────────────────────────

MAX_CATALOG_BYTES = 4_000_000
MAX_CATALOG_ROWS = 10_000


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
    for name in ("tomllib", "tomli"):
        try:
            return importlib.import_module(name)
        except ImportError:
            pass
    raise InputError(
        "path",
        where,
        "is TOML, which needs Python 3.11 or the 'tomli' package "
        "(pip install tomli); a .json catalog works on any Python",
    )


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
        raise InputError(
            str(unknown[0])[:100],
            _brief(data[unknown[0]]),
            "is not a catalog section; known: as_of, " + ", ".join(_SECTIONS) + f" (in {origin})",
        )
    if not any(k in data for k in _SECTIONS):
        raise InputError("path", str(file), "holds none of the sections " + ", ".join(_SECTIONS))
    as_of = data.get("as_of")
    if isinstance(as_of, (datetime.date, datetime.datetime)):
        as_of = as_of.isoformat()
    if as_of is not None and (not isinstance(as_of, str) or len(as_of) > 200):
        raise InputError("as_of", as_of, f"must be a text of at most 200 characters (in {origin})")

    saved = CATALOGS.snapshot()
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
            table = CATALOGS.table(section)
            for name, row in rows.items():
                existed = isinstance(name, str) and name in table
                _load_row(section, name, row, origin)
                (replaced if existed else added)[section].append(name)
    except BaseException:
        CATALOGS.restore(saved)
        raise
    CATALOGS.files[origin] = {
        "file": origin,
        "path": str(file),
        "as_of": as_of,
        "rows": {s: added[s] + replaced[s] for s in _SECTIONS},
    }
    return {"file": origin, "path": str(file), "as_of": as_of, "added": added, "replaced": replaced}


def _load_row(section: str, name: Any, row: Any, origin: str) -> None:
    """Register one row of a file; its errors name ``section[name].field`` and the file."""
    where = f"{section}[{name!r}]" if isinstance(name, str) and len(name) <= 200 else section
    if not isinstance(row, dict):
        raise InputError(where, _brief(row), f"must be a table of fields (in {origin})")
    try:
        _check_name("name", name)
    except InputError as exc:
        raise InputError(where, exc.value, f"{exc.allowed} (in {origin})") from None
    add = {"gpus": CATALOGS.add_gpu, "api_prices": CATALOGS.add_api_model, "presets": CATALOGS.add_preset}[section]
    try:
        add(name, row, origin)
    except InputError as exc:
        raise InputError(f"{where}.{str(exc.field)[:100]}", _brief(exc.value), f"{exc.allowed} (in {origin})") from None


def _brief(value: Any) -> Any:
    """A value short enough for a one-line message (tables and lists are described, not shown)."""
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str) and len(value) > 80:
        return value[:40] + f"... ({len(value):,} characters)"
    return value


def catalog_files() -> list[dict]:
    """The catalog files loaded so far: file (the origin its rows show), path, as_of, rows."""
    return [{**info, "rows": {k: list(v) for k, v in info["rows"].items()}} for info in CATALOGS.files.values()]
