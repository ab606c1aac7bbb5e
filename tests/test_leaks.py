"""Create, display and close 200 widgets in a real kernel: nothing of ours stays registered,
no comm stays open, and resident memory stays bounded."""

from __future__ import annotations

import json

import pytest

CODE = r"""
import gc, json
from comm import get_comm_manager
from IPython.display import display
from ipywidgets.widgets import widget as widget_module
from taf_widgets import RecipeWidget
from taf_widgets.widget import RecipePanel

RECIPES = ["X-1", "X-2", "X-3", "X-5", "X-19"]
CHANGE = {"X-1": {"monthly_tokens_M": 500.0}, "X-2": {"T_eval": 65536}, "X-3": {"USD_budget": 1e5},
          "X-5": {"T_eval": 8192}, "X-19": {"T_eval": 4096}}

def rss_kB():
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS"))

def counts():
    gc.collect()
    ours = sum(isinstance(o, (RecipeWidget, RecipePanel)) for o in gc.get_objects())
    return len(widget_module._instances), len(get_comm_manager().comms), ours

def cycle(n):
    for i in range(n):
        rid = RECIPES[i % len(RECIPES)]
        w = RecipeWidget(rid)
        display(w)
        w.set(**CHANGE[rid])
        w.close()
        del w

cycle(10)  # first use creates module-level singletons (layout templates, scale registries)
probe = RecipeWidget("X-5")
display(probe)
while_open = counts()  # proves the counters see a live widget: panel, figures, marks, scales...
probe.close()
del probe
widgets0, comms0, ours0 = counts()
rss0 = rss_kB()
cycle(200)
widgets1, comms1, ours1 = counts()
rss1 = rss_kB()
print("LEAKS " + json.dumps({"while_open": while_open,
                              "widgets": [widgets0, widgets1], "comms": [comms0, comms1],
                              "ours_alive": [ours0, ours1], "rss_kB": [rss0, rss1]}))
"""


@pytest.mark.slow
def test_two_hundred_widgets_created_displayed_and_closed_leave_nothing_behind():
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3")
    lines: list[str] = []
    errors: list[str] = []

    def on_output(msg):
        content = msg["content"]
        if msg["msg_type"] == "stream":
            lines.extend(content["text"].splitlines())
        elif msg["msg_type"] == "error":
            errors.append("\n".join(content["traceback"]))

    try:
        reply = kc.execute_interactive(CODE, timeout=300, output_hook=on_output)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    assert reply["content"]["status"] == "ok", errors
    report = json.loads(next(line for line in lines if line.startswith("LEAKS "))[len("LEAKS ") :])
    print("200 widgets:", report)  # shown with -s; the closing note quotes it
    assert report["while_open"][0] > report["widgets"][0] and report["while_open"][2] == 2, report
    assert report["widgets"][1] == report["widgets"][0], report
    assert report["comms"][1] == report["comms"][0], report
    assert report["ours_alive"][1] == 0, report
    rss_growth_MB = (report["rss_kB"][1] - report["rss_kB"][0]) / 1024
    assert rss_growth_MB < 40, f"resident memory grew {rss_growth_MB:.1f} MB over 200 widgets: {report}"
