"""What several recipes share: parameter declarations, the γ steps of X-2 and X-19
(γ_Padé and its corrections, the measured path), their caveats and evidence factors."""

from __future__ import annotations

import math
from typing import Any

from .. import formulas as F
from ..catalogs import catalog_info
from ..params import ARCHITECTURE, REQUIRED, SERVING_ARCHITECTURE, Param
from .base import FieldErrors, Values, factor, step

EMPIRICAL_NOTE = (
    "The γ corrections δ_GQA (+0.11), δ_SWA (−0.21) and δ_post_IH (−0.15) are empirical "
    "fits over 23 models (§26.10), not laws; here they decide the verdict."
)

AUDITED_NOTE = (
    "Audited calibration (May 2026): δ_GQA (+0.11) is applied and reliable, δ_post_IH (−0.15) is "
    "applied but exploratory, δ_SWA is applied as 0; the corrections remain empirical fits (§26.10)."
)


def phase(gamma: float) -> str:
    if 0 < gamma < 1:
        return "Phase A: long-range attention works"
    if gamma >= 1:
        return "Phase B: Hagedorn side (γ ≥ 1)"
    return "Phase B: catastrophic (γ ≤ 0, the context is too long for θ)"


def check_gqa(v: Values) -> FieldErrors:
    if v["n_kv_heads"] > v["n_attention_heads"]:
        return {"n_kv_heads": (v["n_kv_heads"], f"must be <= n_attention_heads ({v['n_attention_heads']})")}
    return {}


# ── shared parameter declarations ────────────────────────────────────────────

A = ARCHITECTURE


def t_eval_param(default: Any = REQUIRED, **extra: Any) -> Param:
    return Param(
        "T_eval",
        "Context length",
        "int",
        default=default,
        unit="tokens",
        low=1,
        high=1e8,
        log=True,
        help="Length of the sequence to serve or evaluate.",
        example=32000,
        **extra,
    )


GPU = Param("gpu", "GPU", "choice", default="H100 SXM", choices="gpu", help="GPU model from the catalog.")
MFU = Param(
    "mfu",
    "MFU",
    "float",
    default=0.45,
    low=0.001,
    high=1,
    step=0.01,
    help="Model FLOPs utilisation: the fraction of peak compute actually achieved.",
)
N_PARAMS = Param(
    "N_params",
    "Parameters",
    "float",
    unit="params",
    low=1e6,
    high=1e15,
    log=True,
    help="Model size in parameters.",
    preset_key="n_params",
    example=8e9,
)


# ── serving parameters (optional on; their defaults are the spec's) ──

AUTO_KV = "auto"


def weight_precision_param(default: str = "BF16") -> Param:
    return Param(
        "weight_precision",
        "Weight precision",
        "choice",
        default=default,
        choices=F.PRECISIONS,
        help="How the weights are stored: BF16/FP16 2 bytes, FP8/INT8 1 byte, INT4 0.52 bytes "
        "(group-128 GPTQ/AWQ, scales included).",
    )


BATCH = Param(
    "batch",
    "Batch (sequences decoded together)",
    "int",
    default=1,
    low=1,
    high=65536,
    log=True,
    help="Sequences the engine decodes in one step (continuous batching); 1 is the spec's one stream at a time.",
)
TP = Param(
    "tp",
    "GPUs per replica (tensor parallel)",
    "int",
    default=1,
    low=1,
    high=64,
    log=True,
    help="GPUs one copy of the model is split over: each holds 1/tp of the weights and of the KV heads.",
)
GPU_UTIL = Param(
    "gpu_memory_utilization",
    "GPU memory fraction",
    "float",
    default=1.0,
    low=0.05,
    high=1.0,
    step=0.01,
    help="Fraction of each GPU's memory the engine may use (vLLM's "
    "gpu_memory_utilization, 0.9 by default there); 1 is the spec's.",
)
BW_EFF = Param(
    "bw_efficiency",
    "Bandwidth efficiency",
    "float",
    default=1.0,
    low=0.01,
    high=1.0,
    step=0.01,
    help="Fraction of the memory bandwidth decode achieves: 1 is the spec's ceiling; measured "
    "batch-1 decode of real engines sits near 0.6-0.9 (see 'How close to real servers').",
)
COMPUTE_EFF = Param(
    "compute_efficiency",
    "Compute efficiency",
    "float",
    default=1.0,
    low=0.01,
    high=1.0,
    step=0.01,
    help="Fraction of the GPU's peak BF16 FLOP/s a decode step achieves (the compute side of the roofline).",
)


