"""Invalid input gives one clear error, never a crash (SEED_NOTES.md, rule 2).

One test per behaviour listed under "Inputs that crash the spec" and "Nonsense the
spec accepts", plus the shape of the error itself and a broad table of hostile
values pushed through every parameter of every recipe.
"""

from __future__ import annotations

import json
import math

import pytest

import taf_widgets.core as core
from taf_widgets.core import ALL_RECIPES as RECIPES  # the framework's recipes and this project's FIT
from taf_widgets.core import InputError, get_recipe, run_recipe

LLAMA = "meta-llama/Meta-Llama-3-8B"
MISTRAL = "mistralai/Mistral-7B-v0.1"

# Valid inputs per recipe, with every required parameter given explicitly.
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
BASE = {
    "X-1": dict(N_params=8e9),
    "X-2": dict(ARCH, T_eval=32_000),
    "X-3": dict(USD_budget=5000.0),
    "X-5": dict(N_params=8e9),
    "X-19": dict(ARCH, T_eval=8192),
    "FIT": dict(N_params=8e9, n_layers=32, n_kv_heads=8, d_head=128),
}

NUMERIC = [(rid, p.name) for rid, r in RECIPES.items() for p in r.params if p.kind in ("int", "float")]
ALL_PARAMS = [(rid, p.name) for rid, r in RECIPES.items() for p in r.params]


def declared(rid: str) -> list[str]:
    return [p.name for p in RECIPES[rid].params]


def expect_error(rid: str, field: str, preset: str | None = None, **params) -> InputError:
    """Run the recipe, require an InputError on ``field``, and check the error's shape."""
    with pytest.raises(InputError) as info:
        run_recipe(rid, preset=preset, **params)
    err = info.value
    assert isinstance(err, ValueError)
    assert err.field == field, f"expected the error on {field!r}, got {err.field!r}: {err}"
    assert field in str(err)
    assert field in err.errors
    assert field in err.errors[field]
    assert err.allowed and err.allowed in str(err)
    return err


def with_(rid: str, **override) -> dict:
    return dict(BASE[rid], **override)


# ── GPUs not in the catalog, and the free local card in X-3 ──────────────────


@pytest.mark.parametrize("rid", ["X-1", "X-3"])
@pytest.mark.parametrize("name", ["H100", "h100 sxm", "TPU v5", "", " H100 SXM"])
def test_unknown_gpu_rejected_listing_the_catalog(rid, name):
    err = expect_error(rid, "gpu", **with_(rid, gpu=name))
    assert repr(name) in str(err)
    for known in core.gpu_names():
        assert known in str(err)


@pytest.mark.parametrize("budget", [1.0, 5000.0, 1e9])
def test_x3_free_local_gpu_rejected_as_having_no_hourly_price(budget):
    err = expect_error("X-3", "gpu", USD_budget=budget, gpu="RTX 5060Ti")
    assert "RTX 5060Ti" in str(err)
    assert "no hourly price" in str(err)
    assert "H100 SXM" in str(err)  # it says which cards would do


def test_x3_free_gpu_rejected_for_any_gpu_count():
    expect_error("X-3", "gpu", gpu="RTX 5060Ti", n_gpus=8)


# ── zeros where the spec divides ─────────────────────────────────────────────


@pytest.mark.parametrize("rid", ["X-1", "X-5"])
def test_zero_n_params_rejected(rid):
    err = expect_error(rid, "N_params", N_params=0)
    assert "1e6" in str(err)


@pytest.mark.parametrize("rid", ["X-1", "X-3"])
def test_zero_mfu_rejected(rid):
    err = expect_error(rid, "mfu", **with_(rid, mfu=0))
    assert ">= 0.001" in str(err)  # the declared floor: below it training time overflows


@pytest.mark.parametrize("rid", ["X-1", "X-3"])
def test_zero_n_gpus_rejected(rid):
    err = expect_error(rid, "n_gpus", **with_(rid, n_gpus=0))
    assert ">= 1" in str(err)


def test_zero_target_tokens_per_day_rejected():
    err = expect_error("X-5", "target_tokens_per_day", N_params=8e9, target_tokens_per_day=0)
    assert "> 0" in str(err)


def test_zero_monthly_tokens_rejected():
    err = expect_error("X-1", "monthly_tokens_M", N_params=8e9, monthly_tokens_M=0)
    assert "> 0" in str(err)


