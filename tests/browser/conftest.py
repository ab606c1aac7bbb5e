"""Fixtures for the real-browser tests: a Voilà server on 127.0.0.1 and Debian's Chromium.

No browser is downloaded: the tests drive the Chromium at ``/usr/bin/chromium``
(override with ``TAF_CHROMIUM``). A missing browser fails the run with the command
that installs it; it never turns into a skip. Screenshots and, for failing tests,
the page's console log go to ``test-artifacts/`` (override with ``TAF_ARTIFACTS``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("TAF_ARTIFACTS", ROOT / "test-artifacts"))
CHROMIUM = os.environ.get("TAF_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Console messages that are known and harmless in an offline Voilà or JupyterLab page.
HARMLESS = [
    re.compile(p, re.I)
    for p in (
        r"_JUPYTERLAB\.CORE_OUTPUT|version .* of .* requested|semver",  # version negotiation notices
        r"Failed to load resource: net::ERR_CONNECTION_REFUSED",  # a server stopped under an open page
        r"favicon",
        r"Download the React DevTools",
    )
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 60.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status < 500:
                    return
        except Exception:
            time.sleep(0.25)
    raise RuntimeError(f"no answer from {url} within {timeout:.0f} s")


def stop(proc: subprocess.Popen) -> None:
    """Stop a server we started, by its PID (its whole process group: kernels too)."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(10)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


def kernel_processes(server_pid: int, kernel_ids: str | Iterable[str] | None = None) -> list:
    """The kernel processes under a server, read from the OS (psutil): those started as
    ``python -m ipykernel_launcher``, and those forked by ``taf_widgets.forkkernel``'s helper.
    With ``kernel_ids`` (one id or several), only those kernels': an id is in a started kernel's
    command line (the connection file's name) and in the names of a forked kernel's Unix sockets."""
    import psutil

    ids = None if kernel_ids is None else ({kernel_ids} if isinstance(kernel_ids, str) else set(kernel_ids))
    try:
        below = psutil.Process(server_pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    out = []
    for p in below:
        try:
            cmd = " ".join(p.cmdline())
            forked = "taf_widgets.forkkernel" in cmd and p.ppid() != server_pid
            if "ipykernel" not in cmd and not forked:
                continue
            if ids is not None:
                names = [cmd, *(c.laddr or "" for c in p.net_connections(kind="unix"))] if forked else [cmd]
                if not any(i in name for i in ids for name in names):
                    continue
            out.append(p)
        except psutil.Error:
            pass
    return out


class VoilaServer:
    """Voilà serving a folder of notebooks on 127.0.0.1."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.log = open(ARTIFACTS / f"voila-{self.port}.log", "w")
        # The way the dashboard is served (make dashboard): Voilà with TCP_NODELAY websockets.
        cmd = [
            sys.executable,
            "-m",
            "taf_widgets.serve",
            "--no-browser",
            "--Voila.ip=127.0.0.1",
            f"--port={self.port}",
            "--MappingKernelManager.cull_idle_timeout=20",
            "--MappingKernelManager.cull_interval=5",
            "--Voila.root_dir=" + str(folder),
            "--show_tracebacks=True",
        ]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            cmd, cwd=folder, stdout=self.log, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
        wait_http(f"http://127.0.0.1:{self.port}/", proc=self.proc)

    def url(self, notebook: str) -> str:
        return f"http://127.0.0.1:{self.port}/voila/render/{notebook}"

    def close(self) -> None:
        stop(self.proc)
        self.log.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install it with 'apt-get install -y chromium' "
            "(or set TAF_CHROMIUM to a Chromium binary). The browser tests never download one.",
            pytrace=False,
        )
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def notebook_dir(artifacts) -> Path:
    """A temp folder with the repository's examples and the test notebooks, served by Voilà."""
    folder = Path(tempfile.mkdtemp(prefix="taf-nb-"))
    for src in (ROOT / "examples").glob("*.ipynb"):
        shutil.copy(src, folder / src.name)
    for src in (Path(__file__).parent / "notebooks").glob("*.ipynb"):
        shutil.copy(src, folder / src.name)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def voila(notebook_dir, artifacts):
    server = VoilaServer(notebook_dir)
    yield server
    server.close()


class PageLog:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.errors: list[str] = []

    def unexpected(self) -> list[str]:
        return [e for e in self.errors if not any(p.search(e) for p in HARMLESS)]


@pytest.fixture
def page(browser, artifacts, request):
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    pg = context.new_page()
    log = PageLog()

    def on_console(msg):
        line = f"[{msg.type}] {msg.text}"
        log.lines.append(line)
        if msg.type == "error":
            log.errors.append(msg.text)

    def on_pageerror(exc):
        log.lines.append(f"[pageerror] {exc}")
        log.errors.append(f"pageerror: {exc}")

    pg.on("console", on_console)
    pg.on("pageerror", on_pageerror)
    pg.log = log
    yield pg
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    try:
        pg.screenshot(path=str(artifacts / f"{name}{'-FAILED' if failed else '-end'}.png"), full_page=True)
    except Exception:
        pass
    if failed:
        (artifacts / f"{name}-console.log").write_text("\n".join(log.lines))
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


class LabServer:
    """JupyterLab on 127.0.0.1 with private config, data and runtime folders (no token, no news)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        home = Path(tempfile.mkdtemp(prefix="taf-lab-"))
        self.home = home
        settings = home / "data" / "lab" / "settings"
        settings.mkdir(parents=True)
        (settings / "overrides.json").write_text(
            json.dumps(
                {
                    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
                    # Render every cell, so widgets below the fold exist for the tests.
                    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
                }
            )
        )
        env = {
            **os.environ,
            "JUPYTER_CONFIG_DIR": str(home / "config"),
            "JUPYTER_DATA_DIR": str(home / "data"),
            "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
            "PYTHONUNBUFFERED": "1",
        }
        self.log = open(ARTIFACTS / f"jupyterlab-{self.port}.log", "w")
        cmd = [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={self.port}",
            "--allow-root",
            "--IdentityProvider.token=",
            "--ServerApp.password=",
            "--ServerApp.disable_check_xsrf=True",
            f"--ServerApp.root_dir={folder}",
            "--LabApp.expose_app_in_browser=True",
            "--MappingKernelManager.cull_idle_timeout=60",
            "--MappingKernelManager.cull_interval=10",
        ]
        self.proc = subprocess.Popen(
            cmd, cwd=folder, stdout=self.log, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
        wait_http(f"http://127.0.0.1:{self.port}/api", timeout=90, proc=self.proc)

    def url(self, notebook: str) -> str:
        # ?reset: a clean workspace, so notebooks opened by earlier tests are not in the way.
        return f"http://127.0.0.1:{self.port}/lab/tree/{notebook}?reset"

    def close(self) -> None:
        stop(self.proc)
        self.log.close()
        shutil.rmtree(self.home, ignore_errors=True)


@pytest.fixture(scope="session")
def jupyterlab(notebook_dir, artifacts):
    server = LabServer(notebook_dir)
    yield server
    server.close()
