"""Exports of a result: Markdown, JSON, a standalone HTML report, and the code that reruns it.

- :func:`to_markdown`: verdict, reason, mitigation, notes, inputs and chain tables, and
  the code, for a README, an issue or a notebook cell.
- :func:`to_json`: exactly ``result.to_dict()`` as JSON (null = not applicable,
  non-finite numbers as "inf"/"-inf"/"nan").
- :func:`to_html`: one self-contained page (inline CSS and SVG charts, no script, no
  external resource, a Content-Security-Policy that forbids loading any) that opens
  offline with no kernel. It is a snapshot: changing an input needs Python.
- :func:`to_code`: the ``run_recipe(...)`` call that reproduces the result, preceded by
  the ``register_*`` calls of any non-bundled catalog row the result depends on.

Every text taken from data (names, reasons, notes) is escaped for its format.
Standard library only.
"""

from __future__ import annotations

import datetime
import json
import re
from html import escape
from typing import Any, Literal

from .catalogs import catalog_info, get_api_price, get_gpu, get_preset, row_origin
from .errors import InputError
from .formatting import format_number, format_step_result
from .params import REQUIRED
from .recipes import RecipeResult, get_recipe, resolve_params
from .report_charts import chart_specs, render_svg
from .version import package_version

__all__ = ["to_markdown", "to_json", "to_html", "to_code", "export", "FORMATS"]

FORMATS = ("md", "json", "html")
CREDIT = "Formulas, catalogs and recipes: the Thermodynamic Attention Framework (TAF) by Carles Marin."


def _check(result: Any) -> RecipeResult:
    if not isinstance(result, RecipeResult):
        raise InputError("result", type(result).__name__, "must be a RecipeResult (what run_recipe returns)")
    return result


def export(result: RecipeResult, fmt: str) -> str:
    """``result`` in format ``fmt``: "md", "json" or "html"."""
    renderers = {"md": to_markdown, "json": to_json, "html": to_html}
    if fmt not in renderers:
        raise InputError("format", fmt, "must be one of: " + ", ".join(FORMATS))
    return renderers[fmt](result)


# ── JSON ─────────────────────────────────────────────────────────────────────


def to_json(result: RecipeResult, indent: int | None = 2) -> str:
    """``result.to_dict()`` as JSON text (strict: no NaN or Infinity literals)."""
    return json.dumps(_check(result).to_dict(), allow_nan=False, ensure_ascii=False, indent=indent)


# ── code ─────────────────────────────────────────────────────────────────────


def _call(func: str, first: list[Any], kwargs: dict[str, Any]) -> str:
    # repr gives a literal that evaluates back to the same value (validated inputs are finite).
    args = [repr(a) for a in first] + [f"{k}={v!r}" for k, v in kwargs.items()]
    one_line = f"{func}({', '.join(args)})"
    if len(one_line) <= 88:
        return one_line
    return f"{func}(\n" + "".join(f"    {a},\n" for a in args) + ")"


def _custom_rows(result: RecipeResult) -> list[tuple[str, str, dict]]:
    """Non-bundled catalog rows the result depends on: (register function, name, row)."""
    rows: list[tuple[str, str, dict]] = []
    for catalog, name in get_recipe(result.recipe_id).catalog_rows(result.inputs):
        if row_origin(catalog, name) != "bundled":
            register, row = _REGISTER[catalog]
            rows.append((register, name, row(name)))
    return rows


# What registers a row of each catalog, and what reads it back.
_REGISTER = {"gpus": ("register_gpu", get_gpu), "api_prices": ("register_api_model", get_api_price)}


