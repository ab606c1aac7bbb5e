"""X-2 · Long Context Viability: will model M serve length L doing needle retrieval? (§26, §19)"""

from __future__ import annotations

import math
from typing import Any

from .. import formulas as F
from ..charts.spec import (
    BLUE,
    GREEN,
    GREY,
    ORANGE,
    PINK,
    PURPLE,
    RED,
    ChartSpec,
    CompareChart,
    CompareCurves,
    Series,
    decades_around,
    log_grid,
    tokens_label,
)
from ..params import Param
from .base import Outcome, Recipe, RecipeResult, Tab, Values, fact, step
from .common import (
    AUDITED_NOTE,
    CALIBRATION,
    EMPIRICAL_NOTE,
    GAMMA_OBS,
    ROPE_FACTOR,
    T_EXTENDED,
    A,
    calibration_caveats,
    check_gqa,
    gamma_factors,
    gamma_steps,
    gb,
    measured_caveat,
    measured_steps,
    t_eval_param,
    trained_length_caveats,
    value_of,
)

IDENTITY_NOTE = (
    "With the uncorrected γ_Padé, d_horizon equals the context length exactly, so this "
    "verdict turns on the sign of the γ corrections, not on how long the context is "
    "(T_train only raises a caveat); a measured γ (gamma_obs) is the honest input."
)


def _x2(v: Values) -> Outcome:
    theta, T_eval = v["theta"], v["T_eval"]
    g_obs: Any = v["gamma_obs"]  # None on the closed-form path
    chain, decomp = gamma_steps(v)
    g_corr = decomp["gamma_corrected"]

    dh = F.d_horizon(theta, g_corr)
    chain.append(
        step(
            "d_horizon",
            3,
            "§26.2",
            "d_horizon",
            "d_h = θ(1 − γ)√2/(1 + γ)",
            {"theta": theta, "gamma": g_corr},
            dh,
            "not defined: γ is outside (0, 1)" if dh is None else f"retrieval horizon at {dh:,.0f} tokens",
            unit="tokens",
        )
    )

    l_niah = F.l_niah_c(dh)
    chain.append(
        step(
            "L_NIAH",
            4,
            "§26.5",
            "L_NIAH^c",
            "L_NIAH^c = 2·d_horizon",
            {"d_horizon": dh},
            l_niah,
            "not defined" if l_niah is None else f"needle retrieval drops to 50% at {l_niah:,.0f} tokens",
            unit="tokens",
        )
    )

    p_hallu = F.p_hallucinate(T_eval, theta, g_corr)
    chain.append(
        step(
            "P_hallucinate",
            5,
            "§26.9",
            "P_hallucinate",
            "max(0, 1 − (d_h/L)^(1−γ))·√χ/(1 + √χ)",
            {"L": T_eval, "theta": theta, "gamma": g_corr},
            p_hallu,
            "not defined in Phase B" if p_hallu is None else f"{p_hallu * 100:.1f}% chance of overshooting the horizon",
            unit="probability",
        )
    )

    kv = F.kv_cache_memory(v["n_layers"], v["n_kv_heads"], v["d_head"], T_eval, v["bytes_per_element"])
    chain.append(
        step(
            "kv_cache",
            6,
            "§19.1",
            "KV cache memory",
            "2·L·n_kv·d_h·seq·B",
            {
                "n_layers": v["n_layers"],
                "n_kv_heads": v["n_kv_heads"],
                "d_head": v["d_head"],
                "seq_len": T_eval,
                "bytes_per_element": v["bytes_per_element"],
            },
            kv,
            f"{kv['GB']:.2f} GB of KV cache per request",
        )
    )

    if g_corr <= 0 or g_corr >= 1:
        verdict = "NO"
        reason = f"γ_corrected = {g_corr:.3f} is outside (0, 1): Phase B, retrieval collapses."
        theta_needed = F.theta_design(0.85, T_eval)
        alpha = F.alpha_opt(0.85, T_eval, theta)
        how = "fine-tuning required" if alpha > 8 else "zero-shot may work"
        mitigation = f"Extend RoPE NTK-aware: θ ≈ {theta_needed:,.0f} puts γ at 0.85, α_opt = {alpha:.2f} ({how})."
    elif T_eval < dh:
        verdict = "YES"
        reason = f"L = {T_eval:,} lies inside d_horizon = {dh:,.0f} ({(1 - T_eval / dh) * 100:.0f}% margin)."
        mitigation = "None required."
    elif T_eval < l_niah:
        verdict = "DEGRADED"
        reason = f"L = {T_eval:,} lies between d_horizon ({dh:,.0f}) and L_NIAH^c ({l_niah:,.0f})."
        mitigation = "Shorten the context, or extend RoPE NTK-aware."
    else:
        verdict = "NO"
        reason = f"L = {T_eval:,} is beyond the retrieval ceiling L_NIAH^c = {l_niah:,.0f}."
        mitigation = f"Extend RoPE NTK-aware: θ ≈ {F.theta_design(0.85, T_eval):,.0f} puts γ at 0.85."

    measured = g_obs is not None
    caveats: list[tuple[str, str]] = []
    notes: list[str] = []
    if measured:
        closed = verdict
        pdi = measured_steps(chain, v, g_obs)
        dh_obs = pdi["d_h_obs"]
        if g_obs >= 1:
            verdict = "NO"
            alpha = F.alpha_opt(0.85, T_eval, theta)
            how = "fine-tuning required" if alpha > 8 else "zero-shot may work"
            reason = (
                f"Measured γ_obs = {g_obs:.4f} ≥ 1: attention decays too fast for long-range "
                "retrieval (Phase B), whatever the length."
            )
            if alpha >= 1:
                mitigation = (
                    f"Extend RoPE NTK-aware: θ ≈ {F.theta_design(0.85, T_eval):,.0f} puts γ at 0.85, "
                    f"α_opt = {alpha:.2f} ({how})."
                )
            else:
                mitigation = (
                    f"The Padé rule gives α_opt = {alpha:.2f} < 1 (θ is already large enough on paper), "
                    "so a larger RoPE base does not answer a measured γ_obs ≥ 1: test retrieval at this "
                    "length (needle-in-a-haystack), or choose a model trained for it."
                )
        elif T_eval < dh_obs:
            verdict = "YES"
            reason = f"L = {T_eval:,} lies inside the measured horizon d_h_obs = {dh_obs:,.0f}."
            mitigation = "None required."
        elif T_eval < 2 * dh_obs:
            verdict = "DEGRADED"
            reason = f"L = {T_eval:,} lies between d_h_obs ({dh_obs:,.0f}) and 2·d_h_obs ({2 * dh_obs:,.0f})."
            mitigation = "Shorten the context, or extend RoPE NTK-aware."
        else:
            verdict = "NO"
            reason = f"L = {T_eval:,} is beyond 2·d_h_obs = {2 * dh_obs:,.0f}, the measured retrieval ceiling."
            mitigation = f"Extend RoPE NTK-aware: θ ≈ {F.theta_design(0.85, T_eval):,.0f} puts γ at 0.85."
        caveats.append(measured_caveat(g_obs))
        notes.append(f"The closed form alone (steps 1–5) answers {closed}; the measured γ decides here.")
    else:
        caveats.append(("closed_form_identity", IDENTITY_NOTE))
        deltas = decomp["delta_GQA"] + decomp["delta_SWA"] + decomp["delta_post_IH"]
        if deltas != 0:
            notes.append(AUDITED_NOTE if v.get("calibration") == "audited" else EMPIRICAL_NOTE)
        else:
            notes.append(
                "The γ corrections sum to zero here, so YES versus DEGRADED is decided by "
                "floating-point rounding of d_horizon against L."
            )
        if p_hallu == 0:
            notes.append("P_hallucinate is 0 because L ≤ d_horizon; it is not a measured rate.")
    caveats += calibration_caveats(v, decomp, used=not measured)
    length_caveats, length_notes, _ = trained_length_caveats(v)
    caveats += length_caveats
    notes += length_notes
    factors = gamma_factors(v, decomp, g_obs if measured else g_corr, measured)
    return Outcome(
        chain, verdict, reason, mitigation, notes, caveats, factors, mode="measured" if measured else "closed-form"
    )


