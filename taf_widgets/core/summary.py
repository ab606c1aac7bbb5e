"""The few numbers that sum up a recipe's answer, for comparisons, model cards and sweeps.

Each entry is ``{"key", "label", "value", "unit"}``, read from the result's steps by key
(never recomputed), so a summary always agrees with the chain it came from. The first
entry is the headline number. Which numbers they are is each recipe's ``facts``.
"""

from __future__ import annotations

from .recipes import RecipeResult, get_recipe

__all__ = ["key_numbers"]


def key_numbers(result: RecipeResult) -> list[dict]:
    """The key numbers of ``result``, headline first (see the module docstring)."""
    return [f.entry(result) for f in get_recipe(result.recipe_id).facts]
