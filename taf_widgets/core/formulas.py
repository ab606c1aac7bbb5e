"""The closed-form formulas of the Thermodynamic Attention Framework (TAF).

Every function keeps the framework's name and, where it returns a dict, the
framework's keys. Each docstring gives the formula and the paper section it comes
from. Units: GB means 10^9 bytes; FLOPs are absolute counts; prices are USD.

Arguments are checked at this boundary: a value that would divide by zero, turn a
power complex or is not a finite number raises :class:`InputError` naming it.
"""

from __future__ import annotations

import math
from typing import Any

from .errors import InputError

__all__ = [
    "gamma_pade",
    "gamma_decompose",
    "d_horizon",
    "l_niah_c",
    "chi_susceptibility",
    "p_hallucinate",
    "theta_design",
    "alpha_opt",
    "df_window",
    "df_window_exact",
    "power_sum",
    "gamma_decompose_audited",
    "d_horizon_obs",
    "pade_deviation_index",
    "CORRECTION_STATUS",
    "kv_soft_decay_regime",
    "chinchilla_optimal_tokens",
    "chinchilla_optimal_N",
    "chinchilla_N_for_flops",
    "training_flops",
    "training_memory_16N",
    "emergent_threshold",
    "kv_cache_memory",
    "model_weights_memory",
    "inference_decode_throughput",
    "cost_per_training_run",
    "cost_per_inference_token",
    "break_even_volume",
    "kv_bytes_per_token",
    "kv_tokens_that_fit",
    "decode_roofline",
    "WEIGHT_BYTES",
    "KV_BYTES",
    "PRECISIONS",
    "KV_PRECISIONS",
    "ENGINE_OVERHEAD_GB",
    "DELTA_GQA",
    "DELTA_SWA",
    "DELTA_POST_IH",
    "POST_IH_N_PARAMS",
    "CHINCHILLA_RATIO",
]

SQRT2 = math.sqrt(2)

# Empirical corrections of §26.10 (an OLS fit over 23 models, not a law).
DELTA_GQA = 0.11
DELTA_SWA = -0.21
DELTA_POST_IH = -0.15
POST_IH_N_PARAMS = 4e8  # models at or above this size have formed induction heads

CHINCHILLA_RATIO = 20.0  # tokens per parameter, §17.30

# What the May 2026 calibration audit of §26.10 found for each correction, by calibration.
# "spec" applies the three as the spec does; "audited" applies δ_SWA as 0.
CORRECTION_STATUS = {
    "spec": {
        "delta_GQA": "reliable (replicates: group mean +0.115)",
        "delta_SWA": "exploratory, n=1 (applied: spec calibration)",
        "delta_post_IH": "exploratory, no replication (group mean ≈ 0)",
    },
    "audited": {
        "delta_GQA": "reliable (replicates: group mean +0.115)",
        "delta_SWA": "exploratory, n=1, disabled (applied as 0)",
        "delta_post_IH": "exploratory, no replication (group mean ≈ 0)",
    },
}


