"""RecipeWidget("X-2") in a real Voilà page driven by Chromium, through the DOM contract."""

from __future__ import annotations

import json

from browser_helpers import ALL_PATHS_JS, type_and_wait, wait_widget


def test_x2_in_voila_renders_and_a_typed_context_length_updates_everything(voila, page, artifacts):
    page.goto(voila.url("x2.ipynb"))
    root = wait_widget(page)
    assert root.get_attribute("data-recipe") == "X-2"
    assert root.get_attribute("data-stale") == "false"
    revision = int(root.get_attribute("data-revision"))
    assert json.loads(root.get_attribute("data-result-inputs"))["T_eval"] == 32000
    verdict = root.locator("[data-role=verdict]")
    assert verdict.inner_text().startswith("YES")
    rows_before = root.locator("[data-role=chain] tbody tr").all_inner_texts()
    assert len(rows_before) == 6
    page.wait_for_function(f"() => {ALL_PATHS_JS}.some(d => d.length > 20)", timeout=30_000)
    paths_before = page.evaluate(f"() => JSON.stringify({ALL_PATHS_JS})")
    page.screenshot(path=str(artifacts / "voila-x2-before.png"), full_page=True)

    # 32,000 → 40,000,000 tokens: far past L_NIAH and into Phase B, so the verdict changes.
    assert type_and_wait(page, root, "T_eval", "40000000") > revision
    assert json.loads(root.get_attribute("data-result-inputs"))["T_eval"] == 40_000_000
    assert verdict.inner_text().startswith("NO")
    rows_after = root.locator("[data-role=chain] tbody tr").all_inner_texts()
    assert len(rows_after) == 6 and rows_after != rows_before
    # The figures update through their own messages: wait for a drawn path to move.
    page.wait_for_function(f"(before) => JSON.stringify({ALL_PATHS_JS}) !== before", arg=paths_before, timeout=10_000)
    page.screenshot(path=str(artifacts / "voila-x2-after.png"), full_page=True)
    assert page.log.unexpected() == []
