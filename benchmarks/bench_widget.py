"""Kernel-side cost of one widget update, per recipe: from a parameter change to the
result, the chart data and every outgoing comm message being ready.

    python benchmarks/bench_widget.py [--updates N] [--profile X-2]

What is timed, per update (no Jupyter server or browser involved):

* ``comm`` path (what a slider step costs the kernel): the front end's
  ``comm_msg`` {"method": "update", "state": {"params": {...}}} is deserialized
  by a jupyter_client ``Session`` (HMAC check + JSON), handed to
  ``RecipePanel._handle_msg`` (ipywidgets' echo_update, ``set_state``, the
  recompute, ``RecipeResult.to_dict``, the chart update), and every message the
  widgets publish is built and serialized exactly as ipykernel's
  ``Comm.publish_msg`` does (``json_clean`` + ``Session.msg`` +
  ``Session.serialize``, HMAC-signed, orjson if installed), binary buffers
  included. Only the zmq socket write is left out.
* ``api`` path: ``w.set(T_eval=...)`` from Python, with the same serialization.

The parameter alternates between two values a slider step apart, so every update
changes the result. Phases come from a second, instrumented pass: ``recipe`` is
``run_recipe`` (validation + formulas), ``to_dict`` the JSON-clean copy,
``charts`` ``ChartSet.update`` including the serialization of the chart
messages, ``panel msg`` the serialization of the panel's messages, ``other`` the
rest (traitlets/ipywidgets bookkeeping).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import platform
import pstats
import statistics
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
warnings.filterwarnings("ignore", category=DeprecationWarning)

import comm  # noqa: E402
from comm.base_comm import BaseComm  # noqa: E402
from ipykernel.jsonutil import json_clean  # noqa: E402
from jupyter_client.session import Session  # noqa: E402

SESSION = Session(key=b"taf-bench-key", username="bench")

# recipe → (constructor kwargs, slider parameter, two values one slider step apart)
CASES = {
    "X-1": (dict(preset="meta-llama/Meta-Llama-3-8B", monthly_tokens_M=100.0), "monthly_tokens_M", (100.0, 104.0)),
    "X-2": (dict(preset="meta-llama/Meta-Llama-3-8B", T_eval=32000), "T_eval", (32000, 32600)),
    "X-3": (dict(USD_budget=5000.0, gpu="H100 SXM", n_gpus=1), "USD_budget", (5000.0, 5170.0)),
    "X-5": (dict(preset="Qwen/Qwen2.5-7B", T_eval=32768, concurrent_users=8), "T_eval", (32768, 33400)),
    "X-19": (dict(preset="meta-llama/Meta-Llama-3-8B", T_eval=16384), "T_eval", (16384, 16700)),
}


class Recorder:
    """Counts the messages the widgets publish and the time spent serializing them."""

    def __init__(self) -> None:
        self.on = False
        self.reset()

    def reset(self) -> None:
        self.messages = 0
        self.bytes = 0
        self.buffer_bytes = 0
        self.serialize_s = 0.0
        self.serialize_in_charts_s = 0.0
        self.in_charts = False
        self.methods: dict[str, int] = {}


REC = Recorder()


class CaptureComm(BaseComm):
    """A comm that serializes each message as ipykernel's Comm.publish_msg does, then drops it."""

    kernel = True  # ipywidgets sends state only through a comm that has a kernel

    def publish_msg(self, msg_type, data=None, metadata=None, buffers=None, **keys):  # noqa: D102
        t0 = time.perf_counter()
        content = json_clean(dict(data={} if data is None else data, comm_id=self.comm_id, **keys))
        msg = SESSION.msg(msg_type, content=content, metadata=json_clean(metadata or {}))
        frames = SESSION.serialize(msg, ident=self.topic)
        size = sum(len(f) for f in frames)
        buf = sum(memoryview(b).nbytes for b in buffers or [])
        dt = time.perf_counter() - t0
        if REC.on:
            REC.messages += 1
            REC.bytes += size
            REC.buffer_bytes += buf
            REC.serialize_s += dt
            if REC.in_charts:
                REC.serialize_in_charts_s += dt
            method = (data or {}).get("method", msg_type)
            REC.methods[method] = REC.methods.get(method, 0) + 1


comm.create_comm = lambda *args, **kwargs: CaptureComm(*args, **kwargs)

from taf_widgets import widget as W  # noqa: E402
from taf_widgets.charts import ChartSet  # noqa: E402
from taf_widgets.core.recipes import RecipeResult  # noqa: E402
from taf_widgets.widget import RecipeWidget  # noqa: E402


def incoming(panel, name: str, value) -> list[bytes]:
    """The wire frames of the front end's comm_msg setting one parameter (a whole new params dict)."""
    state = {"params": {**panel.params, name: value}}
    content = {"comm_id": panel.comm.comm_id, "data": {"method": "update", "state": state, "buffer_paths": []}}
    msg = SESSION.msg("comm_msg", content=content)
    return SESSION.serialize(msg)


def receive(panel, frames: list[bytes]) -> None:
    """What the kernel does with those frames: verify, unpack, dispatch to the widget."""
    _, parts = SESSION.feed_identities(frames, copy=True)
    msg = SESSION.deserialize(parts, content=True, copy=True)
    SESSION.digest_history.clear()  # the same frames are replayed on purpose
    msg.setdefault("buffers", [])
    panel._handle_msg(msg)


def make_steps(w, name: str, values: tuple) -> dict:
    panel = w.panel
    return {
        "api": [lambda v=v: w.set(**{name: v}) for v in values],
        "comm": [lambda f=incoming(panel, name, v): receive(panel, f) for v in values],
    }


