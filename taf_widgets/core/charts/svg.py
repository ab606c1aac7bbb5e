"""Charts as inline SVG drawn in pure Python (no JS, no files): :func:`render_svg` draws
a :class:`~.spec.ChartSpec`; every text taken from data is escaped. :func:`tick_label`
writes tick labels as d3-format's "~s", "~g" and "$~s" do (as the widget's axes).
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

from ..formatting import format_number
from .spec import ChartSpec, Series

__all__ = ["render_svg", "tick_label", "decade_ticks", "nice_ticks", "WIDTH", "HEIGHT"]

_DASHES = {"dashed": "6 4", "dash_dotted": "8 3 2 3", None: None}


_SI = {-12: "p", -9: "n", -6: "µ", -3: "m", 0: "", 3: "k", 6: "M", 9: "G", 12: "T", 15: "P"}


def _trim(text: str) -> str:
    if "e" in text:
        mantissa, exponent = text.split("e")
        return _trim(mantissa) + "e" + str(int(exponent))
    return text.rstrip("0").rstrip(".") if "." in text else text


def tick_label(value: float, fmt: str) -> str:
    """``1000`` → ``1k`` ("~s"), ``0.25`` → ``0.25`` ("~g"), ``2e6`` → ``$2M`` ("$~s")."""
    prefix = "$" if fmt.startswith("$") else ""
    if fmt.endswith("~s") and value != 0:
        exponent = max(-12, min(15, int(math.floor(math.log10(abs(value)) / 3) * 3)))
        mantissa = value / 10**exponent
        if round(abs(mantissa), 6) >= 1000 and exponent < 15:
            exponent, mantissa = exponent + 3, mantissa / 1000
        text = _trim(f"{mantissa:.6g}") + _SI[exponent]
    else:
        text = _trim(f"{value:.6g}")
    if text.startswith("-"):
        return "−" + prefix + text[1:]
    return prefix + text


def _nice_ticks(lo: float, hi: float, count: int = 6) -> list[float]:
    if hi <= lo:
        return [lo]
    raw = (hi - lo) / count
    step = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * step:
            step *= m
            break
    first = math.ceil(lo / step - 1e-9)
    ticks = []
    k = first
    while k * step <= hi + step * 1e-9:
        ticks.append(round(k * step, 12))
        k += 1
    return ticks


def _decade_ticks(lo: float, hi: float) -> list[float]:
    """Ticks at 10^k, with 2·10^k and 5·10^k when few decades show (as the widget's axes)."""
    a, b = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    if b - a > 12:
        ticks = [10.0**k for k in range(a, b + 1, 2)]
    else:
        ticks = [10.0**k for k in range(a, b + 1)]
        if b - a <= 2:
            ticks = sorted(t * m for t in ticks for m in (1, 2, 5))
    return [t for t in ticks if lo / 1.0001 <= t <= hi * 1.0001] or ticks[:1]


decade_ticks = _decade_ticks
nice_ticks = _nice_ticks


# ── drawing ──────────────────────────────────────────────────────────────────

WIDTH, HEIGHT = 560, 340


class _Scale:
    def __init__(self, lo: float, hi: float, log: bool, a: float, b: float) -> None:
        if log:
            lo, hi = math.log10(lo), math.log10(hi)
        if hi == lo:
            lo, hi = lo - 1, hi + 1
        self.lo, self.hi, self.log, self.a, self.b = lo, hi, log, a, b

    def __call__(self, value: float) -> float:
        v = math.log10(value) if self.log else value
        return self.a + (v - self.lo) / (self.hi - self.lo) * (self.b - self.a)


def _usable(value: Any, log: bool) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value) and (value > 0 or not log)


def _data_range(spec: ChartSpec, axis: str) -> tuple[float, float] | None:
    log = spec.x_log if axis == "x" else spec.y_log
    values: list[float] = []
    for s in spec.series:
        if s.kind == "bars":
            if axis == "y":
                values += [v for v in s.y if _usable(v, log)]
            continue
        if s.kind == "stack":
            if axis == "y":
                values += [sum(seg[i] for seg in s.y) for i in range(len(s.x))]
            continue
        if (
            s.kind in ("line", "point", "scatter")
            or (s.kind == "vline" and axis == "x")
            or (s.kind == "hline" and axis == "y")
        ):
            values += [v for v in (s.x if axis == "x" else s.y) if _usable(v, log)]
    if not values:
        return None
    return min(values), max(values)


