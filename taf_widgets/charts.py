"""The recipes' charts as bqplot figures, built once and updated in place.

What each chart shows is decided once, by the recipe (``Recipe.charts``, read through
:func:`taf_widgets.core.report_charts.chart_specs`; the same specs draw the static HTML
report's SVG). Here a spec becomes a figure (:class:`SpecFigure`): one
mark per series, created on the first draw; every later result assigns new data to
those marks and scales inside ``hold_sync`` (never a new figure). Log axes get ticks on
whole decades, placed by the same rule as the report's.
"""

from __future__ import annotations

import math
from typing import Any

import bqplot as bq
import ipywidgets
import numpy as np

from .core import get_recipe, run_recipe
from .core.charts.spec import GREEN, GREY, POINTS, RED, ChartSpec, Series
from .core.charts.spec import log_grid as _log_grid_list
from .core.charts.svg import decade_ticks
from .core.params import REQUIRED
from .core.recipes import RecipeResult
from .core.report_charts import chart_specs

__all__ = ["ChartSet", "SpecFigure", "close_figures", "place_log_ticks", "POINTS"]

_FIG_LAYOUT = dict(flex="1 1 380px", min_width="320px", max_width="640px", height="330px")
_MARGIN = {"top": 50, "bottom": 50, "left": 70, "right": 20}
_LEGEND = {"above": "top", "top-right": "top-right", "top-left": "top-left", "bottom-left": "bottom-left"}
_LINE_STYLE = {None: "solid", "dashed": "dashed", "dash_dotted": "dash_dotted"}


def _log_grid(lo: float, hi: float, n: int = POINTS) -> np.ndarray:
    return np.asarray(_log_grid_list(lo, hi, n))


def _figure(
    title: str,
    marks: list,
    x_scale,
    y_scale,
    x_label: str,
    y_label: str,
    legend_location: str = "top-right",
    y_format: str | None = None,
    x_format: str | None = None,
) -> bq.Figure:
    # "~s" prints 1k, 10M, 2G instead of 1e+3; log axes span decades of tokens, dollars, GB.
    axes = [
        bq.Axis(
            scale=x_scale,
            label=x_label,
            side="bottom",
            label_offset="35px",
            tick_format=x_format or ("~s" if isinstance(x_scale, bq.LogScale) else None),
        ),
        bq.Axis(
            scale=y_scale,
            label=y_label,
            side="left",
            label_offset="50px",
            tick_format=y_format or ("~s" if isinstance(y_scale, bq.LogScale) else None),
        ),
    ]
    return bq.Figure(
        marks=marks,
        axes=axes,
        title=title,
        fig_margin=dict(_MARGIN),
        layout=ipywidgets.Layout(**_FIG_LAYOUT),
        legend_location=legend_location,
        animation_duration=0,
    )


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, np.ndarray) or isinstance(new, np.ndarray):
        try:
            return np.array_equal(np.asarray(old), np.asarray(new))
        except (TypeError, ValueError):
            return False
    return old == new


def _set(mark: Any, **data: Any) -> None:
    """Assign what changed, as one message (nothing is sent when nothing changed)."""
    changed = {name: value for name, value in data.items() if not _same(getattr(mark, name), value)}
    if changed:
        with mark.hold_sync():
            for name, value in changed.items():
                setattr(mark, name, value)


def _axis_range(fig: bq.Figure, axis: bq.Axis) -> tuple[float, float] | None:
    """The smallest and largest positive value drawn on ``axis`` (its scale's min/max if set)."""
    scale = axis.scale
    if scale.min is not None and scale.max is not None:
        return float(scale.min), float(scale.max)
    dim = "x" if axis.side in ("bottom", "top") else "y"
    values = [
        np.asarray(getattr(m, dim), dtype=float).ravel()
        for m in fig.marks
        if m.scales.get(dim) is scale and m.visible and getattr(m, dim) is not None
    ]
    values = [v[np.isfinite(v) & (v > 0)] for v in values]
    values = [v for v in values if v.size]
    if not values:
        return None
    return float(min(v.min() for v in values)), float(max(v.max() for v in values))