@pytest.mark.parametrize("rid", ["X-2", "X-19"])
def test_zero_theta_rejected(rid):
    err = expect_error(rid, "theta", **with_(rid, theta=0))
    assert "> 0" in str(err)


def test_gamma_pade_of_zero_zero_rejected():
    with pytest.raises(InputError) as info:
        core.gamma_pade(0, 0)
    assert info.value.field in ("theta", "T_eval")
    assert info.value.field in str(info.value)


# ── negative θ, T_eval, budgets and sizes ────────────────────────────────────


@pytest.mark.parametrize("rid", ["X-2", "X-19"])
@pytest.mark.parametrize("theta", [-1, -500_000.0, "-1e4"])
def test_negative_theta_rejected(rid, theta):
    expect_error(rid, "theta", **with_(rid, theta=theta))


@pytest.mark.parametrize("rid", ["X-2", "X-19", "X-5"])
@pytest.mark.parametrize("T_eval", [-1, -32000, "-4096"])
def test_negative_T_eval_rejected(rid, T_eval):
    expect_error(rid, "T_eval", **with_(rid, T_eval=T_eval))


@pytest.mark.parametrize("args", [(-1.0, 1000), (1000.0, -1)])
def test_gamma_pade_negative_arguments_rejected(args):
    with pytest.raises(InputError) as info:
        core.gamma_pade(*args)
    assert info.value.field == ("theta" if args[0] < 0 else "T_eval")


@pytest.mark.parametrize("budget", [-5000.0, -1, "-5000", -1e-300, -0.0, 0])
def test_negative_or_zero_budget_rejected(budget):
    err = expect_error("X-3", "USD_budget", USD_budget=budget)
    assert "> 0" in str(err)


@pytest.mark.parametrize("rid,name", NUMERIC)
def test_negative_numbers_rejected_everywhere(rid, name):
    expect_error(rid, name, **with_(rid, **{name: -1}))


# ── NaN and infinities, as floats and as strings ─────────────────────────────

NON_FINITE = [math.nan, math.inf, -math.inf, "nan", "NaN", "inf", "-inf", "Infinity", "1e400", "-1e400"]


@pytest.mark.parametrize("value", NON_FINITE, ids=repr)
@pytest.mark.parametrize("rid,name", NUMERIC)
def test_non_finite_rejected(rid, name, value):
    err = expect_error(rid, name, **with_(rid, **{name: value}))
    assert repr(value) in str(err)


def test_nan_n_params_does_not_make_every_gpu_fit():
    expect_error("X-5", "N_params", N_params=math.nan)


# ── numeric strings ──────────────────────────────────────────────────────────


@pytest.mark.parametrize("rid", ["X-1", "X-5"])
@pytest.mark.parametrize("text", ["8e9", " 8e9 ", "8000000000", "8.0e9", "+8e9"])
def test_numeric_string_coerced_to_the_same_result(rid, text):
    from_text = run_recipe(rid, N_params=text)
    from_number = run_recipe(rid, N_params=8e9)
    assert from_text.inputs["N_params"] == 8e9
    assert from_text.to_dict() == from_number.to_dict()


def test_numeric_strings_for_every_kind_of_number():
    given = dict(
        theta="500000",
        T_train="8192",
        T_eval="32000",
        n_attention_heads="32",
        n_kv_heads="8",
        d_head="128",
        n_layers="32",
        n_params="8e9",
        bytes_per_element="2",
    )
    assert run_recipe("X-2", **given).to_dict() == run_recipe("X-2", **BASE["X-2"]).to_dict()
    assert (
        run_recipe("X-3", USD_budget="5000", mfu="0.45", n_gpus="1").to_dict()
        == run_recipe("X-3", USD_budget=5000.0).to_dict()
    )


@pytest.mark.parametrize("text", ["abc", "8e9x", "8 e9", "1,000", "0x10", "eight", "--1", "1e", "", "   "])
@pytest.mark.parametrize(
    "rid,name",
    [("X-1", "N_params"), ("X-3", "USD_budget"), ("X-2", "T_eval"), ("X-5", "concurrent_users"), ("X-19", "theta")],
)
def test_non_numeric_string_rejected(rid, name, text):
    err = expect_error(rid, name, **with_(rid, **{name: text}))
    assert repr(text) in str(err)


