"""Kernels forked from a warm helper (taf_widgets.serving.forkkernel): they start without importing,
run like any kernel (their own folder, environment and widget comm targets), end when asked or
when the helper ends, and anything the helper cannot do is started the usual way."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time

import psutil
import pytest
from jupyter_client.manager import AsyncKernelManager
from traitlets.config import Config

from taf_widgets.serving import forkkernel
from taf_widgets.serving.forkkernel import ForkedProcess, ForkProvisioner, forkable

pytestmark = pytest.mark.skipif(not forkkernel.supported(), reason="forking kernels is Linux only")


def run(coro):
    """asyncio.run in a thread of its own: in the full suite, Playwright's sync API keeps an event
    loop running in this one."""
    import threading

    outcome: dict = {}

    def target():
        try:
            outcome["value"] = asyncio.run(coro)
        except BaseException as exc:  # noqa: BLE001 - re-raised below, in the test's thread
            outcome["error"] = exc

    worker = threading.Thread(target=target)
    worker.start()
    worker.join(300)
    assert not worker.is_alive(), "the scenario did not finish within 300 s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


async def start(tmp_path, preload=("taf_widgets.dashboard",), env_extra=None, kernel_name="python3"):
    config = Config()
    config.KernelManager.transport = "ipc"
    config.ForkProvisioner.preload = list(preload)
    km = AsyncKernelManager(config=config, kernel_name=kernel_name)
    km.connection_file = str(tmp_path / f"kernel-{os.urandom(4).hex()}.json")
    # the factory picks the provisioner by name, as --KernelProvisionerFactory... does in a server
    from jupyter_client.provisioning.factory import KernelProvisionerFactory

    KernelProvisionerFactory.instance().default_provisioner_name = "taf-fork"
    await km.start_kernel(cwd=str(tmp_path), env={**os.environ, "TAF_FORK_TEST": "here", **(env_extra or {})})
    kc = km.client()
    kc.start_channels()
    await kc.wait_for_ready(timeout=60)
    return km, kc


async def execute(kc, code: str) -> str:
    out: list[str] = []

    def hook(msg):
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])
        elif msg["msg_type"] == "error":
            out.append("ERROR " + msg["content"]["ename"] + ": " + msg["content"]["evalue"])

    await kc.execute_interactive(code, timeout=60, output_hook=hook)
    return "".join(out)


@pytest.fixture(autouse=True)
def fresh_helpers():
    yield
    for h in list(forkkernel._HELPERS.values()):
        h.close()
    forkkernel._HELPERS.clear()
    from jupyter_client.provisioning.factory import KernelProvisionerFactory

    KernelProvisionerFactory.clear_instance()


def test_only_this_pythons_ipykernel_is_forkable():
    assert forkable([sys.executable, "-m", "ipykernel_launcher", "-f", "k.json"])
    assert not forkable(["/usr/bin/other-python", "-m", "ipykernel_launcher", "-f", "k.json"])
    assert not forkable([sys.executable, "-m", "some_other_kernel", "-f", "k.json"])
    assert not forkable([sys.executable])


def test_a_forked_kernel_runs_the_notebook_in_its_folder_and_environment(tmp_path):
    async def scenario():
        km, kc = await start(tmp_path)
        try:
            assert isinstance(km.provisioner, ForkProvisioner)
            kernel = psutil.Process(km.provisioner.pid)
            helper = forkkernel._HELPERS[("taf_widgets.dashboard",)]
            assert kernel.ppid() == helper.proc.pid  # forked by the helper, not started by us
            assert os.getpgid(kernel.pid) == kernel.pid  # leads its own process group
            text = await execute(
                kc,
                "import os, sys, ipywidgets\n"
                "print(os.getcwd(), os.environ['TAF_FORK_TEST'], 'taf_widgets.dashboard' in sys.modules, 'bqplot' in sys.modules)\n"
                "print(sorted(get_ipython().kernel.comm_manager.targets))\n"
                "from taf_widgets import RecipeWidget\n"
                "print(RecipeWidget('X-2', T_eval=32000).result['verdict'])",
            )
            lines = text.splitlines()
            assert lines[0] == f"{tmp_path} here True False"  # the preloads are there before any cell runs
            assert "jupyter.widget.control" in lines[1] and "'jupyter.widget'" in lines[1]
            assert lines[2] in ("YES", "NO", "CAUTION")
            # a second kernel gets its own environment, not the first one's
            km2, kc2 = await start(tmp_path, env_extra={"TAF_FORK_TEST": "there"})
            try:
                assert (await execute(kc2, "import os; print(os.environ['TAF_FORK_TEST'])")).strip() == "there"
                assert km2.provisioner.pid != km.provisioner.pid
            finally:
                kc2.stop_channels()
                await km2.shutdown_kernel()
        finally:
            kc.stop_channels()
            await km.shutdown_kernel()
        assert not await km.is_alive()
        assert not psutil.pid_exists(kernel.pid) or kernel.status() == psutil.STATUS_ZOMBIE

    run(scenario())


def test_interrupt_and_kill_reach_a_forked_kernel(tmp_path):
    async def scenario():
        km, kc = await start(tmp_path)
        try:
            msg_id = kc.execute(
                "import time\ntry:\n    time.sleep(30)\nexcept KeyboardInterrupt:\n    print('interrupted')"
            )
            await asyncio.sleep(1.0)
            t0 = time.monotonic()
            await km.interrupt_kernel()
            reply = await kc.get_shell_msg(timeout=20)
            while reply["parent_header"].get("msg_id") != msg_id:
                reply = await kc.get_shell_msg(timeout=20)
            assert time.monotonic() - t0 < 10
            assert await km.is_alive()
            pid = km.provisioner.pid
            await km.provisioner.kill()
            for _ in range(50):
                if not await km.is_alive():
                    break
                await asyncio.sleep(0.1)
            assert not await km.is_alive()
            assert await km.provisioner.poll() == -signal.SIGKILL
            assert not psutil.pid_exists(pid)
        finally:
            kc.stop_channels()
            await km.shutdown_kernel(now=True)

    run(scenario())


def test_kernels_end_when_their_helper_ends(tmp_path):
    async def scenario():
        km, kc = await start(tmp_path)
        kc.stop_channels()
        kernel = psutil.Process(km.provisioner.pid)
        forkkernel._HELPERS[("taf_widgets.dashboard",)].close()  # as when the server's process group is stopped
        kernel.wait(timeout=15)  # ipykernel's parent poller sees its parent gone
        assert not await km.is_alive()
        await km.shutdown_kernel(now=True)

    run(scenario())


def test_what_the_helper_cannot_do_is_started_the_usual_way(tmp_path, caplog, monkeypatch):
    # a helper that died: its socket never answers
    broken = forkkernel.Helper(("taf_widgets",))
    broken.proc.kill()
    broken.proc.wait()
    monkeypatch.setattr(forkkernel, "helper", lambda preload: broken)

    async def scenario():
        km, kc = await start(tmp_path)
        try:
            # started as Popen starts kernels: the server's own child, running ipykernel_launcher
            kernel = psutil.Process(km.provisioner.pid)
            assert kernel.ppid() == os.getpid()
            assert "ipykernel_launcher" in " ".join(kernel.cmdline())
            assert (await execute(kc, "print(6 * 7)")).strip() == "42"
        finally:
            kc.stop_channels()
            await km.shutdown_kernel()

    with caplog.at_level("WARNING"):
        run(scenario())
    broken.close()
    assert any(
        "Starting the kernel without forking: the kernel helper failed" in r.getMessage() for r in caplog.records
    )


def test_a_module_that_fails_to_preload_does_not_stop_the_helper(tmp_path):
    async def scenario():
        km, kc = await start(tmp_path, preload=("no_such_module_here", "taf_widgets"))
        try:
            assert isinstance(km.provisioner.process, ForkedProcess)
            assert (await execute(kc, "import sys; print('taf_widgets' in sys.modules)")).strip() == "True"
        finally:
            kc.stop_channels()
            await km.shutdown_kernel()

    run(scenario())


def test_forked_process_sees_the_exit_of_a_process_it_did_not_start():
    # a grandchild, as a kernel is the helper's child: its exit is seen through the pidfd
    code = (
        "import os, sys, time\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    os.setsid(); n = os.open(os.devnull, os.O_RDWR); os.dup2(n, 1); os.dup2(n, 2)\n"
        "    time.sleep(60); os._exit(0)\n"
        "print(pid, flush=True)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30).stdout
    fp = ForkedProcess(int(out))
    assert fp.poll() is None
    with pytest.raises(subprocess.TimeoutExpired):
        fp.wait(0.2)
    fp.terminate()
    assert fp.wait(10) == -signal.SIGTERM
    assert fp.poll() == -signal.SIGTERM
    fp.kill()  # after its exit: nothing to signal, no error
