"""X-19 · KV Compression Decision: soft decay, a D_f cutoff, or literature methods? (§26, §19)"""

from __future__ import annotations

from typing import Any

from .. import formulas as F
from ..charts.spec import (
    GREEN,
    ORANGE,
    PURPLE,
    ChartSpec,
    CompareChart,
    CompareCurves,
    Series,
    decades_around,
    log_grid,
    tokens_label,
)
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


def _x19(v: Values) -> Outcome:
    theta, T_eval, T_train = v["theta"], v["T_eval"], v["T_train"]
    audited = v.get("calibration") == "audited"
    g_obs: Any = v["gamma_obs"]  # None on the closed-form path
    measured = g_obs is not None
    chain, decomp = gamma_steps(v)
    g_pade, g_corr = decomp["pade_centroid"], decomp["gamma_corrected"]
    g = g_obs if measured else g_corr  # the γ the decision uses
    g_name = "γ_obs" if measured else "γ"

    if audited:
        df = F.df_window_exact(g, T_eval, f=0.90)
        df_name, df_formula = "D_f window, exact (γ in [0.65, 0.85])", "min D: Σ_{d≤D} d^−γ ≥ f·Σ_{d≤N} d^−γ"
    else:
        df = F.df_window(g, T_eval, f=0.90)
        df_name, df_formula = "D_f window (γ in [0.65, 0.85])", "[(1−f) + f·N^(1−γ)]^(1/(1−γ))"
    chain.append(
        step(
            "D_f",
            3,
            "§26.7",
            df_name,
            df_formula,
            {"gamma": g, "N": T_eval, "f": 0.9},
            df,
            f"keep the last {df:,} tokens for 90% of the attention mass"
            if df is not None
            else f"not applicable: {g_name} = {g:.3f} is outside [0.65, 0.85]",
            unit="tokens",
        )
    )

    regime = F.kv_soft_decay_regime(theta, g, T_train)
    dh = F.d_horizon(theta, g)
    chain.append(
        step(
            "regime",
            4,
            "§26.8",
            "Soft decay régimen",
            "d_h ≳ T_train/2",
            {"theta": theta, "gamma": g, "T_train": T_train},
            regime,
            f"d_horizon = {'n/a' if dh is None else f'{dh:,.0f}'}; regime: {regime}",
        )
    )

    kv = F.kv_cache_memory(v["n_layers"], v["n_kv_heads"], v["d_head"], T_eval)
    chain.append(
        step(
            "kv_cache",
            5,
            "§19.1",
            "Baseline KV memory",
            "2·L·n_kv·d_h·seq·B",
            {"L": v["n_layers"], "n_kv": v["n_kv_heads"], "d_h": v["d_head"], "seq": T_eval},
            kv,
            f"{kv['GB']:.2f} GB without compression",
        )
    )

    in_zone = df is not None
    if regime == "applies" and in_zone:
        verdict = "USE SOFT DECAY"
        reason = (
            "d_horizon ≳ T_train/2 and γ is in the compression zone: soft decay (1 − d/d_h)^γ "
            "beats a hard cutoff (−21% perplexity, F17)."
        )
        mitigation = "Implement it as an additive 4D attention-mask bias with eager attention."
    elif in_zone:
        verdict = "USE D_f HARD CUTOFF"
        reason = (
            f"γ is in [0.65, 0.85] but the soft-decay regime is not met (d_horizon < 1.2 × T_train/2): "
            f"truncating at D_f = {df:,} works."
        )
        mitigation = f"Set the cache length to D_f = {df:,}."
    elif regime == "applies":
        verdict = "USE SOFT DECAY (caveat)"
        reason = "The soft-decay regime applies but γ is outside the D_f zone: soft decay only."
        mitigation = "Use soft decay; do not use the D_f window."
    elif g >= 1 or g <= 0:
        verdict = "USE LITERATURE METHODS"
        reason = f"{g_name} = {g:.3f} is outside Phase A, where these formulas do not apply."
        mitigation = "Use literature heuristics such as SnapKV, PyramidKV or FastGen."
    else:
        verdict = "USE HARD T_train CUTOFF"
        reason = "The soft-decay regime is not met and γ is outside the D_f zone: cap the context at T_train."
        mitigation = f"Keep seq_len ≤ {T_train:,}; do not extend."

    notes = ["The baseline KV memory is BF16 (2 bytes per element)."]
    caveats: list[tuple[str, str]] = []
    if measured:
        measured_steps(chain, v, g_obs)
        caveats.append(measured_caveat(g_obs))
        notes.append(f"γ_obs = {g_obs:.4f} replaces the corrected γ ({g_corr:.4f}) in steps 3 and 4.")
    if regime == "borderline":
        notes.append("d_horizon is within 0.8–1.2 × T_train/2: the borderline regime counts as not met.")
    if not measured and decomp["gamma_corrected"] != g_pade:
        notes.append(AUDITED_NOTE if audited else EMPIRICAL_NOTE)
    if audited and df is not None:
        notes.append(
            f"D_f is the exact discrete sum (audited calibration); the spec's closed form gives "
            f"{F.df_window(g, T_eval, f=0.90):,}."
        )
    caveats += calibration_caveats(v, decomp, used=not measured)
    length_caveats, length_notes, length_factor = trained_length_caveats(v)
    caveats += length_caveats
    notes += length_notes
    factors = gamma_factors(v, decomp, g, measured, zone=(0.65, 0.85))
    if length_factor is not None:
        factors.append(length_factor)
    extras = {"d_horizon": dh, "d_horizon_closed_form": F.d_horizon(theta, g_corr) if measured else dh}
    return Outcome(
        chain,
        verdict,
        reason,
        mitigation,
        notes,
        caveats,
        factors,
        mode="measured" if measured else "closed-form",
        extras=extras,
    )


