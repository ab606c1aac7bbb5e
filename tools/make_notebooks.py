#!/usr/bin/env python3
"""Generate the example notebooks: the quick start and one teaching notebook per recipe.

    python tools/make_notebooks.py           # (re)write examples/quickstart.ipynb, examples/teaching/*.ipynb
    python tools/make_notebooks.py --check   # exit 1 if a written notebook differs from what this generates

The notebooks are written without outputs and with fixed cell ids, so regenerating
them gives the same bytes. Every number quoted in their prose is computed here with
``taf_widgets.core`` (never typed in by hand), and every code cell recomputes its
numbers when the notebook runs; ``tests/test_notebooks.py`` runs them all and checks
that the files are up to date with this generator.
"""

from __future__ import annotations

import argparse
import math
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # use this tree's core, installed or not

import nbformat  # noqa: E402
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook  # noqa: E402

from taf_widgets.core import (  # noqa: E402
    DELTA_GQA,
    DELTA_POST_IH,
    DELTA_SWA,
    POST_IH_N_PARAMS,
    d_horizon,
    gamma_pade,
    get_api_price,
    get_gpu,
    get_preset,
    run_recipe,
)
from taf_widgets.core.formulas import CHINCHILLA_RATIO  # noqa: E402

EXAMPLES = ROOT / "examples"

LLAMA3_8B = "meta-llama/Meta-Llama-3-8B"
LLAMA32_1B = "meta-llama/Llama-3.2-1B"
LLAMA33_70B = "meta-llama/Llama-3.3-70B-Instruct"
MISTRAL_7B = "mistralai/Mistral-7B-v0.1"

CREDIT = (
    "The formulas, constants, catalogs and recipes are those of the **Thermodynamic Attention "
    "Framework (TAF)** by **Carles Marin** (Apache-2.0); `taf_widgets` reimplements them."
)


# ── building blocks ──────────────────────────────────────────────────────────


class Book:
    """Cells of one notebook, with fixed ids so that regenerating is byte-stable."""

    def __init__(self, slug: str, title: str) -> None:
        self.slug = slug
        self.title = title
        self.cells: list = []

    def _id(self) -> str:
        return f"{self.slug}-{len(self.cells):02d}"

    def md(self, text: str, **values: object) -> None:
        """A Markdown cell; ``<<name>>`` is replaced by ``values[name]`` (LaTeX keeps its braces)."""
        text = textwrap.dedent(text).strip("\n")
        for key, value in values.items():
            text = text.replace(f"<<{key}>>", str(value))
        if "<<" in text:
            raise ValueError(f"{self.slug}: unfilled placeholder in {text[text.index('<<'):][:40]!r}")
        self.cells.append(new_markdown_cell(text, id=self._id()))

    def code(self, text: str, *, solution: bool = False) -> None:
        """A code cell; a solution's source starts collapsed in JupyterLab."""
        metadata = {"tags": ["solution"], "jupyter": {"source_hidden": True}} if solution else {}
        self.cells.append(new_code_cell(textwrap.dedent(text).strip("\n"), id=self._id(), metadata=metadata))

    def notebook(self) -> nbformat.NotebookNode:
        nb = new_notebook(cells=self.cells)
        nb.metadata = {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
            "title": self.title,
        }
        nbformat.validate(nb)
        return nb


def n0(x: float) -> str:
    """12,345 — a count, rounded to a whole number."""
    return f"{x:,.0f}"


SEARCH_HELPER = '''
def first_true(pred, lo, hi, *, integer=False):
    """Smallest x in [lo, hi] with pred(x) true, when pred is false below some threshold
    and true from it on (bisection; to within one unit when integer=True)."""
    assert not pred(lo) and pred(hi), "the threshold must lie inside [lo, hi]"
    while (hi - lo > 1) if integer else (hi - lo > 1e-9 * abs(hi)):
        mid = (lo + hi) // 2 if integer else (lo + hi) / 2
        if pred(mid):
            hi = mid
        else:
            lo = mid
    return hi
'''


def exercises_header(book: Book) -> None:
    book.md(
        """
        ## Exercises

        Try each one with the widget or with a few lines of code before opening the solution. The
        solutions search with the recipe itself (bisection over a parameter) and then check the answer
        against a closed form, so this notebook checks itself every time it runs. They use this
        small helper:
        """
    )
    book.code(SEARCH_HELPER)


# ── the quick start ──────────────────────────────────────────────────────────


