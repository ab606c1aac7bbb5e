"""A classroom on one server: capacity under N users at once, and what one page costs its browser.

    python benchmarks/load.py [--users 1,10,30,60] [--changes 5] [--linger 90] [--page-loads 3]
                              [--notebook examples/dashboard.ipynb] [--only capacity|page]
                              [--before 930bee8:examples/dashboard.ipynb] [--floor]
                              [--serve-arg=--preheat_kernel=True --serve-arg=--pool_size=30]

The server is started as ``make dashboard`` starts it (kernels forked from its warm helper, see
taf_widgets/serving/forkkernel.py): ``python -m taf_widgets.serve NOTEBOOK
--no-browser --Voila.ip=127.0.0.1 --port=P`` (plus any ``--serve-arg``), a fresh one for each
measurement, on 127.0.0.1.

**Server capacity** (no browser). For each N, N light protocol-level clients start at the same
moment. Each one does what a page does on the wire: GET the page (Voilà runs the notebook in a
new kernel while it answers), open the kernel's websocket (``/api/kernels/<id>/channels``), run
the widget manager's handshake (a ``jupyter.widget.control`` comm, ``request_states``), find the
recipe panel of the open tab, then makes ``--changes`` value changes (a new ``params`` state for
the panel, as the slider or field sends, 0.3-1.0 s apart) and waits each time for the kernel's new
result (the panel's ``revision`` goes up). Then it leaves: every second client sends the shutdown
request a closing tab sends (``POST /voila/api/shutdown/<id>`` with its ``_xsrf``), the others just
drop their connection (a laptop lid closed). Reported per N:

* first result: GET sent → the handshake's states hold a panel with a result, p50 / p95 / max;
* failures: clients that got no result (any error, or nothing within ``--timeout``);
* change → result: a ``params`` update sent → the update carrying the new revision, p50 / p95;
* kernel CPU and private memory (USS) per user: the kernel processes' own CPU time (user +
  system) and their largest USS, read from the OS (psutil) once a second while they live;
* kernels alive ``--linger`` s (90) after the clients left, counted among the server's child
  processes, and when the last one ended.

**Page cost** (real Chromium, ``/usr/bin/chromium`` or TAF_CHROMIUM). One page at a time, a fresh
browser context each, ``--page-loads`` loads after one warm-up load: navigation → the first verdict
badge in the page. Reported (medians): the page's main-thread time (Chromium's
``Performance.getMetrics``: TaskDuration, of which ScriptDuration, LayoutDuration and
RecalcStyleDuration), the CPU time of all Chromium processes, the kernel's CPU time, bytes
received (HTTP bodies as sent, plus websocket payloads) and console errors; at the first verdict
and again once the page has been quiet for 2 s. ``--before REV:PATH`` measures an older dashboard
(930bee8 built every tab at load) in the same run, interleaved, and ``--floor`` a notebook that
shows one ipywidgets Label: what Voilà's page costs whatever it shows.

The box is shared: every run prints the load average at its start.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))


def _conftest():
    from bench_browser import _conftest as load

    return load()


def pct(values, q):
    s = sorted(values)
    if not s:
        return float("nan")
    k = max(0, min(len(s) - 1, int(round(q * len(s) + 0.5)) - 1))  # nearest rank
    return s[k]


def med(values):
    return statistics.median(values) if values else float("nan")


def fmt(v, digits=1):
    return "—" if v != v else f"{v:.{digits}f}"


# ── the server ──────────────────────────────────────────────────────────────


class DashboardServer:
    """``python -m taf_widgets.serve NOTEBOOK`` on 127.0.0.1, as ``make dashboard`` runs it."""

    def __init__(self, notebook: Path, extra: list[str], log_dir: Path) -> None:
        c = _conftest()
        self.c = c
        self.folder = Path(tempfile.mkdtemp(prefix="taf-load-"))
        self.notebook = self.folder / "dashboard.ipynb"
        shutil.copy(notebook, self.notebook)
        self.port = c.free_port()
        self.log_path = log_dir / f"voila-load-{self.port}.log"
        self.log = open(self.log_path, "w")
        cmd = [
            sys.executable,
            "-m",
            "taf_widgets.serve",
            str(self.notebook),
            "--no-browser",
            "--Voila.ip=127.0.0.1",
            f"--port={self.port}",
            *extra,
        ]
        self.proc = subprocess.Popen(
            cmd,
            cwd=self.folder,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            start_new_session=True,
        )
        # wait for the port (any page of a one-notebook server would start a kernel)
        deadline = time.monotonic() + 90
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}; see {self.log_path}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"server not listening after 90 s; see {self.log_path}") from None
                time.sleep(0.25)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def kernels(self) -> list:
        """The server's kernel processes, started or forked, from the OS."""
        return self.c.kernel_processes(self.proc.pid)

    def kernel_process(self, kernel_id: str):
        found = self.c.kernel_processes(self.proc.pid, kernel_id)
        return found[0] if found else None

    def close(self) -> None:
        self.c.stop(self.proc)
        self.log.close()
        shutil.rmtree(self.folder, ignore_errors=True)


