"""Charts below the recipes: the chart model (:mod:`.spec`) and its SVG renderer (:mod:`.svg`)."""

from .spec import (
    BLUE,
    GREEN,
    GREY,
    ORANGE,
    PALETTE,
    PINK,
    POINTS,
    PURPLE,
    RED,
    ChartSpec,
    CompareChart,
    CompareCurves,
    Series,
    decades_around,
    log_grid,
)
from .svg import render_svg, tick_label

__all__ = [
    "ChartSpec",
    "Series",
    "CompareChart",
    "CompareCurves",
    "render_svg",
    "tick_label",
    "POINTS",
    "log_grid",
    "decades_around",
    "BLUE",
    "GREY",
    "RED",
    "GREEN",
    "ORANGE",
    "PURPLE",
    "PINK",
    "PALETTE",
]
