"""The five TAF decision recipes (X-1, X-2, X-3, X-5, X-19), this project's own FIT
(Will it fit?), and their runner.

A recipe is a chain of formula steps, each tagged with its paper section, ending
in a verdict, a reason and a mitigation, plus notes on the assumptions a reader
would not guess. Each recipe declares its parameters once (see :mod:`.params`).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from . import formulas as F
from .catalogs import catalog_info, get_api_price, get_gpu, get_preset, get_preset_extras, gpu_names
from .errors import InputError
from .params import ARCHITECTURE, REQUIRED, SERVING_ARCHITECTURE, Param, validate

__all__ = [
    "Recipe",
    "RecipeResult",
    "RECIPES",
    "OWN_RECIPES",
    "ALL_RECIPES",
    "run_recipe",
    "get_recipe",
    "list_recipes",
    "resolve_params",
    "verdict_tone",
    "to_jsonable",
    "CAVEAT_ORDER",
    "confidence_from",
]

Values = dict[str, Any]
FieldErrors = dict[str, tuple[Any, str]]

EMPIRICAL_NOTE = (
    "The γ corrections δ_GQA (+0.11), δ_SWA (−0.21) and δ_post_IH (−0.15) are empirical "
    "fits over 23 models (§26.10), not laws; here they decide the verdict."
)

AUDITED_NOTE = (
    "Audited calibration (May 2026): δ_GQA (+0.11) is applied and reliable, δ_post_IH (−0.15) is "
    "applied but exploratory, δ_SWA is applied as 0; the corrections remain empirical fits (§26.10)."
)


@dataclass(frozen=True)
class Recipe:
    """A decision recipe: its identity, its declared parameters and its computation."""

    id: str
    name: str
    description: str
    question: str
    category: str
    uses_sections: tuple[str, ...]
    params: tuple[Param, ...]
    compute: Callable[[Values], "Outcome"]
    check: Callable[[Values], FieldErrors] | None = None

    def param(self, name: str) -> Param:
        """The declaration of parameter ``name``."""
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    @property
    def takes_preset(self) -> bool:
        """True when a model preset can fill some of this recipe's parameters."""
        return any(p.preset_key for p in self.params)

    def describe(self) -> dict:
        """Identity and full parameter declarations as plain data (front ends, docs)."""
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "question": self.question,
            "category": self.category,
            "uses_sections": list(self.uses_sections),
            "takes_preset": self.takes_preset,
            "params": [p.describe() for p in self.params],
        }


@dataclass
class Outcome:
    chain: list[dict]
    verdict: str
    reason: str
    mitigation: str
    notes: list[str] = field(default_factory=list)
    caveats: list[tuple[str, str]] = field(default_factory=list)  # (code, sentence)
    factors: list[dict] | None = None  # evidence behind the verdict; None: the recipe's defaults


# ── caveats and confidence ───────────────────────────────────────────────────

CAVEAT_ORDER = (
    "beyond_trained_length",
    "closed_form_identity",
    "delta_post_ih_exploratory",
    "delta_swa_disabled",
    "extended_by_rope_scaling",
    "measured_gamma",
)
"""Every caveat code, most serious first (results list their caveats in this order)."""
_CAVEAT_RANK = {code: i for i, code in enumerate(CAVEAT_ORDER)}

_SCORES = {"ok": 1.0, "warn": 0.5, "miss": 0.0}


def _factor(key: str, status: str, detail: str) -> dict:
    return {"key": key, "status": status, "detail": detail}


def confidence_from(factors: list[dict]) -> dict:
    """Score evidence factors (ok 1, warn 0.5, miss 0) into ``{percent, band, factors}``:
    the mean as a percentage; band "high" at 80 or more, "medium" at 55 or more, else "low"."""
    if not factors:
        percent = 0.0
    else:
        percent = round(100 * sum(_SCORES[f["status"]] for f in factors) / len(factors), 1)
    band = "high" if percent >= 80 else ("medium" if percent >= 55 else "low")
    return {"percent": percent, "band": band, "factors": [dict(f) for f in factors]}


@dataclass
class RecipeResult:
    """What a recipe answered. ``to_dict()`` gives plain, JSON-clean data.

    In that data ``None`` (JSON ``null``) means "not applicable" (e.g. d_horizon
    outside Phase A), and a non-finite number is written as the string ``"inf"``,
    ``"-inf"`` or ``"nan"``.
    """

    recipe_id: str
    recipe_name: str
    inputs: dict
    chain: list[dict]
    verdict: str
    reason: str
    mitigation: str
    notes: list[str]
    preset: str | None = None
    caveats: list[str] = field(default_factory=list)
    """Stable codes of what limits this answer, most serious first (see CAVEAT_ORDER);
    each code's sentence is in ``notes`` and in ``caveat_text``."""
    confidence: dict = field(default_factory=dict)
    """``{percent, band, factors: [{key, status, detail}]}``: the evidence behind the verdict."""
    caveat_text: dict = field(default_factory=dict)
    """Caveat code → its sentence (the same sentence as in ``notes``)."""

    @property
    def tone(self) -> str:
        """"go", "caution" or "no": how the verdict should be coloured."""
        return verdict_tone(self.verdict)

    def step(self, n: int) -> dict:
        """Chain step number ``n`` (1-based, as in the chain)."""
        return self.chain[n - 1]

    def to_dict(self) -> dict:
        return to_jsonable(
            {
                "recipe_id": self.recipe_id,
                "recipe_name": self.recipe_name,
                "preset": self.preset,
                "inputs": self.inputs,
                "chain": self.chain,
                "verdict": self.verdict,
                "tone": self.tone,
                "reason": self.reason,
                "mitigation": self.mitigation,
                "notes": self.notes,
                "caveats": self.caveats,
                "caveat_text": self.caveat_text,
                "confidence": self.confidence,
            }
        )

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(), allow_nan=False, ensure_ascii=False, **kwargs)

    def __getitem__(self, key: str) -> Any:
        """Dict-style access to the fields, as scripts written against plain dicts expect."""
        if key == "tone" or key in self.__dataclass_fields__:
            return getattr(self, key)
        raise KeyError(key)


_TONES = {
    "YES": "go",
    "YES (custom)": "go",
    "GO": "go",
    "USE SOFT DECAY": "go",
    "USE D_f HARD CUTOFF": "go",
    "DEGRADED": "caution",
    "MEMORY-LIMITED": "caution",
    "TINY-MODEL": "caution",
    "USE SOFT DECAY (caveat)": "caution",
    "USE HARD T_train CUTOFF": "caution",
    "FITS": "go",
    "TIGHT": "caution",
    "KV-BOUND": "no",
    "WEIGHTS-BOUND": "no",
    "NO": "no",
    "NO (API)": "no",
    "USE LITERATURE METHODS": "no",
}


def verdict_tone(verdict: str) -> str:
    """Colour class of a verdict label: "go", "caution" or "no"."""
    return _TONES.get(verdict, "caution")


def to_jsonable(obj: Any) -> Any:
    """Deep-copy ``obj`` into JSON-clean data (non-finite floats become "inf"/"-inf"/"nan")."""
    if isinstance(obj, float):
        if math.isfinite(obj):
            return obj
        return "nan" if obj != obj else ("inf" if obj > 0 else "-inf")
    if obj is None or isinstance(obj, (bool, int, str)):
        return obj
    if isinstance(obj, Mapping):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    raise TypeError(f"cannot turn {type(obj).__name__} into JSON data")


def _step(n, section, name, formula, inputs, result, interpretation, breakdown=None, unit="") -> dict:
    """One chain row. ``unit`` is the unit of a scalar ``result`` ("" when it has none or
    when the result is a dict whose keys name their units, like GB or USD)."""
    step = {
        "step": n,
        "section": section,
        "name": name,
        "formula": formula,
        "inputs": inputs,
        "result": result,
        "interpretation": interpretation,
        "unit": unit,
    }
    if breakdown is not None:
        step["breakdown"] = breakdown
    return step


def _phase(gamma: float) -> str:
    if 0 < gamma < 1:
        return "Phase A: long-range attention works"
    if gamma >= 1:
        return "Phase B: Hagedorn side (γ ≥ 1)"
    return "Phase B: catastrophic (γ ≤ 0, the context is too long for θ)"


def _check_gqa(v: Values) -> FieldErrors:
    if v["n_kv_heads"] > v["n_attention_heads"]:
        return {"n_kv_heads": (v["n_kv_heads"], f"must be <= n_attention_heads ({v['n_attention_heads']})")}
    return {}


# ── shared parameter declarations ────────────────────────────────────────────

A = ARCHITECTURE


def _T_eval(default: Any = REQUIRED, **extra: Any) -> Param:
    return Param("T_eval", "Context length", "int", default=default, unit="tokens", low=1, high=1e8,
                 log=True, help="Length of the sequence to serve or evaluate.",
                 example=32000, **extra)


_GPU = Param("gpu", "GPU", "choice", default="H100 SXM", choices="gpu",
             help="GPU model from the catalog.")
_MFU = Param("mfu", "MFU", "float", default=0.45, low=0.001, high=1, step=0.01,
             help="Model FLOPs utilisation: the fraction of peak compute actually achieved.")
_N_PARAMS = Param("N_params", "Parameters", "float", unit="params", low=1e6, high=1e15, log=True,
                  help="Model size in parameters.", preset_key="n_params", example=8e9)


# ── serving parameters (optional on; their defaults are the spec's) ──

_AUTO_KV = "auto"