class KernelWatch:
    """Polls the server's kernels once a second: last CPU time and largest USS per process."""

    def __init__(self, server: DashboardServer, interval: float = 1.0) -> None:
        self.server = server
        self.interval = interval
        self.cpu: dict[int, float] = {}
        self.uss: dict[int, int] = {}
        self.alive: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            procs = self.server.kernels()
            self.alive.append((time.monotonic(), len(procs)))
            for p in procs:
                try:
                    with p.oneshot():
                        t = p.cpu_times()
                        self.cpu[p.pid] = t.user + t.system
                        self.uss[p.pid] = max(self.uss.get(p.pid, 0), p.memory_full_info().uss)
                except psutil.Error:
                    pass
            self._stop.wait(self.interval)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


# ── a protocol-level client ──────────────────────────────────────────────────


def _now_iso() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat()


PROTOCOL = "v1.kernel.websocket.jupyter.org"  # the kernel websocket protocol the page speaks


def encode_frame(channel: str, header: dict, parent: dict, metadata: dict, content: dict) -> bytes:
    """One message in the v1 binary framing: a count, 64-bit little-endian offsets, then the
    channel and the JSON parts."""
    parts = [channel.encode()] + [json.dumps(x).encode() for x in (header, parent, metadata, content)]
    offsets = [8 * (len(parts) + 2)]
    for part in parts:
        offsets.append(offsets[-1] + len(part))
    return b"".join([len(offsets).to_bytes(8, "little"), *(o.to_bytes(8, "little") for o in offsets), *parts])


def decode_frame(data) -> dict:
    """A v1 frame as {channel, msg_type, content} (buffers are not needed here)."""
    if isinstance(data, str):
        msg = json.loads(data)
        return {"channel": msg.get("channel"), "msg_type": msg["header"]["msg_type"], "content": msg["content"]}
    n = int.from_bytes(data[:8], "little")
    offsets = [int.from_bytes(data[8 * (i + 1) : 8 * (i + 2)], "little") for i in range(n)]
    parts = [data[offsets[i] : offsets[i + 1]] for i in range(n - 1)]
    header = json.loads(parts[1])
    return {"channel": parts[0].decode(), "msg_type": header["msg_type"], "content": json.loads(parts[4])}


