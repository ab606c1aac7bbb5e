"""Numbers quoted by the prose of x2_long_context.md: Llama-3-8B asked to hold 32,000 tokens."""

import math

from taf_widgets.core import get_preset, get_recipe, run_recipe
from taf_widgets.core.evidence import prediction_rows, prediction_summary
from taf_widgets.core.formulas import DELTA_GQA, DELTA_POST_IH, DELTA_SWA, POST_IH_N_PARAMS
from taf_widgets.core.measurements import measured_gamma

LLAMA3_8B = "meta-llama/Meta-Llama-3-8B"
MISTRAL_7B = "mistralai/Mistral-7B-v0.1"
L = 32_000


def facts() -> dict[str, object]:
    arch = get_preset(LLAMA3_8B)
    r = run_recipe("X-2", preset=LLAMA3_8B, T_eval=L)
    # Corrections summing to zero: 300M parameters (no δ_post-IH) and no GQA. Rounding alone then
    # decides the verdict, and the prose shows it flip between two lengths.
    tiny = dict(n_params=3e8, n_kv_heads=arch["n_attention_heads"])
    tiny_32000 = run_recipe("X-2", preset=LLAMA3_8B, T_eval=32000, **tiny)
    tiny_32768 = run_recipe("X-2", preset=LLAMA3_8B, T_eval=32768, **tiny)
    assert tiny_32000.verdict != tiny_32768.verdict
    measured = measured_gamma(LLAMA3_8B)
    r_audit = run_recipe("X-2", preset=LLAMA3_8B, T_eval=L, calibration="audited")
    r_meas = run_recipe("X-2", preset=LLAMA3_8B, T_eval=L, gamma_obs=measured["gamma_obs"])
    assert r_audit.verdict == r.verdict and r_meas.verdict == "NO"  # what the audit section says
    return {
        "recipe": get_recipe("X-2"),
        "steps": len(r.chain),
        "L": L,
        "arch": arch,
        "mistral": get_preset(MISTRAL_7B),
        "theta_sqrt2": arch["theta"] * math.sqrt(2),
        "delta_gqa": DELTA_GQA,
        "delta_swa": DELTA_SWA,
        "delta_post_ih": DELTA_POST_IH,
        "post_ih_n_params": POST_IH_N_PARAMS,
        "net": r.value("gamma_corrected") - r.value("gamma_pade"),
        "tiny_32000": tiny_32000,
        "tiny_32768": tiny_32768,
        "r": r,
        "r_meas": r_meas,
        "measured": measured,
        "pdi": r_meas.chain[-1]["result"],
        "net_audit": r_audit.value("gamma_corrected") - r_audit.value("gamma_pade"),
        "panel": prediction_summary(prediction_rows()),
    }