def _weight_precision(default: str = "BF16") -> Param:
    return Param("weight_precision", "Weight precision", "choice", default=default, choices=F.PRECISIONS,
                 help="How the weights are stored: BF16/FP16 2 bytes, FP8/INT8 1 byte, INT4 0.52 bytes "
                      "(group-128 GPTQ/AWQ, scales included).")


_BATCH = Param("batch", "Batch (sequences decoded together)", "int", default=1, low=1, high=65536, log=True,
               help="Sequences the engine decodes in one step (continuous batching); 1 is the spec's "
                    "one stream at a time.")
_TP = Param("tp", "GPUs per replica (tensor parallel)", "int", default=1, low=1, high=64, log=True,
            help="GPUs one copy of the model is split over: each holds 1/tp of the weights and of the KV heads.")
_GPU_UTIL = Param("gpu_memory_utilization", "GPU memory fraction", "float", default=1.0, low=0.05, high=1.0,
                  step=0.01, help="Fraction of each GPU's memory the engine may use (vLLM's "
                                  "gpu_memory_utilization, 0.9 by default there); 1 is the spec's.")
_BW_EFF = Param("bw_efficiency", "Bandwidth efficiency", "float", default=1.0, low=0.01, high=1.0, step=0.01,
                help="Fraction of the memory bandwidth decode achieves: 1 is the spec's ceiling; measured "
                     "batch-1 decode of real engines sits near 0.6-0.9 (see 'How close to real servers').")
_COMPUTE_EFF = Param("compute_efficiency", "Compute efficiency", "float", default=1.0, low=0.01, high=1.0,
                     step=0.01, help="Fraction of the GPU's peak BF16 FLOP/s a decode step achieves "
                                     "(the compute side of the roofline).")


def _overhead(default: float) -> Param:
    return Param("overhead_GB", "Engine overhead per GPU", "float", default=default, unit="GB", low=0, high=1000,
                 step=0.1, help="Memory the engine holds besides weights and KV cache: CUDA context, activation "
                                f"peak, CUDA graphs. vLLM logs 0.6-3.3 GB for 7-8B models; {F.ENGINE_OVERHEAD_GB:g} "
                                "GB is the middle. 0 is the spec's.")


_N_ACTIVE = SERVING_ARCHITECTURE["n_active_params"]
_KV_LATENT = SERVING_ARCHITECTURE["kv_latent_dim"]


def _check_active(v: Values, total_key: str) -> FieldErrors:
    if v.get("n_active_params") is not None and v["n_active_params"] > v[total_key]:
        return {"n_active_params": (v["n_active_params"], f"must be <= {total_key} ({v[total_key]:g}): a model "
                                                          "reads at most all of its parameters")}
    return {}


def _kv_note(n_kv: int, tp: int) -> str | None:
    if n_kv % tp == 0 or tp % n_kv == 0:
        return None
    return (f"{n_kv} KV heads do not divide evenly over tp = {tp} GPUs: each GPU is counted with "
            f"⌈{n_kv}/{tp}⌉ = {math.ceil(n_kv / tp)} heads, as engines pad or replicate them "
            "(vLLM requires the heads to divide, or tp to be a multiple of them).")


# ── X-2 long-context viability ───────────────────────────────────────────────

_CALIBRATION = Param(
    "calibration", "Calibration", "choice", default="spec", choices=("spec", "audited"),
    help="'spec': the spec's γ corrections and D_f closed form, its numbers exactly. 'audited': the "
         "May 2026 audit (δ_SWA disabled, δ_post_IH exploratory, D_f as the exact discrete sum).")
_GAMMA_OBS = Param(
    "gamma_obs", "Measured γ (γ_obs)", "float", optional=True, low=0.01, high=5, step=0.0001,
    help="A measured attention-decay exponent. When given, the verdict follows it (the measured path) "
         "instead of the closed form.")
_T_EXTENDED = Param(
    "T_extended", "RoPE-scaled context", "int", optional=True, unit="tokens", low=1, high=1e8, log=True,
    preset_key="T_extended",
    help="The length a rope_scaling entry extends the model to; empty when the model has none.")
_ROPE_FACTOR = Param(
    "rope_factor", "RoPE scaling factor", "float", optional=True, low=1, high=1e6, log=True,
    preset_key="rope_factor", help="rope_scaling's factor; empty when the model has none.")

IDENTITY_NOTE = (
    "With the uncorrected γ_Padé, d_horizon equals the context length exactly, so this "
    "verdict turns on the sign of the γ corrections, not on how long the context is "
    "(T_train only raises a caveat); a measured γ (gamma_obs) is the honest input."
)


def _gamma_steps(v: Values) -> tuple[list[dict], dict]:
    """Steps 1 and 2 of X-2 and X-19: γ_Padé at the context length (§26.1), then the
    architecture corrections (§26.10) under the chosen calibration, each with its status.
    Returns the two chain rows and the decomposition."""
    theta, T_eval = v["theta"], v["T_eval"]
    calibration = v.get("calibration", "spec")
    g_pade = F.gamma_pade(theta, T_eval)
    has_GQA = v["n_kv_heads"] < v["n_attention_heads"]
    decompose = F.gamma_decompose_audited if calibration == "audited" else F.gamma_decompose
    decomp = decompose(g_pade, has_GQA=has_GQA, has_SWA=v["has_SWA"], n_params=v["n_params"])
    g_corr = decomp["gamma_corrected"]
    status = F.CORRECTION_STATUS[calibration]
    breakdown = {**decomp, "calibration": calibration,
                 "status_GQA": status["delta_GQA"], "status_SWA": status["delta_SWA"],
                 "status_post_IH": status["delta_post_IH"]}
    formula = ("γ + δ_GQA + δ_SWA + δ_post_IH" if calibration == "spec"
               else "γ + δ_GQA + 0·δ_SWA (disabled) + δ_post_IH")
    return [
        _step(1, "§26.1", "γ_Padé", "γ = (2θ − T√2)/(2θ + T√2)", {"theta": theta, "T_eval": T_eval},
              g_pade, _phase(g_pade)),
        _step(2, "§26.10", "γ-decomposition", formula,
              {"has_GQA": has_GQA, "has_SWA": v["has_SWA"], "n_params": v["n_params"], "calibration": calibration},
              g_corr, f"γ corrected to {g_corr:.4f}: {_phase(g_corr)}", breakdown=breakdown),
    ], decomp


def _calibration_caveats(v: Values, decomp: dict, used: bool) -> list[tuple[str, str]]:
    """The audited calibration's caveats, where the corrections they name apply (and are used)."""
    if v.get("calibration") != "audited" or not used:
        return []
    out = []
    if decomp["delta_post_IH"] != 0:
        out.append(("delta_post_ih_exploratory",
                    "δ_post_IH (−0.15) is applied but exploratory: the audit found no replication "
                    "(group mean ≈ 0 over 16 models against 6)."))
    if v["has_SWA"]:
        out.append(("delta_swa_disabled",
                    "δ_SWA (−0.21) is disabled by the audit (fitted on one model) and applied as 0, "
                    "though this model uses a sliding window."))
    return out


def _length_caveats(v: Values) -> tuple[list[tuple[str, str]], list[str], dict | None]:
    """Whether the context length is beyond the native length, or within a RoPE-scaled one.
    Returns (caveats, notes, the trained-length evidence factor or None when T_train is unknown)."""
    L, native = v["T_eval"], v.get("T_train")
    extended, factor = v.get("T_extended"), v.get("rope_factor")
    notes = []
    if native is None:
        return [], notes, None
    scaled = f"rope_scaling{f' (factor {factor:g})' if factor else ''}"
    if extended is not None and extended <= native:
        notes.append(f"T_train ({native:,}) is not below the RoPE-scaled length ({extended:,}): the "
                     "training length given is the extended one, so shorter lengths may already rely "
                     "on the scaling.")
    if L <= native:
        return [], notes, _factor("trained_length", "ok", f"L = {L:,} is within the trained {native:,} tokens")
    if extended is not None and L <= extended:
        sentence = (f"L = {L:,} exceeds the {native:,} tokens the model was trained at, but stays within "
                    f"the {extended:,} its {scaled} extends it to: the answer rests on that extension.")
        return ([("extended_by_rope_scaling", sentence)], notes,
                _factor("trained_length", "warn", f"within the {scaled} extension to {extended:,}"))
    reach = (f"; its {scaled} reaches only {extended:,}" if extended is not None
             else ", and no RoPE scaling extends it")
    sentence = (f"L = {L:,} exceeds the {native:,} tokens the model was trained at{reach}: models "
                "seldom hold a context beyond the length they were trained or extended to, whatever γ says.")
    return [("beyond_trained_length", sentence)], notes, _factor("trained_length", "miss",
                                                                   f"L = {L:,} > trained {native:,}")


def _measured_steps(chain: list[dict], v: Values, g_obs: float) -> dict:
    """The measured path's two chain rows: d_h_obs (§26.2 with γ_obs) and the Padé deviation index."""
    theta, T_eval = v["theta"], v["T_eval"]
    pdi = F.pade_deviation_index(theta, g_obs, T_eval)
    n = len(chain) + 1
    dh = pdi["d_h_obs"]
    chain.append(_step(n, "§26.2", "d_horizon (measured γ)", "d_h_obs = θ(1 − γ_obs)√2/(1 + γ_obs)",
                       {"theta": theta, "gamma_obs": g_obs}, dh,
                       (f"negative: γ_obs = {g_obs:.4f} ≥ 1, no retrieval horizon (Phase B)" if dh <= 0
                        else f"measured retrieval horizon at {dh:,.0f} tokens"), unit="tokens"))
    chain.append(_step(n + 1, "§26.2", "Padé deviation index", "PDI = d_h_obs / T_eval",
                       {"d_h_obs": dh, "T_eval": T_eval}, pdi["PDI"],
                       f"PDI = {pdi['PDI']:.3f}: {pdi['reading']} (1 exactly when γ_obs = γ_Padé)",
                       breakdown={"PDI": pdi["PDI"], "reading": pdi["reading"],
                                  "gamma_pade": F.gamma_pade(theta, T_eval), "gamma_obs": g_obs}))
    return pdi


