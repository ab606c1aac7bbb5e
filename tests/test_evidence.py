"""The evidence layer: calibrations, the measured path, caveats, confidence and the measured panel."""

from __future__ import annotations

import ast
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

import taf_widgets.core as core
from taf_widgets.core import (
    CAVEAT_ORDER,
    InputError,
    measured_gamma,
    measurements,
    panel,
    preset_from_config,
    run_recipe,
    to_html,
)
from taf_widgets.core import formulas as F
from taf_widgets.core.evidence import evidence_specs, prediction_rows, prediction_summary
from taf_widgets.core.recipes import RECIPES, confidence_from

REPO = Path(__file__).resolve().parents[1]
CONFIGS = REPO / "tests" / "fixtures" / "configs"
LLAMA = "meta-llama/Meta-Llama-3-8B"
MISTRAL = "mistralai/Mistral-7B-v0.1"  # sliding window, GQA, 7B


# ── calibrations ─────────────────────────────────────────────────────────────


@pytest.mark.parametrize("rid", ["X-2", "X-19"])
@pytest.mark.parametrize("preset", [LLAMA, MISTRAL, "EleutherAI/pythia-1b"])
def test_spec_calibration_is_the_default_and_changes_nothing(rid, preset):
    default = run_recipe(rid, preset=preset, T_eval=32000)
    spec = run_recipe(rid, preset=preset, T_eval=32000, calibration="spec")
    assert default.chain == spec.chain and default.verdict == spec.verdict
    assert default.inputs["calibration"] == "spec"
    assert not {"delta_swa_disabled", "delta_post_ih_exploratory"} & set(default.caveats)


def test_audited_calibration_disables_delta_swa_and_marks_every_status():
    spec = run_recipe("X-2", preset=MISTRAL, T_eval=4096)
    audited = run_recipe("X-2", preset=MISTRAL, T_eval=4096, calibration="audited")
    assert spec.step(2)["breakdown"]["delta_SWA"] == F.DELTA_SWA
    b = audited.step(2)["breakdown"]
    assert b["delta_SWA"] == 0.0 and b["calibration"] == "audited"
    assert b["gamma_corrected"] == pytest.approx(spec.step(2)["result"] - F.DELTA_SWA)
    assert "disabled" in b["status_SWA"] and "exploratory" in b["status_post_IH"] and "reliable" in b["status_GQA"]
    assert {"delta_swa_disabled", "delta_post_ih_exploratory"} <= set(audited.caveats)
    # every decomposition, under either calibration, reports each correction's status
    for r in (spec, audited):
        assert {"status_GQA", "status_SWA", "status_post_IH"} <= set(r.step(2)["breakdown"])


def test_audited_caveats_only_where_the_corrections_apply():
    small = run_recipe("X-2", preset="EleutherAI/pythia-1b", calibration="audited", n_params=1e8)
    assert not {"delta_swa_disabled", "delta_post_ih_exploratory"} & set(small.caveats)


def _brute_df(gamma: float, n: int, f: float = 0.9) -> int:
    total = math.fsum(d**-gamma for d in range(1, n + 1))
    acc = 0.0
    for d in range(1, n + 1):
        acc += d**-gamma
        if acc >= f * total:
            return d
    return n


@pytest.mark.parametrize("gamma, n", [(0.65, 1), (0.7, 1000), (0.75, 4096), (0.8, 20000), (0.85, 7777), (0.66, 1001)])
def test_exact_df_window_is_the_discrete_sum(gamma, n):
    assert F.df_window_exact(gamma, n) == _brute_df(gamma, n)
    assert F.df_window_exact(0.9, n) is None and F.df_window_exact(0.6, n) is None


def test_power_sum_matches_direct_summation_beyond_the_euler_maclaurin_switch():
    for gamma in (0.65, 0.8, 1.0, 1.3):
        assert F.power_sum(gamma, 54321) == pytest.approx(math.fsum(d**-gamma for d in range(1, 54322)), rel=1e-13)


def test_x19_audited_uses_the_exact_window_and_says_what_the_spec_gives():
    kw = dict(
        theta=10000,
        T_train=2048,
        T_eval=2048,
        n_attention_heads=16,
        n_kv_heads=16,
        d_head=128,
        n_layers=24,
        n_params=1.4e8,
        has_SWA=False,
    )
    spec, audited = run_recipe("X-19", **kw), run_recipe("X-19", calibration="audited", **kw)
    g = spec.step(3)["inputs"]["gamma"]
    assert 0.65 <= g <= 0.85
    assert spec.step(3)["result"] == F.df_window(g, 2048)
    assert audited.step(3)["result"] == _brute_df(g, 2048) != spec.step(3)["result"]
    assert any(f"{spec.step(3)['result']:,}" in n for n in audited.notes)