@pytest.mark.parametrize("rid,name", [("X-2", "T_eval"), ("X-3", "n_gpus"), ("X-5", "n_layers")])
def test_fractional_value_for_a_whole_number_rejected(rid, name):
    err = expect_error(rid, name, **with_(rid, **{name: 2.5}))
    assert "whole number" in str(err)


# ── booleans are not numbers ─────────────────────────────────────────────────


@pytest.mark.parametrize("value", [True, False])
@pytest.mark.parametrize("rid,name", NUMERIC)
def test_boolean_is_not_a_number(rid, name, value):
    err = expect_error(rid, name, **with_(rid, **{name: value}))
    assert repr(value) in str(err)


def test_n_params_true_does_not_run_as_a_one_parameter_model():
    err = expect_error("X-1", "N_params", N_params=True)
    assert "boolean" in str(err)


# ── has_SWA read for what it says ────────────────────────────────────────────


@pytest.mark.parametrize("rid", ["X-2", "X-19"])
@pytest.mark.parametrize("text", ["False", "false", " FALSE ", "0", "no", "off"])
def test_has_swa_false_string_is_false(rid, text):
    from_text = run_recipe(rid, preset=MISTRAL, has_SWA=text)  # the preset says True
    assert from_text.inputs["has_SWA"] is False
    assert from_text.step(2)["breakdown"]["delta_SWA"] == 0.0
    assert from_text.to_dict() == run_recipe(rid, preset=MISTRAL, has_SWA=False).to_dict()


@pytest.mark.parametrize("rid", ["X-2", "X-19"])
@pytest.mark.parametrize("text", ["True", "true", "1", "yes", "on"])
def test_has_swa_true_string_is_true(rid, text):
    result = run_recipe(rid, preset=LLAMA, has_SWA=text)
    assert result.inputs["has_SWA"] is True
    assert result.step(2)["breakdown"]["delta_SWA"] == -0.21


@pytest.mark.parametrize("value", ["maybe", "Falsey", 2, -1, 0.5, [], "None"])
def test_has_swa_junk_rejected(value):
    err = expect_error("X-2", "has_SWA", **with_("X-2", has_SWA=value))
    assert "true or false" in str(err)


# ── unknown parameter names ──────────────────────────────────────────────────


@pytest.mark.parametrize("rid", list(RECIPES))
@pytest.mark.parametrize("name", ["bogus", "theta_", "Gpu", "flops", "dh_str"])
def test_unknown_parameter_rejected(rid, name):
    err = expect_error(rid, name, **with_(rid, **{name: 1}))
    for known in declared(rid):
        assert known in str(err)


def test_parameter_of_another_recipe_rejected():
    expect_error("X-3", "T_train", USD_budget=5000.0, T_train=8192)
    expect_error("X-1", "T_eval", N_params=8e9, T_eval=4096)


def test_missing_required_parameter_rejected():
    err = expect_error("X-1", "N_params")
    assert "required" in str(err)
    expect_error("X-2", "theta", **{k: v for k, v in BASE["X-2"].items() if k != "theta"})


# ── presets ──────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("rid", ["X-2", "X-19"])
@pytest.mark.parametrize("preset", core.preset_names())
def test_preset_runs_with_T_eval_defaulting_to_its_T_train(rid, preset):
    row = core.get_preset(preset)
    result = run_recipe(rid, preset=preset)
    assert result.inputs["T_eval"] == row["T_train"]
    assert result.preset == preset
    explicit = run_recipe(rid, **row, T_eval=row["T_train"])
    assert result.chain == explicit.chain
    assert result.verdict == explicit.verdict
    for key, value in row.items():
        assert result.inputs[key] == value


@pytest.mark.parametrize("rid", ["X-1", "X-5"])
def test_preset_fills_model_size(rid):
    result = run_recipe(rid, preset=LLAMA)
    assert result.inputs["N_params"] == 8e9


def test_preset_fills_x5_architecture_but_not_its_context():
    result = run_recipe("X-5", preset="meta-llama/Llama-3.3-70B-Instruct")
    assert (result.inputs["n_layers"], result.inputs["n_kv_heads"], result.inputs["d_head"]) == (80, 8, 128)
    assert result.inputs["T_eval"] == 4096