def _measured_caveat(g_obs: float) -> tuple[str, str]:
    return ("measured_gamma",
            f"The verdict follows the measured exponent γ_obs = {g_obs:.4f}, not the closed form; a "
            "measurement holds for the corpus and the distances it was taken on.")


def _gamma_factors(v: Values, decomp: dict, g_used: float, measured: bool, zone: tuple[float, float] | None = None) -> list[dict]:
    """The evidence factors of a γ-based verdict (reference: γ measured or closed form; a
    benchmark behind it; γ inside the formulas' validity range; reliable or exploratory corrections)."""
    g_obs = v.get("gamma_obs")
    factors = [
        _factor("gamma_measured", "ok", f"γ_obs = {g_obs:.4f} measured") if measured
        else _factor("gamma_measured", "miss", "closed-form γ_Padé, not a measurement"),
        _factor("benchmark", "miss", "no retrieval benchmark for this model and length ships with the package"),
    ]
    if zone is not None and zone[0] <= g_used <= zone[1]:
        factors.append(_factor("gamma_validity", "ok", f"γ = {g_used:.4f} in [{zone[0]}, {zone[1]}]"))
    elif 0 < g_used < 1:
        factors.append(_factor("gamma_validity", "ok" if zone is None else "warn",
                               f"γ = {g_used:.4f} in (0, 1)" + ("" if zone is None else
                                                                 f", outside [{zone[0]}, {zone[1]}]")))
    else:
        factors.append(_factor("gamma_validity", "miss", f"γ = {g_used:.4f} outside (0, 1)"))
    if measured:
        factors.append(_factor("corrections", "ok", "not used: the measured γ replaces them"))
    else:
        exploratory = [name for name, value in (("δ_SWA", decomp["delta_SWA"]), ("δ_post_IH", decomp["delta_post_IH"]))
                       if value != 0]
        factors.append(_factor("corrections", "warn", "exploratory corrections applied: " + ", ".join(exploratory))
                       if exploratory else _factor("corrections", "ok", "only reliable corrections (or none) applied"))
    return factors


def _x2(v: Values) -> Outcome:
    theta, T_eval = v["theta"], v["T_eval"]
    g_obs = v.get("gamma_obs")
    chain, decomp = _gamma_steps(v)
    g_corr = decomp["gamma_corrected"]

    dh = F.d_horizon(theta, g_corr)
    chain.append(_step(3, "§26.2", "d_horizon", "d_h = θ(1 − γ)√2/(1 + γ)",
                       {"theta": theta, "gamma": g_corr}, dh,
                       "not defined: γ is outside (0, 1)" if dh is None
                       else f"retrieval horizon at {dh:,.0f} tokens", unit="tokens"))

    l_niah = F.l_niah_c(dh)
    chain.append(_step(4, "§26.5", "L_NIAH^c", "L_NIAH^c = 2·d_horizon", {"d_horizon": dh}, l_niah,
                       "not defined" if l_niah is None
                       else f"needle retrieval drops to 50% at {l_niah:,.0f} tokens", unit="tokens"))

    p_hallu = F.p_hallucinate(T_eval, theta, g_corr)
    chain.append(_step(5, "§26.9", "P_hallucinate", "max(0, 1 − (d_h/L)^(1−γ))·√χ/(1 + √χ)",
                       {"L": T_eval, "theta": theta, "gamma": g_corr}, p_hallu,
                       "not defined in Phase B" if p_hallu is None
                       else f"{p_hallu * 100:.1f}% chance of overshooting the horizon", unit="probability"))

    kv = F.kv_cache_memory(v["n_layers"], v["n_kv_heads"], v["d_head"], T_eval, v["bytes_per_element"])
    chain.append(_step(6, "§19.1", "KV cache memory", "2·L·n_kv·d_h·seq·B",
                       {"n_layers": v["n_layers"], "n_kv_heads": v["n_kv_heads"], "d_head": v["d_head"],
                        "seq_len": T_eval, "bytes_per_element": v["bytes_per_element"]},
                       kv, f"{kv['GB']:.2f} GB of KV cache per request"))

    if g_corr <= 0 or g_corr >= 1:
        verdict = "NO"
        reason = f"γ_corrected = {g_corr:.3f} is outside (0, 1): Phase B, retrieval collapses."
        theta_needed = F.theta_design(0.85, T_eval)
        alpha = F.alpha_opt(0.85, T_eval, theta)
        how = "fine-tuning required" if alpha > 8 else "zero-shot may work"
        mitigation = (f"Extend RoPE NTK-aware: θ ≈ {theta_needed:,.0f} puts γ at 0.85, "
                      f"α_opt = {alpha:.2f} ({how}).")
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
        pdi = _measured_steps(chain, v, g_obs)
        dh_obs = pdi["d_h_obs"]
        if g_obs >= 1:
            verdict = "NO"
            alpha = F.alpha_opt(0.85, T_eval, theta)
            how = "fine-tuning required" if alpha > 8 else "zero-shot may work"
            reason = (f"Measured γ_obs = {g_obs:.4f} ≥ 1: attention decays too fast for long-range "
                      "retrieval (Phase B), whatever the length.")
            if alpha >= 1:
                mitigation = (f"Extend RoPE NTK-aware: θ ≈ {F.theta_design(0.85, T_eval):,.0f} puts γ at 0.85, "
                              f"α_opt = {alpha:.2f} ({how}).")
            else:
                mitigation = (f"The Padé rule gives α_opt = {alpha:.2f} < 1 (θ is already large enough on paper), "
                              "so a larger RoPE base does not answer a measured γ_obs ≥ 1: test retrieval at this "
                              "length (needle-in-a-haystack), or choose a model trained for it.")
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
        caveats.append(_measured_caveat(g_obs))
        notes.append(f"The closed form alone (steps 1–5) answers {closed}; the measured γ decides here.")
    else:
        caveats.append(("closed_form_identity", IDENTITY_NOTE))
        deltas = decomp["delta_GQA"] + decomp["delta_SWA"] + decomp["delta_post_IH"]
        if deltas != 0:
            notes.append(AUDITED_NOTE if v.get("calibration") == "audited" else EMPIRICAL_NOTE)
        else:
            notes.append("The γ corrections sum to zero here, so YES versus DEGRADED is decided by "
                         "floating-point rounding of d_horizon against L.")
        if p_hallu == 0:
            notes.append("P_hallucinate is 0 because L ≤ d_horizon; it is not a measured rate.")
    caveats += _calibration_caveats(v, decomp, used=not measured)
    length_caveats, length_notes, _ = _length_caveats(v)
    caveats += length_caveats
    notes += length_notes
    factors = _gamma_factors(v, decomp, g_obs if measured else g_corr, measured)
    return Outcome(chain, verdict, reason, mitigation, notes, caveats, factors)


X2 = Recipe(
    id="X-2",
    name="Long Context Viability",
    description="Will model M serve length L doing Needle-in-a-Haystack retrieval?",
    question="Will this model hold this context length?",
    category="long-context",
    uses_sections=("§26", "§19"),
    params=(
        A["theta"],
        Param("T_train", A["T_train"].label, "int", unit="tokens", low=1, high=1e8, log=True,
              optional=True, preset_key="T_train", example=8192,
              help="Context length the model was trained at (its native length; read by the caveats, "
                   "not by X-2's formulas)."),
        _T_eval(preset_default="T_train"),
        A["n_attention_heads"], A["n_kv_heads"], A["d_head"], A["n_layers"], A["n_params"], A["has_SWA"],
        Param("bytes_per_element", "KV bytes per element", "float", default=2.0, unit="bytes",
              low=0.125, high=8, step=0.125,
              help="Bytes per cached number: 2 for BF16, 1 for INT8/FP8, 0.5 for INT4."),
        _CALIBRATION, _GAMMA_OBS, _T_EXTENDED, _ROPE_FACTOR,
    ),
    compute=_x2,
    check=_check_gqa,
)


# ── X-1 custom training vs API ───────────────────────────────────────────────


