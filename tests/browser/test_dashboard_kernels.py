"""The dashboard's kernels: a tab's recipe is built when the tab is opened, closing the page's
browser tab shuts its kernel down (the unload request passes the XSRF check), and the load
benchmark's protocol-level client works against a real server."""

from __future__ import annotations

import asyncio
import importlib.util
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from browser_helpers import wait_widget
from conftest import kernel_processes as conftest_kernel_processes

ROOT = Path(__file__).resolve().parents[2]
KERNEL_ID_JS = "() => JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"


def kernel_status(voila, kernel_id: str) -> int:
    """The server's answer for one kernel: 200 while it runs, 404 once it is gone."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{voila.port}/api/kernels/{kernel_id}", timeout=5) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


def kernel_processes(voila, kernel_id: str) -> int:
    """The server's processes running that kernel."""
    return len(conftest_kernel_processes(voila.proc.pid, kernel_id))


def test_closing_a_dashboard_tab_ends_its_kernel(voila, page, artifacts):
    page.set_viewport_size({"width": 1280, "height": 1400})
    shutdowns = []
    page.on("response", lambda r: shutdowns.append(r.status) if "/voila/api/shutdown/" in r.url else None)
    page.goto(voila.url("dashboard.ipynb"))
    wait_widget(page)
    kernel_id = page.evaluate(KERNEL_ID_JS)
    assert kernel_status(voila, kernel_id) == 200
    assert kernel_processes(voila, kernel_id) == 1
    # The server forked it from its warm helper (taf_widgets.forkkernel), as make dashboard does.
    (kernel,) = conftest_kernel_processes(voila.proc.pid, kernel_id)
    helper = kernel.parent()
    assert "taf_widgets.forkkernel" in " ".join(helper.cmdline()) and helper.ppid() == voila.proc.pid

    # Lazy tabs: only the open tab's recipe exists in the page; another one appears when opened.
    assert page.locator(".lm-TabBar-tab").count() == 6
    assert page.locator(".taf-recipe").count() == 1
    page.locator(".lm-TabBar-tab", has_text="X-19 ·").click()
    page.locator('.taf-recipe[data-recipe="X-19"][data-revision] [data-role=chain] tbody tr').first.wait_for(
        state="visible", timeout=30_000
    )
    assert page.locator(".taf-recipe").count() == 2
    page.screenshot(path=str(artifacts / "dashboard-lazy-two-tabs-opened.png"), full_page=True)
    assert page.log.unexpected() == []

    # Close the tab as a user does (the page's unload handlers run). The kernel was busy
    # building X-19 a moment ago, so the idle cull (20 s here) cannot be what ends it.
    active = time.monotonic()
    page.close(run_before_unload=True)
    while kernel_status(voila, kernel_id) != 404:
        assert time.monotonic() - active < 15, "the kernel still runs 15 s after its tab closed"
        time.sleep(0.2)
    deadline = time.monotonic() + 10
    while kernel_processes(voila, kernel_id) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert kernel_processes(voila, kernel_id) == 0
    assert 403 not in shutdowns


def _load_module():
    spec = importlib.util.spec_from_file_location("taf_load_bench", ROOT / "benchmarks" / "load.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_load_benchmarks_client_gets_results_and_ends_its_kernel(voila):
    load = _load_module()
    client = load.Client(
        f"http://127.0.0.1:{voila.port}", 0, changes=2, beacon=True, timeout=60, path="/voila/render/dashboard.ipynb"
    )
    # In a thread of its own: the session's Playwright runs an event loop in this one.
    worker = threading.Thread(target=lambda: asyncio.run(client.run()))
    worker.start()
    worker.join(120)
    assert not worker.is_alive()
    assert client.error is None
    assert client.recipe == "X-2" and client.panels == 1  # the open tab only
    assert client.first_result is not None and client.first_result < 60
    assert len(client.change_ms) == 2 and all(0 < ms < 15_000 for ms in client.change_ms)
    # Its shutdown request (the one a closing tab sends, with the _xsrf cookie's value) was accepted.
    deadline = time.monotonic() + 10
    while kernel_status(voila, client.kernel_id) != 404:
        assert time.monotonic() < deadline, "the client's kernel still runs after its shutdown request"
        time.sleep(0.2)
