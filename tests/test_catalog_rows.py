"""Catalog rows are Param declarations: a bad GPU, price or preset row is told like a bad
recipe input, and the catalogs are one object whose snapshot/restore undoes any change."""

from __future__ import annotations

import json
import math

import pytest

import taf_widgets.core as core
from taf_widgets.core import CATALOGS, InputError, run_recipe
from taf_widgets.core.catalogs import API_ROW, GPU_ROW, PRESET_ROW, CatalogSnapshot
from taf_widgets.core.errors import format_error

pytestmark = pytest.mark.usefixtures("restore_catalogs")  # tests here register catalog rows

LLAMA = "meta-llama/Meta-Llama-3-8B"
GOOD_GPU = dict(flops=500.0, vram_GB=1000.0, bw_GB_s=20_000.0, usd_h=0.0001, tdp=300.0)
GPU_FIELDS = {p.name: p for p in GPU_ROW}
API_FIELDS = {p.name: p for p in API_ROW}


def error_of(call, *args, **kwargs) -> InputError:
    with pytest.raises(InputError) as info:
        call(*args, **kwargs)
    return info.value


# ── the same mistake, the same message ───────────────────────────────────────


def test_a_negative_vram_reads_the_same_from_register_gpu_and_a_recipe_parameter():
    from_row = error_of(core.register_gpu, "Test GPU", **dict(GOOD_GPU, vram_GB=-1))
    from_recipe = error_of(run_recipe, "FIT", preset=LLAMA, vram_GB=-1)
    recipe_param = core.get_recipe("FIT").param("vram_GB")
    assert str(from_row) == format_error("vram_GB", -1, GPU_FIELDS["vram_GB"].allowed())
    assert str(from_recipe) == format_error("vram_GB", -1, recipe_param.allowed())
    for err in (from_row, from_recipe):
        assert err.field == "vram_GB"
        assert str(err).startswith("vram_GB: got -1; must be a finite number >= ")
        assert str(err).endswith(" and <= 100000 (GB)")


def test_a_boolean_price_reads_the_same_from_register_api_model_and_a_recipe_parameter():
    from_row = error_of(core.register_api_model, "Test API", input=True, output=1.0)
    from_recipe = error_of(run_recipe, "X-3", USD_budget=True)
    assert str(from_row) == format_error("input", True, API_FIELDS["input"].allowed() + " (a boolean is not a number)")
    for err in (from_row, from_recipe):
        assert "got True; must be a finite number " in str(err)
        assert str(err).endswith(") (a boolean is not a number)")


def test_a_bad_preset_row_reads_like_a_bad_recipe_input():
    from_row = error_of(core.register_preset, "org/test", **dict(core.get_preset(LLAMA), T_train=0))
    from_recipe = error_of(run_recipe, "X-2", preset=LLAMA, T_train=0)
    assert str(from_row) == str(from_recipe) == format_error("T_train", 0, core.ARCHITECTURE["T_train"].allowed())


def test_a_file_row_gets_the_register_message_with_its_place_and_file(tmp_path):
    path = tmp_path / "lab.json"
    path.write_text(json.dumps({"gpus": {"X": dict(GOOD_GPU, vram_GB=-1)}}))
    err = error_of(core.load_catalog, path)
    allowed = GPU_FIELDS["vram_GB"].allowed()
    assert err.field == "gpus['X'].vram_GB"
    assert str(err) == format_error("gpus['X'].vram_GB", -1, f"{allowed} (in lab.json)")


def test_a_missing_row_field_is_required_as_a_recipe_input_is(tmp_path):
    path = tmp_path / "lab.json"
    path.write_text(json.dumps({"gpus": {"X": {k: v for k, v in GOOD_GPU.items() if k != "flops"}}}))
    from_file = error_of(core.load_catalog, path)
    from_recipe = error_of(run_recipe, "X-1")
    assert str(from_file).startswith("gpus['X'].flops: got None; is required: " + GPU_FIELDS["flops"].allowed())
    assert str(from_recipe).startswith("N_params: got None; is required: must be a finite number")


def test_an_unknown_row_field_is_named_with_the_known_ones():
    err = error_of(core.register_preset, "org/test", **dict(core.get_preset(LLAMA), rope=1))
    assert err.field == "rope"
    assert str(err) == format_error(
        "rope", 1, "is not a preset parameter; known: " + ", ".join(p.name for p in PRESET_ROW)
    )
    recipe_err = error_of(run_recipe, "X-2", preset=LLAMA, rope=1)
    assert str(recipe_err).startswith("rope: got 1; is not a parameter of this recipe; known: ")


def test_every_bad_field_of_a_row_is_reported_at_once_like_a_recipe():
    err = error_of(core.register_gpu, "Test GPU", **dict(GOOD_GPU, flops="fast", usd_h=-1))
    assert err.field == "flops"
    assert set(err.errors) == {"flops", "usd_h"}
    assert err.errors["usd_h"] == format_error("usd_h", -1, GPU_FIELDS["usd_h"].allowed())
    assert str(err).endswith("(also invalid: usd_h)")
    recipe_err = error_of(run_recipe, "X-3", USD_budget="lots", mfu=-1)
    assert set(recipe_err.errors) == {"USD_budget", "mfu"}
    assert str(recipe_err).endswith("(also invalid: mfu)")