def _x1(v: Values) -> Outcome:
    N = v["N_params"]
    gpu, n_gpus, mfu = v["gpu"], v["n_gpus"], v["mfu"]
    api_model, monthly = v["api_model"], v["monthly_tokens_M"]
    given_D = v["D_tokens"]
    D = F.chinchilla_optimal_tokens(N) if given_D is None else given_D
    chain = [_step(1, "§17.30", "Chinchilla optimal D", "D = 20·N", {"N_params": N}, D,
                   f"train on {D:.2e} tokens" + (" (your choice, not Chinchilla-optimal)"
                                                 if given_D is not None else ""), unit="tokens")]

    flops = F.training_flops(N, D)
    chain.append(_step(2, "§17.10", "Training FLOPs", "C = 6·N·D", {"N": N, "D": D}, flops,
                       f"{flops:.2e} FLOPs in all", unit="FLOPs"))

    cost = F.cost_per_training_run(N, D, gpu=gpu, n_gpus=n_gpus, mfu=mfu)
    chain.append(_step(3, "§20.11", "Training cost", "hours·USD/h·n_gpus = total $",
                       {"gpu": gpu, "n_gpus": n_gpus, "mfu": mfu}, cost,
                       f"${cost['USD']:,.0f} over {cost['days']:.1f} days"))

    serving = _x1_serving(v)
    if not serving:
        model_GB = N * 2 / 1e9
        inference = F.cost_per_inference_token(model_GB, gpu, batch=1)
        chain.append(_step(4, "§19.9 / §20.12", "Self-inference $/Mtok", "BW / model_GB → tok/s → $/Mtok",
                           {"model_GB": model_GB, "gpu": gpu}, inference,
                           f"${inference['USD_per_Mtok']:.2f} per million tokens, one user at a time"))
    else:
        active = v["n_active_params"] or N
        bpw = F.WEIGHT_BYTES[v["weight_precision"]]
        model_GB = N * bpw / 1e9
        info = get_gpu(gpu)
        roof = F.decode_roofline(active * bpw, 2 * active, v["batch"], 0.0, info["bw_GB_s"], info["flops"],
                                 bw_efficiency=v["bw_efficiency"])
        usd_per_Mtok = 1e6 / roof["tok_per_sec"] / 3600 * info["usd_h"]
        inference = {"tok_per_sec": roof["tok_per_sec"], "USD_per_Mtok": usd_per_Mtok, "gpu": gpu,
                     "batch": v["batch"], "bound": roof["bound"]}
        chain.append(_step(4, "§19.9 / §20.12 + roofline", "Self-inference $/Mtok",
                           "batch / max(bytes/(BW·eff), FLOPs/peak) → tok/s → $/Mtok",
                           {"active_GB": active * bpw / 1e9, "gpu": gpu, "batch": v["batch"],
                            "weight_precision": v["weight_precision"], "bw_efficiency": v["bw_efficiency"]},
                           inference,
                           f"${usd_per_Mtok:.3g} per million tokens at batch {v['batch']} "
                           f"({roof['tok_per_sec']:,.0f} tok/s, {roof['bound']}-bound)"))

    price = get_api_price(api_model)
    api_blend = (price["input"] + price["output"]) / 2
    chain.append(_step(5, "§24.X", f"{api_model} blended price", "(input + output) / 2 USD/Mtok",
                       {"api_model": api_model}, api_blend, f"${api_blend:.2f} per million tokens, blended",
                       unit="USD/Mtok"))

    be = F.break_even_volume(cost["USD"], inference["USD_per_Mtok"], api_blend)
    if "error" in be:
        be_text = be["error"]
    else:
        be_text = (f"pays off after {be['Mtok_breakeven']:,.0f} M tokens "
                   f"({be['Mtok_breakeven'] / monthly:.1f} months at {monthly:g} M/month)")
    chain.append(_step(6, "§24.3", "Break-even tokens", "training$ / (api − self) = Mtok",
                       {"training_cost": cost["USD"]}, be, be_text))

    if "error" in be:
        verdict, reason = "NO", be["error"][0].upper() + be["error"][1:] + "."
        mitigation = f"Stay with the {api_model} API."
    else:
        months = be["Mtok_breakeven"] / monthly
        if monthly * v["payback_months"] >= be["Mtok_breakeven"]:
            verdict = "YES (custom)"
            reason = (f"At {monthly:g} M tokens a month the training pays for itself in "
                      f"{months:.1f} months; after that custom is cheaper.")
            mitigation = f"Train on {n_gpus}× {gpu} and serve it yourself."
        else:
            verdict = "NO (API)"
            reason = (f"At {monthly:g} M tokens a month the training pays for itself only after "
                      f"{months:.1f} months.")
            mitigation = f"Use the {api_model} API: it is cheaper at your volume."

    payback = v["payback_months"]
    if payback == 1:
        notes = ["The verdict is YES only when the break-even volume is at most one month of "
                 "your traffic (the test is monthly volume ≥ break-even volume)."]
    else:
        notes = [f"The verdict is YES when the training pays for itself within payback_months = {payback:g} "
                 "months of your traffic (monthly volume × payback_months ≥ break-even volume); "
                 "the spec's rule is one month."]
    if serving:
        notes.append(f"Self-hosted serving is priced at batch {v['batch']} with {v['weight_precision']} weights "
                     f"as a roofline (bandwidth efficiency {v['bw_efficiency']:g}); the spec's rule is batch-1 "
                     "BF16 decode at the full bandwidth. The KV cache's reads are not counted: X-1 has no "
                     "architecture.")
    info = get_gpu(gpu)
    train_GB = F.training_memory_16N(N)["GB"]
    if train_GB > info["vram_GB"] * n_gpus or model_GB > info["vram_GB"]:
        notes.append(f"Memory is not checked by X-1: training needs about {train_GB:,.0f} GB (16 bytes "
                     f"per parameter) against {n_gpus}× {info['vram_GB']:g} GB, and serving "
                     f"{model_GB:,.1f} GB of BF16 weights on one {gpu} with {info['vram_GB']:g} GB.")
    if given_D is not None:
        notes.append("D_tokens was given, so the training run is not Chinchilla-optimal (D = 20·N).")
    if info["usd_h"] == 0:
        notes.append(f"{gpu} has no hourly price (a local card), so training and serving cost $0 "
                     "here: power and purchase price are not counted.")
    return Outcome(chain, verdict, reason, mitigation, notes)


X1 = Recipe(
    id="X-1",
    name="Custom Training vs API",
    description="Should I train a custom model or use a frontier API for my domain task?",
    question="Should I train my own model or pay for an API?",
    category="build-vs-buy",
    uses_sections=("§17", "§19", "§20", "§24"),
    params=(
        _N_PARAMS,
        Param("D_tokens", "Training tokens", "float", unit="tokens", low=1e3, high=1e16, log=True,
              optional=True, example=None,
              help="Tokens to train on; leave empty for Chinchilla-optimal D = 20·N."),
        _GPU,
        Param("n_gpus", "GPUs", "int", default=8, low=1, high=100000, log=True,
              help="GPUs used for training."),
        _MFU,
        Param("api_model", "API model", "choice", default="GPT-4o", choices="api_model",
              help="The API you would pay for instead."),
        Param("monthly_tokens_M", "Monthly volume", "float", default=10.0, unit="M tokens/month",
              low=0, high=1e9, low_open=True, log=True,
              help="Millions of tokens you would process each month."),
        _weight_precision(),
        _BATCH,
        _BW_EFF,
        _N_ACTIVE,
        Param("payback_months", "Payback horizon", "float", default=1.0, unit="months", low=0, high=1200,
              low_open=True, log=True,
              help="Months of your traffic within which training must pay for itself for a YES; 1 is "
                   "the spec's rule."),
    ),
    compute=_x1,
    check=lambda v: _check_active(v, "N_params"),
)


def _x1_serving(v: Values) -> bool:
    """Whether any serving parameter leaves its spec default (then step 4 is a roofline)."""
    return (v["weight_precision"] not in ("BF16", "FP16") or v["batch"] != 1 or v["bw_efficiency"] != 1.0
            or v["n_active_params"] is not None)


# ── X-3 budget pre-flight ────────────────────────────────────────────────────


def _x3_check(v: Values) -> FieldErrors:
    if get_gpu(v["gpu"])["usd_h"] == 0:
        priced = [n for n in gpu_names() if get_gpu(n)["usd_h"] > 0]
        return {"gpu": (v["gpu"], "has no hourly price ($0/h, a local card), so a budget buys no GPU-hours; "
                                  "choose a priced GPU: " + ", ".join(repr(n) for n in priced))}
    return {}


def _x3(v: Values) -> Outcome:
    budget, gpu, mfu, n_gpus = v["USD_budget"], v["gpu"], v["mfu"], v["n_gpus"]
    info = get_gpu(gpu)
    hours = budget / (info["usd_h"] * n_gpus)
    chain = [_step(1, "§20.11", "Affordable GPU-hours", "USD / ($/h·n_gpus)",
                   {"USD": budget, "gpu": gpu, "n_gpus": n_gpus}, hours,
                   f"{hours:,.0f} hours of the whole cluster ({hours / 24:.1f} days)", unit="hours")]

    max_flops = info["flops"] * 1e12 * mfu * n_gpus * hours * 3600
    chain.append(_step(2, "§17.10", "Max training FLOPs", "peak·MFU·n_gpus·seconds",
                       {"peak_TFLOPs": info["flops"], "MFU": mfu}, max_flops,
                       f"{max_flops:.2e} useful FLOPs", unit="FLOPs"))

    # 6·N·D = C with D = 20·N gives 120·N² = C.
    N = math.sqrt(max_flops / 120)
    D = 20 * N
    chain.append(_step(3, "§17.30", "Chinchilla-optimal N", "N = √(C/120) at D = 20N",
                       {"max_FLOPs": max_flops}, N, f"about {N:.2e} parameters on {D:.2e} tokens",
                       unit="params"))

    tier = F.emergent_threshold(N)
    chain.append(_step(4, "§17.60", "Emergence threshold", "Wei 2022 capability tiers", {"N": N}, tier, tier))

    mem = F.training_memory_16N(N)
    fits = mem["GB"] <= info["vram_GB"]
    chain.append(_step(5, "§17.20", "16N training memory", "model + grads + AdamW", {"N": N}, mem,
                       f"{mem['GB']:,.1f} GB needed; {'fits in' if fits else 'exceeds'} "
                       f"one GPU's {info['vram_GB']:g} GB"))

    if N < 1e8:
        verdict = "TINY-MODEL"
        reason = f"The budget trains only about {N:.0e} parameters."
        mitigation = "Fine-tune a larger pretrained model with LoRA instead."
    elif not fits:
        verdict = "MEMORY-LIMITED"
        need = math.ceil(mem["GB"] / info["vram_GB"])
        reason = f"The Chinchilla-optimal N ({N:.1e}) does not fit in one {gpu}."
        mitigation = f"Shard with ZeRO-3 over at least {need}× {gpu}, or train a smaller, undertrained model."
    else:
        verdict = "GO"
        reason = (f"${budget:,.0f} trains a {N:.1e}-parameter model on {D:.1e} tokens in about "
                  f"{hours / 24:.1f} days; tier: {tier.split('—')[0].strip()}.")
        mitigation = "None: follow the Chinchilla-optimal recipe."

    notes = []
    if n_gpus > 1:
        notes.append("n_gpus changes neither N nor the memory check: the budget buys the same "
                     "FLOPs on fewer hours, and memory is checked per GPU with no sharding. "
                     "GPU-hours here are wall-clock hours of the whole cluster.")
    if not fits:
        notes.append("Memory is 16 bytes per parameter (weights, gradients, Adam moments) on a "
                     "single GPU, without sharding or activation memory.")
    return Outcome(chain, verdict, reason, mitigation, notes)


