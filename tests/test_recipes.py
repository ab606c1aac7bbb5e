"""Recipe results: their shape, their JSON, their notes, and agreement with the spec's facts."""

from __future__ import annotations

import json
import math

import pytest

import taf_widgets.core as core
from taf_widgets.core import RECIPES, RecipeResult, list_recipes, run_recipe

LLAMA = "meta-llama/Meta-Llama-3-8B"
STEP_KEYS = {"step", "section", "name", "formula", "inputs", "result", "interpretation"}


ARCH = dict(
    theta=500_000.0,
    T_train=8192,
    n_attention_heads=32,
    n_kv_heads=8,
    d_head=128,
    n_layers=32,
    n_params=8e9,
    has_SWA=False,
)

# Inputs that reach every verdict of every recipe.
CASES = {
    "X-1": [
        dict(N_params=8e9),
        dict(N_params=1e8, monthly_tokens_M=1e5),
        dict(N_params=7e10, gpu="RTX 5060Ti"),
        dict(N_params=8e9, D_tokens=1e12, api_model="Claude-Opus-4"),
        dict(N_params=1e9, gpu="L40S", n_gpus=64, mfu=0.3),
    ],
    "X-2": [
        dict(ARCH, T_eval=32_000),
        dict(ARCH, T_eval=1_000_000),
        dict(ARCH, theta=1e4, T_eval=131072),
        dict(ARCH, n_kv_heads=32, n_params=1e8, T_eval=4096),
        dict(ARCH, has_SWA=True, T_eval=8192),
        dict(ARCH, bytes_per_element=0.5, T_eval=100_000),
    ],
    "X-3": [
        dict(),
        dict(USD_budget=1.0),
        dict(USD_budget=1e9, gpu="B200", n_gpus=64),
        dict(USD_budget=100.0, gpu="RTX 4090", mfu=0.3),
    ],
    "X-5": [
        dict(N_params=8e9),
        dict(N_params=4e11),
        dict(N_params=7e10, T_eval=131072, concurrent_users=8),
        dict(N_params=1e9, bytes_per_weight=0.5),
        dict(N_params=8e9, target_tokens_per_day=5e-324),
    ],
    "X-19": [
        dict(ARCH, T_eval=8192),
        dict(ARCH, T_eval=1024, T_train=32768),
        dict(ARCH, T_eval=1_000_000),
        dict(ARCH, theta=1e4, T_eval=131072),
        dict(ARCH, theta=1e7, T_eval=4096, T_train=1024),
        dict(ARCH, n_kv_heads=32, n_params=1e8, T_eval=2048, T_train=2048),
    ],
}
ALL_CASES = [(rid, params) for rid, cases in CASES.items() for params in cases]
CASE_IDS = [f"{rid}-{i}" for rid, cases in CASES.items() for i in range(len(cases))]


def declared(rid: str) -> list[str]:
    return [p.name for p in RECIPES[rid].params]


def contains(notes: list[str], *words: str) -> bool:
    return any(all(w.lower() in note.lower() for w in words) for note in notes)


# ── the result's shape ───────────────────────────────────────────────────────


@pytest.mark.parametrize("rid,params", ALL_CASES, ids=CASE_IDS)
def test_result_shape(rid, params, spec_facts):
    result = run_recipe(rid, **params)
    assert isinstance(result, RecipeResult)
    assert result.recipe_id == rid
    assert result.recipe_name == RECIPES[rid].name == spec_facts["recipes"][rid]["name"]
    assert list(result.inputs) == declared(rid)
    assert isinstance(result.verdict, str) and result.verdict
    assert isinstance(result.reason, str) and result.reason.strip()
    assert isinstance(result.mitigation, str) and result.mitigation.strip()
    assert isinstance(result.notes, list) and all(isinstance(n, str) and n.strip() for n in result.notes)
    assert result.tone in ("go", "caution", "no")
    for n, step in enumerate(result.chain, start=1):
        assert STEP_KEYS <= set(step)
        assert step["step"] == n
        assert isinstance(step["interpretation"], str) and step["interpretation"]
    # dict-style access, as scripts written against the spec's dicts expect
    assert result["verdict"] == result.verdict
    assert result["chain"] is result.chain


@pytest.mark.parametrize("rid,params", ALL_CASES, ids=CASE_IDS)
def test_to_dict_is_strict_json(rid, params):
    result = run_recipe(rid, **params)
    data = result.to_dict()
    text = json.dumps(data, allow_nan=False)
    assert json.loads(text) == data
    assert set(data) >= {"recipe_id", "recipe_name", "inputs", "chain", "verdict", "reason", "mitigation", "notes"}
    assert data["verdict"] == result.verdict
    assert list(data["inputs"]) == declared(rid)
    assert json.loads(result.to_json()) == data


