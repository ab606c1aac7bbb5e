"""Numbers for people: units, thousands separators and scientific notation where it helps.

Used by the CLI and the text exports. The front end formats with ``js/format.js``
(``formatNumber``/``formatQuantity``) by the same rule, stated once here and there:

- 0 < |x| < 1e-3 or |x| >= 1e9: scientific with three significant digits, ``8.00e9``;
- 100 <= |x| < 1e9: a whole number with "," thousands separators, ``47,781``;
- 1 <= |x| < 100: at most two decimals, trailing zeros dropped, ``24.97``, ``2.5``;
- |x| < 1: four significant digits, trailing zeros dropped, ``0.9134``, ``0.45``;
- rounding is half away from zero (as JavaScript's ``toFixed``), on the number's exact value;
- ``None`` reads ``n/a``, booleans ``yes``/``no``; the strings ``"inf"``, ``"-inf"``, ``"nan"``
  (how results write non-finite numbers) read ``∞``, ``-∞``, ``NaN``;
- units: ``$`` before the number for USD (``$11,984``, ``-$5``, ``$6.25/Mtok``); a probability
  as a percentage (``12.34%``); ``×`` and ``%`` right after the number; any other unit after a space.

``tests/fixtures/format_cases.json`` holds the shared cases both formatters are tested on.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

__all__ = ["format_number", "format_step_result", "format_inputs"]

_NON_FINITE = {"inf": "∞", "-inf": "-∞", "nan": "NaN"}


def format_number(x: Any, unit: str = "") -> str:
    """``8e9`` → ``8.00e9``, ``47781.0`` → ``47,781``, ``0.9134`` → ``0.9134``;
    with a unit: ``$1,234``, ``4.19 GB``, ``12.5%`` (probability). See the module docstring."""
    if x is None:
        return "n/a"
    numeric = (isinstance(x, (int, float)) and not isinstance(x, bool)) or x in ("inf", "-inf")
    if not numeric or not unit:
        return _text(x)
    if unit == "probability":
        return f"{_text(x * 100)}%" if not isinstance(x, str) else _text(x)
    text = _text(x)
    if unit == "$":
        unit = "USD"
    if unit == "USD" or unit.startswith("USD/"):
        sign = "-" if text.startswith("-") else ""
        return f"{sign}${text[len(sign) :]}{unit[3:]}"
    if unit in ("×", "%"):
        return text + unit
    return f"{text} {unit}"


def _text(x: Any) -> str:
    """A value without its unit."""
    if x is None:
        return "n/a"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, str):
        return _NON_FINITE.get(x, x)
    if not isinstance(x, (int, float)):
        return str(x)
    if isinstance(x, float) and not math.isfinite(x):
        return "NaN" if x != x else ("∞" if x > 0 else "-∞")
    return _plain(x)


def _round(x: float | int | Decimal, quantum: Decimal) -> Decimal:
    return Decimal(x).quantize(quantum, rounding=ROUND_HALF_UP)


def _trim(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text and "e" not in text else text


def _scientific(x: float | int) -> str:
    d = Decimal(x)
    exponent = d.adjusted()
    mantissa = _round(abs(d).scaleb(-exponent), Decimal("0.01"))
    if mantissa >= 10:  # 9.995 rounds up to the next power of ten
        exponent += 1
        mantissa = _round(abs(d).scaleb(-exponent), Decimal("0.01"))
    return f"{'-' if x < 0 else ''}{mantissa}e{exponent}"


def _plain(x: float | int) -> str:
    ax = abs(x)
    if ax == 0:
        return "0"
    if ax >= 1e9 or ax < 1e-3:
        return _scientific(x)
    if ax >= 100:
        whole = int(_round(x, Decimal(1)))
        return _scientific(whole) if abs(whole) >= 1e9 else f"{whole:,}"
    if ax >= 1:
        return _trim(format(_round(x, Decimal("0.01")), "f"))
    digits = Decimal(1).scaleb(Decimal(x).adjusted() - 3)  # four significant digits
    return _trim(format(_round(x, digits), "f"))


# Units of the dict keys that the formulas return.
_KEY_UNITS = {
    "GB": "GB",
    "MB": "MB",
    "bytes": "bytes",
    "USD": "USD",
    "hours": "hours",
    "days": "days",
    "tok_per_sec": "tok/s",
    "USD_per_Mtok": "USD/Mtok",
    "total_FLOPs": "FLOPs",
    "Mtok_breakeven": "Mtok",
    "tokens_breakeven": "tokens",
    "savings_per_Mtok": "USD/Mtok",
}
# The fields worth one line, in order of preference.
_HEADLINE = ("GB", "USD", "days", "USD_per_Mtok", "tok_per_sec", "Mtok_breakeven", "error")


def format_step_result(result: Any, unit: str = "") -> str:
    """One short line for a chain step's result (scalar, dict or list of GPU rows)."""
    if isinstance(result, dict):
        parts = [
            f"{format_number(result[k], _KEY_UNITS.get(k, ''))}" for k in _HEADLINE if k in result and k != "error"
        ]
        if "error" in result:
            parts.append(str(result["error"]))
        return ", ".join(parts) if parts else format_inputs(result)
    if isinstance(result, list):
        if not result:
            return "none"
        best = result[0]
        return f"{len(result)} shown; best {best.get('gpu')} at {format_number(best.get('USD_per_Mtok'), 'USD/Mtok')}"
    return format_number(result, unit)


def format_inputs(values: dict) -> str:
    """``key = value`` pairs, comma-separated."""
    return ", ".join(f"{k} = {format_number(v, _KEY_UNITS.get(k, ''))}" for k, v in values.items())
