"""How close to real servers: predicted against measured, per public case.

Every measured figure comes from tests/fixtures/serving_measurements.json, which keeps
its source URL and the line quoted. Each row prints the prediction of taf_widgets'
core, the measurement and the ratio predicted ÷ measured:

- KV capacity from the engine's own KV memory (kv_tokens_that_fit), within 2%;
- the KV cache of one request for a latent-attention model (DeepSeek-V2-Lite, MLA);
- the weights each GPU holds under tensor parallelism;
- KV capacity from the GPU and memory fraction alone (FIT with its default engine
  overhead), within 15%;
- decode throughput at batch 1 and batched (the X-5 roofline at bandwidth
  efficiency 1, a ceiling: ratios above 1 say how far real engines stay below it).

    python benchmarks/serving_reality.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from taf_widgets.core import (  # noqa: E402
    catalogs,
    decode_roofline,
    get_gpu,
    kv_bytes_per_token,
    kv_tokens_that_fit,
    run_recipe,
)
from taf_widgets.core.formulas import KV_BYTES, WEIGHT_BYTES  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "serving_measurements.json"
GiB = 2**30
TOLERANCE = {"kv_capacity": 0.02, "kv_for_context": 0.01, "weights_split": 0.005, "capacity_from_gpu": 0.15}
"""Largest |ratio − 1| allowed per kind of case (throughput has a ceiling test instead)."""


def load() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def _gpu(name: str) -> dict:
    """The catalog row of a measured card: the spec's catalog, else the bundled extra GPUs
    (read from their file, so the catalog itself is left as it is)."""
    if name in catalogs.gpu_names():
        return get_gpu(name)
    extra = json.loads(catalogs.BUNDLED_CATALOGS["extra-gpus"].read_text(encoding="utf-8"))["gpus"]
    return {k: v for k, v in extra[name].items() if k != "source"}


def cases() -> list[dict]:
    """One row per measured case: kind, id, what, predicted, measured, unit, ratio, url."""
    data = load()
    models = data["models"]
    rows = []

    def add(kind: str, case: dict, what: str, predicted: float, measured: float, unit: str) -> None:
        rows.append(
            {
                "kind": kind,
                "id": case["id"],
                "what": what,
                "predicted": predicted,
                "measured": measured,
                "unit": unit,
                "ratio": predicted / measured,
                "url": case["url"],
                "quote": case["quote"],
            }
        )

    for c in data["kv_capacity"]:
        m = models[c["model"]]
        tokens = kv_tokens_that_fit(
            c["available_kv_GiB"] * GiB, m["n_layers"], m["n_kv_heads"], m["d_head"], KV_BYTES[c["kv_dtype"]], c["tp"]
        )
        add(
            "kv_capacity",
            c,
            f"{c['engine']}, {c['model']}, {c['kv_dtype']} KV, tp {c['tp']}: tokens in {c['available_kv_GiB']:g} GiB",
            tokens,
            c["logged_tokens"],
            "tokens",
        )

    for c in data["kv_for_context"]:
        m = models[c["model"]]
        per_tok = kv_bytes_per_token(m["n_layers"], 1, 1, KV_BYTES[c["kv_dtype"]], kv_latent_dim=m["kv_latent_dim"])[
            "per_gpu"
        ]
        add(
            "kv_for_context",
            c,
            f"{c['engine']}, {c['model']} (MLA): KV for {c['tokens']:,} tokens",
            per_tok * c["tokens"] / GiB,
            c["logged_GiB"],
            "GiB",
        )

    for c in data["weights_split"]:
        m = models[c["model"]]
        add(
            "weights_split",
            c,
            f"{c['engine']}, {c['model']}: weights per GPU at tp {c['tp']}",
            m["n_params"] * WEIGHT_BYTES["BF16"] / c["tp"] / GiB,
            c["logged_GiB"],
            "GiB",
        )

    for c in data["capacity_from_gpu"]:
        m = models[c["model"]]
        r = run_recipe(
            "FIT",
            N_params=m["n_params"],
            n_layers=m["n_layers"],
            n_kv_heads=m["n_kv_heads"],
            d_head=m["d_head"],
            vram_GB=_gpu(c["gpu"])["vram_GB"],
            gpu_memory_utilization=c["gpu_memory_utilization"],
            T_eval=1,
        )
        per_tok = r.value("kv_per_token")
        logged_tokens = int(c["logged_available_kv_GiB"] * GiB // per_tok)
        add(
            "capacity_from_gpu",
            c,
            f"{c['engine']}, {c['model']} on {c['gpu']} at "
            f"{c['gpu_memory_utilization']:g}: KV tokens from the catalog alone",
            r.value("capacity")["kv_capacity_tokens"],
            logged_tokens,
            "tokens",
        )

    for c in data["throughput"]:
        m = models[c["model"]]
        info = _gpu(c["gpu"])
        kv_seq = kv_bytes_per_token(m["n_layers"], m["n_kv_heads"], m["d_head"], 2.0)["replica"] * c["context_tokens"]
        roof = decode_roofline(
            m["n_params"] * WEIGHT_BYTES[c["precision"]],
            2 * m["n_params"],
            c["batch"],
            kv_seq,
            info["bw_GB_s"],
            info["flops"],
        )
        add(
            "throughput",
            c,
            f"{c['engine']}, {c['model']} on {c['gpu']}, batch {c['batch']}: {c['what']}",
            roof["tok_per_sec"],
            c["measured_tok_per_s"],
            "tok/s",
        )
    return rows


def main() -> None:
    rows = cases()
    print("How close to real servers: taf-widgets' prediction ÷ a public measurement, per case")
    print(f"(sources and quoted lines: {FIXTURE.relative_to(ROOT)})\n")
    kind = None
    for r in rows:
        if r["kind"] != kind:
            kind = r["kind"]
            bound = (
                "ceiling at bandwidth efficiency 1: ratio ≥ 1 expected"
                if kind == "throughput"
                else f"tolerance ±{TOLERANCE[kind]:.1%}"
            )
            print(f"── {kind} ({bound})")
        fmt = (lambda x: f"{x:,.0f}") if r["unit"] in ("tokens", "tok/s") else (lambda x: f"{x:,.3f}")
        print(
            f"  {r['id']:<34} predicted {fmt(r['predicted']):>9} {r['unit']:<6}  measured "
            f"{fmt(r['measured']):>9}  ratio {r['ratio']:.3f}   {r['what']}"
        )
    print()
    b1 = [r for r in rows if r["kind"] == "throughput" and " batch 1:" in r["what"]]
    for r in b1:
        print(
            f"batch-1 decode reaches {1 / r['ratio']:.2f} of the bandwidth ceiling ({r['id']}): "
            "the documented bw_efficiency suggestion is 0.6-0.9."
        )


if __name__ == "__main__":
    main()
