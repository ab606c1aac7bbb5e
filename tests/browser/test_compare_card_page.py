"""CompareWidget and ModelCard in a real Voilà page."""

from __future__ import annotations

from browser_helpers import DRAWN_JS

from taf_widgets import CompareWidget, ModelCard

MODELS = ["meta-llama/Meta-Llama-3-8B", "Qwen/Qwen2.5-7B", "mistralai/Mistral-7B-v0.1"]
PATHS = f"(el) => JSON.stringify(Array.from(el.querySelectorAll('.bqplot path')).map({DRAWN_JS}))"


def test_compare_shows_a_column_per_model_and_a_shared_change_reruns_all(voila, page, artifacts):
    page.set_viewport_size({"width": 1280, "height": 1800})
    page.goto(voila.url("card_compare.ipynb"))
    root = page.locator(".taf-compare")
    root.locator("[data-role=columns] .taf-column").first.wait_for(timeout=60_000)
    unit = page.locator(".taf-compare-widget")
    page.wait_for_function(
        "(el) => Array.from(el.querySelectorAll('.bqplot path')).some(p => (p.getAttribute('d') || '').length > 10)",
        arg=unit.element_handle(),
        timeout=30_000,
    )
    columns = root.locator(".taf-column")
    assert [columns.nth(i).get_attribute("data-model") for i in range(columns.count())] == MODELS
    expected = CompareWidget("X-2", presets=MODELS, T_eval=32768)
    assert [columns.nth(i).locator("[data-role=verdict]").inner_text() for i in range(3)] == [
        r["verdict"] for r in expected.results
    ]
    unit.screenshot(path=str(artifacts / "compare-x2.png"))

    revision = int(root.get_attribute("data-revision"))
    paths = page.evaluate(PATHS, unit.element_handle())
    field = root.locator("[data-param=T_eval]")
    field.fill("4096")
    field.press("Enter")
    page.wait_for_function(
        "([el, r]) => Number(el.dataset.revision) > r", arg=[root.element_handle(), revision], timeout=15_000
    )
    expected.set(T_eval=4096)
    assert [columns.nth(i).locator("[data-role=verdict]").inner_text() for i in range(3)] == [
        r["verdict"] for r in expected.results
    ]
    page.wait_for_function(
        f"([el, before]) => ({PATHS})(el) !== before", arg=[unit.element_handle(), paths], timeout=10_000
    )
    field.fill("abc")
    field.press("Enter")
    page.wait_for_function("(el) => el.dataset.stale === 'true'", arg=root.element_handle(), timeout=15_000)
    assert "T_eval" in root.locator("[data-error-for=T_eval]").inner_text()
    expected.close()
    assert page.log.unexpected() == []


def test_model_card_shows_every_recipe_and_opens_its_chain(voila, page, artifacts):
    page.set_viewport_size({"width": 1280, "height": 1800})
    page.goto(voila.url("card_compare.ipynb"))
    card = page.locator(".taf-card")
    card.locator("[data-card]").first.wait_for(timeout=60_000)
    expected = ModelCard("meta-llama/Meta-Llama-3-8B", T_eval=32000)
    boxes = card.locator("[data-card]")
    assert [boxes.nth(i).get_attribute("data-card") for i in range(boxes.count())] == [
        c["recipe_id"] for c in expected.cards
    ]
    for i, c in enumerate(expected.cards):
        assert boxes.nth(i).locator(".taf-badge").inner_text() == c["verdict"]
    assert not boxes.nth(0).locator("[data-role=chain]").is_visible()
    boxes.nth(0).locator(":scope > summary").click()
    chain = boxes.nth(0).locator("[data-role=chain] tbody tr")
    chain.first.wait_for(state="visible")
    assert chain.count() == len(expected.cards[0]["chain"])
    card.screenshot(path=str(artifacts / "model-card.png"))
    expected.close()
    assert page.log.unexpected() == []


def test_compare_fit_shows_each_models_memory_against_usable_memory(voila, page, artifacts):
    page.set_viewport_size({"width": 1280, "height": 1400})
    page.goto(voila.url("compare_fit.ipynb"))
    root = page.locator(".taf-compare")
    root.locator("[data-role=columns] .taf-column").first.wait_for(timeout=60_000)
    unit = page.locator(".taf-compare-widget")
    page.wait_for_function(
        "(el) => Array.from(el.querySelectorAll('.bqplot path')).some(p => (p.getAttribute('d') || '').length > 10)",
        arg=unit.element_handle(),
        timeout=30_000,
    )
    models = ["meta-llama/Meta-Llama-3-8B", "Qwen/Qwen2.5-7B"]
    expected = CompareWidget("FIT", presets=models)
    columns = root.locator(".taf-column")
    assert [columns.nth(i).get_attribute("data-model") for i in range(2)] == models
    assert [columns.nth(i).locator("[data-role=verdict]").inner_text() for i in range(2)] == [
        r["verdict"] for r in expected.results
    ]
    usable = next(s["result"]["usable_GB"] for s in expected.results[0]["chain"] if s["key"] == "total")
    assert f"usable = {usable:,.1f} GB" in unit.inner_text()  # the usable-memory rule's legend
    unit.screenshot(path=str(artifacts / "compare-fit.png"))

    revision = int(root.get_attribute("data-revision"))
    field = root.locator("[data-param=T_eval]")
    field.fill("262144")
    field.press("Enter")
    page.wait_for_function(
        "([el, r]) => Number(el.dataset.revision) > r", arg=[root.element_handle(), revision], timeout=15_000
    )
    assert [columns.nth(i).locator("[data-role=verdict]").inner_text() for i in range(2)] == ["KV-BOUND"] * 2
    unit.screenshot(path=str(artifacts / "compare-fit-262k.png"))
    expected.close()
    assert page.log.unexpected() == []
