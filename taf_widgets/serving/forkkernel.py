"""Kernels forked from a warm process: a new user's kernel skips the imports.

A Python kernel spends most of its start importing: ipykernel, then the notebook's
``taf_widgets``, ipywidgets, bqplot (which imports pandas) and numpy, about 0.8 s of CPU
before its first cell runs. When thirty students open the dashboard at once on a 2-core
server, that is the wait. :class:`ForkProvisioner` (a Jupyter kernel provisioner, the
default of ``python -m taf_widgets.serve``) starts one helper process per server that
imports those modules once and then waits; each new kernel is a ``fork`` of it, so it starts
with everything imported and its memory pages shared with the helper until written.

Select it with ``--KernelProvisionerFactory.default_provisioner_name=taf-fork`` (which
``taf_widgets.serve`` passes unless told otherwise) and choose what the helper imports with
``--ForkProvisioner.preload='["taf_widgets.dashboard", "bqplot"]'``. What to know:

* Linux only (it needs ``fork`` and ``pidfd_open``). Elsewhere, for a kernel command that is
  not this Python's ``-m ipykernel_launcher``, or if the helper cannot start, a kernel is
  started as usual, and the server log says why.
* A forked kernel runs the code the helper imported when the server started: after
  upgrading a preloaded package, restart the server.
* What is settled when a Python process starts, or when a preloaded module is imported, has
  the server's values: ``PYTHONPATH`` and interpreter options from a kernel spec, environment
  variables a preloaded module reads on import. The kernel's own environment (Voilà's query
  string and so on) is set before its code runs.
* The kernel is the helper's child, not the server's: the server sees its exit through a
  pidfd, not an exit status (it reports 0, or minus the signal it sent).
"""

from __future__ import annotations

import atexit
import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time
from typing import Any

from traitlets import List, Unicode

from . import EXTRA_HINT

try:
    from jupyter_client.provisioning import LocalProvisioner
except ModuleNotFoundError as exc:  # the widgets alone do not bring jupyter_client
    raise ModuleNotFoundError(
        f"taf_widgets.serving.forkkernel needs the [serve] extra ({exc}): {EXTRA_HINT}", name=exc.name
    ) from exc

__all__ = ["DEFAULT_PRELOAD", "ForkProvisioner", "forkable"]

#: Modules the helper imports once (besides ``ipykernel.kernelapp``): the dashboard's.
DEFAULT_PRELOAD: tuple[str, ...] = ("taf_widgets", "taf_widgets.dashboard", "bqplot")

_LAUNCHER = ("-m", "ipykernel_launcher")
_MAX_REQUEST = 1 << 22  # a kernel's environment, in bytes, with room to spare


def supported() -> bool:
    """Whether kernels can be forked here (Linux: ``fork`` and ``pidfd_open``)."""
    return sys.platform.startswith("linux") and hasattr(os, "pidfd_open") and hasattr(os, "fork")


def forkable(cmd: list[str]) -> bool:
    """Whether ``cmd`` starts this Python's ipykernel: the one command the helper can stand for."""
    return len(cmd) >= 3 and cmd[0] == sys.executable and tuple(cmd[1:3]) == _LAUNCHER


# ── in the server ──────────────────────────────────────────────────────────────────────────


