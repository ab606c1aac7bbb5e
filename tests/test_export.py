"""Exports: Markdown and JSON contents, a self-contained HTML report, hostile names made
inert, and to_code that reruns to the same result."""

from __future__ import annotations

import ast
import json
import re
from html.parser import HTMLParser

import pytest

import taf_widgets.core as core
import taf_widgets.core.catalogs as catalogs
from taf_widgets.cli import main
from taf_widgets.core import RECIPES, InputError, run_recipe, to_code, to_html, to_json, to_markdown
from taf_widgets.core.export import export
from taf_widgets.core.report_charts import chart_specs, tick_label

LLAMA = "meta-llama/Meta-Llama-3-8B"
HOSTILE = "<img src=x onerror=alert(1)><script>alert(2)</script>|`**_[x](javascript:alert(3))"

# Inputs that reach every branch worth drawing: go, caution, no, Phase B, nothing fits, never breaks even.
CASES = [
    ("X-1", dict(preset=LLAMA, monthly_tokens_M=3000.0)),
    ("X-1", dict(N_params=7e9, api_model="GPT-4o-mini")),
    ("X-1", dict(N_params=7e10, monthly_tokens_M=1e6, D_tokens=1e12)),
    ("X-2", dict(preset=LLAMA, T_eval=32000)),
    ("X-2", dict(preset=LLAMA, T_eval=70000)),
    ("X-2", dict(preset="mistralai/Mistral-7B-v0.1", T_eval=40_000_000)),
    ("X-3", dict()),
    ("X-3", dict(USD_budget=100.0)),
    ("X-3", dict(USD_budget=1e9, n_gpus=64)),
    ("X-5", dict(preset="Qwen/Qwen2.5-7B")),
    ("X-5", dict(N_params=4e11)),
    ("X-5", dict(N_params=7e9, bytes_per_weight=0.5, concurrent_users=16, T_eval=131072)),
    ("X-19", dict(preset=LLAMA)),
    ("X-19", dict(preset="google/gemma-2-9b-it", T_eval=4096)),
    ("X-19", dict(preset=LLAMA, T_eval=80000)),
    ("X-19", dict(preset="EleutherAI/pythia-1b", T_eval=100_000)),
]
IDS = [f"{rid}-{i}" for i, (rid, _) in enumerate(CASES)]


pytestmark = pytest.mark.usefixtures("restore_catalogs")  # tests here register catalog rows


