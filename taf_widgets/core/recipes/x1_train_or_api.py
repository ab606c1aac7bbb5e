"""X-1 · Custom Training vs API: train a custom model, or pay for a frontier API? (§17, §19, §20, §24)"""

from __future__ import annotations

from .. import formulas as F
from ..catalogs import get_api_price, get_gpu
from ..charts.spec import BLUE, GREEN, ORANGE, POINTS, ChartSpec, CompareChart, CompareCurves, Series
from ..params import Param
from .base import Outcome, Recipe, RecipeResult, Tab, Values, fact, factor, step
from .common import (
    BATCH,
    BW_EFF,
    GPU,
    MFU,
    N_ACTIVE,
    N_PARAMS,
    batch1_factor,
    check_active,
    prices_factor,
    value_of,
    weight_precision_param,
)


def _x1(v: Values) -> Outcome:
    N = v["N_params"]
    gpu, n_gpus, mfu = v["gpu"], v["n_gpus"], v["mfu"]
    api_model, monthly = v["api_model"], v["monthly_tokens_M"]
    given_D = v["D_tokens"]
    D = F.chinchilla_optimal_tokens(N) if given_D is None else given_D
    chain = [
        step(
            "D_tokens",
            1,
            "§17.30",
            "Chinchilla optimal D",
            "D = 20·N",
            {"N_params": N},
            D,
            f"train on {D:.2e} tokens" + (" (your choice, not Chinchilla-optimal)" if given_D is not None else ""),
            unit="tokens",
        )
    ]

    flops = F.training_flops(N, D)
    chain.append(
        step(
            "training_FLOPs",
            2,
            "§17.10",
            "Training FLOPs",
            "C = 6·N·D",
            {"N": N, "D": D},
            flops,
            f"{flops:.2e} FLOPs in all",
            unit="FLOPs",
        )
    )

    cost = F.cost_per_training_run(N, D, gpu=gpu, n_gpus=n_gpus, mfu=mfu)
    chain.append(
        step(
            "training_cost",
            3,
            "§20.11",
            "Training cost",
            "hours·USD/h·n_gpus = total $",
            {"gpu": gpu, "n_gpus": n_gpus, "mfu": mfu},
            cost,
            f"${cost['USD']:,.0f} over {cost['days']:.1f} days",
        )
    )

    serving = _x1_serving(v)
    if not serving:
        model_GB = N * 2 / 1e9
        inference = F.cost_per_inference_token(model_GB, gpu, batch=1)
        chain.append(
            step(
                "self_inference",
                4,
                "§19.9 / §20.12",
                "Self-inference $/Mtok",
                "BW / model_GB → tok/s → $/Mtok",
                {"model_GB": model_GB, "gpu": gpu},
                inference,
                f"${inference['USD_per_Mtok']:.2f} per million tokens, one user at a time",
            )
        )
    else:
        active = v["n_active_params"] or N
        bpw = F.WEIGHT_BYTES[v["weight_precision"]]
        model_GB = N * bpw / 1e9
        info = get_gpu(gpu)
        roof = F.decode_roofline(
            active * bpw, 2 * active, v["batch"], 0.0, info["bw_GB_s"], info["flops"], bw_efficiency=v["bw_efficiency"]
        )
        usd_per_Mtok = 1e6 / roof["tok_per_sec"] / 3600 * info["usd_h"]
        inference = {
            "tok_per_sec": roof["tok_per_sec"],
            "USD_per_Mtok": usd_per_Mtok,
            "gpu": gpu,
            "batch": v["batch"],
            "bound": roof["bound"],
        }
        chain.append(
            step(
                "self_inference",
                4,
                "§19.9 / §20.12 + roofline",
                "Self-inference $/Mtok",
                "batch / max(bytes/(BW·eff), FLOPs/peak) → tok/s → $/Mtok",
                {
                    "active_GB": active * bpw / 1e9,
                    "gpu": gpu,
                    "batch": v["batch"],
                    "weight_precision": v["weight_precision"],
                    "bw_efficiency": v["bw_efficiency"],
                },
                inference,
                f"${usd_per_Mtok:.3g} per million tokens at batch {v['batch']} "
                f"({roof['tok_per_sec']:,.0f} tok/s, {roof['bound']}-bound)",
            )
        )

    price = get_api_price(api_model)
    api_blend = (price["input"] + price["output"]) / 2
    chain.append(
        step(
            "api_price",
            5,
            "§24.X",
            f"{api_model} blended price",
            "(input + output) / 2 USD/Mtok",
            {"api_model": api_model},
            api_blend,
            f"${api_blend:.2f} per million tokens, blended",
            unit="USD/Mtok",
        )
    )

    be = F.break_even_volume(cost["USD"], inference["USD_per_Mtok"], api_blend)
    if "error" in be:
        be_text = be["error"]
    else:
        be_text = (
            f"pays off after {be['Mtok_breakeven']:,.0f} M tokens "
            f"({be['Mtok_breakeven'] / monthly:.1f} months at {monthly:g} M/month)"
        )
    chain.append(
        step(
            "breakeven",
            6,
            "§24.3",
            "Break-even tokens",
            "training$ / (api − self) = Mtok",
            {"training_cost": cost["USD"]},
            be,
            be_text,
        )
    )

    if "error" in be:
        verdict, reason = "NO", be["error"][0].upper() + be["error"][1:] + "."
        mitigation = f"Stay with the {api_model} API."
    else:
        months = be["Mtok_breakeven"] / monthly
        if monthly * v["payback_months"] >= be["Mtok_breakeven"]:
            verdict = "YES (custom)"
            reason = (
                f"At {monthly:g} M tokens a month the training pays for itself in "
                f"{months:.1f} months; after that custom is cheaper."
            )
            mitigation = f"Train on {n_gpus}× {gpu} and serve it yourself."
        else:
            verdict = "NO (API)"
            reason = f"At {monthly:g} M tokens a month the training pays for itself only after {months:.1f} months."
            mitigation = f"Use the {api_model} API: it is cheaper at your volume."

    payback = v["payback_months"]
    if payback == 1:
        notes = [
            "The verdict is YES only when the break-even volume is at most one month of "
            "your traffic (the test is monthly volume ≥ break-even volume)."
        ]
    else:
        notes = [
            f"The verdict is YES when the training pays for itself within payback_months = {payback:g} "
            "months of your traffic (monthly volume × payback_months ≥ break-even volume); "
            "the spec's rule is one month."
        ]
    if serving:
        notes.append(
            f"Self-hosted serving is priced at batch {v['batch']} with {v['weight_precision']} weights "
            f"as a roofline (bandwidth efficiency {v['bw_efficiency']:g}); the spec's rule is batch-1 "
            "BF16 decode at the full bandwidth. The KV cache's reads are not counted: X-1 has no "
            "architecture."
        )
    info = get_gpu(gpu)
    train_GB = F.training_memory_16N(N)["GB"]
    if train_GB > info["vram_GB"] * n_gpus or model_GB > info["vram_GB"]:
        notes.append(
            f"Memory is not checked by X-1: training needs about {train_GB:,.0f} GB (16 bytes "
            f"per parameter) against {n_gpus}× {info['vram_GB']:g} GB, and serving "
            f"{model_GB:,.1f} GB of BF16 weights on one {gpu} with {info['vram_GB']:g} GB."
        )
    if given_D is not None:
        notes.append("D_tokens was given, so the training run is not Chinchilla-optimal (D = 20·N).")
    if info["usd_h"] == 0:
        notes.append(
            f"{gpu} has no hourly price (a local card), so training and serving cost $0 "
            "here: power and purchase price are not counted."
        )
    return Outcome(chain, verdict, reason, mitigation, notes, mode="serving" if serving else "spec")


