"""Numbers quoted by the prose of x3_budget.md: $5,000 on one H100 SXM."""

from taf_widgets.core import get_gpu, get_recipe, run_recipe

BUDGET, GPU = 5000.0, "H100 SXM"


def facts() -> dict[str, object]:
    r = run_recipe("X-3", USD_budget=BUDGET, gpu=GPU)
    return {
        "recipe": get_recipe("X-3"),
        "steps": len(r.chain),
        "budget": BUDGET,
        "gpu": GPU,
        "gpu_info": get_gpu(GPU),
    }
