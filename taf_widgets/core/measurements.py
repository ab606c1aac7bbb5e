"""The measured panel: attention-decay exponents γ_obs measured on real models.

The rows ship as package data (``data/measurements.json``), copied from the public
measurements of the TAF Agent (Carles Marin, repository karlesmarin/tafagent, commit
e0d8cb6, Apache-2.0; the dataset is also published as "taf-attention-decay"). Each row
is one model on one corpus ("mongo" = natural text, "random" = random tokens): θ, the
fitted exponent γ_obs of attention ∝ distance^(−γ), the fit's R², D90, the phase label
and, where published and consistent with the row, the mean attention weight at each
distance measured (10 to 2,000 tokens, 3 seeds) with the fit's parameters.

:func:`measurements` looks a model up; :func:`measured_gamma` gives the one row a
recipe would use (natural text first). A model the panel lacks gives an empty list or
None, never an error.
"""

from __future__ import annotations

import json
from pathlib import Path

from .errors import InputError

__all__ = ["measurements", "measured_gamma", "panel", "PROVENANCE", "CORPUS_LABELS", "MEASURED_LENGTH"]

with open(Path(__file__).with_name("data") / "measurements.json", encoding="utf-8") as _fh:
    _FILE = json.load(_fh)

PROVENANCE: str = _FILE["provenance"]
"""Who measured the panel, where it is published, and its license."""

CORPUS_LABELS: dict[str, str] = dict(_FILE["corpora"])

MEASURED_LENGTH = 2000
"""The longest query–key distance the panel measured (tokens): γ_obs describes attention up to here."""

_ROWS: list[dict] = _FILE["rows"]


def _copy(row: dict) -> dict:
    out = dict(row)
    if row.get("points") is not None:
        out["points"] = [dict(p) for p in row["points"]]
    if row.get("fit") is not None:
        out["fit"] = dict(row["fit"])
    return out


def panel() -> list[dict]:
    """Every panel row (copies), in the published order."""
    return [_copy(r) for r in _ROWS]


def measurements(model_id: str) -> list[dict]:
    """The panel's rows for ``model_id`` (a Hugging Face id such as
    ``"meta-llama/Meta-Llama-3-8B"``), natural text first; ``[]`` when the panel lacks it.

    Each row: model, corpus, corpus_label, theta, gamma_obs, R2, D90, phase, source,
    notes, points (``[{distance, attention, std}]`` or None, then ``points_missing``
    says why) and fit (the power law's gamma, log_A, R2... or None).
    """
    if not isinstance(model_id, str):
        raise InputError("model_id", model_id, "must be a model id text, e.g. 'meta-llama/Meta-Llama-3-8B'")
    rows = [_copy(r) for r in _ROWS if r["model"] == model_id]
    return sorted(rows, key=lambda r: r["corpus"] != "mongo")


def measured_gamma(model_id: str | None, corpus: str = "mongo") -> dict | None:
    """The panel row of ``model_id`` on ``corpus`` ("mongo", natural text, by default), or None."""
    if not model_id or not isinstance(model_id, str):
        return None
    return next((r for r in measurements(model_id) if r["corpus"] == corpus), None)