class Client:
    """One user, on the wire: the page, the kernel websocket, the widget handshake, changes."""

    def __init__(self, base: str, index: int, changes: int, beacon: bool, timeout: float, path: str = "/") -> None:
        self.base = base
        self.path = path
        self.index = index
        self.changes = changes
        self.beacon = beacon
        self.timeout = timeout
        self.session = uuid.uuid4().hex
        self.first_result: float | None = None
        self.change_ms: list[float] = []
        self.error: str | None = None
        self.kernel_id: str | None = None
        self.recipe: str | None = None
        self._queue: asyncio.Queue = asyncio.Queue()

    def _msg(self, msg_type: str, content: dict, metadata: dict | None = None) -> bytes:
        header = {
            "msg_id": uuid.uuid4().hex,
            "username": "load",
            "session": self.session,
            "msg_type": msg_type,
            "version": "5.3",
            "date": _now_iso(),
        }
        return encode_frame("shell", header, {}, metadata or {}, content)

    async def _next(self, match, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no matching message")
            msg = await asyncio.wait_for(self._queue.get(), left)
            if msg is None:
                raise ConnectionError("websocket closed")
            if match(msg):
                return msg

    async def _reader(self, ws) -> None:
        while True:
            data = await ws.read_message()
            if data is None:
                await self._queue.put(None)
                return
            try:
                msg = decode_frame(data)
            except (ValueError, KeyError, IndexError):
                continue
            if msg.get("channel") == "iopub" and msg.get("msg_type") == "comm_msg":
                await self._queue.put(msg)

    async def run(self) -> None:
        from tornado.httpclient import AsyncHTTPClient, HTTPRequest
        from tornado.websocket import websocket_connect

        http = AsyncHTTPClient()
        t0 = time.perf_counter()
        ws = None
        reader = None
        try:
            resp = await http.fetch(self.base + self.path, request_timeout=self.timeout, connect_timeout=self.timeout)
            html = resp.body.decode()
            found = re.search(r'"kernelId":\s*"([0-9a-f-]+)"', html)
            if not found:
                raise RuntimeError("no kernelId in the page")
            self.kernel_id = found.group(1)
            cookies = {}
            for header in resp.headers.get_list("Set-Cookie"):
                name, _, rest = header.partition("=")
                cookies[name.strip()] = rest.split(";", 1)[0]
            self.cookies = cookies
            cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
            url = (
                self.base.replace("http://", "ws://") + f"/api/kernels/{self.kernel_id}/channels"
                f"?session_id={self.session}"
            )
            ws = await websocket_connect(
                HTTPRequest(url, headers={"Cookie": cookie}, connect_timeout=self.timeout),
                max_message_size=64 << 20,
                subprotocols=[PROTOCOL],
            )
            reader = asyncio.ensure_future(self._reader(ws))
            control = uuid.uuid4().hex
            ws.write_message(
                binary=True,
                message=self._msg(
                    "comm_open",
                    {"comm_id": control, "target_name": "jupyter.widget.control", "data": {}},
                    {"version": "1.0.0"},
                ),
            )
            ws.write_message(
                binary=True, message=self._msg("comm_msg", {"comm_id": control, "data": {"method": "request_states"}})
            )
            msg = await self._next(
                lambda m: (
                    m["content"].get("comm_id") == control and m["content"]["data"].get("method") == "update_states"
                ),
                self.timeout,
            )
            panels = {
                mid: s["state"]
                for mid, s in msg["content"]["data"]["states"].items()
                if "recipe_id" in s["state"] and "revision" in s["state"]
            }
            shown = {mid: st for mid, st in panels.items() if st.get("revision", 0) >= 1 and st.get("result")}
            if not shown:
                raise RuntimeError("the handshake's states hold no recipe panel with a result")
            self.first_result = time.perf_counter() - t0
            self.panels = len(panels)
            mid, state = next(iter(shown.items()))
            self.recipe = state["recipe_id"]
            await self._changes(ws, mid, state)
        except Exception as exc:  # a failure is a result: counted, with its reason
            self.error = f"{type(exc).__name__}: {exc}"[:200]
        finally:
            if ws is not None:
                ws.close()
            if reader is not None:
                reader.cancel()
            if self.beacon and self.kernel_id:
                try:
                    body = urllib.parse.urlencode({"_xsrf": self.cookies.get("_xsrf", "")})
                    cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
                    await http.fetch(
                        f"{self.base}/voila/api/shutdown/{self.kernel_id}",
                        method="POST",
                        body=body,
                        headers={"Cookie": cookie},
                        raise_error=False,
                        request_timeout=30,
                    )
                except Exception:
                    pass

    async def _changes(self, ws, mid: str, state: dict) -> None:
        params = dict(state["params"])
        revision = state["revision"]
        name = next((k for k in ("T_eval", "USD_budget", "monthly_tokens_M", "N_params") if k in params), None)
        if name is None:
            return
        rng = random.Random(self.index)
        for i in range(self.changes):
            await asyncio.sleep(rng.uniform(0.3, 1.0))
            value = params[name]
            params[name] = value * 2 if i % 2 == 0 else value / 2  # a valid value, different each time
            if isinstance(value, int) and not isinstance(value, bool):
                params[name] = int(params[name])
            t = time.perf_counter()
            ws.write_message(
                binary=True,
                message=self._msg(
                    "comm_msg",
                    {"comm_id": mid, "data": {"method": "update", "state": {"params": params}, "buffer_paths": []}},
                ),
            )
            before = revision
            msg = await self._next(
                lambda m: (
                    m["content"].get("comm_id") == mid
                    and m["content"]["data"].get("method") == "update"
                    and m["content"]["data"].get("state", {}).get("revision", -1) > before
                ),
                self.timeout,
            )
            self.change_ms.append((time.perf_counter() - t) * 1e3)
            revision = msg["content"]["data"]["state"]["revision"]


async def crowd(base: str, n: int, changes: int, timeout: float) -> list[Client]:
    clients = [Client(base, i, changes, beacon=(i % 2 == 0), timeout=timeout) for i in range(n)]
    await asyncio.gather(*(c.run() for c in clients))
    return clients


def capacity(args, notebook: Path, artifacts: Path) -> list[dict]:
    from tornado.httpclient import AsyncHTTPClient

    AsyncHTTPClient.configure(None, max_clients=1000)
    rows = []
    for n in args.users:
        load = os.getloadavg()
        server = DashboardServer(notebook, args.serve_arg, artifacts)
        want = 0
        try:
            if any("preheat_kernel=True" in a for a in args.serve_arg):
                # a preheated pool fills after start; let it (the time is reported)
                t = time.monotonic()
                want = max(1, next((int(a.split("=")[1]) for a in args.serve_arg if "pool_size=" in a), 1))
                while len(server.kernels()) < want and time.monotonic() - t < 600:
                    time.sleep(1)
                # then until the pool has run the notebook: its kernels' CPU stops growing
                last = -1.0
                while time.monotonic() - t < 600:
                    total = sum(sum(_cpu(p.pid)) for p in server.kernels())
                    if total - last < 0.05:
                        break
                    last = total
                    time.sleep(3)
                print(
                    f"  (pool of {len(server.kernels())} kernels ready after {time.monotonic() - t:.0f} s, "
                    f"{total:.1f} s of kernel CPU)"
                )
            watch = KernelWatch(server)
            server_cpu0 = sum(_cpu(server.proc.pid))
            t0 = time.monotonic()
            clients = asyncio.run(crowd(server.base, n, args.changes, args.timeout))
            ran = time.monotonic() - t0
            server_cpu = sum(_cpu(server.proc.pid)) - server_cpu0
            left = time.monotonic()
            alive_at_leave = users_kernels(server, {c.kernel_id for c in clients if c.kernel_id})
            zero_at = None
            ids = {c.kernel_id for c in clients if c.kernel_id}
            while time.monotonic() - left < args.linger:
                k = users_kernels(server, ids)
                if k == 0 and zero_at is None:
                    zero_at = time.monotonic() - left
                time.sleep(1)
            alive = users_kernels(server, ids)  # the users' kernels only (a preheated pool refills itself)
            watch.stop()
            helper = fork_helper(server)
        finally:
            server.close()
        ok = [c for c in clients if c.first_result is not None and c.error is None]
        firsts = [c.first_result for c in clients if c.first_result is not None]
        changes = [ms for c in clients for ms in c.change_ms]
        kernels_cpu = sum(watch.cpu.values())
        users_with_kernel = max(1, len(watch.cpu))
        errors = {}
        for c in clients:
            if c.error:
                errors[c.error] = errors.get(c.error, 0) + 1
        rows.append(
            dict(
                n=n,
                load=load,
                ran=ran,
                ok=len(ok),
                failures=n - len(ok),
                errors=errors,
                first_p50=med(firsts),
                first_p95=pct(firsts, 0.95),
                first_max=max(firsts) if firsts else float("nan"),
                change_p50=med(changes),
                change_p95=pct(changes, 0.95),
                changes=len(changes),
                kernel_cpu=kernels_cpu / users_with_kernel,
                kernel_uss=med(list(watch.uss.values())) / 1e6,
                kernels_seen=len(watch.cpu),
                server_cpu=server_cpu,
                alive_at_leave=alive_at_leave,
                alive=alive,
                zero_at=zero_at,
                pool=want,
                helper=helper,
                panels=med([getattr(c, "panels", 0) for c in ok]) if ok else 0,
                log=str(server.log_path),
            )
        )
        r = rows[-1]
        print(
            f"  N={n}: {r['ok']}/{n} got a result in {ran:.0f} s; first result p95 {r['first_p95']:.2f} s; "
            f"change p95 {r['change_p95']:.0f} ms; kernels alive {args.linger:.0f} s after: {alive}",
            flush=True,
        )
    return rows


def fork_helper(server: DashboardServer) -> dict | None:
    """CPU (since it started) and memory of the server's kernel-forking helper, if it has one."""
    import psutil

    try:
        for p in psutil.Process(server.proc.pid).children():
            if "taf_widgets.forkkernel" in " ".join(p.cmdline()):
                t = p.cpu_times()
                return {
                    "cpu": t.user + t.system,
                    "uss_mb": p.memory_full_info().uss / 1e6,
                    "rss_mb": p.memory_info().rss / 1e6,
                }
    except psutil.Error:
        pass
    return None


def users_kernels(server: DashboardServer, ids: set) -> int:
    """How many of the server's kernel processes run one of the kernels ``ids``."""
    return len(server.c.kernel_processes(server.proc.pid, ids)) if ids else 0


def _cpu(pid: int) -> tuple[float, float]:
    import psutil

    try:
        t = psutil.Process(pid).cpu_times()
        return (t.user, t.system)
    except psutil.Error:
        return (0.0, 0.0)


def print_capacity(args, rows: list[dict]) -> None:
    print(
        f"\nserver capacity: protocol-level clients, all N at once, {args.changes} value changes each, "
        f"then every second one sends the tab-close shutdown and the others just disconnect"
    )
    head = [
        "N",
        "load avg",
        "results",
        "first p50 s",
        "first p95 s",
        "first max s",
        "change p50 ms",
        "change p95 ms",
        "kernel CPU/user s",
        "kernel USS/user MB",
        f"alive {args.linger:.0f} s after",
        "all ended after",
    ]
    print(" | ".join(head))
    for r in rows:
        print(
            " | ".join(
                [
                    str(r["n"]),
                    f"{r['load'][0]:.2f}",
                    f"{r['ok']}/{r['n']}",
                    fmt(r["first_p50"], 2),
                    fmt(r["first_p95"], 2),
                    fmt(r["first_max"], 2),
                    fmt(r["change_p50"]),
                    fmt(r["change_p95"]),
                    fmt(r["kernel_cpu"], 2),
                    fmt(r["kernel_uss"], 0),
                    str(r["alive"]) + (f" (pool of {r['pool']} not counted)" if r["pool"] else ""),
                    "—" if r["zero_at"] is None else f"{r['zero_at']:.0f} s",
                ]
            )
        )
    for r in rows:
        extra = (
            f"N={r['n']}: {r['changes']} changes timed; recipe panels in the handshake: {r['panels']:.0f}; "
            f"server process CPU {r['server_cpu']:.1f} s; kernels at leave {r['alive_at_leave']}; "
            f"whole run {r['ran']:.0f} s; server log {r['log']}"
        )
        if r.get("helper"):
            h = r["helper"]
            extra += (
                f"; kernel-forking helper: {h['cpu']:.2f} s CPU since the server started, "
                f"USS {h['uss_mb']:.0f} MB (RSS {h['rss_mb']:.0f} MB)"
            )
        print(extra)
        for err, count in r["errors"].items():
            print(f"    {count} × {err}")


# ── page cost in Chromium ────────────────────────────────────────────────────

VERDICT = ".taf-recipe[data-revision] [data-role=verdict] .taf-badge"
#: What Voilà's page costs on its own: a notebook showing one ipywidgets Label (``--floor``).
FLOOR_SOURCE = 'import ipywidgets\nipywidgets.Label("floor", _dom_classes=["taf-floor"])'
FLOOR_SELECTOR = ".taf-floor"


def floor_notebook(folder: Path) -> Path:
    path = folder / "floor.ipynb"
    path.write_text(
        json.dumps(
            {
                "cells": [
                    {
                        "cell_type": "code",
                        "execution_count": None,
                        "id": "floor",
                        "metadata": {},
                        "outputs": [],
                        "source": FLOOR_SOURCE,
                    }
                ],
                "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
                "nbformat": 4,
                "nbformat_minor": 5,
            }
        )
    )
    return path


def git_notebook(spec: str, folder: Path) -> Path:
    """``REV:PATH`` (a notebook as committed at REV) written to ``folder``; a plain path as is."""
    if Path(spec).exists() or ":" not in spec:
        return Path(spec)
    out = folder / ("before-" + Path(spec.split(":", 1)[1]).name)
    out.write_bytes(subprocess.run(["git", "show", spec], cwd=ROOT, check=True, capture_output=True).stdout)
    return out


def page_cost(args, notebooks: list[tuple[str, Path, str]], artifacts: Path) -> dict[str, list[dict]]:
    """Loads of each notebook's page, interleaved (A, B, A, B...), each from its own server."""
    import psutil
    from playwright.sync_api import sync_playwright

    c = _conftest()
    if not (os.path.isfile(c.CHROMIUM) and os.access(c.CHROMIUM, os.X_OK)):
        sys.exit(f"Chromium not found at {c.CHROMIUM}: apt-get install -y chromium (or set TAF_CHROMIUM)")
    servers = {}
    loads: dict[str, list[dict]] = {label: [] for label, _, _ in notebooks}
    try:
        for label, notebook, _ in notebooks:
            servers[label] = DashboardServer(notebook, args.serve_arg, artifacts)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=c.CHROMIUM, headless=True, args=c.CHROMIUM_ARGS)
            me = psutil.Process()

            def chromium_cpu() -> dict[int, float]:
                out = {}
                for proc in me.children(recursive=True):
                    try:
                        if "chrom" in proc.name():
                            t = proc.cpu_times()
                            out[proc.pid] = t.user + t.system
                    except psutil.Error:
                        pass
                return out

            for i in range(args.page_loads + 1):
                for label, _, selector in notebooks:
                    one = _load_once(
                        browser,
                        servers[label],
                        chromium_cpu,
                        artifacts / f"load-page-{label}.png" if i == 1 else None,
                        selector,
                    )
                    if i > 0:  # the first round warms the server and the OS caches
                        loads[label].append(one)
                    time.sleep(1)
            version = browser.version
            browser.close()
    finally:
        for server in servers.values():
            server.close()
    for rows in loads.values():
        for row in rows:
            row["browser"] = version
    return loads