X1 = Recipe(
    id="X-1",
    name="Custom Training vs API",
    description="Should I train a custom model or use a frontier API for my domain task?",
    question="Should I train my own model or pay for an API?",
    category="build-vs-buy",
    uses_sections=("§17", "§19", "§20", "§24"),
    params=(
        N_PARAMS,
        Param(
            "D_tokens",
            "Training tokens",
            "float",
            unit="tokens",
            low=1e3,
            high=1e16,
            log=True,
            optional=True,
            example=None,
            help="Tokens to train on; leave empty for Chinchilla-optimal D = 20·N.",
        ),
        GPU,
        Param("n_gpus", "GPUs", "int", default=8, low=1, high=100000, log=True, help="GPUs used for training."),
        MFU,
        Param(
            "api_model",
            "API model",
            "choice",
            default="GPT-4o",
            choices="api_model",
            help="The API you would pay for instead.",
        ),
        Param(
            "monthly_tokens_M",
            "Monthly volume",
            "float",
            default=10.0,
            unit="M tokens/month",
            low=0,
            high=1e9,
            low_open=True,
            log=True,
            help="Millions of tokens you would process each month.",
        ),
        weight_precision_param(),
        BATCH,
        BW_EFF,
        N_ACTIVE,
        Param(
            "payback_months",
            "Payback horizon",
            "float",
            default=1.0,
            unit="months",
            low=0,
            high=1200,
            low_open=True,
            log=True,
            help="Months of your traffic within which training must pay for itself for a YES; 1 is the spec's rule.",
        ),
    ),
    compute=_x1,
    check=lambda v: check_active(v, "N_params"),
    origin="TAF",
    tones={"YES (custom)": "go", "NO (API)": "no", "NO": "no"},
    facts=(
        fact("breakeven_months", "break-even", lambda r: _breakeven_months(r), "months"),
        fact("training_USD", "training cost", lambda r: r.value("training_cost")["USD"], "USD"),
        fact("self_USD_per_Mtok", "self-hosted", lambda r: r.value("self_inference")["USD_per_Mtok"], "USD/Mtok"),
        fact("api_USD_per_Mtok", "API", value_of("api_price"), "USD/Mtok"),
    ),
    columns=(
        fact("D_tokens", "training tokens", value_of("D_tokens"), "tokens"),
        fact("training_FLOPs", "training FLOPs", value_of("training_FLOPs"), "FLOPs"),
        fact("training_USD", "training cost", lambda r: r.value("training_cost")["USD"], "USD"),
        fact("training_days", "training days", lambda r: r.value("training_cost")["days"], "days"),
        fact("self_USD_per_Mtok", "self-hosted", lambda r: r.value("self_inference")["USD_per_Mtok"], "USD/Mtok"),
        fact("api_USD_per_Mtok", "API", value_of("api_price"), "USD/Mtok"),
        fact("breakeven_Mtok", "break-even volume", lambda r: r.value("breakeven").get("Mtok_breakeven"), "Mtok"),
        fact("breakeven_months", "break-even", lambda r: _breakeven_months(r), "months"),
    ),
    factors=lambda v: [
        prices_factor(),
        batch1_factor(),
        factor("token_rule", "ok", "Chinchilla D = 20·N")
        if v.get("D_tokens") is None
        else factor("token_rule", "ok", "training tokens given"),
    ],
    charts=lambda result: _charts(result),
    tab=Tab(4, "Train or API", {"preset": "meta-llama/Meta-Llama-3-8B", "monthly_tokens_M": 1000.0}),
    compare=CompareChart(
        "Cumulative cost of training and serving your own",
        "months",
        "cumulative cost (USD)",
        lambda results: _compare(results),
        y_format="$~s",
    ),
    card_position=4,
)


