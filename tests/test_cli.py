"""The taf-widgets command: listings, runs, JSON output, flags from declarations, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from taf_widgets.cli import main
from taf_widgets.core import RECIPES, gpu_names, preset_names, run_recipe


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_shows_every_recipe(capsys):
    code, out, _ = run(capsys, "list")
    assert code == 0
    for rid, recipe in RECIPES.items():
        assert rid in out and recipe.name in out


def test_presets_and_gpus_list_every_row_with_the_as_of_note(capsys):
    _, out, _ = run(capsys, "presets")
    assert all(name in out for name in preset_names()) and "as of:" in out
    _, out, _ = run(capsys, "gpus")
    assert all(name in out for name in gpu_names()) and "as of:" in out


def test_run_prints_verdict_reason_mitigation_notes_and_the_chain(capsys):
    code, out, _ = run(capsys, "run", "X-2", "--preset", "meta-llama/Meta-Llama-3-8B", "--T_eval", "32000")
    assert code == 0
    expected = run_recipe("X-2", preset="meta-llama/Meta-Llama-3-8B", T_eval=32000)
    assert f"Verdict:    {expected.verdict}" in out
    assert expected.reason in out and expected.mitigation in out
    assert all(note in out for note in expected.notes)
    for step in expected.chain:
        assert step["section"] in out and step["name"] in out
    assert "47,781 tokens" in out and "4.19 GB" in out  # units and separators for people


def test_run_json_equals_the_core_result(capsys):
    code, out, _ = run(capsys, "run", "X-1", "--N_params", "7e9", "--api_model", "GPT-4o-mini", "--json")
    assert code == 0
    assert json.loads(out) == run_recipe("X-1", N_params=7e9, api_model="GPT-4o-mini").to_dict()


@pytest.mark.parametrize("rid", list(RECIPES))
def test_every_declared_parameter_is_a_flag_with_its_help(capsys, rid):
    with pytest.raises(SystemExit) as exc:
        main(["run", rid, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for p in RECIPES[rid].params:
        assert f"--{p.name}" in out
    assert ("--preset" in out) == RECIPES[rid].takes_preset


def test_bool_flags_read_false_as_false(capsys):
    code, out, _ = run(capsys, "run", "X-2", "--preset", "mistralai/Mistral-7B-v0.1", "--has_SWA", "false", "--json")
    assert code == 0 and json.loads(out)["inputs"]["has_SWA"] is False


@pytest.mark.parametrize("argv, field", [
    (["run", "X-2", "--preset", "meta-llama/Meta-Llama-3-8B", "--T_eval", "-5"], "T_eval"),
    (["run", "X-2", "--preset", "meta-llama/Meta-Llama-3-8B", "--T_eval", "abc"], "T_eval"),
    (["run", "X-3", "--gpu", "RTX 5060Ti"], "gpu"),
    (["run", "X-1"], "N_params"),
    (["run", "X-2", "--preset", "no/such-model"], "preset"),
])
def test_bad_input_exits_2_with_one_line_naming_the_field(capsys, argv, field):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and field in lines[0] and "Traceback" not in err


@pytest.mark.parametrize("argv", [["run", "X-2", "--T_evl", "5"], ["run", "X-9"], ["run"], ["frobnicate"]])
def test_bad_usage_exits_2_with_one_line(capsys, argv):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_the_installed_console_script_runs():
    script = Path(sys.executable).parent / "taf-widgets"
    assert script.exists(), f"console script missing next to {sys.executable}: is the package installed?"
    done = subprocess.run([str(script), "run", "X-3", "--USD_budget", "1e6"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert f"Verdict:    {run_recipe('X-3', USD_budget=1e6).verdict}" in done.stdout