def _main_thread_ms(trace: bytes) -> tuple[float, float]:
    """(CPU ms, wall ms) of the renderer main threads' top-level tasks in a Chromium trace."""
    events = json.loads(trace)
    events = events.get("traceEvents", events) if isinstance(events, dict) else events
    mains = {
        (e["pid"], e["tid"])
        for e in events
        if e.get("ph") == "M" and e.get("name") == "thread_name" and e.get("args", {}).get("name") == "CrRendererMain"
    }
    cpu = wall = 0.0
    for e in events:
        if (
            e.get("ph") == "X"
            and e.get("name") == "ThreadControllerImpl::RunTask"
            and (e.get("pid"), e.get("tid")) in mains
        ):
            cpu += e.get("tdur", e.get("dur", 0))
            wall += e.get("dur", 0)
    return cpu / 1e3, wall / 1e3


def _load_once(browser, server, chromium_cpu, shot: Path | None, selector: str = VERDICT) -> dict:
    ctx = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = ctx.new_page()
    cdp = ctx.new_cdp_session(page)
    cdp.send("Performance.enable")
    cdp.send("Network.enable")
    net = {"http": 0, "ws": 0, "last": time.monotonic()}

    def finished(e):
        net["http"] += e.get("encodedDataLength", 0)
        net["last"] = time.monotonic()

    def frame(e):
        r = e["response"]
        size = len(r.get("payloadData", ""))
        net["ws"] += size * 3 // 4 if r.get("opcode") == 2 else size
        net["last"] = time.monotonic()

    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.webSocketFrameReceived", frame)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    cpu0 = chromium_cpu()
    browser.start_tracing(page=page, categories=["toplevel"])
    page.goto(server.base + "/")
    page.wait_for_function(
        f"() => {{ const b = document.querySelector({json.dumps(selector)});"
        " return b && b.textContent.trim().length > 0; }",
        timeout=180_000,
        polling=20,
    )
    trace = browser.stop_tracing()
    first = _sample(page, cdp, net, chromium_cpu, cpu0, server)
    first["main_cpu_ms"], first["main_wall_ms"] = _main_thread_ms(trace)
    t_quiet = time.monotonic()  # then until nothing was received for 2 s
    while time.monotonic() - net["last"] < 2.0 and time.monotonic() - t_quiet < 30:
        page.wait_for_timeout(200)
    settled = _sample(page, cdp, net, chromium_cpu, cpu0, server)
    if shot is not None:
        page.screenshot(path=str(shot))
    page.close(run_before_unload=True)  # as a closing tab: the kernel is shut down
    ctx.close()
    return {"first": first, "settled": settled, "errors": errors}