def overhead_param(default: float) -> Param:
    return Param(
        "overhead_GB",
        "Engine overhead per GPU",
        "float",
        default=default,
        unit="GB",
        low=0,
        high=1000,
        step=0.1,
        help="Memory the engine holds besides weights and KV cache: CUDA context, activation "
        f"peak, CUDA graphs. vLLM logs 0.6-3.3 GB for 7-8B models; {F.ENGINE_OVERHEAD_GB:g} "
        "GB is the middle. 0 is the spec's.",
    )


N_ACTIVE = SERVING_ARCHITECTURE["n_active_params"]
KV_LATENT = SERVING_ARCHITECTURE["kv_latent_dim"]


def check_active(v: Values, total_key: str) -> FieldErrors:
    if v.get("n_active_params") is not None and v["n_active_params"] > v[total_key]:
        return {
            "n_active_params": (
                v["n_active_params"],
                f"must be <= {total_key} ({v[total_key]:g}): a model reads at most all of its parameters",
            )
        }
    return {}


def uneven_kv_note(n_kv: int, tp: int) -> str | None:
    if n_kv % tp == 0 or tp % n_kv == 0:
        return None
    return (
        f"{n_kv} KV heads do not divide evenly over tp = {tp} GPUs: each GPU is counted with "
        f"⌈{n_kv}/{tp}⌉ = {math.ceil(n_kv / tp)} heads, as engines pad or replicate them "
        "(vLLM requires the heads to divide, or tp to be a multiple of them)."
    )


CALIBRATION = Param(
    "calibration",
    "Calibration",
    "choice",
    default="spec",
    choices=("spec", "audited"),
    help="'spec': the spec's γ corrections and D_f closed form, its numbers exactly. 'audited': the "
    "May 2026 audit (δ_SWA disabled, δ_post_IH exploratory, D_f as the exact discrete sum).",
)
GAMMA_OBS = Param(
    "gamma_obs",
    "Measured γ (γ_obs)",
    "float",
    optional=True,
    low=0.01,
    high=5,
    step=0.0001,
    help="A measured attention-decay exponent. When given, the verdict follows it (the measured path) "
    "instead of the closed form.",
)
T_EXTENDED = Param(
    "T_extended",
    "RoPE-scaled context",
    "int",
    optional=True,
    unit="tokens",
    low=1,
    high=1e8,
    log=True,
    preset_key="T_extended",
    help="The length a rope_scaling entry extends the model to; empty when the model has none.",
)
ROPE_FACTOR = Param(
    "rope_factor",
    "RoPE scaling factor",
    "float",
    optional=True,
    low=1,
    high=1e6,
    log=True,
    preset_key="rope_factor",
    help="rope_scaling's factor; empty when the model has none.",
)