def _resolve(spec: ChartSpec, axis: str) -> tuple[float, float]:
    given = spec.x_range if axis == "x" else spec.y_range
    log = spec.x_log if axis == "x" else spec.y_log
    data = _data_range(spec, axis)
    lo = given[0] if given and given[0] is not None else (data[0] if data else (1.0 if log else 0.0))
    hi = given[1] if given and given[1] is not None else (data[1] if data else (10.0 if log else 1.0))
    if hi <= lo:
        hi = lo * 10 if log else lo + 1
    if not log and given is not None and given[1] is None:
        hi = _nice_ticks(lo, hi)[-1] if _nice_ticks(lo, hi)[-1] >= hi else hi * 1.05
    return lo, hi


def _f(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def render_svg(spec: ChartSpec, uid: str) -> str:
    """One chart as an ``<svg>`` element (no external references; ``uid`` keeps ids unique)."""
    left, right = 72, 20
    entries = sum(len(x.labels or []) if x.kind == "stack" else (1 if x.legend and x.label else 0) for x in spec.series)
    top = 44 + (16 * entries if spec.legend == "above" else 0)
    bottom = 110 if spec.ordinal else 52
    x0, x1, y0, y1 = left, WIDTH - right, HEIGHT - bottom, top
    out: list[str] = [
        f'<svg class="chart-svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" '
        f'aria-labelledby="{uid}-t" data-chart="{escape(spec.key)}">',
        f'<title id="{uid}-t">{escape(spec.title)}</title>',
        f'<defs><clipPath id="{uid}-clip"><rect x="{x0}" y="{y1}" width="{x1 - x0}" height="{y0 - y1}"/>'
        "</clipPath></defs>",
        f'<text class="chart-title" x="{WIDTH / 2:.0f}" y="22" text-anchor="middle">{escape(spec.title)}</text>',
        f'<rect class="plot-area" x="{x0}" y="{y1}" width="{x1 - x0}" height="{y0 - y1}"/>',
    ]
    ylo, yhi = _resolve(spec, "y")
    ys = _Scale(ylo, yhi, spec.y_log, y0, y1)
    y_ticks = _decade_ticks(ylo, yhi) if spec.y_log else _nice_ticks(ylo, yhi)
    for t in y_ticks:
        py = ys(t)
        if y1 - 0.5 <= py <= y0 + 0.5:
            out.append(f'<line class="grid" x1="{x0}" x2="{x1}" y1="{_f(py)}" y2="{_f(py)}"/>')
            out.append(
                f'<text class="tick" x="{x0 - 6}" y="{_f(py + 4)}" text-anchor="end">'
                f"{escape(tick_label(t, spec.y_format))}</text>"
            )

    if spec.ordinal:
        names = next((s.x for s in spec.series if s.kind in ("bars", "stack")), [])
        band = (x1 - x0) / max(len(names), 1)
        centre = {name: x0 + band * (i + 0.5) for i, name in enumerate(names)}
        for name, cx in centre.items():
            label = name if len(name) <= 24 else name[:23] + "…"
            out.append(
                f'<text class="tick" transform="translate({_f(cx + 3)},{y0 + 10}) rotate(-30)" '
                f'text-anchor="end">{escape(label)}</text>'
            )
        xs = None
    else:
        xlo, xhi = _resolve(spec, "x")
        xs = _Scale(xlo, xhi, spec.x_log, x0, x1)
        x_ticks = _decade_ticks(xlo, xhi) if spec.x_log else _nice_ticks(xlo, xhi)
        for t in x_ticks:
            px = xs(t)
            if x0 - 0.5 <= px <= x1 + 0.5:
                out.append(f'<line class="grid" x1="{_f(px)}" x2="{_f(px)}" y1="{y1}" y2="{y0}"/>')
                out.append(
                    f'<text class="tick" x="{_f(px)}" y="{y0 + 16}" text-anchor="middle">'
                    f"{escape(tick_label(t, spec.x_format))}</text>"
                )

    out.append(f'<g clip-path="url(#{uid}-clip)">')
    legend: list[Series] = []
    for s in spec.series:
        dash = _DASHES.get(s.style)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        if s.kind == "bars":
            band = (x1 - x0) / max(len(s.x), 1)
            for i, (name, value) in enumerate(zip(s.x, s.y)):
                if not _usable(value, False):
                    continue
                top_y = ys(max(value, ylo)) if value > ylo else ys(ylo)
                top_y = min(top_y, y0 - 2)  # a zero still shows as a stub, so the best bar is seen
                bar_w = min(band * 0.75, 72.0)
                bx = x0 + band * (i + 0.5) - bar_w / 2
                color = (s.colors or [s.color] * len(s.x))[i]
                shown = format_number(value, s.value_unit or "")
                out.append(
                    f'<rect class="bar" x="{_f(bx)}" y="{_f(top_y)}" width="{_f(bar_w)}" '
                    f'height="{_f(y0 - top_y)}" fill="{color}"><title>{escape(str(name))}: '
                    f"{escape(shown)}</title></rect>"
                )
                if s.value_unit is not None and len(s.x) <= 16:
                    out.append(
                        f'<text class="bar-value" x="{_f(bx + bar_w / 2)}" y="{_f(top_y - 4)}" '
                        f'text-anchor="middle">{escape(shown)}</text>'
                    )
            continue
        if s.kind == "stack":
            band = (x1 - x0) / max(len(s.x), 1)
            bar_w = min(band * 0.6, 96.0)
            for i, name in enumerate(s.x):
                base = 0.0
                for seg, color, label in zip(s.y, s.colors or [], s.labels or []):
                    value = seg[i]
                    if not _usable(value, False) or value <= 0:
                        continue
                    y_top, y_bottom = ys(min(base + value, yhi)), ys(max(base, ylo))
                    bx = x0 + band * (i + 0.5) - bar_w / 2
                    out.append(
                        f'<rect class="bar" x="{_f(bx)}" y="{_f(y_top)}" width="{_f(bar_w)}" '
                        f'height="{_f(max(y_bottom - y_top, 0))}" fill="{color}"><title>'
                        f"{escape(str(name))}: {escape(label)} {escape(format_number(value, 'GB'))}"
                        "</title></rect>"
                    )
                    base += value
            for color, label in zip(s.colors or [], s.labels or []):
                legend.append(Series("bars", [], [], color, label))
            continue
        if s.kind == "hline":
            if not s.y or not _usable(s.y[0], spec.y_log):
                continue
            py = ys(s.y[0])
            out.append(
                f'<line class="mark" x1="{x0}" x2="{x1}" y1="{_f(py)}" y2="{_f(py)}" stroke="{s.color}" '
                f'stroke-width="1.5"{dash_attr} data-series="{escape(s.label or "")}"/>'
            )
            if not s.legend and s.label:
                out.append(
                    f'<text class="mark-label" x="{x1 - 4}" y="{_f(py - 4)}" text-anchor="end" '
                    f'fill="{s.color}">{escape(s.label)}</text>'
                )
        elif s.kind == "vline" and xs is not None:
            if not s.x or not _usable(s.x[0], spec.x_log):
                if s.legend:
                    legend.append(s)
                continue
            px = xs(s.x[0])
            out.append(
                f'<line class="mark" x1="{_f(px)}" x2="{_f(px)}" y1="{y1}" y2="{y0}" stroke="{s.color}" '
                f'stroke-width="1.5"{dash_attr} data-series="{escape(s.label or "")}"/>'
            )
        elif s.kind == "line" and xs is not None:
            for segment in _segments(s.x, s.y, spec.x_log, spec.y_log):
                points = " ".join(f"{_f(xs(x))},{_f(ys(y))}" for x, y in segment)
                out.append(
                    f'<polyline class="mark" points="{points}" fill="none" stroke="{s.color}" '
                    f'stroke-width="2"{dash_attr} data-series="{escape(s.label or "")}"/>'
                )
        elif s.kind == "point" and xs is not None:
            if s.x and s.y and _usable(s.x[0], spec.x_log) and _usable(s.y[0], spec.y_log):
                tip = f"<title>{escape(s.tooltip)}</title>" if s.tooltip else ""
                out.append(
                    f'<circle class="point" cx="{_f(xs(s.x[0]))}" cy="{_f(ys(s.y[0]))}" r="6" '
                    f'fill="{s.color}" data-series="{escape(s.label or "")}">{tip}</circle>'
                )
        elif s.kind == "scatter" and xs is not None:
            for i, (x, y) in enumerate(zip(s.x, s.y)):
                if _usable(x, spec.x_log) and _usable(y, spec.y_log):
                    name = s.labels[i] if s.labels and i < len(s.labels) else ""
                    tip = f"<title>{escape(name)}</title>" if name else ""
                    out.append(
                        f'<circle class="point" cx="{_f(xs(x))}" cy="{_f(ys(y))}" r="4.5" '
                        f'fill="{s.color}" data-series="{escape(s.label or "")}">{tip}</circle>'
                    )
        if s.legend and s.label and not (s.kind in ("point", "scatter") and not s.x):  # empty: no entry
            legend.append(s)
    out.append("</g>")
    if spec.empty_text and not any(s.x for s in spec.series if s.kind in ("bars", "stack")):
        out.append(
            f'<text class="empty" x="{(x0 + x1) / 2:.0f}" y="{(y0 + y1) / 2:.0f}" '
            f'text-anchor="middle">{escape(spec.empty_text)}</text>'
        )
    out.append(f'<line class="axis" x1="{x0}" x2="{x1}" y1="{y0}" y2="{y0}"/>')
    out.append(f'<line class="axis" x1="{x0}" x2="{x0}" y1="{y1}" y2="{y0}"/>')
    out.append(
        f'<text class="axis-label" x="{(x0 + x1) / 2:.0f}" y="{HEIGHT - 8}" text-anchor="middle">'
        f"{escape(spec.x_label)}</text>"
    )
    out.append(
        f'<text class="axis-label" transform="translate(16,{(y0 + y1) / 2:.0f}) rotate(-90)" '
        f'text-anchor="middle">{escape(spec.y_label)}</text>'
    )
    out.append(_legend(legend, spec.legend, x0, x1, y0, y1))
    out.append("</svg>")
    return "".join(out)


def _segments(xs: list, ys: list, x_log: bool, y_log: bool) -> list[list[tuple[float, float]]]:
    """Runs of drawable points (a non-finite or, on a log axis, non-positive value breaks a line)."""
    runs: list[list[tuple[float, float]]] = [[]]
    for x, y in zip(xs, ys):
        if _usable(x, x_log) and _usable(y, y_log):
            runs[-1].append((x, y))
        elif runs[-1]:
            runs.append([])
    return [r for r in runs if len(r) >= 2]


def _legend(items: list[Series], where: str, x0: float, x1: float, y0: float, y1: float) -> str:
    if not items:
        return ""
    line_h, width = 16, 12 + 7 * max(len(s.label or "") for s in items) + 26
    height = line_h * len(items) + 8
    lx = x0 + 8 if where.endswith("left") else x1 - 8 - width
    ly = y1 + 8 if where.startswith("top") else y0 - 8 - height
    if where == "above":  # between the title and the plot, clear of the marks
        lx, ly = (x0 + x1) / 2 - width / 2, 26
    out = [
        f'<g class="legend" transform="translate({_f(lx)},{_f(ly)})">',
        f'<rect class="legend-box" width="{width}" height="{height}" rx="3"/>',
    ]
    for i, s in enumerate(items):
        cy = 4 + line_h * i + line_h / 2
        dash = _DASHES.get(s.style)
        if s.kind in ("point", "scatter"):
            out.append(f'<circle cx="16" cy="{_f(cy)}" r="5" fill="{s.color}"/>')
        else:
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            out.append(
                f'<line x1="6" x2="26" y1="{_f(cy)}" y2="{_f(cy)}" stroke="{s.color}" stroke-width="2"{dash_attr}/>'
            )
        out.append(f'<text x="32" y="{_f(cy + 4)}">{escape(s.label or "")}</text>')
    out.append("</g>")
    return "".join(out)
