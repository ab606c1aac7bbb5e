"""The GPU catalog, API prices and model presets: lookups, registering rows, names as data."""

from __future__ import annotations

import json
import math

import pytest

import taf_widgets.core as core
import taf_widgets.core.catalogs as catalogs
from taf_widgets.core import InputError, run_recipe

HOSTILE_NAME = "<img src=x onerror=alert(1)>"
ODD_NAMES = [
    HOSTILE_NAME,
    "'; DROP TABLE gpus; --",
    'GPU "quoted" & <b>bold</b>',
    "ünï 🚀 GPU",
    "{gpu}",
    "%s %d",
    "a/b\\c",
    "  padded  ",
    "nan",
    "inf",
]


pytestmark = pytest.mark.usefixtures("restore_catalogs")  # tests here register catalog rows


GOOD_GPU = dict(flops=500.0, vram_GB=1000.0, bw_GB_s=20_000.0, usd_h=0.0001, tdp=300.0)


# ── lookups ──────────────────────────────────────────────────────────────────


def test_bundled_gpus_equal_the_spec_catalog(spec_facts):
    assert core.gpu_names() == list(spec_facts["gpu_catalog"])
    for name, row in spec_facts["gpu_catalog"].items():
        assert core.get_gpu(name) == row


def test_bundled_api_prices_equal_the_spec(spec_facts):
    assert core.api_model_names() == list(spec_facts["api_pricing"])
    for name, row in spec_facts["api_pricing"].items():
        assert core.get_api_price(name) == row


def test_bundled_presets_equal_the_spec(spec_facts):
    assert core.preset_names() == list(spec_facts["presets"])
    for name, row in spec_facts["presets"].items():
        assert core.get_preset(name) == row


def test_get_preset_returns_a_copy():
    row = core.get_preset("meta-llama/Meta-Llama-3-8B")
    row["theta"] = -1
    assert core.get_preset("meta-llama/Meta-Llama-3-8B")["theta"] == 500000


def test_list_presets_rows():
    rows = core.list_presets()
    assert [r["id"] for r in rows] == core.preset_names()
    for r in rows:
        assert set(r) == {"id", "label", "theta", "T_train"}
        assert r["label"] == r["id"].split("/")[-1]
        assert r["theta"] == core.get_preset(r["id"])["theta"]
        assert r["T_train"] == core.get_preset(r["id"])["T_train"]


@pytest.mark.parametrize(
    "lookup,field,names",
    [
        (core.get_gpu, "gpu", core.gpu_names),
        (core.get_api_price, "api_model", core.api_model_names),
        (core.get_preset, "preset", core.preset_names),
    ],
)
@pytest.mark.parametrize("bad", ["nope", "", " ", "h100 sxm", None, 3, ["H100 SXM"], HOSTILE_NAME])
def test_unknown_name_rejected_listing_valid_names(lookup, field, names, bad):
    with pytest.raises(InputError) as info:
        lookup(bad)
    err = info.value
    assert isinstance(err, ValueError)
    assert err.field == field
    assert field in str(err)
    for name in names():
        assert repr(name) in str(err)


# ── register_gpu ─────────────────────────────────────────────────────────────


@pytest.mark.parametrize("field", ["flops", "vram_GB", "bw_GB_s", "usd_h", "tdp"])
@pytest.mark.parametrize(
    "bad",
    [
        -1,
        -0.5,
        math.nan,
        math.inf,
        -math.inf,
        "abc",
        "",
        True,
        False,
        None,
        complex(1, 1),
        [],
        10**400,
        -(10**400),
        "nan",
        "1e400",
    ],
    ids=lambda v: repr(v)[:24],
)
def test_register_gpu_rejects_bad_numbers(field, bad):
    before = core.gpu_names()
    with pytest.raises(InputError) as info:
        core.register_gpu("Test GPU", **dict(GOOD_GPU, **{field: bad}))
    assert info.value.field == field
    assert field in str(info.value)
    assert core.gpu_names() == before
    assert "Test GPU" not in core.gpu_names()


@pytest.mark.parametrize("field", ["flops", "vram_GB", "bw_GB_s"])
def test_register_gpu_rejects_zero_capacity(field):
    with pytest.raises(InputError) as info:
        core.register_gpu("Test GPU", **dict(GOOD_GPU, **{field: 0}))
    assert info.value.field == field


