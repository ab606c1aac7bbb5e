"""RecipeWidget: a TAF recipe live in Jupyter.

Two layers, as in jupyter-scatter's facade over its synced widget:

* :class:`RecipePanel`, an anywidget whose synced traits are the whole state
  (parameters, result, errors, revision). Its front end (``js/recipe.js``) draws
  the controls from the recipe's parameter declarations, the verdict and the
  chain table. Every recomputation goes out as one message (``hold_sync``).
* :class:`RecipeWidget`, an ``ipywidgets.VBox`` holding the panel and the
  recipe's bqplot figures. Being a plain ipywidgets container it displays as one
  unit with ``display(w)`` and nests in ``Tab``/``VBox`` in JupyterLab, Voilà
  and notebooks alike, with bqplot rendering its figures natively. The public
  state (``params``, ``result``, ``errors``...) lives on the panel; the facade
  forwards it, and ``observe`` on the facade observes the panel.
"""

from __future__ import annotations

import contextlib
import os
import pathlib
from collections.abc import Callable
from typing import Any

import anywidget
import ipywidgets
import traitlets

from .charts import ChartSet
from .core import (
    ALL_RECIPES,
    InputError,
    catalog_info,
    get_preset,
    get_preset_extras,
    get_recipe,
    list_presets,
    preset_names,
    row_origin,
    run_recipe,
)
from .core.params import REQUIRED, Param, coerce
from .core.recipes import RecipeResult, fill_architecture, resolve_params

__all__ = ["RecipePanel", "RecipeWidget", "DEFAULT_PRESET"]

DEFAULT_PRESET = "meta-llama/Meta-Llama-3-8B"

_STATIC = pathlib.Path(__file__).parent / "static"

STATE_TRAITS = ("recipe_id", "preset", "params", "result", "errors", "stale", "revision")

MAX_CONFIG_CHARS = 1_000_000  # a real config.json is a few kB


def _initial_params(recipe_id: str, preset: str, given: dict) -> dict:
    """Every declared parameter with a value: given, else from the preset, else the
    declared default, else the declaration's example (so the widget answers at once)."""
    recipe = get_recipe(recipe_id)
    declared = {p.name for p in recipe.params}
    unknown = [k for k in given if k not in declared]
    if unknown:
        raise InputError(
            unknown[0], given[unknown[0]], "is not a parameter of this recipe; known: " + ", ".join(declared)
        )
    merged = resolve_params(recipe, preset or None, given)
    values = {}
    for p in recipe.params:
        if p.name in merged:
            values[p.name] = merged[p.name]
        elif p.default is not REQUIRED:
            values[p.name] = p.default
        else:
            values[p.name] = p.example
    return values


def _download_config(model_id: str) -> str:
    """The path of a model's config.json fetched with huggingface_hub (optional)."""
    try:
        from huggingface_hub import hf_hub_download
    except ImportError:
        raise InputError(
            "config",
            model_id,
            "is not a file; fetching a model id needs the optional "
            "huggingface_hub package (pip install huggingface_hub) and a network, or pass "
            "the path of a downloaded config.json",
        ) from None
    try:
        return hf_hub_download(model_id, "config.json")
    except Exception as exc:  # network, authentication or a missing repository
        raise InputError(
            "config",
            model_id,
            f"could not be fetched ({type(exc).__name__}: {str(exc)[:200]}); pass the path of a downloaded config.json",
        ) from None


def _assign_params(widget: Any, values: dict) -> None:
    """Set ``widget.params`` to ``values``, sending them even when Python finds them equal to
    the old ones but of other types (``True == 1``: a boolean is not a valid count)."""
    if values != widget.params:
        widget.params = values
    elif not _identical(values, widget.params):
        widget._trait_values["params"] = values
        widget.send_state("params")


def _identical(a: dict, b: dict) -> bool:
    """Equal, and of the same types: ``{"n": True}`` and ``{"n": 1}`` are equal in Python."""
    return a == b and all(type(a[k]) is type(b[k]) for k in a)


def _valid(param: Param, value: Any) -> bool:
    try:
        coerce(param, value)
    except InputError:
        return False
    return True


def _matches_preset(recipe, preset: str, values: dict) -> bool:
    """True when every architecture parameter in ``values`` equals the preset's."""
    try:
        row = get_preset(preset)
    except InputError:
        return False
    return all(values.get(p.name) == row[p.preset_key] for p in recipe.params if p.preset_key and p.preset_key in row)


