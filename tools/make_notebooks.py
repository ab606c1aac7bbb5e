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


_SUP = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def sci(x: float, digits: int = 0) -> str:
    """8·10⁹ — scientific notation as prose writes it."""
    mantissa, exponent = f"{x:.{digits}e}".split("e")
    return f"{mantissa}·10{str(int(exponent)).translate(_SUP)}"


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


# ── teaching notebooks: shared pieces ────────────────────────────────────────


def teaching_intro(b: Book, rid: str, question: str, detail: str, case: str, n_steps: int) -> None:
    b.md(
        """
        # <<rid>> · <<name>>

        **The question: <<question>>** <<detail>>

        This notebook belongs to a course on LLM systems. Recipe <<rid>> of the **Thermodynamic Attention
        Framework (TAF)** by **Carles Marin** answers the question with a chain of <<n>> closed-form
        formulas, each tagged with its section of the TAF paper, and ends in a verdict, a reason and a
        mitigation; `taf_widgets.core` reimplements the formulas and recipes (Apache-2.0). We follow one
        concrete case, <<case>>, through every step: each formula gets a cell that explains it and a cell
        that computes it with the core and checks the number against the recipe's own chain. Then comes
        a live widget to play with, and exercises with solutions.
        """,
        rid=rid,
        name=_recipe_name(rid),
        question=question,
        detail=detail,
        n=_NUMBER_WORDS[n_steps],
        case=case,
    )


_NUMBER_WORDS = {4: "four", 5: "five", 6: "six"}


def _recipe_name(rid: str) -> str:
    from taf_widgets.core import get_recipe

    return get_recipe(rid).name


# ── X-2 long context ─────────────────────────────────────────────────────────


