"""The JupyterLite site (`make lite`, in build/lite/): the quickstart runs in Pyodide in the browser,
served by a plain static file server on 127.0.0.1, with every other address refused.

Two nets catch a request that tries to leave 127.0.0.1: a page-level route (the page's own requests)
and a browser-wide proxy on 127.0.0.1 that answers 403 to everything and counts it (requests from
web workers and the service worker too, where the Pyodide kernel runs). 127.0.0.1 alone is on the
proxy's bypass list, so the static server is reached directly.
"""

from __future__ import annotations

import gzip
import http.server
import json
import socketserver
import threading
import time
import urllib.parse
from functools import partial
from pathlib import Path

import pytest
from browser_helpers import type_and_wait
from conftest import CHROMIUM_ARGS, ROOT

SITE = ROOT / "build" / "lite"
# Chromium's own form-autofill service would call out when a field is typed in; it is the
# browser's, not the site's, so it is turned off rather than counted.
QUIET_ARGS = [*CHROMIUM_ARGS, "--disable-features=AutofillServerCommunication"]


class CountingHandler(http.server.SimpleHTTPRequestHandler):
    """A plain static file server that also adds up what it sends."""

    def log_message(self, *args) -> None:  # quiet
        pass

    def copyfile(self, source, outputfile) -> None:
        start = source.tell()
        super().copyfile(source, outputfile)
        with self.server.lock:
            self.server.sent.append((self.path, source.tell() - start))


class StaticSite:
    def __init__(self, folder: Path) -> None:
        self.httpd = socketserver.ThreadingTCPServer(("127.0.0.1", 0), partial(CountingHandler, directory=str(folder)))
        self.httpd.daemon_threads = True
        self.httpd.sent, self.httpd.lock = [], threading.Lock()
        self.port = self.httpd.server_address[1]
        self.folder = folder
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def bytes_sent(self) -> int:
        with self.httpd.lock:
            return sum(n for _, n in self.httpd.sent)

    def gzip_bytes_sent(self) -> int:
        """What the same files weigh gzip-compressed, as most web hosts send them."""
        with self.httpd.lock:
            paths = [p for p, _ in self.httpd.sent]
        total = 0
        for path in paths:
            f = self.folder / urllib.parse.unquote(path.split("?")[0].lstrip("/"))
            if f.is_dir():
                f = f / "index.html"
            total += len(gzip.compress(f.read_bytes(), 6)) if f.is_file() else 0
        return total

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class RefusingProxy(socketserver.ThreadingTCPServer):
    """Answers 403 to every request the browser tries to send beyond 127.0.0.1, and records it."""

    daemon_threads = True

    def __init__(self) -> None:
        self.seen: list[str] = []
        super().__init__(("127.0.0.1", 0), self.Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    class Handler(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            line = self.rfile.readline(8192).decode("latin-1").strip()
            if line:
                self.server.seen.append(line)
            self.wfile.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")


@pytest.fixture(scope="module")
def quiet_browser(browser, chromium_path):
    b = browser.browser_type.launch(executable_path=chromium_path, headless=True, args=QUIET_ARGS)
    yield b
    b.close()


@pytest.fixture(scope="module")
def site():
    if not (SITE / "static" / "pyodide" / "pyodide-lock.json").is_file():
        pytest.fail(f"no JupyterLite site in {SITE}: build it first with `make lite`", pytrace=False)
    s = StaticSite(SITE)
    yield s
    s.close()


def test_quickstart_runs_offline_in_jupyterlite(quiet_browser, site, artifacts):
    proxy = RefusingProxy()
    left = []  # requests the page itself tried to send elsewhere
    ctx = quiet_browser.new_context(
        viewport={"width": 1400, "height": 2400},
        proxy={"server": f"http://127.0.0.1:{proxy.server_address[1]}", "bypass": "127.0.0.1"},
    )
    origin = f"http://127.0.0.1:{site.port}/"

    def route(r):
        if r.request.url.startswith((origin, "data:", "blob:")):
            r.continue_()
        else:
            left.append(r.request.url)
            r.abort()

    ctx.route("**/*", route)
    page = ctx.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        t0 = time.monotonic()
        page.goto(site.url("lab/index.html?path=quickstart.ipynb"))
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
        page.get_by_text("Python (Pyodide) | Idle").wait_for(timeout=60_000)
        page.locator(".jp-Notebook").first.click()
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()

        # The first verdict: the kernel (Pyodide, in this tab) loaded the package and the widget drew.
        page.wait_for_function(
            "() => { const v = document.querySelector('.taf-recipe[data-revision] [data-role=verdict] .taf-badge');"
            " return v && /^\\s*(YES|NO|DEGRADED)\\b/.test(v.textContent); }",
            timeout=240_000,
            polling=100,
        )
        first_verdict_s = time.monotonic() - t0
        first_load_bytes, first_load_gzip = site.bytes_sent(), site.gzip_bytes_sent()
        page.wait_for_function(
            "() => !Array.from(document.querySelectorAll('.jp-InputArea-prompt'))"
            ".some(p => p.textContent.includes('*'))",
            timeout=120_000,
        )
        root = page.locator(".taf-recipe").first
        assert root.get_attribute("data-recipe") == "X-2"
        assert root.locator("[data-role=preset]").input_value() == "mistralai/Mistral-7B-v0.1"
        assert json.loads(root.get_attribute("data-result-inputs"))["T_eval"] == 32000
        assert page.locator(".taf-recipe-widget .bqplot").count() >= 2  # the charts rendered too

        # A change through the DOM contract: a new revision and verdict, computed in Pyodide.
        before = int(root.get_attribute("data-revision"))
        verdict_before = root.locator("[data-role=verdict]").inner_text()
        t1 = time.monotonic()
        after = type_and_wait(page, root, "T_eval", "2048", timeout=60_000)
        round_trip_s = time.monotonic() - t1
        verdict_after = root.locator("[data-role=verdict]").inner_text()
        assert after > before
        assert json.loads(root.get_attribute("data-result-inputs"))["T_eval"] == 2048
        assert root.get_attribute("data-stale") == "false"
        assert verdict_after != verdict_before  # the new length gets its own verdict and reason
        assert page.locator(".jp-Notebook .jp-OutputArea-output[data-mime-type*=error]").count() == 0

        unit = page.locator(".taf-recipe-widget").first
        unit.scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / "lite-quickstart.png"))
        unit.screenshot(path=str(artifacts / "lite-quickstart-widget.png"))
    except BaseException:
        page.screenshot(path=str(artifacts / "lite-quickstart-FAILED.png"), full_page=True)
        raise
    finally:
        if left or proxy.seen:  # shown with a failure: often the reason the page got stuck
            print("requests that tried to leave 127.0.0.1:", left[:10], proxy.seen[:10])
        ctx.close()
        proxy.shutdown()
        proxy.server_close()

    outside = left + proxy.seen
    metrics = {
        "time_to_first_verdict_s": round(first_verdict_s, 1),
        "revision_before": before,
        "revision_after": after,
        "verdict_before": verdict_before.splitlines()[0],
        "verdict_after": verdict_after.splitlines()[0],
        "T_eval_round_trip_s": round(round_trip_s, 2),
        "first_load_MB": round(first_load_bytes / 1e6, 1),
        "first_load_MB_if_gzipped": round(first_load_gzip / 1e6, 1),
        "requests_outside_127_0_0_1": len(outside),
    }
    (artifacts / "lite-metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    print("\nJupyterLite:", json.dumps(metrics))
    assert outside == [], f"requests that tried to leave 127.0.0.1: {outside[:10]}"
    assert errors == []
