"""X-5 · Hardware Selection: which GPU serves my model cheapest? (§19, §20), with the serving
parameters of engines (precisions, batch, tensor parallelism, a decode roofline)."""

from __future__ import annotations

from .. import formulas as F
from ..catalogs import get_gpu, gpu_names
from ..charts.spec import (
    BLUE,
    GREEN,
    GREY,
    RED,
    ChartSpec,
    CompareChart,
    CompareCurves,
    Series,
    decades_around,
    log_grid,
)
from ..params import REQUIRED, Param
from .base import FieldErrors, Outcome, Recipe, RecipeResult, Tab, Values, fact, factor, step
from .common import (
    AUTO_KV,
    BATCH,
    BW_EFF,
    COMPUTE_EFF,
    GPU_UTIL,
    KV_LATENT,
    N_ACTIVE,
    N_PARAMS,
    TP,
    A,
    batch1_factor,
    check_active,
    gb,
    overhead_param,
    prices_factor,
    t_eval_param,
    uneven_kv_note,
    weight_precision_param,
)


def _x5(v: Values) -> Outcome:
    if _x5_serving(v):
        return _x5_roofline(v)
    N, T_eval, bpw = v["N_params"], v["T_eval"], v["bytes_per_weight"]
    users, target = v["concurrent_users"], v["target_tokens_per_day"]
    w_mem = F.model_weights_memory(N, bpw)
    chain = [
        step(
            "weights",
            1,
            "§19.X",
            "Model weights memory",
            "N · bytes_per_weight",
            {"N": N, "bytes": bpw},
            w_mem,
            f"{w_mem['GB']:,.1f} GB of weights",
        )
    ]

    kv = F.kv_cache_memory(v["n_layers"], v["n_kv_heads"], v["d_head"], T_eval, bpw)
    chain.append(
        step(
            "kv_cache",
            2,
            "§19.1",
            "KV cache (per request)",
            "2·L·n_kv·d_h·seq·B",
            {"n_layers": v["n_layers"], "n_kv": v["n_kv_heads"], "d_head": v["d_head"], "seq": T_eval},
            kv,
            f"{kv['GB']:.2f} GB per concurrent request",
        )
    )

    total_GB = total_memory_GB(w_mem["GB"], kv["GB"], users)
    chain.append(
        step(
            "total_memory",
            3,
            "§20.3",
            "Total GPU memory",
            "weights + KV·n_concurrent",
            {},
            {"GB": total_GB},
            f"{total_GB:,.1f} GB for {users} concurrent user{'s' if users != 1 else ''}",
        )
    )

    candidates = _spec_ranking(w_mem["GB"], total_GB, target)
    cheapest = candidates[0]["gpu"] if candidates else "none"
    chain.append(
        step(
            "gpus",
            4,
            "§20",
            f"Eligible GPUs (≥{total_GB:.0f}GB)",
            "filter + rank by $/Mtok",
            {"min_VRAM": total_GB},
            candidates[:5],
            f"{len(candidates)} GPU{'s' if len(candidates) != 1 else ''} fit; cheapest: {cheapest}",
        )
    )

    notes = ["Throughput and $/Mtok are batch-1, memory-bound decode: one stream at a time."]
    if not candidates:
        verdict = "NO"
        reason = f"No single GPU in the catalog has the {total_GB:,.1f} GB of memory needed."
        mitigation = "Split the model with tensor parallelism over several GPUs, or quantize to INT8 (half the memory)."
    else:
        best = candidates[0]
        verdict = "YES"
        reason = (
            f"Best GPU: {best['gpu']} at ${best['USD_per_Mtok']:.2f}/Mtok; one card decodes "
            f"{best['users_supported']:.2f}× your daily token target."
        )
        mitigation = f"Provision {best['gpu']}; expect about {best['tok_per_sec']:,.0f} tok/s of decode."
        if best["users_supported"] < 1:
            notes.append(
                f"YES means the model fits in memory; one {best['gpu']} covers only "
                f"{best['users_supported']:.2f}× of your daily token target (the verdict does not "
                "check the target)."
            )
        if get_gpu(best["gpu"])["usd_h"] == 0:
            notes.append(
                f"{best['gpu']} ranks first because it has no hourly price (a local card): "
                "$0/Mtok ignores power and purchase cost."
            )
    if users > 1:
        notes.append("concurrent_users changes the memory needed only, not throughput or cost.")
    if bpw != 2.0:
        notes.append("The KV cache uses the same bytes per element as the weights.")
    return Outcome(chain, verdict, reason, mitigation, notes, extras={"ranking": candidates})


