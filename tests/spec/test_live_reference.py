"""Checks against the live reference module: the golden file is what the spec produces
today, and a few direct calls answer as the spec does (see conftest.py for the switch)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from test_recipes import ALL_CASES, CASE_IDS, SMOKE

from taf_widgets.core import run_recipe

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden" / "spec_cases.json"


def test_golden_file_is_what_the_spec_produces_today(spec_file, tmp_path, capsys):
    """Regenerating tests/golden/spec_cases.json from the spec gives the committed bytes."""
    loader = importlib.util.spec_from_file_location("make_golden", ROOT / "tools" / "make_golden.py")
    make_golden = importlib.util.module_from_spec(loader)
    loader.loader.exec_module(make_golden)
    out = tmp_path / "spec_cases.json"
    assert make_golden.main([str(spec_file), str(out)]) == 0, capsys.readouterr().err
    assert out.read_bytes() == GOLDEN.read_bytes(), (
        "tests/golden/spec_cases.json is out of date: run "
        "`python tools/make_golden.py $TAF_SPEC_PATH tests/golden/spec_cases.json`"
    )


def same(ours, theirs, path="result"):
    """Numbers equal exactly, dicts compared on the spec's keys, lists elementwise."""
    if theirs is None:
        assert ours is None, f"{path}: {ours!r} != None"
    elif isinstance(theirs, bool):
        assert ours is theirs, f"{path}: {ours!r} != {theirs!r}"
    elif isinstance(theirs, (int, float)):
        assert isinstance(ours, (int, float)) and not isinstance(ours, bool), f"{path}: {ours!r} is not a number"
        assert ours == theirs or (ours != ours and theirs != theirs), f"{path}: {ours!r} != {theirs!r}"
    elif isinstance(theirs, str):
        if path.endswith(".error"):
            return
        assert ours == theirs, f"{path}: {ours!r} != {theirs!r}"
    elif isinstance(theirs, dict):
        assert isinstance(ours, dict), f"{path}: {ours!r} is not a dict"
        for key, value in theirs.items():
            assert key in ours, f"{path}: missing key {key!r}"
            same(ours[key], value, f"{path}.{key}")
    elif isinstance(theirs, list):
        assert isinstance(ours, list) and len(ours) == len(theirs), f"{path}: {ours!r} vs {theirs!r}"
        for i, (a, b) in enumerate(zip(ours, theirs)):
            same(a, b, f"{path}[{i}]")
    else:
        raise AssertionError(f"{path}: unexpected spec value {theirs!r}")


@pytest.mark.parametrize("rid,params", SMOKE, ids=[rid for rid, _ in SMOKE])
def test_spec_smoke_calls_give_the_same_answer(rid, params, spec):
    theirs = spec.run_recipe(rid, **params)
    ours = run_recipe(rid, **params)
    assert ours.verdict == theirs["verdict"]
    assert len(ours.chain) >= len(theirs["chain"])
    for mine, its in zip(ours.chain, theirs["chain"]):
        assert (mine["step"], mine["section"], mine["name"]) == (its["step"], its["section"], its["name"])
        same(mine["result"], its["result"], f"{rid} step {its['step']}")
        if "breakdown" in its:
            same(mine["breakdown"], its["breakdown"], f"{rid} step {its['step']} breakdown")


@pytest.mark.parametrize("rid,params", ALL_CASES, ids=CASE_IDS)
def test_every_case_here_gives_the_spec_numbers_and_steps(rid, params, spec):
    theirs = spec.run_recipe(rid, **params)
    ours = run_recipe(rid, **params)
    assert ours.verdict == theirs["verdict"]
    assert [(s["step"], s["section"], s["name"]) for s in ours.chain][: len(theirs["chain"])] == [
        (s["step"], s["section"], s["name"]) for s in theirs["chain"]
    ]
    for mine, its in zip(ours.chain, theirs["chain"]):
        same(mine["result"], its["result"], f"{rid} step {its['step']}")
        if "breakdown" in its:
            same(mine["breakdown"], its["breakdown"], f"{rid} step {its['step']} breakdown")
