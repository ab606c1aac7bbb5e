"""Property: any sequence of parameter assignments, preset picks and recipe switches leaves a
RecipeWidget consistent (errors empty ⇔ not stale; result equals run_recipe on the current
valid parameters; revision never goes backwards; charts belong to the current recipe)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taf_widgets import RecipeWidget
from taf_widgets.core import RECIPES, InputError, preset_names, run_recipe

ALL_PARAMS = sorted({p.name: p for r in RECIPES.values() for p in r.params}.values(), key=lambda p: p.name)

junk = st.one_of(
    st.none(),
    st.booleans(),
    st.text(max_size=6),
    st.sampled_from(["-5", "0", "abc", "1e400", "", "nan", "8e9", "32000", "H100 SXM", "GPT-4o", "true"]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**20), max_value=10**20),
)


def value_for(param):
    """A plausible value of the declared kind, or junk."""
    if param.kind == "bool":
        good = st.booleans()
    elif param.kind == "choice":
        good = st.sampled_from(param.choice_values())
    else:
        low = param.low if param.low is not None else 0.0
        high = param.high if param.high is not None else 1e6
        if param.log and low <= 0:
            low = high / 1e9
        good = (
            st.floats(min_value=max(low, 1e-300), max_value=high)
            if param.kind == "float"
            else st.integers(min_value=int(max(low, 0)), max_value=int(min(high, 10**9)))
        )
    return st.one_of(good, good, junk)


actions = st.one_of(
    st.sampled_from(ALL_PARAMS).flatmap(lambda p: value_for(p).map(lambda v: ("set", p.name, v))),
    st.sampled_from(preset_names() + ["", "no/such-model"]).map(lambda name: ("preset", name, None)),
    st.sampled_from(list(RECIPES)).map(lambda rid: ("recipe", rid, None)),
)


def check_consistent(w: RecipeWidget, last_revision: int) -> int:
    assert (w.errors == {}) == (w.stale is False)
    assert w.revision >= last_revision
    assert w.result["recipe_id"] in RECIPES
    if not w.stale:
        assert w.result["recipe_id"] == w.recipe_id
        assert w.result == run_recipe(w.recipe_id, **w.params).to_dict()
    else:
        try:
            run_recipe(w.recipe_id, **w.params)
        except InputError:
            pass
        else:  # valid params but stale is only right when the preset itself is bad
            assert "preset" in w.errors or "recipe_id" in w.errors
    assert set(w.params) == {p.name for p in RECIPES[w.recipe_id].params}
    assert len(w.charts) >= 1
    return w.revision


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=st.sampled_from(list(RECIPES)), steps=st.lists(actions, min_size=1, max_size=12))
def test_any_sequence_of_changes_leaves_the_widget_consistent(start, steps):
    w = RecipeWidget(start)
    try:
        revision = check_consistent(w, 0)
        for kind, name, value in steps:
            if kind == "set":
                if name in w.params:
                    w.set(**{name: value})
                else:  # a name the current recipe does not declare: an error, never ignored
                    w.set(**{name: value})
                    assert name in w.errors
                    w.params = {k: v for k, v in w.params.items() if k != name}
            elif kind == "preset":
                if RECIPES[w.recipe_id].takes_preset:
                    w.preset = name
            else:
                w.recipe_id = name
            revision = check_consistent(w, revision)
    finally:
        w.close()
