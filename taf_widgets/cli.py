"""The ``taf-widgets`` command: list recipes, presets and GPUs, and run a recipe.

Flags of ``run`` are generated from the recipe's parameter declarations and named
exactly as the parameters (``--T_eval 32000``). Bad input exits with code 2 and one
line naming the field. Standard library only.
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from .core import InputError, catalog_info, get_gpu, get_preset, get_recipe, gpu_names, list_recipes, preset_names
from .core import run_recipe
from .core.formatting import format_inputs, format_number, format_step_result
from .core.recipes import RECIPES, RecipeResult

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
    rows = [[r["id"], r["name"], r["description"]] for r in list_recipes()]
    return _table(rows, ["recipe", "name", "question"])


def _cmd_presets() -> str:
    rows = []
    for name in preset_names():
        p = get_preset(name)
        rows.append([name, format_number(p["theta"]), f"{p['T_train']:,}", f"{p['n_attention_heads']}/{p['n_kv_heads']}",
                     str(p["d_head"]), str(p["n_layers"]), format_number(p["n_params"]), "yes" if p["has_SWA"] else "no"])
    note = f"as of: {catalog_info()['presets']['as_of']}"
    return _table(rows, ["preset", "theta", "T_train", "heads/kv", "d_head", "layers", "params", "SWA"]) + "\n" + note


def _cmd_gpus() -> str:
    rows = []
    for name in gpu_names():
        g = get_gpu(name)
        rows.append([name, format_number(g["flops"]), format_number(g["vram_GB"]), format_number(g["bw_GB_s"]),
                     format_number(g["usd_h"], "USD"), format_number(g["tdp"])])
    info = catalog_info()["gpus"]
    return (_table(rows, ["gpu", "BF16 TFLOP/s", "VRAM GB", "BW GB/s", "USD/h", "TDP W"])
            + f"\nas of: {info['as_of']}")


def render_result(result: RecipeResult) -> str:
    """The human report of one run: verdict, reason, mitigation, notes and the chain table."""
    title = f"{result.recipe_id} · {result.recipe_name}"
    if result.preset:
        title += f"  (preset {result.preset})"
    lines = [title, "", f"Verdict:    {result.verdict}", f"Reason:     {result.reason}",
             f"Mitigation: {result.mitigation}"]
    if result.notes:
        lines += ["", "Notes:"] + [f"  - {n}" for n in result.notes]
    lines += ["", "Inputs: " + format_inputs(result.inputs), "", "Chain:"]
    rows = [[str(s["step"]), s["section"], s["name"], format_step_result(s["result"], s.get("unit", "")),
             s["interpretation"]] for s in result.chain]
    lines.append(_table(rows, ["#", "section", "step", "result", "interpretation"]))
    return "\n".join(lines)


def _run_parser(prog: str, recipe_id: str) -> argparse.ArgumentParser:
    recipe = get_recipe(recipe_id)
    parser = _Parser(prog=f"{prog} run {recipe_id}", description=f"{recipe.name}: {recipe.description}")
    if recipe.takes_preset:
        parser.add_argument("--preset", metavar="NAME", help="model preset that fills the architecture "
                            "parameters (see the 'presets' command)")
    for p in recipe.params:
        default = "required" if p.required else ("empty" if p.default is None or p.optional else repr(p.default))
        unit = f" [{p.unit}]" if p.unit else ""
        metavar = {"bool": "true|false", "choice": "NAME", "int": "N"}.get(p.kind, "X")
        parser.add_argument(f"--{p.name}", metavar=metavar, default=argparse.SUPPRESS,
                            help=f"{p.label}{unit}. {p.help} {p.allowed()}; default: {default}.".replace("%", "%%"))
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``taf-widgets`` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    prog = "taf-widgets"
    parser = _Parser(prog=prog, description="TAF recipes: will this LLM plan work?")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("list", help="the recipes")
    sub.add_parser("presets", help="the model presets")
    sub.add_parser("gpus", help="the GPU catalog")
    run = sub.add_parser("run", help="run a recipe: run RECIPE [--preset NAME] [--PARAM VALUE ...] [--json]",
                         add_help=False)
    run.add_argument("recipe", choices=list(RECIPES), metavar="RECIPE")

    if not argv:
        parser.print_help()
        return 0
    if argv[0] == "run":
        if len(argv) < 2 or argv[1].startswith("-"):
            if any(a in ("-h", "--help") for a in argv[1:]):
                run_help = _Parser(prog=f"{prog} run", description="Run a recipe; "
                                   f"see '{prog} run RECIPE --help' for its flags.")
                run_help.add_argument("recipe", choices=list(RECIPES), metavar="RECIPE")
                run_help.print_help()
                return 0
            parser.error("run needs a RECIPE: one of " + ", ".join(RECIPES))
        if argv[1] not in RECIPES:
            parser.error(f"recipe: got {argv[1]!r}; must be one of: " + ", ".join(RECIPES))
        args = vars(_run_parser(prog, argv[1]).parse_args(argv[2:]))
        as_json = args.pop("json")
        preset = args.pop("preset", None)
        try:
            result = run_recipe(argv[1], preset=preset, **args)
        except InputError as exc:
            print(f"{prog}: error: {exc}", file=sys.stderr)
            return 2
        print(result.to_json(indent=2) if as_json else render_result(result))
        return 0

    args = parser.parse_args(argv)
    out = {"list": _cmd_list, "presets": _cmd_presets, "gpus": _cmd_gpus}[args.command]()
    print(out)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
