"""The chart model: a chart as data (:class:`ChartSpec` of :class:`Series`), the colours
and the grids the recipes' charts are drawn on, and :class:`CompareChart`, the overlay of
several models' results on one recipe.

A recipe builds its charts from its result (see ``Recipe.charts``); the widget draws the
same specs as bqplot figures and the static report as SVG (:mod:`.svg`). Standard library only.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "ChartSpec",
    "Series",
    "CompareChart",
    "CompareCurves",
    "POINTS",
    "log_grid",
    "decades_around",
    "tokens_label",
    "BLUE",
    "GREY",
    "RED",
    "GREEN",
    "ORANGE",
    "PURPLE",
    "PINK",
    "PALETTE",
]

POINTS = 96
BLUE, GREY, RED, GREEN, ORANGE, PURPLE = "#1f77b4", "#8c8c8c", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd"
PINK = "#e377c2"
PALETTE = [BLUE, ORANGE, GREEN, PURPLE]
"""One colour per model in a comparison."""


@dataclass
class Series:
    """One mark: ``line`` (x, y), ``vline`` (x[0]), ``hline`` (y[0]), ``point`` (x[0], y[0]),
    ``scatter`` (a dot at every (x, y); ``labels`` names each dot for its tooltip),
    ``bars`` (x names, y values, one colour each in ``colors``) or ``stack`` (x names, y one
    list per segment with a value per name, stacked; ``colors`` and ``labels`` per segment)."""

    kind: str
    x: list
    y: list
    color: str = BLUE
    label: str | None = None
    style: str | None = None
    colors: list[str] | None = None
    tooltip: str | None = None
    legend: bool = True
    value_unit: str | None = None  # bars: write each value above its bar in this unit
    labels: list[str] | None = None  # scatter: one tooltip per dot; stack: one legend label per segment


@dataclass
class ChartSpec:
    """A chart as data: what the widget's bqplot figure shows, scale by scale."""

    key: str
    title: str
    x_label: str
    y_label: str
    series: list[Series]
    x_log: bool = False
    y_log: bool = False
    x_range: tuple[float | None, float | None] | None = None
    y_range: tuple[float | None, float | None] | None = None
    y_format: str = "~g"
    x_format: str = "~g"
    legend: str = "top-right"
    empty_text: str = ""
    ordinal: bool = False


def log_grid(lo: float, hi: float, n: int = POINTS) -> list[float]:
    a, b = math.log10(lo), math.log10(hi)
    return [10 ** (a + (b - a) * i / (n - 1)) for i in range(n)]


def decades_around(value: float, below: int, above: int, floor: float = 1.0) -> tuple[float, float]:
    exponent = math.log10(max(value, floor))
    return max(10 ** (math.floor(exponent) - below), floor), 10 ** (math.ceil(exponent) + above)


def tokens_label(x: float | None) -> str:
    """A token count for a label: ``"32,768"``, or ``"n/a"``."""
    return "n/a" if x is None else f"{x:,.0f}"


@dataclass
class CompareCurves:
    """What a comparison draws: one curve per model over ``x`` (``ys[i]`` for model i), each
    model's operating point, and optionally one horizontal rule (e.g. usable memory)."""

    x: list[float]
    ys: list[list[float]]
    point_x: list[float]
    point_y: list[float]
    x_range: tuple[float, float] | None = None
    rule: float | None = None
    rule_label: str = ""


@dataclass(frozen=True)
class CompareChart:
    """A recipe's comparison chart: its axes, and ``draw(results)`` giving the curves of
    several models' results (one result per model, same shared inputs)."""

    title: str
    x_label: str
    y_label: str
    draw: Callable[[list[Any]], CompareCurves]
    x_log: bool = False
    y_log: bool = False
    y_format: str | None = None
