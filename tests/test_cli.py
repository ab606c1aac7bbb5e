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


@pytest.mark.parametrize(
    "argv, field",
    [
        (["run", "X-2", "--preset", "meta-llama/Meta-Llama-3-8B", "--T_eval", "-5"], "T_eval"),
        (["run", "X-2", "--preset", "meta-llama/Meta-Llama-3-8B", "--T_eval", "abc"], "T_eval"),
        (["run", "X-3", "--gpu", "RTX 5060Ti"], "gpu"),
        (["run", "X-1"], "N_params"),
        (["run", "X-2", "--preset", "no/such-model"], "preset"),
    ],
)
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
    done = subprocess.run(
        [str(script), "run", "X-3", "--USD_budget", "1e6"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert f"Verdict:    {run_recipe('X-3', USD_budget=1e6).verdict}" in done.stdout


# ── exports, custom catalogs and config.json (added with the export/catalog/config work) ──

CONFIGS = Path(__file__).parent / "fixtures" / "configs"
LAB_CATALOG = {
    "as_of": "2026-05",
    "gpus": {"Lab GPU": {"flops": 500, "vram_GB": 96, "bw_GB_s": 4000, "usd_h": 1.5}},
    "api_prices": {"Lab API": {"input": 0.2, "output": 0.8}},
}


def test_format_json_equals_the_core_result_and_json_stays_its_alias(capsys):
    expected = run_recipe("X-2", preset="meta-llama/Meta-Llama-3-8B", T_eval=32000).to_dict()
    for flag in (["--format", "json"], ["--json"], ["--json", "--format", "json"]):
        code, out, _ = run(capsys, "run", "X-2", "--preset", "meta-llama/Meta-Llama-3-8B", "--T_eval", "32000", *flag)
        assert code == 0 and json.loads(out) == expected


def test_format_md_prints_the_markdown_export(capsys):
    from taf_widgets.core import to_markdown

    code, out, _ = run(capsys, "run", "X-3", "--USD_budget", "1e6", "--format", "md")
    assert code == 0 and out == to_markdown(run_recipe("X-3", USD_budget=1e6)) + "\n"


def test_format_html_with_output_writes_a_standalone_report(capsys, tmp_path):
    target = tmp_path / "report.html"
    code, out, err = run(
        capsys, "run", "X-5", "--preset", "Qwen/Qwen2.5-7B", "--format", "html", "--output", str(target)
    )
    assert code == 0 and out == "" and str(target) in err
    html = target.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html and "<script" not in html
    assert run_recipe("X-5", preset="Qwen/Qwen2.5-7B").verdict in html


def test_json_and_a_different_format_disagree(capsys):
    code, out, err = run(capsys, "run", "X-3", "--json", "--format", "md")
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1


def test_output_to_a_missing_folder_exits_2_with_one_line(capsys, tmp_path):
    code, out, err = run(
        capsys, "run", "X-3", "--output", str(tmp_path / "no" / "such" / "dir" / "r.md"), "--format", "md"
    )
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_catalog_flag_loads_rows_before_running(capsys, tmp_path, restore_catalogs):
    lab = tmp_path / "lab.json"
    lab.write_text(json.dumps(LAB_CATALOG))
    extra = tmp_path / "extra.toml"
    extra.write_text('[api_prices."Extra API"]\ninput = 1.0\noutput = 3.0\n')
    code, out, _ = run(
        capsys,
        "run",
        "X-1",
        "--N_params",
        "7e9",
        "--gpu",
        "Lab GPU",
        "--api_model",
        "Extra API",
        "--catalog",
        str(lab),
        "--catalog",
        str(extra),
        "--json",
    )
    assert code == 0
    result = json.loads(out)
    assert result["inputs"]["gpu"] == "Lab GPU" and result["chain"][4]["result"] == 2.0


def test_listings_show_each_rows_origin_and_the_loaded_files(capsys, tmp_path, restore_catalogs):
    lab = tmp_path / "lab.json"
    lab.write_text(json.dumps(LAB_CATALOG))
    _, out, _ = run(capsys, "gpus", "--catalog", str(lab))
    line = next(row for row in out.splitlines() if row.startswith("Lab GPU"))
    assert line.rstrip().endswith("lab.json")
    assert next(row for row in out.splitlines() if row.startswith("H100 SXM")).rstrip().endswith("bundled")
    assert "loaded: lab.json (as of 2026-05)" in out
    _, out, _ = run(capsys, "prices")
    assert "Lab API" in out and "GPT-4o" in out and "origin" in out


def test_a_bad_catalog_exits_2_with_one_line_naming_the_field(capsys, tmp_path, restore_catalogs):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"gpus": {"X": {"flops": -1, "vram_GB": 1, "bw_GB_s": 1, "usd_h": 1}}}))
    for argv in (["run", "X-3", "--catalog", str(bad)], ["gpus", "--catalog", str(bad)]):
        code, out, err = run(capsys, *argv)
        assert code == 2 and out == ""
        assert len(err.strip().splitlines()) == 1 and "gpus['X'].flops" in err


def test_config_prints_the_derived_preset_with_its_exact_count(capsys):
    code, out, _ = run(capsys, "config", str(CONFIGS / "Qwen2.5-7B"))
    assert code == 0
    assert "qwen2" in out and "7,615,616,512" in out and "1,000,000" in out
    assert "use_sliding_window is false" in out  # the notes are shown


def test_config_json_is_the_preset_as_data(capsys):
    from taf_widgets.core import preset_from_config

    code, out, _ = run(capsys, "config", str(CONFIGS / "Meta-Llama-3-8B" / "config.json"), "--json")
    assert code == 0
    assert json.loads(out)["params"] == preset_from_config(CONFIGS / "Meta-Llama-3-8B").params


def test_a_bad_config_exits_2_with_one_line_naming_the_field(capsys, tmp_path):
    bad = tmp_path / "config.json"
    bad.write_text(json.dumps({"model_type": "llama", "hidden_size": -1}))
    code, out, err = run(capsys, "config", str(bad))
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1 and "hidden_size" in err


def test_run_with_config_uses_it_as_the_architecture(capsys):
    from taf_widgets.core import preset_from_config

    code, out, _ = run(
        capsys, "run", "X-2", "--config", str(CONFIGS / "Mistral-7B-v0.1"), "--T_eval", "16000", "--json"
    )
    assert code == 0
    got = json.loads(out)
    derived = preset_from_config(CONFIGS / "Mistral-7B-v0.1")
    expected = run_recipe("X-2", **derived.recipe_params("X-2", T_eval=16000))
    assert got["inputs"] == expected.to_dict()["inputs"] and got["chain"] == expected.to_dict()["chain"]
    assert any(n.startswith("config.json: ") and "sliding_window" in n for n in got["notes"])


def test_config_and_preset_together_exit_2(capsys):
    code, out, err = run(
        capsys, "run", "X-2", "--config", str(CONFIGS / "Mistral-7B-v0.1"), "--preset", "mistralai/Mistral-7B-v0.1"
    )
    assert code == 2 and "config" in err and len(err.strip().splitlines()) == 1
