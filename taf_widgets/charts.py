"""The bqplot charts of each recipe, built once and updated in place.

Every chart marks the current operating point. An update assigns new data to the
existing marks and scales (never a new figure), inside ``hold_sync`` so that each
mark's x and y travel together. Curves have at most ``POINTS`` points: more than
that a 400-pixel chart cannot show.
"""

from __future__ import annotations

import math
from typing import Any

import bqplot as bq
import ipywidgets
import numpy as np

from .core import formulas as F
from .core.catalogs import get_gpu, gpu_names
from .core.recipes import RecipeResult

__all__ = ["ChartSet", "charts_for", "POINTS"]

POINTS = 96

BLUE, GREY, RED, GREEN, ORANGE, PURPLE = "#1f77b4", "#8c8c8c", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd"
_FIG_LAYOUT = dict(flex="1 1 380px", min_width="320px", max_width="640px", height="330px")
_MARGIN = {"top": 50, "bottom": 50, "left": 70, "right": 20}


def _figure(title: str, marks: list, x_scale, y_scale, x_label: str, y_label: str,
            legend_location: str = "top-right", y_format: str | None = None) -> bq.Figure:
    # "~s" prints 1k, 10M, 2G instead of 1e+3; log axes span decades of tokens, dollars, GB.
    axes = [
        bq.Axis(scale=x_scale, label=x_label, side="bottom", label_offset="35px",
                tick_format="~s" if isinstance(x_scale, bq.LogScale) else None),
        bq.Axis(scale=y_scale, label=y_label, side="left", label_offset="50px",
                tick_format=y_format or ("~s" if isinstance(y_scale, bq.LogScale) else None)),
    ]
    return bq.Figure(marks=marks, axes=axes, title=title, fig_margin=dict(_MARGIN),
                     layout=ipywidgets.Layout(**_FIG_LAYOUT), legend_location=legend_location,
                     animation_duration=0)


def _log_grid(lo: float, hi: float, n: int = POINTS) -> np.ndarray:
    return np.logspace(math.log10(lo), math.log10(hi), n)


def _decades_around(value: float, below: int, above: int, floor: float = 1.0) -> tuple[float, float]:
    """A range of whole decades around ``value``: [10^(⌊log v⌋ − below), 10^(⌈log v⌉ + above)]."""
    exponent = math.log10(max(value, floor))
    return max(10 ** (math.floor(exponent) - below), floor), 10 ** (math.ceil(exponent) + above)


def _axis_range(fig: bq.Figure, axis: bq.Axis) -> tuple[float, float] | None:
    """The smallest and largest positive value drawn on ``axis`` (its scale's min/max if set)."""
    scale = axis.scale
    if scale.min is not None and scale.max is not None:
        return float(scale.min), float(scale.max)
    dim = "x" if axis.side in ("bottom", "top") else "y"
    values = [np.asarray(getattr(m, dim), dtype=float).ravel() for m in fig.marks
              if m.scales.get(dim) is scale and m.visible and getattr(m, dim) is not None]
    values = [v[np.isfinite(v) & (v > 0)] for v in values]
    values = [v for v in values if v.size]
    if not values:
        return None
    return float(min(v.min() for v in values)), float(max(v.max() for v in values))


def _decade_ticks(span: tuple[float, float] | None) -> list[float] | None:
    """Ticks at 10^k across ``span``, with 2·10^k and 5·10^k added when it covers few decades."""
    if span is None:
        return None
    lo, hi = math.floor(math.log10(span[0])), math.ceil(math.log10(span[1]))
    if hi - lo > 12:  # too many decades to label each: every other one
        return [10.0 ** k for k in range(lo, hi + 1, 2)]
    ticks = [10.0 ** k for k in range(lo, hi + 1)]
    if hi - lo <= 2:
        ticks = sorted(t * m for t in ticks for m in (1, 2, 5))
    return [t for t in ticks if span[0] / 1.0001 <= t <= span[1] * 1.0001] or ticks


def _set(mark: Any, **data: Any) -> None:
    with mark.hold_sync():
        for name, value in data.items():
            setattr(mark, name, value)


def _vline(mark: bq.Lines, x: float | None, y_lo: float, y_hi: float) -> None:
    if x is None or not math.isfinite(x):
        _set(mark, visible=False)
    else:
        _set(mark, x=[x, x], y=[y_lo, y_hi], visible=True)