@pytest.mark.parametrize("rid", ["X-2", "X-19"])
def test_explicit_params_override_the_preset(rid):
    result = run_recipe(rid, preset=LLAMA, theta=1e6, T_eval=32000, n_layers=40, has_SWA=True)
    assert result.inputs["theta"] == 1e6
    assert result.inputs["T_eval"] == 32000
    assert result.inputs["n_layers"] == 40
    assert result.inputs["has_SWA"] is True
    assert result.inputs["n_kv_heads"] == 8  # still from the preset
    explicit = run_recipe(rid, **dict(core.get_preset(LLAMA), theta=1e6, T_eval=32000, n_layers=40, has_SWA=True))
    assert result.chain == explicit.chain


def test_explicit_T_train_overrides_the_preset_in_x19():
    result = run_recipe("X-19", preset=LLAMA, T_train=1024, T_eval=8192)
    assert result.inputs["T_train"] == 1024


def test_explicit_invalid_value_overrides_a_preset_and_is_rejected():
    expect_error("X-2", "theta", preset=LLAMA, theta=-1)


def test_x3_with_a_preset_rejected():
    err = expect_error("X-3", "preset", preset=LLAMA)
    assert LLAMA in str(err)


@pytest.mark.parametrize("rid", ["X-1", "X-2", "X-5", "X-19"])
@pytest.mark.parametrize("name", ["llama", "Meta-Llama-3-8B", "meta-llama/meta-llama-3-8b", "  "])
def test_unknown_preset_rejected_listing_names(rid, name):
    err = expect_error(rid, "preset", preset=name)
    for known in core.preset_names():
        assert known in str(err)


# ── cross-field and formula-level domain checks ──────────────────────────────


@pytest.mark.parametrize("rid", ["X-2", "X-19"])
def test_more_kv_heads_than_attention_heads_rejected(rid):
    err = expect_error(rid, "n_kv_heads", **with_(rid, n_kv_heads=64, n_attention_heads=32))
    assert "n_attention_heads" in str(err)
    assert "64" in str(err)
    assert "32" in str(err)


@pytest.mark.parametrize("rid", ["X-2", "X-19"])
def test_more_kv_heads_than_a_presets_attention_heads_rejected(rid):
    expect_error(rid, "n_kv_heads", preset=LLAMA, n_kv_heads=33)


@pytest.mark.parametrize("f", [1.0, 1, 1.5, 2.0, 0.0, -0.1, math.nan, math.inf])
def test_df_window_fraction_outside_zero_one_rejected(f):
    with pytest.raises(InputError) as info:
        core.df_window(0.75, 10_000, f=f)
    assert info.value.field == "f"
    assert "f" in str(info.value)


@pytest.mark.parametrize("f", [0.5, 0.9, 0.999])
def test_df_window_fraction_inside_zero_one_gives_a_window_within_n(f):
    window = core.df_window(0.75, 10_000, f=f)
    assert isinstance(window, int)
    assert 1 <= window <= 10_000


@pytest.mark.parametrize("T_train", [0, -1, -8192, "0", 0.0])
def test_T_train_not_positive_rejected_in_x19(T_train):
    err = expect_error("X-19", "T_train", **with_("X-19", T_train=T_train))
    assert ">= 1" in str(err)


@pytest.mark.parametrize("T_train", [0, -1])
def test_T_train_not_positive_rejected_in_x2(T_train):
    expect_error("X-2", "T_train", **with_("X-2", T_train=T_train))


@pytest.mark.parametrize("T_train", [0, -1, -0.5])
def test_T_train_not_positive_rejected_by_the_formula(T_train):
    with pytest.raises(InputError) as info:
        core.kv_soft_decay_regime(500_000.0, 0.7, T_train)
    assert info.value.field == "T_train"


# ── the error itself ─────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    "rid,field,value,allowed",
    [
        ("X-1", "mfu", 1.5, "<= 1"),
        ("X-1", "N_params", 0, ">= 1e6"),
        ("X-1", "N_params", 1e16, "<= 1e15"),
        ("X-3", "n_gpus", 0, ">= 1"),
        ("X-5", "T_eval", 10**9, "<= 1e8"),
        ("X-2", "bytes_per_element", 9, "<= 8"),
        ("X-1", "api_model", "GPT-5", "'GPT-4o'"),
        ("X-1", "gpu", "H300", "'H100 SXM'"),
    ],
)
def test_error_names_field_value_and_what_is_allowed(rid, field, value, allowed):
    err = expect_error(rid, field, **with_(rid, **{field: value}))
    message = str(err)
    assert err.value == value
    assert field in message
    assert repr(value) in message
    assert allowed in message
    assert allowed in err.allowed


