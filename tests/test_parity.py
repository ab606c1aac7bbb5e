"""Golden parity: every case the spec answers, we answer with the same numbers and verdict.

tests/golden/spec_cases.json is produced by tools/make_golden.py from the reference
spec. Numbers must be exactly equal (no tolerance): the formulas are the spec's.
"""

from __future__ import annotations

import inspect
import json
import math
from pathlib import Path

import pytest

import taf_widgets.core as core
from taf_widgets.core import run_recipe

GOLDEN = Path(__file__).resolve().parent / "golden" / "spec_cases.json"
NON_FINITE = {"inf": math.inf, "-inf": -math.inf, "nan": math.nan}
# String step results that are facts of the spec (regime labels, capability tiers).
STRING_KEYS = {"gpu"}


def _decode(value):
    if isinstance(value, str):
        return NON_FINITE.get(value, value)
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        return {k: _decode(v) for k, v in value.items()}
    return value


def _load():
    if not GOLDEN.is_file():
        return None
    with open(GOLDEN, encoding="utf-8") as fh:
        return json.load(fh)


_DATA = _load()
RECIPE_CASES = _DATA["recipe_cases"] if _DATA else []
FORMULA_CASES = _DATA["formula_cases"] if _DATA else []


@pytest.fixture(scope="module")
def golden():
    if _DATA is None:
        pytest.fail(
            f"{GOLDEN} is missing: run `python tools/make_golden.py "
            "../shared/spec/taf_browser_seed.py tests/golden/spec_cases.json`"
        )
    return _DATA


def same(ours, theirs, path: str, key: str | None = None) -> None:
    """Compare our value with the spec's.

    Numbers: exactly equal (int and float by value; NaN equals NaN). Dicts: every key
    the spec has must be in ours (ours may have more). Lists: elementwise. Strings:
    only under the "gpu" key or as a whole step result (regime labels, tiers); an
    "error" dict only needs an "error" key in ours.
    """
    if theirs is None:
        assert ours is None, f"{path}: ours {ours!r}, spec None"
    elif isinstance(theirs, bool):
        assert ours is theirs, f"{path}: ours {ours!r}, spec {theirs!r}"
    elif isinstance(theirs, (int, float)):
        assert isinstance(ours, (int, float)) and not isinstance(ours, bool), (
            f"{path}: ours {ours!r} is not a number, spec {theirs!r}"
        )
        both_nan = ours != ours and theirs != theirs
        assert ours == theirs or both_nan, f"{path}: ours {ours!r}, spec {theirs!r}"
    elif isinstance(theirs, str):
        if key is None or key in STRING_KEYS:
            assert ours == theirs, f"{path}: ours {ours!r}, spec {theirs!r}"
    elif isinstance(theirs, dict):
        assert isinstance(ours, dict), f"{path}: ours {ours!r} is not a dict, spec {theirs!r}"
        if "error" in theirs:
            assert "error" in ours, f"{path}: spec reports an error {theirs['error']!r}, ours {ours!r}"
            return
        assert "error" not in ours, f"{path}: ours reports an error {ours['error']!r}, spec {theirs!r}"
        for k, v in theirs.items():
            assert k in ours, f"{path}: our dict lacks the spec's key {k!r}"
            same(ours[k], v, f"{path}.{k}", k)
    elif isinstance(theirs, list):
        assert isinstance(ours, list), f"{path}: ours {ours!r} is not a list"
        assert len(ours) == len(theirs), f"{path}: {len(ours)} items, spec {len(theirs)}"
        for i, (a, b) in enumerate(zip(ours, theirs)):
            same(a, b, f"{path}[{i}]", key)
    else:  # pragma: no cover - the golden file holds JSON data only
        raise AssertionError(f"{path}: unexpected golden value {theirs!r}")


@pytest.mark.parametrize("case", RECIPE_CASES, ids=[c["id"] for c in RECIPE_CASES])
def test_recipe_case(case):
    result = run_recipe(case["recipe"], **case["params"])
    results = _decode(case["chain_results"])
    breakdowns = _decode(case["chain_breakdowns"])
    assert len(result.chain) >= len(results)
    assert [[s["step"], s["section"], s["name"]] for s in result.chain][: len(case["chain_steps"])] == case[
        "chain_steps"
    ], f"{case['id']}: the chain's steps, sections or names differ from the spec's"
    for n, (step, expected, breakdown) in enumerate(zip(result.chain, results, breakdowns), start=1):
        same(step["result"], expected, f"{case['id']} step {n} result")
        if breakdown is not None:
            assert "breakdown" in step, f"{case['id']} step {n}: the spec has a breakdown, ours none"
            same(step["breakdown"], breakdown, f"{case['id']} step {n} breakdown", "breakdown")
    assert result.verdict == case["verdict"]


@pytest.mark.parametrize("case", FORMULA_CASES, ids=[c["id"] for c in FORMULA_CASES])
def test_formula_case(case):
    ours = getattr(core, case["function"])(*case["args"], **case["kwargs"])
    same(ours, _decode(case["result"]), case["id"])


# ── the spec's signatures ────────────────────────────────────────────────────

SIGNATURES = _DATA["spec_facts"]["signatures"] if _DATA else {}
# The spec's public functions that are recipe internals or return JSON text for its own UI;
# our equivalents are run_recipe, list_recipes and list_presets, tested elsewhere.
NOT_FORMULAS = {
    "run_recipe",
    "list_recipes",
    "list_presets",
    "run_recipe_x1",
    "run_recipe_x2",
    "run_recipe_x3",
    "run_recipe_x5",
    "run_recipe_x19",
}
FORMULAS = sorted(set(SIGNATURES) - NOT_FORMULAS)


