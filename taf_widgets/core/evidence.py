"""Prediction against measurement: how far the closed form's γ falls from the measured panel.

:func:`prediction_rows` compares, for every panel model whose θ is known, the Padé
exponent γ_Padé(θ, L) at the longest distance the panel measured (L = 2,000 tokens: γ_obs
describes attention up to there) with the measured γ_obs. :func:`evidence_specs` draws
two charts from the panel (the same specs feed the widget's bqplot figures and the HTML
report's SVG): γ_Padé against γ_obs for every model, with the identity line and a ±0.1
band; and for one chosen model, the measured attention weight against distance beside
the fitted power law. Standard library only.
"""

from __future__ import annotations

import math
from html import escape

from . import formulas as F
from .charts.spec import BLUE, GREY, PINK, ChartSpec, Series
from .charts.svg import render_svg
from .measurements import CORPUS_LABELS, MEASURED_LENGTH, PROVENANCE, measured_gamma, panel

__all__ = ["prediction_rows", "prediction_summary", "evidence_specs", "evidence_section", "BAND"]

BAND = 0.1
"""Half-width of the band around the identity line: |γ_Padé − γ_obs| ≤ 0.1 counts as close."""


def prediction_rows(length: int = MEASURED_LENGTH) -> list[dict]:
    """One row per panel measurement with a known θ: model, corpus, corpus_label, theta,
    gamma_obs, R2, gamma_pade (at ``length``), error (γ_Padé − γ_obs) and within (|error| ≤ 0.1)."""
    rows = []
    for r in panel():
        if r["theta"] is None:
            continue
        g_pade = F.gamma_pade(r["theta"], length)
        error = g_pade - r["gamma_obs"]
        rows.append(
            {
                "model": r["model"],
                "corpus": r["corpus"],
                "corpus_label": r["corpus_label"],
                "theta": r["theta"],
                "gamma_obs": r["gamma_obs"],
                "R2": r["R2"],
                "gamma_pade": g_pade,
                "error": error,
                "within": abs(error) <= BAND,
            }
        )
    return rows


def prediction_summary(rows: list[dict]) -> dict:
    """n, the mean absolute error |γ_Padé − γ_obs| and the share within ±0.1 of ``rows``."""
    n = len(rows)
    if not n:
        return {"n": 0, "mae": None, "within": 0, "share_within": None}
    within = sum(1 for r in rows if r["within"])
    return {"n": n, "mae": math.fsum(abs(r["error"]) for r in rows) / n, "within": within, "share_within": within / n}


def _label(r: dict) -> str:
    return f"{r['model']} ({r['corpus_label']}): γ_Padé {r['gamma_pade']:.3f}, γ_obs {r['gamma_obs']:.4f}"


