"""FIT · Will it fit? This project's own recipe, not one of TAF's: memory bookkeeping of
weights, KV cache and engine overhead per GPU, as serving engines allocate it."""

from __future__ import annotations

from .. import formulas as F
from ..catalogs import get_gpu
from ..charts.spec import (
    BLUE,
    GREEN,
    GREY,
    ORANGE,
    PURPLE,
    RED,
    ChartSpec,
    CompareChart,
    CompareCurves,
    Series,
    decades_around,
    log_grid,
)
from ..params import Param
from .base import Outcome, Recipe, RecipeResult, Tab, Values, fact, step
from .common import (
    GPU_UTIL,
    KV_LATENT,
    N_PARAMS,
    TP,
    A,
    closed_form_factors,
    gb,
    overhead_param,
    t_eval_param,
    uneven_kv_note,
    value_of,
    weight_precision_param,
)

_LADDER = ("BF16", "FP8", "INT8", "INT4")
_TIGHT_HEADROOM = 0.10


def _fit_memory(v: Values, weight_precision: str) -> dict:
    """Per-GPU memory of one replica at ``weight_precision``: weights, KV per token, the
    request's KV, overhead, total, usable, and the KV tokens the rest holds."""
    tp = v["tp"]
    vram = v["vram_GB"] if v["vram_GB"] is not None else get_gpu(v["gpu"])["vram_GB"]
    usable = vram * v["gpu_memory_utilization"]
    weights = v["N_params"] * F.WEIGHT_BYTES[weight_precision] / tp / 1e9
    per_tok = F.kv_bytes_per_token(
        v["n_layers"], v["n_kv_heads"], v["d_head"], F.KV_BYTES[v["kv_precision"]], tp, v["kv_latent_dim"]
    )
    kv = _kv_GB(per_tok["per_gpu"], v["T_eval"], v["concurrent_users"])
    free_bytes = max(0.0, (usable - weights - v["overhead_GB"]) * 1e9)
    capacity = int(free_bytes // per_tok["per_gpu"])
    return {
        "vram_GB": vram,
        "usable_GB": usable,
        "weights_GB": weights,
        "per_token": per_tok,
        "kv_GB": kv,
        "overhead_GB": v["overhead_GB"],
        "total_GB": weights + kv + v["overhead_GB"],
        "capacity_tokens": capacity,
    }


def _kv_GB(per_token_bytes: float, T_eval: float, sequences: int) -> float:
    """GB of KV cache for ``sequences`` of ``T_eval`` tokens, per GPU."""
    return per_token_bytes * T_eval * sequences / 1e9


def _fits_with_fp8_kv(v: Values, weight_precision: str) -> bool:
    """Whether the request would fit with the KV cache in FP8 and the weights as they are
    (a mitigation is offered only when it is enough on its own)."""
    capacity = _fit_memory({**v, "kv_precision": "FP8"}, weight_precision)["capacity_tokens"]
    return capacity // v["concurrent_users"] >= v["T_eval"]


def _fit(v: Values) -> Outcome:
    wp, kp, T, users, tp = v["weight_precision"], v["kv_precision"], v["T_eval"], v["concurrent_users"], v["tp"]
    m = _fit_memory(v, wp)
    gpu_text = f"{v['gpu']}" if v["vram_GB"] is None else f"a {v['vram_GB']:g} GB GPU"
    per_gpu = f" per GPU (tp = {tp})" if tp > 1 else ""
    chain = [
        step(
            "weights",
            1,
            "FIT",
            "Weights",
            "N · bytes_per_weight / tp",
            {"N": v["N_params"], "weight_precision": wp, "bytes_per_weight": F.WEIGHT_BYTES[wp], "tp": tp},
            {"GB": m["weights_GB"]},
            f"{m['weights_GB']:,.2f} GB of {wp} weights{per_gpu}",
        )
    ]
    pt = m["per_token"]
    if v["kv_latent_dim"]:
        formula = "L · latent · B (MLA: one compressed vector per layer)"
    else:
        formula = "2 · L · ⌈n_kv/tp⌉ · d_head · B"
    chain.append(
        step(
            "kv_per_token",
            2,
            "FIT",
            "KV cache per token",
            formula,
            {
                "n_layers": v["n_layers"],
                "n_kv_heads": v["n_kv_heads"],
                "d_head": v["d_head"],
                "kv_latent_dim": v["kv_latent_dim"],
                "kv_precision": kp,
                "tp": tp,
            },
            pt["per_gpu"],
            f"{pt['per_gpu'] / 1024:,.1f} KiB per token{per_gpu}",
            unit="bytes",
        )
    )
    chain.append(
        step(
            "kv_request",
            3,
            "FIT",
            "KV cache for the request",
            "per token · T_eval · concurrent_users",
            {"T_eval": T, "concurrent_users": users},
            {"GB": m["kv_GB"]},
            f"{m['kv_GB']:,.2f} GB for {users} × {T:,} tokens{per_gpu}",
        )
    )
    chain.append(
        step(
            "overhead",
            4,
            "FIT",
            "Engine overhead",
            "CUDA context + activation peak + graphs",
            {"overhead_GB": v["overhead_GB"]},
            {"GB": v["overhead_GB"]},
            f"{v['overhead_GB']:g} GB held by the serving engine{per_gpu}",
        )
    )
    headroom = m["usable_GB"] - m["total_GB"]
    chain.append(
        step(
            "total",
            5,
            "FIT",
            "Total against usable memory",
            "weights + KV + overhead ≤ VRAM · fraction",
            {"vram_GB": m["vram_GB"], "gpu_memory_utilization": v["gpu_memory_utilization"]},
            {"total_GB": m["total_GB"], "usable_GB": m["usable_GB"], "headroom_GB": headroom},
            f"{m['total_GB']:,.2f} GB needed of {m['usable_GB']:,.2f} GB usable on {gpu_text}"
            f"{per_gpu} ({'+' if headroom >= 0 else '−'}{abs(headroom):,.2f} GB)",
        )
    )
    capacity = m["capacity_tokens"]
    max_context = capacity // users
    max_concurrent = capacity // T
    chain.append(
        step(
            "capacity",
            6,
            "FIT",
            "Longest context and most sequences",
            "⌊(usable − weights − overhead) / per token⌋",
            {"usable_GB": m["usable_GB"], "weights_GB": m["weights_GB"], "overhead_GB": v["overhead_GB"]},
            {"kv_capacity_tokens": capacity, "max_context_tokens": max_context, "max_concurrent": max_concurrent},
            f"KV room for {capacity:,} tokens: {max_context:,} tokens each for {users} "
            f"sequence{'s' if users != 1 else ''}, or {max_concurrent:,} sequences of {T:,}",
        )
    )
    ladder = [wp] + [p for p in _LADDER if F.WEIGHT_BYTES[p] < F.WEIGHT_BYTES[wp]]
    longest = {p: _fit_memory(v, p)["capacity_tokens"] // users for p in ladder}
    # A precision fits when its longest context reaches the request's (same test as step 5).
    fitting = next((p for p in ladder if longest[p] >= T), None)
    chain.append(
        step(
            "precision",
            7,
            "FIT",
            "Highest precision that fits",
            f"weights {' → '.join(ladder)}, KV at {kp}",
            {"kv_precision": kp, "T_eval": T, "concurrent_users": users},
            fitting,
            f"{fitting} weights fit" if fitting else f"no weight precision fits with {kp} KV cache",
            breakdown={f"{p} longest context": longest[p] for p in ladder},
        )
    )

    notes = [
        "FIT is this project's own recipe, not one of the framework's: memory bookkeeping of weights, "
        "KV cache and engine overhead, as serving engines (vLLM, SGLang) allocate it. The longest context "
        "counts memory only: whether the model holds that context is X-2's question."
    ]
    if tp > 1:
        notes.append(
            "Memory is per GPU: each of the tp GPUs holds 1/tp of the weights and of the KV heads, "
            "plus its own engine overhead."
        )
        kv_note = None if v["kv_latent_dim"] else uneven_kv_note(v["n_kv_heads"], tp)
        if kv_note:
            notes.append(kv_note)
    if wp == "INT4":
        notes.append(
            "INT4 counts every weight at 0.52 bytes; GPTQ/AWQ checkpoints usually keep the embeddings "
            "and the output head in 16-bit, so a real file is somewhat larger."
        )
    if v["vram_GB"] is None:
        notes.append(
            "VRAM is the vendor's figure from the catalog; the memory CUDA reports differs by a few "
            "percent (an RTX 3090's 24 GB shows as 23.58 GiB = 25.3 GB)."
        )

    if m["weights_GB"] + v["overhead_GB"] > m["usable_GB"]:
        verdict = "WEIGHTS-BOUND"
        reason = (
            f"The {wp} weights and the engine overhead ({m['weights_GB'] + v['overhead_GB']:,.1f} GB) "
            f"exceed the {m['usable_GB']:,.1f} GB usable on {gpu_text}{per_gpu}: no room for any KV cache."
        )
        mitigation = (
            f"Store the weights in {fitting}."
            if fitting
            else f"Split the model over more GPUs (tp > {tp}) or use a larger GPU."
        )
    elif m["total_GB"] > m["usable_GB"]:
        verdict = "KV-BOUND"
        reason = (
            f"The weights fit, but {users} × {T:,} tokens of {kp} KV cache ({m['kv_GB']:,.1f} GB) do not: "
            f"the KV room holds {capacity:,} tokens."
        )
        options = [
            f"shorten the context to {max_context:,} tokens" if max_context > 0 else None,
            f"serve {max_concurrent} sequences at once" if max_concurrent >= 1 and users > 1 else None,
            f"store the weights in {fitting}" if fitting and fitting != wp else None,
            "store the KV cache in FP8" if F.KV_BYTES[kp] > 1 and _fits_with_fp8_kv(v, wp) else None,
        ]
        if not fitting and F.KV_BYTES[kp] > 1:  # neither alone is enough: both together may be
            both = next((p for p in ladder if _fits_with_fp8_kv(v, p)), None)
            options.append(f"store the weights in {both} and the KV cache in FP8" if both else None)
        chosen = "; or ".join(o for o in options if o)
        mitigation = chosen[0].upper() + chosen[1:] + "." if chosen else "Use a larger GPU or more of them."
    elif headroom < _TIGHT_HEADROOM * m["usable_GB"]:
        verdict = "TIGHT"
        reason = (
            f"It fits with {headroom:,.2f} GB to spare, under {_TIGHT_HEADROOM:.0%} of the usable memory: "
            "a longer prompt or a larger engine overhead would not."
        )
        mitigation = f"Keep requests under {max_context:,} tokens, or lower the KV precision for headroom."
    else:
        verdict = "FITS"
        reason = (
            f"{m['total_GB']:,.1f} GB of {m['usable_GB']:,.1f} GB usable{per_gpu}: room for contexts up to "
            f"{max_context:,} tokens, or {max_concurrent:,} sequences of {T:,}."
        )
        mitigation = "None required."
    return Outcome(chain, verdict, reason, mitigation, notes, mode="memory")


_FACTS = (
    fact("max_context_tokens", "longest context", lambda r: r.value("capacity")["max_context_tokens"], "tokens"),
    fact("weights_GB", "weights", gb("weights"), "GB"),
    fact("kv_GB", "KV cache", gb("kv_request"), "GB"),
    fact("overhead_GB", "engine overhead", gb("overhead"), "GB"),
    fact("total_GB", "memory needed", lambda r: r.value("total")["total_GB"], "GB"),
    fact("usable_GB", "usable memory", lambda r: r.value("total")["usable_GB"], "GB"),
    fact("kv_bytes_per_token", "KV per token", value_of("kv_per_token"), "bytes"),
    fact("kv_capacity_tokens", "KV room", lambda r: r.value("capacity")["kv_capacity_tokens"], "tokens"),
    fact("max_concurrent", "sequences at this context", lambda r: r.value("capacity")["max_concurrent"]),
    fact("precision_that_fits", "precision that fits", value_of("precision")),
)
"""FIT's key numbers, the longest context first."""
_SWEEP_ORDER = (
    "weights_GB",
    "kv_GB",
    "overhead_GB",
    "total_GB",
    "usable_GB",
    "kv_bytes_per_token",
    "kv_capacity_tokens",
    "max_context_tokens",
    "max_concurrent",
    "precision_that_fits",
)


FIT = Recipe(
    id="FIT",
    name="Will it fit?",
    description="Does this model fit on this GPU at this context length, and at which precision? "
    "(this project's own recipe, not a TAF recipe)",
    question="Will it fit at my context length, and at which precision?",
    category="serving-memory",
    uses_sections=(),
    params=(
        N_PARAMS,
        Param(
            "n_layers",
            A["n_layers"].label,
            "int",
            low=1,
            high=1000,
            log=True,
            help=A["n_layers"].help,
            preset_key="n_layers",
            example=32,
        ),
        Param(
            "n_kv_heads",
            A["n_kv_heads"].label,
            "int",
            low=1,
            high=1024,
            log=True,
            help=A["n_kv_heads"].help,
            preset_key="n_kv_heads",
            example=8,
        ),
        Param(
            "d_head",
            A["d_head"].label,
            "int",
            low=1,
            high=4096,
            log=True,
            help=A["d_head"].help,
            preset_key="d_head",
            example=128,
        ),
        KV_LATENT,
        Param("gpu", "GPU", "choice", default="RTX 4090", choices="gpu", help="GPU model from the catalog."),
        Param(
            "vram_GB",
            "VRAM (instead of the GPU's)",
            "float",
            unit="GB",
            low=0.1,
            high=100000,
            log=True,
            optional=True,
            help="Memory per GPU for a card that is not in the catalog; empty: the GPU's.",
        ),
        weight_precision_param(),
        Param(
            "kv_precision",
            "KV-cache precision",
            "choice",
            default="BF16",
            choices=F.KV_PRECISIONS,
            help="How the KV cache is stored: BF16/FP16 2 bytes, FP8/INT8 1 byte.",
        ),
        t_eval_param(default=8192),
        Param(
            "concurrent_users",
            "Concurrent sequences",
            "int",
            default=1,
            low=1,
            high=1_000_000,
            log=True,
            help="Sequences held in memory at once, each with its own KV cache.",
        ),
        Param(
            "gpu_memory_utilization",
            GPU_UTIL.label,
            "float",
            default=0.9,
            low=0.05,
            high=1.0,
            step=0.01,
            help="Fraction of each GPU's memory the engine may use (vLLM's gpu_memory_utilization, default 0.9).",
        ),
        overhead_param(F.ENGINE_OVERHEAD_GB),
        TP,
    ),
    compute=_fit,
    tones={"FITS": "go", "TIGHT": "caution", "KV-BOUND": "no", "WEIGHTS-BOUND": "no"},
    facts=_FACTS,
    columns=tuple(next(f for f in _FACTS if f.key == key) for key in _SWEEP_ORDER),
    factors=closed_form_factors,
    charts=lambda result: _charts(result),
    tab=Tab(6, "Will it fit?", {"preset": "meta-llama/Meta-Llama-3-8B", "gpu": "RTX 4090", "T_eval": 8192}),
    compare=CompareChart(
        "Memory per GPU against context length: who fits in usable memory?",
        "context length (tokens)",
        "memory per GPU (GB)",
        lambda results: _compare(results),
        x_log=True,
        y_log=True,
        y_format="~g",
    ),
)


def _charts(result: RecipeResult) -> list[ChartSpec]:
    w = result.value("weights")["GB"]
    kv = result.value("kv_request")["GB"]
    ov = result.value("overhead")["GB"]
    usable = result.value("total")["usable_GB"]
    total = w + kv + ov
    where = result.inputs["gpu"] if result.inputs["vram_GB"] is None else f"{result.inputs['vram_GB']:g} GB"
    cats = ["needed", f"usable ({where})"]
    memory = ChartSpec(
        "memory",
        "Do weights, KV cache and overhead fit in usable memory?",
        "memory per GPU",
        "GB",
        [
            Series(
                "stack",
                cats,
                [[w, 0.0], [kv, 0.0], [ov, 0.0], [0.0, usable]],
                GREY,
                colors=[BLUE, PURPLE, ORANGE, GREY],
                labels=["weights", "KV cache", "engine overhead", "usable memory"],
            ),
            Series("hline", [], [usable], RED, f"usable = {usable:,.1f} GB", "dashed"),
        ],
        y_range=(0.0, max(total, usable) * 1.6),
        ordinal=True,
        legend="above",
    )
    T = result.inputs["T_eval"]
    ladder = result.get_step("precision")["breakdown"]
    names = [k.split(" ")[0] for k in ladder]
    longest = list(ladder.values())
    context = ChartSpec(
        "context",
        "Longest context that fits, by weight precision",
        f"weight precision (KV at {result.inputs['kv_precision']})",
        "longest context (tokens)",
        [
            Series(
                "bars",
                names,
                longest,
                GREY,
                None,
                colors=[GREEN if n >= T else RED for n in longest],
                legend=False,
                value_unit="tokens",
            ),
            Series("hline", [], [T], BLUE, f"your context = {T:,}", "dashed"),
        ],
        y_range=(0.0, max(max(longest), T) * 1.35),
        ordinal=True,
        legend="above",
    )
    return [memory, context]


def _compare(results: list[RecipeResult]) -> CompareCurves:
    """Each model's memory per GPU against the context length (weights, the sequences' KV
    cache at each length, engine overhead), with the usable memory they share as a rule."""
    v = results[0].inputs
    T = v["T_eval"]
    lo, hi = decades_around(T, 2, 2)
    grid = log_grid(lo, hi)
    ys = []
    for r in results:
        weights, overhead = r.value("weights")["GB"], r.value("overhead")["GB"]
        per_token = r.value("kv_per_token")
        ys.append([weights + _kv_GB(per_token, t, v["concurrent_users"]) + overhead for t in grid])
    usable = results[0].value("total")["usable_GB"]
    return CompareCurves(
        grid,
        ys,
        [float(T)] * len(results),
        [r.value("total")["total_GB"] for r in results],
        x_range=(lo, hi),
        rule=usable,
        rule_label=f"usable = {usable:,.1f} GB",
    )
