"""Numbers for people: units, thousands separators and scientific notation where it helps.

Used by the CLI and the text exports; the front end has its own copy in JS
(``js/format.js``) with the same rules.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["format_number", "format_step_result", "format_inputs"]


def format_number(x: Any, unit: str = "") -> str:
    """``8e9`` → ``8.00e9``, ``47781.0`` → ``47,781``, ``0.9134`` → ``0.9134``;
    with a unit: ``$1,234``, ``4.19 GB``, ``12.5%`` (probability)."""
    if x is None:
        return "n/a"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, str):
        return {"inf": "∞", "-inf": "−∞", "nan": "n/a"}.get(x, x)
    if not isinstance(x, (int, float)):
        return str(x)
    if isinstance(x, float) and not math.isfinite(x):
        return "n/a" if x != x else ("∞" if x > 0 else "−∞")
    if unit == "probability":
        return f"{x * 100:.1f}%"
    if unit in ("USD", "$", "USD/Mtok") and 1e-3 <= abs(x) < 1000:
        text = f"{x:,.2f}"
    else:
        text = _plain(x)
    if unit in ("USD", "$"):
        return f"${text}" if not text.startswith("-") else f"-${text[1:]}"
    if unit == "USD/Mtok":
        return f"${text}/Mtok"
    return f"{text} {unit}" if unit else text


def _plain(x: float) -> str:
    ax = abs(x)
    if ax == 0:
        return "0"
    if ax >= 1e7 or ax < 1e-3:
        mantissa, exponent = f"{x:.2e}".split("e")
        return f"{mantissa}e{int(exponent)}"
    if isinstance(x, int) or ax >= 100:
        return f"{x:,.0f}"
    if ax >= 1:
        return f"{x:,.2f}"
    return f"{x:.4f}"


# Units of the dict keys that the formulas return.
_KEY_UNITS = {
    "GB": "GB", "MB": "MB", "bytes": "bytes", "USD": "USD", "hours": "h", "days": "days",
    "tok_per_sec": "tok/s", "USD_per_Mtok": "USD/Mtok", "total_FLOPs": "FLOPs",
    "Mtok_breakeven": "Mtok", "tokens_breakeven": "tokens", "savings_per_Mtok": "USD/Mtok",
}
# The fields worth one line, in order of preference.
_HEADLINE = ("GB", "USD", "days", "USD_per_Mtok", "tok_per_sec", "Mtok_breakeven", "error")


def format_step_result(result: Any, unit: str = "") -> str:
    """One short line for a chain step's result (scalar, dict or list of GPU rows)."""
    if isinstance(result, dict):
        parts = [f"{format_number(result[k], _KEY_UNITS.get(k, ''))}" for k in _HEADLINE
                 if k in result and k != "error"]
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