def to_code(result: RecipeResult) -> str:
    """Python that reruns ``result``: ``run_recipe("X-2", preset=..., T_eval=32000)``.

    Values are written with ``repr``, so they come back identical. A bundled preset is
    named and only the inputs it does not fill are written; a custom preset or GPU/API
    row is registered first, with its values, so the code runs in a fresh session.
    Inputs equal to their declared default are left out.
    """
    result = _check(result)
    recipe = get_recipe(result.recipe_id)
    lines = [f"# {result.recipe_id} · {result.recipe_name}: taf-widgets {package_version()}"]
    calls: list[str] = []
    imports = ["run_recipe"]
    for func, name, row in _custom_rows(result):
        calls.append(_call(func, [name], dict(row)))
        imports.append(func)

    preset = result.preset
    filled: dict[str, Any] = {}
    if preset:
        try:
            filled = resolve_params(recipe, preset, {})
            if row_origin("presets", preset) != "bundled":
                calls.append(_call("register_preset", [preset], get_preset(preset)))
                imports.append("register_preset")
        except InputError:  # the preset is gone: write every value out instead
            preset, filled = None, {}
    kwargs: dict[str, Any] = {}
    for p in recipe.params:
        value = result.inputs[p.name]
        if p.name in filled:
            if _same(filled[p.name], value):
                continue
        elif value is None and p.optional:
            continue
        elif p.default is not REQUIRED and _same(p.default, value):
            continue
        kwargs[p.name] = value
    if preset:
        kwargs = {"preset": preset, **kwargs}
    lines.append(f"from taf_widgets.core import {', '.join(dict.fromkeys(imports))}")
    lines.append("")
    lines += calls
    lines.append("result = " + _call("run_recipe", [result.recipe_id], kwargs))
    lines.append(f"assert result.verdict == {result.verdict!r}")
    return "\n".join(lines) + "\n"


