"""The charts of a result as data, and their SVG (the static report): :func:`chart_specs`
asks the result's recipe for its charts (each recipe module draws its own, from the
result); the chart model lives in :mod:`.charts.spec` and the renderer in :mod:`.charts.svg`.
This module keeps the names the report and older code import.
"""

from __future__ import annotations

from .charts.spec import (
    BLUE,
    GREEN,
    GREY,
    ORANGE,
    PINK,
    POINTS,
    PURPLE,
    RED,
    ChartSpec,
    Series,
    decades_around,
    log_grid,
)
from .charts.svg import HEIGHT, WIDTH, _decade_ticks, _nice_ticks, render_svg, tick_label
from .recipes import RecipeResult, get_recipe

__all__ = ["ChartSpec", "Series", "chart_specs", "render_svg", "tick_label", "POINTS"]

_log_grid = log_grid
_decades_around = decades_around
__all__ += [
    "BLUE",
    "GREEN",
    "GREY",
    "ORANGE",
    "PINK",
    "PURPLE",
    "RED",
    "WIDTH",
    "HEIGHT",
    "_decade_ticks",
    "_nice_ticks",
    "_log_grid",
    "_decades_around",
]


def chart_specs(result: RecipeResult) -> list[ChartSpec]:
    """The charts of ``result``'s recipe, as data (the widget's figures and the report's SVG)."""
    charts = get_recipe(result.recipe_id).charts
    return charts(result) if charts is not None else []