def total_memory_GB(weights_GB: float, kv_GB: float, sequences: int, overhead_GB: float = 0.0, tp: int = 1) -> float:
    """§20.3 memory of one replica in all: the weights, one KV cache per sequence held, and
    each GPU's engine overhead (the spec's rule has no overhead: weights + KV·n_concurrent)."""
    return weights_GB + kv_GB * sequences + overhead_GB * tp


def _spec_ranking(weights_GB: float, total_GB: float, target: float) -> list[dict]:
    """Every GPU of the catalog that holds ``total_GB``, batch-1 memory-bound decode, cheapest first."""
    candidates = []
    for name in gpu_names():
        info = get_gpu(name)
        if info["vram_GB"] < total_GB:
            continue
        tok_per_s = info["bw_GB_s"] / weights_GB
        tok_per_day = tok_per_s * 86400
        usd_per_day = info["usd_h"] * 24
        candidates.append(
            {
                "gpu": name,
                "vram_GB": info["vram_GB"],
                "bw_GB_s": info["bw_GB_s"],
                "tok_per_sec": tok_per_s,
                "tok_per_day": tok_per_day,
                "USD_per_day": usd_per_day,
                "USD_per_Mtok": usd_per_day / (tok_per_day / 1e6),
                "users_supported": tok_per_day / target,
            }
        )
    candidates.sort(key=lambda c: c["USD_per_Mtok"])
    return candidates


def _x5_serving(v: Values) -> bool:
    """Whether any serving parameter leaves its spec default (then X-5 serves as engines do)."""
    for p in _X5_SERVING:
        default = None if p.default is REQUIRED else p.default
        value = "BF16" if p.name == "weight_precision" and v[p.name] == "FP16" else v[p.name]
        if value != default:
            return True
    return False


def _x5_precisions(v: Values) -> tuple[float, float, str]:
    """Bytes per weight, bytes per KV element, and how they were chosen."""
    if v["weight_precision"] in ("BF16", "FP16"):
        bpw, how = v["bytes_per_weight"], f"{v['bytes_per_weight']:g} bytes per weight"
    else:
        bpw, how = F.WEIGHT_BYTES[v["weight_precision"]], v["weight_precision"]
    if v["kv_precision"] == AUTO_KV:
        # Engines keep the KV cache in the activation dtype (16-bit) under quantized weights;
        # with bytes_per_weight alone the spec's rule holds: the KV cache uses the same bytes.
        kv_b = 2.0 if v["weight_precision"] not in ("BF16", "FP16") else bpw
    else:
        kv_b = F.KV_BYTES[v["kv_precision"]]
    return bpw, kv_b, how


def x5_serving_candidates(v: Values) -> list[dict]:
    """Every GPU of the catalog that holds X-5's serving request (``v``: a result's inputs),
    with its roofline tokens/s and $/Mtok, cheapest first (step 4 shows the first five)."""
    N, T_eval, users, target = v["N_params"], v["T_eval"], v["concurrent_users"], v["target_tokens_per_day"]
    batch, tp, util, overhead = v["batch"], v["tp"], v["gpu_memory_utilization"], v["overhead_GB"]
    active = v["n_active_params"] or N
    bpw, kv_b, _ = _x5_precisions(v)
    per_tok = F.kv_bytes_per_token(v["n_layers"], v["n_kv_heads"], v["d_head"], kv_b, tp, v["kv_latent_dim"])
    kv_seq_bytes = per_tok["replica"] * T_eval
    per_gpu_GB = N * bpw / 1e9 / tp + kv_seq_bytes / 1e9 * max(users, batch) / tp + overhead
    candidates = []
    for name in gpu_names():
        info = get_gpu(name)
        if info["vram_GB"] * util < per_gpu_GB:
            continue
        roof = F.decode_roofline(
            active * bpw,
            2 * active,
            batch,
            kv_seq_bytes,
            info["bw_GB_s"],
            info["flops"],
            tp=tp,
            bw_efficiency=v["bw_efficiency"],
            compute_efficiency=v["compute_efficiency"],
        )
        tok_per_s = roof["tok_per_sec"]
        tok_per_day = tok_per_s * 86400
        usd_per_day = info["usd_h"] * 24 * tp
        candidates.append(
            {
                "gpu": name,
                "vram_GB": info["vram_GB"],
                "bw_GB_s": info["bw_GB_s"],
                "tok_per_sec": tok_per_s,
                "tok_per_day": tok_per_day,
                "USD_per_day": usd_per_day,
                "USD_per_Mtok": usd_per_day / (tok_per_day / 1e6),
                "users_supported": tok_per_day / target,
                "bound": roof["bound"],
                "t_memory_ms": roof["t_memory_s"] * 1e3,
                "t_compute_ms": roof["t_compute_s"] * 1e3,
                "tp": tp,
            }
        )
    candidates.sort(key=lambda c: c["USD_per_Mtok"])
    return candidates