def test_register_gpu_accepts_a_free_local_card():
    row = core.register_gpu("Local GPU", **dict(GOOD_GPU, usd_h=0))
    assert row["usd_h"] == 0
    assert core.get_gpu("Local GPU")["usd_h"] == 0


@pytest.mark.parametrize("bad", ["", "   ", "\t\n", None, 3, b"GPU", ["GPU"], "x" * 201])
def test_register_rejects_empty_or_non_text_names(bad):
    for register, kwargs in (
        (core.register_gpu, GOOD_GPU),
        (core.register_api_model, dict(input=1.0, output=2.0)),
        (core.register_preset, core.get_preset("meta-llama/Meta-Llama-3-8B")),
    ):
        with pytest.raises(InputError) as info:
            register(bad, **kwargs)
        assert info.value.field == "name"
        assert "name" in str(info.value)


def test_register_gpu_returns_and_stores_the_row():
    row = core.register_gpu("Test GPU", **GOOD_GPU)
    assert row == GOOD_GPU
    assert core.get_gpu("Test GPU") == GOOD_GPU
    assert core.gpu_names()[-1] == "Test GPU"
    assert core.gpu_names()[:-1] == list(catalogs.CATALOGS.bundled["gpus"]["rows"])


def test_register_gpu_replaces_an_existing_row():
    core.register_gpu("H100 SXM", **dict(GOOD_GPU, usd_h=9.0))
    assert core.get_gpu("H100 SXM")["usd_h"] == 9.0
    assert core.gpu_names().count("H100 SXM") == 1
    assert core.row_origin("gpus", "H100 SXM") == "registered"


def test_failed_register_changes_nothing():
    before = core.CATALOGS.snapshot()
    with pytest.raises(InputError):
        core.register_gpu("Test GPU", **dict(GOOD_GPU, bw_GB_s=-1))
    assert core.CATALOGS.snapshot() == before


# ── register_api_model ───────────────────────────────────────────────────────


@pytest.mark.parametrize("field", ["input", "output"])
@pytest.mark.parametrize(
    "bad", [-1, math.nan, math.inf, "abc", True, None, complex(0, 1), 10**400], ids=lambda v: repr(v)[:24]
)
def test_register_api_model_rejects_bad_prices(field, bad):
    prices = dict(dict(input=1.0, output=2.0), **{field: bad})
    with pytest.raises(InputError) as info:
        core.register_api_model("Test API", **prices)
    assert info.value.field == field
    assert "Test API" not in core.api_model_names()


def test_registered_api_model_is_a_valid_choice_for_x1():
    core.register_api_model("Test API", input=1000.0, output=3000.0)
    assert "Test API" in core.api_model_names()
    result = run_recipe("X-1", N_params=1e9, api_model="Test API", monthly_tokens_M=1e5)
    assert result.step(5)["result"] == 2000.0
    assert result.inputs["api_model"] == "Test API"


def test_x1_lists_a_registered_api_model_among_its_choices():
    core.register_api_model("Test API", input=1.0, output=2.0)
    with pytest.raises(InputError) as info:
        run_recipe("X-1", N_params=1e9, api_model="nope")
    assert "'Test API'" in str(info.value)


# ── register_preset ──────────────────────────────────────────────────────────

PRESET = dict(
    theta=1e6, T_train=16384, n_attention_heads=16, n_kv_heads=4, d_head=64, n_layers=24, n_params=3e9, has_SWA=False
)


@pytest.mark.parametrize(
    "field,bad",
    [
        ("theta", 0),
        ("theta", -1),
        ("theta", math.nan),
        ("T_train", 0),
        ("T_train", -8192),
        ("T_train", 1.5),
        ("n_attention_heads", 0),
        ("n_kv_heads", True),
        ("d_head", "abc"),
        ("n_layers", math.inf),
        ("n_params", 0),
        ("n_params", "1e400"),
        ("has_SWA", "maybe"),
    ],
)
def test_register_preset_rejects_bad_values(field, bad):
    with pytest.raises(InputError) as info:
        core.register_preset("org/test", **dict(PRESET, **{field: bad}))
    assert info.value.field == field
    assert "org/test" not in core.preset_names()


def test_register_preset_rejects_more_kv_heads_than_heads():
    with pytest.raises(InputError) as info:
        core.register_preset("org/test", **dict(PRESET, n_kv_heads=32))
    assert info.value.field == "n_kv_heads"


