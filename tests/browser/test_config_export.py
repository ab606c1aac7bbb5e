"""Loading a config.json through the page's file picker, and the export buttons."""

from __future__ import annotations

import json
from pathlib import Path

from browser_helpers import wait_widget

from taf_widgets.core.hfconfig import preset_from_config

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "configs"


def test_a_config_json_picked_in_the_page_becomes_the_preset(voila, page, artifacts, tmp_path):
    page.goto(voila.url("x2.ipynb"))
    root = wait_widget(page)
    revision = int(root.get_attribute("data-revision"))
    config = FIXTURES / "Mistral-7B-v0.1" / "config.json"
    root.locator("[data-role=config-file]").set_input_files(str(config))
    page.wait_for_function(
        "([el, r]) => Number(el.dataset.revision) > r", arg=[root.element_handle(), revision], timeout=15_000
    )
    derived = preset_from_config(config)
    inputs = json.loads(root.get_attribute("data-result-inputs"))
    assert inputs["n_params"] == derived.params["n_params"] == 7_241_732_096
    assert inputs["has_SWA"] is True and inputs["theta"] == derived.params["theta"]
    assert float(root.locator("[data-param=n_params]").input_value()) == 7_241_732_096
    # A file sent by the page carries no folder name: the preset is named by family and file.
    assert root.locator("[data-role=preset]").input_value() == "mistral from config.json"
    assert root.locator("[data-role=config-notes] li").count() == len(derived.notes)

    bad = tmp_path / "config.json"
    bad.write_text('{"model_type": "llama", "hidden_size": -4096}')
    root.locator("[data-role=config-file]").set_input_files(str(bad))
    error = root.locator("[data-error-for=config]")
    page.wait_for_function("(el) => el.textContent.includes('hidden_size')", arg=error.element_handle(), timeout=15_000)
    assert root.get_attribute("data-stale") == "true"
    page.screenshot(path=str(artifacts / "config-load-error.png"), full_page=True)
    assert page.log.unexpected() == []


def test_export_buttons_download_markdown_json_and_a_report(voila, page, artifacts):
    page.goto(voila.url("x2.ipynb"))
    root = wait_widget(page)
    shown = json.loads(root.get_attribute("data-result-inputs"))
    verdict = root.locator("[data-role=verdict] .taf-badge").inner_text()
    texts = {}
    for fmt in ("md", "json", "html"):
        with page.expect_download(timeout=15_000) as info:
            root.locator(f"[data-export={fmt}]").click()
        download = info.value
        assert download.suggested_filename == f"taf-X-2.{fmt}"
        texts[fmt] = Path(download.path()).read_text(encoding="utf-8")
    assert json.loads(texts["json"])["inputs"] == shown
    assert verdict in texts["md"] and verdict in texts["html"]
    assert "<svg" in texts["html"] and "<script" not in texts["html"].lower()
    assert page.log.unexpected() == []