class ForkedProcess:
    """The part of ``subprocess.Popen`` that jupyter_client uses, for a kernel forked by the
    helper (not our child: its exit is seen through a pidfd, which a reused PID cannot fool)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._signal = 0
        self._fd: int | None = os.pidfd_open(pid)

    def poll(self) -> int | None:
        if self.returncode is None and self._fd is not None:
            ready, _, _ = select.select([self._fd], [], [], 0)
            if ready:
                os.close(self._fd)
                self._fd = None
                self.returncode = -self._signal if self._signal else 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if self._fd is not None:
                left = None if deadline is None else max(0.0, deadline - time.monotonic())
                select.select([self._fd], [], [], left)
            if deadline is not None and time.monotonic() >= deadline and self.poll() is None:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout)
        return self.returncode  # type: ignore[return-value]

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            self._signal = signum
            signal.pidfd_send_signal(self._fd, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def __del__(self) -> None:
        if self._fd is not None:
            try:
                os.close(self._fd)
            except OSError:
                pass


class Helper:
    """One warm process that imports ``preload`` and forks a kernel per request."""

    def __init__(self, preload: tuple[str, ...]) -> None:
        self.preload = preload
        self.folder = tempfile.mkdtemp(prefix="taf-fork-")  # mode 0700: only this user connects
        self.path = os.path.join(self.folder, "helper.sock")
        self.proc = subprocess.Popen(
            # by the module's old name (which runs this one): what process lists have always shown
            [sys.executable, "-m", "taf_widgets.forkkernel", self.path, *preload],
            stdin=subprocess.DEVNULL,
            cwd=self.folder,
        )
        atexit.register(self.close)

    def alive(self) -> bool:
        return self.proc.poll() is None

    async def fork(self, argv: list[str], env: dict[str, str], cwd: str, timeout: float = 120.0) -> int:
        """Ask for a kernel running ``python -m ipykernel_launcher *argv``; return its PID."""
        import asyncio

        deadline = time.monotonic() + timeout
        while True:  # the helper is still importing until its socket answers
            try:
                reader, writer = await asyncio.open_unix_connection(self.path)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                if not self.alive():
                    raise RuntimeError(f"the kernel helper exited with code {self.proc.returncode}") from None
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the kernel helper did not answer within {timeout:.0f} s") from None
                await asyncio.sleep(0.05)
        try:
            writer.write(json.dumps({"argv": argv, "env": env, "cwd": cwd}).encode() + b"\n")
            await writer.drain()
            line = await asyncio.wait_for(reader.readline(), max(1.0, deadline - time.monotonic()))
        finally:
            writer.close()
        answer = json.loads(line or b"{}")
        if "pid" not in answer:
            raise RuntimeError(f"the kernel helper refused: {answer.get('error', 'no answer')}")
        return int(answer["pid"])

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        try:
            os.unlink(self.path)
        except OSError:
            pass
        try:
            os.rmdir(self.folder)
        except OSError:
            pass


_HELPERS: dict[tuple[str, ...], Helper] = {}


def helper(preload: tuple[str, ...]) -> Helper:
    """The server's helper for ``preload``, started on first use (and again if it died)."""
    h = _HELPERS.get(preload)
    if h is None or not h.alive():
        if h is not None:
            h.close()
        h = _HELPERS[preload] = Helper(preload)
    return h


class ForkProvisioner(LocalProvisioner):
    """Starts ``python -m ipykernel_launcher`` kernels by forking a warm helper process; any
    other kernel, or any failure, is started as :class:`LocalProvisioner` starts it."""

    preload = List(
        Unicode(),
        default_value=list(DEFAULT_PRELOAD),
        config=True,
        help="Modules the helper imports once, for every kernel it forks (ipykernel.kernelapp is always imported).",
    )

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        why = None if supported() else "this system cannot fork kernels (Linux only)"
        if why is None and not forkable(cmd):
            why = f"the kernel command is not {sys.executable} -m ipykernel_launcher"
        if why is None:
            cwd = str(kwargs.get("cwd") or os.getcwd())
            env = {str(k): str(v) for k, v in (kwargs.get("env") or os.environ).items()}
            try:
                pid = await helper(tuple(self.preload)).fork(list(cmd[3:]), env, cwd)
                self.process = ForkedProcess(pid)
            except Exception as exc:  # noqa: BLE001 - any failure: start the kernel as usual
                why = f"the kernel helper failed ({exc})"
            else:
                self.pid = pid
                self.pgid = pid  # the kernel leads its own session, as Popen's kernels do
                self.cwd = cwd
                return self.connection_info
        self.log.warning("Starting the kernel without forking: %s", why)
        return await super().launch_kernel(cmd, **kwargs)

    async def send_signal(self, signum: int) -> None:
        # LocalProvisioner signals the kernel's process group; remember the signal, which is
        # all a forked kernel's exit status can tell (see ForkedProcess.poll)
        if isinstance(self.process, ForkedProcess) and self.process.returncode is None:
            self.process._signal = signum
        await super().send_signal(signum)