def test_register_preset_rejects_unknown_and_missing_keys():
    with pytest.raises(InputError) as info:
        core.register_preset("org/test", **dict(PRESET, rope_scaling=2.0))
    assert info.value.field == "rope_scaling"
    partial = {k: v for k, v in PRESET.items() if k != "d_head"}
    with pytest.raises(InputError) as info:
        core.register_preset("org/test", **partial)
    assert info.value.field == "d_head"


def test_register_preset_coerces_text_and_defaults_has_swa():
    row = core.register_preset("org/test", **{k: str(v) for k, v in PRESET.items() if k != "has_SWA"})
    assert row == dict(PRESET, has_SWA=False)
    row = core.register_preset("org/test2", **dict(PRESET, has_SWA="False"))
    assert row["has_SWA"] is False


def test_registered_preset_runs_in_x2_and_x19():
    core.register_preset("org/test", **PRESET)
    assert "org/test" in core.preset_names()
    assert core.list_presets()[-1] == {"id": "org/test", "label": "test", "theta": 1e6, "T_train": 16384}
    for rid in ("X-2", "X-19"):
        result = run_recipe(rid, preset="org/test")
        assert result.inputs["T_eval"] == 16384
        assert result.inputs["theta"] == 1e6


# ── names are data ───────────────────────────────────────────────────────────


@pytest.mark.parametrize("name", ODD_NAMES)
def test_odd_names_stored_and_returned_literally(name):
    core.register_gpu(name, **GOOD_GPU)
    core.register_api_model(name, input=1.0, output=2.0)
    core.register_preset(name, **PRESET)
    assert name in core.gpu_names()
    assert name in core.api_model_names()
    assert name in core.preset_names()
    assert core.get_gpu(name) == GOOD_GPU
    assert core.get_api_price(name) == {"input": 1.0, "output": 2.0}
    assert core.get_preset(name) == PRESET
    assert core.row_origin("gpus", name) == "registered"


@pytest.mark.parametrize("name", ODD_NAMES)
def test_odd_gpu_name_echoed_literally_by_recipes(name):
    core.register_gpu(name, **GOOD_GPU)
    result = run_recipe("X-1", N_params=8e9, gpu=name)
    assert result.inputs["gpu"] == name
    assert result.step(3)["result"]["gpu"] == name
    assert result.step(4)["result"]["gpu"] == name
    data = result.to_dict()
    assert data["inputs"]["gpu"] == name
    text = json.dumps(data, allow_nan=False, ensure_ascii=False)
    assert json.loads(text)["inputs"]["gpu"] == name
    assert json.loads(result.to_json())["inputs"]["gpu"] == name


def test_hostile_name_in_an_error_message_is_literal():
    core.register_gpu(HOSTILE_NAME, **GOOD_GPU)
    with pytest.raises(InputError) as info:
        core.get_gpu("nope")
    assert repr(HOSTILE_NAME) in str(info.value)


# ── a registered GPU is a real choice ────────────────────────────────────────


def test_registered_gpu_is_a_valid_choice_for_x1():
    with pytest.raises(InputError):
        run_recipe("X-1", N_params=8e9, gpu="Test GPU")
    core.register_gpu("Test GPU", **GOOD_GPU)
    result = run_recipe("X-1", N_params=8e9, gpu="Test GPU", n_gpus=2)
    cost = result.step(3)["result"]
    assert cost["gpu"] == "Test GPU"
    hours = 6 * 8e9 * 20 * 8e9 / (500.0 * 1e12 * 0.45 * 2) / 3600
    assert cost["hours"] == pytest.approx(hours, rel=1e-12)
    assert cost["USD"] == pytest.approx(hours * 0.0001 * 2, rel=1e-12)


def test_registered_gpu_is_a_valid_choice_for_x3():
    core.register_gpu("Test GPU", **dict(GOOD_GPU, usd_h=1.0))
    result = run_recipe("X-3", USD_budget=1000.0, gpu="Test GPU")
    assert result.step(1)["result"] == 1000.0


def test_registered_free_gpu_rejected_by_x3():
    core.register_gpu("Local GPU", **dict(GOOD_GPU, usd_h=0))
    with pytest.raises(InputError) as info:
        run_recipe("X-3", gpu="Local GPU")
    assert info.value.field == "gpu"
    assert "no hourly price" in str(info.value)


