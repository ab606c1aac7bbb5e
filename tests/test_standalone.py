"""The installed package needs no Node.js at run time: a RecipeWidget works in a Python
whose PATH holds no node or npm (scripts/test-wheel.sh runs this against the built wheel)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

CHECK = r"""
import json, shutil
from importlib import resources
import taf_widgets
from taf_widgets import RecipeWidget
from taf_widgets.widget import RecipePanel

assert shutil.which("node") is None and shutil.which("npm") is None
w = RecipeWidget("X-2", preset="meta-llama/Meta-Llama-3-8B", T_eval=32000)
first = (w.result["verdict"], w.revision)
w.set(T_eval=40_000_000)
bundle = resources.files("taf_widgets") / "static" / "recipe.js"
print(json.dumps({"first": first, "after": (w.result["verdict"], w.revision),
                  "bundle_loaded": str(RecipePanel._esm) == bundle.read_text(encoding="utf-8"),
                  "package": taf_widgets.__file__}))
w.close()
"""


def path_without_node() -> str:
    """This PATH minus every folder that holds a node or npm executable."""
    keep = [
        d
        for d in os.environ.get("PATH", "").split(os.pathsep)
        if d and not any(os.access(os.path.join(d, tool), os.X_OK) for tool in ("node", "npm"))
    ]
    return os.pathsep.join(keep)


def test_recipe_widget_works_with_no_node_on_path(tmp_path):
    env = {**os.environ, "PATH": path_without_node()}
    env.pop("ANYWIDGET_HMR", None)
    out = subprocess.run(
        [sys.executable, "-c", CHECK], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["first"][0] == "YES"
    assert report["after"][0] == "NO" and report["after"][1] > report["first"][1]
    assert report["bundle_loaded"], "the widget must load the bundle shipped inside the package"
    assert Path(report["package"]).parent.joinpath("static", "recipe.js").is_file()