def _x5_roofline(v: Values) -> Outcome:
    """X-5 with the serving parameters: precisions, batch, tensor parallelism, MoE, the engine's
    memory fraction and overhead, and a decode roofline instead of batch-1 bandwidth."""
    N, T_eval, users = v["N_params"], v["T_eval"], v["concurrent_users"]
    batch, tp, util, overhead = v["batch"], v["tp"], v["gpu_memory_utilization"], v["overhead_GB"]
    active = v["n_active_params"] or N
    bpw, kv_b, how = _x5_precisions(v)
    w_mem = F.model_weights_memory(N, bpw)
    chain = [
        step(
            "weights",
            1,
            "§19.X",
            "Model weights memory",
            "N · bytes_per_weight",
            {"N": N, "precision": how},
            w_mem,
            f"{w_mem['GB']:,.1f} GB of weights ({w_mem['GB'] / tp:,.1f} GB per GPU over {tp})",
        )
    ]

    per_tok = F.kv_bytes_per_token(v["n_layers"], v["n_kv_heads"], v["d_head"], kv_b, tp, v["kv_latent_dim"])
    kv_seq_bytes = per_tok["replica"] * T_eval
    kv = {
        "bytes": kv_seq_bytes,
        "MB": kv_seq_bytes / 1e6,
        "GB": kv_seq_bytes / 1e9,
        "bytes_per_token": per_tok["replica"],
    }
    formula = "L·latent·seq·B (MLA)" if v["kv_latent_dim"] else "2·L·n_kv·d_h·seq·B"
    chain.append(
        step(
            "kv_cache",
            2,
            "§19.1",
            "KV cache (per request)",
            formula,
            {
                "n_layers": v["n_layers"],
                "n_kv": v["n_kv_heads"],
                "d_head": v["d_head"],
                "seq": T_eval,
                "kv_bytes_per_element": kv_b,
                "kv_latent_dim": v["kv_latent_dim"],
            },
            kv,
            f"{kv['GB']:.2f} GB per concurrent request",
        )
    )

    seqs = max(users, batch)
    per_gpu_GB = w_mem["GB"] / tp + kv["GB"] * seqs / tp + overhead
    total_GB = total_memory_GB(w_mem["GB"], kv["GB"], seqs, overhead, tp)
    chain.append(
        step(
            "total_memory",
            3,
            "§20.3 + engine",
            "Total GPU memory",
            "(weights + KV·max(users, batch))/tp + overhead",
            {"tp": tp, "sequences": seqs, "overhead_GB": overhead},
            {"GB": total_GB, "per_gpu_GB": per_gpu_GB},
            f"{total_GB:,.1f} GB in all, {per_gpu_GB:,.1f} GB on each of {tp} GPU{'s' if tp != 1 else ''} "
            f"for {seqs} sequence{'s' if seqs != 1 else ''}",
        )
    )

    candidates = x5_serving_candidates(v)
    cheapest = candidates[0]["gpu"] if candidates else "none"
    chain.append(
        step(
            "gpus",
            4,
            "§20 + roofline",
            f"Eligible GPUs (≥{per_gpu_GB / util:.0f}GB each)",
            "filter + rank by $/Mtok; tok/s = batch / max(bytes/(BW·eff), FLOPs/(peak·eff))",
            {"min_VRAM_per_GPU": per_gpu_GB / util, "batch": batch, "tp": tp},
            candidates[:5],
            f"{len(candidates)} GPU{'s' if len(candidates) != 1 else ''} fit; cheapest: {cheapest}",
        )
    )

    notes = [
        f"Serving as engines run it: {batch} sequence{'s' if batch != 1 else ''} decoded together, "
        f"{tp} GPU{'s' if tp != 1 else ''} per replica, weights at {how}, KV at {kv_b:g} bytes, "
        f"{util:g} of each GPU's memory with {overhead:g} GB of engine overhead. Each decode step reads the "
        "active weights once and every sequence's whole KV cache (at the full context), and needs 2 FLOPs "
        "per active parameter per sequence at the GPU's peak BF16 rate."
    ]
    if active != N:
        notes.append(f"Mixture of experts: memory holds all {N:.3g} parameters; each token reads {active:.3g}.")
    kv_note = None if v["kv_latent_dim"] else uneven_kv_note(v["n_kv_heads"], tp)
    if kv_note:
        notes.append(kv_note)
    if not candidates:
        verdict = "NO"
        reason = (
            f"No GPU in the catalog has the {per_gpu_GB / util:,.1f} GB per GPU needed "
            f"({per_gpu_GB:,.1f} GB at {util:g} of its memory)."
        )
        mitigation = "Raise tp, lower the weight or KV precision, or serve fewer sequences at once."
    else:
        best = candidates[0]
        verdict = "YES"
        reason = (
            f"Best GPU: {best['gpu']} at ${best['USD_per_Mtok']:.3g}/Mtok at batch {batch}; one replica "
            f"decodes {best['users_supported']:.2f}× your daily token target ({best['bound']}-bound)."
        )
        mitigation = (
            f"Provision {tp}× {best['gpu']} per replica; expect about {best['tok_per_sec']:,.0f} tok/s "
            f"over {batch} sequence{'s' if batch != 1 else ''}."
        )
        if get_gpu(best["gpu"])["usd_h"] == 0:
            notes.append(
                f"{best['gpu']} ranks first because it has no hourly price (a local card): "
                "$0/Mtok ignores power and purchase cost."
            )
    return Outcome(chain, verdict, reason, mitigation, notes, mode="serving", extras={"ranking": candidates})


