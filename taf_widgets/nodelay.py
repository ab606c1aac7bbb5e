"""The opt-in ``taf_widgets.nodelay`` Jupyter server extension (TCP_NODELAY on the websockets).

Enable it by this name, as before: ``jupyter server extension enable taf_widgets.nodelay``.
The code is :mod:`taf_widgets.serving.nodelay`; it needs tornado, which the Jupyter server
that loads it brings (or ``pip install 'taf-widgets[serve]'``).
"""

from __future__ import annotations

# The two hooks are how the Jupyter server loads an extension: it looks them up by name here.
from .serving.nodelay import (  # noqa: F401
    _jupyter_server_extension_points,
    _load_jupyter_server_extension,
    install_nodelay,
)

__all__ = ["install_nodelay"]
