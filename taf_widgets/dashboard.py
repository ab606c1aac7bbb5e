"""Recipes in tabs, each built when its tab is first opened.

    from taf_widgets.dashboard import dashboard, default_tabs

    dashboard(default_tabs())   # every recipe's tab, as the recipe declares it (Recipe.tab)

    RECIPES = [                 # or your own tabs
        ("X-2", "Long context", dict(preset="meta-llama/Meta-Llama-3-8B", T_eval=32000)),
        ("X-3", "What $ buys", dict(USD_budget=5000.0)),
    ]
    dashboard(RECIPES)          # a Tab; the first tab's recipe is built, the others wait

A page that draws every recipe at load pays for all of them (widgets, charts, layout) and
lays out the figures of hidden tabs at zero size. Here each tab starts as an empty box; when
its tab is selected (at load: the selected one), the kernel creates the ``RecipeWidget`` and
puts it in the box, and the page draws it then, at its real size.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ipywidgets

from .core import ALL_RECIPES, get_recipe
from .core.errors import InputError

__all__ = ["Dashboard", "dashboard", "default_tabs"]


def default_tabs() -> list[tuple[str, str, dict]]:
    """One ``(recipe_id, title, kwargs)`` entry per registered recipe that declares a
    dashboard tab (``Recipe.tab``), in the tabs' declared order."""
    recipes = sorted((r for r in ALL_RECIPES.values() if r.tab is not None), key=lambda r: r.tab.position)
    return [(r.id, r.tab.title, dict(r.tab.values)) for r in recipes]


class Dashboard(ipywidgets.Tab):
    """An ``ipywidgets.Tab`` of recipes, one per ``(recipe_id, title, kwargs)`` entry; a tab's
    ``RecipeWidget(recipe_id, **kwargs)`` is created the first time the tab is selected.
    ``built`` maps each built tab's index to its widget."""

    def __init__(self, recipes: Sequence[tuple[str, str, dict]], selected: int = 0) -> None:
        entries = [_entry(i, e) for i, e in enumerate(recipes)]
        if not entries:
            raise InputError("recipes", [], "must list at least one (recipe_id, title, kwargs) entry")
        if not isinstance(selected, int) or isinstance(selected, bool) or not 0 <= selected < len(entries):
            raise InputError("selected", selected, f"must be a tab index from 0 to {len(entries) - 1}")
        self.entries = entries
        self.built: dict[int, Any] = {}
        boxes = [ipywidgets.Box(layout=ipywidgets.Layout(width="100%")) for _ in entries]
        super().__init__(children=boxes, titles=[f"{rid} · {title}" for rid, title, _ in entries])
        self.add_class("taf-dashboard")
        self.build(selected)
        self.selected_index = selected
        self.observe(self._on_select, names="selected_index")

    def build(self, index: int):
        """The widget of tab ``index``, created (and put in its tab) if it is not yet."""
        if index not in self.built:
            from .widget import RecipeWidget

            rid, _, kwargs = self.entries[index]
            widget = RecipeWidget(rid, **kwargs)
            self.built[index] = widget
            self.children[index].children = (widget,)
        return self.built[index]

    def _on_select(self, change: dict) -> None:
        index = change["new"]
        if isinstance(index, int) and 0 <= index < len(self.entries):
            self.build(index)

    def close(self) -> None:
        for widget in getattr(self, "built", {}).values():
            widget.close()
        for box in self.children:
            box.close()
        super().close()


def dashboard(recipes: Sequence[tuple[str, str, dict]], selected: int = 0) -> Dashboard:
    """A :class:`Dashboard` of ``recipes``: ``(recipe_id, title, kwargs)`` entries, one tab each
    (titled ``"recipe_id · title"``), tab ``selected`` open and built."""
    return Dashboard(recipes, selected)


def _entry(i: int, entry: Any) -> tuple[str, str, dict]:
    if not (isinstance(entry, (tuple, list)) and len(entry) == 3):
        raise InputError(f"recipes[{i}]", entry, "must be a (recipe_id, title, kwargs) triple")
    rid, title, kwargs = entry
    get_recipe(rid)  # an unknown recipe fails here, naming the recipes there are
    if not isinstance(title, str):
        raise InputError(f"recipes[{i}] title", title, "must be a string")
    if not isinstance(kwargs, dict):
        raise InputError(f"recipes[{i}] kwargs", kwargs, "must be a dict of the recipe's parameters")
    return rid, title, dict(kwargs)