def evidence_specs(model_id: str | None = None, corpus: str = "mongo") -> list[ChartSpec]:
    """The two charts of the Prediction vs measurement view; ``model_id`` is highlighted in the
    first and its attention-by-distance measurement drawn in the second (empty when the panel
    has none for it)."""
    rows = prediction_rows()
    natural = [r for r in rows if r["corpus"] == "mongo"]
    random_ = [r for r in rows if r["corpus"] != "mongo"]
    chosen = [r for r in rows if r["model"] == model_id and r["corpus"] == corpus]
    lo, hi = 0.2, 1.3
    line = [lo, hi]
    scatter = ChartSpec(
        "prediction",
        f"Does γ_Padé at {MEASURED_LENGTH:,} tokens predict the measured γ?",
        "γ_Padé (closed form)",
        "γ_obs (measured)",
        [
            Series("line", line, line, GREY, "identity"),
            Series("line", line, [x + BAND for x in line], GREY, f"±{BAND}", "dashed"),
            Series("line", line, [x - BAND for x in line], GREY, f"−{BAND}", "dashed", legend=False),
            Series(
                "scatter",
                [r["gamma_pade"] for r in natural],
                [r["gamma_obs"] for r in natural],
                BLUE,
                "natural text",
                labels=[_label(r) for r in natural],
            ),
            Series(
                "scatter",
                [r["gamma_pade"] for r in random_],
                [r["gamma_obs"] for r in random_],
                GREY,
                "random tokens",
                labels=[_label(r) for r in random_],
            ),
            Series(
                "point",
                [chosen[0]["gamma_pade"]] if chosen else [],
                [chosen[0]["gamma_obs"]] if chosen else [],
                PINK,
                (model_id or "").split("/")[-1] or "this model",
                tooltip=_label(chosen[0]) if chosen else None,
            ),
        ],
        x_range=(lo, hi),
        y_range=(lo, hi),
        x_format=".1f",
        y_format=".1f",
        legend="top-left",
    )

    row = measured_gamma(model_id, corpus) if model_id else None
    series: list[Series] = []
    empty = ""
    if row is not None and row.get("points"):
        pts = row["points"]
        fit = row["fit"]
        d = [p["distance"] for p in pts]
        series.append(
            Series(
                "scatter",
                d,
                [p["attention"] for p in pts],
                BLUE,
                f"measured ({row['corpus_label']})",
                labels=[f"d = {p['distance']:,}: {p['attention']:.3g} ± {p['std']:.2g}" for p in pts],
            )
        )
        fit_d = fit.get("distances_fit") or d
        a = math.exp(fit["log_A"])
        series.append(
            Series(
                "line",
                fit_d,
                [a * x ** -fit["gamma"] for x in fit_d],
                PINK,
                f"power law γ = {fit['gamma']:.4f}, R² = {fit['R2']:.4f}",
            )
        )
        # γ_Padé's slope through the first fitted point: what the closed form expects.
        g_pade = F.gamma_pade(row["theta"], MEASURED_LENGTH)
        x0 = fit_d[0]
        y0 = a * x0 ** -fit["gamma"]
        series.append(
            Series(
                "line", fit_d, [y0 * (x / x0) ** -g_pade for x in fit_d], GREY, f"γ_Padé slope = {g_pade:.3f}", "dashed"
            )
        )
        title = f"{row['model'].split('/')[-1]}: attention against distance"
    else:
        series = [
            Series("scatter", [], [], BLUE, "measured"),
            Series("line", [], [], PINK, "power law"),
            Series("line", [], [], GREY, "γ_Padé slope", "dashed"),
        ]
        title = "Attention against distance"
        if row is not None:
            empty = f"no per-distance points: {row.get('points_missing', 'not published')}"
        else:
            empty = "no measurement of this model in the panel" if model_id else "choose a measured model"
    decay = ChartSpec(
        "decay",
        title,
        "distance (tokens)",
        "mean attention weight",
        series,
        x_log=True,
        y_log=True,
        x_range=(5, 4000),
        x_format="~s",
        y_format="~g",
        legend="bottom-left",
        empty_text=empty,
    )
    return [scatter, decay]


def evidence_section(model_id: str | None = None, corpus: str = "mongo") -> str:
    """The Prediction vs measurement section of the HTML report: the summary, the two charts
    as inline SVG, and the panel's provenance. Every text from data is escaped."""
    rows = prediction_rows()
    summary = prediction_summary(rows)
    row = measured_gamma(model_id, corpus) if model_id else None
    parts = [
        '<section class="evidence" data-role="evidence"><h2>Prediction vs measurement</h2>',
        f"<p>Over the {summary['n']} panel measurements with a known θ, γ_Padé at "
        f"{MEASURED_LENGTH:,} tokens is off the measured γ_obs by {summary['mae']:.3f} on average; "
        f"{summary['within']} of {summary['n']} fall within ±{BAND}.</p>",
    ]
    if row is not None:
        parts.append(
            f"<p>{escape(row['model'])} on {escape(row['corpus_label'])}: γ_obs = {row['gamma_obs']:.4f} "
            f"(R² = {row['R2']:.4f}, θ = {row['theta']:,}).</p>"
        )
    parts.append('<div class="charts">')
    for i, spec in enumerate(evidence_specs(model_id, corpus)):
        parts.append(f'<figure class="chart">{render_svg(spec, f"e{i}")}</figure>')
    parts.append(
        f'</div><p class="question">Measurements: {escape(PROVENANCE)}. Corpora: '
        + escape(", ".join(f"{k} = {v}" for k, v in CORPUS_LABELS.items()))
        + ".</p></section>"
    )
    return "".join(parts)
