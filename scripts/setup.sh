#!/usr/bin/env bash
# Set up everything the dashboard and the tests need, on a fresh machine or again.
# Idempotent: a second run only checks. Override the venv with VENV=path.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
PYTHON="${PYTHON:-python3}"

need() { command -v "$1" >/dev/null 2>&1 || { echo "setup: '$1' is required but not found. $2" >&2; exit 1; }; }
need "$PYTHON" "Install Python 3.10 or newer."
need node "Install Node.js 18 or newer (e.g. apt-get install -y nodejs npm)."
need npm "Install npm (e.g. apt-get install -y npm)."

if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi

echo "setup: npm ci (front-end build tools, from package-lock.json)"
npm ci --no-audit --no-fund --loglevel=error

# [test] includes [serve], the dashboard server (Voilà) that `make dashboard` runs.
echo "setup: pip install -e .[test] (with the [serve] extra; builds the front end into taf_widgets/static)"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet -e ".[test]"

# The browser tests drive Debian's Chromium (never a downloaded browser build).
CHROMIUM="${TAF_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ] && [ "${SKIP_BROWSER_INSTALL:-0}" != "1" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing Chromium from Debian (apt-get install -y chromium)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "setup: Chromium not found at $CHROMIUM. Install it (sudo apt-get install -y chromium)" \
         "or point TAF_CHROMIUM at a Chromium binary; the browser tests need it." >&2
  fi
fi
"$VENV/bin/python" -c "import taf_widgets, pathlib; p = pathlib.Path(taf_widgets.__file__).parent / 'static' / 'recipe.js'; assert p.exists(), p; print('setup: taf-widgets', taf_widgets.__version__, 'ready, bundle', p.stat().st_size, 'bytes')"
"$VENV/bin/python" -c "from taf_widgets.serving.serve import missing_module; m = missing_module(); assert m is None, f'setup: the dashboard server lacks {m}'; print('setup: the dashboard server (the [serve] extra) is installed')"
