"""Parameter declarations and the validation that comes from them.

A recipe declares each parameter once as a :class:`Param`. Validation, CLI flags,
widget controls and docs are all derived from these declarations; nothing else
lists a parameter's bounds or choices.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import InputError

__all__ = ["Param", "REQUIRED", "coerce", "validate", "ARCHITECTURE", "SERVING_ARCHITECTURE", "register_choices"]


class _Required:
    """Marker default: the parameter must be given (or come from a preset)."""

    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()

KINDS = ("int", "float", "bool", "choice")

# Where a choice parameter's names come from, by catalog name ("gpu", "api_model"...).
# The catalogs fill this when they load, so this module never imports them.
_CHOICE_SOURCES: dict[str, Callable[[], list[str]]] = {}


def register_choices(catalog: str, names: Callable[[], list[str]]) -> None:
    """Declare where the current names of choice catalog ``catalog`` come from."""
    _CHOICE_SOURCES[catalog] = names


@dataclass(frozen=True)
class Param:
    """One declared recipe parameter.

    ``low``/``high`` bound numbers (``low_open`` makes the lower bound exclusive);
    ``log`` says the range spans decades, so sliders map it logarithmically.
    ``choices`` names a catalog ("gpu", "api_model") whose current names are the
    allowed values, or is a tuple of the fixed allowed values (precisions, ``("spec", "audited")``). ``preset_key`` is the key a model preset fills this parameter
    from (None: a preset never sets it); ``preset_default`` is a preset key used only
    as this parameter's default (the context length starts at the preset's T_train). ``example`` is the value an interactive
    control starts from when the parameter is required and no preset gives it.
    """

    name: str
    label: str
    kind: str
    default: Any = REQUIRED
    unit: str = ""
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    log: bool = False
    choices: str | tuple[str, ...] | None = None
    help: str = ""
    preset_key: str | None = None
    preset_default: str | None = None
    optional: bool = False
    example: Any = None
    step: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Param {self.name}: kind must be one of {KINDS}")

    @property
    def required(self) -> bool:
        """True when neither a default nor ``optional`` lets the parameter be left out."""
        return self.default is REQUIRED and not self.optional

    def choice_values(self) -> list[str]:
        """The names currently allowed for a choice parameter (catalogs can grow at run time)."""
        if isinstance(self.choices, tuple):
            return list(self.choices)
        if not self.choices:
            return []
        if self.choices not in _CHOICE_SOURCES:
            raise KeyError(f"no catalog registered for choices {self.choices!r}")
        return _CHOICE_SOURCES[self.choices]()

    def allowed(self) -> str:
        """A human sentence of what this parameter accepts."""
        if self.kind == "bool":
            return "must be true or false"
        if self.kind == "choice":
            names = self.choice_values()
            return "must be one of: " + ", ".join(repr(n) for n in names)
        what = "a whole number" if self.kind == "int" else "a finite number"
        lo = "" if self.low is None else (f"> {_fmt(self.low)}" if self.low_open else f">= {_fmt(self.low)}")
        hi = "" if self.high is None else f"<= {_fmt(self.high)}"
        bounds = " and ".join(b for b in (lo, hi) if b)
        unit = f" ({self.unit})" if self.unit else ""
        return f"must be {what}{' ' + bounds if bounds else ''}{unit}"

    def describe(self) -> dict:
        """The declaration as plain data, for front ends, CLIs and docs."""
        return {
            "name": self.name,
            "label": self.label,
            "kind": self.kind,
            "unit": self.unit,
            "default": None if self.default is REQUIRED else self.default,
            "required": self.required,
            "optional": self.optional,
            "low": self.low,
            "high": self.high,
            "low_open": self.low_open,
            "log": self.log,
            "step": self.step if self.step is not None else (1 if self.kind == "int" else None),
            "choices": self.choice_values() if self.kind == "choice" else None,
            "help": self.help,
            "architecture": self.preset_key is not None,
            "allowed": self.allowed(),
        }


def _fmt(x: float) -> str:
    if x == int(x) and abs(x) < 1e6:
        return f"{int(x)}"
    return f"{x:g}".replace("e+0", "e").replace("e+", "e")


_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


def coerce(param: Param, value: Any) -> Any:
    """Turn ``value`` into the declared kind and check its bounds; raise InputError if it cannot.

    Numeric strings are accepted (browser forms and CLIs send text), booleans are
    never numbers, and for bool parameters the strings "true"/"false" (and 1/0)
    are read for what they say, not for being non-empty.
    """
    kind = param.kind
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise InputError(param.name, value, param.allowed())
    if kind == "choice":
        names = param.choice_values()
        if isinstance(value, str) and value in names:
            return value
        raise InputError(param.name, value, param.allowed())

    number = _to_number(param, value)
    if kind == "int":
        if number != math.floor(number):
            raise InputError(param.name, value, param.allowed())
        number = int(number)
    elif isinstance(number, int):
        number = float(number) if abs(number) < 2**53 else number
    if param.low is not None and (number <= param.low if param.low_open else number < param.low):
        raise InputError(param.name, value, param.allowed())
    if param.high is not None and number > param.high:
        raise InputError(param.name, value, param.allowed())
    return number


def _to_number(param: Param, value: Any) -> float | int:
    if isinstance(value, bool):
        raise InputError(param.name, value, param.allowed() + " (a boolean is not a number)")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        number = value
    elif isinstance(value, str):
        text = value.strip().replace("_", "")
        if not text:
            raise InputError(param.name, value, param.allowed() + " (the field is empty)")
        try:
            number = int(text) if text.lstrip("+-").isdigit() else float(text)
        except ValueError:
            raise InputError(param.name, value, param.allowed()) from None
        if isinstance(number, int):
            return number
    else:
        raise InputError(param.name, value, param.allowed())
    if not math.isfinite(number):
        raise InputError(param.name, value, param.allowed())
    return number


def validate(
    params: Iterable[Param],
    values: Mapping[str, Any],
    *,
    check: Callable[[dict], dict[str, tuple[Any, str]]] | None = None,
    known_as: str = "a parameter of this recipe",
    others: Iterable[str] = (),
) -> dict:
    """Validate ``values`` against the declarations; return the full set of values used.

    Unknown names, missing required values and bad values are all collected and
    raised together as one :class:`InputError` (its ``errors`` maps each field to
    its message). ``check`` may add cross-field errors on the coerced values.

    The same rule checks recipe inputs and catalog rows: ``known_as`` says what an
    unknown name is not ("a parameter of this recipe", "a field of a GPU row"), and
    ``others`` names fields the caller checks itself (listed as known, never returned).
    """
    declared = {p.name: p for p in params}
    extra = [name for name in others if name not in declared]
    errors: dict[str, tuple[Any, str]] = {}
    for name in values:
        if name not in declared and name not in extra:
            errors[name] = (values[name], f"is not {known_as}; known: " + ", ".join([*declared, *extra]))
    used: dict[str, Any] = {}
    for name, param in declared.items():
        if name in values and not (param.optional and _blank(values[name])):
            try:
                used[name] = coerce(param, values[name])
            except InputError as exc:
                errors[name] = (exc.value, exc.allowed)
        elif param.default is not REQUIRED:
            used[name] = param.default
        elif param.optional:
            used[name] = None
        else:
            errors[name] = (values.get(name), "is required: " + param.allowed())
    if not errors and check is not None:
        errors.update(check(used))
    if errors:
        raise InputError.from_errors(errors)
    return used


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# ── the architecture parameters a model preset fills ────────────────────────

ARCHITECTURE: dict[str, Param] = {
    p.name: p
    for p in (
        Param(
            "theta",
            "RoPE base θ",
            "float",
            unit="",
            low=0,
            high=1e10,
            low_open=True,
            log=True,
            help="Rotary position embedding base (rope_theta).",
            preset_key="theta",
            example=500000.0,
        ),
        Param(
            "T_train",
            "Training context",
            "int",
            unit="tokens",
            low=1,
            high=1e8,
            log=True,
            help="Context length the model was trained at.",
            preset_key="T_train",
            example=8192,
        ),
        Param(
            "n_attention_heads",
            "Attention heads",
            "int",
            low=1,
            high=1024,
            log=True,
            help="Number of query heads per layer.",
            preset_key="n_attention_heads",
            example=32,
        ),
        Param(
            "n_kv_heads",
            "KV heads",
            "int",
            low=1,
            high=1024,
            log=True,
            help="Key/value heads per layer (fewer than query heads means GQA).",
            preset_key="n_kv_heads",
            example=8,
        ),
        Param(
            "d_head",
            "Head dimension",
            "int",
            low=1,
            high=4096,
            log=True,
            help="Dimensions per attention head.",
            preset_key="d_head",
            example=128,
        ),
        Param(
            "n_layers",
            "Layers",
            "int",
            low=1,
            high=1000,
            log=True,
            help="Transformer layers.",
            preset_key="n_layers",
            example=32,
        ),
        Param(
            "n_params",
            "Parameters",
            "float",
            unit="params",
            low=1e6,
            high=1e15,
            log=True,
            help="Total parameter count.",
            preset_key="n_params",
            example=8e9,
        ),
        Param(
            "has_SWA",
            "Sliding-window attention",
            "bool",
            default=False,
            help="Whether the model uses sliding-window attention.",
            preset_key="has_SWA",
        ),
    )
}


# ── optional preset keys that only serving recipes read ─────────────────────
# A mixture-of-experts model reads only its active parameters per token, and a
# multi-head latent attention (MLA) model caches one compressed vector per layer and
# token instead of keys and values per head. Presets and config.json presets carry
# these when the model has them; the recipes that do not serve ignore them.

SERVING_ARCHITECTURE: dict[str, Param] = {
    p.name: p
    for p in (
        Param(
            "n_active_params",
            "Active parameters",
            "float",
            unit="params",
            low=1e6,
            high=1e15,
            log=True,
            optional=True,
            preset_key="n_active_params",
            help="Parameters read per generated token (mixture-of-experts models); empty: all of them.",
        ),
        Param(
            "kv_latent_dim",
            "KV latent width (MLA)",
            "int",
            low=1,
            high=1_000_000,
            log=True,
            optional=True,
            preset_key="kv_latent_dim",
            help="Multi-head latent attention: numbers cached per layer and token "
            "(kv_lora_rank + qk_rope_head_dim); empty: keys and values per KV head.",
        ),
    )
}