X5 = Recipe(
    id="X-5",
    name="Hardware Selection",
    description="Which GPU should I use to serve my model at target throughput?",
    question="Which GPU serves my model cheapest?",
    category="serving",
    uses_sections=("§19", "§20"),
    params=(
        N_PARAMS,
        t_eval_param(default=4096),
        Param(
            "n_layers",
            A["n_layers"].label,
            "int",
            default=32,
            low=1,
            high=1000,
            log=True,
            help=A["n_layers"].help,
            preset_key="n_layers",
        ),
        Param(
            "n_kv_heads",
            A["n_kv_heads"].label,
            "int",
            default=8,
            low=1,
            high=1024,
            log=True,
            help=A["n_kv_heads"].help,
            preset_key="n_kv_heads",
        ),
        Param(
            "d_head",
            A["d_head"].label,
            "int",
            default=128,
            low=1,
            high=4096,
            log=True,
            help=A["d_head"].help,
            preset_key="d_head",
        ),
        Param(
            "bytes_per_weight",
            "Bytes per weight",
            "float",
            default=2.0,
            unit="bytes",
            low=0.125,
            high=8,
            step=0.125,
            help="2 for BF16, 1 for INT8, 0.5 for INT4; the KV cache uses the same.",
        ),
        Param(
            "target_tokens_per_day",
            "Daily token target",
            "float",
            default=10_000_000.0,
            unit="tokens/day",
            low=0,
            high=1e15,
            low_open=True,
            log=True,
            help="Tokens you need to generate per day.",
        ),
        Param(
            "concurrent_users",
            "Concurrent users",
            "int",
            default=1,
            low=1,
            high=1_000_000,
            log=True,
            help="Requests held in memory at once (each with its own KV cache).",
        ),
        *(
            _X5_SERVING := (
                weight_precision_param(),
                Param(
                    "kv_precision",
                    "KV-cache precision",
                    "choice",
                    default=AUTO_KV,
                    choices=(AUTO_KV, *F.KV_PRECISIONS),
                    help="How the KV cache is stored: BF16/FP16 2 bytes, FP8/INT8 1 byte. auto: the same bytes "
                    "as bytes_per_weight (the spec's rule), or 16-bit under quantized weight_precision "
                    "(what engines do by default).",
                ),
                BATCH,
                TP,
                N_ACTIVE,
                KV_LATENT,
                GPU_UTIL,
                overhead_param(0.0),
                BW_EFF,
                COMPUTE_EFF,
            )
        ),
    ),
    compute=_x5,
    check=lambda v: {**check_active(v, "N_params"), **_x5_precision_check(v)},
    origin="TAF",
    tones={"YES": "go", "NO": "no"},
    facts=(
        fact("best_USD_per_Mtok", "best $/Mtok", lambda r: _best(r).get("USD_per_Mtok"), "USD/Mtok"),
        fact("best_gpu", "best GPU", lambda r: _best(r).get("gpu")),
        fact("memory_GB", "memory needed", gb("total_memory"), "GB"),
        fact("tok_per_sec", "decode", lambda r: _best(r).get("tok_per_sec"), "tok/s"),
    ),
    columns=(
        fact("weights_GB", "weights", gb("weights"), "GB"),
        fact("KV_cache_GB", "KV cache", gb("kv_cache"), "GB"),
        fact("total_GB", "memory needed", gb("total_memory"), "GB"),
        fact("GPUs_that_fit", "GPUs that fit", lambda r: len(r.extras["ranking"])),
        fact("best_gpu", "best GPU", lambda r: _best(r).get("gpu")),
        fact("best_USD_per_Mtok", "best $/Mtok", lambda r: _best(r).get("USD_per_Mtok"), "USD/Mtok"),
        fact("best_tok_per_sec", "decode", lambda r: _best(r).get("tok_per_sec"), "tok/s"),
    ),
    factors=lambda v: [
        prices_factor(),
        batch1_factor(),
        factor("memory_model", "ok", "weights + KV cache, counted exactly from the architecture"),
    ],
    charts=lambda result: _charts(result),
    tab=Tab(3, "Which GPU", {"preset": "meta-llama/Meta-Llama-3-8B", "T_eval": 8192}),
    compare=CompareChart(
        "Memory needed against context length",
        "context length (tokens)",
        "memory needed (GB)",
        lambda results: _compare(results),
        x_log=True,
        y_log=True,
        y_format="~g",
    ),
    card_position=3,
    catalog_rows=lambda v: [("gpus", name) for name in gpu_names()],  # X-5 ranks the whole catalog
)