def _breakeven_months(result: RecipeResult) -> float | None:
    be = result.value("breakeven")
    return be["Mtok_breakeven"] / result.inputs["monthly_tokens_M"] if "Mtok_breakeven" in be else None


def _own_cost(result: RecipeResult, months: list[float]) -> list[float]:
    """Cumulative cost of training, then serving yourself, after each of ``months``."""
    training_usd = result.value("training_cost")["USD"]
    per_month = result.value("self_inference")["USD_per_Mtok"] * result.inputs["monthly_tokens_M"]
    return [training_usd + per_month * m for m in months]


def _charts(result: RecipeResult) -> list[ChartSpec]:
    monthly = result.inputs["monthly_tokens_M"]
    api_per_Mtok = result.value("api_price")
    be_months = _breakeven_months(result)
    horizon = 24.0 if be_months is None else min(max(1.5 * be_months, 12.0), 1200.0)
    months = [horizon * i / (POINTS - 1) for i in range(POINTS)]
    series = [
        Series("line", months, [api_per_Mtok * monthly * m for m in months], ORANGE, "API"),
        Series("line", months, _own_cost(result, months), BLUE, "custom (train + serve)"),
    ]
    # The point is always a series (empty when there is no break-even in view), so a chart
    # that updates in place keeps the same marks.
    shown = be_months is not None and be_months <= horizon
    series.append(
        Series(
            "point",
            [be_months] if shown else [],
            [api_per_Mtok * monthly * be_months] if shown else [],
            GREEN,
            f"break-even at {be_months:,.1f} months" if shown else None,
            legend=shown,
            tooltip=f"break-even after {be_months:,.1f} months" if shown else None,
        )
    )
    return [
        ChartSpec(
            "cost",
            "When does training your own model pay off?",
            "months",
            "cumulative cost (USD)",
            series,
            x_range=(0.0, horizon),
            y_range=(0.0, None),
            y_format="$~s",
            legend="top-left",
        )
    ]


def _compare(results: list[RecipeResult]) -> CompareCurves:
    months = [24.0 * i / (POINTS - 1) for i in range(POINTS)]
    ys = [_own_cost(r, months) for r in results]
    return CompareCurves(months, ys, [0.0] * len(results), [y[0] for y in ys])


def _x1_serving(v: Values) -> bool:
    """Whether any serving parameter leaves its spec default (then step 4 is a roofline)."""
    return (
        v["weight_precision"] not in ("BF16", "FP16")
        or v["batch"] != 1
        or v["bw_efficiency"] != 1.0
        or v["n_active_params"] is not None
    )
