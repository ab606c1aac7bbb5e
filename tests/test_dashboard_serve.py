"""The lazy dashboard helper, the server wrapper's defaults and the opt-in nodelay extension."""

from __future__ import annotations

from pathlib import Path

import pytest

from taf_widgets.core import InputError
from taf_widgets.dashboard import dashboard
from taf_widgets.serve import DEFAULT_ARGS, FORK_ARG, default_args, with_defaults

ROOT = Path(__file__).resolve().parents[1]
RECIPES = [
    ("X-2", "Long context", dict(preset="meta-llama/Meta-Llama-3-8B", T_eval=32000)),
    ("X-3", "What $ buys", dict(USD_budget=5000.0)),
    ("X-19", "KV compression", dict(T_eval=16384)),
]


def test_a_tab_is_built_when_first_opened_and_only_once():
    d = dashboard(RECIPES)
    try:
        assert d.titles == ("X-2 · Long context", "X-3 · What $ buys", "X-19 · KV compression")
        assert list(d.built) == [0]
        assert [len(box.children) for box in d.children] == [1, 0, 0]
        assert d.built[0].result["inputs"]["T_eval"] == 32000
        d.selected_index = 2
        assert sorted(d.built) == [0, 2] and [len(box.children) for box in d.children] == [1, 0, 1]
        x19 = d.built[2]
        d.selected_index = 0
        d.selected_index = 2
        assert d.built[2] is x19 and d.children[2].children == (x19,)
        assert x19.recipe_id == "X-19" and x19.params["T_eval"] == 16384
    finally:
        d.close()


def test_the_selected_tab_at_load_is_the_one_built():
    d = dashboard(RECIPES, selected=1)
    try:
        assert d.selected_index == 1 and list(d.built) == [1]
        assert d.built[1].result["inputs"]["USD_budget"] == 5000.0
    finally:
        d.close()


@pytest.mark.parametrize(
    "recipes, selected, field",
    [
        ([("X-99", "Nope", {})], 0, "recipe_id"),
        ([("X-2", "Long context")], 0, "recipes[0]"),
        ([("X-2", 7, {})], 0, "recipes[0] title"),
        ([("X-2", "Long context", ["T_eval"])], 0, "recipes[0] kwargs"),
        ([], 0, "recipes"),
        (RECIPES, 3, "selected"),
    ],
)
def test_a_bad_entry_is_refused_by_name(recipes, selected, field):
    with pytest.raises(InputError) as info:
        dashboard(recipes, selected=selected)
    assert info.value.field == field


def test_the_callers_settings_replace_the_defaults():
    args = with_defaults(["nb.ipynb", "--MappingKernelManager.cull_idle_timeout=300", "--port=1"])
    assert "--MappingKernelManager.cull_idle_timeout=60" not in args
    assert args.count("--MappingKernelManager.cull_idle_timeout=300") == 1
    assert "--VoilaExecutor.iopub_timeout=60" in args and "--MappingKernelManager.cull_interval=15" in args
    assert args[-3:] == ["nb.ipynb", "--MappingKernelManager.cull_idle_timeout=300", "--port=1"]
    assert with_defaults([]) == list(default_args())
    # Kernels are forked by default (Linux, package installed); the caller can say otherwise.
    assert default_args() == (*DEFAULT_ARGS, FORK_ARG)
    own = with_defaults(["--KernelProvisionerFactory.default_provisioner_name=local-provisioner"])
    assert FORK_ARG not in own and own[-1].endswith("=local-provisioner")


def test_the_nodelay_extension_is_opt_in():
    from taf_widgets import nodelay

    assert nodelay._jupyter_server_extension_points() == [{"module": "taf_widgets.nodelay"}]
    # Nothing in the package or its build enables it: no jupyter-config file ships.
    assert not list(ROOT.glob("jupyter-config/**/*.json"))
    assert "jupyter-config" not in (ROOT / "pyproject.toml").read_text()
