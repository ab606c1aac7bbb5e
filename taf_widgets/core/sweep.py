"""Sweeps: run one recipe over many values of one parameter (standard library only).

``sweep("X-2", "T_eval", [4096, 8192, 32768], preset="meta-llama/Meta-Llama-3-8B")``
returns one row per value: the value used, the verdict and the recipe's sweep columns,
each computed by :func:`run_recipe` itself, so every number equals a single run's.
The rows are plain dicts (a list you can chart or dump to JSON);
``rows.to_dataframe()`` turns them into a pandas DataFrame when pandas is installed.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from typing import Any

from .errors import InputError
from .recipes import Fact, Recipe, get_recipe, run_recipe

__all__ = ["sweep", "SweepRows", "sweep_columns", "MAX_SWEEP_VALUES"]

MAX_SWEEP_VALUES = 100_000
"""Most values one sweep takes (about a second of work for the slowest recipe)."""


def _columns(recipe: Recipe) -> tuple[Fact, ...]:
    """A recipe's sweep columns: its ``columns``, or its key numbers when it declares none."""
    return recipe.columns or recipe.facts


def sweep_columns(recipe_id: str, param: str) -> list[str]:
    """The keys of every row of ``sweep(recipe_id, param, ...)``, in order."""
    columns = [f.key for f in _columns(get_recipe(recipe_id))]
    return [param, "verdict", "tone", *columns, "confidence", "caveats", "error"]


class SweepRows(list):
    """The rows of a sweep: a list of dicts, plus what was swept and a DataFrame view.

    Each row holds the swept value (as the recipe used it), ``verdict``, ``tone``, the
    recipe's key numbers, ``confidence`` (the band), ``caveats`` (the codes, comma-separated) and ``error`` (None, or the message when ``on_error="row"``
    kept a value the recipe rejected). ``None`` means "not applicable", as in a result.
    """

    def __init__(self, rows: Iterable[dict], recipe_id: str, param: str) -> None:
        super().__init__(rows)
        self.recipe_id = recipe_id
        self.param = param
        self.columns = sweep_columns(recipe_id, param)

    def column(self, name: str) -> list:
        """Every row's value of ``name`` (a chart's x or y)."""
        if name not in self.columns:
            raise InputError("column", name, "must be one of: " + ", ".join(self.columns))
        return [row[name] for row in self]

    def to_dataframe(self) -> Any:
        """A pandas DataFrame of the rows, one column per key. pandas is optional:
        without it this raises ImportError and the rows stay usable as plain dicts."""
        try:
            import pandas
        except ImportError:
            raise ImportError(
                "to_dataframe needs pandas (pip install pandas); the sweep rows "
                "themselves are plain dicts and need nothing"
            ) from None
        return pandas.DataFrame(list(self), columns=self.columns)


def sweep(
    recipe_id: str,
    param: str,
    values: Iterable[Any],
    preset: str | None = None,
    *,
    on_error: str = "raise",
    **fixed: Any,
) -> SweepRows:
    """Run ``recipe_id`` once per value of ``param``, everything else held at ``fixed``
    (over ``preset`` where given). Returns :class:`SweepRows`, one row per value, in order.

    ``on_error="raise"`` (the default) raises the first :class:`InputError`;
    ``on_error="row"`` keeps a row for a rejected value, with its message in ``error``
    and ``None`` for the verdict and numbers (a chart then shows a gap).
    """
    recipe = get_recipe(recipe_id)
    names = [p.name for p in recipe.params]
    if not isinstance(param, str) or param not in names:
        raise InputError("param", param, f"must be a parameter of {recipe.id}: " + ", ".join(names))
    if param in fixed:
        raise InputError(param, fixed[param], "is the swept parameter: give its values in values, not as a fixed value")
    if on_error not in ("raise", "row"):
        raise InputError("on_error", on_error, "must be 'raise' or 'row'")
    if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Iterable):
        raise InputError("values", values, f"must be a list (or other iterable) of {param} values")
    values = list(itertools.islice(values, MAX_SWEEP_VALUES + 1))
    if not values:
        raise InputError("values", values, "must hold at least one value")
    if len(values) > MAX_SWEEP_VALUES:
        raise InputError(
            "values", f"more than {MAX_SWEEP_VALUES:,} values", f"must hold at most {MAX_SWEEP_VALUES:,} values"
        )

    columns = _columns(recipe)
    blank = dict.fromkeys(f.key for f in columns)
    rows = []
    for value in values:
        try:
            result = run_recipe(recipe.id, preset, **fixed, **{param: value})
        except InputError as exc:
            if on_error == "raise" or param not in exc.errors:
                raise
            rows.append(
                {
                    param: value,
                    "verdict": None,
                    "tone": None,
                    **blank,
                    "confidence": None,
                    "caveats": None,
                    "error": str(exc),
                }
            )
            continue
        rows.append(
            {
                param: result.inputs[param],
                "verdict": result.verdict,
                "tone": result.tone,
                **{f.key: f.get(result) for f in columns},
                "confidence": result.confidence["band"],
                "caveats": ",".join(result.caveats),
                "error": None,
            }
        )
    return SweepRows(rows, recipe.id, param)
