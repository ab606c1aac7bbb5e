"""CompareWidget and ModelCard on the Python side."""

from __future__ import annotations

import pytest

from taf_widgets import CompareWidget, ModelCard
from taf_widgets.core import InputError, get_preset, run_recipe
from taf_widgets.core.summary import key_numbers

LLAMA, QWEN, MISTRAL, PHI = (
    "meta-llama/Meta-Llama-3-8B",
    "Qwen/Qwen2.5-7B",
    "mistralai/Mistral-7B-v0.1",
    "microsoft/phi-3-mini-4k-instruct",
)


def live_widgets() -> dict:
    from ipywidgets.widgets import widget as widget_module

    return widget_module._instances


@pytest.mark.parametrize("rid", ["X-1", "X-2", "X-5", "X-19"])
def test_compare_runs_every_model_on_the_shared_parameters(rid):
    w = CompareWidget(rid, presets=[LLAMA, QWEN, MISTRAL])
    try:
        assert w.models == [LLAMA, QWEN, MISTRAL]
        for name, result in zip(w.models, w.results):
            expected = run_recipe(rid, preset=name, **w.params)
            assert {k: v for k, v in result.items() if k != "key"} == {**expected.to_dict(), "preset": None}
            assert result["key"] == key_numbers(expected)
    finally:
        w.close()


def test_compare_shared_change_reruns_all_and_moves_the_overlay():
    w = CompareWidget("X-2", presets=[LLAMA, QWEN], T_eval=32768)
    try:
        before = [list(map(list, w.charts[0].marks[0].y))]
        w.set(T_eval=1_000_000)
        assert w.revision == 2 and all(r["inputs"]["T_eval"] == 1_000_000 for r in w.results)
        assert [list(map(list, w.charts[0].marks[0].y))] != before
    finally:
        w.close()


def test_compare_bad_shared_value_is_stale_and_recovers():
    w = CompareWidget("X-19", presets=[LLAMA, QWEN])
    try:
        good = w.results
        w.set(T_eval="abc")
        assert list(w.errors) == ["T_eval"] and w.stale and w.results == good
        w.set(T_eval=4096)
        assert w.errors == {} and not w.stale
    finally:
        w.close()


@pytest.mark.parametrize(
    "rid, presets, field",
    [
        ("X-2", [LLAMA], "presets"),
        ("X-2", [LLAMA, QWEN, MISTRAL, PHI, LLAMA], "presets"),
        ("X-3", [LLAMA, QWEN], "recipe_id"),
        ("X-2", [LLAMA, "no/such-model"], "preset"),
    ],
)
def test_compare_rejects_bad_setups_naming_the_field(rid, presets, field):
    with pytest.raises(InputError) as exc:
        CompareWidget(rid, presets=presets)
    assert exc.value.field == field


def test_compare_rejects_architecture_as_a_shared_parameter():
    with pytest.raises(InputError) as exc:
        CompareWidget("X-2", presets=[LLAMA, QWEN], theta=1e6)
    assert exc.value.field == "theta"


def test_model_card_runs_every_recipe_that_takes_a_model():
    card = ModelCard(LLAMA, T_eval=32000)
    try:
        assert [c["recipe_id"] for c in card.cards] == ["X-2", "X-19", "X-5", "X-1"]
        x2 = card.cards[0]
        assert x2["verdict"] == run_recipe("X-2", preset=LLAMA, T_eval=32000).verdict
        assert x2["key"][0]["key"] == "d_horizon"
        card.T_eval = 1_000_000
        assert card.revision == 2
        assert card.cards[1]["verdict"] == run_recipe("X-19", preset=LLAMA, T_eval=1_000_000).verdict
    finally:
        card.close()


def test_model_card_takes_parameters_as_a_dict_and_defaults_to_its_training_context():
    params = {k: v for k, v in get_preset(QWEN).items()}
    card = ModelCard(params)
    try:
        assert card.T_eval == params["T_train"]
        assert card.cards[0]["inputs"]["theta"] == params["theta"]
    finally:
        card.close()


def test_model_card_rejects_a_recipe_id_and_incomplete_parameters():
    with pytest.raises(InputError):
        ModelCard("X-2")
    with pytest.raises(InputError) as exc:
        ModelCard({"theta": 1e4})
    assert exc.value.field in {"T_train", "n_attention_heads"}


def test_close_leaves_no_widget_behind():
    CompareWidget("X-5", presets=[LLAMA, QWEN]).close()
    before = set(live_widgets())
    w = CompareWidget("X-5", presets=[LLAMA, QWEN])
    w.set(T_eval=8192)
    w.close()
    card = ModelCard(LLAMA)
    card.close()
    assert set(live_widgets()) - before == set()


def test_compare_fit_sets_each_models_memory_against_the_usable_memory():
    w = CompareWidget("FIT", presets=[LLAMA, QWEN])
    try:
        expected = [run_recipe("FIT", preset=name, **w.params) for name in (LLAMA, QWEN)]
        assert [r["verdict"] for r in w.results] == [e.verdict for e in expected]
        points, rule = w.charts[0].marks[1], w.charts[0].marks[2]
        assert list(points.y) == [e.value("total")["total_GB"] for e in expected]
        usable = expected[0].value("total")["usable_GB"]
        assert rule.visible and list(rule.y) == [usable, usable]
        w.set(T_eval=262144)  # the KV cache outgrows the card: the curves climb past the rule
        assert all(r["verdict"] == "KV-BOUND" for r in w.results)
        assert all(y > usable for y in w.charts[0].marks[1].y)
    finally:
        w.close()