# ── each field's bounds come from its declaration ────────────────────────────


@pytest.mark.parametrize("param", GPU_ROW, ids=lambda p: p.name)
def test_gpu_fields_accept_their_bounds_and_reject_beyond_them(param):
    assert core.register_gpu("Test GPU", **dict(GOOD_GPU, **{param.name: param.low}))[param.name] == param.low
    assert core.register_gpu("Test GPU", **dict(GOOD_GPU, **{param.name: param.high}))[param.name] == param.high
    for bad in (param.low - 1e-4, param.high * 1.01, math.nan):
        err = error_of(core.register_gpu, "Test GPU", **dict(GOOD_GPU, **{param.name: bad}))
        assert str(err) == format_error(param.name, bad, param.allowed())


@pytest.mark.parametrize("param", API_ROW, ids=lambda p: p.name)
def test_api_price_fields_accept_their_bounds_and_reject_beyond_them(param):
    prices = dict(input=1.0, output=2.0)
    assert core.register_api_model("Test API", **dict(prices, **{param.name: 0}))[param.name] == 0.0
    err = error_of(core.register_api_model, "Test API", **dict(prices, **{param.name: param.high * 2}))
    assert str(err) == format_error(param.name, param.high * 2, param.allowed())


def test_gpu_fields_read_numeric_text_as_recipe_inputs_do():
    row = core.register_gpu("Test GPU", flops="500", vram_GB=" 80 ", bw_GB_s="3_350", usd_h="0", tdp="700.5")
    assert row == dict(flops=500.0, vram_GB=80.0, bw_GB_s=3350.0, usd_h=0.0, tdp=700.5)
    assert all(type(v) is float for v in row.values())


# ── one object, snapshot and restore ─────────────────────────────────────────


def test_restore_undoes_registered_rows_loaded_files_and_extras(tmp_path):
    before = CATALOGS.snapshot()
    core.register_gpu("Test GPU", source="https://example.org/spec (80 GB)", **GOOD_GPU)
    core.register_gpu("H100 SXM", **dict(GOOD_GPU, usd_h=9.0))
    core.register_api_model("Test API", input=1, output=2)
    core.register_preset(LLAMA, T_extended=131072, rope_factor=8.0, **dict(core.get_preset(LLAMA), theta=1e6))
    core.load_extra_gpus()
    assert CATALOGS.snapshot() != before
    CATALOGS.restore(before)
    assert CATALOGS.snapshot() == before
    assert "Test GPU" not in core.gpu_names() and "T4" not in core.gpu_names()
    assert core.get_gpu("H100 SXM")["usd_h"] == 2.5 and core.row_origin("gpus", "H100 SXM") == "bundled"
    assert "Test API" not in core.api_model_names()
    assert core.get_preset(LLAMA)["theta"] == 500000
    assert core.get_preset_extras(LLAMA) == {"T_extended": None, "rope_factor": None}
    assert core.catalog_files() == []


def test_a_snapshot_is_a_copy_that_can_be_restored_again():
    snap = CATALOGS.snapshot()
    assert isinstance(snap, CatalogSnapshot)
    core.register_gpu("Test GPU", **GOOD_GPU)
    CATALOGS.gpus["H100 SXM"]["usd_h"] = 99.0  # even a change inside a stored row
    assert "Test GPU" not in snap.gpus and snap.gpus["H100 SXM"]["usd_h"] == 2.5
    CATALOGS.restore(snap)
    core.register_gpu("Other GPU", **GOOD_GPU)
    CATALOGS.restore(snap)
    assert CATALOGS.snapshot() == snap
    assert core.get_gpu("H100 SXM")["usd_h"] == 2.5


def test_restore_keeps_the_tables_that_others_hold():
    gpus, presets = CATALOGS.gpus, CATALOGS.presets
    snap = CATALOGS.snapshot()
    core.register_gpu("Test GPU", **GOOD_GPU)
    CATALOGS.restore(snap)
    assert CATALOGS.gpus is gpus and CATALOGS.presets is presets
    assert "Test GPU" not in gpus


def test_restore_takes_only_a_snapshot():
    with pytest.raises(TypeError):
        CATALOGS.restore({"gpus": {}})


def test_the_module_functions_read_the_one_object():
    core.register_gpu("Test GPU", **GOOD_GPU)
    assert CATALOGS.gpus["Test GPU"] == core.get_gpu("Test GPU") == GOOD_GPU
    assert list(CATALOGS.gpus) == core.gpu_names()
    assert CATALOGS.origin[("gpus", "Test GPU")] == core.row_origin("gpus", "Test GPU") == "registered"
    assert core.catalog_info()["gpus"]["rows"] == len(CATALOGS.gpus)