def gamma_steps(v: Values) -> tuple[list[dict], dict]:
    """Steps 1 and 2 of X-2 and X-19: γ_Padé at the context length (§26.1), then the
    architecture corrections (§26.10) under the chosen calibration, each with its status.
    Returns the two chain rows and the decomposition."""
    theta, T_eval = v["theta"], v["T_eval"]
    calibration = v.get("calibration", "spec")
    g_pade = F.gamma_pade(theta, T_eval)
    has_GQA = v["n_kv_heads"] < v["n_attention_heads"]
    decompose = F.gamma_decompose_audited if calibration == "audited" else F.gamma_decompose
    decomp = decompose(g_pade, has_GQA=has_GQA, has_SWA=v["has_SWA"], n_params=v["n_params"])
    g_corr = decomp["gamma_corrected"]
    status = F.CORRECTION_STATUS[calibration]
    breakdown = {
        **decomp,
        "calibration": calibration,
        "status_GQA": status["delta_GQA"],
        "status_SWA": status["delta_SWA"],
        "status_post_IH": status["delta_post_IH"],
    }
    formula = "γ + δ_GQA + δ_SWA + δ_post_IH" if calibration == "spec" else "γ + δ_GQA + 0·δ_SWA (disabled) + δ_post_IH"
    return [
        step(
            "gamma_pade",
            1,
            "§26.1",
            "γ_Padé",
            "γ = (2θ − T√2)/(2θ + T√2)",
            {"theta": theta, "T_eval": T_eval},
            g_pade,
            phase(g_pade),
        ),
        step(
            "gamma_corrected",
            2,
            "§26.10",
            "γ-decomposition",
            formula,
            {"has_GQA": has_GQA, "has_SWA": v["has_SWA"], "n_params": v["n_params"], "calibration": calibration},
            g_corr,
            f"γ corrected to {g_corr:.4f}: {phase(g_corr)}",
            breakdown=breakdown,
        ),
    ], decomp


def calibration_caveats(v: Values, decomp: dict, used: bool) -> list[tuple[str, str]]:
    """The audited calibration's caveats, where the corrections they name apply (and are used)."""
    if v.get("calibration") != "audited" or not used:
        return []
    out = []
    if decomp["delta_post_IH"] != 0:
        out.append(
            (
                "delta_post_ih_exploratory",
                "δ_post_IH (−0.15) is applied but exploratory: the audit found no replication "
                "(group mean ≈ 0 over 16 models against 6).",
            )
        )
    if v["has_SWA"]:
        out.append(
            (
                "delta_swa_disabled",
                "δ_SWA (−0.21) is disabled by the audit (fitted on one model) and applied as 0, "
                "though this model uses a sliding window.",
            )
        )
    return out


def trained_length_caveats(v: Values) -> tuple[list[tuple[str, str]], list[str], dict | None]:
    """Whether the context length is beyond the native length, or within a RoPE-scaled one.
    Returns (caveats, notes, the trained-length evidence factor or None when T_train is unknown)."""
    L, native = v["T_eval"], v.get("T_train")
    extended, rope = v.get("T_extended"), v.get("rope_factor")
    notes: list[str] = []
    if native is None:
        return [], notes, None
    scaled = f"rope_scaling{f' (factor {rope:g})' if rope else ''}"
    if extended is not None and extended <= native:
        notes.append(
            f"T_train ({native:,}) is not below the RoPE-scaled length ({extended:,}): the "
            "training length given is the extended one, so shorter lengths may already rely "
            "on the scaling."
        )
    if L <= native:
        return [], notes, factor("trained_length", "ok", f"L = {L:,} is within the trained {native:,} tokens")
    if extended is not None and L <= extended:
        sentence = (
            f"L = {L:,} exceeds the {native:,} tokens the model was trained at, but stays within "
            f"the {extended:,} its {scaled} extends it to: the answer rests on that extension."
        )
        return (
            [("extended_by_rope_scaling", sentence)],
            notes,
            factor("trained_length", "warn", f"within the {scaled} extension to {extended:,}"),
        )
    reach = f"; its {scaled} reaches only {extended:,}" if extended is not None else ", and no RoPE scaling extends it"
    sentence = (
        f"L = {L:,} exceeds the {native:,} tokens the model was trained at{reach}: models "
        "seldom hold a context beyond the length they were trained or extended to, whatever γ says."
    )
    return (
        [("beyond_trained_length", sentence)],
        notes,
        factor("trained_length", "miss", f"L = {L:,} > trained {native:,}"),
    )


