"""A model preset derived from a Hugging Face ``config.json`` (standard library only).

:func:`preset_from_config` reads the architecture fields of a published
``config.json`` and returns a :class:`ConfigPreset`: ``params`` holds the eight
preset keys (the keys of :data:`~taf_widgets.core.params.ARCHITECTURE`, exactly what
a bundled preset has), ``notes`` says where a value rests on a choice the reader
would not guess (a family default, a RoPE scaling, a sliding window that never
binds), and ``n_params_breakdown`` shows how the parameter count was reached.
Notes are part of the answer: show them wherever the params are used.

``n_params`` is counted from the layer layout of the model's family, exactly as
the weights are stored: embeddings (tied or not), attention with grouped KV heads
and the biases the family has, a gated (SwiGLU/GeGLU) or plain MLP, and the norms.
A config is data from elsewhere: every field read is checked for type and range,
and a bad one raises :class:`InputError` naming it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError
from .jsondata import parse_json_object
from .params import ARCHITECTURE, SERVING_ARCHITECTURE, Param, coerce

__all__ = ["ConfigPreset", "preset_from_config", "SUPPORTED_FAMILIES", "MAX_CONFIG_BYTES"]

MAX_CONFIG_BYTES = 4_000_000
"""Largest config.json read (real ones are a few KB; Phi-3's longrope lists make ~10 KB)."""

_MISSING = object()


@dataclass(frozen=True)
class _Family:
    """How one model family lays out its weights, with its config class's defaults."""

    label: str
    theta_keys: tuple[str, ...]
    theta_default: float
    tied_default: bool
    mlp: str  # "gated": gate, up and down projections; "plain": up and down with biases
    norms_per_layer: int
    norm_has_bias: bool  # LayerNorm (weight and bias) rather than RMSNorm (weight only)
    qkv_bias: bool | tuple[str, bool]  # fixed, or (config key, default)
    o_bias: bool | tuple[str, bool]
    mlp_bias: bool | tuple[str, bool]
    grouped_kv: bool = True
    head_dim_default: int | None = None  # None: hidden_size / num_attention_heads
    sliding_window_default: int | None = None
    swa: str = "window"  # "window": used when set and shorter than the context; "qwen2"; "none"
    qk_norm: bool = False  # an RMSNorm over each head's queries and keys (Qwen3): 2·d_head per layer
    moe: str | None = None  # the expert layout: "mixtral", "qwen2_moe", "qwen3_moe" or "deepseek"
    mla: bool = False  # multi-head latent attention (DeepSeek-V2/V3)


_FAMILIES: dict[str, _Family] = {
    # Defaults are those of the transformers config classes (LlamaConfig, ...).
    "llama": _Family(
        "Llama",
        ("rope_theta",),
        10000.0,
        False,
        "gated",
        2,
        False,
        ("attention_bias", False),
        ("attention_bias", False),
        ("mlp_bias", False),
        swa="none",
    ),
    "mistral": _Family(
        "Mistral", ("rope_theta",), 10000.0, False, "gated", 2, False, False, False, False, sliding_window_default=4096
    ),
    "qwen2": _Family(
        "Qwen2",
        ("rope_theta",),
        10000.0,
        False,
        "gated",
        2,
        False,
        True,
        False,
        False,
        sliding_window_default=4096,
        swa="qwen2",
    ),
    "gemma2": _Family(
        "Gemma-2",
        ("rope_theta",),
        10000.0,
        True,
        "gated",
        4,
        False,
        ("attention_bias", False),
        ("attention_bias", False),
        False,
        head_dim_default=256,
        sliding_window_default=4096,
    ),
    "phi3": _Family("Phi-3", ("rope_theta",), 10000.0, False, "gated", 2, False, False, False, False),
    "gpt_neox": _Family(
        "GPT-NeoX",
        ("rope_theta", "rotary_emb_base"),
        10000.0,
        False,
        "plain",
        2,
        True,
        ("attention_bias", True),
        ("attention_bias", True),
        True,
        grouped_kv=False,
        swa="none",
    ),
    "qwen3": _Family(
        "Qwen3",
        ("rope_theta",),
        10000.0,
        False,
        "gated",
        2,
        False,
        ("attention_bias", False),
        ("attention_bias", False),
        False,
        head_dim_default=128,
        sliding_window_default=4096,
        swa="qwen2",
        qk_norm=True,
    ),
    "mixtral": _Family("Mixtral", ("rope_theta",), 1e6, False, "gated", 2, False, False, False, False, moe="mixtral"),
    "qwen2_moe": _Family(
        "Qwen2-MoE",
        ("rope_theta",),
        10000.0,
        False,
        "gated",
        2,
        False,
        True,
        False,
        False,
        sliding_window_default=4096,
        swa="qwen2",
        moe="qwen2_moe",
    ),
    "qwen3_moe": _Family(
        "Qwen3-MoE",
        ("rope_theta",),
        10000.0,
        False,
        "gated",
        2,
        False,
        ("attention_bias", False),
        ("attention_bias", False),
        False,
        head_dim_default=128,
        sliding_window_default=4096,
        swa="qwen2",
        qk_norm=True,
        moe="qwen3_moe",
    ),
    "deepseek_v2": _Family(
        "DeepSeek-V2",
        ("rope_theta",),
        10000.0,
        False,
        "gated",
        2,
        False,
        False,
        ("attention_bias", False),
        False,
        swa="none",
        moe="deepseek",
        mla=True,
    ),
    "deepseek_v3": _Family(
        "DeepSeek-V3",
        ("rope_theta",),
        10000.0,
        False,
        "gated",
        2,
        False,
        False,
        ("attention_bias", False),
        False,
        swa="none",
        moe="deepseek",
        mla=True,
    ),
}

SUPPORTED_FAMILIES: tuple[str, ...] = tuple(sorted(_FAMILIES))
"""The ``model_type`` values whose parameter count :func:`preset_from_config` can derive."""


@dataclass(frozen=True)
class ConfigPreset:
    """What :func:`preset_from_config` derived from one config.json.

    ``params``: the eight preset parameters (theta, T_train, n_attention_heads,
    n_kv_heads, d_head, n_layers, n_params, has_SWA), validated like a preset.
    ``notes``: the choices behind those values a reader would not guess; show them.
    ``family``: the config's ``model_type``. ``name``: the model's name where the
    config or its folder says it (``_name_or_path``, the folder, or a Hugging Face
    cache folder), else None. ``source``: the file read, or ``"dict"``.
    ``n_params_breakdown``: embeddings, attention, mlp, norms and total, in parameters
    (and ``active`` for a mixture of experts).
    ``serving``: the optional serving keys the model has (n_active_params for a mixture of
    experts, kv_latent_dim for multi-head latent attention), which X-5 and FIT read.
    """

    params: dict
    notes: list[str]
    family: str
    name: str | None
    source: str
    n_params_breakdown: dict = field(default_factory=dict)
    extension: dict = field(default_factory=dict)
    """How far rope_scaling extends the model: ``{"T_extended": max_position_embeddings,
    "rope_factor": its factor}``; empty when the config has no extending rope_scaling."""
    serving: dict = field(default_factory=dict)
    """Experts and latent attention: ``n_active_params``, ``kv_latent_dim`` where the config has them."""

    def recipe_params(self, recipe_id: str, **overrides: Any) -> dict:
        """The keyword arguments of ``run_recipe(recipe_id, ...)`` that this architecture
        fills, as a preset would fill them (the context length starts at T_train),
        with ``overrides`` on top: ``run_recipe("X-2", **cp.recipe_params("X-2", T_eval=32000))``."""
        from .recipes import fill_architecture, get_recipe

        recipe = get_recipe(recipe_id)
        if not recipe.takes_preset:
            raise InputError(
                "config", self.source, f"{recipe.id} has no model parameters, so a config.json cannot fill it"
            )
        return fill_architecture(recipe, {**self.extension, **self.params, **self.serving}, overrides)

    def register(self, name: str | None = None, origin: str | None = None) -> str:
        """Add these params to the preset catalog under ``name`` (default: ``self.name``);
        the row's origin is the config file. Returns the name used."""
        from .catalogs import register_preset

        name = self.name if name is None else name
        if name is None:
            raise InputError("name", None, "is required: this config names no model; pass name=")
        register_preset(
            name, origin=origin or f"config.json ({self.source})", **self.extension, **self.params, **self.serving
        )
        return name

    def to_dict(self) -> dict:
        """Plain, JSON-clean data: name, family, source, params, notes, n_params_breakdown."""
        return {
            "name": self.name,
            "family": self.family,
            "source": self.source,
            "params": dict(self.params),
            "notes": list(self.notes),
            "n_params_breakdown": dict(self.n_params_breakdown),
            "extension": dict(self.extension),
            "serving": dict(self.serving),
        }


# ── reading the config ───────────────────────────────────────────────────────


def preset_from_config(config: Any, *, family: str | None = None, n_params: float | None = None) -> ConfigPreset:
    """Derive a model preset from a Hugging Face ``config.json``.

    ``config`` is a path to the file, a folder holding one, or the parsed dict.
    ``family`` overrides the config's ``model_type`` (one of :data:`SUPPORTED_FAMILIES`)
    for a fork with the same layout. ``n_params`` gives the parameter count yourself,
    which lets a config of an unsupported family through: the other fields are then
    read under their standard names.

    theta is ``rope_theta`` (the family's documented default where absent; GPT-NeoX
    also reads ``rotary_emb_base``); T_train is ``max_position_embeddings``, or the
    pre-scaling length where ``rope_scaling`` gives one; n_kv_heads defaults to the
    head count; d_head is ``head_dim``, else hidden_size / heads; has_SWA is true only
    for a sliding window that some layer uses and that is shorter than the context.
    Raises :class:`InputError` naming the field for anything malformed or missing.
    """
    data, source, path = _read(config)
    errors: dict[str, tuple[Any, str]] = {}
    r = _Reader(data, errors)
    notes: list[str] = []

    model_type = family if family is not None else r.get("model_type", _MISSING)
    if family is not None and (not isinstance(family, str) or family not in _FAMILIES):
        raise InputError("family", family, "must be one of: " + ", ".join(SUPPORTED_FAMILIES))
    if model_type is _MISSING:
        errors["model_type"] = (
            None,
            "is missing: the family decides the layer layout; supported: " + ", ".join(SUPPORTED_FAMILIES),
        )
        spec = None
    elif not isinstance(model_type, str) or not 0 < len(model_type) <= 100:
        errors["model_type"] = (_clip(model_type), "must be a family name (text of at most 100 characters)")
        spec = None
    else:
        spec = _FAMILIES.get(model_type)
    if n_params is not None:
        try:
            n_params = coerce(ARCHITECTURE["n_params"], n_params)
        except InputError as exc:
            raise InputError("n_params", n_params, exc.allowed) from None

    if spec is None and n_params is None:
        # Name every field the preset still lacks: n_params needs the family's layout.
        _generic(r, notes, None)
        missing: dict[str, Any] = {"model_type": errors.pop("model_type", None)}
        if missing["model_type"] is None:
            hint = (
                " (it holds a text_config: pass config['text_config'])"
                if isinstance(data.get("text_config"), dict)
                else ""
            )
            missing["model_type"] = (
                model_type,
                "is not a supported family ("
                + ", ".join(SUPPORTED_FAMILIES)
                + f"){hint}; missing for a preset: n_params, whose count needs the "
                "family's layer layout: pass n_params=, or family= for the same layout",
            )
        raise InputError.from_errors({**missing, **errors})

    fields = _generic(r, notes, spec)
    serving: dict[str, Any] = {}
    if spec is not None and spec.mla:
        _mla_fields(r, notes, fields, serving)
    breakdown: dict[str, int] = {}
    if spec is not None and n_params is None:
        breakdown = _count_moe(r, spec, fields, notes) if spec.moe else _count(r, spec, fields)
        if "active" in breakdown:
            serving["n_active_params"] = breakdown["active"]
    if errors:
        raise InputError.from_errors(errors)
    if n_params is not None:
        notes.append("n_params was given, not counted from the config.")
    else:
        n_params = breakdown["total"]

    raw = {
        "theta": fields["theta"],
        "T_train": fields["T_train"],
        "n_attention_heads": fields["heads"],
        "n_kv_heads": fields["kv_heads"],
        "d_head": fields["d_head"],
        "n_layers": fields["layers"],
        "n_params": n_params,
        "has_SWA": fields["has_SWA"],
    }
    params = {}
    for key, param in ARCHITECTURE.items():
        try:
            params[key] = coerce(param, raw[key])
        except InputError as exc:
            why = (
                " (counted from vocab_size, hidden_size, intermediate_size and num_hidden_layers)"
                if key == "n_params"
                else ""
            )
            errors[key] = (raw[key], exc.allowed + why)
    for key, value in serving.items():
        try:
            serving[key] = coerce(SERVING_ARCHITECTURE[key], value)
        except InputError as exc:
            errors[key] = (value, exc.allowed)
    if errors:
        raise InputError.from_errors(errors)
    return ConfigPreset(params, notes, model_type, _name(data, path), source, breakdown, dict(fields["rope"]), serving)


def _read(config: Any) -> tuple[Mapping, str, Path | None]:
    if isinstance(config, Mapping):
        return config, "dict", None
    if not isinstance(config, (str, os.PathLike)) or (isinstance(config, str) and not config.strip()):
        raise InputError("config", config, "must be a path to a config.json, a folder holding one, or a dict")
    if isinstance(config, str) and len(config) > 4096:
        raise InputError("config", config, "must be a path (at most 4,096 characters)")
    path = Path(config)
    try:
        if path.is_dir():
            path = path / "config.json"
        size = path.stat().st_size
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
        raise InputError("config", str(path), f"cannot be read: {getattr(exc, 'strerror', None) or exc}") from None
    if not path.is_file():
        raise InputError("config", str(path), "must be a file")
    if size > MAX_CONFIG_BYTES:
        raise InputError(
            "config",
            str(path),
            f"is {size:,} bytes; a config.json is a few KB, at most {MAX_CONFIG_BYTES:,} bytes are read",
        )
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("config", str(path), "is not UTF-8 text, so not a config.json") from None
    except OSError as exc:
        raise InputError("config", str(path), f"cannot be read: {exc.strerror or exc}") from None
    data = parse_json_object(text, "config", str(path))
    return data, str(path), path


class _Reader:
    """Typed, bounded reads of config fields; each bad field is recorded once under its name."""

    def __init__(self, data: Mapping, errors: dict[str, tuple[Any, str]]) -> None:
        self.data = data
        self.errors = errors

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def has(self, key: str) -> bool:
        return self.data.get(key) is not None

    def int(
        self,
        key: str,
        low: int,
        high: int,
        default: Any = _MISSING,
        *,
        where: Mapping | None = None,
        name: str | None = None,
    ) -> int | None:
        source = self.data if where is None else where
        param = Param(name or key, name or key, "int", low=low, high=high)
        value = source.get(key, _MISSING)
        if value is _MISSING or value is None:
            if default is _MISSING:
                self.errors.setdefault(param.name, (None, "is missing: " + param.allowed()))
            return None if default is _MISSING else default
        return self._coerce(param, value)

    def number(
        self, key: str, low: float, high: float, *, where: Mapping | None = None, name: str | None = None
    ) -> float | None:
        source = self.data if where is None else where
        param = Param(name or key, name or key, "float", low=low, low_open=True, high=high)
        return self._coerce(param, source.get(key))

    def _coerce(self, param: Param, value: Any) -> Any:
        """``value`` checked by the same declarations as a recipe's inputs (text is not read
        as a number here: a config.json writes its numbers as numbers)."""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.errors.setdefault(param.name, (_clip(value), param.allowed()))
            return None
        try:
            return coerce(param, value)
        except InputError as exc:
            self.errors.setdefault(param.name, (exc.value, exc.allowed))
            return None

    def flag(self, key: str, default: bool) -> bool:
        value = self.data.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.errors.setdefault(key, (_clip(value), "must be true or false"))
            return default
        return value

    def text(self, key: str, where: Mapping, name: str) -> str | None:
        value = where.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or len(value) > 100:
            self.errors.setdefault(name, (_clip(value), "must be a text of at most 100 characters"))
            return None
        return value


def _clip(value: Any) -> Any:
    """A short stand-in for a huge or nested value, so an error message stays one line."""
    if isinstance(value, str) and len(value) > 80:
        return value[:40] + f"... ({len(value):,} characters)"
    if isinstance(value, (dict, list)):
        return f"a JSON {'object' if isinstance(value, dict) else 'array'}"
    return value


def _generic(r: _Reader, notes: list[str], spec: _Family | None) -> dict:
    """The attention and context fields every RoPE decoder states under the same names."""
    label = spec.label if spec else "this family"
    out: dict[str, Any] = {}
    heads = r.int("num_attention_heads", 1, 1024)
    out["heads"] = heads
    out["layers"] = r.int("num_hidden_layers", 1, 1000)
    out["hidden"] = r.int("hidden_size", 1, 1_000_000)

    if spec is None or spec.grouped_kv:
        kv = r.int("num_key_value_heads", 1, 1024, default=heads)
        if kv is not None and heads is not None:
            if kv > heads:
                r.errors.setdefault("num_key_value_heads", (kv, f"must be <= num_attention_heads ({heads})"))
            elif heads % kv:
                r.errors.setdefault(
                    "num_key_value_heads",
                    (
                        kv,
                        f"must divide num_attention_heads ({heads}): each KV head serves a whole group of query heads",
                    ),
                )
    else:
        kv = heads
    out["kv_heads"] = kv

    d_head = r.int("head_dim", 1, 4096, default=None)
    if d_head is None and "head_dim" not in r.errors:
        if spec is not None and spec.head_dim_default is not None and not r.has("head_dim"):
            d_head = spec.head_dim_default
            notes.append(f"head_dim is absent: {label}'s default of {d_head} is used.")
        elif out["hidden"] is not None and heads is not None:
            if out["hidden"] % heads:
                r.errors.setdefault(
                    "hidden_size",
                    (out["hidden"], f"must be a multiple of num_attention_heads ({heads}) when head_dim is not given"),
                )
            else:
                d_head = out["hidden"] // heads
    out["d_head"] = d_head

    theta = None
    for key in spec.theta_keys if spec else ("rope_theta",):
        if r.has(key):
            theta = r.number(key, 0, 1e10)
            break
    else:
        keys = spec.theta_keys if spec else ("rope_theta",)
        if spec is not None:
            theta = spec.theta_default
            notes.append(f"{' and '.join(keys)} absent: θ = {theta:,.0f} is {label}'s documented default.")
        else:
            r.errors.setdefault("rope_theta", (None, "is missing: the RoPE base, a number > 0"))
    out["theta"] = theta

    out["T_train"], max_pos, out["rope"] = _context(r, notes)
    out["has_SWA"] = _sliding_window(r, notes, spec, max_pos, out["layers"])
    if spec is not None and spec.label == "GPT-NeoX" and r.has("rotary_pct"):
        pct = r.number("rotary_pct", 0, 1)
        if pct is not None and pct < 1 and d_head is not None:
            notes.append(
                f"GPT-NeoX rotates only {pct:.0%} of each head's dimensions (rotary_pct = {pct:g}); "
                f"d_head is the full head size, {d_head}."
            )
    return out


def _context(r: _Reader, notes: list[str]) -> tuple[int | None, int | None, dict]:
    """T_train: max_position_embeddings, or the pre-scaling length where rope_scaling gives one;
    then max_position_embeddings, and the extension ({"T_extended", "rope_factor"}, empty
    when rope_scaling does not extend the model beyond its native length)."""
    max_pos = r.int("max_position_embeddings", 1, 100_000_000)
    scaling = r.get("rope_scaling")
    if scaling is None:
        return max_pos, max_pos, {}
    if not isinstance(scaling, dict):
        r.errors.setdefault("rope_scaling", (_clip(scaling), "must be an object or null"))
        return max_pos, max_pos, {}
    kind = r.text("rope_type", scaling, "rope_scaling.rope_type") or r.text("type", scaling, "rope_scaling.type")
    if kind == "default" and scaling.get("factor") in (None, 1, 1.0):
        return max_pos, max_pos, {}
    factor = None
    if scaling.get("factor") is not None:
        factor = r.number("factor", 0, 1e6, where=scaling, name="rope_scaling.factor")
    original = r.int(
        "original_max_position_embeddings",
        1,
        100_000_000,
        default=None,
        where=scaling,
        name="rope_scaling.original_max_position_embeddings",
    )
    key = "rope_scaling.original_max_position_embeddings"
    if original is None and "original_max_position_embeddings" not in scaling:
        original = r.int("original_max_position_embeddings", 1, 100_000_000, default=None)
        key = "original_max_position_embeddings"
    what = f"rope_scaling ({kind or 'unnamed'}{f', factor {factor:g}' if factor else ''})"
    if max_pos is None:
        return None, None, {}
    if original is None:
        notes.append(
            f"{what} is set without an original length: T_train is max_position_embeddings "
            f"({max_pos:,}), which transformers reads as the pre-scaling length."
        )
        return max_pos, max_pos, {}
    if original > max_pos:
        r.errors.setdefault(key, (original, f"must be <= max_position_embeddings ({max_pos:,})"))
        return None, max_pos, {}
    notes.append(
        f"{what} stretches RoPE to {max_pos:,} tokens; T_train is the pre-scaling length "
        f"{original:,}, and θ is the unscaled rope_theta, so γ does not see the scaling."
    )
    extension = {"T_extended": max_pos, "rope_factor": factor} if max_pos > original else {}
    if extension and (factor is None or factor < 1):
        extension["rope_factor"] = None
    return original, max_pos, extension


def _sliding_window(
    r: _Reader, notes: list[str], spec: _Family | None, max_pos: int | None, layers: int | None
) -> bool:
    """True when some layer attends through a window shorter than the context."""
    if spec is not None and spec.swa == "none":
        return False
    default = spec.sliding_window_default if spec else None
    present = "sliding_window" in r.data
    window = r.int("sliding_window", 1, 100_000_000, default=None if present else default)
    if window is None or max_pos is None:
        return False
    if spec is not None and spec.swa == "qwen2":
        if not r.flag("use_sliding_window", False):
            if present:
                notes.append(f"sliding_window = {window:,} is set but use_sliding_window is false: has_SWA = false.")
            return False
        first = r.int("max_window_layers", 0, 1000, default=28)
        if layers is not None and first is not None and first >= layers:
            notes.append(
                f"use_sliding_window is true but max_window_layers = {first} covers all {layers} "
                "layers, so no layer uses the window: has_SWA = false."
            )
            return False
    if window >= max_pos:
        notes.append(
            f"sliding_window = {window:,} is at least the context ({max_pos:,}), so it never "
            "limits attention: has_SWA = false."
        )
        return False
    if not present:
        notes.append(
            f"sliding_window is absent: {spec.label if spec else 'the'} default of {window:,} tokens "
            f"applies, shorter than the context ({max_pos:,}): has_SWA = true."
        )
    elif spec is not None and spec.label == "Gemma-2":
        notes.append(f"Gemma-2 alternates global layers with {window:,}-token sliding-window layers: has_SWA = true.")
    else:
        notes.append(f"sliding_window = {window:,} tokens is shorter than the context ({max_pos:,}): has_SWA = true.")
    return True


def _bias(r: _Reader, rule: bool | tuple[str, bool]) -> bool:
    if isinstance(rule, bool):
        return rule
    key, default = rule
    return r.flag(key, default)


def _all_given(*values: int | None) -> tuple[int, ...] | None:
    """``values``, or None when any is missing (the caller then has no count to give)."""
    if any(v is None for v in values):
        return None
    return tuple(v for v in values if v is not None)


def _count(r: _Reader, spec: _Family, fields: dict) -> dict[str, int]:
    """Parameters as stored, per component (bookkeeping of the weights, not a TAF formula).

    attention = h·(H·d) + 2·h·(K·d) + (H·d)·h (+ biases); gated MLP = 3·h·i, plain
    MLP = 2·h·i + i + h; norms = h per RMSNorm, 2h per LayerNorm; embeddings = V·h,
    twice when the output head is not tied to them.
    """
    vocab = r.int("vocab_size", 1, 10_000_000)
    inter = r.int("intermediate_size", 1, 10_000_000)
    tied = r.flag("tie_word_embeddings", spec.tied_default)
    qkv_bias, o_bias, mlp_bias = _bias(r, spec.qkv_bias), _bias(r, spec.o_bias), _bias(r, spec.mlp_bias)
    h, layers, heads, kv, d = (fields[k] for k in ("hidden", "layers", "heads", "kv_heads", "d_head"))
    present = _all_given(vocab, inter, h, layers, heads, kv, d)
    if present is None:
        return {}
    vocab, inter, h, layers, heads, kv, d = present
    q_out, kv_out = heads * d, kv * d
    attention = h * q_out + 2 * h * kv_out + q_out * h
    attention += (q_out + 2 * kv_out if qkv_bias else 0) + (h if o_bias else 0)
    if spec.mlp == "gated":
        mlp = 3 * h * inter + (2 * inter + h if mlp_bias else 0)
    else:
        mlp = 2 * h * inter + (inter + h if mlp_bias else 0)
    norm = 2 * h if spec.norm_has_bias else h
    embeddings = vocab * h * (1 if tied else 2)
    norms = layers * (spec.norms_per_layer * norm + (2 * d if spec.qk_norm else 0)) + norm
    total = embeddings + layers * (attention + mlp) + norms
    return {
        "embeddings": embeddings,
        "attention": layers * attention,
        "mlp": layers * mlp,
        "norms": norms,
        "total": total,
    }


def _mla_fields(r: _Reader, notes: list[str], fields: dict, serving: dict) -> None:
    """Multi-head latent attention: each layer caches one compressed vector of kv_lora_rank
    + qk_rope_head_dim numbers per token (not keys and values per head); a query/key head
    is qk_nope_head_dim + qk_rope_head_dim wide."""
    rank = r.int("kv_lora_rank", 1, 1_000_000)
    rope = r.int("qk_rope_head_dim", 1, 100_000)
    nope = r.int("qk_nope_head_dim", 1, 100_000)
    if rank is None or rope is None or nope is None:
        return
    fields["d_head"] = nope + rope
    serving["kv_latent_dim"] = rank + rope
    notes.append(
        f"Multi-head latent attention: the KV cache holds kv_lora_rank + qk_rope_head_dim = {rank} + "
        f"{rope} = {rank + rope} numbers per layer and token (kv_latent_dim), not 2·n_kv·d_head; "
        f"d_head is the query/key head width qk_nope_head_dim + qk_rope_head_dim = {nope + rope}. "
        "X-5 and FIT read kv_latent_dim; X-2 and X-19 count the KV cache as if keys and values "
        "were cached per head."
    )


def _count_moe(r: _Reader, spec: _Family, fields: dict, notes: list[str]) -> dict[str, int]:
    """Parameters of a mixture-of-experts model as stored, and those one token reads (``active``).

    Every expert is a gated MLP (3·h·i). Mixtral: all layers sparse, intermediate_size
    per expert, router E·h. Qwen2-MoE: plus a shared expert (shared_expert_intermediate_size)
    with a one-output gate. Qwen3-MoE: moe_intermediate_size per expert, no shared expert.
    Both Qwen families make layers dense where decoder_sparse_step or mlp_only_layers say.
    DeepSeek: multi-head latent attention; the first first_k_dense_replace layers dense,
    then n_routed_experts plus n_shared_experts of moe_intermediate_size, router E·h (and a
    score-correction bias of E under topk_method noaux_tc); the multi-token-prediction
    layers (num_nextn_predict_layers) are not counted.
    """
    vocab = r.int("vocab_size", 1, 10_000_000)
    tied = r.flag("tie_word_embeddings", spec.tied_default)
    h, layers, heads, kv, d = (fields[k] for k in ("hidden", "layers", "heads", "kv_heads", "d_head"))
    per_tok = r.int("num_experts_per_tok", 1, 100_000)
    if spec.moe == "mixtral":
        n_exp, inter, shared_inter = r.int("num_local_experts", 1, 100_000), r.int("intermediate_size", 1, 10**7), 0
    elif spec.moe == "deepseek":
        n_exp = r.int("n_routed_experts", 1, 100_000)
        inter = r.int("moe_intermediate_size", 1, 10**7)
        n_shared = r.int("n_shared_experts", 0, 1000, default=0) or 0
        shared_inter = (inter or 0) * n_shared
    else:
        n_exp, inter = r.int("num_experts", 1, 100_000), r.int("moe_intermediate_size", 1, 10**7)
        shared_inter = (
            r.int("shared_expert_intermediate_size", 0, 10**7, default=0) or 0 if spec.moe == "qwen2_moe" else 0
        )
    dense_inter = r.int("intermediate_size", 1, 10**7)
    present = _all_given(vocab, h, layers, heads, kv, d, per_tok, n_exp, inter, dense_inter)
    if present is None:
        return {}
    vocab, h, layers, heads, kv, d, per_tok, n_exp, inter, dense_inter = present
    if per_tok > n_exp:
        r.errors.setdefault("num_experts_per_tok", (per_tok, f"must be <= the number of experts ({n_exp})"))
        return {}

    if spec.mla:
        q_rank = r.get("q_lora_rank")
        rank, rope = r.int("kv_lora_rank", 1, 10**6), r.int("qk_rope_head_dim", 1, 10**5)
        nope, v_dim = r.int("qk_nope_head_dim", 1, 10**5), r.int("v_head_dim", 1, 10**5)
        present = _all_given(rank, rope, nope, v_dim)
        if present is None:
            return {}
        rank, rope, nope, v_dim = present
        q_width = heads * (nope + rope)
        if q_rank is None:
            q_part = h * q_width
        else:
            q_rank = r.int("q_lora_rank", 1, 10**6)
            if q_rank is None:
                return {}
            q_part = h * q_rank + q_rank + q_rank * q_width  # q_a_proj, q_a_layernorm, q_b_proj
        attention = q_part + h * (rank + rope) + rank + rank * heads * (nope + v_dim) + heads * v_dim * h
    else:
        q_out, kv_out = heads * d, kv * d
        qkv_bias = _bias(r, spec.qkv_bias)
        attention = h * q_out + 2 * h * kv_out + q_out * h + (q_out + 2 * kv_out if qkv_bias else 0)
        attention += 2 * d if spec.qk_norm else 0

    expert = 3 * h * inter
    router = n_exp * h
    shared = 3 * h * shared_inter if shared_inter else 0
    if spec.moe == "qwen2_moe" and shared_inter:
        shared += h  # shared_expert_gate: hidden -> 1
    if spec.moe == "deepseek" and r.get("topk_method") == "noaux_tc":
        router += n_exp  # e_score_correction_bias
    sparse_mlp = n_exp * expert + router + shared
    sparse_active = per_tok * expert + router + shared
    dense_mlp = 3 * h * dense_inter

    sparse_layers = _sparse_layers(r, spec, layers)
    if sparse_layers is None:
        return {}
    n_sparse = len(sparse_layers)
    n_dense = layers - n_sparse
    norm_per_layer = 2 * h
    embeddings = vocab * h * (1 if tied else 2)
    norms = layers * norm_per_layer + h
    mlp = n_sparse * sparse_mlp + n_dense * dense_mlp
    total = embeddings + layers * attention + mlp + norms
    active = embeddings + layers * attention + n_sparse * sparse_active + n_dense * dense_mlp + norms
    if spec.moe == "deepseek" and (r.get("num_nextn_predict_layers") or 0):
        notes.append(
            f"num_nextn_predict_layers = {r.get('num_nextn_predict_layers')}: the multi-token-prediction "
            "layer is not counted (it is not used to generate text one token at a time)."
        )
    notes.append(
        f"Mixture of experts: {n_sparse} of {layers} layers route each token to {per_tok} of {n_exp} experts"
        + (" plus the shared expert" if shared_inter else "")
        + f"; n_params counts every expert ({total:,}), n_active_params what one token reads ({active:,})."
    )
    return {
        "embeddings": embeddings,
        "attention": layers * attention,
        "mlp": mlp,
        "norms": norms,
        "total": total,
        "active": active,
    }


def _sparse_layers(r: _Reader, spec: _Family, layers: int) -> list[int] | None:
    """The indices of the layers whose MLP is a mixture of experts."""
    if spec.moe == "mixtral":
        return list(range(layers))
    if spec.moe == "deepseek":
        first = r.int("first_k_dense_replace", 0, layers, default=0)
        freq = r.int("moe_layer_freq", 1, 1000, default=1)
        if first is None or freq is None:
            return None
        return [i for i in range(layers) if i >= first and i % freq == 0]
    step = r.int("decoder_sparse_step", 1, 1000, default=1)
    only = r.get("mlp_only_layers") or []
    if step is None or not isinstance(only, list) or not all(isinstance(i, int) for i in only):
        r.errors.setdefault("mlp_only_layers", (_clip(only), "must be a list of layer indices"))
        return None
    return [i for i in range(layers) if i not in only and (i + 1) % step == 0]


_HASH = re.compile(r"^[0-9a-f]{40}$")
_HUB_NAME = re.compile(r"^[A-Za-z0-9][\w.-]{0,95}/[\w.-]{1,96}$")


def _name(data: Mapping, path: Path | None) -> str | None:
    """The model's name: a hub id in ``_name_or_path``, else the folder's name (a Hugging
    Face cache folder ``models--org--name/snapshots/<hash>`` gives ``org/name``)."""
    given = data.get("_name_or_path")
    if isinstance(given, str) and _HUB_NAME.match(given):
        return given
    if path is None:
        return None
    folder = path.resolve().parent
    if _HASH.match(folder.name) and folder.parent.name == "snapshots":
        cached = folder.parent.parent.name
        if cached.startswith("models--") and cached.count("--") >= 2:
            return "/".join(cached[len("models--") :].split("--", 1))
    return folder.name[:200] or None


def describe_breakdown(breakdown: Mapping[str, int]) -> str:
    """``8,030,261,248 = embeddings 1,050,673,152 + attention ... + norms ...``."""
    if not breakdown:
        return ""
    parts = " + ".join(f"{k} {breakdown[k]:,}" for k in ("embeddings", "attention", "mlp", "norms"))
    return f"{breakdown['total']:,} = {parts}"