class ChartSet:
    """The figures of one recipe; ``update(result)`` redraws them from a result."""

    def __init__(self, figures: list[bq.Figure]) -> None:
        self.figures = figures

    def update(self, result: RecipeResult) -> None:
        """Redraw every mark from ``result``, then place log-axis ticks on whole decades."""
        self._draw(result)
        for fig in self.figures:
            for axis in fig.axes:
                if isinstance(axis.scale, bq.LogScale):
                    ticks = _decade_ticks(_axis_range(fig, axis))
                    if ticks is not None and (axis.tick_values is None or list(axis.tick_values) != ticks):
                        axis.tick_values = ticks

    def _draw(self, result: RecipeResult) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def close(self) -> None:
        """Close every figure with its marks, axes and scales."""
        seen: set[int] = set()
        for fig in self.figures:
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


# ── X-2 ──────────────────────────────────────────────────────────────────────


class LongContextCharts(ChartSet):
    """γ against context length with the phase boundaries, d_horizon and L_NIAH;
    KV cache against context length."""

    Y_LO, Y_HI = -1.3, 1.3

    def __init__(self) -> None:
        self.x = bq.LogScale()
        self.y = bq.LinearScale(min=self.Y_LO, max=self.Y_HI)
        s = {"x": self.x, "y": self.y}
        self.curves = bq.Lines(scales=s, colors=[GREY, BLUE], labels=["γ_Padé", "γ corrected"],
                               display_legend=True, stroke_width=2)
        self.bounds = bq.Lines(scales=s, colors=[RED, RED], line_style="dashed", labels=["γ = 0", "γ = 1"])
        self.dh = bq.Lines(scales=s, colors=[GREEN], labels=["d_horizon"], display_legend=True)
        self.niah = bq.Lines(scales=s, colors=[ORANGE], labels=["L_NIAH"], display_legend=True, line_style="dash_dotted")
        self.point = bq.Scatter(scales=s, colors=[BLUE], default_size=80, names=[], display_names=False)
        gamma_fig = _figure("Does γ stay in Phase A (0 < γ < 1) at this length?",
                            [self.bounds, self.curves, self.dh, self.niah, self.point],
                            self.x, self.y, "context length (tokens)", "γ", legend_location="bottom-left")

        self.kx = bq.LogScale()
        self.ky = bq.LogScale()
        ks = {"x": self.kx, "y": self.ky}
        self.kv_curve = bq.Lines(scales=ks, colors=[PURPLE], stroke_width=2)
        self.kv_point = bq.Scatter(scales=ks, colors=[PURPLE], default_size=80)
        kv_fig = _figure("How much KV cache does one request hold?", [self.kv_curve, self.kv_point],
                         self.kx, self.ky, "context length (tokens)", "KV cache (GB)", y_format="~g")
        super().__init__([gamma_fig, kv_fig])

    def _draw(self, result: RecipeResult) -> None:
        v = result.inputs
        theta, T = v["theta"], v["T_eval"]
        breakdown = result.step(2)["breakdown"]
        delta = breakdown["gamma_corrected"] - breakdown["pade_centroid"]
        dh, l_niah = result.step(3)["result"], result.step(4)["result"]
        lo, hi = _decades_around(T, 2, 2)
        if l_niah is not None:
            hi = max(hi, 10 ** math.ceil(math.log10(l_niah) + 0.3))
        grid = _log_grid(lo, hi)
        t_sqrt2 = grid * math.sqrt(2)
        pade = (2 * theta - t_sqrt2) / (2 * theta + t_sqrt2)  # §26.1 over the grid
        corrected = pade + delta
        with self.x.hold_sync():
            self.x.min, self.x.max = float(lo), float(hi)
        _set(self.curves, x=grid, y=np.vstack([pade, corrected]))
        _set(self.bounds, x=[[lo, hi], [lo, hi]], y=[[0, 0], [1, 1]])
        _vline(self.dh, dh, self.Y_LO, self.Y_HI)
        _vline(self.niah, l_niah, self.Y_LO, self.Y_HI)
        g = result.step(2)["result"]
        _set(self.point, x=[T], y=[min(max(g, self.Y_LO), self.Y_HI)])

        per_token_GB = result.step(6)["result"]["GB"] / T
        _set(self.kv_curve, x=grid, y=grid * per_token_GB)
        _set(self.kv_point, x=[T], y=[T * per_token_GB])


# ── X-1 ──────────────────────────────────────────────────────────────────────