def _measured_for(recipe_id: str, preset: str) -> dict:
    """The panel's natural-text measurement of ``preset``'s model, for the "use the measured γ"
    button; {} when the recipe takes no gamma_obs or the panel did not measure the model."""
    from .core.measurements import measured_gamma

    if not preset or not any(p.name == "gamma_obs" for p in get_recipe(recipe_id).params):
        return {}
    row = measured_gamma(preset)
    if row is None:
        return {}
    return {
        "model": row["model"],
        "gamma_obs": row["gamma_obs"],
        "R2": row["R2"],
        "corpus": row["corpus"],
        "corpus_label": row["corpus_label"],
        "source": "measured panel of the TAF Agent (Carles Marin), Apache-2.0",
    }


def _spec_for(recipe_id: str) -> dict:
    return {
        "recipe": get_recipe(recipe_id).describe(),
        "presets": [
            {"id": p["id"], "label": p["label"], "origin": row_origin("presets", p["id"])} for p in list_presets()
        ],
        "as_of": catalog_info()["gpus"]["as_of"],
    }


def _bundle(name: str) -> str | pathlib.Path:
    """The built front end. As text, not a path: anywidget ties every instance with a
    file-based ``_esm`` to the file's change signal, which keeps closed widgets alive. With
    ``ANYWIDGET_HMR=1`` (development) the path is given, so views reload on rebuild."""
    path = _STATIC / name
    if not path.is_file():
        raise ImportError(f"{path} is missing: build the front end with `npm run build` (`pip install .` runs it)")
    if os.environ.get("ANYWIDGET_HMR") == "1":
        return path
    return path.read_text(encoding="utf-8")


