"""RecipeWidget("FIT") (this project's own recipe) in a real Voilà page driven by Chromium:
a longer context flips the verdict from FITS to KV-BOUND, and both charts redraw."""

from __future__ import annotations

import json

from browser_helpers import type_and_wait, wait_widget


def test_fit_in_voila_flips_from_fits_to_kv_bound_when_the_context_grows(voila, page, artifacts):
    page.goto(voila.url("fit.ipynb"))
    root = wait_widget(page)
    assert root.get_attribute("data-recipe") == "FIT"
    revision = int(root.get_attribute("data-revision"))
    verdict = root.locator("[data-role=verdict]")
    assert verdict.inner_text().startswith("FITS")
    rows_before = root.locator("[data-role=chain] tbody tr").all_inner_texts()
    assert len(rows_before) == 7
    # Both figures are drawn: the stacked memory bar and the longest context per precision.
    page.wait_for_function(
        "() => document.querySelectorAll('.bqplot .bargroup rect, .bqplot rect.bar').length >= 4", timeout=30_000
    )
    bars_before = page.evaluate(
        "() => [...document.querySelectorAll('.bqplot rect')].map(r => r.getAttribute('height')).join(',')"
    )
    page.screenshot(path=str(artifacts / "voila-fit-before.png"), full_page=True)
    page.locator(".bqplot").first.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "voila-fit-before-charts.png"))

    # 8,192 → 131,072 tokens: 17 GB of BF16 KV cache no longer fits beside the weights on 24 GB.
    assert type_and_wait(page, root, "T_eval", "131072") > revision
    assert json.loads(root.get_attribute("data-result-inputs"))["T_eval"] == 131072
    assert verdict.inner_text().startswith("KV-BOUND")
    rows_after = root.locator("[data-role=chain] tbody tr").all_inner_texts()
    assert len(rows_after) == 7 and rows_after != rows_before
    assert "27,465" in " ".join(rows_after)  # the longest context that fits, in the chain
    page.wait_for_function(
        "(before) => [...document.querySelectorAll('.bqplot rect')]"
        ".map(r => r.getAttribute('height')).join(',') !== before",
        arg=bars_before,
        timeout=10_000,
    )
    page.screenshot(path=str(artifacts / "voila-fit-after.png"), full_page=True)
    charts = page.locator(".bqplot").first
    charts.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "voila-fit-after-charts.png"))
    assert page.log.unexpected() == []
