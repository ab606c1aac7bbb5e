"""Closing widgets in the kernel removes their views from the page and runs each view's
cleanup (the front end's count of live views goes back to zero)."""

from __future__ import annotations

from browser_helpers import wait_widget


def test_closing_the_widgets_runs_every_views_cleanup(voila, page, artifacts):
    page.goto(voila.url("close.ipynb"))
    wait_widget(page)
    page.locator(".taf-compare [data-role=columns] .taf-column").first.wait_for(timeout=30_000)
    html = page.locator("html")
    assert html.get_attribute("data-taf-live-views") == "1"  # the recipe panel (the comparison counts apart)
    bqplot_before = page.locator(".bqplot").count()
    assert bqplot_before >= 3
    page.get_by_role("button", name="close the widgets").click()
    page.wait_for_function("() => document.documentElement.dataset.tafLiveViews === '0'", timeout=15_000)
    page.wait_for_function("() => !document.querySelector('.taf-recipe, .taf-compare, .bqplot')", timeout=15_000)
    page.screenshot(path=str(artifacts / "closed-widgets.png"), full_page=True)
    assert page.log.unexpected() == []
