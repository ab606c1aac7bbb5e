"""The Voilà dashboard, recipe by recipe, driven through the widget's DOM contract."""

from __future__ import annotations

import json

import pytest
from browser_helpers import DRAWN_JS, wait_widget

from taf_widgets.core import get_preset, get_preset_extras, get_recipe

# recipe → a number field and a new value for it that changes the verdict
CASES = {
    "X-2": ("T_eval", "40000000"),
    "X-19": ("T_eval", "65536"),
    "X-5": ("N_params", "4e11"),
    "X-1": ("monthly_tokens_M", "100000"),
    "X-3": ("USD_budget", "10"),
    "FIT": ("T_eval", "131072"),  # Llama-3-8B on an RTX 4090: FITS at 8,192 tokens, KV-BOUND at 131,072
}
OTHER_PRESET = "Qwen/Qwen2.5-7B"

PATHS_IN = f"(unit) => JSON.stringify(Array.from(unit.querySelectorAll('.bqplot path')).map({DRAWN_JS}))"


@pytest.fixture
def dashboard(voila, page):
    page.set_viewport_size({"width": 1280, "height": 2000})
    page.goto(voila.url("dashboard.ipynb"))
    wait_widget(page)
    return page


def open_tab(page, rid: str):
    page.locator(".lm-TabBar-tab", has_text=rid + " ·").click()
    root = page.locator(f'.taf-recipe[data-recipe="{rid}"]')
    root.locator("[data-role=chain] tbody tr").first.wait_for(state="visible", timeout=30_000)
    unit = page.locator(".taf-recipe-widget", has=root)
    page.wait_for_function("(unit) => Array.from(unit.querySelectorAll('.bqplot path'))"
                           ".some(p => (p.getAttribute('d') || '').length > 10)",
                           arg=unit.element_handle(), timeout=30_000)
    return root, unit


class Snapshot:
    """What the page shows for one recipe: revision, verdict, chain rows and chart paths."""

    def __init__(self, page, root, unit):
        self.revision = int(root.get_attribute("data-revision"))
        self.verdict = root.locator("[data-role=verdict]").inner_text()
        self.label = root.locator("[data-role=verdict] .taf-badge").inner_text()
        self.rows = root.locator("[data-role=chain] tbody tr").all_inner_texts()
        self.paths = page.evaluate(PATHS_IN, unit.element_handle())
        self.inputs = json.loads(root.get_attribute("data-result-inputs"))


def settle(page, root, quiet_ms: int = 400) -> None:
    """Wait until no new revision has arrived for ``quiet_ms`` (keyboard slider steps send several)."""
    page.wait_for_function(
        """([el, quiet]) => new Promise(resolve => {
             let last = el.dataset.revision, since = performance.now();
             const tick = () => {
               if (el.dataset.revision !== last) { last = el.dataset.revision; since = performance.now(); }
               if (performance.now() - since >= quiet) resolve(true); else setTimeout(tick, 50);
             };
             tick();
           })""", arg=[root.element_handle(), quiet_ms], timeout=15_000)


def wait_update(page, root, unit, before: Snapshot) -> Snapshot:
    page.wait_for_function("([el, r]) => Number(el.dataset.revision) > r",
                           arg=[root.element_handle(), before.revision], timeout=15_000)
    page.wait_for_function(f"([unit, before]) => ({PATHS_IN})(unit) !== before",
                           arg=[unit.element_handle(), before.paths], timeout=10_000)
    after = Snapshot(page, root, unit)
    assert after.rows != before.rows
    assert len(after.rows) == len(before.rows)  # one row per step, always
    return after


@pytest.mark.parametrize("rid", list(CASES))
def test_dashboard_recipe_answers_field_slider_preset_and_bad_input(dashboard, artifacts, rid):
    page = dashboard
    root, unit = open_tab(page, rid)
    field_name, new_value = CASES[rid]
    assert root.get_attribute("data-stale") == "false"
    unit.screenshot(path=str(artifacts / f"dashboard-{rid}.png"))

    # 1. The exact-value field.
    before = Snapshot(page, root, unit)
    field = root.locator(f"[data-param={field_name}]")
    field.fill(new_value)
    field.press("Enter")
    after = wait_update(page, root, unit, before)
    assert after.label != before.label and after.verdict.startswith(after.label)
    if rid == "FIT":
        assert (before.label, after.label) == ("FITS", "KV-BOUND")
    assert after.inputs[field_name] == pytest.approx(float(new_value))

    # 2. The slider, from the keyboard.
    slider = root.locator(f"[data-param-slider={field_name}]")
    slider.focus()
    for _ in range(4):
        slider.press("ArrowLeft" if rid != "X-3" else "ArrowRight")
    after_slider = wait_update(page, root, unit, after)
    assert after_slider.inputs[field_name] != after.inputs[field_name]
    settle(page, root)

    # 3. A preset replaces every architecture field (X-3 takes none).
    recipe = get_recipe(rid)
    if recipe.takes_preset:
        before = Snapshot(page, root, unit)
        root.locator("[data-role=preset]").select_option(OTHER_PRESET)
        page.wait_for_function("([el, r]) => Number(el.dataset.revision) > r",
                               arg=[root.element_handle(), before.revision], timeout=15_000)
        settle(page, root)
        row = {**get_preset_extras(OTHER_PRESET), **get_preset(OTHER_PRESET)}
        for p in recipe.params:
            if not p.preset_key:
                continue
            control = root.locator(f"[data-param={p.name}]")
            if row.get(p.preset_key) is None:  # an optional field the preset leaves empty (dense, no RoPE scaling)
                assert control.input_value() == "", p.name
                continue
            if p.kind == "bool":
                assert control.is_checked() == row[p.preset_key], p.name
            else:
                assert float(control.input_value()) == pytest.approx(row[p.preset_key]), p.name
            assert json.loads(root.get_attribute("data-result-inputs"))[p.name] == pytest.approx(row[p.preset_key])

    # 4. A bad value: the error beside the field, the result kept and marked stale; then recovery.
    good = Snapshot(page, root, unit)
    field.fill("-5")
    field.press("Enter")
    error = root.locator(f"[data-error-for={field_name}]")
    page.wait_for_function("(el) => el.dataset.stale === 'true'", arg=root.element_handle(), timeout=15_000)
    assert field_name in error.inner_text() and "-5" in error.inner_text()
    assert int(root.get_attribute("data-revision")) == good.revision
    assert root.locator("[data-role=verdict]").inner_text() == good.verdict
    unit.screenshot(path=str(artifacts / f"dashboard-{rid}-stale.png"))
    field.fill(new_value)
    field.press("Enter")
    page.wait_for_function("(el) => el.dataset.stale === 'false'", arg=root.element_handle(), timeout=15_000)
    assert error.inner_text() == ""
    assert int(root.get_attribute("data-revision")) > good.revision
    assert page.log.unexpected() == []
