"""The installed version of taf-widgets, looked up once on first use (standard library only)."""

from __future__ import annotations

import functools

__all__ = ["package_version", "UNINSTALLED"]

UNINSTALLED = "0.0.0+unknown"
"""The version of a source tree that was never installed (or Pyodide without metadata)."""


@functools.lru_cache(maxsize=1)
def package_version() -> str:
    """``"0.1.0"``, or :data:`UNINSTALLED`. importlib.metadata costs about 10 ms, so the
    lookup waits until a caller needs it."""
    from importlib import metadata

    try:
        return metadata.version("taf-widgets")
    except metadata.PackageNotFoundError:
        return UNINSTALLED