def test_error_is_a_value_error_and_an_input_error():
    with pytest.raises(ValueError):
        run_recipe("X-1", N_params=-1)
    assert issubclass(InputError, ValueError)
    assert core.InputError is InputError


def test_several_bad_fields_reported_together():
    with pytest.raises(InputError) as info:
        run_recipe("X-1", N_params=-1, mfu=0, n_gpus=0, gpu="nope", api_model="nope", bogus=3)
    err = info.value
    expected = {"N_params", "mfu", "n_gpus", "gpu", "api_model", "bogus"}
    assert set(err.errors) == expected
    assert err.field in expected
    for name, message in err.errors.items():
        assert name in message
    for name in expected:
        assert name in str(err)


def test_several_bad_fields_in_a_recipe_with_a_preset():
    with pytest.raises(InputError) as info:
        run_recipe("X-19", preset=LLAMA, theta="abc", T_eval=0, has_SWA="maybe")
    assert set(info.value.errors) == {"theta", "T_eval", "has_SWA"}


def test_unknown_recipe_rejected():
    with pytest.raises(InputError) as info:
        run_recipe("X-4", N_params=8e9)
    assert info.value.field == "recipe_id"
    for rid in RECIPES:
        assert rid in str(info.value)


# ── nothing escapes as another exception type ────────────────────────────────


class _Weird:
    def __repr__(self):
        return "<weird>"

    def __float__(self):
        raise RuntimeError("no")


HOSTILE = [
    None,
    [],
    {},
    (),
    set(),
    object(),
    _Weird(),
    "",
    "  ",
    "\x00",
    "\n",
    "é",
    "🚀",
    complex(1, 1),
    1j,
    10**400,
    -(10**400),
    10**20,
    -0.0,
    0,
    0.0,
    -1,
    1,
    5e-324,
    -5e-324,
    1e-308,
    1e-300,
    1e308,
    -1e308,
    1.7976931348623157e308,
    math.nan,
    math.inf,
    -math.inf,
    "nan",
    "inf",
    "-inf",
    "1e400",
    "1e-400",
    "-0",
    "9" * 5000,
    "1" * 400,
    "x" * 100_000,
    "1" * 100_000,
    "1e5" * 10,
    b"8e9",
    bytearray(b"1"),
    True,
    False,
    "True",
    "False",
    "None",
    "null",
    "8e9",
    "0x1p3",
    "1_000",
    "١٢٣",
    "H100 SXM",
    "GPT-4o",
    LLAMA,
    "<img src=x onerror=alert(1)>",
    2**53 + 1,
    4096.0000001,
]


def _check_outcome(rid, call):
    """Run ``call``; a result must be JSON-clean and echo exactly the declared params,
    an error must be an InputError naming a field the caller could have set."""
    try:
        result = call()
    except InputError as err:
        assert isinstance(err, ValueError)
        allowed = set(declared(rid)) | {"preset"}
        assert err.field in allowed, f"error names {err.field!r}, not an input of {rid}: {err}"
        assert set(err.errors) <= allowed
        assert err.field in str(err)
        return None
    assert list(result.inputs) == declared(rid)
    json.dumps(result.to_dict(), allow_nan=False)
    return result


@pytest.mark.parametrize("value", HOSTILE, ids=lambda v: type(v).__name__ + ":" + repr(v)[:20])
@pytest.mark.parametrize("rid,name", ALL_PARAMS)
def test_hostile_value_gives_a_result_or_an_input_error(rid, name, value):
    _check_outcome(rid, lambda: run_recipe(rid, **with_(rid, **{name: value})))


@pytest.mark.parametrize("value", HOSTILE, ids=lambda v: type(v).__name__ + ":" + repr(v)[:20])
@pytest.mark.parametrize("rid,name", [(rid, n) for rid, n in ALL_PARAMS if rid in ("X-2", "X-19")])
def test_hostile_value_over_a_preset(rid, name, value):
    _check_outcome(rid, lambda: run_recipe(rid, preset=LLAMA, **{name: value}))


