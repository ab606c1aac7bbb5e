"""The evidence layer in the widgets: the measured-γ button, the γ_obs mark, the band on cards
and compare columns, and the EvidenceWidget."""

from __future__ import annotations

import numpy as np
import pytest

from taf_widgets import CompareWidget, EvidenceWidget, ModelCard, RecipeWidget
from taf_widgets.core import InputError, measured_gamma

LLAMA = "meta-llama/Meta-Llama-3-8B"
QWEN_SMALL = "Qwen/Qwen2.5-1.5B"  # not in the measured panel


@pytest.fixture
def made():
    widgets = []
    yield widgets
    for w in widgets:
        w.close()


def _gamma_obs_mark(w):
    fig = w.charts[0]
    return next(m for m in fig.marks if any("γ_obs" in label for label in (m.labels or [])))


def test_use_measured_gamma_turns_the_verdict_and_marks_the_chart(made):
    w = RecipeWidget("X-2", preset=LLAMA, T_eval=32000)
    made.append(w)
    assert w.panel.measured["gamma_obs"] == measured_gamma(LLAMA)["gamma_obs"]
    assert w.result["verdict"] == "YES" and "closed_form_identity" in w.result["caveats"]
    mark = _gamma_obs_mark(w)
    assert mark.visible is False
    revision = w.revision
    assert w.use_measured_gamma() == 1.0455
    assert w.revision == revision + 1
    assert w.result["verdict"] == "NO" and "measured_gamma" in w.result["caveats"]
    mark = _gamma_obs_mark(w)
    assert mark.visible is True and np.asarray(mark.y, dtype=float).tolist() == [1.0455]


def test_preset_without_a_measurement_offers_nothing_and_drops_the_old_gamma(made):
    w = RecipeWidget("X-2", preset=LLAMA, T_eval=32000)
    made.append(w)
    w.use_measured_gamma()
    w.preset = QWEN_SMALL
    assert w.panel.measured == {} and w.params["gamma_obs"] is None
    assert "measured_gamma" not in w.result["caveats"]
    with pytest.raises(InputError) as exc:
        w.use_measured_gamma()
    assert exc.value.field == "gamma_obs"


def test_recipes_without_gamma_obs_offer_no_measurement(made):
    w = RecipeWidget("X-5", preset=LLAMA)
    made.append(w)
    assert w.panel.measured == {}
    assert w.result["confidence"]["band"] in ("high", "medium", "low")


def test_calibration_is_a_control_like_any_other(made):
    w = RecipeWidget("X-2", preset="mistralai/Mistral-7B-v0.1", T_eval=4096)
    made.append(w)
    declared = {p["name"]: p for p in w.panel._spec["recipe"]["params"]}
    assert declared["calibration"]["choices"] == ["spec", "audited"]
    w.set(calibration="audited")
    assert "delta_swa_disabled" in w.result["caveats"]
    w.set(calibration="lenient")
    assert w.stale and "calibration" in w.errors and w.result["inputs"]["calibration"] == "audited"


def test_card_and_compare_carry_the_band_and_caveats(made):
    card = ModelCard(LLAMA, T_eval=32000)
    made.append(card)
    x2 = next(c for c in card.cards if c["recipe_id"] == "X-2")
    assert x2["confidence"]["band"] == "low" and x2["caveats"][0] == "beyond_trained_length"
    compare = CompareWidget("X-2", presets=[LLAMA, "Qwen/Qwen2.5-7B"], T_eval=32000)
    made.append(compare)
    assert all("confidence" in r and "caveats" in r for r in compare.results)


def test_evidence_widget_switches_model(made):
    w = EvidenceWidget(LLAMA)
    made.append(w)
    scatter, decay = w.charts
    points = decay.marks[0]
    assert len(points.x) == 9 and points.visible
    llama_y = np.asarray(points.y, dtype=float).copy()
    w.model = "EleutherAI/pythia-1b"
    assert "pythia-1b" in decay.title
    assert not np.array_equal(np.asarray(decay.marks[0].y, dtype=float), llama_y)
    w.model = "tiiuae/falcon-7b"  # partial run: no points
    assert decay.marks[0].visible is False and w._empty.value
    with pytest.raises(InputError):
        w.model = "no/such-model"
