"""Serve notebooks with Voilà, with TCP_NODELAY on the websockets.

    python -m taf_widgets.serve examples/dashboard.ipynb --no-browser --Voila.ip=127.0.0.1 ...

Why: tornado leaves Nagle's algorithm on for websockets. One widget update is a burst of
small frames (the panel's state, then each chart mark's), and with the browser's delayed
ACK the later frames of a burst can wait about 40 ms on loopback. Turning Nagle off sends
each frame at once. Everything else is plain Voilà: the arguments are Voilà's own.
"""

from __future__ import annotations

import sys
from typing import Sequence

__all__ = ["install_nodelay", "main"]


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


def main(argv: Sequence[str] | None = None) -> None:
    """Run Voilà with ``argv`` (default: this process's arguments) and TCP_NODELAY on."""
    install_nodelay()
    from voila.app import main as voila_main

    sys.argv = ["voila", *(sys.argv[1:] if argv is None else argv)]
    voila_main()


if __name__ == "__main__":
    main()
