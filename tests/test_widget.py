"""RecipeWidget on the Python side: reruns, presets, errors and recovery, charts, cleanup."""

from __future__ import annotations

import json

import ipywidgets
import numpy as np
import pytest

from taf_widgets import RecipeWidget
from taf_widgets.core import InputError, get_preset, get_preset_extras, get_recipe, run_recipe

RECIPES = ["X-1", "X-2", "X-3", "X-5", "X-19"]

# One change per recipe that must move the result and the chart data.
CHANGES = {
    "X-1": {"monthly_tokens_M": 5000.0},
    "X-2": {"T_eval": 131072},
    "X-3": {"USD_budget": 2_000_000.0},
    "X-5": {"N_params": 7e10},
    "X-19": {"T_eval": 2048},
}
# A bad value per recipe: the widget must keep the last result and mark it stale.
BAD = {
    "X-1": ("mfu", 0),
    "X-2": ("T_eval", -5),
    "X-3": ("USD_budget", "abc"),
    "X-5": ("concurrent_users", 0),
    "X-19": ("theta", float("nan")),
}
GOOD = {"X-1": 0.45, "X-2": 32000, "X-3": 5000.0, "X-5": 1, "X-19": 500000.0}


def chart_data(w: RecipeWidget) -> list:
    """Every mark's x/y data of every figure, as plain lists (what the page would draw)."""
    out = []
    for fig in w.charts:
        for mark in fig.marks:
            for name in ("x", "y"):
                value = getattr(mark, name)
                out.append(np.asarray(value).tolist() if value is not None else None)
    return out


def live_widgets() -> dict:
    """Every open widget of the kernel (ipywidgets 8 keeps them in a private registry)."""
    from ipywidgets.widgets import widget as widget_module

    return getattr(widget_module, "_instances", None) or ipywidgets.Widget.widgets


@pytest.fixture
def widgets_made():
    made = []
    yield made
    for w in made:
        w.close()


@pytest.mark.parametrize("rid", RECIPES)
def test_widget_answers_at_once_with_no_arguments_but_the_recipe(rid, widgets_made):
    w = RecipeWidget(rid)
    widgets_made.append(w)
    assert w.revision == 1
    assert w.errors == {} and w.stale is False
    assert w.result["recipe_id"] == rid
    assert set(w.params) == {p.name for p in get_recipe(rid).params}
    assert w.result == run_recipe(rid, **w.params).to_dict()
    json.dumps(w.result, allow_nan=False)


@pytest.mark.parametrize("rid", RECIPES)
def test_changing_params_reruns_and_moves_result_and_charts(rid, widgets_made):
    w = RecipeWidget(rid)
    widgets_made.append(w)
    before_result, before_charts, figures = w.result, chart_data(w), list(w.charts)
    w.params = {**w.params, **CHANGES[rid]}
    assert w.revision == 2
    assert w.result != before_result
    assert w.result == run_recipe(rid, **w.params).to_dict()
    assert chart_data(w) != before_charts
    assert [id(f) for f in w.charts] == [id(f) for f in figures], "figures must be updated in place, not rebuilt"


@pytest.mark.parametrize("rid", RECIPES)
def test_invalid_value_sets_errors_and_stale_and_keeps_result_then_recovers(rid, widgets_made):
    w = RecipeWidget(rid)
    widgets_made.append(w)
    good, revision = w.result, w.revision
    field, bad = BAD[rid]
    w.set(**{field: bad})
    assert w.stale is True
    assert list(w.errors) == [field]
    assert field in w.errors[field] and "must be" in w.errors[field]
    assert w.result == good and w.revision == revision
    other = {k: v for k, v in CHANGES[rid].items() if k != field}
    if other:
        w.set(**other)  # still stale: the bad field is still there
        assert w.stale is True and w.result == good
    w.set(**{field: GOOD[rid]})
    assert w.errors == {} and w.stale is False
    assert w.revision == revision + 1
    assert w.result == run_recipe(rid, **w.params).to_dict()


def test_numeric_text_from_the_page_is_accepted(widgets_made):
    w = RecipeWidget("X-2")
    widgets_made.append(w)
    w.set(T_eval="65536")
    assert w.errors == {}
    assert w.result["inputs"]["T_eval"] == 65536