def measured_steps(chain: list[dict], v: Values, g_obs: float) -> dict:
    """The measured path's two chain rows: d_h_obs (§26.2 with γ_obs) and the Padé deviation index."""
    theta, T_eval = v["theta"], v["T_eval"]
    pdi = F.pade_deviation_index(theta, g_obs, T_eval)
    n = len(chain) + 1
    dh = pdi["d_h_obs"]
    chain.append(
        step(
            "d_horizon_measured",
            n,
            "§26.2",
            "d_horizon (measured γ)",
            "d_h_obs = θ(1 − γ_obs)√2/(1 + γ_obs)",
            {"theta": theta, "gamma_obs": g_obs},
            dh,
            (
                f"negative: γ_obs = {g_obs:.4f} ≥ 1, no retrieval horizon (Phase B)"
                if dh <= 0
                else f"measured retrieval horizon at {dh:,.0f} tokens"
            ),
            unit="tokens",
        )
    )
    chain.append(
        step(
            "pade_deviation",
            n + 1,
            "§26.2",
            "Padé deviation index",
            "PDI = d_h_obs / T_eval",
            {"d_h_obs": dh, "T_eval": T_eval},
            pdi["PDI"],
            f"PDI = {pdi['PDI']:.3f}: {pdi['reading']} (1 exactly when γ_obs = γ_Padé)",
            breakdown={
                "PDI": pdi["PDI"],
                "reading": pdi["reading"],
                "gamma_pade": F.gamma_pade(theta, T_eval),
                "gamma_obs": g_obs,
            },
        )
    )
    return pdi


def measured_caveat(g_obs: float) -> tuple[str, str]:
    return (
        "measured_gamma",
        f"The verdict follows the measured exponent γ_obs = {g_obs:.4f}, not the closed form; a "
        "measurement holds for the corpus and the distances it was taken on.",
    )


def gamma_factors(
    v: Values, decomp: dict, g_used: float, measured: bool, zone: tuple[float, float] | None = None
) -> list[dict]:
    """The evidence factors of a γ-based verdict (reference: γ measured or closed form; a
    benchmark behind it; γ inside the formulas' validity range; reliable or exploratory corrections)."""
    g_obs = v.get("gamma_obs")
    factors = [
        factor("gamma_measured", "ok", f"γ_obs = {g_obs:.4f} measured")
        if measured
        else factor("gamma_measured", "miss", "closed-form γ_Padé, not a measurement"),
        factor("benchmark", "miss", "no retrieval benchmark for this model and length ships with the package"),
    ]
    if zone is not None and zone[0] <= g_used <= zone[1]:
        factors.append(factor("gamma_validity", "ok", f"γ = {g_used:.4f} in [{zone[0]}, {zone[1]}]"))
    elif 0 < g_used < 1:
        factors.append(
            factor(
                "gamma_validity",
                "ok" if zone is None else "warn",
                f"γ = {g_used:.4f} in (0, 1)" + ("" if zone is None else f", outside [{zone[0]}, {zone[1]}]"),
            )
        )
    else:
        factors.append(factor("gamma_validity", "miss", f"γ = {g_used:.4f} outside (0, 1)"))
    if measured:
        factors.append(factor("corrections", "ok", "not used: the measured γ replaces them"))
    else:
        exploratory = [
            name
            for name, value in (("δ_SWA", decomp["delta_SWA"]), ("δ_post_IH", decomp["delta_post_IH"]))
            if value != 0
        ]
        factors.append(
            factor("corrections", "warn", "exploratory corrections applied: " + ", ".join(exploratory))
            if exploratory
            else factor("corrections", "ok", "only reliable corrections (or none) applied")
        )
    return factors


def prices_factor() -> dict:
    return factor("catalog_prices", "warn", f"list prices and specs as of {catalog_info()['gpus']['as_of']}")


def batch1_factor() -> dict:
    return factor("throughput_model", "warn", "batch-1, memory-bound decode: no batching, no overlap")


def closed_form_factors(v: Values) -> list[dict]:
    """The evidence of a closed-form estimate that no measurement checks: the dated catalog and
    the formula itself (the default of a recipe that declares no factors of its own)."""
    return [prices_factor(), factor("closed_form", "warn", "a closed-form estimate, not checked against a measurement")]


def gb(key: str) -> Any:
    """A fact getter: the ``GB`` of step ``key``'s result."""
    return lambda r: r.value(key)["GB"]


def value_of(key: str) -> Any:
    """A fact getter: the result of step ``key``."""
    return lambda r: r.value(key)
