"""Strict parsing of JSON text that must hold an object (config.json files, catalog files).

It sits at the bottom of the core's layers (it needs only :mod:`.errors`), so the
catalogs and the config.json reader can both use it without importing each other.
"""

from __future__ import annotations

import json
from typing import Any

from .errors import InputError

__all__ = ["parse_json_object"]


def parse_json_object(text: str, field_name: str, where: str) -> dict:
    """Parse JSON text that must be an object; reject NaN/Infinity, duplicate keys, deep
    nesting and out-of-range numbers with an :class:`InputError` on ``field_name``."""

    def no_constant(name: str) -> Any:
        raise ValueError(f"{name} is not a JSON number")

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out:
                raise ValueError(f"duplicate key {key[:80]!r}")
            out[key] = value
        return out

    try:
        data = json.loads(text, parse_constant=no_constant, object_pairs_hook=no_duplicates)
    except RecursionError:
        raise InputError(field_name, where, "is not usable JSON: nested too deeply") from None
    except ValueError as exc:  # JSONDecodeError, duplicates, NaN, ints over 4,300 digits
        raise InputError(field_name, where, f"is not valid JSON: {str(exc)[:200]}") from None
    if not isinstance(data, dict):
        raise InputError(field_name, where, f"must hold a JSON object, not a {type(data).__name__}")
    return data