def test_to_dict_writes_infinity_as_text():
    result = run_recipe("X-5", N_params=8e9, target_tokens_per_day=5e-324)
    best = result.step(4)["result"][0]
    assert best["users_supported"] == math.inf
    assert result.to_dict()["chain"][3]["result"][0]["users_supported"] == "inf"


def test_to_dict_is_a_copy():
    result = run_recipe("X-3")
    data = result.to_dict()
    data["chain"][0]["result"] = -1
    data["inputs"]["USD_budget"] = -1
    assert result.step(1)["result"] != -1
    assert result.inputs["USD_budget"] == 5000.0


# ── inputs echo what the user chose, and nothing else ────────────────────────


def test_x1_echoes_d_tokens_none_when_not_given():
    result = run_recipe("X-1", N_params=8e9)
    assert result.inputs["D_tokens"] is None
    assert result.step(1)["result"] == 1.6e11  # the derived D is in the chain, not in inputs
    assert result.to_dict()["inputs"]["D_tokens"] is None


@pytest.mark.parametrize("given", [1e12, "1e12", 1_000_000_000_000])
def test_x1_echoes_the_users_d_tokens(given):
    result = run_recipe("X-1", N_params=8e9, D_tokens=given)
    assert result.inputs["D_tokens"] == 1e12
    assert result.step(1)["result"] == 1e12


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_x1_blank_d_tokens_means_chinchilla(blank):
    result = run_recipe("X-1", N_params=8e9, D_tokens=blank)
    assert result.inputs["D_tokens"] is None
    assert result.step(1)["result"] == 1.6e11


@pytest.mark.parametrize(
    "rid,leak", [("X-1", "flops"), ("X-19", "dh_str"), ("X-2", "has_GQA"), ("X-3", "hours"), ("X-5", "w_mem")]
)
def test_inputs_do_not_leak_internals(rid, leak):
    result = run_recipe(rid, **CASES[rid][0])
    assert leak not in result.inputs
    assert set(result.inputs) == set(declared(rid))


def test_inputs_show_the_values_used_after_coercion_and_defaults():
    result = run_recipe("X-5", N_params="8e9", T_eval="4096")
    assert result.inputs == {
        "N_params": 8e9,
        "T_eval": 4096,
        "n_layers": 32,
        "n_kv_heads": 8,
        "d_head": 128,
        "bytes_per_weight": 2.0,
        "target_tokens_per_day": 1e7,
        "concurrent_users": 1,
        "weight_precision": "BF16",
        "kv_precision": "auto",
        "batch": 1,
        "tp": 1,
        "n_active_params": None,
        "kv_latent_dim": None,
        "gpu_memory_utilization": 1.0,
        "overhead_GB": 0.0,
        "bw_efficiency": 1.0,
        "compute_efficiency": 1.0,
    }
    assert type(result.inputs["T_eval"]) is int


def test_preset_is_echoed_beside_the_inputs():
    result = run_recipe("X-2", preset=LLAMA)
    assert result.preset == LLAMA
    assert result.to_dict()["preset"] == LLAMA
    assert run_recipe("X-3").preset is None


# ── notes ────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("params", CASES["X-2"])
def test_x2_always_explains_the_context_length_independence(params):
    notes = run_recipe("X-2", **params).notes
    assert contains(notes, "d_horizon", "T_train")


def test_x2_note_on_rounding_when_corrections_cancel():
    notes = run_recipe("X-2", **dict(ARCH, n_kv_heads=32, n_params=1e8, T_eval=4096)).notes
    assert contains(notes, "rounding")


def test_x2_note_on_empirical_corrections_when_they_decide():
    notes = run_recipe("X-2", **dict(ARCH, T_eval=32_000)).notes
    assert contains(notes, "empirical")


def test_x2_note_on_zero_hallucination_inside_the_horizon():
    inside = run_recipe("X-2", **dict(ARCH, T_eval=32_000))
    assert inside.verdict == "YES" and inside.step(5)["result"] == 0
    assert contains(inside.notes, "P_hallucinate")
    beyond = run_recipe("X-2", **dict(ARCH, n_params=1e8, T_eval=131072))
    assert beyond.verdict == "DEGRADED" and beyond.step(5)["result"] > 0
    assert not contains(beyond.notes, "P_hallucinate is 0")


def test_x3_note_when_several_gpus():
    assert contains(run_recipe("X-3", n_gpus=4).notes, "n_gpus")
    assert not contains(run_recipe("X-3", n_gpus=1).notes, "n_gpus")


