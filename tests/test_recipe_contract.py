"""The contract every registered recipe keeps: it runs, reads by key, exports in every
format, sweeps, writes code that reruns it, runs from the CLI, drives a RecipeWidget, a
CompareWidget (where it compares models), the ModelCard (where it sits on it) and its
dashboard tab. A toy recipe (tests/toy_recipe.py) joins with one registry line."""

from __future__ import annotations

import json

import pytest
from toy_recipe import TOY  # tests/ is on the path, as for conftest.py

from taf_widgets import CompareWidget, ModelCard, RecipeWidget
from taf_widgets.cli import main as cli_main
from taf_widgets.core import InputError, run_recipe, sweep, to_code
from taf_widgets.core.export import FORMATS, export
from taf_widgets.core.recipes import ALL_RECIPES, get_recipe, register_recipe, unregister_recipe
from taf_widgets.core.report_charts import chart_specs
from taf_widgets.core.summary import key_numbers
from taf_widgets.core.sweep import sweep_columns
from taf_widgets.dashboard import dashboard, default_tabs

LLAMA, QWEN = "meta-llama/Meta-Llama-3-8B", "Qwen/Qwen2.5-7B"
RECIPE_IDS = [*ALL_RECIPES, TOY.id]


@pytest.fixture(params=RECIPE_IDS)
def recipe(request):
    """Each registered recipe, and the toy one registered for the test."""
    if request.param == TOY.id:
        register_recipe(TOY)  # the one registry line a new recipe needs
        yield TOY
        unregister_recipe(TOY.id)
    else:
        yield get_recipe(request.param)


def _args(recipe) -> dict:
    """A preset where the recipe takes one, and an example for each required value left."""
    args = {"preset": LLAMA} if recipe.takes_preset else {}
    for p in recipe.params:
        if p.required and not p.preset_key and not p.preset_default:
            args[p.name] = p.example
    return args


def _numeric(recipe, values: dict):
    """A number the recipe takes that no preset fills and that has a value here."""
    return next(
        p for p in recipe.params if p.kind in ("int", "float") and not p.preset_key and values.get(p.name) is not None
    )


def test_runs_and_is_read_by_step_key(recipe):
    result = run_recipe(recipe.id, **_args(recipe))
    keys = [s["key"] for s in result.chain]
    assert len(keys) == len(set(keys)) and all(isinstance(k, str) and k for k in keys)
    assert [s["step"] for s in result.chain] == list(range(1, len(keys) + 1))
    for s in result.chain:
        assert result.value(s["key"]) is s["result"]
    with pytest.raises(KeyError, match="its steps"):
        result.value("no such step")
    assert result.verdict in recipe.tones, f"{recipe.id} gives a verdict its tones do not declare"
    assert result.tone == recipe.tones[result.verdict]
    assert isinstance(result.mode, str) and result.mode
    numbers = key_numbers(result)
    assert numbers and [n["key"] for n in numbers] == [f.key for f in recipe.facts]
    assert json.loads(result.to_json()) == result.to_dict()
    assert 0 <= result.confidence["percent"] <= 100


def test_every_export_format_and_code_that_reruns_it(recipe):
    result = run_recipe(recipe.id, **_args(recipe))
    for fmt in FORMATS:
        text = export(result, fmt)
        assert result.verdict in text, fmt
    assert json.loads(export(result, "json")) == result.to_dict()
    html = export(result, "html")
    charts = html.split('data-role="charts"', 1)[1].split("</div>", 1)[0]
    assert f'data-recipe="{recipe.id}"' in html and charts.count("<svg") == len(chart_specs(result)) > 0
    namespace: dict = {}
    exec(compile(to_code(result), "<to_code>", "exec"), namespace)  # it asserts the verdict itself
    assert namespace["result"].to_dict() == {**result.to_dict(), "preset": namespace["result"].preset}


def test_sweep_rows_hold_the_declared_columns(recipe):
    inputs = run_recipe(recipe.id, **_args(recipe)).inputs
    param = _numeric(recipe, inputs)
    base = inputs[param.name]
    values = [base, base * 2 if param.high is None or base * 2 <= param.high else base / 2]
    if param.kind == "int":
        values = [int(v) for v in values]
    rows = sweep(recipe.id, param.name, values, **_args(recipe))
    assert [list(row) for row in rows] == [sweep_columns(recipe.id, param.name)] * 2
    single = run_recipe(recipe.id, **_args(recipe), **{param.name: values[1]})
    assert rows[1]["verdict"] == single.verdict


def test_cli_runs_it(recipe, capsys):
    flags = [f"--preset={LLAMA}"] if recipe.takes_preset else []
    flags += [f"--{k}={v}" for k, v in _args(recipe).items() if k != "preset"]
    assert cli_main(["run", recipe.id, *flags, "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["recipe_id"] == recipe.id
    assert out["verdict"] == run_recipe(recipe.id, **_args(recipe)).verdict


def test_recipe_widget_runs_it_and_draws_its_charts(recipe):
    w = RecipeWidget(recipe.id, **_args(recipe))
    try:
        assert w.result["recipe_id"] == recipe.id and not w.errors
        assert len(w.charts) == len(chart_specs(run_recipe(recipe.id, **_args(recipe))))
        param = _numeric(recipe, w.params)
        revision = w.revision
        value = w.params[param.name]
        w.set(**{param.name: value + 1 if param.kind == "int" else value * 0.5})
        assert w.revision == revision + 1 and not w.stale
    finally:
        w.close()


def test_compare_widget_takes_it_when_it_compares_models(recipe):
    if recipe.compare is None or not recipe.takes_preset:
        with pytest.raises(InputError) as exc:
            CompareWidget(recipe.id, presets=[LLAMA, QWEN])
        assert exc.value.field == "recipe_id"
        return
    w = CompareWidget(recipe.id, presets=[LLAMA, QWEN])
    try:
        assert [r["recipe_id"] for r in w.results] == [recipe.id] * 2
        lines = w.charts[0].marks[0]
        assert lines.y.shape[0] == 2 and list(w.charts[0].marks[1].y) == [
            pytest.approx(y) for y in recipe.compare.draw(w.panel._result_objs).point_y
        ]
    finally:
        w.close()


def test_model_card_shows_it_where_it_sits_on_the_card(recipe):
    card = ModelCard(LLAMA)
    try:
        shown = [c["recipe_id"] for c in card.cards]
        assert (recipe.id in shown) == recipe.on_card
        if recipe.on_card:
            entry = card.cards[shown.index(recipe.id)]
            assert "error" not in entry and entry["key"][0]["key"] == recipe.facts[0].key
    finally:
        card.close()


def test_its_dashboard_tab_builds_it(recipe):
    tabs = default_tabs()
    ids = [rid for rid, _, _ in tabs]
    assert (recipe.id in ids) == (recipe.tab is not None)
    if recipe.tab is None:
        return
    board = dashboard(tabs, selected=ids.index(recipe.id))
    try:
        widget = board.built[ids.index(recipe.id)]
        assert widget.recipe_id == recipe.id and not widget.errors
    finally:
        board.close()
