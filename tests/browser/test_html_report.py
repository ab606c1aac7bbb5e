"""The standalone HTML report opened from a file in headless Chromium with every network
request blocked: the verdict, the chain table and the SVG charts render, and nothing leaves."""

from __future__ import annotations

import pytest

import taf_widgets.core as core
from taf_widgets.core import run_recipe, to_html
from taf_widgets.core.report_charts import chart_specs

LLAMA = "meta-llama/Meta-Llama-3-8B"
CASES = {
    "X-1": dict(preset=LLAMA, monthly_tokens_M=3000.0),
    "X-2": dict(preset=LLAMA, T_eval=32000),
    "X-3": dict(USD_budget=5000.0),
    "X-5": dict(preset="Qwen/Qwen2.5-7B"),
    "X-19": dict(preset=LLAMA, T_eval=80000),
}
HOSTILE = "<img src=x onerror=alert(1)><script>alert(2)</script>"


@pytest.fixture
def offline_page(browser, request):
    """A page whose context aborts every request that is not file://, recording each one."""

    def open_page(color_scheme: str = "light"):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=color_scheme)
        log = {"requests": [], "blocked": [], "errors": [], "dialogs": []}

        def route(r):
            if r.request.url.startswith("file://"):
                r.continue_()
            else:
                log["blocked"].append(r.request.url)
                r.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.on("request", lambda req: log["requests"].append(req.url))
        page.on("console", lambda msg: msg.type == "error" and log["errors"].append(msg.text))
        page.on("pageerror", lambda exc: log["errors"].append(str(exc)))
        page.on("dialog", lambda d: (log["dialogs"].append(d.message), d.dismiss()))
        request.addfinalizer(context.close)
        return page, log

    return open_page


def _write(tmp_path, name: str, html: str):
    path = tmp_path / f"{name}.html"
    path.write_text(html, encoding="utf-8")
    return path


@pytest.mark.parametrize("rid", list(CASES))
def test_report_renders_offline_with_charts_and_chain(rid, offline_page, tmp_path, artifacts):
    result = run_recipe(rid, **CASES[rid])
    path = _write(tmp_path, rid, to_html(result))
    page, log = offline_page()
    page.goto(path.as_uri(), wait_until="load")

    assert page.locator("[data-role=verdict] .badge").inner_text() == result.verdict
    rows = page.locator("[data-role=chain] tbody tr")
    assert rows.count() == len(result.chain)
    assert rows.nth(0).locator("td").nth(2).inner_text() == result.chain[0]["name"]

    specs = chart_specs(result)
    charts = page.locator("[data-role=charts] svg")
    assert charts.count() == len(specs)
    for i, spec in enumerate(specs):
        svg = charts.nth(i)
        box = svg.bounding_box()
        assert box and box["width"] > 300 and box["height"] > 180
        assert svg.get_attribute("data-chart") == spec.key
        drawn = svg.locator("polyline, rect.bar, circle.point").count()
        assert drawn > 0, f"chart {spec.key} draws nothing"
        labels = svg.locator("text.axis-label").all_text_contents()
        assert labels == [spec.x_label, spec.y_label]

    page.screenshot(path=str(artifacts / f"html-report-{rid}.png"), full_page=True)
    assert all(url.startswith("file://") for url in log["requests"]), log["requests"]
    assert log["blocked"] == [] and log["errors"] == []


def test_report_in_dark_mode_keeps_text_readable(offline_page, tmp_path, artifacts):
    result = run_recipe("X-2", **CASES["X-2"])
    page, log = offline_page("dark")
    page.goto(_write(tmp_path, "X-2-dark", to_html(result)).as_uri(), wait_until="load")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    tick = page.evaluate("getComputedStyle(document.querySelector('.chart-svg text.tick')).fill")
    assert background == "rgb(13, 17, 23)" and tick != "rgb(0, 0, 0)"
    page.screenshot(path=str(artifacts / "html-report-X-2-dark.png"), full_page=True)
    assert log["blocked"] == [] and log["errors"] == []


def test_hostile_names_render_as_text_and_run_nothing(offline_page, tmp_path, artifacts, restore_catalogs):
    core.register_gpu(HOSTILE, flops=500, vram_GB=1000, bw_GB_s=20000, usd_h=0.01)
    core.register_preset(HOSTILE, **core.get_preset(LLAMA))
    page, log = offline_page()
    for rid, kwargs in (("X-5", dict(N_params=4e11)), ("X-2", dict(preset=HOSTILE, T_eval=32000))):
        result = run_recipe(rid, **kwargs)
        page.goto(_write(tmp_path, f"hostile-{rid}", to_html(result)).as_uri(), wait_until="load")
        assert page.locator("img").count() == 0 and page.locator("body script").count() == 0
        assert HOSTILE in page.locator("main").inner_text()
        page.screenshot(path=str(artifacts / f"html-report-hostile-{rid}.png"), full_page=True)
    assert log["dialogs"] == [] and log["blocked"] == [] and log["errors"] == []
