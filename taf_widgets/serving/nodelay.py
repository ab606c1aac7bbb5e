"""An opt-in Jupyter server extension: TCP_NODELAY on the server's websockets.

Its name is ``taf_widgets.nodelay`` (a module that re-exports this one's hooks):

    jupyter lab --ServerApp.jpserver_extensions='{"taf_widgets.nodelay": True}'
    # or, once for this environment:
    jupyter server extension enable taf_widgets.nodelay

tornado leaves Nagle's algorithm on for websockets. One widget update is a burst of small
frames, and with the browser's delayed ACK the later frames of a burst can wait about 40 ms.
This extension makes every websocket of the Jupyter server (kernels included) send each frame
at once, as ``python -m taf_widgets.serve`` does for Voilà. It changes a server-wide socket
option, so it is never enabled by installing the package: enable it yourself, as above.
Turning it off again: ``jupyter server extension disable taf_widgets.nodelay``.
"""

from __future__ import annotations

from typing import Any

from .serve import install_nodelay

__all__ = ["install_nodelay"]


def _jupyter_server_extension_points() -> list[dict]:
    # the extension's one name, whichever of the two modules the server was pointed at
    return [{"module": "taf_widgets.nodelay"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    install_nodelay()
    serverapp.log.info("taf_widgets.nodelay: TCP_NODELAY on for the server's websockets")
