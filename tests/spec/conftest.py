"""The tests that compare us with the live reference module (the spec).

They run only when the reference is given: ``TAF_SPEC_PATH=/path/to/taf_browser_seed.py``
(``make test-spec`` sets it to ``../shared/spec/taf_browser_seed.py`` beside the checkout).
Without it they are not collected, and the run's header says so: everything they check
that the committed golden cases (``tests/golden/spec_cases.json``) pin is checked by the
default suite from that file. Given a path that does not exist, they fail; they never skip.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

SPEC_PATH = os.environ.get("TAF_SPEC_PATH", "")

if not SPEC_PATH:
    collect_ignore_glob = ["test_*.py"]


@pytest.fixture(scope="session")
def spec_file() -> Path:
    path = Path(SPEC_PATH)
    if not path.is_file():
        pytest.fail(f"TAF_SPEC_PATH={SPEC_PATH!r}: the reference spec taf_browser_seed.py is not there")
    return path


@pytest.fixture(scope="session")
def spec(spec_file):
    """The reference module, imported from its path (never copied into the repository)."""
    loader = importlib.util.spec_from_file_location("taf_reference_spec", spec_file)
    module = importlib.util.module_from_spec(loader)
    loader.loader.exec_module(module)
    return module
