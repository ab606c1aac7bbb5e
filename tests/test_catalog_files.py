"""Custom catalogs from a JSON or TOML file: validated, merged over the bundled rows,
all-or-nothing, and each row's origin is the file it came from."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import taf_widgets.core as core
from taf_widgets.core import CATALOGS, InputError, load_catalog, run_recipe

REPO = Path(__file__).resolve().parents[1]

LAB_JSON = {
    "as_of": "2026-05, our lab's contract prices",
    "gpus": {"Lab H100": {"flops": 989, "vram_GB": 80, "bw_GB_s": 3350, "usd_h": 1.9, "tdp": 700}},
    "api_prices": {"Lab API": {"input": 0.4, "output": 1.2}},
    "presets": {
        "lab/model-7b": {
            "theta": 1000000,
            "T_train": 32768,
            "n_attention_heads": 32,
            "n_kv_heads": 8,
            "d_head": 128,
            "n_layers": 32,
            "n_params": 7.1e9,
            "has_SWA": False,
        }
    },
}

LAB_TOML = """
as_of = 2026-05-01

[gpus."Lab H100"]
flops = 989
vram_GB = 80
bw_GB_s = 3350
usd_h = 1.9

[api_prices."Lab API"]
input = 0.4
output = 1.2

[presets."lab/model-7b"]
theta = 1_000_000
T_train = 32768
n_attention_heads = 32
n_kv_heads = 8
d_head = 128
n_layers = 32
n_params = 7.1e9
"""


pytestmark = pytest.mark.usefixtures("restore_catalogs")  # tests here register catalog rows


def write(tmp_path: Path, name: str, content) -> Path:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


# ── loading ──────────────────────────────────────────────────────────────────


def test_json_file_adds_gpus_prices_and_presets(tmp_path):
    summary = load_catalog(write(tmp_path, "lab.json", LAB_JSON))
    assert summary["added"] == {"gpus": ["Lab H100"], "api_prices": ["Lab API"], "presets": ["lab/model-7b"]}
    assert summary["replaced"] == {"gpus": [], "api_prices": [], "presets": []}
    assert summary["file"] == "lab.json" and summary["as_of"] == LAB_JSON["as_of"]
    assert core.get_gpu("Lab H100")["usd_h"] == 1.9
    assert core.get_api_price("Lab API") == {"input": 0.4, "output": 1.2}
    assert core.get_preset("lab/model-7b")["theta"] == 1e6


def test_toml_file_loads_the_same_rows(tmp_path):
    load_catalog(write(tmp_path, "lab.json", LAB_JSON))
    from_json = (core.get_gpu("Lab H100"), core.get_api_price("Lab API"), core.get_preset("lab/model-7b"))
    summary = load_catalog(write(tmp_path, "lab.toml", LAB_TOML))
    assert summary["replaced"]["gpus"] == ["Lab H100"]
    assert summary["as_of"] == "2026-05-01"  # a TOML date reads as text
    gpu = core.get_gpu("Lab H100")
    assert {k: gpu[k] for k in ("flops", "vram_GB", "bw_GB_s", "usd_h")} == {
        k: from_json[0][k] for k in ("flops", "vram_GB", "bw_GB_s", "usd_h")
    }
    assert gpu["tdp"] == 0.0  # optional
    assert core.get_api_price("Lab API") == from_json[1]
    assert core.get_preset("lab/model-7b") == from_json[2]


def test_each_row_shows_the_file_it_came_from(tmp_path):
    load_catalog(write(tmp_path, "lab.json", LAB_JSON))
    assert core.row_origin("gpus", "Lab H100") == "lab.json"
    assert core.row_origin("api_prices", "Lab API") == "lab.json"
    assert core.row_origin("presets", "lab/model-7b") == "lab.json"
    assert core.row_origin("gpus", "H100 SXM") == "bundled"


def test_loaded_rows_come_after_the_bundled_ones(tmp_path):
    bundled = core.gpu_names()
    load_catalog(write(tmp_path, "lab.json", LAB_JSON))
    assert core.gpu_names() == [*bundled, "Lab H100"]


def test_loaded_rows_are_used_by_the_recipes(tmp_path):
    load_catalog(write(tmp_path, "lab.json", LAB_JSON))
    x1 = run_recipe("X-1", N_params=7e9, gpu="Lab H100", api_model="Lab API")
    assert x1.step(5)["result"] == (0.4 + 1.2) / 2
    x2 = run_recipe("X-2", preset="lab/model-7b", T_eval=32000)
    assert x2.inputs["theta"] == 1e6 and x2.preset == "lab/model-7b"
    assert "Lab H100" in core.get_recipe("X-3").param("gpu").choice_values()


def test_a_file_replaces_a_bundled_row_and_the_origin_says_so(tmp_path):
    before = run_recipe("X-3", gpu="H100 SXM")
    summary = load_catalog(
        write(
            tmp_path,
            "prices.json",
            {"gpus": {"H100 SXM": {"flops": 989, "vram_GB": 80, "bw_GB_s": 3350, "usd_h": 1.25, "tdp": 700}}},
        )
    )
    assert summary["replaced"]["gpus"] == ["H100 SXM"] and summary["added"]["gpus"] == []
    assert core.row_origin("gpus", "H100 SXM") == "prices.json"
    after = run_recipe("X-3", gpu="H100 SXM")
    assert after.step(1)["result"] == 2 * before.step(1)["result"]  # half the price, twice the hours


def test_as_of_is_optional_and_files_are_listed(tmp_path):
    load_catalog(write(tmp_path, "a.json", {"api_prices": {"A": {"input": 1, "output": 2}}}))
    load_catalog(write(tmp_path, "b.json", {"as_of": "May 2026", "api_prices": {"B": {"input": 1, "output": 2}}}))
    files = core.catalog_files()
    assert [(f["file"], f["as_of"]) for f in files] == [("a.json", None), ("b.json", "May 2026")]
    assert files[1]["rows"]["api_prices"] == ["B"]


def test_catalog_info_keeps_its_shape_after_a_load(tmp_path):
    load_catalog(write(tmp_path, "lab.json", LAB_JSON))
    info = core.catalog_info()
    assert set(info) == {"gpus", "api_prices", "presets"}
    assert info["gpus"]["rows"] == len(core.gpu_names())


def test_names_are_data(tmp_path):
    odd = '<img src=x onerror=alert(1)> "quoted" & ünï 🚀'
    load_catalog(write(tmp_path, "odd.json", {"api_prices": {odd: {"input": 1, "output": 2}}}))
    assert core.get_api_price(odd) == {"input": 1.0, "output": 2.0}


# ── validation: one bad row rejects the whole file ───────────────────────────


@pytest.mark.parametrize(
    "content, field",
    [
        ({"gpus": {"X": {"flops": -1, "vram_GB": 80, "bw_GB_s": 3350, "usd_h": 2}}}, "gpus['X'].flops"),
        ({"gpus": {"X": {"flops": "fast", "vram_GB": 80, "bw_GB_s": 3350, "usd_h": 2}}}, "gpus['X'].flops"),
        ({"gpus": {"X": {"flops": True, "vram_GB": 80, "bw_GB_s": 3350, "usd_h": 2}}}, "gpus['X'].flops"),
        ({"gpus": {"X": {"vram_GB": 80, "bw_GB_s": 3350, "usd_h": 2}}}, "gpus['X'].flops"),
        ({"gpus": {"X": {"flops": 1, "vram_GB": 80, "bw_GB_s": 3350, "usd_h": 2, "color": "red"}}}, "gpus['X'].color"),
        ({"gpus": {"X": {"flops": 1, "vram_GB": 80, "bw_GB_s": 3350, "usd_h": 2, "origin": "x"}}}, "gpus['X'].origin"),
        ({"gpus": {"X": {"flops": 1, "vram_GB": 80, "bw_GB_s": 3350, "usd_h": 2, "name": "Y"}}}, "gpus['X'].name"),
        ({"gpus": {"X": [1, 2, 3]}}, "gpus['X']"),
        ({"gpus": {"": {"flops": 1, "vram_GB": 80, "bw_GB_s": 3350, "usd_h": 2}}}, "gpus['']"),
        ({"gpus": [{"flops": 1}]}, "gpus"),
        ({"api_prices": {"A": {"input": 1}}}, "api_prices['A'].output"),
        ({"api_prices": {"A": {"input": -1, "output": 1}}}, "api_prices['A'].input"),
        ({"api_prices": {"A": {"input": 1e300, "output": 1}}}, "api_prices['A'].input"),
        ({"presets": {"p": {"theta": 1e4}}}, "presets['p'].T_train"),
        ({"presets": {"p": {**LAB_JSON["presets"]["lab/model-7b"], "n_kv_heads": 64}}}, "presets['p'].n_kv_heads"),
        ({"presets": {"p": {**LAB_JSON["presets"]["lab/model-7b"], "has_SWA": "maybe"}}}, "presets['p'].has_SWA"),
        ({"presets": {"p": {**LAB_JSON["presets"]["lab/model-7b"], "rope": 1}}}, "presets['p'].rope"),
        ({"gpu": {}}, "gpu"),
        ({"as_of": 2026, "gpus": {}}, "as_of"),
    ],
)
def test_a_bad_row_is_rejected_naming_section_row_and_field(tmp_path, content, field):
    with pytest.raises(InputError) as exc:
        load_catalog(write(tmp_path, "bad.json", content))
    assert exc.value.field == field, str(exc.value)
    assert "bad.json" in str(exc.value)


def test_nothing_is_registered_when_a_later_row_is_bad(tmp_path):
    before = CATALOGS.snapshot()
    content = {
        "gpus": {"Good GPU": {"flops": 1, "vram_GB": 80, "bw_GB_s": 3350, "usd_h": 2}},
        "api_prices": {"Good API": {"input": 1, "output": 2}},
        "presets": {"bad": {"theta": -1}},
    }
    with pytest.raises(InputError):
        load_catalog(write(tmp_path, "half.json", content))
    assert CATALOGS.snapshot() == before
    assert core.catalog_files() == []


def test_a_failed_replacement_keeps_the_bundled_row(tmp_path):
    content = {
        "gpus": {
            "H100 SXM": {"flops": 1, "vram_GB": 80, "bw_GB_s": 3350, "usd_h": 0.1},
            "Bad": {"flops": 0, "vram_GB": 80, "bw_GB_s": 3350, "usd_h": 0.1},
        }
    }
    with pytest.raises(InputError):
        load_catalog(write(tmp_path, "x.json", content))
    assert core.get_gpu("H100 SXM")["usd_h"] == 2.5 and core.row_origin("gpus", "H100 SXM") == "bundled"


@pytest.mark.parametrize(
    "name, text, why",
    [
        ("bad.json", "{not json", "not valid JSON"),
        ("bad.json", "[]", "JSON object"),
        ("bad.json", '{"gpus": {}, "gpus": {}}', "duplicate key"),
        ("bad.json", '{"api_prices": {"A": {"input": NaN, "output": 1}}}', "not valid JSON"),
        ("bad.json", "[" * 50_000 + "]" * 50_000, "JSON"),
        ("bad.toml", "[gpus\nflops = ", "not valid TOML"),
        ("bad.toml", "as_of = 'x'", "none of the sections"),
        ("bad.json", "{}", "none of the sections"),
        ("bad.yaml", "gpus: {}", ".json or .toml"),
    ],
)
def test_a_malformed_file_is_rejected_naming_path(tmp_path, name, text, why):
    with pytest.raises(InputError) as exc:
        load_catalog(write(tmp_path, name, text))
    assert exc.value.field == "path" and why in str(exc.value)


def test_toml_nan_is_rejected_by_field(tmp_path):
    with pytest.raises(InputError) as exc:
        load_catalog(write(tmp_path, "nan.toml", '[api_prices."A"]\ninput = nan\noutput = 1\n'))
    assert exc.value.field == "api_prices['A'].input"


def test_missing_file_folder_and_huge_file_are_rejected(tmp_path):
    for path in (tmp_path / "nope.json", tmp_path / "dir.json"):
        if path.name == "dir.json":
            path.mkdir()
        with pytest.raises(InputError) as exc:
            load_catalog(path)
        assert exc.value.field == "path"
    huge = tmp_path / "huge.json"
    huge.write_text('{"as_of": "' + "x" * 5_000_000 + '"}')
    with pytest.raises(InputError) as exc:
        load_catalog(huge)
    assert "bytes" in str(exc.value)


@pytest.mark.parametrize("path", [None, 42, "", ["a.json"]])
def test_what_is_not_a_path_is_rejected(path):
    with pytest.raises(InputError) as exc:
        load_catalog(path)
    assert exc.value.field == "path"


NO_TOML = """
import sys
class _Blocker:
    def find_spec(self, name, path=None, target=None):
        if name in ("tomllib", "tomli"):
            raise ImportError("blocked: " + name)
        return None
