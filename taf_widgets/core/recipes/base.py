"""What a recipe is: :class:`Recipe` (its declarations and everything it owns),
:class:`Outcome` (what its compute returns), :class:`RecipeResult` (what the runner
returns), the chain-step helper, named facts, evidence factors and confidence.

A recipe module declares one ``Recipe`` and the registry (``recipes/__init__``) lists it;
summary, sweep, exports, charts, the card, compare and the CLI read only these fields.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..params import Param

if TYPE_CHECKING:
    from ..charts.spec import ChartSpec, CompareChart

__all__ = [
    "Recipe",
    "Outcome",
    "RecipeResult",
    "Fact",
    "Tab",
    "fact",
    "step",
    "factor",
    "confidence_from",
    "to_jsonable",
    "CAVEAT_ORDER",
    "DEFAULT_TONE",
    "Values",
    "FieldErrors",
]

Values = dict[str, Any]
FieldErrors = dict[str, tuple[Any, str]]

DEFAULT_TONE = "caution"
"""The tone of a verdict its recipe does not list."""


@dataclass(frozen=True)
class Fact:
    """One named number of a result: ``key`` (stable, for code and tables), ``label`` (for
    people), ``unit`` and ``get(result)``, which reads it from the result's steps by key."""

    key: str
    label: str
    get: Callable[[RecipeResult], Any]
    unit: str = ""

    def entry(self, result: RecipeResult) -> dict:
        """``{"key", "label", "value", "unit"}`` of this fact in ``result``."""
        return {"key": self.key, "label": self.label, "value": self.get(result), "unit": self.unit}


def fact(key: str, label: str, get: Callable[[RecipeResult], Any], unit: str = "") -> Fact:
    return Fact(key, label, get, unit)


@dataclass(frozen=True)
class Tab:
    """A recipe's tab on the dashboard: its place (lowest first), title and starting values."""

    position: int
    title: str
    values: Mapping[str, Any] = field(default_factory=dict)


def _gpu_and_api_rows(values: Values) -> list[tuple[str, str]]:
    """The catalog rows a result depends on by default: its ``gpu`` and ``api_model`` inputs."""
    rows = [("gpus", values["gpu"])] if "gpu" in values else []
    if "api_model" in values:
        rows.append(("api_prices", values["api_model"]))
    return rows


@dataclass(frozen=True)
class Recipe:
    """A decision recipe: its identity, its declared parameters, its computation, and
    everything that is particular to it (tones, facts, evidence, charts, card, compare)."""

    id: str
    name: str
    description: str
    question: str
    category: str
    uses_sections: tuple[str, ...]
    params: tuple[Param, ...]
    compute: Callable[[Values], Outcome]
    check: Callable[[Values], FieldErrors] | None = None
    origin: str = "taf-widgets"
    """"TAF" for the framework's recipes, "taf-widgets" for this project's own."""
    tones: Mapping[str, str] = field(default_factory=dict)
    """Verdict → "go", "caution" or "no" (a verdict not listed is "caution")."""
    facts: tuple[Fact, ...] = ()
    """The key numbers of a result, headline first (summaries, the card, compare columns)."""
    columns: tuple[Fact, ...] = ()
    """The numbers of a sweep row, in column order."""
    factors: Callable[[Values], list[dict]] | None = None
    """Evidence factors when the compute gives none (``Outcome.factors is None``)."""
    charts: Callable[[RecipeResult], list[ChartSpec]] | None = None
    """The charts of a result, as data (the widget's figures and the report's SVG)."""
    compare: CompareChart | None = None
    """The overlay chart of several models; None: CompareWidget does not take this recipe."""
    card_position: int | None = None
    """Where the recipe sits on the ModelCard (lowest first); None: not on the card."""
    tab: Tab | None = None
    """Its tab on the dashboard (title, starting values); None: no tab."""
    catalog_rows: Callable[[Values], list[tuple[str, str]]] = _gpu_and_api_rows
    """(catalog, name) of every catalog row a result on these inputs depends on
    ("gpus" or "api_prices"): ``to_code`` registers the ones that are not bundled."""

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

    @property
    def on_card(self) -> bool:
        """Whether the ModelCard shows this recipe."""
        return self.card_position is not None

    def tone(self, verdict: str) -> str:
        """Colour class of one of this recipe's verdicts: "go", "caution" or "no"."""
        return self.tones.get(verdict, DEFAULT_TONE)

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
    mode: str = "spec"  # which path produced the answer (e.g. "serving", "measured")
    extras: dict = field(default_factory=dict)  # data for facts and charts beyond the chain


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
CAVEAT_RANK = {code: i for i, code in enumerate(CAVEAT_ORDER)}

_SCORES = {"ok": 1.0, "warn": 0.5, "miss": 0.0}


def factor(key: str, status: str, detail: str) -> dict:
    """One evidence factor: ``status`` is "ok", "warn" or "miss"."""
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


def step(
    key: str,
    n: int,
    section: str,
    name: str,
    formula: str,
    inputs: dict,
    result: Any,
    interpretation: str,
    breakdown: dict | None = None,
    unit: str = "",
) -> dict:
    """One chain row. ``key`` names the step for code (``result.value(key)``), stable across
    versions; ``unit`` is the unit of a scalar ``result`` ("" when it has none or when the
    result is a dict whose keys name their units, like GB or USD)."""
    row = {
        "step": n,
        "key": key,
        "section": section,
        "name": name,
        "formula": formula,
        "inputs": inputs,
        "result": result,
        "interpretation": interpretation,
        "unit": unit,
    }
    if breakdown is not None:
        row["breakdown"] = breakdown
    return row


@dataclass
class RecipeResult:
    """What a recipe answered. ``to_dict()`` gives plain, JSON-clean data.

    In that data ``None`` (JSON ``null``) means "not applicable" (e.g. d_horizon
    outside Phase A), and a non-finite number is written as the string ``"inf"``,
    ``"-inf"`` or ``"nan"``. Read a step by its key: ``result.value("d_horizon")``.
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
    mode: str = "spec"
    """Which path of the recipe produced this answer: "spec" (the spec's rules), or e.g.
    "serving" (X-1/X-5 serving parameters), "measured" (a measured γ decided)."""
    extras: dict = field(default_factory=dict, repr=False)
    """Data the recipe keeps for its facts and charts beyond the chain (not in ``to_dict``)."""
    tone_map: Mapping[str, str] = field(default_factory=dict, repr=False)

    @property
    def tone(self) -> str:
        """ "go", "caution" or "no": how the verdict should be coloured."""
        if self.tone_map:
            return self.tone_map.get(self.verdict, DEFAULT_TONE)
        from . import verdict_tone  # a result built by hand: the registry's tones

        return verdict_tone(self.verdict)

    def step(self, n: int) -> dict:
        """Chain step number ``n`` (1-based, as in the chain). Prefer :meth:`get_step` by key."""
        return self.chain[n - 1]

    def get_step(self, key: str) -> dict:
        """The chain step named ``key``; KeyError naming the keys there are."""
        for row in self.chain:
            if row.get("key") == key:
                return row
        raise KeyError(
            f"{self.recipe_id} has no step {key!r}; its steps: " + ", ".join(str(row.get("key")) for row in self.chain)
        )

    def has_step(self, key: str) -> bool:
        return any(row.get("key") == key for row in self.chain)

    def value(self, key: str) -> Any:
        """The result of the chain step named ``key``: ``result.value("d_horizon")``."""
        return self.get_step(key)["result"]

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
