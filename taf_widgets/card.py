"""ModelCard: every recipe that applies to one model, as a grid of verdicts.

``ModelCard("meta-llama/Meta-Llama-3-8B")`` runs every recipe that sits on the card
(``Recipe.card_position``: X-2, X-19, X-5 and X-1; X-3 sizes a model from a budget, so it
does not) on the model's architecture and shows one badge per recipe with its headline
number; each badge opens its chain. ``T_eval`` (the context length used by X-2, X-19 and X-5) is a
synced trait: set it from Python and the card recomputes.
"""

from __future__ import annotations

import os
from typing import Any

import anywidget
import traitlets

from .core import ALL_RECIPES, ARCHITECTURE, InputError, get_preset, get_preset_extras, run_recipe
from .core.recipes import Recipe, fill_architecture, to_jsonable
from .core.summary import key_numbers
from .widget import _bundle

__all__ = ["ModelCard", "model_params"]


def card_recipes() -> list[Recipe]:
    """The recipes on the card, in their declared order."""
    on_card = [r for r in ALL_RECIPES.values() if r.card_position is not None]
    return sorted(on_card, key=lambda r: r.card_position)


def model_params(model: str | dict | Any) -> tuple[str, dict, list[str]]:
    """(name, architecture parameters, notes) of a preset name, a parameter dict, or a
    Hugging Face ``config.json`` (a path, a folder holding one, or its dict)."""
    if isinstance(model, str) and model in ALL_RECIPES:
        raise InputError("model", model, "must be a model (preset name, parameters or config.json), not a recipe")
    if isinstance(model, str):
        try:
            extras = {k: v for k, v in get_preset_extras(model).items() if v is not None}
            return model, {**get_preset(model), **extras}, []
        except InputError as exc:
            if not os.path.exists(model):  # neither a preset nor a config.json on disk
                raise InputError("preset", model, exc.allowed + "; or give the path of a config.json") from None
    if isinstance(model, dict) and set(model) <= set(ARCHITECTURE):
        missing = [k for k in ARCHITECTURE if k not in model and k != "has_SWA"]
        if missing:
            raise InputError(missing[0], None, "is required to describe a model: " + ARCHITECTURE[missing[0]].allowed())
        return "custom model", {"has_SWA": False, **model}, []
    from .core.hfconfig import preset_from_config

    derived = preset_from_config(model)
    return derived.name, {**derived.params, **derived.extension}, list(derived.notes)


class ModelCard(anywidget.AnyWidget):
    """One model across every recipe that applies to it: verdict badges that open their chains."""

    _esm = _bundle("card.js")

    model = traitlets.Unicode("").tag(sync=True)
    """The model's name (a preset id, or the name a config.json gives)."""

    params = traitlets.Dict().tag(sync=True)
    """The model's architecture parameters."""

    T_eval = traitlets.Int(8192).tag(sync=True)
    """Context length, in tokens, for the recipes that read one (X-2, X-19, X-5)."""

    cards = traitlets.List().tag(sync=True)
    """One entry per recipe: recipe_id, recipe_name, question, verdict, tone, reason,
    mitigation, notes, key (key numbers, headline first) and chain; or error."""

    notes = traitlets.List().tag(sync=True)
    """Notes on how the model's parameters were derived (e.g. from a config.json)."""

    revision = traitlets.Int(0).tag(sync=True)
    """Goes up by one with every recomputation."""

    def __init__(self, model: str | dict | Any, T_eval: int | None = None) -> None:
        name, params, notes = model_params(model)
        super().__init__(
            model=name, params=params, notes=notes, T_eval=int(T_eval if T_eval is not None else params["T_train"])
        )
        self._recompute()
        self.observe(lambda change: self._recompute(), names=["T_eval", "params"])

    def _recompute(self) -> None:
        cards = []
        for recipe in card_recipes():
            rid = recipe.id
            context = {"T_eval": self.T_eval} if any(p.name == "T_eval" for p in recipe.params) else {}
            values = fill_architecture(recipe, self.params, context, context=False)
            try:
                result = run_recipe(rid, **values)
            except InputError as exc:
                cards.append(
                    {"recipe_id": rid, "recipe_name": recipe.name, "question": recipe.question, "error": str(exc)}
                )
                continue
            data = result.to_dict()
            cards.append(
                {
                    **{
                        k: data[k]
                        for k in (
                            "recipe_id",
                            "recipe_name",
                            "verdict",
                            "tone",
                            "reason",
                            "mitigation",
                            "notes",
                            "chain",
                            "inputs",
                            "caveats",
                            "caveat_text",
                            "confidence",
                        )
                    },
                    "question": recipe.question,
                    "key": to_jsonable(key_numbers(result)),
                }
            )
        with self.hold_sync():
            self.cards = cards
            self.revision += 1

    def close(self) -> None:
        """Close the card and its layout."""
        self.layout.close()
        super().close()

    def __repr__(self) -> str:
        return f"ModelCard({self.model!r}, T_eval={self.T_eval})"
