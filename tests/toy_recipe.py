"""A toy recipe, written as a new recipe module would be: one module, one declaration.

TOY · KV per gigabyte: how many tokens of KV cache does one GB hold for this model? It
takes a model (its architecture comes from a preset), answers with a verdict, and
declares its facts, charts, comparison chart and card position. The contract test
registers it with one line and runs it through every front end.
"""

from __future__ import annotations

from taf_widgets.core import formulas as F
from taf_widgets.core.charts.spec import BLUE, ChartSpec, CompareChart, CompareCurves, Series, decades_around, log_grid
from taf_widgets.core.params import ARCHITECTURE as A
from taf_widgets.core.params import Param
from taf_widgets.core.recipes.base import Outcome, Recipe, RecipeResult, Values, fact, factor, step


def _per_token_bytes(v: Values) -> float:
    return F.kv_cache_memory(v["n_layers"], v["n_kv_heads"], v["d_head"], 1)["bytes"]


def _toy(v: Values) -> Outcome:
    per_token = _per_token_bytes(v)
    chain = [
        step(
            "kv_per_token",
            1,
            "§19.1",
            "KV per token",
            "2·L·n_kv·d_h·B",
            {"n_layers": v["n_layers"]},
            per_token,
            f"{per_token:,.0f} bytes per token",
            unit="bytes",
        )
    ]
    per_gb = 1e9 / per_token
    chain.append(
        step(
            "tokens_per_GB",
            2,
            "toy",
            "Tokens per GB",
            "1e9 / per token",
            {"per_token": per_token},
            per_gb,
            f"{per_gb:,.0f} tokens in one GB",
            unit="tokens",
        )
    )
    need = v["T_eval"] / per_gb
    chain.append(
        step(
            "GB_needed",
            3,
            "toy",
            "GB for the context",
            "T_eval / tokens per GB",
            {"T_eval": v["T_eval"]},
            {"GB": need},
            f"{need:,.2f} GB for {v['T_eval']:,} tokens",
        )
    )
    verdict = "ROOMY" if need <= v["budget_GB"] else "CRAMPED"
    return Outcome(
        chain,
        verdict,
        f"{need:,.2f} GB against a budget of {v['budget_GB']:g} GB.",
        "None required." if verdict == "ROOMY" else "Lower the KV precision.",
        factors=[factor("toy", "warn", "a toy")],
    )


def _charts(result: RecipeResult) -> list[ChartSpec]:
    T = result.inputs["T_eval"]
    lo, hi = decades_around(T, 1, 1)
    grid = log_grid(lo, hi)
    per_gb = result.value("tokens_per_GB")
    return [
        ChartSpec(
            "need",
            "GB of KV cache against context length",
            "tokens",
            "GB",
            [
                Series("line", grid, [t / per_gb for t in grid], BLUE, "KV cache"),
                Series("point", [T], [result.value("GB_needed")["GB"]], BLUE, "this context"),
            ],
            x_log=True,
            y_log=True,
            x_range=(lo, hi),
        )
    ]


def _compare(results: list[RecipeResult]) -> CompareCurves:
    T = results[0].inputs["T_eval"]
    grid = log_grid(*decades_around(T, 1, 1))
    return CompareCurves(
        grid,
        [[t / r.value("tokens_per_GB") for t in grid] for r in results],
        [float(T)] * len(results),
        [r.value("GB_needed")["GB"] for r in results],
    )


TOY = Recipe(
    id="TOY",
    name="KV per gigabyte",
    description="How many tokens of KV cache does one GB hold for this model? (a toy)",
    question="Does my context fit in this KV budget?",
    category="toy",
    uses_sections=("§19",),
    params=(
        A["n_layers"],
        A["n_kv_heads"],
        A["d_head"],
        Param("T_eval", "Context length", "int", default=8192, unit="tokens", low=1, high=1e8, log=True),
        Param("budget_GB", "KV budget", "float", default=4.0, unit="GB", low=0, high=1e5, low_open=True),
    ),
    compute=_toy,
    tones={"ROOMY": "go", "CRAMPED": "no"},
    facts=(
        fact("GB_needed", "KV needed", lambda r: r.value("GB_needed")["GB"], "GB"),
        fact("tokens_per_GB", "tokens per GB", lambda r: r.value("tokens_per_GB"), "tokens"),
    ),
    charts=_charts,
    compare=CompareChart("KV cache against context length", "tokens", "GB", _compare, x_log=True, y_log=True),
    card_position=99,
)
