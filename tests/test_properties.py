"""Property: whatever arrives, a recipe answers with clean data or with an InputError naming a field.

Each example draws values for any subset of a recipe's declared parameters (numbers
in and out of range, extremes, NaN and infinities, numeric and junk strings, booleans,
None, valid and junk choices), sometimes a preset, sometimes unknown parameter names.
"""

from __future__ import annotations

import json
import math
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import taf_widgets.core as core
from taf_widgets.core import RECIPES, InputError, run_recipe

UNKNOWN_NAMES = [
    "bogus",
    "flops",
    "dh_str",
    "Theta",
    "t_eval",
    "USD_budget",
    "N_params",
    "T_train",
    "api_model",
    "recipe",
    "inputs",
    "__class__",
    "",
    " ",
]

EXTREMES = [
    0,
    -0.0,
    0.0,
    -1,
    1,
    5e-324,
    -5e-324,
    1e-308,
    2.2250738585072014e-308,
    1e308,
    -1e308,
    math.nan,
    math.inf,
    -math.inf,
    10**400,
    -(10**400),
    2**53 + 1,
    2**63,
    10**20,
]
NUMERIC_TEXT = [
    "8e9",
    " 8e9 ",
    "4096",
    "0",
    "-0",
    "-1",
    "1e400",
    "-1e400",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "Infinity",
    "1_000",
    "0.45",
    ".5",
    "5.",
    "1e-400",
    "9" * 5000,
    "0x10",
    "1e",
    "+",
    "-",
]
JUNK = [
    "",
    "  ",
    "abc",
    "None",
    "null",
    "true",
    "False",
    "[]",
    "{}",
    "<img src=x onerror=alert(1)>",
    "\x00",
    "🚀",
    "H100 SXM",
    "GPT-4o",
    "meta-llama/Meta-Llama-3-8B",
]

any_number = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from(EXTREMES),
)
any_text = st.one_of(
    st.sampled_from(NUMERIC_TEXT + JUNK),
    any_number.map(repr),
    any_number.map(str),
    st.text(max_size=12),
)
hostile = st.one_of(
    any_number,
    any_text,
    st.booleans(),
    st.none(),
    st.sampled_from([[], {}, (), complex(1, 1), b"8e9", object()]),
)


def in_range(param) -> st.SearchStrategy:
    """Values a careful user would give: inside the declared range, as numbers or text."""
    if param.kind == "bool":
        return st.one_of(st.booleans(), st.sampled_from(["true", "False", "0", "1", "yes", "off"]))
    if param.kind == "choice":
        return st.sampled_from(param.choice_values())
    if param.kind == "int":
        lo, hi = int(math.ceil(param.low)), int(param.high)
        numbers = st.one_of(st.integers(lo, min(hi, 64)), st.integers(lo, hi), st.sampled_from([lo, hi]))
        return st.one_of(numbers, numbers, numbers.map(str))
    low = math.nextafter(param.low, math.inf) if param.low_open else param.low
    edges = [low, param.high, math.nextafter(param.high, -math.inf)]
    numbers = st.one_of(
        st.floats(
            min_value=param.low, max_value=param.high, exclude_min=param.low_open, allow_nan=False, allow_infinity=False
        ),
        st.sampled_from(edges),
    )
    return st.one_of(numbers, numbers, numbers.map(repr))


def value_for(param) -> st.SearchStrategy:
    valid = in_range(param)
    junk_choice = st.text(max_size=30) if param.kind == "choice" else st.nothing()
    return st.one_of(valid, valid, valid, junk_choice, hostile)


def presets() -> st.SearchStrategy:
    return st.one_of(
        st.none(), st.sampled_from(core.preset_names()), st.sampled_from(["", "llama", " "]), st.text(max_size=12)
    )


@st.composite
def call(draw, rid):
    recipe = RECIPES[rid]
    clean = draw(st.integers(0, 2)) < 2  # two calls in three use in-range values, to reach results
    params = {}
    for p in recipe.params:
        include = draw(st.integers(0, 9)) < (9 if p.required else 4)
        if include:
            params[p.name] = draw(in_range(p) if clean else value_for(p))
    declared = {p.name for p in recipe.params}
    unknown = []
    if draw(st.integers(0, 9)) == 0:
        unknown = [
            n
            for n in draw(st.lists(st.sampled_from(UNKNOWN_NAMES), min_size=1, max_size=3, unique=True))
            if n not in declared
        ]
        for name in unknown:
            params[name] = draw(hostile)
    if recipe.takes_preset:
        preset = draw(st.one_of(st.none(), presets()))
    else:
        preset = draw(st.one_of(st.none(), st.none(), st.none(), presets()))
    return params, preset, unknown


def check(rid, params, preset, unknown) -> str:
    """Run one call and check its outcome; return "result" or "error"."""
    declared = [p.name for p in RECIPES[rid].params]
    try:
        result = run_recipe(rid, preset=preset, **params)
    except InputError as err:
        allowed = set(declared) | {"preset"} | set(unknown)
        assert err.field in allowed, f"{rid}: error on {err.field!r}, which the caller never set: {err}"
        assert set(err.errors) <= allowed, err.errors
        assert err.field in str(err)
        if err.field != "preset":
            assert set(unknown) <= set(err.errors), f"unknown names not all reported: {err.errors}"
        return "error"
    assert not unknown, f"{rid} accepted unknown parameters {unknown}"
    data = result.to_dict()
    json.dumps(data, allow_nan=False)
    assert list(result.inputs) == declared
    assert list(data["inputs"]) == declared
    assert data["recipe_id"] == rid
    return "result"


def run_property(rid: str) -> None:
    outcomes = Counter()

    @settings(
        max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
    )
    @given(call(rid))
    def prop(drawn):
        outcomes[check(rid, *drawn)] += 1

    prop()
    # Guard against a property that holds only because everything is rejected.
    assert outcomes["result"] >= 15, f"{rid}: only {outcomes['result']} of {sum(outcomes.values())} calls answered"


@pytest.mark.parametrize("rid", list(RECIPES))
def test_recipe_answers_cleanly_or_names_the_field(rid):
    run_property(rid)
