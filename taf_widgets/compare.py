"""CompareWidget: two to four models side by side on one recipe.

Shared controls for what is not architecture (context length, GPU, budget...), one
column per model with its verdict and key numbers, and a chart that overlays the
models. Like RecipeWidget, a VBox facade holds the synced anywidget panel and the
bqplot figure; the panel's traits are the state.
"""

from __future__ import annotations

import math
from typing import Any

import anywidget
import bqplot as bq
import ipywidgets
import numpy as np
import traitlets

from .charts import POINTS, ChartSet, _figure, _log_grid, _set
from .core.report_charts import _decades_around
from .core import InputError, catalog_info, get_recipe, list_presets, run_recipe
from .core.params import REQUIRED
from .core.recipes import RecipeResult, to_jsonable
from .core.summary import key_numbers
from .widget import _assign_params, _bundle
from .card import model_params

__all__ = ["CompareWidget", "ComparePanel"]

PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd"]


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
        if not recipe.takes_preset:
            raise InputError("recipe_id", recipe_id, "must be a recipe that takes a model: "
                             + ", ".join(r for r in ("X-1", "X-2", "X-5", "X-19")))
        if not isinstance(models, (list, tuple)) or not 2 <= len(models) <= 4:
            raise InputError("presets", models, "must list two to four models")
        shared = _shared_params(recipe_id)
        names = {p.name for p in shared}
        unknown = [k for k in params if k not in names]
        if unknown:
            raise InputError(unknown[0], params[unknown[0]],
                             "is not a shared parameter of this recipe; known: " + ", ".join(names))
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
        spec = {"recipe": {**recipe.describe(), "params": [p.describe() for p in shared]},
                "presets": [{"id": p["id"], "label": p["label"]} for p in list_presets()],
                "as_of": catalog_info()["gpus"]["as_of"]}
        super().__init__(recipe_id=recipe_id, models=[name for name, _, _ in described], params=values,
                         results=_results_data(self._result_objs), revision=1, _spec=spec)
        self.observe(lambda change: None if self._updating else self._recompute(), names="params")

    def _run(self, recipe_id: str, values: dict) -> list[RecipeResult]:
        """Every model's result on the shared ``values``; raises InputError for bad input."""
        recipe = get_recipe(recipe_id)
        results = []
        for arch in self._architectures:
            model_values = dict(values)
            for p in recipe.params:
                if p.preset_key and p.preset_key in arch:
                    model_values[p.name] = arch[p.preset_key]
            results.append(run_recipe(recipe_id, **model_values))
        return results

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
    """One figure overlaying the models' key curve for the recipe."""

    def __init__(self, recipe_id: str, names: list[str]) -> None:
        self.recipe_id = recipe_id
        log_x = recipe_id in ("X-2", "X-19", "X-5")
        self.x = bq.LogScale() if log_x else bq.LinearScale(min=0)
        self.y = bq.LogScale() if recipe_id in ("X-19", "X-5") else bq.LinearScale()
        colors = PALETTE[: len(names)]
        s = {"x": self.x, "y": self.y}
        self.lines = bq.Lines(scales=s, colors=colors, labels=list(names), display_legend=True, stroke_width=2)
        self.points = bq.Scatter(scales=s, colors=colors, default_size=70)
        title, x_label, y_label = {
            "X-2": ("γ corrected against context length: who stays in Phase A?", "context length (tokens)", "γ corrected"),
            "X-19": ("KV cache against sequence length", "sequence length (tokens)", "KV cache (GB)"),
            "X-5": ("Memory needed against context length", "context length (tokens)", "memory needed (GB)"),
            "X-1": ("Cumulative cost of training and serving your own", "months", "cumulative cost (USD)"),
        }[recipe_id]
        self.figure = _figure(title, [self.lines, self.points], self.x, self.y, x_label, y_label,
                              legend_location="top-left",
                              y_format="~g" if recipe_id in ("X-19", "X-5") else ("$~s" if recipe_id == "X-1" else None))
        self.figure.layout.max_width = "900px"

    def update(self, results: list[RecipeResult]) -> None:
        rid = self.recipe_id
        T = results[0].inputs.get("T_eval")
        if rid == "X-1":
            monthly = results[0].inputs["monthly_tokens_M"]
            months = np.linspace(0, 24, POINTS)
            ys = [r.step(3)["result"]["USD"] + r.step(4)["result"]["USD_per_Mtok"] * monthly * months for r in results]
            _set(self.lines, x=months, y=np.vstack(ys))
            _set(self.points, x=[0.0] * len(results), y=[float(y[0]) for y in ys])
            return
        lo, hi = _decades_around(T, 2, 2)
        grid = _log_grid(lo, hi)
        ys, points = [], []
        for r in results:
            if rid == "X-2":
                theta = r.inputs["theta"]
                b = r.step(2)["breakdown"]
                t_sqrt2 = grid * math.sqrt(2)
                ys.append((2 * theta - t_sqrt2) / (2 * theta + t_sqrt2) + (b["gamma_corrected"] - b["pade_centroid"]))
                points.append(r.step(2)["result"])
            elif rid == "X-19":
                per_token = r.step(5)["result"]["GB"] / T
                ys.append(grid * per_token)
                points.append(T * per_token)
            else:  # X-5: weights plus the requests' KV caches at each length (and any engine overhead)
                weights = r.step(1)["result"]["GB"]
                per_token = r.step(2)["result"]["GB"] / T
                seqs = max(r.inputs["concurrent_users"], r.inputs["batch"])
                ys.append(weights + grid * per_token * seqs + r.inputs["overhead_GB"] * r.inputs["tp"])
                points.append(r.step(3)["result"]["GB"])
        with self.x.hold_sync():
            self.x.min, self.x.max = float(lo), float(hi)
        _set(self.lines, x=grid, y=np.vstack(ys))
        _set(self.points, x=[float(T)] * len(results), y=points)

    def close(self) -> None:
        ChartSet([self.figure]).close()


class CompareWidget(ipywidgets.VBox):
    """Two to four models side by side on one recipe, with an overlay chart.

    ``CompareWidget("X-2", presets=["meta-llama/Meta-Llama-3-8B", "Qwen/Qwen2.5-7B"])``;
    a model may also be a parameter dict or a ``config.json``. Public state:
    ``recipe_id``, ``models``, ``params`` (shared), ``results``, ``errors``, ``stale``,
    ``revision`` and ``charts``.
    """

    def __init__(self, recipe_id: str, presets: list, **params: Any) -> None:
        self.panel = ComparePanel(recipe_id, list(presets) if isinstance(presets, (list, tuple)) else presets,
                                  **params)
        self._overlay = _Overlay(recipe_id, self.panel.models)
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
    setattr(CompareWidget, _name, property(lambda self, _n=_name: getattr(self.panel, _n),
                                           doc=f"The panel's synced ``{_name}``."))
del _name