X2 = Recipe(
    id="X-2",
    name="Long Context Viability",
    description="Will model M serve length L doing Needle-in-a-Haystack retrieval?",
    question="Will this model hold this context length?",
    category="long-context",
    uses_sections=("§26", "§19"),
    params=(
        A["theta"],
        Param(
            "T_train",
            A["T_train"].label,
            "int",
            unit="tokens",
            low=1,
            high=1e8,
            log=True,
            optional=True,
            preset_key="T_train",
            example=8192,
            help="Context length the model was trained at (its native length; read by the caveats, "
            "not by X-2's formulas).",
        ),
        t_eval_param(preset_default="T_train"),
        A["n_attention_heads"],
        A["n_kv_heads"],
        A["d_head"],
        A["n_layers"],
        A["n_params"],
        A["has_SWA"],
        Param(
            "bytes_per_element",
            "KV bytes per element",
            "float",
            default=2.0,
            unit="bytes",
            low=0.125,
            high=8,
            step=0.125,
            help="Bytes per cached number: 2 for BF16, 1 for INT8/FP8, 0.5 for INT4.",
        ),
        CALIBRATION,
        GAMMA_OBS,
        T_EXTENDED,
        ROPE_FACTOR,
    ),
    compute=_x2,
    check=check_gqa,
    origin="TAF",
    tones={"YES": "go", "DEGRADED": "caution", "NO": "no"},
    facts=(
        fact("d_horizon", "d_horizon", value_of("d_horizon"), "tokens"),
        fact("gamma_corrected", "γ corrected", value_of("gamma_corrected")),
        fact("L_NIAH", "L_NIAH", value_of("L_NIAH"), "tokens"),
        fact("kv_GB", "KV cache", gb("kv_cache"), "GB"),
    ),
    columns=(
        fact("gamma_pade", "γ_Padé", value_of("gamma_pade")),
        fact("gamma_corrected", "γ corrected", value_of("gamma_corrected")),
        fact("d_horizon_tokens", "d_horizon", value_of("d_horizon"), "tokens"),
        fact("L_NIAH_tokens", "L_NIAH", value_of("L_NIAH"), "tokens"),
        fact("P_hallucinate", "P_hallucinate", value_of("P_hallucinate"), "probability"),
        fact("KV_cache_GB", "KV cache", gb("kv_cache"), "GB"),
    ),
    charts=lambda result: _charts(result),
    tab=Tab(1, "Long context", {"preset": "meta-llama/Meta-Llama-3-8B", "T_eval": 32000}),
    compare=CompareChart(
        "γ corrected against context length: who stays in Phase A?",
        "context length (tokens)",
        "γ corrected",
        lambda results: _compare(results),
        x_log=True,
    ),
    card_position=1,
)