@pytest.mark.parametrize("value", HOSTILE, ids=lambda v: type(v).__name__ + ":" + repr(v)[:20])
@pytest.mark.parametrize("rid", list(RECIPES))
def test_hostile_preset_gives_a_result_or_an_input_error(rid, value):
    _check_outcome(rid, lambda: run_recipe(rid, preset=value, **BASE[rid]))


@pytest.mark.parametrize("value", HOSTILE, ids=lambda v: type(v).__name__ + ":" + repr(v)[:20])
def test_hostile_recipe_id_gives_an_input_error(value):
    with pytest.raises(InputError) as info:
        run_recipe(value, N_params=8e9)
    assert info.value.field == "recipe_id"


# Values inside every declared range that sit on its edges: the spec's formulas must
# not divide by an underflowed zero or overflow into a non-finite intermediate there.
def _edges(param):
    lo, hi = param.low, param.high
    out = []
    if lo is not None:
        out += [lo if not param.low_open else math.nextafter(lo, math.inf), lo * (1 + 1e-9) + 1e-300]
    if hi is not None:
        out += [hi, math.nextafter(hi, -math.inf)]
    if param.kind == "int":
        out = sorted({int(math.ceil(x)) for x in out if math.isfinite(x)})
    return out


EDGES = [
    (rid, p.name, v) for rid, r in RECIPES.items() for p in r.params if p.kind in ("int", "float") for v in _edges(p)
]


@pytest.mark.parametrize("rid,name,value", EDGES, ids=lambda x: repr(x) if not isinstance(x, str) else x)
def test_range_edge_value_gives_a_result_or_an_input_error(rid, name, value):
    extra = {}
    if name == "n_kv_heads" and "n_attention_heads" in BASE[rid]:
        extra = {"n_attention_heads": 1024}
    if name == "n_attention_heads":
        extra = {"n_kv_heads": 1}
    if name == "n_active_params":  # at most the total parameters
        extra = {"N_params": 1e15}
    result = _check_outcome(rid, lambda: run_recipe(rid, **with_(rid, **extra, **{name: value})))
    assert result is not None, f"{name}={value!r} is inside its declared range but was rejected"


def _all_at(rid: str, side: str) -> dict:
    values = {}
    for p in RECIPES[rid].params:
        if p.kind not in ("int", "float"):
            continue
        if side == "low":
            x = math.nextafter(p.low, math.inf) if p.low_open else p.low
            values[p.name] = int(math.ceil(x)) if p.kind == "int" else x
        else:
            values[p.name] = int(p.high) if p.kind == "int" else p.high
    if side == "low" and "n_attention_heads" in values:
        values["n_kv_heads"] = values["n_attention_heads"]
    return values


@pytest.mark.parametrize("side", ["low", "high"])
@pytest.mark.parametrize("rid", list(RECIPES))
def test_every_number_at_the_same_range_edge_gives_a_result(rid, side):
    values = _all_at(rid, side)
    result = _check_outcome(rid, lambda: run_recipe(rid, **values))
    assert result is not None, f"{values} are all inside their declared ranges but were rejected"


def test_x5_smallest_model_at_the_smallest_precision_gives_a_result():
    low = get_recipe("X-5").param("bytes_per_weight").low
    result = _check_outcome("X-5", lambda: run_recipe("X-5", N_params=1e6, bytes_per_weight=low))
    assert result is not None
    # Below the declared floor (5e-324 bytes would make the weights 0 GB): a clear error.
    err = expect_error("X-5", "bytes_per_weight", N_params=1e6, bytes_per_weight=5e-324)
    assert str(low) in str(err)


def test_x1_smallest_mfu_gives_a_result_not_an_error_on_an_internal_field():
    # The training time overflows to infinity; the error must not name "training_cost".
    _check_outcome("X-1", lambda: run_recipe("X-1", N_params=8e9, mfu=5e-324))
    _check_outcome(
        "X-1", lambda: run_recipe("X-1", N_params=1e15, D_tokens=1e16, gpu="RTX 5060Ti", n_gpus=1, mfu=1e-320)
    )


# ── the public formulas check their own arguments ────────────────────────────