def time_updates(step_fns: list, n: int) -> list[float]:
    samples = []
    for i in range(n):
        fn = step_fns[i % len(step_fns)]
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1e3)
    return samples


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


@contextlib.contextmanager
def instrumented(acc: dict):
    """Wrap run_recipe, to_dict and ChartSet.update with accumulating timers."""
    orig_run, orig_to_dict, orig_update = W.run_recipe, RecipeResult.to_dict, ChartSet.update

    def timed(key, fn):
        def wrapper(*a, **k):
            t0 = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                acc[key] += time.perf_counter() - t0

        return wrapper

    def charts_update(self, result):
        REC.in_charts = True
        try:
            return timed("charts", orig_update)(self, result)
        finally:
            REC.in_charts = False

    W.run_recipe = timed("recipe", orig_run)
    RecipeResult.to_dict = timed("to_dict", orig_to_dict)
    ChartSet.update = charts_update
    try:
        yield
    finally:
        W.run_recipe, RecipeResult.to_dict, ChartSet.update = orig_run, orig_to_dict, orig_update


def phases(step_fns: list, n: int) -> dict:
    acc = {"recipe": 0.0, "to_dict": 0.0, "charts": 0.0}
    REC.reset()
    REC.on = True
    t0 = time.perf_counter()
    with instrumented(acc):
        for i in range(n):
            step_fns[i % len(step_fns)]()
    total = time.perf_counter() - t0
    REC.on = False
    panel_ser = REC.serialize_s - REC.serialize_in_charts_s
    out = {k: v / n * 1e3 for k, v in acc.items()}
    out["panel msg"] = panel_ser / n * 1e3
    out["other"] = total / n * 1e3 - sum(out.values())
    out["msgs"] = REC.messages / n
    out["KB"] = (REC.bytes + REC.buffer_bytes) / n / 1e3
    out["methods"] = {k: v / n for k, v in REC.methods.items()}
    return out


def profile(recipe_id: str, n: int, path: str) -> None:
    kwargs, name, values = CASES[recipe_id]
    w = RecipeWidget(recipe_id, **kwargs)
    fns = make_steps(w, name, values)[path]
    time_updates(fns, 50)
    prof = cProfile.Profile()
    prof.enable()
    for i in range(n):
        fns[i % 2]()
    prof.disable()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    print(f"\ncProfile of {n} {path}-path updates of {recipe_id} (top 25 by own time, then by cumulative):")
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(40)
    print(out.getvalue())
    w.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=400, help="timed updates per recipe and path")
    parser.add_argument("--profile", metavar="RECIPE", help="print a cProfile of that recipe's updates instead")
    parser.add_argument("--path", choices=("comm", "api"), default="comm", help="path to profile")
    args = parser.parse_args()
    if args.profile:
        profile(args.profile, args.updates, args.path)
        return

    import anywidget
    import bqplot
    import ipywidgets

    print(
        f"Kernel-side update: python {platform.python_version()}, ipywidgets {ipywidgets.__version__}, "
        f"anywidget {anywidget.__version__}, bqplot {bqplot.__version__}, packer "
        f"{getattr(SESSION.pack, '__name__', SESSION.pack)}; {args.updates} updates per recipe and path, "
        "alternating two values one slider step apart"
    )
    print(
        "  comm = front end's comm_msg in → every reply serialized (a slider step); "
        "api = w.set(...) → every message serialized"
    )
    head = (
        f"{'recipe':<6} {'param':<17} {'comm med':>9} {'comm p95':>9} {'api med':>8} {'api p95':>8}"
        f" | {'recipe':>7} {'to_dict':>7} {'charts':>7} {'panel':>6} {'other':>6} | {'msgs':>4} {'KB':>6}"
    )
    print(head)
    print(
        f"{'':<6} {'':<17} {'ms':>9} {'ms':>9} {'ms':>8} {'ms':>8} | {'(comm path, ms per update: phases)':>39} |"
        f" {'out/update':>11}"
    )
    worst = 0.0
    details = []
    for rid, (kwargs, name, values) in CASES.items():
        w = RecipeWidget(rid, **kwargs)
        fns = make_steps(w, name, values)
        time_updates(fns["comm"], 30)  # warm up
        time_updates(fns["api"], 30)
        comm_s = time_updates(fns["comm"], args.updates)
        api_s = time_updates(fns["api"], args.updates)
        ph = phases(fns["comm"], max(100, args.updates // 2))
        med = statistics.median(comm_s)
        worst = max(worst, med, statistics.median(api_s))
        print(
            f"{rid:<6} {name:<17} {med:>9.3f} {pct(comm_s, 0.95):>9.3f} {statistics.median(api_s):>8.3f}"
            f" {pct(api_s, 0.95):>8.3f} | {ph['recipe']:>7.3f} {ph['to_dict']:>7.3f} {ph['charts']:>7.3f}"
            f" {ph['panel msg']:>6.3f} {ph['other']:>6.3f} | {ph['msgs']:>4.0f} {ph['KB']:>6.1f}"
        )
        details.append((rid, ph["methods"]))
        w.close()
    print(
        "messages per update (comm path): "
        + "; ".join(f"{rid}: " + ", ".join(f"{v:g} {k}" for k, v in m.items()) for rid, m in details)
    )
    print("\ntargets")
    print(
        f"  {'met   ' if worst <= 2 else 'MISSED'}  kernel side: full update (result, chart data, messages) "
        f"≤ 2 ms median for every recipe: worst {worst:.3f} ms"
    )


if __name__ == "__main__":
    main()