def _sample(page, cdp, net, chromium_cpu, cpu0, server) -> dict:
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    now = chromium_cpu()
    browser_cpu = sum(v - cpu0.get(pid, 0.0) for pid, v in now.items())
    kid = page.evaluate(
        "() => { const el = document.getElementById('jupyter-config-data');"
        " return el ? JSON.parse(el.textContent).kernelId : null; }"
    )
    kernel_cpu = float("nan")
    proc = server.kernel_process(kid) if kid else None
    if proc is not None:
        t = proc.cpu_times()
        kernel_cpu = t.user + t.system
    return {
        "task_ms": metrics.get("TaskDuration", 0) * 1e3,
        "script_ms": metrics.get("ScriptDuration", 0) * 1e3,
        "layout_ms": metrics.get("LayoutDuration", 0) * 1e3,
        "style_ms": metrics.get("RecalcStyleDuration", 0) * 1e3,
        "browser_cpu_ms": browser_cpu * 1e3,
        "kernel_cpu_ms": kernel_cpu * 1e3,
        "kb": (net["http"] + net["ws"]) / 1e3,
        "ws_kb": net["ws"] / 1e3,
        "nodes": metrics.get("Nodes", 0),
        "bqplot": page.locator(".bqplot").count(),
        "panels": page.locator(".taf-recipe").count(),
    }