FORMULA_ARGS = {
    "gamma_pade": dict(theta=5e5, T_eval=8192),
    "gamma_decompose": dict(gamma_pade_val=0.5, has_GQA=False, has_SWA=False, n_params=8e9),
    "d_horizon": dict(theta=5e5, gamma=0.7),
    "l_niah_c": dict(d_horizon_val=1000.0),
    "chi_susceptibility": dict(gamma=0.7),
    "p_hallucinate": dict(L=1000, theta=5e5, gamma=0.7),
    "theta_design": dict(gamma_target=0.85, T_eval=8192),
    "alpha_opt": dict(gamma_target=0.85, T_eval=8192, theta_nominal=5e5),
    "df_window": dict(gamma=0.7, N=1000, f=0.9),
    "df_window_exact": dict(gamma=0.7, N=1000, f=0.9),
    "power_sum": dict(gamma=0.7, n=1000),
    "gamma_decompose_audited": dict(gamma_pade_val=0.5, has_GQA=False, has_SWA=False, n_params=8e9),
    "d_horizon_obs": dict(theta=5e5, gamma_obs=1.0455),
    "pade_deviation_index": dict(theta=5e5, gamma_obs=1.0455, T_eval=32000),
    "kv_soft_decay_regime": dict(theta=5e5, gamma=0.7, T_train=8192),
    "chinchilla_optimal_tokens": dict(N_params=8e9, ratio=20.0),
    "chinchilla_optimal_N": dict(D_tokens=1e11, ratio=20.0),
    "chinchilla_N_for_flops": dict(flops=1e21),
    "training_flops": dict(N_params=8e9, D_tokens=1e11),
    "training_memory_16N": dict(N_params=8e9),
    "emergent_threshold": dict(N_params=8e9),
    "kv_cache_memory": dict(n_layers=32, n_kv_heads=8, d_head=128, seq_len=4096, bytes_per_element=2.0),
    "model_weights_memory": dict(N_params=8e9, bytes_per_element=2.0),
    "inference_decode_throughput": dict(N_params=8e9, hbm_GB_per_s=3350.0, bytes_per_element=2.0),
    "cost_per_training_run": dict(N_params=8e9, D_tokens=1e11, gpu="H100 SXM", n_gpus=8, mfu=0.45),
    "cost_per_inference_token": dict(model_GB=16.0, gpu="H100 SXM", batch=1),
    "break_even_volume": dict(training_cost=1e6, self_inference_per_Mtok=0.5, api_per_Mtok=5.0, blend_input_output=0.5),
    "kv_bytes_per_token": dict(n_layers=32, n_kv_heads=8, d_head=128, bytes_per_element=2.0, tp=1, kv_latent_dim=None),
    "kv_tokens_that_fit": dict(memory_bytes=1e10, n_layers=32, n_kv_heads=8, d_head=128, bytes_per_element=2.0, tp=1),
    "decode_roofline": dict(
        weight_bytes=1.6e10,
        flops_per_token=1.6e10,
        batch=8,
        kv_bytes_per_seq=5e8,
        bw_GB_s=3350.0,
        peak_TFLOPs=989.0,
        tp=1,
        bw_efficiency=1.0,
        compute_efficiency=1.0,
    ),
}
FORMULA_HOSTILE = [
    None,
    "8e9",
    "",
    [],
    object(),
    complex(1, 1),
    10**400,
    -(10**400),
    math.nan,
    math.inf,
    -math.inf,
    -1,
    0,
    -0.0,
    5e-324,
    1e308,
    -1e308,
    True,
]


def test_formula_table_covers_every_public_formula():
    import inspect

    for name, kwargs in FORMULA_ARGS.items():
        assert list(inspect.signature(getattr(core, name)).parameters) == list(kwargs), name
    assert set(FORMULA_ARGS) == set(core.formulas.__all__) - {n for n in core.formulas.__all__ if n.isupper()}


@pytest.mark.parametrize("function", list(FORMULA_ARGS))
def test_formula_hostile_argument_gives_a_result_or_an_input_error(function):
    escaped = []
    for arg in FORMULA_ARGS[function]:
        for value in FORMULA_HOSTILE:
            kwargs = dict(FORMULA_ARGS[function], **{arg: value})
            try:
                getattr(core, function)(**kwargs)
            except InputError as err:
                assert err.field in set(kwargs) | {"gamma_pade", "d_horizon"}, err
                assert err.field in str(err)
            except Exception as exc:  # noqa: BLE001 - collecting what escapes
                escaped.append(f"{function}({arg}={value!r:.24}): {type(exc).__name__}: {exc}")
    assert not escaped, "non-InputError exceptions:\n" + "\n".join(escaped)