class BuildVsBuyCharts(ChartSet):
    """Cumulative cost over months: API against custom (training + self-inference)."""

    def __init__(self) -> None:
        self.x = bq.LinearScale(min=0)
        self.y = bq.LinearScale(min=0)
        s = {"x": self.x, "y": self.y}
        self.lines = bq.Lines(scales=s, colors=[ORANGE, BLUE], labels=["API", "custom (train + serve)"],
                              display_legend=True, stroke_width=2)
        self.point = bq.Scatter(scales=s, colors=[GREEN], default_size=90, labels=["break-even"])
        fig = _figure("When does training your own model pay off?", [self.lines, self.point],
                      self.x, self.y, "months", "cumulative cost (USD)", legend_location="top-left",
                      y_format="$~s")
        super().__init__([fig])

    def _draw(self, result: RecipeResult) -> None:
        monthly = result.inputs["monthly_tokens_M"]
        training_usd = result.step(3)["result"]["USD"]
        self_per_Mtok = result.step(4)["result"]["USD_per_Mtok"]
        api_per_Mtok = result.step(5)["result"]
        be = result.step(6)["result"]
        be_months = be["Mtok_breakeven"] / monthly if "Mtok_breakeven" in be else None
        horizon = 24.0 if be_months is None else min(max(1.5 * be_months, 12.0), 1200.0)
        months = np.linspace(0, horizon, POINTS)
        api = api_per_Mtok * monthly * months
        custom = training_usd + self_per_Mtok * monthly * months
        with self.x.hold_sync():
            self.x.max = float(horizon)
        _set(self.lines, x=months, y=np.vstack([api, custom]))
        if be_months is None or be_months > horizon:
            _set(self.point, visible=False)
        else:
            _set(self.point, x=[be_months], y=[api_per_Mtok * monthly * be_months], visible=True)


# ── X-3 ──────────────────────────────────────────────────────────────────────


class BudgetCharts(ChartSet):
    """Chinchilla-optimal N against budget; training memory (16N) against the GPU's VRAM."""

    def __init__(self) -> None:
        self.x = bq.LogScale()
        self.y = bq.LogScale()
        s = {"x": self.x, "y": self.y}
        self.curve = bq.Lines(scales=s, colors=[BLUE], stroke_width=2)
        self.point = bq.Scatter(scales=s, colors=[BLUE], default_size=80)
        n_fig = _figure("What model size does each budget train?", [self.curve, self.point],
                        self.x, self.y, "budget (USD)", "Chinchilla-optimal N (params)")
        self.mx = bq.LogScale()
        self.my = bq.LogScale()
        ms = {"x": self.mx, "y": self.my}
        self.mem = bq.Lines(scales=ms, colors=[PURPLE], stroke_width=2, labels=["16N training memory"],
                            display_legend=True)
        self.vram = bq.Lines(scales=ms, colors=[RED], line_style="dashed", labels=["GPU VRAM"], display_legend=True)
        self.mem_point = bq.Scatter(scales=ms, colors=[PURPLE], default_size=80)
        mem_fig = _figure("Does the training state fit on one GPU?", [self.mem, self.vram, self.mem_point],
                          self.mx, self.my, "budget (USD)", "memory (GB)", legend_location="top-left",
                          y_format="~g")
        super().__init__([n_fig, mem_fig])

    def _draw(self, result: RecipeResult) -> None:
        v = result.inputs
        info = get_gpu(v["gpu"])
        budget = v["USD_budget"]
        lo, hi = _decades_around(budget, 3, 3)
        budgets = _log_grid(lo, hi)
        # FLOPs per dollar do not depend on n_gpus: more GPUs buy the same FLOPs sooner.
        flops_per_usd = info["flops"] * 1e12 * v["mfu"] * 3600 / info["usd_h"]
        N = np.sqrt(flops_per_usd * budgets / 120)
        _set(self.curve, x=budgets, y=N)
        n_now = result.step(3)["result"]
        _set(self.point, x=[budget], y=[n_now])
        mem_GB = 16 * N / 1e9
        _set(self.mem, x=budgets, y=mem_GB)
        _set(self.vram, x=[lo, hi], y=[info["vram_GB"], info["vram_GB"]])
        _set(self.mem_point, x=[budget], y=[result.step(5)["result"]["GB"]])


# ── X-5 ──────────────────────────────────────────────────────────────────────