def _same(a: Any, b: Any) -> bool:
    """Equal values of the same kind (8 and 8.0 are the same number; True is not 1)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) is type(b) and a == b


# ── Markdown ─────────────────────────────────────────────────────────────────

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#~])")


def _md(text: Any) -> str:
    """Text from data made inert in Markdown: HTML escaped, markup characters backslashed,
    line breaks folded (a table row stays one row)."""
    text = escape(str(text), quote=False)
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _code_span(text: str) -> str:
    text = " ".join(str(text).split())
    ticks = max((len(m) for m in re.findall(r"`+", text)), default=0) + 1
    fence = "`" * ticks
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _param_units(result: RecipeResult) -> dict[str, str]:
    return {p.name: p.unit for p in get_recipe(result.recipe_id).params}


def to_markdown(result: RecipeResult) -> str:
    """The report as Markdown: verdict, reason, mitigation, notes, inputs, chain, code."""
    result = _check(result)
    recipe = get_recipe(result.recipe_id)
    units = _param_units(result)
    title = f"# {_md(result.recipe_id)} · {_md(result.recipe_name)}"
    out = [title, "", f"_{_md(recipe.question)}_"]
    if result.preset:
        out += ["", f"Model preset: **{_md(result.preset)}**"]
    out += [
        "",
        f"**Verdict: {_md(result.verdict)}** — {_md(result.reason)}",
        "",
        f"**Mitigation:** {_md(result.mitigation)}",
    ]
    conf = result.confidence
    if conf:
        out += [
            "",
            f"**Confidence: {_md(conf['band'])} ({conf['percent']:g}%)** — "
            + "; ".join(f"{_md(f['key'])} {_md(f['status'])}: {_md(f['detail'])}" for f in conf["factors"]),
        ]
    if result.caveats:
        out += ["", "**Caveats** (most serious first)", ""] + [
            f"- {_md(result.caveat_text.get(code, ''))} ({_code_span(code)})" for code in result.caveats
        ]
    other = [n for n in result.notes if n not in result.caveat_text.values()]
    if other:
        out += ["", "**Notes**", ""] + [f"- {_md(n)}" for n in other]
    out += ["", "## Inputs", "", "| parameter | value |", "|---|---|"]
    for name, value in result.inputs.items():
        out.append(f"| {_code_span(name)} | {_md(format_number(value, units.get(name, '')))} |")
    out += [
        "",
        "## Chain",
        "",
        "| # | section | step | formula | result | interpretation |",
        "|---|---|---|---|---|---|",
    ]
    for s in result.chain:
        out.append(
            f"| {s['step']} | {_md(s['section'])} | {_md(s['name'])} | {_code_span(s['formula'])} | "
            f"{_md(format_step_result(s['result'], s.get('unit', '')))} | {_md(s['interpretation'])} |"
        )
    code = to_code(result)
    fence = "`" * max(3, max((len(m) for m in re.findall(r"`+", code)), default=0) + 1)
    out += ["", "## Reproduce", "", f"{fence}python", code.rstrip("\n"), fence, "", f"_{_md(_footer_text())}_", ""]
    return "\n".join(out)


def _footer_text() -> str:
    info = catalog_info()
    return (
        f"taf-widgets {package_version()}. {CREDIT} GB means 10^9 bytes; prices in USD. "
        f"GPU catalog as of {info['gpus']['as_of']}; API prices as of {info['api_prices']['as_of']}."
    )


# ── HTML ─────────────────────────────────────────────────────────────────────

_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

_CSS = """
:root { --fg: #1f2328; --muted: #59636e; --bg: #ffffff; --panel: #f6f8fa; --line: #d1d9e0;
  --go: #1a7f37; --go-bg: #dafbe1; --caution: #9a6700; --caution-bg: #fff8c5; --no: #cf222e; --no-bg: #ffebe9; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --panel: #151b23; --line: #3d444d;
    --go: #3fb950; --go-bg: #12261e; --caution: #d29922; --caution-bg: #272115; --no: #f85149; --no-bg: #25171c; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 20px 40px; }
h1 { font-size: 1.5em; margin: 0 0 2px; } h2 { font-size: 1.15em; margin: 28px 0 10px; }
.question { color: var(--muted); margin: 0 0 14px; }
.verdict { border: 1px solid var(--line); border-left: 6px solid var(--tone); background: var(--tone-bg);
  border-radius: 6px; padding: 12px 16px; }
.verdict[data-tone=go] { --tone: var(--go); --tone-bg: var(--go-bg); }
.verdict[data-tone=caution] { --tone: var(--caution); --tone-bg: var(--caution-bg); }
.verdict[data-tone=no] { --tone: var(--no); --tone-bg: var(--no-bg); }
.badge { display: inline-block; font-weight: 700; color: var(--tone); font-size: 1.25em; margin-right: 8px; }
.verdict p { margin: 6px 0 0; }
.notes { margin: 12px 0 0; padding-left: 20px; color: var(--muted); }
.confidence { margin: 8px 0 0; }
.caveats { margin: 10px 0 0; padding-left: 20px; }
.caveats code { font-size: 0.8em; color: var(--muted); }
table { border-collapse: collapse; width: 100%; font-size: 0.92em; }
th, td { border-bottom: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
th { background: var(--panel); font-weight: 600; }
td.num { white-space: nowrap; font-variant-numeric: tabular-nums; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.9em; }
pre { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 12px; overflow-x: auto; }
.inputs { width: auto; min-width: 50%; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; }
figure.chart { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 6px; background: var(--bg);
  flex: 1 1 400px; max-width: 580px; }
figure.chart svg { width: 100%; height: auto; display: block; }
.chart-svg text { fill: var(--fg); font-size: 11px; font-family: inherit; }
.chart-svg .chart-title { font-size: 13px; font-weight: 600; }
.chart-svg .axis-label { font-size: 12px; }
.chart-svg .tick, .chart-svg .empty { fill: var(--muted); }
.chart-svg .bar-value { font-size: 10px; fill: var(--muted); }
.chart-svg .plot-area { fill: none; }
.chart-svg .grid { stroke: var(--line); stroke-width: 0.6; }
.chart-svg .axis { stroke: var(--muted); stroke-width: 1; }
.chart-svg .point { stroke: var(--bg); stroke-width: 1.5; }
.chart-svg .legend-box { fill: var(--bg); fill-opacity: 0.85; stroke: var(--line); }
footer { margin-top: 32px; color: var(--muted); font-size: 0.85em; border-top: 1px solid var(--line); padding-top: 10px; }
"""


def _h(text: Any) -> str:
    return escape(str(text), quote=True)


def _evidence_model(result: RecipeResult) -> str | None | Literal[False]:
    """Whether the report gets a Prediction vs measurement section, and for which model: the
    preset when the panel measured it, None when only a γ_obs was given, False when none applies."""
    from .measurements import measured_gamma

    if not any(p.name == "gamma_obs" for p in get_recipe(result.recipe_id).params):
        return False  # the panel measures γ: it speaks to the recipes that take a measured γ
    if result.preset and measured_gamma(result.preset) is not None:
        return result.preset
    return None if result.inputs.get("gamma_obs") is not None else False


def to_html(result: RecipeResult, *, title: str | None = None) -> str:
    """A standalone HTML report: verdict, notes, inputs, chain table, charts as inline SVG
    and the code that reruns it. No script and no external resource: it opens offline."""
    result = _check(result)
    recipe = get_recipe(result.recipe_id)
    units = _param_units(result)
    page_title = title or f"{result.recipe_id} · {result.recipe_name}: {result.verdict}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="color-scheme" content="light dark">',
        f'<meta name="generator" content="taf-widgets {_h(package_version())}">',
        f"<title>{_h(page_title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f'<main class="taf-report" data-recipe="{_h(result.recipe_id)}">',
        f"<h1>{_h(result.recipe_id)} · {_h(result.recipe_name)}</h1>",
        f'<p class="question">{_h(recipe.question)}'
        + (f" Model preset: <strong>{_h(result.preset)}</strong>." if result.preset else "")
        + "</p>",
        f'<section class="verdict" data-role="verdict" data-tone="{_h(result.tone)}">',
        f'<span class="badge">{_h(result.verdict)}</span><span>{_h(result.reason)}</span>',
        f"<p><strong>Mitigation:</strong> {_h(result.mitigation)}</p>",
    ]
    conf = result.confidence
    if conf:
        parts.append(
            f'<p class="confidence" data-role="confidence" data-band="{_h(conf["band"])}">'
            f"<strong>Confidence: {_h(conf['band'])} ({conf['percent']:g}%)</strong> — "
            + "; ".join(f"{_h(f['key'])} <em>{_h(f['status'])}</em>: {_h(f['detail'])}" for f in conf["factors"])
            + "</p>"
        )
    if result.caveats:
        parts.append(
            '<ul class="caveats" data-role="caveats">'
            + "".join(
                f'<li data-caveat="{_h(code)}"><code>{_h(code)}</code> {_h(result.caveat_text.get(code, ""))}</li>'
                for code in result.caveats
            )
            + "</ul>"
        )
    other = [n for n in result.notes if n not in result.caveat_text.values()]
    if other:
        parts.append('<ul class="notes" data-role="notes">' + "".join(f"<li>{_h(n)}</li>" for n in other) + "</ul>")
    parts.append("</section>")

    parts.append('<h2>Charts</h2><div class="charts" data-role="charts">')
    for i, spec in enumerate(chart_specs(result)):
        parts.append(f'<figure class="chart">{render_svg(spec, f"c{i}")}</figure>')
    parts.append("</div>")

    evidence_model = _evidence_model(result)
    if evidence_model is not False:
        from .evidence import evidence_section

        parts.append(evidence_section(evidence_model))

    parts.append(
        '<h2>Chain</h2><table class="chain" data-role="chain"><thead><tr><th>#</th><th>section</th>'
        "<th>step</th><th>formula</th><th>result</th><th>interpretation</th></tr></thead><tbody>"
    )
    for s in result.chain:
        parts.append(
            f"<tr><td>{_h(s['step'])}</td><td>{_h(s['section'])}</td><td>{_h(s['name'])}</td>"
            f"<td><code>{_h(s['formula'])}</code></td>"
            f'<td class="num">{_h(format_step_result(s["result"], s.get("unit", "")))}</td>'
            f"<td>{_h(s['interpretation'])}</td></tr>"
        )
    parts.append("</tbody></table>")

    parts.append(
        '<h2>Inputs</h2><table class="inputs" data-role="inputs"><thead><tr><th>parameter</th>'
        "<th>value</th></tr></thead><tbody>"
    )
    for name, value in result.inputs.items():
        parts.append(
            f"<tr><td><code>{_h(name)}</code></td>"
            f'<td class="num">{_h(format_number(value, units.get(name, "")))}</td></tr>'
        )
    parts.append("</tbody></table>")

    parts.append(f'<h2>Reproduce in Python</h2><pre data-role="code"><code>{_h(to_code(result))}</code></pre>')
    generated = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    parts.append(
        f"<footer><p>A static snapshot generated {generated}: changing an input needs Python "
        f"(<code>pip install taf-widgets</code>, then the code above).</p><p>{_h(_footer_text())}</p>"
        "</footer>"
    )
    parts += ["</main>", "</body>", "</html>", ""]
    return "\n".join(parts)