class RecipePanel(anywidget.AnyWidget):
    """The synced state of one recipe and its controls, verdict and chain table."""

    _esm = _bundle("recipe.js")

    recipe_id = traitlets.Unicode("X-2").tag(sync=True)
    """Which recipe runs: "X-1", "X-2", "X-3", "X-5", "X-19" (the framework's) or "FIT" (this project's own)."""

    preset = traitlets.Unicode("").tag(sync=True)
    """The model preset whose architecture fills the parameters ("" for custom values)."""

    params = traitlets.Dict().tag(sync=True)
    """Every declared parameter with its current value, as typed (may be invalid)."""

    result = traitlets.Dict().tag(sync=True)
    """The last good result, ``RecipeResult.to_dict()``."""

    errors = traitlets.Dict().tag(sync=True)
    """Field name → message for every invalid input; empty when all are valid."""

    stale = traitlets.Bool(False).tag(sync=True)
    """True while ``errors`` is not empty: ``result`` is then the last good one."""

    revision = traitlets.Int(0).tag(sync=True)
    """Goes up by one with every recomputed result (the front end renders in this order)."""

    _spec = traitlets.Dict().tag(sync=True)
    """The recipe's parameter declarations and the preset list, for drawing controls."""

    config_notes = traitlets.List(traitlets.Unicode()).tag(sync=True)
    """How the last loaded config.json became a preset (assumptions a reader would not guess)."""

    measured = traitlets.Dict().tag(sync=True)
    """The measured panel's γ_obs for the preset's model ({} when none): the page offers
    "use the measured γ" from it, which sets ``gamma_obs``."""

    def __init__(self, recipe_id: str = "X-2", preset: str | None = None, **params: Any) -> None:
        recipe = get_recipe(recipe_id)
        if preset is None:
            preset = DEFAULT_PRESET if recipe.takes_preset else ""
        values = _initial_params(recipe_id, preset, params)
        # Fail at the Python boundary on construction: there is no last good result yet.
        first = run_recipe(recipe_id, **values)
        if preset and not _matches_preset(recipe, preset, values):
            preset = ""  # explicit architecture values: the picker shows "(custom)"
        super().__init__(
            recipe_id=recipe_id,
            preset=preset,
            params=values,
            result=first.to_dict(),
            revision=1,
            _spec=_spec_for(recipe_id),
            measured=_measured_for(recipe_id, preset),
        )
        self._result_obj = first
        self._publish_hooks: list[Callable[[RecipeResult], None]] = []
        self._pending_publish = False
        self._last_preset = preset
        self._updating = False
        self.observe(self._on_params, names="params")
        self.observe(self._on_preset, names="preset")
        self.observe(self._on_recipe, names="recipe_id")
        self.on_msg(self._on_message)

    # ── requests from the page (custom messages: each wants an answer) ───────

    def _on_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict):
            return
        if content.get("type") == "config":
            self.load_config_text(content.get("text"), str(content.get("filename") or "config.json"))
        elif content.get("type") == "export":
            fmt = content.get("format")
            try:
                text, filename = self.export(fmt)
            except InputError as exc:
                self.send({"type": "export", "format": str(fmt), "error": str(exc)})
                return
            self.send({"type": "export", "format": fmt, "text": text, "filename": filename})

    def export(self, fmt: str) -> tuple[str, str]:
        """The shown result as ("md", "json", "html" or "code") text, with a file name."""
        from .core.export import FORMATS, export, to_code

        if not isinstance(fmt, str) or fmt not in (*FORMATS, "code"):
            raise InputError("format", fmt, "must be one of: " + ", ".join((*FORMATS, "code")))
        text = to_code(self._result_obj) if fmt == "code" else export(self._result_obj, fmt)
        extension = "py" if fmt == "code" else fmt
        return text, f"taf-{self._result_obj.recipe_id}.{extension}"

    def load_config_text(self, text: Any, filename: str = "config.json") -> str | None:
        """Read a config.json's text (as the page's file picker sends it), add its model as a
        preset and switch to it. A bad file is reported under ``errors["config"]``."""
        from .core.hfconfig import parse_json_object

        try:
            if not isinstance(text, str) or len(text) > MAX_CONFIG_CHARS:
                raise InputError("config", filename, f"must be a JSON text of at most {MAX_CONFIG_CHARS:,} characters")
            return self.load_config(parse_json_object(text, "config", filename), name_hint=filename)
        except InputError as exc:
            with self.hold_sync():
                self.errors = {**self.errors, "config": str(exc)}
                self.stale = True
            return None

    def load_config(self, config: Any, name_hint: str = "config.json") -> str:
        """Add the model of a Hugging Face config.json (path, folder or dict) as a preset and
        switch to it; returns the preset's name. Raises InputError for a bad config."""
        from .core.hfconfig import preset_from_config

        derived = preset_from_config(config)
        name = derived.register(derived.name or f"{derived.family} from {name_hint}")
        self.config_notes = list(derived.notes)
        self._updating = True
        try:
            self._spec = _spec_for(self.recipe_id)
        finally:
            self._updating = False
        if self.preset == name:
            self._on_preset({"new": name})
        else:
            self.preset = name
        return name

    @contextlib.contextmanager
    def hold_sync(self):
        """ipywidgets' hold_sync, then (after the outermost one) the publish hooks: the panel's
        message goes out before the charts' own, so the table never waits for the figures."""
        outermost = not self._holding_sync
        with super().hold_sync():
            yield
        if outermost and getattr(self, "_pending_publish", False):
            self._pending_publish = False
            for hook in list(self._publish_hooks):
                hook(self._result_obj)

    def set_state(self, sync_data: dict) -> None:
        """Apply a state update from the page. A value of the wrong type (a scripted client)
        becomes an error beside its field instead of a traceback in the kernel."""
        try:
            super().set_state(sync_data)
        except traitlets.TraitError as exc:
            name = next(iter(sync_data), "state")
            with self.hold_sync():
                self.errors = {**self.errors, name: f"{name}: {str(exc)[:300]}"}
                self.stale = True

    def set_params(self, values: dict) -> None:
        """Assign ``params`` and rerun, in one message. Unlike a plain assignment this also
        reruns when the new values are equal but of another type (``True == 1`` in Python,
        and a boolean is not a valid count)."""
        self._recompute(dict(values))

    # ── state transitions ────────────────────────────────────────────────────

    def _on_params(self, change: dict) -> None:
        if self._updating:
            return
        self._recompute()

    def _on_preset(self, change: dict) -> None:
        if self._updating:
            return
        if not change["new"]:  # "(custom)": keep the values; drop a refused preset's error
            if "preset" in self.errors:
                self._recompute()
            return
        try:
            row = {**get_preset_extras(change["new"]), **get_preset(change["new"])}
        except InputError as exc:
            with self.hold_sync():
                self.errors = {**self.errors, "preset": str(exc)}
                self.stale = True
            return
        recipe = get_recipe(self.recipe_id)
        # The new model's architecture replaces the old one's; an optional parameter it lacks
        # is cleared (e.g. a dense model has no separate active count). The rest stays.
        values = {**self.params, **fill_architecture(recipe, row, context=False, clear_missing=True)}
        previous = self.measured
        if previous and values.get("gamma_obs") == previous.get("gamma_obs"):
            values["gamma_obs"] = None  # the measured γ of the previous model is not this model's
        self._last_preset = change["new"]
        self._recompute(values)

    def _on_recipe(self, change: dict) -> None:
        if self._updating:
            return
        try:
            recipe = get_recipe(change["new"])
        except InputError as exc:
            self._updating = True
            try:
                with self.hold_sync():  # keep the recipe that works; say why the other was refused
                    self.recipe_id = change["old"]
                    self.errors = {**self.errors, "recipe_id": str(exc)}
                    self.stale = True
            finally:
                self._updating = False
            return
        preset = ""
        if recipe.takes_preset:
            preset = self.preset if self.preset in preset_names() else DEFAULT_PRESET
        shared = {k: v for k, v in self.params.items() if k in {p.name for p in recipe.params}}
        # Architecture comes from the preset; shared values that are valid carry over.
        keep = {
            k: v
            for k, v in shared.items()
            if (not recipe.param(k).preset_key or not preset) and _valid(recipe.param(k), v)
        }
        values = _initial_params(recipe.id, preset, keep)
        self._updating = True
        try:
            with self.hold_sync():
                self.preset = preset
                self._spec = _spec_for(recipe.id)
        finally:
            self._updating = False
        self._recompute(values)

    def _recompute(self, values: dict | None = None) -> None:
        """Run the recipe on ``values`` (default: the current params) and publish the
        outcome as one message: a new result and revision, or errors and stale."""
        values = dict(self.params) if values is None else values
        recipe = get_recipe(self.recipe_id)
        try:
            outcome = run_recipe(recipe.id, **values)
        except InputError as exc:
            outcome = exc
        self._updating = True
        try:
            with self.hold_sync():
                _assign_params(self, values)
                if self.preset and not _matches_preset(recipe, self.preset, values):
                    self.preset = ""
                elif (
                    not self.preset
                    and self._last_preset
                    and recipe.takes_preset
                    and _matches_preset(recipe, self._last_preset, values)
                ):
                    self.preset = self._last_preset  # a typo fixed: the architecture is the preset's again
                self.measured = _measured_for(recipe.id, self.preset)
                if isinstance(outcome, InputError):
                    self.errors = dict(outcome.errors)
                    self.stale = True
                else:
                    self._result_obj = outcome
                    self.result = outcome.to_dict()
                    self.errors = {}
                    self.stale = False
                    self.revision += 1
                    self._pending_publish = True
        finally:
            self._updating = False


