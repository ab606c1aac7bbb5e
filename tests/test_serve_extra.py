"""The server is an extra: the widgets install and import without Voilà, and without the ``serve``
extra ``python -m taf_widgets.serve`` says what to install in one line and exits with status 2.

Each case runs in a fresh interpreter. A module of the extra is made missing the way Python itself
knows, ``sys.modules[name] = None`` (importing it then raises ModuleNotFoundError), and the command
runs as ``-m`` runs it (``runpy``). ``scripts/test-min-deps.sh`` runs this file again in a venv
that really has no Voilà."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HINT = "pip install 'taf-widgets[serve]'"
SERVER_ONLY = ("voila", "jupyter_server", "jupyter_client", "tornado", "ipykernel", "nbclient", "zmq")
HAS_SERVE_EXTRA = all(importlib.util.find_spec(name) for name in ("voila", "jupyter_client", "tornado", "ipykernel"))


def python(code: str, *, hide: tuple[str, ...] = (), timeout: float = 120) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter (from a folder outside the checkout) with ``hide`` missing."""
    blocked = "".join(f"sys.modules[{name!r}] = None\n" for name in hide)
    return subprocess.run(
        [sys.executable, "-c", f"import sys\n{blocked}{code}"],
        cwd=ROOT / "tests",
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def serve(*args: str, hide: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    """``python -m taf_widgets.serve *args``."""
    return python(
        f"import runpy\nsys.argv = ['taf_widgets.serve', *{list(args)!r}]\n"
        "runpy.run_module('taf_widgets.serve', run_name='__main__', alter_sys=True)",
        hide=hide,
    )


def test_the_widgets_import_nothing_of_the_server():
    done = python(
        "import taf_widgets, taf_widgets.widget, taf_widgets.dashboard, taf_widgets.serve, "
        "taf_widgets.serving, taf_widgets.nodelay\n"
        f"print(sorted({{m.partition('.')[0] for m in sys.modules}} & set({SERVER_ONLY!r})))"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@pytest.mark.skipif(not HAS_SERVE_EXTRA, reason="hides one module of the serve extra, the others present")
@pytest.mark.parametrize("missing", ["voila", "jupyter_client", "tornado", "ipykernel"])
def test_without_the_extra_the_server_says_what_to_install_and_exits_2(missing):
    done = serve("--help", hide=(missing,))
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"taf_widgets.serve needs the [serve] extra (no module named {missing!r}): {HINT}"
    ]
    assert done.stdout == ""


def test_the_widgets_work_without_the_extra():
    # ipykernel stays: ipywidgets imports it whenever its name is in sys.modules, which the None
    # that hides it would be (an install without it: scripts/test-min-deps.sh)
    hide = tuple(name for name in SERVER_ONLY if name != "ipykernel")
    done = python(
        "from taf_widgets import RecipeWidget\n"
        "w = RecipeWidget('X-2', preset='meta-llama/Meta-Llama-3-8B', T_eval=32000)\n"
        "print(w.result['verdict'])",
        hide=hide,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "YES"


def test_the_provisioner_without_the_extra_names_it():
    done = python("import taf_widgets.forkkernel", hide=("jupyter_client",))
    assert done.returncode == 1
    assert "taf_widgets.serving.forkkernel needs the [serve] extra" in done.stderr and HINT in done.stderr


@pytest.mark.skipif(
    HAS_SERVE_EXTRA, reason="the serve extra is installed here (scripts/test-min-deps.sh runs this without it)"
)
def test_an_install_without_the_extra_says_what_to_install():
    done = serve("--help")
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1 and done.stderr.strip().endswith(HINT)


@pytest.mark.skipif(not HAS_SERVE_EXTRA, reason="needs the serve extra")
def test_with_the_extra_the_old_command_still_runs_voila():
    done = serve("--help")
    assert done.returncode == 0, done.stderr
    assert "Voila" in done.stdout and "--VoilaConfiguration.template" in done.stdout


@pytest.mark.skipif(not HAS_SERVE_EXTRA, reason="needs the serve extra")
def test_the_old_module_names_are_the_serving_modules_names():
    import taf_widgets.forkkernel
    import taf_widgets.nodelay
    import taf_widgets.serve
    from taf_widgets.serving import forkkernel, nodelay, serve

    for shim, module in [
        (taf_widgets.serve, serve),
        (taf_widgets.forkkernel, forkkernel),
        (taf_widgets.nodelay, nodelay),
    ]:
        assert all(getattr(shim, name) is getattr(module, name) for name in shim.__all__), shim.__name__
    assert set(taf_widgets.serve.__all__) == set(serve.__all__) - {"missing_module"}
    assert taf_widgets.nodelay._load_jupyter_server_extension is nodelay._load_jupyter_server_extension