def test_registered_gpu_appears_in_x5_candidates():
    core.register_gpu("Test GPU", **GOOD_GPU)
    result = run_recipe("X-5", N_params=7e10)
    candidates = result.step(4)["result"]
    names = [c["gpu"] for c in candidates]
    assert "Test GPU" in names
    row = next(c for c in candidates if c["gpu"] == "Test GPU")
    assert row["vram_GB"] == 1000.0
    assert row["tok_per_sec"] == 20_000.0 / (7e10 * 2.0 / 1e9)
    assert result.verdict == "YES"


def test_x5_considers_a_registered_gpu_when_nothing_bundled_fits():
    before = run_recipe("X-5", N_params=4e11)
    assert before.verdict == "NO"
    core.register_gpu("Huge GPU", **GOOD_GPU)
    after = run_recipe("X-5", N_params=4e11)
    assert after.verdict == "YES"
    assert [c["gpu"] for c in after.step(4)["result"]] == ["Huge GPU"]


def test_registered_gpu_listed_in_the_choices_of_x1_and_x5_params():
    core.register_gpu("Test GPU", **GOOD_GPU)
    assert "Test GPU" in core.get_recipe("X-1").param("gpu").choice_values()
    described = core.get_recipe("X-1").describe()
    gpu = next(p for p in described["params"] if p["name"] == "gpu")
    assert "Test GPU" in gpu["choices"]


# ── catalog_info and row_origin ──────────────────────────────────────────────


def test_catalog_info_has_as_of_and_units():
    info = core.catalog_info()
    assert set(info) == {"gpus", "api_prices", "presets"}
    for part in info.values():
        assert isinstance(part["as_of"], str) and part["as_of"].strip()
        assert isinstance(part["units"], dict) and part["units"]
        assert all(isinstance(v, str) and v for v in part["units"].values())
    assert set(info["gpus"]["units"]) == {"flops", "vram_GB", "bw_GB_s", "usd_h", "tdp"}
    assert set(info["api_prices"]["units"]) == {"input", "output"}
    assert set(info["presets"]["units"]) == set(core.ARCHITECTURE)
    assert info["gpus"]["rows"] == len(core.gpu_names())
    assert info["api_prices"]["rows"] == len(core.api_model_names())
    assert info["presets"]["rows"] == len(core.preset_names())
    json.dumps(info, allow_nan=False)


def test_catalog_info_counts_registered_rows():
    rows = core.catalog_info()["gpus"]["rows"]
    core.register_gpu("Test GPU", **GOOD_GPU)
    assert core.catalog_info()["gpus"]["rows"] == rows + 1


def test_catalog_info_cannot_be_used_to_mutate_units():
    core.catalog_info()["gpus"]["units"]["flops"] = "changed"
    assert core.catalog_info()["gpus"]["units"]["flops"] != "changed"


def test_row_origin():
    for name in core.gpu_names():
        assert core.row_origin("gpus", name) == "bundled"
    for name in core.api_model_names():
        assert core.row_origin("api_prices", name) == "bundled"
    for name in core.preset_names():
        assert core.row_origin("presets", name) == "bundled"
    core.register_gpu("Test GPU", origin="my-lab.yaml", **GOOD_GPU)
    core.register_api_model("Test API", input=1, output=2)
    core.register_preset("org/test", origin="hub", **PRESET)
    assert core.row_origin("gpus", "Test GPU") == "my-lab.yaml"
    assert core.row_origin("api_prices", "Test API") == "registered"
    assert core.row_origin("presets", "org/test") == "hub"
    assert core.row_origin("gpus", "H100 SXM") == "bundled"


# ── the restore fixture itself ───────────────────────────────────────────────


def test_fixture_restores_catalogs_part_1_register():
    core.register_gpu("Leak GPU", **GOOD_GPU)
    core.register_api_model("Leak API", input=1, output=2)
    core.register_preset("org/leak", **PRESET)
    core.register_gpu("H100 SXM", **GOOD_GPU)


def test_fixture_restores_catalogs_part_2_check():
    assert "Leak GPU" not in core.gpu_names()
    assert "Leak API" not in core.api_model_names()
    assert "org/leak" not in core.preset_names()
    assert core.get_gpu("H100 SXM")["usd_h"] == 2.5
    assert core.row_origin("gpus", "H100 SXM") == "bundled"