sys.meta_path.insert(0, _Blocker())
from taf_widgets.core import InputError, load_catalog
try:
    load_catalog(sys.argv[1])
except InputError as exc:
    print("field:", exc.field)
    print("message:", exc)
print("json rows:", load_catalog(sys.argv[2])["added"]["api_prices"])
"""


def test_toml_without_tomllib_or_tomli_says_json_works(tmp_path):
    toml_file = write(tmp_path, "lab.toml", LAB_TOML)
    json_file = write(tmp_path, "lab.json", LAB_JSON)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run(
        [sys.executable, "-c", NO_TOML, str(toml_file), str(json_file)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "field: path" in proc.stdout
    assert "tomli" in proc.stdout and ".json catalog works" in proc.stdout
    assert "json rows: ['Lab API']" in proc.stdout


def test_a_folder_is_not_a_file_and_a_nul_byte_is_not_a_path(tmp_path):
    folder = tmp_path / "dir.json"
    folder.mkdir()
    with pytest.raises(InputError) as exc:
        load_catalog(folder)
    assert str(exc.value).endswith("must be a file")
    with pytest.raises(InputError) as exc:
        load_catalog("lab\x00.json")
    assert exc.value.field == "path"


def test_non_utf8_file_is_rejected(tmp_path):
    path = tmp_path / "lab.json"
    path.write_bytes(b"\xff\xfe{}")
    with pytest.raises(InputError) as exc:
        load_catalog(path)
    assert "UTF-8" in str(exc.value)
