"""CompareWidget: two to four models side by side on one recipe.

Shared controls for what is not architecture (context length, GPU, budget...), one
column per model with its verdict and key numbers, and a chart that overlays the
models. Like RecipeWidget, a VBox facade holds the synced anywidget panel and the
bqplot figure; the panel's traits are the state.
"""

from __future__ import annotations

from typing import Any

import anywidget
import bqplot as bq
import ipywidgets
import numpy as np
import traitlets

from .card import model_params
from .charts import _figure, _set, close_figures
from .core import ALL_RECIPES, InputError, catalog_info, get_recipe, list_presets, run_recipe
from .core.charts.spec import PALETTE, RED, CompareChart
from .core.params import REQUIRED
from .core.recipes import RecipeResult, fill_architecture, to_jsonable
from .core.summary import key_numbers
from .widget import _assign_params, _bundle

__all__ = ["CompareWidget", "ComparePanel"]


def compared_recipes() -> list[str]:
    """The recipes CompareWidget takes: those that declare a comparison chart."""
    return [rid for rid, r in ALL_RECIPES.items() if r.compare is not None and r.takes_preset]


def _shared_params(recipe_id: str) -> list:
    return [p for p in get_recipe(recipe_id).params if not p.preset_key]


class ComparePanel(anywidget.AnyWidget):
    """The synced state of a comparison: shared parameters, one result per model."""

    _esm = _bundle("compare.js")

    recipe_id = traitlets.Unicode("X-2").tag(sync=True)
    """The recipe every model runs."""

    models = traitlets.List(traitlets.Unicode()).tag(sync=True)
    """The models' names, one column each."""

    params = traitlets.Dict().tag(sync=True)
    """The shared (non-architecture) parameters, as typed."""

    results = traitlets.List().tag(sync=True)
    """One ``RecipeResult.to_dict()`` per model, each with its ``key`` numbers."""

    errors = traitlets.Dict().tag(sync=True)
    """Field → message for every invalid shared input (or a model that cannot run)."""

    stale = traitlets.Bool(False).tag(sync=True)
    """True while ``errors`` is not empty: ``results`` are then the last good ones."""

    revision = traitlets.Int(0).tag(sync=True)
    """Goes up by one with every recomputation."""

    _spec = traitlets.Dict().tag(sync=True)
    """Declarations of the shared parameters, for drawing the controls."""

    def __init__(self, recipe_id: str, models: list, **params: Any) -> None:
        recipe = get_recipe(recipe_id)
        if recipe.compare is None or not recipe.takes_preset:
            raise InputError(
                "recipe_id", recipe_id, "must be a recipe that compares models: " + ", ".join(compared_recipes())
            )
        if not isinstance(models, (list, tuple)) or not 2 <= len(models) <= 4:
            raise InputError("presets", models, "must list two to four models")
        shared = _shared_params(recipe_id)
        names = {p.name for p in shared}
        unknown = [k for k in params if k not in names]
        if unknown:
            raise InputError(
                unknown[0], params[unknown[0]], "is not a shared parameter of this recipe; known: " + ", ".join(names)
            )
        described = [model_params(m) for m in models]
        self._architectures = [arch for _, arch, _ in described]
        values = {}
        for p in shared:
            if p.name in params:
                values[p.name] = params[p.name]
            else:
                values[p.name] = p.default if p.default is not REQUIRED else p.example
        if "T_eval" in names and "T_eval" not in params and recipe.param("T_eval").preset_default:
            # The longest training context of the models: where the comparison gets interesting.
            values["T_eval"] = max(arch["T_train"] for arch in self._architectures)
        self._result_objs = self._run(recipe_id, values)  # raises for a model that cannot run
        self._updating = False
        spec = {
            "recipe": {**recipe.describe(), "params": [p.describe() for p in shared]},
            "presets": [{"id": p["id"], "label": p["label"]} for p in list_presets()],
            "as_of": catalog_info()["gpus"]["as_of"],
        }
        super().__init__(
            recipe_id=recipe_id,
            models=[name for name, _, _ in described],
            params=values,
            results=_results_data(self._result_objs),
            revision=1,
            _spec=spec,
        )
        self.observe(lambda change: None if self._updating else self._recompute(), names="params")

    def _run(self, recipe_id: str, values: dict) -> list[RecipeResult]:
        """Every model's result on the shared ``values``; raises InputError for bad input."""
        recipe = get_recipe(recipe_id)
        # The shared values hold every non-architecture parameter, the context length too.
        return [run_recipe(recipe_id, **fill_architecture(recipe, arch, values)) for arch in self._architectures]

    def set_params(self, values: dict) -> None:
        """Assign the shared parameters and rerun every model, in one message."""
        self._recompute(dict(values))

    def _recompute(self, values: dict | None = None) -> None:
        values = dict(self.params) if values is None else values
        try:
            outcome: list[RecipeResult] | InputError = self._run(self.recipe_id, values)
        except InputError as exc:
            outcome = exc
        self._updating = True
        try:
            with self.hold_sync():
                _assign_params(self, values)
                if isinstance(outcome, InputError):
                    self.errors = dict(outcome.errors)
                    self.stale = True
                else:
                    self._result_objs = outcome
                    self.results = _results_data(outcome)
                    self.errors = {}
                    self.stale = False
                    self.revision += 1
        finally:
            self._updating = False