def print_page_cost(label: str, loads: list[dict], load_avg) -> None:
    print(
        f"\npage cost, {label}: {len(loads)} loads after a warm-up (medians), load average at start "
        f"{load_avg[0]:.2f}, Chromium {loads[0]['browser'] if loads else '?'}"
    )
    keys = [
        ("main_cpu_ms", "renderer main thread CPU (trace), ms"),
        ("main_wall_ms", "renderer main thread task time (trace), ms"),
        ("task_ms", "main thread busy (TaskDuration), ms"),
        ("script_ms", "  of which script, ms"),
        ("layout_ms", "  of which layout, ms"),
        ("style_ms", "  of which style recalc, ms"),
        ("browser_cpu_ms", "CPU of all Chromium processes, ms"),
        ("kernel_cpu_ms", "kernel CPU, ms"),
        ("kb", "KB received (HTTP + websocket)"),
        ("ws_kb", "  of which websocket, KB"),
        ("panels", "recipe panels in the page"),
        ("bqplot", "bqplot figures in the page"),
        ("nodes", "DOM nodes"),
    ]
    w = max(len(k[1]) for k in keys)
    print(f"{'':<{w}}  {'to first verdict':>16}  {'settled (+2 s quiet)':>20}")
    for key, name in keys:
        print(
            f"{name:<{w}}  {fmt(med([x['first'][key] for x in loads])):>16}  "
            f"{fmt(med([x['settled'][key] for x in loads if key in x['settled']])):>20}"
        )
    errors = [e for x in loads for e in x["errors"]]
    print(f"{'console errors per page (median)':<{w}}  {fmt(med([len(x['errors']) for x in loads]), 0):>16}")
    seen = {}
    for e in errors:
        seen[e[:140]] = seen.get(e[:140], 0) + 1
    for e, n in sorted(seen.items(), key=lambda kv: -kv[1]):
        print(f"    {n} × {e}")


