"""The evidence layer in a real Voilà page: the band and caveats under the verdict, the one-click
"use the measured γ" on the Llama-3-8B preset, and the Prediction vs measurement view."""

from __future__ import annotations

from browser_helpers import DRAWN_JS, wait_widget

from taf_widgets.core import run_recipe
from taf_widgets.evidence import _choices

LLAMA = "meta-llama/Meta-Llama-3-8B"
CAVEATS_JS = "(el) => Array.from(el.querySelectorAll('[data-role=caveats] li')).map(li => li.dataset.caveat)"
FIGURE_TEXT_JS = "(el) => Array.from(el.querySelectorAll('.bqplot')).map(f => f.textContent).join(' | ')"
PATHS_JS = f"(el) => JSON.stringify(Array.from(el.querySelectorAll('.bqplot path')).map({DRAWN_JS}))"


def test_use_the_measured_gamma_on_llama3_changes_verdict_caveats_and_chart(voila, page, artifacts):
    page.set_viewport_size({"width": 1280, "height": 1600})
    page.goto(voila.url("evidence.ipynb"))
    root = wait_widget(page)
    unit = page.locator(".taf-recipe-widget").first
    page.wait_for_function(
        "(el) => Array.from(el.querySelectorAll('.bqplot path')).some(p => (p.getAttribute('d') || '').length > 10)",
        arg=unit.element_handle(),
        timeout=30_000,
    )
    closed = run_recipe("X-2", preset=LLAMA, T_eval=32000)
    measured = run_recipe("X-2", preset=LLAMA, T_eval=32000, gamma_obs=1.0455)

    verdict = root.locator("[data-role=verdict]")
    assert verdict.locator(".taf-badge").inner_text() == closed.verdict == "YES"
    pill = verdict.locator("[data-role=confidence]")
    assert pill.get_attribute("data-band") == closed.confidence["band"]
    assert f"{closed.confidence['percent']:g}%" in pill.inner_text()
    assert page.evaluate(CAVEATS_JS, verdict.element_handle()) == closed.caveats
    button = root.locator("[data-role=use-measured]")
    assert button.inner_text() == "use the measured γ (natural text, R² 0.9975)"
    assert "γ_obs = 1.0455" not in page.evaluate(FIGURE_TEXT_JS, unit.element_handle())
    unit.screenshot(path=str(artifacts / "evidence-x2-before.png"))
    paths = page.evaluate(PATHS_JS, unit.element_handle())

    revision = int(root.get_attribute("data-revision"))
    button.click()
    page.wait_for_function(
        "([el, r]) => Number(el.dataset.revision) > r", arg=[root.element_handle(), revision], timeout=15_000
    )
    assert verdict.locator(".taf-badge").inner_text() == measured.verdict == "NO"
    assert verdict.get_attribute("data-tone") == "no"
    assert page.evaluate(CAVEATS_JS, verdict.element_handle()) == measured.caveats
    assert "measured_gamma" in measured.caveats and "closed_form_identity" not in measured.caveats
    assert verdict.locator("[data-role=confidence]").get_attribute("data-band") == measured.confidence["band"]
    assert root.locator("[data-param=gamma_obs]").input_value() == "1.0455"
    assert "in use" in button.inner_text() and button.is_disabled()
    # the γ chart now marks γ_obs (its legend names it), and what the figures draw changed
    page.wait_for_function(
        "(el) => Array.from(el.querySelectorAll('.bqplot')).some(f => f.textContent.includes('γ_obs = 1.0455'))",
        arg=unit.element_handle(),
        timeout=10_000,
    )
    page.wait_for_function(
        f"([el, before]) => ({PATHS_JS})(el) !== before", arg=[unit.element_handle(), paths], timeout=10_000
    )
    assert root.locator("[data-role=chain] tbody tr").count() == len(measured.chain)
    unit.screenshot(path=str(artifacts / "evidence-x2-after.png"))
    assert page.log.unexpected() == []


def test_prediction_vs_measurement_view(voila, page, artifacts):
    page.set_viewport_size({"width": 1280, "height": 1800})
    page.goto(voila.url("evidence.ipynb"))
    view = page.locator(".taf-evidence-widget")
    view.wait_for(timeout=60_000)
    page.wait_for_function(
        "(el) => el.querySelectorAll('.bqplot').length === 2 && Array.from("
        "el.querySelectorAll('.bqplot path')).some(p => (p.getAttribute('d') || '').length > 10)",
        arg=view.element_handle(),
        timeout=30_000,
    )
    text = page.evaluate(FIGURE_TEXT_JS, view.element_handle())
    assert "Does γ_Padé at 2,000 tokens predict the measured γ?" in text
    assert "Meta-Llama-3-8B: attention against distance" in text
    assert "natural text" in text and "power law γ = 1.0455" in text
    view.screenshot(path=str(artifacts / "evidence-view-llama3.png"))
    paths = page.evaluate(PATHS_JS, view.element_handle())
    label = next(text for text, model in _choices() if model == "EleutherAI/pythia-1b")
    view.locator(".taf-evidence-picker select").select_option(label=label)
    page.wait_for_function(
        "(el) => Array.from(el.querySelectorAll('.bqplot')).some(f => "
        "f.textContent.includes('pythia-1b: attention against distance'))",
        arg=view.element_handle(),
        timeout=15_000,
    )
    page.wait_for_function(
        f"([el, before]) => ({PATHS_JS})(el) !== before", arg=[view.element_handle(), paths], timeout=10_000
    )
    assert "γ_obs = 0.9311" in view.inner_text()
    view.screenshot(path=str(artifacts / "evidence-view-pythia1b.png"))
    assert page.log.unexpected() == []


def test_card_and_compare_show_the_band(voila, page, artifacts):
    page.set_viewport_size({"width": 1280, "height": 1800})
    page.goto(voila.url("card_compare.ipynb"))
    page.locator(".taf-compare [data-role=columns] .taf-column").first.wait_for(timeout=60_000)
    page.locator(".taf-card [data-card]").first.wait_for(timeout=60_000)
    columns = page.locator(".taf-compare .taf-column")
    for i in range(columns.count()):
        assert columns.nth(i).locator("[data-role=confidence]").get_attribute("data-band") in ("high", "medium", "low")
    x2 = page.locator(".taf-card [data-card=X-2]")
    expected = run_recipe("X-2", preset=LLAMA, T_eval=32000)
    assert x2.locator("[data-role=confidence]").get_attribute("data-band") == expected.confidence["band"]
    assert page.evaluate(CAVEATS_JS, x2.element_handle()) == expected.caveats
    page.locator(".taf-card").screenshot(path=str(artifacts / "evidence-card.png"))
    assert page.log.unexpected() == []
