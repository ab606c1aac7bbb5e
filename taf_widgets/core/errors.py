"""The one error type of taf_widgets: bad input, named by field, value and what is allowed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["InputError"]


class InputError(ValueError):
    """An input that the recipes cannot answer.

    ``field`` names the parameter, ``value`` is what was given and ``allowed`` says
    what would have been accepted. When several fields are wrong at once, ``errors``
    maps every bad field to its message (the first one is also ``field``).
    """

    def __init__(
        self,
        field: str,
        value: Any,
        allowed: str,
        *,
        errors: Mapping[str, str] | None = None,
    ) -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        message = format_error(field, value, allowed)
        self.errors: dict[str, str] = dict(errors) if errors else {field: message}
        extra = len(self.errors) - 1
        if extra > 0:
            others = ", ".join(name for name in self.errors if name != field)
            message = f"{message} (also invalid: {others})"
        super().__init__(message)

    @classmethod
    def from_errors(cls, errors: Mapping[str, tuple[Any, str]]) -> InputError:
        """Build one error from ``{field: (value, allowed)}``, keeping every field's message."""
        messages = {name: format_error(name, value, allowed) for name, (value, allowed) in errors.items()}
        first = next(iter(errors))
        value, allowed = errors[first]
        return cls(first, value, allowed, errors=messages)


def format_error(field: str, value: Any, allowed: str) -> str:
    """The message shown to people: ``field: got VALUE; ALLOWED``."""
    return f"{field}: got {_show(value)}; {allowed}"


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