def print_ratios(title: str, num: list[dict], den: list[dict], keys) -> None:
    """``num`` / ``den`` for each ``(key, name)``, medians of the loads' figures at the first verdict."""
    print("\n" + title)
    for key, name in keys:
        n, d = med([x["first"][key] for x in num]), med([x["first"][key] for x in den])
        print(f"  {name}: {fmt(n)} / {fmt(d)} = {n / d:.2f}" if d else f"  {name}: —")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", default="1,10,30,60", help="comma-separated N (default 1,10,30,60)")
    parser.add_argument("--changes", type=int, default=5, help="value changes per client")
    parser.add_argument("--linger", type=float, default=90, help="seconds to watch kernels after the clients left")
    parser.add_argument("--timeout", type=float, default=180, help="seconds a client waits for any one answer")
    parser.add_argument("--page-loads", type=int, default=3, help="Chromium page loads (after one warm-up)")
    parser.add_argument("--notebook", type=Path, default=ROOT / "examples" / "dashboard.ipynb")
    parser.add_argument("--label", default=None, help="name of the page-cost measurement (default: this)")
    parser.add_argument(
        "--before",
        help="an older dashboard notebook (a path, or REV:PATH from git, e.g. "
        "930bee8:examples/dashboard.ipynb): page cost of both, interleaved",
    )
    parser.add_argument(
        "--floor", action="store_true", help="also measure Voilà's page alone (one ipywidgets Label), interleaved"
    )
    parser.add_argument("--only", choices=["capacity", "page"], help="run one half only")
    parser.add_argument("--serve-arg", action="append", default=[], help="extra argument for taf_widgets.serve")
    parser.add_argument("--json", metavar="PATH", help="also write the raw figures as JSON")
    args = parser.parse_args()
    args.users = [int(x) for x in args.users.split(",") if x.strip()]
    c = _conftest()
    c.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    from bench_browser import machine

    print("\n".join(machine("?")).replace(", Chromium ? (headless)", ""))
    print(
        f"notebook: {args.notebook}; server: python -m taf_widgets.serve NOTEBOOK --no-browser "
        f"--Voila.ip=127.0.0.1 --port=P {' '.join(args.serve_arg)}".rstrip()
    )
    out = {}
    if args.only in (None, "page"):
        load = os.getloadavg()
        scratch = Path(tempfile.mkdtemp(prefix="taf-load-pages-"))
        pages = [(args.label or "this", args.notebook, VERDICT)]
        if args.before:
            pages.insert(0, ("before", git_notebook(args.before, scratch), VERDICT))
        if args.floor:
            pages.append(("floor", floor_notebook(scratch), FLOOR_SELECTOR))
        loads = page_cost(args, pages, c.ARTIFACTS)
        for label, rows in loads.items():
            print_page_cost(label, rows, load)
        if args.before:
            b, a = loads["before"], loads[pages[1][0]]
            print_ratios(
                "after / before (medians, to first verdict):",
                a,
                b,
                (
                    ("main_cpu_ms", "renderer main thread CPU"),
                    ("task_ms", "TaskDuration"),
                    ("browser_cpu_ms", "CPU of all Chromium processes"),
                    ("kernel_cpu_ms", "kernel CPU"),
                    ("kb", "bytes received"),
                    ("ws_kb", "websocket bytes"),
                ),
            )
            if args.floor:
                print_ratios(
                    "Voilà's page alone (one Label) / before (medians):",
                    loads["floor"],
                    b,
                    (("main_cpu_ms", "renderer main thread CPU"), ("task_ms", "TaskDuration")),
                )
            print("\ntarget: the first verdict uses at most half of before's main-thread time, with 0 console errors")
            am_cpu, bm_cpu = med([x["first"]["main_cpu_ms"] for x in a]), med([x["first"]["main_cpu_ms"] for x in b])
            errs = med([len(x["errors"]) for x in a])
            print(
                f"  {'met   ' if am_cpu <= bm_cpu / 2 else 'MISSED'}  main thread CPU: {am_cpu / bm_cpu:.2f} of before"
            )
            print(f"  {'met   ' if errs == 0 else 'MISSED'}  console errors per page: {errs:.0f}")
        out["page"] = loads
    if args.only in (None, "capacity"):
        print(
            f"\nserver capacity, N = {', '.join(map(str, args.users))} (load average at the start of each run below)",
            flush=True,
        )
        rows = capacity(args, args.notebook, c.ARTIFACTS)
        print_capacity(args, rows)
        out["capacity"] = rows
        print("\ntargets (30 users at once)")
        r30 = next((r for r in rows if r["n"] == 30), None)
        if r30:
            for label, ok, value in (
                ("all 30 get a result", r30["ok"] == 30, f"{r30['ok']}/30"),
                ("first result p95 ≤ 10 s", r30["first_p95"] <= 10, f"{r30['first_p95']:.2f} s"),
                ("change → result p95 ≤ 200 ms", r30["change_p95"] <= 200, f"{r30['change_p95']:.0f} ms"),
                (f"0 kernels alive {args.linger:.0f} s after they leave", r30["alive"] == 0, str(r30["alive"])),
            ):
                print(f"  {'met   ' if ok else 'MISSED'}  {label}: {value}")
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1, default=str))


if __name__ == "__main__":
    main()