def quickstart() -> Book:
    b = Book("quickstart", "taf-widgets quick start")
    llama = get_preset(LLAMA3_8B)
    mistral_at_32k = run_recipe("X-2", preset=MISTRAL_7B, T_eval=32000)
    b.md(
        """
        # taf-widgets quick start

        **Will this LLM plan work?** taf-widgets answers five such questions live in Jupyter: will a model
        hold a long context (X-2), should you train your own model or pay for an API (X-1), what a budget
        can train (X-3), which GPU serves a model cheapest (X-5), and whether to compress the KV cache
        (X-19). Each answer is a *recipe* of the Thermodynamic Attention Framework (TAF) by Carles Marin: a
        chain of closed-form formulas, each tagged with its section of the TAF paper, ending in a verdict,
        a reason and a mitigation.

        This notebook tours the whole API in a few minutes.

        ## Install

        ```bash
        pip install taf-widgets     # the released package
        pip install -e .            # or, from a source checkout (builds the JS front end with npm)
        ```

        It runs in JupyterLab, Jupyter Notebook, VS Code and Voilà. Nothing is fetched at run time: the
        model presets, the GPU catalog and the API prices ship with the package.
        """
    )
    b.md(
        """
        ## A live recipe

        `RecipeWidget(recipe_id)` shows a preset picker, a control per parameter, the verdict, the chain of
        formulas and the charts. Pick another preset or move a slider: everything follows at once.
        """
    )
    b.code(
        """
        from IPython.display import display
        from taf_widgets import RecipeWidget

        w = RecipeWidget("X-2")   # Long Context Viability, starting from the Llama-3-8B preset
        display(w)
        """
    )
    b.md(
        """
        X-2 asks whether a model can still retrieve a fact (a "needle") from a context of a given length.
        With a preset and no length, it starts at the model's training length (<<T_train>> tokens for
        Llama-3-8B).

        ## Reading the result

        `w.result` is a plain, JSON-clean dict: `verdict`, `reason`, `mitigation`, `notes` (the assumptions
        the answer rests on), `inputs` (the values used) and `chain`, one row per formula with its
        `section`, `formula`, `inputs`, `result` and a sentence of `interpretation`.
        """,
        T_train=n0(llama["T_train"]),
    )
    b.code(
        """
        res = w.result
        print(res["verdict"], "—", res["reason"])
        for step in res["chain"]:
            print(f'{step["step"]}. {step["section"]:<7} {step["name"]:<20} {step["interpretation"]}')
        """
    )
    b.code('res["notes"]')
    b.md(
        """
        ## Reacting to changes

        Every recomputation raises `w.revision` by one. Observe it (or `result`) to react to changes, as
        a dashboard or a logging cell would. `w.set(...)` changes one or several parameters and reruns the
        recipe once, exactly as moving a slider does.
        """
    )
    b.code(
        """
        fired = []

        def on_revision(change):
            fired.append(change["new"])
            print(f"revision {change['old']} → {change['new']}: {change['owner'].result['verdict']}")

        w.observe(on_revision, names=["revision"])
        w.set(T_eval=131072)   # 128K tokens
        assert fired, "the handler should have fired"
        """
    )
    b.md(
        """
        ## Bad values

        A bad value never breaks the widget. The message appears beside the field, `w.errors` maps the
        field to it, and `w.stale` turns `True`: `w.result` is still the last good answer.
        """
    )
    b.code(
        """
        w.set(T_eval=-5)
        print(w.errors)
        print("stale:", w.stale, "| result still computed at T_eval =", w.result["inputs"]["T_eval"])
        """
    )
    b.md("A good value clears both:")
    b.code(
        """
        w.set(T_eval=32000)
        w.errors, w.stale
        """
    )
    b.md(
        """
        ## Presets

        A preset fills the architecture parameters (RoPE base θ, attention and KV heads, layers, size,
        sliding window) from a model's published config; the context length stays your choice, so
        switching keeps `T_eval = 32000`.
        """
    )
    b.code(
        """
        from taf_widgets.core import preset_names

        print(preset_names())
        w.preset = "mistralai/Mistral-7B-v0.1"
        w.params["theta"], w.params["has_SWA"], w.result["verdict"]
        """
    )
    b.md(
        """
        Mistral-7B has θ = <<theta>> and sliding-window attention, so at 32,000 tokens X-2 answers
        **<<verdict>>**. Editing an architecture parameter by hand (say `w.set(theta=1e6)`) makes the
        parameters custom again, and `w.preset` becomes `""`.

        ## Without widgets

        The core, `taf_widgets.core`, is pure Python with the standard library only. The same recipes run
        in scripts, tests, the command line (`taf-widgets run X-2 --preset meta-llama/Meta-Llama-3-8B
        --T_eval 32000`) and Pyodide.
        """,
        theta=n0(get_preset(MISTRAL_7B)["theta"]),
        verdict=mistral_at_32k.verdict,
    )
    b.code(
        """
        from taf_widgets.core import InputError, run_recipe

        r = run_recipe("X-2", preset="meta-llama/Meta-Llama-3-8B", T_eval=32000)
        print(r.verdict, "—", r.reason)
        print(r.step(1)["section"], r.step(1)["name"], "=", r.step(1)["result"])
        """
    )
    b.md(
        "Bad input raises `InputError`, a `ValueError` whose message names the field, the value and what "
        "is allowed (`.errors` maps every bad field to its message):"
    )
    b.code(
        """
        try:
            run_recipe("X-2", preset="meta-llama/Meta-Llama-3-8B", T_eval=0)
        except InputError as exc:
            print(exc.field, "→", exc)
        """
    )
    b.md("And every formula of a chain is a plain function, with its section in its docstring:")
    b.code(
        """
        from taf_widgets.core import d_horizon, gamma_decompose, gamma_pade

        g = gamma_pade(500_000, 32_000)                                            # §26.1
        g_corr = gamma_decompose(g, has_GQA=True, n_params=8e9)["gamma_corrected"]  # §26.10
        print(f"γ_Padé = {g:.4f}, γ corrected = {g_corr:.4f}, "
              f"d_horizon = {d_horizon(500_000, g_corr):,.0f} tokens")             # §26.2
        print(gamma_pade.__doc__)
        """
    )
    b.md(
        """
        ## Where next

        - `examples/teaching/`: one notebook per recipe, for a course on LLM systems. Each formula of the
          chain is explained, computed and checked, followed by a live widget and exercises with
          solutions.
        - `examples/dashboard.ipynb`: the five recipes in tabs, ready for Voilà.
        """
    )
    return b
