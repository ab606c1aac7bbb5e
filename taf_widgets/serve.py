"""``python -m taf_widgets.serve``: the dashboard server, kept at its old name.

The server is :mod:`taf_widgets.serving.serve` and installs with the ``serve`` extra
(``pip install 'taf-widgets[serve]'``). This module re-exports its names and runs it as a
command; importing it needs nothing beyond the widgets' own dependencies.
"""

from __future__ import annotations

from .serving.serve import (
    DEFAULT_ARGS,
    FORK_ARG,
    TEMPLATE,
    TEMPLATE_ROOT,
    default_args,
    install_compression,
    install_nodelay,
    install_template_path,
    install_xsrf_cookie,
    main,
    with_defaults,
)

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
    "with_defaults",
]

if __name__ == "__main__":
    main()