# ── in the helper ──────────────────────────────────────────────────────────────────────────


def _read_request(conn: socket.socket) -> dict:
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
        if len(data) > _MAX_REQUEST:
            raise ValueError("request too large")
    return json.loads(data)


def _kernel(request: dict) -> None:
    """In the forked child: become the kernel ``python -m ipykernel_launcher *argv`` would be."""
    code = 1
    try:
        for signum in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        import ipykernel_launcher
        from ipykernel.kernelapp import IPKernelApp

        sys.argv = [ipykernel_launcher.__file__, *request["argv"]]
        # Its parent is the helper, which ends with the server: the kernel then ends too, as a
        # Popen kernel does with its server (ipykernel read JPY_PARENT_PID at import, too early).
        app = IPKernelApp.instance(parent_handle=os.getppid())
        app.initialize(request["argv"])
        # ipywidgets registers its comm targets when it is imported inside a running kernel;
        # the helper imported it before any kernel existed, so register them now.
        widgets = sys.modules.get("ipywidgets")
        if widgets is not None and hasattr(widgets, "register_comm_target"):
            widgets.register_comm_target()
        app.start()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # noqa: BLE001 - report, then leave without running the helper's code
        import traceback

        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def serve(path: str, preload: list[str]) -> None:
    """The helper: import, then fork one kernel per request on the Unix socket ``path``."""
    import gc
    import importlib
    import threading

    # Ctrl-C in the server's terminal reaches the helper too; the server decides what it means.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]  # as ipykernel_launcher does; the kernel puts its own folder back
    # What every kernel imports as it starts: its application, and (when the kernel object is
    # made) the debugger, which imports debugpy, about 0.15 s. The variable silences debugpy's
    # frozen-modules notice, as ipykernel's own kernel spec does.
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    import ipykernel.kernelapp  # noqa: F401
    import ipykernel_launcher  # noqa: F401

    for name in ("ipykernel.ipkernel", "ipykernel.debugger", *preload):
        try:
            importlib.import_module(name)
        except Exception as exc:  # noqa: BLE001 - a kernel can still import it itself
            print(f"taf-fork helper: could not preload {name}: {exc}", file=sys.stderr)
    if threading.active_count() != 1:  # forking a threaded process can deadlock its children
        sys.exit(
            f"taf-fork helper: the preloaded modules started threads "
            f"({', '.join(t.name for t in threading.enumerate())}); not forking"
        )
    gc.collect()
    gc.freeze()  # the children's collections then leave the shared pages alone
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernels are reaped by the system
    parent = os.getppid()
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path + ".tmp")
    server.listen(128)
    os.rename(path + ".tmp", path)  # the path appears once the socket listens
    server.settimeout(1.0)
    while os.getppid() == parent:  # the server is gone: stop
        try:
            conn, _ = server.accept()
        except TimeoutError:
            continue
        with conn:
            conn.settimeout(30)
            try:
                request = _read_request(conn)
                ready_r, ready_w = os.pipe()
                pid = os.fork()
                if pid == 0:
                    server.close()
                    conn.close()
                    os.close(ready_r)
                    os.setsid()  # its own session and process group, as Popen's kernels have
                    os.write(ready_w, b"1")
                    os.close(ready_w)
                    _kernel(request)
                os.close(ready_w)
                os.read(ready_r, 1)  # the child leads its group: the server may signal it
                os.close(ready_r)
                conn.sendall(json.dumps({"pid": pid}).encode() + b"\n")
            except Exception as exc:  # noqa: BLE001 - one bad request must not end the helper
                try:
                    conn.sendall(json.dumps({"error": str(exc)}).encode() + b"\n")
                except OSError:
                    pass
    server.close()


if __name__ == "__main__":
    serve(sys.argv[1], sys.argv[2:])