# ── the measured path ────────────────────────────────────────────────────────


def test_llama_measured_gamma_turns_yes_into_no():
    closed = run_recipe("X-2", preset=LLAMA, T_eval=32000)
    measured = run_recipe("X-2", preset=LLAMA, T_eval=32000, gamma_obs=1.0455)
    assert closed.verdict == "YES" and measured.verdict == "NO"
    names = [s["name"] for s in measured.chain]
    assert names[-2:] == ["d_horizon (measured γ)", "Padé deviation index"]
    assert measured.chain[:6] == closed.chain[:6]  # the closed-form steps stay, for comparison
    assert measured.chain[-1]["result"] < 0 and measured.chain[-1]["breakdown"]["reading"] == "Phase B"
    assert "closed_form_identity" in closed.caveats and "closed_form_identity" not in measured.caveats
    assert "measured_gamma" in measured.caveats


def test_pdi_is_one_exactly_when_gamma_obs_is_gamma_pade():
    g = F.gamma_pade(500000, 32000)
    r = run_recipe("X-2", preset=LLAMA, T_eval=32000, gamma_obs=g)
    assert r.chain[-1]["result"] == pytest.approx(1.0, abs=1e-12)
    assert r.chain[-1]["breakdown"]["reading"] == "canonical"


@pytest.mark.parametrize("T_eval, expected", [(1000, "YES"), (3000, "DEGRADED"), (5000, "NO")])
def test_measured_verdict_rules(T_eval, expected):
    gamma_obs = 0.9
    theta = 2000 / (0.1 * math.sqrt(2) / 1.9)  # θ(1 − γ_obs)√2/(1 + γ_obs) = 2,000 tokens
    r = run_recipe(
        "X-2",
        theta=theta,
        T_eval=T_eval,
        n_attention_heads=8,
        n_kv_heads=8,
        d_head=64,
        n_layers=4,
        n_params=1e8,
        gamma_obs=gamma_obs,
    )
    assert r.chain[-2]["result"] == pytest.approx(2000)
    assert r.verdict == expected


def test_x19_uses_gamma_obs_in_place_of_the_corrected_gamma():
    r = run_recipe("X-19", preset=LLAMA, gamma_obs=0.75)
    assert r.step(3)["inputs"]["gamma"] == 0.75 and r.step(4)["inputs"]["gamma"] == 0.75
    assert r.step(3)["result"] == F.df_window(0.75, r.inputs["T_eval"])
    assert "measured_gamma" in r.caveats
    assert [s["name"] for s in r.chain][-2:] == ["d_horizon (measured γ)", "Padé deviation index"]


def test_gamma_obs_is_validated():
    with pytest.raises(InputError) as exc:
        run_recipe("X-2", preset=LLAMA, gamma_obs=-1)
    assert exc.value.field == "gamma_obs"
    with pytest.raises(InputError) as exc:
        run_recipe("X-2", preset=LLAMA, calibration="strict")
    assert exc.value.field == "calibration" and "'audited'" in str(exc.value)


# ── caveats, lengths and RoPE scaling ────────────────────────────────────────


def test_llama31_config_knows_its_native_and_extended_lengths():
    cfg = preset_from_config(CONFIGS / "Meta-Llama-3.1-8B")
    assert cfg.params["T_train"] == 8192
    assert cfg.extension == {"T_extended": 131072, "rope_factor": 8.0}
    assert preset_from_config(CONFIGS / "Meta-Llama-3-8B").extension == {}
    within = run_recipe("X-2", **cfg.recipe_params("X-2", T_eval=32000))
    beyond = run_recipe("X-2", **cfg.recipe_params("X-2", T_eval=200000))
    native = run_recipe("X-2", **cfg.recipe_params("X-2", T_eval=8000))
    assert "extended_by_rope_scaling" in within.caveats and "beyond_trained_length" not in within.caveats
    assert "beyond_trained_length" in beyond.caveats and "extended_by_rope_scaling" not in beyond.caveats
    assert not {"beyond_trained_length", "extended_by_rope_scaling"} & set(native.caveats)


