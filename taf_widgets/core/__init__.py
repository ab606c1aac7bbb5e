"""taf_widgets.core: the TAF formulas, catalogs and recipes, standard library only.

This package runs wherever Python does (a CLI, a test, Pyodide) and knows nothing
of widgets. GB means 10^9 bytes throughout.
"""

from .catalogs import (
    CATALOGS,
    Catalogs,
    api_model_names,
    catalog_files,
    catalog_info,
    get_api_price,
    get_gpu,
    get_preset,
    get_preset_extras,
    gpu_names,
    list_presets,
    load_catalog,
    load_extra_gpus,
    preset_names,
    register_api_model,
    register_gpu,
    register_preset,
    row_origin,
    row_source,
)
from .errors import InputError
from .export import to_code, to_html, to_json, to_markdown
from .formulas import (
    CHINCHILLA_RATIO,
    DELTA_GQA,
    DELTA_POST_IH,
    DELTA_SWA,
    POST_IH_N_PARAMS,
    alpha_opt,
    break_even_volume,
    chi_susceptibility,
    chinchilla_N_for_flops,
    chinchilla_optimal_N,
    chinchilla_optimal_tokens,
    cost_per_inference_token,
    cost_per_training_run,
    d_horizon,
    d_horizon_obs,
    decode_roofline,
    df_window,
    df_window_exact,
    emergent_threshold,
    gamma_decompose,
    gamma_decompose_audited,
    gamma_pade,
    inference_decode_throughput,
    kv_bytes_per_token,
    kv_cache_memory,
    kv_soft_decay_regime,
    kv_tokens_that_fit,
    l_niah_c,
    model_weights_memory,
    p_hallucinate,
    pade_deviation_index,
    power_sum,
    theta_design,
    training_flops,
    training_memory_16N,
)
from .hfconfig import SUPPORTED_FAMILIES, ConfigPreset, preset_from_config
from .measurements import PROVENANCE as MEASUREMENTS_PROVENANCE
from .measurements import measured_gamma, measurements, panel
from .params import ARCHITECTURE, Param
from .recipes import (
    ALL_RECIPES,
    CAVEAT_ORDER,
    OWN_RECIPES,
    RECIPES,
    Recipe,
    RecipeResult,
    get_recipe,
    list_recipes,
    run_recipe,
    verdict_tone,
)
from .sweep import SweepRows, sweep

__all__ = [
    "CHINCHILLA_RATIO", "DELTA_GQA", "DELTA_POST_IH", "DELTA_SWA", "POST_IH_N_PARAMS",
    "ARCHITECTURE", "InputError", "Param", "RECIPES", "Recipe", "RecipeResult",
    "alpha_opt", "api_model_names", "break_even_volume", "catalog_info",
    "chi_susceptibility", "chinchilla_N_for_flops", "chinchilla_optimal_N", "chinchilla_optimal_tokens",
    "cost_per_inference_token", "cost_per_training_run", "d_horizon", "df_window",
    "emergent_threshold", "gamma_decompose", "gamma_pade", "get_api_price", "get_gpu",
    "get_preset", "get_recipe", "gpu_names", "inference_decode_throughput", "kv_cache_memory",
    "kv_soft_decay_regime", "l_niah_c", "list_presets", "list_recipes", "model_weights_memory",
    "p_hallucinate", "preset_names", "register_api_model", "register_gpu", "register_preset",
    "row_origin", "run_recipe", "theta_design", "training_flops", "training_memory_16N",
    "verdict_tone",
    # exports, sweeps, config.json presets and catalog files
    "ConfigPreset", "SUPPORTED_FAMILIES", "SweepRows", "catalog_files", "load_catalog", "preset_from_config",
    "sweep", "to_code", "to_html", "to_json", "to_markdown",
    # the audit, the measured panel, and the evidence behind a verdict
    "CAVEAT_ORDER", "MEASUREMENTS_PROVENANCE", "d_horizon_obs", "df_window_exact", "gamma_decompose_audited",
    "get_preset_extras", "measured_gamma", "measurements", "pade_deviation_index", "panel", "power_sum",
    # serving as engines run it, and this project's own recipes
    "ALL_RECIPES", "OWN_RECIPES", "decode_roofline", "kv_bytes_per_token", "kv_tokens_that_fit",
    "load_extra_gpus", "row_source",
    # the catalogs as one object, with snapshot() and restore()
    "CATALOGS", "Catalogs",
]
