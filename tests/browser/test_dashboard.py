"""The Voilà dashboard, recipe by recipe, driven through the widget's DOM contract."""

from __future__ import annotations

import json
from urllib.parse import urlparse

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
    page.wait_for_function(
        "(unit) => Array.from(unit.querySelectorAll('.bqplot path'))"
        ".some(p => (p.getAttribute('d') || '').length > 10)",
        arg=unit.element_handle(),
        timeout=30_000,
    )
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
           })""",
        arg=[root.element_handle(), quiet_ms],
        timeout=15_000,
    )


def wait_update(page, root, unit, before: Snapshot) -> Snapshot:
    page.wait_for_function(
        "([el, r]) => Number(el.dataset.revision) > r", arg=[root.element_handle(), before.revision], timeout=15_000
    )
    page.wait_for_function(
        f"([unit, before]) => ({PATHS_IN})(unit) !== before", arg=[unit.element_handle(), before.paths], timeout=10_000
    )
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
        page.wait_for_function(
            "([el, r]) => Number(el.dataset.revision) > r", arg=[root.element_handle(), before.revision], timeout=15_000
        )
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


# JS: what the eye sees of the page, element by element: where each sits, its size, font and colours.
LOOK_JS = """() => {
  const sel = 'h1, h2, h3, p, .lm-TabBar-tab, .taf-badge, .taf-recipe label, .taf-recipe input, .taf-recipe select,'
            + ' .taf-recipe button, .taf-chain td, .bqplot, .bqplot text';
  return Array.from(document.querySelectorAll(sel)).map(el => {
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return [el.tagName, el.className.baseVal ?? el.className, Math.round(r.x), Math.round(r.y), Math.round(r.width),
            Math.round(r.height), s.fontFamily, s.fontSize, s.fontWeight, s.color, s.backgroundColor].join('|');
  });
}"""
BADGE_SHOWN_JS = "() => { const b = document.querySelector('.taf-badge'); return !!b && b.textContent.trim() !== ''; }"
CHARTS_DRAWN_JS = (
    "() => Array.from(document.querySelectorAll('.bqplot path')).some(p => (p.getAttribute('d') || '').length > 10)"
)
# JS: the Font Awesome faces the page has loaded (bqplot's figure toolbar draws its icons with them).
ICON_FONTS_JS = """() => document.fonts.ready.then(fonts =>
  Array.from(fonts).filter(f => f.family.includes('Font Awesome') && f.status === 'loaded').map(f => f.family))"""


def off_server(urls: list[str]) -> list[str]:
    return [u for u in urls if urlparse(u).scheme not in ("data", "blob") and urlparse(u).hostname != "127.0.0.1"]


def test_dashboard_page_asks_no_other_host_and_logs_no_error(voila, page, artifacts):
    """The page ``taf_widgets.serve`` draws (its ``taf`` template) needs nothing but its own server,
    and looks exactly like the page of Voilà's own ``lab`` template."""
    page.set_viewport_size({"width": 1280, "height": 2000})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(voila.url("dashboard.ipynb"))
    page.wait_for_function(BADGE_SHOWN_JS, timeout=60_000)
    assert page.log.errors == []  # every console error, the ones conftest calls harmless too
    assert off_server(requests) == []
    assert requests and not [u for u in requests if "jupyterlab_pygments" in u]

    # It still looks right: the six tabs, the first one's verdict, its charts and their icon font.
    tabs = page.locator(".lm-TabBar-tab").all_inner_texts()
    assert sorted(t.split(" ·")[0] for t in tabs) == sorted(CASES)
    badge = page.locator(".taf-badge").first
    assert badge.is_visible() and badge.inner_text().strip()
    assert page.locator(".taf-recipe").first.get_attribute("data-recipe") == "X-2"
    page.wait_for_function(CHARTS_DRAWN_JS, timeout=30_000)
    assert "Font Awesome 5 Free" in page.evaluate(ICON_FONTS_JS)
    page.wait_for_timeout(500)
    ours = page.evaluate(LOOK_JS)
    page.screenshot(path=str(artifacts / "dashboard-template-taf.png"), full_page=True)
    assert page.log.errors == [] and off_server(requests) == []

    # The same page with Voilà's own lab template (a URL's ?template= picks it): the same look.
    lab = page.context.new_page()
    lab.set_viewport_size({"width": 1280, "height": 2000})
    lab_requests: list[str] = []
    lab.on("request", lambda r: lab_requests.append(r.url))
    lab.goto(voila.url("dashboard.ipynb") + "?template=lab")
    lab.wait_for_function(BADGE_SHOWN_JS, timeout=60_000)
    lab.wait_for_function(CHARTS_DRAWN_JS, timeout=30_000)
    assert any("cdn.jsdelivr.net" in u for u in off_server(lab_requests))  # what the template leaves out
    assert "Font Awesome 5 Free" in lab.evaluate(ICON_FONTS_JS)
    lab.wait_for_timeout(500)
    theirs = lab.evaluate(LOOK_JS)
    lab.screenshot(path=str(artifacts / "dashboard-template-lab.png"), full_page=True)
    assert len(ours) > 100 and ours == theirs