def x2() -> Book:
    b = Book("x2", "X-2 · Long Context Viability (TAF teaching notebook)")
    arch = get_preset(LLAMA3_8B)
    L = 32_000
    r = run_recipe("X-2", preset=LLAMA3_8B, T_eval=L)
    net = r.step(2)["result"] - r.step(1)["result"]
    tiny = dict(n_params=3e8, n_kv_heads=arch["n_attention_heads"])
    tiny_a = run_recipe("X-2", preset=LLAMA3_8B, T_eval=32000, **tiny)
    tiny_b = run_recipe("X-2", preset=LLAMA3_8B, T_eval=32768, **tiny)
    assert tiny_a.verdict != tiny_b.verdict  # the rounding example below must show a flip

    teaching_intro(
        b, "X-2", "will this model hold this context length?",
        "More precisely: can the model still find one fact (a *needle*) hidden anywhere in a context of "
        "L tokens, the needle-in-a-haystack (NIAH) test?",
        f"**Llama-3-8B asked to hold {L:,} tokens**", 6,
    )
    b.code(
        """
        import math
        from IPython.display import display
        from taf_widgets import RecipeWidget
        from taf_widgets.core import (
            alpha_opt, chi_susceptibility, d_horizon, gamma_decompose, gamma_pade, get_preset,
            kv_cache_memory, l_niah_c, p_hallucinate, run_recipe, theta_design,
        )

        PRESET = "meta-llama/Meta-Llama-3-8B"
        L = 32_000                                     # the context length we ask about (T_eval)
        arch = get_preset(PRESET)                      # the model's published architecture
        r = run_recipe("X-2", preset=PRESET, T_eval=L)  # the whole recipe, to check each step against
        arch
        """
    )
    b.md(
        r"""
        ### Step 1 — γ_Padé (§26.1)

        $$\gamma_{\text{Padé}} = \frac{2\theta - T\sqrt{2}}{2\theta + T\sqrt{2}}$$

        θ is the RoPE base (`rope_theta` in the model's config) and T the context length. TAF describes
        attention by an exponent γ, read as a power-law decay of attention weight with distance,
        $a(d) \propto d^{-\gamma}$ (step 3 of X-19 builds on exactly that reading); the Padé formula
        estimates γ from θ and T alone. What matters is where γ falls:

        - **0 < γ < 1, Phase A**: attention decays with distance, but slowly enough that the total weight
          of far-away tokens does not vanish: long-range retrieval can work.
        - **γ ≥ 1** (the recipe calls it the Hagedorn side of Phase B): the weight is so concentrated on
          nearby tokens that distant ones get a vanishing share.
        - **γ ≤ 0** (catastrophic Phase B): the context is too long for this θ.

        γ falls as T grows and crosses 0 at T = θ√2, which is <<cross>> tokens for Llama-3-8B's
        θ = <<theta>>.
        """,
        cross=n0(arch["theta"] * math.sqrt(2)),
        theta=n0(arch["theta"]),
    )
    b.code(
        """
        g_pade = gamma_pade(arch["theta"], L)
        assert math.isclose(g_pade, r.step(1)["result"])
        print(f"γ_Padé(θ = {arch['theta']:,}, T = {L:,}) = {g_pade:.4f}")
        """
    )
    b.md(
        r"""
        ### Step 2 — γ-decomposition (§26.10)

        $$\gamma_{\text{corrected}} = \gamma_{\text{Padé}} + \delta_{\text{GQA}} + \delta_{\text{SWA}} + \delta_{\text{post-IH}}$$

        Three architecture corrections: δ_GQA = <<gqa>> if the model uses grouped-query attention (fewer
        KV heads than query heads), δ_SWA = <<swa>> if it uses sliding-window attention, and
        δ_post-IH = <<ih>> if it has at least <<ih_n>> parameters (large enough to have formed induction
        heads).

        **These corrections are empirical fits, not laws.** They are the coefficients of an ordinary
        least-squares fit over 23 models (§26.10). Read them as a calibration with error bars you do not
        see here, and be wary of applying them to an architecture unlike those 23. Step 3 shows why this
        matters so much in X-2: the corrections decide the verdict.

        Llama-3-8B has GQA (<<kv>> KV heads for <<heads>> query heads), no sliding window and
        <<n>> parameters, so its net correction is <<gqa>> + (<<ih>>) = <<net>>.
        """,
        gqa=f"+{DELTA_GQA:.2f}", swa=f"−{abs(DELTA_SWA):.2f}", ih=f"−{abs(DELTA_POST_IH):.2f}",
        ih_n=sci(POST_IH_N_PARAMS),
        kv=arch["n_kv_heads"], heads=arch["n_attention_heads"], n=sci(arch["n_params"]),
        net=f"{net:+.2f}".replace("-", "−"),
    )
    b.code(
        """
        decomp = gamma_decompose(
            g_pade,
            has_GQA=arch["n_kv_heads"] < arch["n_attention_heads"],
            has_SWA=arch["has_SWA"],
            n_params=arch["n_params"],
        )
        g = decomp["gamma_corrected"]
        assert math.isclose(g, r.step(2)["result"])
        decomp
        """
    )
    b.md(
        r"""
        ### Step 3 — retrieval horizon d_horizon (§26.2)

        $$d_h = \frac{\theta\,(1-\gamma)\sqrt{2}}{1+\gamma}\qquad\text{(defined only in Phase A, } 0<\gamma<1\text{)}$$

        The retrieval horizon: how far back the model can reliably reach. It is computed from the
        *corrected* γ.

        A hidden identity is worth seeing. Substitute γ_Padé into it: since
        $1-\gamma_{\text{Padé}} = \frac{2T\sqrt2}{2\theta+T\sqrt2}$ and
        $1+\gamma_{\text{Padé}} = \frac{4\theta}{2\theta+T\sqrt2}$, the formula gives **d_h = T exactly**.
        With the uncorrected γ every context length sits exactly on its own horizon. So whether L lies
        inside the horizon is decided only by the sign of the net correction of step 2: a negative one
        lowers γ and pushes d_h above L, a positive one pulls d_h below L. The context length itself only
        decides whether γ stays in Phase A.
        """
    )
    b.code(
        """
        dh = d_horizon(arch["theta"], g)
        assert math.isclose(dh, r.step(3)["result"])
        print(f"d_horizon = {dh:,.0f} tokens for a context of L = {L:,}")
        print(f"with the uncorrected γ: d_horizon = {d_horizon(arch['theta'], g_pade):,.6f}  (= L)")
        assert math.isclose(d_horizon(arch["theta"], g_pade), L)
        """
    )
    b.md(
        r"""
        ### Step 4 — critical NIAH length L_NIAH^c (§26.5)

        $$L^{c}_{\text{NIAH}} = 2\,d_h$$

        The context length at which needle retrieval drops to 50%. Between d_h and 2·d_h the model still
        finds the needle part of the time: that band is the recipe's DEGRADED verdict.
        """
    )
    b.code(
        """
        l_c = l_niah_c(dh)
        assert math.isclose(l_c, r.step(4)["result"])
        print(f"L_NIAH^c = {l_c:,.0f} tokens")
        """
    )
    b.md(
        r"""
        ### Step 5 — P_hallucinate (§26.9), with the susceptibility χ (§26.16)

        $$P_{\text{hallucinate}} = \max\!\left(0,\; 1-\left(\frac{d_h}{L}\right)^{1-\gamma}\right)\cdot\frac{\sqrt{\chi}}{1+\sqrt{\chi}},
        \qquad \chi = \frac{1}{|\gamma-1|}$$

        The probability that a retrieval overshoots the horizon. The first factor measures how far L
        reaches beyond d_h, and it is **exactly 0 whenever L ≤ d_h**: for a YES verdict the recipe reports
        0 by construction, not a measured hallucination rate. The second factor grows with the
        susceptibility χ, which diverges as γ approaches 1.
        """
    )
    b.code(
        """
        p = p_hallucinate(L, arch["theta"], g)
        assert p == r.step(5)["result"]
        print(f"χ = {chi_susceptibility(g):.2f}, P_hallucinate at L = {L:,}: {p}")
        # The same γ with a context 1.5 × beyond the horizon, to see the first factor at work:
        print(f"P_hallucinate at L = 1.5·d_h: {p_hallucinate(1.5 * dh, arch['theta'], g):.3f}")
        """
    )
    b.md(
        r"""
        ### Step 6 — KV cache memory (§19.1)

        $$\text{bytes} = 2\cdot n_{\text{layers}}\cdot n_{\text{kv}}\cdot d_{\text{head}}\cdot L\cdot B$$

        The price of the context: a key and a value (the factor 2) for every layer, KV head, head
        dimension and token, at B bytes per number (2 for BF16, 1 for INT8 or FP8). It is per request and
        grows linearly with L; GQA shrinks it by storing fewer KV heads. It does not enter the verdict.
        GB means 10⁹ bytes.
        """
    )
    b.code(
        """
        kv = kv_cache_memory(arch["n_layers"], arch["n_kv_heads"], arch["d_head"], L, bytes_per_element=2.0)
        assert kv == r.step(6)["result"]
        print(f"KV cache: {kv['GB']:.2f} GB per request at {L:,} tokens (BF16)")
        """
    )
    b.md(
        r"""
        ## The verdict

        | condition on the chain | verdict |
        |---|---|
        | γ_corrected ≤ 0 or ≥ 1 (Phase B) | **NO** |
        | L < d_h | **YES** |
        | d_h ≤ L < L_NIAH^c | **DEGRADED** |
        | L ≥ L_NIAH^c | **NO** |

        For a NO the mitigation is an NTK-aware RoPE extension. θ_design (§26.3) inverts the Padé formula,
        $\theta = \frac{T\sqrt{2}\,(1+\gamma)}{2\,(1-\gamma)}$, to find the base that puts γ_Padé at 0.85 for
        this length; the scaling factor α = θ_design / θ (§26.4) says how far that is from the model's own
        base, and the recipe suggests fine-tuning when α > 8.
        """
    )
    b.code(
        """
        print("verdict:   ", r.verdict)
        print("reason:    ", r.reason)
        print("mitigation:", r.mitigation)

        # A NO, to see the mitigation: Mistral-7B (θ = 10,000, sliding window) at the same length.
        r_no = run_recipe("X-2", preset="mistralai/Mistral-7B-v0.1", T_eval=L)
        print("\\nMistral-7B:", r_no.verdict, "—", r_no.reason)
        print("mitigation:", r_no.mitigation)
        print(f"θ_design(0.85, {L:,}) = {theta_design(0.85, L):,.0f}, α = {alpha_opt(0.85, L, 10_000):.2f}")
        """
    )
    b.md(
        """
        ## What this recipe assumes

        - **The γ corrections are empirical fits, not laws.** δ_GQA, δ_SWA and δ_post-IH (§26.10) are an
          OLS fit over 23 models, and in X-2 they decide whether L is inside the horizon.
        - **With the uncorrected γ, the verdict does not depend on the context length.** Because
          d_h(θ, γ_Padé(θ, L)) = L (step 3), a model whose net correction is negative gets YES at every
          length where γ_corrected stays in (0, 1), and a model whose net correction is positive never
          gets YES. The length only decides when γ leaves Phase A.
        - **When the corrections sum to zero** (a model under <<ih_n>> parameters without GQA or sliding
          window), d_h equals L up to floating-point rounding, and rounding alone decides YES versus
          DEGRADED. The result carries a note saying so; the cell below shows the same architecture
          getting **<<va>>** at 32,000 tokens and **<<vb>>** at 32,768.
        - **T_train is not read.** A preset fills the training length, but no X-2 formula uses it.
        - **P_hallucinate = 0 is not a measurement**: it is zero by construction whenever L ≤ d_h.
        - The KV cache is for one request at the chosen bytes per element; it does not enter the verdict.

        Every result carries these caveats as `notes`:
        """,
        va=tiny_a.verdict, vb=tiny_b.verdict, ih_n=sci(POST_IH_N_PARAMS),
    )
    b.code(
        """
        for note in r.notes:
            print("•", note)

        # Corrections summing to zero: a 300M-parameter model with as many KV heads as query heads.
        for T in (32_000, 32_768):
            rr = run_recipe("X-2", preset=PRESET, T_eval=T, n_params=3e8, n_kv_heads=32)
            print(f"\\nT = {T:,}: d_h = {rr.step(3)['result']!r} → {rr.verdict}")
        """
    )
    b.md(
        """
        ## Play with it

        The widget starts from the same case. Things to try: switch the preset to Mistral-7B and watch γ
        leave Phase A; tick *Sliding-window attention* on Llama-3-8B and see the net correction change; drag
        the context length towards a million tokens and find where the verdict turns NO; set the KV bytes
        per element to 1 (INT8) and watch the KV cache halve.
        """
    )
    b.code(
        """
        w = RecipeWidget("X-2", preset=PRESET, T_eval=L)
        display(w)
        """
    )
    exercises_header(b)
    b.md(
        """
        **Exercise 1.** Llama-3-8B ships with θ = <<theta>>. How small could its RoPE base be while the model
        still stays in Phase A (0 < γ_corrected < 1) at 128K tokens (131,072)? What does X-2 answer just
        above that θ?

        #### Solution
        """,
        theta=n0(arch["theta"]),
    )
    b.code(
        """
        T128K = 131_072

        def in_phase_a(theta):
            g = run_recipe("X-2", preset=PRESET, T_eval=T128K, theta=theta).step(2)["result"]
            return 0 < g < 1

        theta_min = first_true(in_phase_a, 1_000.0, float(arch["theta"]))
        print(f"smallest θ in Phase A at 128K: {theta_min:,.1f}")
        print("verdict just above it:", run_recipe("X-2", preset=PRESET, T_eval=T128K, theta=theta_min * 1.001).verdict)

        # Closed form: γ_corrected = γ_Padé + net > 0 means γ_Padé > −net, and the Padé inverse
        # θ_design (§26.3) gives the θ at which γ_Padé equals −net.
        net = r.step(2)["result"] - r.step(1)["result"]
        assert math.isclose(theta_min, theta_design(-net, T128K), rel_tol=1e-6)
        """,
        solution=True,
    )
    b.md(
        """
        **Exercise 2.** Mistral-7B-v0.1 (θ = <<theta>>, sliding-window attention) was trained at <<T_train>>
        tokens. What is the longest context for which X-2 still answers YES? Is the training length inside it?

        #### Solution
        """,
        theta=n0(get_preset(MISTRAL_7B)["theta"]),
        T_train=n0(get_preset(MISTRAL_7B)["T_train"]),
    )
    b.code(
        """
        MISTRAL = "mistralai/Mistral-7B-v0.1"

        def not_yes(T):
            return run_recipe("X-2", preset=MISTRAL, T_eval=T).verdict != "YES"

        T_max = first_true(not_yes, 1_000, 1_000_000, integer=True) - 1
        T_train = get_preset(MISTRAL)["T_train"]
        print(f"longest YES context: {T_max:,} tokens; trained at {T_train:,}: inside = {T_train <= T_max}")

        # Closed form: its net correction is δ_GQA + δ_SWA + δ_post-IH; YES needs γ_Padé > −net, and
        # γ_Padé falls with T. θ_design is linear in T, so the T where γ_Padé = −net is θ / θ_design(−net, 1).
        m = run_recipe("X-2", preset=MISTRAL, T_eval=T_train)
        net_m = m.step(2)["result"] - m.step(1)["result"]
        T_exact = get_preset(MISTRAL)["theta"] / theta_design(-net_m, 1)
        print(f"net correction {net_m:+.2f}, exact boundary {T_exact:,.1f} tokens")
        assert T_max <= T_exact < T_max + 1
        """,
        solution=True,
    )
    b.md(
        """
        **Exercise 3.** Keep Llama-3-8B's architecture but make it a 300M-parameter model
        (`n_params=3e8`): it keeps δ_GQA but loses δ_post-IH. Scan context lengths from 1K to 10M tokens.
        Does X-2 ever answer YES? Explain with step 3.

        #### Solution
        """
    )
    b.code(
        """
        lengths = [round(10 ** (3 + k / 8)) for k in range(33)]   # 1K … 10M, 8 per decade
        verdicts = {T: run_recipe("X-2", preset=PRESET, T_eval=T, n_params=3e8).verdict for T in lengths}
        for T in lengths[::4]:
            print(f"{T:>10,} tokens: {verdicts[T]}")
        assert "YES" not in verdicts.values()
        print("verdicts seen:", sorted(set(verdicts.values())))
        # Why: the net correction is now +0.11 > 0, so γ_corrected > γ_Padé and d_h < d_h(γ_Padé) = L:
        # L is never inside the horizon. Short contexts push γ_corrected to 1 or above (Phase B, NO);
        # longer ones land between d_h and 2·d_h (DEGRADED) until γ_corrected drops to 0 (NO again).
        """,
        solution=True,
    )
    return b