X3 = Recipe(
    id="X-3",
    name="Budget Pre-flight",
    description="Given $ budget, what model is feasible to train?",
    question="What can this budget train?",
    category="training-budget",
    uses_sections=("§17", "§20"),
    params=(
        Param("USD_budget", "Budget", "float", default=5000.0, unit="USD", low=0, high=1e12,
              low_open=True, log=True, help="Money available for GPU time."),
        _GPU,
        _MFU,
        Param("n_gpus", "GPUs", "int", default=1, low=1, high=100000, log=True,
              help="GPUs rented at once."),
    ),
    compute=_x3,
    check=_x3_check,
)


# ── X-5 hardware selection for serving ───────────────────────────────────────


def _x5(v: Values) -> Outcome:
    if _x5_serving(v):
        return _x5_roofline(v)
    N, T_eval, bpw = v["N_params"], v["T_eval"], v["bytes_per_weight"]
    users, target = v["concurrent_users"], v["target_tokens_per_day"]
    w_mem = F.model_weights_memory(N, bpw)
    chain = [_step(1, "§19.X", "Model weights memory", "N · bytes_per_weight",
                   {"N": N, "bytes": bpw}, w_mem, f"{w_mem['GB']:,.1f} GB of weights")]

    kv = F.kv_cache_memory(v["n_layers"], v["n_kv_heads"], v["d_head"], T_eval, bpw)
    chain.append(_step(2, "§19.1", "KV cache (per request)", "2·L·n_kv·d_h·seq·B",
                       {"n_layers": v["n_layers"], "n_kv": v["n_kv_heads"], "d_head": v["d_head"],
                        "seq": T_eval}, kv, f"{kv['GB']:.2f} GB per concurrent request"))

    total_GB = w_mem["GB"] + kv["GB"] * users
    chain.append(_step(3, "§20.3", "Total GPU memory", "weights + KV·n_concurrent", {}, {"GB": total_GB},
                       f"{total_GB:,.1f} GB for {users} concurrent user{'s' if users != 1 else ''}"))

    candidates = []
    for name in gpu_names():
        info = get_gpu(name)
        if info["vram_GB"] < total_GB:
            continue
        tok_per_s = info["bw_GB_s"] / w_mem["GB"]
        tok_per_day = tok_per_s * 86400
        usd_per_day = info["usd_h"] * 24
        candidates.append({
            "gpu": name, "vram_GB": info["vram_GB"], "bw_GB_s": info["bw_GB_s"],
            "tok_per_sec": tok_per_s, "tok_per_day": tok_per_day,
            "USD_per_day": usd_per_day, "USD_per_Mtok": usd_per_day / (tok_per_day / 1e6),
            "users_supported": tok_per_day / target,
        })
    candidates.sort(key=lambda c: c["USD_per_Mtok"])
    cheapest = candidates[0]["gpu"] if candidates else "none"
    chain.append(_step(4, "§20", f"Eligible GPUs (≥{total_GB:.0f}GB)", "filter + rank by $/Mtok",
                       {"min_VRAM": total_GB}, candidates[:5],
                       f"{len(candidates)} GPU{'s' if len(candidates) != 1 else ''} fit; cheapest: {cheapest}"))

    notes = ["Throughput and $/Mtok are batch-1, memory-bound decode: one stream at a time."]
    if not candidates:
        verdict = "NO"
        reason = f"No single GPU in the catalog has the {total_GB:,.1f} GB of memory needed."
        mitigation = "Split the model with tensor parallelism over several GPUs, or quantize to INT8 (half the memory)."
    else:
        best = candidates[0]
        verdict = "YES"
        reason = (f"Best GPU: {best['gpu']} at ${best['USD_per_Mtok']:.2f}/Mtok; one card decodes "
                  f"{best['users_supported']:.2f}× your daily token target.")
        mitigation = f"Provision {best['gpu']}; expect about {best['tok_per_sec']:,.0f} tok/s of decode."
        if best["users_supported"] < 1:
            notes.append(f"YES means the model fits in memory; one {best['gpu']} covers only "
                         f"{best['users_supported']:.2f}× of your daily token target (the verdict does not "
                         "check the target).")
        if get_gpu(best["gpu"])["usd_h"] == 0:
            notes.append(f"{best['gpu']} ranks first because it has no hourly price (a local card): "
                         "$0/Mtok ignores power and purchase cost.")
    if users > 1:
        notes.append("concurrent_users changes the memory needed only, not throughput or cost.")
    if bpw != 2.0:
        notes.append("The KV cache uses the same bytes per element as the weights.")
    return Outcome(chain, verdict, reason, mitigation, notes)


def _x5_serving(v: Values) -> bool:
    """Whether any serving parameter leaves its spec default (then X-5 serves as engines do)."""
    for p in _X5_SERVING:
        default = None if p.default is REQUIRED else p.default
        value = "BF16" if p.name == "weight_precision" and v[p.name] == "FP16" else v[p.name]
        if value != default:
            return True
    return False


def _x5_precisions(v: Values) -> tuple[float, float, str]:
    """Bytes per weight, bytes per KV element, and how they were chosen."""
    if v["weight_precision"] in ("BF16", "FP16"):
        bpw, how = v["bytes_per_weight"], f"{v['bytes_per_weight']:g} bytes per weight"
    else:
        bpw, how = F.WEIGHT_BYTES[v["weight_precision"]], v["weight_precision"]
    if v["kv_precision"] == _AUTO_KV:
        # Engines keep the KV cache in the activation dtype (16-bit) under quantized weights;
        # with bytes_per_weight alone the spec's rule holds: the KV cache uses the same bytes.
        kv_b = 2.0 if v["weight_precision"] not in ("BF16", "FP16") else bpw
    else:
        kv_b = F.KV_BYTES[v["kv_precision"]]
    return bpw, kv_b, how


def x5_serving_candidates(v: Values) -> list[dict]:
    """Every GPU of the catalog that holds X-5's serving request (``v``: a result's inputs),
    with its roofline tokens/s and $/Mtok, cheapest first (step 4 shows the first five)."""
    N, T_eval, users, target = v["N_params"], v["T_eval"], v["concurrent_users"], v["target_tokens_per_day"]
    batch, tp, util, overhead = v["batch"], v["tp"], v["gpu_memory_utilization"], v["overhead_GB"]
    active = v["n_active_params"] or N
    bpw, kv_b, _ = _x5_precisions(v)
    per_tok = F.kv_bytes_per_token(v["n_layers"], v["n_kv_heads"], v["d_head"], kv_b, tp, v["kv_latent_dim"])
    kv_seq_bytes = per_tok["replica"] * T_eval
    per_gpu_GB = N * bpw / 1e9 / tp + kv_seq_bytes / 1e9 * max(users, batch) / tp + overhead
    candidates = []
    for name in gpu_names():
        info = get_gpu(name)
        if info["vram_GB"] * util < per_gpu_GB:
            continue
        roof = F.decode_roofline(active * bpw, 2 * active, batch, kv_seq_bytes, info["bw_GB_s"], info["flops"],
                                 tp=tp, bw_efficiency=v["bw_efficiency"],
                                 compute_efficiency=v["compute_efficiency"])
        tok_per_s = roof["tok_per_sec"]
        tok_per_day = tok_per_s * 86400
        usd_per_day = info["usd_h"] * 24 * tp
        candidates.append({
            "gpu": name, "vram_GB": info["vram_GB"], "bw_GB_s": info["bw_GB_s"],
            "tok_per_sec": tok_per_s, "tok_per_day": tok_per_day,
            "USD_per_day": usd_per_day, "USD_per_Mtok": usd_per_day / (tok_per_day / 1e6),
            "users_supported": tok_per_day / target, "bound": roof["bound"],
            "t_memory_ms": roof["t_memory_s"] * 1e3, "t_compute_ms": roof["t_compute_s"] * 1e3, "tp": tp,
        })
    candidates.sort(key=lambda c: c["USD_per_Mtok"])
    return candidates