def _results_data(results: list[RecipeResult]) -> list[dict]:
    """The synced form of the results: each ``to_dict()`` with its key numbers."""
    return [{**r.to_dict(), "key": to_jsonable(key_numbers(r))} for r in results]


class _Overlay:
    """One figure overlaying the models' curves, as the recipe's comparison chart draws them."""

    def __init__(self, chart: CompareChart, names: list[str]) -> None:
        self.chart = chart
        self.x = bq.LogScale() if chart.x_log else bq.LinearScale(min=0)
        self.y = bq.LogScale() if chart.y_log else bq.LinearScale()
        colors = PALETTE[: len(names)]
        s = {"x": self.x, "y": self.y}
        self.lines = bq.Lines(scales=s, colors=colors, labels=list(names), display_legend=True, stroke_width=2)
        self.points = bq.Scatter(scales=s, colors=colors, default_size=70)
        self.rule = bq.Lines(
            scales=s,
            colors=[RED],
            line_style="dashed",
            stroke_width=1.5,
            visible=False,
            labels=[""],
            display_legend=False,
        )
        self.figure = _figure(
            chart.title,
            [self.lines, self.points, self.rule],
            self.x,
            self.y,
            chart.x_label,
            chart.y_label,
            legend_location="top-left",
            y_format=chart.y_format,
        )
        self.figure.layout.max_width = "900px"

    def update(self, results: list[RecipeResult]) -> None:
        curves = self.chart.draw(results)
        if curves.x_range is not None:
            with self.x.hold_sync():
                self.x.min, self.x.max = float(curves.x_range[0]), float(curves.x_range[1])
        _set(self.lines, x=np.asarray(curves.x, dtype=float), y=np.asarray(curves.ys, dtype=float))
        _set(self.points, x=[float(x) for x in curves.point_x], y=[float(y) for y in curves.point_y])
        if curves.rule is None:
            _set(self.rule, visible=False)
        else:
            _set(
                self.rule,
                x=[float(curves.x[0]), float(curves.x[-1])],
                y=[curves.rule, curves.rule],
                labels=[curves.rule_label],
                display_legend=True,
                visible=True,
            )

    def close(self) -> None:
        close_figures([self.figure])


class CompareWidget(ipywidgets.VBox):
    """Two to four models side by side on one recipe, with an overlay chart.

    ``CompareWidget("X-2", presets=["meta-llama/Meta-Llama-3-8B", "Qwen/Qwen2.5-7B"])``;
    a model may also be a parameter dict or a ``config.json``. Public state:
    ``recipe_id``, ``models``, ``params`` (shared), ``results``, ``errors``, ``stale``,
    ``revision`` and ``charts``.
    """

    def __init__(self, recipe_id: str, presets: list, **params: Any) -> None:
        self.panel = ComparePanel(recipe_id, list(presets) if isinstance(presets, (list, tuple)) else presets, **params)
        self._overlay = _Overlay(get_recipe(recipe_id).compare, self.panel.models)
        self._overlay.update(self.panel._result_objs)
        super().__init__(children=[self.panel, self._overlay.figure], layout=ipywidgets.Layout(width="100%"))
        self.add_class("taf-compare-widget")
        self.panel.observe(lambda change: self._overlay.update(self.panel._result_objs), names="revision")

    @property
    def charts(self) -> list:
        """The bqplot figure overlaying the models."""
        return [self._overlay.figure]

    def set(self, **params: Any) -> None:
        """Change shared parameters and rerun every model: ``c.set(T_eval=131072)``."""
        self.panel.set_params({**self.panel.params, **params})

    def close(self) -> None:
        overlay = getattr(self, "_overlay", None)  # absent when __init__ refused its arguments
        if overlay is not None:
            overlay.close()
        panel = getattr(self, "panel", None)
        if panel is not None:
            panel.layout.close()
            panel.close()
        self.layout.close()
        super().close()


for _name in ("recipe_id", "models", "params", "results", "errors", "stale", "revision"):
    setattr(
        CompareWidget,
        _name,
        property(lambda self, _n=_name: getattr(self.panel, _n), doc=f"The panel's synced ``{_name}``."),
    )
del _name