X19 = Recipe(
    id="X-19",
    name="KV Compression Decision",
    description="Should I use soft decay, D_f cutoff, or literature methods to compress KV?",
    question="Should I compress the KV cache, and how?",
    category="kv-compression",
    uses_sections=("§26", "§19"),
    params=(
        A["theta"],
        A["T_train"],
        t_eval_param(preset_default="T_train"),
        A["n_attention_heads"],
        A["n_kv_heads"],
        A["d_head"],
        A["n_layers"],
        A["n_params"],
        A["has_SWA"],
        CALIBRATION,
        GAMMA_OBS,
        T_EXTENDED,
        ROPE_FACTOR,
    ),
    compute=_x19,
    check=check_gqa,
    origin="TAF",
    tones={
        "USE SOFT DECAY": "go",
        "USE D_f HARD CUTOFF": "go",
        "USE SOFT DECAY (caveat)": "caution",
        "USE HARD T_train CUTOFF": "caution",
        "USE LITERATURE METHODS": "no",
    },
    facts=(
        fact("kv_GB", "KV cache", gb("kv_cache"), "GB"),
        fact("gamma_corrected", "γ corrected", value_of("gamma_corrected")),
        fact("D_f", "D_f window", value_of("D_f"), "tokens"),
        fact("regime", "soft-decay regime", value_of("regime")),
    ),
    columns=(
        fact("gamma_pade", "γ_Padé", value_of("gamma_pade")),
        fact("gamma_corrected", "γ corrected", value_of("gamma_corrected")),
        fact("D_f_tokens", "D_f window", value_of("D_f"), "tokens"),
        fact("soft_decay_regime", "soft-decay regime", value_of("regime")),
        fact("d_horizon_tokens", "d_horizon (closed form)", lambda r: r.extras["d_horizon_closed_form"], "tokens"),
        fact("KV_cache_GB", "KV cache", gb("kv_cache"), "GB"),
    ),
    charts=lambda result: _charts(result),
    tab=Tab(2, "KV compression", {"preset": "meta-llama/Meta-Llama-3-8B", "T_eval": 16384}),
    compare=CompareChart(
        "KV cache against sequence length",
        "sequence length (tokens)",
        "KV cache (GB)",
        lambda results: _compare(results),
        x_log=True,
        y_log=True,
        y_format="~g",
    ),
    card_position=2,
)


def _charts(result: RecipeResult) -> list[ChartSpec]:
    v = result.inputs
    T = v["T_eval"]
    per_token_GB = F.kv_cache_memory(v["n_layers"], v["n_kv_heads"], v["d_head"], 1)["GB"]  # BF16, as the step
    df = result.value("D_f")
    dh = result.extras["d_horizon"]  # at the γ the decision used
    lo, hi = decades_around(T, 2, 2)
    grid = log_grid(lo, hi)
    series = [
        Series("line", grid, [t * per_token_GB for t in grid], PURPLE, "KV cache (BF16)"),
        Series(
            "vline", [df] if df is not None and lo <= df <= hi else [], [], GREEN, f"D_f window = {tokens_label(df)}"
        ),
        Series(
            "vline",
            [dh] if dh is not None and lo <= dh <= hi else [],
            [],
            ORANGE,
            f"d_horizon = {tokens_label(dh)}",
            "dash_dotted",
        ),
        Series(
            "point",
            [T],
            [T * per_token_GB],
            PURPLE,
            "this request",
            legend=False,
            tooltip=f"{T:,} tokens: {T * per_token_GB:.3g} GB",
        ),
    ]
    return [
        ChartSpec(
            "kv",
            "How big is the KV cache, and where would compression cut it?",
            "sequence length (tokens)",
            "KV cache (GB)",
            series,
            x_log=True,
            y_log=True,
            x_range=(lo, hi),
            y_range=(lo * per_token_GB, hi * per_token_GB),
            x_format="~s",
            y_format="~g",
            legend="top-left",
        )
    ]


def _compare(results: list[RecipeResult]) -> CompareCurves:
    T = results[0].inputs["T_eval"]
    lo, hi = decades_around(T, 2, 2)
    grid = log_grid(lo, hi)
    per_token = [r.value("kv_cache")["GB"] / T for r in results]
    return CompareCurves(
        grid,
        [[t * p for t in grid] for p in per_token],
        [float(T)] * len(results),
        [T * p for p in per_token],
        x_range=(lo, hi),
    )