def _x5_roofline(v: Values) -> Outcome:
    """X-5 with the serving parameters: precisions, batch, tensor parallelism, MoE, the engine's
    memory fraction and overhead, and a decode roofline instead of batch-1 bandwidth."""
    N, T_eval, users, target = v["N_params"], v["T_eval"], v["concurrent_users"], v["target_tokens_per_day"]
    batch, tp, util, overhead = v["batch"], v["tp"], v["gpu_memory_utilization"], v["overhead_GB"]
    active = v["n_active_params"] or N
    bpw, kv_b, how = _x5_precisions(v)
    w_mem = F.model_weights_memory(N, bpw)
    chain = [_step(1, "§19.X", "Model weights memory", "N · bytes_per_weight", {"N": N, "precision": how},
                   w_mem, f"{w_mem['GB']:,.1f} GB of weights ({w_mem['GB'] / tp:,.1f} GB per GPU over {tp})")]

    per_tok = F.kv_bytes_per_token(v["n_layers"], v["n_kv_heads"], v["d_head"], kv_b, tp, v["kv_latent_dim"])
    kv_seq_bytes = per_tok["replica"] * T_eval
    kv = {"bytes": kv_seq_bytes, "MB": kv_seq_bytes / 1e6, "GB": kv_seq_bytes / 1e9,
          "bytes_per_token": per_tok["replica"]}
    formula = "L·latent·seq·B (MLA)" if v["kv_latent_dim"] else "2·L·n_kv·d_h·seq·B"
    chain.append(_step(2, "§19.1", "KV cache (per request)", formula,
                       {"n_layers": v["n_layers"], "n_kv": v["n_kv_heads"], "d_head": v["d_head"], "seq": T_eval,
                        "kv_bytes_per_element": kv_b, "kv_latent_dim": v["kv_latent_dim"]}, kv,
                       f"{kv['GB']:.2f} GB per concurrent request"))

    seqs = max(users, batch)
    per_gpu_GB = w_mem["GB"] / tp + kv["GB"] * seqs / tp + overhead
    total_GB = w_mem["GB"] + kv["GB"] * seqs + overhead * tp
    chain.append(_step(3, "§20.3 + engine", "Total GPU memory", "(weights + KV·max(users, batch))/tp + overhead",
                       {"tp": tp, "sequences": seqs, "overhead_GB": overhead}, {"GB": total_GB, "per_gpu_GB": per_gpu_GB},
                       f"{total_GB:,.1f} GB in all, {per_gpu_GB:,.1f} GB on each of {tp} GPU{'s' if tp != 1 else ''} "
                       f"for {seqs} sequence{'s' if seqs != 1 else ''}"))

    candidates = x5_serving_candidates(v)
    cheapest = candidates[0]["gpu"] if candidates else "none"
    chain.append(_step(4, "§20 + roofline", f"Eligible GPUs (≥{per_gpu_GB / util:.0f}GB each)",
                       "filter + rank by $/Mtok; tok/s = batch / max(bytes/(BW·eff), FLOPs/(peak·eff))",
                       {"min_VRAM_per_GPU": per_gpu_GB / util, "batch": batch, "tp": tp}, candidates[:5],
                       f"{len(candidates)} GPU{'s' if len(candidates) != 1 else ''} fit; cheapest: {cheapest}"))

    notes = [f"Serving as engines run it: {batch} sequence{'s' if batch != 1 else ''} decoded together, "
             f"{tp} GPU{'s' if tp != 1 else ''} per replica, weights at {how}, KV at {kv_b:g} bytes, "
             f"{util:g} of each GPU's memory with {overhead:g} GB of engine overhead. Each decode step reads the "
             "active weights once and every sequence's whole KV cache (at the full context), and needs 2 FLOPs "
             "per active parameter per sequence at the GPU's peak BF16 rate."]
    if active != N:
        notes.append(f"Mixture of experts: memory holds all {N:.3g} parameters; each token reads {active:.3g}.")
    kv_note = None if v["kv_latent_dim"] else _kv_note(v["n_kv_heads"], tp)
    if kv_note:
        notes.append(kv_note)
    if not candidates:
        verdict = "NO"
        reason = (f"No GPU in the catalog has the {per_gpu_GB / util:,.1f} GB per GPU needed "
                  f"({per_gpu_GB:,.1f} GB at {util:g} of its memory).")
        mitigation = "Raise tp, lower the weight or KV precision, or serve fewer sequences at once."
    else:
        best = candidates[0]
        verdict = "YES"
        reason = (f"Best GPU: {best['gpu']} at ${best['USD_per_Mtok']:.3g}/Mtok at batch {batch}; one replica "
                  f"decodes {best['users_supported']:.2f}× your daily token target ({best['bound']}-bound).")
        mitigation = (f"Provision {tp}× {best['gpu']} per replica; expect about {best['tok_per_sec']:,.0f} tok/s "
                      f"over {batch} sequence{'s' if batch != 1 else ''}.")
        if get_gpu(best["gpu"])["usd_h"] == 0:
            notes.append(f"{best['gpu']} ranks first because it has no hourly price (a local card): "
                         "$0/Mtok ignores power and purchase cost.")
    return Outcome(chain, verdict, reason, mitigation, notes)


X5 = Recipe(
    id="X-5",
    name="Hardware Selection",
    description="Which GPU should I use to serve my model at target throughput?",
    question="Which GPU serves my model cheapest?",
    category="serving",
    uses_sections=("§19", "§20"),
    params=(
        _N_PARAMS,
        _T_eval(default=4096),
        Param("n_layers", A["n_layers"].label, "int", default=32, low=1, high=1000, log=True,
              help=A["n_layers"].help, preset_key="n_layers"),
        Param("n_kv_heads", A["n_kv_heads"].label, "int", default=8, low=1, high=1024, log=True,
              help=A["n_kv_heads"].help, preset_key="n_kv_heads"),
        Param("d_head", A["d_head"].label, "int", default=128, low=1, high=4096, log=True,
              help=A["d_head"].help, preset_key="d_head"),
        Param("bytes_per_weight", "Bytes per weight", "float", default=2.0, unit="bytes",
              low=0.125, high=8, step=0.125,
              help="2 for BF16, 1 for INT8, 0.5 for INT4; the KV cache uses the same."),
        Param("target_tokens_per_day", "Daily token target", "float", default=10_000_000.0,
              unit="tokens/day", low=0, high=1e15, low_open=True, log=True,
              help="Tokens you need to generate per day."),
        Param("concurrent_users", "Concurrent users", "int", default=1, low=1, high=1_000_000, log=True,
              help="Requests held in memory at once (each with its own KV cache)."),
        *(_X5_SERVING := (
            _weight_precision(),
            Param("kv_precision", "KV-cache precision", "choice", default=_AUTO_KV,
                  choices=(_AUTO_KV, *F.KV_PRECISIONS),
                  help="How the KV cache is stored: BF16/FP16 2 bytes, FP8/INT8 1 byte. auto: the same bytes "
                       "as bytes_per_weight (the spec's rule), or 16-bit under quantized weight_precision "
                       "(what engines do by default)."),
            _BATCH, _TP, _N_ACTIVE, _KV_LATENT, _GPU_UTIL, _overhead(0.0), _BW_EFF, _COMPUTE_EFF,
        )),
    ),
    compute=_x5,
    check=lambda v: {**_check_active(v, "N_params"), **_x5_precision_check(v)},
)


def _x5_precision_check(v: Values) -> FieldErrors:
    if v["bytes_per_weight"] != 2.0 and v["weight_precision"] not in ("BF16", "FP16"):
        return {"weight_precision": (v["weight_precision"], "cannot be combined with bytes_per_weight "
                                     f"({v['bytes_per_weight']:g}): give one of them (weight_precision "
                                     "counts the scales of INT4 too)")}
    return {}


# ── X-19 KV compression decision ─────────────────────────────────────────────


