"""Numbers quoted by the prose of x5_serving_gpu.md: Llama-3-8B in BF16 at 8,192 tokens."""

from taf_widgets.core import get_recipe, run_recipe

LLAMA3_8B = "meta-llama/Meta-Llama-3-8B"
L = 8192


def facts() -> dict[str, object]:
    r = run_recipe("X-5", preset=LLAMA3_8B, T_eval=L)
    top = r.value("gpus")[0]
    # The reason line rounds the top GPU's cover; say so when it shows 1.0× for less than 1.
    rounds_up = "1.0×" in r.reason and top["users_supported"] < 1
    return {
        "recipe": get_recipe("X-5"),
        "steps": len(r.chain),
        "L": L,
        "top": top,
        "target": r.inputs["target_tokens_per_day"],
        "rounding_note": ", which the reason line rounds to 1.0×" if rounds_up else "",
    }
