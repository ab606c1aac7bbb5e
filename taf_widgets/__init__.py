"""taf-widgets: live Thermodynamic Attention Framework (TAF) recipes in Jupyter.

``taf_widgets.core`` is pure Python (standard library only). The widgets need
anywidget, ipywidgets and bqplot, so they are imported only when first used:
``from taf_widgets import RecipeWidget`` works in Jupyter, while
``import taf_widgets.core`` works anywhere (a CLI, Pyodide).
"""

from __future__ import annotations

from typing import Any

_WIDGETS = {
    "RecipeWidget": "taf_widgets.widget",
    "RecipePanel": "taf_widgets.widget",
    "CompareWidget": "taf_widgets.compare",
    "ModelCard": "taf_widgets.card",
    "EvidenceWidget": "taf_widgets.evidence",
    "Dashboard": "taf_widgets.dashboard",
}

__all__ = ["__version__", *_WIDGETS]


def __getattr__(name: str) -> Any:
    if name == "__version__":  # looked up on first use (importlib.metadata is slow to import)
        from .core.version import package_version

        return package_version()
    if name in _WIDGETS:
        import importlib

        return getattr(importlib.import_module(_WIDGETS[name]), name)
    raise AttributeError(f"module 'taf_widgets' has no attribute {name!r}")