class ServingCharts(ChartSet):
    """$/Mtok of every GPU that fits (best highlighted); memory needed against each GPU's VRAM."""

    def __init__(self) -> None:
        self.cx = bq.OrdinalScale()
        self.cy = bq.LinearScale(min=0)
        self.cc = bq.ColorScale(colors=[GREY, GREEN], min=0, max=1)
        self.cost = bq.Bars(scales={"x": self.cx, "y": self.cy, "color": self.cc}, padding=0.25)
        cost_fig = _figure("Which GPU that fits serves cheapest?", [self.cost], self.cx, self.cy,
                           "GPU (fits in memory)", "USD per million tokens")
        self.mx = bq.OrdinalScale()
        self.my = bq.LinearScale(min=0)
        self.mc = bq.ColorScale(colors=[RED, GREEN], min=0, max=1)
        self.vram = bq.Bars(scales={"x": self.mx, "y": self.my, "color": self.mc}, padding=0.25)
        self.need = bq.Lines(scales={"x": self.mx, "y": self.my}, colors=[BLUE], line_style="dashed",
                             labels=["memory needed"], display_legend=True, stroke_width=2)
        mem_fig = _figure("Which GPUs hold weights + KV cache?", [self.vram, self.need], self.mx, self.my,
                          "GPU", "memory (GB)")
        for fig in (cost_fig, mem_fig):
            fig.axes[0].tick_rotate = -30
            fig.axes[0].label_offset = "62px"
            fig.fig_margin = {**_MARGIN, "bottom": 85}
        super().__init__([cost_fig, mem_fig])

    def _draw(self, result: RecipeResult) -> None:
        weights_GB = result.step(1)["result"]["GB"]
        need_GB = result.step(3)["result"]["GB"]
        names, costs = [], []
        for name in gpu_names():
            info = get_gpu(name)
            if info["vram_GB"] >= need_GB:
                names.append(name)
                # Same ranking as the recipe's step 4: $/day over Mtok/day, batch-1 decode.
                costs.append(info["usd_h"] * 24 / (info["bw_GB_s"] / weights_GB * 86400 / 1e6))
        best = int(np.argmin(costs)) if costs else -1
        _set(self.cost, x=names, y=costs, color=[1.0 if i == best else 0.0 for i in range(len(names))])
        all_names = gpu_names()
        vram = [get_gpu(n)["vram_GB"] for n in all_names]
        _set(self.vram, x=all_names, y=vram, color=[1.0 if g >= need_GB else 0.0 for g in vram])
        with self.my.hold_sync():
            self.my.max = float(max(max(vram), need_GB) * 1.1)
        _set(self.need, x=[all_names[0], all_names[-1]], y=[need_GB, need_GB])


# ── X-19 ─────────────────────────────────────────────────────────────────────


class KVCompressionCharts(ChartSet):
    """KV cache against sequence length, with D_f and d_horizon marked."""

    def __init__(self) -> None:
        self.x = bq.LogScale()
        self.y = bq.LogScale()
        s = {"x": self.x, "y": self.y}
        self.curve = bq.Lines(scales=s, colors=[PURPLE], stroke_width=2, labels=["KV cache (BF16)"],
                              display_legend=True)
        self.df = bq.Lines(scales=s, colors=[GREEN], labels=["D_f window"], display_legend=True)
        self.dh = bq.Lines(scales=s, colors=[ORANGE], labels=["d_horizon"], display_legend=True,
                           line_style="dash_dotted")
        self.point = bq.Scatter(scales=s, colors=[PURPLE], default_size=80)
        fig = _figure("How big is the KV cache, and where would compression cut it?",
                      [self.curve, self.df, self.dh, self.point], self.x, self.y,
                      "sequence length (tokens)", "KV cache (GB)", legend_location="top-left", y_format="~g")
        super().__init__([fig])

    def _draw(self, result: RecipeResult) -> None:
        T = result.inputs["T_eval"]
        per_token_GB = result.step(5)["result"]["GB"] / T
        df = result.step(3)["result"]
        v = result.inputs
        dh = F.d_horizon(v["theta"], result.step(2)["result"])
        lo, hi = _decades_around(T, 2, 2)
        grid = _log_grid(lo, hi)
        y_lo, y_hi = lo * per_token_GB, hi * per_token_GB
        with self.x.hold_sync():
            self.x.min, self.x.max = float(lo), float(hi)
        with self.y.hold_sync():
            self.y.min, self.y.max = float(y_lo), float(y_hi)
        _set(self.curve, x=grid, y=grid * per_token_GB)
        _vline(self.df, df if df is not None and lo <= df <= hi else None, y_lo, y_hi)
        _vline(self.dh, dh if dh is not None and lo <= dh <= hi else None, y_lo, y_hi)
        _set(self.point, x=[T], y=[T * per_token_GB])


_CHARTS = {"X-1": BuildVsBuyCharts, "X-2": LongContextCharts, "X-3": BudgetCharts,
           "X-5": ServingCharts, "X-19": KVCompressionCharts}


def charts_for(recipe_id: str) -> ChartSet:
    """A new chart set for ``recipe_id`` (figures not yet filled: call ``update``)."""
    return _CHARTS[recipe_id]()
