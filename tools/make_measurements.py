"""Build taf_widgets/core/data/measurements.json from the TAF Agent's published data.

Usage: python tools/make_measurements.py PATH/TO/tafagent-data [OUT]

PATH holds ``master_gamma_results.json`` (the curated panel) and ``e4_gamma/`` (the
per-model attention-by-distance measurements), as published in the repository
karlesmarin/tafagent (``data/``, commit e0d8cb6, Apache-2.0, by Carles Marin; the
dataset is also published as "taf-attention-decay"). Every panel row is kept with its
measured γ_obs, fit R², θ, D90, phase and source. The attention points of a row are
attached only where the per-model file's own power-law fit reproduces the row's γ_obs
(to 4 decimals) and θ: for the rows taken from other experiments the points would be
of another measurement, so they are left out and the row says why.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

PROVENANCE = (
    "Carles Marin, TAF Agent (karlesmarin/tafagent, commit e0d8cb6), Apache-2.0; "
    "dataset also published as taf-attention-decay"
)
CORPUS_LABELS = {"mongo": "natural text", "random": "random tokens"}


def build(root: Path) -> dict:
    panel = json.loads((root / "master_gamma_results.json").read_text(encoding="utf-8"))
    rows = []
    for row in panel:
        out = {k: row[k] for k in ("model", "corpus", "theta", "gamma_obs", "R2", "D90", "phase", "source", "notes")}
        out["corpus_label"] = CORPUS_LABELS.get(row["corpus"], row["corpus"])
        out["points"] = None
        out["fit"] = None
        f = root / "e4_gamma" / f"{row['model'].replace('/', '--')}_{row['corpus']}.json"
        if not f.is_file():
            out["points_missing"] = "no per-distance file was published for this row"
        else:
            e4 = json.loads(f.read_text(encoding="utf-8"))
            fit = e4.get("fit_power_law")
            if not fit:
                out["points_missing"] = f"the per-distance run is {e4.get('status', 'incomplete')}: no fit"
            elif round(fit["gamma"], 4) != row["gamma_obs"] or (
                row["theta"] is not None and e4.get("theta") not in (None, row["theta"])
            ):
                out["points_missing"] = (
                    f"the per-distance file's fit (γ = {fit['gamma']:.4f}, θ = {e4.get('theta')}) "
                    "is another measurement than this row's"
                )
            else:
                out["points"] = [
                    {"distance": int(d), "attention": v["mean_across_seeds"], "std": v["std_across_seeds"]}
                    for d, v in sorted(e4["attn_by_distance"].items(), key=lambda kv: int(kv[0]))
                ]
                out["fit"] = {
                    "gamma": fit["gamma"],
                    "log_A": fit["log_A"],
                    "R2": fit["R2"],
                    "n_points": fit["n_points"],
                    "d_min_fit": e4.get("d_min_fit"),
                    "distances_fit": e4.get("distances_fit"),
                    "seeds": e4.get("seeds"),
                    "n_prompts_per_distance": e4.get("n_prompts_per_distance"),
                    "gamma_CI_95": e4.get("gamma_CI_95"),
                }
        rows.append(out)
    return {
        "provenance": PROVENANCE,
        "license": "Apache-2.0",
        "source": "https://github.com/karlesmarin/tafagent/tree/e0d8cb6/data (master_gamma_results.json, e4_gamma/)",
        "corpora": CORPUS_LABELS,
        "units": {
            "theta": "RoPE base",
            "gamma_obs": "exponent of the fitted power law attention ∝ distance^(−γ)",
            "R2": "fit R² (log-log)",
            "D90": "tokens holding 90% of the attention mass",
            "distance": "tokens between query and key",
            "attention": "mean attention weight across seeds",
        },
        "rows": rows,
    }


def main(argv: list[str]) -> None:
    root = Path(argv[1])
    out = (
        Path(argv[2])
        if len(argv) > 2
        else Path(__file__).resolve().parents[1] / "taf_widgets/core/data/measurements.json"
    )
    out.write_text(json.dumps(build(root), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main(sys.argv)
