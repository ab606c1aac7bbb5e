"""Numbers quoted by the prose of x1_train_or_api.md: a 7B model on 8× H100 SXM against GPT-4o."""

from taf_widgets.core import get_api_price, get_gpu, get_recipe, run_recipe
from taf_widgets.core.formulas import CHINCHILLA_RATIO

N_PARAMS, GPU, N_GPUS, MFU, API, MONTHLY_TOKENS_M = 7e9, "H100 SXM", 8, 0.45, "GPT-4o", 10.0


def facts() -> dict[str, object]:
    r = run_recipe(
        "X-1", N_params=N_PARAMS, gpu=GPU, n_gpus=N_GPUS, mfu=MFU, api_model=API, monthly_tokens_M=MONTHLY_TOKENS_M
    )
    return {
        "recipe": get_recipe("X-1"),
        "steps": len(r.chain),
        "N_billions": N_PARAMS / 1e9,
        "gpu": GPU,
        "n_gpus": N_GPUS,
        "mfu": MFU,
        "api": API,
        "monthly_tokens_M": MONTHLY_TOKENS_M,
        "gpu_info": get_gpu(GPU),
        "api_price": get_api_price(API),
        "chinchilla_ratio": CHINCHILLA_RATIO,
    }