def test_every_public_spec_function_is_ours_or_named_as_not_a_formula():
    assert FORMULAS, "the golden file carries no signatures"
    missing = [name for name in FORMULAS if not callable(getattr(core, name, None))]
    assert not missing, f"the spec's public functions missing from taf_widgets.core: {missing}"


@pytest.mark.parametrize("name", FORMULAS)
def test_formula_accepts_the_spec_signature(name):
    """Our function takes the spec's parameters, in the spec's order, with the same names,
    so a call written against the spec works positionally and by keyword."""
    ours = [
        p
        for p in inspect.signature(getattr(core, name)).parameters.values()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    ]
    theirs = SIGNATURES[name]
    assert [p.name for p in ours][: len(theirs)] == [p["name"] for p in theirs]
    for mine, its in zip(ours, theirs):
        assert mine.kind.name == its["kind"], f"{name}({mine.name}): {mine.kind.name}, spec {its['kind']}"
        assert (mine.default is not mine.empty) == its["has_default"], f"{name}({mine.name}) default"
        if its["has_default"]:
            assert mine.default == _decode(its["default"]), f"{name}({mine.name}) default"
    assert all(p.default is not p.empty for p in ours[len(theirs) :]), f"{name}: extra parameters need defaults"


def _full_calls(name):
    """The golden cases of ``name`` with every spec parameter given: defaults filled in."""
    theirs = SIGNATURES[name]
    for case in FORMULA_CASES:
        if case["function"] != name:
            continue
        bound = dict(zip([p["name"] for p in theirs], case["args"]))
        bound.update(case["kwargs"])
        for p in theirs:
            if p["has_default"] and p["name"] not in bound:
                bound[p["name"]] = _decode(p["default"])
        if all(p["name"] in bound for p in theirs):
            yield case, [bound[p["name"]] for p in theirs], bound


CALLED = sorted({case["function"] for case in FORMULA_CASES})


def test_every_spec_formula_has_golden_cases():
    assert set(FORMULAS) - {"get_preset"} == set(CALLED)


def test_get_preset_takes_the_spec_argument_by_name(spec_facts):
    for name, row in spec_facts["presets"].items():
        assert core.get_preset(model_id=name) == core.get_preset(name) == row


@pytest.mark.parametrize("name", CALLED)
def test_formula_called_with_every_spec_argument_positionally_and_by_name(name):
    calls = list(_full_calls(name))
    assert calls, f"no golden case of {name} to call it with"
    fn = getattr(core, name)
    for case, args, kwargs in calls:
        expected = _decode(case["result"])
        same(fn(*args), expected, f"{case['id']} (positional)")
        same(fn(**kwargs), expected, f"{case['id']} (by name)")


# ── the golden file itself ───────────────────────────────────────────────────


def test_golden_file_is_substantial(golden):
    assert len(golden["recipe_cases"]) >= 300
    assert golden["formula_cases"]
    ids = [c["id"] for c in golden["recipe_cases"] + golden["formula_cases"]]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    assert golden["generated_from"]


def test_golden_covers_every_recipe_and_verdict(golden):
    seen = {}
    for case in golden["recipe_cases"]:
        seen.setdefault(case["recipe"], set()).add(case["verdict"])
    assert set(seen) == set(core.RECIPES)
    expected = {
        "X-1": {"YES (custom)", "NO (API)", "NO"},
        "X-2": {"YES", "DEGRADED", "NO"},
        "X-3": {"TINY-MODEL", "MEMORY-LIMITED", "GO"},
        "X-5": {"YES", "NO"},
        "X-19": {
            "USE SOFT DECAY",
            "USE D_f HARD CUTOFF",
            "USE SOFT DECAY (caveat)",
            "USE LITERATURE METHODS",
            "USE HARD T_train CUTOFF",
        },
    }
    for rid, verdicts in expected.items():
        assert verdicts <= seen[rid], f"{rid} lacks cases for {verdicts - seen[rid]}"


def test_golden_covers_every_preset(golden):
    for name in core.preset_names():
        row = core.get_preset(name)
        for rid in ("X-2", "X-19"):
            assert any(
                c["recipe"] == rid and all(c["params"].get(k) == v for k, v in row.items())
                for c in golden["recipe_cases"]
            ), f"no {rid} case with the preset {name}"


def test_golden_covers_every_gpu(golden):
    used = {c["params"].get("gpu") for c in golden["recipe_cases"]}
    used |= {a for c in golden["formula_cases"] for a in c["args"] + list(c["kwargs"].values()) if isinstance(a, str)}
    for name in core.gpu_names():
        assert name in used, f"no golden case names the GPU {name!r}"
    # X-5 ranks the whole catalog; its chain shows the five cheapest that fit, and the
    # golden cases must at least show a free card winning and an empty list.
    shown = [[row["gpu"] for row in c["chain_results"][3]] for c in golden["recipe_cases"] if c["recipe"] == "X-5"]
    assert any(rows and rows[0] == "RTX 5060Ti" for rows in shown)
    assert any(rows == [] for rows in shown)


def test_golden_covers_every_api_model(golden):
    used = {c["params"].get("api_model") for c in golden["recipe_cases"] if c["recipe"] == "X-1"}
    for name in core.api_model_names():
        assert name in used, f"no X-1 golden case uses the API model {name!r}"
