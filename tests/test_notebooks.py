"""The example notebooks: every one runs top to bottom in a fresh kernel and shows its widgets,
the teaching notebooks cover every step of their recipe, and the committed files carry no
outputs and match their sources (tools/notebooks/, built by tools/make_notebooks.py)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import nbformat
import pytest

from taf_widgets.core import RECIPES, get_recipe, run_recipe
from taf_widgets.widget import DEFAULT_PRESET

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
TEACHING = EXAMPLES / "teaching"
GENERATOR = ROOT / "tools" / "make_notebooks.py"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

NOTEBOOKS = sorted(p for p in EXAMPLES.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
TEACHING_NOTEBOOKS = sorted(p for p in TEACHING.glob("*.ipynb"))


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def recipe_of(path: Path) -> str:
    """x19_kv_compression.ipynb → "X-19"."""
    match = re.match(r"x(\d+)_", path.name)
    assert match, f"{rel(path)}: a teaching notebook's name starts with its recipe, like x2_..."
    return f"X-{match.group(1)}"


def markdown_text(nb: nbformat.NotebookNode) -> str:
    return "\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")


def uses_widget(nb: nbformat.NotebookNode) -> bool:
    return any(cell.cell_type == "code" and "RecipeWidget(" in cell.source for cell in nb.cells)


# ── fast checks on the files ─────────────────────────────────────────────────


def test_the_examples_are_found():
    names = {rel(p) for p in NOTEBOOKS}
    assert {"examples/dashboard.ipynb", "examples/quickstart.ipynb"} <= names
    assert len(TEACHING_NOTEBOOKS) >= len(RECIPES)


def test_every_recipe_has_a_teaching_notebook():
    covered = {recipe_of(p) for p in TEACHING_NOTEBOOKS}
    assert covered == set(RECIPES), f"missing: {sorted(set(RECIPES) - covered)}"


@pytest.mark.parametrize("path", TEACHING_NOTEBOOKS, ids=rel)
def test_teaching_notebook_explains_every_step_of_its_recipe(path):
    rid = recipe_of(path)
    recipe = get_recipe(rid)
    result = run_recipe(rid, preset=DEFAULT_PRESET) if recipe.takes_preset else run_recipe(rid)
    text = markdown_text(read(path))
    assert text.lstrip().startswith(f"# {rid} "), f"{rel(path)} should open with a '# {rid} ...' title"
    tags = {part.strip() for step in result.chain for part in step["section"].split("/")}
    tags |= set(recipe.uses_sections)
    missing = sorted(tag for tag in tags if tag not in text)
    assert not missing, f"{rel(path)} never mentions {missing} in its Markdown"
    # One "Step n" heading per chain step, in order.
    steps = [int(n) for n in re.findall(r"^### Step (\d+) ", text, flags=re.M)]
    assert steps == list(range(1, len(result.chain) + 1))
    assert "Carles Marin" in text, f"{rel(path)} should credit TAF and its author"
    if "§26.10" in tags:  # the γ corrections: say they are fits, not laws
        assert "empirical fits, not laws" in text


@pytest.mark.parametrize("path", TEACHING_NOTEBOOKS, ids=rel)
def test_teaching_notebook_exercises_have_solutions(path):
    nb = read(path)
    solutions = [
        i for i, cell in enumerate(nb.cells) if cell.cell_type == "markdown" and "#### Solution" in cell.source
    ]
    assert len(solutions) >= 2, f"{rel(path)}: at least two exercises with solutions"
    for i in solutions:
        nxt = nb.cells[i + 1]
        assert nxt.cell_type == "code" and "solution" in nxt.metadata.get("tags", []), (
            f"{rel(path)}: the cell after a Solution heading must be a code cell tagged 'solution'"
        )
        assert "assert" in nxt.source, f"{rel(path)}: a solution should check its own answer"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=rel)
def test_notebook_is_saved_without_outputs(path):
    for cell in read(path).cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, (
                f"{rel(path)} was saved with outputs; clear them before committing"
            )


def test_generated_notebooks_are_up_to_date():
    spec = importlib.util.spec_from_file_location("make_notebooks", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    stale = [
        name
        for name, text in module.build_all().items()
        if not (EXAMPLES / name).exists() or (EXAMPLES / name).read_text(encoding="utf-8") != text
    ]
    assert not stale, f"regenerate with `python tools/make_notebooks.py`: {stale}"


# ── executing every notebook ─────────────────────────────────────────────────


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=rel)
def test_notebook_runs_top_to_bottom(path):
    nbclient = pytest.importorskip("nbclient")
    nb = read(path)
    client = nbclient.NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()  # in memory only: the file on disk keeps no outputs

    outputs = [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs]
    errors = [out for out in outputs if out.output_type == "error"]
    assert not errors, f"{rel(path)}: {errors[0].ename}: {errors[0].evalue}"
    for out in outputs:
        text = out.get("text", "") if out.output_type == "stream" else str(out.get("data", {}).get("text/plain", ""))
        assert "Traceback (most recent call last)" not in text, f"{rel(path)} printed a traceback:\n{text}"
    if uses_widget(nb):
        assert any(WIDGET_VIEW in out.get("data", {}) for out in outputs), (
            f"{rel(path)} creates a RecipeWidget but displayed no widget view"
        )
