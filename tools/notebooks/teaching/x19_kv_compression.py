"""Numbers quoted by the prose of x19_kv_compression.md: Llama-3-8B serving 65,536 tokens."""

from taf_widgets.core import get_preset, get_recipe, run_recipe
from taf_widgets.core.formulas import DELTA_GQA, DELTA_POST_IH, DELTA_SWA, POST_IH_N_PARAMS

LLAMA3_8B = "meta-llama/Meta-Llama-3-8B"
LLAMA32_1B = "meta-llama/Llama-3.2-1B"
L = 65_536


def facts() -> dict[str, object]:
    r = run_recipe("X-19", preset=LLAMA3_8B, T_eval=L)
    assert r.verdict == "USE SOFT DECAY"  # the case the notebook walks through
    return {
        "recipe": get_recipe("X-19"),
        "steps": len(r.chain),
        "L": L,
        "half_L": L // 2,
        "delta_gqa": DELTA_GQA,
        "delta_swa": DELTA_SWA,
        "delta_post_ih": DELTA_POST_IH,
        "post_ih_n_params": POST_IH_N_PARAMS,
        "llama_1b": get_preset(LLAMA32_1B),
    }
