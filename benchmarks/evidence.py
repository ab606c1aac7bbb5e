"""How far to trust a verdict: the closed form against the framework's own measurements.

    python benchmarks/evidence.py

Over the measured panel shipped in the package (taf_widgets/core/data/measurements.json:
Carles Marin, TAF Agent, karlesmarin/tafagent commit e0d8cb6, Apache-2.0; dataset also
published as taf-attention-decay) it prints:

1. how far γ_Padé falls from the measured γ_obs (mean absolute error, share within ±0.1),
   with γ_Padé taken at the longest distance the panel measured (2,000 tokens);
2. X-2's closed-form verdict (spec and audited calibrations) against its measured-γ verdict
   (γ_obs on natural text) for every panel model the package has an architecture for (a
   bundled preset), at its native length and at 4× it;
3. each of those against the plain rule "YES if L ≤ the trained or extended length".

Nothing is random and nothing is timed: the output is the same on every machine.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from taf_widgets.core import get_preset, get_preset_extras, preset_names, run_recipe  # noqa: E402
from taf_widgets.core.evidence import BAND, prediction_rows, prediction_summary  # noqa: E402
from taf_widgets.core.measurements import MEASURED_LENGTH, PROVENANCE, measured_gamma, panel  # noqa: E402


def _table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = lambda r: "  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip()  # noqa: E731
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def plain_rule(L: int, preset: str) -> str:
    """YES when L is within the trained length, or the length RoPE scaling extends it to."""
    row = get_preset(preset)
    limit = max(row["T_train"], get_preset_extras(preset)["T_extended"] or 0)
    return "YES" if L <= limit else "NO"


def verdict_rows() -> list[dict]:
    out = []
    for name in preset_names():
        measured = measured_gamma(name, "mongo")
        if measured is None:
            continue
        native = get_preset(name)["T_train"]
        for L in (native, 4 * native):
            spec = run_recipe("X-2", preset=name, T_eval=L)
            audited = run_recipe("X-2", preset=name, T_eval=L, calibration="audited")
            meas = run_recipe("X-2", preset=name, T_eval=L, gamma_obs=measured["gamma_obs"])
            out.append(
                {
                    "model": name,
                    "L": L,
                    "native": native,
                    "gamma_obs": measured["gamma_obs"],
                    "spec": spec.verdict,
                    "audited": audited.verdict,
                    "measured": meas.verdict,
                    "plain": plain_rule(L, name),
                    "confidence": meas.confidence["band"],
                }
            )
    return out


def agreement(rows: list[dict], a: str, b: str) -> str:
    same = sum(1 for r in rows if r[a] == r[b])
    return f"{same}/{len(rows)}"


def main() -> None:
    print("How far to trust a verdict: the closed form against the measured panel")
    print(f"Panel: {PROVENANCE}.")
    print()
    rows = prediction_rows()
    every = prediction_summary(rows)
    natural = prediction_summary([r for r in rows if r["corpus"] == "mongo"])
    rnd = prediction_summary([r for r in rows if r["corpus"] != "mongo"])
    skipped = [r["model"] for r in panel() if r["theta"] is None]
    print(
        f"1. γ_Padé(θ, {MEASURED_LENGTH:,}) against γ_obs ({every['n']} measurements with a known θ; "
        f"{len(skipped)} without θ skipped: {', '.join(skipped)})"
    )
    print(
        _table(
            [
                [label, s["n"], f"{s['mae']:.3f}", f"{s['within']}/{s['n']} ({100 * s['share_within']:.0f}%)"]
                for label, s in (("all", every), ("natural text", natural), ("random tokens", rnd))
            ],
            ["corpus", "n", "mean |γ_Padé − γ_obs|", f"within ±{BAND}"],
        )
    )
    print()
    print(
        _table(
            [
                [
                    r["model"],
                    r["corpus_label"],
                    f"{r['theta']:,}",
                    f"{r['gamma_pade']:.4f}",
                    f"{r['gamma_obs']:.4f}",
                    f"{r['error']:+.3f}",
                    "yes" if r["within"] else "no",
                ]
                for r in rows
            ],
            ["model", "corpus", "θ", "γ_Padé", "γ_obs", "γ_Padé − γ_obs", f"±{BAND}"],
        )
    )
    print()

    vrows = verdict_rows()
    print(
        f"2. X-2 verdicts for the {len({r['model'] for r in vrows})} panel models with a bundled preset "
        "(γ_obs on natural text), at the native length and at 4×"
    )
    print(
        _table(
            [
                [
                    r["model"],
                    f"{r['L']:,}",
                    f"{r['gamma_obs']:.4f}",
                    r["spec"],
                    r["audited"],
                    r["measured"],
                    r["plain"],
                    r["confidence"],
                ]
                for r in vrows
            ],
            ["model", "L", "γ_obs", "spec", "audited", "measured", "plain rule", "measured confidence"],
        )
    )
    print()
    print("Agreement (same verdict label):")
    for a, b in (
        ("spec", "measured"),
        ("audited", "measured"),
        ("spec", "audited"),
        ("spec", "plain"),
        ("audited", "plain"),
        ("measured", "plain"),
    ):
        print(f"  {a:>8} vs {b:<8} {agreement(vrows, a, b)}")
    for which in ("native", "4x"):
        sub = [r for r in vrows if (r["L"] == r["native"]) == (which == "native")]
        print(
            f"  at {which:>6} length: spec YES {sum(r['spec'] == 'YES' for r in sub)}/{len(sub)}, "
            f"measured YES {sum(r['measured'] == 'YES' for r in sub)}/{len(sub)}, "
            f"plain-rule YES {sum(r['plain'] == 'YES' for r in sub)}/{len(sub)}"
        )


if __name__ == "__main__":
    main()
