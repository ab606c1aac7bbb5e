"""Serve notebooks with Voilà, set up for a room full of users on one server.

    python -m taf_widgets.serve examples/dashboard.ipynb --no-browser --Voila.ip=127.0.0.1 ...

It needs the ``serve`` extra (``pip install 'taf-widgets[serve]'``): without it the command says
so in one line and exits with status 2. Everything is plain Voilà (the arguments are Voilà's own)
plus these changes:

* **TCP_NODELAY on the websockets.** tornado leaves Nagle's algorithm on. One widget update
  is a burst of small frames (the panel's state, then each chart mark's), and with the
  browser's delayed ACK the later frames of a burst can wait about 40 ms on loopback.
* **A kernel ends when its page closes.** On ``beforeunload`` Voilà's page posts a shutdown
  request carrying the ``_xsrf`` cookie's value, but Voilà's page never sets that cookie, so
  the request is refused (403, voila-dashboards/voila#1458) and the kernel lives on. Here the
  page's response sets the cookie; the XSRF check stays on for every request.
* **Defaults that survive a crowd** (:data:`DEFAULT_ARGS`; a setting the caller passes
  replaces the default's): execution timeouts long enough for a CPU
  shared by dozens of kernels starting at once (nbclient's default of 4 s for a cell's
  outputs drops the widgets of a page whose kernel was starved), kernels on Unix sockets
  (no TCP port races when many start together), and culling of kernels whose
  page is gone: a kernel with no page connected and idle for 60 s is shut down (checked every
  15 s); a kernel with its page open is never culled.
* **Kernels forked from a warm process** (:mod:`taf_widgets.serving.forkkernel`): a helper started
  with the server imports ipykernel and the dashboard's modules once; each page's kernel is a
  fork of it, so it skips about 0.8 s of imports. Pass
  ``--KernelProvisionerFactory.default_provisioner_name=local-provisioner`` to start kernels
  the usual way.
* **Compressed responses** (tornado's ``compress_response``): a first visit downloads about
  6 MB of Voilà's scripts and styles, about 1.9 MB gzipped; on a classroom's shared Wi-Fi
  that is most of the wait.
* **No request to any other host** (:data:`DEFAULT_ARGS` again): the page is drawn with the
  ``taf`` template shipped in the package (``taf_widgets/serving/share/voila/templates/taf``), Voilà's
  ``lab`` template less its two Font Awesome stylesheets from cdn.jsdelivr.net (Voilà's own
  scripts already carry that font; offline, each link was a console error). The page looks
  the same. The ``jupyterlab_pygments`` extension, syntax colours for the sources Voilà does
  not show, is not loaded. ``--template=lab`` brings Voilà's own template back.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Sequence
from pathlib import Path

from . import EXTRA_HINT

__all__ = [
    "DEFAULT_ARGS",
    "FORK_ARG",
    "TEMPLATE",
    "TEMPLATE_ROOT",
    "default_args",
    "install_compression",
    "install_nodelay",
    "install_template_path",
    "install_xsrf_cookie",
    "main",
    "missing_module",
    "with_defaults",
]

#: The Voilà template the dashboard is served with (``--template=NAME`` picks another).
TEMPLATE = "taf"
#: A Jupyter data folder inside the package: the template is ``voila/templates/taf`` in it.
TEMPLATE_ROOT = Path(__file__).resolve().parent / "share"

#: Voilà/Jupyter server settings applied before the caller's own arguments.
DEFAULT_ARGS: tuple[str, ...] = (
    # Wait up to 60 s (nbclient: 4 s) for a cell's outputs after it ran, and up to 5 min
    # (Voilà: 60 s) for a kernel to start, rather than serve a page without its widgets.
    "--VoilaExecutor.iopub_timeout=60",
    "--VoilaExecutor.startup_timeout=300",
    # Kernels talk to the server over Unix sockets in Voilà's private connection folder: with
    # TCP, kernels starting together can race for the same port and fail to start.
    "--KernelManager.transport=ipc",
    # A kernel whose page is gone (no websocket) and idle for 60 s is shut down; a page that
    # stays open keeps its kernel however long it idles.
    "--MappingKernelManager.cull_idle_timeout=60",
    "--MappingKernelManager.cull_interval=15",
    "--MappingKernelManager.cull_connected=False",
    # Voilà's lab template without the stylesheets it links from a CDN (see TEMPLATE_ROOT).
    f"--VoilaConfiguration.template={TEMPLATE}",
    # Syntax-highlighting styles: Voilà strips the sources, there is nothing to colour.
    "--VoilaConfiguration.extension_denylist=jupyterlab_pygments",
)

#: The kernel provisioner that forks kernels (an entry point of this package).
FORK_ARG = "--KernelProvisionerFactory.default_provisioner_name=taf-fork"

# Voilà's short names for the settings above: a caller's ``--template=lab`` replaces the default
# ``--VoilaConfiguration.template``.
_ALIASES = {"template": "VoilaConfiguration.template"}


def install_nodelay() -> None:
    """Make every tornado websocket set TCP_NODELAY before its first write (idempotent)."""
    import tornado.websocket as websocket

    write = websocket.WebSocketHandler.write_message
    if getattr(write, "_taf_nodelay", False):
        return

    def write_message(self, message, binary=False):
        if not getattr(self, "_taf_nodelay_set", False):
            self._taf_nodelay_set = True
            try:
                self.set_nodelay(True)
            except Exception:  # a closed stream: the write below reports it
                pass
        return write(self, message, binary)

    write_message._taf_nodelay = True
    websocket.WebSocketHandler.write_message = write_message


def install_xsrf_cookie() -> None:
    """Make Voilà's notebook page set the ``_xsrf`` cookie (idempotent).

    The page's unload handler sends the cookie's value as the ``_xsrf`` field of its
    shutdown request; with the cookie set, that request passes the server's ordinary XSRF
    check and the kernel is shut down when the tab closes. Reading ``xsrf_token`` is how
    tornado sets the cookie; nothing else about the check changes.
    """
    from voila.handler import VoilaHandler

    prepare = VoilaHandler.prepare
    if getattr(prepare, "_taf_xsrf", False):
        return

    async def prepare_with_cookie(self, *args, **kwargs):
        result = prepare(self, *args, **kwargs)
        if result is not None and hasattr(result, "__await__"):
            result = await result
        if not self._finished:
            self.xsrf_token  # noqa: B018 - the property sets the cookie
        return result

    prepare_with_cookie._taf_xsrf = True
    VoilaHandler.prepare = prepare_with_cookie


def default_args() -> tuple[str, ...]:
    """:data:`DEFAULT_ARGS`, plus :data:`FORK_ARG` where kernels can be forked (Linux, with this
    package installed so that Jupyter finds its provisioner)."""
    from importlib.metadata import entry_points

    from .forkkernel import supported

    found = any(e.name == "taf-fork" for e in entry_points(group="jupyter_client.kernel_provisioners"))
    return DEFAULT_ARGS + ((FORK_ARG,) if supported() and found else ())


def _name(arg: str) -> str:
    key = arg[2:].split("=", 1)[0]
    return _ALIASES.get(key, key)


def _given(argv: Sequence[str]) -> set[str]:
    return {_name(a) for a in argv if a.startswith("--")}


def with_defaults(argv: Sequence[str]) -> list[str]:
    """``argv`` after the :func:`default_args` it does not set itself (``--Name=value`` or
    ``--Name value``): traitlets refuses a setting given twice."""
    given = _given(argv)
    return [a for a in default_args() if _name(a) not in given] + list(argv)


def install_template_path() -> None:
    """Add :data:`TEMPLATE_ROOT` to the folders Voilà searches for templates and their static
    files, after all the usual ones (idempotent): a ``taf`` template the user installed wins.

    Voilà looks templates up in the Jupyter data folders each time it needs one (the page, its
    static files). ``JUPYTER_PATH`` would add the folder too, but first, for every lookup: Voilà
    takes the first ``voila`` folder it finds there as its data folder, and would lose its themes.
    """
    import voila.paths as paths

    default_root_dirs = paths._default_root_dirs
    if getattr(default_root_dirs, "_taf_template", False):
        return

    def root_dirs_with_package():
        dirs = default_root_dirs()
        return dirs if str(TEMPLATE_ROOT) in dirs else [*dirs, str(TEMPLATE_ROOT)]

    root_dirs_with_package._taf_template = True
    paths._default_root_dirs = root_dirs_with_package


def install_compression() -> None:
    """Make Voilà's tornado application gzip its responses (idempotent). The setting must be
    there when the application is built (Voilà's ``tornado_settings`` come too late)."""
    from voila.app import Voila

    init_settings = Voila.init_settings
    if getattr(init_settings, "_taf_gzip", False):
        return

    def init_settings_gzip(self, *args, **kwargs):
        settings = init_settings(self, *args, **kwargs)
        settings.setdefault("compress_response", True)
        return settings

    init_settings_gzip._taf_gzip = True
    Voila.init_settings = init_settings_gzip


def missing_module() -> str | None:
    """The name of a module the server needs that is not installed (the ``serve`` extra's), or None."""
    # Voilà first: it is the one a plain install lacks, and the one to name
    for name in ("voila.app", "jupyter_client.provisioning", "tornado.websocket"):
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:  # the top-level package, not the submodule
            return (exc.name or name).partition(".")[0]
    # the kernels' own package: the server never imports it, the kernels it starts do
    return None if importlib.util.find_spec("ipykernel") else "ipykernel"


def main(argv: Sequence[str] | None = None) -> None:
    """Run Voilà with ``argv`` (default: this process's arguments) and :data:`DEFAULT_ARGS`.

    Without the ``serve`` extra, print what to install and exit with status 2."""
    missing = missing_module()
    if missing is not None:
        print(f"taf_widgets.serve needs the [serve] extra (no module named {missing!r}): {EXTRA_HINT}", file=sys.stderr)
        raise SystemExit(2)
    install_nodelay()
    install_xsrf_cookie()
    install_compression()
    install_template_path()
    from voila.app import main as voila_main

    args = with_defaults(sys.argv[1:] if argv is None else argv)
    if FORK_ARG in args and "ForkProvisioner.preload" not in _given(args):
        from . import forkkernel

        forkkernel.helper(forkkernel.DEFAULT_PRELOAD)  # it imports while Voilà starts
    sys.argv = ["voila", *args]
    voila_main()


if __name__ == "__main__":
    main()