def _x19(v: Values) -> Outcome:
    theta, T_eval, T_train = v["theta"], v["T_eval"], v["T_train"]
    audited = v.get("calibration") == "audited"
    g_obs = v.get("gamma_obs")
    measured = g_obs is not None
    chain, decomp = _gamma_steps(v)
    g_pade, g_corr = decomp["pade_centroid"], decomp["gamma_corrected"]
    g = g_obs if measured else g_corr  # the γ the decision uses
    g_name = "γ_obs" if measured else "γ"

    if audited:
        df = F.df_window_exact(g, T_eval, f=0.90)
        df_name, df_formula = "D_f window, exact (γ in [0.65, 0.85])", "min D: Σ_{d≤D} d^−γ ≥ f·Σ_{d≤N} d^−γ"
    else:
        df = F.df_window(g, T_eval, f=0.90)
        df_name, df_formula = "D_f window (γ in [0.65, 0.85])", "[(1−f) + f·N^(1−γ)]^(1/(1−γ))"
    chain.append(_step(3, "§26.7", df_name, df_formula,
                       {"gamma": g, "N": T_eval, "f": 0.9}, df,
                       f"keep the last {df:,} tokens for 90% of the attention mass" if df is not None
                       else f"not applicable: {g_name} = {g:.3f} is outside [0.65, 0.85]", unit="tokens"))

    regime = F.kv_soft_decay_regime(theta, g, T_train)
    dh = F.d_horizon(theta, g)
    chain.append(_step(4, "§26.8", "Soft decay régimen", "d_h ≳ T_train/2",
                       {"theta": theta, "gamma": g, "T_train": T_train}, regime,
                       f"d_horizon = {'n/a' if dh is None else f'{dh:,.0f}'}; regime: {regime}"))

    kv = F.kv_cache_memory(v["n_layers"], v["n_kv_heads"], v["d_head"], T_eval)
    chain.append(_step(5, "§19.1", "Baseline KV memory", "2·L·n_kv·d_h·seq·B",
                       {"L": v["n_layers"], "n_kv": v["n_kv_heads"], "d_h": v["d_head"], "seq": T_eval}, kv,
                       f"{kv['GB']:.2f} GB without compression"))

    in_zone = df is not None
    if regime == "applies" and in_zone:
        verdict = "USE SOFT DECAY"
        reason = ("d_horizon ≳ T_train/2 and γ is in the compression zone: soft decay (1 − d/d_h)^γ "
                  "beats a hard cutoff (−21% perplexity, F17).")
        mitigation = "Implement it as an additive 4D attention-mask bias with eager attention."
    elif in_zone:
        verdict = "USE D_f HARD CUTOFF"
        reason = (f"γ is in [0.65, 0.85] but the soft-decay regime is not met (d_horizon < 1.2 × T_train/2): "
                  f"truncating at D_f = {df:,} works.")
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
        _measured_steps(chain, v, g_obs)
        caveats.append(_measured_caveat(g_obs))
        notes.append(f"γ_obs = {g_obs:.4f} replaces the corrected γ ({g_corr:.4f}) in steps 3 and 4.")
    if regime == "borderline":
        notes.append("d_horizon is within 0.8–1.2 × T_train/2: the borderline regime counts as not met.")
    if not measured and decomp["gamma_corrected"] != g_pade:
        notes.append(AUDITED_NOTE if audited else EMPIRICAL_NOTE)
    if audited and df is not None:
        notes.append(f"D_f is the exact discrete sum (audited calibration); the spec's closed form gives "
                     f"{F.df_window(g, T_eval, f=0.90):,}.")
    caveats += _calibration_caveats(v, decomp, used=not measured)
    length_caveats, length_notes, length_factor = _length_caveats(v)
    caveats += length_caveats
    notes += length_notes
    factors = _gamma_factors(v, decomp, g, measured, zone=(0.65, 0.85))
    if length_factor is not None:
        factors.append(length_factor)
    return Outcome(chain, verdict, reason, mitigation, notes, caveats, factors)


X19 = Recipe(
    id="X-19",
    name="KV Compression Decision",
    description="Should I use soft decay, D_f cutoff, or literature methods to compress KV?",
    question="Should I compress the KV cache, and how?",
    category="kv-compression",
    uses_sections=("§26", "§19"),
    params=(
        A["theta"], A["T_train"], _T_eval(preset_default="T_train"),
        A["n_attention_heads"], A["n_kv_heads"], A["d_head"], A["n_layers"], A["n_params"], A["has_SWA"],
        _CALIBRATION, _GAMMA_OBS, _T_EXTENDED, _ROPE_FACTOR,
    ),
    compute=_x19,
    check=_check_gqa,
)


# ── default evidence factors of the recipes that do not decide from γ ───────


def _prices_factor() -> dict:
    return _factor("catalog_prices", "warn", f"list prices and specs as of {catalog_info()['gpus']['as_of']}")


def _default_factors(recipe_id: str, v: Values) -> list[dict]:
    """Evidence factors of a recipe whose compute gives none: what its answer rests on.
    X-1, X-3 and X-5 are cost and memory arithmetic over a dated catalog; another recipe is
    scored on the catalog and on its closed form not being checked against a measurement."""
    batch1 = _factor("throughput_model", "warn", "batch-1, memory-bound decode: no batching, no overlap")
    if recipe_id == "X-1":
        rule = (_factor("token_rule", "ok", "Chinchilla D = 20·N") if v.get("D_tokens") is None
                else _factor("token_rule", "ok", "training tokens given"))
        return [_prices_factor(), batch1, rule]
    if recipe_id == "X-3":
        return [_prices_factor(), _factor("token_rule", "ok", "Chinchilla D = 20·N"),
                _factor("memory_model", "warn", "16 bytes per parameter on one GPU, no activations or sharding")]
    if recipe_id == "X-5":
        return [_prices_factor(), batch1,
                _factor("memory_model", "ok", "weights + KV cache, counted exactly from the architecture")]
    return [_prices_factor(), _factor("closed_form", "warn", "a closed-form estimate, not checked against a measurement")]
# ── FIT · Will it fit? (this project's own recipe, not one of TAF's) ─────────

_LADDER = ("BF16", "FP8", "INT8", "INT4")
_TIGHT_HEADROOM = 0.10


