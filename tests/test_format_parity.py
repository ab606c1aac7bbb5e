"""One number-formatting rule: the Python formatter and the JS one give the same text on
the shared cases of tests/fixtures/format_cases.json."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from taf_widgets.core.formatting import format_number

REPO = Path(__file__).resolve().parents[1]
CASES = json.loads((REPO / "tests" / "fixtures" / "format_cases.json").read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['value']!r} {c['unit']}")
def test_python_formats_each_shared_case(case):
    assert format_number(case["value"], case["unit"]) == case["expected"]


def test_the_js_formatter_passes_the_same_cases():
    node = shutil.which("node")
    assert node, "node is required (the front end's tests and build need it)"
    run = subprocess.run(
        [node, "--test", "js/tests/format_parity.test.js"], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"{len(CASES)} cases, {len(CASES)} as expected" in run.stdout
