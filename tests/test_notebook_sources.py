"""The notebook sources in tools/notebooks/: each generated example notebook has one source, the
prose's numbers come from the source's facts, and `make_notebooks.py --check` fails, naming the
notebook, as soon as a source and its notebook disagree."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GENERATOR = ROOT / "tools" / "make_notebooks.py"
SOURCES = ROOT / "tools" / "notebooks"
EXAMPLES = ROOT / "examples"
X3 = "teaching/x3_budget"


def load_generator():
    spec = importlib.util.spec_from_file_location("make_notebooks", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_notebooks = load_generator()


def run_generator(*args: object) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(GENERATOR), *map(str, args)], capture_output=True, text=True, cwd=ROOT, timeout=300
    )


def copy_sources(tmp_path: Path, *names: str) -> Path:
    """A sources folder holding copies of the named sources (their .md and their facts)."""
    folder = tmp_path / "sources"
    for name in names:
        for suffix in (".md", ".py"):
            target = folder / f"{name}{suffix}"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(SOURCES / f"{name}{suffix}", target)
    return folder


def write_source(folder: Path, markdown: str, facts: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "demo.md"
    path.write_text(markdown, encoding="utf-8")
    if facts is not None:
        path.with_suffix(".py").write_text(facts, encoding="utf-8")
    return path


# ── the committed sources ────────────────────────────────────────────────────


def test_every_generated_notebook_has_a_source_of_its_own():
    generated = {p.relative_to(SOURCES).with_suffix(".ipynb").as_posix() for p in SOURCES.rglob("*.md")}
    teaching = {p.relative_to(EXAMPLES).as_posix() for p in (EXAMPLES / "teaching").glob("*.ipynb")}
    assert {"quickstart.ipynb"} | teaching <= generated
    assert all((EXAMPLES / rel).exists() for rel in generated)


def test_check_passes_when_every_notebook_matches_its_source():
    result = run_generator("--check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "all notebooks up to date" in result.stdout


# ── --check guards the generated notebooks ───────────────────────────────────


def test_check_fails_and_names_the_notebook_whose_prose_changed(tmp_path):
    sources = copy_sources(tmp_path, X3)
    source = sources / f"{X3}.md"
    text = source.read_text(encoding="utf-8")
    assert "a heuristic after Wei et al. (2022)" in text
    source.write_text(text.replace("a heuristic after", "a rule of thumb after"), encoding="utf-8")
    committed = (EXAMPLES / f"{X3}.ipynb").read_bytes()

    result = run_generator("--check", "--sources", sources, "--out", EXAMPLES)

    assert result.returncode == 1, result.stdout + result.stderr
    assert f"out of date (run python tools/make_notebooks.py): {X3}.ipynb" in result.stdout
    assert (EXAMPLES / f"{X3}.ipynb").read_bytes() == committed  # --check writes nothing


def test_check_fails_when_a_fact_changes_and_the_prose_follows_it(tmp_path):
    sources = copy_sources(tmp_path, X3)
    facts = sources / f"{X3}.py"
    text = facts.read_text(encoding="utf-8")
    assert "BUDGET, GPU = 5000.0," in text
    facts.write_text(text.replace("BUDGET, GPU = 5000.0,", "BUDGET, GPU = 7500.0,"), encoding="utf-8")

    assert run_generator("--check", "--sources", sources, "--out", EXAMPLES).returncode == 1
    out = tmp_path / "out"
    assert run_generator("--sources", sources, "--out", out).returncode == 0
    notebook = (out / f"{X3}.ipynb").read_text(encoding="utf-8")
    assert "\\\\$7,500 on one H100 SXM" in notebook and "5,000" not in notebook


def test_writing_gives_the_committed_bytes_and_then_check_passes(tmp_path):
    sources = copy_sources(tmp_path, X3)
    out = tmp_path / "out"

    written = run_generator("--sources", sources, "--out", out)
    assert written.returncode == 0, written.stdout + written.stderr
    assert (out / f"{X3}.ipynb").read_bytes() == (EXAMPLES / f"{X3}.ipynb").read_bytes()
    assert run_generator("--check", "--sources", sources, "--out", out).returncode == 0


def test_check_fails_when_the_notebook_is_missing(tmp_path):
    sources = copy_sources(tmp_path, X3)
    result = run_generator("--check", "--sources", sources, "--out", tmp_path / "empty")
    assert result.returncode == 1 and f"{X3}.ipynb" in result.stdout
    assert not (tmp_path / "empty").exists()


# ── the source format ────────────────────────────────────────────────────────


def test_placeholders_take_keys_format_specs_and_filters(tmp_path):
    path = write_source(
        tmp_path,
        "---\ntitle: Demo\nid: demo\n---\n\n"
        "θ = {{ arch.theta:,.0f }}, {{ n_params | sci }} parameters, net {{ net:+.2f | minus }}, "
        "{{ steps | words }} steps, {{ r.verdict }} for \\$5.\n",
        "from types import SimpleNamespace\n\n\n"
        "def facts():\n"
        "    return {'arch': {'theta': 500000}, 'n_params': 8e9, 'net': -0.04, 'steps': 6,\n"
        "            'r': SimpleNamespace(verdict='YES')}\n",
    )
    nb = make_notebooks.build(path)
    assert nb.cells[0].source == "θ = 500,000, 8·10⁹ parameters, net −0.04, six steps, YES for \\$5."


def test_cells_markdown_breaks_and_solutions(tmp_path):
    path = write_source(
        tmp_path,
        "---\ntitle: Demo\nid: demo\n---\n\n"
        "# Title\n\n```bash\npip install taf-widgets\n```\n\n+++\n\nSecond cell.\n\n"
        "```{code-cell} ipython3\nx = 1\n\n\ny = 2\n```\n\n"
        "#### Solution\n\n```{code-cell} ipython3\n:tags: [solution]\n\nassert x + y == 3\n```\n",
    )
    nb = make_notebooks.build(path)
    assert [(cell.cell_type, cell.id) for cell in nb.cells] == [
        ("markdown", "demo-00"),
        ("markdown", "demo-01"),
        ("code", "demo-02"),
        ("markdown", "demo-03"),
        ("code", "demo-04"),
    ]
    assert nb.cells[0].source == "# Title\n\n```bash\npip install taf-widgets\n```"
    assert nb.cells[2].source == "x = 1\n\n\ny = 2" and nb.cells[2].metadata == {}
    assert nb.cells[4].source == "assert x + y == 3"
    assert nb.cells[4].metadata == {"tags": ["solution"], "jupyter": {"source_hidden": True}}
    assert nb.metadata["title"] == "Demo"


def test_a_placeholder_without_a_fact_names_the_file_and_line(tmp_path):
    path = write_source(tmp_path, "---\ntitle: Demo\nid: demo\n---\n\nOne line.\n\nθ = {{ theta }}\n")
    with pytest.raises(make_notebooks.SourceError, match=r"demo\.md:8: no fact named 'theta'"):
        make_notebooks.build(path)


def test_a_fact_no_placeholder_quotes_is_an_error(tmp_path):
    path = write_source(
        tmp_path,
        "---\ntitle: Demo\nid: demo\n---\n\n{{ used }}\n",
        "def facts():\n    return {'used': 1, 'stale': 2}\n",
    )
    with pytest.raises(make_notebooks.SourceError, match="never quoted in the prose: stale"):
        make_notebooks.build(path)


def test_braces_that_are_not_a_placeholder_are_an_error(tmp_path):
    path = write_source(tmp_path, "---\ntitle: Demo\nid: demo\n---\n\nγ = {{ gamma corrected }}\n")
    with pytest.raises(make_notebooks.SourceError, match=r"demo\.md:6: not a placeholder"):
        make_notebooks.build(path)


def test_latex_braces_pass_through(tmp_path):
    latex = r"$$d_h = \frac{\theta\,(1-\gamma)\sqrt{2}}{1+\gamma}}$$"
    path = write_source(tmp_path, f"---\ntitle: Demo\nid: demo\n---\n\n{latex}\n")
    assert make_notebooks.build(path).cells[0].source == latex


def test_an_unclosed_code_cell_is_an_error(tmp_path):
    path = write_source(tmp_path, "---\ntitle: Demo\nid: demo\n---\n\n```{code-cell} ipython3\nx = 1\n")
    with pytest.raises(make_notebooks.SourceError, match="without its closing"):
        make_notebooks.build(path)
