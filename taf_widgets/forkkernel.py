"""The ``taf-fork`` kernel provisioner, kept at its old name: :mod:`taf_widgets.serving.forkkernel`.

It installs with the ``serve`` extra (``pip install 'taf-widgets[serve]'``). The server starts
its helper process as ``python -m taf_widgets.forkkernel``, the name process lists have always
shown, so this module also runs the helper when executed.
"""

from __future__ import annotations

import sys

from .serving.forkkernel import (
    DEFAULT_PRELOAD,
    ForkedProcess,
    ForkProvisioner,
    Helper,
    forkable,
    helper,
    serve,
    supported,
)

__all__ = ["DEFAULT_PRELOAD", "ForkProvisioner", "ForkedProcess", "Helper", "forkable", "helper", "serve", "supported"]

if __name__ == "__main__":
    serve(sys.argv[1], sys.argv[2:])
