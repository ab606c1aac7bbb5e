"""The widgets in a real JupyterLab, light and dark theme, driven by Chromium."""

from __future__ import annotations

import json

import pytest
from browser_helpers import type_and_wait, wait_widget

RECIPES = ["X-2", "X-1", "X-3", "X-5", "X-19"]


def open_and_run(page, lab, notebook: str, count: int):
    page.goto(lab.url(notebook))
    page.wait_for_function("() => window.jupyterapp && document.querySelector('.jp-Notebook .jp-Cell')", timeout=60_000)
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=60_000)
    news = page.get_by_role("button", name="No")
    if news.count():
        news.first.click()
    page.locator(".jp-Notebook").first.click()
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    page.wait_for_function(
        "(n) => document.querySelectorAll('.taf-recipe[data-revision] [data-role=chain] tbody tr').length > 0"
        " && document.querySelectorAll('.taf-recipe[data-revision]').length >= n",
        arg=count,
        timeout=90_000,
    )
    page.wait_for_timeout(800)  # let bqplot finish its first layout


def set_theme(page, theme: str):
    page.evaluate("(t) => window.jupyterapp.commands.execute('apputils:change-theme', {theme: t})", theme)
    page.wait_for_function(
        "(light) => document.body.dataset.jpThemeLight === light",
        arg="false" if "Dark" in theme else "true",
        timeout=20_000,
    )
    page.wait_for_timeout(500)


@pytest.mark.parametrize("theme", ["JupyterLab Light", "JupyterLab Dark"])
def test_all_five_widgets_render_in_jupyterlab_and_answer_a_change(jupyterlab, page, artifacts, theme):
    page.set_viewport_size({"width": 1400, "height": 2600})
    open_and_run(page, jupyterlab, "five_widgets.ipynb", len(RECIPES))
    set_theme(page, theme)
    tag = "dark" if "Dark" in theme else "light"
    roots = page.locator(".taf-recipe")
    assert [roots.nth(i).get_attribute("data-recipe") for i in range(roots.count())] == RECIPES
    for i, rid in enumerate(RECIPES):
        unit = page.locator(".taf-recipe-widget").nth(i)
        unit.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        unit.screenshot(path=str(artifacts / f"lab-{tag}-{rid}.png"))
        assert roots.nth(i).get_attribute("data-stale") == "false"

    # One round trip through the kernel: the first widget's context length.
    root = wait_widget(page)
    type_and_wait(page, root, "T_eval", "65536")
    assert json.loads(root.get_attribute("data-result-inputs"))["T_eval"] == 65536
    assert page.log.unexpected() == []


@pytest.mark.parametrize("theme", ["JupyterLab Light", "JupyterLab Dark"])
def test_quickstart_runs_in_jupyterlab_and_its_widget_answers(jupyterlab, page, artifacts, theme):
    page.set_viewport_size({"width": 1400, "height": 2600})
    open_and_run(page, jupyterlab, "quickstart.ipynb", 1)
    # The quickstart's later cells drive the widget from Python (set, preset); wait for all of them.
    page.wait_for_function(
        "() => !Array.from(document.querySelectorAll('.jp-InputArea-prompt')).some(p => p.textContent.includes('*'))",
        timeout=90_000,
    )
    set_theme(page, theme)
    root = wait_widget(page)
    assert root.locator("[data-role=preset]").input_value() == "mistralai/Mistral-7B-v0.1"
    assert json.loads(root.get_attribute("data-result-inputs"))["T_eval"] == 32000
    type_and_wait(page, root, "T_eval", "4096")
    assert json.loads(root.get_attribute("data-result-inputs"))["T_eval"] == 4096
    # The slider's arrow keys reach the slider (Lab binds ArrowRight to a notebook command).
    revision = int(root.get_attribute("data-revision"))
    root.locator("[data-param-slider=T_eval]").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "([el, r]) => Number(el.dataset.revision) > r", arg=[root.element_handle(), revision], timeout=15_000
    )
    assert json.loads(root.get_attribute("data-result-inputs"))["T_eval"] > 4096
    unit = page.locator(".taf-recipe-widget").first
    unit.scroll_into_view_if_needed()
    unit.screenshot(path=str(artifacts / f"lab-quickstart-{'dark' if 'Dark' in theme else 'light'}.png"))
    assert page.log.unexpected() == []
