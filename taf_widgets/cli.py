"""The ``taf-widgets`` command: list recipes, presets, GPUs and API prices, run a recipe,
and derive a preset from a Hugging Face config.json.

Flags of ``run`` are generated from the recipe's parameter declarations and named
exactly as the parameters (``--T_eval 32000``); ``--format md|json|html`` picks an
export, ``--output FILE`` writes it to a file, ``--catalog FILE`` (repeatable) loads
custom GPUs, prices and presets first, and ``--config PATH`` takes the architecture
from a config.json. Bad input exits with code 2 and one line naming the field.
Standard library only.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .core import (
    InputError,
    api_model_names,
    catalog_files,
    catalog_info,
    get_api_price,
    get_gpu,
    get_preset,
    get_recipe,
    gpu_names,
    list_recipes,
    load_catalog,
    preset_from_config,
    preset_names,
    row_origin,
    run_recipe,
)
from .core.export import export
from .core.formatting import format_inputs, format_number, format_step_result
from .core.hfconfig import describe_breakdown
from .core.recipes import ALL_RECIPES, RecipeResult

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(header, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    return "\n".join(lines)


def _cmd_list() -> str:
    rows = [[r["id"], r["name"], r["origin"], r["description"]] for r in list_recipes()]
    return _table(rows, ["recipe", "name", "from", "question"])


def _loaded_note() -> str:
    files = catalog_files()
    return "".join(f"\nloaded: {f['file']}" + (f" (as of {f['as_of']})" if f["as_of"] else "") for f in files)


def _cmd_presets() -> str:
    rows = []
    for name in preset_names():
        p = get_preset(name)
        rows.append(
            [
                name,
                format_number(p["theta"]),
                f"{p['T_train']:,}",
                f"{p['n_attention_heads']}/{p['n_kv_heads']}",
                str(p["d_head"]),
                str(p["n_layers"]),
                format_number(p["n_params"]),
                "yes" if p["has_SWA"] else "no",
                row_origin("presets", name),
            ]
        )
    note = f"as of: {catalog_info()['presets']['as_of']}"
    return (
        _table(rows, ["preset", "theta", "T_train", "heads/kv", "d_head", "layers", "params", "SWA", "origin"])
        + "\n"
        + note
        + _loaded_note()
    )


def _cmd_gpus() -> str:
    rows = []
    for name in gpu_names():
        g = get_gpu(name)
        rows.append(
            [
                name,
                format_number(g["flops"]),
                format_number(g["vram_GB"]),
                format_number(g["bw_GB_s"]),
                format_number(g["usd_h"], "USD"),
                format_number(g["tdp"]),
                row_origin("gpus", name),
            ]
        )
    info = catalog_info()["gpus"]
    return (
        _table(rows, ["gpu", "BF16 TFLOP/s", "VRAM GB", "BW GB/s", "USD/h", "TDP W", "origin"])
        + f"\nas of: {info['as_of']}"
        + _loaded_note()
    )


def _cmd_prices() -> str:
    rows = []
    for name in api_model_names():
        p = get_api_price(name)
        rows.append(
            [name, format_number(p["input"], "USD"), format_number(p["output"], "USD"), row_origin("api_prices", name)]
        )
    info = catalog_info()["api_prices"]
    return (
        _table(rows, ["api model", "input USD/Mtok", "output USD/Mtok", "origin"])
        + f"\nas of: {info['as_of']}"
        + _loaded_note()
    )


def render_config(preset) -> str:
    """The human report of a preset derived from a config.json: params, count, notes."""
    units = {"T_train": " tokens", "n_params": " params"}
    title = f"{preset.name or '(unnamed model)'}  ({preset.family}, from {preset.source})"
    rows = [
        [key, (format_number(value) if key != "has_SWA" else ("yes" if value else "no")) + units.get(key, "")]
        for key, value in preset.params.items()
    ]
    lines = [title, "", _table(rows, ["preset key", "value"])]
    if preset.n_params_breakdown:
        lines += ["", "n_params = " + describe_breakdown(preset.n_params_breakdown)]
    if preset.notes:
        lines += ["", "Notes:"] + [f"  - {n}" for n in preset.notes]
    return "\n".join(lines)


def render_result(result: RecipeResult) -> str:
    """The human report of one run: verdict, reason, mitigation, notes and the chain table."""
    title = f"{result.recipe_id} · {result.recipe_name}"
    if result.preset:
        title += f"  (preset {result.preset})"
    lines = [
        title,
        "",
        f"Verdict:    {result.verdict}",
        f"Reason:     {result.reason}",
        f"Mitigation: {result.mitigation}",
    ]
    conf = result.confidence
    if conf:
        lines.append(
            f"Confidence: {conf['band']} ({conf['percent']:g}%): "
            + ", ".join(f"{f['key']} {f['status']}" for f in conf["factors"])
        )
    if result.caveats:
        lines += ["", "Caveats (most serious first):"] + [
            f"  - [{code}] {result.caveat_text.get(code, '')}" for code in result.caveats
        ]
    other = [n for n in result.notes if n not in result.caveat_text.values()]
    if other:
        lines += ["", "Notes:"] + [f"  - {n}" for n in other]
    lines += ["", "Inputs: " + format_inputs(result.inputs), "", "Chain:"]
    rows = [
        [
            str(s["step"]),
            s["section"],
            s["name"],
            format_step_result(s["result"], s.get("unit", "")),
            s["interpretation"],
        ]
        for s in result.chain
    ]
    lines.append(_table(rows, ["#", "section", "step", "result", "interpretation"]))
    return "\n".join(lines)


def _run_parser(prog: str, recipe_id: str) -> argparse.ArgumentParser:
    recipe = get_recipe(recipe_id)
    parser = _Parser(prog=f"{prog} run {recipe_id}", description=f"{recipe.name}: {recipe.description}")
    if recipe.takes_preset:
        parser.add_argument(
            "--preset",
            metavar="NAME",
            help="model preset that fills the architecture parameters (see the 'presets' command)",
        )
        parser.add_argument(
            "--config",
            metavar="PATH",
            help="a Hugging Face config.json (or its folder) that "
            "fills the architecture parameters instead of a preset",
        )
    for p in recipe.params:
        default = "required" if p.required else ("empty" if p.default is None or p.optional else repr(p.default))
        unit = f" [{p.unit}]" if p.unit else ""
        metavar = {"bool": "true|false", "choice": "NAME", "int": "N"}.get(p.kind, "X")
        parser.add_argument(
            f"--{p.name}",
            metavar=metavar,
            default=argparse.SUPPRESS,
            help=f"{p.label}{unit}. {p.help} {p.allowed()}; default: {default}.".replace("%", "%%"),
        )
    _output_flags(parser)
    return parser


def _output_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=("text", "md", "json", "html"),
        default=None,
        help="text (default), md (Markdown), json, or html (a standalone report)",
    )
    parser.add_argument("--json", action="store_true", help="the same as --format json")
    parser.add_argument("--output", metavar="FILE", help="write the report to FILE instead of printing it")
    parser.add_argument(
        "--catalog",
        metavar="FILE",
        action="append",
        default=[],
        help="load GPUs, API prices and presets from a JSON or TOML file first (repeatable)",
    )


def _emit(prog: str, text: str, output: str | None) -> int:
    if output is None:
        try:
            print(text)
            sys.stdout.flush()
        except BrokenPipeError:  # `taf-widgets run ... | head`: the reader left, which is fine
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    try:
        Path(output).write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    except OSError as exc:
        print(f"{prog}: error: --output {output}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(f"{prog}: wrote {output}", file=sys.stderr)
    return 0


def _load_catalogs(files: list[str]) -> None:
    for file in files:
        load_catalog(file)


def _run(prog: str, recipe_id: str, argv: list[str]) -> int:
    args = vars(_run_parser(prog, recipe_id).parse_args(argv))
    fmt = args.pop("format")
    if args.pop("json"):
        if fmt not in (None, "json"):
            print(f"{prog}: error: --json and --format {fmt} disagree", file=sys.stderr)
            return 2
        fmt = "json"
    fmt = fmt or "text"
    output = args.pop("output")
    catalogs = args.pop("catalog")
    preset = args.pop("preset", None)
    config = args.pop("config", None)
    try:
        _load_catalogs(catalogs)
        if config is not None:
            if preset is not None:
                raise InputError("config", config, "cannot be combined with --preset: both give the architecture")
            derived = preset_from_config(config)
            result = run_recipe(recipe_id, **derived.recipe_params(recipe_id, **args))
            if derived.notes:
                result = dataclasses.replace(
                    result, notes=[*result.notes, *(f"config.json: {n}" for n in derived.notes)]
                )
        else:
            result = run_recipe(recipe_id, preset=preset, **args)
    except InputError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return 2
    text = render_result(result) if fmt == "text" else export(result, fmt)
    return _emit(prog, text, output)


def _config(prog: str, argv: list[str]) -> int:
    parser = _Parser(
        prog=f"{prog} config",
        description="Derive a model preset from a Hugging Face config.json: "
        "theta, T_train, heads, KV heads, d_head, layers, parameter count and sliding window.",
    )
    parser.add_argument("path", metavar="PATH", help="a config.json, or the folder holding one")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--json", action="store_true", help="the same as --format json")
    args = parser.parse_args(argv)
    try:
        derived = preset_from_config(args.path)
    except InputError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return 2
    if args.json or args.format == "json":
        print(json.dumps(derived.to_dict(), indent=2, ensure_ascii=False, allow_nan=False))
    else:
        print(render_config(derived))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``taf-widgets`` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    prog = "taf-widgets"
    parser = _Parser(prog=prog, description="TAF recipes: will this LLM plan work?")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("list", help="the recipes")
    listings = {"presets": "the model presets", "gpus": "the GPU catalog", "prices": "the API prices"}
    for name, text in listings.items():
        listing = sub.add_parser(name, help=text + ", with each row's origin")
        listing.add_argument(
            "--catalog",
            metavar="FILE",
            action="append",
            default=[],
            help="load a JSON or TOML catalog file first (repeatable)",
        )
    run = sub.add_parser(
        "run",
        help="run a recipe: run RECIPE [--preset NAME | --config PATH] [--PARAM VALUE ...] "
        "[--format md|json|html] [--output FILE] [--catalog FILE]",
        add_help=False,
    )
    run.add_argument("recipe", choices=list(ALL_RECIPES), metavar="RECIPE")
    sub.add_parser(
        "config", help="derive a model preset from a Hugging Face config.json: config PATH [--json]", add_help=False
    )

    if not argv:
        parser.print_help()
        return 0
    if argv[0] == "run":
        if len(argv) < 2 or argv[1].startswith("-"):
            if any(a in ("-h", "--help") for a in argv[1:]):
                run_help = _Parser(
                    prog=f"{prog} run", description=f"Run a recipe; see '{prog} run RECIPE --help' for its flags."
                )
                run_help.add_argument("recipe", choices=list(ALL_RECIPES), metavar="RECIPE")
                run_help.print_help()
                return 0
            parser.error("run needs a RECIPE: one of " + ", ".join(ALL_RECIPES))
        if argv[1] not in ALL_RECIPES:
            parser.error(f"recipe: got {argv[1]!r}; must be one of: " + ", ".join(ALL_RECIPES))
        return _run(prog, argv[1], argv[2:])
    if argv[0] == "config":
        return _config(prog, argv[1:])

    args = parser.parse_args(argv)
    if args.command in listings:
        try:
            _load_catalogs(args.catalog)
        except InputError as exc:
            print(f"{prog}: error: {exc}", file=sys.stderr)
            return 2
    out = {"list": _cmd_list, "presets": _cmd_presets, "gpus": _cmd_gpus, "prices": _cmd_prices}[args.command]()
    print(out)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
