"""X-3 · Budget Pre-flight: what model can this budget train? (§17, §20)"""

from __future__ import annotations

import math

from .. import formulas as F
from ..catalogs import get_gpu, gpu_names
from ..charts.spec import BLUE, PURPLE, RED, ChartSpec, Series, decades_around, log_grid
from ..params import Param
from .base import FieldErrors, Outcome, Recipe, RecipeResult, Tab, Values, fact, factor, step
from .common import GPU, MFU, gb, prices_factor, value_of


def _x3_check(v: Values) -> FieldErrors:
    if get_gpu(v["gpu"])["usd_h"] == 0:
        priced = [n for n in gpu_names() if get_gpu(n)["usd_h"] > 0]
        return {
            "gpu": (
                v["gpu"],
                "has no hourly price ($0/h, a local card), so a budget buys no GPU-hours; "
                "choose a priced GPU: " + ", ".join(repr(n) for n in priced),
            )
        }
    return {}


def _x3(v: Values) -> Outcome:
    budget, gpu, mfu, n_gpus = v["USD_budget"], v["gpu"], v["mfu"], v["n_gpus"]
    info = get_gpu(gpu)
    hours = budget / (info["usd_h"] * n_gpus)
    chain = [
        step(
            "gpu_hours",
            1,
            "§20.11",
            "Affordable GPU-hours",
            "USD / ($/h·n_gpus)",
            {"USD": budget, "gpu": gpu, "n_gpus": n_gpus},
            hours,
            f"{hours:,.0f} hours of the whole cluster ({hours / 24:.1f} days)",
            unit="hours",
        )
    ]

    max_flops = info["flops"] * 1e12 * mfu * n_gpus * hours * 3600
    chain.append(
        step(
            "max_FLOPs",
            2,
            "§17.10",
            "Max training FLOPs",
            "peak·MFU·n_gpus·seconds",
            {"peak_TFLOPs": info["flops"], "MFU": mfu},
            max_flops,
            f"{max_flops:.2e} useful FLOPs",
            unit="FLOPs",
        )
    )

    N = F.chinchilla_N_for_flops(max_flops)
    D = 20 * N
    chain.append(
        step(
            "N_optimal",
            3,
            "§17.30",
            "Chinchilla-optimal N",
            "N = √(C/120) at D = 20N",
            {"max_FLOPs": max_flops},
            N,
            f"about {N:.2e} parameters on {D:.2e} tokens",
            unit="params",
        )
    )

    tier = F.emergent_threshold(N)
    chain.append(step("tier", 4, "§17.60", "Emergence threshold", "Wei 2022 capability tiers", {"N": N}, tier, tier))

    mem = F.training_memory_16N(N)
    fits = mem["GB"] <= info["vram_GB"]
    chain.append(
        step(
            "training_memory",
            5,
            "§17.20",
            "16N training memory",
            "model + grads + AdamW",
            {"N": N},
            mem,
            f"{mem['GB']:,.1f} GB needed; {'fits in' if fits else 'exceeds'} one GPU's {info['vram_GB']:g} GB",
        )
    )

    if N < 1e8:
        verdict = "TINY-MODEL"
        reason = f"The budget trains only about {N:.0e} parameters."
        mitigation = "Fine-tune a larger pretrained model with LoRA instead."
    elif not fits:
        verdict = "MEMORY-LIMITED"
        need = math.ceil(mem["GB"] / info["vram_GB"])
        reason = f"The Chinchilla-optimal N ({N:.1e}) does not fit in one {gpu}."
        mitigation = f"Shard with ZeRO-3 over at least {need}× {gpu}, or train a smaller, undertrained model."
    else:
        verdict = "GO"
        reason = (
            f"${budget:,.0f} trains a {N:.1e}-parameter model on {D:.1e} tokens in about "
            f"{hours / 24:.1f} days; tier: {tier.split('—')[0].strip()}."
        )
        mitigation = "None: follow the Chinchilla-optimal recipe."

    notes = []
    if n_gpus > 1:
        notes.append(
            "n_gpus changes neither N nor the memory check: the budget buys the same "
            "FLOPs on fewer hours, and memory is checked per GPU with no sharding. "
            "GPU-hours here are wall-clock hours of the whole cluster."
        )
    if not fits:
        notes.append(
            "Memory is 16 bytes per parameter (weights, gradients, Adam moments) on a "
            "single GPU, without sharding or activation memory."
        )
    return Outcome(chain, verdict, reason, mitigation, notes)


