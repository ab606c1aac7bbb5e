"""Fixtures shared by the whole suite."""

from __future__ import annotations

import copy

import pytest

from taf_widgets.core import catalogs

# Module-level tables that register_* and load_catalog change at run time.
_TABLES = ("_GPUS", "_API", "_PRESETS", "_ORIGIN", "_SOURCE", "_FILES")


@pytest.fixture
def restore_catalogs():
    """Put the catalogs back exactly as they were after a test that registers rows."""
    saved = {name: copy.deepcopy(getattr(catalogs, name)) for name in _TABLES}
    revision = catalogs._revision
    yield
    for name, value in saved.items():
        table = getattr(catalogs, name)
        table.clear()
        table.update(value)
    catalogs._revision = revision
