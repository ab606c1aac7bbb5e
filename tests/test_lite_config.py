"""The JupyterLite site's committed configuration agrees with itself (no build needed)."""

import json
import re
from pathlib import Path

LITE = Path(__file__).resolve().parents[1] / "lite"


def build_pins() -> dict[str, str]:
    pins = {}
    for line in (LITE / "requirements-build.txt").read_text().splitlines():
        m = re.fullmatch(r"([A-Za-z0-9_.-]+)==(\S+)", line.strip())
        if m:
            pins[re.sub(r"[-_.]+", "-", m[1]).lower()] = m[2]
    return pins


def test_widget_front_ends_and_kernel_side_are_the_same_versions():
    # `jupyter lite build` copies each widget's front end from the build environment; the kernel
    # loads the Python side from the lock. Different versions may not speak the same protocol.
    lock, pins = json.loads((LITE / "lock.json").read_text())["packages"], build_pins()
    for name in ["anywidget", "ipywidgets", "jupyterlab-widgets", "bqplot", "bqscales"]:
        assert pins[name] == lock[name]["version"], name


def test_every_served_package_is_pinned_with_a_hash_and_the_preloads_are_served():
    doc = json.loads((LITE / "lock.json").read_text())
    assert re.fullmatch(r"\d+\.\d+\.\d+", doc["pyodide"]["version"])
    assert doc["pyodide"]["integrity"].startswith("sha512-")
    assert re.fullmatch(r"[0-9a-f]{64}", doc["compiled_source"]["sha256"])
    for name, pkg in doc["packages"].items():
        assert re.fullmatch(r"[0-9a-f]{64}", pkg["sha256"]), name
        assert pkg["source"] in {"pypi", "pyodide", "kernel-extension"}, name
        assert pkg["version"] in pkg["file_name"], name
    # Every package the kernel is told to load at start is in the lock (or is ours).
    settings = json.loads((LITE / "jupyter-lite.json").read_text())["jupyter-config-data"]
    kernel = settings["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
    assert kernel["disablePyPIFallback"] is True
    served = {re.sub(r"[-_.]+", "-", n) for n in doc["packages"]} | {"taf-widgets"}
    for name in kernel["loadPyodideOptions"]["packages"]:
        assert re.sub(r"[-_.]+", "-", name) in served, name