def test_registered_config_keeps_its_extension(restore_catalogs):
    cfg = preset_from_config(CONFIGS / "Meta-Llama-3.1-8B")
    name = cfg.register("test-org/llama-3.1-evidence")
    assert core.get_preset_extras(name) == {"T_extended": 131072, "rope_factor": 8.0}
    r = run_recipe("X-2", preset=name, T_eval=32000)
    assert r.inputs["T_extended"] == 131072 and "extended_by_rope_scaling" in r.caveats


def test_caveats_are_ordered_and_each_sentence_is_in_the_notes():
    r = run_recipe("X-2", preset=MISTRAL, T_eval=65536, calibration="audited")
    assert r.caveats == sorted(r.caveats, key=CAVEAT_ORDER.index)
    assert r.caveats[0] == "beyond_trained_length"
    for code in r.caveats:
        assert r.caveat_text[code] in r.notes
    assert r.to_dict()["caveats"] == r.caveats


# ── confidence ───────────────────────────────────────────────────────────────


def test_confidence_scoring_and_bands():
    f = lambda *s: [{"key": str(i), "status": x, "detail": ""} for i, x in enumerate(s)]  # noqa: E731
    assert confidence_from(f("ok", "ok", "ok", "ok"))["band"] == "high"
    assert confidence_from(f("ok", "ok", "ok", "warn", "warn"))["percent"] == 80.0
    assert confidence_from(f("ok", "warn"))["band"] == "medium"  # 75
    assert confidence_from(f("ok", "miss"))["band"] == "low"  # 50
    assert confidence_from(f("ok", "ok", "miss", "warn", "ok"))["percent"] == 70.0


@pytest.mark.parametrize("rid", list(RECIPES))
def test_every_recipe_result_carries_caveats_and_confidence(rid):
    kw = {} if rid == "X-3" else {"preset": LLAMA}
    d = run_recipe(rid, **kw).to_dict()
    assert isinstance(d["caveats"], list)
    conf = d["confidence"]
    assert conf["band"] in ("high", "medium", "low") and 0 <= conf["percent"] <= 100 and conf["factors"]
    assert all(f["status"] in ("ok", "warn", "miss") for f in conf["factors"])
    json.dumps(d, allow_nan=False)


def test_measured_gamma_raises_the_x2_gamma_factor():
    closed = run_recipe("X-2", preset="EleutherAI/pythia-2.8b")
    measured = run_recipe("X-2", preset="EleutherAI/pythia-2.8b", gamma_obs=0.6742)
    status = lambda r, k: next(f["status"] for f in r.confidence["factors"] if f["key"] == k)  # noqa: E731
    assert status(closed, "gamma_measured") == "miss" and status(measured, "gamma_measured") == "ok"
    assert measured.confidence["percent"] > closed.confidence["percent"]


# ── the measured panel ───────────────────────────────────────────────────────


def test_panel_lookup():
    rows = measurements(LLAMA)
    assert [r["corpus"] for r in rows] == ["mongo", "random"]
    assert measured_gamma(LLAMA)["gamma_obs"] == 1.0455 and measured_gamma(LLAMA)["R2"] == 0.9975
    assert measurements("no/such-model") == [] and measured_gamma("no/such-model") is None
    with pytest.raises(InputError):
        measurements(42)
    assert len(panel()) == 23


def test_shipped_points_reproduce_each_published_fit():
    """Refit log(attention) = log A − γ·log(d) over the fit distances: the shipped points give
    back the published γ and R², so the points and the γ_obs are the same measurement."""
    checked = 0
    for row in panel():
        if not row["points"]:
            assert row["points_missing"]
            continue
        fit = row["fit"]
        pts = [p for p in row["points"] if p["distance"] in fit["distances_fit"]]
        xs = [math.log(p["distance"]) for p in pts]
        ys = [math.log(p["attention"]) for p in pts]
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
        assert -slope == pytest.approx(fit["gamma"], abs=1e-6), row["model"]
        assert round(fit["gamma"], 4) == row["gamma_obs"]
        checked += 1
    assert checked >= 15


def test_prediction_summary_is_computed_from_the_rows():
    rows = prediction_rows()
    s = prediction_summary(rows)
    assert s["n"] == len(rows) == sum(1 for r in panel() if r["theta"] is not None)
    assert s["within"] == sum(abs(F.gamma_pade(r["theta"], 2000) - r["gamma_obs"]) <= 0.1 for r in rows)
    specs = evidence_specs(LLAMA)
    assert [s.key for s in specs] == ["prediction", "decay"]
    assert len(specs[1].series[0].x) == 9
    assert evidence_specs("no/such-model")[1].empty_text