def test_unknown_parameter_is_an_error_not_ignored(widgets_made):
    w = RecipeWidget("X-2")
    widgets_made.append(w)
    w.set(T_evl=100)
    assert "T_evl" in w.errors and w.stale


def test_constructor_rejects_bad_values_and_unknown_names():
    with pytest.raises(InputError) as exc:
        RecipeWidget("X-2", T_eval=-1)
    assert exc.value.field == "T_eval"
    with pytest.raises(InputError) as exc:
        RecipeWidget("X-2", colour="red")
    assert exc.value.field == "colour"
    with pytest.raises(InputError) as exc:
        RecipeWidget("X-9")
    assert exc.value.field == "recipe_id"


@pytest.mark.parametrize("rid", ["X-1", "X-2", "X-5", "X-19"])
def test_preset_switch_replaces_architecture_and_keeps_the_rest(rid, widgets_made):
    w = RecipeWidget(rid)
    widgets_made.append(w)
    recipe = get_recipe(rid)
    others = {p.name: w.params[p.name] for p in recipe.params if not p.preset_key}
    revision = w.revision
    w.preset = "Qwen/Qwen2.5-7B"
    row = {**get_preset_extras("Qwen/Qwen2.5-7B"), **get_preset("Qwen/Qwen2.5-7B")}
    for p in recipe.params:
        if p.preset_key:  # a key the preset lacks (a dense model's active count) is emptied
            assert w.params[p.name] == row.get(p.preset_key), p.name
    assert {k: w.params[k] for k in others} == others
    assert w.revision == revision + 1
    assert w.result["inputs"] == run_recipe(rid, **w.params).inputs


def test_editing_an_architecture_field_leaves_the_preset(widgets_made):
    w = RecipeWidget("X-2", preset="meta-llama/Meta-Llama-3-8B")
    widgets_made.append(w)
    w.set(T_eval=4096)
    assert w.preset == "meta-llama/Meta-Llama-3-8B"  # context length is not architecture
    w.set(theta=20000.0)
    assert w.preset == ""


def test_unknown_preset_is_reported_beside_the_picker(widgets_made):
    w = RecipeWidget("X-2")
    widgets_made.append(w)
    good = w.result
    w.preset = "no/such-model"
    assert "preset" in w.errors and w.stale and w.result == good


def test_observe_on_the_widget_sees_state_changes_with_the_widget_as_owner(widgets_made):
    w = RecipeWidget("X-2")
    widgets_made.append(w)
    seen = []

    def handler(change):
        seen.append((change["name"], change["owner"] is w, change["new"]))

    w.observe(handler, names=["revision"])
    w.set(T_eval=1000)
    assert seen == [("revision", True, 2)]
    w.unobserve(handler, names=["revision"])
    w.set(T_eval=2000)
    assert len(seen) == 1


def test_computed_state_is_read_only(widgets_made):
    w = RecipeWidget("X-2")
    widgets_made.append(w)
    with pytest.raises(AttributeError):
        w.result = {}


def test_one_message_per_update(widgets_made):
    """result, errors, stale, revision (and params) go out together, in one comm message."""
    w = RecipeWidget("X-2")
    widgets_made.append(w)
    sent = []
    original = w.panel.send_state

    def spy(key=None):
        sent.append({key} if isinstance(key, str) else set(key or ()))  # the caller clears its set
        return original(key)

    w.panel.send_state = spy
    w.set(T_eval=100000)
    assert len(sent) == 1, sent
    assert {"result", "revision", "params"} <= set(sent[0])


def test_recipe_switch_keeps_widget_consistent(widgets_made):
    w = RecipeWidget("X-2", T_eval=16384)
    widgets_made.append(w)
    w.recipe_id = "X-19"
    assert w.result["recipe_id"] == "X-19" and w.params["T_eval"] == 16384
    assert len(w.charts) == 1
    w.recipe_id = "X-3"
    assert w.preset == "" and w.result["recipe_id"] == "X-3"
    assert w.errors == {} and not w.stale


def test_widget_nests_in_tab_and_vbox(widgets_made):
    w = RecipeWidget("X-5")
    widgets_made.append(w)
    tab = ipywidgets.Tab(children=[w])
    box = ipywidgets.VBox([tab])
    assert box.children[0].children[0] is w
    assert w.panel in w.children
    box.close()
    tab.close()