@pytest.mark.parametrize("T_eval,T_train", [(1024, 32768), (4096, 32768), (16384, 65536)])
def test_x19_note_when_borderline(T_eval, T_train):
    result = run_recipe("X-19", preset=LLAMA, T_eval=T_eval, T_train=T_train)
    assert result.step(4)["result"] == "borderline"
    assert contains(result.notes, "borderline")


def test_x19_no_borderline_note_otherwise():
    result = run_recipe("X-19", preset=LLAMA)
    assert result.step(4)["result"] != "borderline"
    assert not contains(result.notes, "borderline")


def test_x19_notes_the_bf16_baseline():
    assert contains(run_recipe("X-19", preset=LLAMA).notes, "BF16")


def test_x1_note_when_d_tokens_given():
    assert contains(run_recipe("X-1", N_params=8e9, D_tokens=1e12).notes, "D_tokens")
    assert not contains(run_recipe("X-1", N_params=8e9).notes, "D_tokens")


def test_x1_note_on_the_monthly_test():
    assert contains(run_recipe("X-1", N_params=8e9).notes, "month")


def test_x1_note_when_memory_is_not_checked():
    assert contains(run_recipe("X-1", N_params=7e10, n_gpus=1).notes, "memory")


def test_x5_note_on_concurrent_users():
    assert contains(run_recipe("X-5", N_params=8e9, concurrent_users=4).notes, "concurrent_users")
    assert not contains(run_recipe("X-5", N_params=8e9, concurrent_users=1).notes, "concurrent_users")


def test_x5_note_on_batch_one_decode():
    assert contains(run_recipe("X-5", N_params=8e9).notes, "batch")


def test_x5_note_when_a_free_card_wins():
    result = run_recipe("X-5", N_params=1e9)
    assert result.step(4)["result"][0]["gpu"] == "RTX 5060Ti"
    assert contains(result.notes, "RTX 5060Ti")


# ── list_recipes and presets agree with the spec ─────────────────────────────


def test_list_recipes_params_match_declared_params(spec_facts):
    rows = list_recipes()
    assert [r["id"] for r in rows] == ["X-1", "X-2", "X-3", "X-5", "X-19", "FIT"]
    assert [r["origin"] for r in rows] == ["TAF"] * 5 + ["taf-widgets"]
    for row in rows[:5]:
        rid = row["id"]
        assert row["params"] == declared(rid)
        assert row["params"] == list(run_recipe(rid, **CASES[rid][0]).inputs)
        theirs = spec_facts["recipes"][rid]
        assert set(theirs["params"]) <= set(row["params"])
        assert row["name"] == theirs["name"]
        assert row["description"] == theirs["description"]
        assert row["category"] == theirs["category"]
        assert row["uses_sections"] == theirs["uses_sections"]
    json.dumps(rows, allow_nan=False)


def test_list_recipes_x2_includes_bytes_per_element():
    x2 = next(r for r in list_recipes() if r["id"] == "X-2")
    assert "bytes_per_element" in x2["params"]


def test_recipe_describe_is_json_and_matches():
    for rid, recipe in RECIPES.items():
        described = recipe.describe()
        json.dumps(described, allow_nan=False)
        assert [p["name"] for p in described["params"]] == declared(rid)
        assert described["takes_preset"] == (rid != "X-3")


def test_list_presets_agrees_with_the_spec(spec_facts):
    assert core.list_presets() == spec_facts["list_presets"]


# ── the spec's own smoke test, through our run_recipe ────────────────────────

SMOKE = [
    (
        "X-2",
        dict(
            theta=500_000,
            T_train=8192,
            T_eval=32_000,
            n_attention_heads=32,
            n_kv_heads=8,
            d_head=128,
            n_layers=32,
            n_params=8e9,
            has_SWA=False,
        ),
    ),
    ("X-1", dict(N_params=8e9, monthly_tokens_M=10.0, api_model="GPT-4o")),
    ("X-3", dict(USD_budget=5000.0, gpu="H100 SXM", n_gpus=1)),
    (
        "X-5",
        dict(
            N_params=8e9,
            T_eval=4096,
            n_layers=32,
            n_kv_heads=8,
            d_head=128,
            target_tokens_per_day=10e6,
            concurrent_users=1,
        ),
    ),
    (
        "X-19",
        dict(
            theta=500_000,
            T_train=8192,
            T_eval=8192,
            n_attention_heads=32,
            n_kv_heads=8,
            d_head=128,
            n_layers=32,
            n_params=8e9,
        ),
    ),
]


def test_spec_smoke_verdicts():
    assert [run_recipe(rid, **params).verdict for rid, params in SMOKE] == [
        "YES",
        "NO (API)",
        "MEMORY-LIMITED",
        "YES",
        "USE SOFT DECAY (caveat)",
    ]