# ── charts ───────────────────────────────────────────────────────────────────


def _gamma_curve(result: RecipeResult, grid: list[float]) -> tuple[list[float], list[float]]:
    """γ_Padé over ``grid`` (§26.1) and the same curve moved by this result's corrections."""
    theta = result.inputs["theta"]
    breakdown = result.get_step("gamma_corrected")["breakdown"]
    delta = breakdown["gamma_corrected"] - breakdown["pade_centroid"]
    pade = [F.gamma_pade(theta, t) for t in grid]
    return pade, [p + delta for p in pade]


def _charts(result: RecipeResult) -> list[ChartSpec]:
    v = result.inputs
    T = v["T_eval"]
    dh, l_niah = result.value("d_horizon"), result.value("L_NIAH")
    lo, hi = decades_around(T, 2, 2)
    if l_niah is not None:
        hi = max(hi, 10 ** math.ceil(math.log10(l_niah) + 0.3))
    grid = log_grid(lo, hi)
    pade, corrected = _gamma_curve(result, grid)
    g = result.value("gamma_corrected")
    y_lo, y_hi = -1.3, 1.3
    series = [
        Series("hline", [], [0.0], RED, "γ = 0", "dashed", legend=False),
        Series("hline", [], [1.0], RED, "γ = 1", "dashed", legend=False),
        Series("line", grid, pade, GREY, "γ_Padé"),
        Series("line", grid, corrected, BLUE, "γ corrected"),
    ]
    series.append(Series("vline", [dh] if dh is not None else [], [], GREEN, f"d_horizon = {tokens_label(dh)}"))
    series.append(
        Series(
            "vline",
            [l_niah] if l_niah is not None else [],
            [],
            ORANGE,
            f"L_NIAH = {tokens_label(l_niah)}",
            "dash_dotted",
        )
    )
    series.append(
        Series(
            "point",
            [T],
            [min(max(g, y_lo), y_hi)],
            BLUE,
            "operating point",
            tooltip=f"L = {T:,} tokens, γ corrected = {g:.4f}",
        )
    )
    g_obs: Any = v["gamma_obs"]  # None on the closed-form path
    # Always a series (empty without a measured γ), so a live chart keeps the same marks.
    series.append(
        Series(
            "point",
            [T] if g_obs is not None else [],
            [min(max(g_obs, y_lo), y_hi)] if g_obs is not None else [],
            PINK,
            f"γ_obs = {g_obs:.4f} (measured)" if g_obs is not None else "γ_obs (measured)",
            tooltip=None if g_obs is None else f"measured γ_obs = {g_obs:.4f}",
        )
    )
    gamma = ChartSpec(
        "gamma",
        "Does γ stay in Phase A (0 < γ < 1) at this length?",
        "context length (tokens)",
        "γ",
        series,
        x_log=True,
        x_range=(lo, hi),
        y_range=(y_lo, y_hi),
        x_format="~s",
        legend="bottom-left",
    )

    # Per token from the architecture, not the step's total / T: the curve is then the same
    # numbers at every T in the decade, and a live chart need not resend it.
    per_token_GB = F.kv_cache_memory(v["n_layers"], v["n_kv_heads"], v["d_head"], 1, v["bytes_per_element"])["GB"]
    kv = ChartSpec(
        "kv",
        "How much KV cache does one request hold?",
        "context length (tokens)",
        "KV cache (GB)",
        [
            Series("line", grid, [t * per_token_GB for t in grid], PURPLE, "KV cache", legend=False),
            Series(
                "point",
                [T],
                [T * per_token_GB],
                PURPLE,
                "this request",
                legend=False,
                tooltip=f"{T:,} tokens: {T * per_token_GB:.3g} GB",
            ),
        ],
        x_log=True,
        y_log=True,
        x_range=(lo, hi),
        x_format="~s",
        y_format="~g",
    )
    return [gamma, kv]


def _compare(results: list[RecipeResult]) -> CompareCurves:
    T = results[0].inputs["T_eval"]
    lo, hi = decades_around(T, 2, 2)
    grid = log_grid(lo, hi)
    return CompareCurves(
        grid,
        [_gamma_curve(r, grid)[1] for r in results],
        [float(T)] * len(results),
        [r.value("gamma_corrected") for r in results],
        x_range=(lo, hi),
    )
