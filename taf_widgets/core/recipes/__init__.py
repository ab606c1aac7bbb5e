"""The recipes and their runner: the five TAF decision recipes (X-1, X-2, X-3, X-5, X-19)
and this project's own FIT (Will it fit?).

A recipe is a chain of formula steps, each tagged with its paper section, ending in a
verdict, a reason and a mitigation, plus notes on the assumptions a reader would not
guess. Each recipe is one module that declares one :class:`Recipe`: its parameters (see
:mod:`..params`), its compute, its tones, facts, evidence, charts and whether it sits on
the card or in a comparison. The registry below is the one list of them; everything else
(summary, sweep, exports, charts, card, compare, CLI) reads the declarations.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..catalogs import get_preset, get_preset_extras
from ..errors import InputError
from ..params import validate
from .base import (
    CAVEAT_ORDER,
    CAVEAT_RANK,
    DEFAULT_TONE,
    Fact,
    Outcome,
    Recipe,
    RecipeResult,
    confidence_from,
    to_jsonable,
)
from .common import closed_form_factors
from .fit import FIT
from .x1_train_or_api import X1
from .x2_long_context import X2
from .x3_budget import X3
from .x5_serving_gpu import X5, x5_serving_candidates
from .x19_kv_compression import X19

__all__ = [
    "Recipe",
    "RecipeResult",
    "Outcome",
    "Fact",
    "Tab",
    "RECIPES",
    "OWN_RECIPES",
    "ALL_RECIPES",
    "run_recipe",
    "get_recipe",
    "list_recipes",
    "register_recipe",
    "unregister_recipe",
    "resolve_params",
    "fill_architecture",
    "verdict_tone",
    "to_jsonable",
    "CAVEAT_ORDER",
    "confidence_from",
    "x5_serving_candidates",
    "X1",
    "X2",
    "X3",
    "X5",
    "X19",
    "FIT",
]

RECIPES: dict[str, Recipe] = {}
"""The framework's (TAF's) recipes."""
OWN_RECIPES: dict[str, Recipe] = {}
"""Recipes of this project, not of the framework (FIT · Will it fit?)."""
ALL_RECIPES: dict[str, Recipe] = {}
"""Every recipe that runs here: the framework's, then this project's own."""


def register_recipe(recipe: Recipe) -> Recipe:
    """Add ``recipe`` to the registry (a TAF recipe when its origin is "TAF"); every front
    end picks it up from its declaration. Returns it."""
    if not isinstance(recipe, Recipe):
        raise InputError("recipe", type(recipe).__name__, "must be a Recipe")
    if recipe.id in ALL_RECIPES and ALL_RECIPES[recipe.id] is not recipe:
        raise InputError("recipe", recipe.id, "is already registered: unregister it first")
    (RECIPES if recipe.origin == "TAF" else OWN_RECIPES)[recipe.id] = recipe
    ALL_RECIPES.clear()
    ALL_RECIPES.update({**RECIPES, **OWN_RECIPES})
    return recipe


def unregister_recipe(recipe_id: str) -> None:
    """Remove a recipe added with :func:`register_recipe` (tests, plug-ins)."""
    get_recipe(recipe_id)
    RECIPES.pop(recipe_id, None)
    OWN_RECIPES.pop(recipe_id, None)
    ALL_RECIPES.pop(recipe_id)


for _recipe in (X1, X2, X3, X5, X19, FIT):
    register_recipe(_recipe)
del _recipe


def get_recipe(recipe_id: str) -> Recipe:
    """The recipe with id ``recipe_id`` ("X-1", "X-2", "X-3", "X-5", "X-19", or this project's "FIT")."""
    if not isinstance(recipe_id, str) or recipe_id not in ALL_RECIPES:
        raise InputError("recipe_id", recipe_id, "must be one of: " + ", ".join(ALL_RECIPES))
    return ALL_RECIPES[recipe_id]


def list_recipes() -> list[dict]:
    """One row per recipe: id, name, description, category, params (names), uses_sections,
    and origin ("TAF", or "taf-widgets" for this project's own recipes)."""
    return [
        {
            "id": r.id,
            "name": r.name,
            "description": r.description,
            "category": r.category,
            "params": [p.name for p in r.params],
            "uses_sections": list(r.uses_sections),
            "origin": r.origin,
        }
        for r in ALL_RECIPES.values()
    ]


def verdict_tone(verdict: str) -> str:
    """Colour class of a verdict label: "go", "caution" or "no" (as the recipe that gives
    it declares; a verdict no recipe lists is "caution")."""
    for recipe in ALL_RECIPES.values():
        if verdict in recipe.tones:
            return recipe.tones[verdict]
    return DEFAULT_TONE


def fill_architecture(
    recipe: Recipe,
    model: Mapping[str, Any],
    params: Mapping[str, Any] | None = None,
    *,
    context: bool = True,
    clear_missing: bool = False,
) -> dict:
    """``params`` with the parameters a model fills added under them: every parameter whose
    ``preset_key`` is in ``model`` (a preset row, a config.json's architecture), and with
    ``context`` the context length that defaults to the model's (``preset_default``).
    Explicit ``params`` win. With ``clear_missing`` an optional architecture parameter the
    model does not have is set to None (a dense model has no separate active count)."""
    given = dict(params or {})
    merged: dict = {}
    for p in recipe.params:
        if p.name in given:
            continue
        key = p.preset_key or (p.preset_default if context else None)
        if key and key in model:
            merged[p.name] = model[key]
        elif clear_missing and p.preset_key and p.optional:
            merged[p.name] = None
    merged.update(given)
    return merged


def resolve_params(recipe: Recipe, preset: str | None, params: Mapping[str, Any]) -> dict:
    """Merge a preset under explicit ``params``: the preset fills the architecture
    parameters it has, and the context length defaults to the preset's T_train."""
    if preset is None or preset == "":
        return dict(params)
    if not recipe.takes_preset:
        raise InputError("preset", preset, f"{recipe.id} has no model parameters, so it takes no preset")
    return fill_architecture(recipe, {**get_preset_extras(preset), **get_preset(preset)}, params)


def run_recipe(recipe_id: str, preset: str | None = None, **params: Any) -> RecipeResult:
    """Run recipe ``recipe_id`` on ``params`` (filled from model ``preset`` where given).

    Raises :class:`InputError` naming the field for any input it cannot answer.
    """
    recipe = get_recipe(recipe_id)
    used = validate(recipe.params, resolve_params(recipe, preset, params), check=recipe.check)
    outcome = recipe.compute(used)
    caveats = sorted(outcome.caveats, key=lambda c: CAVEAT_RANK.get(c[0], len(CAVEAT_RANK)))
    if outcome.factors is not None:
        factors = outcome.factors
    else:
        factors = (recipe.factors or closed_form_factors)(used)
    return RecipeResult(
        recipe.id,
        recipe.name,
        used,
        outcome.chain,
        outcome.verdict,
        outcome.reason,
        outcome.mitigation,
        [text for _, text in caveats] + outcome.notes,
        preset or None,
        caveats=[code for code, _ in caveats],
        confidence=confidence_from(factors),
        caveat_text=dict(caveats),
        mode=outcome.mode,
        extras=outcome.extras,
        tone_map=recipe.tones,
    )