X3 = Recipe(
    id="X-3",
    name="Budget Pre-flight",
    description="Given $ budget, what model is feasible to train?",
    question="What can this budget train?",
    category="training-budget",
    uses_sections=("§17", "§20"),
    params=(
        Param(
            "USD_budget",
            "Budget",
            "float",
            default=5000.0,
            unit="USD",
            low=0,
            high=1e12,
            low_open=True,
            log=True,
            help="Money available for GPU time.",
        ),
        GPU,
        MFU,
        Param("n_gpus", "GPUs", "int", default=1, low=1, high=100000, log=True, help="GPUs rented at once."),
    ),
    compute=_x3,
    check=_x3_check,
    origin="TAF",
    tones={"GO": "go", "MEMORY-LIMITED": "caution", "TINY-MODEL": "caution"},
    facts=(
        fact("N_params", "Chinchilla N", value_of("N_optimal"), "params"),
        fact("gpu_hours", "GPU-hours", value_of("gpu_hours"), "hours"),
        fact("memory_GB", "16N memory", gb("training_memory"), "GB"),
    ),
    columns=(
        fact("GPU_hours", "GPU-hours", value_of("gpu_hours"), "hours"),
        fact("max_FLOPs", "max FLOPs", value_of("max_FLOPs"), "FLOPs"),
        fact("optimal_N_params", "Chinchilla N", value_of("N_optimal"), "params"),
        fact("tier", "tier", value_of("tier")),
        fact("training_memory_GB", "16N memory", gb("training_memory"), "GB"),
        fact(
            "fits_one_GPU",
            "fits one GPU",
            lambda r: r.value("training_memory")["GB"] <= get_gpu(r.inputs["gpu"])["vram_GB"],
        ),
    ),
    factors=lambda v: [
        prices_factor(),
        factor("token_rule", "ok", "Chinchilla D = 20·N"),
        factor("memory_model", "warn", "16 bytes per parameter on one GPU, no activations or sharding"),
    ],
    charts=lambda result: _charts(result),
    tab=Tab(5, "What $ buys", {"USD_budget": 5000.0}),
)


def _charts(result: RecipeResult) -> list[ChartSpec]:
    v = result.inputs
    info = get_gpu(v["gpu"])
    budget = v["USD_budget"]
    lo, hi = decades_around(budget, 3, 3)
    budgets = log_grid(lo, hi)
    # FLOPs per dollar do not depend on n_gpus: more GPUs buy the same FLOPs sooner.
    flops_per_usd = info["flops"] * 1e12 * v["mfu"] * 3600 / info["usd_h"]
    N = [F.chinchilla_N_for_flops(flops_per_usd * b) for b in budgets]
    n_now = result.value("N_optimal")
    n_chart = ChartSpec(
        "n",
        "What model size does each budget train?",
        "budget (USD)",
        "Chinchilla-optimal N (params)",
        [
            Series("line", budgets, N, BLUE, "N", legend=False),
            Series(
                "point",
                [budget],
                [n_now],
                BLUE,
                "your budget",
                legend=False,
                tooltip=f"${budget:,.0f}: N = {n_now:.3g}",
            ),
        ],
        x_log=True,
        y_log=True,
        x_range=(lo, hi),
        x_format="$~s",
        y_format="~s",
    )
    mem_now = result.value("training_memory")["GB"]
    mem_chart = ChartSpec(
        "memory",
        "Does the training state fit on one GPU?",
        "budget (USD)",
        "memory (GB)",
        [
            Series("line", budgets, [F.training_memory_16N(n)["GB"] for n in N], PURPLE, "16N training memory"),
            Series("hline", [], [info["vram_GB"]], RED, "GPU VRAM", "dashed"),
            Series(
                "point",
                [budget],
                [mem_now],
                PURPLE,
                "your budget",
                legend=False,
                tooltip=f"${budget:,.0f}: {mem_now:,.1f} GB",
            ),
        ],
        x_log=True,
        y_log=True,
        x_range=(lo, hi),
        x_format="$~s",
        y_format="~g",
        legend="top-left",
    )
    return [n_chart, mem_chart]