def _fit_memory(v: Values, weight_precision: str) -> dict:
    """Per-GPU memory of one replica at ``weight_precision``: weights, KV per token, the
    request's KV, overhead, total, usable, and the KV tokens the rest holds."""
    tp = v["tp"]
    vram = v["vram_GB"] if v["vram_GB"] is not None else get_gpu(v["gpu"])["vram_GB"]
    usable = vram * v["gpu_memory_utilization"]
    weights = v["N_params"] * F.WEIGHT_BYTES[weight_precision] / tp / 1e9
    per_tok = F.kv_bytes_per_token(v["n_layers"], v["n_kv_heads"], v["d_head"], F.KV_BYTES[v["kv_precision"]],
                                   tp, v["kv_latent_dim"])
    kv = per_tok["per_gpu"] * v["T_eval"] * v["concurrent_users"] / 1e9
    free_bytes = max(0.0, (usable - weights - v["overhead_GB"]) * 1e9)
    capacity = int(free_bytes // per_tok["per_gpu"])
    return {"vram_GB": vram, "usable_GB": usable, "weights_GB": weights, "per_token": per_tok, "kv_GB": kv,
            "overhead_GB": v["overhead_GB"], "total_GB": weights + kv + v["overhead_GB"],
            "capacity_tokens": capacity}


def _fits_with_fp8_kv(v: Values, weight_precision: str) -> bool:
    """Whether the request would fit with the KV cache in FP8 and the weights as they are
    (a mitigation is offered only when it is enough on its own)."""
    capacity = _fit_memory({**v, "kv_precision": "FP8"}, weight_precision)["capacity_tokens"]
    return capacity // v["concurrent_users"] >= v["T_eval"]


def _fit(v: Values) -> Outcome:
    wp, kp, T, users, tp = v["weight_precision"], v["kv_precision"], v["T_eval"], v["concurrent_users"], v["tp"]
    m = _fit_memory(v, wp)
    gpu_text = f"{v['gpu']}" if v["vram_GB"] is None else f"a {v['vram_GB']:g} GB GPU"
    per_gpu = f" per GPU (tp = {tp})" if tp > 1 else ""
    chain = [_step(1, "FIT", "Weights", "N · bytes_per_weight / tp",
                   {"N": v["N_params"], "weight_precision": wp, "bytes_per_weight": F.WEIGHT_BYTES[wp], "tp": tp},
                   {"GB": m["weights_GB"]}, f"{m['weights_GB']:,.2f} GB of {wp} weights{per_gpu}")]
    pt = m["per_token"]
    if v["kv_latent_dim"]:
        formula = "L · latent · B (MLA: one compressed vector per layer)"
    else:
        formula = "2 · L · ⌈n_kv/tp⌉ · d_head · B"
    chain.append(_step(2, "FIT", "KV cache per token", formula,
                       {"n_layers": v["n_layers"], "n_kv_heads": v["n_kv_heads"], "d_head": v["d_head"],
                        "kv_latent_dim": v["kv_latent_dim"], "kv_precision": kp, "tp": tp},
                       pt["per_gpu"], f"{pt['per_gpu'] / 1024:,.1f} KiB per token{per_gpu}", unit="bytes"))
    chain.append(_step(3, "FIT", "KV cache for the request", "per token · T_eval · concurrent_users",
                       {"T_eval": T, "concurrent_users": users}, {"GB": m["kv_GB"]},
                       f"{m['kv_GB']:,.2f} GB for {users} × {T:,} tokens{per_gpu}"))
    chain.append(_step(4, "FIT", "Engine overhead", "CUDA context + activation peak + graphs",
                       {"overhead_GB": v["overhead_GB"]}, {"GB": v["overhead_GB"]},
                       f"{v['overhead_GB']:g} GB held by the serving engine{per_gpu}"))
    headroom = m["usable_GB"] - m["total_GB"]
    chain.append(_step(5, "FIT", "Total against usable memory", "weights + KV + overhead ≤ VRAM · fraction",
                       {"vram_GB": m["vram_GB"], "gpu_memory_utilization": v["gpu_memory_utilization"]},
                       {"total_GB": m["total_GB"], "usable_GB": m["usable_GB"], "headroom_GB": headroom},
                       f"{m['total_GB']:,.2f} GB needed of {m['usable_GB']:,.2f} GB usable on {gpu_text}"
                       f"{per_gpu} ({'+' if headroom >= 0 else '−'}{abs(headroom):,.2f} GB)"))
    capacity = m["capacity_tokens"]
    max_context = capacity // users
    max_concurrent = capacity // T
    chain.append(_step(6, "FIT", "Longest context and most sequences", "⌊(usable − weights − overhead) / per token⌋",
                       {"usable_GB": m["usable_GB"], "weights_GB": m["weights_GB"], "overhead_GB": v["overhead_GB"]},
                       {"kv_capacity_tokens": capacity, "max_context_tokens": max_context,
                        "max_concurrent": max_concurrent},
                       f"KV room for {capacity:,} tokens: {max_context:,} tokens each for {users} "
                       f"sequence{'s' if users != 1 else ''}, or {max_concurrent:,} sequences of {T:,}"))
    ladder = [wp] + [p for p in _LADDER if F.WEIGHT_BYTES[p] < F.WEIGHT_BYTES[wp]]
    longest = {p: _fit_memory(v, p)["capacity_tokens"] // users for p in ladder}
    # A precision fits when its longest context reaches the request's (same test as step 5).
    fitting = next((p for p in ladder if longest[p] >= T), None)
    chain.append(_step(7, "FIT", "Highest precision that fits", f"weights {' → '.join(ladder)}, KV at {kp}",
                       {"kv_precision": kp, "T_eval": T, "concurrent_users": users}, fitting,
                       f"{fitting} weights fit" if fitting else f"no weight precision fits with {kp} KV cache",
                       breakdown={f"{p} longest context": longest[p] for p in ladder}))

    notes = ["FIT is this project's own recipe, not one of the framework's: memory bookkeeping of weights, "
             "KV cache and engine overhead, as serving engines (vLLM, SGLang) allocate it. The longest context "
             "counts memory only: whether the model holds that context is X-2's question."]
    if tp > 1:
        notes.append("Memory is per GPU: each of the tp GPUs holds 1/tp of the weights and of the KV heads, "
                     "plus its own engine overhead.")
        kv_note = None if v["kv_latent_dim"] else _kv_note(v["n_kv_heads"], tp)
        if kv_note:
            notes.append(kv_note)
    if wp == "INT4":
        notes.append("INT4 counts every weight at 0.52 bytes; GPTQ/AWQ checkpoints usually keep the embeddings "
                     "and the output head in 16-bit, so a real file is somewhat larger.")
    if v["vram_GB"] is None:
        notes.append("VRAM is the vendor's figure from the catalog; the memory CUDA reports differs by a few "
                     "percent (an RTX 3090's 24 GB shows as 23.58 GiB = 25.3 GB).")

    if m["weights_GB"] + v["overhead_GB"] > m["usable_GB"]:
        verdict = "WEIGHTS-BOUND"
        reason = (f"The {wp} weights and the engine overhead ({m['weights_GB'] + v['overhead_GB']:,.1f} GB) "
                  f"exceed the {m['usable_GB']:,.1f} GB usable on {gpu_text}{per_gpu}: no room for any KV cache.")
        mitigation = (f"Store the weights in {fitting}." if fitting else
                      f"Split the model over more GPUs (tp > {tp}) or use a larger GPU.")
    elif m["total_GB"] > m["usable_GB"]:
        verdict = "KV-BOUND"
        reason = (f"The weights fit, but {users} × {T:,} tokens of {kp} KV cache ({m['kv_GB']:,.1f} GB) do not: "
                  f"the KV room holds {capacity:,} tokens.")
        options = [f"shorten the context to {max_context:,} tokens" if max_context > 0 else None,
                   f"serve {max_concurrent} sequences at once" if max_concurrent >= 1 and users > 1 else None,
                   f"store the weights in {fitting}" if fitting and fitting != wp else None,
                   "store the KV cache in FP8" if F.KV_BYTES[kp] > 1 and _fits_with_fp8_kv(v, wp) else None]
        if not fitting and F.KV_BYTES[kp] > 1:  # neither alone is enough: both together may be
            both = next((p for p in ladder if _fits_with_fp8_kv(v, p)), None)
            options.append(f"store the weights in {both} and the KV cache in FP8" if both else None)
        chosen = "; or ".join(o for o in options if o)
        mitigation = chosen[0].upper() + chosen[1:] + "." if chosen else "Use a larger GPU or more of them."
    elif headroom < _TIGHT_HEADROOM * m["usable_GB"]:
        verdict = "TIGHT"
        reason = (f"It fits with {headroom:,.2f} GB to spare, under {_TIGHT_HEADROOM:.0%} of the usable memory: "
                  "a longer prompt or a larger engine overhead would not.")
        mitigation = f"Keep requests under {max_context:,} tokens, or lower the KV precision for headroom."
    else:
        verdict = "FITS"
        reason = (f"{m['total_GB']:,.1f} GB of {m['usable_GB']:,.1f} GB usable{per_gpu}: room for contexts up to "
                  f"{max_context:,} tokens, or {max_concurrent:,} sequences of {T:,}.")
        mitigation = "None required."
    return Outcome(chain, verdict, reason, mitigation, notes)


FIT = Recipe(
    id="FIT",
    name="Will it fit?",
    description="Does this model fit on this GPU at this context length, and at which precision? "
                "(this project's own recipe, not a TAF recipe)",
    question="Will it fit at my context length, and at which precision?",
    category="serving-memory",
    uses_sections=(),
    params=(
        _N_PARAMS,
        Param("n_layers", A["n_layers"].label, "int", low=1, high=1000, log=True, help=A["n_layers"].help,
              preset_key="n_layers", example=32),
        Param("n_kv_heads", A["n_kv_heads"].label, "int", low=1, high=1024, log=True, help=A["n_kv_heads"].help,
              preset_key="n_kv_heads", example=8),
        Param("d_head", A["d_head"].label, "int", low=1, high=4096, log=True, help=A["d_head"].help,
              preset_key="d_head", example=128),
        _KV_LATENT,
        Param("gpu", "GPU", "choice", default="RTX 4090", choices="gpu", help="GPU model from the catalog."),
        Param("vram_GB", "VRAM (instead of the GPU's)", "float", unit="GB", low=0.1, high=100000, log=True,
              optional=True, help="Memory per GPU for a card that is not in the catalog; empty: the GPU's."),
        _weight_precision(),
        Param("kv_precision", "KV-cache precision", "choice", default="BF16", choices=F.KV_PRECISIONS,
              help="How the KV cache is stored: BF16/FP16 2 bytes, FP8/INT8 1 byte."),
        _T_eval(default=8192),
        Param("concurrent_users", "Concurrent sequences", "int", default=1, low=1, high=1_000_000, log=True,
              help="Sequences held in memory at once, each with its own KV cache."),
        Param("gpu_memory_utilization", _GPU_UTIL.label, "float", default=0.9, low=0.05, high=1.0, step=0.01,
              help="Fraction of each GPU's memory the engine may use (vLLM's gpu_memory_utilization, "
                   "default 0.9)."),
        _overhead(F.ENGINE_OVERHEAD_GB),
        _TP,
    ),
    compute=_fit,
)


RECIPES: dict[str, Recipe] = {r.id: r for r in (X1, X2, X3, X5, X19)}
"""The framework's (TAF's) recipes."""
OWN_RECIPES: dict[str, Recipe] = {FIT.id: FIT}
"""Recipes of this project, not of the framework (FIT · Will it fit?)."""
ALL_RECIPES: dict[str, Recipe] = {**RECIPES, **OWN_RECIPES}
"""Every recipe that runs here: the framework's, then this project's own."""


def get_recipe(recipe_id: str) -> Recipe:
    """The recipe with id ``recipe_id`` ("X-1", "X-2", "X-3", "X-5", "X-19", or this project's "FIT")."""
    if not isinstance(recipe_id, str) or recipe_id not in ALL_RECIPES:
        raise InputError("recipe_id", recipe_id, "must be one of: " + ", ".join(ALL_RECIPES))
    return ALL_RECIPES[recipe_id]


def list_recipes() -> list[dict]:
    """One row per recipe: id, name, description, category, params (names), uses_sections,
    and origin ("TAF", or "taf-widgets" for this project's own recipes)."""
    return [
        {"id": r.id, "name": r.name, "description": r.description, "category": r.category,
         "params": [p.name for p in r.params], "uses_sections": list(r.uses_sections),
         "origin": "TAF" if r.id in RECIPES else "taf-widgets"}
        for r in ALL_RECIPES.values()
    ]


def resolve_params(recipe: Recipe, preset: str | None, params: Mapping[str, Any]) -> dict:
    """Merge a preset under explicit ``params``: the preset fills the architecture
    parameters it has, and the context length defaults to the preset's T_train."""
    if preset is None or preset == "":
        return dict(params)
    if not recipe.takes_preset:
        raise InputError("preset", preset, f"{recipe.id} has no model parameters, so it takes no preset")
    row = {**get_preset_extras(preset), **get_preset(preset)}
    merged = {}
    for p in recipe.params:
        key = p.preset_key or p.preset_default
        if key and key in row and p.name not in params:
            merged[p.name] = row[key]
    merged.update(params)
    return merged


def run_recipe(recipe_id: str, preset: str | None = None, **params: Any) -> RecipeResult:
    """Run recipe ``recipe_id`` on ``params`` (filled from model ``preset`` where given).

    Raises :class:`InputError` naming the field for any input it cannot answer.
    """
    recipe = get_recipe(recipe_id)
    used = validate(recipe.params, resolve_params(recipe, preset, params), check=recipe.check)
    outcome = recipe.compute(used)
    caveats = sorted(outcome.caveats, key=lambda c: _CAVEAT_RANK.get(c[0], len(_CAVEAT_RANK)))
    factors = outcome.factors if outcome.factors is not None else _default_factors(recipe.id, used)
    return RecipeResult(recipe.id, recipe.name, used, outcome.chain, outcome.verdict,
                        outcome.reason, outcome.mitigation, [text for _, text in caveats] + outcome.notes,
                        preset or None, caveats=[code for code, _ in caveats],
                        confidence=confidence_from(factors), caveat_text=dict(caveats))
