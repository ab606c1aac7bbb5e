"""EvidenceWidget: the Prediction vs measurement view of the measured panel.

Two bqplot figures drawn from :func:`taf_widgets.core.evidence.evidence_specs` (the same
specs feed the HTML report's SVG): γ_Padé at the panel's measured length against the
measured γ_obs for every panel model, with the identity line and a ±0.1 band; and, for
the model chosen in the picker, the mean attention weight against distance beside its
fitted power law and the slope γ_Padé would give.
"""

from __future__ import annotations

from typing import Any

import ipywidgets

from .charts import SpecFigure, close_figures
from .core.errors import InputError
from .core.evidence import BAND, evidence_specs, prediction_rows, prediction_summary
from .core.measurements import MEASURED_LENGTH, PROVENANCE, measured_gamma, panel

__all__ = ["EvidenceWidget"]


def _choices() -> list[tuple[str, str]]:
    """(label, model id) of every panel model with a natural-text measurement, measured first."""
    seen: list[tuple[str, str]] = []
    for row in panel():
        if row["corpus"] == "mongo" and all(row["model"] != m for _, m in seen):
            points = "" if row.get("points") else " (no per-distance points)"
            seen.append((f"{row['model']} · γ_obs {row['gamma_obs']:.4f}{points}", row["model"]))
    return seen


class EvidenceWidget(ipywidgets.VBox):
    """How far the closed form's γ falls from the measured panel, and one model's measurement.

    ``EvidenceWidget("meta-llama/Meta-Llama-3-8B")``; ``model`` picks the model shown in the
    second chart (any panel model measured on natural text).
    """

    def __init__(self, model: str | None = "meta-llama/Meta-Llama-3-8B") -> None:
        options = _choices()
        ids = [m for _, m in options]
        if model is not None and model not in ids:
            raise InputError(
                "model", model, "must be a model of the measured panel: " + ", ".join(repr(m) for m in ids)
            )
        specs = evidence_specs(model)
        self._parts = [SpecFigure(spec) for spec in specs]
        summary = prediction_summary(prediction_rows())
        self._picker = ipywidgets.Dropdown(
            options=options, value=model, description="Model", layout=ipywidgets.Layout(width="min(100%, 560px)")
        )
        self._picker.add_class("taf-evidence-picker")
        self._empty = ipywidgets.Label()
        self._empty.add_class("taf-evidence-empty")
        self._detail = ipywidgets.Label()
        self._detail.add_class("taf-evidence-detail")
        head = ipywidgets.HTML(value="<b>Prediction vs measurement</b>")
        about = ipywidgets.Label(
            value=(
                f"γ_Padé at {MEASURED_LENGTH:,} tokens is off the measured γ_obs by {summary['mae']:.3f} on average "
                f"over {summary['n']} measurements; {summary['within']} of {summary['n']} within ±{BAND}."
            )
        )
        credit = ipywidgets.Label(value=f"Measurements: {PROVENANCE}.")
        box = ipywidgets.Box(
            [p.figure for p in self._parts],
            layout=ipywidgets.Layout(display="flex", flex_flow="row wrap", width="100%"),
        )
        super().__init__(
            children=[head, about, self._picker, self._detail, box, self._empty, credit],
            layout=ipywidgets.Layout(width="100%"),
        )
        self.add_class("taf-evidence-widget")
        self._draw(model)
        self._picker.observe(lambda change: self._draw(change["new"]), names="value")

    @property
    def model(self) -> str | None:
        """The model whose measurement the second chart shows."""
        return self._picker.value

    @model.setter
    def model(self, value: str) -> None:
        if value not in [m for _, m in self._picker.options]:
            raise InputError("model", value, "must be a model of the measured panel")
        self._picker.value = value

    @property
    def charts(self) -> list:
        """The two bqplot figures."""
        return [p.figure for p in self._parts]

    def _draw(self, model: Any) -> None:
        specs = evidence_specs(model)
        for part, spec in zip(self._parts, specs):
            part.fill(spec)
            part.figure.title = spec.title
        self._empty.value = specs[1].empty_text
        row = measured_gamma(model) if model else None
        self._detail.value = (
            ""
            if row is None
            else (
                f"{row['model']} on {row['corpus_label']}: γ_obs = {row['gamma_obs']:.4f}, R² = {row['R2']:.4f}, "
                f"θ = {row['theta']:,}"
                if row["theta"] is not None
                else f"{row['model']} on {row['corpus_label']}: γ_obs = {row['gamma_obs']:.4f}, R² = {row['R2']:.4f}"
            )
        )

    def close(self) -> None:
        """Close the view, its figures (marks, axes, scales) and controls."""
        if not hasattr(self, "_parts"):  # construction failed before the children existed
            super().close()
            return
        close_figures([p.figure for p in self._parts])
        for child in list(self.children):
            child.close()
        super().close()