class RecipeWidget(ipywidgets.VBox):
    """A live TAF recipe: preset picker, a control per parameter, verdict, chain table
    and charts, all refreshed together whenever a parameter or the preset changes.

    ``RecipeWidget("X-2")`` starts from the default preset (Llama-3-8B) where the
    recipe takes one; ``RecipeWidget("X-2", preset=..., T_eval=32000)`` sets values.
    Public state: ``recipe_id``, ``preset``, ``params``, ``result``, ``errors``,
    ``stale``, ``revision`` and ``charts`` (the bqplot figures).
    """

    def __init__(self, recipe_id: str = "X-2", preset: str | None = None, **params: Any) -> None:
        panel = RecipePanel(recipe_id, preset, **params)
        self.panel = panel
        self._chart_sets: dict[str, ChartSet] = {}
        self._chart_box = ipywidgets.Box(layout=ipywidgets.Layout(display="flex", flex_flow="row wrap", width="100%"))
        self._wrappers: dict[tuple[Any, tuple[str, ...]], Callable] = {}
        super().__init__(children=[panel, self._chart_box], layout=ipywidgets.Layout(width="100%"))
        self.add_class("taf-recipe-widget")
        self._show_charts()
        panel._publish_hooks.append(self._on_result)
        panel.observe(self._on_recipe_switch, names="recipe_id")

    # ── charts ───────────────────────────────────────────────────────────────

    def _show_charts(self) -> None:
        rid = self.panel.recipe_id
        if rid not in ALL_RECIPES:
            return
        if rid not in self._chart_sets:
            self._chart_sets[rid] = ChartSet(rid)
        charts = self._chart_sets[rid]
        if self.panel._result_obj.recipe_id == rid:  # else the new recipe has no good result yet
            charts.update(self.panel._result_obj)
        self._chart_box.children = tuple(charts.figures)

    def _on_result(self, result: RecipeResult) -> None:
        charts = self._chart_sets.get(self.panel.recipe_id)
        if charts is not None and result.recipe_id == self.panel.recipe_id:
            charts.update(result)

    def _on_recipe_switch(self, change: dict) -> None:
        self._show_charts()

    @property
    def charts(self) -> list:
        """The bqplot ``Figure`` objects of the current recipe (updated in place)."""
        return list(self._chart_sets[self.panel.recipe_id].figures)

    @classmethod
    def from_config(cls, config: Any, recipe_id: str = "X-2", **params: Any) -> RecipeWidget:
        """A widget on the model of a Hugging Face ``config.json``: a path, a folder holding
        one, its dict, or (with ``huggingface_hub`` installed and a network) a model id."""
        from .core.hfconfig import preset_from_config

        if isinstance(config, str) and not os.path.exists(config) and "/" in config:
            config = _download_config(config)
        derived = preset_from_config(config)
        name = derived.register(derived.name or "config.json")
        widget = cls(recipe_id, preset=name, **params)
        widget.panel.config_notes = list(derived.notes)
        return widget

    def load_config(self, config: Any) -> str:
        """Add the model of a config.json as a preset and switch to it (see RecipePanel)."""
        return self.panel.load_config(config)

    def export(self, fmt: str) -> str:
        """The shown result as "md", "json", "html" (a standalone report) or "code"."""
        return self.panel.export(fmt)[0]

    def use_measured_gamma(self) -> float:
        """Set ``gamma_obs`` to the measured panel's γ_obs for the preset's model (natural text),
        as the page's "use the measured γ" button does; returns it. InputError when there is none."""
        measured = self.panel.measured
        if not measured:
            raise InputError(
                "gamma_obs",
                None,
                f"has no measurement for preset {self.panel.preset!r} in "
                "the measured panel (or this recipe takes no gamma_obs)",
            )
        self.set(gamma_obs=measured["gamma_obs"])
        return measured["gamma_obs"]

    # ── the public state, forwarded to the panel ─────────────────────────────

    def set(self, **params: Any) -> None:
        """Change some parameters at once and rerun: ``w.set(T_eval=65536, has_SWA=True)``."""
        self.panel.set_params({**self.panel.params, **params})

    def observe(self, handler: Callable, names: Any = traitlets.All, type: str = "change") -> None:
        """Observe traits; the state traits (``params``, ``result``, ``revision``...)
        are observed on the panel, with ``change["owner"]`` set to this widget."""
        state, own = _split_names(names)
        if own is not None:
            super().observe(handler, names=own, type=type)
        if state:
            key = (handler, tuple(state))
            if key not in self._wrappers:

                def forward(change: Any, _handler: Callable = handler) -> None:
                    _handler(traitlets.Bunch({**change, "owner": self}))

                self._wrappers[key] = forward
            self.panel.observe(self._wrappers[key], names=state, type=type)

    def unobserve(self, handler: Callable, names: Any = traitlets.All, type: str = "change") -> None:
        state, own = _split_names(names)
        if own is not None:
            super().unobserve(handler, names=own, type=type)
        if state:
            wrapper = self._wrappers.pop((handler, tuple(state)), None)
            if wrapper is not None:
                self.panel.unobserve(wrapper, names=state, type=type)

    def close(self) -> None:
        """Close this widget and every child: panel, chart box, figures, marks, axes, scales."""
        if not hasattr(self, "panel"):  # construction failed before the children existed
            super().close()
            return
        for charts in self._chart_sets.values():
            charts.close()
        self._chart_sets.clear()
        self._wrappers.clear()
        for child in (self.panel, self._chart_box, self):
            child.layout.close()
        self.panel.close()
        self._chart_box.close()
        super().close()

    def __repr__(self) -> str:
        return f"RecipeWidget({self.panel.recipe_id!r}, preset={self.panel.preset!r}, revision={self.panel.revision})"


def _split_names(names: Any) -> tuple[list[str], Any]:
    if names is traitlets.All:
        return list(STATE_TRAITS), traitlets.All
    names = [names] if isinstance(names, str) else list(names)
    state = [n for n in names if n in STATE_TRAITS]
    own = [n for n in names if n not in STATE_TRAITS]
    return state, (own or None)


_WRITABLE = ("recipe_id", "preset", "params")


def _forward(name: str) -> property:
    def getter(self: RecipeWidget) -> Any:
        return getattr(self.panel, name)

    def setter(self: RecipeWidget, value: Any) -> None:
        if name not in _WRITABLE:
            raise AttributeError(f"{name} is computed; set params, preset or recipe_id instead")
        if name == "params":
            self.panel.set_params(value)
            return
        with self.panel.hold_sync():  # the new value and its outcome in one message
            setattr(self.panel, name, value)

    return property(getter, setter, doc=f"The panel's synced ``{name}`` (see RecipePanel).")


for _name in STATE_TRAITS:
    setattr(RecipeWidget, _name, _forward(_name))
del _name