def close_figures(figures: list[bq.Figure]) -> None:
    """Close every figure with its marks, axes and scales."""
    seen: set[int] = set()
    for fig in figures:
        parts = [*fig.marks, *fig.axes, fig.scale_x, fig.scale_y, fig.interaction, fig.layout]
        for mark in fig.marks:
            parts += list(mark.scales.values())
        for axis in fig.axes:
            parts.append(axis.scale)
        for part in parts:
            if part is not None and id(part) not in seen and hasattr(part, "close"):
                seen.add(id(part))
                part.close()
        fig.close()


def place_log_ticks(figures: list[bq.Figure]) -> None:
    """Put each log axis's ticks on whole decades, by the same rule as the report's SVG."""
    for fig in figures:
        for axis in fig.axes:
            if isinstance(axis.scale, bq.LogScale):
                span = _axis_range(fig, axis)
                ticks = None if span is None else decade_ticks(*span)
                if ticks is not None and (axis.tick_values is None or list(axis.tick_values) != ticks):
                    axis.tick_values = ticks


class SpecFigure:
    """One chart spec as a bqplot figure: scales, one mark per series, updated in place."""

    def __init__(self, spec: ChartSpec) -> None:
        self.x = bq.OrdinalScale() if spec.ordinal else (bq.LogScale() if spec.x_log else bq.LinearScale())
        self.y = bq.LogScale() if spec.y_log else bq.LinearScale()
        self.palette: list[str] = []
        self.marks = [self._mark(s) for s in spec.series]
        self.figure = _figure(
            spec.title,
            self.marks,
            self.x,
            self.y,
            spec.x_label,
            spec.y_label,
            legend_location=_LEGEND.get(spec.legend, "top-right"),
            y_format=None if spec.y_log and spec.y_format == "~s" else spec.y_format,
            x_format=None if spec.ordinal else spec.x_format,
        )
        if spec.ordinal:  # GPU names: tilted, with room below
            self.figure.axes[0].tick_rotate = -30
            self.figure.axes[0].label_offset = "62px"
            self.figure.fig_margin = {**_MARGIN, "bottom": 85}

    def _mark(self, s: Series) -> bq.Mark:
        scales = {"x": self.x, "y": self.y}
        label = [s.label or ""]
        if s.kind == "point":
            return bq.Scatter(
                scales=scales,
                colors=[s.color],
                default_size=80,
                labels=label,
                display_legend=bool(s.legend and s.label),
            )
        if s.kind == "scatter":
            return bq.Scatter(
                scales=scales,
                colors=[s.color],
                default_size=40,
                labels=label,
                display_legend=bool(s.legend and s.label),
                display_names=False,
                tooltip=bq.Tooltip(fields=["name"], show_labels=False),
            )
        if s.kind == "stack":  # one colour and legend label per segment
            return bq.Bars(
                scales=scales,
                type="stacked",
                colors=list(s.colors or [s.color]),
                labels=list(s.labels or []),
                display_legend=True,
                padding=0.4,
            )
        if s.kind == "bars":
            # Every colour a later result may use (fits / does not fit), not only the first one's.
            self.palette = sorted(set(s.colors or [s.color]) | {s.color, GREEN, RED, GREY})
            scales["color"] = bq.ColorScale(colors=self.palette, min=0, max=max(len(self.palette) - 1, 1))
            return bq.Bars(scales=scales, padding=0.25)
        return bq.Lines(
            scales=scales,
            colors=[s.color],
            labels=label,
            stroke_width=2,
            line_style=_LINE_STYLE.get(s.style, "solid"),
            display_legend=bool(s.legend and s.label),
        )

    def fill(self, spec: ChartSpec) -> None:
        for scale, bounds in ((self.x, spec.x_range), (self.y, spec.y_range)):
            if bounds is not None and not isinstance(scale, bq.OrdinalScale):
                with scale.hold_sync():
                    scale.min = None if bounds[0] is None else float(bounds[0])
                    scale.max = None if bounds[1] is None else float(bounds[1])
        if spec.ordinal:  # a rule across categories runs from the first bar to the last
            names = next((list(s.x) for s in spec.series if s.kind in ("bars", "stack") and s.x), [""])
            x_span = (names[0], names[-1])
        else:
            x_span = spec.x_range or self._span(spec, "x")
        y_span = spec.y_range if spec.y_range and None not in spec.y_range else self._span(spec, "y")
        for s, mark in zip(spec.series, self.marks):
            label = [s.label or ""]
            if s.kind == "stack":
                _set(mark, x=list(s.x), y=np.asarray(s.y, dtype=float))
            elif s.kind == "bars":
                index = {c: i for i, c in enumerate(self.palette)}
                colors = s.colors or [s.color] * len(s.x)
                _set(mark, x=list(s.x), y=list(s.y), color=[float(index.get(c, 0)) for c in colors])
            elif s.kind == "hline":
                _set(mark, x=list(x_span), y=[s.y[0], s.y[0]], labels=label)
            elif s.kind == "vline":
                if s.x:
                    _set(mark, x=[s.x[0], s.x[0]], y=list(y_span), labels=label, visible=True)
                else:
                    _set(mark, visible=False)
            elif s.kind == "point":
                if s.x:
                    _set(
                        mark,
                        x=list(s.x),
                        y=list(s.y),
                        labels=label,
                        visible=True,
                        display_legend=bool(s.legend and s.label),
                    )
                else:
                    _set(mark, visible=False, display_legend=False)
            elif s.kind == "scatter":
                _set(
                    mark,
                    x=np.asarray(s.x, dtype=float),
                    y=np.asarray(s.y, dtype=float),
                    labels=label,
                    names=list(s.labels or []),
                    visible=bool(s.x),
                )
            else:
                _set(mark, x=np.asarray(s.x, dtype=float), y=np.asarray(s.y, dtype=float), labels=label)

    @staticmethod
    def _span(spec: ChartSpec, dim: str) -> tuple[Any, Any]:
        """The extent of the spec's lines along ``dim`` (where a rule is drawn across)."""
        values = [
            v
            for s in spec.series
            if s.kind in ("line", "point", "scatter")
            for v in getattr(s, dim)
            if isinstance(v, (int, float)) and math.isfinite(v)
        ]
        rules = [s.y[0] for s in spec.series if dim == "y" and s.kind == "hline"]
        values += rules
        if not values:
            return (0.0, 1.0)
        return (min(values), max(values))


class ChartSet:
    """The figures of one recipe, drawn from its chart specs and redrawn in place:
    ``ChartSet("X-2")``, then ``update(result)`` after every run."""

    def __init__(self, recipe_id: str) -> None:
        self._parts = [SpecFigure(spec) for spec in chart_specs(_example_result(recipe_id))]
        self.figures = [part.figure for part in self._parts]

    def update(self, result: RecipeResult) -> None:
        """Redraw every mark from ``result``, then place log-axis ticks on whole decades."""
        for part, spec in zip(self._parts, chart_specs(result)):
            part.fill(spec)
        place_log_ticks(self.figures)

    def close(self) -> None:
        """Close every figure with its marks, axes and scales."""
        close_figures(self.figures)


def _example_result(recipe_id: str) -> RecipeResult:
    """A result on the declared defaults and examples: it fixes each chart's series."""
    recipe = get_recipe(recipe_id)
    return run_recipe(
        recipe_id, **{p.name: p.default if p.default is not REQUIRED else p.example for p in recipe.params}
    )