def test_html_report_has_the_evidence_section_where_it_applies():
    assert 'data-role="evidence"' in to_html(run_recipe("X-2", preset=LLAMA, T_eval=32000))
    assert 'data-role="evidence"' in to_html(run_recipe("X-2", preset="Qwen/Qwen2.5-1.5B", gamma_obs=0.9))
    assert 'data-role="evidence"' not in to_html(run_recipe("X-2", preset="Qwen/Qwen2.5-1.5B"))
    assert 'data-role="evidence"' not in to_html(run_recipe("X-5", preset=LLAMA))


# ── the CLI ──────────────────────────────────────────────────────────────────


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "taf_widgets.cli", *args], capture_output=True, text=True, cwd=REPO, timeout=120
    )


def test_cli_calibration_and_gamma_obs():
    base = ["run", "X-2", "--preset", LLAMA, "--T_eval", "32000"]
    spec, audited, measured = _cli(*base), _cli(*base, "--calibration", "audited"), _cli(*base, "--gamma_obs", "1.0455")
    assert "Verdict:    YES" in spec.stdout and "[closed_form_identity]" in spec.stdout
    assert "[delta_post_ih_exploratory]" in audited.stdout and "[delta_post_ih_exploratory]" not in spec.stdout
    assert "Verdict:    NO" in measured.stdout and "[measured_gamma]" in measured.stdout
    assert "Confidence: low" in spec.stdout
    bad = _cli(*base, "--calibration", "loose")
    assert bad.returncode != 0 and "calibration" in bad.stderr


# ── the core's layers ────────────────────────────────────────────────────────

LAYERS = ["errors", "jsondata", "params", "catalogs", "measurements", "formulas", "formatting", "charts", "recipes"]


def _layer_files(core_dir, name):
    """(file, depth) of a layer: a module, or every module of a package (depth 1)."""
    if (core_dir / name).is_dir():
        return [(path, 1) for path in sorted((core_dir / name).glob("*.py"))]
    return [(core_dir / f"{name}.py", 0)]


def test_core_modules_import_only_downward():
    """errors → jsondata → params → catalogs → measurements → formulas → formatting → charts →
    recipes → the rest: a module of a layer imports only modules of lower layers (lazy imports
    included); the modules of a package layer may import each other."""
    core_dir = REPO / "taf_widgets" / "core"
    for i, name in enumerate(LAYERS):
        for path, depth in _layer_files(core_dir, name):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.level == depth + 1:
                    targets = [node.module] if node.module else [a.name for a in node.names]
                    for target in targets:
                        target = target.split(".")[0]
                        assert target in LAYERS[:i], f"{path.name} ({name}) imports {target}, which is not below it"


def test_sweeps_take_the_new_params_and_carry_band_and_caveats():
    rows = core.sweep("X-2", "T_eval", [8192, 32000], preset=LLAMA, gamma_obs=1.0455)
    assert [r["verdict"] for r in rows] == ["NO", "NO"]
    assert rows[0]["caveats"] == "measured_gamma"
    assert rows[1]["caveats"] == "beyond_trained_length,measured_gamma"
    assert rows[1]["confidence"] == run_recipe("X-2", preset=LLAMA, T_eval=32000, gamma_obs=1.0455).confidence["band"]
    audited = core.sweep("X-19", "T_eval", [2048], preset="EleutherAI/pythia-1b", calibration="audited")
    assert "delta_post_ih_exploratory" in audited[0]["caveats"]


def test_bundled_rope_scaling_rows_match_their_quoted_sources():
    sources = json.loads((REPO / "tests" / "fixtures" / "rope_scaling_sources.json").read_text(encoding="utf-8"))[
        "rows"
    ]
    bundled = json.loads((REPO / "taf_widgets" / "core" / "data" / "presets.json").read_text(encoding="utf-8"))
    rows = bundled["rope_scaling"]["rows"]
    assert set(rows) == set(sources)
    for name, row in rows.items():
        src = sources[name]
        assert row["T_extended"] == src["max_position_embeddings"] and row["rope_factor"] == src["factor"]
        assert row["original_max_position_embeddings"] == src["original_max_position_embeddings"]
        assert core.get_preset_extras(name) == {"T_extended": row["T_extended"], "rope_factor": row["rope_factor"]}