class _Page(HTMLParser):
    """Tags, attributes and text of an HTML page, as a browser's tokenizer sees them."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def count(self, tag: str, **attrs) -> int:
        return sum(1 for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items()))


def _hostile_result():
    core.register_gpu(HOSTILE, flops=500, vram_GB=1000, bw_GB_s=20000, usd_h=0.5)
    core.register_api_model(HOSTILE, input=1, output=2)
    core.register_preset(HOSTILE, **core.get_preset(LLAMA))
    return [
        run_recipe("X-1", N_params=7e9, gpu=HOSTILE, api_model=HOSTILE),
        run_recipe("X-2", preset=HOSTILE, T_eval=32000),
        run_recipe("X-5", N_params=4e11),
    ]


# ── JSON ─────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("rid, kwargs", CASES, ids=IDS)
def test_json_is_exactly_the_result_dict(rid, kwargs):
    result = run_recipe(rid, **kwargs)
    assert json.loads(to_json(result)) == result.to_dict()


def test_json_is_strict_and_keeps_unicode():
    text = to_json(run_recipe("X-2", preset=LLAMA, T_eval=40_000_000))
    assert "NaN" not in text and "Infinity" not in text
    assert "γ" in text


# ── Markdown ─────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("rid, kwargs", CASES, ids=IDS)
def test_markdown_has_verdict_reason_mitigation_notes_inputs_and_chain(rid, kwargs):
    result = run_recipe(rid, **kwargs)
    text = to_markdown(result)
    assert text.startswith(f"# {rid} · ")
    plain = text.replace("\\", "")
    assert f"**Verdict: {result.verdict}**" in plain
    assert result.reason.replace("\\", "") in plain and result.mitigation in plain
    for note in result.notes:
        assert f"- {note}" in plain
    for name in result.inputs:
        assert f"| `{name}` |" in text
    chain_rows = [line for line in text.splitlines() if re.match(r"^\| \d+ \|", line)]
    assert len(chain_rows) == len(result.chain)
    for row, step in zip(chain_rows, result.chain):
        assert step["section"] in row and step["name"] in row.replace("\\", "")


def test_markdown_shows_numbers_with_units():
    text = to_markdown(run_recipe("X-2", preset=LLAMA, T_eval=32000))
    assert "47,781 tokens" in text and "4.19 GB" in text and "| `T_eval` | 32,000 tokens |" in text


def test_markdown_ends_with_the_code_that_reruns_it():
    result = run_recipe("X-2", preset=LLAMA, T_eval=32000)
    assert f"```python\n{to_code(result)}```" in to_markdown(result)


def test_markdown_makes_hostile_names_inert():
    for result in _hostile_result():
        text = to_markdown(result)
        outside_code = re.sub(r"```.*?```", "", text, flags=re.S)
        outside_code = re.sub(r"`[^`\n]*`", "", outside_code)
        assert "<img" not in outside_code and "<script" not in outside_code
        assert not re.search(r"(?<!\\)\]\(javascript", outside_code)  # escaped brackets make no link
        for line in text.splitlines():
            if line.startswith("| ") and not line.startswith("|---"):
                cells = re.split(r"(?<!\\)\|", line)
                assert len(cells) in (4, 8), line  # 2 or 6 columns: a name cannot add a cell


# ── HTML ─────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("rid, kwargs", CASES, ids=IDS)
def test_html_is_self_contained(rid, kwargs):
    text = to_html(run_recipe(rid, **kwargs))
    page = _Page(text)
    assert not re.search(r"https?://", text)
    assert "<script" not in text.lower() and page.count("script") == 0
    for tag, attrs in page.tags:
        assert not {"src", "href", "srcset", "action", "formaction"} & set(attrs), (tag, attrs)
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
    assert page.count("link") == 0 and page.count("iframe") == 0 and page.count("object") == 0
    csp = [a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in csp[0]


@pytest.mark.parametrize("rid, kwargs", CASES, ids=IDS)
def test_html_has_verdict_notes_chain_table_and_one_svg_per_chart(rid, kwargs):
    result = run_recipe(rid, **kwargs)
    text = to_html(result)
    page = _Page(text)
    body = " ".join(page.text)
    assert result.verdict in body and result.reason in body and result.mitigation in body
    assert all(note in body for note in result.notes)
    assert page.count("section", **{"data-tone": result.tone}) == 1
    chain = text[text.index('data-role="chain"') :]
    assert chain[: chain.index("</table>")].count("<tr>") == len(result.chain) + 1
    evidence = 2 if 'data-role="evidence"' in text else 0  # the Prediction vs measurement charts
    assert page.count("svg") == len(chart_specs(result)) + evidence
    assert all(step["name"] in body for step in result.chain)


@pytest.mark.parametrize("rid, kwargs", CASES, ids=IDS)
def test_html_charts_have_titled_axes_and_finite_coordinates(rid, kwargs):
    result = run_recipe(rid, **kwargs)
    text = to_html(result)
    for spec in chart_specs(result):
        assert spec.x_label and spec.y_label
        assert f">{spec.x_label}</text>" in text.replace("&#x27;", "'")
    for svg in re.findall(r"<svg.*?</svg>", text, flags=re.S):
        attrs = " ".join(re.findall(r'(?:points|x|y|x1|x2|y1|y2|cx|cy|width|height)="([^"]*)"', svg))
        assert "nan" not in attrs.lower() and "inf" not in attrs.lower()


def test_x2_chart_marks_gamma_bounds_horizon_niah_and_operating_point():
    text = to_html(run_recipe("X-2", preset=LLAMA, T_eval=32000))
    for label in (
        "γ = 0",
        "γ = 1",
        "γ_Padé",
        "γ corrected",
        "d_horizon = 47,781",
        "L_NIAH = 95,562",
        "operating point",
    ):
        assert label in text
    assert 'data-chart="gamma"' in text and 'data-chart="kv"' in text
    assert "context length (tokens)" in text and "KV cache (GB)" in text


def test_x1_chart_shows_api_custom_and_break_even():
    text = to_html(run_recipe("X-1", preset=LLAMA, monthly_tokens_M=3000.0))
    assert "API" in text and "custom (train + serve)" in text and "break-even at 1.4 months" in text
    assert "cumulative cost (USD)" in text and ">months<" in text


def test_x5_chart_highlights_the_best_gpu():
    result = run_recipe("X-5", preset="Qwen/Qwen2.5-7B")
    best = result.step(4)["result"][0]["gpu"]
    spec = chart_specs(result)[0]
    bars = spec.series[0]
    assert bars.colors[bars.x.index(best)] != bars.colors[(bars.x.index(best) + 1) % len(bars.x)]
    assert "USD per million tokens" in to_html(result)


def test_x5_with_nothing_that_fits_says_so():
    assert "no GPU in the catalog has enough memory" in to_html(run_recipe("X-5", N_params=4e11))


def test_x19_chart_marks_d_f_and_horizon():
    result = run_recipe("X-19", preset=LLAMA, T_eval=80000)
    text = to_html(result)
    assert f"D_f window = {result.step(3)['result']:,}" in text and "d_horizon = " in text


def test_html_makes_hostile_names_inert():
    for result in _hostile_result():
        text = to_html(result)
        page = _Page(text)
        assert page.count("img") == 0 and page.count("script") == 0
        assert "<img" not in text and "<script" not in text
        assert any(HOSTILE in chunk or "<img src=x" in chunk for chunk in page.text)  # shown as text


def test_tick_labels_follow_the_widget_formats():
    assert tick_label(1000, "~s") == "1k" and tick_label(2e9, "~s") == "2G"
    assert tick_label(150000, "$~s") == "$150k" and tick_label(0.25, "~g") == "0.25"
    assert tick_label(-1, "~g") == "−1" and tick_label(1e-7, "~g") == "1e-7"


# ── to_code ──────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("rid, kwargs", CASES, ids=IDS)
def test_to_code_exec_reproduces_the_result(rid, kwargs):
    result = run_recipe(rid, **kwargs)
    code = to_code(result)
    ast.parse(code)
    namespace: dict = {}
    exec(compile(code, "<to_code>", "exec"), namespace)
    assert namespace["result"].to_dict() == result.to_dict()


def test_to_code_names_the_preset_and_leaves_out_defaults():
    code = to_code(run_recipe("X-2", preset=LLAMA, T_eval=32000))
    assert "run_recipe('X-2', preset='meta-llama/Meta-Llama-3-8B', T_eval=32000)" in code
    assert "theta" not in code and "bytes_per_element" not in code


def test_to_code_writes_changed_preset_values():
    code = to_code(run_recipe("X-2", preset=LLAMA, T_eval=32000, has_SWA=True))
    assert "has_SWA=True" in code


def test_to_code_registers_custom_rows_so_a_fresh_session_reruns_it():
    core.register_gpu("Lab GPU", flops=400, vram_GB=96, bw_GB_s=4000, usd_h=1.25, tdp=500)
    core.register_api_model("Lab API", input=0.5, output=1.5)
    core.register_preset("lab/model-7b", **{**core.get_preset(LLAMA), "theta": 1e6})
    results = [
        run_recipe("X-1", N_params=7e9, gpu="Lab GPU", api_model="Lab API"),
        run_recipe("X-2", preset="lab/model-7b", T_eval=64000),
        run_recipe("X-5", preset="lab/model-7b"),
    ]
    codes = [to_code(r) for r in results]
    # A fresh session: the custom rows are gone until the code registers them.
    for table, name in (
        (catalogs.CATALOGS.gpus, "Lab GPU"),
        (catalogs.CATALOGS.api_prices, "Lab API"),
        (catalogs.CATALOGS.presets, "lab/model-7b"),
    ):
        del table[name]
    for result, code in zip(results, codes):
        namespace: dict = {}
        exec(code, namespace)
        assert namespace["result"].to_dict() == result.to_dict()
    assert "register_gpu(" in codes[0] and "'Lab GPU'" in codes[0]
    assert "register_api_model('Lab API'" in codes[0]
    assert "register_preset(" in codes[1] and "'lab/model-7b'" in codes[1]


def test_to_code_keeps_hostile_names_as_string_literals():
    for result in _hostile_result():
        code = to_code(result)
        tree = ast.parse(code)
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
        names = {n.func.id for n in calls if isinstance(n.func, ast.Name)}
        assert names <= {"run_recipe", "register_gpu", "register_api_model", "register_preset"}
        namespace: dict = {}
        exec(code, namespace)
        assert namespace["result"].to_dict() == result.to_dict()


# ── the same from Python and the CLI ─────────────────────────────────────────


def test_export_dispatches_by_format_and_rejects_others():
    result = run_recipe("X-3")
    assert export(result, "md") == to_markdown(result) and export(result, "json") == to_json(result)
    assert export(result, "html").startswith("<!DOCTYPE html>")
    with pytest.raises(InputError) as exc:
        export(result, "pdf")
    assert exc.value.field == "format"


@pytest.mark.parametrize("func", [to_markdown, to_json, to_html, to_code])
def test_exports_reject_what_is_not_a_result(func):
    with pytest.raises(InputError) as exc:
        func({"verdict": "YES"})
    assert exc.value.field == "result"


def test_cli_markdown_equals_the_python_export(capsys):
    assert main(["run", "X-2", "--preset", LLAMA, "--T_eval", "32000", "--format", "md"]) == 0
    out = capsys.readouterr().out
    assert out == to_markdown(run_recipe("X-2", preset=LLAMA, T_eval=32000)) + "\n"


def test_every_recipe_exports_in_every_format():
    for rid in RECIPES:
        result = run_recipe(rid, **({} if rid == "X-3" else {"preset": LLAMA}))
        for fmt in ("md", "json", "html"):
            assert export(result, fmt)
