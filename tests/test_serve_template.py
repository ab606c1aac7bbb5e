"""The Voilà template ``taf_widgets.serve`` uses by default: found in the package, chosen by the
default arguments, replaced by the caller's own choice. (The page it draws: tests/browser/test_dashboard.py.)"""

from __future__ import annotations

import json
import os
from importlib import resources

import pytest

from taf_widgets.serve import TEMPLATE, TEMPLATE_ROOT, install_template_path, with_defaults


@pytest.fixture
def voila_paths(monkeypatch):
    """``voila.paths`` with the package's folder on its search path, undone after the test."""
    import voila.paths as paths

    monkeypatch.setattr(paths, "_default_root_dirs", paths._default_root_dirs)
    install_template_path()
    return paths


def test_the_template_ships_inside_the_package():
    folder = resources.files("taf_widgets.serving") / "share" / "voila" / "templates" / TEMPLATE
    assert str(folder) == str(TEMPLATE_ROOT / "voila" / "templates" / TEMPLATE)
    assert json.loads((folder / "conf.json").read_text())["base_template"] == "lab"
    page = (folder / "index.html.j2").read_text()
    assert "{%- extends 'voila/templates/lab/index.html.j2' -%}" in page


def test_the_default_arguments_select_the_template_and_leave_out_pygments():
    args = with_defaults(["dashboard.ipynb"])
    assert f"--VoilaConfiguration.template={TEMPLATE}" in args
    assert "--VoilaConfiguration.extension_denylist=jupyterlab_pygments" in args
    assert args[-1] == "dashboard.ipynb"


@pytest.mark.parametrize(
    "given",
    [
        ["--template=lab"],
        ["--template", "lab"],
        ["--VoilaConfiguration.template=lab"],
        ["--VoilaConfiguration.template", "lab"],
    ],
)
def test_the_callers_template_wins(given):
    from voila.app import Voila

    args = with_defaults(["dashboard.ipynb", *given])
    assert not any(a.startswith("--VoilaConfiguration.template=") and a.endswith(TEMPLATE) for a in args)
    assert args.count("--VoilaConfiguration.extension_denylist=jupyterlab_pygments") == 1
    # Voilà's own command line reads what the server would run with.
    app = Voila()
    app.parse_command_line(args)
    assert app.config.VoilaConfiguration.template == "lab"
    assert list(app.config.VoilaConfiguration.extension_denylist) == ["jupyterlab_pygments"]


def test_voila_reads_the_default_arguments_as_meant():
    from voila.app import Voila

    app = Voila()
    app.parse_command_line(with_defaults(["dashboard.ipynb"]))
    assert app.config.VoilaConfiguration.template == TEMPLATE
    assert list(app.config.VoilaConfiguration.extension_denylist) == ["jupyterlab_pygments"]
    assert app.extra_args == ["dashboard.ipynb"]


def test_voila_finds_the_template_from_the_package_and_builds_it_on_lab(voila_paths):
    install_template_path()  # a second call changes nothing
    roots = voila_paths._default_root_dirs()
    assert roots[-1] == str(TEMPLATE_ROOT) and roots.count(str(TEMPLATE_ROOT)) == 1

    found = voila_paths.collect_template_paths(["voila", "nbconvert"], TEMPLATE, prune=True)
    ours = str(TEMPLATE_ROOT / "voila" / "templates" / TEMPLATE)
    assert found[0] == ours
    # then Voilà's lab, nbconvert's lab and the base templates it builds on
    names = [p.replace("\\", "/").rsplit("/templates/", 1)[-1] for p in found if "/templates/" in p.replace("\\", "/")]
    assert names[:5] == [TEMPLATE, "lab", "lab", "base", "base"]
    # the lab page it extends, and the static files its page asks for under templates/taf/static/
    assert any(os.path.isfile(os.path.join(p, "voila", "templates", "lab", "index.html.j2")) for p in found)
    static = voila_paths.collect_static_paths(["voila", "nbconvert"], TEMPLATE)
    assert any(os.path.isfile(os.path.join(p, "voila-style.js")) for p in static)


def test_without_the_package_folder_voila_would_fall_back_to_its_base_template(voila_paths):
    # Voilà raises nothing for an unknown template: it builds on "base", not "lab", and the page
    # changes. The package's folder on the search path is what makes the template the lab one.
    others = [d for d in voila_paths._default_root_dirs() if d != str(TEMPLATE_ROOT)]
    found = voila_paths.collect_template_paths(["voila", "nbconvert"], TEMPLATE, prune=True, root_dirs=others)
    assert not any(p.replace("\\", "/").endswith(("/templates/" + TEMPLATE, "/templates/lab")) for p in found)