def _best(result: RecipeResult) -> dict:
    """The cheapest GPU that fits ({} when none does)."""
    shown = result.value("gpus")
    return shown[0] if shown else {}


def _memory_needed_per_GPU(result: RecipeResult) -> float:
    """The memory each GPU must have: the spec's total, or with the serving parameters the
    per-GPU share at the engine's memory fraction."""
    total = result.value("total_memory")
    if result.mode == "serving":
        return total["per_gpu_GB"] / result.inputs["gpu_memory_utilization"]
    return total["GB"]


def _charts(result: RecipeResult) -> list[ChartSpec]:
    need_GB = _memory_needed_per_GPU(result)
    cost_of = {row["gpu"]: row["USD_per_Mtok"] for row in result.extras["ranking"]}
    names = [name for name in gpu_names() if name in cost_of]  # in catalog order, as the memory chart
    costs = [cost_of[name] for name in names]
    best = min(range(len(costs)), key=costs.__getitem__) if costs else -1
    cost = ChartSpec(
        "cost",
        "Which GPU that fits serves cheapest?",
        "GPU (fits in memory)",
        "USD per million tokens",
        [
            Series(
                "bars",
                names,
                costs,
                GREY,
                None,
                colors=[GREEN if i == best else GREY for i in range(len(names))],
                legend=False,
                value_unit="USD",
            )
        ],
        y_range=(0.0, max(costs) * 1.15 if costs and max(costs) > 0 else None),
        ordinal=True,
        empty_text="no GPU in the catalog has enough memory",
    )
    all_names = gpu_names()
    vram = [get_gpu(n)["vram_GB"] for n in all_names]
    memory = ChartSpec(
        "memory",
        "Which GPUs hold weights + KV cache?",
        "GPU",
        "memory (GB)",
        [
            Series(
                "bars", all_names, vram, GREY, None, colors=[GREEN if g >= need_GB else RED for g in vram], legend=False
            ),
            Series("hline", [], [need_GB], BLUE, f"memory needed = {need_GB:,.1f} GB", "dashed"),
        ],
        y_range=(0.0, max(max(vram), need_GB) * 1.1),
        ordinal=True,
        legend="above",
    )
    return [cost, memory]


def _compare(results: list[RecipeResult]) -> CompareCurves:
    """Each model's memory in all against the context length: weights plus its requests' KV
    caches at each length (and any engine overhead), by the recipe's own memory rule."""
    T = results[0].inputs["T_eval"]
    lo, hi = decades_around(T, 2, 2)
    grid = log_grid(lo, hi)
    ys = []
    for r in results:
        v = r.inputs
        weights, per_token = r.value("weights")["GB"], r.value("kv_cache")["GB"] / T
        seqs = max(v["concurrent_users"], v["batch"])
        ys.append([total_memory_GB(weights, t * per_token, seqs, v["overhead_GB"], v["tp"]) for t in grid])
    return CompareCurves(
        grid, ys, [float(T)] * len(results), [r.value("total_memory")["GB"] for r in results], x_range=(lo, hi)
    )


def _x5_precision_check(v: Values) -> FieldErrors:
    if v["bytes_per_weight"] != 2.0 and v["weight_precision"] not in ("BF16", "FP16"):
        return {
            "weight_precision": (
                v["weight_precision"],
                "cannot be combined with bytes_per_weight "
                f"({v['bytes_per_weight']:g}): give one of them (weight_precision "
                "counts the scales of INT4 too)",
            )
        }
    return {}
