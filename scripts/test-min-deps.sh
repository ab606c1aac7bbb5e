#!/usr/bin/env bash
# Prove the lower bounds in pyproject.toml: install the minimum runtime versions in a fresh
# venv and run the widget and core tests (no browser) against them. The venv has no extras, so
# it also proves the widgets need no Voilà (tests/test_serve_extra.py, with the server really absent).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${MIN_VENV:-.venv-min}"
PYTHON="${PYTHON:-python3}"
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet -r constraints/minimum.txt pytest hypothesis numpy
# The package itself without resolving dependencies again: the pins above are what is tested.
"$VENV/bin/python" -m pip install --quiet --no-deps -e .
"$VENV/bin/python" -c "import anywidget, ipywidgets, traitlets, bqplot; print('minimum versions:', 'anywidget', anywidget.__version__, 'ipywidgets', ipywidgets.__version__, 'traitlets', traitlets.__version__, 'bqplot', bqplot.__version__)"
"$VENV/bin/python" -m pytest -q -p no:cacheprovider tests/test_widget.py tests/test_compare_card.py \
  tests/test_widget_properties.py tests/test_recipes.py tests/test_cli.py tests/test_serve_extra.py
