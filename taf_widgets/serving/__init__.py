"""The dashboard server: Voilà set up for a room full of users (``pip install 'taf-widgets[serve]'``).

* :mod:`taf_widgets.serving.serve`: ``python -m taf_widgets.serve``, Voilà with the settings
  for a crowd and the package's ``taf`` template (in ``share/voila/templates/taf`` here);
* :mod:`taf_widgets.serving.forkkernel`: the ``taf-fork`` kernel provisioner, kernels forked
  from a warm process;
* :mod:`taf_widgets.serving.nodelay`: the opt-in Jupyter server extension that turns
  TCP_NODELAY on for the server's websockets.

The widgets need none of this: it installs with the ``serve`` extra, and importing this package
imports nothing of Voilà, Jupyter's server or its kernels.
"""

from __future__ import annotations

__all__ = ["EXTRA_HINT"]

#: How to install what the server needs.
EXTRA_HINT = "pip install 'taf-widgets[serve]'"
