"""Serving as engines run it: KV bytes per token, KV capacity, the decode roofline, the
serving parameters of X-5 and X-1 (whose defaults stay the spec's), this project's own
FIT recipe, the optional catalog of extra GPUs, and config.json families with experts
and latent attention. Real measurements live in tests/fixtures/serving_measurements.json."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from taf_widgets.core import (
    ALL_RECIPES,
    RECIPES,
    InputError,
    catalogs,
    get_gpu,
    gpu_names,
    kv_bytes_per_token,
    kv_tokens_that_fit,
    load_catalog,
    preset_from_config,
    row_source,
    run_recipe,
    sweep,
    to_html,
)
from taf_widgets.core.summary import key_numbers

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = ROOT / "tests" / "fixtures" / "configs"
LLAMA = "meta-llama/Meta-Llama-3-8B"
GiB = 2**30

pytestmark = pytest.mark.usefixtures("restore_catalogs")


def _reality():
    spec = importlib.util.spec_from_file_location("serving_reality", ROOT / "benchmarks" / "serving_reality.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REALITY = _reality()
CASES = REALITY.cases()


# ── KV bytes per token, exactly ──────────────────────────────────────────────


def test_kv_bytes_per_token_of_llama3_8b_is_128_KiB():
    assert kv_bytes_per_token(32, 8, 128, 2.0)["per_gpu"] == 2 * 32 * 8 * 128 * 2 == 131072


def test_fp8_kv_cache_halves_the_bytes_per_token():
    assert kv_bytes_per_token(32, 8, 128, 1.0)["per_gpu"] == 65536


def test_tensor_parallel_splits_the_kv_heads_over_the_gpus():
    two = kv_bytes_per_token(32, 8, 128, 2.0, tp=2)
    assert two["per_gpu"] == 65536 and two["replica"] == 131072 and two["heads_per_gpu"] == 4


def test_more_gpus_than_kv_heads_replicates_one_head_per_gpu():
    sixteen = kv_bytes_per_token(32, 8, 128, 2.0, tp=16)
    assert sixteen["heads_per_gpu"] == 1 and sixteen["per_gpu"] == 2 * 32 * 128 * 2 and sixteen["divides"]
    assert not kv_bytes_per_token(32, 8, 128, 2.0, tp=3)["divides"]


def test_latent_attention_caches_one_vector_per_layer_not_keys_and_values_per_head():
    # DeepSeek-V2-Lite: 27 layers, kv_lora_rank 512 + qk_rope_head_dim 64.
    mla = kv_bytes_per_token(27, 16, 192, 2.0, kv_latent_dim=576)
    assert mla["per_gpu"] == 27 * 576 * 2 == 31104
    assert mla["per_gpu"] < kv_bytes_per_token(27, 16, 192, 2.0)["per_gpu"] / 10


def test_kv_tokens_that_fit_divides_each_gpus_memory_by_its_share_per_token():
    assert kv_tokens_that_fit(131072 * 1000, 32, 8, 128) == 1000
    assert kv_tokens_that_fit(131072 * 1000 - 1, 32, 8, 128) == 999
    assert kv_tokens_that_fit(65536 * 1000, 32, 8, 128, bytes_per_element=2.0, tp=2) == 1000
    assert kv_tokens_that_fit(131072 * 1000, 32, 8, 128, bytes_per_element=1.0) == 2000


# ── against real servers (fixtures with source URL and quoted line) ─────────


def test_every_measurement_has_a_source_url_and_a_quoted_line():
    data = json.loads((ROOT / "tests" / "fixtures" / "serving_measurements.json").read_text())
    kinds = [k for k in data if k not in ("about", "models")]
    assert {"kv_capacity", "capacity_from_gpu", "throughput"} <= set(kinds)
    for kind in kinds:
        for case in data[kind]:
            assert case["url"].startswith("https://") and len(case["quote"]) > 20, case["id"]
    assert len({c["id"] for k in kinds for c in data[k]}) == sum(len(data[k]) for k in kinds)


@pytest.mark.parametrize("case", [c for c in CASES if c["kind"] != "throughput"], ids=lambda c: c["id"])
def test_memory_prediction_is_within_its_stated_tolerance(case):
    assert abs(case["ratio"] - 1) <= REALITY.TOLERANCE[case["kind"]], case


def test_kv_capacity_from_the_engines_own_kv_memory_is_within_2_percent_for_every_log():
    capacity = [c for c in CASES if c["kind"] == "kv_capacity"]
    assert len(capacity) >= 5
    assert {"FP8"} <= {c["what"].split(", ")[2].split(" ")[0] for c in capacity}
    assert any("tp 4" in c["what"] for c in capacity) and any("SGLang" in c["what"] for c in capacity)
    assert all(abs(c["ratio"] - 1) <= 0.02 for c in capacity)


@pytest.mark.parametrize("case", [c for c in CASES if c["kind"] == "throughput"], ids=lambda c: c["id"])
def test_the_roofline_at_full_bandwidth_is_a_ceiling_real_engines_stay_under(case):
    assert 1.0 <= case["ratio"] <= 2.5, case


def test_measured_batch1_decode_sits_in_the_documented_bandwidth_efficiency_range():
    batch1 = [c for c in CASES if c["kind"] == "throughput" and " batch 1:" in c["what"]]
    assert batch1 and all(0.6 <= 1 / c["ratio"] <= 0.9 for c in batch1)


def test_serving_reality_prints_every_case_with_its_ratio():
    out = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "serving_reality.py")],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    for case in CASES:
        assert case["id"] in out
    assert sum(1 for line in out.splitlines() if " ratio " in line and "predicted" in line) == len(CASES)


# ── X-5: the spec at the defaults, a roofline with the serving parameters ────


def test_x5_defaults_are_the_specs_batch1_answer():
    r = run_recipe("X-5", preset=LLAMA)
    best = r.step(4)["result"][0]
    assert best["gpu"] == "RTX 5090" and best["tok_per_sec"] == 1792 / 16.0
    assert round(best["USD_per_Mtok"], 2) == 1.74 and "bound" not in best
    explicit = run_recipe(
        "X-5",
        preset=LLAMA,
        weight_precision="BF16",
        kv_precision="auto",
        batch=1,
        tp=1,
        gpu_memory_utilization=1.0,
        overhead_GB=0.0,
        bw_efficiency=1.0,
        compute_efficiency=1.0,
    )
    assert explicit.chain == r.chain and explicit.verdict == r.verdict


def test_x5_batch_64_with_fp8_weights_costs_a_fraction_of_batch_1():
    one = run_recipe("X-5", preset=LLAMA)
    many = run_recipe("X-5", preset=LLAMA, batch=64, weight_precision="FP8", kv_precision="FP8")
    b1, b64 = one.step(4)["result"][0], many.step(4)["result"][0]
    assert b64["USD_per_Mtok"] < b1["USD_per_Mtok"] / 10
    assert b64["tok_per_sec"] > 10 * b1["tok_per_sec"]
    assert any("64 sequences decoded together" in n for n in many.notes)


def test_x5_roofline_turns_compute_bound_as_the_batch_grows():
    rows = [
        run_recipe("X-5", preset=LLAMA, T_eval=512, batch=b, weight_precision="FP8", kv_precision="FP8").step(4)[
            "result"
        ]
        for b in (1, 4096)
    ]
    assert rows[0][0]["bound"] == "memory"
    assert any(c["bound"] == "compute" for c in rows[1])


def test_x5_memory_holds_every_expert_while_decode_reads_the_active_ones():
    moe = preset_from_config(CONFIGS / "Mixtral-8x7B-v0.1", family="mixtral")
    kw = moe.recipe_params("X-5", T_eval=4096)
    dense_read = run_recipe("X-5", **{**kw, "n_active_params": None}, batch=2)
    sparse_read = run_recipe("X-5", **kw, batch=2)
    assert kw["n_active_params"] == 12_879_925_248
    assert sparse_read.step(1)["result"] == dense_read.step(1)["result"]  # all 46.7B held
    assert sparse_read.step(4)["result"][0]["tok_per_sec"] > 3 * dense_read.step(4)["result"][0]["tok_per_sec"]


def test_x5_tensor_parallel_splits_memory_and_notes_uneven_kv_heads():
    r = run_recipe("X-5", preset=LLAMA, tp=3)
    assert r.step(3)["result"]["per_gpu_GB"] == pytest.approx(16.0 / 3 + r.step(2)["result"]["GB"] / 3)
    assert any("do not divide evenly" in n for n in r.notes)


def test_x5_memory_fraction_and_overhead_can_rule_a_gpu_out():
    full = {c["gpu"] for c in run_recipe("X-5", preset=LLAMA, batch=2).step(4)["result"]}
    held = {
        c["gpu"]
        for c in run_recipe("X-5", preset=LLAMA, batch=2, gpu_memory_utilization=0.9, overhead_GB=5).step(4)["result"]
    }
    assert "RTX 5060Ti" not in held and held < full or held != full


def test_x5_refuses_weight_precision_together_with_bytes_per_weight():
    with pytest.raises(InputError) as exc:
        run_recipe("X-5", preset=LLAMA, bytes_per_weight=0.5, weight_precision="INT4")
    assert exc.value.field == "weight_precision" and "bytes_per_weight" in str(exc.value)


def test_x5_refuses_more_active_than_total_parameters():
    with pytest.raises(InputError) as exc:
        run_recipe("X-5", preset=LLAMA, n_active_params=9e9)
    assert exc.value.field == "n_active_params"


def test_precision_choices_are_named_and_checked():
    with pytest.raises(InputError) as exc:
        run_recipe("X-5", preset=LLAMA, kv_precision="INT4")
    assert "kv_precision" in str(exc.value) and "'FP8'" in str(exc.value)
    with pytest.raises(InputError):
        run_recipe("FIT", preset=LLAMA, weight_precision="FP4")


# ── X-1: payback horizon and serving at batch ────────────────────────────────


def test_x1_payback_of_one_month_is_the_specs_rule_and_a_longer_horizon_can_flip_it():
    spec = run_recipe("X-1", N_params=7e9, monthly_tokens_M=1000)
    assert spec.chain == run_recipe("X-1", N_params=7e9, monthly_tokens_M=1000, payback_months=1).chain
    months = spec.step(6)["result"]["Mtok_breakeven"] / 1000
    assert spec.verdict == "NO (API)" and months > 1
    assert (
        run_recipe("X-1", N_params=7e9, monthly_tokens_M=1000, payback_months=months * 1.01).verdict == "YES (custom)"
    )


def test_x1_batched_serving_lowers_the_self_hosted_price():
    spec = run_recipe("X-1", N_params=7e9).step(4)["result"]["USD_per_Mtok"]
    batched = run_recipe("X-1", N_params=7e9, batch=32, weight_precision="FP8").step(4)["result"]
    assert batched["USD_per_Mtok"] < spec / 20 and batched["batch"] == 32


# ── FIT · Will it fit? ───────────────────────────────────────────────────────


def test_fit_is_this_projects_recipe_not_a_taf_one():
    assert "FIT" in ALL_RECIPES and "FIT" not in RECIPES
    r = run_recipe("FIT", preset=LLAMA)
    assert any("not one of the framework's" in n for n in r.notes)


def test_fit_verdict_flips_from_fits_to_kv_bound_with_the_context_length():
    assert run_recipe("FIT", preset=LLAMA, gpu="RTX 4090", T_eval=8192).verdict == "FITS"
    assert run_recipe("FIT", preset=LLAMA, gpu="RTX 4090", T_eval=131072).verdict == "KV-BOUND"


def test_fit_longest_context_is_exactly_the_boundary():
    r = run_recipe("FIT", preset=LLAMA, gpu="RTX 4090", T_eval=131072)
    longest = r.step(6)["result"]["max_context_tokens"]
    assert run_recipe("FIT", preset=LLAMA, gpu="RTX 4090", T_eval=longest).verdict in ("FITS", "TIGHT")
    assert run_recipe("FIT", preset=LLAMA, gpu="RTX 4090", T_eval=longest + 1).verdict == "KV-BOUND"


@pytest.mark.parametrize("T_eval", [40_000, 131_072])
def test_fit_kv_bound_mitigations_each_make_the_request_fit(T_eval):
    """Every way out a KV-BOUND answer offers is enough on its own: following it gives FITS or TIGHT."""
    base = dict(preset=LLAMA, gpu="RTX 4090", T_eval=T_eval)
    r = run_recipe("FIT", **base)
    assert r.verdict == "KV-BOUND"
    offered = {
        "store the KV cache in FP8": dict(kv_precision="FP8"),
        "store the weights in FP8 and the KV cache in FP8": dict(weight_precision="FP8", kv_precision="FP8"),
        "store the weights in FP8": dict(weight_precision="FP8"),
    }
    text = r.mitigation.lower()
    checked = 0
    for phrase, change in offered.items():
        if phrase.lower() in text:
            text = text.replace(phrase.lower(), "")
            checked += 1
            assert run_recipe("FIT", **{**base, **change}).verdict in ("FITS", "TIGHT"), phrase
    assert checked >= 1
    if T_eval == 131_072:  # FP8 KV alone leaves 54,931 tokens of room: not offered alone
        assert "store the weights in fp8 and the kv cache in fp8" in r.mitigation.lower()
        assert r.mitigation.lower().count("kv cache in fp8") == 1


def test_fit_weights_bound_tight_and_the_precision_that_fits():
    big = run_recipe("FIT", N_params=70e9, n_layers=80, n_kv_heads=8, d_head=128, gpu="RTX 4090")
    assert big.verdict == "WEIGHTS-BOUND" and big.step(7)["result"] is None
    fp8_kv = run_recipe("FIT", preset=LLAMA, gpu="RTX 4090", T_eval=131072, kv_precision="FP8")
    assert fp8_kv.verdict == "KV-BOUND" and fp8_kv.step(7)["result"] == "FP8"
    assert run_recipe("FIT", preset=LLAMA, gpu="RTX 4090", T_eval=131072).step(7)["result"] is None
    tight = run_recipe("FIT", preset=LLAMA, gpu="RTX 4090", T_eval=27000)
    assert tight.verdict == "TIGHT"


def test_fit_key_numbers_carry_the_names_scripts_rely_on():
    r = run_recipe("FIT", preset=LLAMA, T_eval=32768, kv_precision="FP8")
    keys = {e["key"]: e["value"] for e in key_numbers(r)}
    assert set(keys) == {
        "weights_GB",
        "kv_GB",
        "overhead_GB",
        "total_GB",
        "usable_GB",
        "kv_bytes_per_token",
        "kv_capacity_tokens",
        "max_context_tokens",
        "max_concurrent",
        "precision_that_fits",
    }
    assert keys["kv_bytes_per_token"] == 65536 and keys["usable_GB"] == pytest.approx(24 * 0.9)
    assert keys["total_GB"] == pytest.approx(keys["weights_GB"] + keys["kv_GB"] + keys["overhead_GB"])


def test_fit_vram_instead_of_a_catalog_gpu_and_tp_per_gpu():
    own = run_recipe("FIT", preset=LLAMA, vram_GB=48, T_eval=131072)
    assert own.step(5)["result"]["usable_GB"] == pytest.approx(43.2) and own.verdict == "FITS"
    split = run_recipe("FIT", preset=LLAMA, T_eval=131072, tp=2)
    assert split.step(1)["result"]["GB"] == pytest.approx(8.0) and split.step(2)["result"] == 65536


def test_fit_reads_the_latent_kv_of_a_deepseek_config():
    cfg = preset_from_config(CONFIGS / "DeepSeek-V2-Lite")
    r = run_recipe("FIT", **cfg.recipe_params("FIT", T_eval=32768), gpu="A100 80GB")
    assert r.step(2)["result"] == 27 * 576 * 2
    assert r.step(3)["result"]["GB"] == pytest.approx(27 * 576 * 2 * 32768 / 1e9)


def test_fit_sweeps_export_and_runs_from_the_cli():
    rows = sweep("FIT", "T_eval", [8192, 131072], preset=LLAMA)
    assert rows.column("verdict") == ["FITS", "KV-BOUND"] and rows.column("precision_that_fits")[0] == "BF16"
    html = to_html(run_recipe("FIT", preset=LLAMA, T_eval=65536))
    assert 'data-chart="memory"' in html and 'data-chart="context"' in html and "KV-BOUND" in html
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "taf_widgets.cli",
            "run",
            "FIT",
            "--preset",
            LLAMA,
            "--gpu",
            "RTX 4090",
            "--T_eval",
            "131072",
            "--kv_precision",
            "FP8",
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    data = json.loads(out)
    assert data["verdict"] == "KV-BOUND" and data["chain"][6]["result"] == "FP8"


# ── the optional catalog of extra GPUs ───────────────────────────────────────


def test_extra_gpus_load_with_one_call_each_with_its_source():
    assert "RTX 3090" not in gpu_names()
    added = load_catalog("extra-gpus")["added"]["gpus"]
    assert {"RTX 3090", "RTX 3060 12GB", "L4", "A10G", "T4"} <= set(added)
    for name in added:
        assert row_source("gpus", name).startswith("https://")
    assert get_gpu("RTX 3090")["bw_GB_s"] == 936


def test_the_default_catalog_stays_the_specs():
    assert "L4" not in gpu_names() and row_source("gpus", "H100 SXM") is None


def test_a_source_must_be_text():
    with pytest.raises(InputError) as exc:
        catalogs.register_gpu("X", flops=1, vram_GB=1, bw_GB_s=1, usd_h=0, source=5)
    assert exc.value.field == "source"


# ── config.json families with experts and latent attention ───────────────────

# Totals and active parameters as the model cards publish them (rounded there).
PUBLISHED = {
    "Qwen3-8B": (8.2e9, None),
    "Qwen3-30B-A3B": (30.5e9, 3.3e9),
    "Qwen3-235B-A22B": (235e9, 22e9),
    "Mixtral-8x7B-v0.1": (46.7e9, 12.9e9),
    "Qwen1.5-MoE-A2.7B": (14.3e9, 2.7e9),
    "DeepSeek-V2-Lite": (15.7e9, 2.4e9),
    "DeepSeek-R1": (671e9, 37e9),
}
EXACT = {
    "Qwen3-8B": (8_190_735_360, None),
    "Qwen3-30B-A3B": (30_532_122_624, 3_353_032_704),
    "Qwen3-235B-A22B": (235_093_634_560, 22_190_763_520),
    "Mixtral-8x7B-v0.1": (46_702_792_704, 12_879_925_248),
    "Qwen1.5-MoE-A2.7B": (14_315_784_192, 2_689_173_504),
    "DeepSeek-V2-Lite": (15_706_484_224, 2_661_150_208),
    "DeepSeek-R1": (671_026_419_200, 37_552_297_472),
}


def _derive(model):
    return preset_from_config(CONFIGS / model, family="mixtral" if model.startswith("Mixtral") else None)


@pytest.mark.parametrize("model", list(EXACT))
def test_total_and_active_parameters_are_exact_and_match_the_published_figures(model):
    derived = _derive(model)
    total, active = EXACT[model]
    assert derived.params["n_params"] == total == derived.n_params_breakdown["total"]
    assert derived.serving.get("n_active_params") == active
    published_total, published_active = PUBLISHED[model]
    assert round(total / 1e9, 1) == pytest.approx(published_total / 1e9, abs=0.05 * published_total / 1e9)
    if active is not None:
        # DeepSeek counts activated parameters without the input embedding table (a lookup).
        embed = derived.n_params_breakdown["embeddings"] / 2 if model.startswith("DeepSeek") else 0
        assert (active - embed) / 1e9 == pytest.approx(published_active / 1e9, rel=0.05)


def test_deepseek_latent_attention_gives_the_compressed_kv_width():
    for model in ("DeepSeek-V2-Lite", "DeepSeek-R1"):
        derived = _derive(model)
        assert derived.serving["kv_latent_dim"] == 512 + 64 and derived.params["d_head"] == 128 + 64
        assert any("latent attention" in n for n in derived.notes)


def test_a_moe_config_registers_as_a_preset_that_x5_and_fit_read():
    name = _derive("Qwen3-30B-A3B").register("test/qwen3-moe")
    x5 = run_recipe("X-5", preset=name, T_eval=4096, batch=8)
    assert x5.inputs["n_active_params"] == 3_353_032_704
    assert run_recipe("FIT", preset=name, T_eval=4096).inputs["N_params"] == 30_532_122_624


# ── FIT in the widget ────────────────────────────────────────────────────────


def test_fit_widget_reruns_and_redraws_the_stacked_memory_bar():
    from taf_widgets import RecipeWidget

    w = RecipeWidget("FIT", preset=LLAMA, gpu="RTX 4090", T_eval=8192)
    try:
        assert w.result["verdict"] == "FITS"
        stack = next(m for m in w.charts[0].marks if getattr(m, "type", None) == "stacked")
        kv_before = float(stack.y[1][0])
        w.set(T_eval=131072)
        assert w.result["verdict"] == "KV-BOUND" and not w.stale
        assert float(stack.y[1][0]) == pytest.approx(17.179869184) and float(stack.y[1][0]) > kv_before
        import bqplot as bq

        bars = next(m for m in w.charts[1].marks if isinstance(m, bq.Bars))
        assert list(bars.x) == ["BF16", "FP8", "INT8", "INT4"]
        assert "KV-BOUND" in w.export("html") and "'FIT'" in w.export("code")
        w.set(kv_precision="INT4")
        assert w.stale and "kv_precision" in w.errors and w.result["verdict"] == "KV-BOUND"
    finally:
        w.close()


def test_x5_cost_chart_ranks_by_the_same_roofline_as_the_chain():
    from taf_widgets.core.report_charts import chart_specs

    r = run_recipe("X-5", preset=LLAMA, batch=64, weight_precision="FP8", kv_precision="FP8")
    bars = chart_specs(r)[0].series[0]
    drawn = dict(zip(bars.x, bars.y))
    for row in r.step(4)["result"]:
        assert drawn[row["gpu"]] == row["USD_per_Mtok"]
    needed = chart_specs(r)[1].series[1].y[0]
    assert needed == pytest.approx(r.step(3)["result"]["per_gpu_GB"])  # memory fraction 1


def test_x5_sweep_counts_the_gpus_the_serving_request_fits_per_gpu():
    rows = sweep("X-5", "batch", [1, 256], preset=LLAMA, weight_precision="FP8", kv_precision="FP8")
    for row, batch in zip(rows, (1, 256)):
        r = run_recipe("X-5", preset=LLAMA, batch=batch, weight_precision="FP8", kv_precision="FP8")
        assert row["GPUs_that_fit"] == int(r.step(4)["interpretation"].split(" ")[0])
    assert rows[1]["GPUs_that_fit"] < rows[0]["GPUs_that_fit"]
