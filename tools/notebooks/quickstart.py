"""Numbers quoted by the prose of quickstart.md."""

from taf_widgets.core import get_preset, run_recipe

LLAMA3_8B = "meta-llama/Meta-Llama-3-8B"
MISTRAL_7B = "mistralai/Mistral-7B-v0.1"


def facts() -> dict[str, object]:
    return {
        "llama": get_preset(LLAMA3_8B),
        "mistral": get_preset(MISTRAL_7B),
        "mistral_at_32k": run_recipe("X-2", preset=MISTRAL_7B, T_eval=32000),
    }