def _number(name: str, value: Any, *, low: float | None = None, low_open: bool = False) -> float:
    """Return ``value`` if it is a finite real number not below ``low``; raise otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(name, value, "must be a real number")
    try:
        finite = math.isfinite(value)
    except OverflowError:  # an int beyond the float range
        finite = False
    if not finite:
        raise InputError(name, value, "must be a finite number within the float range")
    if low is not None and (value <= low if low_open else value < low):
        bound = f"> {low:g}" if low_open else f">= {low:g}"
        raise InputError(name, value, f"must be {bound}")
    return value


# ── §26 γ-thermodynamics ─────────────────────────────────────────────────────


def gamma_pade(theta: float, T_eval: float) -> float:
    """§26.1 Padé estimate of the attention exponent: γ = (2θ − T√2) / (2θ + T√2).

    γ in (0, 1) is Phase A (long range works); γ ≤ 0 or γ ≥ 1 is Phase B.
    """
    _number("theta", theta, low=0)
    _number("T_eval", T_eval, low=0)
    if theta == 0 and T_eval == 0:
        raise InputError("theta", theta, "theta and T_eval cannot both be 0 (γ is undefined)")
    t_sqrt2 = T_eval * SQRT2
    return (2 * theta - t_sqrt2) / (2 * theta + t_sqrt2)


def gamma_decompose(gamma_pade_val: float, has_GQA: bool = False, has_SWA: bool = False, n_params: float = 0.0) -> dict:
    """§26.10 γ_corrected = γ_Padé + δ_GQA + δ_SWA + δ_post_IH.

    δ_GQA = +0.11 with grouped KV heads, δ_SWA = −0.21 with sliding-window
    attention, δ_post_IH = −0.15 for models of 4·10^8 parameters or more. The three
    corrections are empirical fits. Keys: pade_centroid, delta_GQA, delta_SWA,
    delta_post_IH, gamma_corrected.
    """
    _number("gamma_pade", gamma_pade_val)
    _number("n_params", n_params)
    delta_gqa = DELTA_GQA if has_GQA else 0.0
    delta_swa = DELTA_SWA if has_SWA else 0.0
    delta_post_ih = DELTA_POST_IH if n_params >= POST_IH_N_PARAMS else 0.0
    return {
        "pade_centroid": gamma_pade_val,
        "delta_GQA": delta_gqa,
        "delta_SWA": delta_swa,
        "delta_post_IH": delta_post_ih,
        "gamma_corrected": gamma_pade_val + delta_gqa + delta_swa + delta_post_ih,
    }


def gamma_decompose_audited(
    gamma_pade_val: float, has_GQA: bool = False, has_SWA: bool = False, n_params: float = 0.0
) -> dict:
    """§26.10 under the May 2026 calibration audit: δ_GQA = +0.11 (reliable), δ_SWA applied
    as 0 (fitted on one model: disabled), δ_post_IH = −0.15 (still applied, exploratory: it
    did not replicate). Same keys as :func:`gamma_decompose`."""
    decomp = gamma_decompose(gamma_pade_val, has_GQA=has_GQA, has_SWA=False, n_params=n_params)
    return decomp


def d_horizon(theta: float, gamma: float) -> float | None:
    """§26.2 Retrieval horizon: d_h = θ(1 − γ)√2 / (1 + γ); None outside Phase A (0 < γ < 1)."""
    _number("theta", theta, low=0)
    _number("gamma", gamma)
    if gamma <= 0 or gamma >= 1:
        return None
    return theta * (1 - gamma) * SQRT2 / (1 + gamma)


def l_niah_c(d_horizon_val: float | None) -> float | None:
    """§26.5 Critical needle-in-a-haystack length: L_NIAH^c = 2·d_h (None when d_h is None)."""
    if d_horizon_val is None:
        return None
    return 2 * _number("d_horizon", d_horizon_val)


def chi_susceptibility(gamma: float) -> float:
    """§26.16 Susceptibility χ = 1/|γ − 1|; infinite at γ = 1."""
    _number("gamma", gamma)
    if gamma == 1.0:
        return math.inf
    return 1.0 / abs(gamma - 1.0)


def p_hallucinate(L: float, theta: float, gamma: float) -> float | None:
    """§26.9 Horizon-overshoot probability: max(0, 1 − (d_h/L)^(1−γ)) · √χ / (1 + √χ).

    None outside Phase A or for L ≤ 0. It is exactly 0 whenever L ≤ d_h.
    """
    _number("L", L)
    dh = d_horizon(theta, gamma)
    if dh is None or L <= 0:
        return None
    chi = chi_susceptibility(gamma)
    if chi == math.inf:
        return None
    overshoot = max(0.0, 1.0 - (dh / L) ** (1 - gamma))
    return overshoot * (math.sqrt(chi) / (1 + math.sqrt(chi)))


def theta_design(gamma_target: float, T_eval: float) -> float:
    """§26.3 RoPE base that lands at γ_target for length T (Padé inverse):
    θ = T√2 (1 + γ) / (2(1 − γ)), for γ in (−1, 1)."""
    _number("gamma_target", gamma_target)
    _number("T_eval", T_eval, low=0)
    if gamma_target >= 1 or gamma_target <= -1:
        raise InputError("gamma_target", gamma_target, "must be in the open interval (-1, 1)")
    return T_eval * SQRT2 * (1 + gamma_target) / (2 * (1 - gamma_target))


def alpha_opt(gamma_target: float, T_eval: float, theta_nominal: float) -> float:
    """§26.4 NTK scaling factor: α = θ_design(γ_target, T) / θ_nominal."""
    _number("theta_nominal", theta_nominal, low=0, low_open=True)
    return theta_design(gamma_target, T_eval) / theta_nominal


def df_window(gamma: float, N: int, f: float = 0.90) -> int | None:
    """§26.7 KV-compression window: D_f = ⌈((1 − f) + f·N^(1−γ))^(1/(1−γ))⌉.

    Defined only for 0.65 ≤ γ ≤ 0.85 (None elsewhere); f is the fraction of
    attention mass kept, 0 < f < 1.
    """
    _number("gamma", gamma)
    _number("N", N, low=0, low_open=True)
    _number("f", f, low=0, low_open=True)
    if f >= 1:
        raise InputError("f", f, "must be in the open interval (0, 1)")
    if not (0.65 <= gamma <= 0.85):
        return None
    inner = (1 - f) + f * N ** (1 - gamma)
    return int(math.ceil(inner ** (1 / (1 - gamma))))


def power_sum(gamma: float, n: int) -> float:
    """Σ_{d=1..n} d^(−γ), summed term by term up to 1,000 and by Euler–Maclaurin beyond
    (error far below a double's rounding: the first omitted term is ~1e−20)."""
    _number("gamma", gamma, low=0)
    if gamma > 10:
        raise InputError("gamma", gamma, "must be <= 10 (a decay exponent)")
    _number("n", n, low=0)
    if n > 1e15:
        raise InputError("n", n, "must be <= 1e15")
    n = int(n)
    if n <= 1000:
        return math.fsum(d**-gamma for d in range(1, n + 1))
    m = 100
    head = math.fsum(d**-gamma for d in range(1, m))
    s = gamma
    if s == 1:
        integral = math.log(n) - math.log(m)
    else:
        integral = (n ** (1 - s) - m ** (1 - s)) / (1 - s)

    def odd_derivatives(x: float) -> tuple[float, float, float]:
        d1 = -s * x ** (-s - 1)
        d3 = -s * (s + 1) * (s + 2) * x ** (-s - 3)
        d5 = -s * (s + 1) * (s + 2) * (s + 3) * (s + 4) * x ** (-s - 5)
        return d1, d3, d5

    a1, a3, a5 = odd_derivatives(m)
    b1, b3, b5 = odd_derivatives(n)
    tail = integral + (m**-s + n**-s) / 2 + (b1 - a1) / 12 - (b3 - a3) / 720 + (b5 - a5) / 30240
    return head + tail


def df_window_exact(gamma: float, N: int, f: float = 0.90) -> int | None:
    """§26.7 computed exactly: the smallest D with Σ_{d=1..D} d^(−γ) ≥ f · Σ_{d=1..N} d^(−γ).

    The spec's closed form (:func:`df_window`) is the continuum approximation of this sum.
    Defined, like it, only for 0.65 ≤ γ ≤ 0.85 (None elsewhere); 0 < f < 1.
    """
    _number("gamma", gamma)
    _number("N", N, low=0, low_open=True)
    _number("f", f, low=0, low_open=True)
    if f >= 1:
        raise InputError("f", f, "must be in the open interval (0, 1)")
    if N > 1e15:
        raise InputError("N", N, "must be <= 1e15 tokens")
    if not (0.65 <= gamma <= 0.85):
        return None
    n = int(math.floor(N))
    if n < 1:
        return 1
    target = f * power_sum(gamma, n)
    lo, hi = 1, n  # the answer lies in [lo, hi]
    while lo < hi:
        mid = (lo + hi) // 2
        if power_sum(gamma, mid) >= target:
            hi = mid
        else:
            lo = mid + 1
    return lo


def d_horizon_obs(theta: float, gamma_obs: float) -> float:
    """§26.2 with a measured exponent: d_h_obs = θ(1 − γ_obs)√2 / (1 + γ_obs).

    Unlike :func:`d_horizon` it is returned for every γ_obs > −1: a negative value says
    γ_obs ≥ 1 (Phase B), which the Padé deviation index reads."""
    _number("theta", theta, low=0)
    _number("gamma_obs", gamma_obs, low=-1, low_open=True)
    return theta * (1 - gamma_obs) * SQRT2 / (1 + gamma_obs)


def pade_deviation_index(theta: float, gamma_obs: float, T_eval: float) -> dict:
    """Padé deviation index PDI = d_h_obs / T_eval; exactly 1 when γ_obs = γ_Padé(θ, T_eval).

    Keys: PDI, d_h_obs, reading: "Phase B" (PDI < 0), "over-concentrated" (0 ≤ PDI < 0.5),
    "canonical" (0.5 ≤ PDI ≤ 1.5) or "γ_obs far below γ_Padé" (PDI > 1.5).
    """
    _number("T_eval", T_eval, low=0, low_open=True)
    dh = d_horizon_obs(theta, gamma_obs)
    pdi = dh / T_eval
    if pdi < 0:
        reading = "Phase B"
    elif pdi < 0.5:
        reading = "over-concentrated"
    elif pdi <= 1.5:
        reading = "canonical"
    else:
        reading = "γ_obs far below γ_Padé"
    return {"PDI": pdi, "d_h_obs": dh, "reading": reading}


def kv_soft_decay_regime(theta: float, gamma: float, T_train: float) -> str:
    """§26.8 Whether soft KV decay applies, from r = d_h / max(1, T_train/2):
    "applies" for r ≥ 1.2, "borderline" for 0.8 ≤ r < 1.2, else "use-hard-cutoff"
    (also outside Phase A)."""
    _number("T_train", T_train, low=0, low_open=True)
    dh = d_horizon(theta, gamma)
    if dh is None:
        return "use-hard-cutoff"
    ratio = dh / max(1, T_train / 2)
    if ratio >= 1.2:
        return "applies"
    if ratio >= 0.8:
        return "borderline"
    return "use-hard-cutoff"


# ── §17 pre-training ─────────────────────────────────────────────────────────


def chinchilla_optimal_tokens(N_params: float, ratio: float = CHINCHILLA_RATIO) -> float:
    """§17.30 Compute-optimal training tokens: D = ratio · N (ratio 20)."""
    _number("N_params", N_params, low=0)
    _number("ratio", ratio, low=0, low_open=True)
    return ratio * N_params


def chinchilla_optimal_N(D_tokens: float, ratio: float = CHINCHILLA_RATIO) -> float:
    """§17.30 (inverse) Compute-optimal parameters for D tokens: N = D / ratio."""
    _number("D_tokens", D_tokens, low=0)
    _number("ratio", ratio, low=0, low_open=True)
    return D_tokens / ratio


def chinchilla_N_for_flops(flops: float) -> float:
    """§17.30 with §17.10: the compute-optimal parameters for ``flops`` of training,
    N = √(C/120) (6·N·D = C with D = 20·N gives 120·N² = C)."""
    _number("flops", flops, low=0)
    return math.sqrt(flops / (6 * CHINCHILLA_RATIO))


def training_flops(N_params: float, D_tokens: float) -> float:
    """§17.10 Training compute: C ≈ 6·N·D FLOPs."""
    _number("N_params", N_params, low=0)
    _number("D_tokens", D_tokens, low=0)
    return 6 * N_params * D_tokens


def training_memory_16N(N_params: float) -> dict:
    """§17.20 Training memory ≈ 16·N bytes (weights, gradients, Adam moments).
    Keys: bytes, GB."""
    _number("N_params", N_params, low=0)
    bytes_total = 16 * N_params
    return {"bytes": bytes_total, "GB": bytes_total / 1e9}


_EMERGENCE_TIERS = (
    (1e11, "above 100B — strong reasoning capabilities expected"),
    (1e10, "above 10B — most emergent capabilities present"),
    (1e9, "above 1B — basic instruction-following, not strong reasoning"),
    (1e8, "above 100M — useful for narrow tasks, no emergence"),
)


def emergent_threshold(N_params: float) -> str:
    """§17.60 Capability tier by size (a heuristic after Wei et al., 2022):
    thresholds at 10^8, 10^9, 10^10 and 10^11 parameters."""
    _number("N_params", N_params)
    for threshold, tier in _EMERGENCE_TIERS:
        if N_params >= threshold:
            return tier
    return "below 100M — domain-specific tasks only"


# ── §19 inference ────────────────────────────────────────────────────────────


def kv_cache_memory(n_layers: int, n_kv_heads: int, d_head: int, seq_len: int, bytes_per_element: float = 2.0) -> dict:
    """§19.1 KV-cache size: bytes = 2 · n_layers · n_kv_heads · d_head · seq_len · B.
    Keys: bytes, MB, GB (10^6 and 10^9 bytes)."""
    for name, value in (
        ("n_layers", n_layers),
        ("n_kv_heads", n_kv_heads),
        ("d_head", d_head),
        ("seq_len", seq_len),
        ("bytes_per_element", bytes_per_element),
    ):
        _number(name, value, low=0)
    bytes_total = 2 * n_layers * n_kv_heads * d_head * seq_len * bytes_per_element
    return {"bytes": bytes_total, "MB": bytes_total / 1e6, "GB": bytes_total / 1e9}


def model_weights_memory(N_params: float, bytes_per_element: float = 2.0) -> dict:
    """Weights in memory: GB = N · B / 10^9 (B = 2 for BF16, 1 for INT8, 0.5 for INT4).
    Key: GB."""
    _number("N_params", N_params, low=0)
    _number("bytes_per_element", bytes_per_element, low=0)
    return {"GB": N_params * bytes_per_element / 1e9}


def inference_decode_throughput(N_params: float, hbm_GB_per_s: float, bytes_per_element: float = 2.0) -> float:
    """§19.7 Memory-bound decode speed: tokens/s = HBM bandwidth (GB/s) / model size (GB)."""
    _number("N_params", N_params, low=0, low_open=True)
    _number("bytes_per_element", bytes_per_element, low=0, low_open=True)
    _number("hbm_GB_per_s", hbm_GB_per_s, low=0)
    model_GB = N_params * bytes_per_element / 1e9
    if model_GB == 0:
        raise InputError("N_params", N_params, "is too small: the model's size rounds to 0 GB")
    return hbm_GB_per_s / model_GB


# ── §20 hardware, §24 cost ───────────────────────────────────────────────────


def cost_per_training_run(
    N_params: float, D_tokens: float, gpu: str = "H100 SXM", n_gpus: int = 8, mfu: float = 0.45
) -> dict:
    """§20.11 Training cost: hours = 6ND / (peak·MFU·n_gpus) / 3600; USD = hours · $/h · n_gpus.

    Keys: total_FLOPs, hours, days, USD, gpu, n_gpus, mfu. ``hours`` is wall-clock
    time of the whole cluster.
    """
    from .catalogs import get_gpu

    info = get_gpu(gpu)
    _number("n_gpus", n_gpus, low=0, low_open=True)
    _number("mfu", mfu, low=0, low_open=True)
    total_flops = training_flops(N_params, D_tokens)
    effective_flops_per_s = info["flops"] * 1e12 * mfu * n_gpus
    hours = total_flops / effective_flops_per_s / 3600
    return {
        "total_FLOPs": total_flops,
        "hours": hours,
        "days": hours / 24,
        "USD": hours * info["usd_h"] * n_gpus,
        "gpu": gpu,
        "n_gpus": n_gpus,
        "mfu": mfu,
    }


def cost_per_inference_token(model_GB: float, gpu: str, batch: int = 1) -> dict:
    """§19.9 / §20.12 Decode cost: tok/s = bandwidth / model_GB · batch;
    USD/Mtok = 10^6 / tok/s / 3600 · $/h. Keys: tok_per_sec, USD_per_Mtok, gpu, batch."""
    from .catalogs import get_gpu

    info = get_gpu(gpu)
    _number("model_GB", model_GB, low=0, low_open=True)
    _number("batch", batch, low=0, low_open=True)
    tok_per_sec = info["bw_GB_s"] / model_GB * batch
    hours_per_Mtok = 1e6 / tok_per_sec / 3600
    return {
        "tok_per_sec": tok_per_sec,
        "USD_per_Mtok": hours_per_Mtok * info["usd_h"],
        "gpu": gpu,
        "batch": batch,
    }


def break_even_volume(
    training_cost: float,
    self_inference_per_Mtok: float,
    api_per_Mtok: float,
    blend_input_output: float = 0.5,
) -> dict:
    """§24.3 Total volume at which training pays off: Mtok = training $ / (API $/Mtok − self $/Mtok).

    This is a total volume, not a monthly one. When self-hosting costs as much or
    more per token the result is ``{"error": ...}``: it never breaks even.
    Keys: savings_per_Mtok, Mtok_breakeven, tokens_breakeven.

    ``blend_input_output`` is accepted so that calls written against the spec's
    signature work, and has no effect: the spec declares it and ignores it, and
    ``api_per_Mtok`` is already the blended price (X-1 averages input and output, step 5).
    """
    _number("training_cost", training_cost, low=0)
    _number("self_inference_per_Mtok", self_inference_per_Mtok, low=0)
    _number("api_per_Mtok", api_per_Mtok, low=0)
    savings = api_per_Mtok - self_inference_per_Mtok
    if savings <= 0:
        return {"error": "self-hosting costs at least as much per token as the API; it never breaks even"}
    Mtok = training_cost / savings
    return {"savings_per_Mtok": savings, "Mtok_breakeven": Mtok, "tokens_breakeven": Mtok * 1e6}


# ── serving as engines run it (this project's own bookkeeping, not TAF formulas) ──

PRECISIONS = ("BF16", "FP16", "FP8", "INT8", "INT4")
"""Weight precisions, highest first."""
KV_PRECISIONS = ("BF16", "FP16", "FP8", "INT8")
"""KV-cache precisions that serving engines offer (vLLM's kv_cache_dtype auto/fp8, SGLang, TensorRT-LLM)."""

# Bytes per stored number. FP8/INT8 scales are one per tensor or channel, a rounding
# error per weight. INT4 is the group-quantized layout of GPTQ/AWQ checkpoints
# (group_size 128): 4 bits per weight, plus an FP16 scale and a packed 4-bit zero point
# per group of 128 = 0.5 + 2/128 + 0.5/128 bytes.
WEIGHT_BYTES = {"BF16": 2.0, "FP16": 2.0, "FP8": 1.0, "INT8": 1.0, "INT4": 0.5 + 2 / 128 + 0.5 / 128}
KV_BYTES = {"BF16": 2.0, "FP16": 2.0, "FP8": 1.0, "INT8": 1.0}

ENGINE_OVERHEAD_GB = 2.0
"""Memory an engine holds per GPU besides weights and KV cache (CUDA context and other
non-PyTorch memory, the activation peak of its profiling pass, CUDA graphs). vLLM logs
it at start-up; for 7-8B models the public logs kept in tests/fixtures/serving_measurements.json
show 0.6 to 3.3 GB (0.35 + 2.07 GiB on an RTX 3090, 1.79 + 1.26 GiB on an H100). 2 GB is
the middle of that range: give the figure your engine logs when you have it."""


def _whole(name: str, value: Any, high: float = 1e9) -> int:
    """A count: a whole number from 1 to ``high``."""
    _number(name, value)
    if value != int(value) or not 1 <= value <= high:
        raise InputError(name, value, f"must be a whole number from 1 to {high:g}")
    return int(value)


def _bytes_per_element(value: Any) -> float:
    _number("bytes_per_element", value)
    if not 0.01 <= value <= 64:
        raise InputError("bytes_per_element", value, "must be from 0.01 to 64 bytes")
    return value


def kv_bytes_per_token(
    n_layers: int,
    n_kv_heads: int,
    d_head: int,
    bytes_per_element: float = 2.0,
    tp: int = 1,
    kv_latent_dim: int | None = None,
) -> dict:
    """KV-cache bytes one token takes on each GPU of a tensor-parallel replica.

    Keys and values: 2 · n_layers · ⌈n_kv_heads / tp⌉ · d_head · B (each GPU holds its
    share of the KV heads; when tp exceeds the heads, engines replicate them, so a GPU
    still holds one). Multi-head latent attention caches one compressed vector of
    ``kv_latent_dim`` numbers per layer instead (kv_lora_rank + qk_rope_head_dim), not
    split by tp. Keys: per_gpu, replica (bytes per token over all GPUs), heads_per_gpu,
    divides (whether tp splits the KV heads evenly).
    """
    for name, value in (("n_layers", n_layers), ("n_kv_heads", n_kv_heads), ("d_head", d_head), ("tp", tp)):
        _whole(name, value)
    _bytes_per_element(bytes_per_element)
    if kv_latent_dim is not None:
        _whole("kv_latent_dim", kv_latent_dim)
        per_gpu = n_layers * kv_latent_dim * bytes_per_element
        return {"per_gpu": per_gpu, "replica": per_gpu * tp, "heads_per_gpu": None, "divides": True}
    heads = max(1, math.ceil(n_kv_heads / tp))
    per_gpu = 2 * n_layers * heads * d_head * bytes_per_element
    return {
        "per_gpu": per_gpu,
        "replica": per_gpu * tp,
        "heads_per_gpu": heads,
        "divides": n_kv_heads % tp == 0 or tp % n_kv_heads == 0,
    }


def kv_tokens_that_fit(
    memory_bytes: float, n_layers: int, n_kv_heads: int, d_head: int, bytes_per_element: float = 2.0, tp: int = 1
) -> int:
    """Tokens of KV cache a replica holds when each of its ``tp`` GPUs has
    ``memory_bytes`` free for KV, each GPU holding n_kv_heads/tp of the heads:
    ⌊memory_bytes / (2 · n_layers · (n_kv_heads/tp) · d_head · B)⌋, as an engine
    reports it at start-up ("GPU KV cache size: N tokens", before rounding to blocks)."""
    _number("memory_bytes", memory_bytes, low=0)
    per_token = kv_bytes_per_token(n_layers, n_kv_heads, d_head, bytes_per_element, tp)["per_gpu"]
    return int(memory_bytes // per_token)


def decode_roofline(
    weight_bytes: float,
    flops_per_token: float,
    batch: int,
    kv_bytes_per_seq: float,
    bw_GB_s: float,
    peak_TFLOPs: float,
    tp: int = 1,
    bw_efficiency: float = 1.0,
    compute_efficiency: float = 1.0,
) -> dict:
    """One decode step of ``batch`` sequences on a ``tp``-GPU replica, as a roofline.

    The step takes the longer of two times: the bytes read (the active weights once,
    plus every sequence's KV cache) over the effective bandwidth, and the FLOPs
    (2 per active parameter per sequence) over the effective compute; each GPU does
    1/tp of both. tokens/s = batch / step time. Keys: t_memory_s, t_compute_s,
    t_step_s, tok_per_sec, bound ("memory" or "compute"), bytes_per_step,
    flops_per_step.
    """
    for name, value in (
        ("weight_bytes", weight_bytes),
        ("kv_bytes_per_seq", kv_bytes_per_seq),
        ("flops_per_token", flops_per_token),
    ):
        _number(name, value, low=0)
    for name, value in (
        ("batch", batch),
        ("bw_GB_s", bw_GB_s),
        ("peak_TFLOPs", peak_TFLOPs),
        ("tp", tp),
        ("bw_efficiency", bw_efficiency),
        ("compute_efficiency", compute_efficiency),
    ):
        _number(name, value, low=0, low_open=True)
    bytes_step = weight_bytes + batch * kv_bytes_per_seq
    flops_step = flops_per_token * batch
    t_mem = bytes_step / tp / (bw_GB_s * 1e9 * bw_efficiency)
    t_comp = flops_step / tp / (peak_TFLOPs * 1e12 * compute_efficiency)
    t_step = max(t_mem, t_comp)
    return {
        "t_memory_s": t_mem,
        "t_compute_s": t_comp,
        "t_step_s": t_step,
        "tok_per_sec": batch / t_step,
        "bound": "memory" if t_mem >= t_comp else "compute",
        "bytes_per_step": bytes_step,
        "flops_per_step": flops_step,
    }
