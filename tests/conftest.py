"""Fixtures shared by the whole suite."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from taf_widgets.core.catalogs import CATALOGS


@pytest.fixture
def restore_catalogs():
    """Put the catalogs back exactly as they were after a test that registers rows."""
    saved = CATALOGS.snapshot()
    yield
    CATALOGS.restore(saved)


GOLDEN = Path(__file__).resolve().parent / "golden" / "spec_cases.json"


@pytest.fixture(scope="session")
def spec_facts() -> dict:
    """The spec's catalogs, recipe metadata and function signatures, as pinned in the
    committed golden file by tools/make_golden.py (no reference module needed)."""
    with open(GOLDEN, encoding="utf-8") as fh:
        facts = json.load(fh)["spec_facts"]
    for table in ("gpu_catalog", "api_pricing", "presets", "recipes"):
        facts[table] = dict(facts[table])  # [name, row] pairs, in the spec's order
    return facts


def pytest_report_header(config):
    path = os.environ.get("TAF_SPEC_PATH")
    if path:
        return f"live reference comparison (tests/spec): on, TAF_SPEC_PATH={path}"
    return (
        "live reference comparison (tests/spec): off; the golden file carries the spec's facts "
        "(turn it on with TAF_SPEC_PATH=... or `make test-spec`)"
    )
