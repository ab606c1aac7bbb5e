"""One version number, and the installed package carries its front-end bundle."""

from __future__ import annotations

import json
from importlib import metadata, resources
from pathlib import Path

import taf_widgets

ROOT = Path(__file__).resolve().parents[1]


def test_python_and_js_versions_are_the_same_number():
    js_version = json.loads((ROOT / "package.json").read_text())["version"]
    assert metadata.version("taf-widgets") == js_version
    assert taf_widgets.__version__ == js_version


def test_installed_package_has_its_built_bundle():
    bundle = resources.files("taf_widgets") / "static" / "recipe.js"
    assert bundle.is_file(), "taf_widgets/static/recipe.js is missing: the package build must run `npm run build`"
    text = bundle.read_text(encoding="utf-8")
    assert "export" in text and "render" in text
    assert len(text.encode()) <= 30 * 1024, "the minified bundle must stay under 30 KB"


def test_panel_loads_the_bundle_from_the_package():
    from taf_widgets.widget import RecipePanel

    bundle = resources.files("taf_widgets") / "static" / "recipe.js"
    assert str(RecipePanel._esm) == bundle.read_text(encoding="utf-8")


def test_core_data_files_ship_in_the_package():
    data = resources.files("taf_widgets.core") / "data"
    assert {p.name for p in data.iterdir() if p.name.endswith(".json")} >= {
        "gpus.json",
        "api_prices.json",
        "presets.json",
    }