@pytest.mark.parametrize("rid", RECIPES)
def test_close_leaves_no_open_child_widget(rid):
    RecipeWidget(rid).close()  # first use creates module-level singletons, not ours to close
    before = set(live_widgets())
    w = RecipeWidget(rid)
    w.set(**CHANGES[rid])
    w.recipe_id = "X-2" if rid != "X-2" else "X-19"
    w.close()
    now = live_widgets()
    left = [type(now[k]).__name__ for k in set(now) - before]
    assert left == []


def test_explicit_architecture_values_show_as_custom_not_as_the_default_preset(widgets_made):
    w = RecipeWidget("X-1", N_params=7e9)
    widgets_made.append(w)
    assert w.preset == "" and w.params["N_params"] == 7e9
    w2 = RecipeWidget("X-2", T_eval=7000)  # the context length is not architecture
    widgets_made.append(w2)
    assert w2.preset == "meta-llama/Meta-Llama-3-8B"


def test_a_boolean_for_a_count_is_an_error_even_though_true_equals_one(widgets_made):
    w = RecipeWidget("X-5")  # concurrent_users is 1
    widgets_made.append(w)
    w.set(concurrent_users=True)
    assert "concurrent_users" in w.errors and w.stale
    w.set(concurrent_users=1)
    assert w.errors == {} and not w.stale and type(w.params["concurrent_users"]) is int


def test_an_unknown_recipe_from_the_page_is_refused_and_the_widget_keeps_working(widgets_made):
    w = RecipeWidget("X-1", monthly_tokens_M=1000.0)
    widgets_made.append(w)
    w.panel.set_state({"recipe_id": "X-99"})
    assert w.recipe_id == "X-1" and "recipe_id" in w.errors and w.stale
    w.set(monthly_tokens_M=5.0)
    assert w.errors == {} and not w.stale and w.result["inputs"]["monthly_tokens_M"] == 5.0


def test_choosing_custom_after_a_refused_preset_clears_the_error(widgets_made):
    w = RecipeWidget("X-1")
    widgets_made.append(w)
    w.panel.set_state({"preset": "no/such-model"})
    assert "preset" in w.errors
    w.panel.set_state({"preset": ""})
    assert w.errors == {} and not w.stale


@pytest.mark.parametrize("state", [{"preset": None}, {"params": None}, {"params": [1]}, {"revision": "x"}])
def test_a_wrongly_typed_value_from_a_scripted_client_is_an_error_not_a_traceback(widgets_made, state):
    w = RecipeWidget("X-2")
    widgets_made.append(w)
    good = w.result
    w.panel.set_state(state)
    name = next(iter(state))
    assert name in w.errors and w.stale and w.result == good


def test_fixing_a_typo_in_an_architecture_field_brings_the_preset_back(widgets_made):
    w = RecipeWidget("X-2", preset="meta-llama/Meta-Llama-3-8B")
    widgets_made.append(w)
    w.set(theta="abc")
    assert w.preset == ""
    w.set(theta=500000.0)
    assert w.preset == "meta-llama/Meta-Llama-3-8B"


def test_the_panel_message_goes_out_before_the_charts(widgets_made):
    """The table must not wait for the figures: the panel's state is sent first."""
    w = RecipeWidget("X-2")
    widgets_made.append(w)
    order = []
    panel_send = w.panel.send_state
    w.panel.send_state = lambda key=None: (order.append("panel"), panel_send(key))[1]
    for fig in w.charts:
        for mark in fig.marks:
            original = mark.send_state
            mark.send_state = lambda key=None, _o=original: (order.append("mark"), _o(key))[1]
    w.set(T_eval=100000)
    assert order[0] == "panel" and "mark" in order


def test_exports_from_the_page_answer_with_text_or_a_clear_error(widgets_made):
    w = RecipeWidget("X-5")
    widgets_made.append(w)
    replies = []
    w.panel.send = lambda content, buffers=None: replies.append(content)
    for fmt in ("md", "json", "html", "code", "pdf", ["md"], None):
        w.panel._on_message(w.panel, {"type": "export", "format": fmt}, [])
    assert [r["filename"] for r in replies[:4]] == ["taf-X-5.md", "taf-X-5.json", "taf-X-5.html", "taf-X-5.py"]
    assert json.loads(replies[1]["text"]) == w.result
    assert all("format" in r["error"] for r in replies[4:]) and len(replies) == 7
